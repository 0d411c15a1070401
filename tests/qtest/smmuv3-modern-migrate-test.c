/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: migration and system reset.
 *
 * Migration: program the model, leave work outstanding (an event record
 * the guest has not consumed, the command queue stopped on an error),
 * migrate to a second QEMU over a UNIX socket, and check on the
 * destination that every register reads back, the stopped queue resumes
 * once the guest fixes it up, and DMA through a bypass STE still works.
 * Reset: system_reset puts the registers back to their reset values and
 * the SMMU works after it is programmed again.
 */
#include "qemu/osdep.h"
#include "qobject/qdict.h"
#include "smmum-qtest-util.h"

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
#define STRTAB_BASE     0x80
#define STRTAB_BASE_CFG 0x88
#define CMDQ_BASE       0x90
#define CMDQ_PROD       0x98
#define CMDQ_CONS       0x9c
#define EVENTQ_BASE     0xa0
#define EVENTQ_IRQ_CFG0 0xb0
#define EVENTQ_IRQ_CFG1 0xb8
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
    EVENTQ_CONS, GERROR_IRQ_CFG0, EVENTQ_IRQ_CFG0, EVENTQ_IRQ_CFG1,
    0x0, 0x4, 0x8, 0xc, 0x14, 0x18,     /* IDR0-3, IDR5, IIDR */
};

static const uint64_t src_pa = SMMUM_QT_RAM + 0x100000;
static const uint64_t dst_pa = SMMUM_QT_RAM + 0x200000;

/* edu copies a pattern through the SMMU; true when it landed. */
static bool dma_works(SmmumQt *t, uint8_t seed)
{
    uint8_t pattern[128], out[128];

    for (int i = 0; i < sizeof(pattern); i++) {
        pattern[i] = seed + i * 3;
    }
    qtest_memwrite(t->qts, src_pa, pattern, sizeof(pattern));
    qtest_memset(t->qts, dst_pa, 0x5a, sizeof(out));
    smmum_qt_mem_to_edu(t, src_pa, sizeof(pattern));
    smmum_qt_edu_to_mem(t, dst_pa, sizeof(pattern));
    qtest_memread(t->qts, dst_pa, out, sizeof(out));
    return memcmp(out, pattern, sizeof(out)) == 0;
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

static void test_migrate(void)
{
    g_autofree char *tmp = g_dir_make_tmp("smmum-migrate-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(tmp, "mig.sock", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *incoming = g_strdup_printf("-incoming %s", uri);
    uint32_t before[G_N_ELEMENTS(regs32)];
    uint64_t ev[4];
    uint32_t cons;
    SmmumQt src, dst;
    const char *st;
    QDict *rsp;

    smmum_qt_start(&src, "");
    smmum_qt_enable(&src, 8);
    smmum_qt_wr64(&src, EVENTQ_IRQ_CFG0, SMMUM_QT_MSI);
    smmum_qt_wr32(&src, EVENTQ_IRQ_CFG1, 0x1234);

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

    /* Migrate. */
    smmum_qt_start(&dst, incoming);
    rsp = qtest_qmp(src.qts, "{ 'execute': 'migrate',"
                    "  'arguments': { 'uri': %s } }", uri);
    g_assert_true(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
    for (int i = 0; i < 6000; i++) {
        st = migrate_status(src.qts);
        if (!strcmp(st, "completed") || !strcmp(st, "failed")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    g_assert_cmpstr(migrate_status(src.qts), ==, "completed");
    qtest_qmp_eventwait(dst.qts, "RESUME");
    dst.cmdq_prod = src.cmdq_prod;
    smmum_qt_stop(&src);

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
    unlink(sock);
    rmdir(tmp);
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
    qtest_add_func("/smmuv3-modern/reset/system-reset", test_system_reset);
    qtest_add_func("/smmuv3-modern/robust/tables-in-mmio",
                   test_tables_in_mmio);
    return g_test_run();
}
