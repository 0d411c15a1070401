/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A builder of tear-check traces for unit tests: a live checker behind
 * the trace recorder, on a fake guest memory, driven the way the model
 * and the store feeder drive it.  What the recorder writes is the trace
 * (as the device writes it with tear-trace=FILE); what the live checker
 * reports is kept so a test can compare the replay with it.  With
 * tb_maint_init the maintenance checker is recorded into the same trace
 * too, fed by a small model of the SMMU's walks and IOTLB.
 */
#ifndef SMMUM_TRACE_BUILDER_H
#define SMMUM_TRACE_BUILDER_H

#include "fake-mem.h"
#include "smmum-maint-trace.h"
#include "smmum-trace.h"

#define TB_STRTAB   0x100000ULL
#define TB_CDT_A    0x200000ULL
#define TB_CDT_B    0x210000ULL
#define TB_TTB_A    0x8000000ULL
#define TB_TTB_B    0x9000000ULL
#define TB_TT_POOL  0xa000000ULL    /* tb_alloc_table()'s first page */
#define TB_SIDS     8               /* StreamIDs tb_maint_ctx can set up */

/* A translation context of the maintenance part's small model. */
typedef struct TbMaintCtx {
    bool used;
    SmmumWalkCfg cfg;
    SmmumTlbTag tag;
} TbMaintCtx;

typedef struct TraceBuilder {
    FakeMem mem;
    SmmumTearRegs regs;
    SmmumTrace *tr;
    SmmumTear *t;
    SmmumObserver obs;          /* the recording hooks */
    GString *trace;             /* JSON Lines so far */
    GPtrArray *live;            /* the live checker's findings, as JSON */
    SmmumTearMode mode;
    uint64_t pc;
    uint64_t vcnt;
    int cpu;
    /*
     * The maintenance checker (tb_maint_init): behind its recorder, fed
     * by a small model of the SMMU's translation (the real walker and
     * IOTLB on the same fake memory) the way the core feeds it.
     */
    SmmumMaintTrace *mt;
    SmmumMaint *m;
    SmmumTlbObserver mobs;      /* the recording hooks */
    SmmumIotlb *iotlb;
    SmmumIdRegs midr;
    TbMaintCtx ctx[TB_SIDS];
    uint64_t tt_next;
} TraceBuilder;

/* Linear stream table of 256 STEs at TB_STRTAB, SMMUEN=1. */
void tb_init(TraceBuilder *b, SmmumTearMode mode);
void tb_destroy(TraceBuilder *b);

/* A guest store of 8 bytes (fed to the checker in store mode). */
void tb_store(TraceBuilder *b, uint64_t pa, uint64_t val);
/* A memory change nobody tells the checker about (setup, DMA). */
void tb_poke(TraceBuilder *b, uint64_t pa, uint64_t val);
void tb_poke_img(TraceBuilder *b, uint64_t pa, const uint64_t *img);
/* Store the words of img that differ from memory, in this order. */
void tb_store_words(TraceBuilder *b, uint64_t pa, const uint64_t *img,
                    const unsigned *order, unsigned n);
void tb_cfgi(TraceBuilder *b, SmmumCfgiKind kind, uint32_t sid,
             uint32_t ssid, bool leaf);
void tb_sync(TraceBuilder *b);
void tb_inv_ste(TraceBuilder *b, uint32_t sid);
void tb_inv_cd(TraceBuilder *b, uint32_t sid, uint32_t ssid);
void tb_txn(TraceBuilder *b, uint32_t sid, uint32_t ssid, bool ssv);
/* The model fetches STE sid from memory. */
void tb_fetch_ste(TraceBuilder *b, uint32_t sid);
void tb_reset(TraceBuilder *b);
/* The registers in b->regs changed (SMMUEN, STRTAB_BASE, ...). */
void tb_tables_changed(TraceBuilder *b);
/* A transaction let through untranslated with SMMUEN=0. */
void tb_global_bypass(TraceBuilder *b, uint32_t sid);
void tb_migrate(TraceBuilder *b);
/* The end of the run; the trace (owned by b). */
const char *tb_finish(TraceBuilder *b);

/*
 * ---- the maintenance checker ----
 * tb_maint_init: the checker on (IDR3.RIL=1, IDR3.BBML=bbml; checks as
 * maint-checks=; conflict as maint-tlb-conflict), recorded into the same
 * trace.  tb_finish then ends it first, as the device does.
 */
void tb_maint_init(TraceBuilder *b, unsigned bbml, const char *checks,
                   bool conflict);
/* A zeroed 4 KiB table page. */
uint64_t tb_alloc_table(TraceBuilder *b);
/*
 * Map va to pa (4 KiB granule, 39-bit VA walked from level 1) as a leaf
 * at leaf_level (3: page, 2: 2 MiB block) with AF and attrs.
 */
void tb_pt_map(TraceBuilder *b, uint64_t root, int leaf_level, uint64_t va,
               uint64_t pa, uint64_t attrs);
/* The address of the level-l descriptor of va (its tables exist). */
uint64_t tb_pt_slot(TraceBuilder *b, uint64_t root, int level, uint64_t va);
/* StreamID sid translates at stage 1 with ASID asid through root. */
void tb_maint_ctx(TraceBuilder *b, uint32_t sid, uint16_t asid,
                  uint64_t root);
/*
 * A DMA read of va by sid: from the IOTLB, else by a walk (whose entry
 * is inserted).  false: a fault, or the checker refused the hit
 * (F_TLB_CONFLICT); *pa the output address otherwise.
 */
bool tb_dma(TraceBuilder *b, uint32_t sid, uint64_t va, uint64_t *pa);
/* A TLBI command consumed (the checker is told, then the IOTLB acts). */
void tb_tlbi(TraceBuilder *b, const SmmumTlbi *t);
/* A CMD_SYNC completing: the tear checker's hook, then the maint one. */
void tb_maint_sync(TraceBuilder *b);
/* The SMMU flushes its IOTLB (reset). */
void tb_iotlb_flush(TraceBuilder *b);
/* ATS: a Translation Request for va (true: a translation granted). */
bool tb_ats_grant(TraceBuilder *b, uint32_t sid, uint64_t va);
void tb_atc_inv(TraceBuilder *b, uint32_t sid, uint64_t addr,
                unsigned size_log2);
/* An ATS Translated transaction to pa. */
void tb_translated(TraceBuilder *b, uint32_t sid, uint64_t pa);
void tb_ats_endpoint(TraceBuilder *b, uint32_t sid,
                     SmmumAtsEndpointEvent ev, const SmmumAtsSteView *v);

uint64_t tb_ste_addr(uint32_t sid);
/* Entries. */
void tb_ste_abort(uint64_t *w);
void tb_ste_bypass(uint64_t *w, unsigned shcfg);
void tb_ste_s1(uint64_t *w, uint64_t cdt, unsigned cdmax, unsigned dss);
void tb_ste_s2(uint64_t *w, unsigned vmid, uint64_t ttb);
void tb_cd(uint64_t *w, unsigned asid, uint64_t ttb0);

#endif
