#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the smmuv3-modern guest initramfs (busybox sh).
#
# Prints one machine-readable line per check,
#   SMMUM-CHECK <name> PASS|FAIL|SKIP <detail>
# progress lines "SMMUM-STEP <uptime> <what>", information lines
# "SMMUM-INFO ...", one "SMMUM-DEV <bdf> <driver|none> <iommu group|none>"
# per PCI function whenever drivers change (StreamID = BDF on bus 0: the
# host's report tools join these with the model's tear report), then "SMMUM-VERDICT PASS|FAIL", the kernel log between
# SMMUM-DMESG-BEGIN/END, and powers the machine off.
#
# Kernel command line (set by scripts/guest-run.sh):
#   smmum.iommu=smmuv3|smmuv3-modern|none   what the machine was given
#   smmum.known_mb=N       the first N MiB of each disk hold known content
#   smmum.vda=SHA256       sha256 of that region on the virtio-blk disk
#   smmum.nvme=SHA256      the same for the nvme namespace
#   smmum.types="..."      domain types to cycle (default identity DMA DMA-FQ)
#   smmum.watchdog=S       hang guard: after S seconds of uptime (default
#                          240) report "watchdog FAIL", dump dmesg and power
#                          off; not a verdict on speed, only on a hang
#   smmum.shell=1          drop to a shell instead of powering off (the
#                          CHECK and VERDICT lines are also in
#                          /tmp/smmum-results: lava/lava-results.sh)
#   smmum.bench=NAME       run tests/guest/bench.sh NAME instead of the
#                          workload (smmum.bench_mb=N scales disk reads)
#   smmum.extra=0          skip the extended steps (VFIO cycles under
#                          background DMA, NIC hot unplug/rescan, edu reset)
#   smmum.reboots=N        reboot loop: count this boot on the disk, print
#                          "SMMUM-BOOT <k> of <N>", and after the verdict
#                          reboot with sysrq b until boot N, then power off

/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
dmesg -n 1

FAILS=0
PASSES=0
arg() {
    # arg NAME DEFAULT: value of smmum.NAME= on the command line
    v=$(tr ' ' '\n' < /proc/cmdline | sed -n "s/^smmum\.$1=//p" | tail -1)
    echo "${v:-$2}"
}
now() { cut -d' ' -f1 /proc/uptime; }
step() { echo "SMMUM-STEP $(now) $*"; }
info() { echo "SMMUM-INFO $*"; }
check() {
    _n=$1 _r=$2
    shift 2
    echo "SMMUM-CHECK $_n $_r $*"
    echo "SMMUM-CHECK $_n $_r $*" >> /tmp/smmum-results
    case $_r in
        FAIL) FAILS=$((FAILS + 1)) ;;
        PASS) PASSES=$((PASSES + 1)) ;;
    esac
}
# Hang guard for things that appear asynchronously (not a verdict).
wait_for() {
    # wait_for SECONDS COMMAND...: until COMMAND succeeds
    _end=$(($(cut -d. -f1 /proc/uptime) + $1))
    shift
    while ! "$@" >/dev/null 2>&1; do
        [ "$(cut -d. -f1 /proc/uptime)" -lt "$_end" ] || return 1
        usleep 100000
    done
}

IOMMU=$(arg iommu smmuv3)
KNOWN_MB=$(arg known_mb 4)
TYPES=$(arg types "identity DMA DMA-FQ" | tr ',' ' ')
. /etc/smmum-kernel
step "init: $LABEL $KVER ($PKGVER), iommu=$IOMMU, $(uname -r)"

# Hang guard: a device whose DMA never completes leaves the workload stuck
# in the kernel; report that with the kernel log rather than being killed
# silently from the host.
WATCHDOG=$(arg watchdog 240)
(
    while [ "$(cut -d. -f1 /proc/uptime)" -lt "$WATCHDOG" ]; do
        sleep 1
    done
    echo "SMMUM-CHECK watchdog FAIL workload still running after ${WATCHDOG}s of uptime"
    echo "SMMUM-VERDICT FAIL"
    echo w > /proc/sysrq-trigger 2>/dev/null   # blocked tasks into dmesg
    echo "SMMUM-DMESG-BEGIN"
    dmesg
    echo "SMMUM-DMESG-END"
    # No sync or orderly power-off here: both would wait for the very
    # device that hangs (device shutdown).  A panic with panic=-1 resets
    # without shutting devices down, and QEMU runs with -no-reboot.
    echo c > /proc/sysrq-trigger
) &
WATCHDOG_PID=$!

# ---- modules ----
nmod=0
bad=""
for m in $(cat /etc/smmum-modules); do
    if insmod "$m" 2>/tmp/insmod.err; then
        nmod=$((nmod + 1))
    elif ! grep -q 'File exists' /tmp/insmod.err; then
        bad="$bad $(basename "$m")"
    fi
done
if ! grep -q . /etc/smmum-modules; then
    # A kernel brought without modules: its drivers must be built in.
    check modules SKIP "no modules in the initramfs (built-in drivers only)"
elif [ -z "$bad" ]; then
    check modules PASS "$nmod modules loaded"
else
    check modules FAIL "could not load:$bad"
fi
step "modules loaded"

# ---- reboot loops: the boot count survives on the virtio-blk disk ----
# (the initramfs is fresh every boot), at 7 MiB: past the known content
# and the workload's scratch MiB.  Counted before the workload, so a boot
# that hangs (watchdog panic, reset) still counts.
REBOOTS=$(arg reboots 0)
BOOT=0
if [ "$REBOOTS" -gt 0 ]; then
    wait_for 30 test -b /dev/vda || true
    BOOT=$(dd if=/dev/vda bs=512 skip=14336 count=1 2>/dev/null |
           sed -n 's/^SMMUMBOOT \([0-9][0-9]*\)$/\1/p' | head -1)
    BOOT=$((${BOOT:-0} + 1))
    printf 'SMMUMBOOT %d\n' "$BOOT" |
        dd of=/dev/vda bs=512 seek=14336 count=1 conv=sync,fsync 2>/dev/null
    echo "SMMUM-BOOT $BOOT of $REBOOTS"
fi

# ---- kernel symbols, so the report can name the PC of a store ----
# The core kernel's text symbols of the code that writes STEs, CDs and
# page tables and of the string functions it calls, each followed by the
# next text symbol as its end.  The core part of /proc/kallsyms comes in
# address order and before the modules' (four fields).  Distribution
# kernels ship a stub System.map; with nokaslr these addresses are the
# ones the store feeder reports.  smmum.ksyms=0 leaves them out.
if [ "$(arg ksyms 1)" = 1 ] && [ -r /proc/kallsyms ] &&
   ! head -1 /proc/kallsyms | grep -q '^0*[ ]'; then
    echo "SMMUM-KSYMS-BEGIN"
    awk 'NF > 3 { exit }
         $2 != "t" && $2 != "T" { next }
         $3 ~ /arm_smmu|iommu|io_pgtable|arm_lpae|^__?mem(set|cpy|move)/ {
             print "SMMUM-KSYM " $1 " " $2 " " $3; want = 1; next }
         want { print "SMMUM-KSYM " $1 " end " $3; want = 0 }' \
        /proc/kallsyms
    echo "SMMUM-KSYMS-END"
fi

# ---- benchmark runs (scripts/bench-guest.py) replace the workload ----
BENCH=$(arg bench "")
if [ -n "$BENCH" ]; then
    exec /bin/bench.sh "$BENCH" "$(arg bench_mb 64)"
fi

# ---- SMMU probe ----
dmesg | grep -i 'arm-smmu-v3' | head -20 | while read -r l; do
    info "dmesg: $l"
done
if [ "$IOMMU" = none ]; then
    check smmu-probe SKIP "machine has no IOMMU"
elif dmesg | grep -qE 'arm-smmu-v3.*oas [0-9]+-bit' &&
     [ -n "$(ls /sys/class/iommu 2>/dev/null)" ]; then
    check smmu-probe PASS "$(dmesg | grep -oE '(ias [0-9]+-bit, )?oas [0-9]+-bit.*' | head -1)" \
        "registered as $(ls /sys/class/iommu | tr '\n' ' ')"
else
    check smmu-probe FAIL "no arm-smmu-v3 probe line / no /sys/class/iommu entry"
fi

# ---- devices ----
find_pci() {
    # find_pci VENDOR DEVICE: BDFs of matching PCI functions
    for d in /sys/bus/pci/devices/*; do
        [ "$(cat "$d/vendor")" = "$1" ] && [ "$(cat "$d/device")" = "$2" ] &&
            basename "$d"
    done
}
BLK=$(find_pci 0x1af4 0x1042 | head -1)
NETS=$(find_pci 0x1af4 0x1041 | head -2)
NVME=$(find_pci 0x1b36 0x0010 | head -1)
EDU=$(find_pci 0x1234 0x11e8 | head -1)
info "devices: virtio-blk=${BLK:-none} virtio-net=$(echo ${NETS:-none})" \
     "nvme=${NVME:-none} edu=${EDU:-none}"

group_of() {
    [ -e "/sys/bus/pci/devices/$1/iommu_group" ] &&
        basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"
}
# SMMUM-DEV lines: which driver and group each function has right now.
dev_lines() {
    for _d in /sys/bus/pci/devices/*; do
        [ -e "$_d" ] || continue
        _drv=none
        [ -e "$_d/driver" ] && _drv=$(basename "$(readlink "$_d/driver")")
        echo "SMMUM-DEV $(basename "$_d") $_drv $(group_of "$(basename "$_d")" || echo none)"
    done
}
dev_lines
EXTRA=$(arg extra 1)
for g in /sys/kernel/iommu_groups/*; do
    [ -d "$g" ] || continue
    info "iommu group $(basename "$g"): type $(cat "$g/type" 2>/dev/null)," \
         "devices $(ls "$g/devices" | tr '\n' ' ')"
done
if [ "$IOMMU" = none ]; then
    check iommu-groups SKIP "machine has no IOMMU"
else
    # Only devices with a driver: before 6.2 a DT-described PCI device gets
    # its group when a driver probes it (edu is checked by the VFIO part).
    missing=""
    for b in $BLK $NETS $NVME; do
        # a kernel brought without modules: only the functions it drives
        grep -q . /etc/smmum-modules || [ -e "/sys/bus/pci/devices/$b/driver" ] ||
            continue
        group_of "$b" >/dev/null || missing="$missing $b"
    done
    if [ -z "$(ls /sys/kernel/iommu_groups 2>/dev/null)" ]; then
        check iommu-groups FAIL "no IOMMU groups"
    elif [ -n "$missing" ]; then
        check iommu-groups FAIL "no group for:$missing"
    else
        check iommu-groups PASS "$(ls /sys/kernel/iommu_groups | wc -l) groups"
    fi
fi

# ---- domain type switching ----
# set_type TYPE BDF...: unbind every device of the BDFs' groups, write TYPE
# to each group's type, rebind.  Prints the problem and fails on error.
set_type() {
    _t=$1
    shift
    _groups=""
    for _b in "$@"; do
        _g=$(group_of "$_b") || { echo "$_b has no IOMMU group"; return 1; }
        case " $_groups " in *" $_g "*) ;; *) _groups="$_groups $_g" ;; esac
    done
    _rebind=""
    for _g in $_groups; do
        for _d in /sys/kernel/iommu_groups/$_g/devices/*; do
            [ -e "$_d/driver" ] || continue
            _drv=$(basename "$(readlink "$_d/driver")")
            _rebind="$_rebind $(basename "$_d")=$_drv"
            echo "$(basename "$_d")" > "$_d/driver/unbind"
        done
    done
    _err=""
    for _g in $_groups; do
        if ! echo "$_t" > "/sys/kernel/iommu_groups/$_g/type" 2>/tmp/type.err; then
            _err="$_err group $_g: writing $_t failed: $(cat /tmp/type.err)"
        fi
        _now=$(cat "/sys/kernel/iommu_groups/$_g/type")
        [ "$_now" = "$_t" ] || _err="$_err group $_g: type is $_now, not $_t"
    done
    for _p in $_rebind; do
        echo "${_p%%=*}" > "/sys/bus/pci/drivers/${_p#*=}/bind" ||
            _err="$_err rebinding ${_p%%=*} to ${_p#*=} failed"
    done
    [ -z "$_err" ] || { echo "$_err"; return 1; }
    echo "groups$_groups now $_t"
}

DIRECT=iflag=direct
ODIRECT=oflag=direct
disk_test() {
    # disk_test DEV EXPECTED_SHA256: known content + write/read-back
    _dev=$1
    if ! dd if="$_dev" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null; then
        DIRECT="" ODIRECT=""
    fi
    echo 3 > /proc/sys/vm/drop_caches
    _sum=$(dd if="$_dev" bs=1M count="$KNOWN_MB" $DIRECT 2>/dev/null |
           sha256sum | cut -d' ' -f1)
    if [ "$_sum" != "$2" ]; then
        echo "known ${KNOWN_MB} MiB read back as ${_sum%${_sum#????????????}}..., want ${2%${2#????????????}}..."
        return 1
    fi
    dd if=/dev/urandom of=/tmp/pattern bs=1M count=1 2>/dev/null
    _want=$(sha256sum < /tmp/pattern | cut -d' ' -f1)
    dd if=/tmp/pattern of="$_dev" bs=1M seek="$KNOWN_MB" count=1 $ODIRECT \
        conv=fsync 2>/dev/null || { echo "write failed"; return 1; }
    echo 3 > /proc/sys/vm/drop_caches
    _got=$(dd if="$_dev" bs=1M skip="$KNOWN_MB" count=1 $DIRECT 2>/dev/null |
           sha256sum | cut -d' ' -f1)
    if [ "$_got" != "$_want" ]; then
        echo "1 MiB written at ${KNOWN_MB} MiB read back wrong"
        return 1
    fi
    echo "known ${KNOWN_MB} MiB sha256 ok, 1 MiB write+read-back ok${DIRECT:+ (O_DIRECT)}"
}

blk_node() {
    for _n in /sys/bus/pci/devices/$BLK/virtio*/block/*; do
        [ -e "$_n" ] && [ -b "/dev/$(basename "$_n")" ] &&
            echo "/dev/$(basename "$_n")" && return 0
    done
    return 1
}
nvme_node() {
    for _n in /sys/block/nvme*n1; do
        [ -e "$_n" ] && [ -b "/dev/$(basename "$_n")" ] &&
            echo "/dev/$(basename "$_n")" && return 0
    done
    return 1
}
net_if() {
    for _n in /sys/bus/pci/devices/$1/virtio*/net/*; do
        [ -e "$_n" ] && basename "$_n" && return 0
    done
    return 1
}
net_test() {
    _a=$(net_if "$NET_A") && _b=$(net_if "$NET_B") ||
        { echo "network interfaces missing"; return 1; }
    ip link set "$_a" up && ip link set "$_b" up ||
        { echo "cannot bring $_a/$_b up"; return 1; }
    _o1=$(net-pingpong "$_a" "$_b" 32) || { echo "$_o1"; return 1; }
    _o2=$(net-pingpong "$_b" "$_a" 32) || { echo "$_o2"; return 1; }
    echo "$_o1; $_o2"
}

# run_dev NAME NODEFN TESTFN ARG BDF...: cycle the domain types
run_dev() {
    _name=$1 _node=$2 _test=$3 _arg=$4
    shift 4
    if ! grep -q . /etc/smmum-modules && ! $_node >/dev/null 2>&1; then
        # A kernel brought without modules and without this driver built in.
        check "$_name" SKIP "no driver for $* (not built in, no modules given)"
        return
    fi
    if [ "$IOMMU" = none ] || ! group_of "$1" >/dev/null; then
        _types=default
    else
        _types=$TYPES
    fi
    for _ty in $_types; do
        step "$_name: domain $_ty"
        if [ "$_ty" != default ]; then
            if ! _msg=$(set_type "$_ty" "$@"); then
                check "$_name-$_ty" FAIL "$_msg"
                continue
            fi
            step "$_name: $_msg"
        fi
        if ! wait_for 30 $_node; then
            check "$_name-$_ty" FAIL "device node did not come back"
            continue
        fi
        _dev=$($_node | tr '\n' ' ')
        _dev=${_dev% }
        step "$_name: testing $_dev"
        if _msg=$($_test "$_dev" "$_arg"); then
            check "$_name-$_ty" PASS "$_dev: $_msg"
        else
            check "$_name-$_ty" FAIL "$_dev: $_msg"
        fi
    done
}

if [ -n "$BLK" ]; then
    run_dev blk blk_node disk_test "$(arg vda none)" "$BLK"
else
    check blk SKIP "no virtio-blk device"
fi
if [ -n "$NVME" ]; then
    run_dev nvme nvme_node disk_test "$(arg nvme none)" "$NVME"
else
    check nvme SKIP "no nvme device"
fi
NET_A=$(echo $NETS | cut -d' ' -f1)
NET_B=$(echo $NETS | cut -d' ' -f2)
if [ -n "$NET_A" ] && [ "$NET_A" != "$NET_B" ]; then
    net_ifs() { net_if "$NET_A" && net_if "$NET_B"; }
    # net_test finds the interfaces itself (names may change on rebind)
    run_dev net net_ifs net_test - "$NET_A" "$NET_B"
else
    check net SKIP "needs two virtio-net NICs"
fi

# ---- PCI hot unplug + rescan of the NIC pair, then DMA again ----
if [ "$EXTRA" != 1 ]; then
    :
elif [ -n "$NET_A" ] && [ "$NET_A" != "$NET_B" ] && net_if "$NET_A" >/dev/null; then
    step "net: hot unplug $NET_A $NET_B"
    echo 1 > "/sys/bus/pci/devices/$NET_A/remove"
    echo 1 > "/sys/bus/pci/devices/$NET_B/remove"
    if [ -e "/sys/bus/pci/devices/$NET_A" ] || [ -e "/sys/bus/pci/devices/$NET_B" ]; then
        check net-replug FAIL "a NIC is still present after remove"
    else
        step "net: rescan"
        echo 1 > /sys/bus/pci/rescan
        net_ifs() { net_if "$NET_A" && net_if "$NET_B"; }
        if ! wait_for 30 net_ifs; then
            check net-replug FAIL "NICs did not come back after rescan"
        else
            dev_lines
            step "net: testing after rescan ($(net_ifs | tr '\n' ' '))"
            if _msg=$(net_test); then
                check net-replug PASS "removed, rescanned, groups" \
                    "$(group_of "$NET_A") $(group_of "$NET_B"): $_msg"
            else
                check net-replug FAIL "after rescan: $_msg"
            fi
        fi
    fi
fi

# ---- VFIO type1 with edu ----
# run_counted CMD...: run a program that prints SMMUM-CHECK lines and count them
run_counted() {
    "$@" > /tmp/vfio.out 2>&1
    rc=$?
    cat /tmp/vfio.out
    while read -r tag name res rest; do
        [ "$tag" = SMMUM-CHECK ] || continue
        case $res in
            FAIL) FAILS=$((FAILS + 1)) ;;
            PASS) PASSES=$((PASSES + 1)) ;;
        esac
    done < /tmp/vfio.out
    return $rc
}
smmu_lines() {
    dmesg | grep 'arm-smmu-v3'
}
if [ -z "$EDU" ]; then
    check vfio SKIP "no edu device"
elif [ "$IOMMU" = none ]; then
    check vfio SKIP "VFIO type1 needs an IOMMU"
elif ! grep -q . /etc/smmum-modules && [ ! -d /sys/bus/pci/drivers/vfio-pci ]; then
    check vfio SKIP "kernel without modules has no built-in vfio-pci"
else
    step "vfio: binding $EDU to vfio-pci"
    echo vfio-pci > "/sys/bus/pci/devices/$EDU/driver_override"
    echo "$EDU" > /sys/bus/pci/drivers_probe
    if [ "$(basename "$(readlink "/sys/bus/pci/devices/$EDU/driver")")" != vfio-pci ]; then
        check vfio-bind FAIL "$EDU did not bind to vfio-pci"
    else
        dev_lines
        ev0=$(smmu_lines | wc -l)
        run_counted vfio-edu "$EDU"
        if ! grep -q 'SMMUM-CHECK vfio-fault-read ' /tmp/vfio.out; then
            check vfio-complete FAIL "vfio-edu stopped early (exit $rc)"
        fi
        # The SMMU records the faulting transfers as F_TRANSLATION (0x10)
        # events and the driver logs them (rate-limited) with the input
        # address, 0x4000000-0x4001fff here: raw event words up to 6.x,
        # "iova: 0x..." in newer kernels.  Give its IRQ thread a moment.
        wait_for 5 sh -c "[ \$(dmesg | grep -c 'arm-smmu-v3.*event 0x10') -gt 0 ]"
        smmu_lines | tail -n +$((ev0 + 1)) > /tmp/events
        head -12 /tmp/events | while read -r l; do info "dmesg: $l"; done
        nev=$(grep -c 'event 0x10 received' /tmp/events)
        if [ "$nev" -gt 0 ] &&
           grep -qE '(0x|0x00000000)0400[01][0-9a-f]{3}$|iova: 0x400[01][0-9a-f]{3} ' /tmp/events; then
            check smmu-fault-event PASS "$nev F_TRANSLATION event(s) logged" \
                "for the unmapped IOVA (rate-limited)"
        elif [ "$nev" -gt 0 ]; then
            check smmu-fault-event FAIL "$nev F_TRANSLATION event(s), none" \
                "for IOVA 0x4000000-0x4001fff"
        else
            check smmu-fault-event FAIL "no F_TRANSLATION event logged for the" \
                "faulting DMA"
        fi
    fi
fi

# ---- VFIO cycles while virtio-blk DMAs, then edu reset ----
if [ "$EXTRA" = 1 ] && [ -n "$EDU" ] && [ "$IOMMU" != none ] &&
   [ "$(basename "$(readlink "/sys/bus/pci/devices/$EDU/driver")")" = vfio-pci ]; then
    _vda=$(blk_node) || _vda=/dev/null
    _ref=$(dd if="$_vda" bs=64k count=16 $DIRECT 2>/dev/null | sha256sum)
    rm -f /tmp/bg.log
    step "vfio-cycles: background reads of $_vda start"
    (
        while [ ! -e /tmp/bg.stop ]; do
            _s=$(dd if="$_vda" bs=64k count=16 $DIRECT 2>/dev/null | sha256sum)
            [ "$_s" = "$_ref" ] && echo ok >> /tmp/bg.log || echo bad >> /tmp/bg.log
        done
    ) &
    _bg=$!
    wait_for 10 test -s /tmp/bg.log
    run_counted vfio-edu "$EDU" --cycles 3 cycle
    touch /tmp/bg.stop
    wait "$_bg"
    rm -f /tmp/bg.stop
    _ok=$(grep -c ok /tmp/bg.log)
    _bad=$(grep -c bad /tmp/bg.log)
    step "vfio-cycles: background reads stopped"
    if [ "$_vda" = /dev/null ]; then
        check vfio-cycles-bg-dma SKIP "no virtio-blk disk for background DMA"
    elif [ "$_ok" -gt 0 ] && [ "$_bad" -eq 0 ]; then
        check vfio-cycles-bg-dma PASS "$_ok background 1 MiB reads of $_vda intact during the cycles"
    else
        check vfio-cycles-bg-dma FAIL "background reads of $_vda: $_ok intact, $_bad corrupt"
    fi
    if [ -e "/sys/bus/pci/devices/$EDU/reset" ]; then
        step "edu: function reset via sysfs ($(cat "/sys/bus/pci/devices/$EDU/reset_method" 2>/dev/null))"
        if echo 1 > "/sys/bus/pci/devices/$EDU/reset" 2>/tmp/reset.err; then
            run_counted vfio-edu "$EDU" --cycles 1 after-reset
        else
            check edu-reset FAIL "writing reset: $(cat /tmp/reset.err)"
        fi
    else
        check edu-reset SKIP "no reset method for $EDU (no FLR/PM reset, root bus)"
    fi
fi
dev_lines

# ---- steps an initramfs overlay adds (SMMUM_INITRD_EXTRA, e.g. iommufd) ----
for _x in /etc/smmum-extra.d/*.sh; do
    [ -f "$_x" ] && . "$_x"
done

# ---- kernel health ----
if dmesg | grep -qE 'Call trace:|BUG:|Oops|WARNING:|Kernel panic'; then
    check kernel-log FAIL "$(dmesg | grep -E 'Call trace:|BUG:|Oops|WARNING:' | head -1)"
else
    check kernel-log PASS "no oops/warning/BUG in dmesg"
fi

kill "$WATCHDOG_PID" 2>/dev/null
step "done: $PASSES passed, $FAILS failed"
if [ "$FAILS" -eq 0 ] && [ "$PASSES" -gt 0 ]; then
    echo "SMMUM-VERDICT PASS" | tee -a /tmp/smmum-results
else
    echo "SMMUM-VERDICT FAIL" | tee -a /tmp/smmum-results
fi
echo "SMMUM-DMESG-BEGIN"
dmesg
echo "SMMUM-DMESG-END"
if [ "$(arg shell 0)" = 1 ]; then
    exec sh
fi
if [ "$BOOT" -gt 0 ] && [ "$BOOT" -lt "$REBOOTS" ]; then
    # Reboot at once, no sync, no device shutdown: the SMMU is reset
    # under whatever the driver left programmed.
    echo b > /proc/sysrq-trigger
fi
# Should a device's shutdown hang, the panic path still ends the run.
(sleep 20; echo c > /proc/sysrq-trigger) &
poweroff -f
