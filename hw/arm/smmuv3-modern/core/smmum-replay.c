/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: replaying a tear-checker trace through the same
 * checker, and delta debugging of a trace.  See smmum-replay.h.
 */
#include <string.h>
#include <glib.h>

#include "smmum-replay.h"

/* ---- trace files ---- */

SmmumTraceFile *smmum_trace_parse(const char *text, char **err)
{
    SmmumTraceFile *f = g_new0(SmmumTraceFile, 1);
    char **lines = g_strsplit(text, "\n", -1);

    f->recs = g_array_new(FALSE, TRUE, sizeof(SmmumTraceRec));
    f->line = g_array_new(FALSE, TRUE, sizeof(unsigned));
    f->extra = g_ptr_array_new_with_free_func(g_free);
    for (unsigned i = 0; lines[i]; i++) {
        SmmumTraceRec r;
        char *why = NULL;
        unsigned ln = i + 1;
        const char *s = lines[i];

        while (*s == ' ' || *s == '\t' || *s == '\r') {
            s++;
        }
        if (!*s) {
            continue;
        }
        if (!smmum_trace_rec_from_json(s, &r, &why)) {
            *err = g_strdup_printf("line %u: %s", ln, why);
            g_free(why);
            goto fail;
        }
        if (!f->recs->len && r.kind != SMMUM_TRACE_HEADER) {
            *err = g_strdup_printf("line %u: the first record must be the "
                                   "header, not \"%s\"", ln,
                                   smmum_trace_kind_name(r.kind));
            goto fail;
        }
        if (f->recs->len && r.kind == SMMUM_TRACE_HEADER) {
            *err = g_strdup_printf("line %u: a second header", ln);
            goto fail;
        }
        if (r.kind == SMMUM_TRACE_UNKNOWN) {
            f->unknown++;
        }
        g_ptr_array_add(f->extra, r.kind == SMMUM_TRACE_UNKNOWN ?
                        g_strdup(s) : NULL);
        g_array_append_val(f->recs, r);
        g_array_append_val(f->line, ln);
    }
    g_strfreev(lines);
    if (!f->recs->len) {
        *err = g_strdup("empty trace: no header");
        smmum_trace_file_free(f);
        return NULL;
    }
    return f;

fail:
    g_strfreev(lines);
    smmum_trace_file_free(f);
    return NULL;
}

SmmumTraceFile *smmum_trace_load(const char *path, char **err)
{
    char *text = NULL;
    GError *gerr = NULL;
    SmmumTraceFile *f;

    if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        *err = g_strdup(gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    f = smmum_trace_parse(text, err);
    g_free(text);
    return f;
}

void smmum_trace_file_free(SmmumTraceFile *f)
{
    if (f) {
        g_array_free(f->recs, TRUE);
        g_array_free(f->line, TRUE);
        g_ptr_array_free(f->extra, TRUE);
        g_free(f);
    }
}

char *smmum_trace_file_to_text(const SmmumTraceFile *f, const bool *keep)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < f->recs->len; i++) {
        char *line;

        if (i && keep && !keep[i]) {
            continue;
        }
        if (g_ptr_array_index(f->extra, i)) {
            g_string_append_printf(s, "%s\n",
                                   (char *)g_ptr_array_index(f->extra, i));
            continue;
        }
        line = smmum_trace_rec_to_json(&g_array_index(f->recs,
                                                      SmmumTraceRec, i));
        g_string_append(s, line);
        g_string_append_c(s, '\n');
        g_free(line);
    }
    return g_string_free(s, FALSE);
}

/* ---- the replay ---- */

struct SmmumReplay {
    SmmumTear *t;
    SmmumObserver obs;
    SmmumTraceMem *mem;
    SmmumTearRegs regs;
    uint64_t now;
    bool store_feeder;          /* the store feeder looks at its watches */
    SmmumReplayFinding cb;
    void *cb_opaque;
    size_t idx;
};

static bool rp_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    SmmumReplay *rp = opaque;

    return smmum_trace_mem_read(rp->mem, pa, buf, len);
}

static void rp_get_regs(void *opaque, SmmumTearRegs *regs)
{
    SmmumReplay *rp = opaque;

    *regs = rp->regs;
}

static uint64_t rp_now(void *opaque)
{
    SmmumReplay *rp = opaque;

    return rp->now;
}

static void rp_record(void *opaque, const SmmumTearRecord *r)
{
    SmmumReplay *rp = opaque;

    if (rp->cb) {
        rp->cb(rp->cb_opaque, r, rp->idx);
    }
}

SmmumReplay *smmum_replay_new(const SmmumTraceRec *header,
                              SmmumReplayFinding cb, void *opaque)
{
    SmmumReplay *rp = g_new0(SmmumReplay, 1);
    SmmumTearHost h = {
        .opaque = rp, .read = rp_read, .get_regs = rp_get_regs,
        .now = rp_now, .record = rp_record,
    };

    rp->mem = smmum_trace_mem_new();
    rp->regs = header->regs;
    rp->cb = cb;
    rp->cb_opaque = opaque;
    rp->store_feeder = header->params.mode == SMMUM_TEAR_STORE;
    rp->t = smmum_tear_new(&header->params, &h);
    smmum_tear_observer(rp->t, &rp->obs);
    return rp;
}

SmmumTear *smmum_replay_tear(SmmumReplay *rp)
{
    return rp->t;
}

SmmumTraceMem *smmum_replay_mem(SmmumReplay *rp)
{
    return rp->mem;
}

void smmum_replay_free(SmmumReplay *rp)
{
    if (rp) {
        smmum_tear_free(rp->t);
        smmum_trace_mem_free(rp->mem);
        g_free(rp);
    }
}

/*
 * What the device's store feeder does after each input it passes on:
 * look whether the watched ranges changed (which settles reachability).
 */
static void rp_poke(SmmumReplay *rp)
{
    if (rp->store_feeder) {
        smmum_tear_watch_generation(rp->t);
    }
}

void smmum_replay_feed(SmmumReplay *rp, const SmmumTraceRec *r, size_t idx)
{
    uint8_t bytes[SMMUM_TRACE_MEM_MAX];

    rp->idx = idx;
    if (r->has_now) {
        rp->now = r->now;
    }
    switch (r->kind) {
    case SMMUM_TRACE_MEM:
        for (unsigned i = 0; i < r->len; i++) {
            bytes[i] = r->w[i / 8] >> (8 * (i % 8));
        }
        smmum_trace_mem_set(rp->mem, r->pa, bytes, r->len, r->ok);
        break;
    case SMMUM_TRACE_REGS:
        rp->regs = r->regs;
        break;
    case SMMUM_TRACE_STORE:
        smmum_tear_store(rp->t, r->pa, r->size, r->data, r->pc, r->cpu,
                         r->vcnt);
        smmum_trace_mem_store(rp->mem, r->pa, r->size, r->data);
        rp_poke(rp);
        break;
    case SMMUM_TRACE_CFGI:
        rp->obs.cfgi_consumed(rp->obs.opaque, &r->cfgi);
        rp_poke(rp);
        break;
    case SMMUM_TRACE_SYNC:
        rp->obs.sync_completed(rp->obs.opaque);
        rp_poke(rp);
        break;
    case SMMUM_TRACE_FETCH:
        rp->obs.fetch(rp->obs.opaque, r->fetch, r->sid, r->ssid, r->pa,
                      r->w, r->n);
        rp_poke(rp);
        break;
    case SMMUM_TRACE_PREFETCH:
        rp->obs.prefetch(rp->obs.opaque, r->sid, r->ssid, r->ssv);
        rp_poke(rp);
        break;
    case SMMUM_TRACE_TXN:
        for (uint64_t i = 0; i < r->count; i++) {
            rp->obs.txn(rp->obs.opaque, r->sid, r->ssid, r->ssv);
            rp_poke(rp);
        }
        break;
    case SMMUM_TRACE_TABLES:
        rp->obs.tables_changed(rp->obs.opaque);
        rp_poke(rp);
        break;
    case SMMUM_TRACE_RESET:
        rp->obs.reset(rp->obs.opaque);
        rp_poke(rp);
        break;
    case SMMUM_TRACE_GLOBAL_BYPASS:
        for (uint64_t i = 0; i < r->count; i++) {
            smmum_tear_note_global_bypass(rp->t, r->sid);
        }
        break;
    case SMMUM_TRACE_MIGRATE:
        smmum_tear_migrate(rp->t);
        break;
    case SMMUM_TRACE_EXIT:
        smmum_tear_finish(rp->t);
        break;
    default:
        break;                  /* header, kinds of later versions */
    }
}

SmmumReplay *smmum_replay_run_extra(const SmmumTraceFile *f,
                                    const bool *keep, size_t stop,
                                    SmmumReplayFinding cb, void *opaque,
                                    SmmumReplayExtra extra,
                                    void *extra_opaque)
{
    SmmumReplay *rp = smmum_replay_new(&g_array_index(f->recs,
                                                      SmmumTraceRec, 0),
                                       cb, opaque);
    size_t end = stop && stop < f->recs->len ? stop + 1 : f->recs->len;

    for (size_t i = 1; i < end; i++) {
        const char *line = g_ptr_array_index(f->extra, i);

        if (keep && !keep[i]) {
            continue;
        }
        if (line) {
            if (extra) {
                extra(extra_opaque, line, i);
            }
            continue;
        }
        smmum_replay_feed(rp, &g_array_index(f->recs, SmmumTraceRec, i), i);
    }
    return rp;
}

SmmumReplay *smmum_replay_run(const SmmumTraceFile *f, const bool *keep,
                              size_t stop, SmmumReplayFinding cb,
                              void *opaque)
{
    return smmum_replay_run_extra(f, keep, stop, cb, opaque, NULL, NULL);
}

/* ---- delta debugging ---- */

bool smmum_replay_same_finding(const SmmumTearRecord *r,
                               const SmmumTearRecord *target)
{
    return r->type == target->type &&
           (r->type != SMMUM_TEAR_REC_TEAR || r->cls == target->cls) &&
           r->view == target->view && r->sid == target->sid &&
           r->ssid == target->ssid;
}

typedef struct Probe {
    const SmmumTearRecord *target;
    bool found;
    size_t idx;                 /* the record that made it */
} Probe;

static void probe_cb(void *opaque, const SmmumTearRecord *r, size_t idx)
{
    Probe *p = opaque;

    if (!p->found && smmum_replay_same_finding(r, p->target)) {
        p->found = true;
        p->idx = idx;
    }
}

static bool probe(const SmmumTraceFile *f, const bool *keep, size_t stop,
                  const SmmumTearRecord *target, size_t *idx)
{
    Probe p = { .target = target };

    smmum_replay_free(smmum_replay_run(f, keep, stop, probe_cb, &p));
    if (idx) {
        *idx = p.idx;
    }
    return p.found;
}

bool *smmum_replay_minimise(const SmmumTraceFile *f,
                            const SmmumTearRecord *target,
                            unsigned max_runs, unsigned *runs)
{
    size_t n = f->recs->len, at;
    bool *keep = g_new0(bool, n);
    bool *trial = g_new0(bool, n);
    GArray *live = g_array_new(FALSE, FALSE, sizeof(size_t));
    size_t parts = 2;

    *runs = 1;
    if (!probe(f, NULL, 0, target, &at)) {
        g_free(keep);
        g_free(trial);
        g_array_free(live, TRUE);
        return NULL;
    }
    /* Nothing after the record that made the finding can matter. */
    for (size_t i = 1; i <= at; i++) {
        keep[i] = true;
        g_array_append_val(live, i);
    }
    keep[0] = true;
    while (live->len >= 2 && *runs < max_runs) {
        size_t chunk = (live->len + parts - 1) / parts;
        bool reduced = false;

        for (size_t start = 0; start < live->len && *runs < max_runs;
             start += chunk) {
            size_t stop = MIN(start + chunk, live->len);

            memcpy(trial, keep, n);
            for (size_t j = start; j < stop; j++) {
                trial[g_array_index(live, size_t, j)] = false;
            }
            ++*runs;
            if (probe(f, trial, 0, target, NULL)) {
                memcpy(keep, trial, n);
                g_array_remove_range(live, start, stop - start);
                parts = MAX(parts - 1, 2);
                reduced = true;
                break;
            }
        }
        if (!reduced) {
            if (parts >= live->len) {
                break;
            }
            parts = MIN(parts * 2, live->len);
        }
    }
    g_free(trial);
    g_array_free(live, TRUE);
    return keep;
}
