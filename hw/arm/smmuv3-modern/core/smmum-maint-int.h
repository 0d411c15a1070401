/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the maintenance checker's internals, shared by its
 * IOTLB part (smmum-maint.c) and its ATS part (smmum-maint-ats.c).
 */
#ifndef SMMUM_MAINT_INT_H
#define SMMUM_MAINT_INT_H

#include <glib.h>

#include "smmum-core.h"
#include "smmum-maint.h"

#define MAX_DESCS       32      /* nested 4K walks read at most 24 */
#define BATCH_TLBIS     64      /* TLBIs remembered between two SYNCs */
#define REMOVED_PAS     4
#define BUCKET_SHIFT    21      /* neighbourhood index granule */
#define MAX_BUCKETS     64      /* beyond: scan every entry */
#define IOVA_MASK       SMMUM_MASK(56)
#define DESC_NT         (1ULL << 16)
#define ATC_MAX         4096    /* ATS translations tracked */
#define UNCOVERED_MAX   64      /* ats-translated-uncovered records */

typedef struct Desc {
    uint64_t pa, val;
} Desc;

typedef struct Sh {
    const SmmumIotlbEntry *key;
    uint64_t order;             /* IOTLB entries: inserts before this one */
    SmmumIotlbEntry e;
    uint32_t sid, ssid;
    bool ssv;
    bool single;                /* one stage: desc[i] is level start+i */
    SmmumWalkCfg cfg;
    unsigned ndesc;
    Desc *desc;
    uint64_t bucket;            /* UINT64_MAX: in the big list */
    uint64_t epoch;             /* SYNCs when the tables were last read */
    bool atc;                   /* an ATS translation, not an IOTLB entry */
    bool atc_pending;           /* ... a covering ATC_INV was consumed */
    /* Change state: what memory says now, once a descriptor differs. */
    SmmumMaintChange change;
    bool new_valid;
    uint64_t new_pa;
    uint8_t new_size, new_perm;
    unsigned chg_idx;
    uint64_t chg_old, chg_new;
    const char *detected;
    uint64_t detect_seq, detect_vcnt;
    bool bbm;                   /* the change breaks break-before-make */
    bool bbm_done;              /* ... and was reported */
    uint64_t exposure, exposure_stale;
    unsigned nmissed;
    SmmumMaintTlbi missed[SMMUM_MAINT_MAX_TLBIS];
} Sh;

typedef struct BatchTlbi {
    SmmumMaintTlbi ev;
    unsigned removed;
    unsigned npas;
    uint64_t removed_pas[REMOVED_PAS];  /* changed descriptors of them */
} BatchTlbi;

struct SmmumMaint {
    SmmumMaintParams p;
    SmmumMaintHost h;
    bool ril, asid16, vmid16, s2p;
    uint8_t bbml;
    GHashTable *by_entry;       /* entry pointer -> Sh (owned) */
    GHashTable *buckets;        /* iova >> BUCKET_SHIFT -> GPtrArray */
    GPtrArray *big;
    GHashTable *ctx_asid;       /* vmid << 16 | asid -> live entries */
    GHashTable *ctx_vmid;       /* vmid -> live entries */
    /* The walk being recorded (walk_begin .. tlb_insert). */
    SmmumWalkMem inner;
    bool rec;
    bool rec_overflow;
    SmmumWalkCfg rec_cfg;
    uint32_t rec_sid, rec_ssid;
    bool rec_ssv;
    unsigned rec_n;
    Desc rec_desc[MAX_DESCS];
    /* TLBIs consumed since the last SYNC. */
    unsigned nbatch;
    BatchTlbi batch[BATCH_TLBIS];
    const SmmumTlbi *cur_tlbi;  /* being applied; its batch slot */
    int cur_idx;
    uint64_t seq;
    uint64_t epoch;             /* completed SYNCs */
    bool finished;
    SmmumMaintCounters c;
    /* ATS translations held by endpoints' ATCs. */
    GHashTable *atc;            /* StreamID -> GPtrArray of Sh (owned) */
    GPtrArray *atc_pending;     /* Sh with a covering ATC_INV consumed */
    unsigned natc;
    bool atc_overflow;
    GHashTable *uncovered;      /* StreamID << 40 | page: reported */
    /* StreamIDs whose endpoint has ATS enabled -> ATS_EP_* flags. */
    GHashTable *ats_ep;
};

#define ATS_EP_ON       1u      /* the endpoint has ATS enabled */
#define ATS_EP_PERMITTED 2u     /* ... and an STE with EATS was seen since */
#define ATS_EP_REPORTED 4u      /* an ats-disable finding of this period */

uint64_t smmum_maint_now(SmmumMaint *m);
/*
 * A record of kind k at its configured severity, with the checker's
 * BBML and ID registers; false when the check is off.  Publish counts it
 * and hands it to the host.
 */
bool smmum_maint_record_init(SmmumMaint *m, SmmumMaintRecord *r,
                             SmmumMaintKind k);
void smmum_maint_publish(SmmumMaint *m, const SmmumMaintRecord *r);
void smmum_maint_emit(SmmumMaint *m, const Sh *sh, SmmumMaintKind k,
                      SmmumTearSeverity sev, const BatchTlbi *removal,
                      const char *reason, bool conflict);
/*
 * Re-read sh's descriptors and judge a difference; true: changed.  dma:
 * for a transaction served from it (tables only once per SYNC).
 */
bool smmum_maint_check(SmmumMaint *m, Sh *sh, const char *how, bool dma);
/* Does memory hold sh's descriptors again? */
bool smmum_maint_restored(SmmumMaint *m, Sh *sh);
void smmum_maint_sh_free(gpointer p);

/* ATS (smmum-maint-ats.c): the observer hooks and the SYNC's part. */
void smmum_maint_ats_granted(void *opaque, const SmmumTxn *txn,
                             const SmmumXlate *out);
void smmum_maint_atc_inv(void *opaque, const SmmumAtcInv *inv);
void smmum_maint_translated(void *opaque, const SmmumTxn *txn);
void smmum_maint_ats_endpoint(void *opaque, uint32_t sid,
                              SmmumAtsEndpointEvent ev,
                              const SmmumAtsSteView *view);
void smmum_maint_atc_sync(SmmumMaint *m);
/* The end of the run: changed translations still in ATCs. */
void smmum_maint_atc_finish(SmmumMaint *m);

#endif
