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

/*
 * A private interface for PCIe endpoints behind the model, where QEMU 10.0
 * has none (PCIIOMMUOps has no ATS or PASID operations; MemTxAttrs has an
 * 8-bit pid only): transactions with a full SubstreamID and privileged /
 * instruction attributes, ATS Translation Requests, ATS Translated
 * accesses and ATC invalidation (smmuv3-modern-ats.c).  Used by the
 * project's test device (smmuv3-modern-testdev.c).
 */
typedef struct SMMUv3ModernDevice SMMUv3ModernDevice;

/* Attributes of a transaction beyond its address and direction. */
typedef struct SMMUv3ModernTxnAttrs {
    uint32_t ssid;          /* SubstreamID (PASID), when ssv */
    bool ssv;
    bool priv;              /* privileged (Privileged Mode Requested) */
    bool instr;             /* instruction fetch (Execute Requested) */
} SMMUv3ModernTxnAttrs;

typedef enum SMMUv3ModernAtsStatus {
    SMMUV3_MODERN_ATS_SUCCESS,  /* the fields below are valid */
    SMMUV3_MODERN_ATS_UR,       /* Unsupported Request */
    SMMUV3_MODERN_ATS_CA,       /* Completer Abort */
} SMMUv3ModernAtsStatus;

/* A Translation Completion. */
typedef struct SMMUv3ModernAtsCompletion {
    SMMUv3ModernAtsStatus status;
    hwaddr addr;            /* translated address of the requested one */
    hwaddr mask;            /* size - 1 of the aligned translated region */
    bool read, write, exec; /* all false: no access (a fault) */
    bool global;            /* valid for every PASID */
} SMMUv3ModernAtsCompletion;

/* An Invalidate Request to an endpoint's ATC. */
typedef struct SMMUv3ModernAtcInv {
    uint32_t ssid;          /* PASID, when ssv */
    bool ssv;
    bool global;            /* also global entries of every PASID */
    hwaddr addr;            /* aligned start of the range */
    uint8_t size_log2;      /* 2^size_log2 bytes, 12..64 */
} SMMUv3ModernAtcInv;

/* Handles an Invalidate Request; true when it sends its Completion. */
typedef bool (*SMMUv3ModernAtcInvFn)(void *opaque,
                                     const SMMUv3ModernAtcInv *inv);

/*
 * The endpoint behind smmuv3-modern whose DMA address space is as
 * (pci_get_address_space()), or NULL when as is not translated by it.
 */
SMMUv3ModernDevice *smmuv3_modern_endpoint(AddressSpace *as);
/* Its StreamID now (bus numbers change at enumeration). */
uint32_t smmuv3_modern_endpoint_sid(SMMUv3ModernDevice *ep);
/*
 * An untranslated access at iova: true when it may proceed at *pa, within
 * the region *mask describes; false when the SMMU terminated it (its
 * event, if any, recorded).
 */
bool smmuv3_modern_access(SMMUv3ModernDevice *ep,
                          const SMMUv3ModernTxnAttrs *attrs, hwaddr iova,
                          bool write, hwaddr *pa, hwaddr *mask);
/* An ATS Translation Request for iova (no_write: NW, read only). */
void smmuv3_modern_ats_request(SMMUv3ModernDevice *ep,
                               const SMMUv3ModernTxnAttrs *attrs,
                               hwaddr iova, bool no_write,
                               SMMUv3ModernAtsCompletion *c);
/*
 * An ATS Translated access at addr: true when it may proceed at *pa
 * (addr itself unless split-stage ATS translates it at stage 2).
 */
bool smmuv3_modern_ats_translated(SMMUv3ModernDevice *ep,
                                  const SMMUv3ModernTxnAttrs *attrs,
                                  hwaddr addr, bool write, hwaddr *pa,
                                  hwaddr *mask);
/*
 * The endpoint set or cleared the Enable bit of its ATS capability
 * (enabled: its new value).  The SMMU does not depend on it; the
 * maintenance checker judges its order against STE.EATS.  restore: the
 * value came with an incoming migration (recorded, not judged).
 */
void smmuv3_modern_ats_enable(SMMUv3ModernDevice *ep, bool enabled,
                              bool restore);
/* Receive the CMD_ATC_INVs for this endpoint's StreamID (fn NULL: none). */
void smmuv3_modern_set_atc_handler(SMMUv3ModernDevice *ep,
                                   SMMUv3ModernAtcInvFn fn, void *opaque);

#endif
