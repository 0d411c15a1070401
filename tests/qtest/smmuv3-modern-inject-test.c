/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: fault injection through the inject-* properties,
 * armed at run time with QMP qom-set (and once with -global), against
 * DMA from edu and the command and event queues: each injection gives
 * its architected response, QEMU keeps running, and clearing it lets
 * later valid programming work.
 */
#include "qemu/osdep.h"
#include "qobject/qdict.h"
#include "smmum-qtest-util.h"
#include "smmum-qtest-xlate.h"

#define IRQ_CTRL        0x50
#define GERROR          0x60
#define GERRORN         0x64
#define GERROR_IRQ_CFG0 0x68
#define GERROR_IRQ_CFG1 0x70
#define CMDQ_CONS       0x9c
#define EVENTQ_IRQ_CFG0 0xb0
#define EVENTQ_IRQ_CFG1 0xb8
#define EVENTQ_PROD     0x100a8

#define IRQ_CTRL_GERROR     1u
#define IRQ_CTRL_EVTQ       4u
#define GERROR_CMDQ_ERR     (1u << 0)
#define GERROR_MSI_EVTQ_ABT (1u << 5)
#define GERROR_SFM_ERR      (1u << 8)
#define Q_OVFLG             (1u << 31)
#define CONS_ERR(v)         (((v) >> 24) & 0x7f)
#define CERROR_ILL          1
#define CERROR_ABT          2
#define EVT_F_STE_FETCH     0x03
#define EVT_C_BAD_STE       0x04
#define EVT_F_CD_FETCH      0x09
#define EVT_F_WALK_EABT     0x0b

#define SRC_PA  (SMMUM_QT_RAM + 0x100000)
#define DST_PA  (SMMUM_QT_RAM + 0x200000)
#define VA      0x40000000ULL

/* qom-set a string property; NULL on success, else the error (g_free). */
static char *try_set(SmmumQt *t, const char *prop, const char *val)
{
    g_autofree char *path = smmum_qt_smmu_path(t->qts);
    QDict *rsp = qtest_qmp(t->qts, "{ 'execute': 'qom-set', 'arguments': "
                           "{ 'path': %s, 'property': %s, 'value': %s } }",
                           path, prop, val);
    char *err = NULL;

    if (qdict_haskey(rsp, "error")) {
        err = g_strdup(qdict_get_str(qdict_get_qdict(rsp, "error"), "desc"));
    }
    qobject_unref(rsp);
    return err;
}

static void set(SmmumQt *t, const char *prop, const char *val)
{
    g_autofree char *err = try_set(t, prop, val);

    g_assert_null(err);
}

static void set_sfm(SmmumQt *t, bool on)
{
    g_autofree char *path = smmum_qt_smmu_path(t->qts);

    qtest_qmp_assert_success(t->qts, "{ 'execute': 'qom-set', 'arguments':"
                             " { 'path': %s, 'property': 'inject-sfm',"
                             "   'value': %i } }", path, on);
}

static char *get(SmmumQt *t, const char *prop)
{
    g_autofree char *path = smmum_qt_smmu_path(t->qts);
    QDict *rsp = qtest_qmp(t->qts, "{ 'execute': 'qom-get', 'arguments': "
                           "{ 'path': %s, 'property': %s } }", path, prop);
    char *v = g_strdup(qdict_get_str(rsp, "return"));

    qobject_unref(rsp);
    return v;
}

static uint64_t fired(SmmumQt *t)
{
    g_autofree char *path = smmum_qt_smmu_path(t->qts);
    QDict *rsp = qtest_qmp(t->qts, "{ 'execute': 'qom-get', 'arguments': "
                           "{ 'path': %s, 'property': 'inject-fired' } }",
                           path);
    uint64_t v = qdict_get_int(rsp, "return");

    qobject_unref(rsp);
    return v;
}

static uint32_t gerror_active(SmmumQt *t)
{
    return smmum_qt_rd32(t, GERROR) ^ smmum_qt_rd32(t, GERRORN);
}

/*
 * edu copies 64 bytes from SRC_PA (at IOVA iova) to DST_PA (at IOVA
 * iova + 0x1000, or DST_PA itself when iova is SRC_PA) through the SMMU;
 * true when they arrived.
 */
static bool dma_ok(SmmumQt *t, uint64_t iova, uint8_t seed)
{
    uint64_t dst = iova == SRC_PA ? DST_PA : iova + 0x1000;
    uint8_t pattern[64], out[64];

    for (int i = 0; i < sizeof(pattern); i++) {
        pattern[i] = seed ^ (i * 7);
    }
    qtest_memwrite(t->qts, SRC_PA, pattern, sizeof(pattern));
    qtest_memset(t->qts, DST_PA, 0x5a, sizeof(out));
    smmum_qt_mem_to_edu(t, iova, sizeof(pattern));
    smmum_qt_edu_to_mem(t, dst, sizeof(pattern));
    qtest_memread(t->qts, DST_PA, out, sizeof(out));
    return !memcmp(out, pattern, sizeof(out));
}

static void start(SmmumQt *t, const char *extra)
{
    smmum_qt_start(t, extra);
    smmum_qt_enable(t, 8);
    smmum_qt_set_edu_ste(t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(t, SMMUM_QT_EDU_SID);
}

/* A property value that does not parse: an error naming it, no change. */
static void test_bad_spec(void)
{
    static const char *const bad[][2] = {
        { "inject-fetch", "stee" },
        { "inject-cerror", "ill:op=0x1000" },
        { "inject-sync", "late" },
        { "inject-evtq-overflow", "on:bogus=1" },
        { "inject-msi-abort", "priq" },
    };
    g_autofree char *out = NULL;
    SmmumQt t;
    int rc;

    start(&t, "");
    for (int i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *err = try_set(&t, bad[i][0], bad[i][1]);
        g_autofree char *val = get(&t, bad[i][0]);

        g_assert_nonnull(err);
        g_assert_nonnull(strstr(err, bad[i][0]));
        g_assert_cmpstr(val, ==, "off");
    }
    set(&t, "inject-fetch", "ste:sid=16:every=2");
    g_free(out);
    out = get(&t, "inject-fetch");
    g_assert_cmpstr(out, ==, "ste:sid=16:every=2");
    g_assert_true(dma_ok(&t, SRC_PA, 1));
    smmum_qt_stop(&t);

    /* At start-up: QEMU refuses to start, naming the property. */
    g_free(out);
    out = NULL;
    rc = smmum_qt_run_fail("-M virt,iommu=smmuv3-modern -global "
                           "arm-smmuv3-modern.inject-sync=sometimes", &out);
    g_assert_cmpint(rc, !=, 0);
    g_assert_nonnull(strstr(out, "inject-sync"));
}

/* STE fetch aborts for edu's StreamID, then cleared. */
static void test_fetch_ste(void)
{
    uint64_t ev[4];
    SmmumQt t;

    start(&t, "");
    g_assert_true(dma_ok(&t, SRC_PA, 1));
    set(&t, "inject-fetch", "ste:sid=16");
    g_assert_false(dma_ok(&t, SRC_PA, 2));
    g_assert_cmpuint(smmum_qt_events(&t), >=, 1);
    smmum_qt_pop_event(&t, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_F_STE_FETCH);
    g_assert_cmphex(ev[0] >> 32, ==, SMMUM_QT_EDU_SID);
    g_assert_cmphex(ev[2], ==, SRC_PA);
    g_assert_cmphex(ev[3], ==, SMMUM_QT_STRTAB + SMMUM_QT_EDU_SID * 64);
    g_assert_cmpuint(fired(&t), >=, 1);
    while (smmum_qt_events(&t)) {
        smmum_qt_pop_event(&t, ev);
    }
    set(&t, "inject-fetch", "off");
    g_assert_true(dma_ok(&t, SRC_PA, 3));
    g_assert_cmpuint(smmum_qt_events(&t), ==, 0);
    g_assert_cmphex(gerror_active(&t), ==, 0);
    smmum_qt_stop(&t);
}

/* Stage 1 for edu: CD and walk aborts. */
static void test_fetch_cd_walk(void)
{
    uint64_t ste[8], ev[4], root;
    SmmumQtx x;
    SmmumQt t;

    start(&t, "");
    smmum_qtx_init(&x, &t);
    root = smmum_qtx_alloc(&x);
    smmum_qtx_map(&x, root, 3, VA, SRC_PA, SMMUM_QTX_S1_RW);
    smmum_qtx_map(&x, root, 3, VA + 0x1000, DST_PA, SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&x, SMMUM_QTX_CD, smmum_qtx_cd_w0(3, true), root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&x, ste);
    g_assert_true(dma_ok(&t, VA, 1));

    set(&t, "inject-fetch", "cd:count=1");
    g_assert_false(dma_ok(&t, VA, 2));
    smmum_qt_pop_event(&t, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_F_CD_FETCH);
    g_assert_cmphex(ev[3], ==, SMMUM_QTX_CD);
    while (smmum_qt_events(&t)) {
        smmum_qt_pop_event(&t, ev);
    }
    g_assert_true(dma_ok(&t, VA, 3));           /* count=1 spent */

    set(&t, "inject-fetch", "walk:sid=16");
    g_assert_false(dma_ok(&t, VA, 4));
    smmum_qt_pop_event(&t, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_F_WALK_EABT);
    g_assert_cmphex(ev[0] >> 32, ==, SMMUM_QT_EDU_SID);
    g_assert_cmphex(ev[2], ==, VA);
    /* The level-1 descriptor (index 1) of the table: the first read. */
    g_assert_cmphex(ev[3], ==, root + 8);
    while (smmum_qt_events(&t)) {
        smmum_qt_pop_event(&t, ev);
    }
    set(&t, "inject-fetch", "");
    g_assert_true(dma_ok(&t, VA, 5));
    g_assert_cmpuint(smmum_qt_events(&t), ==, 0);
    smmum_qt_stop(&t);
}

/* CERROR on a chosen command, set with -global and with qom-set. */
static void test_cerror(void)
{
    uint32_t cons;
    SmmumQt t;

    /* -global: the very first command of the driver fails. */
    smmum_qt_start(&t, "-global arm-smmuv3-modern.inject-cerror=abt:count=1");
    smmum_qt_enable(&t, 8);
    smmum_qt_cmd(&t, SMMUM_QT_CMD_SYNC, 0);
    cons = smmum_qt_rd32(&t, CMDQ_CONS);
    g_assert_cmpuint(CONS_ERR(cons), ==, CERROR_ABT);
    g_assert_cmphex(cons & 0xfffff, ==, 0);
    g_assert_cmphex(gerror_active(&t), ==, GERROR_CMDQ_ERR);
    smmum_qt_wr32(&t, GERRORN, smmum_qt_rd32(&t, GERROR));
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS) & 0xfffff, ==, 1);

    /* qom-set: the second CMD_SYNC from now fails with CERROR_ILL. */
    set(&t, "inject-cerror", "ill:op=0x46:nth=2");
    smmum_qt_cmd(&t, SMMUM_QT_CMD_SYNC, 0);
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS) & 0xfffff, ==, 2);
    smmum_qt_cmd(&t, SMMUM_QT_CMD_CFGI_STE |
                 ((uint64_t)SMMUM_QT_EDU_SID << 32), 1);
    smmum_qt_cmd(&t, SMMUM_QT_CMD_SYNC, 0);
    cons = smmum_qt_rd32(&t, CMDQ_CONS);
    g_assert_cmpuint(CONS_ERR(cons), ==, CERROR_ILL);
    g_assert_cmphex(cons & 0xfffff, ==, 3);     /* on the SYNC */
    g_assert_cmphex(gerror_active(&t), ==, GERROR_CMDQ_ERR);
    /* The driver acknowledges; the SYNC is retried and completes. */
    smmum_qt_wr32(&t, GERRORN, smmum_qt_rd32(&t, GERROR));
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS) & 0xfffff, ==, 4);
    g_assert_cmphex(gerror_active(&t), ==, 0);
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cmd(&t, SMMUM_QT_CMD_CFGI_STE |
                 ((uint64_t)SMMUM_QT_EDU_SID << 32), 1);
    smmum_qt_cmd(&t, SMMUM_QT_CMD_SYNC, 0);
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS) & 0xfffff, ==, 6);
    g_assert_true(dma_ok(&t, SRC_PA, 1));
    smmum_qt_stop(&t);
}

/* CMD_SYNC late by virtual time, late by accesses, and never. */
static void test_sync(void)
{
    uint32_t prod;
    SmmumQt t;

    start(&t, "");
    prod = t.cmdq_prod;
    set(&t, "inject-sync", "late:ns=5000000");
    smmum_qt_cmd(&t, SMMUM_QT_CMD_SYNC, 0);
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS), ==, prod);
    qtest_clock_step(t.qts, 4000000);
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS), ==, prod);
    qtest_clock_step(t.qts, 1000000);
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS), ==, t.cmdq_prod);

    set(&t, "inject-sync", "late:accesses=4");
    prod = t.cmdq_prod;
    smmum_qt_cmd(&t, SMMUM_QT_CMD_SYNC, 0);
    for (int i = 0; i < 3; i++) {
        g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS), ==, prod);
    }
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS), ==, t.cmdq_prod);

    set(&t, "inject-sync", "never");
    prod = t.cmdq_prod;
    smmum_qt_cmd(&t, SMMUM_QT_CMD_SYNC, 0);
    smmum_qt_cmd(&t, SMMUM_QT_CMD_CFGI_STE |
                 ((uint64_t)SMMUM_QT_EDU_SID << 32), 1);
    qtest_clock_step(t.qts, 10ULL * 1000 * 1000 * 1000);
    for (int i = 0; i < 100; i++) {
        g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS), ==, prod);
    }
    g_assert_cmphex(gerror_active(&t), ==, 0);
    /* Cleared: the SYNC completes and the queue drains. */
    set(&t, "inject-sync", "off");
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS), ==, t.cmdq_prod);
    smmum_qt_sync(&t);
    g_assert_true(dma_ok(&t, SRC_PA, 1));
    smmum_qt_stop(&t);
}

/* An event lost as on overflow: EVENTQ_PROD.OVFLG, no record. */
static void test_evtq_overflow(void)
{
    uint32_t prod;
    uint64_t ev[4];
    SmmumQt t;

    start(&t, "");
    smmum_qt_set_edu_ste(&t, 0);                /* V=0: C_BAD_STE */
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    set(&t, "inject-evtq-overflow", "on:type=0x04");
    prod = smmum_qt_rd32(&t, EVENTQ_PROD);
    g_assert_false(dma_ok(&t, SRC_PA, 1));
    g_assert_cmpuint(smmum_qt_events(&t), ==, 0);
    g_assert_cmphex(smmum_qt_rd32(&t, EVENTQ_PROD), ==, prod ^ Q_OVFLG);
    g_assert_cmphex(gerror_active(&t), ==, 0);
    set(&t, "inject-evtq-overflow", "off");
    g_assert_false(dma_ok(&t, SRC_PA, 2));
    g_assert_cmpuint(smmum_qt_events(&t), >=, 1);
    smmum_qt_pop_event(&t, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_C_BAD_STE);
    smmum_qt_stop(&t);
}

/* The event queue's MSI aborts: GERROR.MSI_EVTQ_ABT_ERR, nothing lands. */
static void test_msi_abort(void)
{
    uint64_t ev[4];
    SmmumQt t;

    start(&t, "");
    qtest_writel(t.qts, SMMUM_QT_MSI, 0);
    smmum_qt_wr64(&t, EVENTQ_IRQ_CFG0, SMMUM_QT_MSI);
    smmum_qt_wr32(&t, EVENTQ_IRQ_CFG1, 0xabcd);
    smmum_qt_wr32(&t, IRQ_CTRL, IRQ_CTRL_EVTQ);
    smmum_qt_set_edu_ste(&t, 0);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    set(&t, "inject-msi-abort", "evtq");
    g_assert_false(dma_ok(&t, SRC_PA, 1));
    g_assert_cmpuint(smmum_qt_events(&t), >=, 1);   /* record written */
    g_assert_cmphex(qtest_readl(t.qts, SMMUM_QT_MSI), ==, 0);
    g_assert_cmphex(gerror_active(&t), ==, GERROR_MSI_EVTQ_ABT);
    while (smmum_qt_events(&t)) {
        smmum_qt_pop_event(&t, ev);
    }
    smmum_qt_wr32(&t, GERRORN, smmum_qt_rd32(&t, GERROR));
    set(&t, "inject-msi-abort", "off");
    g_assert_false(dma_ok(&t, SRC_PA, 2));
    g_assert_cmphex(qtest_readl(t.qts, SMMUM_QT_MSI), ==, 0xabcd);
    g_assert_cmphex(gerror_active(&t), ==, 0);
    smmum_qt_stop(&t);
}

/* Service failure mode at run time and across system_reset. */
static void test_sfm(void)
{
    uint32_t evprod, cons;
    SmmumQt t;

    start(&t, "");
    g_assert_true(dma_ok(&t, SRC_PA, 1));
    set_sfm(&t, true);
    g_assert_cmphex(gerror_active(&t), ==, GERROR_SFM_ERR);
    evprod = smmum_qt_rd32(&t, EVENTQ_PROD);
    cons = smmum_qt_rd32(&t, CMDQ_CONS);
    /* Terminated without a record; no command consumed. */
    g_assert_false(dma_ok(&t, SRC_PA, 2));
    g_assert_cmphex(smmum_qt_rd32(&t, EVENTQ_PROD), ==, evprod);
    smmum_qt_cmd(&t, SMMUM_QT_CMD_SYNC, 0);
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS), ==, cons);
    /* Linux's answer: acknowledge and disable the SMMU. */
    smmum_qt_wr32(&t, GERRORN, smmum_qt_rd32(&t, GERROR));
    smmum_qt_wr32(&t, 0x20, 0);
    g_assert_cmphex(smmum_qt_rd32(&t, 0x24), ==, 0);
    /* A reset does not repair it. */
    qtest_qmp_assert_success(t.qts, "{ 'execute': 'system_reset' }");
    qtest_qmp_eventwait(t.qts, "RESET");
    g_assert_cmphex(gerror_active(&t), ==, GERROR_SFM_ERR);
    /* Cleared: programming from reset works. */
    set_sfm(&t, false);
    smmum_qt_wr32(&t, GERRORN, smmum_qt_rd32(&t, GERROR));
    qpci_device_enable(t.edu);
    qpci_iounmap(t.edu, t.edu_bar);
    t.edu_bar = qpci_iomap(t.edu, 0, NULL);
    smmum_qt_enable(&t, 8);
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    g_assert_true(dma_ok(&t, SRC_PA, 3));
    g_assert_cmphex(gerror_active(&t), ==, 0);
    smmum_qt_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/smmuv3-modern/inject/bad-spec", test_bad_spec);
    qtest_add_func("/smmuv3-modern/inject/fetch-ste", test_fetch_ste);
    qtest_add_func("/smmuv3-modern/inject/fetch-cd-walk", test_fetch_cd_walk);
    qtest_add_func("/smmuv3-modern/inject/cerror", test_cerror);
    qtest_add_func("/smmuv3-modern/inject/sync", test_sync);
    qtest_add_func("/smmuv3-modern/inject/evtq-overflow", test_evtq_overflow);
    qtest_add_func("/smmuv3-modern/inject/msi-abort", test_msi_abort);
    qtest_add_func("/smmuv3-modern/inject/sfm", test_sfm);
    return g_test_run();
}
