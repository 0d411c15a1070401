/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: device instantiation, ID registers, CR0/CR0ACK,
 * GBPA and DMA with the SMMU disabled.
 */
#include "qemu/osdep.h"
#include "smmum-qtest-util.h"

/* Register offsets and fields, written from the architecture (IHI 0070). */
#define IDR0        0x00
#define IDR1        0x04
#define IDR5        0x14
#define AIDR        0x1c
#define CR0         0x20
#define CR0ACK      0x24
#define GBPA        0x44
#define STRTAB_BASE 0x80
#define CIDR0       0xff0
#define GBPA_UPDATE (1u << 31)
#define GBPA_ABORT  (1u << 20)

static void test_idr_defaults(void)
{
    SmmumQt t;
    uint32_t idr0, idr1, idr5;

    smmum_qt_start(&t, "");
    idr0 = smmum_qt_rd32(&t, IDR0);
    idr1 = smmum_qt_rd32(&t, IDR1);
    idr5 = smmum_qt_rd32(&t, IDR5);

    g_assert_cmpuint((idr0 >> 2) & 3, ==, 2);       /* TTF: AArch64 */
    g_assert_cmpuint((idr0 >> 27) & 3, ==, 1);      /* 2-level stream table */
    g_assert_cmpuint((idr0 >> 13) & 1, ==, 1);      /* MSI */
    g_assert_cmpuint((idr0 >> 21) & 3, ==, 2);      /* little endian */
    g_assert_cmpuint(idr1 & 0x3f, ==, 16);          /* SIDSIZE */
    g_assert_cmpuint((idr1 >> 21) & 0x1f, ==, 19);  /* CMDQS */
    g_assert_cmpuint((idr1 >> 16) & 0x1f, ==, 19);  /* EVENTQS */
    g_assert_cmpuint(idr5 & 7, ==, 4);              /* OAS 44 bits */
    g_assert_cmpuint((idr5 >> 4) & 7, ==, 7);       /* 4K, 16K, 64K */
    g_assert_cmpuint(smmum_qt_rd32(&t, CIDR0), ==, 0x0d);
    smmum_qt_stop(&t);
}

static void test_idr_properties(void)
{
    SmmumQt t;

    smmum_qt_start(&t, "-global arm-smmuv3-modern.sidsize=8 "
                   "-global arm-smmuv3-modern.oas=48 "
                   "-global arm-smmuv3-modern.two-level-strtab=off "
                   "-global arm-smmuv3-modern.msi=off");
    g_assert_cmpuint(smmum_qt_rd32(&t, IDR1) & 0x3f, ==, 8);
    g_assert_cmpuint(smmum_qt_rd32(&t, IDR5) & 7, ==, 5);
    g_assert_cmpuint((smmum_qt_rd32(&t, IDR0) >> 27) & 3, ==, 0);
    g_assert_cmpuint((smmum_qt_rd32(&t, IDR0) >> 13) & 1, ==, 0);
    smmum_qt_stop(&t);
}

static void test_cr0_ack(void)
{
    SmmumQt t;

    smmum_qt_start(&t, "");
    g_assert_cmphex(smmum_qt_rd32(&t, CR0ACK), ==, 0);
    smmum_qt_wr32(&t, CR0, 0xc);                    /* EVTQEN | CMDQEN */
    g_assert_cmphex(smmum_qt_rd32(&t, CR0), ==, 0xc);
    g_assert_cmphex(smmum_qt_rd32(&t, CR0ACK), ==, 0xc);
    smmum_qt_wr32(&t, CR0, 0);
    g_assert_cmphex(smmum_qt_rd32(&t, CR0ACK), ==, 0);
    smmum_qt_stop(&t);
}

static void test_guarded_strtab(void)
{
    SmmumQt t;

    smmum_qt_start(&t, "");
    smmum_qt_wr64(&t, STRTAB_BASE, 0x41000000);
    g_assert_cmphex(smmum_qt_rd64(&t, STRTAB_BASE), ==, 0x41000000);
    smmum_qt_wr32(&t, CR0, 1);                      /* SMMUEN */
    smmum_qt_wr64(&t, STRTAB_BASE, 0x42000000);     /* ignored */
    g_assert_cmphex(smmum_qt_rd64(&t, STRTAB_BASE), ==, 0x41000000);
    smmum_qt_stop(&t);
}

static void test_gbpa_update(void)
{
    SmmumQt t;

    smmum_qt_start(&t, "");
    g_assert_cmphex(smmum_qt_rd32(&t, GBPA), ==, GBPA_ABORT);
    smmum_qt_wr32(&t, GBPA, 0);                     /* no UPDATE: ignored */
    g_assert_cmphex(smmum_qt_rd32(&t, GBPA), ==, GBPA_ABORT);
    smmum_qt_wr32(&t, GBPA, GBPA_UPDATE | 0x1000);  /* SHCFG=1 */
    g_assert_cmphex(smmum_qt_rd32(&t, GBPA), ==, 0x1000);
    smmum_qt_stop(&t);
}

/* With SMMUEN=0, GBPA.ABORT decides whether edu's DMA reaches memory. */
static void test_gbpa_dma(void)
{
    const uint64_t src = SMMUM_QT_RAM + 0x100000;
    const uint64_t dst = SMMUM_QT_RAM + 0x200000;
    uint8_t pattern[256], marker[256], out[256];
    SmmumQt t;

    for (int i = 0; i < 256; i++) {
        pattern[i] = i * 7 + 1;
    }
    memset(marker, 0xa5, sizeof(marker));
    smmum_qt_start(&t, "");
    qtest_memwrite(t.qts, src, pattern, sizeof(pattern));
    qtest_memwrite(t.qts, dst, marker, sizeof(marker));

    /* Reset state: ABORT=1, the transfer must not land. */
    smmum_qt_mem_to_edu(&t, src, sizeof(pattern));
    smmum_qt_edu_to_mem(&t, dst, sizeof(pattern));
    qtest_memread(t.qts, dst, out, sizeof(out));
    g_assert(memcmp(out, marker, sizeof(out)) == 0);

    /* Bypass: both directions reach memory untranslated. */
    smmum_qt_wr32(&t, GBPA, GBPA_UPDATE);
    smmum_qt_mem_to_edu(&t, src, sizeof(pattern));
    smmum_qt_edu_to_mem(&t, dst, sizeof(pattern));
    qtest_memread(t.qts, dst, out, sizeof(out));
    g_assert(memcmp(out, pattern, sizeof(out)) == 0);
    smmum_qt_stop(&t);
}

static void test_bad_property(void)
{
    g_autofree char *err = NULL;
    int status;

    status = smmum_qt_run_fail("-M iommu=smmuv3-modern "
                               "-global arm-smmuv3-modern.oas=33", &err);
    g_assert_cmpint(status, !=, 0);
    g_assert(strstr(err, "oas=33"));

    g_free(err);
    status = smmum_qt_run_fail("-M iommu=smmuv3-bogus", &err);
    g_assert_cmpint(status, !=, 0);
    g_assert(strstr(err, "smmuv3-modern"));     /* the hint lists it */
}

/* Upstream smmuv3 must keep working in the same binary. */
static void test_upstream_smmuv3_coexists(void)
{
    QTestState *qts = qtest_init("-M virt,iommu=smmuv3 -cpu max -nic none");

    /* Upstream's IDR1 reset value carries SIDSIZE=16. */
    g_assert_cmpuint(qtest_readl(qts, SMMUM_QT_BASE + IDR1) & 0x3f, ==, 16);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/smmuv3-modern/idr/defaults", test_idr_defaults);
    qtest_add_func("/smmuv3-modern/idr/properties", test_idr_properties);
    qtest_add_func("/smmuv3-modern/regs/cr0-ack", test_cr0_ack);
    qtest_add_func("/smmuv3-modern/regs/guarded-strtab", test_guarded_strtab);
    qtest_add_func("/smmuv3-modern/regs/gbpa-update", test_gbpa_update);
    qtest_add_func("/smmuv3-modern/dma/gbpa", test_gbpa_dma);
    qtest_add_func("/smmuv3-modern/cmdline/bad-property", test_bad_property);
    qtest_add_func("/smmuv3-modern/cmdline/upstream-coexists",
                   test_upstream_smmuv3_coexists);
    return g_test_run();
}
