#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Benchmark workloads of the guest (busybox sh), run by /init instead of
# the check workload when the kernel command line has smmum.bench=NAME
# (scripts/bench-guest.py sets it).  Prints
#   SMMUM-BENCH <name> <guest seconds> <detail>
# then SMMUM-VERDICT PASS (or FAIL when the workload failed or the kernel
# log has an oops, BUG or warning) and powers off.
#
#   boot        nothing: measures power-on to /init
#   blk4k       4 KiB O_DIRECT reads of the virtio-blk disk
#   blk1m       1 MiB O_DIRECT reads of the virtio-blk disk
#   nvme4k      4 KiB O_DIRECT reads of the nvme namespace
#   nvme1m      1 MiB O_DIRECT reads of the nvme namespace
#   net         raw frames between the two virtio-net NICs
# smmum.bench_mb=N scales the disk workloads (MiB read, default 64).

name=$1
mb=$2
uptime_cs() { tr -d . < /proc/uptime | cut -d' ' -f1; }

ifaces() { ls /sys/class/net | grep -v '^lo$' | sort | head -2; }

rc=0
t0=$(uptime_cs)
case "$name" in
    boot)
        detail="power-on to /init"
        ;;
    blk4k|blk1m|nvme4k|nvme1m)
        case "$name" in
            blk*) dev=/dev/vda ;;
            *) dev=/dev/nvme0n1 ;;
        esac
        case "$name" in
            *4k) bs=4096 ;;
            *) bs=1048576 ;;
        esac
        size=$(($(cat /sys/class/block/${dev#/dev/}/size) * 512))
        per=$((size / bs))
        total=$((mb * 1048576 / bs))
        done=0
        while [ $done -lt $total ] && [ $rc = 0 ]; do
            n=$((total - done))
            [ $n -le $per ] || n=$per
            dd if=$dev of=/dev/null bs=$bs count=$n iflag=direct \
                2>/tmp/dd.err || rc=1
            done=$((done + n))
        done
        detail="$total reads of $bs bytes from $dev"
        ;;
    net)
        set -- $(ifaces)
        for i in "$1" "$2"; do
            ip link set "$i" up
        done
        /bin/net-pingpong "$1" "$2" 500 >/tmp/net.out 2>&1 || rc=1
        detail="500 frames $1 -> $2: $(tail -1 /tmp/net.out)"
        ;;
    *)
        detail="unknown workload"
        rc=1
        ;;
esac
t1=$(uptime_cs)
secs=$(( (t1 - t0) / 100 )).$(printf '%02d' $(( (t1 - t0) % 100 )))
echo "SMMUM-BENCH $name $secs $detail"
# A kernel oops in a process the workload does not wait for (memory
# corruption shows up that way) must fail the run, not just its timing.
if dmesg | grep -qE 'Call trace:|BUG:|Oops|WARNING:|Kernel panic'; then
    echo "SMMUM-CHECK kernel-log FAIL" \
         "$(dmesg | grep -E 'Call trace:|BUG:|Oops|WARNING:' | head -1)"
    rc=1
fi
if [ $rc = 0 ]; then
    echo "SMMUM-VERDICT PASS"
else
    cat /tmp/dd.err /tmp/net.out 2>/dev/null
    echo "SMMUM-DMESG-BEGIN"
    dmesg | tail -80
    echo "SMMUM-DMESG-END"
    echo "SMMUM-VERDICT FAIL"
fi
sync
# Let the console drain: poweroff -f does not wait for the tty, and a
# verdict line still in its buffer would be lost (seen under heavy load).
sleep 1
poweroff -f
