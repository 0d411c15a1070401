/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: migration and system reset.
 *
 * Migration: program the model, leave work outstanding (an event record
 * the guest has not consumed, the command queue stopped on an error),
 * migrate to a second QEMU over a UNIX socket, and check on the
 * destination that every register reads back, the stopped queue resumes
 * once the guest fixes it up, and DMA through a bypass STE still works.
 * With the tear checker on both sides and a CFGI consumed but not yet
 * synchronised: the source reports the open window as unterminated at
 * migration, the destination starts clean, completes the CFGI with its
 * SYNC and translates DMA through stage 1 tables built on the source.
 * Reset: system_reset puts the registers back to their reset values and
 * the SMMU works after it is programmed again.
 */
#include "qemu/osdep.h"
#include "qobject/qdict.h"
#include "qapi/error.h"
#include "qobject/qjson.h"
#include "smmum-qtest-util.h"
#include "smmum-qtest-xlate.h"

#define CR0             0x20
#define CR0ACK          0x24
#define CR1             0x28
#define CR2             0x2c
#define GBPA            0x44
#define IRQ_CTRL        0x50
#define IRQ_CTRLACK     0x54
#define GERROR          0x60
#define GERRORN         0x64
#define GERROR_IRQ_CFG0 0x68
#define GERROR_IRQ_CFG1 0x70
#define GERROR_IRQ_CFG2 0x74
#define STRTAB_BASE     0x80
#define STRTAB_BASE_CFG 0x88
#define CMDQ_BASE       0x90
#define CMDQ_PROD       0x98
#define CMDQ_CONS       0x9c
#define EVENTQ_BASE     0xa0
#define EVENTQ_IRQ_CFG0 0xb0
#define EVENTQ_IRQ_CFG1 0xb8
#define EVENTQ_IRQ_CFG2 0xbc
#define EVENTQ_PROD     0x100a8
#define EVENTQ_CONS     0x100ac

#define GERROR_CMDQ_ERR 1u
#define CMDQ_CONS_ERR(v) (((v) >> 24) & 0x7f)
#define CERROR_ILL      1
#define EVT_C_BAD_STE   0x04

/* Registers compared across migration: 32-bit view, offsets. */
static const uint32_t regs32[] = {
    CR0, CR0ACK, CR1, CR2, GBPA, IRQ_CTRL, IRQ_CTRLACK, GERROR, GERRORN,
    STRTAB_BASE, STRTAB_BASE + 4, STRTAB_BASE_CFG, CMDQ_BASE, CMDQ_BASE + 4,
    CMDQ_PROD, CMDQ_CONS, EVENTQ_BASE, EVENTQ_BASE + 4, EVENTQ_PROD,
    EVENTQ_CONS, GERROR_IRQ_CFG0, GERROR_IRQ_CFG1, GERROR_IRQ_CFG2,
    EVENTQ_IRQ_CFG0, EVENTQ_IRQ_CFG1, EVENTQ_IRQ_CFG2,
    0x0, 0x4, 0x8, 0xc, 0x14, 0x18,     /* IDR0-3, IDR5, IIDR */
};

static const uint64_t src_pa = SMMUM_QT_RAM + 0x100000;
static const uint64_t dst_pa = SMMUM_QT_RAM + 0x200000;

/*
 * edu copies a pattern from src_pa to dst_pa through the SMMU, at IOVAs
 * src_iova and dst_iova; true when it landed.
 */
static bool dma_works_at(SmmumQt *t, uint64_t src_iova, uint64_t dst_iova,
                         uint8_t seed)
{
    uint8_t pattern[128], out[128];

    for (int i = 0; i < sizeof(pattern); i++) {
        pattern[i] = seed + i * 3;
    }
    qtest_memwrite(t->qts, src_pa, pattern, sizeof(pattern));
    qtest_memset(t->qts, dst_pa, 0x5a, sizeof(out));
    smmum_qt_mem_to_edu(t, src_iova, sizeof(pattern));
    smmum_qt_edu_to_mem(t, dst_iova, sizeof(pattern));
    qtest_memread(t->qts, dst_pa, out, sizeof(out));
    return memcmp(out, pattern, sizeof(out)) == 0;
}

/* The same with IOVA = PA (bypass). */
static bool dma_works(SmmumQt *t, uint8_t seed)
{
    return dma_works_at(t, src_pa, dst_pa, seed);
}

/*
 * CFGI_STE + CMD_SYNC after a command error: CMDQ_CONS.ERR is UNKNOWN
 * once the error is acknowledged, so compare wrap + index only.
 */
static void cfgi_after_error(SmmumQt *t, uint32_t sid)
{
    smmum_qt_cmd(t, SMMUM_QT_CMD_CFGI_STE | ((uint64_t)sid << 32), 1);
    smmum_qt_cmd(t, SMMUM_QT_CMD_SYNC, 0);
    g_assert_cmphex(smmum_qt_rd32(t, CMDQ_CONS) & 0xfffff, ==,
                    t->cmdq_prod);
}

static const char *migrate_status(QTestState *qts)
{
    static char buf[32];
    QDict *rsp = qtest_qmp(qts, "{ 'execute': 'query-migrate' }");
    QDict *ret = qdict_get_qdict(rsp, "return");
    const char *s = ret && qdict_haskey(ret, "status") ?
                    qdict_get_str(ret, "status") : "none";

    g_strlcpy(buf, s, sizeof(buf));
    qobject_unref(rsp);
    return buf;
}

/*
 * Migrate src over a UNIX socket to a new QEMU started with dst_extra
 * (may be ""), wait until the destination runs, and quit the source.
 */
static void migrate(SmmumQt *src, SmmumQt *dst, const char *dst_extra)
{
    g_autofree char *tmp = g_dir_make_tmp("smmum-migrate-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(tmp, "mig.sock", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *incoming = g_strdup_printf("-incoming %s %s", uri,
                                                dst_extra);
    const char *st;
    QDict *rsp;

    smmum_qt_start(dst, incoming);
    rsp = qtest_qmp(src->qts, "{ 'execute': 'migrate',"
                    "  'arguments': { 'uri': %s } }", uri);
    g_assert_true(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
    for (int i = 0; i < 6000; i++) {
        st = migrate_status(src->qts);
        if (!strcmp(st, "completed") || !strcmp(st, "failed")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    g_assert_cmpstr(migrate_status(src->qts), ==, "completed");
    qtest_qmp_eventwait(dst->qts, "RESUME");
    dst->cmdq_prod = src->cmdq_prod;
    smmum_qt_stop(src);
    unlink(sock);
    rmdir(tmp);
}

static void test_migrate(void)
{
    uint32_t before[G_N_ELEMENTS(regs32)];
    uint64_t ev[4];
    uint32_t cons;
    SmmumQt src, dst;

    smmum_qt_start(&src, "");
    smmum_qt_enable(&src, 8);
    smmum_qt_wr64(&src, EVENTQ_IRQ_CFG0, SMMUM_QT_MSI);
    smmum_qt_wr32(&src, EVENTQ_IRQ_CFG1, 0x1234);
    smmum_qt_wr32(&src, EVENTQ_IRQ_CFG2, 0x1);
    smmum_qt_wr64(&src, GERROR_IRQ_CFG0, SMMUM_QT_MSI + 0x40);
    smmum_qt_wr32(&src, GERROR_IRQ_CFG1, 0x5678);
    smmum_qt_wr32(&src, GERROR_IRQ_CFG2, 0x2);

    /* Bypass STE: DMA works on the source. */
    smmum_qt_set_edu_ste(&src, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&src, SMMUM_QT_EDU_SID);
    g_assert_true(dma_works(&src, 1));

    /* Outstanding: an event nobody consumed (edu's STE made invalid). */
    smmum_qt_set_edu_ste(&src, 0);
    smmum_qt_cfgi_ste(&src, SMMUM_QT_EDU_SID);
    g_assert_false(dma_works(&src, 2));
    smmum_qt_set_edu_ste(&src, SMMUM_QT_STE_BYPASS);
    smmum_qt_cmd(&src, SMMUM_QT_CMD_CFGI_STE |
                 ((uint64_t)SMMUM_QT_EDU_SID << 32), 1);
    g_assert_cmpuint(smmum_qt_events(&src), >=, 1);
    /* ... and the command queue stopped on an illegal command. */
    smmum_qt_cmd(&src, 0x7f, 0);
    g_assert_cmphex(smmum_qt_rd32(&src, GERROR) ^
                    smmum_qt_rd32(&src, GERRORN), ==, GERROR_CMDQ_ERR);
    cons = smmum_qt_rd32(&src, CMDQ_CONS);
    g_assert_cmpuint(CMDQ_CONS_ERR(cons), ==, CERROR_ILL);

    for (int i = 0; i < G_N_ELEMENTS(regs32); i++) {
        before[i] = smmum_qt_rd32(&src, regs32[i]);
    }

    migrate(&src, &dst, "");

    /* Every register reads back. */
    for (int i = 0; i < G_N_ELEMENTS(regs32); i++) {
        g_assert_cmphex(smmum_qt_rd32(&dst, regs32[i]), ==, before[i]);
    }
    /* The unconsumed event is there for the guest. */
    g_assert_cmpuint(smmum_qt_events(&dst), >=, 1);
    smmum_qt_pop_event(&dst, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_C_BAD_STE);
    g_assert_cmphex(ev[0] >> 32, ==, SMMUM_QT_EDU_SID);

    /* The stopped queue resumes once the guest fixes it up. */
    qtest_writeq(dst.qts, SMMUM_QT_CMDQ + (cons & 0xff) * 16,
                 SMMUM_QT_CMD_SYNC);
    qtest_writeq(dst.qts, SMMUM_QT_CMDQ + (cons & 0xff) * 16 + 8, 0);
    smmum_qt_wr32(&dst, GERRORN, smmum_qt_rd32(&dst, GERROR));
    g_assert_cmphex(smmum_qt_rd32(&dst, GERROR) ^
                    smmum_qt_rd32(&dst, GERRORN), ==, 0);
    /* (CONS.ERR keeps the last error code: compare wrap + index.) */
    g_assert_cmphex(smmum_qt_rd32(&dst, CMDQ_CONS) & 0xfffff, ==,
                    smmum_qt_rd32(&dst, CMDQ_PROD));

    /* DMA through the bypass STE; then an invalidated abort STE. */
    g_assert_true(dma_works(&dst, 3));
    smmum_qt_set_edu_ste(&dst, SMMUM_QT_STE_ABORT);
    cfgi_after_error(&dst, SMMUM_QT_EDU_SID);
    g_assert_false(dma_works(&dst, 4));
    smmum_qt_set_edu_ste(&dst, SMMUM_QT_STE_BYPASS);
    cfgi_after_error(&dst, SMMUM_QT_EDU_SID);
    g_assert_true(dma_works(&dst, 5));
    smmum_qt_stop(&dst);
}

/* A temporary file for a tear report; its name (g_free it). */
static char *report_file(void)
{
    char *name = NULL;
    int fd = g_file_open_tmp("smmum-mig-tear-XXXXXX.jsonl", &name, NULL);

    g_assert(fd >= 0);
    close(fd);
    return name;
}

/*
 * Records of a JSON Lines tear report with this type (and, when reason
 * is not NULL, this reason) for StreamID sid's view of this kind (NULL
 * and -1: any).
 */
static unsigned count_view_records(const char *file, const char *type,
                                   const char *reason, const char *view,
                                   int64_t sid)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    unsigned n = 0;

    g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        QDict *rec;

        if (!lines[i][0]) {
            continue;
        }
        rec = qobject_to(QDict, qobject_from_json(lines[i], &error_abort));
        g_assert(rec);
        if (!strcmp(qdict_get_str(rec, "type"), type) &&
            (!reason || (qdict_haskey(rec, "reason") &&
                         !strcmp(qdict_get_str(rec, "reason"), reason))) &&
            (sid < 0 || (qdict_haskey(rec, "sid") &&
                         qdict_get_int(rec, "sid") == sid)) &&
            (!view || !strcmp(qdict_get_str(rec, "view"), view))) {
            n++;
        }
        qobject_unref(rec);
    }
    return n;
}

/* The same for StreamID sid's STE view. */
static unsigned count_records(const char *file, const char *type,
                              const char *reason, uint32_t sid)
{
    return count_view_records(file, type, reason, "ste", sid);
}

#define S1_VA   0x40000000ULL

/*
 * Work outstanding at migration, the tear checker on both sides: edu
 * translates at stage 1, then its STE is made invalid and the CFGI_STE
 * for it consumed without a SYNC (a window open, a CFGI pending), DMA
 * records events nobody consumes, and an illegal command stops the queue
 * before the SYNC.  The source reports the open window as unterminated
 * at migration; the destination's checker starts clean (nothing carried
 * over).  On the destination the guest consumes the events, acknowledges
 * GERROR and restarts the queue, whose SYNC completes the CFGI; the STE
 * is restored and DMA translates through the tables built on the source.
 */
static void test_migrate_outstanding(void)
{
    g_autofree char *rsrc = report_file();
    g_autofree char *rdst = report_file();
    g_autofree char *src_args = NULL;
    g_autofree char *dst_args = NULL;
    uint64_t ste[8], ev[4], root;
    unsigned events;
    uint32_t cons;
    SmmumQt src, dst;
    SmmumQtx x;

    src_args = g_strdup_printf("-global arm-smmuv3-modern.tear-check=sync "
                               "-global arm-smmuv3-modern.tear-report=%s",
                               rsrc);
    dst_args = g_strdup_printf("-global arm-smmuv3-modern.tear-check=sync "
                               "-global arm-smmuv3-modern.tear-report=%s",
                               rdst);
    smmum_qt_start(&src, src_args);
    smmum_qt_enable(&src, 8);
    smmum_qtx_init(&x, &src);
    root = smmum_qtx_alloc(&x);
    smmum_qtx_map(&x, root, 3, S1_VA, src_pa, SMMUM_QTX_S1_RW);
    smmum_qtx_map(&x, root, 3, S1_VA + 0x1000, dst_pa, SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&x, SMMUM_QTX_CD, smmum_qtx_cd_w0(9, true), root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&x, ste);
    g_assert_true(dma_works_at(&src, S1_VA, S1_VA + 0x1000, 1));

    /* A window opened and a CFGI pending: STE invalid, CFGI, no SYNC. */
    smmum_qt_set_edu_ste(&src, 0);
    smmum_qt_cmd(&src, SMMUM_QT_CMD_CFGI_STE |
                 ((uint64_t)SMMUM_QT_EDU_SID << 32), 1);
    /* Events nobody consumes. */
    g_assert_false(dma_works_at(&src, S1_VA, S1_VA + 0x1000, 2));
    events = smmum_qt_events(&src);
    g_assert_cmpuint(events, >=, 1);
    /* The queue stopped on an illegal command, before any SYNC. */
    smmum_qt_cmd(&src, 0x7f, 0);
    cons = smmum_qt_rd32(&src, CMDQ_CONS);
    g_assert_cmpuint(CMDQ_CONS_ERR(cons), ==, CERROR_ILL);
    g_assert_cmphex(smmum_qt_rd32(&src, GERROR) ^
                    smmum_qt_rd32(&src, GERRORN), ==, GERROR_CMDQ_ERR);

    migrate(&src, &dst, dst_args);

    /* Source: the open window was judged and reported at migration. */
    g_assert_cmpuint(count_records(rsrc, "unterminated-window", "migration",
                                   SMMUM_QT_EDU_SID), ==, 1);
    g_assert_cmpuint(count_records(rsrc, "tear", NULL, SMMUM_QT_EDU_SID),
                     ==, 0);

    /* Destination: the outstanding work is all there. */
    g_assert_cmpuint(smmum_qt_events(&dst), ==, events);
    g_assert_cmphex(smmum_qt_rd32(&dst, CMDQ_CONS), ==, cons);
    g_assert_cmphex(smmum_qt_rd32(&dst, GERROR) ^
                    smmum_qt_rd32(&dst, GERRORN), ==, GERROR_CMDQ_ERR);
    /* The guest consumes the events... */
    smmum_qt_pop_event(&dst, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_C_BAD_STE);
    g_assert_cmphex(ev[0] >> 32, ==, SMMUM_QT_EDU_SID);
    g_assert_cmphex(ev[2], ==, S1_VA);
    while (smmum_qt_events(&dst)) {
        smmum_qt_pop_event(&dst, ev);
    }
    /* ... replaces the illegal command by a SYNC, acknowledges GERROR: */
    /* the queue restarts and the SYNC completes the pending CFGI. */
    qtest_writeq(dst.qts, SMMUM_QT_CMDQ + (cons & 0xff) * 16,
                 SMMUM_QT_CMD_SYNC);
    qtest_writeq(dst.qts, SMMUM_QT_CMDQ + (cons & 0xff) * 16 + 8, 0);
    smmum_qt_wr32(&dst, GERRORN, smmum_qt_rd32(&dst, GERROR));
    g_assert_cmphex(smmum_qt_rd32(&dst, GERROR) ^
                    smmum_qt_rd32(&dst, GERRORN), ==, 0);
    g_assert_cmphex(smmum_qt_rd32(&dst, CMDQ_CONS) & 0xfffff, ==,
                    dst.cmdq_prod);
    /* Still invalid (the migrated table), then translating again. */
    g_assert_false(dma_works_at(&dst, S1_VA, S1_VA + 0x1000, 3));
    while (smmum_qt_events(&dst)) {
        smmum_qt_pop_event(&dst, ev);
    }
    smmum_qt_write_ste(&dst, SMMUM_QT_EDU_SID, ste);
    cfgi_after_error(&dst, SMMUM_QT_EDU_SID);
    g_assert_true(dma_works_at(&dst, S1_VA, S1_VA + 0x1000, 4));
    g_assert_cmpuint(smmum_qt_events(&dst), ==, 0);
    smmum_qt_stop(&dst);

    /* The destination judged its own windows: clean, none carried over. */
    g_assert_cmpuint(count_records(rdst, "unterminated-window", "migration",
                                   SMMUM_QT_EDU_SID), ==, 0);
    g_assert_cmpuint(count_records(rdst, "tear", NULL, SMMUM_QT_EDU_SID),
                     ==, 0);
    g_assert_cmpuint(count_records(rdst, "missing-invalidation", NULL,
                                   SMMUM_QT_EDU_SID), ==, 0);
    unlink(rsrc);
    unlink(rdst);
}

/*
 * An ATC_INV whose endpoint never completes, migrated before its SYNC:
 * the SYNC on the destination still fails with CERROR_ATC_INV_SYNC.
 * Needs the project's PCIe test device (ATS, an ATC that can fail).
 */
#define TD_DEVFN            (3 << 3)
#define TD_ATS_CTRL         (0x100 + 6)
#define CMD_ATC_INV         0x40
#define CERROR_ATC_INV_SYNC 3
#define TD_ARGS "-global arm-smmuv3-modern.ats=on " \
                "-device smmuv3-modern-testdev,addr=03.0,atc-inv-fail=on"

static void test_migrate_atc_inv(void)
{
    SmmumQt src, dst;
    uint32_t cons;

    if (!qtest_has_device("smmuv3-modern-testdev")) {
        g_test_skip("no smmuv3-modern-testdev in this QEMU");
        return;
    }
    smmum_qt_start(&src, TD_ARGS);
    smmum_qt_enable(&src, 8);
    /* ATS Enable in the device's ATS capability (ECAM). */
    qtest_writew(src.qts, src.pcibus.ecam_alloc_ptr +
                 ((uint64_t)TD_DEVFN << 12) + TD_ATS_CTRL, 0x8000);
    smmum_qt_cmd(&src, CMD_ATC_INV | ((uint64_t)TD_DEVFN << 32), 52);
    g_assert_cmphex(smmum_qt_rd32(&src, CMDQ_CONS), ==, src.cmdq_prod);

    migrate(&src, &dst, TD_ARGS);

    smmum_qt_cmd(&dst, SMMUM_QT_CMD_SYNC, 0);
    cons = smmum_qt_rd32(&dst, CMDQ_CONS);
    g_assert_cmpuint(CMDQ_CONS_ERR(cons), ==, CERROR_ATC_INV_SYNC);
    g_assert_cmphex(cons & 0xfffff, ==, (dst.cmdq_prod - 1) & 0x1ff);
    g_assert_cmphex(smmum_qt_rd32(&dst, GERROR) ^
                    smmum_qt_rd32(&dst, GERRORN), ==, GERROR_CMDQ_ERR);
    /* Acknowledged: the retried SYNC completes. */
    smmum_qt_wr32(&dst, GERRORN, smmum_qt_rd32(&dst, GERROR));
    g_assert_cmphex(smmum_qt_rd32(&dst, CMDQ_CONS) & 0xfffff, ==,
                    dst.cmdq_prod);
    smmum_qt_stop(&dst);
}

static void test_system_reset(void)
{
    uint32_t fresh[G_N_ELEMENTS(regs32)];
    SmmumQt t;

    smmum_qt_start(&t, "");
    for (int i = 0; i < G_N_ELEMENTS(regs32); i++) {
        fresh[i] = smmum_qt_rd32(&t, regs32[i]);
    }
    /* Program everything, leave an error and events outstanding. */
    smmum_qt_enable(&t, 8);
    smmum_qt_wr32(&t, IRQ_CTRL, 5);
    smmum_qt_wr32(&t, CR1, 0x15);
    smmum_qt_set_edu_ste(&t, 0);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    g_assert_false(dma_works(&t, 1));
    smmum_qt_cmd(&t, 0x7f, 0);
    g_assert_cmphex(smmum_qt_rd32(&t, GERROR), !=, 0);

    qtest_qmp_assert_success(t.qts, "{ 'execute': 'system_reset' }");
    qtest_qmp_eventwait(t.qts, "RESET");

    /* Architected reset state (as the device came up). */
    for (int i = 0; i < G_N_ELEMENTS(regs32); i++) {
        g_assert_cmphex(smmum_qt_rd32(&t, regs32[i]), ==, fresh[i]);
    }
    g_assert_cmphex(smmum_qt_rd32(&t, CR0), ==, 0);
    g_assert_cmphex(smmum_qt_rd32(&t, CR0ACK), ==, 0);
    g_assert_cmphex(smmum_qt_rd32(&t, GERROR), ==, 0);

    /* The PCI device was reset too: enable it again, then the SMMU. */
    qpci_device_enable(t.edu);
    qpci_iounmap(t.edu, t.edu_bar);
    t.edu_bar = qpci_iomap(t.edu, 0, NULL);
    smmum_qt_enable(&t, 8);
    g_assert_false(dma_works(&t, 2));      /* STE of a zeroed table */
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    g_assert_true(dma_works(&t, 3));
    g_assert_cmphex(smmum_qt_rd32(&t, GERROR) ^
                    smmum_qt_rd32(&t, GERRORN), ==, 0);
    smmum_qt_stop(&t);
}

/*
 * A system reset reloads ROM images (here a generic loader's blob of
 * 0xff bytes) over guest RAM before the devices' exit phase.  A CD the
 * guest wrote over such an image, live when the reset comes, must be
 * judged against the memory the guest left, not the reloaded image: no
 * tear, no unterminated window for it.  In store mode the reload must
 * also meet no watch overlay (it would skip the watched CD page).
 */
static void rom_reload(const char *mode)
{
    g_autofree char *report = report_file();
    g_autofree char *blob = NULL;
    g_autofree char *args = NULL;
    uint8_t ones[4096];
    uint64_t ste[8], root;
    SmmumQtx x;
    SmmumQt t;
    int fd;

    memset(ones, 0xff, sizeof(ones));
    fd = g_file_open_tmp("smmum-rom-XXXXXX.bin", &blob, NULL);
    g_assert(fd >= 0);
    g_assert_cmpint(write(fd, ones, sizeof(ones)), ==, sizeof(ones));
    close(fd);
    args = g_strdup_printf("-device loader,file=%s,addr=0x%" PRIx64
                           ",force-raw=on "
                           "-global arm-smmuv3-modern.tear-check=%s "
                           "-global arm-smmuv3-modern.tear-report=%s",
                           blob, (uint64_t)SMMUM_QTX_CD, mode, report);
    smmum_qt_start(&t, args);
    g_assert_cmphex(qtest_readq(t.qts, SMMUM_QTX_CD), ==, UINT64_MAX);
    smmum_qt_enable(&t, 8);
    smmum_qtx_init(&x, &t);
    root = smmum_qtx_alloc(&x);
    smmum_qtx_map(&x, root, 3, S1_VA, src_pa, SMMUM_QTX_S1_RW);
    smmum_qtx_map(&x, root, 3, S1_VA + 0x1000, dst_pa, SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&x, SMMUM_QTX_CD, smmum_qtx_cd_w0(9, true), root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&x, ste);
    g_assert_true(dma_works_at(&t, S1_VA, S1_VA + 0x1000, 1));

    qtest_qmp_assert_success(t.qts, "{ 'execute': 'system_reset' }");
    qtest_qmp_eventwait(t.qts, "RESET");
    /* The image is back... */
    g_assert_cmphex(qtest_readq(t.qts, SMMUM_QTX_CD), ==, UINT64_MAX);
    smmum_qt_stop(&t);
    /* ... and the checker did not take it for a store of the guest. */
    g_assert_cmpuint(count_view_records(report, "tear", NULL, NULL, -1), ==,
                     0);
    g_assert_cmpuint(count_view_records(report, "unterminated-window", NULL,
                                        "cd", -1), ==, 0);
    unlink(report);
    unlink(blob);
}

static void test_reset_rom_reload(void)
{
    rom_reload("sync");
}

static void test_reset_rom_reload_store(void)
{
    rom_reload("store");
}

/*
 * Not migration, but the same machine: tables pointing at the SMMU's own
 * registers (re-entrancy) or at unassigned space answer with fetch
 * aborts and the emulator keeps running.
 */
#define EVT_F_STE_FETCH 0x03
#define CERROR_ABT      2
#define UNASSIGNED      0x20000000000ULL    /* 2 TiB: inside OAS, no device */

static void test_tables_in_mmio(void)
{
    uint64_t ev[4];
    SmmumQt t;

    smmum_qt_start(&t, "");
    smmum_qt_enable(&t, 8);
    /* The stream table is the SMMU's own register frame. */
    smmum_qt_wr32(&t, CR0, 0xc);
    smmum_qt_wr64(&t, STRTAB_BASE, SMMUM_QT_BASE);
    smmum_qt_wr32(&t, CR0, 0xd);
    g_assert_false(dma_works(&t, 1));
    g_assert_cmpuint(smmum_qt_events(&t), >=, 1);
    smmum_qt_pop_event(&t, ev);
    /* Outside a register access the frame reads as registers: IDR0 */
    /* decodes as an ILLEGAL STE.  Either way the stream is refused. */
    g_assert_true((ev[0] & 0xff) == EVT_F_STE_FETCH ||
                  (ev[0] & 0xff) == EVT_C_BAD_STE);
    g_assert_cmphex(ev[0] >> 32, ==, SMMUM_QT_EDU_SID);
    /* Unassigned space. */
    smmum_qt_wr32(&t, CR0, 0xc);
    smmum_qt_wr64(&t, STRTAB_BASE, UNASSIGNED);
    smmum_qt_wr32(&t, CR0, 0xd);
    /* A base change flushes nothing: drop the STE cached from above. */
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    while (smmum_qt_events(&t)) {
        smmum_qt_pop_event(&t, ev);
    }
    g_assert_false(dma_works(&t, 2));
    smmum_qt_pop_event(&t, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_F_STE_FETCH);
    /* The command queue in the SMMU's own frame: CERROR_ABT. */
    smmum_qt_wr32(&t, CR0, 0x4);
    smmum_qt_wr64(&t, CMDQ_BASE, SMMUM_QT_BASE | 8);
    smmum_qt_wr32(&t, CR0, 0xc);
    smmum_qt_wr32(&t, CMDQ_PROD, 1);
    g_assert_cmphex(smmum_qt_rd32(&t, GERROR) ^ smmum_qt_rd32(&t, GERRORN),
                    ==, GERROR_CMDQ_ERR);
    g_assert_cmpuint(CMDQ_CONS_ERR(smmum_qt_rd32(&t, CMDQ_CONS)), ==,
                     CERROR_ABT);
    /* Valid programming afterwards works. */
    smmum_qt_wr32(&t, CR0, 0);
    smmum_qt_wr32(&t, GERRORN, smmum_qt_rd32(&t, GERROR));
    smmum_qt_enable(&t, 8);
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    g_assert_true(dma_works(&t, 3));
    smmum_qt_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/smmuv3-modern/migration/round-trip", test_migrate);
    qtest_add_func("/smmuv3-modern/migration/work-outstanding",
                   test_migrate_outstanding);
    qtest_add_func("/smmuv3-modern/migration/atc-inv-failed",
                   test_migrate_atc_inv);
    qtest_add_func("/smmuv3-modern/reset/system-reset", test_system_reset);
    qtest_add_func("/smmuv3-modern/reset/rom-reload", test_reset_rom_reload);
    qtest_add_func("/smmuv3-modern/reset/rom-reload-store",
                   test_reset_rom_reload_store);
    qtest_add_func("/smmuv3-modern/robust/tables-in-mmio",
                   test_tables_in_mmio);
    return g_test_run();
}
