/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: a bounded IOTLB with the architected TLBI scopes.
 *
 * Entries are leaf translations (stage 1 only, nested combined, or stage
 * 2 only), tagged by translation regime, VMID and ASID (stage-1 entries
 * with nG=0 are global: any ASID hits them).  When the table is full the
 * least recently used entry is evicted, one at a time.  Walks are not
 * cached, so TLBI Leaf=1 and Leaf=0 invalidate the same entries.
 */
#ifndef SMMUM_IOTLB_H
#define SMMUM_IOTLB_H

#include "smmum-meaning.h"
#include "smmum-walk.h"
#include "smmum-observer.h"

typedef enum SmmumTlbStage {
    SMMUM_TLB_S1 = 1,       /* stage 1 only, or nested (combined) */
    SMMUM_TLB_S2 = 2,       /* stage 2 only (input is an IPA) */
} SmmumTlbStage;

typedef enum SmmumTlbRegime {
    SMMUM_TLB_EL1 = 0,      /* NS EL1&0 (STRW=0b00) and stage 2 */
    SMMUM_TLB_EL2 = 1,      /* NS EL2 (STRW=0b10) */
} SmmumTlbRegime;

/* The tag a transaction looks up with (and an entry carries). */
typedef struct SmmumTlbTag {
    uint8_t stage;          /* SmmumTlbStage */
    uint8_t regime;         /* SmmumTlbRegime */
    uint16_t vmid;          /* 0 when IDR0.S2P=0 or EL2 */
    uint16_t asid;          /* stage 1 EL1 (and EL2-E2H) */
} SmmumTlbTag;

typedef struct SmmumIotlbEntry {
    SmmumTlbTag tag;
    bool global;            /* stage 1: nG=0, matches any ASID */
    uint64_t iova;          /* input address, aligned to the size */
    uint64_t pa;            /* output address of iova */
    uint8_t size_shift;     /* log2 bytes of the region */
    /*
     * log2 bytes of the first stage's leaf, which TLBI by VA/IPA match
     * on: larger than size_shift when a stage-1 block is combined with
     * smaller stage-2 pages (an invalidation of any address of the block
     * must remove every piece of it).  0: size_shift.
     */
    uint8_t span_shift;
    uint8_t granule;        /* log2 bytes of the translation granule */
    int8_t level;           /* leaf level (for TTL matching) */
    uint8_t perm;           /* SMMUM_PERM_* */
    uint8_t s1_attr, s1_sh, s2_memattr, s2_sh;
} SmmumIotlbEntry;

/* Decoded TLBI command fields (IHI 0070 4.4). */
typedef struct SmmumTlbi {
    uint8_t opcode;         /* SMMUM_TLBI_* */
    uint16_t vmid;
    uint16_t asid;
    uint64_t addr;          /* Addr[63:12] in place */
    bool leaf;
    uint8_t ttl, tg, num, scale;
} SmmumTlbi;

#define SMMUM_TLBI_NH_ALL       0x10
#define SMMUM_TLBI_NH_ASID      0x11
#define SMMUM_TLBI_NH_VA        0x12
#define SMMUM_TLBI_NH_VAA       0x13
#define SMMUM_TLBI_EL2_ALL      0x20
#define SMMUM_TLBI_EL2_ASID     0x21
#define SMMUM_TLBI_EL2_VA       0x22
#define SMMUM_TLBI_EL2_VAA      0x23
#define SMMUM_TLBI_S12_VMALL    0x28
#define SMMUM_TLBI_S2_IPA       0x2a
#define SMMUM_TLBI_NSNH_ALL     0x30

typedef struct SmmumIotlb SmmumIotlb;

/* idr supplies RIL (range TLBI), ASID16/VMID16 widths. */
SmmumIotlb *smmum_iotlb_new(const SmmumIdRegs *idr, unsigned capacity);
void smmum_iotlb_free(SmmumIotlb *t);
/*
 * Tell o (or nobody, NULL) about entries entering and leaving: its
 * tlb_insert and tlb_remove hooks.  o must outlive t or be removed.
 */
void smmum_iotlb_set_observer(SmmumIotlb *t, const SmmumTlbObserver *o);
/* Drop every entry (reset; SMMUEN 1 -> 0 is the caller's choice). */
void smmum_iotlb_flush(SmmumIotlb *t);
unsigned smmum_iotlb_count(const SmmumIotlb *t);

/*
 * TLBIs by address normally look their candidates up by key; with
 * scan_only they test every entry.  Both remove the same entries (a unit
 * test compares them).
 */
void smmum_iotlb_set_scan_only(SmmumIotlb *t, bool on);

/*
 * The entry covering iova for tag, or NULL.  The returned pointer is
 * valid until the next insert/invalidate/flush.  A hit whose perm does
 * not allow the access must be resolved by a new walk (it may need an
 * HTTU update, or produce the precise fault record).
 */
const SmmumIotlbEntry *smmum_iotlb_lookup(SmmumIotlb *t,
                                          const SmmumTlbTag *tag,
                                          uint64_t iova);
/* Insert (replacing an entry with the same tag and region). */
void smmum_iotlb_insert(SmmumIotlb *t, const SmmumIotlbEntry *e);
/*
 * Changes on every insert, invalidation and flush: an entry pointer
 * from smmum_iotlb_lookup stays valid, and a lookup of the same tag and
 * page finds the same entry, while it is unchanged.
 */
uint64_t smmum_iotlb_gen(const SmmumIotlb *t);
/* Mark e (from smmum_iotlb_lookup) used, as a lookup hitting it would. */
void smmum_iotlb_touch(SmmumIotlb *t, const SmmumIotlbEntry *e);
/*
 * Fill *e from a successful walk of iova under tag: the region is the
 * walk's size_shift-aligned block containing iova.
 */
void smmum_iotlb_entry_from_walk(SmmumIotlbEntry *e, const SmmumTlbTag *tag,
                                 uint64_t iova, const SmmumWalkResult *r);
/*
 * Apply one TLBI command; returns the number of entries removed.
 * Unknown opcodes remove nothing.
 */
unsigned smmum_iotlb_invalidate(SmmumIotlb *t, const SmmumTlbi *tlbi);
/*
 * Call fn for every entry, most recently used first, without marking any
 * used (inspection); fn must not change the IOTLB.
 */
void smmum_iotlb_foreach(SmmumIotlb *t,
                         void (*fn)(void *opaque, const SmmumIotlbEntry *e),
                         void *opaque);

/*
 * The address range [*start, *start + *len) a TLBI names, for IOMMU
 * UNMAP notifiers; false for commands with no address (ALL/ASID forms).
 */
bool smmum_tlbi_range(const SmmumIdRegs *idr, const SmmumTlbi *tlbi,
                      uint64_t *start, uint64_t *len);

#endif
