/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for unit tests that drive a whole SmmumCore through its
 * registers: a fixture with fake memory, an observer that counts its
 * hooks, queue setup and command submission, and builders of stream
 * table entries, context descriptors and page tables in that memory.
 */
#ifndef SMMUM_CORE_HELPERS_H
#define SMMUM_CORE_HELPERS_H

#include "fake-mem.h"
#include "smmum-strtab.h"

#include <string.h>

#define CMDQ_BASE_PA    0x100000ULL
#define EVTQ_BASE_PA    0x200000ULL
#define STRTAB_PA       0x400000ULL
#define MSI_PA          0x900000ULL
#define TT_POOL         0x1000000ULL    /* fx_alloc_page()'s first page */

/* Event record fields (dword 0 d0, dword 1 d1). */
#define EV_TYPE(d0)     ((unsigned)((d0) & 0xff))
#define EV_SSV(d0)      ((unsigned)(((d0) >> 11) & 1))
#define EV_SSID(d0)     ((unsigned)(((d0) >> 12) & 0xfffff))
#define EV_SID(d0)      ((unsigned)((d0) >> 32))
#define EV_RNW(d1)      ((unsigned)(((d1) >> 35) & 1))
#define EV_S2(d1)       ((unsigned)(((d1) >> 39) & 1))
#define EV_CLASS(d1)    ((unsigned)(((d1) >> 40) & 3))

/* VMSAv8-64 descriptor bits, 4K granule. */
#define D_VALID     1ULL
#define D_TABLE     3ULL        /* table (level < 3) or page (level 3) */
#define D_AF        (1ULL << 10)
#define D_AP1       (1ULL << 6) /* S1: EL0 access; S2: read */
#define D_AP2       (1ULL << 7) /* S1: read-only; S2: write */
#define D_NG        (1ULL << 11)

typedef struct ObsLog {
    unsigned cfgi, sync, fetch, prefetch, txn, tables, reset;
    SmmumCfgi last_cfgi;
    SmmumFetchKind last_fetch_kind;
    uint64_t last_fetch_addr;
    uint32_t last_prefetch_sid;
} ObsLog;

typedef struct Fx {
    FakeMem mem;
    SmmumCore core;
    ObsLog obs;
    unsigned cmdq_log2, evtq_log2;
    uint64_t tt_next;           /* fx_alloc_page()'s next page */
} Fx;

static inline void obs_cfgi(void *o, const SmmumCfgi *c)
{
    ObsLog *l = o;

    l->cfgi++;
    l->last_cfgi = *c;
}

static inline void obs_sync(void *o)
{
    ((ObsLog *)o)->sync++;
}

static inline void obs_fetch(void *o, SmmumFetchKind kind, uint32_t sid,
                             uint32_t ssid, uint64_t addr,
                             const uint64_t *words, unsigned n)
{
    ObsLog *l = o;

    l->fetch++;
    l->last_fetch_kind = kind;
    l->last_fetch_addr = addr;
}

static inline void obs_prefetch(void *o, uint32_t sid, uint32_t ssid,
                                bool ssv)
{
    ObsLog *l = o;

    l->prefetch++;
    l->last_prefetch_sid = sid;
}

static inline void obs_txn(void *o, uint32_t sid, uint32_t ssid, bool ssv)
{
    ((ObsLog *)o)->txn++;
}

static inline void obs_tables(void *o)
{
    ((ObsLog *)o)->tables++;
}

static inline void obs_reset(void *o)
{
    ((ObsLog *)o)->reset++;
}

static inline uint32_t rd32(Fx *f, uint64_t off)
{
    return smmum_mmio_read(&f->core, off, 4);
}

static inline void wr32(Fx *f, uint64_t off, uint32_t val)
{
    smmum_mmio_write(&f->core, off, val, 4);
}

static inline void wr64(Fx *f, uint64_t off, uint64_t val)
{
    smmum_mmio_write(&f->core, off, val, 8);
}

/* Core from cfg (not validated: tests may enable unfinished features). */
static inline void fx_init_cfg(Fx *f, const SmmumConfig *cfg)
{
    SmmumHost host;
    SmmumObserver o = {
        .opaque = &f->obs,
        .cfgi_consumed = obs_cfgi,
        .sync_completed = obs_sync,
        .fetch = obs_fetch,
        .prefetch = obs_prefetch,
        .txn = obs_txn,
        .tables_changed = obs_tables,
        .reset = obs_reset,
    };

    memset(f, 0, sizeof(*f));
    fake_mem_init(&f->mem);
    host = fake_mem_host(&f->mem);
    smmum_core_init(&f->core, cfg, &host);
    smmum_core_set_observer(&f->core, &o);
    f->tt_next = TT_POOL;
}

static inline void fx_init(Fx *f)
{
    SmmumConfig cfg;

    smmum_config_default(&cfg);
    fx_init_cfg(f, &cfg);
}

static inline void fx_destroy(Fx *f)
{
    smmum_core_finalize(&f->core);
    fake_mem_destroy(&f->mem);
}

/* Program and enable the command and event queues. */
static inline void fx_queues(Fx *f, unsigned cmdq_log2, unsigned evtq_log2)
{
    f->cmdq_log2 = cmdq_log2;
    f->evtq_log2 = evtq_log2;
    wr64(f, SMMUM_CMDQ_BASE, CMDQ_BASE_PA | cmdq_log2);
    wr64(f, SMMUM_EVENTQ_BASE, EVTQ_BASE_PA | evtq_log2);
    wr32(f, SMMUM_CR0, rd32(f, SMMUM_CR0) | SMMUM_CR0_CMDQEN |
         SMMUM_CR0_EVTQEN);
}

/* Write one command at CMDQ_PROD and publish it. */
static inline void fx_cmd(Fx *f, uint64_t d0, uint64_t d1)
{
    uint32_t prod = rd32(f, SMMUM_CMDQ_PROD);
    uint32_t l2 = f->cmdq_log2;
    uint32_t idx = prod & ((1u << l2) - 1);
    uint32_t next = ((prod & ((2u << l2) - 1)) + 1) & ((2u << l2) - 1);

    fake_write64(&f->mem, CMDQ_BASE_PA + idx * 16, d0);
    fake_write64(&f->mem, CMDQ_BASE_PA + idx * 16 + 8, d1);
    wr32(f, SMMUM_CMDQ_PROD, next);
}

static inline uint64_t cmd_sync(unsigned cs)
{
    return SMMUM_CMD_SYNC | ((uint64_t)cs << SMMUM_SYNC_CS);
}

static inline uint32_t gerror_active(Fx *f)
{
    return rd32(f, SMMUM_GERROR) ^ rd32(f, SMMUM_GERRORN);
}

static inline uint32_t evtq_count(Fx *f)
{
    uint32_t m = (2u << f->evtq_log2) - 1;

    return ((rd32(f, SMMUM_EVENTQ_PROD) & m) -
            (rd32(f, SMMUM_EVENTQ_CONS) & m)) & m;
}

/* Event record at EVENTQ_CONS (dword i), without consuming it. */
static inline uint64_t evt_word(Fx *f, unsigned n, unsigned i)
{
    uint32_t cons = rd32(f, SMMUM_EVENTQ_CONS) + n;
    uint32_t idx = cons & ((1u << f->evtq_log2) - 1);

    return fake_read64(&f->mem, EVTQ_BASE_PA + idx * 32 + i * 8);
}

/* A linear stream table of 2^log2 STEs. */
static inline void fx_linear_strtab(Fx *f, unsigned log2)
{
    wr64(f, SMMUM_STRTAB_BASE, STRTAB_PA);
    wr32(f, SMMUM_STRTAB_BASE_CFG, log2);
}

static inline void fx_enable(Fx *f)
{
    wr32(f, SMMUM_CR2, SMMUM_CR2_RECINVSID);
    wr32(f, SMMUM_CR0, rd32(f, SMMUM_CR0) | SMMUM_CR0_SMMUEN);
}

/* Write an STE (V=1, given Config) at pa. */
static inline void put_ste(Fx *f, uint64_t pa, unsigned config, bool valid)
{
    for (unsigned i = 0; i < 8; i++) {
        fake_write64(&f->mem, pa + i * 8, 0);
    }
    fake_write64(&f->mem, pa, (valid ? 1 : 0) | (config << 1));
}

/* A zeroed 4K page of fake memory for translation tables. */
static inline uint64_t fx_alloc_page(Fx *f)
{
    uint64_t pa = f->tt_next;

    f->tt_next += 0x1000;
    for (unsigned i = 0; i < 512; i++) {
        fake_write64(&f->mem, pa + i * 8, 0);
    }
    return pa;
}

/*
 * Map the 4K page (or, with leaf_level < 3, the block) at va to pa in a
 * 4K granule table rooted at root whose walk starts at level start; the
 * leaf gets AF and attrs, missing tables come from fx_alloc_page().
 */
static inline void fx_pt_map(Fx *f, uint64_t root, int start,
                             int leaf_level, uint64_t va, uint64_t pa,
                             uint64_t attrs)
{
    uint64_t table = root;

    for (int l = start; l <= leaf_level; l++) {
        unsigned shift = 12 + 9 * (3 - l);
        uint64_t slot = table + ((va >> shift) & 0x1ff) * 8;
        uint64_t d = fake_read64(&f->mem, slot);

        if (l == leaf_level) {
            fake_write64(&f->mem, slot, (pa & ~SMMUM_MASK(shift)) |
                         (l == 3 ? D_TABLE : D_VALID) | D_AF | attrs);
            return;
        }
        if (!(d & 1)) {
            d = fx_alloc_page(f) | D_TABLE;
            fake_write64(&f->mem, slot, d);
        }
        table = d & SMMUM_MASK(48) & ~0xfffULL;
    }
}

/*
 * A stage-1 CD at pa: 39-bit VA (T0SZ 25, walk from level 1), 4K
 * granule, TTB0 ttb, TTB1 disabled, 40-bit IPS, AArch64, CD.R r, A=1.
 */
static inline void fx_put_cd(Fx *f, uint64_t pa, uint64_t ttb,
                             uint16_t asid, bool r)
{
    uint64_t w0 = 0;

    w0 = SMMUM_DEP(w0, 0, 6, 25);       /* T0SZ */
    w0 = SMMUM_DEP(w0, 30, 1, 1);       /* EPD1 */
    w0 = SMMUM_DEP(w0, 31, 1, 1);       /* V */
    w0 = SMMUM_DEP(w0, 32, 3, 2);       /* IPS 40 bits */
    w0 = SMMUM_DEP(w0, 41, 1, 1);       /* AA64 */
    w0 = SMMUM_DEP(w0, 45, 1, r);       /* R */
    w0 = SMMUM_DEP(w0, 46, 1, 1);       /* A */
    w0 = SMMUM_DEP(w0, 48, 16, asid);
    fake_write64(&f->mem, pa, w0);
    fake_write64(&f->mem, pa + 8, ttb);
    for (unsigned i = 2; i < 8; i++) {
        fake_write64(&f->mem, pa + i * 8, 0);
    }
}

/* The 64-byte STE of sid in the linear stream table at STRTAB_PA. */
static inline void fx_write_ste(Fx *f, uint32_t sid, const uint64_t w[8])
{
    for (unsigned i = 0; i < 8; i++) {
        fake_write64(&f->mem, STRTAB_PA + sid * 64 + i * 8, w[i]);
    }
}

/*
 * The stage-2 fields of an STE: 39-bit IPA (T0SZ 25, walk from level 1),
 * 4K granule, 40-bit PS, AArch64, S2TTB s2ttb, S2VMID vmid, S2R s2r.
 */
static inline void fx_ste_s2(uint64_t w[8], uint64_t s2ttb, uint16_t vmid,
                             bool s2r)
{
    smmum_ste_set_field(w, SMMUM_STE_S2VMID, 16, vmid);
    smmum_ste_set_field(w, SMMUM_STE_S2T0SZ, 6, 25);
    smmum_ste_set_field(w, SMMUM_STE_S2SL0, 2, 1);
    smmum_ste_set_field(w, SMMUM_STE_S2TG, 2, 0);
    smmum_ste_set_field(w, SMMUM_STE_S2PS, 3, 2);
    smmum_ste_set_field(w, SMMUM_STE_S2AA64, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_S2R, 1, s2r);
    smmum_ste_set_field(w, SMMUM_STE_S2TTB, 52, s2ttb >> 4);
}

static inline SmmumXlateStatus xlate(Fx *f, uint32_t sid, bool ssv)
{
    SmmumTxn t = { .sid = sid, .ssv = ssv, .ssid = ssv ? 3 : 0,
                   .addr = 0x12345678 };
    SmmumXlate x;

    smmum_translate(&f->core, &t, &x);
    if (x.status == SMMUM_XLATE_OK) {
        g_assert_cmphex(x.pa, ==, 0x12345678);
    }
    return x.status;
}

#endif
