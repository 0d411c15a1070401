/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: translation.  Page tables, CDs and STEs are built
 * in guest RAM, the model is programmed through MMIO, and edu DMA goes
 * through stage 1, stage 2 and nested translation; faults are read back
 * from the event queue, TLBI and CFGI through the command queue.
 *
 * The IOVAs used are themselves RAM addresses holding a marker, so a DMA
 * that was not translated is caught.  SubstreamIDs are unit-tested only:
 * edu (and QEMU 10.0's PCI DMA path) carries no PASID.
 */
#include "qemu/osdep.h"
#include "smmum-qtest-xlate.h"

#define VA_SRC      (SMMUM_QT_RAM + 0x4000000)
#define VA_DST      (VA_SRC + 0x1000)
#define VA_RO       (VA_SRC + 0x2000)
#define VA_HOLE     (VA_SRC + 0x3000)
#define PA_SRC      (SMMUM_QT_RAM + 0x5000000)
#define PA_DST      (PA_SRC + 0x1000)
#define PA_RO       (PA_SRC + 0x2000)
#define PA_ALT      (PA_SRC + 0x3000)
#define IPA_SRC     0x80000000ULL   /* not RAM: only stage 2 maps it */
#define IPA_DST     (IPA_SRC + 0x1000)
#define IPA_HOLE    (IPA_SRC + 0x5000)
#define ASID        0x2a
#define VMID        3
#define LEN         64

#define EVT_C_BAD_CD        0x0a
#define EVT_F_TRANSLATION   0x10
#define EVT_F_PERMISSION    0x13
#define EV_TYPE(ev)     ((unsigned)((ev)[0] & 0xff))
#define EV_SID(ev)      ((unsigned)((ev)[0] >> 32))
#define EV_RNW(ev)      ((unsigned)(((ev)[1] >> 35) & 1))
#define EV_S2(ev)       ((unsigned)(((ev)[1] >> 39) & 1))
#define EV_CLASS(ev)    ((unsigned)(((ev)[1] >> 40) & 3))

typedef struct Xt {
    SmmumQt t;
    SmmumQtx x;
} Xt;

static void xt_start(Xt *xt, const char *extra)
{
    smmum_qt_start(&xt->t, extra);
    smmum_qt_enable(&xt->t, 6);
    smmum_qtx_init(&xt->x, &xt->t);
}

static void fill(Xt *xt, uint64_t pa, uint8_t seed)
{
    uint8_t b[LEN];

    for (int i = 0; i < LEN; i++) {
        b[i] = seed + i * 7;
    }
    qtest_memwrite(xt->t.qts, pa, b, sizeof(b));
}

static bool holds(Xt *xt, uint64_t pa, uint8_t seed)
{
    uint8_t b[LEN];

    qtest_memread(xt->t.qts, pa, b, sizeof(b));
    for (int i = 0; i < LEN; i++) {
        if (b[i] != (uint8_t)(seed + i * 7)) {
            return false;
        }
    }
    return true;
}

/* Fill every page the tests look at with its own marker. */
static void mark_all(Xt *xt)
{
    fill(xt, VA_SRC, 0x10);
    fill(xt, VA_DST, 0x20);
    fill(xt, VA_RO, 0x30);
    fill(xt, PA_SRC, 0xa0);         /* the payload */
    fill(xt, PA_DST, 0x50);
    fill(xt, PA_RO, 0x60);
    fill(xt, PA_ALT, 0x70);
}

/*
 * VA_SRC -> edu -> VA_DST: the payload at PA_SRC lands at PA_DST, and
 * the untranslated addresses are untouched.
 */
static void check_roundtrip(Xt *xt)
{
    mark_all(xt);
    smmum_qt_mem_to_edu(&xt->t, VA_SRC, LEN);
    smmum_qt_edu_to_mem(&xt->t, VA_DST, LEN);
    g_assert_true(holds(xt, PA_DST, 0xa0));
    g_assert_true(holds(xt, VA_DST, 0x20));
    g_assert_true(holds(xt, VA_SRC, 0x10));
    g_assert_cmpuint(smmum_qt_events(&xt->t), ==, 0);
}

/* Stage-1 tables for VA_SRC/VA_DST/VA_RO and CD 0 with CD.R=1. */
static uint64_t s1_tables(Xt *xt, uint64_t src_out, uint64_t dst_out,
                          uint64_t cd_w0)
{
    uint64_t root = smmum_qtx_alloc(&xt->x);

    smmum_qtx_map(&xt->x, root, 3, VA_SRC, src_out, SMMUM_QTX_S1_RW);
    smmum_qtx_map(&xt->x, root, 3, VA_DST, dst_out, SMMUM_QTX_S1_RW);
    smmum_qtx_map(&xt->x, root, 3, VA_RO, PA_RO, SMMUM_QTX_S1_RO);
    smmum_qtx_write_cd(&xt->x, SMMUM_QTX_CD, cd_w0, root);
    return root;
}

static void s1_setup(Xt *xt)
{
    uint64_t ste[8];

    s1_tables(xt, PA_SRC, PA_DST, smmum_qtx_cd_w0(ASID, true));
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&xt->x, ste);
}

static void test_s1_dma(void)
{
    Xt xt;

    xt_start(&xt, "");
    s1_setup(&xt);
    check_roundtrip(&xt);
    smmum_qt_stop(&xt.t);
}

/* A read-only page: reads work, a write is blocked with F_PERMISSION. */
static void test_s1_read_only(void)
{
    uint64_t ev[4];
    Xt xt;

    xt_start(&xt, "");
    s1_setup(&xt);
    mark_all(&xt);

    smmum_qt_mem_to_edu(&xt.t, VA_RO, LEN);
    smmum_qt_edu_to_mem(&xt.t, VA_DST, LEN);
    g_assert_true(holds(&xt, PA_DST, 0x60));
    g_assert_cmpuint(smmum_qt_events(&xt.t), ==, 0);

    fill(&xt, PA_DST, 0xa0);
    smmum_qt_mem_to_edu(&xt.t, VA_DST, LEN);
    smmum_qt_edu_to_mem(&xt.t, VA_RO, LEN);
    g_assert_true(holds(&xt, PA_RO, 0x60));
    g_assert_true(holds(&xt, VA_RO, 0x30));
    g_assert_cmpuint(smmum_qt_events(&xt.t), ==, 1);
    smmum_qtx_pop_event_bytes(&xt.x, ev);
    g_assert_cmphex(EV_TYPE(ev), ==, EVT_F_PERMISSION);
    g_assert_cmphex(EV_SID(ev), ==, SMMUM_QT_EDU_SID);
    g_assert_cmpuint(EV_RNW(ev), ==, 0);
    g_assert_cmpuint(EV_S2(ev), ==, 0);
    g_assert_cmpuint(EV_CLASS(ev), ==, 2);          /* IN */
    g_assert_cmphex(ev[2], ==, VA_RO);
    smmum_qt_stop(&xt.t);
}

/* The same read-only write with CD.R=0: blocked, nothing recorded. */
static void test_s1_no_record(void)
{
    uint64_t ste[8];
    Xt xt;

    xt_start(&xt, "");
    s1_tables(&xt, PA_SRC, PA_DST, smmum_qtx_cd_w0(ASID, false));
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&xt.x, ste);
    mark_all(&xt);
    smmum_qt_edu_to_mem(&xt.t, VA_RO, LEN);
    g_assert_true(holds(&xt, PA_RO, 0x60));
    g_assert_cmpuint(smmum_qt_events(&xt.t), ==, 0);
    smmum_qt_stop(&xt.t);
}

static void test_s2_dma(void)
{
    uint64_t root, ste[8], ev[4];
    Xt xt;

    xt_start(&xt, "");
    root = smmum_qtx_alloc(&xt.x);
    smmum_qtx_map(&xt.x, root, 3, VA_SRC, PA_SRC, SMMUM_QTX_S2_RW);
    smmum_qtx_map(&xt.x, root, 3, VA_DST, PA_DST, SMMUM_QTX_S2_RW);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S2, 0, 0, 0, 0);
    smmum_qtx_ste_s2(ste, root, VMID, true);
    smmum_qtx_set_edu_ste(&xt.x, ste);
    check_roundtrip(&xt);

    /* An unmapped IPA: F_TRANSLATION at stage 2, the IPA recorded. */
    smmum_qt_edu_to_mem(&xt.t, VA_HOLE, LEN);
    g_assert_cmpuint(smmum_qt_events(&xt.t), ==, 1);
    smmum_qtx_pop_event_bytes(&xt.x, ev);
    g_assert_cmphex(EV_TYPE(ev), ==, EVT_F_TRANSLATION);
    g_assert_cmpuint(EV_S2(ev), ==, 1);
    g_assert_cmphex(ev[2], ==, VA_HOLE);
    g_assert_cmphex(ev[3], ==, VA_HOLE);
    smmum_qt_stop(&xt.t);
}

static void test_nested_dma(void)
{
    uint64_t s2root, s1root, ste[8], ev[4];
    Xt xt;

    xt_start(&xt, "");
    /* Stage 2: RAM's first GiB identity (CD, tables), IPA_* -> PA_*. */
    s2root = smmum_qtx_alloc(&xt.x);
    smmum_qtx_map(&xt.x, s2root, 1, SMMUM_QT_RAM, SMMUM_QT_RAM,
                  SMMUM_QTX_S2_RW);
    smmum_qtx_map(&xt.x, s2root, 3, IPA_SRC, PA_SRC, SMMUM_QTX_S2_RW);
    smmum_qtx_map(&xt.x, s2root, 3, IPA_DST, PA_DST, SMMUM_QTX_S2_RW);
    /* Stage 1: VA_* -> IPA_*; VA_HOLE -> an IPA stage 2 does not map. */
    s1root = s1_tables(&xt, IPA_SRC, IPA_DST, smmum_qtx_cd_w0(ASID, true));
    smmum_qtx_map(&xt.x, s1root, 3, VA_HOLE, IPA_HOLE, SMMUM_QTX_S1_RW);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_NESTED, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_ste_s2(ste, s2root, VMID, true);
    smmum_qtx_set_edu_ste(&xt.x, ste);
    check_roundtrip(&xt);

    smmum_qt_edu_to_mem(&xt.t, VA_HOLE, LEN);
    g_assert_cmpuint(smmum_qt_events(&xt.t), ==, 1);
    smmum_qtx_pop_event_bytes(&xt.x, ev);
    g_assert_cmphex(EV_TYPE(ev), ==, EVT_F_TRANSLATION);
    g_assert_cmpuint(EV_S2(ev), ==, 1);
    g_assert_cmpuint(EV_CLASS(ev), ==, 2);
    g_assert_cmphex(ev[2], ==, VA_HOLE);
    g_assert_cmphex(ev[3], ==, IPA_HOLE);
    smmum_qt_stop(&xt.t);
}

/*
 * The IOTLB keeps a translation until the TLBI that covers it: a changed
 * leaf is not seen before TLBI_NH_VA + SYNC, and is after.
 */
static void test_tlbi_va(void)
{
    uint64_t root, slot;
    Xt xt;

    xt_start(&xt, "");
    s1_setup(&xt);
    check_roundtrip(&xt);               /* VA_DST -> PA_DST cached */

    root = qtest_readq(xt.t.qts, SMMUM_QTX_CD + 8);
    slot = smmum_qtx_map(&xt.x, root, 3, VA_DST, PA_ALT, SMMUM_QTX_S1_RW);
    g_assert_cmphex(qtest_readq(xt.t.qts, slot) & ~0xfffULL, ==, PA_ALT);

    fill(&xt, PA_DST, 0x50);
    fill(&xt, PA_ALT, 0x70);
    smmum_qt_edu_to_mem(&xt.t, VA_DST, LEN);
    g_assert_true(holds(&xt, PA_DST, 0xa0));      /* the stale entry */
    g_assert_true(holds(&xt, PA_ALT, 0x70));

    /* Another ASID, another page: still stale. */
    fill(&xt, PA_DST, 0x50);
    smmum_qt_cmd(&xt.t, SMMUM_QTX_CMD_TLBI_NH_VA | (uint64_t)(ASID + 1) << 48,
                 VA_DST);
    smmum_qt_cmd(&xt.t, SMMUM_QTX_CMD_TLBI_NH_VA | (uint64_t)ASID << 48,
                 VA_SRC);
    smmum_qt_sync(&xt.t);
    smmum_qt_edu_to_mem(&xt.t, VA_DST, LEN);
    g_assert_true(holds(&xt, PA_DST, 0xa0));
    g_assert_true(holds(&xt, PA_ALT, 0x70));

    /* The covering TLBI: the new mapping. */
    fill(&xt, PA_DST, 0x50);
    smmum_qt_cmd(&xt.t, SMMUM_QTX_CMD_TLBI_NH_VA | (uint64_t)ASID << 48,
                 VA_DST | 1);           /* Leaf=1 */
    smmum_qt_sync(&xt.t);
    smmum_qt_edu_to_mem(&xt.t, VA_DST, LEN);
    g_assert_true(holds(&xt, PA_ALT, 0xa0));
    g_assert_true(holds(&xt, PA_DST, 0x50));
    g_assert_cmpuint(smmum_qt_events(&xt.t), ==, 0);
    smmum_qt_stop(&xt.t);
}

/*
 * Range TLBI (IDR3.RIL): TG=4K, NUM=1, SCALE=0, TTL=3 from VA_SRC covers
 * VA_SRC and VA_DST; with ril=off the range fields are RES0 and only
 * VA_SRC's page is invalidated.
 */
static void tlbi_range(bool ril)
{
    uint64_t root;
    Xt xt;

    xt_start(&xt, ril ? "" : "-global arm-smmuv3-modern.ril=off");
    g_assert_cmpuint((smmum_qt_rd32(&xt.t, 0xc) >> 10) & 1, ==, ril);
    s1_setup(&xt);
    check_roundtrip(&xt);
    root = qtest_readq(xt.t.qts, SMMUM_QTX_CD + 8);
    smmum_qtx_map(&xt.x, root, 3, VA_DST, PA_ALT, SMMUM_QTX_S1_RW);
    smmum_qt_cmd(&xt.t, SMMUM_QTX_CMD_TLBI_NH_VA | (uint64_t)ASID << 48 |
                 1ULL << 12,                        /* NUM=1 */
                 VA_SRC | 1 | 1ULL << 10 | 3ULL << 8);  /* TG=4K TTL=3 */
    smmum_qt_sync(&xt.t);
    g_assert_cmphex(smmum_qt_rd32(&xt.t, 0x60), ==, 0);     /* GERROR */
    fill(&xt, PA_DST, 0x50);
    fill(&xt, PA_ALT, 0x70);
    smmum_qt_edu_to_mem(&xt.t, VA_DST, LEN);
    g_assert_true(holds(&xt, ril ? PA_ALT : PA_DST, 0xa0));
    g_assert_true(holds(&xt, ril ? PA_DST : PA_ALT, ril ? 0x50 : 0x70));
    smmum_qt_stop(&xt.t);
}

static void test_tlbi_range(void)
{
    tlbi_range(true);
}

static void test_tlbi_range_off(void)
{
    tlbi_range(false);
}

/* An ILLEGAL CD (AArch32 tables, AA64=0): C_BAD_CD, the DMA is blocked. */
static void test_bad_cd(void)
{
    uint64_t ste[8], ev[4];
    Xt xt;

    xt_start(&xt, "");
    s1_tables(&xt, PA_SRC, PA_DST,
              smmum_qtx_cd_w0(ASID, true) & ~(1ULL << 41));
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&xt.x, ste);
    mark_all(&xt);
    smmum_qt_edu_to_mem(&xt.t, VA_DST, LEN);
    g_assert_true(holds(&xt, PA_DST, 0x50));
    g_assert_true(holds(&xt, VA_DST, 0x20));
    g_assert_cmpuint(smmum_qt_events(&xt.t), ==, 1);
    smmum_qtx_pop_event_bytes(&xt.x, ev);
    g_assert_cmphex(EV_TYPE(ev), ==, EVT_C_BAD_CD);
    g_assert_cmphex(EV_SID(ev), ==, SMMUM_QT_EDU_SID);

    /* Fixed, CFGI_CD + SYNC: translation works. */
    qtest_writeq(xt.t.qts, SMMUM_QTX_CD, smmum_qtx_cd_w0(ASID, true));
    smmum_qt_cmd(&xt.t, SMMUM_QTX_CMD_CFGI_CD |
                 (uint64_t)SMMUM_QT_EDU_SID << 32, 1);
    smmum_qt_sync(&xt.t);
    check_roundtrip(&xt);
    smmum_qt_stop(&xt.t);
}

#define CD_HD       (1ULL << 42)
#define CD_HA       (1ULL << 43)
#define IDR0_HTTU(v)    (((v) >> 6) & 3)

/*
 * HTTU: with CD.HA/HD, edu DMA sets the access flag of a page and marks
 * a writable-clean (DBM) page dirty, in the descriptor in guest RAM.
 */
static void test_httu(void)
{
    uint64_t root, src_slot, dst_slot, ste[8];
    Xt xt;

    xt_start(&xt, "");
    g_assert_cmpuint(IDR0_HTTU(smmum_qt_rd32(&xt.t, 0)), ==, 2);
    root = s1_tables(&xt, PA_SRC, PA_DST,
                     smmum_qtx_cd_w0(ASID, true) | CD_HA | CD_HD);
    src_slot = smmum_qtx_map(&xt.x, root, 3, VA_SRC, PA_SRC,
                             SMMUM_QTX_S1_RW & ~SMMUM_QTX_AF);
    dst_slot = smmum_qtx_map(&xt.x, root, 3, VA_DST, PA_DST,
                             SMMUM_QTX_S1_RO | SMMUM_QTX_DBM);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&xt.x, ste);
    check_roundtrip(&xt);
    g_assert_cmphex(qtest_readq(xt.t.qts, src_slot) & SMMUM_QTX_AF, ==,
                    SMMUM_QTX_AF);
    g_assert_cmphex(qtest_readq(xt.t.qts, dst_slot) & SMMUM_QTX_AP2, ==, 0);
    smmum_qt_stop(&xt.t);
}

/* httu=off: IDR0.HTTU=0 and a CD with HA is ILLEGAL (C_BAD_CD). */
static void test_httu_off(void)
{
    uint64_t ste[8], ev[4];
    Xt xt;

    xt_start(&xt, "-global arm-smmuv3-modern.httu=off");
    g_assert_cmpuint(IDR0_HTTU(smmum_qt_rd32(&xt.t, 0)), ==, 0);
    s1_tables(&xt, PA_SRC, PA_DST, smmum_qtx_cd_w0(ASID, true) | CD_HA);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&xt.x, ste);
    mark_all(&xt);
    smmum_qt_edu_to_mem(&xt.t, VA_DST, LEN);
    g_assert_true(holds(&xt, PA_DST, 0x50));
    g_assert_cmpuint(smmum_qt_events(&xt.t), ==, 1);
    smmum_qtx_pop_event_bytes(&xt.x, ev);
    g_assert_cmphex(EV_TYPE(ev), ==, EVT_C_BAD_CD);
    smmum_qt_stop(&xt.t);
}

/* A "stat-*" counter of the SMMU (qom-get). */
static uint64_t smmu_stat(Xt *xt, const char *name)
{
    g_autofree char *path = smmum_qt_smmu_path(xt->t.qts);
    g_autofree char *prop = g_strdup_printf("stat-%s", name);
    QDict *rsp = qtest_qmp(xt->t.qts, "{ 'execute': 'qom-get', 'arguments': "
                           "{ 'path': %s, 'property': %s } }", path, prop);
    uint64_t v = qdict_get_int(rsp, "return");

    qobject_unref(rsp);
    return v;
}

/*
 * The counters of what the model served: every translated transaction is
 * an IOTLB hit or a walk, each TLBI and SYNC is counted once, a faulting
 * write is one terminated transaction and one translation fault.
 */
static void test_stats(void)
{
    uint64_t xl, hits, walks, tlbi, sync, faults, aborted, events;
    Xt xt;

    xt_start(&xt, "");
    s1_setup(&xt);
    xl = smmu_stat(&xt, "translations");
    hits = smmu_stat(&xt, "iotlb-hits");
    walks = smmu_stat(&xt, "walks");
    check_roundtrip(&xt);
    g_assert_cmpuint(smmu_stat(&xt, "translations"), >, xl + 1);
    g_assert_cmpuint(smmu_stat(&xt, "walks"), >, walks);
    g_assert_cmpuint(smmu_stat(&xt, "translations") - xl, ==,
                     smmu_stat(&xt, "iotlb-hits") - hits +
                     smmu_stat(&xt, "walks") - walks);

    tlbi = smmu_stat(&xt, "tlbi");
    sync = smmu_stat(&xt, "sync");
    smmum_qt_cmd(&xt.t, SMMUM_QTX_CMD_TLBI_NH_VA | (uint64_t)ASID << 48,
                 VA_SRC);
    smmum_qt_cmd(&xt.t, SMMUM_QTX_CMD_TLBI_NH_VA | (uint64_t)ASID << 48,
                 VA_DST);
    smmum_qt_sync(&xt.t);
    g_assert_cmpuint(smmu_stat(&xt, "tlbi"), ==, tlbi + 2);
    g_assert_cmpuint(smmu_stat(&xt, "sync"), ==, sync + 1);

    faults = smmu_stat(&xt, "faults");
    aborted = smmu_stat(&xt, "aborted");
    events = smmu_stat(&xt, "events");
    g_assert_cmpuint(faults, ==, 0);
    smmum_qt_edu_to_mem(&xt.t, VA_RO, LEN);     /* F_PERMISSION */
    g_assert_cmpuint(smmu_stat(&xt, "faults"), ==, 1);
    g_assert_cmpuint(smmu_stat(&xt, "events"), ==, events + 1);
    g_assert_cmpuint(smmu_stat(&xt, "aborted"), >, aborted);
    g_assert_cmpuint(smmu_stat(&xt, "events-lost"), ==, 0);
    smmum_qt_stop(&xt.t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/smmuv3-modern/xlate/s1/dma", test_s1_dma);
    qtest_add_func("/smmuv3-modern/xlate/s1/read-only", test_s1_read_only);
    qtest_add_func("/smmuv3-modern/xlate/s1/no-record", test_s1_no_record);
    qtest_add_func("/smmuv3-modern/xlate/s2/dma", test_s2_dma);
    qtest_add_func("/smmuv3-modern/xlate/nested/dma", test_nested_dma);
    qtest_add_func("/smmuv3-modern/xlate/tlbi-va", test_tlbi_va);
    qtest_add_func("/smmuv3-modern/xlate/tlbi-range", test_tlbi_range);
    qtest_add_func("/smmuv3-modern/xlate/tlbi-range-off",
                   test_tlbi_range_off);
    qtest_add_func("/smmuv3-modern/xlate/bad-cd", test_bad_cd);
    qtest_add_func("/smmuv3-modern/xlate/httu", test_httu);
    qtest_add_func("/smmuv3-modern/xlate/httu-off", test_httu_off);
    qtest_add_func("/smmuv3-modern/xlate/stats", test_stats);
    return g_test_run();
}
