#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The kernel x boot mode x checking matrix on smmuv3-modern: every cell
# boots one kernel with the guest workload under one boot-time default
# domain and one tear-check feeder; then one summary table (text,
# Markdown, HTML, JSON) and one KTAP document for kernel CI.
#
#   scripts/matrix.sh [--fast] [--kernels "bookworm trixie sid"]
#                     [--kernel PATH [--modules DIR]] [--system-map FILE]
#                     [--modes "DMA DMA-FQ identity"] [--checks "sync store"]
#                     [--maint on|off] [--testdev] [-j N] [--out DIR]
#                     [--timeout S] [--qemu BINARY]
#                     [--report-only]
#
#   (no option)    the full matrix: 3 Debian kernels x 3 modes x 2 checks
#   --fast         the subset the default test run uses: trixie and sid,
#                  DMA, store
#   --kernels      Debian suites (scripts/fetch-kernels.sh names); "" for
#                  none (only --kernel rows)
#   --kernel PATH  add a row for your own kernel: an arm64 Image, an
#                  extracted tree or a kernel.env (scripts/guest-initramfs.sh);
#                  --modules DIR its /lib/modules/<version> tree (without it
#                  only built-in drivers are tested; the others SKIP)
#   --system-map   the --kernel's System.map: store PCs are symbolised
#   --modes        DMA (iommu.strict=1), DMA-FQ (iommu.strict=0), identity
#                  (iommu.passthrough=1), default (the kernel's own)
#   --checks       tear-check feeders: sync, store
#   --maint        the maintenance checker in every cell (maint-check=on,
#                  docs/maint-check.md; default on): its findings and what
#                  it checked are columns of the table
#   --testdev      add the PCIe test endpoint with ATS to every cell
#                  (scripts/guest-run.sh --testdev: Linux enables ATS on
#                  it, sets EATS, sends ATC invalidations and switches its
#                  domain), so the ATS checks see a real driver
#   -j N           cells run at once (default 1: two shared cores; each
#                  guest has 2 vCPUs)
#   --out          default out/matrix
#   --timeout S    per cell; only stops a hung guest (default 300)
#   --report-only  rebuild the tables from the cells already in --out
#
# Output in --out: <cell>/ (guest console, qemu.rusage, tear-report.jsonl,
# tear-report.html) per cell named <label>-<mode>-<check>; matrix.md
# (the table), matrix.json, index.html (the table, linking each cell's
# page) and matrix.ktap; stdout is the same KTAP document.
#
# A cell passes when the guest's verdict is PASS and its tear report has
# no tear (and, with --maint on, no maintenance finding) of severity major
# or critical (scripts/tear-summary.py, scripts/matrix-report.py).  Time
# (wall, QEMU CPU) is reported but never part of a verdict.
# Exit status: 0 every cell passed; 1 some cell's verdict failed (a FAIL,
# a major/critical tear, or a guest that hung or crashed: no verdict);
# 2 harness error (bad option, no QEMU, a kernel that cannot be fetched or
# a cell that could not be started), whatever the other cells did.
usage() { sed -n '3,54p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

kernels="bookworm trixie sid"
own=()
modules=""
sysmap=""
modes="DMA DMA-FQ identity"
checks="sync store"
maint=on
testdev=()
jobs=1
out=""
timeout=300
qemu=${QEMU:-}
report_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --fast) kernels="trixie sid"; modes=DMA; checks=store ;;
        --kernels) kernels=${2?}; shift ;;
        --kernel) own+=("$(readlink -f "${2:?}")"); shift ;;
        --modules) modules=$(readlink -f "${2:?}"); shift ;;
        --system-map) sysmap=$(readlink -f "${2:?}"); shift ;;
        --modes) modes=${2:?}; shift ;;
        --checks) checks=${2:?}; shift ;;
        --maint) maint=${2:?}; shift ;;
        --testdev) testdev=(--testdev) ;;
        -j) jobs=${2:?}; shift ;;
        -j[0-9]*) jobs=${1#-j} ;;
        --out) out=${2:?}; shift ;;
        --timeout) timeout=${2:?}; shift ;;
        --qemu) qemu=${2:?}; shift ;;
        --report-only) report_only=1 ;;
        -h|--help) usage 0 ;;
        *) echo "matrix.sh: unknown option $1" >&2; usage 2 >&2 ;;
    esac
    shift
done
case "$out" in ""|/*) ;; *) out="$PWD/$out" ;; esac
. "$(dirname "$0")/lib.sh"
# lib.sh's die exits 1; harness errors are 2 here.
die() { log "error: $*"; exit 2; }

for m in $modes; do
    case "$m" in
        default|DMA|DMA-FQ|identity) ;;
        *) die "--modes: unknown mode $m (default, DMA, DMA-FQ, identity)" ;;
    esac
done
for c in $checks; do
    case "$c" in
        sync|store) ;;
        *) die "--checks: unknown feeder $c (sync, store)" ;;
    esac
done
case "$maint" in on|off) ;; *) die "--maint: on or off, not $maint" ;; esac
case "$jobs" in ''|*[!0-9]*|0) die "-j needs a positive number" ;; esac
[ -z "$modules" ] || [ ${#own[@]} = 1 ] ||
    die "--modules needs exactly one --kernel"
[ -n "$kernels" ] || [ ${#own[@]} -gt 0 ] || die "no kernel to run"
mode_args() {
    case "$1" in
        DMA) echo "iommu.strict=1" ;;
        DMA-FQ) echo "iommu.strict=0" ;;
        identity) echo "iommu.passthrough=1" ;;
    esac
}
out=${out:-$SMMU_TOP/out/matrix}
mkdir -p "$out"
harness_err=0

# ---- the rows: kernel.env files ----
envs=()
if [ "$report_only" = 0 ] && [ -n "$kernels" ]; then
    "$SMMU_TOP/scripts/fetch-kernels.sh" $kernels >&2 || true
fi
for s in $kernels; do
    envf="$SMMU_CACHE/kernels/$s/current/kernel.env"
    if [ -f "$envf" ]; then
        envs+=("$envf")
    else
        log "$s: no kernel ($(cat "$SMMU_CACHE/kernels/$s/status" 2>/dev/null ||
             echo 'never fetched'))"
        harness_err=1
    fi
done
for k in "${own[@]}"; do
    [ -e "$k" ] || die "--kernel: no such file or folder: $k"
    if [ -n "$modules" ]; then
        envs+=("$(local_kernel_env "$k" "$modules")")
    else
        envs+=("$("$SMMU_TOP/scripts/guest-initramfs.sh" --resolve "$k")") ||
            die "--kernel $k: not a kernel image, tree or kernel.env"
    fi
done

# ---- the cells ----
cells="$out/cells.tsv"      # label  mode  check  folder  kernel.env  maint
: > "$cells.new"
for envf in "${envs[@]}"; do
    label=$(sed -n 's/^LABEL=//p' "$envf")
    for m in $modes; do
        for c in $checks; do
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$m" "$c" \
                "$label-$m-$c" "$envf" "$maint" >> "$cells.new"
        done
    done
done
mv "$cells.new" "$cells"

run_cell() {  # run_cell LABEL MODE CHECK FOLDER KERNEL_ENV MAINT
    local label=$1 mode=$2 check=$3 dir=$out/$4 envf=$5 mnt=$6 rc=0 t0
    rm -rf "$dir"
    mkdir -p "$dir"
    t0=$(date +%s%N)
    SMMUM_QEMU_EXTRA="${SMMUM_QEMU_EXTRA:-}
        -global arm-smmuv3-modern.tear-check=$check
        -global arm-smmuv3-modern.maint-check=$mnt
        -global arm-smmuv3-modern.tear-report=$dir/tear-report.jsonl" \
        "$SMMU_TOP/scripts/guest-run.sh" --kernel "$envf" \
        --iommu smmuv3-modern --timeout "$timeout" --out "$dir" \
        "${testdev[@]}" \
        --qemu "$qemu" --append "$(mode_args "$mode") nokaslr" \
        >/dev/null 2>"$dir/guest-run.err" || rc=$?
    echo "$rc $(( ($(date +%s%N) - t0) / 1000000 ))" > "$dir/status"
    [ ! -f "$dir/tear-report.jsonl" ] ||
        /usr/bin/python3 "$SMMU_TOP/scripts/tear-report-html.py" \
            "$dir/tear-report.jsonl" "$dir/console.log" \
            ${sysmap:+--system-map "$sysmap"} > "$dir/tear-report.html" \
            2>/dev/null || true
    log "$label $mode $check: guest-run exit $rc"
}

if [ "$report_only" = 0 ]; then
    if [ -z "$qemu" ]; then
        qemu="$("$SMMU_TOP/scripts/build-qemu.sh")/qemu-system-aarch64" ||
            die "QEMU build failed"
    fi
    [ -x "$qemu" ] || die "no QEMU binary at $qemu"
    running=0
    while IFS=$'\t' read -r label mode check dir envf mnt; do
        if [ "$running" -ge "$jobs" ]; then
            wait -n || true
            running=$((running - 1))
        fi
        run_cell "$label" "$mode" "$check" "$dir" "$envf" "${mnt:-off}" &
        running=$((running + 1))
    done < "$cells"
    wait || true
fi

rc=0
/usr/bin/python3 "$SMMU_TOP/scripts/matrix-report.py" --out "$out" \
    --cells "$cells" --tear-summary "$SMMU_TOP/scripts/tear-summary.py" \
    ${sysmap:+--system-map "$sysmap"} || rc=$?
[ "$harness_err" = 0 ] || rc=2
exit "$rc"
