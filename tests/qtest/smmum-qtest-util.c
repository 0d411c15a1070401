/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: shared helpers.
 */
#include "qemu/osdep.h"
#include "smmum-qtest-util.h"

void smmum_qt_start(SmmumQt *t, const char *extra)
{
    memset(t, 0, sizeof(*t));
    t->qts = qtest_initf("-M virt,iommu=smmuv3-modern,gic-version=3 "
                         "-cpu max -m 512M "
                         "-device edu,addr=02.0,dma_mask=0xffffffffffffffff "
                         "%s", extra);
    qpci_init_generic(&t->pcibus, t->qts, NULL, false);
    t->edu = qpci_device_find(&t->pcibus.bus, SMMUM_QT_EDU_DEVFN);
    g_assert(t->edu);
    qpci_device_enable(t->edu);
    t->edu_bar = qpci_iomap(t->edu, 0, NULL);
}

void smmum_qt_stop(SmmumQt *t)
{
    qpci_iounmap(t->edu, t->edu_bar);
    g_free(t->edu);
    qtest_quit(t->qts);
}

uint32_t smmum_qt_rd32(SmmumQt *t, uint64_t off)
{
    return qtest_readl(t->qts, SMMUM_QT_BASE + off);
}

uint64_t smmum_qt_rd64(SmmumQt *t, uint64_t off)
{
    return qtest_readq(t->qts, SMMUM_QT_BASE + off);
}

void smmum_qt_wr32(SmmumQt *t, uint64_t off, uint32_t val)
{
    qtest_writel(t->qts, SMMUM_QT_BASE + off, val);
}

void smmum_qt_wr64(SmmumQt *t, uint64_t off, uint64_t val)
{
    qtest_writeq(t->qts, SMMUM_QT_BASE + off, val);
}

static void edu_dma(SmmumQt *t, uint64_t src, uint64_t dst, uint32_t len,
                    uint32_t dir)
{
    qpci_io_writeq(t->edu, t->edu_bar, 0x80, src);
    qpci_io_writeq(t->edu, t->edu_bar, 0x88, dst);
    qpci_io_writeq(t->edu, t->edu_bar, 0x90, len);
    qpci_io_writeq(t->edu, t->edu_bar, 0x98, 1 | (dir << 1));
    /* edu runs its transfer from a 100 ms virtual-time timer. */
    for (int i = 0; i < 10; i++) {
        qtest_clock_step(t->qts, 100 * 1000 * 1000);
        if (!(qpci_io_readq(t->edu, t->edu_bar, 0x98) & 1)) {
            return;
        }
    }
    g_assert_not_reached();
}

void smmum_qt_edu_to_mem(SmmumQt *t, uint64_t iova, uint32_t len)
{
    edu_dma(t, SMMUM_QT_EDU_BUF, iova, len, 1);
}

void smmum_qt_mem_to_edu(SmmumQt *t, uint64_t iova, uint32_t len)
{
    edu_dma(t, iova, SMMUM_QT_EDU_BUF, len, 0);
}

int smmum_qt_run_fail(const char *args, char **err)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = NULL;
    g_auto(GStrv) argv = NULL;
    int status = -1;

    g_assert(bin);
    cmd = g_strdup_printf("%s -M virt -display none -nodefaults -S "
                          "-machine accel=qtest %s", bin, args);
    g_assert(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                          NULL, NULL, NULL, err, &status, NULL));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
