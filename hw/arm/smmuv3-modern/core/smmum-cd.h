/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: Context Descriptor helpers (IHI 0070 5.4).
 *
 * The decoders themselves (smmum_cd_decode, smmum_l1cd_decode) are
 * declared in smmum-meaning.h.  This header adds what the core needs to
 * find a CD: which CD (if any) a transaction selects, and where the CD
 * (or its L1CD) lives for linear and 2-level CD tables.
 */
#ifndef SMMUM_CD_H
#define SMMUM_CD_H

#include "smmum-meaning.h"
#include "smmum-idregs.h"

/* CdMeaning.illegal_code: which CdIllegal rule fired. */
typedef enum SmmumCdIllegal {
    SMMUM_CD_ILL_NONE = 0,
    SMMUM_CD_ILL_STALL,     /* S=1 with S1STALLD=1 or STALL_MODEL=0b01 */
    SMMUM_CD_ILL_TERM,      /* A=0 with TERM_MODEL=1 */
    SMMUM_CD_ILL_AA64,      /* table format not in IDR0.TTF */
    SMMUM_CD_ILL_HTTU,      /* HA/HD without IDR0.HTTU support */
    SMMUM_CD_ILL_ASID,      /* ASID[15:8] != 0 without ASID16 */
    SMMUM_CD_ILL_T0SZ,      /* T0SZ out of range, TTB0 enabled */
    SMMUM_CD_ILL_T1SZ,
    SMMUM_CD_ILL_TG0,       /* reserved or unsupported granule */
    SMMUM_CD_ILL_TG1,
    SMMUM_CD_ILL_TTB0,      /* TTB0 beyond the effective IPS */
    SMMUM_CD_ILL_TTB1,
    SMMUM_CD_ILL_ENDI,      /* ENDI not allowed by IDR0.TTENDIAN */
} SmmumCdIllegal;

/* STE.STRW encodings (non-secure). */
#define SMMUM_STRW_EL1          0
#define SMMUM_STRW_EL2          2

/* Granule sizes as log2(bytes), 0 for reserved/unsupported encodings. */
unsigned smmum_cd_tg0_shift(uint8_t tg0);
unsigned smmum_cd_tg1_shift(uint8_t tg1);

/*
 * Which CD a transaction uses (IHI 0070 5.2 S1DSS, S1CDMax; 3.9).
 * ste must be a TRANSLATE meaning with stage 1 (config bit 0).
 */
typedef enum SmmumCdSelect {
    SMMUM_CDSEL_CD,             /* use CD number *index */
    SMMUM_CDSEL_S1_BYPASS,      /* S1DSS=0b01: no CD, stage 1 bypassed */
    SMMUM_CDSEL_DISABLED,       /* S1DSS=0b00: F_STREAM_DISABLED */
    SMMUM_CDSEL_BAD_SSID,       /* C_BAD_SUBSTREAMID */
} SmmumCdSelect;

SmmumCdSelect smmum_cd_select(const SmmumIdRegs *idr,
                              const SmmumSteMeaning *ste, bool ssv,
                              uint32_t ssid, uint32_t *index);

/*
 * Where CD number index lives.  For a linear table (two_level false)
 * cd_addr is final.  For a 2-level table, fetch the 8-byte L1CD at
 * l1cd_addr, decode it with smmum_l1cd_decode(); an invalid L1CD means
 * C_BAD_SUBSTREAMID; otherwise the CD is at smmum_cd_l2_addr().
 * All addresses are IPAs when the STE is nested (translate each fetch by
 * stage 2 with CLASS=CD), PAs otherwise.
 */
typedef struct SmmumCdLoc {
    bool two_level;
    uint64_t cd_addr;           /* linear */
    uint64_t l1cd_addr;         /* 2-level */
    uint64_t l2_offset;         /* 2-level: byte offset in the leaf table */
} SmmumCdLoc;

void smmum_cd_locate(const SmmumSteMeaning *ste, uint32_t index,
                     SmmumCdLoc *loc);
/* log2 of the CDs per leaf table of a 2-level CD table; 0 when linear. */
unsigned smmum_cd_leaf_log2(const SmmumSteMeaning *ste);
uint64_t smmum_cd_l2_addr(const SmmumL1Meaning *l1, const SmmumCdLoc *loc);

/* CD size in bytes and the number of 64-bit words. */
#define SMMUM_CD_SIZE           64
#define SMMUM_CD_WORDS          8

#endif
