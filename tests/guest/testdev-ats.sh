# SPDX-License-Identifier: GPL-2.0-or-later
#
# Guest step added by scripts/guest-run.sh --testdev (sourced by init.sh
# from /etc/smmum-extra.d/): the PCIe test endpoint smmuv3-modern-testdev
# (1b36:0b10) has no driver of its own, and on a device-tree boot Linux
# puts a device behind its IOMMU only when a driver binds.  Bind it to
# vfio-pci once (arm-smmu-v3 then enables PASID, attaches the default DMA
# domain with STE.EATS=1, enables ATS in the endpoint and sends
# CMD_ATC_INV), run vfio-testdev (DMA through the endpoint's ATC in a VFIO
# type1 domain, ATC invalidation on unmap), then, unbound, switch its
# group identity -> DMA a few times: each DMA attach sets EATS and
# invalidates the ATC again, each identity attach disables ATS.  Reports
# the endpoint's ATS and PASID Control registers as Linux left them.
TD=""
for _d in /sys/bus/pci/devices/*; do
    if [ "$(cat "$_d/vendor")" = 0x1b36 ] && [ "$(cat "$_d/device")" = 0x0b10 ]; then
        TD=$(basename "$_d")
    fi
done
# cfg16 OFFSET: a 16-bit config-space register of the test device, in hex
cfg16() {
    dd if="/sys/bus/pci/devices/$TD/config" bs=1 skip=$(($1)) count=2 \
        2>/dev/null | hexdump -e '1/2 "%04x"'
}
# ats_on HEX: is ATS Enable (bit 15) set in this ATS Control value?
ats_on() {
    [ $((0x${1:-0} & 0x8000)) -ne 0 ]
}
td_state() {
    _g=$(basename "$(readlink "/sys/bus/pci/devices/$TD/iommu_group" 2>/dev/null)")
    _t=$(cat "/sys/kernel/iommu_groups/$_g/type" 2>/dev/null)
    info "testdev $TD $1: group ${_g:-none} type ${_t:-none} ATS-ctrl 0x$(cfg16 0x106) PASID-ctrl 0x$(cfg16 0x116)"
}
if [ -z "$TD" ]; then
    check testdev SKIP "no smmuv3-modern-testdev (1b36:0b10)"
elif [ "$(arg iommu none)" != smmuv3-modern ]; then
    check testdev-ats SKIP "ATS is offered by iommu=smmuv3-modern only"
else
    [ -d /sys/bus/pci/drivers/vfio-pci ] || modprobe vfio-pci 2>/dev/null
    if [ ! -d /sys/bus/pci/drivers/vfio-pci ]; then
        check testdev-ats SKIP "no vfio-pci to bind the test device"
    else
        step "testdev: binding $TD to vfio-pci"
        echo vfio-pci > "/sys/bus/pci/devices/$TD/driver_override"
        echo "$TD" > /sys/bus/pci/drivers_probe
        td_state bound
        _ats_bound=$(cfg16 0x106)
        # DMA through the ATC from user space (tests/guest/vfio-testdev.c).
        if command -v vfio-testdev >/dev/null && ats_on "$_ats_bound"; then
            run_counted vfio-testdev "$TD" ||
                info "vfio-testdev exited with $rc"
            td_state "after vfio"
        fi
        echo "$TD" > /sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
        _g=$(basename "$(readlink "/sys/bus/pci/devices/$TD/iommu_group" 2>/dev/null)")
        for _i in 1 2 3; do
            echo identity > "/sys/kernel/iommu_groups/$_g/type" 2>/dev/null
            td_state "identity $_i"
            echo DMA > "/sys/kernel/iommu_groups/$_g/type" 2>/dev/null
            td_state "DMA $_i"
        done
        dev_lines
        _kv=$(uname -r | sed 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/')
        if ats_on "$_ats_bound"; then
            check testdev-ats PASS "Linux enabled ATS on $TD (ATS control 0x$_ats_bound)"
        elif [ "${_kv% *}" -lt 6 ] ||
             { [ "${_kv% *}" -eq 6 ] && [ "${_kv#* }" -lt 12 ]; }; then
            # 6.1 takes the root complex's ATS support from ACPI IORT only.
            check testdev-ats SKIP "ATS not enabled on $TD: this kernel does not read the device tree's ats-supported (6.12 and later do)"
        else
            check testdev-ats FAIL "ATS not enabled on $TD (ATS control 0x$_ats_bound)"
        fi
    fi
fi
