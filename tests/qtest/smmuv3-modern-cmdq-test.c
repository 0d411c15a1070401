/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: the command queue, the event queue, MSIs, GERROR
 * and stream table entries, driven through MMIO and guest memory with the
 * edu device as DMA master (StreamID 0x10).
 */
#include "qemu/osdep.h"
#include "smmum-qtest-util.h"

#define CMDQ_CONS       0x9c
#define GERROR          0x60
#define GERRORN         0x64
#define GERROR_IRQ_CFG0 0x68
#define GERROR_IRQ_CFG1 0x70
#define IRQ_CTRL        0x50
#define IRQ_CTRLACK     0x54
#define EVENTQ_IRQ_CFG0 0xb0
#define EVENTQ_IRQ_CFG1 0xb8

#define GERROR_CMDQ_ERR 1u
#define IRQ_CTRL_GERROR (1u << 0)
#define IRQ_CTRL_EVTQ   (1u << 2)

#define CMD_SYNC        SMMUM_QT_CMD_SYNC
#define SYNC_CS_IRQ     (1ULL << 12)

#define EVT_C_BAD_STREAMID  0x02
#define EVT_C_BAD_STE       0x04


static const uint64_t src = SMMUM_QT_RAM + 0x100000;
static const uint64_t dst = SMMUM_QT_RAM + 0x200000;

/* Copy 64 bytes src -> edu -> dst; true when dst now holds the pattern. */
static bool dma_roundtrip(SmmumQt *t)
{
    uint8_t pattern[64], marker[64], out[64];

    for (int i = 0; i < 64; i++) {
        pattern[i] = i * 3 + 5;
    }
    memset(marker, 0x5a, sizeof(marker));
    qtest_memwrite(t->qts, src, pattern, sizeof(pattern));
    qtest_memwrite(t->qts, dst, marker, sizeof(marker));
    smmum_qt_mem_to_edu(t, src, sizeof(pattern));
    smmum_qt_edu_to_mem(t, dst, sizeof(pattern));
    qtest_memread(t->qts, dst, out, sizeof(out));
    if (!memcmp(out, pattern, sizeof(out))) {
        return true;
    }
    g_assert(!memcmp(out, marker, sizeof(out)));     /* nothing half-done */
    return false;
}

static void test_sync_msi(void)
{
    SmmumQt t;

    smmum_qt_start(&t, "");
    smmum_qt_enable(&t, 6);
    qtest_writel(t.qts, SMMUM_QT_MSI, 0);
    smmum_qt_cmd(&t, CMD_SYNC | SYNC_CS_IRQ | (0xcafef00dULL << 32),
                 SMMUM_QT_MSI);
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS), ==, t.cmdq_prod);
    g_assert_cmphex(qtest_readl(t.qts, SMMUM_QT_MSI), ==, 0xcafef00d);
    g_assert_cmphex(smmum_qt_rd32(&t, GERROR), ==, 0);
    smmum_qt_stop(&t);
}

/* A reserved opcode stops the queue at that command with CERROR_ILL. */
static void test_illegal_command(void)
{
    SmmumQt t;
    uint32_t cons, gerror;

    smmum_qt_start(&t, "");
    smmum_qt_enable(&t, 6);
    smmum_qt_wr64(&t, GERROR_IRQ_CFG0, SMMUM_QT_MSI + 0x40);
    smmum_qt_wr32(&t, GERROR_IRQ_CFG1, 0x1234);
    smmum_qt_wr32(&t, IRQ_CTRL, IRQ_CTRL_GERROR);
    g_assert_cmphex(smmum_qt_rd32(&t, IRQ_CTRLACK), ==, IRQ_CTRL_GERROR);
    qtest_writel(t.qts, SMMUM_QT_MSI + 0x40, 0);

    smmum_qt_sync(&t);                              /* command 0 */
    smmum_qt_cmd(&t, 0x7f, 0);                      /* command 1: reserved */
    smmum_qt_cmd(&t, CMD_SYNC | SYNC_CS_IRQ | (7ULL << 32),
                 SMMUM_QT_MSI);                     /* command 2 */
    cons = smmum_qt_rd32(&t, CMDQ_CONS);
    g_assert_cmphex(cons & 0xfffff, ==, 1);         /* stopped at it */
    g_assert_cmpuint((cons >> 24) & 0x7f, ==, 1);   /* CERROR_ILL */
    gerror = smmum_qt_rd32(&t, GERROR);
    g_assert_cmphex(gerror & GERROR_CMDQ_ERR, ==, GERROR_CMDQ_ERR);
    g_assert_cmphex(qtest_readl(t.qts, SMMUM_QT_MSI + 0x40), ==, 0x1234);

    /* Fix the command (a plain SYNC), acknowledge, and the queue resumes. */
    qtest_writeq(t.qts, SMMUM_QT_CMDQ + 16, CMD_SYNC);
    qtest_writeq(t.qts, SMMUM_QT_CMDQ + 24, 0);
    qtest_writel(t.qts, SMMUM_QT_MSI, 0);
    smmum_qt_wr32(&t, GERRORN, gerror);
    smmum_qt_wr32(&t, 0x98, t.cmdq_prod);          /* republish PROD */
    g_assert_cmphex(smmum_qt_rd32(&t, CMDQ_CONS) & 0xfffff, ==, 3);
    g_assert_cmphex(qtest_readl(t.qts, SMMUM_QT_MSI), ==, 7);
    smmum_qt_stop(&t);
}

static void test_ste_bypass(void)
{
    SmmumQt t;

    smmum_qt_start(&t, "");
    smmum_qt_enable(&t, 6);
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    g_assert_true(dma_roundtrip(&t));
    g_assert_cmpuint(smmum_qt_events(&t), ==, 0);
    smmum_qt_stop(&t);
}

static void test_ste_abort_and_bad_ste(void)
{
    SmmumQt t;
    uint64_t ev[4];

    smmum_qt_start(&t, "");
    smmum_qt_enable(&t, 6);

    /* Config=abort: terminated without an event. */
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_ABORT);
    g_assert_false(dma_roundtrip(&t));
    g_assert_cmpuint(smmum_qt_events(&t), ==, 0);

    /* V=0: C_BAD_STE naming the StreamID. */
    smmum_qt_set_edu_ste(&t, 0);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    g_assert_false(dma_roundtrip(&t));
    g_assert_cmpuint(smmum_qt_events(&t), >=, 1);
    smmum_qt_pop_event(&t, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_C_BAD_STE);
    g_assert_cmphex(ev[0] >> 32, ==, SMMUM_QT_EDU_SID);
    smmum_qt_stop(&t);
}

static void test_bad_streamid_event_msi(void)
{
    SmmumQt t;
    uint64_t ev[4];

    smmum_qt_start(&t, "");
    smmum_qt_enable(&t, 4);                 /* 16 STEs: SID 0x10 is out */
    smmum_qt_wr64(&t, EVENTQ_IRQ_CFG0, SMMUM_QT_MSI + 0x80);
    smmum_qt_wr32(&t, EVENTQ_IRQ_CFG1, 0xe0e0);
    smmum_qt_wr32(&t, IRQ_CTRL, IRQ_CTRL_EVTQ);
    qtest_writel(t.qts, SMMUM_QT_MSI + 0x80, 0);

    g_assert_false(dma_roundtrip(&t));
    smmum_qt_pop_event(&t, ev);
    g_assert_cmphex(ev[0] & 0xff, ==, EVT_C_BAD_STREAMID);
    g_assert_cmphex(ev[0] >> 32, ==, SMMUM_QT_EDU_SID);
    g_assert_cmphex(qtest_readl(t.qts, SMMUM_QT_MSI + 0x80), ==, 0xe0e0);
    smmum_qt_stop(&t);
}

/*
 * The model caches an STE until a covering CFGI: a change without one is
 * not seen (this is what catches drivers that forget an invalidation).
 */
static void test_cfgi_ste_caching(void)
{
    SmmumQt t;

    smmum_qt_start(&t, "");
    smmum_qt_enable(&t, 6);
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_ABORT);
    g_assert_false(dma_roundtrip(&t));

    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    g_assert_false(dma_roundtrip(&t));      /* the cached abort STE */
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID + 1);     /* another StreamID */
    g_assert_false(dma_roundtrip(&t));
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    g_assert_true(dma_roundtrip(&t));
    smmum_qt_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/smmuv3-modern/cmdq/sync-msi", test_sync_msi);
    qtest_add_func("/smmuv3-modern/cmdq/illegal", test_illegal_command);
    qtest_add_func("/smmuv3-modern/ste/bypass", test_ste_bypass);
    qtest_add_func("/smmuv3-modern/ste/abort-bad-ste",
                   test_ste_abort_and_bad_ste);
    qtest_add_func("/smmuv3-modern/evtq/bad-streamid-msi",
                   test_bad_streamid_event_msi);
    qtest_add_func("/smmuv3-modern/cfgi/ste-caching", test_cfgi_ste_caching);
    return g_test_run();
}
