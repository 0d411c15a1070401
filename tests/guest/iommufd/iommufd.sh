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
