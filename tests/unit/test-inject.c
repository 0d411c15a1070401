/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: fault injection (smmum-inject.c).  Each injection is armed
 * on a whole core in fake memory and must give exactly the architected
 * response (event record and its fields, CMDQ_CONS.ERR, GERROR bits, lost
 * records, withheld completions), fire only where its spec says, and
 * leave the SMMU working once cleared.
 */
#include "core-helpers.h"
#include "smmum-inject.h"
#include "smmum-strtab.h"

#define CD_PA       0x500000ULL
#define TT_ROOT     0x600000ULL
#define VA          0x40000000ULL       /* level-1 index 1 */
#define L2_PA       0x700000ULL

typedef struct Ij {
    Fx f;
    SmmumInject *inj;
    uint64_t timer_ns;          /* last timer request */
    unsigned timer_calls;
    unsigned fired_calls;
    SmmumInjWhat last_what;
} Ij;

static void ij_timer(void *opaque, uint64_t ns)
{
    Ij *t = opaque;

    t->timer_ns = ns;
    t->timer_calls++;
}

static void ij_fired(void *opaque, SmmumInjWhat what, const char *detail)
{
    Ij *t = opaque;

    g_assert_nonnull(detail);
    t->fired_calls++;
    t->last_what = what;
}

/* A core with queues, a linear table of 64 STEs, SMMUEN=1, injection. */
static void ij_init(Ij *t)
{
    SmmumInjectHost host = {
        .opaque = t, .timer = ij_timer, .fired = ij_fired,
    };

    memset(t, 0, sizeof(*t));
    fx_init(&t->f);
    fx_queues(&t->f, 4, 4);
    fx_linear_strtab(&t->f, 6);
    fx_enable(&t->f);
    t->inj = smmum_inject_new(&host);
    smmum_inject_attach(t->inj, &t->f.core);
}

static void ij_destroy(Ij *t)
{
    smmum_inject_free(t->inj);
    fx_destroy(&t->f);
}

static void set(Ij *t, SmmumInjWhat w, const char *spec)
{
    g_autofree char *err = smmum_inject_set(t->inj, w, spec);

    g_assert_null(err);
}

static uint64_t ste_pa(uint32_t sid)
{
    return STRTAB_PA + sid * 64ULL;
}

/* Pop the oldest event record into ev[4]. */
static void pop_event(Ij *t, uint64_t ev[4])
{
    g_assert_cmpuint(evtq_count(&t->f), >, 0);
    for (unsigned i = 0; i < 4; i++) {
        ev[i] = evt_word(&t->f, 0, i);
    }
    wr32(&t->f, SMMUM_EVENTQ_CONS,
         (rd32(&t->f, SMMUM_EVENTQ_CONS) + 1) & 0x1f);
}

static unsigned cons_err(Ij *t)
{
    return (rd32(&t->f, SMMUM_CMDQ_CONS) >> SMMUM_CMDQ_CONS_ERR) & 0x7f;
}

static uint32_t cons_idx(Ij *t)
{
    return rd32(&t->f, SMMUM_CMDQ_CONS) & 0x1f;
}

static void test_parse(void)
{
    static const struct {
        SmmumInjWhat w;
        const char *spec;
    } bad[] = {
        { SMMUM_INJ_FETCH, "stee" },
        { SMMUM_INJ_FETCH, "ste+" },
        { SMMUM_INJ_FETCH, "ste:sid" },
        { SMMUM_INJ_FETCH, "ste:sid=-1" },
        { SMMUM_INJ_FETCH, "ste:sid=0x100000000" },
        { SMMUM_INJ_FETCH, "ste:op=3" },
        { SMMUM_INJ_FETCH, "walk:every=0" },
        { SMMUM_INJ_FETCH, "cd:every=1x" },
        { SMMUM_INJ_CERROR, "atc" },
        { SMMUM_INJ_CERROR, "ill:op=0x100" },
        { SMMUM_INJ_SYNC, "late" },
        { SMMUM_INJ_SYNC, "never:accesses=3" },
        { SMMUM_INJ_SYNC, "late:accesses=0" },
        { SMMUM_INJ_EVTQ_OVERFLOW, "yes" },
        { SMMUM_INJ_EVTQ_OVERFLOW, "on:type=256" },
        { SMMUM_INJ_MSI_ABORT, "priq" },
    };
    SmmumInject *inj = smmum_inject_new(NULL);

    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *err = smmum_inject_set(inj, bad[i].w, bad[i].spec);

        g_assert_nonnull(err);
        /* The message names the property. */
        g_assert_true(g_str_has_prefix(err, smmum_inject_name(bad[i].w)));
        g_assert_cmpstr(smmum_inject_get(inj, bad[i].w), ==, "off");
    }
    g_assert_null(smmum_inject_set(inj, SMMUM_INJ_FETCH,
                                   "ste+cd+l1std+l1cd+walk:sid=7:every=3"));
    g_assert_cmpstr(smmum_inject_get(inj, SMMUM_INJ_FETCH), ==,
                    "ste+cd+l1std+l1cd+walk:sid=7:every=3");
    g_assert_true(inj->spec[SMMUM_INJ_FETCH].armed);
    g_assert_cmphex(inj->spec[SMMUM_INJ_FETCH].mask, ==, 0x1f);
    g_assert_cmpint(inj->spec[SMMUM_INJ_FETCH].sid, ==, 7);
    g_assert_cmpuint(inj->spec[SMMUM_INJ_FETCH].trig.every, ==, 3);
    /* A bad spec leaves the previous one armed. */
    g_free(smmum_inject_set(inj, SMMUM_INJ_FETCH, "bogus"));
    g_assert_cmpint(inj->spec[SMMUM_INJ_FETCH].sid, ==, 7);
    g_assert_null(smmum_inject_set(inj, SMMUM_INJ_CERROR, "abt:op=0x46:nth=2"));
    g_assert_cmpuint(inj->spec[SMMUM_INJ_CERROR].err, ==, SMMUM_CERROR_ABT);
    g_assert_cmpint(inj->spec[SMMUM_INJ_CERROR].opcode, ==, 0x46);
    g_assert_cmpuint(inj->spec[SMMUM_INJ_CERROR].trig.every, ==, 2);
    g_assert_cmpuint(inj->spec[SMMUM_INJ_CERROR].trig.count, ==, 1);
    g_assert_null(smmum_inject_set(inj, SMMUM_INJ_SYNC,
                                   "late:accesses=4:ns=1000"));
    g_assert_cmpuint(inj->spec[SMMUM_INJ_SYNC].accesses, ==, 4);
    g_assert_cmpuint(inj->spec[SMMUM_INJ_SYNC].ns, ==, 1000);
    g_assert_null(smmum_inject_set(inj, SMMUM_INJ_MSI_ABORT, "evtq+gerror"));
    g_assert_cmphex(inj->spec[SMMUM_INJ_MSI_ABORT].mask, ==,
                    (1u << SMMUM_IRQ_EVTQ) | (1u << SMMUM_IRQ_GERROR));
    for (int w = 0; w < SMMUM_INJ__MAX; w++) {
        g_assert_null(smmum_inject_set(inj, w, "off"));
        g_assert_cmpstr(smmum_inject_get(inj, w), ==, "off");
    }
    g_assert_false(inj->active);
    g_assert_null(smmum_inject_set(inj, SMMUM_INJ_EVTQ_OVERFLOW, "on"));
    g_assert_true(inj->active);
    g_assert_null(smmum_inject_set(inj, SMMUM_INJ_EVTQ_OVERFLOW, ""));
    g_assert_false(inj->active);
    smmum_inject_free(inj);
}

/* STE fetch aborts for one StreamID: F_STE_FETCH with the STE's address. */
static void test_fetch_ste(void)
{
    uint64_t ev[4];
    Ij t;

    ij_init(&t);
    put_ste(&t.f, ste_pa(1), SMMUM_STE_CFG_BYPASS, true);
    put_ste(&t.f, ste_pa(2), SMMUM_STE_CFG_BYPASS, true);
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_OK);
    /* Arming drops the cached STE: the next transaction fetches. */
    set(&t, SMMUM_INJ_FETCH, "ste:sid=1");
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&t.f), ==, 1);
    pop_event(&t, ev);
    g_assert_cmphex(EV_TYPE(ev[0]), ==, SMMUM_EVT_F_STE_FETCH);
    g_assert_cmpuint(EV_SID(ev[0]), ==, 1);
    g_assert_cmphex(ev[2], ==, 0x12345678);
    g_assert_cmphex(ev[3], ==, ste_pa(1));
    /* Failed fetches are not cached: every transaction fails again. */
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&t.f), ==, 1);
    pop_event(&t, ev);
    /* Other StreamIDs are untouched. */
    g_assert_cmpint(xlate(&t.f, 2, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpuint(evtq_count(&t.f), ==, 0);
    g_assert_cmpuint(smmum_inject_fired(t.inj), ==, 2);
    g_assert_cmpuint(t.fired_calls, ==, 2);
    g_assert_cmpint(t.last_what, ==, SMMUM_INJ_FETCH);
    /* Cleared: the STE is fetched and used. */
    set(&t, SMMUM_INJ_FETCH, "off");
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpuint(evtq_count(&t.f), ==, 0);
    g_assert_cmphex(gerror_active(&t.f), ==, 0);
    ij_destroy(&t);
}

/* every=N and count=N: which fetches fail. */
static void test_fetch_every(void)
{
    Ij t;

    ij_init(&t);
    for (uint32_t sid = 0; sid < 8; sid++) {
        put_ste(&t.f, ste_pa(sid), SMMUM_STE_CFG_BYPASS, true);
    }
    set(&t, SMMUM_INJ_FETCH, "ste:every=3:count=2");
    /* One STE fetch per new StreamID: the 3rd and 6th fail, no more. */
    for (uint32_t sid = 0; sid < 8; sid++) {
        bool fail = sid == 2 || sid == 5;

        g_assert_cmpint(xlate(&t.f, sid, false), ==,
                        fail ? SMMUM_XLATE_ABORT : SMMUM_XLATE_OK);
    }
    g_assert_cmpuint(evtq_count(&t.f), ==, 2);
    g_assert_cmpuint(EV_SID(evt_word(&t.f, 0, 0)), ==, 2);
    g_assert_cmpuint(EV_SID(evt_word(&t.f, 1, 0)), ==, 5);
    /* Count exhausted: the StreamIDs that failed now work. */
    g_assert_cmpint(xlate(&t.f, 2, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpint(xlate(&t.f, 5, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpuint(smmum_inject_fired(t.inj), ==, 2);
    ij_destroy(&t);
}

/* 2-level stream table: the L1STD read aborts (F_STE_FETCH, its address). */
static void test_fetch_l1std(void)
{
    uint64_t ev[4];
    Ij t;

    ij_init(&t);
    wr32(&t.f, SMMUM_CR0, rd32(&t.f, SMMUM_CR0) & ~SMMUM_CR0_SMMUEN);
    /* FMT=2-level, SPLIT=6, LOG2SIZE=8: 4 L1STDs of 64 STEs. */
    wr32(&t.f, SMMUM_STRTAB_BASE_CFG, (1u << 16) | (6u << 6) | 8);
    fake_write64(&t.f.mem, STRTAB_PA + 8, L2_PA | 7);     /* Span 7 */
    put_ste(&t.f, L2_PA + 3 * 64, SMMUM_STE_CFG_BYPASS, true);
    fx_enable(&t.f);
    set(&t, SMMUM_INJ_FETCH, "l1std:count=1");
    g_assert_cmpint(xlate(&t.f, 64 + 3, false), ==, SMMUM_XLATE_ABORT);
    pop_event(&t, ev);
    g_assert_cmphex(EV_TYPE(ev[0]), ==, SMMUM_EVT_F_STE_FETCH);
    g_assert_cmpuint(EV_SID(ev[0]), ==, 67);
    g_assert_cmphex(ev[3], ==, STRTAB_PA + 8);
    g_assert_cmpint(xlate(&t.f, 64 + 3, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpuint(evtq_count(&t.f), ==, 0);
    ij_destroy(&t);
}

/* SID 1: stage 1 through one CD whose TTB0 is TT_ROOT (39-bit VA). */
static void s1_stream(Ij *t)
{
    uint64_t w[8] = { 0 }, cd0 = 0;

    smmum_ste_set_field(w, SMMUM_STE_V, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_S1);
    smmum_ste_set_field(w, SMMUM_STE_S1CTXPTR, 50, CD_PA >> 6);
    for (unsigned i = 0; i < 8; i++) {
        fake_write64(&t->f.mem, ste_pa(1) + i * 8, w[i]);
    }
    cd0 = SMMUM_DEP(cd0, 0, 6, 25);         /* T0SZ */
    cd0 = SMMUM_DEP(cd0, 30, 1, 1);         /* EPD1 */
    cd0 = SMMUM_DEP(cd0, 31, 1, 1);         /* V */
    cd0 = SMMUM_DEP(cd0, 32, 3, 2);         /* IPS 40 bits */
    cd0 = SMMUM_DEP(cd0, 41, 1, 1);         /* AA64 */
    cd0 = SMMUM_DEP(cd0, 45, 1, 1);         /* R */
    cd0 = SMMUM_DEP(cd0, 46, 1, 1);         /* A */
    cd0 = SMMUM_DEP(cd0, 48, 16, 5);        /* ASID */
    fake_write64(&t->f.mem, CD_PA, cd0);
    fake_write64(&t->f.mem, CD_PA + 8, TT_ROOT);
    for (unsigned i = 2; i < 8; i++) {
        fake_write64(&t->f.mem, CD_PA + i * 8, 0);
    }
    /* Level 1 entry 1: a 1 GiB block at 0x80000000, AF, EL0 RW. */
    fake_write64(&t->f.mem, TT_ROOT + 8,
                 0x80000000ULL | 1 | (1ULL << 10) | (1ULL << 6));
}

static SmmumXlate s1_txn(Ij *t)
{
    SmmumTxn txn = { .sid = 1, .addr = VA + 0x123 };
    SmmumXlate x;

    smmum_translate(&t->f.core, &txn, &x);
    return x;
}

/* CD fetch aborts: F_CD_FETCH with the CD's address. */
static void test_fetch_cd(void)
{
    uint64_t ev[4];
    Ij t;

    ij_init(&t);
    s1_stream(&t);
    set(&t, SMMUM_INJ_FETCH, "cd:sid=1:count=1");
    g_assert_cmpint(s1_txn(&t).status, ==, SMMUM_XLATE_ABORT);
    pop_event(&t, ev);
    g_assert_cmphex(EV_TYPE(ev[0]), ==, SMMUM_EVT_F_CD_FETCH);
    g_assert_cmpuint(EV_SID(ev[0]), ==, 1);
    g_assert_cmphex(ev[3], ==, CD_PA);
    g_assert_cmphex(s1_txn(&t).pa, ==, 0x80000123ULL);
    g_assert_cmpuint(evtq_count(&t.f), ==, 0);
    ij_destroy(&t);
}

/* Table walk aborts: F_WALK_EABT at stage 1 with the descriptor's PA. */
static void test_fetch_walk(void)
{
    uint64_t ev[4];
    SmmumXlate x;
    Ij t;

    ij_init(&t);
    s1_stream(&t);
    set(&t, SMMUM_INJ_FETCH, "walk:sid=1");
    x = s1_txn(&t);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_ABORT);
    pop_event(&t, ev);
    g_assert_cmphex(EV_TYPE(ev[0]), ==, SMMUM_EVT_F_WALK_EABT);
    g_assert_cmpuint(EV_SID(ev[0]), ==, 1);
    /* A stage-1 descriptor read: S2=0, CLASS=IN (as the walker says). */
    g_assert_cmpuint(EV_S2(ev[1]), ==, 0);
    g_assert_cmpuint(EV_CLASS(ev[1]), ==, 2);
    g_assert_cmphex(ev[2], ==, VA + 0x123);
    g_assert_cmphex(ev[3], ==, TT_ROOT + 8);
    /* The walk is retried (nothing cached) and fails again. */
    g_assert_cmpint(s1_txn(&t).status, ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&t.f), ==, 1);
    pop_event(&t, ev);
    /* Only this StreamID's walks: SID 2 with a bypass STE works. */
    put_ste(&t.f, ste_pa(2), SMMUM_STE_CFG_BYPASS, true);
    g_assert_cmpint(xlate(&t.f, 2, false), ==, SMMUM_XLATE_OK);
    set(&t, SMMUM_INJ_FETCH, "off");
    x = s1_txn(&t);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, 0x80000123ULL);
    g_assert_cmpuint(evtq_count(&t.f), ==, 0);
    ij_destroy(&t);
}

/* CERROR on the 2nd CMD_SYNC: ILL, CONS on it, GERROR.CMDQ_ERR; retry. */
static void test_cerror(void)
{
    unsigned syncs;
    Ij t;

    ij_init(&t);
    set(&t, SMMUM_INJ_CERROR, "ill:op=0x46:nth=2");
    fx_cmd(&t.f, SMMUM_CMD_CFGI_STE | (1ULL << 32), 1);
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(cons_idx(&t), ==, 2);
    g_assert_cmpuint(cons_err(&t), ==, 0);
    syncs = t.f.obs.sync;
    fx_cmd(&t.f, SMMUM_CMD_CFGI_STE | (2ULL << 32), 1);
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    fx_cmd(&t.f, SMMUM_CMD_CFGI_STE | (3ULL << 32), 1);
    /* The CFGI before it was consumed, the SYNC stopped the queue. */
    g_assert_cmpuint(cons_idx(&t), ==, 3);
    g_assert_cmpuint(cons_err(&t), ==, SMMUM_CERROR_ILL);
    g_assert_cmphex(gerror_active(&t.f), ==, SMMUM_GERROR_CMDQ_ERR);
    g_assert_cmpuint(t.f.obs.sync, ==, syncs);
    g_assert_cmpuint(t.f.obs.last_cfgi.sid, ==, 2);
    /* Acknowledged: the same SYNC is retried and completes (count=1). */
    wr32(&t.f, SMMUM_GERRORN, rd32(&t.f, SMMUM_GERROR));
    g_assert_cmphex(gerror_active(&t.f), ==, 0);
    g_assert_cmpuint(cons_idx(&t), ==, 5);
    g_assert_cmpuint(t.f.obs.sync, ==, syncs + 1);
    g_assert_cmpuint(t.f.obs.last_cfgi.sid, ==, 3);

    /* abt on any opcode: the very next command. */
    set(&t, SMMUM_INJ_CERROR, "abt:count=1");
    fx_cmd(&t.f, SMMUM_CMD_CFGI_STE | (4ULL << 32), 1);
    g_assert_cmpuint(cons_idx(&t), ==, 5);
    g_assert_cmpuint(cons_err(&t), ==, SMMUM_CERROR_ABT);
    g_assert_cmphex(gerror_active(&t.f), ==, SMMUM_GERROR_CMDQ_ERR);
    wr32(&t.f, SMMUM_GERRORN, rd32(&t.f, SMMUM_GERROR));
    g_assert_cmpuint(cons_idx(&t), ==, 6);
    g_assert_cmpuint(t.f.obs.last_cfgi.sid, ==, 4);
    ij_destroy(&t);
}

/* A SYNC completing at the 3rd register access after it was reached. */
static void test_sync_late_accesses(void)
{
    unsigned syncs;
    Ij t;

    ij_init(&t);
    set(&t, SMMUM_INJ_SYNC, "late:accesses=3:count=1");
    syncs = t.f.obs.sync;
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_IRQ), 0);   /* held at the write */
    fx_cmd(&t.f, SMMUM_CMD_CFGI_STE | (9ULL << 32), 1);  /* 2 accesses */
    /* Held: CONS stays on the SYNC, nothing after it is consumed. */
    g_assert_cmpuint(t.f.obs.sync, ==, syncs);
    g_assert_cmpuint(t.f.obs.cfgi, ==, 0);
    g_assert_cmpuint(t.f.mem.irq_count[SMMUM_IRQ_CMD_SYNC], ==, 0);
    /* The 3rd access: the SYNC completes before it is served. */
    g_assert_cmpuint(cons_idx(&t), ==, 2);
    g_assert_cmpuint(t.f.obs.sync, ==, syncs + 1);
    g_assert_cmpuint(t.f.obs.cfgi, ==, 1);
    g_assert_cmpuint(t.f.mem.irq_count[SMMUM_IRQ_CMD_SYNC], ==, 1);
    /* count=1: the next SYNC is on time. */
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(t.f.obs.sync, ==, syncs + 2);
    g_assert_cmphex(gerror_active(&t.f), ==, 0);
    ij_destroy(&t);
}

/* A SYNC completing after virtual time (the host's timer). */
static void test_sync_late_ns(void)
{
    Ij t;

    ij_init(&t);
    set(&t, SMMUM_INJ_SYNC, "late:ns=5000000");
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(t.timer_calls, ==, 1);
    g_assert_cmpuint(t.timer_ns, ==, 5000000);
    for (unsigned i = 0; i < 100; i++) {
        g_assert_cmpuint(cons_idx(&t), ==, 0);
    }
    g_assert_cmpuint(t.f.obs.sync, ==, 0);
    smmum_inject_timer_expired(t.inj);
    g_assert_cmpuint(cons_idx(&t), ==, 1);
    g_assert_cmpuint(t.f.obs.sync, ==, 1);
    /* A second expiry (stale timer) does nothing. */
    smmum_inject_timer_expired(t.inj);
    g_assert_cmpuint(t.f.obs.sync, ==, 1);
    /* Every SYNC is late while armed. */
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(cons_idx(&t), ==, 1);
    /* Clearing completes the held SYNC. */
    set(&t, SMMUM_INJ_SYNC, "off");
    g_assert_cmpuint(t.timer_ns, ==, 0);    /* timer cancelled */
    g_assert_cmpuint(cons_idx(&t), ==, 2);
    g_assert_cmpuint(t.f.obs.sync, ==, 2);
    ij_destroy(&t);
}

/* A SYNC that never completes; the driver's ways out. */
static void test_sync_never(void)
{
    Ij t;

    ij_init(&t);
    set(&t, SMMUM_INJ_SYNC, "never");
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_IRQ), 0);
    for (unsigned i = 0; i < 1000; i++) {
        g_assert_cmpuint(cons_idx(&t), ==, 0);
    }
    g_assert_cmpuint(t.f.obs.sync, ==, 0);
    g_assert_cmpuint(t.f.mem.irq_count[SMMUM_IRQ_CMD_SYNC], ==, 0);
    g_assert_cmphex(gerror_active(&t.f), ==, 0);
    /* The driver gives up: disables the queue and resets CONS = PROD. */
    wr32(&t.f, SMMUM_CR0, rd32(&t.f, SMMUM_CR0) & ~SMMUM_CR0_CMDQEN);
    wr32(&t.f, SMMUM_CMDQ_CONS, rd32(&t.f, SMMUM_CMDQ_PROD));
    wr32(&t.f, SMMUM_CR0, rd32(&t.f, SMMUM_CR0) | SMMUM_CR0_CMDQEN);
    g_assert_false(t.inj->sync_held);
    /* Still armed: the next SYNC hangs too; a reset forgets it. */
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(cons_idx(&t), ==, 1);
    g_assert_true(t.inj->sync_held);
    smmum_core_reset(&t.f.core);
    g_assert_false(t.inj->sync_held);
    g_assert_cmpstr(smmum_inject_get(t.inj, SMMUM_INJ_SYNC), ==, "never");
    /* Cleared: programming from reset works. */
    set(&t, SMMUM_INJ_SYNC, "off");
    fx_queues(&t.f, 4, 4);
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(cons_idx(&t), ==, 1);
    g_assert_cmpuint(t.f.obs.sync, ==, 1);
    ij_destroy(&t);
}

/* Events lost as on overflow: PROD.OVFLG toggles once, no record. */
static void test_evtq_overflow(void)
{
    uint32_t prod;
    Ij t;

    ij_init(&t);
    put_ste(&t.f, ste_pa(1), SMMUM_STE_CFG_BYPASS, false);  /* V=0 */
    set(&t, SMMUM_INJ_EVTQ_OVERFLOW, "on:type=0x04:count=2");
    prod = rd32(&t.f, SMMUM_EVENTQ_PROD);
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&t.f), ==, 0);
    g_assert_cmphex(rd32(&t.f, SMMUM_EVENTQ_PROD), ==, prod ^ SMMUM_Q_OVFLG);
    /* Second loss: already flagged, not toggled back. */
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmphex(rd32(&t.f, SMMUM_EVENTQ_PROD), ==, prod ^ SMMUM_Q_OVFLG);
    /* Other types are not lost; count exhausted: C_BAD_STE recorded. */
    g_assert_cmpint(xlate(&t.f, 99, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&t.f), ==, 1);
    g_assert_cmphex(EV_TYPE(evt_word(&t.f, 0, 0)), ==,
                    SMMUM_EVT_C_BAD_STREAMID);
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&t.f), ==, 2);
    g_assert_cmphex(EV_TYPE(evt_word(&t.f, 1, 0)), ==, SMMUM_EVT_C_BAD_STE);
    /* The driver acknowledges the overflow; no GERROR was involved. */
    wr32(&t.f, SMMUM_EVENTQ_CONS, rd32(&t.f, SMMUM_EVENTQ_CONS) ^
         SMMUM_Q_OVFLG);
    g_assert_cmphex(gerror_active(&t.f), ==, 0);
    ij_destroy(&t);
}

/* MSI writes that abort: GERROR.MSI_*_ABT_ERR, the MSI never lands. */
static void test_msi_abort(void)
{
    Ij t;

    ij_init(&t);
    put_ste(&t.f, ste_pa(1), SMMUM_STE_CFG_BYPASS, false);
    wr64(&t.f, SMMUM_EVENTQ_IRQ_CFG0, MSI_PA);
    wr32(&t.f, SMMUM_EVENTQ_IRQ_CFG1, 0xe1);
    wr64(&t.f, SMMUM_GERROR_IRQ_CFG0, MSI_PA + 0x10);
    wr32(&t.f, SMMUM_GERROR_IRQ_CFG1, 0x9e);
    wr32(&t.f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_EVTQ | SMMUM_IRQ_CTRL_GERROR);

    /* Event queue MSI: the record is written, its MSI aborts. */
    set(&t, SMMUM_INJ_MSI_ABORT, "evtq:count=1");
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&t.f), ==, 1);
    g_assert_cmphex(gerror_active(&t.f), ==, SMMUM_GERROR_MSI_EVTQ_ABT);
    /* ... whose GERROR MSI (not injected) did land. */
    g_assert_cmpuint(t.f.mem.msis->len, ==, 1);
    g_assert_cmphex(g_array_index(t.f.mem.msis, FakeMsi, 0).data, ==, 0x9e);
    wr32(&t.f, SMMUM_GERRORN, rd32(&t.f, SMMUM_GERROR));

    /* CMD_SYNC MSI. */
    set(&t, SMMUM_INJ_MSI_ABORT, "cmdq+gerror");
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_IRQ) | (0x77ULL << 32),
           MSI_PA + 0x20);
    g_assert_cmpuint(cons_idx(&t), ==, 1);       /* completed anyway */
    /* GERROR's own MSI aborted too: recorded, not re-signalled. */
    g_assert_cmphex(gerror_active(&t.f), ==,
                    SMMUM_GERROR_MSI_CMDQ_ABT | SMMUM_GERROR_MSI_GERROR_ABT);
    g_assert_cmpuint(t.f.mem.msis->len, ==, 1);
    wr32(&t.f, SMMUM_GERRORN, rd32(&t.f, SMMUM_GERROR));

    /* Cleared: every MSI lands. */
    set(&t, SMMUM_INJ_MSI_ABORT, "off");
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_IRQ) | (0x78ULL << 32),
           MSI_PA + 0x20);
    g_assert_cmpuint(t.f.mem.msis->len, ==, 2);
    g_assert_cmphex(g_array_index(t.f.mem.msis, FakeMsi, 1).data, ==, 0x78);
    g_assert_cmphex(gerror_active(&t.f), ==, 0);
    ij_destroy(&t);
}

/* Service failure mode: SFM_ERR, transactions terminated, queues idle. */
static void test_sfm(void)
{
    uint32_t evprod;
    Ij t;

    ij_init(&t);
    put_ste(&t.f, ste_pa(1), SMMUM_STE_CFG_BYPASS, true);
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_OK);
    wr32(&t.f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR);
    smmum_inject_set_sfm(t.inj, true);
    g_assert_cmphex(gerror_active(&t.f), ==, SMMUM_GERROR_SFM_ERR);
    g_assert_cmpuint(t.f.mem.irq_count[SMMUM_IRQ_GERROR], ==, 1);
    evprod = rd32(&t.f, SMMUM_EVENTQ_PROD);
    /* Every transaction terminated, nothing recorded, even a bad SID. */
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpint(xlate(&t.f, 99, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmphex(rd32(&t.f, SMMUM_EVENTQ_PROD), ==, evprod);
    /* No command consumed; registers still work. */
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(cons_idx(&t), ==, 0);
    g_assert_cmpuint(t.f.obs.sync, ==, 0);
    wr32(&t.f, SMMUM_GERRORN, rd32(&t.f, SMMUM_GERROR));
    g_assert_cmphex(gerror_active(&t.f), ==, 0);
    wr32(&t.f, SMMUM_CR0, 0);
    g_assert_cmphex(rd32(&t.f, SMMUM_CR0ACK), ==, 0);
    /* A reset does not repair a broken SMMU. */
    smmum_core_reset(&t.f.core);
    g_assert_cmphex(gerror_active(&t.f), ==, SMMUM_GERROR_SFM_ERR);
    /* Cleared: programming from reset works. */
    smmum_inject_set_sfm(t.inj, false);
    wr32(&t.f, SMMUM_GERRORN, rd32(&t.f, SMMUM_GERROR));
    fx_queues(&t.f, 4, 4);
    fx_linear_strtab(&t.f, 6);
    fx_enable(&t.f);
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(cons_idx(&t), ==, 1);
    g_assert_cmpint(xlate(&t.f, 1, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpint(xlate(&t.f, 99, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&t.f), ==, 1);
    g_assert_cmphex(gerror_active(&t.f), ==, 0);
    ij_destroy(&t);
}

/* Leaving SFM consumes what was published meanwhile. */
static void test_sfm_resume(void)
{
    Ij t;

    ij_init(&t);
    smmum_inject_set_sfm(t.inj, true);
    fx_cmd(&t.f, SMMUM_CMD_CFGI_STE | (5ULL << 32), 1);
    fx_cmd(&t.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(cons_idx(&t), ==, 0);
    smmum_inject_set_sfm(t.inj, false);
    g_assert_cmpuint(cons_idx(&t), ==, 2);
    g_assert_cmpuint(t.f.obs.cfgi, ==, 1);
    g_assert_cmpuint(t.f.obs.sync, ==, 1);
    ij_destroy(&t);
}

/* Armed before the core exists (-global at start-up): effective at once. */
static void test_attach_later(void)
{
    SmmumInject *inj = smmum_inject_new(NULL);
    Fx f;

    g_assert_null(smmum_inject_set(inj, SMMUM_INJ_CERROR, "ill:count=1"));
    smmum_inject_set_sfm(inj, true);
    smmum_inject_set_sfm(inj, false);
    fx_init(&f);
    smmum_inject_attach(inj, &f.core);
    fx_queues(&f, 4, 4);
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint((rd32(&f, SMMUM_CMDQ_CONS) >> SMMUM_CMDQ_CONS_ERR) &
                     0x7f, ==, SMMUM_CERROR_ILL);
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_CMDQ_ERR);
    smmum_inject_free(inj);
    g_assert_null(f.core.inject);
    fx_destroy(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/inject/parse", test_parse);
    g_test_add_func("/inject/fetch/ste", test_fetch_ste);
    g_test_add_func("/inject/fetch/every", test_fetch_every);
    g_test_add_func("/inject/fetch/l1std", test_fetch_l1std);
    g_test_add_func("/inject/fetch/cd", test_fetch_cd);
    g_test_add_func("/inject/fetch/walk", test_fetch_walk);
    g_test_add_func("/inject/cerror", test_cerror);
    g_test_add_func("/inject/sync/late-accesses", test_sync_late_accesses);
    g_test_add_func("/inject/sync/late-ns", test_sync_late_ns);
    g_test_add_func("/inject/sync/never", test_sync_never);
    g_test_add_func("/inject/evtq-overflow", test_evtq_overflow);
    g_test_add_func("/inject/msi-abort", test_msi_abort);
    g_test_add_func("/inject/sfm", test_sfm);
    g_test_add_func("/inject/sfm-resume", test_sfm_resume);
    g_test_add_func("/inject/attach-later", test_attach_later);
    return g_test_run();
}
