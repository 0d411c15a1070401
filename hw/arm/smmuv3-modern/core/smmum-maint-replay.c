/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: replaying the maintenance checker's records of a
 * trace through the same checker (see smmum-maint-trace.h).  Its host
 * answers from the trace: guest memory from the tear replay's model of
 * it, the clock from the records' "now"; IOTLB entries are made from the
 * maint-insert records and passed by pointer as the model does.
 */
#include <string.h>
#include <glib.h>

#include "smmum-maint-trace.h"

struct SmmumMaintReplay {
    SmmumTraceMem *mem;
    SmmumMaint *m;
    SmmumTlbObserver obs;
    uint64_t now;
    SmmumMaintReplayFinding cb;
    SmmumMaintReplaySummary summary;
    void *cb_opaque;
    size_t idx;
    GHashTable *entries;        /* id -> SmmumIotlbEntry (owned) */
    GHashTable *cfgs;           /* cfg_id -> SmmumWalkCfg (owned) */
    SmmumIotlbEntry unknown;    /* an entry the recorder never saw */
    SmmumTlbi tlbi_cur;         /* what the tlbi hook was given last */
    SmmumTlbi tlbi_other;
    const SmmumMaintTraceAccess *acc;   /* the walk's next answer */
    uint64_t diverged;
    uint64_t fed;
};

static bool rp_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    SmmumMaintReplay *mr = opaque;

    return smmum_trace_mem_read(mr->mem, pa, buf, len);
}

static uint64_t rp_now(void *opaque)
{
    return ((SmmumMaintReplay *)opaque)->now;
}

static void rp_record(void *opaque, const SmmumMaintRecord *r)
{
    SmmumMaintReplay *mr = opaque;

    if (mr->cb) {
        mr->cb(mr->cb_opaque, r, mr->idx);
    }
}

/* The walk's memory: each access gets the answer the device's walk got. */
static bool w_read64(void *opaque, uint64_t pa, uint64_t *val)
{
    SmmumMaintReplay *mr = opaque;

    *val = mr->acc ? mr->acc->val : 0;
    return mr->acc && mr->acc->ok;
}

static bool w_cmpxchg64(void *opaque, uint64_t pa, uint64_t expect,
                        uint64_t new_val, uint64_t *seen)
{
    return w_read64(opaque, pa, seen);
}

SmmumMaintReplay *smmum_maint_replay_new(SmmumTraceMem *mem,
                                         SmmumMaintReplayFinding cb,
                                         void *opaque)
{
    SmmumMaintReplay *mr = g_new0(SmmumMaintReplay, 1);

    mr->mem = mem;
    mr->cb = cb;
    mr->cb_opaque = opaque;
    mr->entries = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                        g_free);
    mr->cfgs = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    return mr;
}

void smmum_maint_replay_set_summary(SmmumMaintReplay *mr,
                                    SmmumMaintReplaySummary fn)
{
    mr->summary = fn;
}

SmmumMaint *smmum_maint_replay_checker(SmmumMaintReplay *mr)
{
    return mr->m;
}

uint64_t smmum_maint_replay_diverged(SmmumMaintReplay *mr)
{
    return mr->diverged;
}

uint64_t smmum_maint_replay_fed(SmmumMaintReplay *mr)
{
    return mr->fed;
}

void smmum_maint_replay_free(SmmumMaintReplay *mr)
{
    if (!mr) {
        return;
    }
    smmum_maint_free(mr->m);
    g_hash_table_destroy(mr->entries);
    g_hash_table_destroy(mr->cfgs);
    g_free(mr);
}

static SmmumIotlbEntry *entry_of(SmmumMaintReplay *mr, uint64_t id)
{
    SmmumIotlbEntry *e = id ? g_hash_table_lookup(mr->entries, &id) : NULL;

    return e ? e : &mr->unknown;
}

static void rp_walk(SmmumMaintReplay *mr, const SmmumMaintTraceRec *r)
{
    SmmumWalkMem mem = {
        .opaque = mr, .read64 = w_read64,
        .cmpxchg64 = r->cx ? w_cmpxchg64 : NULL,
    };
    SmmumWalkCfg *cfg = g_hash_table_lookup(mr->cfgs,
                                            GUINT_TO_POINTER(r->cfg_id));

    if (r->has_cfg) {
        cfg = g_new(SmmumWalkCfg, 1);
        *cfg = r->cfg;
        g_hash_table_insert(mr->cfgs, GUINT_TO_POINTER(r->cfg_id), cfg);
    }
    if (!cfg) {
        /* a cut-down trace: the walk whose cfg this is was dropped */
        mr->diverged++;
        return;
    }
    if (mr->obs.walk_begin) {
        mr->obs.walk_begin(mr->obs.opaque, &mem, cfg, &r->txn);
    }
    for (unsigned i = 0; i < r->nacc; i++) {
        const SmmumMaintTraceAccess *a = &r->acc[i];
        uint64_t v;

        mr->acc = a;
        if (a->cmpxchg && mem.cmpxchg64) {
            mem.cmpxchg64(mem.opaque, a->pa, a->expect, a->new_val, &v);
        } else {
            mem.read64(mem.opaque, a->pa, &v);
        }
    }
    mr->acc = NULL;
}

static void rp_insert(SmmumMaintReplay *mr, const SmmumMaintTraceRec *r)
{
    uint64_t *k = g_new(uint64_t, 1);
    SmmumIotlbEntry *e = g_new(SmmumIotlbEntry, 1);

    *k = r->id;
    *e = r->entry;
    g_hash_table_replace(mr->entries, k, e);
    if (mr->obs.tlb_insert) {
        mr->obs.tlb_insert(mr->obs.opaque, e);
    }
}

static void rp_remove(SmmumMaintReplay *mr, const SmmumMaintTraceRec *r)
{
    const SmmumTlbi *t = NULL;

    if (r->has_tlbi && r->tlbi_cur) {
        t = &mr->tlbi_cur;
    } else if (r->has_tlbi) {
        mr->tlbi_other = r->tlbi;
        t = &mr->tlbi_other;
    }
    if (mr->obs.tlb_remove) {
        mr->obs.tlb_remove(mr->obs.opaque,
                           r->all ? NULL : entry_of(mr, r->id), t);
    }
    if (r->all) {
        g_hash_table_remove_all(mr->entries);
    } else {
        g_hash_table_remove(mr->entries, &r->id);
    }
}

bool smmum_maint_replay_feed(SmmumMaintReplay *mr,
                             const SmmumMaintTraceRec *r, size_t idx,
                             char **err)
{
    mr->idx = idx;
    mr->fed++;
    if (r->has_now) {
        mr->now = r->now;
    }
    if (r->kind == SMMUM_MTRACE_HEADER) {
        SmmumMaintHost h = {
            .opaque = mr, .read = rp_read, .now = rp_now,
            .record = rp_record,
        };

        if (mr->m) {
            *err = g_strdup("a second maint-header");
            return false;
        }
        mr->m = smmum_maint_new(&r->params, &h);
        smmum_maint_observer(mr->m, &mr->obs);
        return true;
    }
    if (!mr->m) {
        *err = g_strdup_printf("%s before the maint-header",
                               smmum_maint_trace_kind_name(r->kind));
        return false;
    }
    switch (r->kind) {
    case SMMUM_MTRACE_WALK:
        rp_walk(mr, r);
        break;
    case SMMUM_MTRACE_INSERT:
        rp_insert(mr, r);
        break;
    case SMMUM_MTRACE_REMOVE:
        rp_remove(mr, r);
        break;
    case SMMUM_MTRACE_HIT:
        for (uint64_t i = 0; i < r->count; i++) {
            bool ok = !mr->obs.tlb_hit ||
                      mr->obs.tlb_hit(mr->obs.opaque, entry_of(mr, r->id),
                                      &r->txn);

            mr->diverged += ok != r->ok;
        }
        break;
    case SMMUM_MTRACE_TLBI:
        mr->tlbi_cur = r->tlbi;
        if (mr->obs.tlbi) {
            mr->obs.tlbi(mr->obs.opaque, &mr->tlbi_cur);
        }
        break;
    case SMMUM_MTRACE_SYNC:
        if (mr->obs.sync_completed) {
            mr->obs.sync_completed(mr->obs.opaque);
        }
        break;
    case SMMUM_MTRACE_ATS_GRANTED:
        if (mr->obs.ats_granted) {
            mr->obs.ats_granted(mr->obs.opaque, &r->txn, &r->out);
        }
        break;
    case SMMUM_MTRACE_ATC_INV:
        if (mr->obs.atc_inv) {
            mr->obs.atc_inv(mr->obs.opaque, &r->inv);
        }
        break;
    case SMMUM_MTRACE_TRANSLATED:
        for (uint64_t i = 0; mr->obs.translated && i < r->count; i++) {
            mr->obs.translated(mr->obs.opaque, &r->txn);
        }
        break;
    case SMMUM_MTRACE_ATS_ENDPOINT:
        if (mr->obs.ats_endpoint) {
            mr->obs.ats_endpoint(mr->obs.opaque, r->sid, r->ev, &r->view);
        }
        break;
    case SMMUM_MTRACE_EXIT:
        smmum_maint_finish(mr->m);
        if (mr->summary) {
            SmmumMaintCounters c;

            smmum_maint_get_counters(mr->m, &c);
            mr->summary(mr->cb_opaque, &c, idx);
        }
        break;
    default:
        break;
    }
    return true;
}

bool smmum_maint_replay_line(SmmumMaintReplay *mr, const char *line,
                             size_t idx, char **err)
{
    SmmumMaintTraceRec r;
    bool is_maint, ok;

    if (!smmum_maint_trace_rec_from_json(line, &r, &is_maint, err)) {
        return false;
    }
    if (!is_maint) {
        return true;
    }
    ok = smmum_maint_replay_feed(mr, &r, idx, err);
    smmum_maint_trace_rec_clear(&r);
    return ok;
}

bool smmum_maint_replay_file(const SmmumTraceFile *f, SmmumReplayFinding tcb,
                             SmmumMaintReplayFinding mcb,
                             SmmumMaintReplaySummary scb, void *opaque,
                             char **err)
{
    SmmumReplay *rp = smmum_replay_new(&g_array_index(f->recs,
                                                      SmmumTraceRec, 0),
                                       tcb, opaque);
    SmmumMaintReplay *mr = smmum_maint_replay_new(smmum_replay_mem(rp), mcb,
                                                  opaque);
    bool ok = true;

    smmum_maint_replay_set_summary(mr, scb);
    for (guint i = 1; ok && i < f->recs->len; i++) {
        const char *line = g_ptr_array_index(f->extra, i);
        char *why = NULL;

        if (!line) {
            smmum_replay_feed(rp, &g_array_index(f->recs, SmmumTraceRec, i),
                              i);
            continue;
        }
        if (!smmum_maint_replay_line(mr, line, i, &why)) {
            *err = g_strdup_printf("line %u: %s",
                                   g_array_index(f->line, unsigned, i), why);
            g_free(why);
            ok = false;
        }
    }
    smmum_maint_replay_free(mr);
    smmum_replay_free(rp);
    return ok;
}
