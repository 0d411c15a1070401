#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The main job: set everything up, boot a real kernel on the emulated
# SMMUv3, run the guest workload and print what happened: the guest's
# verdict, the kernel's SMMU probe lines and the model's tear report.
#
#   scripts/run.sh [--kernel bookworm|trixie|sid|PATH] [--iommu NAME]
#                  [--modules DIR] [--cmdline|--append "ARGS"]
#                  [--initrd-extra DIR] [--system-map FILE] [--kaslr]
#                  [--out DIR] [--no-cache]
#
#   --kernel   a Debian kernel (default trixie, 6.12) or your own arm64
#              Image (a path; without --modules only built-in drivers)
#   --modules  your kernel's modules tree (the /lib/modules/<version>
#              folder, or a folder holding lib/modules/<version>)
#   --iommu    smmuv3-modern (default) or smmuv3 (upstream, to compare)
#   --cmdline  extra kernel command line, e.g. iommu.passthrough=1
#              (--append is the same option)
#   --initrd-extra  a folder copied over the initramfs tree
#   --system-map    the kernel's System.map: store PCs in the report are
#              printed as symbol+offset (the guest boots with nokaslr)
#   --kaslr    do not add nokaslr to the command line
#   --out      output folder (default out/run)
# Output: <out>/console.log, tear-report.jsonl and tear-report.html (the
# report as a self-contained page with a timeline per StreamID).
usage() { sed -n '4,25p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

kernel=trixie
iommu=smmuv3-modern
append=""
modules=""
initrd_extra=""
sysmap=""
kaslr=nokaslr
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --kernel) kernel=${2:?--kernel needs a value}; shift ;;
        --iommu) iommu=${2:?--iommu needs a value}; shift ;;
        --append|--cmdline) append=${2:?$1 needs a value}; shift ;;
        --modules) modules=${2:?--modules needs a folder}; shift ;;
        --initrd-extra) initrd_extra=${2:?--initrd-extra needs a folder}; shift ;;
        --system-map) sysmap=${2:?--system-map needs a file}; shift ;;
        --kaslr) kaslr="" ;;
        --out) out=${2:?--out needs a folder}; shift ;;
        --no-cache) export SMMU_NO_CACHE=1 ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 >&2 ;;
    esac
    shift
done

# Paths are the caller's, before we change folder.
[ ! -e "$kernel" ] || kernel=$(readlink -f "$kernel")
for v in modules initrd_extra sysmap out; do
    [ -z "${!v}" ] || [ ! -e "${!v}" ] || printf -v "$v" %s "$(readlink -f "${!v}")"
done
case "$out" in ""|/*) ;; *) out="$PWD/$out" ;; esac

. "$(dirname "$0")/lib.sh"
cd "$SMMU_TOP"
out=${out:-$SMMU_TOP/out/run}
rm -rf "$out"
mkdir -p "$out"
for f in "$modules" "$initrd_extra" "$sysmap"; do
    [ -z "$f" ] || [ -e "$f" ] || die "no such file or folder: $f"
done
[ -z "$sysmap" ] || sysmap=$(readlink -f "$sysmap")
if [ -n "$initrd_extra" ]; then
    export SMMUM_INITRD_EXTRA
    SMMUM_INITRD_EXTRA=$(readlink -f "$initrd_extra")
fi

"$SMMU_TOP/scripts/setup-host.sh"
build=$("$SMMU_TOP/scripts/build-qemu.sh")
case "$kernel" in
    bookworm|trixie|sid) "$SMMU_TOP/scripts/fetch-kernels.sh" "$kernel" ;;
esac
if [ -n "$modules" ]; then
    # Your kernel + your modules tree: describe them in a kernel.env.
    kernel=$(local_kernel_env "$kernel" "$modules")
fi

report="$out/tear-report.jsonl"
extra=()
if [ "$iommu" = smmuv3-modern ]; then
    # The default feeder: store under TCG, so the report names each
    # store's PC.
    extra=(-global "arm-smmuv3-modern.tear-report=$report")
fi

set +e
SMMUM_QEMU_EXTRA="${extra[*]}" "$SMMU_TOP/scripts/guest-run.sh" \
    --kernel "$kernel" --iommu "$iommu" --append "$kaslr $append" \
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
    grep -ahE 'arm-smmuv3-modern: (tear check|served)' "$out/console.log" \
        2>/dev/null | head -5 || true
    if [ -s "$report" ]; then
        /usr/bin/python3 "$SMMU_TOP/scripts/tear-summary.py" "$report" --all \
            --console "$out/console.log" --timeline \
            ${sysmap:+--system-map "$sysmap"} || true
    else
        echo "no findings recorded"
    fi
    if [ -f "$report" ]; then
        /usr/bin/python3 "$SMMU_TOP/scripts/tear-report-html.py" "$report" \
            "$out/console.log" ${sysmap:+--system-map "$sysmap"} \
            > "$out/tear-report.html" || true
        echo "HTML report: $out/tear-report.html"
    fi
fi
exit "$status"
