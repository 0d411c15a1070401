#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The one test entry point: set up the host, build, run every suite and
# print "N passed, N failed" last.  Exit status 0 only when nothing failed.
#
#   scripts/test.sh [--no-cache] [--full-matrix] [--suite unit|sanitize|qtest|guest]...
#
#   unit      core unit tests (standalone meson build, no QEMU)
#   sanitize  the same unit tests built with ASan + UBSan
#   qtest     qtests against the built qemu-system-aarch64
#   guest     real Debian kernels booted on upstream smmuv3 and on
#             smmuv3-modern (see scripts/guest-suite.sh), and the self-built
#             IOMMUFD kernel with the iommufd exerciser (scripts/iommufd-run.sh)
# Without --suite, all of them run.  Logs: out/test/.
usage() { sed -n '4,15p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

suites=()
full_matrix=0
while [ $# -gt 0 ]; do
    case "$1" in
        --no-cache) export SMMU_NO_CACHE=1 ;;
        --full-matrix) full_matrix=1 ;;
        --suite) shift; suites+=("${1:?--suite needs a name}") ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 >&2 ;;
    esac
    shift
done
[ ${#suites[@]} -gt 0 ] || suites=(unit sanitize qtest guest)

. "$(dirname "$0")/lib.sh"
cd "$SMMU_TOP"

logdir="$SMMU_TOP/out/test"
rm -rf "$logdir"
mkdir -p "$logdir"
tap() { /usr/bin/python3 "$SMMU_TOP/scripts/tap-run.py" --log "$logdir" "$@"; }
t0=$(date +%s)
stamp() { log "$1 done in $(( $(date +%s) - t0 ))s"; }

"$SMMU_TOP/scripts/setup-host.sh"
stamp setup

want() { printf '%s\n' "${suites[@]}" | grep -qx "$1"; }

# Run every test of a standalone meson build folder through tap-run.
run_meson_tests() {
    local suite=$1 builddir=$2
    local name cmd
    while IFS=$'\t' read -r name cmd; do
        # shellcheck disable=SC2086
        tap --timeout 600 "$suite" "$name" -- $cmd || true
    done < <(meson introspect "$builddir" --tests | /usr/bin/python3 -c '
import json, shlex, sys
for t in json.load(sys.stdin):
    print(t["name"] + "\t" + " ".join(shlex.quote(c) for c in t["cmd"]))')
}

core_build() {  # core_build DIR [meson options]
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$SMMU_TOP" "$@" >"$logdir/meson-setup-$(basename "$dir").log" 2>&1 ||
            { cat "$logdir/meson-setup-$(basename "$dir").log" >&2; return 1; }
    fi
    ninja -C "$dir" >"$logdir/ninja-$(basename "$dir").log" 2>&1 ||
        { tail -40 "$logdir/ninja-$(basename "$dir").log" >&2; return 1; }
}

if want unit; then
    if core_build "$SMMU_TOP/build/core"; then
        run_meson_tests unit "$SMMU_TOP/build/core"
    else
        tap unit build -- /bin/false || true
    fi
    stamp unit
fi

if want sanitize; then
    if core_build "$SMMU_TOP/build/core-asan" -Db_sanitize=address,undefined \
            -Db_lundef=false; then
        export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
        export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
        run_meson_tests sanitize "$SMMU_TOP/build/core-asan"
    else
        tap sanitize build -- /bin/false || true
    fi
    stamp sanitize
fi

qemu_build=""
if want qtest || want guest; then
    if qemu_build=$("$SMMU_TOP/scripts/build-qemu.sh"); then
        stamp "qemu build"
    else
        tap qemu build -- /bin/false || true
        qemu_build=""
    fi
fi

if want qtest && [ -n "$qemu_build" ]; then
    for t in "$qemu_build"/tests/qtest/smmuv3-modern/*-test; do
        QTEST_QEMU_BINARY="$qemu_build/qemu-system-aarch64" \
            tap --timeout 900 qtest "$(basename "$t")" -- "$t" --tap || true
    done
    # The store feeder under TCG: a bare-metal image doing every access
    # shape to a live STE (tests/tcg-store/).
    tap --timeout 300 qtest tcg-store -- /usr/bin/python3 \
        "$SMMU_TOP/tests/tcg-store/run.py" "$qemu_build/qemu-system-aarch64" ||
        true
    stamp qtest
fi

if want guest && [ -n "$qemu_build" ]; then
    if [ -x "$SMMU_TOP/scripts/guest-suite.sh" ]; then
        for iommu in smmuv3 smmuv3-modern; do
            QEMU="$qemu_build/qemu-system-aarch64" \
                tap --timeout 2400 "guest-$iommu" "$iommu" -- \
                "$SMMU_TOP/scripts/guest-suite.sh" --iommu "$iommu" || true
        done
        # The self-built kernel (IOMMUFD, KUnit) and the iommufd exerciser
        # (scripts/iommufd-run.sh; the kernel build is cached per machine),
        # with its default feeder, store.
        QEMU="$qemu_build/qemu-system-aarch64" \
            tap --timeout 3000 guest-iommufd iommufd -- \
            "$SMMU_TOP/scripts/iommufd-run.sh" || true
    else
        tap guest suite -- /bin/false || true
    fi
    # The kernel x mode x check matrix (scripts/matrix.sh, KTAP): its fast
    # subset (trixie and sid, DMA, store; the maintenance checker on in
    # every cell), or all 18 cells with --full-matrix.
    matrix_args=(--fast)
    [ "$full_matrix" = 0 ] || matrix_args=()
    QEMU="$qemu_build/qemu-system-aarch64" \
        tap --timeout 5400 guest-matrix matrix -- \
        "$SMMU_TOP/scripts/matrix.sh" "${matrix_args[@]}" \
        --out "$logdir/matrix" || true
    stamp guest
fi

/usr/bin/python3 "$SMMU_TOP/scripts/tap-run.py" --summary "$logdir"
