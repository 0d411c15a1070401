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
#include "core/smmum-maint.h"
#include "core/smmum-maint-trace.h"
#include "core/smmum-trace.h"

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
    /*
     * How the StreamID is found (smmuv3_modern_sid), decided on the first
     * translation: SID_PCIBUS when the bus class numbers buses as PCIBus
     * does (read directly, no class lookup), else through pci_bus_num.
     */
    enum { SID_UNKNOWN, SID_PCIBUS, SID_GENERIC } sid_how;
    IOMMUMemoryRegion iommu;
    AddressSpace as;
    QLIST_ENTRY(SMMUv3ModernDevice) notifier_next;  /* has notifiers */
    /* The endpoint's ATC (smmuv3-modern-ats.c), when it registered one. */
    SMMUv3ModernAtcInvFn atc_inv;
    void *atc_opaque;
} SMMUv3ModernDevice;

struct SMMUv3ModernState {
    SysBusDevice parent_obj;

    MemoryRegion mmio;
    qemu_irq irq[SMMUM_NUM_IRQS];
    PCIBus *primary_bus;
    GHashTable *devices;        /* (bus, devfn) -> SMMUv3ModernDevice */
    /* Devices with IOMMU (UNMAP) notifiers registered. */
    QLIST_HEAD(, SMMUv3ModernDevice) notifier_devices;
    /* The last access the SMMU terminated (see smmuv3_modern_translate). */
    SMMUv3ModernDevice *abort_sdev;
    hwaddr abort_addr;
    bool abort_write;

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
    Notifier stats_exit;        /* smmuv3-modern-stats.c */
    bool tear_exit_requested;
    bool tear_in_reset;         /* between reset's enter and exit phases */
    char *tear_trace_path;      /* tear-trace: the checker's inputs */
    SmmumTrace *tear_trace;
    FILE *tear_trace_file;

    /* Store feeder (smmuv3-modern-watch.c) */
    MemoryRegion *cpu_sysmem;   /* what the vCPUs' view aliases; NULL: */
                                /* the machine gave us no vCPU view */
    MemoryRegion cpu_mem;       /* the vCPUs' view: sysmem + overlays */
    MemoryRegion cpu_mem_sys;   /* alias of cpu_sysmem, priority 0 */
    MemoryRegion watch_io;      /* forwards accesses to watched pages */
    GPtrArray *watch_overlays;  /* aliases of watch_io now installed */
    GArray *watch_runs;         /* their [start, end) as uint64_t pairs */
    uint64_t watch_gen;         /* checker generation they reflect */
    QEMUBH *watch_bh;
    SmmumObserver tear_obs;     /* the checker's own hooks */

    /* Maintenance checker (smmuv3-modern-maint.c) */
    char *maint_check_str;      /* properties */
    char *maint_checks_str;
    bool maint_conflict;
    SmmumMaint *maint;
    SmmumMaintTrace *maint_trace;   /* its recorder (tear-trace) */
    Notifier maint_exit;
    bool maint_owns_report;     /* opened tear_report (tear-check=off) */
    bool maint_finished;

    /* Fault injection (smmuv3-modern-inject.c) */
    SmmumInject *inject;
    QEMUTimer *inject_timer;    /* inject-sync's ns= delay */
};

bool smmuv3_modern_tear_realize(SMMUv3ModernState *s, Error **errp);
/* Open tear-report=FILE (s->tear_report); the error names the property. */
bool smmuv3_modern_tear_report_open(SMMUv3ModernState *s, Error **errp);
/*
 * A tear or maintenance record that passed tear-severity: warn with its
 * description line, then apply tear-action (stop or exit the VM).
 */
void smmuv3_modern_tear_alert(SMMUv3ModernState *s, const char *line);
/*
 * Read-only uint64 QOM properties "<prefix><name>": value(s, p) reads
 * one; off is the reader's (an offset into its counter structure, or
 * COUNTER_SUM for a total it computes).
 */
typedef struct SMMUv3ModernCounterProp SMMUv3ModernCounterProp;
struct SMMUv3ModernCounterProp {
    const char *name;
    const char *desc;
    uint64_t (*value)(SMMUv3ModernState *s,
                      const SMMUv3ModernCounterProp *p);
    size_t off;
};
#define COUNTER_SUM ((size_t)-1)
/* The uint64_t at p->off in the counter structure c. */
static inline uint64_t
smmuv3_modern_counter_at(const void *c, const SMMUv3ModernCounterProp *p)
{
    return *(const uint64_t *)((const char *)c + p->off);
}
void smmuv3_modern_add_counter_props(Object *obj, const char *prefix,
                                     const SMMUv3ModernCounterProp *props,
                                     size_t n);
/* Maintenance checker: maint-* properties, counters, teardown. */
bool smmuv3_modern_maint_realize(SMMUv3ModernState *s, Error **errp);
void smmuv3_modern_maint_add_props(Object *obj);
void smmuv3_modern_maint_unrealize(SMMUv3ModernState *s);
void smmuv3_modern_tear_add_props(Object *obj);
void smmuv3_modern_stats_add_props(Object *obj);
void smmuv3_modern_stats_realize(SMMUv3ModernState *s);
/* The "state" JSON snapshot property (smmuv3-modern-inspect.c). */
void smmuv3_modern_inspect_add_props(Object *obj);
/* tear-check when the property is not set: "store" or "sync". */
const char *smmuv3_modern_tear_default(SMMUv3ModernState *s);
/* Incoming migration: the checker learns the migrated registers. */
void smmuv3_modern_tear_post_load(SMMUv3ModernState *s);
/* The checker's entry points, recorded when tear-trace is set. */
void smmuv3_modern_tear_store(SMMUv3ModernState *s, uint64_t pa,
                              unsigned size, uint64_t data, uint64_t pc,
                              int cpu_index, uint64_t vcnt);
void smmuv3_modern_tear_global_bypass(SMMUv3ModernState *s, uint32_t sid);
void smmuv3_modern_tear_migrate(SMMUv3ModernState *s);
/* The end of the run: exit judgement, the trace closed.  Idempotent. */
void smmuv3_modern_tear_finish(SMMUv3ModernState *s);

/* CMD_ATC_INV to the endpoint with inv->sid (SmmumHost.atc_inv). */
bool smmuv3_modern_host_atc_inv(void *opaque, const SmmumAtcInv *inv);

/* Fault injection: inject-* properties, core hookup, teardown. */
void smmuv3_modern_inject_init(Object *obj);
void smmuv3_modern_inject_realize(SMMUv3ModernState *s);
void smmuv3_modern_inject_finalize(Object *obj);

/* Store feeder: route the observer through it (tear-check=store). */
bool smmuv3_modern_watch_start(SMMUv3ModernState *s, SmmumObserver *obs,
                               Error **errp);
/* Drop every overlay (reset's enter phase). */
void smmuv3_modern_watch_reset(SMMUv3ModernState *s);
void smmuv3_modern_watch_stop(SMMUv3ModernState *s);

#endif
