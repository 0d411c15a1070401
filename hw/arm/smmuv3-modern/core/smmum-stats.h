/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: what the model served, counted for reports and
 * benchmarks (not architectural state: never migrated, never reset, so
 * a run's totals survive guest reboots).
 */
#ifndef SMMUM_STATS_H
#define SMMUM_STATS_H

#include <stdint.h>

/* Event record types are 8 bits; the architected ones are all below 64. */
#define SMMUM_STATS_EVT_TYPES   64

typedef struct SmmumStats {
    uint64_t xlate_ok;          /* transactions translated or bypassed */
    uint64_t xlate_abort;       /* transactions terminated */
    uint64_t iotlb_hits;        /* served from the IOTLB */
    uint64_t walks;             /* served by a table walk */
    uint64_t events;            /* event records written */
    uint64_t events_lost;       /* not written: queue off, full or broken */
    uint64_t evt_type[SMMUM_STATS_EVT_TYPES];   /* written, by type */
    uint64_t cmd_cfgi;          /* CMD_CFGI_* consumed */
    uint64_t cmd_tlbi;          /* CMD_TLBI_* consumed */
    uint64_t cmd_sync;          /* CMD_SYNC completed */
    uint64_t cmd_atc_inv;       /* CMD_ATC_INV consumed */
    uint64_t cmd_prefetch;      /* CMD_PREFETCH_* consumed */
    uint64_t cmd_other;         /* any other command consumed */
    uint64_t cmd_errors;        /* commands that stopped the queue */
} SmmumStats;

/*
 * Translation faults among the records written: F_TRANSLATION,
 * F_ADDR_SIZE, F_ACCESS, F_PERMISSION and F_WALK_EABT.
 */
uint64_t smmum_stats_faults(const SmmumStats *st);

#endif
