/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the canonical "meaning" of configuration structures.
 *
 * One decoder per structure turns the raw 64-bit words of an STE, a CD,
 * an L1STD or an L1CD into a meaning struct.  The functional model acts
 * on that struct, and the tear checker compares those structs: there is
 * no second definition of what an entry means.
 *
 * Rules every decoder follows:
 *  - the struct is zeroed first and only fields the configuration uses are
 *    filled, so IGNORED fields never influence it (IHI 0070 5.2: validity
 *    conditions apply only to fields that are not IGNORED);
 *  - an ILLEGAL or invalid entry decodes to outcome ABORT with the reason
 *    in abort_why and nothing else filled;
 *  - fields are grouped by the class of a difference, in the order the
 *    tear checker ranks classes: outcome (bypass/abort) > regime
 *    (translate) > ats > perm (permission) > attr.  Comparing group by
 *    group is therefore all the classifier needs.
 */
#ifndef SMMUM_MEANING_H
#define SMMUM_MEANING_H

#include <stdbool.h>
#include <stdint.h>

/* The ID-register view a structure is judged under. */
typedef struct SmmumIdRegs {
    uint32_t idr[6];
} SmmumIdRegs;

typedef enum SmmumOutcome {
    SMMUM_OUT_ABORT = 0,        /* transactions terminated */
    SMMUM_OUT_BYPASS = 1,       /* transactions pass untranslated */
    SMMUM_OUT_TRANSLATE = 2,    /* some translation regime applies */
} SmmumOutcome;

/* Why an entry aborts (outcome ABORT). */
typedef enum SmmumAbortWhy {
    SMMUM_ABORT_NONE = 0,
    SMMUM_ABORT_INVALID,        /* V=0 */
    SMMUM_ABORT_ILLEGAL,        /* SteIllegal()/CdIllegal(): C_BAD_STE/CD */
    SMMUM_ABORT_CONFIG,         /* STE.Config abort (0b000..0b011) */
} SmmumAbortWhy;

/* ---- STE (64 bytes, 8 words) ---- */

typedef struct SmmumSteMeaning {
    uint8_t outcome;            /* SmmumOutcome */
    uint8_t abort_why;          /* SmmumAbortWhy */
    uint8_t illegal_code;       /* decoder-private: which ILLEGAL rule */

    /* Translation regime (outcome TRANSLATE). */
    struct {
        uint8_t config;         /* 0b101 S1, 0b110 S2, 0b111 nested */
        /* stage 1 (config bit 0) */
        uint64_t s1_context_ptr;
        uint8_t s1_fmt;
        uint8_t s1_cd_max;
        uint8_t s1_dss;         /* only when s1_cd_max != 0 */
        uint8_t strw;
        /* stage 2 (config bit 1) */
        uint16_t s2_vmid;       /* also kept for S1-only when used */
        uint64_t s2_ttb;
        uint8_t s2_t0sz;
        uint8_t s2_sl0;         /* S2SL0 with S2SL0_2 folded in as bit 2 */
        uint8_t s2_tg;
        uint8_t s2_ps;
        uint8_t s2_aa64;
        uint8_t s2_endi;
        uint8_t s2_ds;
    } regime;

    /* ATS (IDR0.ATS and Config[1:0] != 0). */
    struct {
        uint8_t eats;
    } ats;

    /* Permissions and fault reporting. */
    struct {
        uint8_t s2_affd, s2_ha, s2_hd, s2_ptw, s2_s, s2_r, s2_haft;
        uint8_t s2_nsw, s2_nsa;
        uint8_t s1_stalld;
        uint8_t privcfg;        /* only with IDR1.ATTR_PERMS_OVR */
        uint8_t instcfg;
        uint8_t nscfg;
        uint8_t dre, ppar, s1_mpam;
    } perm;

    /* Memory attributes only. */
    struct {
        uint8_t s1_cir, s1_cor, s1_csh;
        uint8_t s2_ir0, s2_or0, s2_sh0;
        uint8_t s2_fwb;
        uint8_t memattr, mtcfg, alloccfg, shcfg; /* IDR1.ATTR_TYPES_OVR */
        uint8_t dcp;
        uint8_t s2_hwu;
    } attr;
} SmmumSteMeaning;

/*
 * Decode an STE (w[0..7], little-endian words as in memory) under idr.
 * Never fails: bad entries decode to ABORT/ILLEGAL.  MEV and
 * SW_RESERVED never enter the meaning.
 */
void smmum_ste_decode(const SmmumIdRegs *idr, const uint64_t w[8],
                      SmmumSteMeaning *m);

/* ---- CD (64 bytes, 8 words) ---- */

/* What of the parent STE a CD's meaning depends on. */
typedef struct SmmumCdCtx {
    uint8_t s1_stalld;          /* STE.S1STALLD */
    uint8_t strw;               /* STE.STRW (EL2 regimes: no TTB1/ASID) */
    uint8_t nested;             /* Config 0b111: IPS is checked vs S2 */
} SmmumCdCtx;

typedef struct SmmumCdMeaning {
    uint8_t outcome;            /* ABORT or TRANSLATE */
    uint8_t abort_why;
    uint8_t illegal_code;

    struct {
        uint16_t asid;
        uint8_t ips;
        uint8_t aa64, endi, ds;
        /* per TTBx, all zero when EPDx=1 */
        uint8_t epd0, epd1;
        uint64_t ttb0, ttb1;
        uint8_t t0sz, t1sz;
        uint8_t tg0, tg1;
        uint8_t tbi0, tbi1;
        uint8_t aset;
    } regime;

    struct {
        uint8_t affd, wxn, uwxn, pan;
        uint8_t ha, hd, had0, had1;
        uint8_t s, r, a;
    } perm;

    struct {
        uint8_t ir0, or0, sh0, ir1, or1, sh1;
        uint8_t nscfg0, nscfg1;
        uint64_t mair;          /* MAIR1:MAIR0 */
        uint64_t amair;
    } attr;
} SmmumCdMeaning;

void smmum_cd_decode(const SmmumIdRegs *idr, const SmmumCdCtx *ctx,
                     const uint64_t w[8], SmmumCdMeaning *m);

/* ---- level-1 descriptors (8 bytes) ---- */

typedef struct SmmumL1Meaning {
    uint8_t valid;
    uint8_t span;               /* L1STD Span (1..11); 0 for L1CD */
    uint64_t l2ptr;
} SmmumL1Meaning;

void smmum_l1std_decode(const SmmumIdRegs *idr, uint64_t w,
                        SmmumL1Meaning *m);
void smmum_l1cd_decode(const SmmumIdRegs *idr, uint64_t w,
                       SmmumL1Meaning *m);

#endif
