/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: Context Descriptor and L1CD decoding (CdIllegal, IGNORED
 * fields), CD selection by SubstreamID and CD table addressing.
 */
#include <string.h>
#include <glib.h>

#include "smmum-cd.h"
#include "smmum-regs.h"

#define DEP(v, pos, len, f) SMMUM_DEP(v, pos, len, f)

static SmmumIdRegs test_idr(void)
{
    SmmumIdRegs r = { { 0 } };

    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_S1P, 1, 1);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_S2P, 1, 1);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_TTF, 2, 2);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_HTTU, 2, 2);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_ASID16, 1, 1);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_VMID16, 1, 1);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_CD2L, 1, 1);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_TTENDIAN, 2, 2);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_STALL_MODEL, 2, 0);
    r.idr[1] = DEP(r.idr[1], SMMUM_IDR1_SSIDSIZE, 5, 20);
    r.idr[3] = DEP(r.idr[3], SMMUM_IDR3_HAD, 1, 1);
    r.idr[5] = DEP(r.idr[5], SMMUM_IDR5_OAS, 3, 5);    /* 48 bits */
    r.idr[5] = DEP(r.idr[5], SMMUM_IDR5_GRAN4K, 1, 1);
    r.idr[5] = DEP(r.idr[5], SMMUM_IDR5_GRAN16K, 1, 1);
    r.idr[5] = DEP(r.idr[5], SMMUM_IDR5_GRAN64K, 1, 1);
    return r;
}

/* A CD as Linux programs it for a 48-bit VA, 4K-granule domain. */
static void linux_cd(uint64_t w[8])
{
    memset(w, 0, 8 * sizeof(w[0]));
    w[0] = DEP(w[0], 0, 6, 16);             /* T0SZ */
    w[0] = DEP(w[0], 6, 2, 0);              /* TG0 4K */
    w[0] = DEP(w[0], 8, 2, 1);              /* IR0 WBWA */
    w[0] = DEP(w[0], 10, 2, 1);             /* OR0 */
    w[0] = DEP(w[0], 12, 2, 3);             /* SH0 inner */
    w[0] = DEP(w[0], 30, 1, 1);             /* EPD1 */
    w[0] = DEP(w[0], 31, 1, 1);             /* V */
    w[0] = DEP(w[0], 32, 3, 5);             /* IPS 48 */
    w[0] = DEP(w[0], 41, 1, 1);             /* AA64 */
    w[0] = DEP(w[0], 45, 1, 1);             /* R */
    w[0] = DEP(w[0], 46, 1, 1);             /* A */
    w[0] = DEP(w[0], 47, 1, 1);             /* ASET */
    w[0] = DEP(w[0], 48, 16, 0x1234);       /* ASID */
    w[1] = 0x0000812345678000ULL;           /* TTB0 */
    w[3] = 0x0000000000ff04ffULL;           /* MAIR */
}

static const SmmumCdCtx ctx_el1 = { 0 };

static void decode(const uint64_t w[8], SmmumCdMeaning *m)
{
    SmmumIdRegs idr = test_idr();

    smmum_cd_decode(&idr, &ctx_el1, w, m);
}

static void test_basic(void)
{
    uint64_t w[8];
    SmmumCdMeaning m;

    linux_cd(w);
    decode(w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpint(m.abort_why, ==, SMMUM_ABORT_NONE);
    g_assert_cmphex(m.regime.asid, ==, 0x1234);
    g_assert_cmphex(m.regime.ttb0, ==, 0x0000812345678000ULL);
    g_assert_cmpuint(m.regime.t0sz, ==, 16);
    g_assert_cmpuint(m.regime.tg0, ==, 0);
    g_assert_cmpuint(m.regime.epd0, ==, 0);
    g_assert_cmpuint(m.regime.epd1, ==, 1);
    g_assert_cmphex(m.regime.ttb1, ==, 0);
    g_assert_cmpuint(m.regime.ips, ==, 5);
    g_assert_cmpuint(m.regime.aa64, ==, 1);
    g_assert_cmpuint(m.regime.aset, ==, 1);
    g_assert_cmpuint(m.perm.r, ==, 1);
    g_assert_cmpuint(m.perm.a, ==, 1);
    g_assert_cmpuint(m.perm.s, ==, 0);
    g_assert_cmpuint(m.attr.ir0, ==, 1);
    g_assert_cmpuint(m.attr.sh0, ==, 3);
    g_assert_cmphex(m.attr.mair, ==, 0xff04ffULL);

    /* IPS above the OAS is the OAS. */
    w[0] = DEP(w[0], 32, 3, 6);
    decode(w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpuint(m.regime.ips, ==, 5);

    /* HD without HA means nothing. */
    linux_cd(w);
    w[0] = DEP(w[0], 42, 1, 1);
    decode(w, &m);
    g_assert_cmpuint(m.perm.hd, ==, 0);
    w[0] = DEP(w[0], 43, 1, 1);
    decode(w, &m);
    g_assert_cmpuint(m.perm.hd, ==, 1);
    g_assert_cmpuint(m.perm.ha, ==, 1);
}

static void test_invalid(void)
{
    uint64_t w[8];
    SmmumCdMeaning m;

    linux_cd(w);
    w[0] = DEP(w[0], 31, 1, 0);
    decode(w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_ABORT);
    g_assert_cmpint(m.abort_why, ==, SMMUM_ABORT_INVALID);
    g_assert_cmphex(m.regime.asid, ==, 0);
    g_assert_cmphex(m.regime.ttb0, ==, 0);
}

typedef struct IllCase {
    const char *name;
    unsigned word, pos, len;
    uint64_t val;
    unsigned idr_reg, idr_pos, idr_len;     /* idr_len 0: none */
    uint32_t idr_val;
    uint8_t s1_stalld;
    int expect;                             /* SmmumCdIllegal */
} IllCase;

static const IllCase ill_cases[] = {
    { "S with S1STALLD", 0, 44, 1, 1, 0, 0, 0, 0, 1, SMMUM_CD_ILL_STALL },
    { "S without stall", 0, 44, 1, 1, 0, SMMUM_IDR0_STALL_MODEL, 2, 1, 0,
      SMMUM_CD_ILL_STALL },
    { "A=0 with TERM_MODEL", 0, 46, 1, 0, 0, SMMUM_IDR0_TERM_MODEL, 1, 1, 0,
      SMMUM_CD_ILL_TERM },
    { "AArch32 tables", 0, 41, 1, 0, 0, 0, 0, 0, 0, SMMUM_CD_ILL_AA64 },
    { "AArch64 not in TTF", 0, 47, 1, 1, 0, SMMUM_IDR0_TTF, 2, 1, 0,
      SMMUM_CD_ILL_AA64 },
    { "HA without HTTU", 0, 43, 1, 1, 0, SMMUM_IDR0_HTTU, 2, 0, 0,
      SMMUM_CD_ILL_HTTU },
    { "HD with HTTU=AF", 0, 42, 1, 1, 0, SMMUM_IDR0_HTTU, 2, 1, 0,
      SMMUM_CD_ILL_HTTU },
    { "ASID16", 0, 56, 1, 1, 0, SMMUM_IDR0_ASID16, 1, 0, 0,
      SMMUM_CD_ILL_ASID },
    { "T0SZ 40", 0, 0, 6, 40, 0, 0, 0, 0, 0, SMMUM_CD_ILL_T0SZ },
    { "T0SZ 15", 0, 0, 6, 15, 0, 0, 0, 0, 0, SMMUM_CD_ILL_T0SZ },
    { "T0SZ 12 without VAX", 0, 0, 6, 12, 0, 0, 0, 0, 0,
      SMMUM_CD_ILL_T0SZ },
    { "TG0 reserved", 0, 6, 2, 3, 0, 0, 0, 0, 0, SMMUM_CD_ILL_TG0 },
    { "TG0 16K unsupported", 0, 6, 2, 2, 5, SMMUM_IDR5_GRAN16K, 1, 0, 0,
      SMMUM_CD_ILL_TG0 },
    { "TTB0 beyond OAS", 1, 48, 1, 1, 0, 0, 0, 0, 0, SMMUM_CD_ILL_TTB0 },
    { "ENDI big on LE-only", 0, 15, 1, 1, 0, 0, 0, 0, 0, SMMUM_CD_ILL_ENDI },
    { "ENDI little on BE-only", 0, 15, 1, 0, 0, SMMUM_IDR0_TTENDIAN, 2, 3, 0,
      SMMUM_CD_ILL_ENDI },
    /* TTB1 enabled (EPD1=0) with a bad T1SZ / TG1 / TTB1. */
    { "TG1 reserved", 0, 30, 1, 0, 0, 0, 0, 0, 0, SMMUM_CD_ILL_TG1 },
};

static void test_illegal(void)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(ill_cases); i++) {
        const IllCase *c = &ill_cases[i];
        SmmumIdRegs idr = test_idr();
        SmmumCdCtx ctx = { .s1_stalld = c->s1_stalld };
        SmmumCdMeaning m;
        uint64_t w[8];

        linux_cd(w);
        w[c->word] = DEP(w[c->word], c->pos, c->len, c->val);
        if (c->idr_len) {
            idr.idr[c->idr_reg] = DEP(idr.idr[c->idr_reg], c->idr_pos,
                                      c->idr_len, c->idr_val);
        }
        smmum_cd_decode(&idr, &ctx, w, &m);
        if (m.illegal_code != c->expect) {
            g_test_message("case '%s': illegal_code %u, expected %d",
                           c->name, m.illegal_code, c->expect);
        }
        g_assert_cmpint(m.illegal_code, ==, c->expect);
        g_assert_cmpint(m.outcome, ==, SMMUM_OUT_ABORT);
        g_assert_cmpint(m.abort_why, ==, SMMUM_ABORT_ILLEGAL);
        g_assert_cmphex(m.regime.ttb0, ==, 0);
    }
}

static void test_ttb1(void)
{
    SmmumIdRegs idr = test_idr();
    SmmumCdMeaning m;
    uint64_t w[8];

    linux_cd(w);
    w[0] = DEP(w[0], 30, 1, 0);             /* EPD1=0 */
    w[0] = DEP(w[0], 16, 6, 25);            /* T1SZ */
    w[0] = DEP(w[0], 22, 2, 3);             /* TG1 64K */
    w[0] = DEP(w[0], 39, 1, 1);             /* TBI1 */
    w[2] = 0x0000000123450000ULL;
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpuint(m.regime.epd1, ==, 0);
    g_assert_cmpuint(m.regime.t1sz, ==, 25);
    g_assert_cmpuint(m.regime.tg1, ==, 3);
    g_assert_cmpuint(m.regime.tbi1, ==, 1);
    g_assert_cmphex(m.regime.ttb1, ==, 0x123450000ULL);

    /* TTB0 beyond a 40-bit IPS, fine with IPS 48. */
    linux_cd(w);
    w[1] = 0x0000010000000000ULL;
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    w[0] = DEP(w[0], 32, 3, 2);
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.illegal_code, ==, SMMUM_CD_ILL_TTB0);
    linux_cd(w);
    w[0] = DEP(w[0], 30, 1, 0);
    w[0] = DEP(w[0], 22, 2, 2);
    w[0] = DEP(w[0], 16, 6, 16);
    w[1] = 0x1000;
    w[2] = 0x0000010000000000ULL;
    w[0] = DEP(w[0], 32, 3, 2);
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.illegal_code, ==, SMMUM_CD_ILL_TTB1);

    linux_cd(w);
    w[0] = DEP(w[0], 30, 1, 0);
    w[0] = DEP(w[0], 16, 6, 25);
    w[0] = DEP(w[0], 22, 2, 3);
    w[2] = 0x0000000123450000ULL;

    /* T1SZ is judged when TTB1 is enabled, not when EPD1=1. */
    w[0] = DEP(w[0], 16, 6, 45);
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.illegal_code, ==, SMMUM_CD_ILL_T1SZ);
    w[0] = DEP(w[0], 30, 1, 1);
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmphex(m.regime.ttb1, ==, 0);

    /* T0SZ likewise with EPD0=1. */
    linux_cd(w);
    w[0] = DEP(w[0], 0, 6, 63);
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.illegal_code, ==, SMMUM_CD_ILL_T0SZ);
    w[0] = DEP(w[0], 14, 1, 1);
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpuint(m.regime.t0sz, ==, 0);
    g_assert_cmphex(m.regime.ttb0, ==, 0);

    /* 52-bit VA with 64K granule needs IDR5.VAX. */
    linux_cd(w);
    w[0] = DEP(w[0], 6, 2, 1);
    w[0] = DEP(w[0], 0, 6, 12);
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.illegal_code, ==, SMMUM_CD_ILL_T0SZ);
    idr.idr[5] = DEP(idr.idr[5], SMMUM_IDR5_VAX, 2, 1);
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpuint(m.regime.t0sz, ==, 12);
}

static void test_el2(void)
{
    SmmumIdRegs idr = test_idr();
    SmmumCdCtx el2 = { .strw = SMMUM_STRW_EL2 };
    SmmumCdMeaning m;
    uint64_t w[8];

    linux_cd(w);
    w[0] = DEP(w[0], 30, 1, 0);             /* EPD1=0, TG1 reserved */
    w[0] = DEP(w[0], 40, 1, 1);             /* PAN */
    smmum_cd_decode(&idr, &el2, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpuint(m.regime.asid, ==, 0);
    g_assert_cmpuint(m.regime.epd1, ==, 1);
    g_assert_cmpuint(m.perm.pan, ==, 0);
    smmum_cd_decode(&idr, &ctx_el1, w, &m);
    g_assert_cmpint(m.illegal_code, ==, SMMUM_CD_ILL_TG1);
}

/* Fields of w that the configuration does not use, as (word, pos, len). */
typedef struct Field {
    unsigned word, pos, len;
} Field;

static unsigned ignored_fields(const uint64_t w[8], const SmmumCdCtx *ctx,
                               const SmmumIdRegs *idr, Field *f)
{
    unsigned n = 0;
    bool el2 = ctx->strw == SMMUM_STRW_EL2;

    f[n++] = (Field) { 1, 0, 1 };           /* NSCFG0 */
    f[n++] = (Field) { 2, 0, 1 };           /* NSCFG1 */
    f[n++] = (Field) { 5, 0, 64 };          /* not decoded words */
    f[n++] = (Field) { 6, 0, 64 };
    f[n++] = (Field) { 7, 0, 64 };
    if (SMMUM_EX(w[0], 14, 1)) {            /* EPD0 */
        f[n++] = (Field) { 0, 0, 14 };      /* T0SZ TG0 IR0 OR0 SH0 */
        f[n++] = (Field) { 0, 38, 1 };      /* TBI0 */
        f[n++] = (Field) { 1, 1, 1 };       /* HAD0 */
        f[n++] = (Field) { 1, 4, 48 };      /* TTB0 */
    }
    if (el2 || SMMUM_EX(w[0], 30, 1)) {
        f[n++] = (Field) { 0, 16, 14 };     /* T1SZ TG1 IR1 OR1 SH1 */
        f[n++] = (Field) { 0, 39, 1 };
        f[n++] = (Field) { 2, 1, 1 };
        f[n++] = (Field) { 2, 4, 48 };
    }
    if (el2) {
        f[n++] = (Field) { 0, 30, 1 };      /* EPD1 */
        f[n++] = (Field) { 0, 37, 1 };      /* UWXN */
        f[n++] = (Field) { 0, 40, 1 };      /* PAN */
        f[n++] = (Field) { 0, 48, 16 };     /* ASID */
    }
    if (!SMMUM_EX(idr->idr[3], SMMUM_IDR3_HAD, 1)) {
        f[n++] = (Field) { 1, 1, 1 };
        f[n++] = (Field) { 2, 1, 1 };
    }
    if (!SMMUM_EX(idr->idr[5], 7, 1)) {
        f[n++] = (Field) { 2, 58, 1 };      /* DS */
    }
    return n;
}

static uint64_t rnd64(GRand *r)
{
    return ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);
}

/* A random CD that decodes to TRANSLATE under idr/ctx. */
static void random_valid_cd(GRand *r, const SmmumIdRegs *idr,
                            const SmmumCdCtx *ctx, uint64_t w[8])
{
    static const uint8_t tg1_of_tg0[3] = { 2, 3, 1 };
    SmmumCdMeaning m;

    do {
        unsigned tg0 = g_rand_int_range(r, 0, 3);

        for (int i = 0; i < 8; i++) {
            w[i] = rnd64(r);
        }
        w[0] = DEP(w[0], 0, 6, g_rand_int_range(r, 16, 40));
        w[0] = DEP(w[0], 6, 2, tg0);
        w[0] = DEP(w[0], 16, 6, g_rand_int_range(r, 16, 40));
        w[0] = DEP(w[0], 22, 2, tg1_of_tg0[g_rand_int_range(r, 0, 3)]);
        w[0] = DEP(w[0], 15, 1, 0);
        w[0] = DEP(w[0], 31, 1, 1);
        w[0] = DEP(w[0], 41, 1, 1);
        w[0] = DEP(w[0], 44, 1, 0);
        w[1] &= SMMUM_MASK(44) | (SMMUM_MASK(8) << 56);
        w[2] &= SMMUM_MASK(44) | (SMMUM_MASK(8) << 56);
        smmum_cd_decode(idr, ctx, w, &m);
    } while (m.outcome != SMMUM_OUT_TRANSLATE);
}

static void check_ignored(const SmmumIdRegs *idr, const SmmumCdCtx *ctx,
                          unsigned iters)
{
    GRand *r = g_rand_new_with_seed(0x5eed);
    unsigned changed_used = 0;

    for (unsigned it = 0; it < iters; it++) {
        uint64_t w[8], w2[8];
        SmmumCdMeaning a, b;
        Field f[32];
        unsigned n;

        random_valid_cd(r, idr, ctx, w);
        smmum_cd_decode(idr, ctx, w, &a);
        n = ignored_fields(w, ctx, idr, f);
        for (int k = 0; k < 8; k++) {
            memcpy(w2, w, sizeof(w2));
            for (unsigned j = 0; j < n; j++) {
                if (g_rand_boolean(r)) {
                    w2[f[j].word] = DEP(w2[f[j].word], f[j].pos, f[j].len,
                                        rnd64(r));
                }
            }
            smmum_cd_decode(idr, ctx, w2, &b);
            g_assert_cmpmem(&a, sizeof(a), &b, sizeof(b));
        }
        /* A used field (ASID, or MAIR under EL2) changes the meaning. */
        memcpy(w2, w, sizeof(w2));
        w2[3] ^= 1;
        smmum_cd_decode(idr, ctx, w2, &b);
        changed_used += memcmp(&a, &b, sizeof(a)) != 0;
    }
    g_assert_cmpuint(changed_used, ==, iters);
    g_rand_free(r);
}

static void test_ignored_property(void)
{
    SmmumIdRegs idr = test_idr();
    SmmumCdCtx el2 = { .strw = SMMUM_STRW_EL2 };
    SmmumCdCtx stalld = { .s1_stalld = 1 };

    check_ignored(&idr, &ctx_el1, 500);
    check_ignored(&idr, &el2, 300);
    check_ignored(&idr, &stalld, 200);
    idr.idr[3] = 0;                         /* no HAD */
    check_ignored(&idr, &ctx_el1, 300);
}

static void test_l1cd(void)
{
    SmmumIdRegs idr = test_idr();
    SmmumL1Meaning m;

    smmum_l1cd_decode(&idr, 0x0000123456789000ULL, &m);
    g_assert_cmpuint(m.valid, ==, 0);
    g_assert_cmphex(m.l2ptr, ==, 0);
    smmum_l1cd_decode(&idr, 0xff00123456789fffULL, &m);
    g_assert_cmpuint(m.valid, ==, 1);
    g_assert_cmphex(m.l2ptr, ==, 0x0000123456789000ULL);
    g_assert_cmpuint(m.span, ==, 0);
}

static void s1_ste(SmmumSteMeaning *ste, uint8_t fmt, uint8_t max,
                   uint8_t dss)
{
    memset(ste, 0, sizeof(*ste));
    ste->outcome = SMMUM_OUT_TRANSLATE;
    ste->regime.config = 5;
    ste->regime.s1_context_ptr = 0x80000000ULL;
    ste->regime.s1_fmt = fmt;
    ste->regime.s1_cd_max = max;
    ste->regime.s1_dss = dss;
}

static void test_select(void)
{
    SmmumIdRegs idr = test_idr();
    SmmumSteMeaning ste;
    uint32_t idx = 99;

    s1_ste(&ste, 0, 0, 0);
    g_assert_cmpint(smmum_cd_select(&idr, &ste, false, 0, &idx), ==,
                    SMMUM_CDSEL_CD);
    g_assert_cmpuint(idx, ==, 0);
    g_assert_cmpint(smmum_cd_select(&idr, &ste, true, 0, &idx), ==,
                    SMMUM_CDSEL_BAD_SSID);

    s1_ste(&ste, 0, 4, 0);
    g_assert_cmpint(smmum_cd_select(&idr, &ste, false, 0, &idx), ==,
                    SMMUM_CDSEL_DISABLED);
    g_assert_cmpint(smmum_cd_select(&idr, &ste, true, 15, &idx), ==,
                    SMMUM_CDSEL_CD);
    g_assert_cmpuint(idx, ==, 15);
    g_assert_cmpint(smmum_cd_select(&idr, &ste, true, 16, &idx), ==,
                    SMMUM_CDSEL_BAD_SSID);
    g_assert_cmpint(smmum_cd_select(&idr, &ste, true, 0, &idx), ==,
                    SMMUM_CDSEL_CD);

    s1_ste(&ste, 0, 4, 1);
    g_assert_cmpint(smmum_cd_select(&idr, &ste, false, 0, &idx), ==,
                    SMMUM_CDSEL_S1_BYPASS);
    s1_ste(&ste, 0, 4, 2);
    g_assert_cmpint(smmum_cd_select(&idr, &ste, false, 7, &idx), ==,
                    SMMUM_CDSEL_CD);
    g_assert_cmpuint(idx, ==, 0);
    g_assert_cmpint(smmum_cd_select(&idr, &ste, true, 0, &idx), ==,
                    SMMUM_CDSEL_BAD_SSID);
    g_assert_cmpint(smmum_cd_select(&idr, &ste, true, 3, &idx), ==,
                    SMMUM_CDSEL_CD);
    g_assert_cmpuint(idx, ==, 3);
}

static void test_locate(void)
{
    SmmumSteMeaning ste;
    SmmumCdLoc loc;
    SmmumL1Meaning l1 = { .valid = 1, .l2ptr = 0x90000000ULL };

    s1_ste(&ste, 0, 8, 0);
    smmum_cd_locate(&ste, 5, &loc);
    g_assert_false(loc.two_level);
    g_assert_cmphex(loc.cd_addr, ==, 0x80000000ULL + 5 * 64);

    /* 4KB leaves: SSID[5:0] in the leaf, the rest indexes the L1. */
    s1_ste(&ste, 1, 20, 0);
    smmum_cd_locate(&ste, 0x12345, &loc);
    g_assert_true(loc.two_level);
    g_assert_cmphex(loc.l1cd_addr, ==, 0x80000000ULL + (0x12345 >> 6) * 8);
    g_assert_cmphex(loc.l2_offset, ==, (0x12345 & 63) * 64);
    g_assert_cmphex(smmum_cd_l2_addr(&l1, &loc), ==,
                    0x90000000ULL + (0x12345 & 63) * 64);

    /* 64KB leaves: SSID[9:0] in the leaf (Linux: 1024 SSIDs per L1CD). */
    s1_ste(&ste, 2, 20, 0);
    smmum_cd_locate(&ste, 1024 + 7, &loc);
    g_assert_cmphex(loc.l1cd_addr, ==, 0x80000000ULL + 8);
    g_assert_cmphex(loc.l2_offset, ==, 7 * 64);
    smmum_cd_locate(&ste, 1023, &loc);
    g_assert_cmphex(loc.l1cd_addr, ==, 0x80000000ULL);
    g_assert_cmphex(loc.l2_offset, ==, 1023 * 64);

    /* S1Fmt means nothing with S1CDMax=0. */
    s1_ste(&ste, 2, 0, 0);
    smmum_cd_locate(&ste, 0, &loc);
    g_assert_false(loc.two_level);
    g_assert_cmphex(loc.cd_addr, ==, 0x80000000ULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cd/basic", test_basic);
    g_test_add_func("/cd/invalid", test_invalid);
    g_test_add_func("/cd/illegal", test_illegal);
    g_test_add_func("/cd/ttb1-epd", test_ttb1);
    g_test_add_func("/cd/el2", test_el2);
    g_test_add_func("/cd/ignored-property", test_ignored_property);
    g_test_add_func("/cd/l1cd", test_l1cd);
    g_test_add_func("/cd/select", test_select);
    g_test_add_func("/cd/locate", test_locate);
    return g_test_run();
}
