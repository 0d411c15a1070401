/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the configuration cache (STEs, L1STDs, CDs and
 * L1CDs as fetched and decoded), with the architected CMD_CFGI_* scopes
 * (IHI 0070 4.3; DESIGN.md section 3).
 *
 * Entries hold whatever was successfully fetched, valid or not: a
 * configuration cache may cache an entry "in any state" and keeps using
 * it until a covering invalidation.  The cache is bounded; when full, the
 * least recently used entry is evicted.  In sticky mode nothing is ever
 * evicted.
 */
#ifndef SMMUM_CFGCACHE_H
#define SMMUM_CFGCACHE_H

#include "smmum-meaning.h"
#include "smmum-observer.h"

typedef enum SmmumCcKind {
    SMMUM_CC_STE = 0,           /* sid */
    SMMUM_CC_L1STD = 1,         /* sid = L1 index */
    SMMUM_CC_CD = 2,            /* sid, sub = SubstreamID */
    SMMUM_CC_L1CD = 3,          /* sid, sub = L1CD index */
} SmmumCcKind;

typedef struct SmmumCcEntry {
    uint8_t kind;               /* SmmumCcKind */
    uint32_t sid;
    uint32_t sub;
    /*
     * The StreamIDs (L1STD) or SubstreamIDs (L1CD) the descriptor
     * covers, inclusive; used by the non-leaf invalidation scopes.
     */
    uint32_t lo, hi;
    uint64_t addr;              /* where it was fetched from */
    uint64_t words[8];          /* raw words (1 for L1 descriptors) */
    union {
        SmmumSteMeaning ste;
        SmmumCdMeaning cd;
        SmmumL1Meaning l1;
    } m;
    /* private */
    uint64_t key;
    uint64_t stamp;
} SmmumCcEntry;

typedef struct SmmumCfgCache SmmumCfgCache;

SmmumCfgCache *smmum_cfgcache_new(unsigned capacity, bool sticky);
void smmum_cfgcache_free(SmmumCfgCache *c);
void smmum_cfgcache_flush(SmmumCfgCache *c);
unsigned smmum_cfgcache_count(const SmmumCfgCache *c);
unsigned smmum_cfgcache_evictions(const SmmumCfgCache *c);

/* The cached entry or NULL; valid until the next insert/invalidate. */
const SmmumCcEntry *smmum_cfgcache_lookup(SmmumCfgCache *c, SmmumCcKind kind,
                                          uint32_t sid, uint32_t sub);
/*
 * Changes whenever an entry may have been removed or replaced (insert,
 * invalidate, flush): entry pointers taken at one generation stay valid
 * while it is unchanged.
 */
uint64_t smmum_cfgcache_gen(const SmmumCfgCache *c);
/* Like smmum_cfgcache_lookup without marking the entry used. */
const SmmumCcEntry *smmum_cfgcache_peek(SmmumCfgCache *c, SmmumCcKind kind,
                                        uint32_t sid, uint32_t sub);
/* Mark e (from lookup or peek) used, as a lookup hitting it would. */
void smmum_cfgcache_touch(SmmumCfgCache *c, const SmmumCcEntry *e);
/* Insert (or replace) a copy of *e, evicting the LRU entry if full. */
void smmum_cfgcache_insert(SmmumCfgCache *c, const SmmumCcEntry *e);
/* Apply one CMD_CFGI_*; returns the number of entries removed. */
unsigned smmum_cfgcache_invalidate(SmmumCfgCache *c, const SmmumCfgi *cfgi);
/*
 * Call fn for every entry, most recently used first, without marking any
 * used (inspection); fn must not change the cache.
 */
void smmum_cfgcache_foreach(SmmumCfgCache *c,
                            void (*fn)(void *opaque, const SmmumCcEntry *e),
                            void *opaque);

#endif
