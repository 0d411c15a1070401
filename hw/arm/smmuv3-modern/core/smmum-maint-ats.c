/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the maintenance checker's ATS part (see
 * smmum-maint.h): translations handed to endpoints' ATCs by Translation
 * Requests, tracked until a covering CMD_ATC_INV and CMD_SYNC, and the
 * Translated transactions that use them.
 */
#include <string.h>
#include <glib.h>

#include "smmum-maint-int.h"

static GPtrArray *atc_list(SmmumMaint *m, uint32_t sid, bool create)
{
    GPtrArray *a = g_hash_table_lookup(m->atc, GUINT_TO_POINTER(sid));

    if (!a && create) {
        a = g_ptr_array_new_with_free_func(smmum_maint_sh_free);
        g_hash_table_insert(m->atc, GUINT_TO_POINTER(sid), a);
    }
    return a;
}

/* An ATC translation leaves the ATC (or the run ends). */
static void atc_resolve(SmmumMaint *m, Sh *sh, const char *how)
{
    if (!sh->change) {
        return;
    }
    if (!strcmp(how, "atc-inv")) {
        if (sh->exposure) {
            smmum_maint_emit(m, sh, SMMUM_MAINT_ATC_LATE,
                             m->p.sev[SMMUM_MAINT_ATC_LATE], NULL, how,
                             false);
        } else {
            m->c.maintained++;
        }
    } else if (sh->exposure || !strcmp(how, "exit")) {
        smmum_maint_emit(m, sh, SMMUM_MAINT_ATC_MISSING,
                         m->p.sev[SMMUM_MAINT_ATC_MISSING], NULL, how,
                         false);
    }
    sh->change = SMMUM_CHG_NONE;
}

static void atc_drop(SmmumMaint *m, Sh *sh)
{
    GPtrArray *a = atc_list(m, sh->sid, false);

    m->natc--;
    g_ptr_array_remove_fast(a, sh);     /* frees sh */
}

void smmum_maint_ats_granted(void *opaque, const SmmumTxn *txn,
                          const SmmumXlate *out)
{
    SmmumMaint *m = opaque;
    unsigned shift = g_bit_storage(out->addr_mask);
    bool rec = m->rec && !m->rec_overflow && m->rec_n;
    GPtrArray *a;
    Sh *sh;

    m->rec = false;
    if (!out->read && !out->write) {
        return;     /* no access granted: nothing for the ATC to hold */
    }
    if (!rec || shift >= 64) {
        /* Not tracked: an uncovered use could be this translation's. */
        m->atc_overflow = true;
        m->c.atc_dropped++;
        return;
    }
    if (m->natc >= ATC_MAX) {
        m->atc_overflow = true;
        m->c.atc_dropped++;
        return;
    }
    sh = g_new0(Sh, 1);
    sh->atc = true;
    sh->sid = txn->sid;
    sh->ssv = txn->ssv;
    sh->ssid = txn->ssv ? txn->ssid : 0;
    sh->single = !(m->rec_cfg.s1 && m->rec_cfg.s2);
    sh->cfg = m->rec_cfg;
    sh->ndesc = m->rec_n;
    sh->desc = g_new(Desc, m->rec_n);
    memcpy(sh->desc, m->rec_desc, m->rec_n * sizeof(Desc));
    sh->epoch = m->epoch;
    sh->e.iova = txn->addr & IOVA_MASK & ~SMMUM_MASK(shift);
    sh->e.pa = out->pa & ~SMMUM_MASK(shift);
    sh->e.size_shift = shift;
    sh->e.level = 3;
    sh->e.perm = (out->read ? SMMUM_PERM_UR : 0) |
                 (out->write ? SMMUM_PERM_UW : 0);
    if (txn->priv) {
        sh->e.perm = (out->read ? SMMUM_PERM_PR : 0) |
                     (out->write ? SMMUM_PERM_PW : 0);
    }
    a = atc_list(m, sh->sid, true);
    for (unsigned i = 0; i < a->len; i++) {
        Sh *old = g_ptr_array_index(a, i);

        /* The endpoint asked again: the new answer replaces the old. */
        if (old->ssv == sh->ssv && old->ssid == sh->ssid &&
            old->e.iova == sh->e.iova && !old->atc_pending) {
            atc_resolve(m, old, "regranted");
            atc_drop(m, old);
            break;
        }
    }
    g_ptr_array_add(a, sh);
    m->natc++;
    m->c.ats_granted++;
}

void smmum_maint_atc_inv(void *opaque, const SmmumAtcInv *inv)
{
    SmmumMaint *m = opaque;
    GPtrArray *a = atc_list(m, inv->sid, false);
    uint64_t end = inv->size_log2 >= 64 ? UINT64_MAX
                   : inv->addr + (1ULL << inv->size_log2) - 1;

    m->c.atc_invs++;
    for (unsigned i = 0; a && i < a->len; i++) {
        Sh *sh = g_ptr_array_index(a, i);
        uint64_t last = sh->e.iova + (1ULL << sh->e.size_shift) - 1;

        /*
         * Without a PASID an invalidation reaches the range's entries of
         * every PASID too (PCIe ATS); with one, only that PASID's.
         */
        if (sh->atc_pending ||
            (inv->ssv && (!sh->ssv || sh->ssid != inv->ssid)) ||
            last < inv->addr || sh->e.iova > end) {
            continue;
        }
        sh->atc_pending = true;
        g_ptr_array_add(m->atc_pending, sh);
    }
}

/* SYNC: every ATC_INV consumed before it has completed. */
void smmum_maint_atc_sync(SmmumMaint *m)
{
    for (unsigned i = 0; i < m->atc_pending->len; i++) {
        Sh *sh = g_ptr_array_index(m->atc_pending, i);

        smmum_maint_check(m, sh, "atc-inv", false);
        atc_resolve(m, sh, "atc-inv");
        atc_drop(m, sh);
    }
    g_ptr_array_set_size(m->atc_pending, 0);
}

void smmum_maint_translated(void *opaque, const SmmumTxn *txn)
{
    SmmumMaint *m = opaque;
    GPtrArray *a = atc_list(m, txn->sid, false);
    uint64_t addr = txn->addr;
    uint64_t key = (uint64_t)txn->sid << 40 | (addr >> 12);

    m->c.translated++;
    for (unsigned i = 0; a && i < a->len; i++) {
        Sh *sh = g_ptr_array_index(a, i);

        if (addr < sh->e.pa || (addr - sh->e.pa) >> sh->e.size_shift) {
            continue;
        }
        if (smmum_maint_check(m, sh, "translated", true) &&
            !smmum_maint_restored(m, sh)) {
            sh->exposure++;
        }
        return;
    }
    if (m->atc_overflow || g_hash_table_size(m->uncovered) >= UNCOVERED_MAX ||
        g_hash_table_contains(m->uncovered, &key)) {
        return;
    }
    {
        uint64_t *k = g_new(uint64_t, 1);
        SmmumMaintRecord r;

        *k = key;
        g_hash_table_add(m->uncovered, k);
        if (!smmum_maint_record_init(m, &r, SMMUM_MAINT_ATS_UNCOVERED)) {
            return;
        }
        r.sid = txn->sid;
        r.ssid = txn->ssid;
        r.ssv = txn->ssv;
        r.atc = true;
        r.translated_addr = addr;
        r.exposure = 1;
        r.detected = "translated";
        r.detect_seq = ++m->seq;
        r.detect_vcnt = smmum_maint_now(m);
        smmum_maint_publish(m, &r);
    }
}

/* An ordering finding about sid's STE seen through view (static). */
static void ats_order(SmmumMaint *m, SmmumMaintKind kind, uint32_t sid,
                      const char *detected, const char *view,
                      uint8_t state, uint8_t eats, uint64_t ste_pa)
{
    SmmumMaintRecord r;

    if (!smmum_maint_record_init(m, &r, kind)) {
        return;
    }
    r.sid = sid;
    r.detected = detected;
    r.detect_seq = ++m->seq;
    r.detect_vcnt = smmum_maint_now(m);
    r.ste_view = view;
    r.ste_state = state;
    r.ste_eats = eats;
    r.ste_pa = ste_pa;
    smmum_maint_publish(m, &r);
}

/*
 * A published STE that refuses ATS: valid (not a break-before-make
 * step, V=0), with EATS=0, bypass, or a configuration abort.
 */
static bool refuses_ats(uint8_t state)
{
    return state == SMMUM_ATS_STE_NO_EATS || state == SMMUM_ATS_STE_ABORT;
}

/*
 * The endpoint's ATS Enable against STE.EATS (IHI 0070 3.9.1): a
 * Translation Request the endpoint sends once ATS is enabled is served
 * only by an STE with EATS set, so EATS comes first; and ATS Enable is
 * cleared before an STE refusing ATS is published, or the endpoint's
 * requests meanwhile get Unsupported Request.
 */
void smmum_maint_ats_endpoint(void *opaque, uint32_t sid,
                              SmmumAtsEndpointEvent ev,
                              const SmmumAtsSteView *v)
{
    SmmumMaint *m = opaque;
    gpointer key = GUINT_TO_POINTER(sid);
    unsigned flags = GPOINTER_TO_UINT(g_hash_table_lookup(m->ats_ep, key));
    /*
     * An STE refusing ATS after one with EATS was seen in this period
     * (the one the endpoint was enabled under was already judged).
     */
    bool late = (flags & ATS_EP_PERMITTED) && !(flags & ATS_EP_REPORTED) &&
                refuses_ats(v->mem);

    switch (ev) {
    case SMMUM_ATS_EP_ENABLE:
        m->c.ats_enables++;
        flags = ATS_EP_ON;
        if (v->mem != SMMUM_ATS_STE_PERMITS) {
            ats_order(m, SMMUM_MAINT_ATS_ENABLE, sid, "ats-enable",
                      "memory", v->mem, v->mem_eats, v->mem_pa);
        } else if (v->cached && v->cache != SMMUM_ATS_STE_PERMITS) {
            /* Memory is right, but no CFGI + SYNC has replaced the copy. */
            ats_order(m, SMMUM_MAINT_ATS_ENABLE, sid, "ats-enable",
                      "cache", v->cache, v->cache_eats, v->mem_pa);
        } else {
            flags |= ATS_EP_PERMITTED;
        }
        g_hash_table_insert(m->ats_ep, key, GUINT_TO_POINTER(flags));
        return;
    case SMMUM_ATS_EP_CFGI:
        m->c.ats_cfgis++;
        flags |= ATS_EP_ON;
        if (late) {
            ats_order(m, SMMUM_MAINT_ATS_DISABLE, sid, "cfgi", "memory",
                      v->mem, v->mem_eats, v->mem_pa);
            flags |= ATS_EP_REPORTED;
        } else if (v->mem == SMMUM_ATS_STE_PERMITS) {
            flags |= ATS_EP_PERMITTED;
        }
        g_hash_table_insert(m->ats_ep, key, GUINT_TO_POINTER(flags));
        return;
    case SMMUM_ATS_EP_DISABLE:
        m->c.ats_disables++;
        /*
         * Published without even a CFGI yet: the SMMU may have fetched
         * it at any moment since the store.
         */
        if (late) {
            ats_order(m, SMMUM_MAINT_ATS_DISABLE, sid, "ats-disable",
                      "memory", v->mem, v->mem_eats, v->mem_pa);
        }
        g_hash_table_remove(m->ats_ep, key);
        return;
    }
}

void smmum_maint_atc_finish(SmmumMaint *m)
{
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init(&it, m->atc);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        GPtrArray *a = v;

        for (unsigned i = 0; i < a->len; i++) {
            atc_resolve(m, g_ptr_array_index(a, i), "exit");
        }
    }
}
