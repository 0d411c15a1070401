/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the maintenance checker's inputs in the tear
 * checker's trace ("maint-*" records, docs/tear-trace-schema.md) and
 * their replay.
 *
 * The recorder sits between the model and the maintenance checker as
 * smmum-trace.c does for the tear checker: every SmmumTlbObserver hook
 * call (with the descriptors a walk read through the checker), every
 * answer of the checker's host (guest memory as "mem" records, the
 * clock) and the end of the run become records of the same trace, in
 * order with the tear checker's.  IOTLB entries, which the hooks pass by
 * pointer, get ids.  The replay feeds the same checker the same calls
 * with the same answers, so it makes the same findings.
 */
#ifndef SMMUM_MAINT_TRACE_H
#define SMMUM_MAINT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmum-core.h"
#include "smmum-maint.h"
#include "smmum-replay.h"
#include "smmum-trace.h"

typedef enum SmmumMaintTraceKind {
    SMMUM_MTRACE_HEADER = 0,    /* the checker's parameters */
    SMMUM_MTRACE_WALK,          /* walk_begin and what the walk read */
    SMMUM_MTRACE_INSERT,        /* tlb_insert */
    SMMUM_MTRACE_REMOVE,        /* tlb_remove */
    SMMUM_MTRACE_HIT,           /* tlb_hit and its answer (count) */
    SMMUM_MTRACE_TLBI,          /* a TLBI was consumed */
    SMMUM_MTRACE_SYNC,          /* a CMD_SYNC completed */
    SMMUM_MTRACE_ATS_GRANTED,   /* an ATS Translation Request answered */
    SMMUM_MTRACE_ATC_INV,       /* a CMD_ATC_INV was consumed */
    SMMUM_MTRACE_TRANSLATED,    /* an ATS Translated transaction (count) */
    SMMUM_MTRACE_ATS_ENDPOINT,  /* ATS Enable changed, or a CFGI */
    SMMUM_MTRACE_EXIT,          /* smmum_maint_finish */
    SMMUM_MTRACE__MAX,
} SmmumMaintTraceKind;

/* One access of a walk to descriptor memory, in the walk's order. */
typedef struct SmmumMaintTraceAccess {
    uint64_t pa;
    bool cmpxchg;               /* else a read */
    bool ok;                    /* false: the access aborted */
    uint64_t val;               /* read: the word; cmpxchg: the one seen */
    uint64_t expect, new_val;   /* cmpxchg */
} SmmumMaintTraceAccess;

/* One decoded "maint-*" record.  Which members matter depends on kind. */
typedef struct SmmumMaintTraceRec {
    SmmumMaintTraceKind kind;
    bool has_now;
    uint64_t now;               /* the checker's clock during the input */
    /* header */
    SmmumMaintParams params;
    /* walk: cfg is given at a cfg_id's first walk, later named by it */
    unsigned cfg_id;
    bool has_cfg;
    SmmumWalkCfg cfg;
    bool cx;                    /* the walk could make HTTU updates */
    SmmumMaintTraceAccess *acc; /* nacc accesses (see ..._rec_clear) */
    unsigned nacc;
    /* walk, hit, ats-granted, translated */
    SmmumTxn txn;
    /* insert, remove, hit: the entry (0: one the recorder never saw) */
    uint64_t id;
    bool all;                   /* remove: every entry (flush, reset) */
    SmmumIotlbEntry entry;      /* insert */
    /* tlbi; remove by a TLBI (has_tlbi) */
    bool has_tlbi;
    bool tlbi_cur;              /* remove: the TLBI of the last maint-tlbi */
    SmmumTlbi tlbi;
    bool ok;                    /* hit: the checker's answer */
    uint64_t count;             /* hit, translated: repetitions (>= 1) */
    SmmumXlate out;             /* ats-granted */
    SmmumAtcInv inv;            /* atc-inv */
    /* ats-endpoint */
    uint32_t sid;
    SmmumAtsEndpointEvent ev;
    SmmumAtsSteView view;
} SmmumMaintTraceRec;

const char *smmum_maint_trace_kind_name(SmmumMaintTraceKind k);
/* One record as one JSON object without newline; g_free it. */
char *smmum_maint_trace_rec_to_json(const SmmumMaintTraceRec *r);
/*
 * Parse one line.  *is_maint: whether its "rec" is a maint-* kind (when
 * not, r is untouched and the result true).  false with *err (g_free
 * it) when it is one but malformed.  Free r's accesses with
 * smmum_maint_trace_rec_clear.
 */
bool smmum_maint_trace_rec_from_json(const char *line, SmmumMaintTraceRec *r,
                                     bool *is_maint, char **err);
void smmum_maint_trace_rec_clear(SmmumMaintTraceRec *r);
/* "name=severity|off,..." for every check (smmum_maint_checks_parse). */
char *smmum_maint_checks_spec(const SmmumMaintParams *p);

/* ---- the recorder ---- */

typedef struct SmmumMaintTrace SmmumMaintTrace;

/* A recorder writing into tr, starting with the "maint-header" of p. */
SmmumMaintTrace *smmum_maint_trace_new(SmmumTrace *tr,
                                       const SmmumMaintParams *p);
/*
 * Interpose on the host the checker will get (read, now; record is
 * passed on): call it before smmum_maint_new.
 */
void smmum_maint_trace_wrap_host(SmmumMaintTrace *mt, SmmumMaintHost *h);
/*
 * The checker the recorder forwards to; *obs holds its hooks
 * (smmum_maint_observer) and is replaced by recording ones.
 */
void smmum_maint_trace_attach(SmmumMaintTrace *mt, SmmumMaint *m,
                              SmmumTlbObserver *obs);
/* smmum_maint_finish and a "maint-exit" record; idempotent. */
void smmum_maint_trace_finish(SmmumMaintTrace *mt);
/* Writes what is kept back; the SmmumTrace stays the caller's. */
void smmum_maint_trace_free(SmmumMaintTrace *mt);

/* ---- the replay ---- */

typedef struct SmmumMaintReplay SmmumMaintReplay;
/* A finding, made while the record at index idx was being replayed. */
typedef void (*SmmumMaintReplayFinding)(void *opaque,
                                        const SmmumMaintRecord *r,
                                        size_t idx);

/*
 * The end of the run was replayed (maint-exit): the device writes these
 * counters as the report's "maint-summary" record then.
 */
typedef void (*SmmumMaintReplaySummary)(void *opaque,
                                        const SmmumMaintCounters *c,
                                        size_t idx);

/*
 * A replay whose checker reads guest memory from mem (the tear replay's,
 * smmum_replay_mem); the checker is made at the "maint-header" record.
 */
SmmumMaintReplay *smmum_maint_replay_new(SmmumTraceMem *mem,
                                         SmmumMaintReplayFinding cb,
                                         void *opaque);
/* Optional: told at the maint-exit record (opaque: smmum_maint_replay_new's) */
void smmum_maint_replay_set_summary(SmmumMaintReplay *mr,
                                    SmmumMaintReplaySummary fn);
/*
 * Feed one line the tear replay does not know (f->extra): maint-*
 * records are replayed, other kinds skipped.  false with *err (g_free
 * it) when the line is a malformed maint record, or one that needs the
 * header before it.
 */
bool smmum_maint_replay_line(SmmumMaintReplay *mr, const char *line,
                             size_t idx, char **err);
/* Feed one decoded record. */
bool smmum_maint_replay_feed(SmmumMaintReplay *mr,
                             const SmmumMaintTraceRec *r, size_t idx,
                             char **err);
/* The checker (NULL before the maint-header). */
SmmumMaint *smmum_maint_replay_checker(SmmumMaintReplay *mr);
/*
 * How many answers of the replayed checker differ from the device's
 * (tlb_hit): 0 unless the checker's code changed since the recording.
 */
uint64_t smmum_maint_replay_diverged(SmmumMaintReplay *mr);
/* maint-* records fed so far. */
uint64_t smmum_maint_replay_fed(SmmumMaintReplay *mr);
void smmum_maint_replay_free(SmmumMaintReplay *mr);

/*
 * Replay a whole trace through both checkers: tear findings to tcb,
 * maintenance findings to mcb and the summary to scb (optional), in the
 * order the device wrote them.  false with *err on a malformed maint
 * record.
 */
bool smmum_maint_replay_file(const SmmumTraceFile *f, SmmumReplayFinding tcb,
                             SmmumMaintReplayFinding mcb,
                             SmmumMaintReplaySummary scb, void *opaque,
                             char **err);

#endif
