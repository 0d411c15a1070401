/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: smmuv3-modern register file (ID registers, CR0/CR0ACK,
 * GBPA, guarded registers, illegal accesses).
 */
#include "fake-mem.h"

typedef struct Fixture {
    FakeMem mem;
    SmmumCore core;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    SmmumConfig cfg;
    SmmumHost host;

    fake_mem_init(&f->mem);
    host = fake_mem_host(&f->mem);
    smmum_config_default(&cfg);
    g_assert_null(smmum_config_validate(&cfg));
    smmum_core_init(&f->core, &cfg, &host);
}

static void teardown(Fixture *f, gconstpointer data)
{
    smmum_core_finalize(&f->core);
    fake_mem_destroy(&f->mem);
}

static uint32_t rd(Fixture *f, uint64_t off)
{
    return smmum_mmio_read(&f->core, off, 4);
}

static void wr(Fixture *f, uint64_t off, uint32_t val)
{
    smmum_mmio_write(&f->core, off, val, 4);
}

/* The ID registers of the default configuration. */
static void test_idregs(Fixture *f, gconstpointer data)
{
    SmmumConfig cfg;
    char *err;

    /*
     * IDR0: S2P, S1P, TTF=AArch64, COHACC, HTTU=0b10 (HA+HD), ASID16,
     * MSI, SEV, VMID16, CD2L, TTENDIAN=LE, STALL_MODEL=0b01,
     * ST_LEVEL=2-level.
     */
    g_assert_cmphex(rd(f, SMMUM_IDR0), ==, 0x094c709b);
    /* IDR1: CMDQS=19, EVENTQS=19, SSIDSIZE=20, SIDSIZE=16. */
    g_assert_cmphex(rd(f, SMMUM_IDR1), ==, 0x02730510);
    /* IDR3: RIL (range invalidation), FWB (stage 2 forced write-back). */
    g_assert_cmphex(rd(f, SMMUM_IDR3), ==, 0x500);
    /* IDR5: GRAN64K, GRAN16K, GRAN4K, OAS=44 bits. */
    g_assert_cmphex(rd(f, SMMUM_IDR5), ==, 0x74);

    /* What does not work yet is refused. */
    smmum_config_default(&cfg);
    cfg.attr_types_ovr = true;
    err = smmum_config_validate(&cfg);
    g_assert_nonnull(err);
    g_free(err);
    /* ATS is a choice (IDR0.ATS; CR0.ATSCHK becomes writable). */
    smmum_config_default(&cfg);
    cfg.ats = true;
    g_assert_null(smmum_config_validate(&cfg));
    smmum_config_default(&cfg);
    cfg.stage1 = false;
    err = smmum_config_validate(&cfg);
    g_assert_nonnull(err);          /* SubstreamIDs need stage 1 */
    g_free(err);
    cfg.ssidsize = 0;
    cfg.cd2l = false;
    g_assert_null(smmum_config_validate(&cfg));
}

static void test_gbpa(Fixture *f, gconstpointer data)
{
    g_assert_cmphex(rd(f, SMMUM_GBPA), ==, SMMUM_GBPA_ABORT);
    wr(f, SMMUM_GBPA, 0);
    g_assert_cmphex(rd(f, SMMUM_GBPA), ==, SMMUM_GBPA_ABORT);
    g_assert_cmpuint(f->mem.guest_errors, ==, 1);
    wr(f, SMMUM_GBPA, SMMUM_GBPA_UPDATE | 0x3000 | (1u << 25));
    /* UPDATE completes at once; RES0 bit 25 is not kept. */
    g_assert_cmphex(rd(f, SMMUM_GBPA), ==, 0x3000);
}

static void test_illegal_access(Fixture *f, gconstpointer data)
{
    g_assert_cmphex(smmum_mmio_read(&f->core, SMMUM_CR0 + 1, 4), ==, 0);
    g_assert_cmphex(smmum_mmio_read(&f->core, SMMUM_CR0, 2), ==, 0);
    smmum_mmio_write(&f->core, SMMUM_CR0, SMMUM_CR0_CMDQEN, 1);
    g_assert_cmphex(rd(f, SMMUM_CR0), ==, 0);
    g_assert_cmpuint(f->mem.guest_errors, ==, 3);
}

static void test_translate_disabled(Fixture *f, gconstpointer data)
{
    SmmumTxn txn = { .sid = 8, .addr = 0x1234 };
    SmmumXlate x;

    smmum_translate(&f->core, &txn, &x);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_ABORT);
    wr(f, SMMUM_GBPA, SMMUM_GBPA_UPDATE);
    smmum_translate(&f->core, &txn, &x);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, 0x1234);
}

static void test_guarded(Fixture *f, gconstpointer data)
{
    unsigned errs;

    smmum_mmio_write(&f->core, SMMUM_STRTAB_BASE, 0x400000, 8);
    wr(f, SMMUM_STRTAB_BASE_CFG, 8);
    wr(f, SMMUM_CR2, SMMUM_CR2_RECINVSID | SMMUM_CR2_E2H);
    /* E2H is RES0 without IDR0.Hyp. */
    g_assert_cmphex(rd(f, SMMUM_CR2), ==, SMMUM_CR2_RECINVSID);
    wr(f, SMMUM_CR1, 0x5);
    /* ATSCHK and PRIQEN are RES0 without ATS / PRI. */
    wr(f, SMMUM_CR0, SMMUM_CR0_SMMUEN | SMMUM_CR0_ATSCHK |
       SMMUM_CR0_PRIQEN);
    g_assert_cmphex(rd(f, SMMUM_CR0ACK), ==, SMMUM_CR0_SMMUEN);
    errs = f->mem.guest_errors;
    smmum_mmio_write(&f->core, SMMUM_STRTAB_BASE, 0x800000, 8);
    wr(f, SMMUM_STRTAB_BASE + 4, 1);
    wr(f, SMMUM_STRTAB_BASE_CFG, 4);
    wr(f, SMMUM_CR2, 0);
    wr(f, SMMUM_CR1, 0);
    g_assert_cmpuint(f->mem.guest_errors, ==, errs + 5);
    g_assert_cmphex(smmum_mmio_read(&f->core, SMMUM_STRTAB_BASE, 8), ==,
                    0x400000);
    g_assert_cmphex(rd(f, SMMUM_STRTAB_BASE_CFG), ==, 8);
    g_assert_cmphex(rd(f, SMMUM_CR2), ==, SMMUM_CR2_RECINVSID);
    g_assert_cmphex(rd(f, SMMUM_CR1), ==, 0x5);
    /* Queue bases are guarded by their own enables only. */
    wr(f, SMMUM_CMDQ_BASE, 0x1003);
    wr(f, SMMUM_EVENTQ_BASE, 0x2003);
    g_assert_cmphex(rd(f, SMMUM_CMDQ_BASE), ==, 0x1003);
    g_assert_cmphex(rd(f, SMMUM_EVENTQ_BASE), ==, 0x2003);
    wr(f, SMMUM_CR0, SMMUM_CR0_EVTQEN);
    wr(f, SMMUM_EVENTQ_BASE, 0x3003);
    g_assert_cmphex(rd(f, SMMUM_EVENTQ_BASE), ==, 0x2003);
    /* 32-bit halves of 64-bit registers. */
    wr(f, SMMUM_CMDQ_BASE + 4, 0x12);
    g_assert_cmphex(smmum_mmio_read(&f->core, SMMUM_CMDQ_BASE, 8), ==,
                    0x0000001200001003ULL);
}

static void test_irq_ctrl_gerrorn(Fixture *f, gconstpointer data)
{
    wr(f, SMMUM_IRQ_CTRL, 0x7);
    /* PRI is not implemented: its enable is RES0. */
    g_assert_cmphex(rd(f, SMMUM_IRQ_CTRLACK), ==,
                    SMMUM_IRQ_CTRL_GERROR | SMMUM_IRQ_CTRL_EVTQ);
    wr(f, SMMUM_GERRORN, 0xffffffff);
    g_assert_cmphex(rd(f, SMMUM_GERRORN), ==, SMMUM_GERROR_MASK);
    wr(f, SMMUM_GERROR, 0x1);
    g_assert_cmphex(rd(f, SMMUM_GERROR), ==, 0);
    /* Event queue PROD/CONS live in page 1; page 0 aliases are RAZ/WI. */
    wr(f, SMMUM_EVENTQ_CONS, 0x80000003);
    g_assert_cmphex(rd(f, SMMUM_EVENTQ_CONS), ==, 0x80000003);
    g_assert_cmphex(rd(f, SMMUM_EVENTQ_CONS_P0), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/regs/idregs", Fixture, NULL, setup, test_idregs,
               teardown);
    g_test_add("/regs/gbpa", Fixture, NULL, setup, test_gbpa, teardown);
    g_test_add("/regs/illegal-access", Fixture, NULL, setup,
               test_illegal_access, teardown);
    g_test_add("/regs/guarded", Fixture, NULL, setup, test_guarded,
               teardown);
    g_test_add("/regs/irq-ctrl-gerrorn", Fixture, NULL, setup,
               test_irq_ctrl_gerrorn, teardown);
    g_test_add("/translate/disabled", Fixture, NULL, setup,
               test_translate_disabled, teardown);
    return g_test_run();
}
