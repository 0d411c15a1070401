/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: the maintenance checker through the tear checker's trace
 * format.  Each sequence runs on a live maintenance checker behind its
 * recorder (trace-builder.c: the real walker and IOTLB on fake memory
 * feed it as the core does); the trace is then replayed through fresh
 * checkers (smmum-maint-replay.c), which must write exactly the live
 * report, and the replayed report is asserted: the clean sequences a
 * correct io-pgtable driver makes report nothing, each finding kind is
 * reported.  Then a whole core with both checkers recorded, replayed
 * in-process and by the smmum-replay tool, byte for byte; and the
 * format's checks.
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "core-helpers.h"
#include "smmum-maint-trace.h"
#include "smmum-regs.h"
#include "trace-builder.h"

#define D_PAGE      (D_TABLE | D_AF | D_AP1 | D_NG)
#define ATTRS       (D_AP1 | D_NG)
#define D_NT        (1ULL << 16)

#define VA          0x10000000ULL   /* 2 MiB aligned */
#define PA_A        0x80000000ULL
#define PA_B        0x81000000ULL
#define ASID        5
#define SID         1

/* ---- replaying ---- */

static void tear_cb(void *opaque, const SmmumTearRecord *r, size_t idx)
{
    g_ptr_array_add(opaque, smmum_tear_record_to_json(r));
}

static void maint_cb(void *opaque, const SmmumMaintRecord *r, size_t idx)
{
    g_ptr_array_add(opaque, smmum_maint_record_to_json(r));
}

static void summary_cb(void *opaque, const SmmumMaintCounters *c,
                       size_t idx)
{
    g_ptr_array_add(opaque, smmum_maint_summary_to_json(c));
}

/* Replay a trace's text through both checkers: the report's lines. */
static GPtrArray *replay_text(const char *text)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    char *err = NULL;
    SmmumTraceFile *f = smmum_trace_parse(text, &err);

    if (!f) {
        g_test_message("trace rejected: %s", err);
    }
    g_assert_nonnull(f);
    if (!smmum_maint_replay_file(f, tear_cb, maint_cb, summary_cb, out,
                                 &err)) {
        g_test_message("replay failed: %s", err);
        g_assert_not_reached();
    }
    smmum_trace_file_free(f);
    return out;
}

/*
 * Finish b, replay its trace: the live report, line for line.  The
 * findings (the last line, the summary, checked and dropped).
 */
static GPtrArray *replay_same(TraceBuilder *b)
{
    const char *text = tb_finish(b);
    GPtrArray *out;

    g_assert_nonnull(strstr(text, "\"rec\":\"maint-header\""));
    g_assert_nonnull(strstr(text, "\"rec\":\"maint-exit\""));
    out = replay_text(text);
    g_assert_cmpuint(out->len, ==, b->live->len);
    for (guint i = 0; i < out->len; i++) {
        g_assert_cmpstr(g_ptr_array_index(out, i), ==,
                        g_ptr_array_index(b->live, i));
    }
    g_assert_cmpuint(out->len, >=, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(out, out->len - 1),
                            "\"type\":\"maint-summary\""));
    g_ptr_array_remove_index(out, out->len - 1);
    return out;
}

/* A member of report line i. */
static JsonObject *line_obj(GPtrArray *out, guint i, JsonParser *p)
{
    g_assert_cmpuint(i, <, out->len);
    g_assert_true(json_parser_load_from_data(p, g_ptr_array_index(out, i),
                                             -1, NULL));
    return json_node_get_object(json_parser_get_root(p));
}

/* The report is exactly one record, of type type: its object. */
static JsonObject *expect_one(GPtrArray *out, const char *type,
                              const char *severity, JsonParser *p)
{
    JsonObject *o;

    g_assert_cmpuint(out->len, ==, 1);
    o = line_obj(out, 0, p);
    g_assert_cmpstr(json_object_get_string_member(o, "type"), ==, type);
    g_assert_cmpstr(json_object_get_string_member(o, "severity"), ==,
                    severity);
    return o;
}

/* ---- building ---- */

typedef struct Tx {
    TraceBuilder b;
    uint64_t root;
    GPtrArray *out;
    JsonParser *p;
} Tx;

static void tx_init_full(Tx *x, unsigned bbml, const char *checks,
                         bool conflict)
{
    tb_init(&x->b, SMMUM_TEAR_SYNC);
    tb_maint_init(&x->b, bbml, checks, conflict);
    x->root = tb_alloc_table(&x->b);
    tb_maint_ctx(&x->b, SID, ASID, x->root);
    x->out = NULL;
    x->p = json_parser_new();
}

static void tx_init(Tx *x)
{
    tx_init_full(x, 0, NULL, false);
}

static void tx_replay(Tx *x)
{
    x->out = replay_same(&x->b);
}

static void tx_destroy(Tx *x)
{
    if (x->out) {
        g_ptr_array_free(x->out, TRUE);
    }
    g_object_unref(x->p);
    tb_destroy(&x->b);
}

static void map(Tx *x, int level, uint64_t va, uint64_t pa, uint64_t attrs)
{
    tb_pt_map(&x->b, x->root, level, va, pa, ATTRS | attrs);
}

static uint64_t leaf(Tx *x, uint64_t va)
{
    return tb_pt_slot(&x->b, x->root, 3, va);
}

static void dma_ok(Tx *x, uint64_t va, uint64_t pa)
{
    uint64_t got = 0;

    g_assert_true(tb_dma(&x->b, SID, va, &got));
    g_assert_cmphex(got, ==, pa);
}

static void dma_fault(Tx *x, uint64_t va)
{
    uint64_t got;

    g_assert_false(tb_dma(&x->b, SID, va, &got));
}

static void tlbi(Tx *x, SmmumTlbi t)
{
    tb_tlbi(&x->b, &t);
}

static void tlbi_va(Tx *x, uint16_t asid, uint64_t va, bool leaf_only)
{
    tlbi(x, (SmmumTlbi) { .opcode = SMMUM_TLBI_NH_VA, .asid = asid,
                          .addr = va, .leaf = leaf_only });
}

static void do_sync(Tx *x)
{
    tb_maint_sync(&x->b);
}

/* ---- clean sequences: nothing to report ---- */

static void expect_clean(Tx *x)
{
    tx_replay(x);
    g_assert_cmpuint(x->out->len, ==, 0);
}

/* io-pgtable strict unmap: clear the PTE, TLBI_NH_VA (Leaf) + SYNC. */
static void test_clean_strict(void)
{
    Tx x;

    tx_init(&x);
    map(&x, 3, VA, PA_A, 0);
    map(&x, 3, VA + 0x1000, PA_A + 0x1000, 0);
    dma_ok(&x, VA + 0x10, PA_A + 0x10);
    dma_ok(&x, VA + 0x20, PA_A + 0x20);
    dma_ok(&x, VA + 0x20, PA_A + 0x20);             /* a run of hits */
    dma_ok(&x, VA + 0x1000, PA_A + 0x1000);
    tb_poke(&x.b, leaf(&x, VA), 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    dma_fault(&x, VA);
    dma_ok(&x, VA + 0x1000, PA_A + 0x1000);
    expect_clean(&x);
    g_assert_nonnull(strstr(x.b.trace->str, "\"count\":2"));
    tx_destroy(&x);
}

/* DMA-FQ: unmap without TLBI, the deferred TLBI_NH_ASID + SYNC. */
static void test_clean_fq(void)
{
    Tx x;

    tx_init(&x);
    for (unsigned i = 0; i < 4; i++) {
        map(&x, 3, VA + i * 0x1000, PA_A + i * 0x1000, 0);
        dma_ok(&x, VA + i * 0x1000, PA_A + i * 0x1000);
    }
    for (unsigned i = 0; i < 4; i++) {
        tb_poke(&x.b, leaf(&x, VA + i * 0x1000), 0);
    }
    tlbi_va(&x, ASID, VA + 0x100000, true);         /* unrelated */
    do_sync(&x);
    tlbi(&x, (SmmumTlbi) { .opcode = SMMUM_TLBI_NH_ASID, .asid = ASID });
    do_sync(&x);
    for (unsigned i = 0; i < 4; i++) {
        dma_fault(&x, VA + i * 0x1000);
    }
    expect_clean(&x);
    tx_destroy(&x);
}

/* Range invalidation (RIL): TG=4K, TTL=3, NUM=3 covers four pages. */
static void test_clean_range(void)
{
    Tx x;

    tx_init(&x);
    for (unsigned i = 0; i < 4; i++) {
        map(&x, 3, VA + i * 0x1000, PA_A + i * 0x1000, 0);
        dma_ok(&x, VA + i * 0x1000, PA_A + i * 0x1000);
        tb_poke(&x.b, leaf(&x, VA + i * 0x1000), 0);
    }
    tlbi(&x, (SmmumTlbi) { .opcode = SMMUM_TLBI_NH_VA, .asid = ASID,
                           .addr = VA, .leaf = true, .tg = 1, .ttl = 3,
                           .num = 3 });
    do_sync(&x);
    for (unsigned i = 0; i < 4; i++) {
        dma_fault(&x, VA + i * 0x1000);
    }
    expect_clean(&x);
    tx_destroy(&x);
}

/* A block split into a table of the same pages, break-before-make. */
static uint64_t split_table(Tx *x)
{
    uint64_t l3 = tb_alloc_table(&x->b);

    for (unsigned i = 0; i < 512; i++) {
        tb_poke(&x->b, l3 + i * 8, (PA_A + i * 0x1000) | D_PAGE);
    }
    return l3 | D_TABLE;
}

static void test_clean_split_bbm(void)
{
    Tx x;
    uint64_t blk, table;

    tx_init(&x);
    map(&x, 2, VA, PA_A, 0);
    dma_ok(&x, VA + 0x3000, PA_A + 0x3000);
    blk = tb_pt_slot(&x.b, x.root, 2, VA);
    table = split_table(&x);
    tb_poke(&x.b, blk, 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    tb_poke(&x.b, blk, table);
    dma_ok(&x, VA + 0x3000, PA_A + 0x3000);
    dma_ok(&x, VA + 0x5000, PA_A + 0x5000);
    expect_clean(&x);
    tx_destroy(&x);
}

/*
 * HTTU: the walk sets the access flag (a compare-and-swap the trace
 * records with its answer); the checker adopts the updated descriptor,
 * so the strict unmap after it is clean.
 */
static void test_clean_httu(void)
{
    Tx x;

    tx_init(&x);
    x.b.ctx[SID].cfg.s1p.ha = true;
    map(&x, 3, VA, PA_A, 0);
    tb_poke(&x.b, leaf(&x, VA), (PA_A | D_PAGE) & ~D_AF);
    dma_ok(&x, VA, PA_A);
    g_assert_cmphex(fake_read64(&x.b.mem, leaf(&x, VA)), ==, PA_A | D_PAGE);
    dma_ok(&x, VA + 4, PA_A + 4);
    tb_poke(&x.b, leaf(&x, VA), 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    dma_fault(&x, VA);
    expect_clean(&x);
    g_assert_nonnull(strstr(x.b.trace->str, "\"ha\":true"));
    /* [pa, expect, new, seen]: the swap that set AF */
    g_assert_nonnull(strstr(x.b.trace->str, "\"0x80000843\",\"0x80000c43\","
                            "\"0x80000843\"]"));
    tx_destroy(&x);
}

/* ---- findings ---- */

/* Two pages cached, the second unmapped, tlbi t + SYNC, DMA to it. */
static void stale_case(SmmumTlbi t, const char *why)
{
    Tx x;
    JsonObject *o;
    JsonArray *missed;

    tx_init(&x);
    map(&x, 3, VA, PA_A, 0);
    map(&x, 3, VA + 0x1000, PA_A + 0x1000, 0);
    dma_ok(&x, VA, PA_A);
    dma_ok(&x, VA + 0x1000, PA_A + 0x1000);
    tb_poke(&x.b, leaf(&x, VA + 0x1000), 0);
    tlbi(&x, t);
    do_sync(&x);
    dma_ok(&x, VA + 0x1000, PA_A + 0x1000);         /* stale */
    dma_ok(&x, VA + 0x1004, PA_A + 0x1004);
    tx_replay(&x);
    o = expect_one(x.out, "stale-translation", "critical", x.p);
    g_assert_cmpint(json_object_get_int_member(o, "exposure_after_tlbi"),
                    ==, 2);
    g_assert_cmpstr(json_object_get_string_member(o, "reason"), ==, "exit");
    missed = json_object_get_array_member(o, "missed_tlbis");
    g_assert_cmpuint(json_array_get_length(missed), ==, 1);
    missed = json_object_get_array_member(
        json_array_get_object_element(missed, 0), "missed_because");
    g_assert_cmpuint(json_array_get_length(missed), ==, 1);
    g_assert_cmpstr(json_array_get_string_element(missed, 0), ==, why);
    tx_destroy(&x);
}

static void test_stale_asid(void)
{
    /* ASID 9 is nobody's: the TLBI was meant for ASID 5's page. */
    stale_case((SmmumTlbi) { .opcode = SMMUM_TLBI_NH_VA, .asid = 9,
                             .addr = VA + 0x1000, .leaf = true }, "asid");
}

static void test_stale_vmid(void)
{
    /* VMID 7 has nothing cached: meant for VMID 0's stage-1 page. */
    stale_case((SmmumTlbi) { .opcode = SMMUM_TLBI_NH_VA, .asid = ASID,
                             .vmid = 7, .addr = VA + 0x1000, .leaf = true },
               "vmid");
}

static void test_stale_ttl(void)
{
    stale_case((SmmumTlbi) { .opcode = SMMUM_TLBI_NH_VA, .asid = ASID,
                             .addr = VA + 0x1000, .leaf = true, .tg = 1,
                             .ttl = 2 }, "ttl");
}

static void test_stale_tg(void)
{
    stale_case((SmmumTlbi) { .opcode = SMMUM_TLBI_NH_VA, .asid = ASID,
                             .addr = VA + 0x1000, .leaf = true, .tg = 2,
                             .ttl = 3 }, "tg");
}

static void test_stale_range(void)
{
    /* NUM=0 names one page: the unmapped one is just past it. */
    stale_case((SmmumTlbi) { .opcode = SMMUM_TLBI_NH_VA, .asid = ASID,
                             .addr = VA, .leaf = true, .tg = 1, .ttl = 3 },
               "address");
}

static void test_stale_stage(void)
{
    stale_case((SmmumTlbi) { .opcode = SMMUM_TLBI_S2_IPA,
                             .addr = VA + 0x1000, .leaf = true }, "stage");
}

/* A page unmapped while cached, and DMA served from it. */
static void unmap_then_dma(Tx *x)
{
    map(x, 3, VA, PA_A, 0);
    dma_ok(x, VA, PA_A);
    tb_poke(&x->b, leaf(x, VA), 0);
    dma_ok(x, VA + 8, PA_A + 8);
}

static void test_missing(void)
{
    Tx x;
    JsonObject *o;

    tx_init(&x);
    unmap_then_dma(&x);
    tlbi_va(&x, ASID, VA + 0x200000, true);         /* unrelated */
    do_sync(&x);
    dma_ok(&x, VA + 16, PA_A + 16);
    tx_replay(&x);
    o = expect_one(x.out, "missing-tlb-maintenance", "major", x.p);
    g_assert_cmpint(json_object_get_int_member(o, "exposure"), ==, 2);
    g_assert_cmpstr(json_object_get_string_member(o, "detected"), ==, "hit");
    g_assert_cmpstr(json_object_get_string_member(o, "reason"), ==, "exit");
    tx_destroy(&x);
}

/* Reset flushes the IOTLB: the used changed entry is judged then. */
static void test_missing_reset(void)
{
    Tx x;
    JsonObject *o;

    tx_init(&x);
    unmap_then_dma(&x);
    tb_iotlb_flush(&x.b);
    tx_replay(&x);
    o = expect_one(x.out, "missing-tlb-maintenance", "major", x.p);
    g_assert_cmpstr(json_object_get_string_member(o, "reason"), ==,
                    "reset");
    /* every entry leaves: no id */
    g_assert_nonnull(strstr(x.b.trace->str, "{\"rec\":\"maint-remove\"}"));
    tx_destroy(&x);
}

static void test_late_strict(void)
{
    Tx x;
    JsonObject *o;

    tx_init(&x);
    unmap_then_dma(&x);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    dma_fault(&x, VA);
    tx_replay(&x);
    o = expect_one(x.out, "dma-before-invalidation", "minor", x.p);
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(o, "removed_by"),
                        "op"), ==, "TLBI_NH_VA");
    tx_destroy(&x);
}

static void test_fq_use_after_unmap(void)
{
    Tx x;
    JsonObject *o;

    tx_init(&x);
    unmap_then_dma(&x);
    tlbi(&x, (SmmumTlbi) { .opcode = SMMUM_TLBI_NH_ASID, .asid = ASID });
    do_sync(&x);
    tx_replay(&x);
    o = expect_one(x.out, "fq-use-after-unmap", "info", x.p);
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(o, "removed_by"),
                        "op"), ==, "TLBI_NH_ASID");
    tx_destroy(&x);
}

/* Split a cached block into a table without break-before-make. */
static void split_no_bbm(Tx *x, uint64_t blk_attrs)
{
    map(x, 2, VA, PA_A, blk_attrs);
    dma_ok(x, VA + 0x3000, PA_A + 0x3000);
    tb_poke(&x->b, tb_pt_slot(&x->b, x->root, 2, VA), split_table(x));
}

static void test_bbm(void)
{
    Tx x;
    JsonObject *o;

    tx_init_full(&x, 0, "missing=off", false);
    split_no_bbm(&x, 0);
    dma_ok(&x, VA + 0x5000, PA_A + 0x5000);         /* the old block */
    tx_replay(&x);
    o = expect_one(x.out, "break-before-make", "major", x.p);
    g_assert_cmpstr(json_object_get_string_member(o, "change"), ==,
                    "resize");
    g_assert_cmpint(json_object_get_int_member(o, "bbml"), ==, 0);
    g_assert_false(json_object_get_boolean_member(o, "tlb_conflict"));
    tx_destroy(&x);
}

/* BBML1 with nT on the old block, BBML2: the same split is allowed. */
static void test_bbm_levels(void)
{
    Tx x;

    tx_init_full(&x, 1, "missing=off", false);
    split_no_bbm(&x, D_NT);
    dma_ok(&x, VA + 0x5000, PA_A + 0x5000);
    expect_clean(&x);
    g_assert_nonnull(strstr(x.b.trace->str, "\"bbml\":1"));
    tx_destroy(&x);
    tx_init_full(&x, 2, "missing=off", false);
    split_no_bbm(&x, 0);
    dma_ok(&x, VA + 0x5000, PA_A + 0x5000);
    expect_clean(&x);
    tx_destroy(&x);
}

/* maint-tlb-conflict: the checker's "no" is in the trace and replayed. */
static void test_bbm_conflict(void)
{
    Tx x;
    JsonObject *o;
    uint64_t pa;

    tx_init_full(&x, 2, NULL, true);
    map(&x, 3, VA, PA_A, 0);
    dma_ok(&x, VA, PA_A);
    tb_poke(&x.b, leaf(&x, VA), PA_B | D_PAGE);
    g_assert_false(tb_dma(&x.b, SID, VA, &pa));     /* F_TLB_CONFLICT */
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    dma_ok(&x, VA, PA_B);
    tx_replay(&x);
    g_assert_nonnull(strstr(x.b.trace->str, "\"ok\":false"));
    o = expect_one(x.out, "break-before-make", "major", x.p);
    g_assert_true(json_object_get_boolean_member(o, "tlb_conflict"));
    g_assert_cmpstr(json_object_get_string_member(o, "change"), ==, "remap");
    tx_destroy(&x);
}

static void test_leaf_of_table(void)
{
    Tx x;
    JsonObject *o;

    tx_init(&x);
    map(&x, 3, VA, PA_A, 0);
    dma_ok(&x, VA, PA_A);
    tb_poke(&x.b, tb_pt_slot(&x.b, x.root, 2, VA), 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    tx_replay(&x);
    o = expect_one(x.out, "leaf-tlbi-of-table", "minor", x.p);
    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(o, "descriptor"),
                        "level"), ==, 2);
    tx_destroy(&x);
}

/* ---- ATS ---- */

static void test_ats_clean(void)
{
    Tx x;

    tx_init(&x);
    map(&x, 3, VA, PA_A, 0);
    g_assert_true(tb_ats_grant(&x.b, SID, VA));
    tb_translated(&x.b, SID, PA_A + 0x40);
    tb_translated(&x.b, SID, PA_A + 0x40);          /* a run */
    tb_poke(&x.b, leaf(&x, VA), 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    tb_atc_inv(&x.b, SID, VA, 12);
    do_sync(&x);
    expect_clean(&x);
    g_assert_nonnull(strstr(x.b.trace->str,
                            "\"rec\":\"maint-translated\""));
    tx_destroy(&x);
}

static void test_atc_missing(void)
{
    Tx x;
    JsonObject *o;

    tx_init(&x);
    map(&x, 3, VA, PA_A, 0);
    g_assert_true(tb_ats_grant(&x.b, SID, VA));
    tb_poke(&x.b, leaf(&x, VA), 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    tb_translated(&x.b, SID, PA_A + 0x40);
    tx_replay(&x);
    o = expect_one(x.out, "atc-inv-missing", "major", x.p);
    g_assert_cmpstr(json_object_get_string_member(o, "view"), ==, "atc");
    g_assert_false(json_object_get_boolean_member(o, "atc_inv_pending"));
    g_assert_cmpint(json_object_get_int_member(o, "exposure"), ==, 1);
    tx_destroy(&x);
}

static void test_atc_late(void)
{
    Tx x;
    JsonObject *o;

    tx_init(&x);
    map(&x, 3, VA, PA_A, 0);
    g_assert_true(tb_ats_grant(&x.b, SID, VA));
    tb_poke(&x.b, leaf(&x, VA), 0);
    tb_translated(&x.b, SID, PA_A);
    tb_atc_inv(&x.b, SID, VA, 12);
    do_sync(&x);
    tx_replay(&x);
    o = expect_one(x.out, "ats-use-before-atc-inv", "minor", x.p);
    g_assert_cmpstr(json_object_get_string_member(o, "reason"), ==,
                    "atc-inv");
    tx_destroy(&x);
}

static void test_ats_uncovered(void)
{
    Tx x;
    JsonObject *o;

    tx_init(&x);
    map(&x, 3, VA, PA_A, 0);
    g_assert_true(tb_ats_grant(&x.b, SID, VA));
    tb_atc_inv(&x.b, SID, VA, 12);
    do_sync(&x);
    tb_translated(&x.b, SID, PA_A + 8);
    tb_translated(&x.b, SID, PA_A + 16);
    tx_replay(&x);
    o = expect_one(x.out, "ats-translated-uncovered", "major", x.p);
    g_assert_cmpstr(json_object_get_string_member(o, "translated_addr"), ==,
                    "0x80000008");
    tx_destroy(&x);
}

/* The ATS endpoint hook's arguments are recorded and replayed as given. */
static void test_ats_endpoint_record(void)
{
    Tx x;
    SmmumAtsSteView v = {
        .mem = SMMUM_ATS_STE_PERMITS, .mem_eats = 1, .mem_pa = 0x100040,
        .cached = true, .cache = SMMUM_ATS_STE_NO_EATS,
    };
    g_autofree char *again = NULL;
    SmmumMaintTraceRec r;
    bool is_maint;
    char *err = NULL;
    const char *line;

    tx_init(&x);
    tb_ats_endpoint(&x.b, SID, SMMUM_ATS_EP_ENABLE, &v);
    tb_ats_endpoint(&x.b, SID, SMMUM_ATS_EP_CFGI, &v);
    tx_replay(&x);
    /* memory permits ATS, the cached copy does not */
    expect_one(x.out, "ats-enabled-before-eats", "minor", x.p);
    line = strstr(x.b.trace->str, "{\"rec\":\"maint-ats-endpoint\"");
    g_assert_nonnull(line);
    line = g_strndup(line, strchr(line, '\n') - line);
    g_assert_true(smmum_maint_trace_rec_from_json(line, &r, &is_maint,
                                                  &err));
    g_assert_true(is_maint);
    g_assert_cmpint(r.kind, ==, SMMUM_MTRACE_ATS_ENDPOINT);
    g_assert_cmpuint(r.sid, ==, SID);
    g_assert_cmpint(r.ev, ==, SMMUM_ATS_EP_ENABLE);
    g_assert_cmpuint(r.view.mem, ==, SMMUM_ATS_STE_PERMITS);
    g_assert_cmphex(r.view.mem_pa, ==, 0x100040);
    g_assert_true(r.view.cached);
    g_assert_cmpuint(r.view.cache, ==, SMMUM_ATS_STE_NO_EATS);
    again = smmum_maint_trace_rec_to_json(&r);
    g_assert_cmpstr(again, ==, line);
    g_free((char *)line);
    tx_destroy(&x);
}

/* EATS set (and invalidated) before ATS Enable, cleared after: clean. */
static void test_ats_order_clean(void)
{
    Tx x;
    SmmumAtsSteView on = { .mem = SMMUM_ATS_STE_PERMITS, .mem_eats = 1,
                           .mem_pa = 0x100040 };
    SmmumAtsSteView off = { .mem = SMMUM_ATS_STE_NO_EATS,
                            .mem_pa = 0x100040 };

    tx_init(&x);
    tb_ats_endpoint(&x.b, SID, SMMUM_ATS_EP_ENABLE, &on);
    tb_ats_endpoint(&x.b, SID, SMMUM_ATS_EP_CFGI, &on);
    tb_ats_endpoint(&x.b, SID, SMMUM_ATS_EP_DISABLE, &on);
    tb_ats_endpoint(&x.b, SID, SMMUM_ATS_EP_CFGI, &off);
    expect_clean(&x);
    tx_destroy(&x);
}

static void test_ats_enable_early(void)
{
    Tx x;
    SmmumAtsSteView v = { .mem = SMMUM_ATS_STE_NO_EATS,
                          .mem_pa = 0x100040 };

    tx_init(&x);
    tb_ats_endpoint(&x.b, SID, SMMUM_ATS_EP_ENABLE, &v);
    tx_replay(&x);
    expect_one(x.out, "ats-enabled-before-eats", "minor", x.p);
    tx_destroy(&x);
}

static void test_ats_disable_late(void)
{
    Tx x;
    SmmumAtsSteView on = { .mem = SMMUM_ATS_STE_PERMITS, .mem_eats = 1,
                           .mem_pa = 0x100040 };
    SmmumAtsSteView off = { .mem = SMMUM_ATS_STE_NO_EATS,
                            .mem_pa = 0x100040 };
    const char *type;

    tx_init(&x);
    tb_ats_endpoint(&x.b, SID, SMMUM_ATS_EP_ENABLE, &on);
    tb_ats_endpoint(&x.b, SID, SMMUM_ATS_EP_CFGI, &off);
    tb_ats_endpoint(&x.b, SID, SMMUM_ATS_EP_DISABLE, &off);
    tx_replay(&x);
    g_assert_cmpuint(x.out->len, ==, 1);
    type = json_object_get_string_member(line_obj(x.out, 0, x.p), "type");
    g_assert_cmpstr(type, ==, "eats-cleared-before-ats-disable");
    tx_destroy(&x);
}

/* ---- a whole core, both checkers recorded ---- */

typedef struct Rt {
    Fx f;
    SmmumTrace *tr;
    SmmumTear *t;
    SmmumMaintTrace *mt;
    SmmumMaint *m;
    GString *trace;
    GPtrArray *live;
    uint64_t clock;
} Rt;

static bool rt_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    fake_read(&((Rt *)opaque)->f.mem, pa, buf, len);
    return true;
}

static void rt_regs(void *opaque, SmmumTearRegs *regs)
{
    Rt *x = opaque;

    smmum_idregs_from_core(&x->f.core, &regs->idr);
    regs->smmuen = x->f.core.cr0ack & SMMUM_CR0_SMMUEN;
    regs->strtab_base = x->f.core.strtab_base;
    regs->strtab_base_cfg = x->f.core.strtab_base_cfg;
}

static uint64_t rt_now(void *opaque)
{
    return ((Rt *)opaque)->clock += 7;
}

static void rt_tear_record(void *opaque, const SmmumTearRecord *r)
{
    g_ptr_array_add(((Rt *)opaque)->live, smmum_tear_record_to_json(r));
}

static void rt_maint_record(void *opaque, const SmmumMaintRecord *r)
{
    g_ptr_array_add(((Rt *)opaque)->live, smmum_maint_record_to_json(r));
}

static void rt_sink(void *opaque, const char *line)
{
    g_string_append_printf(((Rt *)opaque)->trace, "%s\n", line);
}

static void rt_init(Rt *x)
{
    SmmumConfig cfg;
    SmmumTearParams tp = { .mode = SMMUM_TEAR_SYNC };
    SmmumTearHost th = {
        .opaque = x, .read = rt_read, .get_regs = rt_regs, .now = rt_now,
        .record = rt_tear_record,
    };
    SmmumMaintHost mh = {
        .opaque = x, .read = rt_read, .now = rt_now,
        .record = rt_maint_record,
    };
    SmmumTraceModel model = { .accel = "unit" };
    SmmumMaintParams mp;
    SmmumTearRegs regs;
    SmmumObserver obs;
    SmmumTlbObserver tobs;

    memset(x, 0, sizeof(*x));
    smmum_config_default(&cfg);
    cfg.ats = true;
    fx_init_cfg(&x->f, &cfg);
    x->trace = g_string_new(NULL);
    x->live = g_ptr_array_new_with_free_func(g_free);
    rt_regs(x, &regs);
    x->tr = smmum_trace_new(&tp, &regs, &model, rt_sink, x);
    smmum_trace_wrap_host(x->tr, &th);
    smmum_trace_set_core(x->tr, &x->f.core);
    x->t = smmum_tear_new(&tp, &th);
    smmum_tear_observer(x->t, &obs);
    smmum_trace_attach(x->tr, x->t, &obs);
    smmum_core_set_observer(&x->f.core, &obs);
    smmum_maint_params_default(&mp);
    smmum_idregs_from_core(&x->f.core, &mp.idr);
    x->mt = smmum_maint_trace_new(x->tr, &mp);
    smmum_maint_trace_wrap_host(x->mt, &mh);
    x->m = smmum_maint_new(&mp, &mh);
    smmum_maint_observer(x->m, &tobs);
    smmum_maint_trace_attach(x->mt, x->m, &tobs);
    smmum_core_set_tlb_observer(&x->f.core, &tobs);
    fx_queues(&x->f, 6, 6);
    fx_linear_strtab(&x->f, 6);
    fx_enable(&x->f);
}

/* The end of the run, as the device's exit notifiers: the trace. */
static const char *rt_finish(Rt *x)
{
    SmmumMaintCounters c;

    smmum_maint_trace_finish(x->mt);
    smmum_maint_get_counters(x->m, &c);
    g_ptr_array_add(x->live, smmum_maint_summary_to_json(&c));
    smmum_trace_finish(x->tr);
    return x->trace->str;
}

static void rt_destroy(Rt *x)
{
    smmum_core_set_tlb_observer(&x->f.core, NULL);
    smmum_core_set_observer(&x->f.core, NULL);
    smmum_maint_trace_free(x->mt);
    smmum_maint_free(x->m);
    smmum_trace_free(x->tr);
    smmum_tear_free(x->t);
    fx_destroy(&x->f);
    g_string_free(x->trace, TRUE);
    g_ptr_array_free(x->live, TRUE);
}

/* The level-3 descriptor of va in the core's 4K tables at root. */
static uint64_t rt_leaf(Rt *x, uint64_t root, uint64_t va)
{
    uint64_t table = root;

    for (int l = 1; l < 3; l++) {
        uint64_t d = fake_read64(&x->f.mem, table +
                                 ((va >> (12 + 9 * (3 - l))) & 0x1ff) * 8);

        table = d & SMMUM_MASK(48) & ~0xfffULL;
    }
    return table + ((va >> 12) & 0x1ff) * 8;
}

static void rt_ste_s1(Rt *x, uint32_t sid, uint64_t cd)
{
    uint64_t w[8] = { 0 };

    smmum_ste_set_field(w, SMMUM_STE_EATS, 2, 1);
    smmum_ste_set_field(w, SMMUM_STE_V, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, 5);
    smmum_ste_set_field(w, SMMUM_STE_S1CTXPTR, 50, cd >> 6);
    fx_write_ste(&x->f, sid, w);
}

static SmmumXlate rt_dma(Rt *x, uint64_t va, SmmumAt at)
{
    SmmumTxn t = { .sid = SID, .addr = va, .at = at };
    SmmumXlate r;

    if (at == SMMUM_AT_TRANSLATION_REQ) {
        smmum_ats_translate(&x->f.core, &t, &r);
    } else {
        smmum_translate(&x->f.core, &t, &r);
    }
    return r;
}

static void rt_cmd(Rt *x, uint64_t d0, uint64_t d1)
{
    fx_cmd(&x->f, d0, d1);
}

static void rt_sync(Rt *x)
{
    fx_cmd(&x->f, cmd_sync(0), 0);
    g_assert_cmpuint(gerror_active(&x->f), ==, 0);
}

/* TLBI_NH_VA of ASID asid at va (Leaf), as the command queue holds it. */
static void rt_tlbi_va(Rt *x, uint16_t asid, uint64_t va)
{
    rt_cmd(x, SMMUM_TLBI_NH_VA | ((uint64_t)asid << SMMUM_TLBI_ASID),
           va | (1ULL << SMMUM_TLBI_LEAF));
}

static char *run_tool(const char *trace_path, char **err, int *status)
{
    const char *tool = g_getenv("SMMUM_REPLAY");
    const char *argv[] = { tool, "-q", trace_path, NULL };
    char *out = NULL;
    GError *gerr = NULL;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL,
                               &out, err, status, &gerr));
    return out;
}

/*
 * Several findings of both checkers, recorded on a whole core: the
 * replay (in-process and by the tool) writes the live report byte for
 * byte.
 */
static void test_round_trip(void)
{
    Rt x;
    uint64_t root, cd = 0x500000;
    const char *text;
    GPtrArray *out;
    GString *live = g_string_new(NULL), *replayed = g_string_new(NULL);
    unsigned kinds = 0;

    rt_init(&x);
    root = fx_alloc_page(&x.f);
    fx_put_cd(&x.f, cd, root, ASID, true);
    rt_ste_s1(&x, SID, cd);
    rt_cmd(&x, SMMUM_CMD_CFGI_STE | ((uint64_t)SID << 32), 1);
    rt_sync(&x);
    for (unsigned i = 0; i < 4; i++) {
        fx_pt_map(&x.f, root, 1, 3, VA + i * 0x1000, PA_A + i * 0x1000,
                  ATTRS);
        g_assert_cmpint(rt_dma(&x, VA + i * 0x1000, 0).status, ==,
                        SMMUM_XLATE_OK);
        g_assert_cmpint(rt_dma(&x, VA + i * 0x1000 + 8, 0).status, ==,
                        SMMUM_XLATE_OK);
    }
    /* Page 0: a TLBI for the wrong ASID, DMA after it: stale. */
    fake_write64(&x.f.mem, rt_leaf(&x, root, VA), 0);
    rt_tlbi_va(&x, 9, VA);
    rt_sync(&x);
    rt_dma(&x, VA, 0);
    /* Page 1: unmapped, used, never invalidated: missing. */
    fake_write64(&x.f.mem, rt_leaf(&x, root, VA + 0x1000), 0);
    rt_dma(&x, VA + 0x1000, 0);
    /* Page 2: remapped valid to valid: break-before-make. */
    fake_write64(&x.f.mem, rt_leaf(&x, root, VA + 0x2000),
                 PA_B | D_PAGE);
    rt_dma(&x, VA + 0x2000, 0);
    /* Page 3: granted to the ATC, unmapped, no ATC_INV: atc-inv-missing. */
    g_assert_true(rt_dma(&x, VA + 0x3000, SMMUM_AT_TRANSLATION_REQ).read);
    fake_write64(&x.f.mem, rt_leaf(&x, root, VA + 0x3000), 0);
    rt_tlbi_va(&x, ASID, VA + 0x3000);
    rt_sync(&x);
    rt_dma(&x, PA_A + 0x3000, SMMUM_AT_TRANSLATED);
    /* The STE changed without a CFGI, then DMA: the tear checker's. */
    fake_write64(&x.f.mem, STRTAB_PA + SID * 64 + 8, 1ULL << 50);
    rt_dma(&x, VA + 0x1000, 0);
    smmum_core_reset(&x.f.core);
    text = rt_finish(&x);
    g_assert_nonnull(strstr(text, "\"rec\":\"maint-walk\""));
    g_assert_nonnull(strstr(text, "\"rec\":\"cfgi\""));

    out = replay_text(text);
    for (guint i = 0; i < x.live->len; i++) {
        g_string_append_printf(live, "%s\n",
                               (char *)g_ptr_array_index(x.live, i));
        kinds += strstr(g_ptr_array_index(x.live, i),
                        "\"mode\":\"maint\",\"view\"") != NULL;
    }
    for (guint i = 0; i < out->len; i++) {
        g_string_append_printf(replayed, "%s\n",
                               (char *)g_ptr_array_index(out, i));
    }
    g_assert_cmpstr(replayed->str, ==, live->str);
    /* stale, missing, bbm, atc-inv-missing at least; tear records too */
    g_assert_cmpuint(kinds, >=, 4);
    g_assert_cmpuint(x.live->len, >, kinds);
    g_assert_nonnull(strstr(live->str, "\"type\":\"stale-translation\""));
    g_assert_nonnull(strstr(live->str,
                            "\"type\":\"missing-tlb-maintenance\""));
    g_assert_nonnull(strstr(live->str, "\"type\":\"break-before-make\""));
    g_assert_nonnull(strstr(live->str, "\"type\":\"atc-inv-missing\""));

    if (g_getenv("SMMUM_REPLAY")) {
        g_autofree char *dir = g_dir_make_tmp("smmum-mtrace-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "trace.jsonl", NULL);
        g_autofree char *tout = NULL, *terr = NULL;
        int status;

        g_assert_true(g_file_set_contents(path, text, -1, NULL));
        tout = run_tool(path, &terr, &status);
        g_assert_true(g_spawn_check_wait_status(status, NULL));
        g_assert_cmpstr(tout, ==, live->str);
        g_free(terr);
        terr = NULL;
        g_free(tout);
        /* the summary names the maintenance checker's findings */
        {
            const char *argv[] = { g_getenv("SMMUM_REPLAY"), "-o", "-",
                                   path, NULL };

            g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL,
                                       NULL, &tout, &terr, &status, NULL));
            g_assert_nonnull(strstr(terr, "maint finding 1 (made at trace "
                                    "line"));
            g_assert_nonnull(strstr(terr, "maint check: "));
            g_assert_null(strstr(terr, "unknown kinds skipped"));
        }
        unlink(path);
        rmdir(dir);
    }
    g_ptr_array_free(out, TRUE);
    g_string_free(live, TRUE);
    g_string_free(replayed, TRUE);
    rt_destroy(&x);
}

/* The replayed report of x's trace is the live one; the live one. */
static char *rt_compare(Rt *x, const char *text)
{
    GPtrArray *out = replay_text(text);
    GString *live = g_string_new(NULL), *replayed = g_string_new(NULL);

    for (guint i = 0; i < x->live->len; i++) {
        g_string_append_printf(live, "%s\n",
                               (char *)g_ptr_array_index(x->live, i));
    }
    for (guint i = 0; i < out->len; i++) {
        g_string_append_printf(replayed, "%s\n",
                               (char *)g_ptr_array_index(out, i));
    }
    g_assert_cmpstr(replayed->str, ==, live->str);
    g_ptr_array_free(out, TRUE);
    g_string_free(replayed, TRUE);
    return g_string_free(live, FALSE);
}

#define S2_RW       (D_AP1 | D_AP2 | (0xfULL << 2))   /* S2AP RW, Normal */
#define VMID        3

/*
 * Nested translation (stage 1 on stage 2, VMID 3) on a whole core: the
 * walks' stage-1 and stage-2 reads and both configurations are in the
 * trace; a stage-2 page remapped under a cached entry (break-before-make;
 * a TLBI_S2_IPA does not reach combined entries) and one unmapped
 * without any TLBI (missing maintenance) replay byte for byte.
 */
static void test_round_trip_nested(void)
{
    Rt x;
    uint64_t s1root, s2root, w[8] = { 0 }, cd = 0x500000, slot;
    g_autofree char *live = NULL;
    const char *text;

    rt_init(&x);
    s2root = fx_alloc_page(&x.f);
    fx_pt_map(&x.f, s2root, 1, 1, 0, 0, S2_RW);     /* 1 GiB identity */
    fx_pt_map(&x.f, s2root, 1, 3, PA_A, PA_B, S2_RW);
    fx_pt_map(&x.f, s2root, 1, 3, PA_A + 0x1000, PA_B + 0x1000, S2_RW);
    s1root = fx_alloc_page(&x.f);
    fx_pt_map(&x.f, s1root, 1, 3, VA, PA_A, ATTRS);
    fx_pt_map(&x.f, s1root, 1, 3, VA + 0x1000, PA_A + 0x1000, ATTRS);
    fx_put_cd(&x.f, cd, s1root, ASID, true);
    smmum_ste_set_field(w, SMMUM_STE_V, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_NESTED);
    smmum_ste_set_field(w, SMMUM_STE_S1CTXPTR, 50, cd >> 6);
    fx_ste_s2(w, s2root, VMID, true);
    fx_write_ste(&x.f, SID, w);
    rt_cmd(&x, SMMUM_CMD_CFGI_STE | ((uint64_t)SID << 32), 1);
    rt_sync(&x);
    g_assert_cmphex(rt_dma(&x, VA + 0x10, 0).pa, ==, PA_B + 0x10);
    g_assert_cmphex(rt_dma(&x, VA + 0x1010, 0).pa, ==, PA_B + 0x1010);
    rt_dma(&x, VA + 0x20, 0);
    /* IPA PA_A moved to PA_A's neighbour: TLBI_S2_IPA for VMID 4. */
    slot = rt_leaf(&x, s2root, PA_A);
    fake_write64(&x.f.mem, slot, (PA_B + 0x8000) | D_TABLE | D_AF | S2_RW);
    rt_cmd(&x, SMMUM_TLBI_S2_IPA | ((uint64_t)(VMID + 1) << SMMUM_TLBI_VMID),
           PA_A | (1ULL << SMMUM_TLBI_LEAF));
    rt_sync(&x);
    rt_dma(&x, VA + 0x30, 0);
    /* IPA PA_A + 4K unmapped at stage 2, no TLBI at all. */
    fake_write64(&x.f.mem, rt_leaf(&x, s2root, PA_A + 0x1000), 0);
    rt_dma(&x, VA + 0x1030, 0);
    text = rt_finish(&x);
    g_assert_nonnull(strstr(text, "\"s2p\":{\"ttb\":\"0x"));
    g_assert_nonnull(strstr(text, "\"vmid\":3}"));
    live = rt_compare(&x, text);
    g_assert_nonnull(strstr(live, "\"type\":\"break-before-make\""));
    g_assert_nonnull(strstr(live, "\"type\":\"missing-tlb-maintenance\""));
    g_assert_nonnull(strstr(live, "\"findings\":3,"));
    rt_destroy(&x);
}

/* ---- the format's checks ---- */

static const char *const header =
    "{\"rec\":\"header\",\"version\":1,\"mode\":\"off\",\"idr\":[\"0x0\","
    "\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"],\"smmuen\":false,"
    "\"strtab_base\":\"0x0\",\"strtab_base_cfg\":\"0x0\"}\n";

static void expect_rejected(const char *body, const char *why)
{
    g_autofree char *text = g_strconcat(header, body, NULL);
    SmmumTraceFile *f;
    char *err = NULL;

    f = smmum_trace_parse(text, &err);
    g_assert_nonnull(f);
    g_assert_false(smmum_maint_replay_file(f, tear_cb, maint_cb, NULL,
                                           NULL, &err));
    g_test_message("%s", err);
    g_assert_nonnull(strstr(err, why));
    g_free(err);
    smmum_trace_file_free(f);
}

static void test_format(void)
{
    static const char *mh =
        "{\"rec\":\"maint-header\",\"checks\":\"stale=critical\","
        "\"idr\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]}\n";
    g_autofree char *ok = NULL, *bad_acc = NULL, *bad_checks = NULL;
    GPtrArray *out;

    expect_rejected("{\"rec\":\"maint-sync\"}\n",
                    "line 2: maint-sync before the maint-header");
    bad_checks = g_strdup("{\"rec\":\"maint-header\",\"checks\":\"x=y\","
                          "\"idr\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\","
                          "\"0x0\",\"0x0\"]}\n");
    expect_rejected(bad_checks, "unknown check 'x'");
    bad_acc = g_strconcat(mh, "{\"rec\":\"maint-walk\",\"sid\":1,"
                          "\"addr\":\"0x0\",\"cfg_id\":1,\"d\":[[]]}\n",
                          NULL);
    expect_rejected(bad_acc, "line 3: \"d\"[0] is not 1 to 4 numbers");
    /* tear-check=off: a header, maint records, kinds nobody knows */
    ok = g_strconcat(header, mh, "{\"rec\":\"maint-sync\",\"now\":5}\n",
                     "{\"rec\":\"later-kind\"}\n",
                     "{\"rec\":\"maint-exit\"}\n{\"rec\":\"exit\"}\n", NULL);
    out = replay_text(ok);
    g_assert_cmpuint(out->len, ==, 1);         /* the summary */
    g_assert_nonnull(strstr(g_ptr_array_index(out, 0),
                            "\"findings\":0"));
    g_ptr_array_free(out, TRUE);
}

/* Records written, parsed and written again are the same text. */
static void test_json_round_trip(void)
{
    Tx x;
    char **lines;
    unsigned n = 0;

    tx_init(&x);
    map(&x, 3, VA, PA_A, 0);
    dma_ok(&x, VA, PA_A);
    dma_ok(&x, VA, PA_A);
    g_assert_true(tb_ats_grant(&x.b, SID, VA));
    tb_atc_inv(&x.b, SID, VA, 12);
    tlbi(&x, (SmmumTlbi) { .opcode = SMMUM_TLBI_NH_VA, .asid = ASID,
                           .addr = VA, .leaf = true, .tg = 1, .ttl = 3,
                           .num = 1, .scale = 2 });
    do_sync(&x);
    tb_iotlb_flush(&x.b);
    tx_replay(&x);
    lines = g_strsplit(x.b.trace->str, "\n", -1);
    for (unsigned i = 0; lines[i]; i++) {
        SmmumMaintTraceRec r;
        bool is_maint;
        char *err = NULL;
        g_autofree char *again = NULL;

        if (!*lines[i]) {
            continue;
        }
        g_assert_true(smmum_maint_trace_rec_from_json(lines[i], &r,
                                                      &is_maint, &err));
        if (!is_maint) {
            continue;
        }
        n++;
        again = smmum_maint_trace_rec_to_json(&r);
        g_assert_cmpstr(again, ==, lines[i]);
        smmum_maint_trace_rec_clear(&r);
    }
    /* header, walk, insert, hit, walk, granted, atc-inv, tlbi, remove, */
    /* sync, remove (all), exit */
    g_assert_cmpuint(n, >=, 12);
    g_strfreev(lines);
    tx_destroy(&x);
}

/*
 * A nested walk's record with every configuration field set and every
 * access shape (read, aborted read, swap, aborted swap) decodes to what
 * was encoded.
 */
static void test_json_walk_cfg(void)
{
    SmmumMaintTraceAccess acc[4] = {
        { .pa = 0x1000, .ok = true, .val = 0x1234 },
        { .pa = 0x2000 },
        { .pa = 0x3000, .cmpxchg = true, .ok = true, .expect = 5,
          .new_val = 6, .val = 5 },
        { .pa = 0x4000, .cmpxchg = true, .expect = 7, .new_val = 8 },
    };
    SmmumMaintTraceRec r = {
        .kind = SMMUM_MTRACE_WALK, .cfg_id = 3, .has_cfg = true, .cx = true,
        .acc = acc, .nacc = 4, .has_now = true, .now = 99,
        .txn = { .sid = 9, .ssid = 4, .ssv = true, .write = true,
                 .priv = true, .instr = true, .addr = 0xfff0001000ULL,
                 .at = 1, .nw = true },
    }, d;
    SmmumWalkCfg *c = &r.cfg;
    g_autofree char *json = NULL, *again = NULL;
    bool is_maint;
    char *err = NULL;

    c->s1 = c->s2 = true;
    c->s1p.range[0] = (SmmumWalkRange) { true, 0x10000, 25, 12, true, true };
    c->s1p.range[1] = (SmmumWalkRange) { false, 0x20000, 16, 16, false,
                                         true };
    c->s1p.one_priv = c->s1p.ds = c->s1p.ha = c->s1p.hd = true;
    c->s1p.affd = c->s1p.wxn = c->s1p.pan = c->s1p.big_endian = true;
    c->s1p.oas = 48;
    c->s1p.asid = 0xbeef;
    c->s1p.mair = 0xff44ff00aa55ULL;
    c->s2p = (SmmumS2Params) {
        .ttb = 0x30000, .tsz = 24, .granule = 14, .start_level = -1,
        .ps = 44, .ias = 48, .ds = true, .ha = true, .hd = true,
        .affd = true, .ptw = true, .fwb = true, .big_endian = true,
        .vmid = 0x1234,
    };
    json = smmum_maint_trace_rec_to_json(&r);
    g_assert_true(smmum_maint_trace_rec_from_json(json, &d, &is_maint, &err));
    g_assert_true(is_maint);
    again = smmum_maint_trace_rec_to_json(&d);
    g_assert_cmpstr(again, ==, json);
    g_assert_cmpint(d.cfg.s2p.start_level, ==, -1);
    g_assert_cmpuint(d.cfg.s2p.vmid, ==, 0x1234);
    g_assert_cmphex(d.cfg.s1p.mair, ==, 0xff44ff00aa55ULL);
    g_assert_true(d.cfg.s1p.range[0].had);
    g_assert_cmpuint(d.cfg.s1p.range[1].granule, ==, 16);
    g_assert_cmpuint(d.nacc, ==, 4);
    g_assert_true(d.acc[0].ok && !d.acc[0].cmpxchg);
    g_assert_false(d.acc[1].ok);
    g_assert_true(d.acc[2].cmpxchg && d.acc[2].ok);
    g_assert_cmphex(d.acc[2].new_val, ==, 6);
    g_assert_true(d.acc[3].cmpxchg && !d.acc[3].ok);
    g_assert_cmphex(d.acc[3].expect, ==, 7);
    g_assert_true(d.txn.ssv && d.txn.nw && d.txn.instr);
    g_assert_cmpuint(d.txn.ssid, ==, 4);
    g_assert_cmpuint(d.now, ==, 99);
    smmum_maint_trace_rec_clear(&d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/maint-trace/clean/strict", test_clean_strict);
    g_test_add_func("/maint-trace/clean/fq", test_clean_fq);
    g_test_add_func("/maint-trace/clean/range", test_clean_range);
    g_test_add_func("/maint-trace/clean/split-bbm", test_clean_split_bbm);
    g_test_add_func("/maint-trace/clean/httu", test_clean_httu);
    g_test_add_func("/maint-trace/clean/ats", test_ats_clean);
    g_test_add_func("/maint-trace/clean/bbm-levels", test_bbm_levels);
    g_test_add_func("/maint-trace/stale/asid", test_stale_asid);
    g_test_add_func("/maint-trace/stale/vmid", test_stale_vmid);
    g_test_add_func("/maint-trace/stale/ttl", test_stale_ttl);
    g_test_add_func("/maint-trace/stale/tg", test_stale_tg);
    g_test_add_func("/maint-trace/stale/range", test_stale_range);
    g_test_add_func("/maint-trace/stale/stage", test_stale_stage);
    g_test_add_func("/maint-trace/missing/exit", test_missing);
    g_test_add_func("/maint-trace/missing/reset", test_missing_reset);
    g_test_add_func("/maint-trace/late", test_late_strict);
    g_test_add_func("/maint-trace/fq", test_fq_use_after_unmap);
    g_test_add_func("/maint-trace/bbm", test_bbm);
    g_test_add_func("/maint-trace/bbm-conflict", test_bbm_conflict);
    g_test_add_func("/maint-trace/leaf", test_leaf_of_table);
    g_test_add_func("/maint-trace/ats/atc-missing", test_atc_missing);
    g_test_add_func("/maint-trace/ats/atc-late", test_atc_late);
    g_test_add_func("/maint-trace/ats/uncovered", test_ats_uncovered);
    g_test_add_func("/maint-trace/ats/endpoint", test_ats_endpoint_record);
    g_test_add_func("/maint-trace/clean/ats-order", test_ats_order_clean);
    g_test_add_func("/maint-trace/ats/enable-early", test_ats_enable_early);
    g_test_add_func("/maint-trace/ats/disable-late", test_ats_disable_late);
    g_test_add_func("/maint-trace/round-trip", test_round_trip);
    g_test_add_func("/maint-trace/round-trip/nested",
                    test_round_trip_nested);
    g_test_add_func("/maint-trace/format", test_format);
    g_test_add_func("/maint-trace/json", test_json_round_trip);
    g_test_add_func("/maint-trace/json/walk-cfg", test_json_walk_cfg);
    return g_test_run();
}
