/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: the private endpoint interface of
 * include/hw/arm/smmuv3-modern.h — transactions with full attributes,
 * ATS Translation Requests and Translated accesses, and the delivery of
 * CMD_ATC_INV to an endpoint's ATC.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_bus.h"
#include "trace.h"
#include "smmuv3-modern-internal.h"

SMMUv3ModernDevice *smmuv3_modern_endpoint(AddressSpace *as)
{
    MemoryRegion *mr = as ? as->root : NULL;

    if (!mr || !object_dynamic_cast(OBJECT(mr),
                                    TYPE_ARM_SMMUV3_MODERN_IOMMU_MR)) {
        return NULL;
    }
    return container_of(IOMMU_MEMORY_REGION(mr), SMMUv3ModernDevice, iommu);
}

uint32_t smmuv3_modern_endpoint_sid(SMMUv3ModernDevice *ep)
{
    return PCI_BUILD_BDF(pci_bus_num(ep->bus), ep->devfn);
}

static void txn_from(SMMUv3ModernDevice *ep, const SMMUv3ModernTxnAttrs *a,
                     hwaddr addr, bool write, SmmumTxn *txn)
{
    *txn = (SmmumTxn) {
        .sid = smmuv3_modern_endpoint_sid(ep),
        .ssid = a->ssv ? a->ssid & 0xfffff : 0,
        .ssv = a->ssv,
        .write = write,
        .priv = a->priv,
        .instr = a->instr && !write,
        .addr = addr,
    };
    /* A new transaction: not a piece of one the SMMU just terminated. */
    ep->smmu->abort_sdev = NULL;
}

static bool allowed(const SmmumXlate *x, bool write, hwaddr *pa,
                    hwaddr *mask)
{
    if (x->status != SMMUM_XLATE_OK || !(write ? x->write : x->read)) {
        return false;
    }
    *pa = x->pa;
    *mask = x->addr_mask;
    return true;
}

bool smmuv3_modern_access(SMMUv3ModernDevice *ep,
                          const SMMUv3ModernTxnAttrs *attrs, hwaddr iova,
                          bool write, hwaddr *pa, hwaddr *mask)
{
    SmmumTxn txn;
    SmmumXlate x;

    txn_from(ep, attrs, iova, write, &txn);
    smmum_translate(&ep->smmu->core, &txn, &x);
    trace_smmuv3_modern_ep_access(txn.sid, txn.ssv, txn.ssid, iova, x.pa,
                                  x.status);
    return allowed(&x, write, pa, mask);
}

void smmuv3_modern_ats_request(SMMUv3ModernDevice *ep,
                               const SMMUv3ModernTxnAttrs *attrs,
                               hwaddr iova, bool no_write,
                               SMMUv3ModernAtsCompletion *c)
{
    SmmumTxn txn;
    SmmumXlate x;

    txn_from(ep, attrs, iova, false, &txn);
    txn.nw = no_write;
    smmum_ats_translate(&ep->smmu->core, &txn, &x);
    memset(c, 0, sizeof(*c));
    switch (x.ats_resp) {
    case SMMUM_ATS_SUCCESS:
        c->status = SMMUV3_MODERN_ATS_SUCCESS;
        c->addr = x.pa;
        c->mask = x.addr_mask;
        c->read = x.read;
        c->write = x.write;
        c->exec = x.exec;
        c->global = x.global;
        break;
    case SMMUM_ATS_UR:
        c->status = SMMUV3_MODERN_ATS_UR;
        break;
    default:
        c->status = SMMUV3_MODERN_ATS_CA;
        break;
    }
    trace_smmuv3_modern_ats_request(txn.sid, txn.ssv, txn.ssid, iova,
                                    c->status, c->addr, c->read, c->write);
}

bool smmuv3_modern_ats_translated(SMMUv3ModernDevice *ep,
                                  const SMMUv3ModernTxnAttrs *attrs,
                                  hwaddr addr, bool write, hwaddr *pa,
                                  hwaddr *mask)
{
    SmmumTxn txn;
    SmmumXlate x;

    txn_from(ep, attrs, addr, write, &txn);
    txn.at = SMMUM_AT_TRANSLATED;
    smmum_translate(&ep->smmu->core, &txn, &x);
    return allowed(&x, write, pa, mask);
}

void smmuv3_modern_ats_enable(SMMUv3ModernDevice *ep, bool enabled,
                              bool restore)
{
    uint32_t sid = smmuv3_modern_endpoint_sid(ep);

    trace_smmuv3_modern_ats_enable(sid, enabled, restore);
    smmum_ats_endpoint(&ep->smmu->core, sid, enabled, !restore);
}

void smmuv3_modern_set_atc_handler(SMMUv3ModernDevice *ep,
                                   SMMUv3ModernAtcInvFn fn, void *opaque)
{
    ep->atc_inv = fn;
    ep->atc_opaque = opaque;
}

bool smmuv3_modern_host_atc_inv(void *opaque, const SmmumAtcInv *inv)
{
    SMMUv3ModernState *s = opaque;
    SMMUv3ModernAtcInv req = {
        .ssid = inv->ssid,
        .ssv = inv->ssv,
        .global = inv->global,
        .addr = inv->addr,
        .size_log2 = inv->size_log2,
    };
    GHashTableIter it;
    gpointer value;
    bool ok = true;

    trace_smmuv3_modern_atc_inv(inv->sid, inv->ssv, inv->ssid, inv->addr,
                                inv->size_log2, inv->global);
    /* Every endpoint with that StreamID (and an ATC) gets the request. */
    g_hash_table_iter_init(&it, s->devices);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        SMMUv3ModernDevice *ep = value;

        if (ep->atc_inv && smmuv3_modern_endpoint_sid(ep) == inv->sid) {
            ok = ep->atc_inv(ep->atc_opaque, &req) && ok;
        }
    }
    return ok;
}
