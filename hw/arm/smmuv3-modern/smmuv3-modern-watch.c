/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: the store feeder of the tear checker (tear-check=store).
 *
 * The vCPUs do not use system memory directly: the machine links them to
 * a container of this device holding an alias of system memory and, at a
 * higher priority, I/O overlays over every page the checker watches.  A
 * guest store to a watched page reaches watch_write(), which hands it to
 * the checker and then performs it on system memory with address_space_*
 * (dirty tracking and TB invalidation as for any store).  DMA, migration,
 * ROM loading and the SMMU's own table walks use system memory and never
 * meet an overlay.
 *
 * The overlays are aliases of one I/O region that lives as long as the
 * device, so they can be replaced at any time (memory.rst: aliases may be
 * created and destroyed dynamically).  A store that makes a child table
 * reachable (an L1CD, an L1STD, an STE's S1ContextPtr) installs the
 * child's overlay before it returns, not from a bottom half that waits
 * for the main loop.  TCG applies the new overlay to each vCPU only when
 * that vCPU runs the work the commit queued for it (new dispatch, TLB
 * flush), at its next TB boundary, so a store from the rest of the
 * current TB, or from another vCPU before its next boundary, is not
 * seen.  The checker compares memory with what it saw at every CFGI
 * consumption, SYNC completion and fetch, reports a difference as an
 * unobserved store and judges the window from those samples, as the sync
 * feeder does (docs/smmuv3-modern.rst).
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "exec/address-spaces.h"
#include "exec/target_page.h"
#include "hw/core/cpu.h"
#include "system/qtest.h"
#include "system/tcg.h"
#include "smmuv3-modern-internal.h"

#define WATCH_PAGE 4096ULL

typedef struct WatchRun {
    uint64_t start;
    uint64_t end;               /* exclusive; 0: the top of the space */
} WatchRun;

/* ---- evidence ---- */

/*
 * The guest PC of the access being dispatched: the unwind data of the
 * host return address TCG recorded for this I/O access.  With CF_PCREL
 * (aarch64 system emulation) the data holds only the offset in the page;
 * the page comes from the PC register, which TCG keeps on the TB's page.
 */
static uint64_t watch_guest_pc(CPUState *cpu)
{
#ifdef CONFIG_TCG
    uint64_t data[16] = { 0 };
    uint64_t page = qemu_target_page_size();
    CPUClass *cc;

    if (!cpu || !tcg_enabled() || !cpu->mem_io_pc ||
        !cpu_unwind_state_data(cpu, cpu->mem_io_pc, data)) {
        return 0;
    }
    cc = CPU_GET_CLASS(cpu);
    if (data[0] < page && cc->get_pc) {
        return (cc->get_pc(cpu) & ~(page - 1)) | data[0];
    }
    return data[0];
#else
    return 0;
#endif
}

/* ---- the overlays' I/O region ---- */

static void watch_now(SMMUv3ModernState *s);

static MemTxResult watch_read(void *opaque, hwaddr addr, uint64_t *data,
                              unsigned size, MemTxAttrs attrs)
{
    uint8_t buf[8] = { 0 };
    MemTxResult r;

    r = address_space_read(&address_space_memory, addr, attrs, buf, size);
    *data = ldn_le_p(buf, size);
    return r;
}

static MemTxResult watch_write(void *opaque, hwaddr addr, uint64_t data,
                               unsigned size, MemTxAttrs attrs)
{
    SMMUv3ModernState *s = opaque;
    CPUState *cpu = current_cpu;
    uint8_t buf[8];
    MemTxResult r;

    if (s->tear) {
        smmuv3_modern_tear_store(s, addr, size, data, watch_guest_pc(cpu),
                                 cpu ? cpu->cpu_index : -1,
                                 qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    }
    stn_le_p(buf, size, data);
    r = address_space_write(&address_space_memory, addr, attrs, buf, size);
    if (s->tear) {
        watch_now(s);           /* a store may make a child reachable */
    }
    return r;
}

/*
 * 1 to 8 bytes at any alignment.  TCG splits wider and page-crossing
 * accesses (16-byte stores into two 8-byte calls, DC ZVA into byte
 * stores); atomics and exclusives to I/O run in its stop-the-world mode.
 */
static const MemoryRegionOps watch_ops = {
    .read_with_attrs = watch_read,
    .write_with_attrs = watch_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8,
              .unaligned = true },
};

MemoryRegion *smmuv3_modern_cpu_memory(DeviceState *dev,
                                       MemoryRegion *sysmem)
{
    SMMUv3ModernState *s = ARM_SMMUV3_MODERN(dev);
    /*
     * tear-check=store, explicit (TCG or qtest) or the default under TCG
     * (smmuv3_modern_tear_default), routes the vCPUs through us.
     */
    bool store = s->tear_check_str ? !strcmp(s->tear_check_str, "store")
                                   : tcg_enabled();

    if (!store || (!tcg_enabled() && !qtest_enabled())) {
        return sysmem;          /* realize explains what is wrong */
    }
    if (s->cpu_sysmem) {
        return &s->cpu_mem;
    }
    s->cpu_sysmem = sysmem;
    /*
     * Owned by the machine: a link needs a canonical path, and the device
     * joins the QOM tree only when it is realized, after the vCPUs.
     */
    memory_region_init(&s->cpu_mem, qdev_get_machine(),
                       "smmuv3-modern-cpu-memory", UINT64_MAX);
    memory_region_init_alias(&s->cpu_mem_sys, qdev_get_machine(),
                             "smmuv3-modern-cpu-sysmem", sysmem, 0,
                             UINT64_MAX);
    memory_region_add_subregion_overlap(&s->cpu_mem, 0, &s->cpu_mem_sys, 0);
    memory_region_init_io(&s->watch_io, OBJECT(s), &watch_ops, s,
                          "smmuv3-modern-watch-io", UINT64_MAX);
    /* It forwards to whatever is there, the SMMU's own registers too. */
    s->watch_io.disable_reentrancy_guard = true;
    return &s->cpu_mem;
}

/* ---- installing overlays ---- */

static void watch_collect(void *opaque, uint64_t pa, uint64_t len)
{
    GArray *runs = opaque;
    WatchRun r;

    if (!len) {
        return;
    }
    r.start = pa & ~(WATCH_PAGE - 1);
    r.end = pa + len - 1 >= pa ? ((pa + len - 1) | (WATCH_PAGE - 1)) + 1 : 0;
    g_array_append_val(runs, r);
}

static int watch_run_cmp(gconstpointer a, gconstpointer b)
{
    const WatchRun *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorted, merged runs of pages (end 0 stands for 2^64). */
static GArray *watch_runs_now(SMMUv3ModernState *s)
{
    GArray *runs = g_array_new(FALSE, FALSE, sizeof(WatchRun));
    guint n = 0;

    smmum_tear_foreach_watch(s->tear, watch_collect, runs);
    g_array_sort(runs, watch_run_cmp);
    for (guint i = 0; i < runs->len; i++) {
        WatchRun *r = &g_array_index(runs, WatchRun, i);
        WatchRun *last = n ? &g_array_index(runs, WatchRun, n - 1) : NULL;

        if (last && (!last->end || r->start <= last->end)) {
            if (last->end && (!r->end || r->end > last->end)) {
                last->end = r->end;
            }
        } else {
            g_array_index(runs, WatchRun, n++) = *r;
        }
    }
    g_array_set_size(runs, n);
    return runs;
}

static bool watch_runs_equal(GArray *a, GArray *b)
{
    return a->len == b->len &&
           !memcmp(a->data, b->data, a->len * sizeof(WatchRun));
}

static void watch_install(SMMUv3ModernState *s, GArray *runs)
{
    memory_region_transaction_begin();
    for (guint i = 0; i < s->watch_overlays->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(s->watch_overlays, i);

        memory_region_del_subregion(&s->cpu_mem, mr);
        /* An alias: no FlatView refers to it, it can go now. */
        object_unparent(OBJECT(mr));
        g_free(mr);
    }
    g_ptr_array_set_size(s->watch_overlays, 0);
    for (guint i = 0; i < runs->len; i++) {
        const WatchRun *r = &g_array_index(runs, WatchRun, i);
        MemoryRegion *mr = g_new0(MemoryRegion, 1);
        uint64_t size = r->end ? r->end - r->start : -r->start;

        if (!size) {
            size = UINT64_MAX;  /* everything: not a real configuration */
        }
        memory_region_init_alias(mr, OBJECT(s), "smmuv3-modern-watch",
                                 &s->watch_io, r->start, size);
        memory_region_add_subregion_overlap(&s->cpu_mem, r->start, mr, 1);
        g_ptr_array_add(s->watch_overlays, mr);
    }
    memory_region_transaction_commit();
    g_array_unref(s->watch_runs);
    s->watch_runs = g_array_ref(runs);
}

static void watch_update(void *opaque)
{
    SMMUv3ModernState *s = opaque;
    g_autoptr(GArray) runs = NULL;
    uint64_t gen;

    if (!s->tear) {
        return;
    }
    gen = smmum_tear_watch_generation(s->tear);
    if (gen == s->watch_gen) {
        return;
    }
    s->watch_gen = gen;
    runs = watch_runs_now(s);
    if (!watch_runs_equal(runs, s->watch_runs)) {
        watch_install(s, runs);
    }
}

static void watch_poke(SMMUv3ModernState *s)
{
    if (smmum_tear_watch_generation(s->tear) != s->watch_gen) {
        qemu_bh_schedule(s->watch_bh);
    }
}

/*
 * Install the overlays the checker wants before returning, where a
 * memory transaction may be committed (BQL held: a vCPU's store to a
 * watched page, a register write, qtest); otherwise from the bottom half.
 * The other hooks (CFGI, SYNC, fetches inside a translation) use the
 * bottom half: what they add normally lies on pages already watched (the
 * checker makes the views of a newly reachable level-1 table's valid
 * descriptors at the store or register write that reaches it).
 */
static void watch_now(SMMUv3ModernState *s)
{
    if (bql_locked()) {
        watch_update(s);
    } else {
        watch_poke(s);
    }
}

void smmuv3_modern_watch_reset(SMMUv3ModernState *s)
{
    g_autoptr(GArray) none = NULL;

    if (!s->watch_bh) {
        return;
    }
    none = g_array_new(FALSE, FALSE, sizeof(WatchRun));
    watch_install(s, none);
    /* Recompute at the next event, whatever the generation says. */
    s->watch_gen = ~smmum_tear_watch_generation(s->tear);
}

/* ---- the observer, with a look at the watches after every event ---- */

static void w_cfgi(void *opaque, const SmmumCfgi *cfgi)
{
    SMMUv3ModernState *s = opaque;

    s->tear_obs.cfgi_consumed(s->tear_obs.opaque, cfgi);
    watch_poke(s);
}

static void w_sync(void *opaque)
{
    SMMUv3ModernState *s = opaque;

    s->tear_obs.sync_completed(s->tear_obs.opaque);
    watch_poke(s);
}

static void w_fetch(void *opaque, SmmumFetchKind kind, uint32_t sid,
                    uint32_t ssid, uint64_t addr, const uint64_t *words,
                    unsigned n)
{
    SMMUv3ModernState *s = opaque;

    s->tear_obs.fetch(s->tear_obs.opaque, kind, sid, ssid, addr, words, n);
    watch_poke(s);
}

static void w_prefetch(void *opaque, uint32_t sid, uint32_t ssid, bool ssv)
{
    SMMUv3ModernState *s = opaque;

    s->tear_obs.prefetch(s->tear_obs.opaque, sid, ssid, ssv);
    watch_poke(s);
}

static void w_txn(void *opaque, uint32_t sid, uint32_t ssid, bool ssv)
{
    SMMUv3ModernState *s = opaque;

    s->tear_obs.txn(s->tear_obs.opaque, sid, ssid, ssv);
    watch_poke(s);
}

static void w_tables_changed(void *opaque)
{
    SMMUv3ModernState *s = opaque;

    s->tear_obs.tables_changed(s->tear_obs.opaque);
    watch_now(s);               /* STRTAB_BASE, SMMUEN, a migration */
}

static void w_reset(void *opaque)
{
    SMMUv3ModernState *s = opaque;

    s->tear_obs.reset(s->tear_obs.opaque);
    watch_poke(s);
}

bool smmuv3_modern_watch_start(SMMUv3ModernState *s, SmmumObserver *obs,
                               Error **errp)
{
    if (!obs->cfgi_consumed || !obs->sync_completed || !obs->fetch ||
        !obs->prefetch || !obs->txn || !obs->tables_changed || !obs->reset) {
        error_setg(errp, "%s: the tear checker lacks an observer hook",
                   TYPE_ARM_SMMUV3_MODERN);
        return false;
    }
    s->tear_obs = *obs;
    *obs = (SmmumObserver) {
        .opaque = s,
        .cfgi_consumed = w_cfgi,
        .sync_completed = w_sync,
        .fetch = w_fetch,
        .prefetch = w_prefetch,
        .txn = w_txn,
        .tables_changed = w_tables_changed,
        .reset = w_reset,
    };
    s->watch_overlays = g_ptr_array_new();
    s->watch_runs = g_array_new(FALSE, FALSE, sizeof(WatchRun));
    s->watch_gen = ~smmum_tear_watch_generation(s->tear);
    s->watch_bh = qemu_bh_new(watch_update, s);
    return true;
}

void smmuv3_modern_watch_stop(SMMUv3ModernState *s)
{
    if (!s->watch_bh) {
        return;
    }
    smmuv3_modern_watch_reset(s);
    qemu_bh_delete(s->watch_bh);
    s->watch_bh = NULL;
    g_ptr_array_free(s->watch_overlays, TRUE);
    s->watch_overlays = NULL;
    g_array_unref(s->watch_runs);
    s->watch_runs = NULL;
}
