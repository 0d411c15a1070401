/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmum-replay: run a tear-check trace (tear-trace=FILE) through the
 * same checker offline, writing the same JSON Lines report the device
 * wrote, a summary, where each finding was made, the checker's state,
 * and (--minimise) the fewest records one finding needs.  A trace with
 * maintenance-checker records (maint-check=on) runs that checker too,
 * and its records go into the same report in the device's order.
 *
 *   smmum-replay [OPTIONS] TRACE
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "smmum-maint-trace.h"
#include "smmum-replay.h"

typedef struct Opts {
    char *report;
    gint64 stop_at;
    gboolean state;
    gboolean finish;
    char *minimise;
    gint finding;
    gint max_runs;
    gboolean quiet;
} Opts;

typedef struct Run {
    const SmmumTraceFile *f;
    FILE *report;
    GArray *found;              /* SmmumTearRecord */
    GArray *found_idx;          /* size_t */
    GPtrArray *maint_found;     /* char *: their descriptions */
    GArray *maint_idx;          /* size_t */
    bool has_maint;
    SmmumMaintCounters mc;
    uint64_t maint_diverged;
    uint64_t maint_fed;
    bool maint_summary;         /* its summary record was written */
    char *error;                /* a malformed maintenance record */
} Run;

static bool is_problem(const SmmumTearRecord *r)
{
    return r->type == SMMUM_TEAR_REC_TEAR ||
           r->type == SMMUM_TEAR_REC_MISSING_INVAL ||
           r->type == SMMUM_TEAR_REC_TRANSIENT_BYPASS;
}

static void on_finding(void *opaque, const SmmumTearRecord *r, size_t idx)
{
    Run *run = opaque;

    if (run->report) {
        char *json = smmum_tear_record_to_json(r);

        fprintf(run->report, "%s\n", json);
        g_free(json);
    }
    g_array_append_val(run->found, *r);
    g_array_append_val(run->found_idx, idx);
}

static void on_maint_finding(void *opaque, const SmmumMaintRecord *r,
                             size_t idx)
{
    Run *run = opaque;

    if (run->report) {
        char *json = smmum_maint_record_to_json(r);

        fprintf(run->report, "%s\n", json);
        g_free(json);
    }
    g_ptr_array_add(run->maint_found, smmum_maint_record_describe(r));
    g_array_append_val(run->maint_idx, idx);
}

/* The device writes the counters as a record at the end of the run. */
static void on_maint_summary(void *opaque, const SmmumMaintCounters *c,
                             size_t idx)
{
    Run *run = opaque;

    run->maint_summary = true;
    if (run->report) {
        char *json = smmum_maint_summary_to_json(c);

        fprintf(run->report, "%s\n", json);
        g_free(json);
    }
}

static unsigned line_of(const SmmumTraceFile *f, size_t idx)
{
    return g_array_index(f->line, unsigned, idx);
}

typedef struct StateOut {
    GPtrArray *lines;
} StateOut;

static void state_view(void *opaque, const SmmumTearViewInfo *vi)
{
    StateOut *so = opaque;
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "  %-5s", smmum_tear_view_name(vi->kind));
    if (vi->kind != SMMUM_TEAR_VIEW_L1STD) {
        g_string_append_printf(s, " sid %u", vi->sid);
    }
    if (vi->kind != SMMUM_TEAR_VIEW_STE) {
        g_string_append_printf(s, " %s %u",
                               vi->kind == SMMUM_TEAR_VIEW_CD ? "ssid" :
                               "l1", vi->idx);
    }
    g_string_append_printf(s, " @0x%" G_GINT64_MODIFIER "x window %"
                           G_GUINT64_FORMAT "%s%s%s%s values %u txns %"
                           G_GUINT64_FORMAT "\n    a  ", vi->addr,
                           vi->window,
                           vi->reachable ? " reachable" : " unreachable",
                           vi->pending ? " cfgi-pending" : "",
                           vi->transition ? " in-transition" : "",
                           vi->missing_inval ? " awaiting-invalidation" : "",
                           vi->values, vi->txns);
    for (unsigned g = 0; g < vi->nwords && g < 8; g++) {
        g_string_append_printf(s, " %016" G_GINT64_MODIFIER "x", vi->a[g]);
    }
    g_string_append(s, "\n    now");
    for (unsigned g = 0; g < vi->nwords && g < 8; g++) {
        g_string_append_printf(s, " %016" G_GINT64_MODIFIER "x",
                               vi->cur[g]);
    }
    g_ptr_array_add(so->lines, g_string_free(s, FALSE));
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The checker's views, sorted, on stderr. */
static void print_state(SmmumTear *t, const char *when)
{
    StateOut so = { g_ptr_array_new_with_free_func(g_free) };
    SmmumTearCounters c;

    smmum_tear_foreach_view(t, state_view, &so);
    g_ptr_array_sort(so.lines, cmp_str);
    smmum_tear_get_counters(t, &c);
    fprintf(stderr, "checker state %s: %u view(s), %" G_GUINT64_FORMAT
            " window(s) closed\n", when, so.lines->len, c.windows);
    for (guint i = 0; i < so.lines->len; i++) {
        fprintf(stderr, "%s\n", (char *)g_ptr_array_index(so.lines, i));
    }
    g_ptr_array_free(so.lines, TRUE);
}

/*
 * Replay up to --stop-at; with --state, show the checker's views after
 * each record that made a problem and at the stop.
 */
static void replay(const SmmumTraceFile *f, const Opts *o, Run *run,
                   SmmumTearCounters *c)
{
    SmmumReplay *rp = smmum_replay_new(&g_array_index(f->recs,
                                                      SmmumTraceRec, 0),
                                       on_finding, run);
    SmmumMaintReplay *mr = smmum_maint_replay_new(smmum_replay_mem(rp),
                                                  on_maint_finding, run);
    size_t end = o->stop_at > 0 ? MIN((size_t)o->stop_at, f->recs->len) :
                                  f->recs->len;

    smmum_maint_replay_set_summary(mr, on_maint_summary);
    for (size_t i = 1; i < end && !run->error; i++) {
        guint before = run->found->len;
        const char *extra = g_ptr_array_index(f->extra, i);
        char *why = NULL;

        if (extra) {
            if (!smmum_maint_replay_line(mr, extra, i, &why)) {
                run->error = g_strdup_printf("line %u: %s", line_of(f, i),
                                             why);
                g_free(why);
            }
            continue;
        }
        smmum_replay_feed(rp, &g_array_index(f->recs, SmmumTraceRec, i), i);
        for (guint k = before; o->state && k < run->found->len; k++) {
            if (is_problem(&g_array_index(run->found, SmmumTearRecord, k))) {
                char *when = g_strdup_printf("after line %u (finding %u)",
                                             line_of(f, i), k + 1);

                print_state(smmum_replay_tear(rp), when);
                g_free(when);
                break;
            }
        }
    }
    if (o->finish) {
        /* idempotent: nothing more if the trace's exit record came */
        smmum_tear_finish(smmum_replay_tear(rp));
        if (smmum_maint_replay_checker(mr) && !run->maint_summary) {
            SmmumMaintCounters mc;

            /* as the device's exit: the findings, then the summary */
            smmum_maint_finish(smmum_maint_replay_checker(mr));
            smmum_maint_get_counters(smmum_maint_replay_checker(mr), &mc);
            on_maint_summary(run, &mc, end - 1);
        }
    }
    if (o->state && o->stop_at > 0) {
        char *when = g_strdup_printf("at the stop (line %u)",
                                     line_of(f, end - 1));

        print_state(smmum_replay_tear(rp), when);
        g_free(when);
    }
    smmum_tear_get_counters(smmum_replay_tear(rp), c);
    if (smmum_maint_replay_checker(mr)) {
        run->has_maint = true;
        smmum_maint_get_counters(smmum_maint_replay_checker(mr), &run->mc);
        run->maint_diverged = smmum_maint_replay_diverged(mr);
    }
    run->maint_fed = smmum_maint_replay_fed(mr);
    smmum_maint_replay_free(mr);
    smmum_replay_free(rp);
}

static int do_minimise(const SmmumTraceFile *f, const Opts *o, Run *run)
{
    const SmmumTearRecord *target = NULL;
    unsigned runs = 0, kept = 0;
    bool *keep;
    char *text;
    GError *err = NULL;

    if (o->finding > 0) {
        if ((guint)o->finding > run->found->len) {
            fprintf(stderr, "smmum-replay: --finding %d: the replay made "
                    "only %u finding(s)\n", o->finding, run->found->len);
            return 2;
        }
        target = &g_array_index(run->found, SmmumTearRecord, o->finding - 1);
    } else {
        for (guint k = 0; k < run->found->len && !target; k++) {
            if (is_problem(&g_array_index(run->found, SmmumTearRecord, k))) {
                target = &g_array_index(run->found, SmmumTearRecord, k);
            }
        }
        if (!target) {
            fprintf(stderr, "smmum-replay: --minimise: no tear, missing "
                    "invalidation or transient bypass to keep (name one "
                    "with --finding N)\n");
            return 2;
        }
    }
    keep = smmum_replay_minimise(f, target, o->max_runs, &runs);
    if (!keep) {
        fprintf(stderr, "smmum-replay: --minimise: the finding does not "
                "reappear\n");
        return 2;
    }
    for (guint i = 1; i < f->recs->len; i++) {
        kept += keep[i];
    }
    text = smmum_trace_file_to_text(f, keep);
    if (!g_file_set_contents(o->minimise, text, -1, &err)) {
        fprintf(stderr, "smmum-replay: --minimise: %s\n", err->message);
        g_error_free(err);
        g_free(text);
        g_free(keep);
        return 2;
    }
    fprintf(stderr, "minimised: %u of %u record(s) keep the %s %s%s%s of "
            "%s sid %u, %u replay(s)%s; written to %s\n", kept,
            f->recs->len - 1, smmum_tear_rec_type_name(target->type),
            target->type == SMMUM_TEAR_REC_TEAR ? "(" : "",
            target->type == SMMUM_TEAR_REC_TEAR ?
            smmum_tear_class_name(target->cls) : "",
            target->type == SMMUM_TEAR_REC_TEAR ? ")" : "",
            smmum_tear_view_name(target->view), target->sid, runs,
            runs >= (unsigned)o->max_runs ? " (run limit reached)" : "",
            o->minimise);
    g_free(text);
    g_free(keep);
    return 0;
}

int main(int argc, char **argv)
{
    Opts o = { .max_runs = 2000 };
    GOptionEntry entries[] = {
        { "report", 'o', 0, G_OPTION_ARG_FILENAME, &o.report,
          "write the JSON Lines report to FILE (default: stdout; - for "
          "none)", "FILE" },
        { "stop-at", 's', 0, G_OPTION_ARG_INT64, &o.stop_at,
          "stop after the record on trace line LINE (no exit judgement "
          "unless the exit record is before it)", "LINE" },
        { "state", 0, 0, G_OPTION_ARG_NONE, &o.state,
          "print the checker's views after each record that made a tear, "
          "missing invalidation or transient bypass, and at --stop-at", NULL },
        { "finish", 0, 0, G_OPTION_ARG_NONE, &o.finish,
          "judge the end of the run after the last record replayed (at "
          "--stop-at, or when QEMU was killed and the trace has no exit "
          "record), for both checkers: the maintenance checker's summary "
          "record follows its findings", NULL },
        { "minimise", 'm', 0, G_OPTION_ARG_FILENAME, &o.minimise,
          "write to FILE the fewest records (delta debugging) with which "
          "the finding (--finding, default the first tear, missing "
          "invalidation or transient bypass) still appears", "FILE" },
        { "finding", 'f', 0, G_OPTION_ARG_INT, &o.finding,
          "the finding to keep with --minimise (1 = the first record of "
          "the report)", "N" },
        { "max-runs", 0, 0, G_OPTION_ARG_INT, &o.max_runs,
          "bound --minimise to N replays (default 2000)", "N" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
          "no summary on stderr", NULL },
        { NULL }
    };
    GOptionContext *ctx = g_option_context_new("TRACE");
    GError *gerr = NULL;
    SmmumTraceFile *f;
    char *err = NULL;
    Run run = { 0 };
    SmmumTearCounters c;
    gint64 t0, t1;
    int rc = 0;

    g_option_context_set_summary(ctx, "Replay a smmuv3-modern tear-check "
                                 "trace (tear-trace=FILE) through the same "
                                 "checker (and the maintenance checker, "
                                 "when the trace has its records) and "
                                 "write its report.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "smmum-replay: %s\n", gerr->message);
        return 2;
    }
    g_option_context_free(ctx);
    if (argc != 2) {
        fprintf(stderr, "smmum-replay: one TRACE file expected "
                "(--help for usage)\n");
        return 2;
    }
    if (o.max_runs < 1) {
        fprintf(stderr, "smmum-replay: --max-runs must be at least 1\n");
        return 2;
    }
    if (o.stop_at < 0) {
        fprintf(stderr, "smmum-replay: --stop-at must be a line number\n");
        return 2;
    }
    f = smmum_trace_load(argv[1], &err);
    if (!f) {
        fprintf(stderr, "smmum-replay: %s: %s\n", argv[1], err);
        g_free(err);
        return 2;
    }
    if (o.stop_at > 0) {
        /* line number -> index of the last record at or before it */
        size_t last = 0;

        for (size_t i = 0; i < f->recs->len; i++) {
            if (line_of(f, i) <= (unsigned)o.stop_at) {
                last = i;
            }
        }
        if (!last) {
            fprintf(stderr, "smmum-replay: --stop-at %" G_GINT64_FORMAT
                    ": no record up to that line\n", o.stop_at);
            return 2;
        }
        o.stop_at = last + 1;   /* exclusive end for the feed loop */
    }
    if (!o.report) {
        run.report = stdout;
    } else if (strcmp(o.report, "-")) {
        run.report = fopen(o.report, "w");
        if (!run.report) {
            fprintf(stderr, "smmum-replay: --report %s: %s\n", o.report,
                    g_strerror(errno));
            return 2;
        }
    }
    run.f = f;
    run.found = g_array_new(FALSE, TRUE, sizeof(SmmumTearRecord));
    run.found_idx = g_array_new(FALSE, TRUE, sizeof(size_t));
    run.maint_found = g_ptr_array_new_with_free_func(g_free);
    run.maint_idx = g_array_new(FALSE, TRUE, sizeof(size_t));

    t0 = g_get_monotonic_time();
    replay(f, &o, &run, &c);
    t1 = g_get_monotonic_time();
    if (run.report && run.report != stdout) {
        fclose(run.report);
    }
    if (run.error) {
        fprintf(stderr, "smmum-replay: %s: %s\n", argv[1], run.error);
        rc = 2;
    } else if (!o.quiet) {
        char *sum;

        fprintf(stderr, "replayed %u record(s) of %s in %.3f s%s\n",
                (unsigned)(o.stop_at > 0 ? o.stop_at - 1 :
                           f->recs->len - 1), argv[1], (t1 - t0) / 1e6,
                f->unknown > run.maint_fed ?
                " (records of unknown kinds skipped)" : "");
        for (guint k = 0; k < run.found->len; k++) {
            const SmmumTearRecord *r = &g_array_index(run.found,
                                                      SmmumTearRecord, k);
            char *d;

            if (!is_problem(r)) {
                continue;
            }
            d = smmum_tear_record_describe(r);
            fprintf(stderr, "finding %u (made at trace line %u): %s\n", k + 1,
                    line_of(f, g_array_index(run.found_idx, size_t, k)), d);
            g_free(d);
        }
        sum = smmum_tear_summary(&c);
        fprintf(stderr, "%s", sum);
        g_free(sum);
        for (guint k = 0; k < run.maint_found->len; k++) {
            fprintf(stderr, "maint finding %u (made at trace line %u): %s\n",
                    k + 1, line_of(f, g_array_index(run.maint_idx, size_t,
                                                    k)),
                    (char *)g_ptr_array_index(run.maint_found, k));
        }
        if (run.has_maint) {
            sum = smmum_maint_summary(&run.mc);
            fprintf(stderr, "maint check: %s\n", sum);
            g_free(sum);
        }
        if (run.maint_diverged) {
            fprintf(stderr, "maint check: %" G_GUINT64_FORMAT " answer(s) "
                    "differ from the device's (another checker version, or "
                    "a cut-down trace)\n", run.maint_diverged);
        }
    }
    if (o.minimise && !run.error) {
        rc = do_minimise(f, &o, &run);
    }
    g_free(run.error);
    g_array_free(run.found, TRUE);
    g_array_free(run.found_idx, TRUE);
    g_ptr_array_free(run.maint_found, TRUE);
    g_array_free(run.maint_idx, TRUE);
    smmum_trace_file_free(f);
    g_free(o.report);
    g_free(o.minimise);
    return rc;
}
