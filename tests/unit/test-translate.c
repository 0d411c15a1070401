/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: smmum_translate() end to end.  A stream table, CD tables
 * and page tables are programmed in fake memory and a whole core (with
 * the default configuration) translates transactions: stage 1, stage 2,
 * nested, CD selection by SubstreamID (linear and 2-level CD tables),
 * S1DSS, the fault events and their gating by CD.R / STE.S2R, and the
 * IOTLB with TLBI through the command queue.
 */
#include "core-helpers.h"
#include "smmum-strtab.h"
#include "smmum-iotlb.h"
#include "smmum-cfgcache.h"

/* Descriptor bits (4K granule). */
#define S2_NORMAL   (0xfULL << 2)

#define VA          0x10000000ULL
#define PA_A        0x80000000ULL
#define PA_B        0x81000000ULL
#define CD_PA       0x500000ULL

typedef struct Tx {
    Fx f;
} Tx;

static void tx_init(Tx *t)
{
    fx_init(&t->f);
    fx_queues(&t->f, 4, 6);
    fx_linear_strtab(&t->f, 6);
    fx_enable(&t->f);
}

static void ste_s1(uint64_t w[8], unsigned config, uint64_t ctx,
                   unsigned fmt, unsigned cdmax, unsigned dss)
{
    memset(w, 0, 8 * sizeof(w[0]));
    smmum_ste_set_field(w, SMMUM_STE_V, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, config);
    smmum_ste_set_field(w, SMMUM_STE_S1FMT, 2, fmt);
    smmum_ste_set_field(w, SMMUM_STE_S1CTXPTR, 50, ctx >> 6);
    smmum_ste_set_field(w, SMMUM_STE_S1CDMAX, 5, cdmax);
    smmum_ste_set_field(w, SMMUM_STE_S1DSS, 2, dss);
}

static SmmumXlate do_txn(Tx *t, uint32_t sid, bool ssv, uint32_t ssid,
                         uint64_t addr, bool write)
{
    SmmumTxn txn = { .sid = sid, .ssv = ssv, .ssid = ssid, .addr = addr,
                     .write = write };
    SmmumXlate x;

    smmum_translate(&t->f.core, &txn, &x);
    return x;
}

static void expect_ok(Tx *t, uint32_t sid, bool ssv, uint32_t ssid,
                      uint64_t addr, bool write, uint64_t pa)
{
    SmmumXlate x = do_txn(t, sid, ssv, ssid, addr, write);

    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, pa);
}

/* The transaction aborts; returns the number of new events (0 or 1). */
static unsigned expect_abort(Tx *t, uint32_t sid, bool ssv, uint32_t ssid,
                             uint64_t addr, bool write)
{
    unsigned before = evtq_count(&t->f);
    SmmumXlate x = do_txn(t, sid, ssv, ssid, addr, write);

    g_assert_cmpint(x.status, ==, SMMUM_XLATE_ABORT);
    return evtq_count(&t->f) - before;
}

static uint64_t last_evt(Tx *t, unsigned dword)
{
    g_assert_cmpuint(evtq_count(&t->f), >, 0);
    return evt_word(&t->f, evtq_count(&t->f) - 1, dword);
}

static void expect_event(Tx *t, uint32_t sid, bool ssv, uint32_t ssid,
                         uint64_t addr, bool write, unsigned type)
{
    g_assert_cmpuint(expect_abort(t, sid, ssv, ssid, addr, write), ==, 1);
    g_assert_cmphex(EV_TYPE(last_evt(t, 0)), ==, type);
    g_assert_cmpuint(EV_SID(last_evt(t, 0)), ==, sid);
    g_assert_cmpuint(EV_SSV(last_evt(t, 0)), ==, ssv);
    if (ssv) {
        g_assert_cmpuint(EV_SSID(last_evt(t, 0)), ==, ssid);
    }
    g_assert_cmpuint(EV_RNW(last_evt(t, 1)), ==, !write);
    g_assert_cmphex(last_evt(t, 2), ==, addr);
}

/* SID 1: stage 1 with one CD (R=1); SID 2: the same tables, CD.R=0. */
static void s1_setup(Tx *t, uint64_t *root)
{
    uint64_t w[8];

    *root = fx_alloc_page(&t->f);
    fx_pt_map(&t->f, *root, 1, 3, VA, PA_A, D_AP1 | D_NG);
    fx_pt_map(&t->f, *root, 1, 3, VA + 0x1000, PA_A + 0x1000,
              D_AP1 | D_AP2 | D_NG);
    /* A 2 MiB block. */
    fx_pt_map(&t->f, *root, 1, 2, VA + 0x200000, PA_B, D_AP1);
    fx_put_cd(&t->f, CD_PA, *root, 7, true);
    fx_put_cd(&t->f, CD_PA + 64, *root, 8, false);
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 0, 0, 0);
    fx_write_ste(&t->f, 1, w);
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA + 64, 0, 0, 0);
    fx_write_ste(&t->f, 2, w);
}

static void test_s1_basic(void)
{
    SmmumXlate x;
    uint64_t root;
    Tx t;

    tx_init(&t);
    s1_setup(&t, &root);

    x = do_txn(&t, 1, false, 0, VA + 0x123, false);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, PA_A + 0x123);
    g_assert_cmphex(x.addr_mask, ==, 0xfff);
    g_assert_true(x.read && x.write);
    expect_ok(&t, 1, false, 0, VA + 0x8, true, PA_A + 0x8);

    /* Read-only page: readable, not writable. */
    x = do_txn(&t, 1, false, 0, VA + 0x1010, false);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, PA_A + 0x1010);
    g_assert_true(x.read);
    g_assert_false(x.write);

    /* Block mapping. */
    x = do_txn(&t, 1, false, 0, VA + 0x234567, false);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, PA_B + 0x34567);
    g_assert_cmphex(x.addr_mask, ==, 0x1fffff);

    g_assert_cmpuint(evtq_count(&t.f), ==, 0);
    g_assert_cmpuint(t.f.obs.fetch, ==, 2);    /* STE + CD, then cached */
    fx_destroy(&t.f);
}

static void test_s1_faults(void)
{
    uint64_t root;
    Tx t;

    tx_init(&t);
    s1_setup(&t, &root);

    /* Write to a read-only page: F_PERMISSION with CD.R=1 ... */
    expect_event(&t, 1, false, 0, VA + 0x1010, true,
                 SMMUM_EVT_F_PERMISSION);
    g_assert_cmpuint(EV_S2(last_evt(&t, 1)), ==, 0);
    g_assert_cmpuint(EV_CLASS(last_evt(&t, 1)), ==, SMMUM_CLASS_IN);
    /* ... after a cached read of the same page too. */
    expect_ok(&t, 1, false, 0, VA + 0x1010, false, PA_A + 0x1010);
    expect_event(&t, 1, false, 0, VA + 0x1018, true,
                 SMMUM_EVT_F_PERMISSION);

    /* Unmapped: F_TRANSLATION. */
    expect_event(&t, 1, false, 0, VA + 0x5000, false,
                 SMMUM_EVT_F_TRANSLATION);

    /* CD.R=0: terminated silently. */
    expect_ok(&t, 2, false, 0, VA, true, PA_A);
    g_assert_cmpuint(expect_abort(&t, 2, false, 0, VA + 0x1010, true), ==,
                     0);
    g_assert_cmpuint(expect_abort(&t, 2, false, 0, VA + 0x5000, false), ==,
                     0);
    fx_destroy(&t.f);
}

static void test_bad_cd(void)
{
    uint64_t w[8];
    Tx t;

    tx_init(&t);
    /* AArch32 table format (AA64=0): CdIllegal. */
    fx_put_cd(&t.f, CD_PA, fx_alloc_page(&t.f), 1, true);
    fake_write64(&t.f.mem, CD_PA,
                 fake_read64(&t.f.mem, CD_PA) & ~(1ULL << 41));
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 0, 0, 0);
    fx_write_ste(&t.f, 1, w);
    expect_event(&t, 1, false, 0, VA, false, SMMUM_EVT_C_BAD_CD);

    /* V=0 also reports C_BAD_CD. */
    fx_put_cd(&t.f, CD_PA + 64, fx_alloc_page(&t.f), 1, true);
    fake_write64(&t.f.mem, CD_PA + 64,
                 fake_read64(&t.f.mem, CD_PA + 64) & ~(1ULL << 31));
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA + 64, 0, 0, 0);
    fx_write_ste(&t.f, 2, w);
    expect_event(&t, 2, false, 0, VA, false, SMMUM_EVT_C_BAD_CD);
    fx_destroy(&t.f);
}

static void test_cd_fetch_abort(void)
{
    uint64_t w[8];
    Tx t;

    tx_init(&t);
    fake_mem_add_fault(&t.f.mem, 0x700000, 0x1000);
    ste_s1(w, SMMUM_STE_CFG_S1, 0x700000, 0, 4, 0);
    fx_write_ste(&t.f, 1, w);
    expect_event(&t, 1, true, 3, VA, false, SMMUM_EVT_F_CD_FETCH);
    g_assert_cmphex(last_evt(&t, 3), ==, 0x700000 + 3 * 64);
    /* A failed fetch is not cached: the next access fetches again. */
    expect_event(&t, 1, true, 3, VA, false, SMMUM_EVT_F_CD_FETCH);
    fx_destroy(&t.f);
}

static void test_bad_ssid(void)
{
    uint64_t root;
    uint64_t w[8];
    Tx t;

    tx_init(&t);
    s1_setup(&t, &root);
    /* S1CDMax=0: a transaction with a SubstreamID is C_BAD_SUBSTREAMID. */
    expect_event(&t, 1, true, 0, VA, false, SMMUM_EVT_C_BAD_SUBSTREAMID);
    /* S1CDMax=2: SSID 4 is out of range. */
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 0, 2, 2);
    fx_write_ste(&t.f, 3, w);
    expect_event(&t, 3, true, 4, VA, false, SMMUM_EVT_C_BAD_SUBSTREAMID);
    expect_ok(&t, 3, true, 1, VA, false, PA_A);
    /* Stage 2 only: no SubstreamID allowed either. */
    ste_s1(w, SMMUM_STE_CFG_S2, 0, 0, 0, 0);
    fx_ste_s2(w, root, 1, true);
    fx_write_ste(&t.f, 4, w);
    expect_event(&t, 4, true, 1, VA, false, SMMUM_EVT_C_BAD_SUBSTREAMID);
    fx_destroy(&t.f);
}

/* Linear CD table of 4 CDs; S1DSS for traffic without a SubstreamID. */
static void test_ssid_linear(void)
{
    uint64_t ra, rb;
    uint64_t w[8];
    Tx t;

    tx_init(&t);
    ra = fx_alloc_page(&t.f);
    rb = fx_alloc_page(&t.f);
    fx_pt_map(&t.f, ra, 1, 3, VA, PA_A, D_AP1 | D_NG);
    fx_pt_map(&t.f, rb, 1, 3, VA, PA_B, D_AP1 | D_NG);
    fx_put_cd(&t.f, CD_PA, ra, 1, true);
    fx_put_cd(&t.f, CD_PA + 3 * 64, rb, 2, true);

    for (unsigned dss = 0; dss < 3; dss++) {
        ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 0, 2, dss);
        fx_write_ste(&t.f, 10 + dss, w);
        expect_ok(&t, 10 + dss, true, 3, VA + 4, false, PA_B + 4);
    }
    /* S1DSS=0b00: terminate with F_STREAM_DISABLED. */
    expect_event(&t, 10, false, 0, VA, false, SMMUM_EVT_F_STREAM_DISABLED);
    /* 0b01: stage 1 bypassed. */
    expect_ok(&t, 11, false, 0, VA + 4, false, VA + 4);
    /* 0b10: CD 0; SSID 0 is then C_BAD_SUBSTREAMID. */
    expect_ok(&t, 12, false, 0, VA + 4, false, PA_A + 4);
    expect_event(&t, 12, true, 0, VA, false, SMMUM_EVT_C_BAD_SUBSTREAMID);
    /* Invalid CD 2. */
    expect_event(&t, 12, true, 2, VA, false, SMMUM_EVT_C_BAD_CD);
    fx_destroy(&t.f);
}

/* 2-level CD table, 4 KiB leaves (64 CDs each). */
static void test_ssid_2level(void)
{
    uint64_t ra, rb, leaf;
    uint64_t w[8];
    unsigned fetches;
    Tx t;

    tx_init(&t);
    ra = fx_alloc_page(&t.f);
    rb = fx_alloc_page(&t.f);
    leaf = fx_alloc_page(&t.f);
    fx_pt_map(&t.f, ra, 1, 3, VA, PA_A, D_AP1 | D_NG);
    fx_pt_map(&t.f, rb, 1, 3, VA, PA_B, D_AP1 | D_NG);
    for (unsigned i = 0; i < 8; i++) {
        fake_write64(&t.f.mem, CD_PA + i * 8, 0);
    }
    fake_write64(&t.f.mem, CD_PA + 8, leaf | 1);     /* L1CD[1] */
    fx_put_cd(&t.f, leaf + 6 * 64, ra, 3, true);          /* SSID 70 */
    fx_put_cd(&t.f, leaf + 7 * 64, rb, 4, true);          /* SSID 71 */
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 1, 9, 1);
    fx_write_ste(&t.f, 1, w);

    fetches = t.f.obs.fetch;
    expect_ok(&t, 1, true, 70, VA, false, PA_A);
    /* STE, L1CD and CD fetched. */
    g_assert_cmpuint(t.f.obs.fetch - fetches, ==, 3);
    g_assert_cmpuint(t.f.obs.last_fetch_kind, ==, SMMUM_FETCH_CD);
    g_assert_cmphex(t.f.obs.last_fetch_addr, ==, leaf + 6 * 64);
    expect_ok(&t, 1, true, 71, VA, false, PA_B);
    /* Only the new CD: the L1CD came from the config cache. */
    g_assert_cmpuint(t.f.obs.fetch - fetches, ==, 4);
    /* Invalid L1CD[3]: C_BAD_SUBSTREAMID. */
    expect_event(&t, 1, true, 200, VA, false, SMMUM_EVT_C_BAD_SUBSTREAMID);
    /* Beyond S1CDMax=9. */
    expect_event(&t, 1, true, 512, VA, false, SMMUM_EVT_C_BAD_SUBSTREAMID);
    fx_destroy(&t.f);
}

static void test_s2_only(void)
{
    uint64_t root, w[8];
    SmmumXlate x;
    Tx t;

    tx_init(&t);
    root = fx_alloc_page(&t.f);
    fx_pt_map(&t.f, root, 1, 3, VA, PA_A, D_AP1 | D_AP2 | S2_NORMAL);
    fx_pt_map(&t.f, root, 1, 3, VA + 0x1000, PA_B, D_AP1 | S2_NORMAL);
    ste_s1(w, SMMUM_STE_CFG_S2, 0, 0, 0, 0);
    fx_ste_s2(w, root, 5, true);
    fx_write_ste(&t.f, 1, w);
    ste_s1(w, SMMUM_STE_CFG_S2, 0, 0, 0, 0);
    fx_ste_s2(w, root, 5, false);
    fx_write_ste(&t.f, 2, w);

    x = do_txn(&t, 1, false, 0, VA + 0x10, true);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, PA_A + 0x10);
    g_assert_true(x.read && x.write);
    /* S2AP read-only. */
    expect_ok(&t, 1, false, 0, VA + 0x1010, false, PA_B + 0x10);
    expect_event(&t, 1, false, 0, VA + 0x1010, true,
                 SMMUM_EVT_F_PERMISSION);
    g_assert_cmpuint(EV_S2(last_evt(&t, 1)), ==, 1);
    g_assert_cmphex(last_evt(&t, 3), ==, VA + 0x1010);
    expect_event(&t, 1, false, 0, VA + 0x7000, false,
                 SMMUM_EVT_F_TRANSLATION);
    g_assert_cmpuint(EV_S2(last_evt(&t, 1)), ==, 1);
    g_assert_cmpuint(EV_CLASS(last_evt(&t, 1)), ==, SMMUM_CLASS_IN);
    g_assert_cmphex(last_evt(&t, 3), ==, VA + 0x7000);
    /* S2R=0: no record. */
    g_assert_cmpuint(expect_abort(&t, 2, false, 0, VA + 0x7000, false), ==,
                     0);
    fx_destroy(&t.f);
}

static void test_nested(void)
{
    uint64_t s2root, s1root, w[8];
    const uint64_t cd_ipa = 0x60000000ULL;  /* not mapped at stage 2 */
    Tx t;

    tx_init(&t);
    /* Stage 2: IPA 0x0..1 GiB identity (tables, CDs), PA_A -> PA_B. */
    s2root = fx_alloc_page(&t.f);
    fx_pt_map(&t.f, s2root, 1, 1, 0, 0, D_AP1 | D_AP2 | S2_NORMAL);
    fx_pt_map(&t.f, s2root, 1, 3, PA_A, PA_B, D_AP1 | D_AP2 | S2_NORMAL);
    /* Stage 1: VA -> IPA PA_A, VA + 0x1000 -> unmapped IPA. */
    s1root = fx_alloc_page(&t.f);
    fx_pt_map(&t.f, s1root, 1, 3, VA, PA_A, D_AP1);
    fx_pt_map(&t.f, s1root, 1, 3, VA + 0x1000, 0x90000000ULL, D_AP1);
    fx_put_cd(&t.f, CD_PA, s1root, 9, true);
    ste_s1(w, SMMUM_STE_CFG_NESTED, CD_PA, 0, 0, 0);
    fx_ste_s2(w, s2root, 3, true);
    fx_write_ste(&t.f, 1, w);

    expect_ok(&t, 1, false, 0, VA + 0x44, false, PA_B + 0x44);
    /* Stage-2 fault on the output of stage 1: CLASS=IN, S2=1, IPA. */
    expect_event(&t, 1, false, 0, VA + 0x1044, false,
                 SMMUM_EVT_F_TRANSLATION);
    g_assert_cmpuint(EV_S2(last_evt(&t, 1)), ==, 1);
    g_assert_cmpuint(EV_CLASS(last_evt(&t, 1)), ==, SMMUM_CLASS_IN);
    g_assert_cmphex(last_evt(&t, 3), ==, 0x90000044ULL);

    /* CD at an IPA stage 2 does not map: CLASS=CD, S2=1, IPA. */
    ste_s1(w, SMMUM_STE_CFG_NESTED, cd_ipa, 0, 0, 0);
    fx_ste_s2(w, s2root, 3, true);
    fx_write_ste(&t.f, 2, w);
    expect_event(&t, 2, false, 0, VA, false, SMMUM_EVT_F_TRANSLATION);
    g_assert_cmpuint(EV_S2(last_evt(&t, 1)), ==, 1);
    g_assert_cmpuint(EV_CLASS(last_evt(&t, 1)), ==, SMMUM_CLASS_CD);
    g_assert_cmphex(last_evt(&t, 3), ==, cd_ipa);

    /* The same STE but S2R=0: silent. */
    ste_s1(w, SMMUM_STE_CFG_NESTED, cd_ipa, 0, 0, 0);
    fx_ste_s2(w, s2root, 3, false);
    fx_write_ste(&t.f, 3, w);
    g_assert_cmpuint(expect_abort(&t, 3, false, 0, VA, false), ==, 0);
    fx_destroy(&t.f);
}

static void tlbi_sync(Tx *t, uint64_t d0, uint64_t d1)
{
    fx_cmd(&t->f, d0, d1);
    fx_cmd(&t->f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(gerror_active(&t->f), ==, 0);
}

static void test_iotlb(void)
{
    uint64_t root, slot;
    Tx t;

    tx_init(&t);
    s1_setup(&t, &root);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);
    g_assert_cmpuint(smmum_iotlb_count(t.f.core.iotlb), ==, 1);

    /* Remap VA -> PA_B in memory: the IOTLB still has PA_A. */
    slot = fake_read64(&t.f.mem, root) & ~0xfffULL;          /* L1 -> L2 */
    slot = fake_read64(&t.f.mem, slot + ((VA >> 21) & 0x1ff) * 8) &
           ~0xfffULL;                                          /* L2 -> L3 */
    slot += ((VA >> 12) & 0x1ff) * 8;
    g_assert_cmphex(fake_read64(&t.f.mem, slot) & ~0xfffULL, ==, PA_A);
    fake_write64(&t.f.mem, slot, PA_B | D_TABLE | D_AF | D_AP1 | D_NG);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);

    /* A TLBI of another ASID or another page leaves the nG entry. */
    tlbi_sync(&t, SMMUM_CMD_TLBI_NH_VA | (8ULL << SMMUM_TLBI_ASID), VA);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);
    tlbi_sync(&t, SMMUM_CMD_TLBI_NH_VA | (7ULL << SMMUM_TLBI_ASID),
              VA + 0x1000);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);

    /* The exact TLBI_NH_VA + CMD_SYNC: the new mapping. */
    tlbi_sync(&t, SMMUM_CMD_TLBI_NH_VA | (7ULL << SMMUM_TLBI_ASID), VA);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_B + 0x10);

    /* Reset flushes the IOTLB. */
    smmum_core_reset(&t.f.core);
    g_assert_cmpuint(smmum_iotlb_count(t.f.core.iotlb), ==, 0);
    fx_destroy(&t.f);
}

/* CFGI_CD makes a changed CD visible; without it the old one is used. */
static void test_cfgi_cd(void)
{
    uint64_t root, rb;
    Tx t;

    tx_init(&t);
    s1_setup(&t, &root);
    rb = fx_alloc_page(&t.f);
    fx_pt_map(&t.f, rb, 1, 3, VA, PA_B, D_AP1 | D_NG);
    expect_ok(&t, 1, false, 0, VA, false, PA_A);
    fx_put_cd(&t.f, CD_PA, rb, 7, true);
    tlbi_sync(&t, SMMUM_CMD_TLBI_NH_ALL, 0);
    expect_ok(&t, 1, false, 0, VA, false, PA_A);    /* cached CD */
    tlbi_sync(&t, SMMUM_CMD_CFGI_CD | (1ULL << SMMUM_CMD_SID), 1);
    tlbi_sync(&t, SMMUM_CMD_TLBI_NH_ALL, 0);
    expect_ok(&t, 1, false, 0, VA, false, PA_B);
    fx_destroy(&t.f);
}

/* Address of the level-3 descriptor of va (4K, walk from level 1). */
static uint64_t leaf_slot(Tx *t, uint64_t root, uint64_t va)
{
    uint64_t table = root;

    for (int l = 1; l < 3; l++) {
        unsigned shift = 12 + 9 * (3 - l);

        table = fake_read64(&t->f.mem, table + ((va >> shift) & 0x1ff) * 8) &
                SMMUM_MASK(48) & ~0xfffULL;
    }
    return table + ((va >> 12) & 0x1ff) * 8;
}

/*
 * The fast path (decoded configuration and recent IOTLB hits per
 * StreamID) serves repeated transactions, and every invalidation that
 * would change the slow path's answer changes its answer too: TLBI and
 * CFGI through the command queue, and the caches' own invalidations
 * without any register write.
 */
static void test_fast_path(void)
{
    SmmumTlbi tlbi = { .opcode = SMMUM_TLBI_NH_ALL };
    SmmumCfgi cfgi = { .kind = SMMUM_CFGI_CD, .sid = 1 };
    uint64_t root, rb, w[8];
    Tx t;

    tx_init(&t);
    s1_setup(&t, &root);
    for (unsigned i = 0; i < 4; i++) {      /* walk, IOTLB hit, fast hits */
        expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);
        expect_ok(&t, 1, false, 0, VA + 0x20, true, PA_A + 0x20);
    }
    g_assert_cmpuint(t.f.obs.fetch, ==, 2);

    /* Remapped in memory only: still the cached translation. */
    fake_write64(&t.f.mem, leaf_slot(&t, root, VA),
                 PA_B | D_TABLE | D_AF | D_AP1 | D_NG);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);

    /* TLBI + CMD_SYNC: the new mapping, from then on. */
    tlbi_sync(&t, SMMUM_CMD_TLBI_NH_VA | (7ULL << SMMUM_TLBI_ASID), VA);
    for (unsigned i = 0; i < 3; i++) {
        expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_B + 0x10);
    }

    /* The same through the IOTLB alone (no register write). */
    fake_write64(&t.f.mem, leaf_slot(&t, root, VA),
                 PA_A | D_TABLE | D_AF | D_AP1 | D_NG);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_B + 0x10);
    smmum_iotlb_invalidate(t.f.core.iotlb, &tlbi);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);

    /* A new CD: served from the cached one until CFGI_CD + SYNC. */
    rb = fx_alloc_page(&t.f);
    fx_pt_map(&t.f, rb, 1, 3, VA, PA_B + 0x5000, D_AP1 | D_NG);
    fx_put_cd(&t.f, CD_PA, rb, 9, true);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);
    tlbi_sync(&t, SMMUM_CMD_CFGI_CD | (1ULL << SMMUM_CMD_SID), 1);
    for (unsigned i = 0; i < 3; i++) {
        expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_B + 0x5010);
    }

    /* The same through the configuration cache alone. */
    fx_put_cd(&t.f, CD_PA, root, 7, true);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_B + 0x5010);
    smmum_cfgcache_invalidate(t.f.core.cfgcache, &cfgi);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);

    /* A new STE (bypass): after CFGI_STE + SYNC only. */
    memset(w, 0, sizeof(w));
    smmum_ste_set_field(w, SMMUM_STE_V, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_BYPASS);
    fx_write_ste(&t.f, 1, w);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);
    tlbi_sync(&t, SMMUM_CMD_CFGI_STE | (1ULL << SMMUM_CMD_SID), 0);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, VA + 0x10);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, VA + 0x10);

    /* And back to stage 1 through the configuration cache alone. */
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 0, 0, 0);
    fx_write_ste(&t.f, 1, w);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, VA + 0x10);
    cfgi.kind = SMMUM_CFGI_STE;
    smmum_cfgcache_invalidate(t.f.core.cfgcache, &cfgi);
    expect_ok(&t, 1, false, 0, VA + 0x10, false, PA_A + 0x10);

    /* A read-only page stays read-only on fast hits. */
    for (unsigned i = 0; i < 3; i++) {
        expect_ok(&t, 1, false, 0, VA + 0x1010, false, PA_A + 0x1010);
    }
    expect_event(&t, 1, false, 0, VA + 0x1010, true,
                 SMMUM_EVT_F_PERMISSION);
    g_assert_cmpuint(evtq_count(&t.f), ==, 1);
    fx_destroy(&t.f);
}

/* ---- invalidation notifications to the host ---- */

typedef struct NotifyLog {
    unsigned count;
    int32_t asid, vmid;
    uint64_t iova, size;
} NotifyLog;

static NotifyLog notify_log;

static void rec_notify(void *opaque, int32_t asid, int32_t vmid,
                       uint64_t iova, uint64_t size)
{
    notify_log.count++;
    notify_log.asid = asid;
    notify_log.vmid = vmid;
    notify_log.iova = iova;
    notify_log.size = size;
}

/* Run d0/d1 + SYNC and expect exactly one notification. */
static void expect_notify(Tx *t, uint64_t d0, uint64_t d1, int32_t asid,
                          int32_t vmid, uint64_t iova, uint64_t size)
{
    memset(&notify_log, 0, sizeof(notify_log));
    tlbi_sync(t, d0, d1);
    g_assert_cmpuint(notify_log.count, ==, 1);
    g_assert_cmpint(notify_log.asid, ==, asid);
    g_assert_cmpint(notify_log.vmid, ==, vmid);
    g_assert_cmphex(notify_log.iova, ==, iova);
    g_assert_cmphex(notify_log.size, ==, size);
}

static void test_notify(void)
{
    const uint64_t asid7 = 7ULL << SMMUM_TLBI_ASID;
    const uint64_t vmid5 = 5ULL << SMMUM_TLBI_VMID;
    Tx t;

    tx_init(&t);
    t.f.core.host.tlbi_notify = rec_notify;

    expect_notify(&t, SMMUM_CMD_TLBI_NH_VA | asid7 | vmid5, VA | 1, 7, 5,
                  VA, 0x1000);
    expect_notify(&t, SMMUM_CMD_TLBI_NH_VAA | asid7 | vmid5, VA + 0x3000,
                  -1, 5, VA + 0x3000, 0x1000);
    expect_notify(&t, SMMUM_CMD_TLBI_NH_ASID | asid7 | vmid5, 0, 7, 5, 0, 0);
    expect_notify(&t, SMMUM_CMD_TLBI_NH_ALL | vmid5, 0, -1, 5, 0, 0);
    expect_notify(&t, SMMUM_CMD_TLBI_S12_VMALL | vmid5, 0, -1, 5, 0, 0);
    /* An IPA names no IOVA of a nested stream: everything. */
    expect_notify(&t, SMMUM_CMD_TLBI_S2_IPA | vmid5, VA, -1, 5, 0, 0);
    expect_notify(&t, SMMUM_CMD_TLBI_NSNH_ALL, 0, -1, -1, 0, 0);
    /* Configuration invalidation: everything. */
    expect_notify(&t, SMMUM_CMD_CFGI_STE | (1ULL << SMMUM_CMD_SID), 1, -1,
                  -1, 0, 0);
    expect_notify(&t, SMMUM_CMD_CFGI_CD_ALL | (1ULL << SMMUM_CMD_SID), 0,
                  -1, -1, 0, 0);

    /* Neither a SYNC nor a prefetch alone notifies. */
    memset(&notify_log, 0, sizeof(notify_log));
    tlbi_sync(&t, SMMUM_CMD_PREFETCH_CONFIG | (1ULL << SMMUM_CMD_SID), 0);
    g_assert_cmpuint(notify_log.count, ==, 0);

    /* SMMUEN 1 -> 0 and GBPA changes: everything. */
    wr32(&t.f, SMMUM_CR0, rd32(&t.f, SMMUM_CR0) & ~SMMUM_CR0_SMMUEN);
    g_assert_cmpuint(notify_log.count, ==, 1);
    g_assert_cmphex(notify_log.size, ==, 0);
    wr32(&t.f, SMMUM_GBPA, SMMUM_GBPA_UPDATE);
    g_assert_cmpuint(notify_log.count, ==, 2);
    /* CR0 rewritten with the same SMMUEN: nothing. */
    wr32(&t.f, SMMUM_CR0, rd32(&t.f, SMMUM_CR0));
    g_assert_cmpuint(notify_log.count, ==, 2);
    fx_destroy(&t.f);
}

/* ---- HTTU ---- */

static unsigned cmpxchg_calls;

static bool fake_cmpxchg64(void *opaque, uint64_t pa, uint64_t expect,
                           uint64_t new_val, uint64_t *seen)
{
    FakeMem *m = opaque;

    cmpxchg_calls++;
    *seen = fake_read64(m, pa);
    if (*seen == expect) {
        fake_write64(m, pa, new_val);
    }
    return true;
}

#define CD_HD       (1ULL << 42)
#define CD_HA       (1ULL << 43)
#define D_DBM       (1ULL << 51)

/*
 * Stage 1 with CD.HA/HD: the access flag and the dirty state are set in
 * the descriptor in memory, through the host's cmpxchg64.
 */
static void test_httu_s1(void)
{
    uint64_t root, slot, w[8];
    SmmumXlate x;
    Tx t;

    tx_init(&t);
    g_assert_cmpuint(SMMUM_EX(rd32(&t.f, SMMUM_IDR0), SMMUM_IDR0_HTTU, 2),
                     ==, 2);
    t.f.core.host.cmpxchg64 = fake_cmpxchg64;
    cmpxchg_calls = 0;
    root = fx_alloc_page(&t.f);
    fx_pt_map(&t.f, root, 1, 3, VA, PA_A, D_AP1 | D_NG);
    fx_pt_map(&t.f, root, 1, 3, VA + 0x1000, PA_B,
              D_AP1 | D_AP2 | D_DBM | D_NG);
    fx_put_cd(&t.f, CD_PA, root, 7, true);
    fake_write64(&t.f.mem, CD_PA,
                 fake_read64(&t.f.mem, CD_PA) | CD_HA | CD_HD);
    fx_put_cd(&t.f, CD_PA + 64, root, 8, true);          /* HA=HD=0 */
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 0, 0, 0);
    fx_write_ste(&t.f, 1, w);
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA + 64, 0, 0, 0);
    fx_write_ste(&t.f, 2, w);

    /* AF=0: without HA an access fault, with HA the flag gets set. */
    slot = leaf_slot(&t, root, VA);
    fake_write64(&t.f.mem, slot, fake_read64(&t.f.mem, slot) & ~D_AF);
    expect_event(&t, 2, false, 0, VA, false, SMMUM_EVT_F_ACCESS);
    g_assert_cmpuint(cmpxchg_calls, ==, 0);
    g_assert_cmphex(fake_read64(&t.f.mem, slot) & D_AF, ==, 0);
    expect_ok(&t, 1, false, 0, VA + 8, false, PA_A + 8);
    g_assert_cmpuint(cmpxchg_calls, ==, 1);
    g_assert_cmphex(fake_read64(&t.f.mem, slot) & D_AF, ==, D_AF);

    /* Writable-clean (DBM, AP[2]=1): a read leaves it clean ... */
    slot = leaf_slot(&t, root, VA + 0x1000);
    x = do_txn(&t, 1, false, 0, VA + 0x1000, false);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_false(x.write);
    g_assert_cmphex(fake_read64(&t.f.mem, slot) & D_AP2, ==, D_AP2);
    /* ... a write (after the cached read) makes it dirty, */
    expect_ok(&t, 1, false, 0, VA + 0x1010, true, PA_B + 0x10);
    g_assert_cmphex(fake_read64(&t.f.mem, slot) & D_AP2, ==, 0);
    g_assert_cmpuint(cmpxchg_calls, ==, 2);
    /* ... and without HD the same write is a permission fault. */
    fake_write64(&t.f.mem, slot, fake_read64(&t.f.mem, slot) | D_AP2);
    expect_event(&t, 2, false, 0, VA + 0x1010, true,
                 SMMUM_EVT_F_PERMISSION);
    g_assert_cmphex(fake_read64(&t.f.mem, slot) & D_AP2, ==, D_AP2);
    g_assert_cmpuint(cmpxchg_calls, ==, 2);

    fx_destroy(&t.f);
}

/* Stage 2 with S2HA/S2HD. */
static void test_httu_s2(void)
{
    uint64_t root, slot, w[8];
    Tx t;

    tx_init(&t);
    t.f.core.host.cmpxchg64 = fake_cmpxchg64;
    cmpxchg_calls = 0;
    root = fx_alloc_page(&t.f);
    fx_pt_map(&t.f, root, 1, 3, VA, PA_A, D_AP1 | D_DBM | S2_NORMAL);
    ste_s1(w, SMMUM_STE_CFG_S2, 0, 0, 0, 0);
    fx_ste_s2(w, root, 5, true);
    smmum_ste_set_field(w, SMMUM_STE_S2HA, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_S2HD, 1, 1);
    fx_write_ste(&t.f, 1, w);

    slot = leaf_slot(&t, root, VA);
    fake_write64(&t.f.mem, slot, fake_read64(&t.f.mem, slot) & ~D_AF);
    expect_ok(&t, 1, false, 0, VA + 4, true, PA_A + 4);
    /* One update sets AF and S2AP[1] (write) together. */
    g_assert_cmphex(fake_read64(&t.f.mem, slot) & (D_AF | D_AP2), ==,
                    D_AF | D_AP2);
    g_assert_cmpuint(cmpxchg_calls, ==, 1);
    fx_destroy(&t.f);
}

/* Without httu, CD.HA and STE.S2HA are ILLEGAL and nothing is updated. */
static void test_httu_off(void)
{
    SmmumConfig cfg;
    uint64_t root, w[8];
    Tx t;

    smmum_config_default(&cfg);
    cfg.httu = false;
    fx_init_cfg(&t.f, &cfg);
    fx_queues(&t.f, 4, 6);
    fx_linear_strtab(&t.f, 6);
    fx_enable(&t.f);
    t.f.core.host.cmpxchg64 = fake_cmpxchg64;
    cmpxchg_calls = 0;
    g_assert_cmpuint(SMMUM_EX(rd32(&t.f, SMMUM_IDR0), SMMUM_IDR0_HTTU, 2),
                     ==, 0);
    root = fx_alloc_page(&t.f);
    fx_pt_map(&t.f, root, 1, 3, VA, PA_A, D_AP1 | D_NG);
    fx_put_cd(&t.f, CD_PA, root, 7, true);
    fake_write64(&t.f.mem, CD_PA, fake_read64(&t.f.mem, CD_PA) | CD_HA);
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 0, 0, 0);
    fx_write_ste(&t.f, 1, w);
    expect_event(&t, 1, false, 0, VA, false, SMMUM_EVT_C_BAD_CD);
    ste_s1(w, SMMUM_STE_CFG_S2, 0, 0, 0, 0);
    fx_ste_s2(w, root, 5, true);
    smmum_ste_set_field(w, SMMUM_STE_S2HA, 1, 1);
    fx_write_ste(&t.f, 2, w);
    expect_event(&t, 2, false, 0, VA, false, SMMUM_EVT_C_BAD_STE);
    g_assert_cmpuint(cmpxchg_calls, ==, 0);
    fx_destroy(&t.f);
}

/* ---- range invalidation (RIL) ---- */

static void ril_setup(Tx *t, bool ril, uint64_t *root)
{
    SmmumConfig cfg;
    uint64_t w[8];

    smmum_config_default(&cfg);
    cfg.ril = ril;
    fx_init_cfg(&t->f, &cfg);
    fx_queues(&t->f, 4, 6);
    fx_linear_strtab(&t->f, 6);
    fx_enable(&t->f);
    g_assert_cmpuint(SMMUM_EX(rd32(&t->f, SMMUM_IDR3), SMMUM_IDR3_RIL, 1),
                     ==, ril);
    *root = fx_alloc_page(&t->f);
    for (unsigned i = 0; i < 6; i++) {
        fx_pt_map(&t->f, *root, 1, 3, VA + i * 0x1000, PA_A + i * 0x1000,
                  D_AP1 | D_NG);
    }
    fx_put_cd(&t->f, CD_PA, *root, 7, true);
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 0, 0, 0);
    fx_write_ste(&t->f, 1, w);
    for (unsigned i = 0; i < 6; i++) {
        expect_ok(t, 1, false, 0, VA + i * 0x1000, false, PA_A + i * 0x1000);
    }
    /* Remap every page to PA_B: only invalidated pages see it. */
    for (unsigned i = 0; i < 6; i++) {
        fx_pt_map(&t->f, *root, 1, 3, VA + i * 0x1000, PA_B + i * 0x1000,
                  D_AP1 | D_NG);
    }
}

/* Which of the 6 pages translate to PA_B now (bit i: page i). */
static unsigned new_pages(Tx *t)
{
    unsigned m = 0;

    for (unsigned i = 0; i < 6; i++) {
        SmmumXlate x = do_txn(t, 1, false, 0, VA + i * 0x1000, false);

        g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
        if (x.pa == PA_B + i * 0x1000) {
            m |= 1u << i;
        } else {
            g_assert_cmphex(x.pa, ==, PA_A + i * 0x1000);
        }
    }
    return m;
}

/* TLBI_NH_VA with TG=4K, SCALE, NUM, TTL. */
static uint64_t range_d0(unsigned num, unsigned scale)
{
    return SMMUM_CMD_TLBI_NH_VA | (7ULL << SMMUM_TLBI_ASID) |
           ((uint64_t)num << SMMUM_TLBI_NUM) |
           ((uint64_t)scale << SMMUM_TLBI_SCALE);
}

static uint64_t range_d1(uint64_t addr, unsigned ttl)
{
    return addr | 1 | (1ULL << SMMUM_TLBI_TG) |
           ((uint64_t)ttl << SMMUM_TLBI_TTL);
}

static void test_ril(void)
{
    uint64_t root;
    Tx t;

    ril_setup(&t, true, &root);
    t.f.core.host.tlbi_notify = rec_notify;
    /* TTL=2 (level 2): the level-3 entries are not hit. */
    tlbi_sync(&t, range_d0(1, 1), range_d1(VA + 0x1000, 2));
    g_assert_cmphex(new_pages(&t), ==, 0);
    /* (NUM + 1) << SCALE = 4 pages from page 1, TTL=3. */
    expect_notify(&t, range_d0(1, 1), range_d1(VA + 0x1000, 3), 7, 0,
                  VA + 0x1000, 0x4000);
    g_assert_cmphex(new_pages(&t), ==, 0x1e);
    /* TTL=0 (any level), NUM=0, SCALE=2: pages 0..3, page 5 kept. */
    tlbi_sync(&t, range_d0(0, 2), range_d1(VA, 0));
    g_assert_cmphex(new_pages(&t), ==, 0x1f);
    fx_destroy(&t.f);

    /* Without RIL the range fields are RES0: one page, page 1. */
    ril_setup(&t, false, &root);
    tlbi_sync(&t, range_d0(1, 1), range_d1(VA + 0x1000, 3));
    g_assert_cmphex(new_pages(&t), ==, 0x2);
    fx_destroy(&t.f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/translate/s1/basic", test_s1_basic);
    g_test_add_func("/translate/s1/faults", test_s1_faults);
    g_test_add_func("/translate/cd/bad-cd", test_bad_cd);
    g_test_add_func("/translate/cd/fetch-abort", test_cd_fetch_abort);
    g_test_add_func("/translate/cd/bad-ssid", test_bad_ssid);
    g_test_add_func("/translate/cd/ssid-linear", test_ssid_linear);
    g_test_add_func("/translate/cd/ssid-2level", test_ssid_2level);
    g_test_add_func("/translate/cd/cfgi", test_cfgi_cd);
    g_test_add_func("/translate/s2/only", test_s2_only);
    g_test_add_func("/translate/nested", test_nested);
    g_test_add_func("/translate/iotlb", test_iotlb);
    g_test_add_func("/translate/fast-path", test_fast_path);
    g_test_add_func("/translate/notify", test_notify);
    g_test_add_func("/translate/ril", test_ril);
    g_test_add_func("/translate/httu/s1", test_httu_s1);
    g_test_add_func("/translate/httu/s2", test_httu_s2);
    g_test_add_func("/translate/httu/off", test_httu_off);
    return g_test_run();
}
