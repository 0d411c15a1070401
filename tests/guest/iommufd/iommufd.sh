# SPDX-License-Identifier: GPL-2.0-or-later
#
# Sourced by /init (tests/guest/init.sh) from /etc/smmum-extra.d/ when the
# initramfs carries it (scripts/iommufd-run.sh adds it with the exerciser):
# run /bin/iommufd-exerciser on edu through its VFIO device cdev.
# smmum.idr=IDR0,...,IDR5 on the command line: the model's ID registers,
# which IOMMU_GET_HW_INFO must report.
if [ -z "$EDU" ]; then
    check iommufd SKIP "no edu device"
elif [ ! -e /dev/iommu ]; then
    check iommufd SKIP "kernel without IOMMUFD (no /dev/iommu)"
elif [ "$IOMMU" = none ]; then
    check iommufd SKIP "no IOMMU"
else
    _d=/sys/bus/pci/devices/$EDU
    if [ "$(basename "$(readlink "$_d/driver")")" != vfio-pci ]; then
        [ -e "$_d/driver" ] && echo "$EDU" > "$_d/driver/unbind"
        echo vfio-pci > "$_d/driver_override"
        echo "$EDU" > /sys/bus/pci/drivers_probe
    fi
    if [ ! -d "$_d/vfio-dev" ]; then
        check iommufd FAIL "$EDU has no VFIO device cdev" \
            "(driver $(basename "$(readlink "$_d/driver")"))"
    else
        step "iommufd: exerciser on $EDU ($(ls "$_d/vfio-dev"))"
        dev_lines
        run_counted iommufd-exerciser "$EDU" $(arg idr "") ||
            info "iommufd-exerciser exit status $rc"
        grep -q '^SMMUM-IOMMUFD .* end ' /tmp/vfio.out ||
            check iommufd-complete FAIL "the exerciser stopped early (exit $rc)"
        step "iommufd: exerciser done"
    fi
fi

# PASID attach/replace/detach with DMA: the project's PCIe test endpoint
# (smmuv3-modern-testdev, 1b36:0b10, PASID capability), when the host
# added it (scripts/iommufd-run.sh does when its QEMU has the device).
_td=$(find_pci 0x1b36 0x0b10 | head -1)
if [ -z "$_td" ]; then
    check iommufd-pdev SKIP "no smmuv3-modern-testdev (1b36:0b10): PASID" \
        "with DMA needs a PASID-capable device"
elif [ -e /dev/iommu ] && [ "$IOMMU" != none ]; then
    _d=/sys/bus/pci/devices/$_td
    [ -e "$_d/driver" ] && echo "$_td" > "$_d/driver/unbind"
    echo vfio-pci > "$_d/driver_override"
    echo "$_td" > /sys/bus/pci/drivers_probe
    if [ ! -d "$_d/vfio-dev" ]; then
        check iommufd-pdev FAIL "$_td has no VFIO device cdev"
    else
        step "iommufd: PASID exerciser on $_td ($(ls "$_d/vfio-dev"))"
        dev_lines
        run_counted iommufd-exerciser --pasid "$_td" ||
            info "iommufd-exerciser --pasid exit status $rc"
        grep -q '^SMMUM-IOMMUFD .* end ' /tmp/vfio.out ||
            check iommufd-pdev-complete FAIL "the PASID exerciser stopped early (exit $rc)"
    fi
fi
