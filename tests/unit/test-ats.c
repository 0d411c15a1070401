/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: PCIe ATS in the core (IHI 0070 3.9.1) — Translation
 * Requests under every STE.EATS value and configuration, ATS Translated
 * transactions with CR0.ATSCHK, CMD_ATC_INV delivery to the host's ATC
 * callback with its decoded fields, and CERROR_ATC_INV_SYNC when the
 * endpoint sends no Invalidation Completion.
 */
#include "core-helpers.h"
#include "smmum-strtab.h"

#define D_DBM       (1ULL << 51)
#define CD_HD       (1ULL << 42)
#define CD_HA       (1ULL << 43)
#define S2_NORMAL   (0xfULL << 2)

#define VA          0x10000000ULL
#define PA_A        0x80000000ULL
#define PA_B        0x81000000ULL
#define CD_PA       0x500000ULL

typedef struct Ax {
    Fx f;
} Ax;

/* What the host's ATC saw. */
static GArray *atc_log;         /* SmmumAtcInv */
static bool atc_complete = true;

static bool host_atc_inv(void *opaque, const SmmumAtcInv *inv)
{
    g_array_append_val(atc_log, *inv);
    return atc_complete;
}

static void ax_init_ats(Ax *a, bool ats)
{
    SmmumConfig cfg;

    smmum_config_default(&cfg);
    cfg.ats = ats;
    fx_init_cfg(&a->f, &cfg);
    a->f.core.host.atc_inv = host_atc_inv;
    fx_queues(&a->f, 4, 6);
    fx_linear_strtab(&a->f, 6);
    fx_enable(&a->f);
    atc_log = g_array_new(false, true, sizeof(SmmumAtcInv));
    atc_complete = true;
}

static void ax_init(Ax *a)
{
    ax_init_ats(a, true);
}

static void ax_destroy(Ax *a)
{
    fx_destroy(&a->f);
    g_array_free(atc_log, true);
}

static void ste_s1(uint64_t w[8], unsigned config, uint64_t ctx,
                   unsigned cdmax, unsigned eats)
{
    memset(w, 0, 8 * sizeof(w[0]));
    smmum_ste_set_field(w, SMMUM_STE_V, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, config);
    smmum_ste_set_field(w, SMMUM_STE_S1CTXPTR, 50, ctx >> 6);
    smmum_ste_set_field(w, SMMUM_STE_S1CDMAX, 5, cdmax);
    smmum_ste_set_field(w, SMMUM_STE_EATS, 2, eats);
    /* Traffic without a SubstreamID uses CD 0. */
    smmum_ste_set_field(w, SMMUM_STE_S1DSS, 2, 2);
}

static SmmumXlate treq(Ax *a, uint32_t sid, bool ssv, uint32_t ssid,
                       uint64_t addr, bool nw)
{
    SmmumTxn txn = { .sid = sid, .ssv = ssv, .ssid = ssid, .addr = addr,
                     .nw = nw };
    SmmumXlate x;

    smmum_ats_translate(&a->f.core, &txn, &x);
    return x;
}

static SmmumXlate translated(Ax *a, uint32_t sid, uint64_t addr, bool write)
{
    SmmumTxn txn = { .sid = sid, .addr = addr, .write = write,
                     .at = SMMUM_AT_TRANSLATED };
    SmmumXlate x;

    smmum_translate(&a->f.core, &txn, &x);
    return x;
}

static uint64_t last_evt(Ax *a, unsigned dword)
{
    g_assert_cmpuint(evtq_count(&a->f), >, 0);
    return evt_word(&a->f, evtq_count(&a->f) - 1, dword);
}

/*
 * SID 1: stage 1, linear CD table of 4 (CD0 and CD2), EATS as given.
 * CD0: VA -> PA_A read/write, VA + 0x1000 -> PA_A + 0x1000 read-only,
 * VA + 0x200000 -> 2 MiB block at PA_B; CD2: VA -> PA_B.
 */
static void s1_setup(Ax *a, uint32_t sid, unsigned eats)
{
    uint64_t root0 = fx_alloc_page(&a->f), root2 = fx_alloc_page(&a->f), w[8];

    fx_pt_map(&a->f, root0, 1, 3, VA, PA_A, D_AP1 | D_NG);
    fx_pt_map(&a->f, root0, 1, 3, VA + 0x1000, PA_A + 0x1000,
              D_AP1 | D_AP2 | D_NG);
    fx_pt_map(&a->f, root0, 1, 2, VA + 0x200000, PA_B, D_AP1);
    fx_pt_map(&a->f, root2, 1, 3, VA, PA_B, D_AP1 | D_NG);
    fx_put_cd(&a->f, CD_PA, root0, 1, true);
    fx_put_cd(&a->f, CD_PA + 64, 0, 0, true);
    fake_write64(&a->f.mem, CD_PA + 64, 0);      /* CD1 invalid */
    fx_put_cd(&a->f, CD_PA + 128, root2, 2, true);
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 2, eats);
    fx_write_ste(&a->f, sid, w);
}

static void test_treq_full(void)
{
    SmmumXlate x;
    Ax a;

    ax_init(&a);
    s1_setup(&a, 1, 1);

    /* Read/write page: the completion grants both, page-sized. */
    x = treq(&a, 1, false, 0, VA + 0x123, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_SUCCESS);
    g_assert_cmphex(x.pa, ==, PA_A + 0x123);
    g_assert_cmphex(x.addr_mask, ==, 0xfff);
    g_assert_true(x.read && x.write);
    g_assert_false(x.global);
    /* No Write: write is not granted. */
    x = treq(&a, 1, false, 0, VA, true);
    g_assert_true(x.read && !x.write);
    /* Read-only page asked for write: read only. */
    x = treq(&a, 1, false, 0, VA + 0x1000, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_SUCCESS);
    g_assert_cmphex(x.pa, ==, PA_A + 0x1000);
    g_assert_true(x.read && !x.write);
    /* A global 2 MiB block: the completion says so. */
    x = treq(&a, 1, false, 0, VA + 0x234000, false);
    g_assert_cmphex(x.pa, ==, PA_B + 0x34000);
    g_assert_cmphex(x.addr_mask, ==, 0x1fffff);
    g_assert_true(x.global);
    /* Unmapped: success granting nothing, and no event (PRI's job). */
    x = treq(&a, 1, false, 0, VA + 0x5000, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_SUCCESS);
    g_assert_false(x.read || x.write);
    g_assert_cmpuint(evtq_count(&a.f), ==, 0);

    /* SubstreamID 2 uses CD2; SubstreamID 1 (CD invalid): CA, C_BAD_CD. */
    x = treq(&a, 1, true, 2, VA + 8, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_SUCCESS);
    g_assert_cmphex(x.pa, ==, PA_B + 8);
    x = treq(&a, 1, true, 1, VA, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_CA);
    g_assert_cmpuint(evtq_count(&a.f), ==, 1);
    g_assert_cmphex(EV_TYPE(last_evt(&a, 0)), ==, SMMUM_EVT_C_BAD_CD);
    g_assert_cmpuint(EV_SSV(last_evt(&a, 0)), ==, 1);
    g_assert_cmpuint(EV_SSID(last_evt(&a, 0)), ==, 1);
    /* Beyond S1CDMax: CA, C_BAD_SUBSTREAMID. */
    x = treq(&a, 1, true, 9, VA, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_CA);
    g_assert_cmphex(EV_TYPE(last_evt(&a, 0)), ==,
                    SMMUM_EVT_C_BAD_SUBSTREAMID);
    ax_destroy(&a);
}

static void test_treq_refused(void)
{
    uint64_t w[8];
    SmmumXlate x;
    Ax a;

    ax_init(&a);
    /* EATS=0: UR and F_BAD_ATS_TREQ with the SubstreamID. */
    s1_setup(&a, 1, 0);
    x = treq(&a, 1, true, 2, VA + 0x10, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_UR);
    g_assert_cmpuint(evtq_count(&a.f), ==, 1);
    g_assert_cmphex(EV_TYPE(last_evt(&a, 0)), ==, SMMUM_EVT_F_BAD_ATS_TREQ);
    g_assert_cmpuint(EV_SID(last_evt(&a, 0)), ==, 1);
    g_assert_cmpuint(EV_SSV(last_evt(&a, 0)), ==, 1);
    g_assert_cmpuint(EV_SSID(last_evt(&a, 0)), ==, 2);
    g_assert_cmphex(last_evt(&a, 2), ==, VA + 0x10);
    /* Ordinary traffic of the same stream still translates. */
    {
        SmmumTxn t = { .sid = 1, .addr = VA };
        SmmumXlate o;

        smmum_translate(&a.f.core, &t, &o);
        g_assert_cmpint(o.status, ==, SMMUM_XLATE_OK);
        g_assert_cmphex(o.pa, ==, PA_A);
    }

    /* Bypass (EATS IGNORED): UR, F_BAD_ATS_TREQ. */
    put_ste(&a.f, STRTAB_PA + 2 * 64, SMMUM_STE_CFG_BYPASS, true);
    x = treq(&a, 2, false, 0, VA, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_UR);
    g_assert_cmpuint(evtq_count(&a.f), ==, 2);
    g_assert_cmphex(EV_TYPE(last_evt(&a, 0)), ==, SMMUM_EVT_F_BAD_ATS_TREQ);
    /* Configuration abort: UR, silent. */
    put_ste(&a.f, STRTAB_PA + 3 * 64, 0, true);
    x = treq(&a, 3, false, 0, VA, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_UR);
    g_assert_cmpuint(evtq_count(&a.f), ==, 2);
    /* Invalid STE: CA, C_BAD_STE. */
    put_ste(&a.f, STRTAB_PA + 4 * 64, SMMUM_STE_CFG_S1, false);
    x = treq(&a, 4, false, 0, VA, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_CA);
    g_assert_cmphex(EV_TYPE(last_evt(&a, 0)), ==, SMMUM_EVT_C_BAD_STE);
    /* StreamID out of range: CA, C_BAD_STREAMID. */
    x = treq(&a, 1000, false, 0, VA, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_CA);
    g_assert_cmphex(EV_TYPE(last_evt(&a, 0)), ==, SMMUM_EVT_C_BAD_STREAMID);

    /* EATS=1 on an S1 stream accepts the same request. */
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 2, 1);
    fx_write_ste(&a.f, 5, w);
    x = treq(&a, 5, false, 0, VA, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_SUCCESS);

    /* SMMUEN=0: UR whatever GBPA says. */
    wr32(&a.f, SMMUM_CR0, rd32(&a.f, SMMUM_CR0) & ~SMMUM_CR0_SMMUEN);
    wr32(&a.f, SMMUM_GBPA, SMMUM_GBPA_UPDATE);
    x = treq(&a, 5, false, 0, VA, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_UR);
    ax_destroy(&a);

    /* No ATS in IDR0: EATS is IGNORED and every request is UR. */
    ax_init_ats(&a, false);
    g_assert_cmpuint(rd32(&a.f, SMMUM_IDR0) & (1u << SMMUM_IDR0_ATS), ==,
                     0);
    s1_setup(&a, 1, 1);
    x = treq(&a, 1, false, 0, VA, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_UR);
    ax_destroy(&a);
}

static void test_translated(void)
{
    uint64_t w[8];
    SmmumXlate x;
    Ax a;

    ax_init(&a);
    s1_setup(&a, 1, 1);
    s1_setup(&a, 2, 0);
    put_ste(&a.f, STRTAB_PA + 3 * 64, SMMUM_STE_CFG_BYPASS, true);
    (void)w;

    /* ATSCHK=0: no STE lookup, translated traffic passes, no event. */
    x = translated(&a, 2, PA_A + 4, true);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, PA_A + 4);
    g_assert_cmpuint(evtq_count(&a.f), ==, 0);

    /* ATSCHK=1: EATS=1 passes, EATS=0 and bypass abort. */
    wr32(&a.f, SMMUM_CR0, rd32(&a.f, SMMUM_CR0) | SMMUM_CR0_ATSCHK);
    g_assert_cmphex(rd32(&a.f, SMMUM_CR0ACK) & SMMUM_CR0_ATSCHK, ==,
                    SMMUM_CR0_ATSCHK);
    x = translated(&a, 1, PA_A + 4, true);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, PA_A + 4);
    x = translated(&a, 2, PA_A + 4, true);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&a.f), ==, 1);
    g_assert_cmphex(EV_TYPE(last_evt(&a, 0)), ==,
                    SMMUM_EVT_F_TRANSL_FORBIDDEN);
    g_assert_cmphex(last_evt(&a, 2), ==, PA_A + 4);
    x = translated(&a, 3, PA_A, false);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&a.f), ==, 2);
    ax_destroy(&a);

    /* Without IDR0.ATS, CR0.ATSCHK is RES0. */
    ax_init_ats(&a, false);
    wr32(&a.f, SMMUM_CR0, rd32(&a.f, SMMUM_CR0) | SMMUM_CR0_ATSCHK);
    g_assert_cmphex(rd32(&a.f, SMMUM_CR0) & SMMUM_CR0_ATSCHK, ==, 0);
    ax_destroy(&a);
}

/* Split-stage ATS: the request answers the IPA, stage 2 follows. */
static void test_split_stage(void)
{
    uint64_t s2root, s1root, w[8];
    SmmumXlate x;
    Ax a;

    ax_init(&a);
    s2root = fx_alloc_page(&a.f);
    fx_pt_map(&a.f, s2root, 1, 1, 0, 0, D_AP1 | D_AP2 | S2_NORMAL);
    fx_pt_map(&a.f, s2root, 1, 3, PA_A, PA_B, D_AP1 | D_AP2 | S2_NORMAL);
    s1root = fx_alloc_page(&a.f);
    fx_pt_map(&a.f, s1root, 1, 3, VA, PA_A, D_AP1 | D_NG);
    fx_put_cd(&a.f, CD_PA, s1root, 9, true);
    ste_s1(w, SMMUM_STE_CFG_NESTED, CD_PA, 0, 2);
    fx_ste_s2(w, s2root, 3, true);
    fx_write_ste(&a.f, 1, w);
    /* The same tables with full ATS: the request answers the PA. */
    ste_s1(w, SMMUM_STE_CFG_NESTED, CD_PA, 0, 1);
    fx_ste_s2(w, s2root, 3, true);
    fx_write_ste(&a.f, 2, w);
    wr32(&a.f, SMMUM_CR0, rd32(&a.f, SMMUM_CR0) | SMMUM_CR0_ATSCHK);

    x = treq(&a, 1, false, 0, VA + 0x40, false);
    g_assert_cmpint(x.ats_resp, ==, SMMUM_ATS_SUCCESS);
    g_assert_cmphex(x.pa, ==, PA_A + 0x40);
    x = treq(&a, 2, false, 0, VA + 0x40, false);
    g_assert_cmphex(x.pa, ==, PA_B + 0x40);

    /* Translated: split-stage goes through stage 2, full ATS does not. */
    x = translated(&a, 1, PA_A + 0x40, true);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, PA_B + 0x40);
    x = translated(&a, 2, PA_A + 0x40, true);
    g_assert_cmphex(x.pa, ==, PA_A + 0x40);
    /* An IPA stage 2 does not map: a stage-2 fault, recorded (S2R). */
    x = translated(&a, 1, 0x90000000ULL, false);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_ABORT);
    g_assert_cmphex(EV_TYPE(last_evt(&a, 0)), ==, SMMUM_EVT_F_TRANSLATION);
    ax_destroy(&a);
}

/*
 * HTTU: a Translation Request asking for write (No Write clear) marks a
 * writable-clean (DBM) page dirty and is granted write; with No Write the
 * page stays clean and only read is granted.
 */
static bool host_cmpxchg64(void *opaque, uint64_t pa, uint64_t expect,
                           uint64_t new_val, uint64_t *seen)
{
    *seen = fake_read64(opaque, pa);
    if (*seen == expect) {
        fake_write64(opaque, pa, new_val);
    }
    return true;
}

static void test_treq_dirty(void)
{
    uint64_t root = 0, w[8], slot;
    SmmumXlate x;
    Ax a;

    ax_init(&a);
    a.f.core.host.cmpxchg64 = host_cmpxchg64;
    root = fx_alloc_page(&a.f);
    fx_pt_map(&a.f, root, 1, 3, VA, PA_A, D_AP1 | D_AP2 | D_DBM | D_NG);
    fx_put_cd(&a.f, CD_PA, root, 3, true);
    fake_write64(&a.f.mem, CD_PA,
                 fake_read64(&a.f.mem, CD_PA) | CD_HA | CD_HD);
    ste_s1(w, SMMUM_STE_CFG_S1, CD_PA, 0, 1);
    fx_write_ste(&a.f, 1, w);
    /* The leaf slot: root -> L2 -> L3. */
    slot = fake_read64(&a.f.mem, root + ((VA >> 30) & 0x1ff) * 8) & ~0xfffULL;
    slot = fake_read64(&a.f.mem, slot + ((VA >> 21) & 0x1ff) * 8) & ~0xfffULL;
    slot += ((VA >> 12) & 0x1ff) * 8;

    x = treq(&a, 1, false, 0, VA, true);
    g_assert_true(x.read && !x.write);
    g_assert_cmphex(fake_read64(&a.f.mem, slot) & D_AP2, ==, D_AP2);
    x = treq(&a, 1, false, 0, VA, false);
    g_assert_true(x.read && x.write);
    g_assert_cmphex(fake_read64(&a.f.mem, slot) & D_AP2, ==, 0);
    ax_destroy(&a);
}

static uint64_t atc_inv_cmd(uint32_t sid, bool ssv, uint32_t ssid,
                            bool global)
{
    return SMMUM_CMD_ATC_INV | (uint64_t)global << SMMUM_ATC_INV_GLOBAL |
           (uint64_t)ssv << SMMUM_CMD_SSV |
           (uint64_t)ssid << SMMUM_CMD_SSID | (uint64_t)sid << SMMUM_CMD_SID;
}

static void test_atc_inv(void)
{
    SmmumAtcInv *inv;
    Ax a;

    ax_init(&a);
    /* 2^4 pages at 0x12345000: aligned down to 64 KiB. */
    fx_cmd(&a.f, atc_inv_cmd(0x11, true, 0x403, false), 0x12345000 | 4);
    fx_cmd(&a.f, atc_inv_cmd(0x12, false, 0x77, true), 52);
    fx_cmd(&a.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(gerror_active(&a.f), ==, 0);
    g_assert_cmpuint(a.f.obs.sync, ==, 1);
    g_assert_cmpuint(atc_log->len, ==, 2);
    inv = &g_array_index(atc_log, SmmumAtcInv, 0);
    g_assert_cmpuint(inv->sid, ==, 0x11);
    g_assert_true(inv->ssv);
    g_assert_cmpuint(inv->ssid, ==, 0x403);
    g_assert_false(inv->global);
    g_assert_cmphex(inv->addr, ==, 0x12340000);
    g_assert_cmpuint(inv->size_log2, ==, 16);
    /* Size 52: everything; SSV=0 gives SubstreamID 0. */
    inv = &g_array_index(atc_log, SmmumAtcInv, 1);
    g_assert_cmpuint(inv->sid, ==, 0x12);
    g_assert_false(inv->ssv);
    g_assert_cmpuint(inv->ssid, ==, 0);
    g_assert_true(inv->global);
    g_assert_cmphex(inv->addr, ==, 0);
    g_assert_cmpuint(inv->size_log2, ==, 64);
    ax_destroy(&a);
}

static void test_atc_inv_sync_error(void)
{
    uint32_t cons;
    Ax a;

    ax_init(&a);
    atc_complete = false;
    fx_cmd(&a.f, atc_inv_cmd(5, false, 0, false), 0);
    g_assert_cmpuint(gerror_active(&a.f), ==, 0);   /* ATC_INV itself ok */
    fx_cmd(&a.f, cmd_sync(SMMUM_SYNC_CS_IRQ), 0);
    /* The SYNC fails: CONS stays at it (index 1), ERR=ATC_INV_SYNC. */
    g_assert_cmphex(gerror_active(&a.f), ==, SMMUM_GERROR_CMDQ_ERR);
    cons = rd32(&a.f, SMMUM_CMDQ_CONS);
    g_assert_cmpuint(cons & 0xf, ==, 1);
    g_assert_cmpuint(SMMUM_EX(cons, SMMUM_CMDQ_CONS_ERR, 7), ==,
                     SMMUM_CERROR_ATC_INV_SYNC);
    g_assert_cmpuint(a.f.obs.sync, ==, 0);
    g_assert_cmpuint(a.f.mem.irq_count[SMMUM_IRQ_CMD_SYNC], ==, 0);
    /* Acknowledged, the retried SYNC completes (reported once). */
    wr32(&a.f, SMMUM_GERRORN, rd32(&a.f, SMMUM_GERROR));
    g_assert_cmpuint(gerror_active(&a.f), ==, 0);
    g_assert_cmpuint(rd32(&a.f, SMMUM_CMDQ_CONS) & 0xf, ==, 2);
    g_assert_cmpuint(a.f.obs.sync, ==, 1);

    /* A SYNC with no failed ATC_INV before it completes. */
    atc_complete = true;
    fx_cmd(&a.f, atc_inv_cmd(5, false, 0, false), 0);
    fx_cmd(&a.f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(gerror_active(&a.f), ==, 0);
    g_assert_cmpuint(a.f.obs.sync, ==, 2);
    ax_destroy(&a);

    /* Without ATS, CMD_ATC_INV is CERROR_ILL. */
    ax_init_ats(&a, false);
    fx_cmd(&a.f, atc_inv_cmd(5, false, 0, false), 0);
    g_assert_cmphex(gerror_active(&a.f), ==, SMMUM_GERROR_CMDQ_ERR);
    g_assert_cmpuint(SMMUM_EX(rd32(&a.f, SMMUM_CMDQ_CONS),
                              SMMUM_CMDQ_CONS_ERR, 7), ==, SMMUM_CERROR_ILL);
    g_assert_cmpuint(atc_log->len, ==, 0);
    ax_destroy(&a);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ats/treq/full", test_treq_full);
    g_test_add_func("/ats/treq/refused", test_treq_refused);
    g_test_add_func("/ats/treq/dirty", test_treq_dirty);
    g_test_add_func("/ats/translated", test_translated);
    g_test_add_func("/ats/split-stage", test_split_stage);
    g_test_add_func("/ats/atc-inv", test_atc_inv);
    g_test_add_func("/ats/atc-inv-sync-error", test_atc_inv_sync_error);
    return g_test_run();
}
