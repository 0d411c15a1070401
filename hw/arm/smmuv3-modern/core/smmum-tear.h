/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the tear checker.
 *
 * Watches every STE, CD, L1STD and L1CD the SMMU may reach and reports
 * every state the SMMU could legally have observed (IHI 0070 3.21.3: any
 * reachable entry, any 64-bit granule, any time, cached until a covering
 * CMD_CFGI_* and a later CMD_SYNC) whose meaning is neither the old nor
 * the new entry's.  See DESIGN.md section 4 for the model.
 *
 * Feeders: the functional model calls the SmmumObserver hooks (CFGI
 * consumption, SYNC completion, fetches, served transactions, ...); in
 * `store` mode the host also reports every guest store to watched memory
 * through smmum_tear_store().  Findings are delivered as records to a
 * callback; smmum_tear_record_to_json() turns one into a JSON Lines
 * object (schema: docs/tear-report-schema.md).
 */
#ifndef SMMUM_TEAR_H
#define SMMUM_TEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmum-meaning.h"
#include "smmum-observer.h"

#define SMMUM_TEAR_SCHEMA_VERSION 2     /* 2: maintenance records */

typedef enum SmmumTearMode {
    SMMUM_TEAR_OFF = 0,
    SMMUM_TEAR_SYNC,            /* sample at CFGI, SYNC and fetches */
    SMMUM_TEAR_STORE,           /* plus every guest store to tables */
} SmmumTearMode;

typedef enum SmmumTearViewKind {
    SMMUM_TEAR_VIEW_STE = 0,
    SMMUM_TEAR_VIEW_CD,
    SMMUM_TEAR_VIEW_L1STD,
    SMMUM_TEAR_VIEW_L1CD,
    SMMUM_TEAR_VIEW__MAX,
} SmmumTearViewKind;

/* Tear classes, in rank order (first match wins). */
typedef enum SmmumTearClass {
    SMMUM_TEAR_CLASS_BYPASS = 0,
    SMMUM_TEAR_CLASS_TRANSLATE,
    SMMUM_TEAR_CLASS_ATS,
    SMMUM_TEAR_CLASS_ABORT,
    SMMUM_TEAR_CLASS_PERMISSION,
    SMMUM_TEAR_CLASS_ATTR,
    SMMUM_TEAR_CLASS_ILLEGAL_MIX,   /* blocks DMA like an end: info */
    SMMUM_TEAR_CLASS__MAX,
} SmmumTearClass;

typedef enum SmmumTearSeverity {
    SMMUM_TEAR_SEV_INFO = 0,
    SMMUM_TEAR_SEV_MINOR,
    SMMUM_TEAR_SEV_MAJOR,
    SMMUM_TEAR_SEV_CRITICAL,
    SMMUM_TEAR_SEV__MAX,
} SmmumTearSeverity;

typedef enum SmmumTearRecType {
    SMMUM_TEAR_REC_TEAR = 0,        /* an illegal observable state */
    SMMUM_TEAR_REC_TRANSITION,      /* hitless or breaking */
    SMMUM_TEAR_REC_TRANSIENT_BYPASS,
    SMMUM_TEAR_REC_MISSING_INVAL,
    SMMUM_TEAR_REC_L1_PUBLISH,      /* new L1STD/L1CD, no invalidation */
    SMMUM_TEAR_REC_RACING_STORE,    /* store between CFGI and its SYNC */
    SMMUM_TEAR_REC_UNOBSERVED,      /* memory changed behind the feeder */
    SMMUM_TEAR_REC_UNTERMINATED,    /* window open at reset or exit */
    SMMUM_TEAR_REC_APPROXIMATE,     /* enumeration cap hit, no tear seen */
    SMMUM_TEAR_REC_GLOBAL_BYPASS,   /* DMA let through with SMMUEN=0 */
    SMMUM_TEAR_REC__MAX,
} SmmumTearRecType;

/* One guest store, as evidence. */
typedef struct SmmumTearStore {
    bool valid;
    uint8_t size;
    uint64_t pa;
    uint64_t data;
    uint64_t pc;
    int cpu;
    uint64_t vcnt;              /* guest virtual counter */
    uint64_t seq;               /* checker event sequence number */
} SmmumTearStore;

/* A command the checker saw (CFGI or SYNC). */
typedef struct SmmumTearCmd {
    uint8_t op;                 /* command opcode (0x03..0x06, 0x46) */
    uint8_t range;
    bool leaf;
    uint32_t sid;
    uint32_t ssid;
    uint64_t seq;
    uint64_t vcnt;
} SmmumTearCmd;

#define SMMUM_TEAR_MAX_CMDS 4

typedef struct SmmumTearRecord {
    SmmumTearRecType type;
    SmmumTearClass cls;         /* tears only */
    SmmumTearSeverity sev;
    SmmumTearMode mode;
    SmmumTearViewKind view;
    uint32_t sid;
    uint32_t ssid;              /* CD; L1 index for L1STD / L1CD */
    uint64_t addr;              /* address of the entry */
    uint64_t window;            /* windows this view closed before */
    unsigned nwords;            /* 8, or 1 for L1 descriptors */
    uint64_t a[8];              /* image at the window's start */
    uint64_t b[8];              /* image at its end */
    uint64_t state[8];          /* offending state / intermediate image */
    SmmumCdCtx ctx;             /* CD judged under this STE context */
    SmmumTearStore store;       /* first offending store (valid=false */
                                /* in sync mode: stores are not seen) */
    unsigned ncmds;
    SmmumTearCmd cmds[SMMUM_TEAR_MAX_CMDS];
    uint64_t exposure;          /* transactions served meanwhile */
    SmmumIdRegs idr;            /* judged under these ID registers */
    bool approximate;           /* enumeration cap was hit */
    const char *reason;         /* static string or NULL: what ended a */
                                /* missing invalidation ("txn", "change", */
                                /* "unreachable", "exit") or a window */
                                /* ("reset", "exit") */
    bool hitless;               /* transitions */
    unsigned sync_count;        /* transitions */
} SmmumTearRecord;

typedef struct SmmumTearCounters {
    uint64_t tears[SMMUM_TEAR_CLASS__MAX];
    uint64_t by_severity[SMMUM_TEAR_SEV__MAX];   /* every record */
    uint64_t records[SMMUM_TEAR_REC__MAX];
    uint64_t hitless;
    uint64_t breaking;
    uint64_t windows;           /* windows closed */
    uint64_t states;            /* observable states judged */
    uint64_t approximate;       /* windows judged approximately */
    uint64_t views;             /* views alive now */
} SmmumTearCounters;

/* The registers the checker needs (reachability, ID registers). */
typedef struct SmmumTearRegs {
    SmmumIdRegs idr;
    bool smmuen;                /* CR0ACK.SMMUEN */
    uint64_t strtab_base;
    uint32_t strtab_base_cfg;
} SmmumTearRegs;

typedef struct SmmumTearHost {
    void *opaque;
    /* Read guest memory as the SMMU would; false on abort.  Optional. */
    bool (*read)(void *opaque, uint64_t pa, void *buf, size_t len);
    /* Current registers (called at tables_changed and reset). Optional. */
    void (*get_regs)(void *opaque, SmmumTearRegs *regs);
    /* Guest virtual counter now (sync-mode evidence, gaps).  Optional. */
    uint64_t (*now)(void *opaque);
    /* A finding. Optional. */
    void (*record)(void *opaque, const SmmumTearRecord *rec);
} SmmumTearHost;

typedef struct SmmumTearParams {
    SmmumTearMode mode;
    unsigned state_cap;         /* states per verdict; 0: default 4096 */
    unsigned value_cap;         /* values per granule; 0: default 32 */
    uint64_t gap_ticks;         /* idle virtual time ending a transition; */
                                /* 0: only txn / prefetch / exit end one */
} SmmumTearParams;

typedef struct SmmumTear SmmumTear;

SmmumTear *smmum_tear_new(const SmmumTearParams *p, const SmmumTearHost *h);
void smmum_tear_free(SmmumTear *t);
SmmumTearMode smmum_tear_mode(SmmumTear *t);
/* Fill *o with hooks whose opaque is t, for the functional model. */
void smmum_tear_observer(SmmumTear *t, SmmumObserver *o);
/* Set the registers directly (instead of, or as well as, get_regs). */
void smmum_tear_set_regs(SmmumTear *t, const SmmumTearRegs *regs);

/*
 * Store feed: one guest store of size 1..8 bytes (any alignment) of data
 * (little-endian, low size bytes) at pa, by vCPU cpu_index at guest PC
 * pc and virtual counter vcnt.  Call it BEFORE the store reaches memory.
 * A 16-byte store arrives as two 8-byte calls; DC ZVA as 8-byte calls.
 */
void smmum_tear_store(SmmumTear *t, uint64_t pa, unsigned size,
                      uint64_t data, uint64_t pc, int cpu_index,
                      uint64_t vcnt);

/*
 * The host let a transaction through untranslated because SMMUEN=0 and
 * GBPA.ABORT=0.  Reported (once per such period, with the count as
 * exposure) when SMMUEN becomes 1, at reset and at exit.
 */
void smmum_tear_note_global_bypass(SmmumTear *t, uint32_t sid);

/* Is pa inside something the checker watches (tables, live views)? */
bool smmum_tear_watched(SmmumTear *t, uint64_t pa);
/* Bumped whenever the watched ranges change. */
uint64_t smmum_tear_watch_generation(SmmumTear *t);
/* Call fn for each watched range (ranges may overlap). */
void smmum_tear_foreach_watch(SmmumTear *t,
                              void (*fn)(void *opaque, uint64_t pa,
                                         uint64_t len),
                              void *opaque);

/*
 * End of the run (exit): unterminated windows, missing invalidations still
 * open, transitions.  Idempotent.
 */
void smmum_tear_finish(SmmumTear *t);
/*
 * Outgoing migration: report windows open now as unterminated and forget
 * every view (the destination's checker starts clean).
 */
void smmum_tear_migrate(SmmumTear *t);

/* The registers the checker needs, from the core's state. */
struct SmmumCore;
void smmum_tear_regs_from_core(const struct SmmumCore *s,
                               SmmumTearRegs *regs);

void smmum_tear_get_counters(SmmumTear *t, SmmumTearCounters *c);

/* One view's window as inspection shows it (smmum-inspect.c). */
typedef struct SmmumTearViewInfo {
    SmmumTearViewKind kind;
    uint32_t sid;
    uint32_t idx;               /* SSID (CD) or L1 index (L1STD, L1CD) */
    uint64_t addr;
    unsigned nwords;            /* 8, or 1 for L1 descriptors */
    bool reachable;
    bool pending;               /* covering CFGI consumed, SYNC not done */
    bool transition;            /* a committed transition is running */
    bool missing_inval;         /* a change awaits its CFGI + SYNC */
    uint64_t window;            /* windows this view closed so far */
    unsigned values;            /* most values one granule held so far */
    uint64_t txns;              /* transactions served in this window */
    uint64_t a[8];              /* image at the window's start */
    uint64_t cur[8];            /* last recorded image */
} SmmumTearViewInfo;

/* Call fn for every live view, in no particular order. */
void smmum_tear_foreach_view(SmmumTear *t,
                             void (*fn)(void *opaque,
                                        const SmmumTearViewInfo *vi),
                             void *opaque);

const char *smmum_tear_class_name(SmmumTearClass c);
const char *smmum_tear_severity_name(SmmumTearSeverity s);
const char *smmum_tear_rec_type_name(SmmumTearRecType r);
const char *smmum_tear_view_name(SmmumTearViewKind k);
const char *smmum_tear_mode_name(SmmumTearMode m);
bool smmum_tear_mode_parse(const char *s, SmmumTearMode *m);
bool smmum_tear_severity_parse(const char *s, SmmumTearSeverity *sev);

/* One record as a JSON object on one line (no newline); g_free it. */
char *smmum_tear_record_to_json(const SmmumTearRecord *r);
/* One record as one line of plain words (no newline); g_free it. */
char *smmum_tear_record_describe(const SmmumTearRecord *r);
/* A one-screen summary table of the counters (g_free it). */
char *smmum_tear_summary(const SmmumTearCounters *c);

#endif
