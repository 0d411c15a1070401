#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The iommufd run: build (or reuse) the self-built kernel with IOMMUFD and
# KUnit, build the iommufd exerciser against its uAPI headers, boot it on
# iommu=smmuv3-modern with the guest workload plus the exerciser, and print
# TAP: the kernel's KUnit cases, every workload and exerciser check, the
# model's tear-report verdict; then, as TAP comments, each exerciser step
# with the report records of edu's StreamID in its time span, the report
# summary per StreamID and the seed-property evidence.
#
#   scripts/iommufd-run.sh [--out DIR] [--timeout S] [--qemu BINARY]
#                          [--tear-check sync|store] [--append "ARGS"]
#                          [--no-cache]
#
#   --out         default out/iommufd: console.log, tear-report.jsonl,
#                 tear-report.html, steps.txt (the step/record table)
#   --timeout     guest wall-clock limit (default 900: TCG on 2 shared cores)
#   --tear-check  the model's feeder (default store: every guest store to
#                 a watched STE/CD is seen, with its PC)
#   --append      more kernel command line; the default workload is cut to
#                 smmum.extra=0 smmum.types=identity,DMA (override here)
#
# The model's ID registers are read from a qtest instance of the same
# QEMU with the same -global settings and given to the guest as
# smmum.idr=..., so the exerciser checks IOMMU_GET_HW_INFO against them.
# When Debian's archive cannot serve the kernel source and no build is
# cached, the run is one "ok 1 - ... # skip archive: <reason>".
for _a in "$@"; do [ "$_a" = --no-cache ] && export SMMU_NO_CACHE=1; done
. "$(dirname "$0")/lib.sh"

out=""
timeout=900
qemu=${QEMU:-}
feeder=store
append=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=${2:?}; shift ;;
        --timeout) timeout=${2:?}; shift ;;
        --qemu) qemu=${2:?}; shift ;;
        --tear-check) feeder=${2:?}; shift ;;
        --append) append=${2?}; shift ;;
        --no-cache) ;;  # handled before lib.sh is sourced
        -h|--help) sed -n '4,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1" ;;
    esac
    shift
done
case "$feeder" in sync|store) ;; *) die "--tear-check must be sync or store" ;; esac
out=${out:-$SMMU_TOP/out/iommufd}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
mkdir -p "$out"

n=0
bad=0
finish() { echo "1..$n"; [ "$bad" -eq 0 ]; exit $?; }

# ---- the host-side report tool (no guest; fails on a broken tool) ----
if selftest=$(/usr/bin/python3 "$SMMU_TOP/tests/guest/iommufd/report-test.py" \
              "$SMMU_TOP/scripts" 2>&1); then
    tap ok "iommufd report tool self-test ($(echo "$selftest" | grep -c '^ok') checks)"
else
    echo "$selftest" | grep -v '^ok' | diag
    tap not-ok "iommufd report tool self-test"
fi

# ---- kernel ----
rc=0
kout=$("$SMMU_TOP/scripts/build-kernel.sh" 2> "$out/build-kernel.err") || rc=$?
diag < "$out/build-kernel.err"
if [ "$rc" = 2 ]; then
    tap ok "iommufd kernel" "skip ${kout#skipped: }"
    finish
elif [ "$rc" != 0 ] || [ ! -f "$kout" ]; then
    tap not-ok "iommufd kernel build (see $out/build-kernel.err)"
    finish
fi
envf=$kout
# shellcheck disable=SC1090
. "$envf"
tap ok "iommufd kernel $KVER ($PKG $PKGVER)"

# ---- QEMU ----
if [ -z "$qemu" ]; then
    qemu="$("$SMMU_TOP/scripts/build-qemu.sh")/qemu-system-aarch64" ||
        { tap not-ok "qemu build"; finish; }
fi
extra="-global arm-smmuv3-modern.tear-check=$feeder
       -global arm-smmuv3-modern.tear-report=$out/tear-report.jsonl
       ${SMMUM_QEMU_EXTRA:-}"
# The project's PCIe test endpoint, for PASID with DMA, when QEMU has it.
if "$qemu" -device help 2>&1 | grep -q 'name "smmuv3-modern-testdev"'; then
    extra="$extra -device smmuv3-modern-testdev"
fi

# The model's IDR0..5 as this QEMU and these properties make them (the
# SMMU's page 0 on virt is at 0x09050000), from a qtest instance (qtest
# does not exit at the end of its input: it is stopped once it answered).
model_idrs() {
    local d pid i
    d=$(mktemp -d)
    mkfifo "$d/in"
    # shellcheck disable=SC2086
    "$qemu" -M virt,gic-version=3,iommu=smmuv3-modern -display none \
        -nodefaults -qtest stdio -accel qtest ${SMMUM_QEMU_EXTRA:-} \
        < "$d/in" > "$d/out" 2>/dev/null &
    pid=$!
    exec 9> "$d/in"
    printf 'readl 0x%x\n' 0x09050000 0x09050004 0x09050008 0x0905000c \
        0x09050010 0x09050014 >&9
    for i in $(seq 150); do
        [ "$(grep -c '^OK' "$d/out")" -ge 6 ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    exec 9>&-
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    sed -n 's/^OK 0x0*\([0-9a-f]\{1,8\}\)$/\1/p' "$d/out" | paste -sd, -
    rm -rf "$d"
}
idr=$(model_idrs)
if [ "$(echo "$idr" | tr ',' '\n' | grep -c .)" = 6 ]; then
    tap ok "model IDR0..5 read over qtest: $idr"
else
    tap not-ok "model IDRs over qtest (got '$idr')"
    idr=""
fi

# ---- the exerciser, against this kernel's uAPI headers ----
src="$SMMU_TOP/tests/guest/iommufd"
xkey=$( (cat "$src"/* "$src/../vfio-common.h" \
            "$SMMU_TOP/hw/arm/smmuv3-modern/smmuv3-modern-testdev.h"
        echo "$HDRDIR") | hash_stdin)
xdir="$SMMU_CACHE/iommufd-extra/$xkey"
if [ ! -f "$xdir/.done" ]; then
    rm -rf "$xdir"
    mkdir -p "$xdir/root/bin" "$xdir/root/etc/smmum-extra.d"
    if ! aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror \
            -I "$HDRDIR" -o "$xdir/root/bin/iommufd-exerciser" \
            "$src/iommufd-exerciser.c" 2> "$out/exerciser-build.log"; then
        diag < "$out/exerciser-build.log"
        tap not-ok "iommufd-exerciser build"
        finish
    fi
    cp "$src/iommufd.sh" "$xdir/root/etc/smmum-extra.d/iommufd.sh"
    touch "$xdir/.done"
fi
tap ok "iommufd-exerciser built against $HDRDIR"

# ---- boot ----
rm -f "$out/tear-report.jsonl"
rc=0
SMMUM_INITRD_EXTRA="$xdir/root" SMMUM_QEMU_EXTRA="$extra" \
    "$SMMU_TOP/scripts/guest-run.sh" --kernel "$envf" --iommu smmuv3-modern \
    --timeout "$timeout" --out "$out" --qemu "$qemu" \
    --append "nokaslr smmum.idr=$idr smmum.extra=0 smmum.types=identity,DMA $append" \
    >/dev/null 2>"$out/guest-run.err" ||
    rc=$?
diag < "$out/guest-run.err"
if [ "$rc" -ge 3 ] || [ ! -f "$out/console.log" ]; then
    tap not-ok "guest boot (guest-run exit $rc)"
    finish
fi

# ---- results ----
/usr/bin/python3 "$SMMU_TOP/scripts/tear-report-html.py" \
    "$out/tear-report.jsonl" "$out/console.log" \
    > "$out/tear-report.html" 2>/dev/null || true
/usr/bin/python3 "$SMMU_TOP/scripts/iommufd-report.py" \
    "$out/console.log" "$out/tear-report.jsonl" --system-map "$SYSMAP" \
    --steps "$out/steps.txt" > "$out/results.tap" 2> "$out/report.err" || true
diag < "$out/report.err"
while IFS= read -r line; do
    case "$line" in
        "ok "*|"not ok "*)
            res=${line%% *}
            [ "$res" = ok ] || res=not-ok
            desc=$(echo "$line" | sed -E 's/^(not )?ok( [0-9]+)? - //')
            dir=""
            case "$desc" in *" # "*) dir=${desc##* # }; desc=${desc% # *} ;; esac
            tap "$res" "$desc" "$dir"
            ;;
        *) echo "$line" ;;
    esac
done < "$out/results.tap"
case "$rc" in
    0) tap ok "iommufd guest verdict ($KVER)" ;;
    1) tap not-ok "iommufd guest verdict: FAIL, log $out/console.log" ;;
    *) tap not-ok "iommufd guest verdict: none (hang, crash or timeout), log $out/console.log" ;;
esac
finish
