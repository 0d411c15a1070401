/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: what the functional model tells an observer (the
 * tear checker) about configuration it consumes.  Every hook is optional;
 * the model calls them at the architectural moments named below and never
 * depends on what they do.
 */
#ifndef SMMUM_OBSERVER_H
#define SMMUM_OBSERVER_H

#include <stdbool.h>
#include <stdint.h>

typedef enum SmmumCfgiKind {
    SMMUM_CFGI_STE,             /* sid, leaf */
    SMMUM_CFGI_STE_RANGE,       /* sid, range: 2^(range+1) aligned SIDs */
    SMMUM_CFGI_ALL,             /* STE_RANGE with Range=31 */
    SMMUM_CFGI_CD,              /* sid, ssid, leaf */
    SMMUM_CFGI_CD_ALL,          /* sid */
} SmmumCfgiKind;

typedef struct SmmumCfgi {
    SmmumCfgiKind kind;
    uint32_t sid;
    uint32_t ssid;
    uint8_t range;
    bool leaf;
} SmmumCfgi;

typedef enum SmmumFetchKind {
    SMMUM_FETCH_STE,
    SMMUM_FETCH_CD,
    SMMUM_FETCH_L1STD,
    SMMUM_FETCH_L1CD,
} SmmumFetchKind;

typedef struct SmmumObserver {
    void *opaque;
    /* A CMD_CFGI_* was consumed from the command queue. */
    void (*cfgi_consumed)(void *opaque, const SmmumCfgi *cfgi);
    /* A CMD_SYNC completed (every earlier command is complete). */
    void (*sync_completed)(void *opaque);
    /*
     * The model fetched a structure from memory (not from its cache):
     * words[0..n-1] as read, addr its physical address.  ssid is
     * meaningful for CD / L1CD fetches.
     */
    void (*fetch)(void *opaque, SmmumFetchKind kind, uint32_t sid,
                  uint32_t ssid, uint64_t addr, const uint64_t *words,
                  unsigned n);
    /* A PREFETCH_CONFIG named this StreamID (and SubstreamID if ssv). */
    void (*prefetch)(void *opaque, uint32_t sid, uint32_t ssid, bool ssv);
    /* The model served a transaction for (sid, ssid) from configuration. */
    void (*txn)(void *opaque, uint32_t sid, uint32_t ssid, bool ssv);
    /*
     * SMMUEN, STRTAB_BASE or STRTAB_BASE_CFG changed (reachability of
     * every view may have changed).
     */
    void (*tables_changed)(void *opaque);
    /* The SMMU is being reset. */
    void (*reset)(void *opaque);
} SmmumObserver;

/*
 * What the functional model tells an observer (the maintenance checker)
 * about its IOTLB: walks that fill it, entries entering and leaving it,
 * transactions served from it, TLBIs and SYNCs.  Installed with
 * smmum_core_set_tlb_observer(); every hook is optional and costs a
 * pointer test when absent.
 */
struct SmmumWalkMem;
struct SmmumWalkCfg;
struct SmmumIotlbEntry;
struct SmmumTlbi;
struct SmmumTxn;
struct SmmumXlate;
struct SmmumAtcInv;

/* What an ATS endpoint's StreamID finds in an STE (IHI 0070 3.9.1). */
typedef enum SmmumAtsSte {
    SMMUM_ATS_STE_PERMITS,      /* valid, translating, EATS != 0 */
    SMMUM_ATS_STE_NO_EATS,      /* valid; EATS 0, or IGNORED (bypass) */
    SMMUM_ATS_STE_ABORT,        /* valid, Config abort */
    SMMUM_ATS_STE_INVALID,      /* V=0 or ILLEGAL */
    SMMUM_ATS_STE_UNREACHABLE,  /* SMMUEN=0, SID beyond the table, */
                                /* invalid L1STD, or the read aborted */
} SmmumAtsSte;

/* The STEs the SMMU may use for a StreamID at one moment. */
typedef struct SmmumAtsSteView {
    uint8_t mem;                /* SmmumAtsSte of the STE in memory */
    uint8_t mem_eats;           /* its EATS field (0 unless decoded) */
    uint64_t mem_pa;            /* where (0: not reached) */
    bool cached;                /* the configuration cache holds one */
    uint8_t cache;              /* SmmumAtsSte of the cached copy */
    uint8_t cache_eats;
} SmmumAtsSteView;

typedef enum SmmumAtsEndpointEvent {
    SMMUM_ATS_EP_ENABLE,        /* the endpoint set ATS Enable */
    SMMUM_ATS_EP_DISABLE,       /* the endpoint cleared ATS Enable */
    SMMUM_ATS_EP_CFGI,          /* a CMD_CFGI_STE* covering the StreamID */
                                /* was consumed while ATS is enabled */
} SmmumAtsEndpointEvent;

typedef struct SmmumTlbObserver {
    void *opaque;
    /*
     * A walk for txn under cfg is about to be made through *mem (which
     * the observer may replace by one forwarding to it, to see the
     * descriptors it reads).  A successful walk is followed by
     * tlb_insert of the entry made from it.
     */
    void (*walk_begin)(void *opaque, struct SmmumWalkMem *mem,
                       const struct SmmumWalkCfg *cfg,
                       const struct SmmumTxn *txn);
    /* e entered the IOTLB (e stays valid until tlb_remove(e)). */
    void (*tlb_insert)(void *opaque, const struct SmmumIotlbEntry *e);
    /*
     * e leaves the IOTLB: removed by tlbi, or (tlbi NULL) evicted or
     * replaced.  e NULL: every entry leaves (flush, reset).
     */
    void (*tlb_remove)(void *opaque, const struct SmmumIotlbEntry *e,
                       const struct SmmumTlbi *tlbi);
    /*
     * txn is about to be served from e.  Returning false terminates it
     * with F_TLB_CONFLICT instead.
     */
    bool (*tlb_hit)(void *opaque, const struct SmmumIotlbEntry *e,
                    const struct SmmumTxn *txn);
    /* A TLBI command was consumed (called before it is applied). */
    void (*tlbi)(void *opaque, const struct SmmumTlbi *tlbi);
    /* A CMD_SYNC completed. */
    void (*sync_completed)(void *opaque);
    /*
     * ATS: a Translation Request for txn was answered with the
     * translation *out (full ATS; after a walk begun with walk_begin).
     */
    void (*ats_granted)(void *opaque, const struct SmmumTxn *txn,
                        const struct SmmumXlate *out);
    /* A CMD_ATC_INV was consumed (before it is delivered). */
    void (*atc_inv)(void *opaque, const struct SmmumAtcInv *inv);
    /* An ATS Translated transaction is let through untranslated. */
    void (*translated)(void *opaque, const struct SmmumTxn *txn);
    /*
     * ATS at an endpoint (smmum_ats_endpoint): ev happened for sid;
     * *view is what the SMMU may use for sid at that moment.
     */
    void (*ats_endpoint)(void *opaque, uint32_t sid,
                         SmmumAtsEndpointEvent ev,
                         const SmmumAtsSteView *view);
} SmmumTlbObserver;

#endif
