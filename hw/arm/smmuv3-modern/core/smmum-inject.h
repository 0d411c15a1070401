/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: fault injection for driver developers.
 *
 * A host (the QEMU glue's inject-* properties, a unit test) arms
 * injections with a small text spec; the core calls the hooks below at
 * the points where it fetches structures, walks tables, consumes
 * commands, records events and sends MSIs, and an armed injection makes
 * that step fail the way the architecture says such a failure looks:
 *
 *   fetch          F_STE_FETCH / F_CD_FETCH / F_WALK_EABT (external abort)
 *   cerror         CMDQ_CONS.ERR = CERROR_ILL or CERROR_ABT, GERROR.CMDQ_ERR
 *   sync           a CMD_SYNC completes late (register accesses, virtual
 *                  time) or never
 *   evtq-overflow  an event record is lost as if the queue were full
 *   msi-abort      an MSI write aborts: GERROR.MSI_*_ABT_ERR
 *   sfm            service failure mode: GERROR.SFM_ERR, every transaction
 *                  terminated, no queue accessed
 *
 * Spec syntax: MODE[:KEY=VALUE]..., or "off" / "" to disarm.  Every spec
 * takes every=N (fire on every Nth matching step, default 1), count=N
 * (fire at most N times, default 0 = no limit) and nth=N (every=N,
 * count=1).  Injection state is not architectural: never migrated.
 */
#ifndef SMMUM_INJECT_H
#define SMMUM_INJECT_H

#include "smmum-core.h"

typedef enum SmmumInjWhat {
    SMMUM_INJ_FETCH,            /* l1std+ste+l1cd+cd+walk[:sid=N] */
    SMMUM_INJ_CERROR,           /* ill|abt[:op=N] */
    SMMUM_INJ_SYNC,             /* never | late[:accesses=N][:ns=N] */
    SMMUM_INJ_EVTQ_OVERFLOW,    /* on[:type=N] */
    SMMUM_INJ_MSI_ABORT,        /* gerror+evtq+cmdq */
    SMMUM_INJ__MAX,
} SmmumInjWhat;

/* What SmmumInjectHost.fired names service failure mode by. */
#define SMMUM_INJ_SFM           SMMUM_INJ__MAX

/* SmmumInjSpec.mask bits of inject-fetch (SmmumFetchKind, plus walks). */
#define SMMUM_INJ_FETCH_WALK    4
/* SmmumInjSpec.mask bits of inject-msi-abort are SmmumIrq lines. */

/* What a hook returns when a CMD_SYNC is held (smmum_inject_command). */
#define SMMUM_INJ_HOLD          0x100

typedef struct SmmumInjTrigger {
    uint32_t every;             /* fire on every Nth match, >= 1 */
    uint32_t count;             /* fire at most this often; 0: no limit */
    uint64_t matches;           /* matching steps seen since armed */
    uint64_t fired;             /* injections made since armed */
} SmmumInjTrigger;

typedef struct SmmumInjSpec {
    bool armed;
    char *text;                 /* as set, for the property getter */
    SmmumInjTrigger trig;
    uint32_t mask;              /* fetch kinds / MSI lines */
    int64_t sid;                /* fetch: only this StreamID; -1 any */
    int opcode;                 /* cerror: only this opcode; -1 any */
    unsigned err;               /* cerror: SMMUM_CERROR_ILL / _ABT */
    bool never;                 /* sync: never completes */
    uint32_t accesses;          /* sync: completes at the Nth access */
    uint64_t ns;                /* sync: completes after ns virtual time */
    int evt_type;               /* evtq-overflow: only this type; -1 any */
} SmmumInjSpec;

typedef struct SmmumInjectHost {
    void *opaque;
    /*
     * Optional: call smmum_inject_timer_expired() once ns of virtual
     * time have passed (ns = 0: cancel).  Without it ns= never expires.
     */
    void (*timer)(void *opaque, uint64_t ns);
    /* Optional: an injection fired (for tracing). */
    void (*fired)(void *opaque, SmmumInjWhat what, const char *detail);
} SmmumInjectHost;

struct SmmumInject {
    SmmumInjectHost host;
    SmmumCore *core;            /* attached core, or NULL */
    bool active;                /* something armed or held: hooks work */
    SmmumInjSpec spec[SMMUM_INJ__MAX];
    bool sfm;                   /* in service failure mode */
    bool sync_held;             /* the CMD_SYNC at held_cons is held */
    bool sync_release;          /* ... and may now complete */
    uint32_t held_cons;
    uint32_t accesses_left;
    uint32_t cur_sid;           /* StreamID being translated */
    uint64_t fired;             /* injections made, all kinds */
};

/* Host side. */
SmmumInject *smmum_inject_new(const SmmumInjectHost *host);
void smmum_inject_free(SmmumInject *inj);
/*
 * Connect to a core (after smmum_core_init; NULL detaches).  Armed
 * injections take effect from now on; sfm is entered if set.
 */
void smmum_inject_attach(SmmumInject *inj, SmmumCore *s);
/* The property name of an injection ("inject-fetch", ...). */
const char *smmum_inject_name(SmmumInjWhat what);
/*
 * Arm (or with "off" / "" / NULL disarm) an injection; counters restart.
 * Returns NULL, or an error message naming the property (g_free it) and
 * leaves the previous setting.  Setting inject-sync releases a held
 * CMD_SYNC; setting inject-fetch drops the core's caches, so the next
 * transaction fetches.
 */
char *smmum_inject_set(SmmumInject *inj, SmmumInjWhat what,
                       const char *text);
/* The spec as set, or "off". */
const char *smmum_inject_get(const SmmumInject *inj, SmmumInjWhat what);
/* Enter (GERROR.SFM_ERR) or leave service failure mode. */
void smmum_inject_set_sfm(SmmumInject *inj, bool on);
uint64_t smmum_inject_fired(const SmmumInject *inj);
/* The host's timer for a held CMD_SYNC expired. */
void smmum_inject_timer_expired(SmmumInject *inj);

/* Core side: the hooks, cheap when nothing is armed. */
static inline bool smmum_inject_active(const SmmumCore *s)
{
    return s->inject && s->inject->active;
}

bool smmum_inject_txn_slow(SmmumCore *s, const SmmumTxn *txn);
bool smmum_inject_fetch_slow(SmmumCore *s, unsigned kind, uint32_t sid);
bool smmum_inject_cmdq_stopped_slow(SmmumCore *s);
unsigned smmum_inject_command_slow(SmmumCore *s, const uint64_t c[2]);
bool smmum_inject_evtq_overflow_slow(SmmumCore *s, const SmmumEvent *ev);
bool smmum_inject_msi_abort_slow(SmmumCore *s, SmmumIrq line);
void smmum_inject_mmio_slow(SmmumCore *s);
void smmum_inject_reset(SmmumCore *s);

/* A transaction arrives; true: terminate it silently (service failure). */
static inline bool smmum_inject_txn(SmmumCore *s, const SmmumTxn *txn)
{
    return smmum_inject_active(s) && smmum_inject_txn_slow(s, txn);
}

/* A structure fetch (SmmumFetchKind) for sid is due; true: it aborts. */
static inline bool smmum_inject_fetch(SmmumCore *s, SmmumFetchKind kind,
                                      uint32_t sid)
{
    return smmum_inject_active(s) && smmum_inject_fetch_slow(s, kind, sid);
}

/* A translation table read of the current transaction; true: aborts. */
static inline bool smmum_inject_walk(SmmumCore *s)
{
    return smmum_inject_active(s) &&
           smmum_inject_fetch_slow(s, SMMUM_INJ_FETCH_WALK,
                                   s->inject->cur_sid);
}

/* True: the command queue is not read now (held CMD_SYNC, SFM). */
static inline bool smmum_inject_cmdq_stopped(SmmumCore *s)
{
    return smmum_inject_active(s) && smmum_inject_cmdq_stopped_slow(s);
}

/*
 * The command c at CMDQ_CONS is about to execute: 0 to run it, a
 * CMDQ_CONS.ERR code to fail it, SMMUM_INJ_HOLD to leave it unconsumed.
 */
static inline unsigned smmum_inject_command(SmmumCore *s, const uint64_t c[2])
{
    return smmum_inject_active(s) ? smmum_inject_command_slow(s, c) : 0;
}

/* True: the SMMU is in service failure mode (no queue is written). */
static inline bool smmum_inject_sfm(const SmmumCore *s)
{
    return smmum_inject_active(s) && s->inject->sfm;
}

/* An event is about to be written; true: lose it as on overflow. */
static inline bool smmum_inject_evtq_overflow(SmmumCore *s,
                                              const SmmumEvent *ev)
{
    return smmum_inject_active(s) && smmum_inject_evtq_overflow_slow(s, ev);
}

/* An MSI for line is about to be written; true: the write aborts. */
static inline bool smmum_inject_msi_abort(SmmumCore *s, SmmumIrq line)
{
    return smmum_inject_active(s) && smmum_inject_msi_abort_slow(s, line);
}

/* A register access begins (counts down inject-sync's accesses=). */
static inline void smmum_inject_mmio(SmmumCore *s)
{
    if (smmum_inject_active(s)) {
        smmum_inject_mmio_slow(s);
    }
}

#endif
