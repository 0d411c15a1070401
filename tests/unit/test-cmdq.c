/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: command queue consumption, every command and its errors,
 * CMD_SYNC completion signalling, GERROR toggling and its IRQ / MSI.
 */
#include "core-helpers.h"

static void cfg_full(SmmumConfig *cfg)
{
    smmum_config_default(cfg);
    cfg->stage1 = true;
    cfg->stage2 = true;
}

static void test_sync_signals(void)
{
    Fx f;

    fx_init(&f);
    fx_queues(&f, 4, 4);
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(f.obs.sync, ==, 1);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_CMD_SYNC], ==, 0);
    g_assert_cmpuint(rd32(&f, SMMUM_CMDQ_CONS), ==, 1);

    /* CS=IRQ without an MSI address: the wired CMD_SYNC line. */
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_IRQ), 0);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_CMD_SYNC], ==, 1);
    g_assert_cmpuint(f.mem.msis->len, ==, 0);

    /* CS=IRQ with MSIAddr: MSIData written there with MSIAttr/MSH. */
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_IRQ) | (0xdeadbeefULL << 32) |
           (0xfULL << SMMUM_SYNC_MSIATTR) | (3ULL << SMMUM_SYNC_MSH),
           MSI_PA + 0x40);
    g_assert_cmpuint(f.mem.msis->len, ==, 1);
    g_assert_cmphex(g_array_index(f.mem.msis, FakeMsi, 0).addr, ==,
                    MSI_PA + 0x40);
    g_assert_cmphex(g_array_index(f.mem.msis, FakeMsi, 0).attr, ==, 0x3f);
    g_assert_cmphex(fake_read32(&f.mem, MSI_PA + 0x40), ==, 0xdeadbeef);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_CMD_SYNC], ==, 1);

    /* CS=SEV. */
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_SEV), 0);
    g_assert_cmpuint(f.mem.sev_count, ==, 1);
    g_assert_cmpuint(f.obs.sync, ==, 4);
    g_assert_cmpuint(gerror_active(&f), ==, 0);

    /* A failing MSI: the SYNC completes, GERROR.MSI_CMDQ_ABT. */
    f.mem.msi_fail = true;
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_IRQ), MSI_PA);
    g_assert_cmpuint(f.obs.sync, ==, 5);
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_MSI_CMDQ_ABT);
    fx_destroy(&f);
}

/* Run one command that must fail with err; check the error protocol. */
static void expect_cerror(Fx *f, uint64_t d0, uint64_t d1, unsigned err)
{
    uint32_t cons0 = rd32(f, SMMUM_CMDQ_CONS) & 0xfffff;
    uint32_t gerror0 = rd32(f, SMMUM_GERROR);
    unsigned syncs = f->obs.sync;

    g_assert_cmpuint(gerror_active(f), ==, 0);
    fx_cmd(f, d0, d1);
    fx_cmd(f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);    /* must not run */
    g_assert_cmphex(rd32(f, SMMUM_CMDQ_CONS), ==,
                    cons0 | (err << SMMUM_CMDQ_CONS_ERR));
    g_assert_cmphex(gerror_active(f), ==, SMMUM_GERROR_CMDQ_ERR);
    g_assert_cmphex(rd32(f, SMMUM_GERROR), ==,
                    gerror0 ^ SMMUM_GERROR_CMDQ_ERR);
    g_assert_cmpuint(f->obs.sync, ==, syncs);

    /* Software replaces the command and acknowledges: it resumes. */
    fake_write64(&f->mem, CMDQ_BASE_PA + (cons0 & 15) * 16,
                 cmd_sync(SMMUM_SYNC_CS_NONE));
    wr32(f, SMMUM_GERRORN, rd32(f, SMMUM_GERROR));
    g_assert_cmpuint(gerror_active(f), ==, 0);
    g_assert_cmpuint(f->obs.sync, ==, syncs + 2);
    g_assert_cmpuint(rd32(f, SMMUM_CMDQ_CONS) & 0xfffff, ==,
                     (cons0 + 2) & 0x1f);
}

static void test_errors(void)
{
    SmmumConfig cfg;
    Fx f;

    /* An SMMU without translation stages. */
    smmum_config_default(&cfg);
    cfg.stage1 = cfg.stage2 = false;
    cfg.ssidsize = 0;
    cfg.cd2l = false;
    g_assert_null(smmum_config_validate(&cfg));
    fx_init_cfg(&f, &cfg);
    fx_queues(&f, 4, 4);
    expect_cerror(&f, 0x00, 0, SMMUM_CERROR_ILL);       /* reserved */
    expect_cerror(&f, 0x7f, 0, SMMUM_CERROR_ILL);
    expect_cerror(&f, cmd_sync(3), 0, SMMUM_CERROR_ILL);
    expect_cerror(&f, SMMUM_CMD_CFGI_STE | (1u << SMMUM_CMD_SSEC), 0,
                  SMMUM_CERROR_ILL);
    expect_cerror(&f, SMMUM_CMD_PREFETCH_CONFIG | (1u << SMMUM_CMD_SSEC),
                  0, SMMUM_CERROR_ILL);
    /* Stage 1 / stage 2 / Hyp TLBIs on an SMMU without them. */
    expect_cerror(&f, SMMUM_CMD_TLBI_NH_ALL, 0, SMMUM_CERROR_ILL);
    expect_cerror(&f, SMMUM_CMD_TLBI_S12_VMALL, 0, SMMUM_CERROR_ILL);
    expect_cerror(&f, SMMUM_CMD_TLBI_EL2_ALL, 0, SMMUM_CERROR_ILL);
    expect_cerror(&f, SMMUM_CMD_TLBI_EL3_ALL, 0, SMMUM_CERROR_ILL);
    expect_cerror(&f, 0x14, 0, SMMUM_CERROR_ILL);
    expect_cerror(&f, SMMUM_CMD_ATC_INV, 0, SMMUM_CERROR_ILL);
    expect_cerror(&f, SMMUM_CMD_PRI_RESP, 0, SMMUM_CERROR_ILL);
    /* No wired GERROR interrupt while IRQ_CTRL.GERROR_IRQEN=0. */
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_GERROR], ==, 0);
    /* Valid everywhere. */
    fx_cmd(&f, SMMUM_CMD_TLBI_NSNH_ALL, 0);
    fx_cmd(&f, SMMUM_CMD_RESUME, 0);
    fx_cmd(&f, SMMUM_CMD_STALL_TERM, 0);
    g_assert_cmpuint(gerror_active(&f), ==, 0);
    fx_destroy(&f);

    cfg_full(&cfg);
    cfg.ril = false;
    fx_init_cfg(&f, &cfg);
    fx_queues(&f, 4, 4);
    fx_cmd(&f, SMMUM_CMD_TLBI_NH_ALL, 0);
    fx_cmd(&f, SMMUM_CMD_TLBI_NH_ASID | (5ULL << SMMUM_TLBI_ASID), 0);
    fx_cmd(&f, SMMUM_CMD_TLBI_NH_VA, 0x1000);
    fx_cmd(&f, SMMUM_CMD_TLBI_NH_VAA, 0x1001);
    fx_cmd(&f, SMMUM_CMD_TLBI_S12_VMALL, 0);
    fx_cmd(&f, SMMUM_CMD_TLBI_S2_IPA, 0x2000);
    g_assert_cmpuint(gerror_active(&f), ==, 0);
    g_assert_cmpuint(rd32(&f, SMMUM_CMDQ_CONS), ==, 6);
    /* Range TLBI fields are RES0 without RIL: never ILLEGAL then. */
    fx_cmd(&f, SMMUM_CMD_TLBI_NH_VA, 0x1000 | (2u << SMMUM_TLBI_TG));
    g_assert_cmpuint(gerror_active(&f), ==, 0);
    fx_destroy(&f);

    cfg_full(&cfg);
    cfg.ril = true;
    fx_init_cfg(&f, &cfg);
    fx_queues(&f, 4, 4);
    /* TG without NUM/SCALE/TTL is reserved; 16K TTL=1 without DS too. */
    expect_cerror(&f, SMMUM_CMD_TLBI_NH_VA, 0x1000 | (1u << SMMUM_TLBI_TG),
                  SMMUM_CERROR_ILL);
    expect_cerror(&f, SMMUM_CMD_TLBI_NH_VA,
                  0x1000 | (2u << SMMUM_TLBI_TG) | (1u << SMMUM_TLBI_TTL),
                  SMMUM_CERROR_ILL);
    fx_cmd(&f, SMMUM_CMD_TLBI_NH_VA | (3u << SMMUM_TLBI_NUM),
           0x1000 | (1u << SMMUM_TLBI_TG));
    g_assert_cmpuint(gerror_active(&f), ==, 0);
    fx_destroy(&f);
}

static void test_abort_and_gerror_irq(void)
{
    Fx f;

    fx_init(&f);
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR);
    g_assert_cmphex(rd32(&f, SMMUM_IRQ_CTRLACK), ==, SMMUM_IRQ_CTRL_GERROR);
    fx_queues(&f, 2, 2);
    fake_mem_add_fault(&f.mem, CMDQ_BASE_PA + 16, 16);
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(f.obs.sync, ==, 1);
    g_assert_cmphex(rd32(&f, SMMUM_CMDQ_CONS), ==,
                    1 | (SMMUM_CERROR_ABT << SMMUM_CMDQ_CONS_ERR));
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_CMDQ_ERR);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_GERROR], ==, 1);
    /* More PROD writes do nothing while the error is active. */
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
    g_assert_cmpuint(f.obs.sync, ==, 1);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_GERROR], ==, 1);
    /* Acknowledging without fixing: the abort happens again. */
    wr32(&f, SMMUM_GERRORN, rd32(&f, SMMUM_GERROR));
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_CMDQ_ERR);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_GERROR], ==, 2);
    fx_destroy(&f);

    /* GERROR by MSI, and a failing GERROR MSI. */
    fx_init(&f);
    wr64(&f, SMMUM_GERROR_IRQ_CFG0, MSI_PA);
    wr32(&f, SMMUM_GERROR_IRQ_CFG1, 0x77);
    wr32(&f, SMMUM_GERROR_IRQ_CFG2, 0x1f);
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR);
    /* IRQ_CFG registers are guarded by their enable. */
    wr64(&f, SMMUM_GERROR_IRQ_CFG0, MSI_PA + 0x100);
    g_assert_cmphex(smmum_mmio_read(&f.core, SMMUM_GERROR_IRQ_CFG0, 8), ==,
                    MSI_PA);
    fx_queues(&f, 2, 2);
    fx_cmd(&f, 0x7f, 0);
    g_assert_cmpuint(f.mem.msis->len, ==, 1);
    g_assert_cmphex(fake_read32(&f.mem, MSI_PA), ==, 0x77);
    g_assert_cmphex(g_array_index(f.mem.msis, FakeMsi, 0).attr, ==, 0x1f);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_GERROR], ==, 0);
    f.mem.msi_fail = true;
    wr32(&f, SMMUM_GERRORN, rd32(&f, SMMUM_GERROR));   /* fails again */
    g_assert_cmphex(gerror_active(&f), ==,
                    SMMUM_GERROR_CMDQ_ERR | SMMUM_GERROR_MSI_GERROR_ABT);
    fx_destroy(&f);
}

static void test_cfgi_observed(void)
{
    Fx f;

    fx_init(&f);
    fx_queues(&f, 3, 3);
    fx_cmd(&f, SMMUM_CMD_CFGI_STE | (0x1234ULL << 32), 1);
    g_assert_cmpuint(f.obs.cfgi, ==, 1);
    g_assert_cmpint(f.obs.last_cfgi.kind, ==, SMMUM_CFGI_STE);
    g_assert_cmphex(f.obs.last_cfgi.sid, ==, 0x1234);
    g_assert_true(f.obs.last_cfgi.leaf);
    fx_cmd(&f, SMMUM_CMD_CFGI_STE_RANGE | (0x40ULL << 32), 4);
    g_assert_cmpint(f.obs.last_cfgi.kind, ==, SMMUM_CFGI_STE_RANGE);
    g_assert_cmpuint(f.obs.last_cfgi.range, ==, 4);
    fx_cmd(&f, SMMUM_CMD_CFGI_STE_RANGE, 31);
    g_assert_cmpint(f.obs.last_cfgi.kind, ==, SMMUM_CFGI_ALL);
    fx_cmd(&f, SMMUM_CMD_CFGI_CD | (7ULL << 32) | (0x55ULL << 12), 0);
    g_assert_cmpint(f.obs.last_cfgi.kind, ==, SMMUM_CFGI_CD);
    g_assert_cmphex(f.obs.last_cfgi.sid, ==, 7);
    g_assert_cmphex(f.obs.last_cfgi.ssid, ==, 0x55);
    g_assert_false(f.obs.last_cfgi.leaf);
    fx_cmd(&f, SMMUM_CMD_CFGI_CD_ALL | (9ULL << 32), 0);
    g_assert_cmpint(f.obs.last_cfgi.kind, ==, SMMUM_CFGI_CD_ALL);
    g_assert_cmphex(f.obs.last_cfgi.sid, ==, 9);
    g_assert_cmpuint(f.obs.cfgi, ==, 5);
    fx_destroy(&f);
}

/* Command queues of several sizes, wrapped several times. */
static void test_wrap_sizes(void)
{
    static const unsigned sizes[] = { 0, 1, 3, 5, 8 };

    for (unsigned i = 0; i < G_N_ELEMENTS(sizes); i++) {
        unsigned l2 = sizes[i], n = 1u << l2;
        Fx f;

        fx_init(&f);
        fx_queues(&f, l2, 2);
        for (unsigned k = 0; k < 3 * n + 1; k++) {
            fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_NONE), 0);
            g_assert_cmphex(rd32(&f, SMMUM_CMDQ_CONS), ==,
                            rd32(&f, SMMUM_CMDQ_PROD));
        }
        g_assert_cmpuint(f.obs.sync, ==, 3 * n + 1);
        g_assert_cmphex(rd32(&f, SMMUM_CMDQ_CONS), ==,
                        (3 * n + 1) & ((2 * n) - 1));
        fx_destroy(&f);
    }
}

/* A full queue is consumed in one PROD write; CMDQEN gates it. */
static void test_full_queue_and_enable(void)
{
    Fx f;
    unsigned l2 = 4, n = 1u << l2;

    fx_init(&f);
    wr64(&f, SMMUM_CMDQ_BASE, CMDQ_BASE_PA | l2);
    f.cmdq_log2 = l2;
    for (unsigned k = 0; k < n; k++) {
        fake_write64(&f.mem, CMDQ_BASE_PA + k * 16,
                     cmd_sync(SMMUM_SYNC_CS_NONE));
    }
    wr32(&f, SMMUM_CMDQ_PROD, n);           /* full: wrap differs */
    g_assert_cmpuint(f.obs.sync, ==, 0);    /* CMDQEN=0 */
    wr32(&f, SMMUM_CR0, SMMUM_CR0_CMDQEN);
    g_assert_cmpuint(f.obs.sync, ==, n);
    g_assert_cmphex(rd32(&f, SMMUM_CMDQ_CONS), ==, n);
    /* CMDQ_BASE and CMDQ_CONS are guarded while CMDQEN=1. */
    wr64(&f, SMMUM_CMDQ_BASE, 0x5000);
    wr32(&f, SMMUM_CMDQ_CONS, 0);
    g_assert_cmphex(smmum_mmio_read(&f.core, SMMUM_CMDQ_BASE, 8), ==,
                    CMDQ_BASE_PA | l2);
    g_assert_cmphex(rd32(&f, SMMUM_CMDQ_CONS), ==, n);
    g_assert_cmpuint(f.mem.guest_errors, ==, 2);
    fx_destroy(&f);
}

static void test_prefetch(void)
{
    Fx f;

    fx_init(&f);
    fx_queues(&f, 3, 3);
    fx_linear_strtab(&f, 4);
    fx_enable(&f);
    put_ste(&f, STRTAB_PA + 2 * 64, 4, true);
    /* In range: fetched (and cached). */
    fx_cmd(&f, SMMUM_CMD_PREFETCH_CONFIG | (2ULL << 32), 0);
    g_assert_cmpuint(f.obs.prefetch, ==, 1);
    g_assert_cmpuint(f.obs.fetch, ==, 1);
    g_assert_cmphex(f.obs.last_fetch_addr, ==, STRTAB_PA + 2 * 64);
    /* Out of range and invalid: silent, no event. */
    fx_cmd(&f, SMMUM_CMD_PREFETCH_CONFIG | (0x100ULL << 32), 0);
    fx_cmd(&f, SMMUM_CMD_PREFETCH_ADDR | (3ULL << 32), 0);
    fake_mem_add_fault(&f.mem, STRTAB_PA + 5 * 64, 64);
    fx_cmd(&f, SMMUM_CMD_PREFETCH_CONFIG | (5ULL << 32), 0);
    g_assert_cmpuint(f.obs.prefetch, ==, 4);
    g_assert_cmpuint(f.obs.last_prefetch_sid, ==, 5);
    g_assert_cmpuint(evtq_count(&f), ==, 0);
    g_assert_cmpuint(gerror_active(&f), ==, 0);
    /* The prefetched STE 2 is served from the cache. */
    g_assert_cmpint(xlate(&f, 2, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpuint(f.obs.fetch, ==, 2);   /* only SID 3 was fetched */
    fx_destroy(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cmdq/sync-signals", test_sync_signals);
    g_test_add_func("/cmdq/errors", test_errors);
    g_test_add_func("/cmdq/abort-gerror-irq", test_abort_and_gerror_irq);
    g_test_add_func("/cmdq/cfgi-observed", test_cfgi_observed);
    g_test_add_func("/cmdq/wrap-sizes", test_wrap_sizes);
    g_test_add_func("/cmdq/full-queue-enable", test_full_queue_and_enable);
    g_test_add_func("/cmdq/prefetch", test_prefetch);
    return g_test_run();
}
