/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: command queue consumption and every command of
 * IHI 0070 chapter 4 for the Non-secure command queue.
 */
#include "smmum-cmdq.h"
#include "smmum-cfgcache.h"
#include "smmum-inject.h"
#include "smmum-int.h"
#include "smmum-queue.h"
#include "smmum-strtab.h"

#include <string.h>

unsigned smmum_cmdq_log2size(const SmmumCore *s)
{
    return smmum_q_log2size(s->cmdq.base,
                            SMMUM_EX(s->idr[1], SMMUM_IDR1_CMDQS, 5));
}

/* The ASID a TLBI restricts, or -1. */
static int32_t tlbi_asid(const SmmumTlbi *t)
{
    switch (t->opcode) {
    case SMMUM_TLBI_NH_ASID:
    case SMMUM_TLBI_NH_VA:
    case SMMUM_TLBI_EL2_ASID:
    case SMMUM_TLBI_EL2_VA:
        return t->asid;
    default:
        return -1;
    }
}

/* The VMID a TLBI restricts, or -1. */
static int32_t tlbi_vmid(const SmmumTlbi *t)
{
    switch (t->opcode) {
    case SMMUM_TLBI_NH_ALL:
    case SMMUM_TLBI_NH_ASID:
    case SMMUM_TLBI_NH_VA:
    case SMMUM_TLBI_NH_VAA:
    case SMMUM_TLBI_S12_VMALL:
    case SMMUM_TLBI_S2_IPA:
        return t->vmid;
    default:
        return -1;
    }
}

void smmum_tlbi(SmmumCore *s, const SmmumTlbi *t)
{
    SmmumIdRegs idr;
    uint64_t start = 0, len = 0;

    if (s->tlb_obs.tlbi) {
        s->tlb_obs.tlbi(s->tlb_obs.opaque, t);
    }
    if (s->iotlb) {
        smmum_iotlb_invalidate(s->iotlb, t);
    }
    if (!s->host.tlbi_notify) {
        return;
    }
    smmum_idregs_from_core(s, &idr);
    /* An IPA says nothing about the IOVAs of nested streams: all. */
    if (t->opcode == SMMUM_TLBI_S2_IPA ||
        !smmum_tlbi_range(&idr, t, &start, &len)) {
        start = len = 0;
    }
    s->host.tlbi_notify(s->host.opaque, tlbi_asid(t), tlbi_vmid(t), start,
                        len);
}

static uint32_t idr0(const SmmumCore *s, unsigned pos, unsigned len)
{
    return SMMUM_EX(s->idr[0], pos, len);
}

/* Decode a TLBI; false when the encoding is CERROR_ILL. */
static bool decode_tlbi(SmmumCore *s, const uint64_t c[2], SmmumTlbi *t)
{
    memset(t, 0, sizeof(*t));
    t->opcode = SMMUM_EX(c[0], 0, 8);
    t->num = SMMUM_EX(c[0], SMMUM_TLBI_NUM, 5);
    t->scale = SMMUM_EX(c[0], SMMUM_TLBI_SCALE, 5);
    t->vmid = SMMUM_EX(c[0], SMMUM_TLBI_VMID, 16);
    t->asid = SMMUM_EX(c[0], SMMUM_TLBI_ASID, 16);
    t->leaf = SMMUM_EX(c[1], SMMUM_TLBI_LEAF, 1);
    t->ttl = SMMUM_EX(c[1], SMMUM_TLBI_TTL, 2);
    t->tg = SMMUM_EX(c[1], SMMUM_TLBI_TG, 2);
    t->addr = c[1] & ~SMMUM_MASK(12);

    if (!SMMUM_EX(s->idr[3], SMMUM_IDR3_RIL, 1)) {
        /* Range fields and the level hint are RES0 without RIL. */
        t->num = t->scale = t->ttl = t->tg = 0;
    } else if (t->tg) {
        /* Granule without range or level is reserved. */
        if (!t->num && !t->scale && !t->ttl) {
            return false;
        }
        /* 16K with TTL=1 needs 52-bit (IDR5.DS, not implemented). */
        if (t->tg == 2 && t->ttl == 1) {
            return false;
        }
    }
    /* Upper halves are RES0 with 8-bit ASIDs / VMIDs. */
    if (!idr0(s, SMMUM_IDR0_ASID16, 1)) {
        t->asid &= 0xff;
    }
    if (!idr0(s, SMMUM_IDR0_VMID16, 1)) {
        t->vmid &= 0xff;
    }
    /* Without stage 2 the VMID parameter is RES0. */
    if (!idr0(s, SMMUM_IDR0_S2P, 1)) {
        t->vmid = 0;
    }
    switch (t->opcode) {
    case SMMUM_CMD_TLBI_NH_ALL:
    case SMMUM_CMD_TLBI_NH_ASID:
    case SMMUM_CMD_TLBI_NH_VA:
    case SMMUM_CMD_TLBI_NH_VAA:
        return idr0(s, SMMUM_IDR0_S1P, 1);
    case SMMUM_CMD_TLBI_EL2_ALL:
    case SMMUM_CMD_TLBI_EL2_ASID:
    case SMMUM_CMD_TLBI_EL2_VA:
    case SMMUM_CMD_TLBI_EL2_VAA:
        return idr0(s, SMMUM_IDR0_HYP, 1);
    case SMMUM_CMD_TLBI_S12_VMALL:
    case SMMUM_CMD_TLBI_S2_IPA:
        return idr0(s, SMMUM_IDR0_S2P, 1);
    case SMMUM_CMD_TLBI_NSNH_ALL:
        return true;
    default:
        /* EL3 forms are Secure-queue only. */
        return false;
    }
}

static void cfgi(SmmumCore *s, const SmmumCfgi *f)
{
    smmum_cfgcache_invalidate(s->cfgcache, f);
    smmum_notify_inval_all(s);
    if (s->obs.cfgi_consumed) {
        s->obs.cfgi_consumed(s->obs.opaque, f);
    }
    smmum_ats_cfgi(s, f);
}

static void prefetch(SmmumCore *s, uint32_t sid, uint32_t ssid, bool ssv)
{
    SmmumSteMeaning m;
    uint64_t fa;

    /* A hint: fetch what is reachable, fail silently, record nothing. */
    if (s->cr0ack & SMMUM_CR0_SMMUEN) {
        smmum_strtab_lookup(s, sid, &m, &fa);
    }
    if (s->obs.prefetch) {
        s->obs.prefetch(s->obs.opaque, sid, ssid, ssv);
    }
}

static void sync_complete(SmmumCore *s, const uint64_t c[2])
{
    unsigned cs = SMMUM_EX(c[0], SMMUM_SYNC_CS, 2);

    if (cs == SMMUM_SYNC_CS_IRQ) {
        uint32_t attr = SMMUM_EX(c[0], SMMUM_SYNC_MSIATTR, 4) |
                        SMMUM_EX(c[0], SMMUM_SYNC_MSH, 2) << 4;

        smmum_signal(s, SMMUM_IRQ_CMD_SYNC, c[1] & (SMMUM_MASK(54) << 2),
                     SMMUM_EX(c[0], SMMUM_SYNC_MSIDATA, 32), attr,
                     SMMUM_GERROR_MSI_CMDQ_ABT);
    } else if (cs == SMMUM_SYNC_CS_SEV && s->host.sev) {
        s->host.sev(s->host.opaque);
    }
    if (s->obs.sync_completed) {
        s->obs.sync_completed(s->obs.opaque);
    }
    if (s->tlb_obs.sync_completed) {
        s->tlb_obs.sync_completed(s->tlb_obs.opaque);
    }
}

/* Has the command an SSec field (StreamID-based commands)? */
static bool has_ssec(unsigned op)
{
    switch (op) {
    case SMMUM_CMD_PREFETCH_CONFIG:
    case SMMUM_CMD_PREFETCH_ADDR:
    case SMMUM_CMD_CFGI_STE:
    case SMMUM_CMD_CFGI_STE_RANGE:
    case SMMUM_CMD_CFGI_CD:
    case SMMUM_CMD_CFGI_CD_ALL:
    case SMMUM_CMD_PRI_RESP:
    case SMMUM_CMD_RESUME:
    case SMMUM_CMD_STALL_TERM:
        return true;
    default:
        return false;
    }
}

/* Execute one command; returns a CMDQ_CONS.ERR code. */
static unsigned execute(SmmumCore *s, const uint64_t c[2])
{
    unsigned op = SMMUM_EX(c[0], 0, 8);
    uint32_t sid = SMMUM_EX(c[0], SMMUM_CMD_SID, 32);
    uint32_t ssid = SMMUM_EX(c[0], SMMUM_CMD_SSID, 20);
    bool ssv = SMMUM_EX(c[0], SMMUM_CMD_SSV, 1);
    SmmumCfgi f = { .sid = sid };
    SmmumTlbi t;

    if (has_ssec(op) && SMMUM_EX(c[0], SMMUM_CMD_SSEC, 1)) {
        smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                  "command 0x%02x with SSec=1 on the Non-secure queue", op);
        return SMMUM_CERROR_ILL;
    }

    switch (op) {
    case SMMUM_CMD_PREFETCH_CONFIG:
    case SMMUM_CMD_PREFETCH_ADDR:
        prefetch(s, sid, ssid, ssv);
        return SMMUM_CERROR_NONE;
    case SMMUM_CMD_CFGI_STE:
        f.kind = SMMUM_CFGI_STE;
        f.leaf = c[1] & 1;
        cfgi(s, &f);
        return SMMUM_CERROR_NONE;
    case SMMUM_CMD_CFGI_STE_RANGE:
        f.range = SMMUM_EX(c[1], 0, 5);
        f.kind = f.range == 31 ? SMMUM_CFGI_ALL : SMMUM_CFGI_STE_RANGE;
        cfgi(s, &f);
        return SMMUM_CERROR_NONE;
    case SMMUM_CMD_CFGI_CD:
        f.kind = SMMUM_CFGI_CD;
        f.ssid = ssid;
        f.leaf = c[1] & 1;
        cfgi(s, &f);
        return SMMUM_CERROR_NONE;
    case SMMUM_CMD_CFGI_CD_ALL:
        f.kind = SMMUM_CFGI_CD_ALL;
        cfgi(s, &f);
        return SMMUM_CERROR_NONE;
    case SMMUM_CMD_TLBI_NH_ALL ... SMMUM_CMD_TLBI_NSNH_ALL:
        if (!decode_tlbi(s, c, &t)) {
            smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                      "illegal TLBI command 0x%02x", op);
            return SMMUM_CERROR_ILL;
        }
        smmum_tlbi(s, &t);
        return SMMUM_CERROR_NONE;
    case SMMUM_CMD_ATC_INV:
        return smmum_atc_inv_cmd(s, c);
    case SMMUM_CMD_PRI_RESP:
        if (!idr0(s, SMMUM_IDR0_PRI, 1)) {
            return SMMUM_CERROR_ILL;
        }
        return SMMUM_CERROR_NONE;
    case SMMUM_CMD_RESUME:
    case SMMUM_CMD_STALL_TERM:
        /* Nothing is ever stalled (STALL_MODEL=0b01): no match, ignored. */
        return SMMUM_CERROR_NONE;
    case SMMUM_CMD_SYNC:
        if (SMMUM_EX(c[0], SMMUM_SYNC_CS, 2) == 3) {
            return SMMUM_CERROR_ILL;
        }
        /* It waits for ATC invalidations: one failed, so does the SYNC. */
        if (smmum_atc_sync_failed(s)) {
            return SMMUM_CERROR_ATC_INV_SYNC;
        }
        sync_complete(s, c);
        return SMMUM_CERROR_NONE;
    default:
        smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                  "reserved command opcode 0x%02x", op);
        return SMMUM_CERROR_ILL;
    }
}

/* Count a consumed command by kind (SmmumCore.stats). */
static void count_command(SmmumStats *st, unsigned op)
{
    switch (op) {
    case SMMUM_CMD_CFGI_STE ... SMMUM_CMD_CFGI_CD_ALL:
        st->cmd_cfgi++;
        break;
    case SMMUM_CMD_TLBI_NH_ALL ... SMMUM_CMD_TLBI_NSNH_ALL:
        st->cmd_tlbi++;
        break;
    case SMMUM_CMD_SYNC:
        st->cmd_sync++;
        break;
    case SMMUM_CMD_ATC_INV:
        st->cmd_atc_inv++;
        break;
    case SMMUM_CMD_PREFETCH_CONFIG:
    case SMMUM_CMD_PREFETCH_ADDR:
        st->cmd_prefetch++;
        break;
    default:
        st->cmd_other++;
        break;
    }
}

static void cmdq_error(SmmumCore *s, unsigned err)
{
    s->stats.cmd_errors++;
    s->cmdq.cons = SMMUM_DEP(s->cmdq.cons, SMMUM_CMDQ_CONS_ERR, 7, err);
    smmum_gerror_raise(s, SMMUM_GERROR_CMDQ_ERR);
}

/* Commands fetched with one read, at most (an SMMU may read ahead). */
#define CMD_BATCH   16

/*
 * Fetch the commands from CONS on, up to CMD_BATCH of them, not past PROD
 * or the end of the queue, into buf; returns how many, 0 when the read
 * aborts (tried again for the first one alone, so the abort is reported
 * at the command it hits).
 */
static unsigned cmdq_fetch(SmmumCore *s, unsigned l2,
                           uint8_t buf[CMD_BATCH * SMMUM_CMD_SIZE])
{
    uint32_t idx = smmum_q_idx(s->cmdq.cons, l2);
    uint32_t n = smmum_q_count(s->cmdq.prod, s->cmdq.cons, l2);
    uint64_t addr = smmum_q_entry_addr(s->cmdq.base, l2, 4, s->cmdq.cons);

    n = MIN(MIN(n, (1u << l2) - idx), CMD_BATCH);
    if (!s->host.dma_read) {
        return 0;
    }
    if (s->host.dma_read(s->host.opaque, addr, buf, n * SMMUM_CMD_SIZE)) {
        return n;
    }
    if (n > 1 && s->host.dma_read(s->host.opaque, addr, buf,
                                  SMMUM_CMD_SIZE)) {
        return 1;
    }
    return 0;
}

void smmum_cmdq_process(SmmumCore *s)
{
    unsigned l2 = smmum_cmdq_log2size(s);
    uint32_t budget = 1u << l2;
    uint8_t buf[CMD_BATCH * SMMUM_CMD_SIZE];
    unsigned have = 0, next = 0;

    if (!(s->cr0ack & SMMUM_CR0_CMDQEN)) {
        return;
    }
    /* Bounded: at most one queue's worth of commands per call. */
    while (budget--) {
        const uint8_t *b;
        uint64_t c[2];
        unsigned err;

        if ((s->gerror ^ s->gerrorn) & SMMUM_GERROR_CMDQ_ERR) {
            return;     /* stopped until GERRORN acknowledges */
        }
        if (smmum_inject_cmdq_stopped(s) ||
            smmum_q_empty(s->cmdq.prod, s->cmdq.cons, l2)) {
            return;
        }
        if (next == have) {
            have = cmdq_fetch(s, l2, buf);
            next = 0;
            if (!have) {
                smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                          "command queue read at 0x%" PRIx64 " aborted",
                          smmum_q_entry_addr(s->cmdq.base, l2, 4,
                                             s->cmdq.cons));
                cmdq_error(s, SMMUM_CERROR_ABT);
                return;
            }
        }
        b = buf + SMMUM_CMD_SIZE * next++;
        for (unsigned i = 0; i < 2; i++) {
            c[i] = 0;
            for (unsigned j = 0; j < 8; j++) {
                c[i] |= (uint64_t)b[8 * i + j] << (8 * j);
            }
        }
        err = smmum_inject_command(s, c);
        if (err == SMMUM_INJ_HOLD) {
            return;     /* a CMD_SYNC completing late: CONS stays on it */
        }
        err = err ?: execute(s, c);
        if (err) {
            cmdq_error(s, err);
            return;
        }
        count_command(&s->stats, SMMUM_EX(c[0], 0, 8));
        s->cmdq.cons = smmum_q_inc(s->cmdq.cons, l2);
    }
}
