/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: model-cost benchmark driver (not a test).
 *
 *   QTEST_QEMU_BINARY=... smmuv3-modern-bench IOMMU DMAS [QEMU-ARGS]
 *
 * Starts virt with iommu=IOMMU (smmuv3 or smmuv3-modern), programs a
 * linear stream table, one CD and a 4K stage-1 page table mapping eight
 * pages for edu, then runs DMAS edu transfers of 4 KiB cycling over the
 * eight pages (IOTLB hits after the first eight).  The same programming
 * works on both models: it is the architecture's.  scripts/bench-model.sh
 * runs QEMU under callgrind around this driver and counts instructions
 * spent translating.  Exits non-zero when a transfer does not arrive.
 *
 * With SMMUM_BENCH_STRICT=1 in the environment every transfer is followed
 * by what Linux's DMA-strict unmap sends: CMD_TLBI_NH_VA (Leaf=1) of the
 * page and a CMD_SYNC, so the next transfer to that page walks again.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "smmum-qtest-util.h"

#define IOVA        0x10000000ULL
#define PAGES       8
#define CD_ADDR     (SMMUM_QT_RAM + 0x3000000)
#define PT_L1       (SMMUM_QT_RAM + 0x3010000)
#define PT_L2       (SMMUM_QT_RAM + 0x3011000)
#define PT_L3       (SMMUM_QT_RAM + 0x3012000)
#define DATA        (SMMUM_QT_RAM + 0x3100000)
#define CMD_TLBI_NH_VA  0x12
#define TLBI_ASID(a)    ((uint64_t)(a) << 48)
#define TLBI_LEAF       1

static void program_stage1(SmmumQt *t)
{
    uint64_t ste[8] = { 0 };
    uint8_t zero[4096] = { 0 };
    /* T0SZ=25 (39-bit IOVA, start level 1), 4K, WBWA, inner shareable */
    uint64_t cd0 = 25 | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) |
                   (1ULL << 30) /* EPD1 */ | (1ULL << 31) /* V */ |
                   (4ULL << 32) /* IPS 44 bits */ | (1ULL << 41) /* AA64 */ |
                   (1ULL << 45) /* R */ | (1ULL << 46) /* A */ |
                   (1ULL << 48) /* ASID 1 */;

    qtest_memwrite(t->qts, PT_L1, zero, sizeof(zero));
    qtest_memwrite(t->qts, PT_L2, zero, sizeof(zero));
    qtest_memwrite(t->qts, PT_L3, zero, sizeof(zero));
    qtest_writeq(t->qts, PT_L1 + ((IOVA >> 30) & 511) * 8, PT_L2 | 3);
    qtest_writeq(t->qts, PT_L2 + ((IOVA >> 21) & 511) * 8, PT_L3 | 3);
    for (int i = 0; i < PAGES; i++) {
        /* page, AF, inner shareable, AP=01 (read/write at EL1 and EL0) */
        qtest_writeq(t->qts, PT_L3 + (((IOVA >> 12) + i) & 511) * 8,
                     (DATA + i * 4096ULL) | 3 | (1 << 10) | (3 << 8) |
                     (1 << 6));
    }
    qtest_memwrite(t->qts, CD_ADDR, zero, 64);
    qtest_writeq(t->qts, CD_ADDR, cd0);
    qtest_writeq(t->qts, CD_ADDR + 8, PT_L1);          /* TTB0 */
    qtest_writeq(t->qts, CD_ADDR + 24, 0xff);          /* MAIR0: WB */

    ste[0] = 1 | (5ULL << 1) | CD_ADDR;                 /* V, S1 */
    ste[1] = (1ULL << 2) | (1ULL << 4) | (3ULL << 6);   /* S1CIR/COR/CSH */
    smmum_qt_write_ste(t, SMMUM_QT_EDU_SID, ste);
    smmum_qt_cfgi_ste(t, SMMUM_QT_EDU_SID);
}

int main(int argc, char **argv)
{
    const char *iommu;
    uint8_t pattern[64], out[64];
    long dmas;
    bool strict = g_strcmp0(g_getenv("SMMUM_BENCH_STRICT"), "1") == 0;
    SmmumQt t;

    if (argc < 3 || argc > 4 || qemu_strtol(argv[2], NULL, 0, &dmas) ||
        dmas <= 0) {
        fprintf(stderr, "usage: %s smmuv3|smmuv3-modern DMAS [QEMU-ARGS]\n",
                argv[0]);
        return 2;
    }
    iommu = argv[1];
    smmum_qt_start_iommu(&t, iommu, argc > 3 ? argv[3] : "");
    smmum_qt_enable(&t, 6);
    program_stage1(&t);

    for (int i = 0; i < 64; i++) {
        pattern[i] = i ^ 0x5c;
    }
    /* Even pages are read from (pattern), odd pages written to (zeroed). */
    memset(out, 0, sizeof(out));
    for (int i = 0; i < PAGES; i++) {
        qtest_memwrite(t.qts, DATA + i * 4096ULL, i & 1 ? out : pattern,
                       sizeof(pattern));
    }
    for (long i = 0; i < dmas; i++) {
        uint64_t iova = IOVA + (i % PAGES) * 4096;

        if (i & 1) {
            smmum_qt_edu_to_mem(&t, iova, 4096);
        } else {
            smmum_qt_mem_to_edu(&t, iova, 4096);
        }
        if (strict) {
            smmum_qt_cmd(&t, CMD_TLBI_NH_VA | TLBI_ASID(1), iova | TLBI_LEAF);
            smmum_qt_sync(&t);
        }
    }
    /* The last copy out went to page (dmas - 1) % PAGES. */
    qtest_memread(t.qts, DATA + ((dmas - 1) % PAGES) * 4096ULL, out,
                  sizeof(out));
    smmum_qt_stop(&t);
    if (dmas >= 2 && memcmp(out, pattern, sizeof(out))) {
        fprintf(stderr, "%s: DMA through stage 1 did not arrive\n", iommu);
        return 1;
    }
    printf("%s: %ld DMAs of 4 KiB through stage 1%s\n", iommu, dmas,
           strict ? ", each followed by TLBI_NH_VA + SYNC" : "");
    return 0;
}
