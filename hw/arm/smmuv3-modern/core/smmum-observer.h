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

#endif
