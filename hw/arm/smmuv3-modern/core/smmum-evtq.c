/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: global errors, interrupts and the event queue
 * (IHI 0070 3.5, 7.2 - 7.4).
 */
#include "smmum-int.h"
#include "smmum-queue.h"
#include "smmum-inject.h"

#include <string.h>

static bool msi_capable(const SmmumCore *s)
{
    return SMMUM_EX(s->idr[0], SMMUM_IDR0_MSI, 1);
}

void smmum_signal(SmmumCore *s, SmmumIrq line, uint64_t cfg0, uint32_t cfg1,
                  uint32_t cfg2, uint32_t abt_bit)
{
    uint64_t addr = cfg0 & SMMUM_IRQ_CFG0_MASK;

    if (msi_capable(s) && addr) {
        bool ok = !smmum_inject_msi_abort(s, line) && s->host.msi &&
                  s->host.msi(s->host.opaque, addr, cfg1,
                              cfg2 & SMMUM_IRQ_CFG2_MASK);

        if (!ok && abt_bit) {
            smmum_gerror_raise(s, abt_bit);
        }
        return;
    }
    if (s->host.irq_pulse) {
        s->host.irq_pulse(s->host.opaque, line);
    }
}

void smmum_gerror_raise(SmmumCore *s, uint32_t bits)
{
    uint32_t active = s->gerror ^ s->gerrorn;
    uint32_t fresh = bits & ~active & SMMUM_GERROR_MASK;
    uint64_t addr = s->gerror_irq_cfg0 & SMMUM_IRQ_CFG0_MASK;

    if (!fresh) {
        return;
    }
    s->gerror ^= fresh;
    if (!(s->irq_ctrlack & SMMUM_IRQ_CTRL_GERROR)) {
        return;
    }
    if (msi_capable(s) && addr) {
        bool ok = !smmum_inject_msi_abort(s, SMMUM_IRQ_GERROR) &&
                  s->host.msi &&
                  s->host.msi(s->host.opaque, addr, s->gerror_irq_cfg1,
                              s->gerror_irq_cfg2 & SMMUM_IRQ_CFG2_MASK);

        /* A failing GERROR MSI is only recorded, never re-signalled. */
        if (!ok && !((s->gerror ^ s->gerrorn) &
                     SMMUM_GERROR_MSI_GERROR_ABT)) {
            s->gerror ^= SMMUM_GERROR_MSI_GERROR_ABT;
        }
        return;
    }
    if (s->host.irq_pulse) {
        s->host.irq_pulse(s->host.opaque, SMMUM_IRQ_GERROR);
    }
}

unsigned smmum_evtq_log2size(const SmmumCore *s)
{
    return smmum_q_log2size(s->eventq.base,
                            SMMUM_EX(s->idr[1], SMMUM_IDR1_EVENTQS, 5));
}

static void put64(uint8_t *b, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++) {
        b[i] = v >> (8 * i);
    }
}

static bool event_write(SmmumCore *s, const SmmumEvent *ev);

bool smmum_event_record(SmmumCore *s, const SmmumEvent *ev)
{
    if (!event_write(s, ev)) {
        s->stats.events_lost++;
        return false;
    }
    s->stats.events++;
    if (ev->type < SMMUM_STATS_EVT_TYPES) {
        s->stats.evt_type[ev->type]++;
    }
    return true;
}

uint64_t smmum_stats_faults(const SmmumStats *st)
{
    return st->evt_type[SMMUM_EVT_F_TRANSLATION] +
           st->evt_type[SMMUM_EVT_F_ADDR_SIZE] +
           st->evt_type[SMMUM_EVT_F_ACCESS] +
           st->evt_type[SMMUM_EVT_F_PERMISSION] +
           st->evt_type[SMMUM_EVT_F_WALK_EABT];
}

static bool event_write(SmmumCore *s, const SmmumEvent *ev)
{
    unsigned l2 = smmum_evtq_log2size(s);
    uint32_t prod = s->eventq.prod, cons = s->eventq.cons;
    uint64_t d0, d1;
    uint8_t rec[SMMUM_EVT_SIZE];
    uint64_t addr;

    if (!(s->cr0ack & SMMUM_CR0_EVTQEN)) {
        return false;
    }
    /* After a write abort the queue is unusable until acknowledged. */
    if ((s->gerror ^ s->gerrorn) & SMMUM_GERROR_EVTQ_ABT) {
        return false;
    }
    /* In service failure mode no queue is written. */
    if (smmum_inject_sfm(s)) {
        return false;
    }
    if (smmum_q_full(prod, cons, l2) || smmum_inject_evtq_overflow(s, ev)) {
        /* Flag the overflow once until software acknowledges it. */
        if (!(prod & SMMUM_Q_OVFLG) == !(cons & SMMUM_Q_OVFLG)) {
            s->eventq.prod ^= SMMUM_Q_OVFLG;
        }
        return false;
    }

    d0 = SMMUM_DEP(0, 0, 8, ev->type);
    d0 = SMMUM_DEP(d0, 11, 1, ev->ssv);
    d0 = SMMUM_DEP(d0, 12, 20, ev->ssv ? ev->ssid : 0);
    d0 = SMMUM_DEP(d0, 32, 32, ev->sid);
    d1 = SMMUM_DEP(0, 0, 16, ev->stag);
    d1 = SMMUM_DEP(d1, 31, 1, ev->stall);
    d1 = SMMUM_DEP(d1, 33, 1, ev->pnu);
    d1 = SMMUM_DEP(d1, 34, 1, ev->ind);
    d1 = SMMUM_DEP(d1, 35, 1, ev->rnw);
    d1 = SMMUM_DEP(d1, 39, 1, ev->s2);
    d1 = SMMUM_DEP(d1, 40, 2, ev->cls);
    d1 = SMMUM_DEP(d1, 44, 1, ev->ttrnw);
    put64(rec, d0);
    put64(rec + 8, d1);
    put64(rec + 16, ev->input_addr);
    put64(rec + 24, ev->addr2);

    addr = smmum_q_entry_addr(s->eventq.base, l2, 5, prod);
    if (!s->host.dma_write ||
        !s->host.dma_write(s->host.opaque, addr, rec, sizeof(rec))) {
        smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                  "event queue write to 0x%" PRIx64 " aborted", addr);
        smmum_gerror_raise(s, SMMUM_GERROR_EVTQ_ABT);
        return false;
    }
    s->eventq.prod = smmum_q_inc(prod, l2);
    if (s->irq_ctrlack & SMMUM_IRQ_CTRL_EVTQ) {
        smmum_signal(s, SMMUM_IRQ_EVTQ, s->eventq_irq_cfg0,
                     s->eventq_irq_cfg1, s->eventq_irq_cfg2,
                     SMMUM_GERROR_MSI_EVTQ_ABT);
    }
    return true;
}
