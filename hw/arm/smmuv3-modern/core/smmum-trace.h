/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the tear checker's input trace (JSON Lines, schema
 * docs/tear-trace-schema.md).
 *
 * A recorder sits between the model and the checker: every input the
 * checker gets (observer hooks, guest stores, global bypass, migration,
 * exit) and every answer the host gives it (guest memory it reads, the
 * registers, the clock) becomes one record, so that smmum-replay.c can
 * feed the same checker the same inputs offline and get the same
 * findings.  An input's record is written after the checker handled it;
 * the memory and register records its handling produced come first.
 */
#ifndef SMMUM_TRACE_H
#define SMMUM_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "smmum-observer.h"
#include "smmum-tear.h"

#define SMMUM_TRACE_VERSION 1
#define SMMUM_TRACE_MEM_MAX 64      /* bytes per "mem" record */

typedef enum SmmumTraceKind {
    SMMUM_TRACE_HEADER = 0,
    SMMUM_TRACE_MEM,            /* memory holds these bytes (or aborts) */
    SMMUM_TRACE_REGS,           /* the registers the checker reads */
    SMMUM_TRACE_STORE,          /* a guest store (store feeder) */
    SMMUM_TRACE_CFGI,           /* a CMD_CFGI_* was consumed */
    SMMUM_TRACE_SYNC,           /* a CMD_SYNC completed */
    SMMUM_TRACE_FETCH,          /* the model fetched a structure */
    SMMUM_TRACE_PREFETCH,       /* a PREFETCH_CONFIG */
    SMMUM_TRACE_TXN,            /* transactions served (count) */
    SMMUM_TRACE_TABLES,         /* SMMUEN / STRTAB_BASE(_CFG) changed */
    SMMUM_TRACE_RESET,
    SMMUM_TRACE_MIGRATE,        /* outgoing migration */
    SMMUM_TRACE_GLOBAL_BYPASS,  /* DMA untranslated, SMMUEN=0 (count) */
    SMMUM_TRACE_EXIT,
    SMMUM_TRACE_UNKNOWN,        /* a kind this reader does not know */
    SMMUM_TRACE__MAX,
} SmmumTraceKind;

/* What the model was (header; informational, not needed to replay). */
typedef struct SmmumTraceModel {
    char accel[16];             /* "tcg", "qtest", "kvm", ... or "" */
    bool lse2_known;
    bool lse2;                  /* the vCPUs implement FEAT_LSE2 */
    uint32_t cfgcache_size;
    bool cfgcache_sticky;
} SmmumTraceModel;

/* One decoded record.  Which members matter depends on kind. */
typedef struct SmmumTraceRec {
    SmmumTraceKind kind;
    char name[32];              /* SMMUM_TRACE_UNKNOWN: the record kind */
    bool has_now;
    uint64_t now;               /* the checker's clock during the input */

    /* header */
    unsigned version;
    SmmumTearParams params;
    SmmumTraceModel model;
    /* header, regs */
    SmmumTearRegs regs;
    bool has_gbpa;
    uint32_t gbpa;

    /* mem: len bytes at pa (little-endian words); ok=false: abort */
    /* store: size bytes of data at pa */
    /* fetch: n words at pa */
    uint64_t pa;
    unsigned len;
    bool ok;
    uint64_t w[8];
    unsigned n;

    /* store */
    unsigned size;
    uint64_t data;
    uint64_t pc;
    int cpu;
    uint64_t vcnt;
    bool i128;                  /* half of one 128-bit store instruction */

    /* cfgi, sync: the command as consumed (when known) */
    SmmumCfgi cfgi;
    bool has_cmd;
    uint64_t cmd[2];
    uint32_t cmdq_cons;

    /* fetch, prefetch, txn, global bypass */
    SmmumFetchKind fetch;
    uint32_t sid;
    uint32_t ssid;
    bool ssv;
    uint64_t count;             /* txn, global bypass: repetitions */
} SmmumTraceRec;

const char *smmum_trace_kind_name(SmmumTraceKind k);
/* One record as one JSON object without newline; g_free it. */
char *smmum_trace_rec_to_json(const SmmumTraceRec *r);
/*
 * Parse one line.  false with *err set (g_free it) when the line is not
 * a record of this version; an unknown record kind is not an error.
 */
bool smmum_trace_rec_from_json(const char *line, SmmumTraceRec *r,
                               char **err);

/*
 * What the trace says guest memory holds: "mem" records and stores
 * update it, the replayed checker reads from it, and the recorder keeps
 * the same model to write "mem" only when a read tells something new.
 */
typedef struct SmmumTraceMem SmmumTraceMem;

SmmumTraceMem *smmum_trace_mem_new(void);
void smmum_trace_mem_free(SmmumTraceMem *m);
/* Would a read of len bytes at pa answer ok with buf? */
bool smmum_trace_mem_agrees(SmmumTraceMem *m, uint64_t pa, const void *buf,
                            size_t len, bool ok);
/* Memory holds buf at pa (ok), or reads of it abort (!ok). */
void smmum_trace_mem_set(SmmumTraceMem *m, uint64_t pa, const void *buf,
                         size_t len, bool ok);
/*
 * A read; false on abort, and when the trace never said what a byte
 * holds (a replay of a whole trace never meets one; a cut-down trace
 * then keeps the "mem" records its finding needs).
 */
bool smmum_trace_mem_read(SmmumTraceMem *m, uint64_t pa, void *buf,
                          size_t len);
/* A guest store of size bytes (data little-endian). */
void smmum_trace_mem_store(SmmumTraceMem *m, uint64_t pa, unsigned size,
                           uint64_t data);

/* ---- the recorder ---- */

typedef struct SmmumTrace SmmumTrace;
/* One JSON line (no newline) to append to the trace. */
typedef void (*SmmumTraceSink)(void *opaque, const char *line);

/*
 * A recorder writing the header now: the checker's parameters, the
 * registers get_regs answers at the start and what the model is.
 */
SmmumTrace *smmum_trace_new(const SmmumTearParams *p,
                            const SmmumTearRegs *regs,
                            const SmmumTraceModel *model,
                            SmmumTraceSink sink, void *opaque);
/*
 * Interpose on the host callbacks the checker will get (read, get_regs,
 * now; record is left alone): call it on the host before smmum_tear_new.
 */
void smmum_trace_wrap_host(SmmumTrace *tr, SmmumTearHost *h);
/*
 * The checker the recorder forwards to; *obs holds the hooks the model
 * would call and is replaced by recording ones.
 */
void smmum_trace_attach(SmmumTrace *tr, SmmumTear *t, SmmumObserver *obs);
/*
 * Optional: the core whose command queue is being consumed, so CFGI and
 * SYNC records carry the command's 16 bytes and CONS, and register
 * records GBPA.
 */
void smmum_trace_set_core(SmmumTrace *tr, const struct SmmumCore *core);

/* The checker's entry points, recorded; same meaning as smmum_tear_*. */
void smmum_trace_store(SmmumTrace *tr, uint64_t pa, unsigned size,
                       uint64_t data, uint64_t pc, int cpu_index,
                       uint64_t vcnt, bool i128);
void smmum_trace_global_bypass(SmmumTrace *tr, uint32_t sid);
void smmum_trace_migrate(SmmumTrace *tr);
/*
 * smmum_tear_finish, an "exit" record, and everything handed out.  A
 * recorder never attached to a tear checker (tear-check=off, another
 * checker's records only) just writes the "exit" record.
 */
void smmum_trace_finish(SmmumTrace *tr);
/*
 * Another checker's record: one JSON object (no newline) whose "rec" is a
 * kind of its own (not one of the names above), written in order with the
 * tear checker's inputs.  Readers that do not know the kind skip it.
 */
void smmum_trace_write_extra(SmmumTrace *tr, const char *json);
/*
 * The other checker keeps a record back (a run of repeated inputs, an
 * input still gathering data): fn writes it with smmum_trace_write_extra
 * and is called before any record the recorder writes from now on, so
 * the trace keeps the order of inputs.
 */
void smmum_trace_set_extra_flush(SmmumTrace *tr, void (*fn)(void *opaque),
                                 void *opaque);
/* Write every record kept back (the tear checker's run, fn's). */
void smmum_trace_flush(SmmumTrace *tr);
/*
 * Another checker's read of guest memory through read(opaque, ...),
 * recorded as the tear checker's are: "mem" records for what the trace
 * did not already say, before that checker's input record.
 */
bool smmum_trace_read_via(SmmumTrace *tr,
                          bool (*read)(void *opaque, uint64_t pa, void *buf,
                                       size_t len),
                          void *opaque, uint64_t pa, void *buf, size_t len);
/* Records written so far (header included). */
uint64_t smmum_trace_count(SmmumTrace *tr);
void smmum_trace_free(SmmumTrace *tr);

#endif
