#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot one kernel with the guest workload and report its verdict.
#
#   scripts/guest-run.sh [--kernel NAME|PATH] [--iommu smmuv3|smmuv3-modern|none]
#                        [--append "ARGS"] [--timeout SECONDS] [--qemu BINARY]
#                        [--out DIR] [--reboots N] [--no-cache] [--verbose]
#
#   --kernel   bookworm | trixie | sid, a label (bookworm-6.1), or a path
#              (see scripts/guest-initramfs.sh); default bookworm
#   --iommu    the virt machine's iommu= (default smmuv3-modern)
#   --append   extra kernel command line (e.g. smmum.types=DMA,
#              smmum.shell=1 with --verbose for a shell)
#   --timeout  wall-clock limit that only stops a hung guest (default 300;
#              the guest's own watchdog fires at 4/5 of it, uptime)
#   --qemu     qemu-system-aarch64 to use (default $QEMU, else the binary
#              scripts/build-qemu.sh builds)
#   --out      folder for the console log and disks (default
#              out/guest/<label>-<iommu>)
#   --reboots  reboot loop: the guest reboots itself (sysrq b) after each
#              verdict until it has booted N times, then powers off; PASS
#              needs N boots with a PASS verdict each.  --timeout is then
#              per boot
#   --verbose  stream the whole console, not only the SMMUM- lines
#   --testdev  add the PCIe test endpoint smmuv3-modern-testdev (PASID, ATS
#              with an ATC) and, on smmuv3-modern, ats=on, plus the guest
#              step tests/guest/testdev-ats.sh (binds it to vfio-pci, cycles
#              its domain); ATS requests and ATC invalidations are traced
#              to <out>/ats-trace.log
#
# SMMUM_QEMU_EXTRA: extra QEMU arguments (split at blanks), e.g.
#   "-global arm-smmuv3-modern.tear-check=sync".
#
# The machine: virt with GICv3 (+ITS, which VFIO needs), 2 x cortex-a57,
# 1 GiB, TCG; a virtio-blk disk and an nvme namespace with known content,
# two virtio-net NICs on one hub, QEMU's edu device for VFIO.  Virtio
# devices use iommu_platform=on: without it their DMA skips the IOMMU.
#
# Exit status: 0 guest verdict PASS, 1 FAIL, 2 no verdict (hang, crash,
# timeout), 3 setup error.  The full console is kept in <out>/console.log,
# QEMU's CPU time in <out>/qemu.rusage ("user_s system_s maxrss_kib", from
# /usr/bin/time: getrusage of the QEMU child).
for _a in "$@"; do [ "$_a" = --no-cache ] && export SMMU_NO_CACHE=1; done
. "$(dirname "$0")/lib.sh"

kernel=bookworm
iommu=smmuv3-modern
append=""
timeout=300
qemu=${QEMU:-}
out=""
verbose=0
reboots=0
testdev=0
while [ $# -gt 0 ]; do
    case "$1" in
        --kernel) kernel=${2:?}; shift ;;
        --iommu) iommu=${2:?}; shift ;;
        --append) append=${2?}; shift ;;
        --timeout) timeout=${2:?}; shift ;;
        --qemu) qemu=${2:?}; shift ;;
        --out) out=${2:?}; shift ;;
        --reboots) reboots=${2:?}; shift ;;
        --no-cache) ;;  # handled before lib.sh is sourced
        --verbose) verbose=1 ;;
        --testdev) testdev=1 ;;
        -h|--help) sed -n '3,43p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) log "unknown option $1"; exit 3 ;;
    esac
    shift
done
case "$reboots" in
    *[!0-9]*) log "--reboots takes a number of boots"; exit 3 ;;
esac
case "$iommu" in
    smmuv3|smmuv3-modern|none) ;;
    *) log "--iommu must be smmuv3, smmuv3-modern or none"; exit 3 ;;
esac

if [ -z "$qemu" ]; then
    qemu="$("$SMMU_TOP/scripts/build-qemu.sh")/qemu-system-aarch64" ||
        { log "QEMU build failed"; exit 3; }
fi
[ -x "$qemu" ] || { log "no QEMU binary at $qemu"; exit 3; }

# The devices the workload needs must be built in.
devs=$("$qemu" -device help 2>&1)
for d in virtio-blk-pci virtio-net-pci nvme edu; do
    grep -q "name \"$d\"" <<<"$devs" ||
        { log "$qemu lacks -device $d (enable its Kconfig symbol)"; exit 3; }
done

if ! envf=$("$SMMU_TOP/scripts/guest-initramfs.sh" --resolve "$kernel" 2>/dev/null); then
    # A Debian suite not fetched yet: fetch it now.
    case "$kernel" in
        bookworm*|trixie*|sid*)
            "$SMMU_TOP/scripts/fetch-kernels.sh" "${kernel%%-*}" >&2 || true ;;
    esac
    envf=$("$SMMU_TOP/scripts/guest-initramfs.sh" --resolve "$kernel") || exit 3
fi
# shellcheck disable=SC1090
. "$envf"
if [ "$testdev" = 1 ] && [ -z "${SMMUM_INITRD_EXTRA:-}" ]; then
    # The step that binds the test device (tests/guest/testdev-ats.sh).
    SMMUM_INITRD_EXTRA=$(mktemp -d)
    mkdir -p "$SMMUM_INITRD_EXTRA/etc/smmum-extra.d"
    cp "$SMMU_TOP/tests/guest/testdev-ats.sh" "$SMMUM_INITRD_EXTRA/etc/smmum-extra.d/"
    export SMMUM_INITRD_EXTRA
    trap 'rm -rf "$SMMUM_INITRD_EXTRA"' EXIT
fi
initrd=$("$SMMU_TOP/scripts/guest-initramfs.sh" "$kernel") || exit 3

# ---- disks with known content (made once, copied per run) ----
KNOWN_MB=4
DISK_MB=8
disks="$SMMU_CACHE/guest-disks/v1-$KNOWN_MB-$DISK_MB"
if [ ! -f "$disks/.done" ]; then
    final=$disks
    disks="$final.tmp.$$"   # parallel runs: build aside, rename
    rm -rf "$disks"
    mkdir -p "$disks"
    for name in vda nvme; do
        /usr/bin/python3 - "$disks/$name.img" "$name" "$KNOWN_MB" "$DISK_MB" <<'PY'
import hashlib, sys
path, seed, known, total = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
mib = 1 << 20
with open(path, 'wb') as f:
    # Counter-mode SHA-256 stream: incompressible, deterministic content.
    buf = bytearray()
    n = 0
    while len(buf) < known * mib:
        buf += hashlib.sha256(f'smmuv3-modern {seed} {n}'.encode()).digest()
        n += 1
    f.write(buf)
    f.write(bytes((total - known) * mib))
PY
        head -c $((KNOWN_MB << 20)) "$disks/$name.img" | sha256sum |
            cut -d' ' -f1 > "$disks/$name.sum"
    done
    touch "$disks/.done"
    mv -T "$disks" "$final" 2>/dev/null || rm -rf "$disks"
    disks=$final
fi

out=${out:-$SMMU_TOP/out/guest/$LABEL-$iommu}
mkdir -p "$out"
cp "$disks/vda.img" "$out/vda.img"
cp "$disks/nvme.img" "$out/nvme.img"
cmdline="console=ttyAMA0 quiet loglevel=3 panic=-1 smmum.iommu=$iommu"
cmdline+=" smmum.known_mb=$KNOWN_MB smmum.vda=$(cat "$disks/vda.sum")"
cmdline+=" smmum.nvme=$(cat "$disks/nvme.sum")"
# The guest's own hang guard fires first, so a hang still ends with the
# kernel log (blocked tasks included) in console.log.
wd=$((timeout * 4 / 5))
[ "$wd" -ge 30 ] || wd=30
cmdline+=" smmum.watchdog=$wd $append"
if [ "$reboots" -gt 0 ]; then
    cmdline+=" smmum.reboots=$reboots"
    timeout=$((timeout * reboots))
fi

vdev="disable-legacy=on,iommu_platform=on,romfile="
args=(
    -M "virt,gic-version=3,iommu=$iommu" -cpu cortex-a57 -smp 2 -m 1G
    -accel tcg -nodefaults -display none -serial stdio -monitor none
    -no-reboot -nic none
    -kernel "$VMLINUZ" -initrd "$initrd" -append "$cmdline"
    -drive "if=none,id=vda,format=raw,file=$out/vda.img"
    -device "virtio-blk-pci,drive=vda,$vdev"
    -drive "if=none,id=nvm,format=raw,file=$out/nvme.img"
    -device "nvme,drive=nvm,serial=smmum0"
    -netdev hubport,id=n0,hubid=0
    -device "virtio-net-pci,netdev=n0,mac=52:54:00:5e:00:01,$vdev"
    -netdev hubport,id=n1,hubid=0
    -device "virtio-net-pci,netdev=n1,mac=52:54:00:5e:00:02,$vdev"
    -device edu,dma_mask=0xffffffffffffffff
)
if [ "$testdev" = 1 ]; then
    args+=(-device smmuv3-modern-testdev -D "$out/ats-trace.log"
           -trace smmuv3_modern_ats_request -trace smmuv3_modern_atc_inv
           -trace smmuv3_modern_testdev_atc_inv)
    [ "$iommu" != smmuv3-modern ] ||
        args+=(-global arm-smmuv3-modern.ats=on)
fi
# shellcheck disable=SC2206
[ -z "${SMMUM_QEMU_EXTRA:-}" ] || args+=($SMMUM_QEMU_EXTRA)
if [ "$reboots" -gt 0 ]; then
    # A guest reset reboots the machine (the guest powers off at the end).
    for i in "${!args[@]}"; do
        [ "${args[$i]}" != -no-reboot ] || unset 'args[i]'
    done
    args=("${args[@]}")
fi
printf '%q ' "$qemu" "${args[@]}" > "$out/qemu-cmdline"
echo >> "$out/qemu-cmdline"

log "$LABEL ($KVER, $PKGVER) on iommu=$iommu, log $out/console.log"
timer=()
rm -f "$out/qemu.rusage"
[ ! -x /usr/bin/time ] ||
    timer=(/usr/bin/time -q -f '%U %S %M' -o "$out/qemu.rusage")
t0=$(date +%s%N)
set +e
if [ "$verbose" = 1 ]; then
    "${timer[@]}" timeout -k 10 "$timeout" "$qemu" "${args[@]}" 2>&1 | sed -u 's/\r$//' |
        tee "$out/console.log"
else
    "${timer[@]}" timeout -k 10 "$timeout" "$qemu" "${args[@]}" 2>&1 </dev/null | sed -u 's/\r$//' |
        tee "$out/console.log" |
        sed -nu '/^SMMUM-DMESG-BEGIN/,/^SMMUM-DMESG-END/d
            /^SMMUM-KSYMS-BEGIN/,/^SMMUM-KSYMS-END/d; /^SMMUM-/p'
fi
qrc=${PIPESTATUS[0]}
set -e
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
secs=$(printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)))
rm -f "$out/vda.img" "$out/nvme.img"

verdict=$(sed -n 's/^SMMUM-VERDICT \(PASS\|FAIL\).*/\1/p' "$out/console.log" | tail -1)
npass=$(grep -c '^SMMUM-CHECK [^ ]* PASS' "$out/console.log" || true)
nfail=$(grep -c '^SMMUM-CHECK [^ ]* FAIL' "$out/console.log" || true)
nskip=$(grep -c '^SMMUM-CHECK [^ ]* SKIP' "$out/console.log" || true)
summary="$LABEL iommu=$iommu: $npass passed, $nfail failed, $nskip skipped, ${secs}s"
if [ "$reboots" -gt 0 ]; then
    nboot=$(grep -c '^SMMUM-BOOT ' "$out/console.log" || true)
    ngood=$(grep -c '^SMMUM-VERDICT PASS' "$out/console.log" || true)
    summary+=", $nboot of $reboots boots, $ngood with verdict PASS"
    if [ "$nboot" -lt "$reboots" ]; then
        verdict=""
    elif [ "$nboot" != "$reboots" ] || [ "$ngood" != "$reboots" ]; then
        verdict=FAIL
    fi
fi
case "$verdict" in
    PASS) log "PASS: $summary"; exit 0 ;;
    FAIL) log "FAIL: $summary"; exit 1 ;;
esac
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
    log "NO VERDICT: timed out after ${timeout}s: $summary"
else
    log "NO VERDICT: QEMU exited with status $qrc: $summary"
    tail -5 "$out/console.log" | sed 's/^/    /' >&2
fi
exit 2
