/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: tear-trace=FILE round trip.  The device records
 * the tear checker's inputs while it writes its report; the smmum-replay
 * tool (built next to this test; SMMUM_REPLAY overrides) replays the
 * trace offline and must write the very same report, line for line.
 * With maint-check=on the maintenance checker's inputs are in the same
 * trace (also with tear-check=off): deliberately wrong TLB maintenance,
 * and the replay writes the same maintenance records.
 */
#include "qemu/osdep.h"
#include "smmum-qtest-util.h"
#include "smmum-qtest-xlate.h"
#include "hw/arm/smmuv3-modern/smmuv3-modern-testdev.h"

#define EDU_STE         (SMMUM_QT_STRTAB + SMMUM_QT_EDU_SID * 64ULL)
#define STE_S2_W0       (SMMUM_QT_STE_V | (6ULL << 1))  /* Config=S2 */
/* VMID 1, S2T0SZ 24, S2SL0 1, 4 KiB, S2PS 40 bits, S2AA64 */
#define STE_S2_W2       (1ULL | (24ULL << 32) | (1ULL << 38) | \
                         (2ULL << 48) | (1ULL << 51))
#define STE_S2_W3       (SMMUM_QT_RAM + 0x300000)        /* S2TTB */

static char *replay_tool;

typedef struct Files {
    char *dir;
    char *report;
    char *trace;
    char *replayed;
} Files;

static void files_init(Files *f)
{
    f->dir = g_dir_make_tmp("smmum-trace-XXXXXX", NULL);
    g_assert(f->dir);
    f->report = g_build_filename(f->dir, "report.jsonl", NULL);
    f->trace = g_build_filename(f->dir, "trace.jsonl", NULL);
    f->replayed = g_build_filename(f->dir, "replayed.jsonl", NULL);
}

static void files_free(Files *f)
{
    unlink(f->report);
    unlink(f->trace);
    unlink(f->replayed);
    rmdir(f->dir);
    g_free(f->report);
    g_free(f->trace);
    g_free(f->replayed);
    g_free(f->dir);
}

static void start(SmmumQt *t, Files *f, const char *mode)
{
    g_autofree char *args = g_strdup_printf(
        "-global arm-smmuv3-modern.tear-check=%s "
        "-global arm-smmuv3-modern.tear-report=%s "
        "-global arm-smmuv3-modern.tear-trace=%s", mode, f->report, f->trace);

    smmum_qt_start(t, args);
    smmum_qt_enable(t, 6);
}

static void dma(SmmumQt *t)
{
    smmum_qt_mem_to_edu(t, SMMUM_QT_RAM + 0x100000, 64);
}

/* Stop QEMU, replay its trace; both reports must be equal. */
static char *replay_and_compare(SmmumQt *t, Files *f)
{
    g_autofree char *report = NULL;
    g_autofree char *replayed = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *argv[] = { replay_tool, "-q", "-o", f->replayed, f->trace,
                           NULL };
    int status;

    smmum_qt_stop(t);
    g_assert(g_file_get_contents(f->report, &report, NULL, NULL));
    g_assert(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out,
                          &err, &status, NULL));
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_test_message("smmum-replay: %s", err);
    }
    g_assert(g_spawn_check_wait_status(status, NULL));
    g_assert(g_file_get_contents(f->replayed, &replayed, NULL, NULL));
    g_assert_cmpstr(replayed, ==, report);
    return g_steal_pointer(&report);
}

/* STE bypass -> stage 2 without break-before-make (store feeder). */
static void test_store_torn(void)
{
    SmmumQt t;
    Files f;
    g_autofree char *report = NULL;
    g_autofree char *trace = NULL;
    g_autofree char *store = NULL;

    files_init(&f);
    start(&t, &f, "store");
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    dma(&t);
    qtest_writeq(t.qts, EDU_STE + 16, STE_S2_W2);
    qtest_writeq(t.qts, EDU_STE + 24, STE_S2_W3);
    qtest_writeq(t.qts, EDU_STE, STE_S2_W0);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    report = replay_and_compare(&t, &f);
    g_assert(strstr(report, "\"type\":\"tear\""));
    g_assert(g_file_get_contents(f.trace, &trace, NULL, NULL));
    g_assert(g_str_has_prefix(trace, "{\"rec\":\"header\",\"version\":1,"
                              "\"mode\":\"store\""));
    /* the stores with their data, the commands as consumed */
    store = g_strdup_printf("{\"rec\":\"store\",\"pa\":\"0x%" PRIx64
                            "\",\"size\":8,\"data\":\"0x%" PRIx64 "\"",
                            (uint64_t)EDU_STE, (uint64_t)STE_S2_W0);
    g_assert(strstr(trace, store));
    g_assert(strstr(trace, "\"rec\":\"cfgi\",\"op\":\"CFGI_STE\","
                    "\"sid\":16"));
    g_assert(strstr(trace, "\"cmd\":[\"0x"));
    g_assert(strstr(trace, "\"rec\":\"sync\""));
    g_assert(strstr(trace, "\"rec\":\"txn\",\"sid\":16"));
    g_assert(g_str_has_suffix(trace, "{\"rec\":\"exit\"}\n"));
    files_free(&f);
}

/* A missing invalidation under the sync feeder, with DMA after it. */
static void test_sync_missing(void)
{
    SmmumQt t;
    Files f;
    g_autofree char *report = NULL;

    files_init(&f);
    start(&t, &f, "sync");
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    dma(&t);
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_ABORT);
    dma(&t);
    report = replay_and_compare(&t, &f);
    g_assert(strstr(report, "\"type\":\"missing-invalidation\""));
    files_free(&f);
}

/* ---- the maintenance checker in the same trace ---- */

#define M_VA        (SMMUM_QT_RAM + 0x4000000)
#define M_PA        (SMMUM_QT_RAM + 0x5000000)
#define M_ASID      0x2a
#define M_WRONG     0x2b

/*
 * edu at stage 1 (ASID M_ASID) with two pages at M_VA; its DMA cached,
 * then both unmapped: the first with a TLBI of the wrong ASID + SYNC
 * (stale-translation), the second with none (missing-tlb-maintenance),
 * each used again.
 */
static void maint_wrong(SmmumQt *t, Files *f, const char *tear_mode)
{
    g_autofree char *args = g_strdup_printf(
        "-global arm-smmuv3-modern.tear-check=%s "
        "-global arm-smmuv3-modern.maint-check=on "
        "-global arm-smmuv3-modern.tear-report=%s "
        "-global arm-smmuv3-modern.tear-trace=%s", tear_mode, f->report,
        f->trace);
    SmmumQtx x;
    uint64_t ste[8], root, leaf0, leaf1;

    smmum_qt_start(t, args);
    smmum_qt_enable(t, 6);
    smmum_qtx_init(&x, t);
    root = smmum_qtx_alloc(&x);
    leaf0 = smmum_qtx_map(&x, root, 3, M_VA, M_PA, SMMUM_QTX_S1_RW);
    leaf1 = smmum_qtx_map(&x, root, 3, M_VA + 0x1000, M_PA + 0x1000,
                          SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&x, SMMUM_QTX_CD, smmum_qtx_cd_w0(M_ASID, true),
                       root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&x, ste);
    smmum_qt_mem_to_edu(t, M_VA, 64);
    smmum_qt_mem_to_edu(t, M_VA + 0x1000, 64);
    qtest_writeq(t->qts, leaf0, 0);
    smmum_qt_cmd(t, SMMUM_QTX_CMD_TLBI_NH_VA | (uint64_t)M_WRONG << 48,
                 M_VA | 1 /* Leaf */);
    smmum_qt_sync(t);
    smmum_qt_mem_to_edu(t, M_VA, 64);
    qtest_writeq(t->qts, leaf1, 0);
    smmum_qt_mem_to_edu(t, M_VA + 0x1000, 64);
    smmum_qt_mem_to_edu(t, M_VA + 0x1000, 64);
}

static void maint_report_ok(const char *report, const char *trace)
{
    g_assert(strstr(report, "\"type\":\"stale-translation\""));
    g_assert(strstr(report, "\"missed_because\":[\"asid\"]"));
    g_assert(strstr(report, "\"type\":\"missing-tlb-maintenance\""));
    g_assert(strstr(report, "\"type\":\"maint-summary\""));
    g_assert(strstr(trace, "{\"rec\":\"maint-header\",\"checks\":"));
    g_assert(strstr(trace, "{\"rec\":\"maint-walk\",\"sid\":16,"));
    g_assert(strstr(trace, "{\"rec\":\"maint-insert\",\"id\":1,"));
    g_assert(strstr(trace, "{\"rec\":\"maint-hit\",\"id\":"));
    g_assert(strstr(trace, "{\"rec\":\"maint-tlbi\",\"op\":18,"
                    "\"vmid\":0,\"asid\":43,"));
    g_assert(strstr(trace, "{\"rec\":\"maint-sync\""));
    g_assert(strstr(trace, "{\"rec\":\"maint-exit\""));
    /* the checker's own reads of the changed descriptors */
    g_assert(strstr(trace, "{\"rec\":\"mem\",\"pa\":\"0x"));
    g_assert(g_str_has_suffix(trace, "{\"rec\":\"exit\"}\n"));
}

/* Both checkers on (sync feeder): one trace, one report, replayed. */
static void test_maint_sync(void)
{
    SmmumQt t;
    Files f;
    g_autofree char *report = NULL;
    g_autofree char *trace = NULL;

    files_init(&f);
    maint_wrong(&t, &f, "sync");
    report = replay_and_compare(&t, &f);
    g_assert(g_file_get_contents(f.trace, &trace, NULL, NULL));
    maint_report_ok(report, trace);
    g_assert(strstr(trace, "\"rec\":\"cfgi\""));   /* the tear side */
    files_free(&f);
}

/* tear-check=off: the trace is the maintenance checker's alone. */
static void test_maint_tear_off(void)
{
    SmmumQt t;
    Files f;
    g_autofree char *report = NULL;
    g_autofree char *trace = NULL;

    files_init(&f);
    maint_wrong(&t, &f, "off");
    report = replay_and_compare(&t, &f);
    g_assert(g_file_get_contents(f.trace, &trace, NULL, NULL));
    maint_report_ok(report, trace);
    g_assert(g_str_has_prefix(trace, "{\"rec\":\"header\",\"version\":1,"
                              "\"mode\":\"off\""));
    g_assert_null(strstr(trace, "\"rec\":\"cfgi\""));
    g_assert_null(strstr(trace, "\"rec\":\"txn\""));
    files_free(&f);
}

/*
 * ATS through the test endpoint: ATS Enable set before the STE has EATS
 * (ats-enabled-before-eats), a translation handed to its ATC, the page
 * unmapped with a TLBI but no ATC_INV, and a Translated write to it
 * (atc-inv-missing): the endpoint and ATS hooks replay as recorded.
 */
#define TD_DEVFN        (3 << 3)
#define TD_ATS_CTRL     (TD_ATS_CAP_OFF + 6)

static void td_run(QPCIDevice *dev, QPCIBar bar, uint64_t addr,
                   uint32_t flags)
{
    qpci_io_writel(dev, bar, TD_BUF, 0x5a5a5a5a);
    qpci_io_writel(dev, bar, TD_ADDR_LO, (uint32_t)addr);
    qpci_io_writel(dev, bar, TD_ADDR_HI, addr >> 32);
    qpci_io_writel(dev, bar, TD_LEN, 4);
    qpci_io_writel(dev, bar, TD_SSID, 0);
    qpci_io_writel(dev, bar, TD_FLAGS, flags);
    qpci_io_writel(dev, bar, TD_CMD, TD_CMD_DMA);
    g_assert_cmpuint(qpci_io_readl(dev, bar, TD_STATUS), ==, 0);
}

static void test_maint_ats(void)
{
    SmmumQt t;
    SmmumQtx x;
    Files f;
    QPCIDevice *dev;
    QPCIBar bar;
    uint64_t ste[8], root, leaf;
    g_autofree char *report = NULL;
    g_autofree char *trace = NULL;
    g_autofree char *args = NULL;

    files_init(&f);
    args = g_strdup_printf("-global arm-smmuv3-modern.tear-check=sync "
                           "-global arm-smmuv3-modern.maint-check=on "
                           "-global arm-smmuv3-modern.ats=on "
                           "-global arm-smmuv3-modern.tear-report=%s "
                           "-global arm-smmuv3-modern.tear-trace=%s "
                           "-device smmuv3-modern-testdev,addr=03.0",
                           f.report, f.trace);
    smmum_qt_start(&t, args);
    smmum_qt_enable(&t, 6);
    smmum_qtx_init(&x, &t);
    dev = qpci_device_find(&t.pcibus.bus, TD_DEVFN);
    g_assert(dev);
    qpci_device_enable(dev);
    bar = qpci_iomap(dev, 0, NULL);
    qtest_writew(t.qts, t.pcibus.ecam_alloc_ptr +
                 ((uint64_t)TD_DEVFN << 12) + TD_ATS_CTRL, 0x8000);
    root = smmum_qtx_alloc(&x);
    leaf = smmum_qtx_map(&x, root, 3, M_VA, M_PA, SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&x, SMMUM_QTX_CD, smmum_qtx_cd_w0(M_ASID, true),
                       root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    ste[1] |= 1ULL << 28;                           /* EATS=0b01 */
    smmum_qt_write_ste(&t, TD_DEVFN, ste);
    smmum_qt_cfgi_ste(&t, TD_DEVFN);
    td_run(dev, bar, M_VA, TD_F_WRITE | TD_F_ATS);
    qtest_writeq(t.qts, leaf, 0);
    smmum_qt_cmd(&t, SMMUM_QTX_CMD_TLBI_NH_VA | (uint64_t)M_ASID << 48,
                 M_VA | 1);
    smmum_qt_sync(&t);
    td_run(dev, bar, M_VA, TD_F_WRITE | TD_F_ATS);
    qpci_iounmap(dev, bar);
    g_free(dev);
    report = replay_and_compare(&t, &f);
    g_assert(strstr(report, "\"type\":\"ats-enabled-before-eats\""));
    g_assert(strstr(report, "\"type\":\"atc-inv-missing\""));
    g_assert(g_file_get_contents(f.trace, &trace, NULL, NULL));
    g_assert(strstr(trace, "{\"rec\":\"maint-ats-endpoint\",\"sid\":24,"
                    "\"event\":\"enable\""));
    g_assert(strstr(trace, "\"event\":\"cfgi\""));
    g_assert(strstr(trace, "{\"rec\":\"maint-ats-granted\",\"sid\":24,"));
    g_assert(strstr(trace, "{\"rec\":\"maint-translated\",\"sid\":24,"));
    files_free(&f);
}

static void test_bad_path(void)
{
    g_autofree char *err = NULL;

    g_assert_cmpint(smmum_qt_run_fail("-M iommu=smmuv3-modern -global "
                                      "arm-smmuv3-modern.tear-check=sync "
                                      "-global arm-smmuv3-modern.tear-trace="
                                      "/nonexistent/dir/t.jsonl", &err),
                    !=, 0);
    g_assert(strstr(err, "tear-trace"));
}

int main(int argc, char **argv)
{
    g_autofree char *dir = g_path_get_dirname(argv[0]);

    g_test_init(&argc, &argv, NULL);
    replay_tool = g_strdup(g_getenv("SMMUM_REPLAY"));
    if (!replay_tool) {
        replay_tool = g_build_filename(dir, "smmum-replay", NULL);
    }
    if (!g_file_test(replay_tool, G_FILE_TEST_IS_EXECUTABLE)) {
        g_printerr("smmum-replay not found at %s (set SMMUM_REPLAY)\n",
                   replay_tool);
        return 1;
    }
    qtest_add_func("/smmuv3-modern/trace/store-torn", test_store_torn);
    qtest_add_func("/smmuv3-modern/trace/sync-missing", test_sync_missing);
    qtest_add_func("/smmuv3-modern/trace/maint-sync", test_maint_sync);
    qtest_add_func("/smmuv3-modern/trace/maint-tear-off",
                   test_maint_tear_off);
    qtest_add_func("/smmuv3-modern/trace/maint-ats", test_maint_ats);
    qtest_add_func("/smmuv3-modern/trace/bad-path", test_bad_path);
    return g_test_run();
}
