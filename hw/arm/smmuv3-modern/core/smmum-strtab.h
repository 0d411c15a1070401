/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: stream table (STE / L1STD decode and lookup).
 *
 * The decoders themselves are declared in smmum-meaning.h; this header
 * adds what the rest of the core and the tests need on top.
 */
#ifndef SMMUM_STRTAB_H
#define SMMUM_STRTAB_H

#include "smmum-meaning.h"
#include "smmum-idregs.h"
#include "smmum-core.h"

/* STE field positions in absolute bits (word = bit / 64). */
#define SMMUM_STE_V             0
#define SMMUM_STE_CONFIG        1       /* 3 bits */
#define SMMUM_STE_S1FMT         4       /* 2 bits */
#define SMMUM_STE_S1CTXPTR      6       /* 50 bits: address [55:6] */
#define SMMUM_STE_S1CDMAX       59      /* 5 bits */
#define SMMUM_STE_S1DSS         64      /* 2 bits */
#define SMMUM_STE_S1CIR         66
#define SMMUM_STE_S1COR         68
#define SMMUM_STE_S1CSH         70
#define SMMUM_STE_S2HWU         72      /* 4 bits */
#define SMMUM_STE_DRE           76
#define SMMUM_STE_CONT          77      /* 4 bits */
#define SMMUM_STE_DCP           81
#define SMMUM_STE_PPAR          82
#define SMMUM_STE_MEV           83
#define SMMUM_STE_SW_RESERVED   84      /* 4 bits */
#define SMMUM_STE_S1PIE         88
#define SMMUM_STE_S2FWB         89
#define SMMUM_STE_S1MPAM        90
#define SMMUM_STE_S1STALLD      91
#define SMMUM_STE_EATS          92      /* 2 bits */
#define SMMUM_STE_STRW          94      /* 2 bits */
#define SMMUM_STE_MEMATTR       96      /* 4 bits */
#define SMMUM_STE_MTCFG         100
#define SMMUM_STE_ALLOCCFG      101     /* 4 bits */
#define SMMUM_STE_SHCFG         108     /* 2 bits */
#define SMMUM_STE_NSCFG         110     /* 2 bits */
#define SMMUM_STE_PRIVCFG       112     /* 2 bits */
#define SMMUM_STE_INSTCFG       114     /* 2 bits */
#define SMMUM_STE_IMPDEF0       116     /* 12 bits */
#define SMMUM_STE_S2VMID        128     /* 16 bits */
#define SMMUM_STE_IMPDEF1       144     /* 16 bits */
#define SMMUM_STE_S2T0SZ        160     /* 6 bits */
#define SMMUM_STE_S2SL0         166     /* 2 bits */
#define SMMUM_STE_S2IR0         168
#define SMMUM_STE_S2OR0         170
#define SMMUM_STE_S2SH0         172
#define SMMUM_STE_S2TG          174     /* 2 bits */
#define SMMUM_STE_S2PS          176     /* 3 bits */
#define SMMUM_STE_S2AA64        179
#define SMMUM_STE_S2ENDI        180
#define SMMUM_STE_S2AFFD        181
#define SMMUM_STE_S2PTW         182
#define SMMUM_STE_S2HD          183
#define SMMUM_STE_S2HA          184
#define SMMUM_STE_S2S           185
#define SMMUM_STE_S2R           186
#define SMMUM_STE_S2HAFT        187
#define SMMUM_STE_S2NSW         192
#define SMMUM_STE_S2NSA         193
#define SMMUM_STE_S2SL0_2       194
#define SMMUM_STE_S2DS          195
#define SMMUM_STE_S2TTB         196     /* 52 bits: address [55:4] */
#define SMMUM_STE_PARTID        272     /* 16 bits */
#define SMMUM_STE_MECID         304     /* 16 bits */
#define SMMUM_STE_PMG           320     /* 8 bits */
#define SMMUM_STE_VMSPTR        332     /* 44 bits */

/* STE.Config values. */
#define SMMUM_STE_CFG_ABORT     0
#define SMMUM_STE_CFG_BYPASS    4
#define SMMUM_STE_CFG_S1        5
#define SMMUM_STE_CFG_S2        6
#define SMMUM_STE_CFG_NESTED    7

/* Read / write an STE field given its absolute bit position (len <= 64). */
uint64_t smmum_ste_field(const uint64_t w[8], unsigned pos, unsigned len);
void smmum_ste_set_field(uint64_t w[8], unsigned pos, unsigned len,
                         uint64_t val);

/*
 * Which SteIllegal() rule an ILLEGAL STE broke (SmmumSteMeaning
 * .illegal_code).  Numbering is stable within one build only.
 */
typedef enum SmmumSteIllegal {
    SMMUM_STE_ILL_NONE = 0,
    SMMUM_STE_ILL_S1_UNIMPL,        /* Config 0b1x1 without IDR0.S1P */
    SMMUM_STE_ILL_S2_UNIMPL,        /* Config 0b11x without IDR0.S2P */
    SMMUM_STE_ILL_EATS_SPLIT,       /* EATS=0b10 not nested/S2S/NS1ATS */
    SMMUM_STE_ILL_EATS_S2S,         /* EATS=0b01 with S2S=1, stage 2 on */
    SMMUM_STE_ILL_STRW,             /* STRW=0bx1 while STRW is used */
    SMMUM_STE_ILL_S1STALLD,         /* S1STALLD=1, STALL_MODEL != 0 */
    SMMUM_STE_ILL_S1CDMAX,          /* S1CDMax > IDR1.SSIDSIZE */
    SMMUM_STE_ILL_S1FMT,            /* 2-level CD table without CD2L */
    SMMUM_STE_ILL_S1CTXPTR,         /* S1ContextPtr beyond OAS/IAS */
    SMMUM_STE_ILL_S2S,              /* S2S vs. STALL_MODEL */
    SMMUM_STE_ILL_S2AA64,           /* table format not in IDR0.TTF */
    SMMUM_STE_ILL_S2HTTU,           /* S2HA/S2HD/S2HAFT vs. IDR0.HTTU */
    SMMUM_STE_ILL_S2TG,             /* granule reserved or unsupported */
    SMMUM_STE_ILL_S2TTB,            /* S2TTB beyond effective S2PS */
    SMMUM_STE_ILL_S2T0SZ,           /* S2T0SZ out of range */
    SMMUM_STE_ILL_S2SL0,            /* S2SL0 inconsistent with T0SZ/TG */
    SMMUM_STE_ILL_S2ENDI,           /* endianness not in IDR0.TTENDIAN */
    SMMUM_STE_ILL_S2VMID,           /* VMID[15:8] != 0 without VMID16 */
} SmmumSteIllegal;

/*
 * Where the stream table is, as the model reads it: the format the
 * registers select (2-level only if IDR0.ST_LEVEL allows it), LOG2SIZE
 * capped by SIDSIZE, SPLIT capped by LOG2SIZE, and the base aligned to
 * the size of the (level-1) table.
 */
typedef struct SmmumStrtabGeom {
    bool two_level;
    unsigned log2size;          /* StreamID bits the table covers */
    unsigned split;             /* 2-level: StreamID bits per L2 table */
    uint64_t base;              /* STE 0 (linear) or L1STD 0 (2-level) */
} SmmumStrtabGeom;

void smmum_strtab_geom(const SmmumIdRegs *idr, uint64_t strtab_base,
                       uint32_t strtab_base_cfg, SmmumStrtabGeom *g);
/* STEs an L2 table of a valid L1STD holds; 0 when Span exceeds SPLIT. */
uint64_t smmum_l1std_entries(const SmmumL1Meaning *l1, unsigned split);

/* Result of looking a StreamID up in the stream table. */
typedef enum SmmumSteLookup {
    SMMUM_STE_FOUND,        /* *m is the STE (maybe invalid or ILLEGAL) */
    SMMUM_STE_BAD_SID,      /* beyond SIDSIZE, table, L1STD or Span */
    SMMUM_STE_FETCH_ABORT,  /* a table read failed at *fetch_addr */
} SmmumSteLookup;

/*
 * Find the STE for sid through the configuration cache, fetching the
 * L1STD and STE from memory when they are not cached (every memory fetch
 * is reported to the observer).  Successfully fetched STEs are cached in
 * any state, valid L1STDs too; failed fetches are not cached.  The
 * caller checks SMMUEN.
 */
SmmumSteLookup smmum_strtab_lookup(SmmumCore *s, uint32_t sid,
                                   SmmumSteMeaning *m, uint64_t *fetch_addr);
/*
 * The STE for sid as memory holds it now, read without the
 * configuration cache, the observer or fault injection (a check's look,
 * not a fetch the SMMU makes); *ste_addr is where it was read.
 */
SmmumSteLookup smmum_strtab_peek(SmmumCore *s, uint32_t sid,
                                 SmmumSteMeaning *m, uint64_t *ste_addr);

#endif
