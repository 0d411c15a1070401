/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: configuration, ID registers, reset and the
 * register file.
 */
#include "smmum-core.h"
#include "smmum-cfgcache.h"
#include "smmum-iotlb.h"
#include "smmum-inject.h"
#include "smmum-int.h"

#include <stdarg.h>
#include <string.h>

void smmum_log(SmmumCore *s, SmmumLogKind kind, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (!s->host.log) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    s->host.log(s->host.opaque, kind, msg);
    g_free(msg);
}

void smmum_config_default(SmmumConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->sidsize = 16;
    cfg->ssidsize = 0;
    cfg->cmdqs = 19;
    cfg->eventqs = 19;
    cfg->oas_bits = 44;
    cfg->two_level_strtab = true;
    cfg->msi = true;
    cfg->sev = true;
    cfg->asid16 = true;
    cfg->vmid16 = true;
    cfg->gran4k = true;
    cfg->gran16k = true;
    cfg->gran64k = true;
    cfg->cfgcache_size = 256;
    cfg->iotlb_size = 1024;
    cfg->stage1 = true;
    cfg->stage2 = true;
    cfg->ssidsize = 20;
    cfg->cd2l = true;
    cfg->httu = true;
    cfg->ril = true;
    cfg->s2fwb = true;
}

static int oas_encoding(unsigned bits)
{
    static const uint8_t oas[] = { 32, 36, 40, 42, 44, 48, 52 };

    for (unsigned i = 0; i < G_N_ELEMENTS(oas); i++) {
        if (oas[i] == bits) {
            return i == 6 ? 6 : (int)i;
        }
    }
    return -1;
}

char *smmum_config_validate(const SmmumConfig *cfg)
{
    if (cfg->sidsize > 32) {
        return g_strdup_printf("sidsize=%u: must be at most 32", cfg->sidsize);
    }
    if (cfg->ssidsize > 20) {
        return g_strdup_printf("ssidsize=%u: must be at most 20",
                               cfg->ssidsize);
    }
    if (cfg->cmdqs > 19 || cfg->eventqs > 19) {
        return g_strdup("cmdqs and eventqs must be at most 19");
    }
    if (oas_encoding(cfg->oas_bits) < 0) {
        return g_strdup_printf("oas=%u: must be one of 32, 36, 40, 42, 44, "
                               "48, 52", cfg->oas_bits);
    }
    if (cfg->bbml > 2) {
        return g_strdup_printf("bbml=%u: must be 0, 1 or 2", cfg->bbml);
    }
    if (!cfg->gran4k && !cfg->gran16k && !cfg->gran64k) {
        return g_strdup("at least one translation granule must be supported");
    }
    if ((cfg->ssidsize || cfg->cd2l) && !cfg->stage1) {
        return g_strdup("ssidsize and cd2l need stage1");
    }
    if (cfg->attr_types_ovr || cfg->attr_perms_ovr) {
        return g_strdup("attribute overrides are not implemented yet");
    }
    return NULL;
}

static void compute_idrs(SmmumCore *s)
{
    const SmmumConfig *c = &s->cfg;
    uint64_t v;

    v = 0;
    v = SMMUM_DEP(v, SMMUM_IDR0_S2P, 1, c->stage2);
    v = SMMUM_DEP(v, SMMUM_IDR0_S1P, 1, c->stage1);
    v = SMMUM_DEP(v, SMMUM_IDR0_TTF, 2, 2);           /* AArch64 tables */
    v = SMMUM_DEP(v, SMMUM_IDR0_COHACC, 1, 1);        /* coherent walks */
    v = SMMUM_DEP(v, SMMUM_IDR0_HTTU, 2, c->httu ? 2 : 0);  /* HA + HD */
    v = SMMUM_DEP(v, SMMUM_IDR0_ATS, 1, c->ats);
    v = SMMUM_DEP(v, SMMUM_IDR0_ASID16, 1, c->asid16);
    v = SMMUM_DEP(v, SMMUM_IDR0_MSI, 1, c->msi);
    v = SMMUM_DEP(v, SMMUM_IDR0_SEV, 1, c->sev);
    v = SMMUM_DEP(v, SMMUM_IDR0_VMID16, 1, c->vmid16);
    v = SMMUM_DEP(v, SMMUM_IDR0_CD2L, 1, c->cd2l);
    v = SMMUM_DEP(v, SMMUM_IDR0_TTENDIAN, 2, 2);      /* little endian */
    v = SMMUM_DEP(v, SMMUM_IDR0_STALL_MODEL, 2, 1);   /* no stall */
    v = SMMUM_DEP(v, SMMUM_IDR0_TERM_MODEL, 1, 0);
    v = SMMUM_DEP(v, SMMUM_IDR0_ST_LEVEL, 2, c->two_level_strtab ? 1 : 0);
    s->idr[0] = v;

    v = 0;
    v = SMMUM_DEP(v, SMMUM_IDR1_SIDSIZE, 6, c->sidsize);
    v = SMMUM_DEP(v, SMMUM_IDR1_SSIDSIZE, 5, c->ssidsize);
    v = SMMUM_DEP(v, SMMUM_IDR1_EVENTQS, 5, c->eventqs);
    v = SMMUM_DEP(v, SMMUM_IDR1_CMDQS, 5, c->cmdqs);
    v = SMMUM_DEP(v, SMMUM_IDR1_ATTR_TYPES_OVR, 1, c->attr_types_ovr);
    v = SMMUM_DEP(v, SMMUM_IDR1_ATTR_PERMS_OVR, 1, c->attr_perms_ovr);
    s->idr[1] = v;

    s->idr[2] = 0;
    s->idr[3] = SMMUM_DEP(0, SMMUM_IDR3_RIL, 1, c->ril);
    s->idr[3] = SMMUM_DEP(s->idr[3], SMMUM_IDR3_FWB, 1,
                          c->s2fwb && c->stage2);
    s->idr[3] = SMMUM_DEP(s->idr[3], SMMUM_IDR3_BBML, 2, c->bbml);
    s->idr[4] = 0;

    v = 0;
    v = SMMUM_DEP(v, SMMUM_IDR5_OAS, 3, oas_encoding(c->oas_bits));
    v = SMMUM_DEP(v, SMMUM_IDR5_GRAN4K, 1, c->gran4k);
    v = SMMUM_DEP(v, SMMUM_IDR5_GRAN16K, 1, c->gran16k);
    v = SMMUM_DEP(v, SMMUM_IDR5_GRAN64K, 1, c->gran64k);
    s->idr[5] = v;

    s->iidr = 0;
    s->aidr = 1;    /* SMMUv3.1 */
}

void smmum_core_init(SmmumCore *s, const SmmumConfig *cfg,
                     const SmmumHost *host)
{
    SmmumIdRegs idr;

    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    s->host = *host;
    compute_idrs(s);
    s->cfgcache = smmum_cfgcache_new(cfg->cfgcache_size,
                                     cfg->cfgcache_sticky);
    smmum_idregs_from_core(s, &idr);
    s->iotlb = smmum_iotlb_new(&idr, cfg->iotlb_size ? cfg->iotlb_size
                                                     : 1024);
    s->fast = smmum_fast_new();
    smmum_core_reset(s);
}

void smmum_core_finalize(SmmumCore *s)
{
    smmum_cfgcache_free(s->cfgcache);
    s->cfgcache = NULL;
    smmum_fast_free(s->fast);
    s->fast = NULL;
    smmum_iotlb_free(s->iotlb);
    s->iotlb = NULL;
    if (s->ats_endpoints) {
        g_hash_table_destroy(s->ats_endpoints);
        s->ats_endpoints = NULL;
    }
}

void smmum_core_set_observer(SmmumCore *s, const SmmumObserver *obs)
{
    if (obs) {
        s->obs = *obs;
    } else {
        memset(&s->obs, 0, sizeof(s->obs));
    }
}

void smmum_core_set_tlb_observer(SmmumCore *s, const SmmumTlbObserver *o)
{
    if (o) {
        s->tlb_obs = *o;
    } else {
        memset(&s->tlb_obs, 0, sizeof(s->tlb_obs));
    }
    smmum_iotlb_set_observer(s->iotlb, o ? &s->tlb_obs : NULL);
}

void smmum_idregs_from_core(const SmmumCore *s, SmmumIdRegs *idr)
{
    memcpy(idr->idr, s->idr, sizeof(idr->idr));
}

void smmum_core_drop_caches(SmmumCore *s)
{
    s->xlate_gen++;
    if (s->cfgcache) {
        smmum_cfgcache_flush(s->cfgcache);
    }
    if (s->iotlb) {
        smmum_iotlb_flush(s->iotlb);
    }
    smmum_notify_inval_all(s);
}

void smmum_core_reset(SmmumCore *s)
{
    s->xlate_gen++;
    s->cr0 = 0;
    s->cr0ack = 0;
    s->cr1 = 0;
    s->cr2 = 0;
    /* GBPA resets to ABORT=1 unless firmware configured otherwise. */
    s->gbpa = SMMUM_GBPA_ABORT;
    s->irq_ctrl = 0;
    s->irq_ctrlack = 0;
    s->gerror = 0;
    s->gerrorn = 0;
    s->gerror_irq_cfg0 = 0;
    s->gerror_irq_cfg1 = 0;
    s->gerror_irq_cfg2 = 0;
    s->strtab_base = 0;
    s->strtab_base_cfg = 0;
    memset(&s->cmdq, 0, sizeof(s->cmdq));
    memset(&s->eventq, 0, sizeof(s->eventq));
    s->eventq_irq_cfg0 = 0;
    s->eventq_irq_cfg1 = 0;
    s->eventq_irq_cfg2 = 0;
    s->atc_inv_failed = false;
    smmum_core_drop_caches(s);
    if (s->obs.reset) {
        s->obs.reset(s->obs.opaque);
    }
    smmum_inject_reset(s);
}

/* Peripheral and component ID registers, 0xFD0..0xFFC. */
static uint32_t id_reg(uint64_t offset)
{
    static const uint8_t ids[] = {
        0x04, 0x00, 0x00, 0x00,   /* PIDR4..PIDR7 */
        0x84, 0xb4, 0x0b, 0x00,   /* PIDR0..PIDR3 */
        0x0d, 0xf0, 0x05, 0xb1,   /* CIDR0..CIDR3 */
    };
    return ids[(offset - SMMUM_PIDR4) / 4];
}

static bool access_ok(SmmumCore *s, uint64_t offset, unsigned size,
                      bool is_write)
{
    if ((size != 4 && size != 8) || (offset & (size - 1))) {
        smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                  "%s of size %u at offset 0x%" PRIx64 " is not allowed",
                  is_write ? "write" : "read", size, offset);
        return false;
    }
    return true;
}

/* 64-bit registers accept 64-bit accesses or 32-bit halves. */
static uint64_t read64(uint64_t reg, uint64_t offset, uint64_t base,
                       unsigned size)
{
    if (size == 8) {
        return reg;
    }
    return offset == base ? (uint32_t)reg : reg >> 32;
}

static uint64_t write64(uint64_t reg, uint64_t offset, uint64_t base,
                        uint64_t val, unsigned size)
{
    if (size == 8) {
        return val;
    }
    if (offset == base) {
        return (reg & 0xffffffff00000000ULL) | (uint32_t)val;
    }
    return (reg & 0xffffffffULL) | (val << 32);
}

uint64_t smmum_mmio_read(SmmumCore *s, uint64_t offset, unsigned size)
{
    smmum_inject_mmio(s);
    if (!access_ok(s, offset, size, false)) {
        return 0;
    }
    if (size == 8) {
        switch (offset) {
        case SMMUM_GERROR_IRQ_CFG0:
        case SMMUM_STRTAB_BASE:
        case SMMUM_CMDQ_BASE:
        case SMMUM_EVENTQ_BASE:
        case SMMUM_EVENTQ_IRQ_CFG0:
        case SMMUM_PRIQ_BASE:
        case SMMUM_PRIQ_IRQ_CFG0:
            break;
        default:
            smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                      "64-bit read of 32-bit register 0x%" PRIx64, offset);
            return 0;
        }
    }

    switch (offset & ~7ULL) {
    case SMMUM_GERROR_IRQ_CFG0:
        return read64(s->gerror_irq_cfg0, offset, SMMUM_GERROR_IRQ_CFG0, size);
    case SMMUM_STRTAB_BASE:
        return read64(s->strtab_base, offset, SMMUM_STRTAB_BASE, size);
    case SMMUM_CMDQ_BASE:
        return read64(s->cmdq.base, offset, SMMUM_CMDQ_BASE, size);
    case SMMUM_EVENTQ_BASE:
        return read64(s->eventq.base, offset, SMMUM_EVENTQ_BASE, size);
    case SMMUM_EVENTQ_IRQ_CFG0:
        return read64(s->eventq_irq_cfg0, offset, SMMUM_EVENTQ_IRQ_CFG0, size);
    }

    switch (offset) {
    case SMMUM_IDR0 ... SMMUM_IDR5:
        return s->idr[offset / 4];
    case SMMUM_IIDR:
        return s->iidr;
    case SMMUM_AIDR:
        return s->aidr;
    case SMMUM_CR0:
        return s->cr0;
    case SMMUM_CR0ACK:
        return s->cr0ack;
    case SMMUM_CR1:
        return s->cr1;
    case SMMUM_CR2:
        return s->cr2;
    case SMMUM_STATUSR:
        return 0;
    case SMMUM_GBPA:
        return s->gbpa;
    case SMMUM_IRQ_CTRL:
        return s->irq_ctrl;
    case SMMUM_IRQ_CTRLACK:
        return s->irq_ctrlack;
    case SMMUM_GERROR:
        return s->gerror;
    case SMMUM_GERRORN:
        return s->gerrorn;
    case SMMUM_GERROR_IRQ_CFG1:
        return s->gerror_irq_cfg1;
    case SMMUM_GERROR_IRQ_CFG2:
        return s->gerror_irq_cfg2;
    case SMMUM_STRTAB_BASE_CFG:
        return s->strtab_base_cfg;
    case SMMUM_CMDQ_PROD:
        return s->cmdq.prod;
    case SMMUM_CMDQ_CONS:
        return s->cmdq.cons;
    case SMMUM_EVENTQ_IRQ_CFG1:
        return s->eventq_irq_cfg1;
    case SMMUM_EVENTQ_IRQ_CFG2:
        return s->eventq_irq_cfg2;
    case SMMUM_EVENTQ_PROD:
        return s->eventq.prod;
    case SMMUM_EVENTQ_CONS:
        return s->eventq.cons;
    case SMMUM_PIDR4 ... SMMUM_CIDR0 + 0xc:
        return id_reg(offset);
    default:
        smmum_log(s, SMMUM_LOG_UNIMP,
                  "read of unimplemented register 0x%" PRIx64 " (RAZ)",
                  offset);
        return 0;
    }
}

/* A register that may only change while the enable bit en in CR0ACK is 0. */
static bool guarded(SmmumCore *s, uint32_t en, const char *name)
{
    if (s->cr0ack & en) {
        smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                  "write to %s ignored while its enable is set", name);
        return false;
    }
    return true;
}

/* An *_IRQ_CFGn register may only change while its IRQ is disabled. */
static bool irq_guarded(SmmumCore *s, uint32_t en, const char *name)
{
    if (s->irq_ctrlack & en) {
        smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                  "write to %s ignored while its IRQ is enabled", name);
        return false;
    }
    return true;
}

void smmum_notify_inval_all(SmmumCore *s)
{
    if (s->host.tlbi_notify) {
        s->host.tlbi_notify(s->host.opaque, -1, -1, 0, 0);
    }
}

static void tables_changed(SmmumCore *s)
{
    if (s->obs.tables_changed) {
        s->obs.tables_changed(s->obs.opaque);
    }
}

static void write_cr0(SmmumCore *s, uint32_t val)
{
    uint32_t mask = SMMUM_CR0_SMMUEN | SMMUM_CR0_EVTQEN | SMMUM_CR0_CMDQEN;
    uint32_t old = s->cr0ack;

    if (SMMUM_EX(s->idr[0], SMMUM_IDR0_ATS, 1)) {
        mask |= SMMUM_CR0_ATSCHK;
    }
    if (SMMUM_EX(s->idr[0], SMMUM_IDR0_PRI, 1)) {
        mask |= SMMUM_CR0_PRIQEN;
    }
    /* Every update takes effect at once: CR0ACK follows CR0. */
    s->cr0 = val & mask;
    s->cr0ack = s->cr0;
    if ((old ^ s->cr0ack) & SMMUM_CR0_SMMUEN) {
        tables_changed(s);
        smmum_notify_inval_all(s);
    }
    if (!(old & SMMUM_CR0_CMDQEN) && (s->cr0ack & SMMUM_CR0_CMDQEN)) {
        smmum_cmdq_process(s);
    }
}

/*
 * Registers whose writes cannot change how a transaction translates:
 * queue pointers (the commands they make the SMMU consume change the
 * caches, which have generations of their own), interrupt configuration
 * and acknowledgement.  The fast path records no event, so the event
 * queue's state does not matter to it either.
 */
static bool translation_neutral(uint64_t offset)
{
    switch (offset) {
    case SMMUM_CMDQ_PROD:
    case SMMUM_CMDQ_CONS:
    case SMMUM_EVENTQ_PROD:
    case SMMUM_EVENTQ_CONS:
    case SMMUM_GERRORN:
    case SMMUM_IRQ_CTRL:
    case SMMUM_GERROR_IRQ_CFG1:
    case SMMUM_GERROR_IRQ_CFG2:
    case SMMUM_EVENTQ_IRQ_CFG1:
    case SMMUM_EVENTQ_IRQ_CFG2:
        return true;
    default:
        return false;
    }
}

void smmum_mmio_write(SmmumCore *s, uint64_t offset, uint64_t val,
                      unsigned size)
{
    smmum_inject_mmio(s);
    if (!access_ok(s, offset, size, true)) {
        return;
    }
    /* Translations are looked up afresh after any other register write. */
    if (!translation_neutral(offset)) {
        s->xlate_gen++;
    }

    switch (offset & ~7ULL) {
    case SMMUM_GERROR_IRQ_CFG0:
        if (!irq_guarded(s, SMMUM_IRQ_CTRL_GERROR, "GERROR_IRQ_CFG0")) {
            return;
        }
        s->gerror_irq_cfg0 = write64(s->gerror_irq_cfg0, offset,
                                     SMMUM_GERROR_IRQ_CFG0, val, size) &
                             SMMUM_IRQ_CFG0_MASK;
        return;
    case SMMUM_STRTAB_BASE:
        if (guarded(s, SMMUM_CR0_SMMUEN, "STRTAB_BASE")) {
            s->strtab_base = write64(s->strtab_base, offset,
                                     SMMUM_STRTAB_BASE, val, size) &
                             SMMUM_STRTAB_BASE_MASK;
            tables_changed(s);
        }
        return;
    case SMMUM_CMDQ_BASE:
        if (guarded(s, SMMUM_CR0_CMDQEN, "CMDQ_BASE")) {
            s->cmdq.base = write64(s->cmdq.base, offset, SMMUM_CMDQ_BASE,
                                   val, size) & SMMUM_Q_BASE_MASK;
        }
        return;
    case SMMUM_EVENTQ_BASE:
        if (guarded(s, SMMUM_CR0_EVTQEN, "EVENTQ_BASE")) {
            s->eventq.base = write64(s->eventq.base, offset,
                                     SMMUM_EVENTQ_BASE, val, size) &
                             SMMUM_Q_BASE_MASK;
        }
        return;
    case SMMUM_EVENTQ_IRQ_CFG0:
        if (!irq_guarded(s, SMMUM_IRQ_CTRL_EVTQ, "EVENTQ_IRQ_CFG0")) {
            return;
        }
        s->eventq_irq_cfg0 = write64(s->eventq_irq_cfg0, offset,
                                     SMMUM_EVENTQ_IRQ_CFG0, val, size) &
                             SMMUM_IRQ_CFG0_MASK;
        return;
    }
    if (size == 8) {
        smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                  "64-bit write to 32-bit register 0x%" PRIx64 " ignored",
                  offset);
        return;
    }

    switch (offset) {
    case SMMUM_CR0:
        write_cr0(s, val);
        return;
    case SMMUM_CR1:
        if (guarded(s, SMMUM_CR0_SMMUEN | SMMUM_CR0_CMDQEN |
                    SMMUM_CR0_EVTQEN, "CR1")) {
            s->cr1 = val & 0xfff;
        }
        return;
    case SMMUM_CR2:
        if (guarded(s, SMMUM_CR0_SMMUEN, "CR2")) {
            uint32_t mask = SMMUM_CR2_RECINVSID | SMMUM_CR2_PTM;

            if (SMMUM_EX(s->idr[0], SMMUM_IDR0_HYP, 1)) {
                mask |= SMMUM_CR2_E2H;
            }
            s->cr2 = val & mask;
        }
        return;
    case SMMUM_GBPA:
        /*
         * Fields change only when written with UPDATE=1; the update
         * completes at once, so UPDATE reads back as 0.
         */
        if (val & SMMUM_GBPA_UPDATE) {
            s->gbpa = val & (SMMUM_GBPA_ABORT | SMMUM_GBPA_FIELDS);
            smmum_notify_inval_all(s);
        } else {
            smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                      "GBPA written without UPDATE: ignored");
        }
        return;
    case SMMUM_IRQ_CTRL: {
        uint32_t mask = SMMUM_IRQ_CTRL_GERROR | SMMUM_IRQ_CTRL_EVTQ;

        if (SMMUM_EX(s->idr[0], SMMUM_IDR0_PRI, 1)) {
            mask |= SMMUM_IRQ_CTRL_PRIQ;
        }
        s->irq_ctrl = val & mask;
        s->irq_ctrlack = s->irq_ctrl;
        return;
    }
    case SMMUM_GERRORN:
        /* Acknowledging CMDQ_ERR lets command consumption resume. */
        s->gerrorn = val & SMMUM_GERROR_MASK;
        smmum_cmdq_process(s);
        return;
    case SMMUM_GERROR_IRQ_CFG1:
        if (irq_guarded(s, SMMUM_IRQ_CTRL_GERROR, "GERROR_IRQ_CFG1")) {
            s->gerror_irq_cfg1 = val;
        }
        return;
    case SMMUM_GERROR_IRQ_CFG2:
        if (irq_guarded(s, SMMUM_IRQ_CTRL_GERROR, "GERROR_IRQ_CFG2")) {
            s->gerror_irq_cfg2 = val & SMMUM_IRQ_CFG2_MASK;
        }
        return;
    case SMMUM_STRTAB_BASE_CFG:
        if (guarded(s, SMMUM_CR0_SMMUEN, "STRTAB_BASE_CFG")) {
            s->strtab_base_cfg = val & SMMUM_STRTAB_CFG_MASK;
            tables_changed(s);
        }
        return;
    case SMMUM_CMDQ_PROD:
        s->cmdq.prod = val & SMMUM_Q_PTR_MASK;
        smmum_cmdq_process(s);
        return;
    case SMMUM_CMDQ_CONS:
        if (guarded(s, SMMUM_CR0_CMDQEN, "CMDQ_CONS")) {
            s->cmdq.cons = val & (SMMUM_Q_PTR_MASK |
                                  (0x7fu << SMMUM_CMDQ_CONS_ERR));
        }
        return;
    case SMMUM_EVENTQ_IRQ_CFG1:
        if (irq_guarded(s, SMMUM_IRQ_CTRL_EVTQ, "EVENTQ_IRQ_CFG1")) {
            s->eventq_irq_cfg1 = val;
        }
        return;
    case SMMUM_EVENTQ_IRQ_CFG2:
        if (irq_guarded(s, SMMUM_IRQ_CTRL_EVTQ, "EVENTQ_IRQ_CFG2")) {
            s->eventq_irq_cfg2 = val & SMMUM_IRQ_CFG2_MASK;
        }
        return;
    case SMMUM_EVENTQ_PROD:
        if (guarded(s, SMMUM_CR0_EVTQEN, "EVENTQ_PROD")) {
            s->eventq.prod = val & (SMMUM_Q_PTR_MASK | SMMUM_Q_OVFLG);
        }
        return;
    case SMMUM_EVENTQ_CONS:
        s->eventq.cons = val & (SMMUM_Q_PTR_MASK | SMMUM_Q_OVFLG);
        return;
    case SMMUM_IDR0 ... SMMUM_AIDR:
    case SMMUM_CR0ACK:
    case SMMUM_IRQ_CTRLACK:
    case SMMUM_GERROR:
    case SMMUM_STATUSR:
    case SMMUM_PIDR4 ... SMMUM_CIDR0 + 0xc:
        smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                  "write to read-only register 0x%" PRIx64 " ignored", offset);
        return;
    default:
        smmum_log(s, SMMUM_LOG_UNIMP,
                  "write to unimplemented register 0x%" PRIx64 " (WI)",
                  offset);
        return;
    }
}
