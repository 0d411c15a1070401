/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: the maintenance checker (smmum-maint.c) on a whole core.
 * Page tables in fake memory, DMA through smmum_translate(), TLBIs and
 * SYNCs through the command queue: the clean sequences a correct
 * io-pgtable driver makes (strict unmap, deferred flush, range TLBI with
 * RIL, block splitting with break-before-make) report nothing, and every
 * finding kind is reported, with its evidence, for the broken ones.
 */
#include "core-helpers.h"
#include "smmum-strtab.h"
#include "smmum-maint.h"

#include <json-glib/json-glib.h>

#define DEP(v, pos, len, f) SMMUM_DEP(v, pos, len, f)

#define D_PAGE      (D_TABLE | D_AF | D_AP1 | D_NG)
#define D_NT        (1ULL << 16)

#define VA          0x10000000ULL   /* 2 MiB aligned */
#define PA_A        0x80000000ULL
#define PA_B        0x81000000ULL
#define CD_PA       0x500000ULL
#define CD2_PA      0x500040ULL
#define ASID        5
#define ASID2       6

typedef struct Mx {
    Fx f;
    uint64_t root, root2;
    SmmumMaint *m;
    GArray *recs;               /* SmmumMaintRecord */
    uint64_t clock;
} Mx;

static bool m_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    Mx *x = opaque;

    fake_read(&x->f.mem, pa, buf, len);
    return true;
}

static uint64_t m_now(void *opaque)
{
    return ++((Mx *)opaque)->clock;
}

static void m_record(void *opaque, const SmmumMaintRecord *r)
{
    g_array_append_val(((Mx *)opaque)->recs, *r);
}

/* Address of the level-l descriptor slot for va (tables must exist). */
static uint64_t slot_of(Mx *x, uint64_t root, int level, uint64_t va)
{
    uint64_t table = root;

    for (int l = 1; ; l++) {
        unsigned shift = 12 + 9 * (3 - l);
        uint64_t slot = table + ((va >> shift) & 0x1ff) * 8;

        if (l == level) {
            return slot;
        }
        table = fake_read64(&x->f.mem, slot) & SMMUM_MASK(48) & ~0xfffULL;
    }
}

/*
 * Map va -> pa as a leaf at leaf_level (3: page, 2: 2 MiB block),
 * EL0-accessible and not global (tagged by ASID).
 */
static void pt_map(Mx *x, uint64_t root, int leaf_level, uint64_t va,
                   uint64_t pa, uint64_t attrs)
{
    fx_pt_map(&x->f, root, 1, leaf_level, va, pa, D_AP1 | D_NG | attrs);
}

static void put_ste_s1(Mx *x, uint32_t sid, uint64_t cd)
{
    uint64_t w[8] = { 0 };

    smmum_ste_set_field(w, SMMUM_STE_EATS, 2, 1);   /* ATS allowed */
    smmum_ste_set_field(w, SMMUM_STE_V, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, 5);
    smmum_ste_set_field(w, SMMUM_STE_S1CTXPTR, 50, cd >> 6);
    fx_write_ste(&x->f, sid, w);
}

static void mx_init_full(Mx *x, uint8_t bbml, const char *checks,
                         bool conflict)
{
    SmmumConfig cfg;
    SmmumMaintParams p;
    SmmumMaintHost h = {
        .opaque = x, .read = m_read, .now = m_now, .record = m_record,
    };
    SmmumTlbObserver o;
    g_autofree char *err = NULL;

    memset(x, 0, sizeof(*x));
    smmum_config_default(&cfg);
    cfg.bbml = bbml;
    cfg.ats = true;
    fx_init_cfg(&x->f, &cfg);
    fx_queues(&x->f, 6, 6);
    fx_linear_strtab(&x->f, 6);
    fx_enable(&x->f);
    x->recs = g_array_new(false, true, sizeof(SmmumMaintRecord));

    smmum_maint_params_default(&p);
    smmum_idregs_from_core(&x->f.core, &p.idr);
    p.conflict = conflict;
    err = smmum_maint_checks_parse(&p, checks);
    g_assert_null(err);
    x->m = smmum_maint_new(&p, &h);
    smmum_maint_observer(x->m, &o);
    smmum_core_set_tlb_observer(&x->f.core, &o);

    /* SID 1: ASID 5 on root; SID 2: ASID 6 on root2. */
    x->root = fx_alloc_page(&x->f);
    x->root2 = fx_alloc_page(&x->f);
    fx_put_cd(&x->f, CD_PA, x->root, ASID, true);
    fx_put_cd(&x->f, CD2_PA, x->root2, ASID2, true);
    put_ste_s1(x, 1, CD_PA);
    put_ste_s1(x, 2, CD2_PA);
}

static void mx_init(Mx *x)
{
    mx_init_full(x, 0, NULL, false);
}

static void mx_destroy(Mx *x)
{
    smmum_core_set_tlb_observer(&x->f.core, NULL);
    smmum_maint_free(x->m);
    g_array_free(x->recs, true);
    fx_destroy(&x->f);
}

static SmmumXlate dma(Mx *x, uint32_t sid, uint64_t va)
{
    SmmumTxn t = { .sid = sid, .addr = va };
    SmmumXlate r;

    smmum_translate(&x->f.core, &t, &r);
    return r;
}

static void dma_ok(Mx *x, uint32_t sid, uint64_t va, uint64_t pa)
{
    SmmumXlate r = dma(x, sid, va);

    g_assert_cmpint(r.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(r.pa, ==, pa);
}

static void dma_abort(Mx *x, uint32_t sid, uint64_t va)
{
    g_assert_cmpint(dma(x, sid, va).status, ==, SMMUM_XLATE_ABORT);
}

/* SID 1 with VA -> PA_A mapped by a page (and cached by one DMA). */
static void mx_init_mapped(Mx *x)
{
    mx_init(x);
    pt_map(x, x->root, 3, VA, PA_A, 0);
}

static void mx_init_cached(Mx *x)
{
    mx_init_mapped(x);
    dma_ok(x, 1, VA, PA_A);
}

typedef struct TlbiArgs {
    uint8_t op;
    uint16_t asid, vmid;
    uint64_t addr;
    bool leaf;
    uint8_t ttl, tg, num, scale;
} TlbiArgs;

static void tlbi(Mx *x, TlbiArgs a)
{
    uint64_t d0 = a.op, d1 = a.addr & ~0xfffULL;

    d0 = DEP(d0, SMMUM_TLBI_NUM, 5, a.num);
    d0 = DEP(d0, SMMUM_TLBI_SCALE, 5, a.scale);
    d0 = DEP(d0, SMMUM_TLBI_VMID, 16, a.vmid);
    d0 = DEP(d0, SMMUM_TLBI_ASID, 16, a.asid);
    d1 = DEP(d1, SMMUM_TLBI_LEAF, 1, a.leaf);
    d1 = DEP(d1, SMMUM_TLBI_TTL, 2, a.ttl);
    d1 = DEP(d1, SMMUM_TLBI_TG, 2, a.tg);
    fx_cmd(&x->f, d0, d1);
}

static void do_sync(Mx *x)
{
    fx_cmd(&x->f, cmd_sync(0), 0);
    g_assert_cmpuint(gerror_active(&x->f), ==, 0);
}

static void tlbi_va(Mx *x, uint16_t asid, uint64_t va, bool leaf)
{
    tlbi(x, (TlbiArgs) { .op = SMMUM_TLBI_NH_VA, .asid = asid, .addr = va,
                         .leaf = leaf });
}

static unsigned nrecs(Mx *x)
{
    return x->recs->len;
}

static const SmmumMaintRecord *rec(Mx *x, unsigned i)
{
    g_assert_cmpuint(i, <, x->recs->len);
    return &g_array_index(x->recs, SmmumMaintRecord, i);
}

static SmmumMaintCounters counters(Mx *x)
{
    SmmumMaintCounters c;

    smmum_maint_get_counters(x->m, &c);
    return c;
}

static uint64_t leaf_slot(Mx *x, uint64_t va)
{
    return slot_of(x, x->root, 3, va);
}

/* ---- clean sequences ---- */

/* io-pgtable strict unmap: clear the PTE, TLBI VA (Leaf) + SYNC. */
static void test_clean_strict(void)
{
    Mx x;

    mx_init_mapped(&x);
    pt_map(&x, x.root, 3, VA + 0x1000, PA_A + 0x1000, 0);
    dma_ok(&x, 1, VA + 0x10, PA_A + 0x10);
    dma_ok(&x, 1, VA + 0x20, PA_A + 0x20);          /* hit */
    dma_ok(&x, 1, VA + 0x1000, PA_A + 0x1000);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    dma_abort(&x, 1, VA);                            /* walks: fault */
    dma_ok(&x, 1, VA + 0x1000, PA_A + 0x1000);       /* untouched */
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    g_assert_cmpuint(counters(&x).maintained, ==, 1);
    g_assert_cmpuint(counters(&x).changes[SMMUM_CHG_UNMAP], ==, 1);
    g_assert_cmpuint(counters(&x).hits, >=, 2);
    mx_destroy(&x);
}

/* DMA-FQ: unmap without TLBI, deferred TLBI_NH_ASID + SYNC, no DMA. */
static void test_clean_fq(void)
{
    Mx x;

    mx_init(&x);
    for (unsigned i = 0; i < 4; i++) {
        pt_map(&x, x.root, 3, VA + i * 0x1000, PA_A + i * 0x1000, 0);
        dma_ok(&x, 1, VA + i * 0x1000, PA_A + i * 0x1000);
    }
    for (unsigned i = 0; i < 4; i++) {
        fake_write64(&x.f.mem, leaf_slot(&x, VA + i * 0x1000), 0);
    }
    /* An unrelated strict unmap elsewhere completes meanwhile. */
    tlbi_va(&x, ASID, VA + 0x100000, true);
    do_sync(&x);
    tlbi(&x, (TlbiArgs) { .op = SMMUM_TLBI_NH_ASID, .asid = ASID });
    do_sync(&x);
    for (unsigned i = 0; i < 4; i++) {
        dma_abort(&x, 1, VA + i * 0x1000);
    }
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    g_assert_cmpuint(counters(&x).maintained, ==, 4);
    mx_destroy(&x);
}

/* Range invalidation (RIL): TG=4K, TTL=3, NUM=3 covers four pages. */
static void test_clean_range(void)
{
    Mx x;

    mx_init(&x);
    for (unsigned i = 0; i < 4; i++) {
        pt_map(&x, x.root, 3, VA + i * 0x1000, PA_A + i * 0x1000, 0);
        dma_ok(&x, 1, VA + i * 0x1000, PA_A + i * 0x1000);
        fake_write64(&x.f.mem, leaf_slot(&x, VA + i * 0x1000), 0);
    }
    tlbi(&x, (TlbiArgs) { .op = SMMUM_TLBI_NH_VA, .asid = ASID, .addr = VA,
                          .leaf = true, .tg = 1, .ttl = 3, .num = 3 });
    do_sync(&x);
    for (unsigned i = 0; i < 4; i++) {
        dma_abort(&x, 1, VA + i * 0x1000);
    }
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    g_assert_cmpuint(counters(&x).maintained, ==, 4);
    mx_destroy(&x);
}

/* Block split with break-before-make: invalid, TLBI + SYNC, table. */
static void test_clean_split_bbm(void)
{
    Mx x;
    uint64_t blk, l3;

    mx_init(&x);
    pt_map(&x, x.root, 2, VA, PA_A, 0);
    dma_ok(&x, 1, VA + 0x3000, PA_A + 0x3000);
    blk = slot_of(&x, x.root, 2, VA);
    l3 = fx_alloc_page(&x.f);
    for (unsigned i = 0; i < 512; i++) {
        fake_write64(&x.f.mem, l3 + i * 8,
                     (PA_A + i * 0x1000) | D_PAGE);
    }
    fake_write64(&x.f.mem, blk, 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    fake_write64(&x.f.mem, blk, l3 | D_TABLE);
    dma_ok(&x, 1, VA + 0x3000, PA_A + 0x3000);
    dma_ok(&x, 1, VA + 0x3000, PA_A + 0x3000);
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    mx_destroy(&x);
}

/* Freeing a table: clear the table descriptor, TLBI with Leaf=0. */
static void test_clean_table_free(void)
{
    Mx x;

    mx_init_cached(&x);
    fake_write64(&x.f.mem, slot_of(&x, x.root, 2, VA), 0);
    tlbi_va(&x, ASID, VA, false);
    do_sync(&x);
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    g_assert_cmpuint(counters(&x).maintained, ==, 1);
    mx_destroy(&x);
}

/* ---- stale translations: the TLBI's scope was wrong ---- */

static void expect_one(Mx *x, SmmumMaintKind k, SmmumTearSeverity sev)
{
    g_assert_cmpuint(nrecs(x), ==, 1);
    g_assert_cmpstr(smmum_maint_kind_name(rec(x, 0)->kind), ==,
                    smmum_maint_kind_name(k));
    g_assert_cmpint(rec(x, 0)->sev, ==, sev);
}

static void stale_case(TlbiArgs t, uint32_t why)
{
    Mx x;
    const SmmumMaintRecord *r;
    uint64_t slot;

    mx_init_mapped(&x);
    pt_map(&x, x.root, 3, VA + 0x1000, PA_A + 0x1000, 0);
    dma_ok(&x, 1, VA, PA_A);
    dma_ok(&x, 1, VA + 0x1000, PA_A + 0x1000);
    slot = leaf_slot(&x, VA + 0x1000);
    fake_write64(&x.f.mem, slot, 0);
    tlbi(&x, t);
    do_sync(&x);
    /* The model still serves the cached translation of VA + 4K. */
    dma_ok(&x, 1, VA + 0x1000, PA_A + 0x1000);
    dma_ok(&x, 1, VA + 0x1004, PA_A + 0x1004);
    g_assert_cmpuint(nrecs(&x), ==, 0);     /* judged when it leaves */
    smmum_maint_finish(x.m);
    expect_one(&x, SMMUM_MAINT_STALE, SMMUM_TEAR_SEV_CRITICAL);
    r = rec(&x, 0);
    g_assert_cmphex(r->entry.iova, ==, VA + 0x1000);
    g_assert_cmpuint(r->entry.tag.asid, ==, ASID);
    g_assert_cmpint(r->change, ==, SMMUM_CHG_UNMAP);
    g_assert_cmphex(r->desc_pa, ==, slot);
    g_assert_cmphex(r->desc_old, ==, (PA_A + 0x1000) | D_PAGE);
    g_assert_cmphex(r->desc_new, ==, 0);
    g_assert_true(r->desc_level_known);
    g_assert_cmpint(r->desc_level, ==, 3);
    g_assert_cmpuint(r->ntlbis, ==, 1);
    g_assert_cmpuint(r->tlbis[0].t.opcode, ==, t.op);
    g_assert_cmphex(r->tlbis[0].missed, ==, why);
    g_assert_cmpuint(r->exposure, ==, 2);
    g_assert_cmpuint(r->exposure_stale, ==, 2);
    g_assert_cmpstr(r->reason, ==, "exit");
    g_assert_cmpstr(r->detected, ==, "sync");
    mx_destroy(&x);
}

static void test_stale_asid(void)
{
    /* ASID 9 is nobody's: the TLBI was meant for ASID 5's pages. */
    stale_case((TlbiArgs) { .op = SMMUM_TLBI_NH_VA, .asid = 9,
                            .addr = VA + 0x1000, .leaf = true },
               SMMUM_MISS_ASID);
}

static void test_stale_ttl(void)
{
    stale_case((TlbiArgs) { .op = SMMUM_TLBI_NH_VA, .asid = ASID,
                            .addr = VA + 0x1000, .leaf = true, .tg = 1,
                            .ttl = 2 }, SMMUM_MISS_TTL);
}

static void test_stale_tg(void)
{
    stale_case((TlbiArgs) { .op = SMMUM_TLBI_NH_VA, .asid = ASID,
                            .addr = VA + 0x1000, .leaf = true, .tg = 2,
                            .num = 0, .scale = 0, .ttl = 3 },
               SMMUM_MISS_TG);
}

static void test_stale_range(void)
{
    /* Two pages unmapped, NUM=0 names one: the next is just past it. */
    stale_case((TlbiArgs) { .op = SMMUM_TLBI_NH_VA, .asid = ASID,
                            .addr = VA, .leaf = true, .tg = 1, .ttl = 3,
                            .num = 0 }, SMMUM_MISS_ADDR);
}

static void test_stale_stage(void)
{
    /* A stage-2 invalidation for a stage-1 translation. */
    stale_case((TlbiArgs) { .op = SMMUM_TLBI_S2_IPA, .addr = VA + 0x1000,
                            .leaf = true }, SMMUM_MISS_STAGE);
}

/*
 * Another live context's own TLBI of the same IOVA is not aimed at
 * ASID 5's entry: DMA from that entry is missing maintenance, not a
 * wrong-scope TLBI.
 */
static void test_other_context_not_aimed(void)
{
    Mx x;

    mx_init_mapped(&x);
    pt_map(&x, x.root2, 3, VA, PA_B, 0);
    pt_map(&x, x.root2, 3, VA + 0x1000, PA_B + 0x1000, 0);
    dma_ok(&x, 1, VA, PA_A);
    dma_ok(&x, 2, VA, PA_B);
    dma_ok(&x, 2, VA + 0x1000, PA_B + 0x1000);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), 0);
    fake_write64(&x.f.mem, slot_of(&x, x.root2, 3, VA), 0);
    tlbi_va(&x, ASID2, VA, true);
    do_sync(&x);
    dma_ok(&x, 1, VA, PA_A);
    smmum_maint_finish(x.m);
    expect_one(&x, SMMUM_MAINT_MISSING, SMMUM_TEAR_SEV_MAJOR);
    g_assert_cmpuint(rec(&x, 0)->ntlbis, ==, 0);
    g_assert_cmpstr(rec(&x, 0)->detected, ==, "sync");
    mx_destroy(&x);
}

/* A wrong-scope TLBI nobody's DMA exposed: info. */
static void test_stale_latent(void)
{
    Mx x;

    mx_init_cached(&x);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), 0);
    tlbi_va(&x, 9, VA, true);
    do_sync(&x);
    tlbi(&x, (TlbiArgs) { .op = SMMUM_TLBI_NH_ASID, .asid = ASID });
    do_sync(&x);
    expect_one(&x, SMMUM_MAINT_STALE, SMMUM_TEAR_SEV_INFO);
    g_assert_cmpuint(rec(&x, 0)->exposure, ==, 0);
    g_assert_true(rec(&x, 0)->removed_by_tlbi);
    g_assert_cmpuint(rec(&x, 0)->removal.t.opcode, ==, SMMUM_TLBI_NH_ASID);
    mx_destroy(&x);
}

/* ---- missing maintenance, strict and deferred ---- */

static void unmap_then_dma(Mx *x)
{
    pt_map(x, x->root, 3, VA, PA_A, 0);
    dma_ok(x, 1, VA, PA_A);
    fake_write64(&x->f.mem, leaf_slot(x, VA), 0);
    dma_ok(x, 1, VA + 8, PA_A + 8);             /* still cached */
}

static void test_missing(void)
{
    Mx x;
    const SmmumMaintRecord *r;

    mx_init(&x);
    unmap_then_dma(&x);
    /* Unrelated maintenance does not cover it. */
    tlbi_va(&x, ASID, VA + 0x200000, true);
    do_sync(&x);
    dma_ok(&x, 1, VA + 16, PA_A + 16);
    smmum_maint_finish(x.m);
    smmum_maint_finish(x.m);                    /* idempotent */
    expect_one(&x, SMMUM_MAINT_MISSING, SMMUM_TEAR_SEV_MAJOR);
    r = rec(&x, 0);
    g_assert_cmpuint(r->exposure, ==, 2);
    g_assert_cmpstr(r->detected, ==, "hit");
    g_assert_cmpstr(r->reason, ==, "exit");
    g_assert_false(r->removed_by_tlbi);
    mx_destroy(&x);
}

static void test_late_strict(void)
{
    Mx x;

    mx_init(&x);
    unmap_then_dma(&x);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    dma_abort(&x, 1, VA);
    expect_one(&x, SMMUM_MAINT_LATE, SMMUM_TEAR_SEV_MINOR);
    g_assert_true(rec(&x, 0)->removed_by_tlbi);
    g_assert_cmpuint(rec(&x, 0)->removal.t.opcode, ==, SMMUM_TLBI_NH_VA);
    g_assert_cmpuint(rec(&x, 0)->exposure, ==, 1);
    mx_destroy(&x);
}

static void test_fq_use_after_unmap(void)
{
    Mx x;

    mx_init(&x);
    unmap_then_dma(&x);
    tlbi(&x, (TlbiArgs) { .op = SMMUM_TLBI_NH_ASID, .asid = ASID });
    do_sync(&x);
    expect_one(&x, SMMUM_MAINT_FQ, SMMUM_TEAR_SEV_INFO);
    g_assert_cmpuint(rec(&x, 0)->removal.t.opcode, ==, SMMUM_TLBI_NH_ASID);
    mx_destroy(&x);
}

/*
 * A table descriptor cleared without any TLBI: DMA re-reads the leaf
 * each time and the tables once per SYNC, so the change is seen at the
 * first DMA after the next (unrelated) SYNC.
 */
static void test_missing_table(void)
{
    Mx x;

    mx_init_cached(&x);
    fake_write64(&x.f.mem, slot_of(&x, x.root, 2, VA), 0);
    dma_ok(&x, 1, VA, PA_A);
    g_assert_cmpuint(counters(&x).changes[SMMUM_CHG_UNMAP], ==, 0);
    do_sync(&x);
    dma_ok(&x, 1, VA, PA_A);
    dma_ok(&x, 1, VA, PA_A);
    smmum_maint_finish(x.m);
    expect_one(&x, SMMUM_MAINT_MISSING, SMMUM_TEAR_SEV_MAJOR);
    g_assert_cmpuint(rec(&x, 0)->exposure, ==, 2);
    g_assert_cmpint(rec(&x, 0)->desc_level, ==, 2);
    mx_destroy(&x);
}

/* Narrowing permissions needs a TLBI too. */
static void test_missing_narrow(void)
{
    Mx x;

    mx_init_cached(&x);
    fake_write64(&x.f.mem, leaf_slot(&x, VA),
                 PA_A | D_PAGE | D_AP2);
    dma_ok(&x, 1, VA, PA_A);
    smmum_maint_finish(x.m);
    expect_one(&x, SMMUM_MAINT_MISSING, SMMUM_TEAR_SEV_MAJOR);
    g_assert_cmpint(rec(&x, 0)->change, ==, SMMUM_CHG_NARROW);
    mx_destroy(&x);
}

/* Bits the translation ignores (software bits) are not a change. */
static void test_benign(void)
{
    Mx x;

    mx_init_cached(&x);
    fake_write64(&x.f.mem, leaf_slot(&x, VA),
                 PA_A | D_PAGE | (1ULL << 56));
    dma_ok(&x, 1, VA, PA_A);
    dma_ok(&x, 1, VA, PA_A);
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    g_assert_cmpuint(counters(&x).benign, ==, 1);
    mx_destroy(&x);
}

/* Unmapped and mapped back as it was: DMA meanwhile only counts. */
static void test_restored(void)
{
    Mx x;

    mx_init(&x);
    unmap_then_dma(&x);
    pt_map(&x, x.root, 3, VA, PA_A, 0);
    dma_ok(&x, 1, VA, PA_A);
    dma_ok(&x, 1, VA, PA_A);
    smmum_maint_finish(x.m);
    expect_one(&x, SMMUM_MAINT_MISSING, SMMUM_TEAR_SEV_MAJOR);
    g_assert_cmpuint(rec(&x, 0)->exposure, ==, 1);
    mx_destroy(&x);
}

/* ---- break-before-make ---- */

/* Split a cached block into a table of the same pages, no BBM. */
static void split_no_bbm(Mx *x, uint64_t blk_attrs)
{
    uint64_t blk, l3;

    pt_map(x, x->root, 2, VA, PA_A, blk_attrs);
    dma_ok(x, 1, VA + 0x3000, PA_A + 0x3000);
    blk = slot_of(x, x->root, 2, VA);
    l3 = fx_alloc_page(&x->f);
    for (unsigned i = 0; i < 512; i++) {
        fake_write64(&x->f.mem, l3 + i * 8,
                     (PA_A + i * 0x1000) | D_PAGE);
    }
    fake_write64(&x->f.mem, blk, l3 | D_TABLE);
}

static void test_bbm_resize(void)
{
    Mx x;
    const SmmumMaintRecord *r;

    mx_init(&x);
    split_no_bbm(&x, 0);
    dma_ok(&x, 1, VA + 0x5000, PA_A + 0x5000);   /* old block serves */
    g_assert_cmpuint(nrecs(&x), ==, 1);
    r = rec(&x, 0);
    g_assert_cmpint(r->kind, ==, SMMUM_MAINT_BBM);
    g_assert_cmpint(r->sev, ==, SMMUM_TEAR_SEV_MAJOR);
    g_assert_cmpint(r->change, ==, SMMUM_CHG_RESIZE);
    g_assert_cmpuint(r->entry.size_shift, ==, 21);
    g_assert_cmpuint(r->new_size_shift, ==, 12);
    g_assert_cmpint(r->desc_level, ==, 2);
    g_assert_cmpuint(r->bbml, ==, 0);
    g_assert_false(r->conflict);
    mx_destroy(&x);
}

static void test_bbm_level2(void)
{
    Mx x;

    /* BBML2: a size change keeping the output needs no BBM. */
    mx_init_full(&x, 2, "missing=off", false);
    split_no_bbm(&x, 0);
    dma_ok(&x, 1, VA + 0x5000, PA_A + 0x5000);
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    g_assert_cmpuint(counters(&x).changes[SMMUM_CHG_RESIZE], ==, 1);
    mx_destroy(&x);
}

static void test_bbm_level1_nt(void)
{
    Mx x;

    /* BBML1 and the old block marked nT: allowed. */
    mx_init_full(&x, 1, "missing=off", false);
    split_no_bbm(&x, D_NT);
    dma_ok(&x, 1, VA + 0x5000, PA_A + 0x5000);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    mx_destroy(&x);
    /* BBML1 without nT: a violation. */
    mx_init_full(&x, 1, "missing=off", false);
    split_no_bbm(&x, 0);
    dma_ok(&x, 1, VA + 0x5000, PA_A + 0x5000);
    g_assert_cmpuint(nrecs(&x), ==, 1);
    g_assert_cmpint(rec(&x, 0)->kind, ==, SMMUM_MAINT_BBM);
    g_assert_cmpuint(rec(&x, 0)->bbml, ==, 1);
    mx_destroy(&x);
}

static void test_bbm_remap_conflict(void)
{
    Mx x;
    unsigned before;

    /* Another output address needs BBM at every level. */
    mx_init_full(&x, 2, NULL, true);
    pt_map(&x, x.root, 3, VA, PA_A, 0);
    dma_ok(&x, 1, VA, PA_A);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), PA_B | D_PAGE);
    before = evtq_count(&x.f);
    dma_abort(&x, 1, VA);
    g_assert_cmpuint(evtq_count(&x.f), ==, before + 1);
    g_assert_cmphex(evt_word(&x.f, before, 0) & 0xff, ==,
                    SMMUM_EVT_F_TLB_CONFLICT);
    g_assert_cmpuint(nrecs(&x), ==, 1);
    g_assert_cmpint(rec(&x, 0)->kind, ==, SMMUM_MAINT_BBM);
    g_assert_cmpint(rec(&x, 0)->change, ==, SMMUM_CHG_REMAP);
    g_assert_true(rec(&x, 0)->conflict);
    g_assert_cmpuint(counters(&x).conflicts, ==, 1);
    /* A TLBI ends the conflict: the new translation is walked. */
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    dma_ok(&x, 1, VA, PA_B);
    g_assert_cmpuint(nrecs(&x), ==, 1);
    mx_destroy(&x);
}

/* Replaced, then invalidated, no DMA in between: still a violation. */
static void test_bbm_found_at_tlbi(void)
{
    Mx x;

    mx_init_cached(&x);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), PA_B | D_PAGE);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    dma_ok(&x, 1, VA, PA_B);
    expect_one(&x, SMMUM_MAINT_BBM, SMMUM_TEAR_SEV_MAJOR);
    g_assert_cmpstr(rec(&x, 0)->detected, ==, "tlbi");
    mx_destroy(&x);
}

/* ---- Leaf=1 for a table change ---- */

static void test_leaf_of_table(void)
{
    Mx x;

    mx_init_cached(&x);
    fake_write64(&x.f.mem, slot_of(&x, x.root, 2, VA), 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    expect_one(&x, SMMUM_MAINT_LEAF, SMMUM_TEAR_SEV_MINOR);
    g_assert_cmpint(rec(&x, 0)->desc_level, ==, 2);
    g_assert_true(rec(&x, 0)->removed_by_tlbi);
    mx_destroy(&x);
}

/* ---- ATS: translations held by the endpoint's ATC ---- */

static void ats_grant(Mx *x, uint64_t va, uint64_t pa)
{
    SmmumTxn t = { .sid = 1, .addr = va, .at = SMMUM_AT_TRANSLATION_REQ };
    SmmumXlate r;

    smmum_ats_translate(&x->f.core, &t, &r);
    g_assert_cmpint(r.ats_resp, ==, SMMUM_ATS_SUCCESS);
    g_assert_true(r.read);
    g_assert_cmphex(r.pa, ==, pa);
}

static void translated(Mx *x, uint64_t pa)
{
    SmmumTxn t = { .sid = 1, .addr = pa, .at = SMMUM_AT_TRANSLATED };
    SmmumXlate r;

    smmum_translate(&x->f.core, &t, &r);
    g_assert_cmpint(r.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(r.pa, ==, pa);
}

static void atc_inv(Mx *x, uint64_t va)
{
    fx_cmd(&x->f, SMMUM_CMD_ATC_INV | (1ULL << 32), va);
}

/* Unmap, TLBI + SYNC, ATC_INV + SYNC: what Linux does; nothing to say. */
static void test_ats_clean(void)
{
    Mx x;

    mx_init_mapped(&x);
    ats_grant(&x, VA, PA_A);
    translated(&x, PA_A + 0x40);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    atc_inv(&x, VA);
    do_sync(&x);
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    g_assert_cmpuint(counters(&x).ats_granted, ==, 1);
    g_assert_cmpuint(counters(&x).atc_invs, ==, 1);
    g_assert_cmpuint(counters(&x).maintained, ==, 1);
    mx_destroy(&x);
}

/* No ATC_INV at all: the device keeps using the unmapped page. */
static void test_atc_missing(void)
{
    Mx x;
    const SmmumMaintRecord *r;

    mx_init_mapped(&x);
    ats_grant(&x, VA, PA_A);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    translated(&x, PA_A + 0x40);
    smmum_maint_finish(x.m);
    expect_one(&x, SMMUM_MAINT_ATC_MISSING, SMMUM_TEAR_SEV_MAJOR);
    r = rec(&x, 0);
    g_assert_true(r->atc);
    g_assert_false(r->atc_inv_pending);
    g_assert_cmpuint(r->exposure, ==, 1);
    g_assert_cmphex(r->entry.iova, ==, VA);
    g_assert_cmphex(r->entry.pa, ==, PA_A);
    g_assert_cmpint(r->change, ==, SMMUM_CHG_UNMAP);
    mx_destroy(&x);
}

/* ATC_INV consumed but never completed by a SYNC. */
static void test_atc_inv_no_sync(void)
{
    Mx x;

    mx_init_mapped(&x);
    ats_grant(&x, VA, PA_A);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), 0);
    atc_inv(&x, VA);
    translated(&x, PA_A);
    smmum_maint_finish(x.m);
    expect_one(&x, SMMUM_MAINT_ATC_MISSING, SMMUM_TEAR_SEV_MAJOR);
    g_assert_true(rec(&x, 0)->atc_inv_pending);
    mx_destroy(&x);
}

/* Used after the unmap, before the ATC_INV + SYNC that then came. */
static void test_atc_late(void)
{
    Mx x;

    mx_init_mapped(&x);
    ats_grant(&x, VA, PA_A);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), 0);
    translated(&x, PA_A);
    atc_inv(&x, VA);
    do_sync(&x);
    expect_one(&x, SMMUM_MAINT_ATC_LATE, SMMUM_TEAR_SEV_MINOR);
    g_assert_cmpstr(rec(&x, 0)->reason, ==, "atc-inv");
    mx_destroy(&x);
}

/*
 * An ATC_INV with a PASID does not reach translations without one; one
 * without a PASID reaches every PASID's.
 */
static void test_atc_inv_pasid(void)
{
    Mx x;

    mx_init_mapped(&x);
    ats_grant(&x, VA, PA_A);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), 0);
    fx_cmd(&x.f, SMMUM_CMD_ATC_INV | (1ULL << 32) | (1ULL << 11) |
           (3ULL << 12), VA);
    do_sync(&x);
    g_assert_cmpuint(counters(&x).maintained, ==, 0);
    atc_inv(&x, VA);
    do_sync(&x);
    g_assert_cmpuint(counters(&x).maintained, ==, 1);
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    mx_destroy(&x);
}

/* Translated DMA after the ATC was invalidated: nothing covers it. */
static void test_ats_uncovered(void)
{
    Mx x;
    g_autofree char *json = NULL;

    mx_init_mapped(&x);
    ats_grant(&x, VA, PA_A);
    atc_inv(&x, VA);
    do_sync(&x);
    translated(&x, PA_A + 8);
    translated(&x, PA_A + 16);                  /* one record per page */
    smmum_maint_finish(x.m);
    expect_one(&x, SMMUM_MAINT_ATS_UNCOVERED, SMMUM_TEAR_SEV_MAJOR);
    g_assert_cmphex(rec(&x, 0)->translated_addr, ==, PA_A + 8);
    json = smmum_maint_record_to_json(rec(&x, 0));
    g_assert_nonnull(strstr(json, "\"view\":\"atc\""));
    g_assert_nonnull(strstr(json, "\"translated_addr\":\"0x80000008\""));
    g_assert_cmpuint(counters(&x).translated, ==, 2);
    mx_destroy(&x);
}

/* ---- ATS Enable at the endpoint against STE.EATS ---- */

/* SID 1's STE: stage 1 through CD_PA with eats, or config (no stage 1). */
static void put_ste_ats(Mx *x, unsigned config, unsigned eats, bool valid)
{
    uint64_t w[8] = { 0 };

    smmum_ste_set_field(w, SMMUM_STE_EATS, 2, eats);
    smmum_ste_set_field(w, SMMUM_STE_V, 1, valid);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, config);
    if (config == 5) {
        smmum_ste_set_field(w, SMMUM_STE_S1CTXPTR, 50, CD_PA >> 6);
    }
    fx_write_ste(&x->f, 1, w);
}

static void cfgi_ste(Mx *x, uint32_t sid)
{
    fx_cmd(&x->f, SMMUM_CMD_CFGI_STE | ((uint64_t)sid << 32), 1);
    do_sync(x);
}

static void ats_enable(Mx *x, bool on)
{
    smmum_ats_endpoint(&x->f.core, 1, on, true);
}

/*
 * The order Linux's driver keeps: EATS in the STE (CFGI + SYNC), ATC
 * invalidated, then ATS enabled; ATS disabled at the endpoint before the
 * STE refusing ATS is published.  A hitless change between two STEs
 * with EATS is a CFGI while ATS is on, and nothing to report.
 */
static void test_ats_order_clean(void)
{
    Mx x;

    mx_init(&x);
    cfgi_ste(&x, 1);
    atc_inv(&x, 0);
    do_sync(&x);
    ats_enable(&x, true);
    put_ste_s1(&x, 1, CD2_PA);                  /* another domain, EATS */
    cfgi_ste(&x, 1);
    ats_enable(&x, false);
    put_ste_ats(&x, 4, 0, true);                /* bypass */
    cfgi_ste(&x, 1);
    atc_inv(&x, 0);
    do_sync(&x);
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    g_assert_cmpuint(counters(&x).ats_enables, ==, 1);
    g_assert_cmpuint(counters(&x).ats_disables, ==, 1);
    g_assert_cmpuint(counters(&x).ats_cfgis, ==, 1);
    mx_destroy(&x);
}

/* ATS enabled while the STE in memory still has EATS=0. */
static void test_ats_enable_early(void)
{
    Mx x;
    g_autofree char *json = NULL;

    mx_init(&x);
    put_ste_ats(&x, 5, 0, true);
    cfgi_ste(&x, 1);
    ats_enable(&x, true);
    expect_one(&x, SMMUM_MAINT_ATS_ENABLE, SMMUM_TEAR_SEV_MINOR);
    g_assert_cmpstr(rec(&x, 0)->ste_view, ==, "memory");
    g_assert_cmpint(rec(&x, 0)->ste_state, ==, SMMUM_ATS_STE_NO_EATS);
    g_assert_cmpstr(rec(&x, 0)->detected, ==, "ats-enable");
    json = smmum_maint_record_to_json(rec(&x, 0));
    g_assert_nonnull(strstr(json, "\"type\":\"ats-enabled-before-eats\""));
    g_assert_nonnull(strstr(json, "\"state\":\"no-eats\""));
    /* With EATS set, the same endpoint may enable ATS again. */
    ats_enable(&x, false);
    put_ste_s1(&x, 1, CD_PA);
    cfgi_ste(&x, 1);
    ats_enable(&x, true);
    g_assert_cmpuint(nrecs(&x), ==, 1);
    mx_destroy(&x);
}

/* EATS set in memory, but the SMMU still holds the old STE: no CFGI. */
static void test_ats_enable_stale_cache(void)
{
    Mx x;

    mx_init(&x);
    put_ste_ats(&x, 5, 0, true);
    cfgi_ste(&x, 1);
    pt_map(&x, x.root, 3, VA, PA_A, 0);
    dma_ok(&x, 1, VA, PA_A);                    /* caches the STE */
    put_ste_s1(&x, 1, CD_PA);                   /* EATS=1, no CFGI */
    ats_enable(&x, true);
    expect_one(&x, SMMUM_MAINT_ATS_ENABLE, SMMUM_TEAR_SEV_MINOR);
    g_assert_cmpstr(rec(&x, 0)->ste_view, ==, "cache");
    g_assert_cmpuint(rec(&x, 0)->ste_eats, ==, 0);
    mx_destroy(&x);
}

/* The older order: STE without ATS published, then ATS disabled. */
static void test_ats_disable_late(void)
{
    Mx x;

    mx_init(&x);
    cfgi_ste(&x, 1);
    ats_enable(&x, true);
    put_ste_ats(&x, 4, 0, true);                /* bypass: EATS IGNORED */
    cfgi_ste(&x, 1);
    cfgi_ste(&x, 1);                            /* reported once */
    ats_enable(&x, false);
    expect_one(&x, SMMUM_MAINT_ATS_DISABLE, SMMUM_TEAR_SEV_MINOR);
    g_assert_cmpstr(rec(&x, 0)->detected, ==, "cfgi");
    g_assert_cmpint(rec(&x, 0)->ste_state, ==, SMMUM_ATS_STE_NO_EATS);
    g_assert_cmphex(rec(&x, 0)->ste_pa, !=, 0);
    mx_destroy(&x);
}

/* An aborting STE written, ATS disabled before any CFGI: still late. */
static void test_ats_disable_no_cfgi(void)
{
    Mx x;

    mx_init(&x);
    cfgi_ste(&x, 1);
    ats_enable(&x, true);
    put_ste_ats(&x, 0, 0, true);                /* Config abort */
    ats_enable(&x, false);
    expect_one(&x, SMMUM_MAINT_ATS_DISABLE, SMMUM_TEAR_SEV_MINOR);
    g_assert_cmpstr(rec(&x, 0)->detected, ==, "ats-disable");
    g_assert_cmpint(rec(&x, 0)->ste_state, ==, SMMUM_ATS_STE_ABORT);
    mx_destroy(&x);
}

/*
 * A break-before-make STE update (V=0 step) between two STEs with EATS
 * while ATS stays enabled is the tear checker's business, not an order
 * finding; and the check can be switched off.
 */
static void test_ats_order_break_and_off(void)
{
    Mx x;

    mx_init(&x);
    cfgi_ste(&x, 1);
    ats_enable(&x, true);
    put_ste_ats(&x, 5, 1, false);
    cfgi_ste(&x, 1);
    put_ste_s1(&x, 1, CD2_PA);
    cfgi_ste(&x, 1);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    g_assert_cmpuint(counters(&x).ats_cfgis, ==, 2);
    mx_destroy(&x);

    mx_init_full(&x, 0, "ats-enable=off", false);
    put_ste_ats(&x, 5, 0, true);
    ats_enable(&x, true);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    g_assert_cmpuint(counters(&x).ats_enables, ==, 1);
    mx_destroy(&x);
}

/* ---- configuration ---- */

static void test_checks_parse(void)
{
    SmmumMaintParams p;
    char *err;

    smmum_maint_params_default(&p);
    g_assert_null(smmum_maint_checks_parse(&p, "fq=major,leaf=off"));
    g_assert_cmpint(p.sev[SMMUM_MAINT_FQ], ==, SMMUM_TEAR_SEV_MAJOR);
    g_assert_false(p.on[SMMUM_MAINT_LEAF]);
    g_assert_true(p.on[SMMUM_MAINT_STALE]);
    err = smmum_maint_checks_parse(&p, "stale=loud");
    g_assert_nonnull(err);
    g_free(err);
    err = smmum_maint_checks_parse(&p, "tears=off");
    g_assert_nonnull(strstr(err, "tears"));
    g_free(err);
    err = smmum_maint_checks_parse(&p, "stale");
    g_assert_nonnull(err);
    g_free(err);
}

static void test_check_off(void)
{
    Mx x;

    mx_init_full(&x, 0, "missing=off", false);
    unmap_then_dma(&x);
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 0);
    mx_destroy(&x);
    mx_init_full(&x, 0, "missing=critical", false);
    unmap_then_dma(&x);
    smmum_maint_finish(x.m);
    expect_one(&x, SMMUM_MAINT_MISSING, SMMUM_TEAR_SEV_CRITICAL);
    mx_destroy(&x);
}

/* Reset flushes the IOTLB: a changed, used entry is judged then. */
static void test_reset(void)
{
    Mx x;

    mx_init(&x);
    unmap_then_dma(&x);
    smmum_core_reset(&x.f.core);
    expect_one(&x, SMMUM_MAINT_MISSING, SMMUM_TEAR_SEV_MAJOR);
    g_assert_cmpstr(rec(&x, 0)->reason, ==, "reset");
    g_assert_cmpuint(counters(&x).live, ==, 0);
    mx_destroy(&x);
}

static void test_json(void)
{
    Mx x;
    g_autofree char *json = NULL, *line = NULL;
    g_autoptr(JsonParser) jp = json_parser_new();
    JsonObject *o, *d;
    JsonArray *t;

    mx_init_cached(&x);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), 0);
    tlbi_va(&x, 9, VA, true);
    do_sync(&x);
    dma_ok(&x, 1, VA, PA_A);
    smmum_maint_finish(x.m);
    g_assert_cmpuint(nrecs(&x), ==, 1);
    json = smmum_maint_record_to_json(rec(&x, 0));
    g_assert_true(json_parser_load_from_data(jp, json, -1, NULL));
    o = json_node_get_object(json_parser_get_root(jp));
    g_assert_cmpint(json_object_get_int_member(o, "schema"), ==, 2);
    g_assert_cmpstr(json_object_get_string_member(o, "type"), ==,
                    "stale-translation");
    g_assert_cmpstr(json_object_get_string_member(o, "change"), ==, "unmap");
    d = json_object_get_object_member(o, "descriptor");
    g_assert_cmpint(json_object_get_int_member(d, "level"), ==, 3);
    t = json_object_get_array_member(o, "missed_tlbis");
    g_assert_cmpuint(json_array_get_length(t), ==, 1);
    o = json_array_get_object_element(t, 0);
    g_assert_cmpstr(json_object_get_string_member(o, "op"), ==,
                    "TLBI_NH_VA");
    g_assert_cmpint(json_object_get_int_member(o, "asid"), ==, 9);
    g_assert_cmpstr(json_array_get_string_element(
                        json_object_get_array_member(o, "missed_because"),
                        0), ==, "asid");
    line = smmum_maint_record_describe(rec(&x, 0));
    g_assert_nonnull(strstr(line, "stale-translation"));
    g_assert_nonnull(strstr(line, "missed: asid"));
    mx_destroy(&x);
}

/* The maint-summary record: what was found, changed and checked. */
static void test_summary_json(void)
{
    g_autoptr(JsonParser) jp = json_parser_new();
    g_autofree char *json = NULL;
    JsonObject *o, *by, *chk;
    SmmumMaintCounters c;
    Mx x;

    mx_init_cached(&x);
    dma_ok(&x, 1, VA + 8, PA_A + 8);
    fake_write64(&x.f.mem, leaf_slot(&x, VA), 0);
    tlbi_va(&x, ASID, VA, true);
    do_sync(&x);
    put_ste_ats(&x, 5, 0, true);
    cfgi_ste(&x, 1);
    ats_enable(&x, true);
    smmum_maint_finish(x.m);
    c = counters(&x);
    json = smmum_maint_summary_to_json(&c);
    g_assert_true(json_parser_load_from_data(jp, json, -1, NULL));
    o = json_node_get_object(json_parser_get_root(jp));
    g_assert_cmpstr(json_object_get_string_member(o, "type"), ==,
                    "maint-summary");
    g_assert_cmpint(json_object_get_int_member(o, "findings"), ==, 1);
    by = json_object_get_object_member(o, "by_type");
    g_assert_cmpint(json_object_get_int_member(by, "ats-enabled-before-eats"),
                    ==, 1);
    g_assert_cmpint(json_object_get_int_member(by, "stale-translation"),
                    ==, 0);
    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(o, "changes"),
                        "unmap"), ==, 1);
    chk = json_object_get_object_member(o, "checked");
    g_assert_cmpint(json_object_get_int_member(chk, "entries"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(chk, "hits"), ==, c.hits);
    g_assert_cmpint(c.hits, >=, 1);
    g_assert_cmpint(json_object_get_int_member(chk, "maintained"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(chk, "ats_enables"), ==, 1);
    mx_destroy(&x);
}

/*
 * The checker's explanation of a TLBI miss agrees with what the IOTLB
 * removes, over random entries and commands.
 */
static void test_miss_agrees_with_iotlb(void)
{
    static const uint8_t ops[] = {
        SMMUM_TLBI_NH_ALL, SMMUM_TLBI_NH_ASID, SMMUM_TLBI_NH_VA,
        SMMUM_TLBI_NH_VAA, SMMUM_TLBI_EL2_ALL, SMMUM_TLBI_EL2_ASID,
        SMMUM_TLBI_EL2_VA, SMMUM_TLBI_EL2_VAA, SMMUM_TLBI_S12_VMALL,
        SMMUM_TLBI_S2_IPA, SMMUM_TLBI_NSNH_ALL,
    };
    SmmumConfig cfg;
    Fx f;
    SmmumIdRegs idr;
    GRand *rnd = g_rand_new_with_seed(42);
    unsigned removed = 0, kept = 0;

    smmum_config_default(&cfg);
    fx_init_cfg(&f, &cfg);
    smmum_idregs_from_core(&f.core, &idr);
    for (unsigned i = 0; i < 20000; i++) {
        SmmumIotlb *t = smmum_iotlb_new(&idr, 4);
        SmmumIotlbEntry e = { 0 };
        SmmumTlbi ti = { 0 };
        static const uint8_t lv[] = { 1, 2, 3 };
        unsigned gsel = g_rand_int_range(rnd, 0, 3);
        unsigned gran = 12 + 2 * gsel;
        int level = lv[g_rand_int_range(rnd, 0, 3)];
        uint32_t miss;

        e.tag.stage = g_rand_int_range(rnd, 1, 3);
        e.tag.regime = g_rand_int_range(rnd, 0, 2);
        e.tag.vmid = g_rand_int_range(rnd, 0, 3);
        e.tag.asid = g_rand_int_range(rnd, 0, 3);
        e.global = g_rand_boolean(rnd);
        e.granule = gran;
        e.level = level;
        e.size_shift = gran + (gran - 3) * (3 - level);
        /* Sometimes a piece of a larger stage-1 block (nested). */
        if (e.tag.stage == SMMUM_TLB_S1 && level < 3 && g_rand_boolean(rnd)) {
            e.span_shift = e.size_shift;
            e.size_shift = gran;
        }
        e.iova = ((uint64_t)g_rand_int_range(rnd, 0, 8) << 12) &
                 ~SMMUM_MASK(e.size_shift);
        e.iova += (uint64_t)g_rand_int_range(rnd, 0, 4) << e.size_shift;
        smmum_iotlb_insert(t, &e);
        ti.opcode = ops[g_rand_int_range(rnd, 0, G_N_ELEMENTS(ops))];
        ti.vmid = g_rand_int_range(rnd, 0, 3);
        ti.asid = g_rand_int_range(rnd, 0, 3);
        ti.addr = (e.iova & ~SMMUM_MASK(e.size_shift + 2)) +
                  ((uint64_t)g_rand_int_range(rnd, 0, 16) << 12);
        ti.leaf = g_rand_boolean(rnd);
        if (g_rand_boolean(rnd)) {
            ti.tg = g_rand_int_range(rnd, 1, 4);
            ti.ttl = g_rand_int_range(rnd, 0, 4);
            ti.num = g_rand_int_range(rnd, 0, 4);
            ti.scale = g_rand_int_range(rnd, 0, 3);
        }
        /* The IOTLB stores the tag it normalised: ask it. */
        {
            SmmumTlbTag tag = e.tag;
            const SmmumIotlbEntry *in = smmum_iotlb_lookup(t, &tag, e.iova);

            g_assert_nonnull(in);
            e = *in;
        }
        miss = smmum_maint_tlbi_miss(&idr, &ti, &e);
        g_assert_cmpuint(smmum_iotlb_invalidate(t, &ti), ==, miss ? 0 : 1);
        if (miss) {
            kept++;
        } else {
            removed++;
        }
        smmum_iotlb_free(t);
    }
    /* Both outcomes are exercised. */
    g_assert_cmpuint(removed, >, 1000);
    g_assert_cmpuint(kept, >, 1000);
    g_rand_free(rnd);
    fx_destroy(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/maint/clean/strict", test_clean_strict);
    g_test_add_func("/maint/clean/fq", test_clean_fq);
    g_test_add_func("/maint/clean/range", test_clean_range);
    g_test_add_func("/maint/clean/split-bbm", test_clean_split_bbm);
    g_test_add_func("/maint/clean/table-free", test_clean_table_free);
    g_test_add_func("/maint/stale/asid", test_stale_asid);
    g_test_add_func("/maint/stale/ttl", test_stale_ttl);
    g_test_add_func("/maint/stale/tg", test_stale_tg);
    g_test_add_func("/maint/stale/range", test_stale_range);
    g_test_add_func("/maint/stale/stage", test_stale_stage);
    g_test_add_func("/maint/stale/other-context",
                    test_other_context_not_aimed);
    g_test_add_func("/maint/stale/latent", test_stale_latent);
    g_test_add_func("/maint/missing/exit", test_missing);
    g_test_add_func("/maint/missing/late-strict", test_late_strict);
    g_test_add_func("/maint/missing/fq", test_fq_use_after_unmap);
    g_test_add_func("/maint/missing/narrow", test_missing_narrow);
    g_test_add_func("/maint/missing/table", test_missing_table);
    g_test_add_func("/maint/benign", test_benign);
    g_test_add_func("/maint/restored", test_restored);
    g_test_add_func("/maint/bbm/resize", test_bbm_resize);
    g_test_add_func("/maint/bbm/level2", test_bbm_level2);
    g_test_add_func("/maint/bbm/level1-nt", test_bbm_level1_nt);
    g_test_add_func("/maint/bbm/remap-conflict", test_bbm_remap_conflict);
    g_test_add_func("/maint/bbm/at-tlbi", test_bbm_found_at_tlbi);
    g_test_add_func("/maint/leaf", test_leaf_of_table);
    g_test_add_func("/maint/ats/clean", test_ats_clean);
    g_test_add_func("/maint/ats/atc-missing", test_atc_missing);
    g_test_add_func("/maint/ats/atc-inv-no-sync", test_atc_inv_no_sync);
    g_test_add_func("/maint/ats/atc-late", test_atc_late);
    g_test_add_func("/maint/ats/uncovered", test_ats_uncovered);
    g_test_add_func("/maint/ats/atc-inv-pasid", test_atc_inv_pasid);
    g_test_add_func("/maint/ats-order/clean", test_ats_order_clean);
    g_test_add_func("/maint/report/summary-json", test_summary_json);
    g_test_add_func("/maint/ats-order/enable-early", test_ats_enable_early);
    g_test_add_func("/maint/ats-order/enable-stale-cache",
                    test_ats_enable_stale_cache);
    g_test_add_func("/maint/ats-order/disable-late", test_ats_disable_late);
    g_test_add_func("/maint/ats-order/disable-no-cfgi",
                    test_ats_disable_no_cfgi);
    g_test_add_func("/maint/ats-order/break-and-off",
                    test_ats_order_break_and_off);
    g_test_add_func("/maint/config/parse", test_checks_parse);
    g_test_add_func("/maint/config/off", test_check_off);
    g_test_add_func("/maint/reset", test_reset);
    g_test_add_func("/maint/json", test_json);
    g_test_add_func("/maint/miss-agrees-with-iotlb",
                    test_miss_agrees_with_iotlb);
    return g_test_run();
}
