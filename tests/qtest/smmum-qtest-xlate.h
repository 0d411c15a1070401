/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: translation structures in guest RAM (VMSAv8-64
 * 4K-granule tables, context descriptors, stage-1/stage-2 STEs), encoded
 * here independently of the model's own decoders.
 */
#ifndef SMMUM_QTEST_XLATE_H
#define SMMUM_QTEST_XLATE_H

#include "smmum-qtest-util.h"

/* Pages for translation tables are handed out from here. */
#define SMMUM_QTX_POOL      (SMMUM_QT_RAM + 0x3000000)
#define SMMUM_QTX_POOL_END  (SMMUM_QT_RAM + 0x3800000)
/* A linear CD table. */
#define SMMUM_QTX_CD        (SMMUM_QT_RAM + 0x2800000)

/* Descriptor bits (4K granule). */
#define SMMUM_QTX_VALID     1ULL
#define SMMUM_QTX_TABLE     3ULL    /* table (level < 3) or page (level 3) */
#define SMMUM_QTX_AF        (1ULL << 10)
#define SMMUM_QTX_AP1       (1ULL << 6)     /* S1: EL0 access; S2: read */
#define SMMUM_QTX_AP2       (1ULL << 7)     /* S1: read-only; S2: write */
#define SMMUM_QTX_NG        (1ULL << 11)
#define SMMUM_QTX_DBM       (1ULL << 51)
#define SMMUM_QTX_S2_NORMAL (0xfULL << 2)   /* S2 MemAttr: normal WB */
/* Common leaf attributes: S1 read/write at EL0, nG; S2 read/write. */
#define SMMUM_QTX_S1_RW     (SMMUM_QTX_AF | SMMUM_QTX_AP1 | SMMUM_QTX_NG)
#define SMMUM_QTX_S1_RO     (SMMUM_QTX_S1_RW | SMMUM_QTX_AP2)
#define SMMUM_QTX_S2_RW     (SMMUM_QTX_AF | SMMUM_QTX_AP1 | SMMUM_QTX_AP2 | \
                             SMMUM_QTX_S2_NORMAL)

/* STE Config values. */
#define SMMUM_QTX_CFG_S1        5
#define SMMUM_QTX_CFG_S2        6
#define SMMUM_QTX_CFG_NESTED    7

/* Command opcodes. */
#define SMMUM_QTX_CMD_CFGI_CD       0x05
#define SMMUM_QTX_CMD_TLBI_NH_ALL   0x10
#define SMMUM_QTX_CMD_TLBI_NH_VA    0x12
#define SMMUM_QTX_CMD_TLBI_S12_VMALL 0x28

typedef struct SmmumQtx {
    SmmumQt *t;
    uint64_t next_free;
} SmmumQtx;

void smmum_qtx_init(SmmumQtx *x, SmmumQt *t);
/* A zeroed 4 KiB page of guest RAM from the pool. */
uint64_t smmum_qtx_alloc(SmmumQtx *x);
/*
 * Map va -> pa in the table rooted at root (4K granule, 39-bit input,
 * walk from level 1) with a leaf at leaf_level (3: page, 1/2: block),
 * allocating tables as needed.  Returns the address of the leaf slot.
 */
uint64_t smmum_qtx_map(SmmumQtx *x, uint64_t root, int leaf_level,
                       uint64_t va, uint64_t pa, uint64_t attrs);
/* The descriptor word 0 of a CD: 39-bit VA, 4K, TTB1 off, IPS 40 bits. */
uint64_t smmum_qtx_cd_w0(uint16_t asid, bool r);
/* Write a 64-byte CD with word 0 w0 and TTB0 ttb0. */
void smmum_qtx_write_cd(SmmumQtx *x, uint64_t cd, uint64_t w0,
                        uint64_t ttb0);
/* An STE with stage-1 fields (Config given); the rest zero. */
void smmum_qtx_ste_s1(uint64_t ste[8], unsigned config, uint64_t ctxptr,
                      unsigned s1fmt, unsigned s1cdmax, unsigned s1dss);
/* Add stage-2 fields: 39-bit IPA from level 1, 4K, 40-bit PS. */
void smmum_qtx_ste_s2(uint64_t ste[8], uint64_t s2ttb, uint16_t vmid,
                      bool s2r);
/* Install ste as edu's STE and invalidate it (CFGI_STE + SYNC). */
void smmum_qtx_set_edu_ste(SmmumQtx *x, const uint64_t ste[8]);
/* Read the event record at EVENTQ_CONS one byte at a time and pop it. */
void smmum_qtx_pop_event_bytes(SmmumQtx *x, uint64_t ev[4]);

#endif
