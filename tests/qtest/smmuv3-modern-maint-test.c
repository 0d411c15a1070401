/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: the maintenance checker (maint-check=on).  edu
 * DMA goes through a stage-1 page the test then unmaps or remaps with
 * deliberately wrong (or right) TLB maintenance; the JSON Lines report,
 * the QOM counters and the event queue say what the model saw.  The
 * project's PCIe test endpoint (smmuv3-modern-testdev) does the same
 * with ATS: its ATC keeps a translation no ATC_INV removed.
 */
#include "qemu/osdep.h"
#include "qobject/qdict.h"
#include "smmum-qtest-xlate.h"
#include "hw/arm/smmuv3-modern/smmuv3-modern-testdev.h"

#define VA          (SMMUM_QT_RAM + 0x4000000)
#define PA          (SMMUM_QT_RAM + 0x5000000)
#define PA_ALT      (SMMUM_QT_RAM + 0x5100000)
#define ASID        0x2a
#define WRONG_ASID  0x2b
#define EVT_F_TRANSLATION   0x10
#define EVT_F_TLB_CONFLICT  0x20

typedef struct Mt {
    SmmumQt t;
    SmmumQtx x;
    char *report;
    char *path;
    uint64_t leaf;              /* the PTE of VA */
} Mt;

static uint64_t counter(Mt *m, const char *name)
{
    g_autofree char *prop = g_strdup_printf("maint-counter-%s", name);
    QDict *rsp = qtest_qmp(m->t.qts, "{ 'execute': 'qom-get', 'arguments': "
                           "{ 'path': %s, 'property': %s } }", m->path,
                           prop);
    uint64_t v = qdict_get_int(rsp, "return");

    qobject_unref(rsp);
    return v;
}

/* edu's stage-1 STE, CD (ASID) and a table mapping VA -> PA. */
static void mt_start(Mt *m, const char *extra)
{
    int fd = g_file_open_tmp("smmum-maint-XXXXXX.jsonl", &m->report, NULL);
    g_autofree char *args = NULL;
    uint64_t ste[8], root;

    g_assert(fd >= 0);
    close(fd);
    args = g_strdup_printf("-global arm-smmuv3-modern.maint-check=on "
                           "-global arm-smmuv3-modern.tear-report=%s %s",
                           m->report, extra);
    smmum_qt_start(&m->t, args);
    smmum_qt_enable(&m->t, 6);
    smmum_qtx_init(&m->x, &m->t);
    m->path = smmum_qt_smmu_path(m->t.qts);
    root = smmum_qtx_alloc(&m->x);
    m->leaf = smmum_qtx_map(&m->x, root, 3, VA, PA, SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&m->x, SMMUM_QTX_CD, smmum_qtx_cd_w0(ASID, true),
                       root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&m->x, ste);
}

/* The report after QEMU exited (the checker judges open entries then). */
static char *mt_finish(Mt *m)
{
    char *text = NULL;

    smmum_qt_stop(&m->t);
    g_assert(g_file_get_contents(m->report, &text, NULL, NULL));
    unlink(m->report);
    g_free(m->report);
    g_free(m->path);
    return text;
}

/* The report's lines of one record type. */
static GPtrArray *records(const char *text, const char *type)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autofree char *key = g_strdup_printf("\"type\":\"%s\"", type);
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);

    for (int i = 0; lines[i]; i++) {
        if (strstr(lines[i], key)) {
            g_ptr_array_add(a, g_strdup(lines[i]));
        }
    }
    return a;
}

static unsigned count(const char *text, const char *type)
{
    g_autoptr(GPtrArray) a = records(text, type);

    return a->len;
}

static void tlbi_va(Mt *m, uint16_t asid, uint64_t va)
{
    smmum_qt_cmd(&m->t, SMMUM_QTX_CMD_TLBI_NH_VA | (uint64_t)asid << 48,
                 va | 1 /* Leaf */);
    smmum_qt_sync(&m->t);
}

static void dma(Mt *m)
{
    smmum_qt_mem_to_edu(&m->t, VA, 64);
}

/*
 * Unmap VA, TLBI with another (unused) ASID + SYNC, DMA: the model still
 * serves the cached translation, and the report says which TLBI missed
 * it and why.
 */
static void test_wrong_asid(void)
{
    Mt m;
    g_autofree char *text = NULL;
    g_autofree char *leaf = NULL;
    g_autoptr(GPtrArray) stale = NULL;
    const char *r;

    mt_start(&m, "");
    dma(&m);
    g_assert_cmpuint(counter(&m, "entries"), >=, 1);
    qtest_writeq(m.t.qts, m.leaf, 0);
    tlbi_va(&m, WRONG_ASID, VA);
    dma(&m);
    g_assert_cmpuint(smmum_qt_events(&m.t), ==, 0);     /* served stale */
    g_assert_cmpuint(counter(&m, "hits"), >=, 1);
    g_assert_cmpuint(counter(&m, "syncs"), >=, 1);
    g_assert_cmpuint(counter(&m, "neighbours"), >=, 1);
    text = mt_finish(&m);
    stale = records(text, "stale-translation");
    g_assert_cmpuint(stale->len, ==, 1);
    r = g_ptr_array_index(stale, 0);
    g_assert(strstr(r, "\"schema\":2"));
    g_assert(strstr(r, "\"severity\":\"critical\""));
    g_assert(strstr(r, "\"sid\":16"));
    g_assert(strstr(r, "\"change\":\"unmap\""));
    leaf = g_strdup_printf("\"descriptor\":{\"pa\":\"0x%" PRIx64 "\"",
                           m.leaf);
    g_assert(strstr(r, leaf));
    g_assert(strstr(r, "\"op\":\"TLBI_NH_VA\",\"asid\":43"));
    g_assert(strstr(r, "\"missed_because\":[\"asid\"]"));
    g_assert_cmpuint(count(text, "missing-tlb-maintenance"), ==, 0);
}

/* The same with the right ASID: the DMA faults, the report is clean. */
static void test_right_asid(void)
{
    Mt m;
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    uint64_t ev[4];

    mt_start(&m, "");
    dma(&m);
    qtest_writeq(m.t.qts, m.leaf, 0);
    tlbi_va(&m, ASID, VA);
    dma(&m);
    g_assert_cmpuint(smmum_qt_events(&m.t), >=, 1);
    smmum_qt_pop_event(&m.t, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_F_TRANSLATION);
    g_assert_cmpuint(counter(&m, "maintained"), ==, 1);
    g_assert_cmpuint(counter(&m, "findings"), ==, 0);
    text = mt_finish(&m);
    /* Only the summary: nothing found, one entry maintained. */
    g_assert_cmpuint(count(text, "maint-summary"), ==, 1);
    g_assert_nonnull(strstr(text, "\"findings\":0,"));
    g_assert_nonnull(strstr(text, "\"maintained\":1,"));
    lines = g_strsplit(g_strstrip(text), "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 1);
}

/* Unmap without any TLBI, then DMA: missing maintenance at exit. */
static void test_missing(void)
{
    Mt m;
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) miss = NULL;

    mt_start(&m, "");
    dma(&m);
    qtest_writeq(m.t.qts, m.leaf, 0);
    dma(&m);
    text = mt_finish(&m);
    miss = records(text, "missing-tlb-maintenance");
    g_assert_cmpuint(miss->len, ==, 1);
    g_assert(strstr(g_ptr_array_index(miss, 0), "\"reason\":\"exit\""));
    g_assert(strstr(g_ptr_array_index(miss, 0), "\"detected\":\"hit\""));
}

/*
 * Remap VA to another page without break-before-make, with
 * maint-tlb-conflict=on: the DMA ends in F_TLB_CONFLICT.
 */
static void test_bbm_conflict(void)
{
    Mt m;
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) bbm = NULL;
    uint64_t ev[4];

    mt_start(&m, "-global arm-smmuv3-modern.maint-tlb-conflict=on");
    dma(&m);
    qtest_writeq(m.t.qts, m.leaf, PA_ALT | SMMUM_QTX_S1_RW | SMMUM_QTX_TABLE);
    dma(&m);
    g_assert_cmpuint(smmum_qt_events(&m.t), >=, 1);
    smmum_qt_pop_event(&m.t, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_F_TLB_CONFLICT);
    g_assert_cmpuint(counter(&m, "conflicts"), >=, 1);
    g_assert_cmpuint(counter(&m, "bbm"), ==, 1);
    text = mt_finish(&m);
    bbm = records(text, "break-before-make");
    g_assert_cmpuint(bbm->len, ==, 1);
    g_assert(strstr(g_ptr_array_index(bbm, 0), "\"change\":\"remap\""));
    g_assert(strstr(g_ptr_array_index(bbm, 0), "\"tlb_conflict\":true"));
}

/* ---- ATS through the test endpoint (its registers: smmuv3-modern.rst) */

#define TD_DEVFN        (3 << 3)
#define TD_SID          TD_DEVFN
#define TD_ATS_CTRL     (TD_ATS_CAP_OFF + 6)
#define CMD_ATC_INV     0x40

typedef struct Ta {
    Mt m;
    QPCIDevice *dev;
    QPCIBar bar;
} Ta;

static void ta_run(Ta *a, unsigned cmd, uint64_t addr, uint32_t flags)
{
    qpci_io_writel(a->dev, a->bar, TD_BUF, 0x5a5a5a5a);
    qpci_io_writel(a->dev, a->bar, TD_ADDR_LO, (uint32_t)addr);
    qpci_io_writel(a->dev, a->bar, TD_ADDR_HI, addr >> 32);
    qpci_io_writel(a->dev, a->bar, TD_LEN, cmd == TD_CMD_DMA ? 4 : 0);
    qpci_io_writel(a->dev, a->bar, TD_SSID, 0);
    qpci_io_writel(a->dev, a->bar, TD_FLAGS, flags);
    qpci_io_writel(a->dev, a->bar, TD_CMD, cmd);
    g_assert_cmpuint(qpci_io_readl(a->dev, a->bar, TD_STATUS), ==, 0);
}

static void ta_ats_enable(Ta *a, bool on)
{
    qtest_writew(a->m.t.qts, a->m.t.pcibus.ecam_alloc_ptr +
                 ((uint64_t)TD_DEVFN << 12) + TD_ATS_CTRL, on ? 0x8000 : 0);
}

/*
 * The endpoint behind an EATS=1 copy of edu's setup, ATS enabled after
 * the STE is in place (Linux's order), or before it (ats_first).
 */
static void ta_start_order(Ta *a, bool ats_first)
{
    uint64_t ste[8], root;
    int fd = g_file_open_tmp("smmum-maint-XXXXXX.jsonl", &a->m.report,
                             NULL);
    g_autofree char *args = NULL;

    g_assert(fd >= 0);
    close(fd);
    args = g_strdup_printf("-global arm-smmuv3-modern.maint-check=on "
                           "-global arm-smmuv3-modern.ats=on "
                           "-global arm-smmuv3-modern.tear-report=%s "
                           "-device smmuv3-modern-testdev,addr=03.0",
                           a->m.report);
    smmum_qt_start(&a->m.t, args);
    smmum_qt_enable(&a->m.t, 6);
    smmum_qtx_init(&a->m.x, &a->m.t);
    a->m.path = smmum_qt_smmu_path(a->m.t.qts);
    a->dev = qpci_device_find(&a->m.t.pcibus.bus, TD_DEVFN);
    g_assert(a->dev);
    qpci_device_enable(a->dev);
    a->bar = qpci_iomap(a->dev, 0, NULL);
    if (ats_first) {
        ta_ats_enable(a, true);
    }
    root = smmum_qtx_alloc(&a->m.x);
    a->m.leaf = smmum_qtx_map(&a->m.x, root, 3, VA, PA, SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&a->m.x, SMMUM_QTX_CD,
                       smmum_qtx_cd_w0(ASID, true), root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    ste[1] |= 1ULL << 28;                           /* EATS=0b01 */
    smmum_qt_write_ste(&a->m.t, TD_SID, ste);
    smmum_qt_cfgi_ste(&a->m.t, TD_SID);
    if (!ats_first) {
        ta_ats_enable(a, true);
    }
    g_assert_cmpuint(counter(&a->m, "ats-enables"), ==, 1);
}

static void ta_start(Ta *a)
{
    ta_start_order(a, false);
}

static char *ta_finish(Ta *a)
{
    qpci_iounmap(a->dev, a->bar);
    g_free(a->dev);
    return mt_finish(&a->m);
}

/*
 * Unmap the page and invalidate the IOTLB but not the endpoint's ATC:
 * its next write still goes to the old page (atc-inv-missing).
 */
static void test_atc_inv_missing(void)
{
    Ta a;
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) miss = NULL;

    ta_start(&a);
    ta_run(&a, TD_CMD_DMA, VA, TD_F_WRITE | TD_F_ATS);
    g_assert_cmphex(qtest_readl(a.m.t.qts, PA), ==, 0x5a5a5a5a);
    g_assert_cmpuint(counter(&a.m, "ats-granted"), ==, 1);
    qtest_writel(a.m.t.qts, PA, 0);
    qtest_writeq(a.m.t.qts, a.m.leaf, 0);
    tlbi_va(&a.m, ASID, VA);
    ta_run(&a, TD_CMD_DMA, VA, TD_F_WRITE | TD_F_ATS);
    g_assert_cmphex(qtest_readl(a.m.t.qts, PA), ==, 0x5a5a5a5a);
    g_assert_cmpuint(counter(&a.m, "translated"), ==, 2);
    text = ta_finish(&a);
    miss = records(text, "atc-inv-missing");
    g_assert_cmpuint(miss->len, ==, 1);
    g_assert(strstr(g_ptr_array_index(miss, 0), "\"view\":\"atc\""));
    g_assert(strstr(g_ptr_array_index(miss, 0), "\"change\":\"unmap\""));
    g_assert(strstr(g_ptr_array_index(miss, 0), "\"exposure\":1,"));
    g_assert_cmpuint(count(text, "ats-enabled-before-eats"), ==, 0);
}

/*
 * ATC_INV + SYNC done right, then the endpoint sends a Translated write
 * anyway: no translation it may hold covers it.
 */
static void test_ats_uncovered(void)
{
    Ta a;
    g_autofree char *text = NULL;
    g_autofree char *addr = g_strdup_printf("\"translated_addr\":\"0x%"
                                            PRIx64 "\"", (uint64_t)PA);

    ta_start(&a);
    ta_run(&a, TD_CMD_ATS_REQ, VA, 0);
    qtest_writeq(a.m.t.qts, a.m.leaf, 0);
    tlbi_va(&a.m, ASID, VA);
    smmum_qt_cmd(&a.m.t, CMD_ATC_INV | (uint64_t)TD_SID << 32, VA);
    smmum_qt_sync(&a.m.t);
    g_assert_cmpuint(counter(&a.m, "atc-invs"), ==, 1);
    ta_run(&a, TD_CMD_DMA, PA, TD_F_WRITE | TD_F_TRANSLATED);
    text = ta_finish(&a);
    g_assert_cmpuint(count(text, "ats-translated-uncovered"), ==, 1);
    g_assert(strstr(text, addr));
    g_assert_cmpuint(count(text, "atc-inv-missing"), ==, 0);
}

/*
 * ATS Enable against STE.EATS: enabled before the STE exists, and (the
 * order drivers used before) an STE without ATS published while the
 * endpoint still has ATS enabled.  The order Linux keeps now (ATS off at
 * the endpoint, then the STE) reports nothing.
 */
static void test_ats_order(void)
{
    Ta a;
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) en = NULL;
    g_autoptr(GPtrArray) dis = NULL;
    uint64_t ste[8] = { 1 | 4 << 1 };               /* V, Config bypass */

    ta_start_order(&a, true);
    g_assert_cmpuint(counter(&a.m, "ats-enable"), ==, 1);
    smmum_qt_write_ste(&a.m.t, TD_SID, ste);
    smmum_qt_cfgi_ste(&a.m.t, TD_SID);
    g_assert_cmpuint(counter(&a.m, "ats-disable"), ==, 1);
    ta_ats_enable(&a, false);
    g_assert_cmpuint(counter(&a.m, "ats-disables"), ==, 1);
    text = ta_finish(&a);
    en = records(text, "ats-enabled-before-eats");
    g_assert_cmpuint(en->len, ==, 1);
    g_assert(strstr(g_ptr_array_index(en, 0), "\"state\":\"invalid\""));
    g_assert(strstr(g_ptr_array_index(en, 0), "\"severity\":\"minor\""));
    dis = records(text, "eats-cleared-before-ats-disable");
    g_assert_cmpuint(dis->len, ==, 1);
    g_assert(strstr(g_ptr_array_index(dis, 0), "\"detected\":\"cfgi\""));
    g_assert(strstr(g_ptr_array_index(dis, 0), "\"state\":\"no-eats\""));

    ta_start(&a);
    ta_ats_enable(&a, false);
    smmum_qt_write_ste(&a.m.t, TD_SID, ste);
    smmum_qt_cfgi_ste(&a.m.t, TD_SID);
    g_assert_cmpuint(counter(&a.m, "findings"), ==, 0);
    g_free(text);
    text = ta_finish(&a);
    g_assert_cmpuint(count(text, "ats-enabled-before-eats"), ==, 0);
    g_assert_cmpuint(count(text, "eats-cleared-before-ats-disable"), ==, 0);
}

static void test_bad_values(void)
{
    static const char *const bad[][2] = {
        { "maint-check=maybe", "maint-check" },
        { "maint-checks=stale=loud", "maint-checks" },
        { "maint-checks=tears=off", "maint-checks" },
        { "bbml=3", "bbml" },
    };

    for (int i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *args = g_strdup_printf("-M iommu=smmuv3-modern "
                                                "-global arm-smmuv3-modern."
                                                "%s", bad[i][0]);
        g_autofree char *err = NULL;

        g_assert_cmpint(smmum_qt_run_fail(args, &err), !=, 0);
        g_assert_nonnull(strstr(err, bad[i][1]));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/smmuv3-modern/maint/wrong-asid", test_wrong_asid);
    qtest_add_func("/smmuv3-modern/maint/right-asid", test_right_asid);
    qtest_add_func("/smmuv3-modern/maint/missing", test_missing);
    qtest_add_func("/smmuv3-modern/maint/bbm-conflict", test_bbm_conflict);
    qtest_add_func("/smmuv3-modern/maint/atc-inv-missing",
                   test_atc_inv_missing);
    qtest_add_func("/smmuv3-modern/maint/ats-uncovered", test_ats_uncovered);
    qtest_add_func("/smmuv3-modern/maint/ats-order", test_ats_order);
    qtest_add_func("/smmuv3-modern/maint/bad-values", test_bad_values);
    return g_test_run();
}
