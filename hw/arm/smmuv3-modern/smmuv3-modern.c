/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: QEMU glue.  QOM device, MMIO, IOMMU memory regions,
 * PCI hook-up, interrupts and MSIs, migration.  Everything architectural
 * lives in core/.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pci_device.h"
#include "migration/vmstate.h"
#include "exec/address-spaces.h"
#include "system/dma.h"
#include "trace.h"
#include "smmuv3-modern-internal.h"
#include "core/smmum-inject.h"

/* ---- host interface for the core ---- */

static bool host_dma_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    if (len == 8 && !(pa & 7)) {
        /* A descriptor, most of the time: the cheaper single load. */
        MemTxResult res;
        uint64_t v = address_space_ldq_le(&address_space_memory, pa,
                                          MEMTXATTRS_UNSPECIFIED, &res);

        if (res != MEMTX_OK) {
            return false;
        }
        v = cpu_to_le64(v);
        memcpy(buf, &v, 8);
        return true;
    }
    return address_space_read(&address_space_memory, pa,
                              MEMTXATTRS_UNSPECIFIED, buf, len) == MEMTX_OK;
}

static bool host_dma_write(void *opaque, uint64_t pa, const void *buf,
                           size_t len)
{
    return address_space_write(&address_space_memory, pa,
                               MEMTXATTRS_UNSPECIFIED, buf, len) == MEMTX_OK;
}

static void host_irq_pulse(void *opaque, SmmumIrq line)
{
    SMMUv3ModernState *s = opaque;

    trace_smmuv3_modern_irq(line);
    qemu_irq_pulse(s->irq[line]);
}

static bool host_msi(void *opaque, uint64_t addr, uint32_t data,
                     uint32_t attr)
{
    MemTxResult res;

    trace_smmuv3_modern_msi(addr, data);
    address_space_stl_le(&address_space_memory, addr, data,
                         MEMTXATTRS_UNSPECIFIED, &res);
    return res == MEMTX_OK;
}

static void host_sev(void *opaque)
{
    /* No PE waits in WFE for the SMMU under QEMU's models: nothing to do. */
}

/*
 * HTTU descriptor updates.  Page tables in RAM get a real atomic
 * compare-and-swap, so a vCPU updating the same descriptor under MTTCG
 * cannot be lost; anything else is read, compared and written under the
 * BQL.
 */
static bool host_cmpxchg64(void *opaque, uint64_t pa, uint64_t expect,
                           uint64_t new_val, uint64_t *seen)
{
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;
    AddressSpace *as = &address_space_memory;
    hwaddr len = 8, xlat;
    MemoryRegion *mr;
    uint64_t le;

    if (pa & 7) {
        return false;
    }
    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(as, pa, &xlat, &len, true, attrs);
    if (len == 8 && memory_access_is_direct(mr, true, attrs)) {
        hwaddr mlen = 8;
        uint64_t *p = address_space_map(as, pa, &mlen, true, attrs);

        if (p && mlen == 8) {
            le = qatomic_cmpxchg__nocheck(p, cpu_to_le64(expect),
                                          cpu_to_le64(new_val));
            *seen = le64_to_cpu(le);
            address_space_unmap(as, p, mlen, true,
                                *seen == expect ? mlen : 0);
            return true;
        }
        if (p) {
            address_space_unmap(as, p, mlen, true, 0);
        }
    }
    if (address_space_read(as, pa, attrs, &le, 8) != MEMTX_OK) {
        return false;
    }
    *seen = le64_to_cpu(le);
    if (*seen != expect) {
        return true;
    }
    le = cpu_to_le64(new_val);
    return address_space_write(as, pa, attrs, &le, 8) == MEMTX_OK;
}

/*
 * UNMAP [first, last] to one notifier, cropped to its range, in naturally
 * aligned power-of-two pieces (what IOMMUTLBEntry.addr_mask can say).
 */
static void notify_unmap(IOMMUNotifier *n, hwaddr first, hwaddr last)
{
    IOMMUTLBEvent ev = {
        .type = n->notifier_flags & IOMMU_NOTIFIER_DEVIOTLB_UNMAP ?
                IOMMU_NOTIFIER_DEVIOTLB_UNMAP : IOMMU_NOTIFIER_UNMAP,
        .entry = {
            .target_as = &address_space_memory,
            .perm = IOMMU_NONE,
        },
    };
    hwaddr lo = MAX(first, n->start), hi = MIN(last, n->end);

    if (lo > hi) {
        return;
    }
    for (;;) {
        unsigned shift = lo ? MIN(ctz64(lo), 63) : 63;

        while (shift && ((1ULL << shift) - 1) > hi - lo) {
            shift--;
        }
        ev.entry.iova = lo;
        ev.entry.addr_mask = (1ULL << shift) - 1;
        memory_region_notify_iommu_one(n, &ev);
        if (lo + ev.entry.addr_mask >= hi) {
            return;
        }
        lo += ev.entry.addr_mask + 1;
    }
}

/*
 * Translations handed out may be stale: tell every registered notifier.
 * The ASID / VMID are not used to filter (over-invalidating is safe).
 */
static void host_tlbi_notify(void *opaque, int32_t asid, int32_t vmid,
                             uint64_t iova, uint64_t size)
{
    SMMUv3ModernState *s = opaque;
    SMMUv3ModernDevice *sdev;
    IOMMUNotifier *n;

    trace_smmuv3_modern_tlbi_notify(asid, vmid, iova, size);
    s->abort_sdev = NULL;
    QLIST_FOREACH(sdev, &s->notifier_devices, notifier_next) {
        IOMMU_NOTIFIER_FOREACH(n, &sdev->iommu) {
            if (!size || iova + size - 1 < iova) {
                notify_unmap(n, size ? iova : 0, HWADDR_MAX);
            } else {
                notify_unmap(n, iova, iova + size - 1);
            }
        }
    }
}

static void host_log(void *opaque, SmmumLogKind kind, const char *msg)
{
    qemu_log_mask(kind == SMMUM_LOG_UNIMP ? LOG_UNIMP : LOG_GUEST_ERROR,
                  "%s: %s\n", TYPE_ARM_SMMUV3_MODERN, msg);
}

/* ---- MMIO ---- */

static MemTxResult smmuv3_modern_read(void *opaque, hwaddr offset,
                                      uint64_t *data, unsigned size,
                                      MemTxAttrs attrs)
{
    SMMUv3ModernState *s = opaque;

    *data = smmum_mmio_read(&s->core, offset, size);
    trace_smmuv3_modern_read(offset, *data, size);
    return MEMTX_OK;
}

static MemTxResult smmuv3_modern_write(void *opaque, hwaddr offset,
                                       uint64_t data, unsigned size,
                                       MemTxAttrs attrs)
{
    SMMUv3ModernState *s = opaque;

    trace_smmuv3_modern_write(offset, data, size);
    s->abort_sdev = NULL;
    smmum_mmio_write(&s->core, offset, data, size);
    return MEMTX_OK;
}

static const MemoryRegionOps smmuv3_modern_mmio_ops = {
    .read_with_attrs = smmuv3_modern_read,
    .write_with_attrs = smmuv3_modern_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /* Odd sizes reach the core, which answers them RAZ/WI. */
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- IOMMU memory regions and PCI ---- */

/*
 * The StreamID of a device's DMA: its PCI RequesterID, as
 * PCI_BUILD_BDF(pci_bus_num(bus), devfn) but without a class lookup per
 * transaction where the bus class is PCIBus's own numbering.
 */
static uint32_t smmuv3_modern_sid(SMMUv3ModernDevice *sdev)
{
    PCIBus *bus = sdev->bus;

    if (sdev->sid_how == SID_UNKNOWN) {
        PCIBusClass *k = PCI_BUS_GET_CLASS(bus);
        PCIBusClass *base = PCI_BUS_CLASS(object_class_by_name(TYPE_PCI_BUS));

        sdev->sid_how = k->bus_num == base->bus_num ? SID_PCIBUS
                                                    : SID_GENERIC;
    }
    if (sdev->sid_how == SID_PCIBUS) {
        /* What PCIBus's bus_num method answers. */
        return PCI_BUILD_BDF(pci_bus_is_root(bus) ? 0 :
                             bus->parent_dev->config[PCI_SECONDARY_BUS],
                             sdev->devfn);
    }
    return PCI_BUILD_BDF(pci_bus_num(bus), sdev->devfn);
}

static IOMMUTLBEntry smmuv3_modern_translate(IOMMUMemoryRegion *mr,
                                             hwaddr addr,
                                             IOMMUAccessFlags flag,
                                             int iommu_idx)
{
    SMMUv3ModernDevice *sdev = container_of(mr, SMMUv3ModernDevice, iommu);
    SMMUv3ModernState *s = sdev->smmu;
    /*
     * PCI DMA as QEMU 10.0 issues it: a data access, unprivileged (PCIe
     * without a PASID prefix has no privileged requests, and the flag
     * carries no MemTxAttrs), a write when the access writes at all.
     * The STE's PRIVCFG / INSTCFG may still override both.
     */
    SmmumTxn txn = {
        .sid = smmuv3_modern_sid(sdev),
        .write = flag & IOMMU_WO,
        .priv = false,
        .instr = false,
        .addr = addr,
    };
    SmmumXlate x;
    IOMMUTLBEntry entry = {
        .target_as = &address_space_memory,
        .iova = addr & ~0xfffULL,
        .translated_addr = addr & ~0xfffULL,
        .addr_mask = 0xfff,
        .perm = IOMMU_NONE,
    };

    /*
     * QEMU retries an access the IOMMU refused piece by piece (at most 4
     * bytes at a time into unassigned memory), translating each piece.
     * The SMMU terminates the transaction once: the pieces that follow
     * an abort, upwards in the same page with nothing in between, are
     * terminated without translating (and recording an event) again.
     * Any MMIO access, command or other translation ends the sequence.
     */
    if (s->abort_sdev == sdev && s->abort_write == txn.write &&
        addr > s->abort_addr && addr - s->abort_addr <= 8 &&
        !((addr ^ s->abort_addr) & ~0xfffULL)) {
        s->abort_addr = addr;
        return entry;
    }
    s->abort_sdev = NULL;

    smmum_translate(&s->core, &txn, &x);
    if (x.status != SMMUM_XLATE_OK) {
        s->abort_sdev = sdev;
        s->abort_addr = addr;
        s->abort_write = txn.write;
    }
    if (sdev->smmu->tear && x.status == SMMUM_XLATE_OK &&
        !(sdev->smmu->core.cr0ack & SMMUM_CR0_SMMUEN)) {
        smmuv3_modern_tear_global_bypass(sdev->smmu, txn.sid);
    }
    entry.addr_mask = x.addr_mask;
    entry.iova = addr & ~x.addr_mask;
    entry.translated_addr = x.pa & ~x.addr_mask;
    if (x.status == SMMUM_XLATE_OK) {
        entry.perm = (x.read ? IOMMU_RO : 0) | (x.write ? IOMMU_WO : 0);
    }
    trace_smmuv3_modern_translate(txn.sid, addr, x.pa, entry.perm);
    return entry;
}

/*
 * UNMAP (and DEVIOTLB_UNMAP) notifiers are served from TLBI and
 * configuration invalidation.  MAP notifiers (vfio-pci's shadow page
 * tables) would need the model to replay every guest mapping change,
 * which the architecture does not signal: refused.
 */
static int smmuv3_modern_notify_flag_changed(IOMMUMemoryRegion *iommu,
                                             IOMMUNotifierFlag old,
                                             IOMMUNotifierFlag new,
                                             Error **errp)
{
    SMMUv3ModernDevice *sdev = container_of(iommu, SMMUv3ModernDevice,
                                            iommu);
    SMMUv3ModernState *s = sdev->smmu;

    if (new & IOMMU_NOTIFIER_MAP) {
        error_setg(errp, "%s: device %02x:%02x.%x needs IOMMU MAP "
                   "notifiers (e.g. vfio-pci), which are not supported",
                   TYPE_ARM_SMMUV3_MODERN, pci_bus_num(sdev->bus),
                   PCI_SLOT(sdev->devfn), PCI_FUNC(sdev->devfn));
        return -EINVAL;
    }
    if (old == IOMMU_NOTIFIER_NONE && new != IOMMU_NOTIFIER_NONE) {
        QLIST_INSERT_HEAD(&s->notifier_devices, sdev, notifier_next);
    } else if (old != IOMMU_NOTIFIER_NONE && new == IOMMU_NOTIFIER_NONE) {
        QLIST_REMOVE(sdev, notifier_next);
    }
    return 0;
}


static AddressSpace *smmuv3_modern_get_as(PCIBus *bus, void *opaque,
                                          int devfn)
{
    SMMUv3ModernState *s = opaque;
    /* Keyed by the (bus, devfn) pair; bus numbers change at enumeration. */
    g_autofree char *key = g_strdup_printf("%p/%d", bus, devfn);
    SMMUv3ModernDevice *sdev = g_hash_table_lookup(s->devices, key);

    if (!sdev) {
        g_autofree char *name = g_strdup_printf("%s-%s-%d",
                                                TYPE_ARM_SMMUV3_MODERN,
                                                bus->qbus.name, devfn);

        sdev = g_new0(SMMUv3ModernDevice, 1);
        sdev->smmu = s;
        sdev->bus = bus;
        sdev->devfn = devfn;
        memory_region_init_iommu(&sdev->iommu, sizeof(sdev->iommu),
                                 TYPE_ARM_SMMUV3_MODERN_IOMMU_MR, OBJECT(s),
                                 name, UINT64_MAX);
        address_space_init(&sdev->as, MEMORY_REGION(&sdev->iommu), name);
        g_hash_table_insert(s->devices, g_steal_pointer(&key), sdev);
    }
    return &sdev->as;
}

static const PCIIOMMUOps smmuv3_modern_pci_ops = {
    .get_address_space = smmuv3_modern_get_as,
};

/* ---- device ---- */

static void smmuv3_modern_realize(DeviceState *dev, Error **errp)
{
    SMMUv3ModernState *s = ARM_SMMUV3_MODERN(dev);
    SysBusDevice *sbd = SYS_BUS_DEVICE(dev);
    SmmumHost host = {
        .opaque = s,
        .dma_read = host_dma_read,
        .dma_write = host_dma_write,
        .irq_pulse = host_irq_pulse,
        .msi = host_msi,
        .sev = host_sev,
        .log = host_log,
        .cmpxchg64 = host_cmpxchg64,
        .tlbi_notify = host_tlbi_notify,
        .atc_inv = smmuv3_modern_host_atc_inv,
    };
    g_autofree char *err = smmum_config_validate(&s->cfg);

    if (err) {
        error_setg(errp, "%s: %s", TYPE_ARM_SMMUV3_MODERN, err);
        return;
    }
    if (!s->primary_bus) {
        error_setg(errp, "%s: the primary-bus link is not set",
                   TYPE_ARM_SMMUV3_MODERN);
        return;
    }
    smmum_core_init(&s->core, &s->cfg, &host);
    smmuv3_modern_stats_realize(s);     /* its line comes last at exit */
    smmuv3_modern_inject_realize(s);
    if (!smmuv3_modern_tear_realize(s, errp) ||
        !smmuv3_modern_maint_realize(s, errp)) {
        return;
    }

    memory_region_init_io(&s->mmio, OBJECT(s), &smmuv3_modern_mmio_ops, s,
                          TYPE_ARM_SMMUV3_MODERN, SMMUM_MMIO_SIZE);
    sysbus_init_mmio(sbd, &s->mmio);
    for (int i = 0; i < SMMUM_NUM_IRQS; i++) {
        sysbus_init_irq(sbd, &s->irq[i]);
    }
    s->devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    pci_setup_iommu(s->primary_bus, &smmuv3_modern_pci_ops, s);
}

static void smmuv3_modern_unrealize(DeviceState *dev)
{
    SMMUv3ModernState *s = ARM_SMMUV3_MODERN(dev);

    smmuv3_modern_maint_unrealize(s);
    notifier_remove(&s->stats_exit);
    smmum_core_set_observer(&s->core, NULL);
    smmum_inject_attach(s->inject, NULL);
    smmuv3_modern_watch_stop(s);
    if (s->tear) {
        notifier_remove(&s->tear_exit);
        smmuv3_modern_tear_finish(s);
        smmum_tear_free(s->tear);
        s->tear = NULL;
        smmum_trace_free(s->tear_trace);
        s->tear_trace = NULL;
    }
    smmum_core_finalize(&s->core);
}

/*
 * Before ROMs are reloaded (the -kernel loader's images, generic loaders:
 * legacy reset handlers, before the exit phase): the tear checker judges
 * the windows still open against the memory the guest left, not against
 * reloaded images that may now cover live entries (the exit phase's
 * reset then finds nothing open), and no store-feeder overlay may meet
 * the reload.  The checker sees the SMMU disabled from here on, so it
 * does not take the tables up again: an overlay installed for them by a
 * watch update that runs inside the reset (block devices drain their
 * requests in it, polling the main loop) would make the ROM reload skip
 * those pages.
 */
static void smmuv3_modern_reset_enter(Object *obj, ResetType type)
{
    SMMUv3ModernState *s = ARM_SMMUV3_MODERN(obj);

    s->tear_in_reset = true;
    if (s->tear && s->core.obs.reset) {
        s->core.obs.reset(s->core.obs.opaque);
    }
    smmuv3_modern_watch_reset(s);
}

static void smmuv3_modern_reset_exit(Object *obj, ResetType type)
{
    SMMUv3ModernState *s = ARM_SMMUV3_MODERN(obj);

    s->tear_in_reset = false;
    smmum_core_reset(&s->core);
}

static const VMStateDescription vmstate_smmuv3_modern_queue = {
    .name = "smmuv3-modern-queue",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(base, SmmumQueue),
        VMSTATE_UINT32(prod, SmmumQueue),
        VMSTATE_UINT32(cons, SmmumQueue),
        VMSTATE_END_OF_LIST(),
    },
};

static int smmuv3_modern_pre_save(void *opaque)
{
    SMMUv3ModernState *s = opaque;

    /* Windows still open are reported as unterminated here. */
    if (s->tear) {
        smmuv3_modern_tear_migrate(s);
    }
    return 0;
}

static int smmuv3_modern_post_load(void *opaque, int version_id)
{
    SMMUv3ModernState *s = opaque;

    smmum_core_drop_caches(&s->core);
    smmuv3_modern_tear_post_load(opaque);
    return 0;
}

/*
 * An ATC_INV whose completion failed, with its CMD_SYNC (which must fail
 * with CERROR_ATC_INV_SYNC) still to come.  A subsection, sent only then,
 * so streams from and to builds without it stay compatible.
 */
static bool smmuv3_modern_atc_inv_needed(void *opaque)
{
    SMMUv3ModernState *s = opaque;

    return s->core.atc_inv_failed;
}

static const VMStateDescription vmstate_smmuv3_modern_atc_inv = {
    .name = TYPE_ARM_SMMUV3_MODERN "/atc-inv-failed",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = smmuv3_modern_atc_inv_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(core.atc_inv_failed, SMMUv3ModernState),
        VMSTATE_END_OF_LIST(),
    },
};

static const VMStateDescription vmstate_smmuv3_modern = {
    .name = TYPE_ARM_SMMUV3_MODERN,
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = smmuv3_modern_pre_save,
    .post_load = smmuv3_modern_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(core.cr0, SMMUv3ModernState),
        VMSTATE_UINT32(core.cr0ack, SMMUv3ModernState),
        VMSTATE_UINT32(core.cr1, SMMUv3ModernState),
        VMSTATE_UINT32(core.cr2, SMMUv3ModernState),
        VMSTATE_UINT32(core.gbpa, SMMUv3ModernState),
        VMSTATE_UINT32(core.irq_ctrl, SMMUv3ModernState),
        VMSTATE_UINT32(core.irq_ctrlack, SMMUv3ModernState),
        VMSTATE_UINT32(core.gerror, SMMUv3ModernState),
        VMSTATE_UINT32(core.gerrorn, SMMUv3ModernState),
        VMSTATE_UINT64(core.gerror_irq_cfg0, SMMUv3ModernState),
        VMSTATE_UINT32(core.gerror_irq_cfg1, SMMUv3ModernState),
        VMSTATE_UINT32(core.gerror_irq_cfg2, SMMUv3ModernState),
        VMSTATE_UINT64(core.strtab_base, SMMUv3ModernState),
        VMSTATE_UINT32(core.strtab_base_cfg, SMMUv3ModernState),
        VMSTATE_STRUCT(core.cmdq, SMMUv3ModernState, 1,
                       vmstate_smmuv3_modern_queue, SmmumQueue),
        VMSTATE_STRUCT(core.eventq, SMMUv3ModernState, 1,
                       vmstate_smmuv3_modern_queue, SmmumQueue),
        VMSTATE_UINT64(core.eventq_irq_cfg0, SMMUv3ModernState),
        VMSTATE_UINT32(core.eventq_irq_cfg1, SMMUv3ModernState),
        VMSTATE_UINT32(core.eventq_irq_cfg2, SMMUv3ModernState),
        VMSTATE_END_OF_LIST(),
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_smmuv3_modern_atc_inv,
        NULL,
    },
};

static const Property smmuv3_modern_properties[] = {
    DEFINE_PROP_LINK("primary-bus", SMMUv3ModernState, primary_bus,
                     TYPE_PCI_BUS, PCIBus *),
    DEFINE_PROP_BOOL("stage1", SMMUv3ModernState, cfg.stage1, true),
    DEFINE_PROP_BOOL("stage2", SMMUv3ModernState, cfg.stage2, true),
    DEFINE_PROP_UINT8("sidsize", SMMUv3ModernState, cfg.sidsize, 16),
    DEFINE_PROP_UINT8("ssidsize", SMMUv3ModernState, cfg.ssidsize, 20),
    DEFINE_PROP_BOOL("cd2l", SMMUv3ModernState, cfg.cd2l, true),
    DEFINE_PROP_UINT8("oas", SMMUv3ModernState, cfg.oas_bits, 44),
    DEFINE_PROP_UINT8("cmdqs", SMMUv3ModernState, cfg.cmdqs, 19),
    DEFINE_PROP_UINT8("eventqs", SMMUv3ModernState, cfg.eventqs, 19),
    DEFINE_PROP_BOOL("two-level-strtab", SMMUv3ModernState,
                     cfg.two_level_strtab, true),
    DEFINE_PROP_BOOL("msi", SMMUv3ModernState, cfg.msi, true),
    DEFINE_PROP_BOOL("sev", SMMUv3ModernState, cfg.sev, true),
    DEFINE_PROP_BOOL("asid16", SMMUv3ModernState, cfg.asid16, true),
    DEFINE_PROP_BOOL("vmid16", SMMUv3ModernState, cfg.vmid16, true),
    DEFINE_PROP_BOOL("gran4k", SMMUv3ModernState, cfg.gran4k, true),
    DEFINE_PROP_BOOL("gran16k", SMMUv3ModernState, cfg.gran16k, true),
    DEFINE_PROP_BOOL("gran64k", SMMUv3ModernState, cfg.gran64k, true),
    DEFINE_PROP_BOOL("httu", SMMUv3ModernState, cfg.httu, true),
    DEFINE_PROP_BOOL("ril", SMMUv3ModernState, cfg.ril, true),
    DEFINE_PROP_BOOL("ats", SMMUv3ModernState, cfg.ats, false),
    DEFINE_PROP_BOOL("s2fwb", SMMUv3ModernState, cfg.s2fwb, true),
    DEFINE_PROP_UINT32("cfgcache-size", SMMUv3ModernState, cfg.cfgcache_size,
                       256),
    DEFINE_PROP_BOOL("cfgcache-sticky", SMMUv3ModernState,
                     cfg.cfgcache_sticky, false),
    DEFINE_PROP_UINT32("iotlb-size", SMMUv3ModernState, cfg.iotlb_size,
                       1024),
    DEFINE_PROP_STRING("tear-check", SMMUv3ModernState, tear_check_str),
    DEFINE_PROP_STRING("tear-action", SMMUv3ModernState, tear_action_str),
    DEFINE_PROP_STRING("tear-severity", SMMUv3ModernState,
                       tear_severity_str),
    DEFINE_PROP_STRING("tear-report", SMMUv3ModernState, tear_report_path),
    DEFINE_PROP_STRING("maint-check", SMMUv3ModernState, maint_check_str),
    DEFINE_PROP_STRING("maint-checks", SMMUv3ModernState, maint_checks_str),
    DEFINE_PROP_BOOL("maint-tlb-conflict", SMMUv3ModernState, maint_conflict,
                     false),
    DEFINE_PROP_UINT8("bbml", SMMUv3ModernState, cfg.bbml, 0),
    DEFINE_PROP_STRING("tear-trace", SMMUv3ModernState, tear_trace_path),
};

static void smmuv3_modern_instance_init(Object *obj)
{
    smmuv3_modern_tear_add_props(obj);
    smmuv3_modern_stats_add_props(obj);
    smmuv3_modern_maint_add_props(obj);
    smmuv3_modern_inject_init(obj);
    smmuv3_modern_inspect_add_props(obj);
}

static void smmuv3_modern_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    dc->desc = "Arm SMMUv3 with STE/CD tear detection";
    dc->realize = smmuv3_modern_realize;
    dc->unrealize = smmuv3_modern_unrealize;
    dc->vmsd = &vmstate_smmuv3_modern;
    dc->user_creatable = false;
    rc->phases.enter = smmuv3_modern_reset_enter;
    rc->phases.exit = smmuv3_modern_reset_exit;
    device_class_set_props(dc, smmuv3_modern_properties);
}

static void smmuv3_modern_iommu_mr_class_init(ObjectClass *klass, void *data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);

    imrc->translate = smmuv3_modern_translate;
    imrc->notify_flag_changed = smmuv3_modern_notify_flag_changed;
}

static const TypeInfo smmuv3_modern_types[] = {
    {
        .name = TYPE_ARM_SMMUV3_MODERN,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(SMMUv3ModernState),
        .instance_init = smmuv3_modern_instance_init,
        .instance_finalize = smmuv3_modern_inject_finalize,
        .class_init = smmuv3_modern_class_init,
    },
    {
        .name = TYPE_ARM_SMMUV3_MODERN_IOMMU_MR,
        .parent = TYPE_IOMMU_MEMORY_REGION,
        .class_init = smmuv3_modern_iommu_mr_class_init,
    },
};

DEFINE_TYPES(smmuv3_modern_types)
