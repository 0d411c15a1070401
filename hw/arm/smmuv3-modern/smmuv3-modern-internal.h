/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: QEMU glue state (not part of the public interface).
 */
#ifndef HW_ARM_SMMUV3_MODERN_INTERNAL_H
#define HW_ARM_SMMUV3_MODERN_INTERNAL_H

#include "hw/arm/smmuv3-modern.h"
#include "qemu/notify.h"
#include "core/smmum-core.h"
#include "core/smmum-tear.h"

typedef enum SmmumTearAction {
    SMMUM_TEAR_ACTION_LOG,
    SMMUM_TEAR_ACTION_STOP,
    SMMUM_TEAR_ACTION_EXIT,
} SmmumTearAction;

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

    /* Tear checker (smmuv3-modern-tear.c) */
    char *tear_check_str;       /* properties */
    char *tear_action_str;
    char *tear_severity_str;
    char *tear_report_path;
    SmmumTearMode tear_mode;
    SmmumTearAction tear_action;
    SmmumTearSeverity tear_severity;
    SmmumTear *tear;
    FILE *tear_report;
    Notifier tear_exit;
    bool tear_exit_requested;
};

bool smmuv3_modern_tear_realize(SMMUv3ModernState *s, Error **errp);
void smmuv3_modern_tear_add_props(Object *obj);

#endif
