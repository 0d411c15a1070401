/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: PCIe ATS (IHI 0070 3.9.1) — answering Translation
 * Requests, CMD_ATC_INV delivery to the endpoint's ATC and the CMD_SYNC
 * that waits for its completion.  The STE.EATS checks of ATS traffic live
 * in the transaction pipeline (smmum-pipeline.c).
 */
#include "smmum-int.h"

#include <string.h>

void smmum_ats_translate(SmmumCore *s, const SmmumTxn *txn, SmmumXlate *out)
{
    SmmumTxn t = *txn;

    t.at = SMMUM_AT_TRANSLATION_REQ;
    if (!SMMUM_EX(s->idr[0], SMMUM_IDR0_ATS, 1)) {
        /* Not an ATS translation agent: the request is unsupported. */
        memset(out, 0, sizeof(*out));
        out->status = SMMUM_XLATE_ABORT;
        out->ats_resp = SMMUM_ATS_UR;
        return;
    }
    smmum_translate(s, &t, out);
    if (out->status == SMMUM_XLATE_OK) {
        out->ats_resp = SMMUM_ATS_SUCCESS;
    } else if (out->ats_resp == SMMUM_ATS_SUCCESS) {
        /* Refused by a configuration error: its event is recorded. */
        out->ats_resp = SMMUM_ATS_CA;
    }
}

unsigned smmum_atc_inv_cmd(SmmumCore *s, const uint64_t c[2])
{
    unsigned size = SMMUM_EX(c[1], SMMUM_ATC_INV_SIZE, 6);
    SmmumAtcInv inv = {
        .sid = SMMUM_EX(c[0], SMMUM_CMD_SID, 32),
        .ssid = SMMUM_EX(c[0], SMMUM_CMD_SSID, 20),
        .ssv = SMMUM_EX(c[0], SMMUM_CMD_SSV, 1),
        .global = SMMUM_EX(c[0], SMMUM_ATC_INV_GLOBAL, 1),
        /* Size is log2 of 4 KiB pages; 52 and above: everything. */
        .size_log2 = size >= 52 ? 64 : 12 + size,
    };

    if (!SMMUM_EX(s->idr[0], SMMUM_IDR0_ATS, 1)) {
        smmum_log(s, SMMUM_LOG_GUEST_ERROR, "CMD_ATC_INV without ATS");
        return SMMUM_CERROR_ILL;
    }
    if (!inv.ssv) {
        inv.ssid = 0;
    }
    /* The address is aligned to the span (low bits ignored). */
    inv.addr = inv.size_log2 >= 64 ? 0
               : c[1] & ~SMMUM_MASK(inv.size_log2);
    if (s->tlb_obs.atc_inv) {
        s->tlb_obs.atc_inv(s->tlb_obs.opaque, &inv);
    }
    if (s->host.atc_inv && !s->host.atc_inv(s->host.opaque, &inv)) {
        smmum_log(s, SMMUM_LOG_GUEST_ERROR,
                  "ATC invalidation of StreamID 0x%x got no completion",
                  inv.sid);
        s->atc_inv_failed = true;
    }
    return SMMUM_CERROR_NONE;
}

bool smmum_atc_sync_failed(SmmumCore *s)
{
    /*
     * Reported once: CONS stays at the CMD_SYNC, and the SYNC that the
     * driver retries after acknowledging CMDQ_ERR completes.
     */
    if (!s->atc_inv_failed) {
        return false;
    }
    s->atc_inv_failed = false;
    return true;
}
