/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for unit tests that drive a whole SmmumCore through its
 * registers: a fixture with fake memory, an observer that counts its
 * hooks, queue setup and command submission.
 */
#ifndef SMMUM_CORE_HELPERS_H
#define SMMUM_CORE_HELPERS_H

#include "fake-mem.h"

#include <string.h>

#define CMDQ_BASE_PA    0x100000ULL
#define EVTQ_BASE_PA    0x200000ULL
#define STRTAB_PA       0x400000ULL
#define MSI_PA          0x900000ULL

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
