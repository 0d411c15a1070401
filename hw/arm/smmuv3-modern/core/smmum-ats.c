/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: PCIe ATS (IHI 0070 3.9.1) — answering Translation
 * Requests, CMD_ATC_INV delivery to the endpoint's ATC and the CMD_SYNC
 * that waits for its completion.  The STE.EATS checks of ATS traffic live
 * in the transaction pipeline (smmum-pipeline.c).
 */
#include "smmum-int.h"
#include "smmum-cfgcache.h"
#include "smmum-strtab.h"

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

static uint8_t ats_ste_of(const SmmumSteMeaning *m)
{
    switch (m->outcome) {
    case SMMUM_OUT_TRANSLATE:
        return m->ats.eats ? SMMUM_ATS_STE_PERMITS : SMMUM_ATS_STE_NO_EATS;
    case SMMUM_OUT_BYPASS:
        return SMMUM_ATS_STE_NO_EATS;
    default:
        return m->abort_why == SMMUM_ABORT_CONFIG ? SMMUM_ATS_STE_ABORT
                                                  : SMMUM_ATS_STE_INVALID;
    }
}

/* What the SMMU may use for sid now: the STE in memory and its cache. */
static void ats_view(SmmumCore *s, uint32_t sid, SmmumAtsSteView *v)
{
    const SmmumCcEntry *ce;
    SmmumSteMeaning m;

    memset(v, 0, sizeof(*v));
    v->mem = SMMUM_ATS_STE_UNREACHABLE;
    if (!(s->cr0ack & SMMUM_CR0_SMMUEN)) {
        return;
    }
    if (smmum_strtab_peek(s, sid, &m, &v->mem_pa) == SMMUM_STE_FOUND) {
        v->mem = ats_ste_of(&m);
        v->mem_eats = m.ats.eats;
    }
    ce = smmum_cfgcache_peek(s->cfgcache, SMMUM_CC_STE, sid, 0);
    if (ce) {
        v->cached = true;
        v->cache = ats_ste_of(&ce->m.ste);
        v->cache_eats = ce->m.ste.ats.eats;
    }
}

static void ats_tell(SmmumCore *s, uint32_t sid, SmmumAtsEndpointEvent ev)
{
    SmmumAtsSteView v;

    if (s->tlb_obs.ats_endpoint) {
        ats_view(s, sid, &v);
        s->tlb_obs.ats_endpoint(s->tlb_obs.opaque, sid, ev, &v);
    }
}

void smmum_ats_endpoint(SmmumCore *s, uint32_t sid, bool enabled,
                        bool notify)
{
    gpointer key = GUINT_TO_POINTER(sid);

    if (!s->ats_endpoints) {
        s->ats_endpoints = g_hash_table_new(NULL, NULL);
    }
    if (enabled) {
        g_hash_table_add(s->ats_endpoints, key);
    } else {
        g_hash_table_remove(s->ats_endpoints, key);
    }
    if (notify) {
        ats_tell(s, sid, enabled ? SMMUM_ATS_EP_ENABLE
                                 : SMMUM_ATS_EP_DISABLE);
    }
}

/* A CMD_CFGI was consumed: tell about the ATS-enabled StreamIDs it covers. */
void smmum_ats_cfgi(SmmumCore *s, const SmmumCfgi *f)
{
    GHashTableIter it;
    gpointer key;
    uint64_t lo, n;

    if (!s->ats_endpoints || !s->tlb_obs.ats_endpoint ||
        f->kind == SMMUM_CFGI_CD || f->kind == SMMUM_CFGI_CD_ALL) {
        return;
    }
    switch (f->kind) {
    case SMMUM_CFGI_STE:
        lo = f->sid;
        n = 1;
        break;
    case SMMUM_CFGI_STE_RANGE:
        n = 1ULL << (f->range + 1);
        lo = f->sid & ~(n - 1);
        break;
    default:
        lo = 0;
        n = 1ULL << 32;
        break;
    }
    g_hash_table_iter_init(&it, s->ats_endpoints);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        uint32_t sid = GPOINTER_TO_UINT(key);

        if (sid >= lo && sid - lo < n) {
            ats_tell(s, sid, SMMUM_ATS_EP_CFGI);
        }
    }
}
