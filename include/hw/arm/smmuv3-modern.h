/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: an Arm SMMUv3 device model with strict STE/CD tear
 * detection.  Public QOM interface.
 */
#ifndef HW_ARM_SMMUV3_MODERN_H
#define HW_ARM_SMMUV3_MODERN_H

#include "hw/sysbus.h"
#include "hw/pci/pci.h"
#include "exec/memory.h"
#include "qom/object.h"

#define TYPE_ARM_SMMUV3_MODERN "arm-smmuv3-modern"
#define TYPE_ARM_SMMUV3_MODERN_IOMMU_MR "arm-smmuv3-modern-iommu-memory-region"

typedef struct SMMUv3ModernState SMMUv3ModernState;
DECLARE_INSTANCE_CHECKER(SMMUv3ModernState, ARM_SMMUV3_MODERN,
                         TYPE_ARM_SMMUV3_MODERN)

/*
 * The memory the machine's vCPUs should use (their "memory" link), given
 * the machine's system memory; call it on the unrealized device before the
 * vCPUs are realized.  With tear-check=store under TCG or qtest it is a
 * container of the device (sysmem plus the overlays that let the device
 * see guest stores to STEs and CDs); otherwise it is sysmem itself.
 */
MemoryRegion *smmuv3_modern_cpu_memory(DeviceState *dev,
                                       MemoryRegion *sysmem);

#endif
