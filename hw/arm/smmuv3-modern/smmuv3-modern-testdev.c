/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern-testdev: a PCIe endpoint that DMAs on request, for qtests
 * and guests of smmuv3-modern.  It issues reads and writes of a given
 * address, length, SubstreamID and attributes synchronously and reports
 * success or the fault; it has a PASID capability (End-End TLP Prefix
 * Supported, so Linux enables PASID) and an ATS capability with a small
 * ATC of its own: Translation Requests, Translated accesses, Invalidate
 * Requests and their Completions.  It talks to the SMMU through the
 * private interface of include/hw/arm/smmuv3-modern.h.  Registers are
 * documented in docs/smmuv3-modern.rst.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/rcu.h"
#include "qapi/error.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/pcie.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "exec/address-spaces.h"
#include "system/dma.h"
#include "hw/arm/smmuv3-modern.h"
#include "smmuv3-modern-testdev.h"
#include "trace.h"

#define TYPE_SMMUV3_MODERN_TESTDEV "smmuv3-modern-testdev"
OBJECT_DECLARE_SIMPLE_TYPE(SMMUv3ModernTestdev, SMMUV3_MODERN_TESTDEV)

typedef struct TdAtcEntry {
    bool valid;
    bool ssv;
    bool global;
    bool read, write, exec;
    uint32_t ssid;
    uint64_t iova;          /* aligned base of the untranslated range */
    uint64_t mask;          /* size - 1 */
    uint64_t addr;          /* translated base */
} TdAtcEntry;

struct SMMUv3ModernTestdev {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    SMMUv3ModernDevice *ep;     /* NULL: not behind smmuv3-modern */

    /* Properties */
    uint32_t atc_size;
    bool atc_inv_fail;

    /* Registers */
    uint64_t addr;
    uint32_t len;
    uint32_t ssid;
    uint32_t flags;
    uint32_t status;
    uint32_t done;
    uint64_t ats_addr;
    uint32_t ats_info;
    uint32_t inv_last_id;
    uint32_t inv_last_size;
    uint64_t inv_last_addr;
    uint8_t buf[TD_BUF_SIZE];

    /* Counters (also QOM properties) */
    uint64_t treq_count;
    uint64_t atc_hits;
    uint64_t inv_count;
    uint64_t inv_dropped;

    TdAtcEntry *atc;
    uint32_t atc_next;          /* round-robin replacement */
    bool ats_told;              /* the ATS Enable the SMMU was told */
};

static bool td_ats_enabled(SMMUv3ModernTestdev *d)
{
    PCIDevice *pdev = PCI_DEVICE(d);

    return pci_get_word(pdev->config + TD_ATS_CAP_OFF + PCI_ATS_CTRL) &
           PCI_ATS_CTRL_ENABLE;
}

static uint16_t td_pasid_ctrl(SMMUv3ModernTestdev *d)
{
    PCIDevice *pdev = PCI_DEVICE(d);

    return pci_get_word(pdev->config + TD_PASID_CAP_OFF + PCI_PASID_CTRL);
}

static unsigned td_atc_valid(SMMUv3ModernTestdev *d)
{
    unsigned n = 0;

    for (uint32_t i = 0; i < d->atc_size; i++) {
        n += d->atc[i].valid;
    }
    return n;
}

static void td_atc_flush(SMMUv3ModernTestdev *d)
{
    memset(d->atc, 0, d->atc_size * sizeof(d->atc[0]));
}

/* Does entry e translate (ssv, ssid)? Global entries serve every PASID. */
static bool td_atc_match_ctx(const TdAtcEntry *e, bool ssv, uint32_t ssid)
{
    if (e->ssv != ssv) {
        return false;
    }
    return !ssv || e->ssid == ssid || e->global;
}

static TdAtcEntry *td_atc_lookup(SMMUv3ModernTestdev *d, bool ssv,
                                 uint32_t ssid, uint64_t iova)
{
    for (uint32_t i = 0; i < d->atc_size; i++) {
        TdAtcEntry *e = &d->atc[i];

        if (e->valid && td_atc_match_ctx(e, ssv, ssid) &&
            (iova & ~e->mask) == e->iova) {
            return e;
        }
    }
    return NULL;
}

static TdAtcEntry *td_atc_insert(SMMUv3ModernTestdev *d, bool ssv,
                                 uint32_t ssid, uint64_t iova,
                                 const SMMUv3ModernAtsCompletion *c)
{
    TdAtcEntry *e = td_atc_lookup(d, ssv, ssid, iova);

    /* A new completion for a cached range replaces its entry. */
    if (!e) {
        e = &d->atc[d->atc_next];
        d->atc_next = (d->atc_next + 1) % d->atc_size;
    }
    *e = (TdAtcEntry) {
        .valid = true,
        .ssv = ssv,
        .ssid = ssv ? ssid : 0,
        .global = c->global,
        .read = c->read,
        .write = c->write,
        .exec = c->exec,
        .iova = iova & ~c->mask,
        .mask = c->mask,
        .addr = c->addr & ~c->mask,
    };
    return e;
}

/*
 * An Invalidate Request from the root complex.  Without a PASID it
 * covers every entry in the range, with one the entries of that PASID
 * (and with Global the global entries of every PASID).
 */
static bool td_atc_inv(void *opaque, const SMMUv3ModernAtcInv *inv)
{
    SMMUv3ModernTestdev *d = opaque;
    uint64_t last = inv->size_log2 >= 64 ? UINT64_MAX
                    : inv->addr + (1ULL << inv->size_log2) - 1;
    unsigned dropped = 0;

    d->inv_count++;
    d->inv_last_id = (inv->ssid & 0xfffff) | (inv->global ? 1u << 30 : 0) |
                     (inv->ssv ? 1u << 31 : 0);
    d->inv_last_size = inv->size_log2;
    d->inv_last_addr = inv->addr;
    if (d->atc_inv_fail) {
        /* A broken endpoint: no invalidation, no Completion. */
        return false;
    }
    for (uint32_t i = 0; i < d->atc_size; i++) {
        TdAtcEntry *e = &d->atc[i];

        if (!e->valid || e->iova > last || e->iova + e->mask < inv->addr) {
            continue;
        }
        if (inv->ssv && !(e->ssv && (e->ssid == inv->ssid ||
                                     (inv->global && e->global)))) {
            continue;
        }
        e->valid = false;
        dropped++;
    }
    d->inv_dropped += dropped;
    trace_smmuv3_modern_testdev_atc_inv(inv->addr, inv->size_log2, dropped);
    return true;
}

static SMMUv3ModernTxnAttrs td_attrs(SMMUv3ModernTestdev *d)
{
    return (SMMUv3ModernTxnAttrs) {
        .ssid = d->ssid & 0xfffff,
        .ssv = d->flags & TD_F_SSV,
        .priv = d->flags & TD_F_PRIV,
        .instr = d->flags & TD_F_INSTR,
    };
}

static void td_record_completion(SMMUv3ModernTestdev *d,
                                 const SMMUv3ModernAtsCompletion *c)
{
    d->ats_addr = c->addr;
    d->ats_info = (ctz64(c->mask + 1) & 0x3f) | (c->read << 8) |
                  (c->write << 9) | (c->exec << 10) | (c->global << 11) |
                  (c->status << 16);
}

/* A Translation Request for iova; status code of the outcome. */
static uint32_t td_treq(SMMUv3ModernTestdev *d, uint64_t iova, bool nw,
                        TdAtcEntry **out)
{
    SMMUv3ModernTxnAttrs a = td_attrs(d);
    SMMUv3ModernAtsCompletion c;

    d->treq_count++;
    smmuv3_modern_ats_request(d->ep, &a, iova, nw, &c);
    td_record_completion(d, &c);
    switch (c.status) {
    case SMMUV3_MODERN_ATS_SUCCESS:
        break;
    case SMMUV3_MODERN_ATS_UR:
        return TD_ST_ATS_UR;
    default:
        return TD_ST_ATS_CA;
    }
    if (!c.read && !c.write) {
        *out = NULL;        /* a fault: nothing to cache */
        return TD_ST_OK;
    }
    *out = td_atc_insert(d, a.ssv, a.ssid, iova, &c);
    return TD_ST_OK;
}

/*
 * Where the piece of the DMA at iova goes: *pa and the bytes left in its
 * region (*room); a status code.
 */
static uint32_t td_xlate(SMMUv3ModernTestdev *d, uint64_t iova, bool write,
                         uint64_t *pa, uint64_t *room)
{
    SMMUv3ModernTxnAttrs a = td_attrs(d);
    TdAtcEntry *e;
    hwaddr out, mask;
    uint64_t taddr = iova, troom = UINT64_MAX;
    uint32_t st;

    if (d->flags & TD_F_ATS) {
        e = td_atc_lookup(d, a.ssv, a.ssid, iova);
        if (e && (write ? e->write : (a.instr ? e->exec : e->read))) {
            d->atc_hits++;
        } else {
            /* A miss, or cached without the access needed: ask. */
            st = td_treq(d, iova, !write, &e);
            if (st != TD_ST_OK) {
                return st;
            }
        }
        if (!e || !(write ? e->write : (a.instr ? e->exec : e->read))) {
            return TD_ST_NO_ACCESS;
        }
        taddr = e->addr + (iova - e->iova);
        troom = (e->mask - (iova - e->iova) + 1) ?: UINT64_MAX;
    }
    if (d->flags & (TD_F_ATS | TD_F_TRANSLATED)) {
        if (!smmuv3_modern_ats_translated(d->ep, &a, taddr, write, &out,
                                          &mask)) {
            return TD_ST_FAULT;
        }
    } else if (!smmuv3_modern_access(d->ep, &a, iova, write, &out, &mask)) {
        return TD_ST_FAULT;
    }
    *pa = out;
    /* Bytes to the end of the region (a full 64-bit one wraps to 0). */
    *room = MIN(troom, (mask - (out & mask) + 1) ?: UINT64_MAX);
    return TD_ST_OK;
}

static uint32_t td_dma(SMMUv3ModernTestdev *d)
{
    PCIDevice *pdev = PCI_DEVICE(d);
    bool write = d->flags & TD_F_WRITE;
    bool pasid = td_pasid_ctrl(d) & PCI_PASID_CTRL_ENABLE;

    d->done = 0;
    if (!d->len || d->len > TD_BUF_SIZE ||
        !(pdev->config[PCI_COMMAND] & PCI_COMMAND_MASTER) ||
        ((d->flags & TD_F_SSV) && !pasid) ||
        ((d->flags & (TD_F_ATS | TD_F_TRANSLATED)) && !td_ats_enabled(d))) {
        return TD_ST_BAD;
    }
    if (!d->ep) {
        /* Not behind smmuv3-modern: plain DMA, no PASID or ATS. */
        if (d->flags & (TD_F_SSV | TD_F_ATS | TD_F_TRANSLATED)) {
            return TD_ST_BAD;
        }
        return pci_dma_rw(pdev, d->addr, d->buf, d->len,
                          write ? DMA_DIRECTION_FROM_DEVICE
                                : DMA_DIRECTION_TO_DEVICE,
                          MEMTXATTRS_UNSPECIFIED) == MEMTX_OK ? TD_ST_OK
                                                              : TD_ST_FAULT;
    }
    while (d->done < d->len) {
        uint64_t iova = d->addr + d->done, pa, room;
        uint32_t n = MIN(d->len - d->done, 0x1000 - (iova & 0xfff));
        uint32_t st = td_xlate(d, iova, write, &pa, &room);

        if (st != TD_ST_OK) {
            return st;
        }
        n = MIN(n, room);
        if (address_space_rw(&address_space_memory, pa,
                             MEMTXATTRS_UNSPECIFIED, d->buf + d->done, n,
                             write) != MEMTX_OK) {
            return TD_ST_MEM_ERR;
        }
        d->done += n;
    }
    return TD_ST_OK;
}

/* TD_CMD_CACHED: the access through a MemoryRegionCache. */
static uint32_t td_cached(SMMUv3ModernTestdev *d)
{
    PCIDevice *pdev = PCI_DEVICE(d);
    bool write = d->flags & TD_F_WRITE;
    MemoryRegionCache cache;
    MemTxResult r;
    int64_t got;

    if (!d->len || d->len > TD_BUF_SIZE ||
        (d->flags & ~(uint32_t)TD_F_WRITE)) {
        return TD_ST_BAD;
    }
    RCU_READ_LOCK_GUARD();
    got = address_space_cache_init(&cache, pci_get_address_space(pdev),
                                   d->addr, d->len, write);
    if (got < d->len) {
        address_space_cache_destroy(&cache);
        return TD_ST_MEM_ERR;
    }
    if (write) {
        r = address_space_write_cached(&cache, 0, d->buf, d->len);
    } else {
        r = address_space_read_cached(&cache, 0, d->buf, d->len);
    }
    address_space_cache_destroy(&cache);
    if (r != MEMTX_OK) {
        return TD_ST_FAULT;
    }
    d->done += d->len;
    return TD_ST_OK;
}

static void td_command(SMMUv3ModernTestdev *d, uint32_t cmd)
{
    TdAtcEntry *e;

    switch (cmd) {
    case TD_CMD_DMA:
        d->status = td_dma(d);
        trace_smmuv3_modern_testdev_dma(d->addr, d->len, d->flags,
                                        d->status);
        break;
    case TD_CMD_ATS_REQ:
        if (!d->ep || !td_ats_enabled(d) ||
            ((d->flags & TD_F_SSV) &&
             !(td_pasid_ctrl(d) & PCI_PASID_CTRL_ENABLE))) {
            d->status = TD_ST_BAD;
            break;
        }
        d->status = td_treq(d, d->addr, d->flags & TD_F_NW, &e);
        break;
    case TD_CMD_ATC_FLUSH:
        td_atc_flush(d);
        d->status = TD_ST_OK;
        break;
    case TD_CMD_CACHED:
        d->status = td_cached(d);
        break;
    default:
        d->status = TD_ST_BAD;
        break;
    }
}

static uint64_t td_read(void *opaque, hwaddr off, unsigned size)
{
    SMMUv3ModernTestdev *d = opaque;

    if (off >= TD_BUF) {
        uint64_t v = 0;

        memcpy(&v, d->buf + (off - TD_BUF), size);
        return le64_to_cpu(v);
    }
    switch (off) {
    case TD_ID:
        return TD_ID_VALUE;
    case TD_CTL_STATE:
        return td_ats_enabled(d) |
               (td_pasid_ctrl(d) & PCI_PASID_CTRL_ENABLE ? 2 : 0);
    case TD_ADDR_LO:
        return (uint32_t)d->addr;
    case TD_ADDR_HI:
        return d->addr >> 32;
    case TD_LEN:
        return d->len;
    case TD_SSID:
        return d->ssid;
    case TD_FLAGS:
        return d->flags;
    case TD_STATUS:
        return d->status;
    case TD_DONE:
        return d->done;
    case TD_ATS_ADDR_LO:
        return (uint32_t)d->ats_addr;
    case TD_ATS_ADDR_HI:
        return d->ats_addr >> 32;
    case TD_ATS_INFO:
        return d->ats_info;
    case TD_ATC_VALID:
        return td_atc_valid(d);
    case TD_TREQ_COUNT:
        return d->treq_count;
    case TD_ATC_HITS:
        return d->atc_hits;
    case TD_INV_COUNT:
        return d->inv_count;
    case TD_INV_DROPPED:
        return d->inv_dropped;
    case TD_INV_LAST_ID:
        return d->inv_last_id;
    case TD_INV_LAST_SIZE:
        return d->inv_last_size;
    case TD_INV_LAST_LO:
        return (uint32_t)d->inv_last_addr;
    case TD_INV_LAST_HI:
        return d->inv_last_addr >> 32;
    default:
        return 0;
    }
}

static void td_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    SMMUv3ModernTestdev *d = opaque;

    if (off >= TD_BUF) {
        uint64_t v = cpu_to_le64(val);

        memcpy(d->buf + (off - TD_BUF), &v, size);
        return;
    }
    if (size != 4) {
        return;
    }
    switch (off) {
    case TD_ADDR_LO:
        d->addr = deposit64(d->addr, 0, 32, val);
        break;
    case TD_ADDR_HI:
        d->addr = deposit64(d->addr, 32, 32, val);
        break;
    case TD_LEN:
        d->len = val;
        break;
    case TD_SSID:
        d->ssid = val & 0xfffff;
        break;
    case TD_FLAGS:
        d->flags = val & TD_F_MASK;
        break;
    case TD_CMD:
        td_command(d, val);
        break;
    default:
        break;          /* read-only */
    }
}

static const MemoryRegionOps td_mmio_ops = {
    .read = td_read,
    .write = td_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* Tell the SMMU when ATS Enable changed (config write, reset). */
static void td_ats_changed(SMMUv3ModernTestdev *d)
{
    bool on = td_ats_enabled(d);

    if (on == d->ats_told) {
        return;
    }
    d->ats_told = on;
    /* Disabling ATS leaves nothing usable in the ATC. */
    if (!on) {
        td_atc_flush(d);
    }
    if (d->ep) {
        smmuv3_modern_ats_enable(d->ep, on, false);
    }
}

static void td_config_write(PCIDevice *pdev, uint32_t addr, uint32_t val,
                            int len)
{
    pci_default_write_config(pdev, addr, val, len);
    td_ats_changed(SMMUV3_MODERN_TESTDEV(pdev));
}

static void td_realize(PCIDevice *pdev, Error **errp)
{
    SMMUv3ModernTestdev *d = SMMUV3_MODERN_TESTDEV(pdev);
    uint8_t *pasid = pdev->config + TD_PASID_CAP_OFF;

    if (!d->atc_size || d->atc_size > 256) {
        error_setg(errp, "%s: atc-entries=%u: must be 1..256",
                   TYPE_SMMUV3_MODERN_TESTDEV, d->atc_size);
        return;
    }
    if (pcie_endpoint_cap_init(pdev, 0x80) < 0) {
        error_setg(errp, "%s: cannot add the PCIe capability",
                   TYPE_SMMUV3_MODERN_TESTDEV);
        return;
    }
    /* PASID travels in an End-End TLP Prefix. */
    pci_long_test_and_set_mask(pdev->config + pdev->exp.exp_cap +
                               PCI_EXP_DEVCAP2, PCI_EXP_DEVCAP2_EETLPP);
    pcie_ats_init(pdev, TD_ATS_CAP_OFF, true);
    pcie_add_capability(pdev, PCI_EXT_CAP_ID_PASID, 1, TD_PASID_CAP_OFF,
                        PCI_EXT_CAP_PASID_SIZEOF);
    pci_set_word(pasid + PCI_PASID_CAP, PCI_PASID_CAP_EXEC |
                 PCI_PASID_CAP_PRIV | (TD_PASID_WIDTH << 8));
    pci_set_word(pdev->wmask + TD_PASID_CAP_OFF + PCI_PASID_CTRL,
                 PCI_PASID_CTRL_ENABLE | PCI_PASID_CTRL_EXEC |
                 PCI_PASID_CTRL_PRIV);

    memory_region_init_io(&d->mmio, OBJECT(d), &td_mmio_ops, d,
                          TYPE_SMMUV3_MODERN_TESTDEV, TD_BAR_SIZE);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &d->mmio);

    d->atc = g_new0(TdAtcEntry, d->atc_size);
    d->ep = smmuv3_modern_endpoint(pci_device_iommu_address_space(pdev));
    if (d->ep) {
        smmuv3_modern_set_atc_handler(d->ep, td_atc_inv, d);
    }
}

static void td_exit(PCIDevice *pdev)
{
    SMMUv3ModernTestdev *d = SMMUV3_MODERN_TESTDEV(pdev);

    if (d->ep) {
        smmuv3_modern_set_atc_handler(d->ep, NULL, NULL);
        /* Gone, not disabled: nothing to judge. */
        smmuv3_modern_ats_enable(d->ep, false, true);
        d->ep = NULL;
    }
    g_free(d->atc);
    d->atc = NULL;
}

static void td_reset(DeviceState *dev)
{
    SMMUv3ModernTestdev *d = SMMUV3_MODERN_TESTDEV(dev);

    d->addr = 0;
    d->len = 0;
    d->ssid = 0;
    d->flags = 0;
    d->status = 0;
    d->done = 0;
    d->ats_addr = 0;
    d->ats_info = 0;
    memset(d->buf, 0, sizeof(d->buf));
    td_atc_flush(d);
    td_ats_changed(d);
}

/* The ATC is not migrated: entries may be dropped at any time. */
static int td_post_load(void *opaque, int version_id)
{
    SMMUv3ModernTestdev *d = opaque;

    td_atc_flush(d);
    d->ats_told = td_ats_enabled(d);
    if (d->ep) {
        smmuv3_modern_ats_enable(d->ep, d->ats_told, true);
    }
    return 0;
}

static const VMStateDescription vmstate_td = {
    .name = TYPE_SMMUV3_MODERN_TESTDEV,
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = td_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, SMMUv3ModernTestdev),
        VMSTATE_UINT64(addr, SMMUv3ModernTestdev),
        VMSTATE_UINT32(len, SMMUv3ModernTestdev),
        VMSTATE_UINT32(ssid, SMMUv3ModernTestdev),
        VMSTATE_UINT32(flags, SMMUv3ModernTestdev),
        VMSTATE_UINT32(status, SMMUv3ModernTestdev),
        VMSTATE_UINT32(done, SMMUv3ModernTestdev),
        VMSTATE_UINT64(ats_addr, SMMUv3ModernTestdev),
        VMSTATE_UINT32(ats_info, SMMUv3ModernTestdev),
        VMSTATE_UINT8_ARRAY(buf, SMMUv3ModernTestdev, TD_BUF_SIZE),
        VMSTATE_END_OF_LIST(),
    },
};

static const Property td_properties[] = {
    DEFINE_PROP_UINT32("atc-entries", SMMUv3ModernTestdev, atc_size, 16),
    DEFINE_PROP_BOOL("atc-inv-fail", SMMUv3ModernTestdev, atc_inv_fail,
                     false),
};

static void td_instance_init(Object *obj)
{
    SMMUv3ModernTestdev *d = SMMUV3_MODERN_TESTDEV(obj);

    object_property_add_uint64_ptr(obj, "ats-requests", &d->treq_count,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "atc-hits", &d->atc_hits,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "atc-invalidations", &d->inv_count,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "atc-entries-invalidated",
                                   &d->inv_dropped, OBJ_PROP_FLAG_READ);
}

static void td_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = td_realize;
    k->exit = td_exit;
    k->config_write = td_config_write;
    k->vendor_id = PCI_VENDOR_ID_REDHAT;
    k->device_id = 0x0b10;
    k->revision = 1;
    k->class_id = PCI_CLASS_OTHERS;
    dc->desc = "smmuv3-modern test endpoint (DMA, PASID, ATS with an ATC)";
    dc->vmsd = &vmstate_td;
    device_class_set_legacy_reset(dc, td_reset);
    device_class_set_props(dc, td_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo td_types[] = {
    {
        .name = TYPE_SMMUV3_MODERN_TESTDEV,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(SMMUv3ModernTestdev),
        .instance_init = td_instance_init,
        .class_init = td_class_init,
        .interfaces = (InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { }
        },
    },
};

DEFINE_TYPES(td_types)
