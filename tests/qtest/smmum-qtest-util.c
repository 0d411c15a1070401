/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: shared helpers.
 */
#include "qemu/osdep.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "smmum-qtest-util.h"

void smmum_qt_start(SmmumQt *t, const char *extra)
{
    smmum_qt_start_iommu(t, "smmuv3-modern", extra);
}

void smmum_qt_start_iommu(SmmumQt *t, const char *iommu, const char *extra)
{
    memset(t, 0, sizeof(*t));
    t->qts = qtest_initf("-M virt,iommu=%s,gic-version=3 "
                         "-cpu max -m 512M -nic none "
                         "-device edu,addr=02.0,dma_mask=0xffffffffffffffff "
                         "%s", iommu, extra);
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

char *smmum_qt_smmu_path(QTestState *qts)
{
    QDict *rsp = qtest_qmp(qts, "{ 'execute': 'qom-list', 'arguments': "
                           "{ 'path': '/machine/unattached' } }");
    QList *list = qdict_get_qlist(rsp, "return");
    char *path = NULL;
    QListEntry *e;

    QLIST_FOREACH_ENTRY(list, e) {
        QDict *prop = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(prop, "type"),
                    "child<arm-smmuv3-modern>")) {
            path = g_strdup_printf("/machine/unattached/%s",
                                   qdict_get_str(prop, "name"));
        }
    }
    qobject_unref(rsp);
    g_assert(path);
    return path;
}

/* ---- a minimal driver ---- */

#define REG_CR0             0x20
#define REG_CR0ACK          0x24
#define REG_CR2             0x2c
#define CR2_RECINVSID       (1u << 1)
#define REG_STRTAB_BASE     0x80
#define REG_STRTAB_BASE_CFG 0x88
#define REG_CMDQ_BASE       0x90
#define REG_CMDQ_PROD       0x98
#define REG_CMDQ_CONS       0x9c
#define REG_EVENTQ_BASE     0xa0
#define REG_EVENTQ_PROD     0x100a8
#define REG_EVENTQ_CONS     0x100ac
#define CR0_SMMUEN          (1u << 0)
#define CR0_EVTQEN          (1u << 2)
#define CR0_CMDQEN          (1u << 3)
#define Q_IDX_MASK          ((1u << SMMUM_QT_Q_LOG2) - 1)
#define Q_WRAP_IDX_MASK     ((2u << SMMUM_QT_Q_LOG2) - 1)

void smmum_qt_enable(SmmumQt *t, unsigned strtab_log2)
{
    uint8_t zero[4096] = { 0 };
    uint32_t en = CR0_CMDQEN | CR0_EVTQEN;

    for (uint64_t off = 0; off < (64ULL << strtab_log2); off += 4096) {
        qtest_memwrite(t->qts, SMMUM_QT_STRTAB + off, zero, sizeof(zero));
    }
    smmum_qt_wr64(t, REG_STRTAB_BASE, SMMUM_QT_STRTAB);
    smmum_qt_wr32(t, REG_STRTAB_BASE_CFG, strtab_log2);     /* linear */
    smmum_qt_wr64(t, REG_CMDQ_BASE, SMMUM_QT_CMDQ | SMMUM_QT_Q_LOG2);
    smmum_qt_wr32(t, REG_CMDQ_PROD, 0);
    smmum_qt_wr32(t, REG_CMDQ_CONS, 0);
    smmum_qt_wr64(t, REG_EVENTQ_BASE, SMMUM_QT_EVTQ | SMMUM_QT_Q_LOG2);
    smmum_qt_wr32(t, REG_EVENTQ_PROD, 0);
    smmum_qt_wr32(t, REG_EVENTQ_CONS, 0);
    t->cmdq_prod = 0;
    smmum_qt_wr32(t, REG_CR2, CR2_RECINVSID);      /* as Linux does */
    smmum_qt_wr32(t, REG_CR0, en);
    g_assert_cmphex(smmum_qt_rd32(t, REG_CR0ACK), ==, en);
    smmum_qt_wr32(t, REG_CR0, en | CR0_SMMUEN);
    g_assert_cmphex(smmum_qt_rd32(t, REG_CR0ACK), ==, en | CR0_SMMUEN);
}

void smmum_qt_write_ste(SmmumQt *t, uint32_t sid, const uint64_t ste[8])
{
    for (int i = 0; i < 8; i++) {
        qtest_writeq(t->qts, SMMUM_QT_STRTAB + sid * 64ULL + i * 8, ste[i]);
    }
}

void smmum_qt_set_edu_ste(SmmumQt *t, uint64_t w0)
{
    uint64_t ste[8] = { w0 };

    smmum_qt_write_ste(t, SMMUM_QT_EDU_SID, ste);
}

void smmum_qt_cfgi_ste(SmmumQt *t, uint32_t sid)
{
    smmum_qt_cmd(t, SMMUM_QT_CMD_CFGI_STE | ((uint64_t)sid << 32), 1);
    smmum_qt_sync(t);
}

void smmum_qt_cmd(SmmumQt *t, uint64_t w0, uint64_t w1)
{
    uint64_t slot = SMMUM_QT_CMDQ + (t->cmdq_prod & Q_IDX_MASK) * 16ULL;

    qtest_writeq(t->qts, slot, w0);
    qtest_writeq(t->qts, slot + 8, w1);
    t->cmdq_prod = (t->cmdq_prod + 1) & Q_WRAP_IDX_MASK;
    smmum_qt_wr32(t, REG_CMDQ_PROD, t->cmdq_prod);
}

void smmum_qt_sync(SmmumQt *t)
{
    smmum_qt_cmd(t, SMMUM_QT_CMD_SYNC, 0);
    g_assert_cmphex(smmum_qt_rd32(t, REG_CMDQ_CONS), ==, t->cmdq_prod);
}

unsigned smmum_qt_events(SmmumQt *t)
{
    uint32_t prod = smmum_qt_rd32(t, REG_EVENTQ_PROD) & Q_WRAP_IDX_MASK;
    uint32_t cons = smmum_qt_rd32(t, REG_EVENTQ_CONS) & Q_WRAP_IDX_MASK;

    return (prod - cons) & Q_WRAP_IDX_MASK;
}

void smmum_qt_pop_event(SmmumQt *t, uint64_t ev[4])
{
    uint32_t cons = smmum_qt_rd32(t, REG_EVENTQ_CONS) & Q_WRAP_IDX_MASK;
    uint64_t slot = SMMUM_QT_EVTQ + (cons & Q_IDX_MASK) * 32ULL;

    g_assert_cmpuint(smmum_qt_events(t), >, 0);
    for (int i = 0; i < 4; i++) {
        ev[i] = qtest_readq(t->qts, slot + i * 8);
    }
    smmum_qt_wr32(t, REG_EVENTQ_CONS, (cons + 1) & Q_WRAP_IDX_MASK);
}
