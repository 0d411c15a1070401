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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/regs/gbpa", Fixture, NULL, setup, test_gbpa, teardown);
    g_test_add("/regs/illegal-access", Fixture, NULL, setup,
               test_illegal_access, teardown);
    g_test_add("/translate/disabled", Fixture, NULL, setup,
               test_translate_disabled, teardown);
    return g_test_run();
}
