/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: QEMU glue state (not part of the public interface).
 */
#ifndef HW_ARM_SMMUV3_MODERN_INTERNAL_H
#define HW_ARM_SMMUV3_MODERN_INTERNAL_H

#include "hw/arm/smmuv3-modern.h"
#include "core/smmum-core.h"

/* One IOMMU memory region per PCI (bus, devfn) behind the SMMU. */
typedef struct SMMUv3ModernDevice {
    SMMUv3ModernState *smmu;
    PCIBus *bus;
    int devfn;
    IOMMUMemoryRegion iommu;
    AddressSpace as;
} SMMUv3ModernDevice;

struct SMMUv3ModernState {
    SysBusDevice parent_obj;

    MemoryRegion mmio;
    qemu_irq irq[SMMUM_NUM_IRQS];
    PCIBus *primary_bus;
    GHashTable *devices;        /* (bus, devfn) -> SMMUv3ModernDevice */

    SmmumConfig cfg;            /* from properties */
    SmmumCore core;
};

#endif
