/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the maintenance checker's input recorder (see
 * smmum-maint-trace.h).  Each hook call is passed on to the checker and
 * written as a "maint-*" record afterwards; the "mem" records its host
 * reads produced come first (smmum_trace_read_via).  A walk's record is
 * kept back while the walk reads its descriptors, and repeated DMA from
 * the same entry becomes one record with a count; whatever is kept back
 * is written before any other record of the trace.
 */
#include <string.h>
#include <glib.h>

#include "smmum-maint-trace.h"

struct SmmumMaintTrace {
    SmmumTrace *tr;
    SmmumMaint *m;
    SmmumMaintHost h;           /* the host the checker would have had */
    SmmumTlbObserver obs;       /* the checker's hooks */
    bool now_valid;             /* the clock was read during this input */
    uint64_t now;
    GHashTable *ids;            /* entry pointer -> id */
    uint64_t next_id;
    GHashTable *cfgs;           /* a walk configuration's text -> id */
    const SmmumTlbi *last_tlbi; /* passed to the tlbi hook last */
    SmmumTlbi last_tlbi_val;
    SmmumWalkMem walk_mem;      /* the walk reads through this (forwarded) */
    SmmumMaintTraceRec pend;    /* a walk gathering accesses, or a run */
    bool has_pend;
    GArray *acc;                /* SmmumMaintTraceAccess of pend's walk */
    bool finished;
};

static void mt_emit(SmmumMaintTrace *mt, SmmumMaintTraceRec *r)
{
    char *line;

    if (r->kind == SMMUM_MTRACE_WALK) {
        r->acc = (SmmumMaintTraceAccess *)mt->acc->data;
        r->nacc = mt->acc->len;
    }
    line = smmum_maint_trace_rec_to_json(r);
    smmum_trace_write_extra(mt->tr, line);
    g_free(line);
    if (r->kind == SMMUM_MTRACE_WALK) {
        r->acc = NULL;
        r->nacc = 0;
        g_array_set_size(mt->acc, 0);
    }
}

/* The record kept back, now (also called by the trace before others). */
static void mt_flush(void *opaque)
{
    SmmumMaintTrace *mt = opaque;

    if (mt->has_pend) {
        mt->has_pend = false;
        mt_emit(mt, &mt->pend);
    }
}

/* Start an input: everything before it is written, the clock unread. */
static void mt_begin(SmmumMaintTrace *mt)
{
    mt_flush(mt);
    smmum_trace_flush(mt->tr);
    mt->now_valid = false;
}

static void mt_end(SmmumMaintTrace *mt, SmmumMaintTraceRec *r)
{
    r->has_now = mt->now_valid;
    r->now = mt->now;
    mt->now_valid = false;
    mt_emit(mt, r);
}

static bool same_txn(const SmmumTxn *a, const SmmumTxn *b)
{
    return a->sid == b->sid && a->ssid == b->ssid && a->ssv == b->ssv &&
           a->write == b->write && a->priv == b->priv &&
           a->instr == b->instr && a->addr == b->addr && a->at == b->at &&
           a->nw == b->nw;
}

/*
 * Start a repeatable input (hit, translated): a walk kept back is
 * complete (the clock read from here on is this input's), a run stays.
 */
static void mt_begin_run(SmmumMaintTrace *mt)
{
    if (mt->has_pend && mt->pend.kind == SMMUM_MTRACE_WALK) {
        mt_flush(mt);
    }
    mt->now_valid = false;
}

/*
 * End a repeatable input (hit, translated): one more of the run kept
 * back when nothing came in between and the clock was not read, else
 * kept back as a new run.
 */
static void mt_end_run(SmmumMaintTrace *mt, SmmumMaintTraceRec *r)
{
    SmmumMaintTraceRec *p = &mt->pend;

    if (mt->now_valid) {
        mt_end(mt, r);
        return;
    }
    if (mt->has_pend && p->kind == r->kind && !p->has_now &&
        p->id == r->id && p->ok == r->ok && same_txn(&p->txn, &r->txn)) {
        p->count++;
        return;
    }
    mt_flush(mt);
    smmum_trace_flush(mt->tr);
    *p = *r;
    p->count = 1;
    mt->has_pend = true;
}

/* ---- the host ---- */

static bool mt_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    SmmumMaintTrace *mt = opaque;

    return smmum_trace_read_via(mt->tr, mt->h.read, mt->h.opaque, pa, buf,
                                len);
}

static uint64_t mt_now(void *opaque)
{
    SmmumMaintTrace *mt = opaque;

    if (!mt->now_valid) {
        mt->now = mt->h.now ? mt->h.now(mt->h.opaque) : 0;
        mt->now_valid = true;
        if (mt->has_pend && mt->pend.kind == SMMUM_MTRACE_WALK) {
            mt->pend.has_now = true;        /* read during the walk */
            mt->pend.now = mt->now;
        }
    }
    return mt->now;
}

static void mt_record(void *opaque, const SmmumMaintRecord *rec)
{
    SmmumMaintTrace *mt = opaque;

    mt->h.record(mt->h.opaque, rec);
}

/* ---- the walk's descriptor accesses ---- */

static void add_acc(SmmumMaintTrace *mt, const SmmumMaintTraceAccess *a)
{
    if (mt->has_pend && mt->pend.kind == SMMUM_MTRACE_WALK) {
        g_array_append_val(mt->acc, *a);
    }
}

static bool w_read64(void *opaque, uint64_t pa, uint64_t *val)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceAccess a = { .pa = pa };

    a.ok = mt->walk_mem.read64(mt->walk_mem.opaque, pa, &a.val);
    if (!a.ok) {
        a.val = 0;
    }
    add_acc(mt, &a);
    *val = a.val;
    return a.ok;
}

static bool w_cmpxchg64(void *opaque, uint64_t pa, uint64_t expect,
                        uint64_t new_val, uint64_t *seen)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceAccess a = { .pa = pa, .cmpxchg = true,
                                .expect = expect, .new_val = new_val };

    a.ok = mt->walk_mem.cmpxchg64(mt->walk_mem.opaque, pa, expect, new_val,
                                  &a.val);
    if (!a.ok) {
        a.val = 0;
    }
    add_acc(mt, &a);
    *seen = a.val;
    return a.ok;
}

/* The id of a walk configuration; *first: it was never written. */
static unsigned cfg_id(SmmumMaintTrace *mt, const SmmumWalkCfg *cfg,
                       bool *first)
{
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_WALK, .has_cfg = true,
                             .cfg = *cfg };
    char *key = smmum_maint_trace_rec_to_json(&r);
    gpointer v = g_hash_table_lookup(mt->cfgs, key);
    unsigned id;

    *first = !v;
    if (v) {
        g_free(key);
        return GPOINTER_TO_UINT(v);
    }
    id = g_hash_table_size(mt->cfgs) + 1;
    g_hash_table_insert(mt->cfgs, key, GUINT_TO_POINTER(id));
    return id;
}

/* ---- the hooks ---- */

static void o_walk_begin(void *opaque, SmmumWalkMem *mem,
                         const SmmumWalkCfg *cfg, const SmmumTxn *txn)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceRec *r = &mt->pend;
    bool cx = mem->cmpxchg64 != NULL;
    bool first;

    mt_begin(mt);
    if (mt->obs.walk_begin) {
        mt->obs.walk_begin(mt->obs.opaque, mem, cfg, txn);
    }
    mt_flush(mt);               /* in case the hook wrote something */
    memset(r, 0, sizeof(*r));
    r->kind = SMMUM_MTRACE_WALK;
    r->txn = *txn;
    r->cfg_id = cfg_id(mt, cfg, &first);
    r->has_cfg = first;
    r->cfg = *cfg;
    r->cx = cx;
    r->has_now = mt->now_valid;
    r->now = mt->now;
    mt->now_valid = false;
    mt->has_pend = true;
    /* The walk reads through the checker's memory, and through us. */
    mt->walk_mem = *mem;
    mem->opaque = mt;
    mem->read64 = w_read64;
    mem->cmpxchg64 = mt->walk_mem.cmpxchg64 ? w_cmpxchg64 : NULL;
}

static uint64_t entry_id(SmmumMaintTrace *mt, const SmmumIotlbEntry *e)
{
    return GPOINTER_TO_SIZE(g_hash_table_lookup(mt->ids, e));
}

static void o_insert(void *opaque, const SmmumIotlbEntry *e)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_INSERT, .entry = *e };

    mt_begin(mt);
    r.id = ++mt->next_id;
    g_hash_table_insert(mt->ids, (gpointer)e, GSIZE_TO_POINTER(r.id));
    if (mt->obs.tlb_insert) {
        mt->obs.tlb_insert(mt->obs.opaque, e);
    }
    mt_end(mt, &r);
}

static void o_remove(void *opaque, const SmmumIotlbEntry *e,
                     const SmmumTlbi *tlbi)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_REMOVE, .all = !e };

    mt_begin(mt);
    if (e) {
        r.id = entry_id(mt, e);
    }
    if (tlbi) {
        r.has_tlbi = true;
        r.tlbi = *tlbi;
        r.tlbi_cur = tlbi == mt->last_tlbi &&
                     !memcmp(tlbi, &mt->last_tlbi_val, sizeof(*tlbi));
    }
    if (mt->obs.tlb_remove) {
        mt->obs.tlb_remove(mt->obs.opaque, e, tlbi);
    }
    if (e) {
        g_hash_table_remove(mt->ids, e);
    } else {
        g_hash_table_remove_all(mt->ids);
    }
    mt_end(mt, &r);
}

static bool o_hit(void *opaque, const SmmumIotlbEntry *e,
                  const SmmumTxn *txn)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_HIT, .txn = *txn };

    mt_begin_run(mt);
    r.id = entry_id(mt, e);
    r.ok = !mt->obs.tlb_hit || mt->obs.tlb_hit(mt->obs.opaque, e, txn);
    mt_end_run(mt, &r);
    return r.ok;
}

static void o_tlbi(void *opaque, const SmmumTlbi *tlbi)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_TLBI, .tlbi = *tlbi };

    mt_begin(mt);
    if (mt->obs.tlbi) {
        mt->obs.tlbi(mt->obs.opaque, tlbi);
    }
    mt->last_tlbi = tlbi;
    /* via memcpy: the remove hook compares the bytes */
    memcpy(&mt->last_tlbi_val, tlbi, sizeof(*tlbi));
    mt_end(mt, &r);
}

static void o_sync(void *opaque)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_SYNC };

    mt_begin(mt);
    if (mt->obs.sync_completed) {
        mt->obs.sync_completed(mt->obs.opaque);
    }
    mt_end(mt, &r);
}

static void o_ats_granted(void *opaque, const SmmumTxn *txn,
                          const SmmumXlate *out)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_ATS_GRANTED, .txn = *txn,
                             .out = *out };

    mt_begin(mt);
    if (mt->obs.ats_granted) {
        mt->obs.ats_granted(mt->obs.opaque, txn, out);
    }
    mt_end(mt, &r);
}

static void o_atc_inv(void *opaque, const SmmumAtcInv *inv)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_ATC_INV, .inv = *inv };

    mt_begin(mt);
    if (mt->obs.atc_inv) {
        mt->obs.atc_inv(mt->obs.opaque, inv);
    }
    mt_end(mt, &r);
}

static void o_translated(void *opaque, const SmmumTxn *txn)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_TRANSLATED, .txn = *txn,
                             .ok = true };

    mt_begin_run(mt);
    if (mt->obs.translated) {
        mt->obs.translated(mt->obs.opaque, txn);
    }
    mt_end_run(mt, &r);
}

static void o_ats_endpoint(void *opaque, uint32_t sid,
                           SmmumAtsEndpointEvent ev,
                           const SmmumAtsSteView *view)
{
    SmmumMaintTrace *mt = opaque;
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_ATS_ENDPOINT, .sid = sid,
                             .ev = ev, .view = *view };

    mt_begin(mt);
    if (mt->obs.ats_endpoint) {
        mt->obs.ats_endpoint(mt->obs.opaque, sid, ev, view);
    }
    mt_end(mt, &r);
}

/* ---- life cycle ---- */

SmmumMaintTrace *smmum_maint_trace_new(SmmumTrace *tr,
                                       const SmmumMaintParams *p)
{
    SmmumMaintTrace *mt = g_new0(SmmumMaintTrace, 1);
    SmmumMaintTraceRec hdr = { .kind = SMMUM_MTRACE_HEADER, .params = *p };

    mt->tr = tr;
    mt->ids = g_hash_table_new(g_direct_hash, g_direct_equal);
    mt->cfgs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    mt->acc = g_array_new(FALSE, TRUE, sizeof(SmmumMaintTraceAccess));
    mt_emit(mt, &hdr);
    smmum_trace_set_extra_flush(tr, mt_flush, mt);
    return mt;
}

void smmum_maint_trace_wrap_host(SmmumMaintTrace *mt, SmmumMaintHost *h)
{
    mt->h = *h;
    h->opaque = mt;
    h->read = mt_read;
    h->now = mt_now;
    h->record = mt->h.record ? mt_record : NULL;
}

void smmum_maint_trace_attach(SmmumMaintTrace *mt, SmmumMaint *m,
                              SmmumTlbObserver *obs)
{
    mt->m = m;
    mt->obs = *obs;
    *obs = (SmmumTlbObserver) {
        .opaque = mt,
        .walk_begin = o_walk_begin,
        .tlb_insert = o_insert,
        .tlb_remove = o_remove,
        .tlb_hit = o_hit,
        .tlbi = o_tlbi,
        .sync_completed = o_sync,
        .ats_granted = o_ats_granted,
        .atc_inv = o_atc_inv,
        .translated = o_translated,
        .ats_endpoint = o_ats_endpoint,
    };
}

void smmum_maint_trace_finish(SmmumMaintTrace *mt)
{
    SmmumMaintTraceRec r = { .kind = SMMUM_MTRACE_EXIT };

    if (mt->finished) {
        return;
    }
    mt->finished = true;
    mt_begin(mt);
    if (mt->m) {
        smmum_maint_finish(mt->m);
    }
    mt_end(mt, &r);
}

void smmum_maint_trace_free(SmmumMaintTrace *mt)
{
    if (!mt) {
        return;
    }
    mt_flush(mt);
    smmum_trace_set_extra_flush(mt->tr, NULL, NULL);
    g_hash_table_destroy(mt->ids);
    g_hash_table_destroy(mt->cfgs);
    g_array_free(mt->acc, TRUE);
    g_free(mt);
}
