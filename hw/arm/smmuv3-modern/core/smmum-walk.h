/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: VMSAv8-64 translation table walker (stage 1,
 * stage 2, nested), independent of the rest of the core.
 *
 * The walker reads descriptors through a SmmumWalkMem and never caches.
 * Walk parameters are built from the decoded meanings
 * (smmum_walk_s1_params / smmum_walk_s2_params), so the decoders stay the
 * single source of what an STE or CD means.
 */
#ifndef SMMUM_WALK_H
#define SMMUM_WALK_H

#include "smmum-meaning.h"

/* Fault types: the values are the event record type codes. */
typedef enum SmmumFaultType {
    SMMUM_FAULT_NONE = 0,
    SMMUM_FAULT_WALK_EABT = 0x0b,
    SMMUM_FAULT_TRANSLATION = 0x10,
    SMMUM_FAULT_ADDR_SIZE = 0x11,
    SMMUM_FAULT_ACCESS = 0x12,
    SMMUM_FAULT_PERMISSION = 0x13,
} SmmumFaultType;

/* Event record CLASS: what the faulting access was. */
typedef enum SmmumFaultClass {
    SMMUM_CLASS_CD = 0,     /* a CD (or L1CD) fetch through stage 2 */
    SMMUM_CLASS_TT = 1,     /* a stage-1 table walk through stage 2 */
    SMMUM_CLASS_IN = 2,     /* the input transaction itself */
} SmmumFaultClass;

typedef struct SmmumWalkFault {
    uint8_t type;           /* SmmumFaultType */
    uint8_t s2;             /* the fault is a stage-2 fault */
    uint8_t cls;            /* SmmumFaultClass */
    uint8_t ttrnw;          /* CLASS=TT: 1 descriptor read, 0 HTTU write */
    int8_t level;           /* lookup level of the fault (informative) */
    uint64_t input_addr;    /* the transaction's input address */
    uint64_t ipa;           /* stage-2 faults: the IPA that faulted */
    uint64_t fetch_addr;    /* F_WALK_EABT: PA of the failing access */
} SmmumWalkFault;

/*
 * Descriptor memory.  read64 returns the 64-bit little-endian word at pa
 * (8-byte aligned) and false when the access aborts.  cmpxchg64 (HTTU):
 * atomically replace the word at pa by new_val if it equals expect; *seen
 * gets the value found; false only when the access aborts.  With
 * cmpxchg64 NULL no hardware update is ever made (HA/HD behave as 0).
 */
typedef struct SmmumWalkMem {
    void *opaque;
    bool (*read64)(void *opaque, uint64_t pa, uint64_t *val);
    bool (*cmpxchg64)(void *opaque, uint64_t pa, uint64_t expect,
                      uint64_t new_val, uint64_t *seen);
} SmmumWalkMem;

/* Permission bits of a translation, for every kind of access. */
#define SMMUM_PERM_PR   (1u << 0)   /* privileged read */
#define SMMUM_PERM_PW   (1u << 1)   /* privileged write */
#define SMMUM_PERM_PX   (1u << 2)   /* privileged instruction fetch */
#define SMMUM_PERM_UR   (1u << 3)   /* unprivileged read */
#define SMMUM_PERM_UW   (1u << 4)
#define SMMUM_PERM_UX   (1u << 5)
#define SMMUM_PERM_ALL  0x3fu

/* Does perm allow this access?  (Instruction fetches need only X.) */
bool smmum_perm_allows(uint8_t perm, bool write, bool instr, bool priv);

/* One stage-1 VA range (TTB0 or TTB1). */
typedef struct SmmumWalkRange {
    bool enabled;           /* !EPDx */
    uint64_t ttb;
    uint8_t tsz;            /* TxSZ */
    uint8_t granule;        /* log2 bytes: 12, 14 or 16 */
    bool tbi;
    bool had;               /* hierarchical permissions disabled */
} SmmumWalkRange;

typedef struct SmmumS1Params {
    SmmumWalkRange range[2];
    bool one_priv;          /* EL2 (E2H=0): one privilege level, no ASID */
    uint8_t oas;            /* output (IPA or PA) size, bits */
    bool ds;                /* 52-bit with 4K/16K (LPA2 descriptors) */
    bool ha, hd, affd, wxn, pan, big_endian;
    uint16_t asid;
    uint64_t mair;
} SmmumS1Params;

typedef struct SmmumS2Params {
    uint64_t ttb;
    uint8_t tsz;            /* S2T0SZ */
    uint8_t granule;        /* log2 bytes */
    int8_t start_level;     /* -1..3 */
    uint8_t ps;             /* output size, bits */
    uint8_t ias;            /* input size limit (IAS), bits */
    bool ds, ha, hd, affd, ptw, fwb, big_endian;
    uint16_t vmid;
} SmmumS2Params;

/* Stage-1, stage-2 or nested walk configuration. */
typedef struct SmmumWalkCfg {
    bool s1, s2;
    SmmumS1Params s1p;
    SmmumS2Params s2p;
} SmmumWalkCfg;

/*
 * Stage-2 start level from S2TG / S2T0SZ / S2SL0 (with S2SL0_2 as bit 2)
 * and the effective output size ps_bits; false when the combination is
 * invalid or inconsistent (an SteIllegal condition; the STE decoder
 * should use this).  *nconcat gets the number of concatenated tables.
 */
bool smmum_walk_s2_start(const SmmumIdRegs *idr, uint8_t s2tg, uint8_t t0sz,
                         uint8_t sl0, bool ds, unsigned ps_bits,
                         int *start_level, unsigned *nconcat);

/* Build stage-1 parameters from a CD meaning with outcome TRANSLATE. */
void smmum_walk_s1_params(const SmmumIdRegs *idr, const SmmumCdMeaning *cd,
                          uint8_t strw, SmmumS1Params *p);
/*
 * Build stage-2 parameters from an STE meaning with stage 2 enabled;
 * false when its stage-2 fields do not form a valid walk.
 */
bool smmum_walk_s2_params(const SmmumIdRegs *idr, const SmmumSteMeaning *ste,
                          SmmumS2Params *p);

typedef struct SmmumWalkReq {
    uint64_t addr;          /* input address (VA, or IPA when S2 only) */
    bool write, instr, priv;
} SmmumWalkReq;

typedef struct SmmumWalkResult {
    bool ok;
    uint64_t pa;            /* output address of req.addr */
    uint64_t ipa;           /* nested: the intermediate address */
    uint8_t size_shift;     /* log2 bytes of the mapped region */
    uint8_t span_shift;     /* log2 bytes of the first stage's leaf */
    uint8_t granule;        /* log2 bytes of the (first) stage's granule */
    int8_t level;           /* leaf level of the first stage */
    int8_t s2_level;        /* leaf level of stage 2 (nested, S2 only) */
    uint8_t perm;           /* SMMUM_PERM_* over the region, all stages */
    bool global;            /* stage-1 nG=0 (or no ASID) */
    uint8_t s1_attr;        /* MAIR attribute byte of the leaf */
    uint8_t s1_sh;
    uint8_t s2_memattr, s2_sh;
    SmmumWalkFault fault;   /* when !ok */
} SmmumWalkResult;

/*
 * Translate req through cfg.  On a fault res->ok is false and
 * res->fault is filled (input_addr = req->addr).  Permission bits in
 * res->perm are what is allowed without a hardware update (a writable
 * clean DBM page reports no write permission), so a cached result never
 * allows an access that needs a descriptor update: walk again for it.
 */
void smmum_walk(const SmmumWalkMem *mem, const SmmumWalkCfg *cfg,
                const SmmumWalkReq *req, SmmumWalkResult *res);

/*
 * Translate an IPA the SMMU itself reads (CD, L1CD) through stage 2:
 * faults have CLASS=CD and the IPA; input_addr is copied into the fault.
 */
bool smmum_walk_s2_fetch(const SmmumWalkMem *mem, const SmmumS2Params *p,
                         uint64_t ipa, uint64_t input_addr, uint64_t *pa,
                         SmmumWalkFault *fault);

#endif
