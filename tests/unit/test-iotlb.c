/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: IOTLB tagging, replacement and the scope of every TLBI
 * form (an entry survives each TLBI that does not cover it and dies on
 * each one that does).
 */
#include <string.h>
#include <glib.h>

#include "smmum-iotlb.h"
#include "smmum-walk.h"
#include "smmum-regs.h"

#define DEP(v, pos, len, f) SMMUM_DEP(v, pos, len, f)

static SmmumIdRegs test_idr(bool ril, bool asid16)
{
    SmmumIdRegs r = { { 0 } };

    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_S1P, 1, 1);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_S2P, 1, 1);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_ASID16, 1, asid16);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_VMID16, 1, 1);
    r.idr[3] = DEP(r.idr[3], SMMUM_IDR3_RIL, 1, ril);
    return r;
}

static SmmumIotlbEntry entry(uint8_t stage, uint8_t regime, uint16_t vmid,
                             uint16_t asid, bool global, uint64_t iova,
                             unsigned shift, int level)
{
    SmmumIotlbEntry e = {
        .tag = { .stage = stage, .regime = regime, .vmid = vmid,
                 .asid = asid },
        .global = global, .iova = iova, .pa = 0x80000000ULL + iova,
        .size_shift = shift, .granule = 12, .level = level,
        .perm = SMMUM_PERM_PR | SMMUM_PERM_PW,
    };
    return e;
}

/* The population every scope case starts from. */
enum { A, B, C, D, E, F, G, H, NENT };

static SmmumIotlbEntry population(int i)
{
    switch (i) {
    case A:         /* S1 VMID1 ASID1 4K page */
        return entry(SMMUM_TLB_S1, SMMUM_TLB_EL1, 1, 1, false, 0x1000, 12, 3);
    case B:         /* same VA, ASID2 */
        return entry(SMMUM_TLB_S1, SMMUM_TLB_EL1, 1, 2, false, 0x1000, 12, 3);
    case C:         /* global 2MB block */
        return entry(SMMUM_TLB_S1, SMMUM_TLB_EL1, 1, 1, true, 0x200000, 21,
                     2);
    case D:         /* VMID2 */
        return entry(SMMUM_TLB_S1, SMMUM_TLB_EL1, 2, 1, false, 0x1000, 12, 3);
    case E:         /* stage 2 only, VMID1 */
        return entry(SMMUM_TLB_S2, SMMUM_TLB_EL1, 1, 0, false, 0x1000, 12, 3);
    case F:         /* stage 2 only, VMID2 */
        return entry(SMMUM_TLB_S2, SMMUM_TLB_EL1, 2, 0, false, 0x1000, 12, 3);
    case G:         /* EL2 */
        return entry(SMMUM_TLB_S1, SMMUM_TLB_EL2, 0, 0, true, 0x1000, 12, 3);
    default:        /* H: S1 VMID1 ASID1, another page */
        return entry(SMMUM_TLB_S1, SMMUM_TLB_EL1, 1, 1, false, 0x5000, 12, 3);
    }
}

typedef struct ScopeCase {
    const char *name;
    bool ril;
    SmmumTlbi tlbi;
    unsigned killed;            /* bit mask over the population */
} ScopeCase;

#define K(x) (1u << (x))
#define OP(o) .opcode = SMMUM_TLBI_##o

static const ScopeCase scope_cases[] = {
    { "NH_ALL", 0, { OP(NH_ALL), .vmid = 1 }, K(A) | K(B) | K(C) | K(H) },
    { "NH_ALL vmid2", 0, { OP(NH_ALL), .vmid = 2 }, K(D) },
    { "NH_ASID", 0, { OP(NH_ASID), .vmid = 1, .asid = 1 }, K(A) | K(H) },
    { "NH_ASID other vmid", 0, { OP(NH_ASID), .vmid = 3, .asid = 1 }, 0 },
    { "NH_VA", 0, { OP(NH_VA), .vmid = 1, .asid = 1, .addr = 0x1000 },
      K(A) },
    { "NH_VA leaf", 0, { OP(NH_VA), .vmid = 1, .asid = 1, .addr = 0x1000,
                         .leaf = 1 }, K(A) },
    { "NH_VA global block", 0, { OP(NH_VA), .vmid = 1, .asid = 9,
                                 .addr = 0x203000 }, K(C) },
    { "NH_VA miss", 0, { OP(NH_VA), .vmid = 1, .asid = 1, .addr = 0x2000 },
      0 },
    { "NH_VA tagged", 0, { OP(NH_VA), .vmid = 1, .asid = 1,
                           .addr = 0x5a00000000001000ULL }, K(A) },
    { "NH_VAA", 0, { OP(NH_VAA), .vmid = 1, .addr = 0x1000 }, K(A) | K(B) },
    { "EL2_ALL", 0, { OP(EL2_ALL) }, K(G) },
    { "EL2_ASID", 0, { OP(EL2_ASID), .asid = 0 }, 0 },
    { "EL2_VA", 0, { OP(EL2_VA), .addr = 0x1000 }, K(G) },
    { "EL2_VAA", 0, { OP(EL2_VAA), .addr = 0x1000 }, K(G) },
    { "EL2_VAA miss", 0, { OP(EL2_VAA), .addr = 0x2000 }, 0 },
    { "S12_VMALL", 0, { OP(S12_VMALL), .vmid = 1 },
      K(A) | K(B) | K(C) | K(E) | K(H) },
    { "S2_IPA", 0, { OP(S2_IPA), .vmid = 1, .addr = 0x1000 }, K(E) },
    { "S2_IPA vmid2", 0, { OP(S2_IPA), .vmid = 2, .addr = 0x1000 }, K(F) },
    { "S2_IPA miss", 0, { OP(S2_IPA), .vmid = 1, .addr = 0x5000 }, 0 },
    { "NSNH_ALL", 0, { OP(NSNH_ALL) }, (K(NENT) - 1) & ~K(G) },
    { "EL3_ALL", 0, { .opcode = 0x18 }, 0 },
    /* Range invalidation (RIL): (NUM+1) << SCALE pages of TG. */
    { "NH_VA range", 1, { OP(NH_VA), .vmid = 1, .asid = 1, .addr = 0x2000,
                          .tg = 1, .num = 3 }, K(H) },
    { "NH_VA range short", 1, { OP(NH_VA), .vmid = 1, .asid = 1,
                                .addr = 0x2000, .tg = 1, .num = 2 }, 0 },
    { "NH_VAA range 2M", 1, { OP(NH_VAA), .vmid = 1, .addr = 0, .tg = 1,
                              .scale = 9 }, K(A) | K(B) | K(H) },
    { "NH_VAA range TTL=2", 1, { OP(NH_VAA), .vmid = 1, .addr = 0, .tg = 1,
                                 .ttl = 2, .num = 31, .scale = 10 }, K(C) },
    { "NH_VAA range TTL=3", 1, { OP(NH_VAA), .vmid = 1, .addr = 0, .tg = 1,
                                 .ttl = 3, .num = 31, .scale = 10 },
      K(A) | K(B) | K(H) },
    { "NH_VAA TG 64K", 1, { OP(NH_VAA), .vmid = 1, .addr = 0, .tg = 3,
                            .num = 31, .scale = 10 }, 0 },
    { "S2_IPA range", 1, { OP(S2_IPA), .vmid = 1, .addr = 0, .tg = 1,
                           .num = 1 }, K(E) },
    /* Without RIL, TG/NUM/SCALE/TTL mean nothing: one address. */
    { "NH_VAA no RIL", 0, { OP(NH_VAA), .vmid = 1, .addr = 0x1000, .tg = 3,
                            .ttl = 1, .num = 31, .scale = 10 },
      K(A) | K(B) },
};

static void test_scopes(void)
{
    for (unsigned c = 0; c < G_N_ELEMENTS(scope_cases); c++) {
        const ScopeCase *sc = &scope_cases[c];
        SmmumIdRegs idr = test_idr(sc->ril, true);
        SmmumIotlb *t = smmum_iotlb_new(&idr, 64);
        unsigned removed, nkilled = 0;

        for (int i = 0; i < NENT; i++) {
            SmmumIotlbEntry e = population(i);

            smmum_iotlb_insert(t, &e);
        }
        g_assert_cmpuint(smmum_iotlb_count(t), ==, NENT);
        removed = smmum_iotlb_invalidate(t, &sc->tlbi);
        for (int i = 0; i < NENT; i++) {
            SmmumIotlbEntry e = population(i);
            const SmmumIotlbEntry *hit;
            bool dead = sc->killed & K(i);

            hit = smmum_iotlb_lookup(t, &e.tag, e.iova + 0x10);
            /* C is global: any ASID finds it; others must be exact. */
            if (dead) {
                nkilled++;
                if (hit) {
                    g_test_message("%s: entry %d survived", sc->name, i);
                }
                g_assert_null(hit);
            } else {
                if (!hit) {
                    g_test_message("%s: entry %d died", sc->name, i);
                }
                g_assert_nonnull(hit);
                g_assert_cmphex(hit->pa, ==, e.pa);
            }
        }
        g_assert_cmpuint(removed, ==, nkilled);
        smmum_iotlb_free(t);
    }
}

static void test_lookup_tags(void)
{
    SmmumIdRegs idr = test_idr(false, false);
    SmmumIotlb *t = smmum_iotlb_new(&idr, 16);
    SmmumIotlbEntry a = entry(SMMUM_TLB_S1, SMMUM_TLB_EL1, 1, 5, false,
                              0x40000000ULL, 21, 2);
    SmmumIotlbEntry g = entry(SMMUM_TLB_S1, SMMUM_TLB_EL1, 1, 5, true,
                              0x80000000ULL, 12, 3);
    SmmumTlbTag tag = a.tag;
    const SmmumIotlbEntry *hit;

    smmum_iotlb_insert(t, &a);
    smmum_iotlb_insert(t, &g);
    hit = smmum_iotlb_lookup(t, &tag, 0x401fffffULL);
    g_assert_nonnull(hit);
    g_assert_cmphex(hit->iova, ==, 0x40000000ULL);
    g_assert_cmpuint(hit->size_shift, ==, 21);
    g_assert_null(smmum_iotlb_lookup(t, &tag, 0x40200000ULL));
    g_assert_null(smmum_iotlb_lookup(t, &tag, 0x3fffffffULL));
    /* TBI: the top byte never counts. */
    g_assert_nonnull(smmum_iotlb_lookup(t, &tag, 0xab00000040000000ULL));
    tag.asid = 6;
    g_assert_null(smmum_iotlb_lookup(t, &tag, 0x40000000ULL));
    /* The global entry serves every ASID. */
    g_assert_nonnull(smmum_iotlb_lookup(t, &tag, 0x80000fffULL));
    /* 8-bit ASIDs without ASID16: 0x105 is ASID 5. */
    tag.asid = 0x105;
    g_assert_nonnull(smmum_iotlb_lookup(t, &tag, 0x40000000ULL));
    tag.asid = 5;
    tag.vmid = 2;
    g_assert_null(smmum_iotlb_lookup(t, &tag, 0x40000000ULL));
    tag.vmid = 1;
    tag.stage = SMMUM_TLB_S2;
    g_assert_null(smmum_iotlb_lookup(t, &tag, 0x40000000ULL));
    tag.stage = SMMUM_TLB_S1;
    tag.regime = SMMUM_TLB_EL2;
    g_assert_null(smmum_iotlb_lookup(t, &tag, 0x40000000ULL));
    /* Re-inserting the same region replaces it. */
    a.pa = 0x1234000000ULL;
    smmum_iotlb_insert(t, &a);
    g_assert_cmpuint(smmum_iotlb_count(t), ==, 2);
    hit = smmum_iotlb_lookup(t, &a.tag, 0x40000000ULL);
    g_assert_cmphex(hit->pa, ==, 0x1234000000ULL);
    smmum_iotlb_flush(t);
    g_assert_cmpuint(smmum_iotlb_count(t), ==, 0);
    g_assert_null(smmum_iotlb_lookup(t, &a.tag, 0x40000000ULL));
    smmum_iotlb_free(t);
}

static void test_lru(void)
{
    SmmumIdRegs idr = test_idr(false, true);
    SmmumIotlb *t = smmum_iotlb_new(&idr, 4);
    SmmumTlbTag tag = { .stage = SMMUM_TLB_S1, .vmid = 1, .asid = 1 };

    for (uint64_t i = 0; i < 4; i++) {
        SmmumIotlbEntry e = entry(SMMUM_TLB_S1, SMMUM_TLB_EL1, 1, 1, false,
                                  i << 12, 12, 3);

        smmum_iotlb_insert(t, &e);
    }
    /* Touch page 0: page 1 is now the least recently used. */
    g_assert_nonnull(smmum_iotlb_lookup(t, &tag, 0));
    {
        SmmumIotlbEntry e = entry(SMMUM_TLB_S1, SMMUM_TLB_EL1, 1, 1, false,
                                  0x9000, 12, 3);

        smmum_iotlb_insert(t, &e);
    }
    g_assert_cmpuint(smmum_iotlb_count(t), ==, 4);
    g_assert_nonnull(smmum_iotlb_lookup(t, &tag, 0));
    g_assert_null(smmum_iotlb_lookup(t, &tag, 0x1000));
    g_assert_nonnull(smmum_iotlb_lookup(t, &tag, 0x2000));
    g_assert_nonnull(smmum_iotlb_lookup(t, &tag, 0x3000));
    g_assert_nonnull(smmum_iotlb_lookup(t, &tag, 0x9000));
    /* Bounded under churn, one eviction at a time. */
    for (uint64_t i = 0; i < 10000; i++) {
        SmmumIotlbEntry e = entry(SMMUM_TLB_S1, SMMUM_TLB_EL1, 1, 1, false,
                                  (i + 100) << 12, 12, 3);

        smmum_iotlb_insert(t, &e);
        g_assert_cmpuint(smmum_iotlb_count(t), ==, 4);
    }
    g_assert_nonnull(smmum_iotlb_lookup(t, &tag, (10099ULL) << 12));
    g_assert_null(smmum_iotlb_lookup(t, &tag, 0));
    smmum_iotlb_free(t);
}

static void test_tlbi_range(void)
{
    SmmumIdRegs ril = test_idr(true, true), noril = test_idr(false, true);
    SmmumTlbi ti = { .opcode = SMMUM_TLBI_NH_VA, .addr = 0x12345000,
                     .tg = 2, .num = 4, .scale = 3 };
    uint64_t start, len;

    g_assert_true(smmum_tlbi_range(&ril, &ti, &start, &len));
    g_assert_cmphex(start, ==, 0x12344000);
    g_assert_cmphex(len, ==, (5ULL << 3) << 14);
    g_assert_true(smmum_tlbi_range(&noril, &ti, &start, &len));
    g_assert_cmphex(start, ==, 0x12345000);
    g_assert_cmphex(len, ==, 0x1000);
    ti.opcode = SMMUM_TLBI_NH_ASID;
    g_assert_false(smmum_tlbi_range(&ril, &ti, &start, &len));
}

static void test_from_walk(void)
{
    SmmumIdRegs idr = test_idr(false, true);
    SmmumIotlb *t = smmum_iotlb_new(&idr, 8);
    SmmumTlbTag tag = { .stage = SMMUM_TLB_S1, .vmid = 1, .asid = 3 };
    SmmumWalkResult r = {
        .ok = true, .pa = 0x87654321ULL, .size_shift = 16, .granule = 16,
        .level = 3, .perm = SMMUM_PERM_PR, .global = false,
    };
    SmmumIotlbEntry e;
    const SmmumIotlbEntry *hit;

    smmum_iotlb_entry_from_walk(&e, &tag, 0x12344321ULL, &r);
    g_assert_cmphex(e.iova, ==, 0x12340000ULL);
    g_assert_cmphex(e.pa, ==, 0x87650000ULL);
    smmum_iotlb_insert(t, &e);
    hit = smmum_iotlb_lookup(t, &tag, 0x1234ffffULL);
    g_assert_nonnull(hit);
    g_assert_cmphex(hit->pa + (0x1234ffffULL & 0xffff), ==, 0x8765ffffULL);
    g_assert_true(smmum_perm_allows(hit->perm, false, false, true));
    g_assert_false(smmum_perm_allows(hit->perm, true, false, true));
    smmum_iotlb_free(t);
}

/*
 * Nested: a 2MB stage-1 block over 4K stage-2 pages caches 4K combined
 * pieces.  A TLBI by VA of any address of the block (what a driver
 * unmapping the block issues) removes every piece; TLBI_S2_IPA does not
 * touch combined entries; a VA outside the block removes none.
 */
static void test_nested_block_span(void)
{
    SmmumIdRegs idr = test_idr(true, true);
    SmmumTlbTag tag = { .stage = SMMUM_TLB_S1, .vmid = 1, .asid = 7 };
    SmmumWalkResult r = {
        .ok = true, .size_shift = 12, .span_shift = 21, .granule = 12,
        .level = 2, .perm = SMMUM_PERM_PR, .global = false,
    };
    static const SmmumTlbi forms[] = {
        { .opcode = SMMUM_TLBI_NH_VA, .vmid = 1, .asid = 7,
          .addr = 0x40000000 },
        { .opcode = SMMUM_TLBI_NH_VA, .vmid = 1, .asid = 7,
          .addr = 0x401ff000 },
        { .opcode = SMMUM_TLBI_NH_VAA, .vmid = 1, .addr = 0x40100000 },
        /* RIL: one 2MB-level leaf at TTL=2 */
        { .opcode = SMMUM_TLBI_NH_VA, .vmid = 1, .asid = 7,
          .addr = 0x40000000, .tg = 1, .ttl = 2, .num = 0, .scale = 0,
          .leaf = true },
    };

    for (unsigned f = 0; f < G_N_ELEMENTS(forms); f++) {
        SmmumIotlb *t = smmum_iotlb_new(&idr, 64);
        SmmumTlbi miss = { .opcode = SMMUM_TLBI_NH_VA, .vmid = 1,
                           .asid = 7, .addr = 0x40200000 };
        SmmumTlbi s2 = { .opcode = SMMUM_TLBI_S2_IPA, .vmid = 1,
                         .addr = 0x80003000 };

        for (uint64_t off = 0; off < 4; off++) {
            SmmumIotlbEntry e;

            r.pa = 0x80000000ULL + (off << 12);
            smmum_iotlb_entry_from_walk(&e, &tag, 0x40000000 + (off << 12),
                                        &r);
            smmum_iotlb_insert(t, &e);
        }
        g_assert_cmpuint(smmum_iotlb_count(t), ==, 4);
        g_assert_cmpuint(smmum_iotlb_invalidate(t, &miss), ==, 0);
        g_assert_cmpuint(smmum_iotlb_invalidate(t, &s2), ==, 0);
        g_assert_cmpuint(smmum_iotlb_invalidate(t, &forms[f]), ==, 4);
        g_assert_null(smmum_iotlb_lookup(t, &tag, 0x40003000));
        smmum_iotlb_free(t);
    }
}

/*
 * TLBIs by address look their candidates up by key instead of scanning:
 * over random populations (sizes, stages, regimes, ASIDs, VMIDs, global
 * entries) and random TLBIs of every form, with RIL and without, an IOTLB
 * that always scans must end with exactly the same entries.
 */
static void test_lookup_equals_scan(void)
{
    static const uint8_t ops[] = {
        SMMUM_TLBI_NH_VA, SMMUM_TLBI_NH_VAA, SMMUM_TLBI_EL2_VA,
        SMMUM_TLBI_S2_IPA, SMMUM_TLBI_NH_ASID, SMMUM_TLBI_NH_ALL,
        SMMUM_TLBI_S12_VMALL,
    };
    static const unsigned shifts[] = { 12, 12, 12, 21, 30 };
    GRand *r = g_rand_new_with_seed(7);

    for (int round = 0; round < 200; round++) {
        SmmumIdRegs idr = test_idr(round & 1, true);
        SmmumIotlb *a = smmum_iotlb_new(&idr, 256);
        SmmumIotlb *b = smmum_iotlb_new(&idr, 256);
        SmmumIotlbEntry pop[64];

        smmum_iotlb_set_scan_only(b, true);
        for (int i = 0; i < 64; i++) {
            unsigned shift = shifts[g_rand_int_range(r, 0, 5)];
            uint8_t stage = g_rand_int_range(r, 0, 4) ? SMMUM_TLB_S1
                                                      : SMMUM_TLB_S2;
            uint8_t regime = g_rand_int_range(r, 0, 5) ? SMMUM_TLB_EL1
                                                       : SMMUM_TLB_EL2;
            uint64_t iova = (uint64_t)g_rand_int_range(r, 0, 48) << 12;

            pop[i] = entry(stage, regime, g_rand_int_range(r, 1, 3),
                           g_rand_int_range(r, 1, 4),
                           !g_rand_int_range(r, 0, 6), iova, shift,
                           shift == 12 ? 3 : shift == 21 ? 2 : 1);
            pop[i].iova &= ~((1ULL << shift) - 1);
            smmum_iotlb_insert(a, &pop[i]);
            smmum_iotlb_insert(b, &pop[i]);
        }
        for (int k = 0; k < 8; k++) {
            SmmumTlbi ti = {
                .opcode = ops[g_rand_int_range(r, 0, G_N_ELEMENTS(ops))],
                .vmid = g_rand_int_range(r, 1, 3),
                .asid = g_rand_int_range(r, 1, 4),
                .addr = (uint64_t)g_rand_int_range(r, 0, 48) << 12,
            };

            if (g_rand_boolean(r)) {
                ti.tg = 1;
                ti.num = g_rand_int_range(r, 0, 32);
                ti.scale = g_rand_int_range(r, 0, 3);
                ti.ttl = g_rand_int_range(r, 0, 4);
            }
            g_assert_cmpuint(smmum_iotlb_invalidate(a, &ti), ==,
                             smmum_iotlb_invalidate(b, &ti));
            g_assert_cmpuint(smmum_iotlb_count(a), ==, smmum_iotlb_count(b));
            for (int i = 0; i < 64; i++) {
                const SmmumIotlbEntry *ea, *eb;

                ea = smmum_iotlb_lookup(a, &pop[i].tag, pop[i].iova);
                eb = smmum_iotlb_lookup(b, &pop[i].tag, pop[i].iova);
                g_assert_true(!ea == !eb);
                if (ea) {
                    g_assert_cmphex(ea->iova, ==, eb->iova);
                    g_assert_cmpuint(ea->size_shift, ==, eb->size_shift);
                    g_assert_cmpuint(ea->global, ==, eb->global);
                }
            }
        }
        smmum_iotlb_free(a);
        smmum_iotlb_free(b);
    }
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iotlb/lookup-tags", test_lookup_tags);
    g_test_add_func("/iotlb/lru", test_lru);
    g_test_add_func("/iotlb/scopes", test_scopes);
    g_test_add_func("/iotlb/tlbi-range", test_tlbi_range);
    g_test_add_func("/iotlb/from-walk", test_from_walk);
    g_test_add_func("/iotlb/nested-block-span", test_nested_block_span);
    g_test_add_func("/iotlb/lookup-equals-scan", test_lookup_equals_scan);
    return g_test_run();
}
