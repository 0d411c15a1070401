#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The main job: set everything up, boot a real kernel on the emulated
# SMMUv3, run the guest workload and print what happened: the guest's
# verdict, the kernel's SMMU probe lines and the model's tear report.
#
#   scripts/run.sh [--kernel bookworm|trixie|sid|PATH] [--iommu NAME]
#                  [--append "ARGS"] [--no-cache]
#
#   --kernel  a Debian kernel (default trixie, 6.12) or your own arm64
#             Image (modules are then not loaded unless built in)
#   --iommu   smmuv3-modern (default) or smmuv3 (upstream, to compare)
#   --append  extra kernel command line, e.g. iommu.passthrough=1
# Output: out/run/ keeps the console log and tear-report.jsonl.
usage() { sed -n '4,15p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

kernel=trixie
iommu=smmuv3-modern
append=""
while [ $# -gt 0 ]; do
    case "$1" in
        --kernel) kernel=${2:?--kernel needs a value}; shift ;;
        --iommu) iommu=${2:?--iommu needs a value}; shift ;;
        --append) append=${2:?--append needs a value}; shift ;;
        --no-cache) export SMMU_NO_CACHE=1 ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 >&2 ;;
    esac
    shift
done

. "$(dirname "$0")/lib.sh"
cd "$SMMU_TOP"
out="$SMMU_TOP/out/run"
rm -rf "$out"
mkdir -p "$out"

"$SMMU_TOP/scripts/setup-host.sh"
build=$("$SMMU_TOP/scripts/build-qemu.sh")
case "$kernel" in
    bookworm|trixie|sid) "$SMMU_TOP/scripts/fetch-kernels.sh" "$kernel" ;;
esac

report="$out/tear-report.jsonl"
extra=()
if [ "$iommu" = smmuv3-modern ]; then
    extra=(-global "arm-smmuv3-modern.tear-check=sync"
           -global "arm-smmuv3-modern.tear-report=$report")
fi

set +e
SMMUM_QEMU_EXTRA="${extra[*]}" "$SMMU_TOP/scripts/guest-run.sh" \
    --kernel "$kernel" --iommu "$iommu" --append "$append" \
    --qemu "$build/qemu-system-aarch64" --out "$out"
status=$?
set -e

echo
echo "== SMMU probe (guest dmesg) =="
grep -aE 'arm-smmu-v3|iommu' "$out/console.log" | grep -av SMMUM- |
    grep -avE 'event 0x|: *\t?0x[0-9a-f]{16}' | sed 's/\r$//' | head -12 || true
echo
echo "== guest verdict =="
grep -aE '^SMMUM-(CHECK|VERDICT)' "$out/console.log" | sed 's/\r$//' ||
    echo "no verdict (exit status $status); see $out/console.log"
if [ "$iommu" = smmuv3-modern ]; then
    echo
    echo "== tear report ($report) =="
    grep -a 'arm-smmuv3-modern: tear check' "$out/console.log" "$out"/*.err \
        2>/dev/null | sed 's/^[^:]*://' | head -5 || true
    if [ -s "$report" ]; then
        /usr/bin/python3 "$SMMU_TOP/scripts/tear-summary.py" "$report" --all
    else
        echo "no findings recorded"
    fi
fi
exit "$status"
