/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: tear-check traces and their replay.  Each sequence is run
 * on a live checker behind the recorder (trace-builder.c); the trace is
 * then replayed through a fresh checker (smmum-replay.c), which must make
 * exactly the live checker's findings, and the findings are asserted:
 * clean hitless and breaking updates, torn ones of several classes, what
 * only the store feeder sees, reset; hand-written traces, the format's
 * checks, --stop-at, delta debugging and the smmum-replay tool.
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "core-helpers.h"
#include "smmum-regs.h"
#include "smmum-replay.h"
#include "smmum-strtab.h"
#include "trace-builder.h"

/* ---- replaying ---- */

typedef struct Out {
    GPtrArray *json;            /* report lines */
    GArray *recs;               /* SmmumTearRecord */
} Out;

static void out_cb(void *opaque, const SmmumTearRecord *r, size_t idx)
{
    Out *o = opaque;

    g_ptr_array_add(o->json, smmum_tear_record_to_json(r));
    g_array_append_val(o->recs, *r);
}

static void out_init(Out *o)
{
    o->json = g_ptr_array_new_with_free_func(g_free);
    o->recs = g_array_new(FALSE, TRUE, sizeof(SmmumTearRecord));
}

static void out_free(Out *o)
{
    g_ptr_array_free(o->json, TRUE);
    g_array_free(o->recs, TRUE);
}

static SmmumTraceFile *parse_ok(const char *text)
{
    char *err = NULL;
    SmmumTraceFile *f = smmum_trace_parse(text, &err);

    if (!f) {
        g_test_message("trace rejected: %s", err);
    }
    g_assert_nonnull(f);
    return f;
}

/* Replay text; out gets the findings. */
static void replay_text(const char *text, size_t stop, Out *o)
{
    SmmumTraceFile *f = parse_ok(text);

    out_init(o);
    smmum_replay_free(smmum_replay_run(f, NULL, stop, out_cb, o));
    smmum_trace_file_free(f);
}

/* Finish b, replay its trace: the same report, line for line. */
static void replay_same(TraceBuilder *b, Out *o)
{
    const char *text = tb_finish(b);

    replay_text(text, 0, o);
    g_assert_cmpuint(o->json->len, ==, b->live->len);
    for (guint i = 0; i < o->json->len; i++) {
        g_assert_cmpstr(g_ptr_array_index(o->json, i), ==,
                        g_ptr_array_index(b->live, i));
    }
}

static unsigned count(Out *o, SmmumTearRecType type, int cls)
{
    unsigned n = 0;

    for (guint i = 0; i < o->recs->len; i++) {
        SmmumTearRecord *r = &g_array_index(o->recs, SmmumTearRecord, i);

        n += r->type == type && (cls < 0 || (int)r->cls == cls);
    }
    return n;
}

static SmmumTearRecord *find(Out *o, SmmumTearRecType type, int cls)
{
    for (guint i = 0; i < o->recs->len; i++) {
        SmmumTearRecord *r = &g_array_index(o->recs, SmmumTearRecord, i);

        if (r->type == type && (cls < 0 || (int)r->cls == cls)) {
            return r;
        }
    }
    return NULL;
}

static unsigned tears(Out *o)
{
    return count(o, SMMUM_TEAR_REC_TEAR, -1);
}

static SmmumTearMode mode_of(gconstpointer data)
{
    return GPOINTER_TO_INT(data);
}

/* ---- sequences a correct driver makes ---- */

/* bypass -> S1 the three-step way: unused bits, critical word, clean-up. */
static void test_hitless(gconstpointer data)
{
    TraceBuilder b;
    Out o;
    uint64_t cur[8], tgt[8], step[8];
    unsigned o01[] = { 0, 1 };
    uint64_t a = tb_ste_addr(3);
    SmmumTearRecord *tr;

    tb_init(&b, mode_of(data));
    tb_ste_bypass(cur, 1);
    tb_poke_img(&b, a, cur);
    tb_inv_ste(&b, 3);
    tb_cd(step, 1, TB_TTB_A);
    tb_poke_img(&b, TB_CDT_A, step);
    tb_ste_s1(tgt, TB_CDT_A, 0, 0);
    smmum_ste_set_field(tgt, SMMUM_STE_S1CIR, 2, 1);
    memcpy(step, tgt, sizeof(step));
    smmum_ste_set_field(step, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_BYPASS);
    smmum_ste_set_field(step, SMMUM_STE_SHCFG, 2, 1);
    tb_store_words(&b, a, step, o01, 2);
    tb_inv_ste(&b, 3);
    memcpy(step, tgt, 8);
    tb_store_words(&b, a, step, o01, 1);
    tb_inv_ste(&b, 3);
    tb_store_words(&b, a, tgt, o01, 2);
    tb_inv_ste(&b, 3);
    tb_txn(&b, 3, 0, false);
    tb_txn(&b, 3, 0, false);

    replay_same(&b, &o);
    g_assert_cmpuint(tears(&o), ==, 0);
    g_assert_cmpuint(count(&o, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);
    g_assert_cmpuint(count(&o, SMMUM_TEAR_REC_TRANSITION, -1), ==, 1);
    tr = find(&o, SMMUM_TEAR_REC_TRANSITION, -1);
    g_assert_true(tr->hitless);
    g_assert_cmpuint(tr->sync_count, ==, 3);
    g_assert_cmphex(tr->a[0], ==, cur[0]);
    g_assert_cmphex(tr->b[0], ==, tgt[0]);
    out_free(&o);
    tb_destroy(&b);
}

/* S2 VMID 1 -> VMID 2 break-before-make: V=0, the rest, word 0. */
static void test_breaking(gconstpointer data)
{
    TraceBuilder b;
    Out o;
    uint64_t cur[8], tgt[8];
    unsigned o0[] = { 0 }, rest[] = { 1, 2, 3, 4, 5, 6, 7 };
    uint64_t a = tb_ste_addr(5);
    SmmumTearRecord *tr;

    tb_init(&b, mode_of(data));
    tb_ste_s2(cur, 1, TB_TTB_A);
    tb_poke_img(&b, a, cur);
    tb_inv_ste(&b, 5);
    tb_ste_s2(tgt, 2, TB_TTB_B);
    tb_store(&b, a, 0);
    tb_inv_ste(&b, 5);
    tb_store_words(&b, a, tgt, rest, 7);
    tb_inv_ste(&b, 5);
    tb_store_words(&b, a, tgt, o0, 1);
    tb_inv_ste(&b, 5);
    tb_txn(&b, 5, 0, false);

    replay_same(&b, &o);
    g_assert_cmpuint(tears(&o), ==, 0);
    tr = find(&o, SMMUM_TEAR_REC_TRANSITION, -1);
    g_assert_nonnull(tr);
    g_assert_false(tr->hitless);
    g_assert_cmpuint(tr->sync_count, ==, 3);
    out_free(&o);
    tb_destroy(&b);
}

/* ---- torn sequences ---- */

/* bypass -> S2 with V=1 throughout: Config=S2 with zero S2 words. */
static void test_torn_abort(gconstpointer data)
{
    TraceBuilder b;
    Out o;
    uint64_t cur[8], tgt[8];
    unsigned order[] = { 2, 3, 0 };
    uint64_t a = tb_ste_addr(8);
    SmmumTearRecord *r;

    tb_init(&b, mode_of(data));
    tb_ste_bypass(cur, 0);
    tb_poke_img(&b, a, cur);
    tb_inv_ste(&b, 8);
    tb_ste_s2(tgt, 1, TB_TTB_A);
    tb_store_words(&b, a, tgt, order, 3);
    tb_inv_ste(&b, 8);

    replay_same(&b, &o);
    r = find(&o, SMMUM_TEAR_REC_TEAR, SMMUM_TEAR_CLASS_ABORT);
    g_assert_nonnull(r);
    g_assert_cmpint(r->sev, ==, SMMUM_TEAR_SEV_MAJOR);
    g_assert_cmpint(r->view, ==, SMMUM_TEAR_VIEW_STE);
    g_assert_cmpuint(r->sid, ==, 8);
    g_assert_cmpuint(r->store.valid, ==, mode_of(data) == SMMUM_TEAR_STORE);
    out_free(&o);
    tb_destroy(&b);
}

/* S2 VMID 1 / TTB A -> VMID 2 / TTB B in one window: A's VMID, B's TTB. */
static void test_torn_translate(gconstpointer data)
{
    TraceBuilder b;
    Out o;
    uint64_t cur[8], tgt[8];
    unsigned order[] = { 2, 3 };
    uint64_t a = tb_ste_addr(9);

    tb_init(&b, mode_of(data));
    tb_ste_s2(cur, 1, TB_TTB_A);
    tb_poke_img(&b, a, cur);
    tb_inv_ste(&b, 9);
    tb_ste_s2(tgt, 2, TB_TTB_B);
    tb_store_words(&b, a, tgt, order, 2);
    tb_inv_ste(&b, 9);

    replay_same(&b, &o);
    g_assert_nonnull(find(&o, SMMUM_TEAR_REC_TEAR,
                          SMMUM_TEAR_CLASS_TRANSLATE));
    g_assert_cmpint(find(&o, SMMUM_TEAR_REC_TEAR, -1)->sev, ==,
                    SMMUM_TEAR_SEV_CRITICAL);
    out_free(&o);
    tb_destroy(&b);
}

/* A live CD's ASID and TTB0 changed in one window. */
static void test_torn_cd(gconstpointer data)
{
    TraceBuilder b;
    Out o;
    uint64_t ste[8], cd[8], cd2[8];
    unsigned order[] = { 1, 0 };
    SmmumTearRecord *r;

    tb_init(&b, mode_of(data));
    tb_cd(cd, 1, TB_TTB_A);
    tb_poke_img(&b, TB_CDT_A, cd);
    tb_ste_s1(ste, TB_CDT_A, 0, 0);
    tb_poke_img(&b, tb_ste_addr(4), ste);
    tb_inv_ste(&b, 4);
    tb_inv_cd(&b, 4, 0);
    tb_cd(cd2, 2, TB_TTB_B);
    tb_store_words(&b, TB_CDT_A, cd2, order, 2);
    tb_inv_cd(&b, 4, 0);

    replay_same(&b, &o);
    r = find(&o, SMMUM_TEAR_REC_TEAR, SMMUM_TEAR_CLASS_TRANSLATE);
    g_assert_nonnull(r);
    g_assert_cmpint(r->view, ==, SMMUM_TEAR_VIEW_CD);
    g_assert_cmpuint(r->sid, ==, 4);
    g_assert_cmpuint(r->ssid, ==, 0);
    out_free(&o);
    tb_destroy(&b);
}

/*
 * A live S2 entry briefly set to bypass and back between two syncs:
 * only the store feeder sees the bypass state; the sync feeder sees A and
 * B equal.  Both replays agree with their live checker.
 */
static void test_store_only(gconstpointer data)
{
    TraceBuilder b;
    Out o;
    uint64_t cur[8], byp[8];
    uint64_t a = tb_ste_addr(10);

    tb_init(&b, mode_of(data));
    tb_ste_s2(cur, 1, TB_TTB_A);
    tb_poke_img(&b, a, cur);
    tb_inv_ste(&b, 10);
    tb_ste_bypass(byp, 0);
    tb_cfgi(&b, SMMUM_CFGI_STE, 10, 0, true);
    tb_sync(&b);
    tb_store(&b, a, byp[0]);
    tb_store(&b, a, cur[0]);
    tb_inv_ste(&b, 10);

    replay_same(&b, &o);
    if (mode_of(data) == SMMUM_TEAR_STORE) {
        g_assert_nonnull(find(&o, SMMUM_TEAR_REC_TEAR,
                              SMMUM_TEAR_CLASS_BYPASS));
    } else {
        g_assert_cmpuint(tears(&o), ==, 0);
    }
    out_free(&o);
    tb_destroy(&b);
}

/* A cached bypass STE changed to abort, used before any CFGI. */
static void test_missing_inval(gconstpointer data)
{
    TraceBuilder b;
    Out o;
    uint64_t cur[8], tgt[8];
    uint64_t a = tb_ste_addr(11);
    SmmumTearRecord *r;

    tb_init(&b, SMMUM_TEAR_STORE);
    tb_ste_bypass(cur, 0);
    tb_poke_img(&b, a, cur);
    tb_fetch_ste(&b, 11);
    tb_txn(&b, 11, 0, false);
    tb_ste_abort(tgt);
    tb_store(&b, a, tgt[0]);
    tb_txn(&b, 11, 0, false);
    tb_txn(&b, 11, 0, false);

    replay_same(&b, &o);
    r = find(&o, SMMUM_TEAR_REC_MISSING_INVAL, -1);
    g_assert_nonnull(r);
    g_assert_cmpstr(r->reason, ==, "txn");
    g_assert_true(r->store.valid);
    g_assert_cmphex(r->store.pa, ==, a);
    out_free(&o);
    tb_destroy(&b);
}

/* A torn window still open at reset: judged, reported as unterminated. */
static void test_reset(gconstpointer data)
{
    TraceBuilder b;
    Out o;
    uint64_t cur[8], tgt[8];
    unsigned order[] = { 2, 3 };
    uint64_t a = tb_ste_addr(12);
    SmmumTearRecord *r;

    tb_init(&b, mode_of(data));
    tb_ste_s2(cur, 1, TB_TTB_A);
    tb_poke_img(&b, a, cur);
    tb_inv_ste(&b, 12);
    tb_cfgi(&b, SMMUM_CFGI_STE, 12, 0, true);
    tb_sync(&b);
    tb_ste_s2(tgt, 2, TB_TTB_B);
    tb_store_words(&b, a, tgt, order, 2);
    tb_cfgi(&b, SMMUM_CFGI_STE, 12, 0, true);
    tb_reset(&b);

    replay_same(&b, &o);
    r = find(&o, SMMUM_TEAR_REC_UNTERMINATED, -1);
    g_assert_nonnull(r);
    g_assert_cmpstr(r->reason, ==, "reset");
    g_assert_nonnull(find(&o, SMMUM_TEAR_REC_TEAR,
                          SMMUM_TEAR_CLASS_TRANSLATE));
    out_free(&o);
    tb_destroy(&b);
}

/*
 * DMA with SMMUEN=0 (one global-bypass record per run), then the table
 * enabled, an open torn window at an outgoing migration.
 */
static void test_bypass_migrate(gconstpointer data)
{
    TraceBuilder b;
    Out o;
    uint64_t cur[8], tgt[8];
    unsigned order[] = { 2, 3 };
    uint64_t a = tb_ste_addr(6);
    const char *text;
    SmmumTearRecord *r;

    tb_init(&b, mode_of(data));
    b.regs.smmuen = false;
    tb_tables_changed(&b);
    tb_global_bypass(&b, 6);            /* the first reads the clock */
    tb_global_bypass(&b, 6);
    tb_global_bypass(&b, 6);
    tb_global_bypass(&b, 7);
    b.regs.smmuen = true;
    tb_tables_changed(&b);
    tb_ste_s2(cur, 1, TB_TTB_A);
    tb_poke_img(&b, a, cur);
    tb_inv_ste(&b, 6);
    tb_cfgi(&b, SMMUM_CFGI_STE, 6, 0, true);
    tb_sync(&b);
    tb_ste_s2(tgt, 2, TB_TTB_B);
    tb_store_words(&b, a, tgt, order, 2);
    tb_cfgi(&b, SMMUM_CFGI_STE, 6, 0, true);
    tb_migrate(&b);

    replay_same(&b, &o);
    text = b.trace->str;
    /* runs of one stream are one record (unless the clock was read) */
    g_assert_nonnull(strstr(text, "{\"rec\":\"global-bypass\",\"sid\":6,"
                            "\"count\":2"));
    g_assert_nonnull(strstr(text, "\"rec\":\"regs\""));
    g_assert_nonnull(strstr(text, "{\"rec\":\"migrate\"}"));
    r = find(&o, SMMUM_TEAR_REC_GLOBAL_BYPASS, -1);
    g_assert_nonnull(r);
    g_assert_cmpuint(r->exposure, ==, 4);
    r = find(&o, SMMUM_TEAR_REC_UNTERMINATED, -1);
    g_assert_nonnull(r);
    g_assert_cmpstr(r->reason, ==, "migration");
    out_free(&o);
    tb_destroy(&b);
}

/* ---- hand-written traces ---- */

static void add(GString *s, const SmmumTraceRec *r)
{
    char *line = smmum_trace_rec_to_json(r);

    g_string_append_printf(s, "%s\n", line);
    g_free(line);
}

static SmmumTraceRec header_rec(SmmumTearMode mode)
{
    TraceBuilder b;
    SmmumTraceRec h = { .kind = SMMUM_TRACE_HEADER };

    tb_init(&b, mode);
    h.params.mode = mode;
    h.regs = b.regs;
    tb_destroy(&b);
    return h;
}

static void add_mem_img(GString *s, uint64_t pa, const uint64_t *img)
{
    SmmumTraceRec r = { .kind = SMMUM_TRACE_MEM, .pa = pa, .len = 64,
                        .ok = true };

    memcpy(r.w, img, 64);
    add(s, &r);
}

static void add_cfgi_sync(GString *s, uint32_t sid, uint64_t now)
{
    SmmumTraceRec c = { .kind = SMMUM_TRACE_CFGI, .has_now = true,
                        .now = now,
                        .cfgi = { .kind = SMMUM_CFGI_STE, .sid = sid,
                                  .leaf = true } };
    SmmumTraceRec y = { .kind = SMMUM_TRACE_SYNC, .has_now = true,
                        .now = now + 1 };

    add(s, &c);
    add(s, &y);
}

/*
 * A sync-mode trace nobody recorded: memory as "mem" records, an STE
 * whose VMID and TTB change together inside one window.
 */
static GString *handmade(void)
{
    GString *s = g_string_new(NULL);
    SmmumTraceRec h = header_rec(SMMUM_TEAR_SYNC);
    SmmumTraceRec ex = { .kind = SMMUM_TRACE_EXIT };
    uint64_t a = tb_ste_addr(7), img[8];

    add(s, &h);
    tb_ste_s2(img, 1, TB_TTB_A);
    add_mem_img(s, a, img);
    add_cfgi_sync(s, 7, 100);
    add_cfgi_sync(s, 7, 200);           /* window 1 starts with A */
    tb_ste_s2(img, 2, TB_TTB_B);
    add_mem_img(s, a, img);             /* VMID and TTB: two granules */
    add_cfgi_sync(s, 7, 300);           /* window 1 ends with B */
    add(s, &ex);
    return s;
}

static void test_handmade(void)
{
    GString *s = handmade();
    Out o;
    SmmumTearRecord *r;

    replay_text(s->str, 0, &o);
    r = find(&o, SMMUM_TEAR_REC_TEAR, SMMUM_TEAR_CLASS_TRANSLATE);
    g_assert_nonnull(r);
    g_assert_cmpuint(r->sid, ==, 7);
    g_assert_cmpuint(r->cmds[r->ncmds - 1].vcnt, ==, 301);
    g_assert_false(r->store.valid);
    out_free(&o);
    g_string_free(s, TRUE);
}

/* --stop-at: before the closing SYNC there is no tear yet. */
static void test_stop_at(void)
{
    GString *s = handmade();
    SmmumTraceFile *f = parse_ok(s->str);
    Out o;
    size_t sync_idx = f->recs->len - 2;     /* ..., cfgi, sync, exit */

    g_assert_cmpint(g_array_index(f->recs, SmmumTraceRec, sync_idx).kind,
                    ==, SMMUM_TRACE_SYNC);
    replay_text(s->str, sync_idx - 1, &o);
    g_assert_cmpuint(tears(&o), ==, 0);
    out_free(&o);
    replay_text(s->str, sync_idx, &o);
    g_assert_cmpuint(tears(&o), ==, 1);
    out_free(&o);
    smmum_trace_file_free(f);
    g_string_free(s, TRUE);
}

/* Every record kind survives encode -> decode -> encode. */
static void test_format_roundtrip(void)
{
    SmmumTraceRec recs[] = {
        header_rec(SMMUM_TEAR_STORE),
        { .kind = SMMUM_TRACE_MEM, .pa = 0x1008, .len = 12, .ok = true,
          .w = { 0x1122334455667788ULL, 0xaabbccddULL } },
        { .kind = SMMUM_TRACE_MEM, .pa = 0x2000, .len = 64, .ok = false },
        { .kind = SMMUM_TRACE_REGS, .has_gbpa = true, .gbpa = 0x100000,
          .regs = { .smmuen = true, .strtab_base = 0x4000,
                    .strtab_base_cfg = 0x10060 } },
        { .kind = SMMUM_TRACE_STORE, .pa = 0x1004, .size = 4,
          .data = 0xdeadbeef, .pc = 0xffff800080001234ULL, .cpu = 1,
          .vcnt = 77, .i128 = true },
        { .kind = SMMUM_TRACE_CFGI, .has_now = true, .now = 5,
          .cfgi = { .kind = SMMUM_CFGI_CD, .sid = 3, .ssid = 9,
                    .leaf = true },
          .has_cmd = true, .cmd = { 0x300000005ULL, 0x1 },
          .cmdq_cons = 0x80003 },
        { .kind = SMMUM_TRACE_CFGI,
          .cfgi = { .kind = SMMUM_CFGI_STE_RANGE, .sid = 32, .range = 4 } },
        { .kind = SMMUM_TRACE_SYNC, .has_now = true, .now = 6 },
        { .kind = SMMUM_TRACE_FETCH, .fetch = SMMUM_FETCH_L1CD, .sid = 2,
          .ssid = 70, .pa = 0x9000, .n = 1, .w = { 0x8001 } },
        { .kind = SMMUM_TRACE_PREFETCH, .sid = 2, .ssid = 1, .ssv = true,
          .count = 1 },
        { .kind = SMMUM_TRACE_TXN, .sid = 2, .ssid = 1, .ssv = true,
          .count = 12345 },
        { .kind = SMMUM_TRACE_TABLES },
        { .kind = SMMUM_TRACE_RESET },
        { .kind = SMMUM_TRACE_MIGRATE },
        { .kind = SMMUM_TRACE_GLOBAL_BYPASS, .sid = 8, .count = 3,
          .has_now = true, .now = 9 },
        { .kind = SMMUM_TRACE_EXIT },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(recs); i++) {
        char *a = smmum_trace_rec_to_json(&recs[i]), *b, *err = NULL;
        SmmumTraceRec back;

        g_assert_true(smmum_trace_rec_from_json(a, &back, &err));
        g_assert_null(err);
        g_assert_cmpint(back.kind, ==, recs[i].kind);
        b = smmum_trace_rec_to_json(&back);
        g_assert_cmpstr(a, ==, b);
        g_free(a);
        g_free(b);
    }
}

static void extra_cb(void *opaque, const char *line, size_t idx)
{
    g_ptr_array_add(opaque, g_strdup(line));
}

/* What a reader must refuse, and what it must skip. */
static void test_format_checks(void)
{
    GString *s = handmade();
    char *err = NULL, *text;
    SmmumTraceFile *f;
    Out o;

    /* a record kind of a later version: skipped, same findings */
    text = g_strdup_printf("%s{\"rec\":\"tlb-walk\",\"va\":\"0x1000\"}\n",
                           s->str);
    f = parse_ok(text);
    g_assert_cmpuint(f->unknown, ==, 1);
    smmum_trace_file_free(f);
    replay_text(text, 0, &o);
    g_assert_cmpuint(tears(&o), ==, 1);
    out_free(&o);
    g_free(text);

    /* another checker's records: written in order, handed back */
    {
        TraceBuilder b;
        SmmumTraceFile *tf;
        GPtrArray *got = g_ptr_array_new_with_free_func(g_free);
        char *again;

        tb_init(&b, SMMUM_TEAR_SYNC);
        tb_inv_ste(&b, 1);
        smmum_trace_write_extra(b.tr, "{\"rec\":\"maint-tlbi\",\"n\":1}");
        tb_inv_ste(&b, 1);
        tf = parse_ok(tb_finish(&b));
        g_assert_cmpuint(tf->unknown, ==, 1);
        smmum_replay_free(smmum_replay_run_extra(tf, NULL, 0, NULL, NULL,
                                                 extra_cb, got));
        g_assert_cmpuint(got->len, ==, 1);
        g_assert_cmpstr(g_ptr_array_index(got, 0), ==,
                        "{\"rec\":\"maint-tlbi\",\"n\":1}");
        again = smmum_trace_file_to_text(tf, NULL);
        g_assert_cmpstr(again, ==, b.trace->str);
        g_free(again);
        smmum_trace_file_free(tf);
        g_ptr_array_free(got, TRUE);
        tb_destroy(&b);
    }
    /* another version */
    g_assert_null(smmum_trace_parse("{\"rec\":\"header\",\"version\":2}\n",
                                    &err));
    g_assert_nonnull(strstr(err, "version 2"));
    g_free(err);
    /* no header first */
    g_assert_null(smmum_trace_parse("{\"rec\":\"sync\"}\n", &err));
    g_assert_nonnull(strstr(err, "line 1"));
    g_free(err);
    /* a broken line is named */
    text = g_strdup_printf("%s{\"rec\":\"store\",\"pa\":\"0x10\"}\n", s->str);
    g_assert_null(smmum_trace_parse(text, &err));
    g_assert_nonnull(strstr(err, "missing member \"size\""));
    g_assert_nonnull(strstr(err, "line 11"));
    g_free(err);
    g_free(text);
    text = g_strdup_printf("%snot json\n", s->str);
    g_assert_null(smmum_trace_parse(text, &err));
    g_assert_nonnull(strstr(err, "line 11"));
    g_free(err);
    g_free(text);
    g_assert_null(smmum_trace_parse("", &err));
    g_free(err);
    g_string_free(s, TRUE);
}

/* The memory model: partial words, aborts, stores. */
static void test_mem_model(void)
{
    SmmumTraceMem *m = smmum_trace_mem_new();
    uint8_t buf[16], want[16];

    memset(want, 0xab, sizeof(want));
    g_assert_false(smmum_trace_mem_agrees(m, 0x100, want, 16, true));
    smmum_trace_mem_set(m, 0x104, want, 8, true);
    g_assert_true(smmum_trace_mem_agrees(m, 0x104, want, 8, true));
    /* bytes 0x100..0x103 were never said: not known, reads fail */
    g_assert_false(smmum_trace_mem_agrees(m, 0x100, want, 8, true));
    g_assert_false(smmum_trace_mem_read(m, 0x100, buf, 8));
    g_assert_true(smmum_trace_mem_read(m, 0x104, buf, 8));
    g_assert_cmphex(buf[0], ==, 0xab);
    smmum_trace_mem_store(m, 0x106, 2, 0x1234);
    g_assert_true(smmum_trace_mem_read(m, 0x104, buf, 4));
    g_assert_cmphex(buf[2], ==, 0x34);
    g_assert_cmphex(buf[3], ==, 0x12);
    g_assert_false(smmum_trace_mem_agrees(m, 0x104, want, 8, true));
    smmum_trace_mem_set(m, 0x200, NULL, 8, false);
    g_assert_false(smmum_trace_mem_read(m, 0x200, buf, 8));
    g_assert_true(smmum_trace_mem_agrees(m, 0x200, buf, 8, false));
    g_assert_false(smmum_trace_mem_agrees(m, 0x104, buf, 8, false));
    smmum_trace_mem_free(m);
}

/* ---- the whole core: commands as consumed, registers ---- */

static void core_tear_regs(void *opaque, SmmumTearRegs *regs)
{
    Fx *f = opaque;

    smmum_tear_regs_from_core(&f->core, regs);
}

static bool core_tear_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    Fx *f = opaque;

    fake_read(&f->mem, pa, buf, len);
    return true;
}

static GPtrArray *core_live;       /* the live checker's findings */

static void live_cb(void *opaque, const SmmumTearRecord *r)
{
    g_ptr_array_add(core_live, smmum_tear_record_to_json(r));
}

static void trace_sink(void *opaque, const char *line)
{
    g_string_append_printf(opaque, "%s\n", line);
}

/*
 * The recorder on a real core: CFGI and SYNC records carry the command's
 * bytes and CONS, register changes arrive as "regs", and the replay
 * matches the live checker.
 */
static void test_core(void)
{
    Fx f;
    GPtrArray *live = g_ptr_array_new_with_free_func(g_free);
    GString *text = g_string_new(NULL);
    SmmumTearParams p = { .mode = SMMUM_TEAR_SYNC };
    SmmumTearHost h = { .opaque = &f, .read = core_tear_read,
                        .record = live_cb };
    SmmumTearRegs regs;
    SmmumTrace *tr;
    SmmumTear *t;
    SmmumObserver obs;
    SmmumTraceFile *tf;
    Out o;
    bool saw_cmd = false, saw_regs = false;
    unsigned nsync = 0;
    uint64_t ste = STRTAB_PA + 64 * 2;

    fx_init(&f);
    core_live = live;
    h.get_regs = core_tear_regs;
    smmum_tear_regs_from_core(&f.core, &regs);
    tr = smmum_trace_new(&p, &regs, NULL, trace_sink, text);
    smmum_trace_wrap_host(tr, &h);
    t = smmum_tear_new(&p, &h);
    smmum_tear_observer(t, &obs);
    smmum_trace_attach(tr, t, &obs);
    smmum_trace_set_core(tr, &f.core);
    smmum_core_set_observer(&f.core, &obs);

    fx_queues(&f, 4, 4);
    fx_linear_strtab(&f, 4);
    fx_enable(&f);
    for (unsigned i = 0; i < 8; i++) {
        fake_write64(&f.mem, ste + 8 * i, 0);
    }
    fake_write64(&f.mem, ste, 1 | (4ULL << 1));     /* V, bypass */
    fx_cmd(&f, SMMUM_CMD_CFGI_STE | (2ULL << 32), 1);
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    fake_write64(&f.mem, ste, 1 | (6ULL << 1));     /* V, S2, no S2 */
    fx_cmd(&f, SMMUM_CMD_CFGI_STE | (2ULL << 32), 1);
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    smmum_trace_finish(tr);
    smmum_trace_free(tr);

    tf = parse_ok(text->str);
    for (guint i = 0; i < tf->recs->len; i++) {
        SmmumTraceRec *r = &g_array_index(tf->recs, SmmumTraceRec, i);

        if (r->kind == SMMUM_TRACE_CFGI) {
            g_assert_true(r->has_cmd);
            g_assert_cmphex(r->cmd[0] & 0xff, ==, SMMUM_CMD_CFGI_STE);
            g_assert_cmpuint(r->cmd[0] >> 32, ==, 2);
            g_assert_cmpuint(r->cfgi.sid, ==, 2);
            saw_cmd = true;
        }
        if (r->kind == SMMUM_TRACE_SYNC) {
            g_assert_true(r->has_cmd);
            g_assert_cmphex(r->cmd[0] & 0xff, ==, 0x46);
            /* CFGI, SYNC, CFGI, SYNC: the SYNCs at 1 and 3 */
            g_assert_cmpuint(r->cmdq_cons & 0xf, ==, 2 * nsync++ + 1);
        }
        if (r->kind == SMMUM_TRACE_REGS && r->regs.smmuen) {
            g_assert_cmphex(r->regs.strtab_base, ==, STRTAB_PA);
            g_assert_true(r->has_gbpa);
            saw_regs = true;
        }
    }
    g_assert_true(saw_cmd);
    g_assert_true(saw_regs);
    smmum_trace_file_free(tf);

    replay_text(text->str, 0, &o);
    g_assert_cmpuint(o.json->len, ==, live->len);
    g_assert_cmpuint(o.json->len, >, 0);
    for (guint i = 0; i < o.json->len; i++) {
        g_assert_cmpstr(g_ptr_array_index(o.json, i), ==,
                        g_ptr_array_index(live, i));
    }
    out_free(&o);
    smmum_tear_free(t);
    fx_destroy(&f);
    g_ptr_array_free(live, TRUE);
    g_string_free(text, TRUE);
}

/* ---- delta debugging ---- */

/* Clean updates of other StreamIDs and DMA around one torn update. */
static const char *noisy(TraceBuilder *b)
{
    uint64_t img[8], tgt[8];
    unsigned order[] = { 2, 3 };

    tb_init(b, SMMUM_TEAR_STORE);
    for (unsigned sid = 20; sid < 26; sid++) {
        tb_ste_s2(img, sid, TB_TTB_A);
        tb_poke_img(b, tb_ste_addr(sid), img);
        tb_inv_ste(b, sid);
        tb_txn(b, sid, 0, false);
    }
    tb_ste_s2(img, 1, TB_TTB_A);
    tb_poke_img(b, tb_ste_addr(9), img);
    tb_inv_ste(b, 9);
    for (unsigned sid = 20; sid < 26; sid++) {
        tb_ste_s2(img, sid + 100, TB_TTB_B);
        tb_store(b, tb_ste_addr(sid), 0);
        tb_inv_ste(b, sid);
        tb_store(b, tb_ste_addr(sid) + 16, img[2]);
        tb_inv_ste(b, sid);
        tb_store(b, tb_ste_addr(sid), img[0]);
        tb_inv_ste(b, sid);
        if (sid == 22) {
            tb_ste_s2(tgt, 2, TB_TTB_B);
            tb_store_words(b, tb_ste_addr(9), tgt, order, 2);
        }
        tb_txn(b, sid, 0, false);
    }
    tb_inv_ste(b, 9);
    tb_txn(b, 9, 0, false);
    return tb_finish(b);
}

static void test_minimise(void)
{
    TraceBuilder b;
    SmmumTraceFile *f = parse_ok(noisy(&b));
    SmmumTearRecord target;
    Out o;
    unsigned runs, kept = 0;
    bool *keep;
    bool found = false;

    out_init(&o);
    smmum_replay_free(smmum_replay_run(f, NULL, 0, out_cb, &o));
    for (guint i = 0; i < o.recs->len && !found; i++) {
        target = g_array_index(o.recs, SmmumTearRecord, i);
        found = target.type == SMMUM_TEAR_REC_TEAR;
    }
    g_assert_true(found);
    g_assert_cmpuint(target.sid, ==, 9);
    g_assert_cmpint(target.cls, ==, SMMUM_TEAR_CLASS_TRANSLATE);
    out_free(&o);

    keep = smmum_replay_minimise(f, &target, 5000, &runs);
    g_assert_nonnull(keep);
    g_assert_cmpuint(runs, <, 5000);
    for (guint i = 1; i < f->recs->len; i++) {
        kept += keep[i];
    }
    g_test_message("minimised %u -> %u records in %u replays",
                   f->recs->len - 1, kept, runs);
    g_assert_cmpuint(kept, <, (f->recs->len - 1) / 4);
    g_assert_cmpuint(kept, >=, 3);      /* mem, a store, its close */
    /* the finding is still made ... */
    out_init(&o);
    smmum_replay_free(smmum_replay_run(f, keep, 0, out_cb, &o));
    found = false;
    for (guint i = 0; i < o.recs->len; i++) {
        found |= smmum_replay_same_finding(&g_array_index(o.recs,
                                           SmmumTearRecord, i), &target);
    }
    g_assert_true(found);
    out_free(&o);
    /* ... and every kept record is needed for it (1-minimal) */
    for (guint i = 1; i < f->recs->len; i++) {
        if (!keep[i]) {
            continue;
        }
        keep[i] = false;
        out_init(&o);
        smmum_replay_free(smmum_replay_run(f, keep, 0, out_cb, &o));
        found = false;
        for (guint k = 0; k < o.recs->len; k++) {
            found |= smmum_replay_same_finding(&g_array_index(o.recs,
                                               SmmumTearRecord, k), &target);
        }
        g_assert_false(found);
        out_free(&o);
        keep[i] = true;
    }
    /* a finding the trace never makes */
    target.sid = 200;
    g_assert_null(smmum_replay_minimise(f, &target, 50, &runs));
    g_free(keep);
    smmum_trace_file_free(f);
    tb_destroy(&b);
}

/* ---- the tool ---- */

static char *run_tool(const char *const *args, int *status, char **err)
{
    const char *tool = g_getenv("SMMUM_REPLAY");
    GPtrArray *argv = g_ptr_array_new();
    char *out = NULL;
    GError *gerr = NULL;

    g_ptr_array_add(argv, (gpointer)tool);
    for (unsigned i = 0; args[i]; i++) {
        g_ptr_array_add(argv, (gpointer)args[i]);
    }
    g_ptr_array_add(argv, NULL);
    g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, 0, NULL,
                               NULL, &out, err, status, &gerr));
    g_ptr_array_free(argv, TRUE);
    return out;
}

static void test_tool(void)
{
    TraceBuilder b;
    const char *text;
    char *dir, *trace, *minp, *out, *err, *live;
    int status;
    GString *want = g_string_new(NULL);

    if (!g_getenv("SMMUM_REPLAY")) {
        g_test_skip("SMMUM_REPLAY (the tool's path) is not set");
        return;
    }
    dir = g_dir_make_tmp("smmum-replay-XXXXXX", NULL);
    g_assert_nonnull(dir);
    trace = g_build_filename(dir, "trace.jsonl", NULL);
    minp = g_build_filename(dir, "min.jsonl", NULL);
    text = noisy(&b);
    g_assert_true(g_file_set_contents(trace, text, -1, NULL));
    for (guint i = 0; i < b.live->len; i++) {
        g_string_append_printf(want, "%s\n",
                               (char *)g_ptr_array_index(b.live, i));
    }
    live = g_string_free(want, FALSE);

    {
        const char *args[] = { trace, NULL };

        out = run_tool(args, &status, &err);
        g_assert_true(g_spawn_check_wait_status(status, NULL));
        g_assert_cmpstr(out, ==, live);
        g_assert_nonnull(strstr(err, "made at trace line"));
        g_free(out);
        g_free(err);
    }
    {
        const char *args[] = { "--state", "-o", "-", trace, NULL };

        out = run_tool(args, &status, &err);
        g_assert_true(g_spawn_check_wait_status(status, NULL));
        g_assert_cmpstr(out, ==, "");
        g_assert_nonnull(strstr(err, "checker state after line"));
        g_assert_nonnull(strstr(err, "ste   sid 9"));
        g_free(out);
        g_free(err);
    }
    {
        /* the default: the first problem (the missing invalidation) */
        const char *args[] = { "--minimise", minp, "-o", "-", trace, NULL };
        const char *args2[] = { "-q", minp, NULL };

        out = run_tool(args, &status, &err);
        g_assert_true(g_spawn_check_wait_status(status, NULL));
        g_assert_nonnull(strstr(err, "minimised:"));
        g_free(out);
        g_free(err);
        out = run_tool(args2, &status, &err);
        g_assert_true(g_spawn_check_wait_status(status, NULL));
        g_assert_nonnull(strstr(out, "\"type\":\"missing-invalidation\""));
        g_assert_null(strstr(out, "\"type\":\"tear\""));
        g_free(out);
        g_free(err);
    }
    {
        /* --finding N: the tear */
        guint n = 0;
        char *num;

        while (n < b.live->len &&
               !strstr(g_ptr_array_index(b.live, n), "\"type\":\"tear\"")) {
            n++;
        }
        g_assert_cmpuint(n, <, b.live->len);
        num = g_strdup_printf("%u", n + 1);
        {
            const char *args[] = { "--minimise", minp, "--finding", num,
                                   "-o", "-", trace, NULL };
            const char *args2[] = { "-q", minp, NULL };

            out = run_tool(args, &status, &err);
            g_assert_true(g_spawn_check_wait_status(status, NULL));
            g_free(out);
            g_free(err);
            out = run_tool(args2, &status, &err);
            g_assert_true(g_spawn_check_wait_status(status, NULL));
            g_assert_nonnull(strstr(out, "\"type\":\"tear\",\"class\":"
                                    "\"translate\""));
            g_assert_nonnull(strstr(out, "\"sid\":9"));
            g_free(out);
            g_free(err);
        }
        g_free(num);
    }
    {
        /* a trace cut short (QEMU killed): --finish judges its end */
        TraceBuilder c;
        uint64_t img[8], tgt[8];
        unsigned order[] = { 2, 3 };
        const char *ctext;
        char *cut, *clive;
        GString *cl = g_string_new(NULL);
        const char *args[] = { "-q", trace, NULL };
        const char *args2[] = { "-q", "--finish", trace, NULL };

        tb_init(&c, SMMUM_TEAR_STORE);
        tb_ste_s2(img, 1, TB_TTB_A);
        tb_poke_img(&c, tb_ste_addr(3), img);
        tb_inv_ste(&c, 3);
        tb_cfgi(&c, SMMUM_CFGI_STE, 3, 0, true);
        tb_sync(&c);
        tb_ste_s2(tgt, 2, TB_TTB_B);
        tb_store_words(&c, tb_ste_addr(3), tgt, order, 2);
        ctext = tb_finish(&c);
        for (guint i = 0; i < c.live->len; i++) {
            g_string_append_printf(cl, "%s\n",
                                   (char *)g_ptr_array_index(c.live, i));
        }
        clive = g_string_free(cl, FALSE);
        g_assert_nonnull(strstr(clive, "\"reason\":\"exit\""));
        g_assert_true(g_str_has_suffix(ctext, "{\"rec\":\"exit\"}\n"));
        cut = g_strndup(ctext, strlen(ctext) -
                        strlen("{\"rec\":\"exit\"}\n"));
        g_assert_true(g_file_set_contents(trace, cut, -1, NULL));
        out = run_tool(args, &status, &err);
        g_assert_true(g_spawn_check_wait_status(status, NULL));
        g_assert_null(strstr(out, "\"reason\":\"exit\""));
        g_free(out);
        g_free(err);
        out = run_tool(args2, &status, &err);
        g_assert_true(g_spawn_check_wait_status(status, NULL));
        g_assert_true(!strcmp(out, clive));
        g_free(out);
        g_free(err);
        g_free(cut);
        g_free(clive);
        tb_destroy(&c);
    }
    {
        const char *args[] = { "--stop-at", "0x", trace, NULL };
        const char *args2[] = { "/nonexistent/trace", NULL };

        out = run_tool(args, &status, &err);
        g_assert_false(g_spawn_check_wait_status(status, NULL));
        g_free(out);
        g_free(err);
        out = run_tool(args2, &status, &err);
        g_assert_false(g_spawn_check_wait_status(status, NULL));
        g_assert_nonnull(strstr(err, "/nonexistent/trace"));
        g_free(out);
        g_free(err);
    }
    unlink(trace);
    unlink(minp);
    rmdir(dir);
    g_free(trace);
    g_free(minp);
    g_free(dir);
    g_free(live);
    tb_destroy(&b);
}

static void add_both(const char *name, GTestDataFunc fn)
{
    char *p = g_strdup_printf("/replay/sync/%s", name);

    g_test_add_data_func(p, GINT_TO_POINTER(SMMUM_TEAR_SYNC), fn);
    g_free(p);
    p = g_strdup_printf("/replay/store/%s", name);
    g_test_add_data_func(p, GINT_TO_POINTER(SMMUM_TEAR_STORE), fn);
    g_free(p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_both("hitless", test_hitless);
    add_both("breaking", test_breaking);
    add_both("torn-abort", test_torn_abort);
    add_both("torn-translate", test_torn_translate);
    add_both("torn-cd", test_torn_cd);
    add_both("store-only", test_store_only);
    add_both("reset", test_reset);
    add_both("global-bypass-migrate", test_bypass_migrate);
    g_test_add_data_func("/replay/store/missing-invalidation",
                         GINT_TO_POINTER(SMMUM_TEAR_STORE),
                         test_missing_inval);
    g_test_add_func("/replay/handmade", test_handmade);
    g_test_add_func("/replay/stop-at", test_stop_at);
    g_test_add_func("/replay/format/roundtrip", test_format_roundtrip);
    g_test_add_func("/replay/format/checks", test_format_checks);
    g_test_add_func("/replay/mem-model", test_mem_model);
    g_test_add_func("/replay/core", test_core);
    g_test_add_func("/replay/minimise", test_minimise);
    g_test_add_func("/replay/tool", test_tool);
    return g_test_run();
}
