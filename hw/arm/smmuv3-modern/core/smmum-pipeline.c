/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the transaction pipeline (IHI 0070 3.3): global
 * bypass, stream table lookup, configuration errors and their events in
 * the priority order of 7.3.22.
 */
#include "smmum-int.h"
#include "smmum-strtab.h"

#include <string.h>

static void event_for(const SmmumTxn *txn, uint8_t type, SmmumEvent *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->type = type;
    ev->sid = txn->sid;
    ev->ssid = txn->ssid;
    ev->ssv = txn->ssv;
    ev->pnu = txn->priv;
    ev->ind = txn->instr;
    ev->rnw = !txn->write;
    ev->input_addr = txn->addr;
}

static void raise_event(SmmumCore *s, const SmmumTxn *txn, uint8_t type,
                        uint64_t addr2)
{
    SmmumEvent ev;

    event_for(txn, type, &ev);
    ev.addr2 = addr2;
    smmum_event_record(s, &ev);
}

static void pass_through(const SmmumTxn *txn, SmmumXlate *out)
{
    out->status = SMMUM_XLATE_OK;
    out->pa = txn->addr;
    out->read = out->write = true;
}

void smmum_translate(SmmumCore *s, const SmmumTxn *txn, SmmumXlate *out)
{
    SmmumSteMeaning m;
    uint64_t fetch_addr;

    memset(out, 0, sizeof(*out));
    out->addr_mask = 0xfff;
    out->status = SMMUM_XLATE_ABORT;

    if (!(s->cr0ack & SMMUM_CR0_SMMUEN)) {
        /* SMMU disabled: GBPA decides between bypass and abort. */
        if (!(s->gbpa & SMMUM_GBPA_ABORT)) {
            pass_through(txn, out);
        }
        return;
    }

    switch (smmum_strtab_lookup(s, txn->sid, &m, &fetch_addr)) {
    case SMMUM_STE_BAD_SID:
        if (s->cr2 & SMMUM_CR2_RECINVSID) {
            raise_event(s, txn, SMMUM_EVT_C_BAD_STREAMID, 0);
        }
        return;
    case SMMUM_STE_FETCH_ABORT:
        raise_event(s, txn, SMMUM_EVT_F_STE_FETCH, fetch_addr & ~7ULL);
        return;
    case SMMUM_STE_FOUND:
        break;
    }

    if (s->obs.txn) {
        s->obs.txn(s->obs.opaque, txn->sid, txn->ssid, txn->ssv);
    }

    switch (m.outcome) {
    case SMMUM_OUT_ABORT:
        /* Config abort is silent; invalid or ILLEGAL is C_BAD_STE. */
        if (m.abort_why != SMMUM_ABORT_CONFIG) {
            raise_event(s, txn, SMMUM_EVT_C_BAD_STE, 0);
        }
        return;
    case SMMUM_OUT_BYPASS:
        /* Stage 1 disabled: a SubstreamID cannot be honoured. */
        if (txn->ssv) {
            raise_event(s, txn, SMMUM_EVT_C_BAD_SUBSTREAMID, 0);
            return;
        }
        pass_through(txn, out);
        return;
    default:
        if (!(m.regime.config & 1) && txn->ssv) {
            raise_event(s, txn, SMMUM_EVT_C_BAD_SUBSTREAMID, 0);
            return;
        }
        /*
         * TODO(translation integration): hand the STE meaning to the
         * translation engineer's stage 1 / stage 2 / nested pipeline
         * (CD fetch through smmum_cd_decode, smmum_walk, IOTLB) and
         * fill *out from its result.  Until then such transactions are
         * aborted without an event; smmum_config_validate refuses to
         * advertise IDR0.S1P/S2P, so a guest cannot program them.
         */
        smmum_log(s, SMMUM_LOG_UNIMP,
                  "SID 0x%x: STE Config 0x%x translation not modelled yet",
                  txn->sid, m.regime.config);
        return;
    }
}
