/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the maintenance checker (see smmum-maint.h and
 * docs/maint-check.md).
 *
 * A shadow per IOTLB entry holds what the walk that made it read: every
 * descriptor (physical address, value after any HTTU update) and the walk
 * configuration.  The descriptors are re-read when DMA is served from the
 * entry, at the SYNC that completes a TLBI naming an address near it, and
 * when a TLBI removes it; when one differs, the entry's input address is
 * walked again (without hardware updates) and the new translation is
 * compared with the cached one.  What happened to a changed entry is
 * decided when it leaves the IOTLB (or at the end of the run).
 */
#include <string.h>
#include <glib.h>

#include "smmum-core.h"
#include "smmum-maint-int.h"

/* ---- parameters ---- */

static const SmmumTearSeverity default_sev[SMMUM_MAINT__MAX] = {
    [SMMUM_MAINT_STALE] = SMMUM_TEAR_SEV_CRITICAL,
    [SMMUM_MAINT_MISSING] = SMMUM_TEAR_SEV_MAJOR,
    [SMMUM_MAINT_LATE] = SMMUM_TEAR_SEV_MINOR,
    [SMMUM_MAINT_FQ] = SMMUM_TEAR_SEV_INFO,
    [SMMUM_MAINT_BBM] = SMMUM_TEAR_SEV_MAJOR,
    [SMMUM_MAINT_LEAF] = SMMUM_TEAR_SEV_MINOR,
    [SMMUM_MAINT_ATC_MISSING] = SMMUM_TEAR_SEV_MAJOR,
    [SMMUM_MAINT_ATC_LATE] = SMMUM_TEAR_SEV_MINOR,
    [SMMUM_MAINT_ATS_UNCOVERED] = SMMUM_TEAR_SEV_MAJOR,
    [SMMUM_MAINT_ATS_ENABLE] = SMMUM_TEAR_SEV_MINOR,
    [SMMUM_MAINT_ATS_DISABLE] = SMMUM_TEAR_SEV_MINOR,
};

void smmum_maint_params_default(SmmumMaintParams *p)
{
    memset(p, 0, sizeof(*p));
    for (unsigned k = 0; k < SMMUM_MAINT__MAX; k++) {
        p->on[k] = true;
        p->sev[k] = default_sev[k];
    }
}

char *smmum_maint_checks_parse(SmmumMaintParams *p, const char *spec)
{
    g_auto(GStrv) items = NULL;

    if (!spec || !*spec) {
        return NULL;
    }
    items = g_strsplit(spec, ",", -1);
    for (unsigned i = 0; items[i]; i++) {
        const char *eq = strchr(items[i], '=');
        g_autofree char *name = NULL;
        SmmumTearSeverity sev;
        bool found = false;

        if (!eq) {
            return g_strdup_printf("'%s' is not NAME=SEVERITY", items[i]);
        }
        name = g_strndup(items[i], eq - items[i]);
        for (unsigned k = 0; k < SMMUM_MAINT__MAX; k++) {
            if (strcmp(name, smmum_maint_check_name(k))) {
                continue;
            }
            found = true;
            if (!strcmp(eq + 1, "off")) {
                p->on[k] = false;
            } else if (smmum_tear_severity_parse(eq + 1, &sev)) {
                p->on[k] = true;
                p->sev[k] = sev;
            } else {
                return g_strdup_printf("'%s': severity must be off, info, "
                                       "minor, major or critical", eq + 1);
            }
        }
        if (!found) {
            return g_strdup_printf("unknown check '%s' (stale, missing, "
                                   "late, fq, bbm, leaf, atc-missing, "
                                   "atc-late, ats-uncovered, ats-enable, "
                                   "ats-disable)", name);
        }
    }
    return NULL;
}

/* ---- TLBI scope (IHI 0070 4.4), with reasons ---- */

static uint32_t addr_miss(const SmmumIdRegs *idr, const SmmumTlbi *ti,
                          const SmmumIotlbEntry *e)
{
    static const unsigned gran[4] = { 0, 12, 14, 16 };
    bool ril = SMMUM_EX(idr->idr[3], SMMUM_IDR3_RIL, 1);
    uint64_t amask = ti->opcode == SMMUM_TLBI_S2_IPA ? SMMUM_MASK(52)
                                                     : IOVA_MASK;
    uint64_t addr = ti->addr & amask & ~SMMUM_MASK(12);
    /* Combined entries match on their stage-1 leaf (span_shift). */
    uint64_t size = 1ULL << MAX(e->span_shift, e->size_shift);
    uint64_t iova = e->iova & ~(size - 1);
    uint64_t start, end;
    unsigned g;
    uint32_t r = 0;

    if (!ril || !ti->tg) {
        return (addr & ~(size - 1)) == iova ? 0 : SMMUM_MISS_ADDR;
    }
    g = gran[ti->tg & 3];
    if (e->granule != g) {
        r |= SMMUM_MISS_TG;
    } else if ((ti->ttl & 3) && e->level != (ti->ttl & 3)) {
        r |= SMMUM_MISS_TTL;
    }
    start = addr & ~SMMUM_MASK(g);
    end = start + (((uint64_t)(ti->num & 0x1f) + 1) << (ti->scale & 0x1f)
                   << g);
    if (!(iova < end && iova + size > start)) {
        r |= SMMUM_MISS_ADDR;
    }
    return r;
}

uint32_t smmum_maint_tlbi_miss(const SmmumIdRegs *idr, const SmmumTlbi *ti,
                               const SmmumIotlbEntry *e)
{
    bool asid16 = SMMUM_EX(idr->idr[0], SMMUM_IDR0_ASID16, 1);
    bool vmid16 = SMMUM_EX(idr->idr[0], SMMUM_IDR0_VMID16, 1);
    bool s2p = SMMUM_EX(idr->idr[0], SMMUM_IDR0_S2P, 1);
    bool s1 = e->tag.stage == SMMUM_TLB_S1;
    bool el1 = e->tag.regime == SMMUM_TLB_EL1;
    uint16_t tv = !s2p ? 0 : vmid16 ? ti->vmid : ti->vmid & 0xff;
    uint16_t ta = asid16 ? ti->asid : ti->asid & 0xff;
    uint32_t vmid = e->tag.vmid == tv ? 0 : SMMUM_MISS_VMID;
    uint32_t asid = e->global || e->tag.asid == ta ? 0 : SMMUM_MISS_ASID;
    uint32_t glob = e->global ? SMMUM_MISS_GLOBAL : 0;
    uint32_t nh = s1 && el1 ? 0 : SMMUM_MISS_STAGE;
    uint32_t el2 = el1 ? SMMUM_MISS_STAGE : 0;

    switch (ti->opcode) {
    case SMMUM_TLBI_NH_ALL:
        return nh | vmid;
    case SMMUM_TLBI_NH_ASID:
        return nh | vmid | (glob ? glob : asid);
    case SMMUM_TLBI_NH_VA:
        return nh | vmid | asid | addr_miss(idr, ti, e);
    case SMMUM_TLBI_NH_VAA:
        return nh | vmid | addr_miss(idr, ti, e);
    case SMMUM_TLBI_EL2_ALL:
        return el2;
    case SMMUM_TLBI_EL2_ASID:
        return el2 | (glob ? glob : asid);
    case SMMUM_TLBI_EL2_VA:
        return el2 | asid | addr_miss(idr, ti, e);
    case SMMUM_TLBI_EL2_VAA:
        return el2 | addr_miss(idr, ti, e);
    case SMMUM_TLBI_S12_VMALL:
        return (el1 ? 0 : SMMUM_MISS_STAGE) | vmid;
    case SMMUM_TLBI_S2_IPA:
        return (!s1 && el1 ? 0 : SMMUM_MISS_STAGE) | vmid |
               addr_miss(idr, ti, e);
    case SMMUM_TLBI_NSNH_ALL:
        return el1 ? 0 : SMMUM_MISS_STAGE;
    default:
        return SMMUM_MISS_STAGE;
    }
}

static bool addr_form(uint8_t op)
{
    switch (op) {
    case SMMUM_TLBI_NH_VA:
    case SMMUM_TLBI_NH_VAA:
    case SMMUM_TLBI_EL2_VA:
    case SMMUM_TLBI_EL2_VAA:
    case SMMUM_TLBI_S2_IPA:
        return true;
    default:
        return false;
    }
}

/* ---- memory ---- */

uint64_t smmum_maint_now(SmmumMaint *m)
{
    return m->h.now ? m->h.now(m->h.opaque) : 0;
}

static bool host_read64(void *opaque, uint64_t pa, uint64_t *val)
{
    SmmumMaint *m = opaque;
    uint8_t b[8];

    if (!m->h.read || !m->h.read(m->h.opaque, pa, b, 8)) {
        return false;
    }
    *val = 0;
    for (unsigned i = 0; i < 8; i++) {
        *val |= (uint64_t)b[i] << (8 * i);
    }
    return true;
}

static void rec_note(SmmumMaint *m, uint64_t pa, uint64_t val)
{
    for (unsigned i = 0; i < m->rec_n; i++) {
        if (m->rec_desc[i].pa == pa) {
            m->rec_desc[i].val = val;
            return;
        }
    }
    if (m->rec_n == MAX_DESCS) {
        m->rec_overflow = true;
        return;
    }
    m->rec_desc[m->rec_n++] = (Desc) { .pa = pa, .val = val };
}

static bool rec_read64(void *opaque, uint64_t pa, uint64_t *val)
{
    SmmumMaint *m = opaque;

    if (!m->inner.read64(m->inner.opaque, pa, val)) {
        return false;
    }
    rec_note(m, pa, *val);
    return true;
}

static bool rec_cmpxchg64(void *opaque, uint64_t pa, uint64_t expect,
                          uint64_t new_val, uint64_t *seen)
{
    SmmumMaint *m = opaque;

    if (!m->inner.cmpxchg64(m->inner.opaque, pa, expect, new_val, seen)) {
        return false;
    }
    rec_note(m, pa, *seen == expect ? new_val : *seen);
    return true;
}

/* ---- the shadow index ---- */

static uint64_t bucket_of(const SmmumIotlbEntry *e)
{
    return e->size_shift > BUCKET_SHIFT ? UINT64_MAX
                                        : (e->iova & IOVA_MASK) >>
                                          BUCKET_SHIFT;
}

static void ctx_add(GHashTable *t, uint32_t key, int d)
{
    gpointer k = GUINT_TO_POINTER(key);
    int n = GPOINTER_TO_INT(g_hash_table_lookup(t, k)) + d;

    if (n > 0) {
        g_hash_table_insert(t, k, GINT_TO_POINTER(n));
    } else {
        g_hash_table_remove(t, k);
    }
}

static void ctx_count(SmmumMaint *m, const Sh *sh, int d)
{
    if (sh->e.tag.stage == SMMUM_TLB_S1 && !sh->e.global) {
        ctx_add(m->ctx_asid, (uint32_t)sh->e.tag.vmid << 16 |
                sh->e.tag.asid, d);
    }
    ctx_add(m->ctx_vmid, sh->e.tag.vmid, d);
}

static GPtrArray *bucket_list(SmmumMaint *m, uint64_t b, bool create)
{
    GPtrArray *a;

    if (b == UINT64_MAX) {
        return m->big;
    }
    a = g_hash_table_lookup(m->buckets, &b);
    if (!a && create) {
        uint64_t *k = g_new(uint64_t, 1);

        *k = b;
        a = g_ptr_array_new();
        g_hash_table_insert(m->buckets, k, a);
    }
    return a;
}

void smmum_maint_sh_free(gpointer p)
{
    Sh *sh = p;

    g_free(sh->desc);
    g_free(sh);
}

static void sh_unlink(SmmumMaint *m, Sh *sh)
{
    GPtrArray *a = bucket_list(m, sh->bucket, false);

    if (a) {
        g_ptr_array_remove_fast(a, sh);
        if (!a->len && a != m->big) {
            g_hash_table_remove(m->buckets, &sh->bucket);
        }
    }
    ctx_count(m, sh, -1);
    m->c.live--;
    g_hash_table_remove(m->by_entry, sh->key);
}

/* ---- records ---- */

bool smmum_maint_record_init(SmmumMaint *m, SmmumMaintRecord *r,
                             SmmumMaintKind k)
{
    if (!m->p.on[k]) {
        return false;
    }
    memset(r, 0, sizeof(*r));
    r->kind = k;
    r->sev = m->p.sev[k];
    r->bbml = m->bbml;
    r->idr = m->p.idr;
    return true;
}

void smmum_maint_publish(SmmumMaint *m, const SmmumMaintRecord *r)
{
    m->c.records[r->kind]++;
    m->c.by_severity[r->sev]++;
    if (m->h.record) {
        m->h.record(m->h.opaque, r);
    }
}

void smmum_maint_emit(SmmumMaint *m, const Sh *sh, SmmumMaintKind k,
                      SmmumTearSeverity sev, const BatchTlbi *removal,
                      const char *reason, bool conflict)
{
    SmmumMaintRecord r;

    if (!smmum_maint_record_init(m, &r, k)) {
        return;
    }
    r.sev = sev;
    r.sid = sh->sid;
    r.ssid = sh->ssid;
    r.ssv = sh->ssv;
    r.entry = sh->e;
    r.change = sh->change;
    r.new_valid = sh->new_valid;
    r.new_pa = sh->new_pa;
    r.new_size_shift = sh->new_size;
    r.new_perm = sh->new_perm;
    r.desc_pa = sh->ndesc ? sh->desc[sh->chg_idx].pa : 0;
    r.desc_old = sh->chg_old;
    r.desc_new = sh->chg_new;
    r.desc_level_known = sh->single;
    r.desc_level = sh->e.level - (int)(sh->ndesc - 1) + (int)sh->chg_idx;
    r.desc_index = sh->chg_idx;
    r.ndescs = sh->ndesc;
    r.detected = sh->detected;
    r.detect_seq = sh->detect_seq;
    r.detect_vcnt = sh->detect_vcnt;
    r.ntlbis = sh->nmissed;
    memcpy(r.tlbis, sh->missed, sizeof(r.tlbis));
    if (removal) {
        r.removed_by_tlbi = true;
        r.removal = removal->ev;
    }
    r.reason = reason;
    r.exposure = sh->exposure;
    r.exposure_stale = sh->exposure_stale;
    r.conflict = conflict;
    r.atc = sh->atc;
    r.atc_inv_pending = sh->atc_pending;
    smmum_maint_publish(m, &r);
}

/* What a changed entry turned out to be, now that it leaves. */
static void resolve(SmmumMaint *m, Sh *sh, const BatchTlbi *removal,
                    const char *reason)
{
    if (!sh->change) {
        return;
    }
    if (sh->exposure_stale) {
        smmum_maint_emit(m, sh, SMMUM_MAINT_STALE,
                         m->p.sev[SMMUM_MAINT_STALE], removal, reason,
                         false);
    } else if (sh->exposure) {
        SmmumMaintKind k = !removal ? SMMUM_MAINT_MISSING :
                           addr_form(removal->ev.t.opcode) ?
                           SMMUM_MAINT_LATE : SMMUM_MAINT_FQ;

        smmum_maint_emit(m, sh, k, m->p.sev[k], removal, reason,
                         false);
    } else if (sh->nmissed) {
        /* A wrong-scope TLBI that no DMA happened to expose. */
        smmum_maint_emit(m, sh, SMMUM_MAINT_STALE, SMMUM_TEAR_SEV_INFO,
                         removal, reason, false);
    } else if (removal) {
        m->c.maintained++;
    }
    sh->change = SMMUM_CHG_NONE;
}

/* ---- judging a descriptor change ---- */

static SmmumMaintChange rewalk(SmmumMaint *m, Sh *sh)
{
    SmmumWalkMem mem = { .opaque = m, .read64 = host_read64 };
    SmmumWalkReq req = { .addr = sh->e.iova };
    SmmumWalkResult res;
    const SmmumIotlbEntry *e = &sh->e;

    m->c.rewalks++;
    smmum_walk(&mem, &sh->cfg, &req, &res);
    sh->new_valid = res.ok;
    sh->new_pa = res.ok ? res.pa : 0;
    sh->new_size = res.ok ? res.size_shift : 0;
    sh->new_perm = res.ok ? res.perm : 0;
    if (!res.ok) {
        if (res.fault.type == SMMUM_FAULT_PERMISSION) {
            sh->new_valid = true;
            return SMMUM_CHG_NARROW;
        }
        return SMMUM_CHG_UNMAP;
    }
    if (res.pa != e->pa) {
        return SMMUM_CHG_REMAP;
    }
    if (res.size_shift != e->size_shift) {
        return SMMUM_CHG_RESIZE;
    }
    if (!sh->atc &&
        (res.s1_attr != e->s1_attr || res.s1_sh != e->s1_sh ||
         res.s2_memattr != e->s2_memattr || res.s2_sh != e->s2_sh ||
         res.global != e->global)) {
        return SMMUM_CHG_ATTR;
    }
    if (e->perm & ~res.perm) {
        return SMMUM_CHG_NARROW;
    }
    return SMMUM_CHG_NONE;
}

/* Does a valid-to-valid change need break-before-make (IDR3.BBML)? */
static bool needs_bbm(SmmumMaint *m, const Sh *sh, SmmumMaintChange c)
{
    switch (c) {
    case SMMUM_CHG_REMAP:
    case SMMUM_CHG_ATTR:
        return true;
    case SMMUM_CHG_RESIZE:
        if (m->bbml >= 2) {
            return false;
        }
        /* Level 1: the old block was marked nT, so it was not cached. */
        return !(m->bbml == 1 && sh->single && sh->ndesc &&
                 (sh->desc[sh->ndesc - 1].val & DESC_NT));
    default:
        return false;
    }
}

/*
 * Re-read the entry's descriptors; on a difference, judge it.  Returns
 * true when the entry is (smmum_maint_now) changed.
 */
bool smmum_maint_check(SmmumMaint *m, Sh *sh, const char *how, bool dma)
{
    unsigned i, last = sh->ndesc - 1;
    uint64_t v = 0;
    SmmumMaintChange c;

    if (sh->change) {
        return true;
    }
    /*
     * For DMA, the leaf every time but the tables once per SYNC: a table
     * descriptor change is only legal with a TLBI + SYNC after it, so one
     * without is still found, at the first DMA after any SYNC.
     */
    if (dma && sh->single && sh->ndesc > 1 && sh->epoch == m->epoch) {
        m->c.descs_read++;
        if (host_read64(m, sh->desc[last].pa, &v) &&
            v == sh->desc[last].val) {
            return false;
        }
    }
    for (i = 0; i < sh->ndesc; i++) {
        m->c.descs_read++;
        if (!host_read64(m, sh->desc[i].pa, &v) || v != sh->desc[i].val) {
            break;
        }
    }
    if (i == sh->ndesc) {
        sh->epoch = m->epoch;
        return false;
    }
    c = rewalk(m, sh);
    if (c == SMMUM_CHG_NONE) {
        /* Bits the translation does not depend on: adopt them. */
        m->c.benign++;
        for (unsigned j = 0; j < sh->ndesc; j++) {
            host_read64(m, sh->desc[j].pa, &sh->desc[j].val);
        }
        sh->epoch = m->epoch;
        return false;
    }
    sh->change = c;
    sh->chg_idx = i;
    sh->chg_old = sh->desc[i].val;
    sh->chg_new = v;
    sh->detected = how;
    sh->detect_seq = ++m->seq;
    sh->detect_vcnt = smmum_maint_now(m);
    sh->bbm = sh->new_valid && needs_bbm(m, sh, c);
    m->c.changes[c]++;
    return true;
}

/* Does memory hold the walk's descriptors again (a change undone)? */
bool smmum_maint_restored(SmmumMaint *m, Sh *sh)
{
    uint64_t v;

    for (unsigned i = 0; i < sh->ndesc; i++) {
        m->c.descs_read++;
        if (!host_read64(m, sh->desc[i].pa, &v) || v != sh->desc[i].val) {
            return false;
        }
    }
    return true;
}

static void report_bbm(SmmumMaint *m, Sh *sh, bool conflict)
{
    if (sh->bbm && !sh->bbm_done && !sh->nmissed) {
        sh->bbm_done = true;
        smmum_maint_emit(m, sh, SMMUM_MAINT_BBM,
                         m->p.sev[SMMUM_MAINT_BBM], NULL, NULL, conflict);
    }
}

/* ---- observer hooks ---- */

static void h_walk_begin(void *opaque, SmmumWalkMem *mem,
                         const SmmumWalkCfg *cfg, const SmmumTxn *txn)
{
    SmmumMaint *m = opaque;

    m->inner = *mem;
    mem->opaque = m;
    mem->read64 = rec_read64;
    mem->cmpxchg64 = m->inner.cmpxchg64 ? rec_cmpxchg64 : NULL;
    m->rec = true;
    m->rec_overflow = false;
    m->rec_n = 0;
    m->rec_cfg = *cfg;
    m->rec_sid = txn->sid;
    m->rec_ssid = txn->ssv ? txn->ssid : 0;
    m->rec_ssv = txn->ssv;
}

static void h_insert(void *opaque, const SmmumIotlbEntry *e)
{
    SmmumMaint *m = opaque;
    Sh *sh;

    if (!m->rec || m->rec_overflow || !m->rec_n) {
        m->rec = false;
        m->c.untracked++;
        return;
    }
    m->rec = false;
    sh = g_new0(Sh, 1);
    sh->key = e;
    sh->e = *e;
    sh->sid = m->rec_sid;
    sh->ssid = m->rec_ssid;
    sh->ssv = m->rec_ssv;
    sh->cfg = m->rec_cfg;
    sh->single = !(m->rec_cfg.s1 && m->rec_cfg.s2);
    sh->ndesc = m->rec_n;
    sh->desc = g_new(Desc, m->rec_n);
    memcpy(sh->desc, m->rec_desc, m->rec_n * sizeof(Desc));
    sh->bucket = bucket_of(e);
    sh->epoch = m->epoch;
    sh->order = m->c.entries;
    g_ptr_array_add(bucket_list(m, sh->bucket, true), sh);
    g_hash_table_insert(m->by_entry, (gpointer)e, sh);
    ctx_count(m, sh, 1);
    m->c.entries++;
    m->c.live++;
}

static gint sh_cmp_order(gconstpointer a, gconstpointer b)
{
    const Sh *x = *(Sh *const *)a, *y = *(Sh *const *)b;

    return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Judge every cached entry, in the order they were cached: the records
 * come out in an order that does not depend on where the entries live
 * (a trace replay's are elsewhere than the device's).
 */
static void resolve_all(SmmumMaint *m, const char *reason)
{
    GPtrArray *all = g_ptr_array_sized_new(g_hash_table_size(m->by_entry));
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init(&it, m->by_entry);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        g_ptr_array_add(all, v);
    }
    g_ptr_array_sort(all, sh_cmp_order);
    for (guint i = 0; i < all->len; i++) {
        resolve(m, g_ptr_array_index(all, i), NULL, reason);
    }
    g_ptr_array_free(all, TRUE);
}

static void forget_all(SmmumMaint *m, const char *reason)
{
    resolve_all(m, reason);
    g_hash_table_remove_all(m->buckets);
    g_ptr_array_set_size(m->big, 0);
    g_hash_table_remove_all(m->ctx_asid);
    g_hash_table_remove_all(m->ctx_vmid);
    g_hash_table_remove_all(m->by_entry);
    m->c.live = 0;
}

static void h_remove(void *opaque, const SmmumIotlbEntry *e,
                     const SmmumTlbi *tlbi)
{
    SmmumMaint *m = opaque;
    BatchTlbi *b = NULL;
    Sh *sh;

    if (!e) {
        forget_all(m, "reset");
        return;
    }
    sh = g_hash_table_lookup(m->by_entry, e);
    if (!sh) {
        return;
    }
    if (tlbi && tlbi == m->cur_tlbi && m->cur_idx >= 0) {
        b = &m->batch[m->cur_idx];
        b->removed++;
    }
    if (tlbi) {
        bool had = sh->change != SMMUM_CHG_NONE;

        if (smmum_maint_check(m, sh, "tlbi", false)) {
            if (!had) {
                report_bbm(m, sh, false);
            }
            /* A table changed, and the TLBI only named leaf entries. */
            if (tlbi->leaf && sh->single && sh->chg_idx + 1 < sh->ndesc) {
                smmum_maint_emit(m, sh, SMMUM_MAINT_LEAF,
                                 m->p.sev[SMMUM_MAINT_LEAF], b, "tlbi",
                                 false);
            }
            if (b && b->npas < REMOVED_PAS) {
                b->removed_pas[b->npas++] = sh->desc[sh->chg_idx].pa;
            }
        }
        if (!b) {
            /* Removed by a TLBI the batch could not hold. */
            BatchTlbi tmp = { .ev = { .t = *tlbi, .seq = ++m->seq,
                                      .vcnt = smmum_maint_now(m) } };

            resolve(m, sh, &tmp, "tlbi");
        } else {
            resolve(m, sh, b, "tlbi");
        }
    } else {
        resolve(m, sh, NULL, "evicted");
    }
    sh_unlink(m, sh);
}

static bool h_hit(void *opaque, const SmmumIotlbEntry *e, const SmmumTxn *txn)
{
    SmmumMaint *m = opaque;
    Sh *sh = g_hash_table_lookup(m->by_entry, e);
    bool had;

    m->c.hits++;
    if (!sh) {
        return true;
    }
    had = sh->change != SMMUM_CHG_NONE;
    if (!smmum_maint_check(m, sh, "hit", true) ||
        (had && smmum_maint_restored(m, sh))) {
        /* Unchanged, or changed back: the entry says what memory says. */
        return true;
    }
    if (sh->bbm && !sh->nmissed && m->p.conflict) {
        m->c.conflicts++;
        report_bbm(m, sh, true);
        return false;
    }
    if (!had) {
        report_bbm(m, sh, false);
    }
    sh->exposure++;
    if (sh->nmissed) {
        sh->exposure_stale++;
    }
    return true;
}

static void h_tlbi(void *opaque, const SmmumTlbi *tlbi)
{
    SmmumMaint *m = opaque;
    BatchTlbi *b;

    m->c.tlbis++;
    m->cur_tlbi = tlbi;
    m->cur_idx = -1;
    if (m->nbatch == BATCH_TLBIS) {
        m->c.skipped++;
        return;
    }
    m->cur_idx = m->nbatch;
    b = &m->batch[m->nbatch++];
    memset(b, 0, sizeof(*b));
    b->ev.t = *tlbi;
    b->ev.seq = ++m->seq;
    b->ev.vcnt = smmum_maint_now(m);
    if (!smmum_tlbi_range(&m->p.idr, tlbi, &b->ev.start, &b->ev.len)) {
        b->ev.start = b->ev.len = 0;
    }
}

/*
 * Was TLBI b, which missed sh for the reasons miss, meant for it?  The
 * same context with another TTL, granule, range or stage: yes.  Another
 * ASID or VMID: when that TLBI removed nothing and no live entry has its
 * context (it invalidated nobody's translations), or when it removed an
 * entry through the descriptor that changed under sh (shared tables).
 */
static bool aimed(SmmumMaint *m, const BatchTlbi *b, const Sh *sh,
                  uint32_t miss, bool overlap)
{
    const SmmumTlbi *t = &b->ev.t;

    if (!overlap && (!(t->tg && m->ril) || miss != SMMUM_MISS_ADDR)) {
        return false;
    }
    if (!(miss & (SMMUM_MISS_ASID | SMMUM_MISS_VMID))) {
        return true;
    }
    if (b->removed) {
        for (unsigned i = 0; i < b->npas; i++) {
            if (b->removed_pas[i] == sh->desc[sh->chg_idx].pa) {
                return true;
            }
        }
        return false;
    }
    if ((miss & SMMUM_MISS_VMID) &&
        g_hash_table_contains(m->ctx_vmid, GUINT_TO_POINTER(t->vmid))) {
        return false;
    }
    if ((miss & SMMUM_MISS_ASID) &&
        g_hash_table_contains(m->ctx_asid,
                              GUINT_TO_POINTER((uint32_t)t->vmid << 16 |
                                               t->asid))) {
        return false;
    }
    return true;
}

static void add_missed(Sh *sh, const BatchTlbi *b, uint32_t miss)
{
    for (unsigned i = 0; i < sh->nmissed; i++) {
        if (sh->missed[i].seq == b->ev.seq) {
            return;
        }
    }
    if (sh->nmissed < SMMUM_MAINT_MAX_TLBIS) {
        sh->missed[sh->nmissed] = b->ev;
        sh->missed[sh->nmissed].missed = miss;
        sh->nmissed++;
    }
}

static void check_one(SmmumMaint *m, const BatchTlbi *b, Sh *sh,
                      uint64_t ws, uint64_t we, uint64_t ns, uint64_t ne,
                      unsigned *budget)
{
    unsigned span = MAX(sh->e.span_shift, sh->e.size_shift);
    uint64_t s = sh->e.iova & ~SMMUM_MASK(span), e = s + (1ULL << span);
    bool overlap = s < we && e > ws;
    uint32_t miss;

    if (!overlap && !(s < ne && e > ns)) {
        return;
    }
    miss = smmum_maint_tlbi_miss(&m->p.idr, &b->ev.t, &sh->e);
    if (!miss) {
        return;         /* made after the TLBI: covered */
    }
    if (!*budget) {
        m->c.skipped++;
        return;
    }
    (*budget)--;
    m->c.neighbours++;
    if (!smmum_maint_check(m, sh, "sync", false)) {
        return;
    }
    if (aimed(m, b, sh, miss, overlap)) {
        add_missed(sh, b, miss);
    } else {
        report_bbm(m, sh, false);
    }
}

static void check_list(SmmumMaint *m, const BatchTlbi *b, GPtrArray *a,
                       uint64_t ws, uint64_t we, uint64_t ns, uint64_t ne,
                       unsigned *budget)
{
    if (!a) {
        return;
    }
    /* smmum_maint_check() never unlinks, so the list is stable. */
    for (unsigned i = 0; i < a->len; i++) {
        check_one(m, b, g_ptr_array_index(a, i), ws, we, ns, ne, budget);
    }
}

static void h_sync(void *opaque)
{
    SmmumMaint *m = opaque;
    unsigned budget = m->p.sync_cap ? m->p.sync_cap : 256;

    m->epoch++;
    smmum_maint_atc_sync(m);
    if (!m->nbatch) {
        return;
    }
    m->c.syncs++;
    for (unsigned i = 0; i < m->nbatch; i++) {
        const BatchTlbi *b = &m->batch[i];
        uint64_t ws, we, ns, ne, b0, b1;

        if (!addr_form(b->ev.t.opcode) || !b->ev.len) {
            continue;
        }
        ws = b->ev.start & IOVA_MASK;
        we = ws + b->ev.len;
        /* A range TLBI one range short or long still names its target. */
        ns = ws > b->ev.len ? ws - b->ev.len : 0;
        ne = we + b->ev.len;
        b0 = ns >> BUCKET_SHIFT;
        b1 = (ne - 1) >> BUCKET_SHIFT;
        if (b1 - b0 < MAX_BUCKETS) {
            for (uint64_t k = b0; k <= b1; k++) {
                check_list(m, b, bucket_list(m, k, false), ws, we, ns, ne,
                           &budget);
            }
        } else {
            GHashTableIter it;
            gpointer k, v;

            g_hash_table_iter_init(&it, m->buckets);
            while (g_hash_table_iter_next(&it, &k, &v)) {
                check_list(m, b, v, ws, we, ns, ne, &budget);
            }
        }
        check_list(m, b, m->big, ws, we, ns, ne, &budget);
    }
    m->nbatch = 0;
    m->cur_tlbi = NULL;
}

/* ---- life cycle ---- */

SmmumMaint *smmum_maint_new(const SmmumMaintParams *p,
                            const SmmumMaintHost *h)
{
    SmmumMaint *m = g_new0(SmmumMaint, 1);

    m->p = *p;
    m->h = *h;
    m->ril = SMMUM_EX(p->idr.idr[3], SMMUM_IDR3_RIL, 1);
    m->bbml = SMMUM_EX(p->idr.idr[3], SMMUM_IDR3_BBML, 2);
    m->by_entry = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                        NULL, smmum_maint_sh_free);
    m->buckets = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                       (GDestroyNotify)g_ptr_array_unref);
    m->big = g_ptr_array_new();
    m->ctx_asid = g_hash_table_new(g_direct_hash, g_direct_equal);
    m->ctx_vmid = g_hash_table_new(g_direct_hash, g_direct_equal);
    m->cur_idx = -1;
    m->atc = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                   (GDestroyNotify)g_ptr_array_unref);
    m->atc_pending = g_ptr_array_new();
    m->uncovered = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                         g_free, NULL);
    m->ats_ep = g_hash_table_new(g_direct_hash, g_direct_equal);
    return m;
}

void smmum_maint_free(SmmumMaint *m)
{
    if (!m) {
        return;
    }
    g_hash_table_destroy(m->buckets);
    g_ptr_array_unref(m->big);
    g_hash_table_destroy(m->ctx_asid);
    g_hash_table_destroy(m->ctx_vmid);
    g_hash_table_destroy(m->by_entry);
    g_ptr_array_unref(m->atc_pending);
    g_hash_table_destroy(m->atc);
    g_hash_table_destroy(m->uncovered);
    g_hash_table_destroy(m->ats_ep);
    g_free(m);
}

void smmum_maint_observer(SmmumMaint *m, SmmumTlbObserver *o)
{
    memset(o, 0, sizeof(*o));
    o->opaque = m;
    o->walk_begin = h_walk_begin;
    o->tlb_insert = h_insert;
    o->tlb_remove = h_remove;
    o->tlb_hit = h_hit;
    o->tlbi = h_tlbi;
    o->sync_completed = h_sync;
    o->ats_granted = smmum_maint_ats_granted;
    o->atc_inv = smmum_maint_atc_inv;
    o->translated = smmum_maint_translated;
    o->ats_endpoint = smmum_maint_ats_endpoint;
}

void smmum_maint_finish(SmmumMaint *m)
{
    if (m->finished) {
        return;
    }
    m->finished = true;
    resolve_all(m, "exit");
    smmum_maint_atc_finish(m);
}

void smmum_maint_get_counters(SmmumMaint *m, SmmumMaintCounters *c)
{
    *c = m->c;
}
