/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the maintenance checker.
 *
 * Watches the IOTLB the way the tear checker watches STEs and CDs: for
 * every cached translation it remembers the descriptors the walk read
 * (address and value) and the walk configuration, and finds the moments
 * at which the model serves DMA from an entry that guest memory no longer
 * backs:
 *
 *   stale-translation        a TLBI + SYNC the guest aimed at the entry
 *                            completed, missed it (scope: ASID / VMID,
 *                            VA / VAA, TTL, TG / NUM / SCALE, stage) and
 *                            DMA was served from it afterwards;
 *   missing-tlb-maintenance  DMA was served from a changed entry and no
 *                            TLBI ever removed it (evicted, replaced,
 *                            reset, end of run);
 *   dma-before-invalidation  DMA was served from a changed entry before
 *                            the address-based TLBI (strict unmap) that
 *                            then removed it;
 *   fq-use-after-unmap       the same before a context-wide TLBI (the
 *                            flush queue's deferred flush): the device
 *                            driver's contract, not the IOMMU driver's;
 *   break-before-make        a valid descriptor replaced by a valid one
 *                            with another output address, size or
 *                            attributes without the invalid step and a
 *                            TLBI (size changes judged per IDR3.BBML);
 *   leaf-tlbi-of-table       a TLBI with Leaf=1 removed an entry whose
 *                            table descriptor had changed (walk caches
 *                            may keep the old table).
 *
 * ATS (IHI 0070 3.9): translations the SMMU handed to an endpoint's ATC
 * are tracked the same way, until a CMD_ATC_INV covering them and a
 * CMD_SYNC:
 *
 *   atc-inv-missing          the translation changed in memory and no
 *                            ATC_INV + SYNC removed it from the ATC by the
 *                            end of the run;
 *   ats-use-before-atc-inv   a Translated transaction used it after the
 *                            change, before the ATC_INV + SYNC that came;
 *   ats-translated-uncovered a Translated transaction to an output address
 *                            no translation of that StreamID still held
 *                            by its ATC covers (after ATC_INV + SYNC, after
 *                            ATS was disabled, or never granted);
 *
 * and the order of the endpoint's ATS Enable against STE.EATS (3.9.1:
 * EATS before ATS Enable; ATS Enable cleared before EATS):
 *
 *   ats-enabled-before-eats  the endpoint enabled ATS while an STE the
 *                            SMMU may use for its StreamID (in memory, or
 *                            still cached) refuses Translation Requests;
 *   eats-cleared-before-ats-disable
 *                            an STE refusing ATS (valid, EATS=0, bypass
 *                            or abort) was published for a StreamID
 *                            whose endpoint still had ATS enabled.
 *
 * Records share the tear checker's report (schema version 2, see
 * docs/tear-report-schema.md); docs/maint-check.md explains the model.
 */
#ifndef SMMUM_MAINT_H
#define SMMUM_MAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmum-iotlb.h"
#include "smmum-tear.h"

typedef enum SmmumMaintKind {
    SMMUM_MAINT_STALE = 0,
    SMMUM_MAINT_MISSING,
    SMMUM_MAINT_LATE,
    SMMUM_MAINT_FQ,
    SMMUM_MAINT_BBM,
    SMMUM_MAINT_LEAF,
    SMMUM_MAINT_ATC_MISSING,    /* ATS: see below */
    SMMUM_MAINT_ATC_LATE,
    SMMUM_MAINT_ATS_UNCOVERED,
    SMMUM_MAINT_ATS_ENABLE,     /* ATS Enable vs STE.EATS order */
    SMMUM_MAINT_ATS_DISABLE,
    SMMUM_MAINT__MAX,
} SmmumMaintKind;

/* What the changed descriptors now say about the entry's input range. */
typedef enum SmmumMaintChange {
    SMMUM_CHG_NONE = 0,
    SMMUM_CHG_UNMAP,            /* no translation (fault) */
    SMMUM_CHG_NARROW,           /* fewer permissions */
    SMMUM_CHG_REMAP,            /* another output address */
    SMMUM_CHG_RESIZE,           /* same output, another block size */
    SMMUM_CHG_ATTR,             /* memory attributes or nG differ */
    SMMUM_CHG__MAX,
} SmmumMaintChange;

/* Why a TLBI did not remove an entry (bit mask). */
#define SMMUM_MISS_STAGE    (1u << 0)   /* other stage or regime */
#define SMMUM_MISS_VMID     (1u << 1)
#define SMMUM_MISS_ASID     (1u << 2)
#define SMMUM_MISS_GLOBAL   (1u << 3)   /* ASID form, global entry */
#define SMMUM_MISS_ADDR     (1u << 4)   /* address / range */
#define SMMUM_MISS_TTL      (1u << 5)   /* level hint */
#define SMMUM_MISS_TG       (1u << 6)   /* granule hint */
#define SMMUM_MISS__BITS    7

/* One TLBI as evidence. */
typedef struct SmmumMaintTlbi {
    SmmumTlbi t;
    uint64_t seq;               /* checker event number */
    uint64_t vcnt;              /* guest virtual time */
    uint32_t missed;            /* SMMUM_MISS_* (missed TLBIs) */
    uint64_t start, len;        /* address forms: the range it names */
} SmmumMaintTlbi;

#define SMMUM_MAINT_MAX_TLBIS 4

typedef struct SmmumMaintRecord {
    SmmumMaintKind kind;
    SmmumTearSeverity sev;
    uint32_t sid, ssid;
    bool ssv;
    SmmumIotlbEntry entry;      /* the cached translation */
    SmmumMaintChange change;
    bool new_valid;             /* memory translates the input now */
    uint64_t new_pa;            /* ... to this output address */
    uint8_t new_size_shift;
    uint8_t new_perm;
    /* The first descriptor (in walk order) that changed. */
    uint64_t desc_pa, desc_old, desc_new;
    int desc_level;             /* valid when desc_level_known */
    bool desc_level_known;      /* single-stage walks */
    unsigned desc_index, ndescs;
    const char *detected;       /* "hit", "sync", "tlbi" */
    uint64_t detect_seq, detect_vcnt;
    unsigned ntlbis;            /* stale: TLBIs that missed the entry */
    SmmumMaintTlbi tlbis[SMMUM_MAINT_MAX_TLBIS];
    bool removed_by_tlbi;       /* the TLBI that finally removed it */
    SmmumMaintTlbi removal;
    const char *reason;         /* how it left: "tlbi", "evicted", */
                                /* "reset", "exit" (static) */
    uint64_t exposure;          /* DMA served from it while changed */
    uint64_t exposure_stale;    /* ... after a missed TLBI's SYNC */
    uint8_t bbml;
    bool conflict;              /* F_TLB_CONFLICT was raised */
    bool atc;                   /* an ATC translation (entry.tag unused) */
    uint64_t translated_addr;   /* ats-translated-uncovered: the address */
    bool atc_inv_pending;       /* an ATC_INV was consumed, no SYNC yet */
    /* ats-enabled-before-eats, eats-cleared-before-ats-disable: */
    const char *ste_view;       /* "memory" or "cache" (static) */
    uint8_t ste_state;          /* SmmumAtsSte of that STE */
    uint8_t ste_eats;
    uint64_t ste_pa;            /* the STE in memory (0: not reached) */
    SmmumIdRegs idr;
} SmmumMaintRecord;

typedef struct SmmumMaintCounters {
    uint64_t records[SMMUM_MAINT__MAX];
    uint64_t by_severity[SMMUM_TEAR_SEV__MAX];
    uint64_t changes[SMMUM_CHG__MAX];   /* changed entries, by change */
    uint64_t entries;           /* IOTLB entries tracked (inserts) */
    uint64_t live;              /* tracked now */
    uint64_t hits;              /* DMA served from the IOTLB, checked */
    uint64_t descs_read;        /* descriptor re-reads */
    uint64_t rewalks;           /* walks to judge a changed descriptor */
    uint64_t tlbis;
    uint64_t syncs;             /* SYNCs completing at least one TLBI */
    uint64_t neighbours;        /* entries re-checked at those SYNCs */
    uint64_t skipped;           /* re-checks skipped (cap per SYNC) */
    uint64_t maintained;        /* changed entries removed by a TLBI */
                                /* before any DMA used them */
    uint64_t benign;            /* descriptor changes with no effect */
    uint64_t conflicts;         /* F_TLB_CONFLICT raised */
    uint64_t untracked;         /* inserts without a recorded walk */
    uint64_t ats_granted;       /* ATS translations tracked */
    uint64_t atc_invs;          /* CMD_ATC_INV seen */
    uint64_t translated;        /* ATS Translated transactions checked */
    uint64_t atc_dropped;       /* not tracked: the bound was reached */
    uint64_t ats_enables;       /* endpoint ATS Enable set, checked */
    uint64_t ats_disables;      /* ... cleared */
    uint64_t ats_cfgis;         /* CFGIs of ATS-enabled StreamIDs checked */
} SmmumMaintCounters;

typedef struct SmmumMaintHost {
    void *opaque;
    /* Read guest memory as the SMMU would; false on abort. Required. */
    bool (*read)(void *opaque, uint64_t pa, void *buf, size_t len);
    /* Guest virtual time (evidence).  Optional. */
    uint64_t (*now)(void *opaque);
    /* A finding.  Optional. */
    void (*record)(void *opaque, const SmmumMaintRecord *rec);
} SmmumMaintHost;

typedef struct SmmumMaintParams {
    SmmumIdRegs idr;            /* the model's ID registers (RIL, BBML) */
    bool on[SMMUM_MAINT__MAX];  /* which checks report */
    SmmumTearSeverity sev[SMMUM_MAINT__MAX];
    /* Terminate DMA hitting a break-before-make violation with */
    /* F_TLB_CONFLICT instead of serving the cached translation. */
    bool conflict;
    unsigned sync_cap;          /* re-checks per SYNC; 0: default 256 */
} SmmumMaintParams;

typedef struct SmmumMaint SmmumMaint;

/* Every check on, at its default severity. */
void smmum_maint_params_default(SmmumMaintParams *p);
/*
 * Apply "name=severity|off,..." (names: smmum_maint_check_name) to p;
 * NULL on success, else a message (g_free it).
 */
char *smmum_maint_checks_parse(SmmumMaintParams *p, const char *spec);

SmmumMaint *smmum_maint_new(const SmmumMaintParams *p,
                            const SmmumMaintHost *h);
void smmum_maint_free(SmmumMaint *m);
/* Fill *o with hooks whose opaque is m, for the functional model. */
void smmum_maint_observer(SmmumMaint *m, SmmumTlbObserver *o);
/*
 * End of the run: report changed entries still cached that DMA used.
 * Idempotent.
 */
void smmum_maint_finish(SmmumMaint *m);
void smmum_maint_get_counters(SmmumMaint *m, SmmumMaintCounters *c);

/*
 * Why tlbi does not remove e (SMMUM_MISS_*), under the TLBI scope rules
 * of IHI 0070 4.4 as the IOTLB applies them; 0 when it does.
 */
uint32_t smmum_maint_tlbi_miss(const SmmumIdRegs *idr, const SmmumTlbi *tlbi,
                               const SmmumIotlbEntry *e);

const char *smmum_maint_kind_name(SmmumMaintKind k);
/* "permits", "no-eats", "abort", "invalid", "unreachable" */
const char *smmum_ats_ste_name(uint8_t state);
/* The short name maint-checks uses: stale, missing, late, fq, bbm, leaf */
const char *smmum_maint_check_name(SmmumMaintKind k);
const char *smmum_maint_change_name(SmmumMaintChange c);
const char *smmum_maint_miss_name(unsigned bit);
const char *smmum_tlbi_op_name(uint8_t op);

/* One record as a JSON object on one line (no newline); g_free it. */
char *smmum_maint_record_to_json(const SmmumMaintRecord *r);
/* One record as one line of plain words (no newline); g_free it. */
char *smmum_maint_record_describe(const SmmumMaintRecord *r);
/* A short summary of the counters (g_free it). */
char *smmum_maint_summary(const SmmumMaintCounters *c);
/*
 * The counters as one "maint-summary" report record (JSON, one line, no
 * newline; g_free it): what was found and what was checked.
 */
char *smmum_maint_summary_to_json(const SmmumMaintCounters *c);

#endif
