/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: Context Descriptor and L1CD decoding, CD selection
 * and CD table addressing (IHI 0070 5.4, 5.2, 3.9).
 */
#include <string.h>
#include <glib.h>

#include "smmum-cd.h"
#include "smmum-regs.h"

#define EX(w, pos, len)     SMMUM_EX(w, pos, len)

/* Bits [hi:lo] of an address. */
static uint64_t bits(unsigned hi, unsigned lo)
{
    return SMMUM_MASK(hi - lo + 1) << lo;
}

unsigned smmum_cd_tg0_shift(uint8_t tg0)
{
    static const unsigned shift[4] = { 12, 16, 14, 0 };

    return shift[tg0 & 3];
}

unsigned smmum_cd_tg1_shift(uint8_t tg1)
{
    static const unsigned shift[4] = { 0, 14, 12, 16 };

    return shift[tg1 & 3];
}

/*
 * Effective output size (bits) of a stage-1 table with granule gshift
 * under IPS encoding ips: capped by the SMMU's OAS, and 52 bits only for
 * 64K granules or with DS=1.
 */
static unsigned s1_out_bits(const SmmumIdRegs *idr, uint8_t ips,
                            unsigned gshift, bool ds)
{
    unsigned b = smmum_pa_bits(ips), oas = smmum_idr_oas(idr);

    if (b > oas) {
        b = oas;
    }
    if (b == 52 && gshift != 16 && !ds) {
        b = 48;
    }
    return b;
}

/* TxSZ range for an enabled TTBx: [min, 39]. */
static bool txsz_ok(const SmmumIdRegs *idr, unsigned tsz, unsigned gshift,
                    bool ds)
{
    unsigned min = 16;

    if (EX(idr->idr[5], SMMUM_IDR5_VAX, 2) == 1 && (gshift == 16 || ds)) {
        min = 12;
    }
    return tsz >= min && tsz <= 39;
}

static void cd_illegal(SmmumCdMeaning *m, SmmumCdIllegal why)
{
    memset(m, 0, sizeof(*m));
    m->outcome = SMMUM_OUT_ABORT;
    m->abort_why = SMMUM_ABORT_ILLEGAL;
    m->illegal_code = why;
}

typedef struct TtbFields {
    uint8_t tsz, tg, ir, or, sh, had, tbi;
    uint64_t ttb;
} TtbFields;

/*
 * Judge one enabled translation table base.  Returns the CdIllegal code
 * or NONE and fills *out.
 */
static SmmumCdIllegal check_ttb(const SmmumIdRegs *idr, int n,
                                const TtbFields *in, uint8_t ips, bool ds)
{
    unsigned g = n ? smmum_cd_tg1_shift(in->tg) : smmum_cd_tg0_shift(in->tg);
    unsigned ob;

    if (!g || !smmum_idr_granule(idr, g)) {
        return n ? SMMUM_CD_ILL_TG1 : SMMUM_CD_ILL_TG0;
    }
    if (!txsz_ok(idr, in->tsz, g, ds)) {
        return n ? SMMUM_CD_ILL_T1SZ : SMMUM_CD_ILL_T0SZ;
    }
    ob = s1_out_bits(idr, ips, g, ds);
    if (in->ttb >> ob) {
        return n ? SMMUM_CD_ILL_TTB1 : SMMUM_CD_ILL_TTB0;
    }
    return SMMUM_CD_ILL_NONE;
}

void smmum_cd_decode(const SmmumIdRegs *idr, const SmmumCdCtx *ctx,
                     const uint64_t w[8], SmmumCdMeaning *m)
{
    uint32_t idr0 = idr->idr[0];
    unsigned httu = EX(idr0, SMMUM_IDR0_HTTU, 2);
    unsigned ttf = EX(idr0, SMMUM_IDR0_TTF, 2);
    unsigned stall_model = EX(idr0, SMMUM_IDR0_STALL_MODEL, 2);
    unsigned ttendian = EX(idr0, SMMUM_IDR0_TTENDIAN, 2);
    bool el2 = ctx->strw == SMMUM_STRW_EL2;
    bool had_ok = EX(idr->idr[3], SMMUM_IDR3_HAD, 1);
    bool ds_ok = EX(idr->idr[5], 7, 1);          /* IDR5.DS */
    uint8_t ips, oas_enc;
    bool epd0, epd1, ds, aa64, endi, s, a, ha, hd;
    uint16_t asid;
    TtbFields t0, t1;
    SmmumCdIllegal why;

    memset(m, 0, sizeof(*m));
    if (!EX(w[0], 31, 1)) {
        m->outcome = SMMUM_OUT_ABORT;
        m->abort_why = SMMUM_ABORT_INVALID;
        return;
    }

    t0 = (TtbFields) {
        .tsz = EX(w[0], 0, 6), .tg = EX(w[0], 6, 2), .ir = EX(w[0], 8, 2),
        .or = EX(w[0], 10, 2), .sh = EX(w[0], 12, 2),
        .tbi = EX(w[0], 38, 1), .had = had_ok ? EX(w[1], 1, 1) : 0,
        .ttb = w[1] & bits(51, 4),
    };
    t1 = (TtbFields) {
        .tsz = EX(w[0], 16, 6), .tg = EX(w[0], 22, 2),
        .ir = EX(w[0], 24, 2), .or = EX(w[0], 26, 2),
        .sh = EX(w[0], 28, 2), .tbi = EX(w[0], 39, 1),
        .had = had_ok ? EX(w[2], 1, 1) : 0,
        .ttb = w[2] & bits(51, 4),
    };
    epd0 = EX(w[0], 14, 1);
    /* EL2 (E2H=0) has a single VA range: TTB1 does not exist. */
    epd1 = el2 || EX(w[0], 30, 1);
    endi = EX(w[0], 15, 1);
    ips = EX(w[0], 32, 3);
    aa64 = EX(w[0], 41, 1);
    hd = EX(w[0], 42, 1);
    ha = EX(w[0], 43, 1);
    s = EX(w[0], 44, 1);
    a = EX(w[0], 46, 1);
    asid = el2 ? 0 : EX(w[0], 48, 16);
    ds = ds_ok ? EX(w[2], 58, 1) : 0;

    if (s && (ctx->s1_stalld || stall_model == 1)) {
        cd_illegal(m, SMMUM_CD_ILL_STALL);
        return;
    }
    if (!a && EX(idr0, SMMUM_IDR0_TERM_MODEL, 1)) {
        cd_illegal(m, SMMUM_CD_ILL_TERM);
        return;
    }
    if (!(ttf & (aa64 ? 2 : 1)) || !aa64) {
        /* AArch32 (LPAE) tables are not modelled: TTF never has them. */
        cd_illegal(m, SMMUM_CD_ILL_AA64);
        return;
    }
    if ((ha && httu == 0) || (hd && httu < 2)) {
        cd_illegal(m, SMMUM_CD_ILL_HTTU);
        return;
    }
    if ((asid >> 8) && !EX(idr0, SMMUM_IDR0_ASID16, 1)) {
        cd_illegal(m, SMMUM_CD_ILL_ASID);
        return;
    }
    if ((ttendian == 2 && endi) || (ttendian == 3 && !endi)) {
        cd_illegal(m, SMMUM_CD_ILL_ENDI);
        return;
    }
    if (!epd0) {
        why = check_ttb(idr, 0, &t0, ips, ds);
        if (why) {
            cd_illegal(m, why);
            return;
        }
    }
    if (!epd1) {
        why = check_ttb(idr, 1, &t1, ips, ds);
        if (why) {
            cd_illegal(m, why);
            return;
        }
    }

    m->outcome = SMMUM_OUT_TRANSLATE;
    m->abort_why = SMMUM_ABORT_NONE;

    /* IPS above the OAS behaves as the OAS. */
    oas_enc = EX(idr->idr[5], SMMUM_IDR5_OAS, 3);
    m->regime.ips = MIN(ips, oas_enc);
    m->regime.asid = asid;
    m->regime.aa64 = aa64;
    m->regime.endi = endi;
    m->regime.ds = ds;
    m->regime.aset = EX(w[0], 47, 1);
    m->regime.epd0 = epd0;
    m->regime.epd1 = epd1;
    if (!epd0) {
        m->regime.ttb0 = t0.ttb;
        m->regime.t0sz = t0.tsz;
        m->regime.tg0 = t0.tg;
        m->regime.tbi0 = t0.tbi;
        m->perm.had0 = t0.had;
        m->attr.ir0 = t0.ir;
        m->attr.or0 = t0.or;
        /* With DS=1 the descriptors' bits [9:8] hold OA; SH0 applies. */
        m->attr.sh0 = t0.sh;
    }
    if (!epd1) {
        m->regime.ttb1 = t1.ttb;
        m->regime.t1sz = t1.tsz;
        m->regime.tg1 = t1.tg;
        m->regime.tbi1 = t1.tbi;
        m->perm.had1 = t1.had;
        m->attr.ir1 = t1.ir;
        m->attr.or1 = t1.or;
        m->attr.sh1 = t1.sh;
    }

    m->perm.affd = EX(w[0], 35, 1);
    m->perm.wxn = EX(w[0], 36, 1);
    m->perm.uwxn = el2 ? 0 : EX(w[0], 37, 1);
    m->perm.pan = el2 ? 0 : EX(w[0], 40, 1);
    m->perm.ha = ha;
    /* Dirty-state management needs the access flag managed too. */
    m->perm.hd = ha && hd;
    m->perm.s = s;
    m->perm.r = EX(w[0], 45, 1);
    m->perm.a = a;

    /* NSCFG0/1 only apply to Secure streams: never used here. */
    m->attr.mair = w[3];
    m->attr.amair = w[4];
}

void smmum_l1cd_decode(const SmmumIdRegs *idr, uint64_t w,
                       SmmumL1Meaning *m)
{
    memset(m, 0, sizeof(*m));
    if (!(w & 1)) {
        return;
    }
    m->valid = 1;
    m->l2ptr = w & bits(55, 12);
}

SmmumCdSelect smmum_cd_select(const SmmumIdRegs *idr,
                              const SmmumSteMeaning *ste, bool ssv,
                              uint32_t ssid, uint32_t *index)
{
    unsigned max = ste->regime.s1_cd_max;

    *index = 0;
    if (max == 0) {
        /* A single CD; a transaction with a SubstreamID cannot use it. */
        return ssv ? SMMUM_CDSEL_BAD_SSID : SMMUM_CDSEL_CD;
    }
    if (!ssv) {
        switch (ste->regime.s1_dss) {
        case 1:
            return SMMUM_CDSEL_S1_BYPASS;
        case 2:
            return SMMUM_CDSEL_CD;
        default:
            return SMMUM_CDSEL_DISABLED;
        }
    }
    if (max > 20 || ssid >> max) {
        return SMMUM_CDSEL_BAD_SSID;
    }
    /* With S1DSS=0b10, CD 0 serves non-SubstreamID traffic only. */
    if (ssid == 0 && ste->regime.s1_dss == 2) {
        return SMMUM_CDSEL_BAD_SSID;
    }
    *index = ssid;
    return SMMUM_CDSEL_CD;
}

unsigned smmum_cd_leaf_log2(const SmmumSteMeaning *ste)
{
    switch (ste->regime.s1_cd_max ? ste->regime.s1_fmt : 0) {
    case 1:
        return 6;       /* 4KB leaf tables: 64 CDs each */
    case 2:
        return 10;      /* 64KB leaf tables: 1024 CDs each */
    default:
        return 0;       /* linear */
    }
}

void smmum_cd_locate(const SmmumSteMeaning *ste, uint32_t index,
                     SmmumCdLoc *loc)
{
    uint64_t base = ste->regime.s1_context_ptr;
    unsigned split = smmum_cd_leaf_log2(ste);

    memset(loc, 0, sizeof(*loc));
    if (!split) {
        loc->cd_addr = base + (uint64_t)index * SMMUM_CD_SIZE;
        return;
    }
    loc->two_level = true;
    loc->l1cd_addr = base + (uint64_t)(index >> split) * 8;
    loc->l2_offset = (uint64_t)(index & SMMUM_MASK(split)) * SMMUM_CD_SIZE;
}

uint64_t smmum_cd_l2_addr(const SmmumL1Meaning *l1, const SmmumCdLoc *loc)
{
    return l1->l2ptr + loc->l2_offset;
}
