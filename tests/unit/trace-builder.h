/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A builder of tear-check traces for unit tests: a live checker behind
 * the trace recorder, on a fake guest memory, driven the way the model
 * and the store feeder drive it.  What the recorder writes is the trace
 * (as the device writes it with tear-trace=FILE); what the live checker
 * reports is kept so a test can compare the replay with it.
 */
#ifndef SMMUM_TRACE_BUILDER_H
#define SMMUM_TRACE_BUILDER_H

#include "fake-mem.h"
#include "smmum-trace.h"

#define TB_STRTAB   0x100000ULL
#define TB_CDT_A    0x200000ULL
#define TB_CDT_B    0x210000ULL
#define TB_TTB_A    0x8000000ULL
#define TB_TTB_B    0x9000000ULL

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

uint64_t tb_ste_addr(uint32_t sid);
/* Entries. */
void tb_ste_abort(uint64_t *w);
void tb_ste_bypass(uint64_t *w, unsigned shcfg);
void tb_ste_s1(uint64_t *w, uint64_t cdt, unsigned cdmax, unsigned dss);
void tb_ste_s2(uint64_t *w, unsigned vmid, uint64_t ttb);
void tb_cd(uint64_t *w, unsigned asid, uint64_t ttb0);

#endif
