/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the architectural state of one SMMUv3 and its
 * narrow interface to whatever hosts it (QEMU glue, unit tests, fuzzers).
 *
 * The core is plain C11 + GLib.  It never includes QEMU headers.
 */
#ifndef SMMUM_CORE_H
#define SMMUM_CORE_H

#include <stdbool.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "smmum-regs.h"
#include "smmum-meaning.h"
#include "smmum-observer.h"
#include "smmum-stats.h"

/* Wired interrupt lines, in the order of the device tree's interrupt-names. */
typedef enum SmmumIrq {
    SMMUM_IRQ_EVTQ = 0,
    SMMUM_IRQ_PRIQ = 1,
    SMMUM_IRQ_CMD_SYNC = 2,
    SMMUM_IRQ_GERROR = 3,
    SMMUM_NUM_IRQS = 4,
} SmmumIrq;

/* Messages the core sends to its host's log. */
typedef enum SmmumLogKind {
    SMMUM_LOG_GUEST_ERROR,  /* the guest did something the spec forbids */
    SMMUM_LOG_UNIMP,        /* the guest used something not modelled */
} SmmumLogKind;

typedef struct SmmumAtcInv SmmumAtcInv;

/*
 * What the core needs from its host.  All guest-memory accesses are made
 * by the SMMU itself (queues, tables, MSIs); they return false when the
 * access fails (an abort on the interconnect).
 */
typedef struct SmmumHost {
    void *opaque;
    bool (*dma_read)(void *opaque, uint64_t pa, void *buf, size_t len);
    bool (*dma_write)(void *opaque, uint64_t pa, const void *buf, size_t len);
    /* Pulse a wired, edge-triggered interrupt line. */
    void (*irq_pulse)(void *opaque, SmmumIrq line);
    /* Write a 32-bit MSI; false when the write aborts. */
    bool (*msi)(void *opaque, uint64_t addr, uint32_t data, uint32_t attr);
    /* Send an event to waiting PEs (CMD_SYNC with CS=SEV). */
    void (*sev)(void *opaque);
    void (*log)(void *opaque, SmmumLogKind kind, const char *msg);
    /*
     * Optional (HTTU): atomically replace the 64-bit little-endian word
     * at pa by new_val if it equals expect; *seen gets the value found.
     * False only when the access aborts.  Without it no hardware
     * access-flag or dirty-state update is ever made.
     */
    bool (*cmpxchg64)(void *opaque, uint64_t pa, uint64_t expect,
                      uint64_t new_val, uint64_t *seen);
    /*
     * Optional (ATS): deliver a CMD_ATC_INV to the ATC of the endpoint
     * with StreamID inv->sid as an ATS Invalidate Request; return true
     * when its Invalidation Completion arrived, false when it failed or
     * timed out (the next CMD_SYNC then fails with CERROR_ATC_INV_SYNC).
     * Without it an ATC_INV completes with nothing invalidated.
     */
    bool (*atc_inv)(void *opaque, const SmmumAtcInv *inv);
    /*
     * Optional: translations handed out before may be stale (for IOMMU
     * UNMAP notifiers).  Called when a TLBI command is consumed, with
     * [iova, iova + size) of an address-based form and asid / vmid the
     * command restricts (-1: any); size 0 means every address (ALL,
     * ASID and VMID forms, TLBI_S2_IPA: a nested IOVA is unknown).
     * Called with (-1, -1, 0, 0) when configuration is invalidated
     * (CFGI_*), on SMMUEN and GBPA changes and on reset.
     */
    void (*tlbi_notify)(void *opaque, int32_t asid, int32_t vmid,
                        uint64_t iova, uint64_t size);
} SmmumHost;

/*
 * Implementation choices, fixed at realize time (device properties).
 * smmum_config_validate() checks them; the ID registers are derived
 * from them by smmum_core_init().
 */
typedef struct SmmumConfig {
    uint8_t sidsize;        /* IDR1.SIDSIZE, 0..32 */
    uint8_t ssidsize;       /* IDR1.SSIDSIZE, 0..20 */
    uint8_t cmdqs;          /* IDR1.CMDQS, max log2 entries, <= 19 */
    uint8_t eventqs;        /* IDR1.EVENTQS, <= 19 */
    uint8_t oas_bits;       /* 32, 36, 40, 42, 44, 48 or 52 */
    bool stage1;            /* IDR0.S1P */
    bool stage2;            /* IDR0.S2P */
    bool two_level_strtab;  /* IDR0.ST_LEVEL = 0b01 */
    bool cd2l;              /* IDR0.CD2L */
    bool msi;               /* IDR0.MSI */
    bool sev;               /* IDR0.SEV */
    bool asid16;            /* IDR0.ASID16 */
    bool vmid16;            /* IDR0.VMID16 */
    bool ats;               /* IDR0.ATS */
    bool ril;               /* IDR3.RIL */
    /*
     * IDR3.BBML, 0..2: the break-before-make level advertised (the IOTLB
     * never raises a TLB conflict by itself, which every level allows;
     * the maintenance checker judges block-size changes by it).
     */
    uint8_t bbml;
    bool s2fwb;             /* IDR3.FWB (advertised with stage2 only) */
    bool httu;              /* IDR0.HTTU = 0b10 (HA and HD) */
    bool attr_types_ovr;    /* IDR1.ATTR_TYPES_OVR */
    bool attr_perms_ovr;    /* IDR1.ATTR_PERMS_OVR */
    bool gran4k, gran16k, gran64k;
    /*
     * Configuration cache: at most cfgcache_size entries (STEs, L1STDs,
     * CDs, L1CDs together), least recently used evicted first; with
     * cfgcache_sticky nothing is ever evicted, so only a CFGI removes an
     * entry (a debug mode that catches missing invalidations).
     */
    uint32_t cfgcache_size;
    bool cfgcache_sticky;
    /* IOTLB: at most iotlb_size leaf translations, LRU replacement. */
    uint32_t iotlb_size;
} SmmumConfig;

/* An ATC invalidation (CMD_ATC_INV) as the host delivers it. */
struct SmmumAtcInv {
    uint32_t sid;
    uint32_t ssid;          /* valid when ssv */
    bool ssv;
    bool global;            /* Global: global entries of every PASID too */
    uint64_t addr;          /* start, aligned to the span */
    uint8_t size_log2;      /* span is 2^size_log2 bytes (12..64) */
};

/* PCIe Address Type of a transaction (IHI 0070 3.9). */
typedef enum SmmumAt {
    SMMUM_AT_UNTRANSLATED = 0,  /* an ordinary transaction */
    SMMUM_AT_TRANSLATED,        /* ATS Translated: addr is an output */
    SMMUM_AT_TRANSLATION_REQ,   /* ATS Translation Request (smmum_ats_*) */
} SmmumAt;

/* A DMA transaction as the host hands it to the core. */
typedef struct SmmumTxn {
    uint32_t sid;           /* StreamID */
    uint32_t ssid;          /* SubstreamID, valid when ssv */
    bool ssv;
    bool write;
    bool priv;              /* privileged (PnU) */
    bool instr;             /* instruction fetch (InD) */
    uint64_t addr;          /* input address */
    uint8_t at;             /* SmmumAt; 0 for ordinary transactions */
    bool nw;                /* translation requests: No Write (read only) */
} SmmumTxn;

typedef enum SmmumXlateStatus {
    SMMUM_XLATE_OK,
    SMMUM_XLATE_ABORT,      /* the transaction is terminated */
} SmmumXlateStatus;

typedef struct SmmumXlate {
    SmmumXlateStatus status;
    uint64_t pa;            /* output address of txn.addr */
    uint64_t addr_mask;     /* size - 1 of the naturally aligned region */
    bool read, write;       /* permissions for that region */
    /* Translation requests only (see smmum_ats_translate). */
    uint8_t ats_resp;       /* SmmumAtsResp */
    bool exec, global;      /* execute permitted; nG=0 translation */
} SmmumXlate;

/* Completion status of an ATS Translation Request. */
typedef enum SmmumAtsResp {
    SMMUM_ATS_SUCCESS = 0,  /* read/write (both 0: no access) are valid */
    SMMUM_ATS_UR,           /* Unsupported Request: ATS not enabled */
    SMMUM_ATS_CA,           /* Completer Abort: configuration error */
} SmmumAtsResp;

typedef struct SmmumQueue {
    uint64_t base;          /* *_BASE register */
    uint32_t prod;
    uint32_t cons;
} SmmumQueue;

/* An event record before encoding (IHI 0070 7.3, common fields). */
typedef struct SmmumEvent {
    uint8_t type;           /* SMMUM_EVT_* */
    uint32_t sid;
    uint32_t ssid;
    bool ssv;
    uint16_t stag;
    bool stall;
    bool pnu, ind, rnw;     /* transaction attributes */
    bool s2;                /* stage 2 fault */
    uint8_t cls;            /* CLASS: 0 CD, 1 TT, 2 IN */
    bool ttrnw;
    uint64_t input_addr;
    uint64_t addr2;         /* IPA, or FetchAddr for *_FETCH / WALK_EABT */
} SmmumEvent;

typedef struct SmmumCfgCache SmmumCfgCache;
typedef struct SmmumIotlb SmmumIotlb;
typedef struct SmmumFast SmmumFast;
typedef struct SmmumInject SmmumInject;

/* Architectural (migratable) state plus the host hookup. */
typedef struct SmmumCore {
    SmmumConfig cfg;
    SmmumHost host;

    /* Read-only ID registers, derived from cfg. */
    uint32_t idr[6];
    uint32_t iidr;
    uint32_t aidr;

    /* Guest-visible registers. */
    uint32_t cr0;
    uint32_t cr0ack;
    uint32_t cr1;
    uint32_t cr2;
    uint32_t gbpa;
    uint32_t irq_ctrl;
    uint32_t irq_ctrlack;
    uint32_t gerror;
    uint32_t gerrorn;
    uint64_t gerror_irq_cfg0;
    uint32_t gerror_irq_cfg1;
    uint32_t gerror_irq_cfg2;
    uint64_t strtab_base;
    uint32_t strtab_base_cfg;
    SmmumQueue cmdq;
    SmmumQueue eventq;
    uint64_t eventq_irq_cfg0;
    uint32_t eventq_irq_cfg1;
    uint32_t eventq_irq_cfg2;

    /* Not architectural state: dropped on migration and reset. */
    SmmumStats stats;           /* totals of the run (kept at reset) */
    SmmumObserver obs;
    SmmumTlbObserver tlb_obs;   /* maintenance checker (smmum-maint.h) */
    SmmumCfgCache *cfgcache;
    SmmumIotlb *iotlb;
    /* Fault injection (smmum-inject.h), owned by the host; may be NULL. */
    SmmumInject *inject;
    /*
     * Translation fast path (smmum-pipeline.c): decoded configurations
     * and recent translations per StreamID, valid while xlate_gen and
     * the caches' generations are unchanged.  xlate_gen changes on every
     * register write and on reset.
     */
    uint64_t xlate_gen;
    SmmumFast *fast;
    /*
     * An ATC_INV consumed since the last completed CMD_SYNC got no
     * Invalidation Completion: that CMD_SYNC fails (CERROR_ATC_INV_SYNC).
     */
    bool atc_inv_failed;
    /*
     * StreamIDs whose endpoint has ATS enabled (smmum_ats_endpoint; a
     * set of GUINT_TO_POINTER(sid), NULL until the first): the endpoints'
     * state, kept across SMMU resets.
     */
    GHashTable *ats_endpoints;
} SmmumCore;

/* Fill *cfg with the defaults the device properties start from. */
void smmum_config_default(SmmumConfig *cfg);
/* NULL when cfg is usable, else a message for the user (g_free it). */
char *smmum_config_validate(const SmmumConfig *cfg);

void smmum_core_init(SmmumCore *s, const SmmumConfig *cfg,
                     const SmmumHost *host);
/* Architected reset values of every register. */
void smmum_core_reset(SmmumCore *s);
/*
 * Forget every cached structure and translation (allowed at any time;
 * used after an incoming migration, whose state bypasses the registers).
 */
void smmum_core_drop_caches(SmmumCore *s);
/* Free what smmum_core_init allocated. */
void smmum_core_finalize(SmmumCore *s);
/* Install the observer (the tear checker); NULL removes it. */
void smmum_core_set_observer(SmmumCore *s, const SmmumObserver *obs);
/* Install the IOTLB observer (the maintenance checker); NULL removes it. */
void smmum_core_set_tlb_observer(SmmumCore *s, const SmmumTlbObserver *o);
/* The ID-register view structures are decoded under. */
void smmum_idregs_from_core(const SmmumCore *s, SmmumIdRegs *idr);

/*
 * Register access.  offset is within the 128 KiB frame; size is 4 or 8.
 * Accesses of an illegal size or alignment are RAZ/WI (and logged).
 */
uint64_t smmum_mmio_read(SmmumCore *s, uint64_t offset, unsigned size);
void smmum_mmio_write(SmmumCore *s, uint64_t offset, uint64_t val,
                      unsigned size);

/* Translate one transaction. */
void smmum_translate(SmmumCore *s, const SmmumTxn *txn, SmmumXlate *out);
/*
 * Answer an ATS Translation Request (txn->at is ignored): out->ats_resp
 * and, on success, the translated address and permissions of the region
 * (smmum-ats.c).
 */
void smmum_ats_translate(SmmumCore *s, const SmmumTxn *txn, SmmumXlate *out);
/*
 * The endpoint with StreamID sid set (enabled) or cleared its ATS
 * Enable bit (PCIe ATS Control).  The SMMU itself does not depend on
 * it; the maintenance checker judges the order against STE.EATS.
 * notify false only updates the record (restoring a migrated endpoint).
 */
void smmum_ats_endpoint(SmmumCore *s, uint32_t sid, bool enabled,
                        bool notify);

/*
 * Record an event in the event queue (dropped when EVTQEN=0 or the
 * queue is full; overflow and write aborts are flagged as the
 * architecture says).  Returns true when the record was written.
 */
bool smmum_event_record(SmmumCore *s, const SmmumEvent *ev);

/* printf-style logging through host->log. */
void smmum_log(SmmumCore *s, SmmumLogKind kind, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

#endif
