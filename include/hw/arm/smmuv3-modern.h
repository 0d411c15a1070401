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

#endif
