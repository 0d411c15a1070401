/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: STE and L1STD decoders (smmum_ste_decode,
 * smmum_l1std_decode): every Config, every SteIllegal rule, ID-register
 * variants, and the IGNORED-fields property.
 */
#include "fake-mem.h"
#include "smmum-strtab.h"

#include <string.h>

/* An SMMU with both stages, AArch64 tables, LE, no stall, OAS 44. */
static SmmumIdRegs base_idr(void)
{
    SmmumIdRegs r = { { 0 } };

    r.idr[0] = SMMUM_DEP(r.idr[0], SMMUM_IDR0_S1P, 1, 1);
    r.idr[0] = SMMUM_DEP(r.idr[0], SMMUM_IDR0_S2P, 1, 1);
    r.idr[0] = SMMUM_DEP(r.idr[0], SMMUM_IDR0_TTF, 2, 2);
    r.idr[0] = SMMUM_DEP(r.idr[0], SMMUM_IDR0_TTENDIAN, 2, 2);
    r.idr[0] = SMMUM_DEP(r.idr[0], SMMUM_IDR0_STALL_MODEL, 2, 1);
    r.idr[0] = SMMUM_DEP(r.idr[0], SMMUM_IDR0_VMID16, 1, 1);
    r.idr[1] = SMMUM_DEP(r.idr[1], SMMUM_IDR1_SIDSIZE, 6, 16);
    r.idr[5] = SMMUM_DEP(r.idr[5], SMMUM_IDR5_OAS, 3, 4);
    r.idr[5] = SMMUM_DEP(r.idr[5], SMMUM_IDR5_GRAN4K, 1, 1);
    r.idr[5] = SMMUM_DEP(r.idr[5], SMMUM_IDR5_GRAN16K, 1, 1);
    r.idr[5] = SMMUM_DEP(r.idr[5], SMMUM_IDR5_GRAN64K, 1, 1);
    return r;
}

static void idr_set(SmmumIdRegs *r, unsigned reg, unsigned pos,
                    unsigned len, unsigned val)
{
    r->idr[reg] = SMMUM_DEP(r->idr[reg], pos, len, val);
}

#define SET(w, field, len, v) smmum_ste_set_field((w), (field), (len), (v))

/* A valid STE of the given Config with plausible fields for it. */
static void make_ste(uint64_t w[8], unsigned config)
{
    memset(w, 0, 8 * sizeof(w[0]));
    SET(w, SMMUM_STE_V, 1, 1);
    SET(w, SMMUM_STE_CONFIG, 3, config);
    if (config & 1) {
        w[0] |= 0x40001000ULL;                  /* S1ContextPtr */
        SET(w, SMMUM_STE_S1CIR, 2, 1);
        SET(w, SMMUM_STE_S1COR, 2, 1);
        SET(w, SMMUM_STE_S1CSH, 2, 3);
    }
    if ((config & 3) && (config & 4)) {
        SET(w, SMMUM_STE_S2VMID, 16, 0x1234);
    }
    if (config & 2) {
        /* 40-bit IPA, 4K granule, start at level 1: 8K table. */
        SET(w, SMMUM_STE_S2T0SZ, 6, 24);
        SET(w, SMMUM_STE_S2SL0, 2, 1);
        SET(w, SMMUM_STE_S2TG, 2, 0);
        SET(w, SMMUM_STE_S2PS, 3, 4);
        SET(w, SMMUM_STE_S2AA64, 1, 1);
        SET(w, SMMUM_STE_S2R, 1, 1);
        SET(w, SMMUM_STE_S2IR0, 2, 1);
        SET(w, SMMUM_STE_S2OR0, 2, 1);
        SET(w, SMMUM_STE_S2SH0, 2, 3);
        SET(w, SMMUM_STE_S2TTB, 52, 0x80002000ULL >> 4);
    }
}

static void decode(const SmmumIdRegs *r, const uint64_t w[8],
                   SmmumSteMeaning *m)
{
    memset(m, 0xa5, sizeof(*m));        /* decoder must zero it */
    smmum_ste_decode(r, w, m);
}

static void assert_illegal(const SmmumIdRegs *r, const uint64_t w[8],
                           SmmumSteIllegal code)
{
    SmmumSteMeaning m, zero;

    decode(r, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_ABORT);
    g_assert_cmpint(m.abort_why, ==, SMMUM_ABORT_ILLEGAL);
    g_assert_cmpint(m.illegal_code, ==, code);
    /* Nothing but the reason is filled. */
    memset(&zero, 0, sizeof(zero));
    zero.outcome = m.outcome;
    zero.abort_why = m.abort_why;
    zero.illegal_code = m.illegal_code;
    g_assert_cmpmem(&m, sizeof(m), &zero, sizeof(zero));
}

static void assert_legal(const SmmumIdRegs *r, const uint64_t w[8])
{
    SmmumSteMeaning m;

    decode(r, w, &m);
    g_assert_cmpint(m.illegal_code, ==, SMMUM_STE_ILL_NONE);
    g_assert_cmpint(m.abort_why, !=, SMMUM_ABORT_ILLEGAL);
}

static void test_configs(void)
{
    SmmumIdRegs r = base_idr();
    SmmumSteMeaning m;
    uint64_t w[8];

    make_ste(w, SMMUM_STE_CFG_BYPASS);
    SET(w, SMMUM_STE_V, 1, 0);
    decode(&r, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_ABORT);
    g_assert_cmpint(m.abort_why, ==, SMMUM_ABORT_INVALID);

    for (unsigned c = 0; c < 4; c++) {
        make_ste(w, c);
        /* Garbage that would be ILLEGAL if it were looked at. */
        SET(w, SMMUM_STE_S2TG, 2, 3);
        SET(w, SMMUM_STE_STRW, 2, 1);
        decode(&r, w, &m);
        g_assert_cmpint(m.outcome, ==, SMMUM_OUT_ABORT);
        g_assert_cmpint(m.abort_why, ==, SMMUM_ABORT_CONFIG);
        g_assert_cmpint(m.illegal_code, ==, 0);
    }

    make_ste(w, SMMUM_STE_CFG_BYPASS);
    decode(&r, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_BYPASS);
    g_assert_cmpint(m.abort_why, ==, SMMUM_ABORT_NONE);
    g_assert_cmpint(m.regime.config, ==, 0);

    make_ste(w, SMMUM_STE_CFG_S1);
    decode(&r, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpint(m.regime.config, ==, 5);
    g_assert_cmphex(m.regime.s1_context_ptr, ==, 0x40001000ULL);
    g_assert_cmpint(m.regime.s2_vmid, ==, 0x1234);   /* S2P: VMID tags */
    g_assert_cmphex(m.regime.s2_ttb, ==, 0);
    g_assert_cmpint(m.attr.s1_cir, ==, 1);
    g_assert_cmpint(m.attr.s1_csh, ==, 3);

    make_ste(w, SMMUM_STE_CFG_S2);
    decode(&r, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpint(m.regime.config, ==, 6);
    g_assert_cmphex(m.regime.s1_context_ptr, ==, 0);
    g_assert_cmphex(m.regime.s2_ttb, ==, 0x80002000ULL);
    g_assert_cmpint(m.regime.s2_t0sz, ==, 24);
    g_assert_cmpint(m.regime.s2_sl0, ==, 1);
    g_assert_cmpint(m.regime.s2_ps, ==, 4);
    g_assert_cmpint(m.regime.s2_aa64, ==, 1);
    g_assert_cmpint(m.regime.s2_vmid, ==, 0x1234);
    g_assert_cmpint(m.perm.s2_r, ==, 1);
    g_assert_cmpint(m.attr.s2_sh0, ==, 3);

    make_ste(w, SMMUM_STE_CFG_NESTED);
    SET(w, SMMUM_STE_S2PTW, 1, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpint(m.regime.config, ==, 7);
    g_assert_cmphex(m.regime.s1_context_ptr, ==, 0x40001000ULL);
    g_assert_cmphex(m.regime.s2_ttb, ==, 0x80002000ULL);
    g_assert_cmpint(m.perm.s2_ptw, ==, 1);

    /* S2PTW only matters for nested. */
    make_ste(w, SMMUM_STE_CFG_S2);
    SET(w, SMMUM_STE_S2PTW, 1, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.perm.s2_ptw, ==, 0);
}

typedef struct IllCase {
    const char *name;
    unsigned config;
    unsigned field, len;
    uint64_t val;
    SmmumSteIllegal code;
} IllCase;

static const IllCase ill_cases[] = {
    { "s1stalld", 5, SMMUM_STE_S1STALLD, 1, 1, SMMUM_STE_ILL_S1STALLD },
    { "s1ctxptr-oas", 5, SMMUM_STE_S1CTXPTR, 50, 1ULL << 38,
      SMMUM_STE_ILL_S1CTXPTR },
    { "s2s-no-stall", 6, SMMUM_STE_S2S, 1, 1, SMMUM_STE_ILL_S2S },
    { "s2aa64-aarch32", 6, SMMUM_STE_S2AA64, 1, 0, SMMUM_STE_ILL_S2AA64 },
    { "s2ha-no-httu", 6, SMMUM_STE_S2HA, 1, 1, SMMUM_STE_ILL_S2HTTU },
    { "s2hd-no-httu", 6, SMMUM_STE_S2HD, 1, 1, SMMUM_STE_ILL_S2HTTU },
    { "s2tg-reserved", 6, SMMUM_STE_S2TG, 2, 3, SMMUM_STE_ILL_S2TG },
    { "s2ttb-ps", 6, SMMUM_STE_S2TTB, 52, (1ULL << 44) >> 4,
      SMMUM_STE_ILL_S2TTB },
    { "s2ttb-48bit", 6, SMMUM_STE_S2TTB, 52, (1ULL << 50) >> 4,
      SMMUM_STE_ILL_S2TTB },
    { "s2t0sz-max", 6, SMMUM_STE_S2T0SZ, 6, 40, SMMUM_STE_ILL_S2T0SZ },
    { "s2t0sz-min", 6, SMMUM_STE_S2T0SZ, 6, 19, SMMUM_STE_ILL_S2T0SZ },
    { "s2sl0-reserved", 6, SMMUM_STE_S2SL0, 2, 3, SMMUM_STE_ILL_S2SL0 },
    { "s2sl0-level2", 6, SMMUM_STE_S2SL0, 2, 0, SMMUM_STE_ILL_S2SL0 },
    { "s2endi", 6, SMMUM_STE_S2ENDI, 1, 1, SMMUM_STE_ILL_S2ENDI },
    { "nested-s2tg", 7, SMMUM_STE_S2TG, 2, 3, SMMUM_STE_ILL_S2TG },
    { "nested-s1stalld", 7, SMMUM_STE_S1STALLD, 1, 1,
      SMMUM_STE_ILL_S1STALLD },
};

static void test_illegal_case(gconstpointer data)
{
    const IllCase *c = data;
    SmmumIdRegs r = base_idr();
    uint64_t w[8];

    make_ste(w, c->config);
    assert_legal(&r, w);
    SET(w, c->field, c->len, c->val);
    assert_illegal(&r, w, c->code);
}

/* Rules that depend on the ID registers or on more than one field. */
static void test_illegal_idr(void)
{
    SmmumIdRegs r;
    uint64_t w[8];

    /* Stage not implemented. */
    r = base_idr();
    idr_set(&r, 0, SMMUM_IDR0_S1P, 1, 0);
    make_ste(w, 5);
    assert_illegal(&r, w, SMMUM_STE_ILL_S1_UNIMPL);
    make_ste(w, 7);
    assert_illegal(&r, w, SMMUM_STE_ILL_S1_UNIMPL);
    make_ste(w, 6);
    assert_legal(&r, w);
    r = base_idr();
    idr_set(&r, 0, SMMUM_IDR0_S2P, 1, 0);
    make_ste(w, 6);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2_UNIMPL);
    make_ste(w, 7);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2_UNIMPL);
    make_ste(w, 5);
    assert_legal(&r, w);

    /* EATS: checked only with IDR0.ATS. */
    r = base_idr();
    make_ste(w, 5);
    SET(w, SMMUM_STE_EATS, 2, 2);
    assert_legal(&r, w);
    idr_set(&r, 0, SMMUM_IDR0_ATS, 1, 1);
    assert_illegal(&r, w, SMMUM_STE_ILL_EATS_SPLIT);
    make_ste(w, 7);
    SET(w, SMMUM_STE_EATS, 2, 2);
    assert_legal(&r, w);
    SET(w, SMMUM_STE_S2S, 1, 1);
    idr_set(&r, 0, SMMUM_IDR0_STALL_MODEL, 2, 0);   /* S2S itself legal */
    assert_illegal(&r, w, SMMUM_STE_ILL_EATS_SPLIT);
    SET(w, SMMUM_STE_EATS, 2, 1);
    assert_illegal(&r, w, SMMUM_STE_ILL_EATS_S2S);
    idr_set(&r, 0, SMMUM_IDR0_NS1ATS, 1, 1);
    SET(w, SMMUM_STE_S2S, 1, 0);
    SET(w, SMMUM_STE_EATS, 2, 2);
    assert_illegal(&r, w, SMMUM_STE_ILL_EATS_SPLIT);
    /* Stage 2 bypass: S2S does not make EATS=0b01 ILLEGAL (v3.1). */
    make_ste(w, 5);
    SET(w, SMMUM_STE_EATS, 2, 1);
    SET(w, SMMUM_STE_S2S, 1, 1);
    assert_legal(&r, w);

    /* STRW: used only with IDR0.Hyp for stage-1-only streams. */
    r = base_idr();
    make_ste(w, 5);
    SET(w, SMMUM_STE_STRW, 2, 1);
    assert_legal(&r, w);
    idr_set(&r, 0, SMMUM_IDR0_HYP, 1, 1);
    assert_illegal(&r, w, SMMUM_STE_ILL_STRW);
    SET(w, SMMUM_STE_STRW, 2, 3);
    assert_illegal(&r, w, SMMUM_STE_ILL_STRW);
    make_ste(w, 7);
    SET(w, SMMUM_STE_STRW, 2, 1);
    assert_legal(&r, w);

    /* S1STALLD is fine when the stall model is configurable. */
    r = base_idr();
    idr_set(&r, 0, SMMUM_IDR0_STALL_MODEL, 2, 0);
    make_ste(w, 5);
    SET(w, SMMUM_STE_S1STALLD, 1, 1);
    assert_legal(&r, w);
    /* Forced stall requires S2S=1. */
    idr_set(&r, 0, SMMUM_IDR0_STALL_MODEL, 2, 2);
    make_ste(w, 6);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2S);
    SET(w, SMMUM_STE_S2S, 1, 1);
    assert_legal(&r, w);

    /* S1CDMax and S1Fmt, only with substreams. */
    r = base_idr();
    make_ste(w, 5);
    SET(w, SMMUM_STE_S1CDMAX, 5, 31);
    SET(w, SMMUM_STE_S1FMT, 2, 1);
    assert_legal(&r, w);
    idr_set(&r, 1, SMMUM_IDR1_SSIDSIZE, 5, 8);
    assert_illegal(&r, w, SMMUM_STE_ILL_S1CDMAX);
    SET(w, SMMUM_STE_S1CDMAX, 5, 8);
    assert_illegal(&r, w, SMMUM_STE_ILL_S1FMT);
    SET(w, SMMUM_STE_S1FMT, 2, 3);      /* reserved: linear, legal */
    assert_legal(&r, w);
    SET(w, SMMUM_STE_S1FMT, 2, 2);
    idr_set(&r, 0, SMMUM_IDR0_CD2L, 1, 1);
    assert_legal(&r, w);
    SET(w, SMMUM_STE_S1CDMAX, 5, 0);
    idr_set(&r, 0, SMMUM_IDR0_CD2L, 1, 0);
    assert_legal(&r, w);

    /* S1ContextPtr is an IPA under nesting: checked against IAS. */
    r = base_idr();
    idr_set(&r, 0, SMMUM_IDR0_TTF, 2, 3);   /* AArch32 too: IAS 40 */
    idr_set(&r, 5, SMMUM_IDR5_OAS, 3, 1);   /* OAS 36 */
    g_assert_cmpuint(smmum_idr_ias(&r), ==, 40);
    make_ste(w, 7);
    SET(w, SMMUM_STE_S1CTXPTR, 50, (1ULL << 39) >> 6);
    assert_legal(&r, w);
    SET(w, SMMUM_STE_S1CTXPTR, 50, (1ULL << 40) >> 6);
    assert_illegal(&r, w, SMMUM_STE_ILL_S1CTXPTR);
    make_ste(w, 5);
    SET(w, SMMUM_STE_S1CTXPTR, 50, (1ULL << 39) >> 6);
    assert_illegal(&r, w, SMMUM_STE_ILL_S1CTXPTR);
    /* Stage 2 starting at level 0 for a 40-bit IPA is consistent. */
    r = base_idr();
    make_ste(w, 6);
    SET(w, SMMUM_STE_S2SL0, 2, 2);
    assert_legal(&r, w);

    /* HTTU variants. */
    r = base_idr();
    idr_set(&r, 0, SMMUM_IDR0_HTTU, 2, 1);
    make_ste(w, 6);
    SET(w, SMMUM_STE_S2HA, 1, 1);
    assert_legal(&r, w);
    SET(w, SMMUM_STE_S2HD, 1, 1);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2HTTU);
    idr_set(&r, 0, SMMUM_IDR0_HTTU, 2, 3);
    assert_legal(&r, w);
    SET(w, SMMUM_STE_S2HA, 1, 0);
    SET(w, SMMUM_STE_S2HAFT, 1, 1);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2HTTU);

    /* Unsupported granule. */
    r = base_idr();
    idr_set(&r, 5, SMMUM_IDR5_GRAN4K, 1, 0);
    make_ste(w, 6);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2TG);
    /* 64K granule, 42-bit IPA, start at level 2. */
    SET(w, SMMUM_STE_S2TG, 2, 1);
    SET(w, SMMUM_STE_S2T0SZ, 6, 22);
    SET(w, SMMUM_STE_S2SL0, 2, 1);
    SET(w, SMMUM_STE_S2TTB, 52, 0x80010000ULL >> 4);
    assert_legal(&r, w);
    /* Level 1 with 64K needs 52-bit PAs. */
    SET(w, SMMUM_STE_S2SL0, 2, 2);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2SL0);

    /* VMID16. */
    r = base_idr();
    idr_set(&r, 0, SMMUM_IDR0_VMID16, 1, 0);
    make_ste(w, 6);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2VMID);
    make_ste(w, 5);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2VMID);
    idr_set(&r, 0, SMMUM_IDR0_S2P, 1, 0);   /* no stage 2: no VMID */
    assert_legal(&r, w);
    r = base_idr();
    idr_set(&r, 0, SMMUM_IDR0_VMID16, 1, 0);
    make_ste(w, 4);
    SET(w, SMMUM_STE_S2VMID, 16, 0xff00);
    assert_legal(&r, w);

    /* Big-endian only walker. */
    r = base_idr();
    idr_set(&r, 0, SMMUM_IDR0_TTENDIAN, 2, 3);
    make_ste(w, 6);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2ENDI);
    SET(w, SMMUM_STE_S2ENDI, 1, 1);
    assert_legal(&r, w);

    /* AArch32 stage 2 tables. */
    r = base_idr();
    idr_set(&r, 0, SMMUM_IDR0_TTF, 2, 1);
    make_ste(w, 6);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2AA64);
    SET(w, SMMUM_STE_S2AA64, 1, 0);
    SET(w, SMMUM_STE_S2T0SZ, 6, 0);     /* 32-bit IPA, level 1 */
    SET(w, SMMUM_STE_S2TTB, 52, 0x80000000ULL >> 4);
    assert_legal(&r, w);
    SET(w, SMMUM_STE_S2HA, 1, 1);
    assert_illegal(&r, w, SMMUM_STE_ILL_S2HTTU);
}

static void test_idr_variants(void)
{
    SmmumIdRegs r = base_idr();
    SmmumSteMeaning m;
    uint64_t w[8];

    make_ste(w, SMMUM_STE_CFG_BYPASS);
    SET(w, SMMUM_STE_MTCFG, 1, 1);
    SET(w, SMMUM_STE_MEMATTR, 4, 0xf);
    SET(w, SMMUM_STE_ALLOCCFG, 4, 0xe);
    SET(w, SMMUM_STE_SHCFG, 2, 3);
    SET(w, SMMUM_STE_PRIVCFG, 2, 2);
    SET(w, SMMUM_STE_INSTCFG, 2, 3);
    SET(w, SMMUM_STE_NSCFG, 2, 3);

    decode(&r, w, &m);
    g_assert_cmpint(m.attr.mtcfg, ==, 0);
    g_assert_cmpint(m.attr.memattr, ==, 0);
    g_assert_cmpint(m.attr.alloccfg, ==, 0);
    g_assert_cmpint(m.attr.shcfg, ==, 0);
    g_assert_cmpint(m.perm.privcfg, ==, 0);
    g_assert_cmpint(m.perm.instcfg, ==, 0);

    idr_set(&r, 1, SMMUM_IDR1_ATTR_TYPES_OVR, 1, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.attr.mtcfg, ==, 1);
    g_assert_cmpint(m.attr.memattr, ==, 0xf);
    g_assert_cmpint(m.attr.alloccfg, ==, 0xe);
    g_assert_cmpint(m.attr.shcfg, ==, 3);
    g_assert_cmpint(m.perm.privcfg, ==, 0);
    g_assert_cmpint(m.perm.nscfg, ==, 0);       /* NS stream table */

    idr_set(&r, 1, SMMUM_IDR1_ATTR_PERMS_OVR, 1, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.perm.privcfg, ==, 2);
    g_assert_cmpint(m.perm.instcfg, ==, 3);

    /* "Behaves as" encodings fold into the value they behave as. */
    SET(w, SMMUM_STE_MEMATTR, 4, 0x8);          /* reserved: Device */
    SET(w, SMMUM_STE_ALLOCCFG, 4, 0x5);         /* 0b0xxx: incoming */
    SET(w, SMMUM_STE_PRIVCFG, 2, 1);            /* reserved: incoming */
    decode(&r, w, &m);
    g_assert_cmpint(m.attr.memattr, ==, 0);
    g_assert_cmpint(m.attr.alloccfg, ==, 0);
    g_assert_cmpint(m.perm.privcfg, ==, 0);
    SET(w, SMMUM_STE_ALLOCCFG, 4, 0x9);
    SET(w, SMMUM_STE_MTCFG, 1, 0);              /* MemAttr now RES0 */
    decode(&r, w, &m);
    g_assert_cmpint(m.attr.alloccfg, ==, 8);
    g_assert_cmpint(m.attr.memattr, ==, 0);

    /* ATS on/off. */
    r = base_idr();
    make_ste(w, SMMUM_STE_CFG_S1);
    SET(w, SMMUM_STE_EATS, 2, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.ats.eats, ==, 0);
    idr_set(&r, 0, SMMUM_IDR0_ATS, 1, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.ats.eats, ==, 1);
    SET(w, SMMUM_STE_EATS, 2, 3);       /* DPT not implemented: as 0 */
    decode(&r, w, &m);
    g_assert_cmpint(m.ats.eats, ==, 0);
    make_ste(w, SMMUM_STE_CFG_BYPASS);
    SET(w, SMMUM_STE_EATS, 2, 1);       /* bypass: effectively 0 */
    decode(&r, w, &m);
    g_assert_cmpint(m.ats.eats, ==, 0);

    /* Substreams: S1CDMax, S1DSS, S1Fmt and the pointer alignment. */
    r = base_idr();
    idr_set(&r, 1, SMMUM_IDR1_SSIDSIZE, 5, 20);
    make_ste(w, SMMUM_STE_CFG_S1);
    SET(w, SMMUM_STE_S1CDMAX, 5, 4);
    SET(w, SMMUM_STE_S1DSS, 2, 3);      /* reserved: terminate */
    w[0] |= 0x3c0;                      /* RES0 for a 16-CD table */
    decode(&r, w, &m);
    g_assert_cmpint(m.regime.s1_cd_max, ==, 4);
    g_assert_cmpint(m.regime.s1_dss, ==, 0);
    g_assert_cmphex(m.regime.s1_context_ptr, ==, 0x40001000ULL);
    SET(w, SMMUM_STE_S1DSS, 2, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.regime.s1_dss, ==, 1);

    /* Shareability: NC/NC is OSH whatever S1CSH says. */
    r = base_idr();
    make_ste(w, SMMUM_STE_CFG_S1);
    SET(w, SMMUM_STE_S1CIR, 2, 0);
    SET(w, SMMUM_STE_S1COR, 2, 0);
    SET(w, SMMUM_STE_S1CSH, 2, 0);
    decode(&r, w, &m);
    g_assert_cmpint(m.attr.s1_csh, ==, 2);

    /* S2TTB low bits below the table alignment are not part of it. */
    make_ste(w, SMMUM_STE_CFG_S2);
    SET(w, SMMUM_STE_S2TTB, 52, 0x80003ff0ULL >> 4);
    decode(&r, w, &m);
    g_assert_cmphex(m.regime.s2_ttb, ==, 0x80002000ULL);
    /* S2PS above OAS is capped. */
    SET(w, SMMUM_STE_S2PS, 3, 6);
    decode(&r, w, &m);
    g_assert_cmpint(m.regime.s2_ps, ==, 4);
}

/* Fields a given Config IGNOREs under the ID registers of base_idr(). */
typedef struct Fld {
    unsigned pos, len;
} Fld;

static const Fld always_ignored[] = {
    { SMMUM_STE_MEV, 1 }, { SMMUM_STE_SW_RESERVED, 4 },
    { SMMUM_STE_CONT, 4 }, { SMMUM_STE_DRE, 1 }, { SMMUM_STE_DCP, 1 },
    { SMMUM_STE_PPAR, 1 }, { SMMUM_STE_S1MPAM, 1 }, { SMMUM_STE_S1PIE, 1 },
    { SMMUM_STE_S2HWU, 4 }, { SMMUM_STE_NSCFG, 2 },
    { SMMUM_STE_IMPDEF0, 12 }, { SMMUM_STE_IMPDEF1, 16 },
    { SMMUM_STE_PARTID, 16 }, { SMMUM_STE_MECID, 16 }, { SMMUM_STE_PMG, 8 },
    { SMMUM_STE_VMSPTR, 44 }, { SMMUM_STE_S2NSW, 1 }, { SMMUM_STE_S2NSA, 1 },
    { SMMUM_STE_S2SL0_2, 1 }, { SMMUM_STE_S2DS, 1 }, { SMMUM_STE_S2FWB, 1 },
    { SMMUM_STE_S2HAFT, 1 }, { SMMUM_STE_STRW, 2 },
    /* with IDR1.SSIDSIZE = 0 */
    { SMMUM_STE_S1CDMAX, 5 }, { SMMUM_STE_S1FMT, 2 }, { SMMUM_STE_S1DSS, 2 },
    /* with IDR0.ATS = 0 */
    { SMMUM_STE_EATS, 2 },
};

static const Fld s1_fields[] = {
    { SMMUM_STE_S1CTXPTR, 50 }, { SMMUM_STE_S1CIR, 2 },
    { SMMUM_STE_S1COR, 2 }, { SMMUM_STE_S1CSH, 2 },
    { SMMUM_STE_S1STALLD, 1 },
};

static const Fld s2_fields[] = {
    { SMMUM_STE_S2T0SZ, 6 }, { SMMUM_STE_S2SL0, 2 }, { SMMUM_STE_S2IR0, 2 },
    { SMMUM_STE_S2OR0, 2 }, { SMMUM_STE_S2SH0, 2 }, { SMMUM_STE_S2TG, 2 },
    { SMMUM_STE_S2PS, 3 }, { SMMUM_STE_S2AA64, 1 }, { SMMUM_STE_S2ENDI, 1 },
    { SMMUM_STE_S2AFFD, 1 }, { SMMUM_STE_S2PTW, 1 }, { SMMUM_STE_S2HD, 1 },
    { SMMUM_STE_S2HA, 1 }, { SMMUM_STE_S2S, 1 }, { SMMUM_STE_S2R, 1 },
    { SMMUM_STE_S2TTB, 52 },
};

static const Fld ovr_fields[] = {
    { SMMUM_STE_MEMATTR, 4 }, { SMMUM_STE_MTCFG, 1 },
    { SMMUM_STE_ALLOCCFG, 4 }, { SMMUM_STE_SHCFG, 2 },
    { SMMUM_STE_PRIVCFG, 2 }, { SMMUM_STE_INSTCFG, 2 },
};

static uint64_t rand64(void)
{
    return ((uint64_t)g_test_rand_int() << 32) ^ (uint32_t)g_test_rand_int();
}

static void randomise(uint64_t w[8], const Fld *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        SET(w, f[i].pos, f[i].len, rand64());
    }
}

/*
 * For every Config, randomising each field it IGNOREs never changes the
 * meaning (and so can never make the STE ILLEGAL either).
 */
static void test_ignored_property(void)
{
    for (unsigned ovr = 0; ovr < 2; ovr++) {
        SmmumIdRegs r = base_idr();

        if (ovr) {
            idr_set(&r, 1, SMMUM_IDR1_ATTR_TYPES_OVR, 1, 1);
            idr_set(&r, 1, SMMUM_IDR1_ATTR_PERMS_OVR, 1, 1);
        }
        for (unsigned c = 0; c < 8; c++) {
            SmmumSteMeaning ref, m;
            uint64_t base[8], w[8];

            make_ste(base, c);
            smmum_ste_decode(&r, base, &ref);
            g_assert_cmpint(ref.abort_why, !=, SMMUM_ABORT_ILLEGAL);
            for (unsigned it = 0; it < 500; it++) {
                memcpy(w, base, sizeof(w));
                randomise(w, always_ignored,
                          G_N_ELEMENTS(always_ignored));
                if (!(c & 1) || !(c & 4)) {
                    randomise(w, s1_fields, G_N_ELEMENTS(s1_fields));
                }
                if (!(c & 2) || !(c & 4)) {
                    randomise(w, s2_fields, G_N_ELEMENTS(s2_fields));
                }
                if (!(c & 3) || !(c & 4)) {
                    SET(w, SMMUM_STE_S2VMID, 16, rand64());
                }
                if (!ovr || !(c & 4)) {
                    randomise(w, ovr_fields, G_N_ELEMENTS(ovr_fields));
                }
                smmum_ste_decode(&r, w, &m);
                if (memcmp(&m, &ref, sizeof(m))) {
                    g_test_message("config %u ovr %u: meaning changed "
                                   "(illegal_code %u)", c, ovr,
                                   m.illegal_code);
                }
                g_assert_cmpmem(&m, sizeof(m), &ref, sizeof(ref));
            }
        }
    }
}

/* Invalid STEs mean the same whatever else they hold. */
static void test_invalid_property(void)
{
    SmmumIdRegs r = base_idr();
    SmmumSteMeaning ref, m;
    uint64_t w[8] = { 0 };

    smmum_ste_decode(&r, w, &ref);
    g_assert_cmpint(ref.abort_why, ==, SMMUM_ABORT_INVALID);
    for (unsigned it = 0; it < 1000; it++) {
        for (unsigned i = 0; i < 8; i++) {
            w[i] = rand64();
        }
        w[0] &= ~1ULL;
        smmum_ste_decode(&r, w, &m);
        g_assert_cmpmem(&m, sizeof(m), &ref, sizeof(ref));
    }
}

/* Arbitrary words never crash the decoder and always give an outcome. */
static void test_random_words(void)
{
    SmmumIdRegs r = base_idr();
    SmmumSteMeaning m;
    uint64_t w[8];

    idr_set(&r, 0, SMMUM_IDR0_ATS, 1, 1);
    idr_set(&r, 0, SMMUM_IDR0_HYP, 1, 1);
    idr_set(&r, 0, SMMUM_IDR0_TTF, 2, 3);
    idr_set(&r, 1, SMMUM_IDR1_SSIDSIZE, 5, 20);
    for (unsigned it = 0; it < 20000; it++) {
        for (unsigned i = 0; i < 8; i++) {
            w[i] = rand64();
        }
        smmum_ste_decode(&r, w, &m);
        g_assert_cmpint(m.outcome, <=, SMMUM_OUT_TRANSLATE);
        if (m.outcome != SMMUM_OUT_ABORT) {
            g_assert_cmpint(m.abort_why, ==, SMMUM_ABORT_NONE);
        }
    }
}

static void test_l1std(void)
{
    SmmumIdRegs r = base_idr();
    SmmumL1Meaning m;

    smmum_l1std_decode(&r, 0x80000000ULL, &m);
    g_assert_cmpint(m.valid, ==, 0);
    g_assert_cmphex(m.l2ptr, ==, 0);
    for (unsigned span = 12; span < 32; span++) {
        smmum_l1std_decode(&r, 0x80000000ULL | span, &m);
        g_assert_cmpint(m.valid, ==, 0);
        g_assert_cmpint(m.span, ==, 0);
        g_assert_cmphex(m.l2ptr, ==, 0);
    }
    for (unsigned span = 1; span <= 11; span++) {
        uint64_t w = 0xff00001234567fc0ULL | span | 0x20;

        smmum_l1std_decode(&r, w, &m);
        g_assert_cmpint(m.valid, ==, 1);
        g_assert_cmpint(m.span, ==, span);
        /* Aligned to 2^(span-1) STEs of 64 bytes; bits above 55 gone. */
        g_assert_cmphex(m.l2ptr, ==,
                        0x0000001234567fc0ULL & ~((1ULL << (span + 5)) - 1));
    }
}

/*
 * STE.S2FWB means something only with IDR3.FWB; the core advertises FWB
 * with stage 2 unless the s2fwb choice is off.
 */
static void test_s2fwb(void)
{
    FakeMem mem;
    SmmumCore core;
    SmmumConfig cfg;
    SmmumHost host;
    SmmumIdRegs r = base_idr();
    SmmumSteMeaning m, m_fwb0;
    uint64_t w[8];
    static const struct {
        bool s2fwb, stage2, want;
    } cases[] = {
        { true, true, true }, { false, true, false }, { true, false, false },
    };

    make_ste(w, SMMUM_STE_CFG_S2);
    SET(w, SMMUM_STE_S2FWB, 1, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.attr.s2_fwb, ==, 0);          /* RES0 without FWB */
    idr_set(&r, 3, SMMUM_IDR3_FWB, 1, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.attr.s2_fwb, ==, 1);
    SET(w, SMMUM_STE_S2FWB, 1, 0);
    decode(&r, w, &m_fwb0);
    g_assert_cmpint(m_fwb0.attr.s2_fwb, ==, 0);
    g_assert_cmpmem(&m.regime, sizeof(m.regime),
                    &m_fwb0.regime, sizeof(m_fwb0.regime));
    /* Nested: the stage 2 half carries it too. */
    make_ste(w, SMMUM_STE_CFG_NESTED);
    SET(w, SMMUM_STE_S2FWB, 1, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpint(m.attr.s2_fwb, ==, 1);
    /* Stage 1 only: no stage 2 attributes at all. */
    make_ste(w, SMMUM_STE_CFG_S1);
    SET(w, SMMUM_STE_S2FWB, 1, 1);
    decode(&r, w, &m);
    g_assert_cmpint(m.attr.s2_fwb, ==, 0);

    fake_mem_init(&mem);
    host = fake_mem_host(&mem);
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        smmum_config_default(&cfg);
        g_assert_true(cfg.s2fwb);
        cfg.s2fwb = cases[i].s2fwb;
        cfg.stage2 = cases[i].stage2;
        smmum_core_init(&core, &cfg, &host);
        g_assert_cmpint(SMMUM_EX(smmum_mmio_read(&core, SMMUM_IDR3, 4),
                                 SMMUM_IDR3_FWB, 1), ==, cases[i].want);
        smmum_core_finalize(&core);
    }
    fake_mem_destroy(&mem);
}

/* The core's ID registers feed the decoders. */
static void test_idregs_from_core(void)
{
    FakeMem mem;
    SmmumCore core;
    SmmumConfig cfg;
    SmmumHost host;
    SmmumIdRegs r;

    fake_mem_init(&mem);
    host = fake_mem_host(&mem);
    smmum_config_default(&cfg);
    smmum_core_init(&core, &cfg, &host);
    smmum_idregs_from_core(&core, &r);
    for (unsigned i = 0; i < 6; i++) {
        g_assert_cmphex(r.idr[i], ==, smmum_mmio_read(&core, i * 4, 4));
    }
    g_assert_cmpuint(smmum_idr_oas(&r), ==, cfg.oas_bits);
    smmum_core_finalize(&core);
    fake_mem_destroy(&mem);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ste/configs", test_configs);
    for (size_t i = 0; i < G_N_ELEMENTS(ill_cases); i++) {
        char *name = g_strdup_printf("/ste/illegal/%s", ill_cases[i].name);

        g_test_add_data_func(name, &ill_cases[i], test_illegal_case);
        g_free(name);
    }
    g_test_add_func("/ste/illegal-idr", test_illegal_idr);
    g_test_add_func("/ste/idr-variants", test_idr_variants);
    g_test_add_func("/ste/ignored-property", test_ignored_property);
    g_test_add_func("/ste/invalid-property", test_invalid_property);
    g_test_add_func("/ste/random-words", test_random_words);
    g_test_add_func("/l1std/decode", test_l1std);
    g_test_add_func("/ste/idregs-from-core", test_idregs_from_core);
    g_test_add_func("/ste/s2fwb", test_s2fwb);
    return g_test_run();
}
