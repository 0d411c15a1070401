/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the tear checker engine (views, reachability,
 * windows, observable states, verdicts, transitions, missing
 * invalidations).  The model is DESIGN.md section 4; meaning always comes
 * from the decoders in smmum-meaning.h.
 */
#include <string.h>
#include <glib.h>

#include "smmum-core.h"
#include "smmum-regs.h"
#include "smmum-strtab.h"
#include "smmum-cd.h"
#include "smmum-tear.h"

#define TEAR_DEFAULT_STATE_CAP  4096
#define TEAR_DEFAULT_VALUE_CAP  32
#define TEAR_REACH_PAIR_CAP     64      /* STE word 0 x word 1 candidates */
#define TEAR_TR_INTER_CAP       16      /* intermediate committed images */
#define TEAR_MISSING_CAP        4       /* missing-inval records / window */
#define TEAR_L1_SCAN_CAP        4096    /* L1 descriptors read at once */

#define OP_CFGI_STE         0x03
#define OP_CFGI_STE_RANGE   0x04
#define OP_CFGI_CD          0x05
#define OP_CFGI_CD_ALL      0x06
#define OP_SYNC             0x46

/* Difference groups, in class rank order (smmum-meaning.h layout). */
enum {
    G_OUTCOME = 0,
    G_REGIME,
    G_ATS,
    G_PERM,
    G_ATTR,
    G_EQUAL,
};

typedef union TearMeaning {
    SmmumSteMeaning ste;
    SmmumCdMeaning cd;
    SmmumL1Meaning l1;
} TearMeaning;

/* One distinct value a granule held in a window, with its first store. */
typedef struct TearVal {
    uint64_t v;
    SmmumTearStore st;
} TearVal;

typedef struct TearView TearView;

/*
 * A child table reachable from some observable state of its owner (or
 * from the registers, owner NULL): children [first, first + count) of
 * kind at base + stride * (i - first).
 */
typedef struct TearRef {
    SmmumTearViewKind kind;
    uint32_t sid;               /* CD / L1CD children */
    uint64_t base;
    uint32_t first;
    uint64_t count;
    unsigned stride;
    unsigned split;             /* L1CD children: log2 SSIDs per L2 table */
    uint8_t cdmax;              /* L1CD children */
    SmmumCdCtx ctx;             /* CD / L1CD children */
    TearView *owner;
} TearRef;

typedef struct TearKey {
    SmmumTearViewKind kind;
    uint32_t sid;
    uint32_t idx;               /* SSID (CD) or L1 index (L1STD, L1CD) */
    uint64_t addr;
} TearKey;

struct TearView {
    TearKey key;
    unsigned n;                 /* granules: 8 or 1 */
    unsigned split;             /* L1CD: log2 SSIDs per L2 table */
    uint8_t cdmax;              /* L1CD */
    GArray *ctxs;               /* SmmumCdCtx (CD, L1CD) */

    uint64_t a[8];              /* image at the window's start */
    uint64_t cur[8];            /* last recorded image */
    GArray *vals[8];            /* TearVal: the window's values */
    bool overflow;              /* value_cap hit in this window */

    /* A covering CFGI was consumed; its SYNC has not completed. */
    bool pending;
    uint64_t next_a[8];
    GArray *next_vals[8];
    SmmumTearCmd open_cmd;
    bool has_open_cmd;
    SmmumTearCmd pend_cmd;
    bool racing_reported;

    uint64_t window;            /* windows closed so far */
    uint64_t win_txns;
    unsigned win_classes;       /* classes reported in this window */
    unsigned win_missing;       /* missing-inval records in this window */

    bool reachable;
    GArray *refs;               /* TearRef owned by this view */
    bool refs_dirty;

    /* Missing invalidation: a meaning-changing change not yet covered. */
    bool mi_armed;
    bool mi_covered;            /* covering CFGI consumed since */
    bool mi_from_invalid;       /* L1 descriptor: invalid -> valid */
    bool mi_fresh;              /* the model fetched it since the change */
    SmmumTearStore mi_store;
    uint64_t mi_txns;
    uint64_t mi_a[8], mi_b[8];

    /* Committed transition. */
    bool tr_open;
    bool tr_tear;
    bool tr_has_last;
    unsigned tr_syncs;
    uint64_t tr_vcnt;
    uint64_t tr_start[8];
    uint64_t tr_last[8];
    GArray *tr_inter;           /* uint64_t[8] images */
};

struct SmmumTear {
    SmmumTearParams p;
    SmmumTearHost h;
    SmmumTearRegs regs;
    GHashTable *views;          /* TearKey* -> TearView* (owned) */
    GHashTable *by_gran;        /* granule address -> GPtrArray of views */
    GHashTable *by_sid;         /* sid -> GPtrArray of views (not L1STD) */
    GPtrArray *l1stds;
    GPtrArray *pending;         /* views with a pending CFGI */
    GArray *pend_cfgis;         /* SmmumTearCmd consumed since last SYNC */
    GArray *refs;               /* TearRef: registers' and views' */
    GHashTable *l1pub;          /* reported L1 descriptors (addresses) */
    bool reach_dirty;           /* some view's refs may have changed */
    bool cover_dirty;           /* the refs changed: recompute coverage */
    GPtrArray *dirty_views;     /* views whose refs need recomputing */
    bool finished;
    uint64_t gb_txns;           /* served with SMMUEN=0, GBPA bypass */
    uint32_t gb_first_sid;
    uint64_t gb_vcnt;
    uint64_t seq;
    uint64_t watch_gen;
    /*
     * The views a transaction of (txc_sid, txc_ssid) concerns, valid
     * while txn_gen == txc_gen: txn_gen changes whenever a view is made
     * or destroyed and when the registers (the stream table split) may
     * have changed.
     */
    uint64_t txn_gen;
    uint64_t txc_gen;
    uint32_t txc_sid, txc_ssid;
    GPtrArray *txc_views;
    SmmumTearCounters cnt;
};

/* ---- small helpers ---- */

static guint key_hash(gconstpointer p)
{
    const TearKey *k = p;
    uint64_t h = k->addr * 0x9e3779b97f4a7c15ULL;

    h ^= ((uint64_t)k->sid << 20) ^ ((uint64_t)k->idx << 3) ^ k->kind;
    return (guint)(h ^ (h >> 32));
}

static gboolean key_equal(gconstpointer pa, gconstpointer pb)
{
    const TearKey *a = pa, *b = pb;

    return a->kind == b->kind && a->sid == b->sid && a->idx == b->idx &&
           a->addr == b->addr;
}

static bool is_parent_kind(SmmumTearViewKind k)
{
    return k != SMMUM_TEAR_VIEW_CD;
}

static void mark_refs_dirty(SmmumTear *t, TearView *v);

static uint64_t tear_now(SmmumTear *t)
{
    return t->h.now ? t->h.now(t->h.opaque) : 0;
}

/* The stream table's geometry, as the functional model reads it. */
static void strtab_geom(SmmumTear *t, SmmumStrtabGeom *g)
{
    smmum_strtab_geom(&t->regs.idr, t->regs.strtab_base,
                      t->regs.strtab_base_cfg, g);
}

static bool strtab_two_level(SmmumTear *t)
{
    SmmumStrtabGeom g;

    strtab_geom(t, &g);
    return g.two_level;
}

static unsigned strtab_split(SmmumTear *t)
{
    SmmumStrtabGeom g;

    strtab_geom(t, &g);
    return g.split;
}

static SmmumCdCtx view_ctx0(const TearView *v)
{
    SmmumCdCtx z = { 0 };

    if (v->ctxs && v->ctxs->len) {
        return g_array_index(v->ctxs, SmmumCdCtx, 0);
    }
    return z;
}

static void decode(SmmumTear *t, SmmumTearViewKind kind,
                   const SmmumCdCtx *ctx, const uint64_t *w, TearMeaning *m)
{
    memset(m, 0, sizeof(*m));
    switch (kind) {
    case SMMUM_TEAR_VIEW_STE:
        smmum_ste_decode(&t->regs.idr, w, &m->ste);
        break;
    case SMMUM_TEAR_VIEW_CD:
        smmum_cd_decode(&t->regs.idr, ctx, w, &m->cd);
        break;
    case SMMUM_TEAR_VIEW_L1STD:
        smmum_l1std_decode(&t->regs.idr, w[0], &m->l1);
        break;
    default:
        smmum_l1cd_decode(&t->regs.idr, w[0], &m->l1);
        break;
    }
}

/* The meaning groups of a structure, in class rank order. */
typedef struct GroupSpan {
    size_t off, len;
    int group;
} GroupSpan;

#define GROUP_SPAN(type, field, group) \
    { offsetof(type, field), G_SIZEOF_MEMBER(type, field), group }

static const GroupSpan ste_groups[] = {
    { 0, offsetof(SmmumSteMeaning, regime), G_OUTCOME },
    GROUP_SPAN(SmmumSteMeaning, regime, G_REGIME),
    GROUP_SPAN(SmmumSteMeaning, ats, G_ATS),
    GROUP_SPAN(SmmumSteMeaning, perm, G_PERM),
    GROUP_SPAN(SmmumSteMeaning, attr, G_ATTR),
};

static const GroupSpan cd_groups[] = {
    { 0, offsetof(SmmumCdMeaning, regime), G_OUTCOME },
    GROUP_SPAN(SmmumCdMeaning, regime, G_REGIME),
    GROUP_SPAN(SmmumCdMeaning, perm, G_PERM),
    GROUP_SPAN(SmmumCdMeaning, attr, G_ATTR),
};

static int first_group_diff(const void *a, const void *b,
                            const GroupSpan *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (memcmp((const char *)a + g[i].off, (const char *)b + g[i].off,
                   g[i].len)) {
            return g[i].group;
        }
    }
    return G_EQUAL;
}

/* First group in which two meanings differ, or G_EQUAL. */
static int group_diff(SmmumTearViewKind kind, const TearMeaning *x,
                      const TearMeaning *y)
{
    if (kind == SMMUM_TEAR_VIEW_STE) {
        return first_group_diff(&x->ste, &y->ste, ste_groups,
                                G_N_ELEMENTS(ste_groups));
    }
    if (kind == SMMUM_TEAR_VIEW_CD) {
        return first_group_diff(&x->cd, &y->cd, cd_groups,
                                G_N_ELEMENTS(cd_groups));
    }
    if (x->l1.valid != y->l1.valid) {
        return G_OUTCOME;
    }
    if (x->l1.span != y->l1.span || x->l1.l2ptr != y->l1.l2ptr) {
        return G_REGIME;
    }
    return G_EQUAL;
}

static bool meaning_eq(SmmumTearViewKind kind, const TearMeaning *x,
                       const TearMeaning *y)
{
    return group_diff(kind, x, y) == G_EQUAL;
}

/* Untranslated traffic: bypass, or S1-only with S1DSS=bypass. */
static bool bypass_like(SmmumTearViewKind kind, const TearMeaning *m)
{
    if (kind != SMMUM_TEAR_VIEW_STE) {
        return false;
    }
    if (m->ste.outcome == SMMUM_OUT_BYPASS) {
        return true;
    }
    return m->ste.outcome == SMMUM_OUT_TRANSLATE &&
           m->ste.regime.config == 5 && m->ste.regime.s1_cd_max != 0 &&
           m->ste.regime.s1_dss == 1;
}

static bool blocks(SmmumTearViewKind kind, const TearMeaning *m)
{
    if (kind == SMMUM_TEAR_VIEW_STE) {
        return m->ste.outcome == SMMUM_OUT_ABORT;
    }
    if (kind == SMMUM_TEAR_VIEW_CD) {
        return m->cd.outcome == SMMUM_OUT_ABORT;
    }
    return !m->l1.valid;
}

static SmmumTearClass classify(SmmumTearViewKind kind, const TearMeaning *s,
                               const TearMeaning *a, const TearMeaning *b)
{
    int ga = group_diff(kind, s, a), gb = group_diff(kind, s, b);
    int g = MAX(ga, gb);

    switch (g) {
    case G_OUTCOME:
        if (blocks(kind, s)) {
            return blocks(kind, a) || blocks(kind, b) ?
                   SMMUM_TEAR_CLASS_ILLEGAL_MIX : SMMUM_TEAR_CLASS_ABORT;
        }
        /* fall through */
    case G_REGIME:
        if (kind == SMMUM_TEAR_VIEW_STE &&
            s->ste.outcome == SMMUM_OUT_BYPASS &&
            a->ste.outcome != SMMUM_OUT_BYPASS &&
            b->ste.outcome != SMMUM_OUT_BYPASS) {
            return SMMUM_TEAR_CLASS_BYPASS;
        }
        if (bypass_like(kind, s) && !bypass_like(kind, a) &&
            !bypass_like(kind, b)) {
            return SMMUM_TEAR_CLASS_BYPASS;
        }
        return SMMUM_TEAR_CLASS_TRANSLATE;
    case G_ATS:
        return s->ste.ats.eats ? SMMUM_TEAR_CLASS_ATS :
                                 SMMUM_TEAR_CLASS_ABORT;
    case G_PERM:
        return SMMUM_TEAR_CLASS_PERMISSION;
    default:
        return SMMUM_TEAR_CLASS_ATTR;
    }
}

static SmmumTearSeverity class_severity(SmmumTearClass c)
{
    switch (c) {
    case SMMUM_TEAR_CLASS_BYPASS:
    case SMMUM_TEAR_CLASS_TRANSLATE:
    case SMMUM_TEAR_CLASS_ATS:
        return SMMUM_TEAR_SEV_CRITICAL;
    case SMMUM_TEAR_CLASS_ABORT:
    case SMMUM_TEAR_CLASS_PERMISSION:
        return SMMUM_TEAR_SEV_MAJOR;
    case SMMUM_TEAR_CLASS_ATTR:
        return SMMUM_TEAR_SEV_MINOR;
    default:
        return SMMUM_TEAR_SEV_INFO;
    }
}

/* ---- value sets ---- */

static GArray *vals_new(void)
{
    return g_array_new(FALSE, TRUE, sizeof(TearVal));
}

static TearVal *vals_find(GArray *vals, uint64_t v)
{
    for (guint i = 0; i < vals->len; i++) {
        TearVal *tv = &g_array_index(vals, TearVal, i);

        if (tv->v == v) {
            return tv;
        }
    }
    return NULL;
}

/* Add v to a value set; false when the cap refused it. */
static bool vals_add(SmmumTear *t, GArray *vals, uint64_t v,
                     const SmmumTearStore *st)
{
    TearVal tv = { .v = v };

    if (vals_find(vals, v)) {
        return true;
    }
    if (vals->len >= t->p.value_cap) {
        return false;
    }
    if (st) {
        tv.st = *st;
    }
    g_array_append_val(vals, tv);
    return true;
}

static void vals_reset(GArray *vals, uint64_t v)
{
    TearVal tv = { .v = v };

    g_array_set_size(vals, 0);
    g_array_append_val(vals, tv);
}

/* ---- records ---- */

static void rec_init(SmmumTear *t, TearView *v, SmmumTearRecord *r,
                     SmmumTearRecType type, SmmumTearSeverity sev)
{
    memset(r, 0, sizeof(*r));
    r->type = type;
    r->sev = sev;
    r->mode = t->p.mode;
    r->view = v->key.kind;
    r->sid = v->key.sid;
    r->ssid = v->key.idx;
    r->addr = v->key.addr;
    r->window = v->window;
    r->nwords = v->n;
    memcpy(r->a, v->a, sizeof(r->a));
    memcpy(r->b, v->cur, sizeof(r->b));
    memcpy(r->state, v->cur, sizeof(r->state));
    r->ctx = view_ctx0(v);
    r->exposure = v->win_txns;
    r->idr = t->regs.idr;
}

static void rec_add_cmd(SmmumTearRecord *r, const SmmumTearCmd *c)
{
    if (r->ncmds < SMMUM_TEAR_MAX_CMDS) {
        r->cmds[r->ncmds++] = *c;
    }
}

static void emit(SmmumTear *t, const SmmumTearRecord *r)
{
    t->cnt.records[r->type]++;
    t->cnt.by_severity[r->sev]++;
    if (r->type == SMMUM_TEAR_REC_TEAR) {
        t->cnt.tears[r->cls]++;
    }
    if (t->h.record) {
        t->h.record(t->h.opaque, r);
    }
}

/* ---- views ---- */

static GPtrArray *multimap_get(GHashTable *h, gpointer key, bool create)
{
    GPtrArray *a = g_hash_table_lookup(h, key);

    if (!a && create) {
        a = g_ptr_array_new();
        g_hash_table_insert(h, key, a);
    }
    return a;
}

static void multimap_remove(GHashTable *h, gpointer key, gpointer val)
{
    GPtrArray *a = g_hash_table_lookup(h, key);

    if (a) {
        g_ptr_array_remove_fast(a, val);
        if (!a->len) {
            g_hash_table_remove(h, key);
        }
    }
}

static gpointer gran_key(uint64_t addr)
{
    /* Granule number; physical addresses stay far below 2^60. */
    return GSIZE_TO_POINTER((gsize)(addr >> 3));
}

static TearView *view_lookup(SmmumTear *t, SmmumTearViewKind kind,
                             uint32_t sid, uint32_t idx, uint64_t addr)
{
    TearKey k = { .kind = kind, .sid = sid, .idx = idx, .addr = addr };

    return g_hash_table_lookup(t->views, &k);
}

static bool read_image(SmmumTear *t, uint64_t addr, unsigned n,
                       uint64_t *w)
{
    memset(w, 0, n * 8);
    if (!t->h.read) {
        return false;
    }
    if (!t->h.read(t->h.opaque, addr, w, n * 8)) {
        memset(w, 0, n * 8);
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        w[i] = GUINT64_FROM_LE(w[i]);
    }
    return true;
}

static void ctx_add(GArray *ctxs, const SmmumCdCtx *c)
{
    for (guint i = 0; i < ctxs->len; i++) {
        if (!memcmp(&g_array_index(ctxs, SmmumCdCtx, i), c, sizeof(*c))) {
            return;
        }
    }
    g_array_append_val(ctxs, *c);
}

static bool cmd_covers(SmmumTear *t, const SmmumTearCmd *c,
                       const TearView *v);

static void view_set_pending(SmmumTear *t, TearView *v,
                             const SmmumTearCmd *c)
{
    if (!v->pending) {
        v->pending = true;
        g_ptr_array_add(t->pending, v);
    }
    memcpy(v->next_a, v->cur, sizeof(v->next_a));
    for (unsigned g = 0; g < v->n; g++) {
        vals_reset(v->next_vals[g], v->cur[g]);
    }
    v->pend_cmd = *c;
    if (v->mi_armed) {
        v->mi_covered = true;
    }
}

static TearView *view_create(SmmumTear *t, SmmumTearViewKind kind,
                             uint32_t sid, uint32_t idx, uint64_t addr,
                             const TearRef *ref, const uint64_t *img)
{
    TearView *v = g_new0(TearView, 1);

    v->key.kind = kind;
    v->key.sid = kind == SMMUM_TEAR_VIEW_L1STD ? 0 : sid;
    v->key.idx = idx;
    v->key.addr = addr;
    v->n = (kind == SMMUM_TEAR_VIEW_STE || kind == SMMUM_TEAR_VIEW_CD) ?
           8 : 1;
    v->ctxs = g_array_new(FALSE, TRUE, sizeof(SmmumCdCtx));
    if (ref) {
        if (kind == SMMUM_TEAR_VIEW_CD || kind == SMMUM_TEAR_VIEW_L1CD) {
            ctx_add(v->ctxs, &ref->ctx);
        }
        v->split = ref->split;
        v->cdmax = ref->cdmax;
    } else if (kind == SMMUM_TEAR_VIEW_L1CD) {
        v->split = 6;
    }
    if (img) {
        memcpy(v->cur, img, v->n * 8);
    } else {
        read_image(t, addr, v->n, v->cur);
    }
    memcpy(v->a, v->cur, sizeof(v->a));
    for (unsigned g = 0; g < v->n; g++) {
        v->vals[g] = vals_new();
        v->next_vals[g] = vals_new();
        vals_reset(v->vals[g], v->cur[g]);
    }
    v->refs = g_array_new(FALSE, TRUE, sizeof(TearRef));
    v->reachable = true;
    v->tr_inter = g_array_new(FALSE, TRUE, sizeof(uint64_t) * 8);

    g_hash_table_insert(t->views, &v->key, v);
    for (unsigned g = 0; g < v->n; g++) {
        g_ptr_array_add(multimap_get(t->by_gran, gran_key(addr + 8 * g),
                                     true), v);
    }
    if (kind == SMMUM_TEAR_VIEW_L1STD) {
        g_ptr_array_add(t->l1stds, v);
    } else {
        g_ptr_array_add(multimap_get(t->by_sid,
                                     GUINT_TO_POINTER(v->key.sid), true), v);
    }
    /* A CFGI consumed before the view existed still covers it. */
    for (guint i = 0; i < t->pend_cfgis->len; i++) {
        const SmmumTearCmd *c = &g_array_index(t->pend_cfgis,
                                               SmmumTearCmd, i);
        if (cmd_covers(t, c, v)) {
            view_set_pending(t, v, c);
        }
    }
    if (is_parent_kind(kind)) {
        mark_refs_dirty(t, v);
    }
    t->cnt.views++;
    t->watch_gen++;
    t->txn_gen++;
    return v;
}

static void tr_end(SmmumTear *t, TearView *v);

static void view_destroy(SmmumTear *t, TearView *v)
{
    tr_end(t, v);
    for (unsigned g = 0; g < v->n; g++) {
        multimap_remove(t->by_gran, gran_key(v->key.addr + 8 * g), v);
        g_array_free(v->vals[g], TRUE);
        g_array_free(v->next_vals[g], TRUE);
    }
    if (v->key.kind == SMMUM_TEAR_VIEW_L1STD) {
        g_ptr_array_remove_fast(t->l1stds, v);
    } else {
        multimap_remove(t->by_sid, GUINT_TO_POINTER(v->key.sid), v);
    }
    if (v->pending) {
        g_ptr_array_remove_fast(t->pending, v);
    }
    for (guint i = 0; i < t->refs->len; i++) {
        TearRef *r = &g_array_index(t->refs, TearRef, i);

        if (r->owner == v) {
            r->owner = NULL;
            r->count = 0;
        }
    }
    if (v->refs_dirty) {
        g_ptr_array_remove_fast(t->dirty_views, v);
    }
    if (v->refs->len) {
        t->cover_dirty = true;
    }
    g_hash_table_remove(t->views, &v->key);
    g_array_free(v->ctxs, TRUE);
    g_array_free(v->refs, TRUE);
    g_array_free(v->tr_inter, TRUE);
    g_free(v);
    t->cnt.views--;
    t->reach_dirty = true;
    t->watch_gen++;
    t->txn_gen++;
}

/* ---- reachability ---- */

static bool ref_same(const TearRef *o, const TearRef *r)
{
    return o->kind == r->kind && o->sid == r->sid && o->base == r->base &&
           o->first == r->first && o->count == r->count &&
           o->stride == r->stride && o->split == r->split &&
           o->cdmax == r->cdmax &&
           !memcmp(&o->ctx, &r->ctx, sizeof(r->ctx));
}

static bool refs_contain(GArray *refs, const TearRef *r)
{
    for (guint i = 0; i < refs->len; i++) {
        if (ref_same(&g_array_index(refs, TearRef, i), r)) {
            return true;
        }
    }
    return false;
}

static void ref_add(GArray *refs, const TearRef *r)
{
    if (!refs_contain(refs, r)) {
        g_array_append_val(refs, *r);
    }
}

static void ste_refs_from(SmmumTear *t, TearView *v, const uint64_t *w)
{
    TearMeaning m;
    TearRef r = { .owner = v, .sid = v->key.sid };
    uint64_t ncd;

    decode(t, SMMUM_TEAR_VIEW_STE, NULL, w, &m);
    if (m.ste.outcome != SMMUM_OUT_TRANSLATE || !(m.ste.regime.config & 1)) {
        return;
    }
    r.ctx.s1_stalld = m.ste.perm.s1_stalld;
    r.ctx.strw = m.ste.regime.strw;
    r.ctx.nested = m.ste.regime.config == 7;
    r.cdmax = m.ste.regime.s1_cd_max;
    r.base = m.ste.regime.s1_context_ptr;
    ncd = 1ULL << m.ste.regime.s1_cd_max;
    r.split = smmum_cd_leaf_log2(&m.ste);
    if (!r.split) {
        r.kind = SMMUM_TEAR_VIEW_CD;
        r.count = ncd;
        r.stride = 64;
    } else {
        r.kind = SMMUM_TEAR_VIEW_L1CD;
        r.count = MAX(1, ncd >> r.split);
        r.stride = 8;
    }
    ref_add(v->refs, &r);
}

static void view_compute_refs(SmmumTear *t, TearView *v)
{
    g_array_set_size(v->refs, 0);
    v->refs_dirty = false;

    if (v->key.kind == SMMUM_TEAR_VIEW_L1STD ||
        v->key.kind == SMMUM_TEAR_VIEW_L1CD) {
        GArray *sets[2] = { v->vals[0], v->next_vals[0] };

        for (unsigned s = 0; s < 2; s++) {
            for (guint i = 0; i < sets[s]->len; i++) {
                TearMeaning m;
                TearRef r = { .owner = v, .stride = 64 };

                decode(t, v->key.kind, NULL,
                       &g_array_index(sets[s], TearVal, i).v, &m);
                if (!m.l1.valid) {
                    continue;
                }
                r.base = m.l1.l2ptr;
                if (v->key.kind == SMMUM_TEAR_VIEW_L1STD) {
                    unsigned split = strtab_split(t);

                    r.kind = SMMUM_TEAR_VIEW_STE;
                    r.first = v->key.idx << split;
                    r.count = smmum_l1std_entries(&m.l1, split);
                    if (r.count) {
                        ref_add(v->refs, &r);
                    }
                } else {
                    uint64_t ncd = 1ULL << v->cdmax;

                    r.kind = SMMUM_TEAR_VIEW_CD;
                    r.sid = v->key.sid;
                    r.first = v->key.idx << v->split;
                    if (r.first >= ncd) {
                        continue;
                    }
                    r.count = MIN(1ULL << v->split, ncd - r.first);
                    for (guint c = 0; c < v->ctxs->len; c++) {
                        r.ctx = g_array_index(v->ctxs, SmmumCdCtx, c);
                        ref_add(v->refs, &r);
                    }
                }
            }
        }
        return;
    }
    if (v->key.kind == SMMUM_TEAR_VIEW_STE) {
        /*
         * Reachability depends on words 0 and 1 (V, Config, S1Fmt,
         * S1ContextPtr, S1CDMax, S1DSS, S1STALLD, STRW); the rest only
         * matters for validity, taken from either end.
         */
        GArray *w0[2] = { v->vals[0], v->next_vals[0] };
        GArray *w1[2] = { v->vals[1], v->next_vals[1] };
        unsigned pairs = 0;

        for (unsigned s0 = 0; s0 < 2; s0++) {
            for (guint i = 0; i < w0[s0]->len; i++) {
                for (unsigned s1 = 0; s1 < 2; s1++) {
                    for (guint j = 0; j < w1[s1]->len; j++) {
                        uint64_t w[8];

                        if (pairs++ >= TEAR_REACH_PAIR_CAP) {
                            return;
                        }
                        memcpy(w, v->cur, sizeof(w));
                        w[0] = g_array_index(w0[s0], TearVal, i).v;
                        w[1] = g_array_index(w1[s1], TearVal, j).v;
                        ste_refs_from(t, v, w);
                        memcpy(w + 2, v->a + 2, 6 * sizeof(uint64_t));
                        ste_refs_from(t, v, w);
                    }
                }
            }
        }
    }
}

static void root_refs(SmmumTear *t)
{
    TearRef r = { 0 };
    SmmumStrtabGeom g;

    if (!t->regs.smmuen) {
        return;
    }
    strtab_geom(t, &g);
    r.base = g.base;
    if (g.two_level) {
        r.kind = SMMUM_TEAR_VIEW_L1STD;
        r.stride = 8;
        r.count = 1ULL << (g.log2size - g.split);
    } else {
        r.kind = SMMUM_TEAR_VIEW_STE;
        r.stride = 64;
        r.count = 1ULL << g.log2size;
    }
    g_array_append_val(t->refs, r);
}

/* Child index of addr in ref r, or -1. */
static int64_t ref_index(const TearRef *r, uint64_t addr)
{
    uint64_t off;

    if (addr < r->base) {
        return -1;
    }
    off = addr - r->base;
    if (off / r->stride >= r->count) {
        return -1;
    }
    return r->first + off / r->stride;
}

static bool ref_covers_view(const TearRef *r, const TearView *v)
{
    int64_t i;

    if (r->kind != v->key.kind || v->key.addr % 8) {
        return false;
    }
    if ((r->kind == SMMUM_TEAR_VIEW_CD || r->kind == SMMUM_TEAR_VIEW_L1CD) &&
        r->sid != v->key.sid) {
        return false;
    }
    if ((v->key.addr - r->base) % r->stride) {
        return false;
    }
    i = ref_index(r, v->key.addr);
    if (i < 0) {
        return false;
    }
    if (r->kind == SMMUM_TEAR_VIEW_STE) {
        return (uint32_t)i == v->key.sid;
    }
    return (uint32_t)i == v->key.idx;
}

static void report_missing(SmmumTear *t, TearView *v, const char *why);

/*
 * Store mode: a level-1 table that has just become reachable (not in
 * old, the refs before) gets a view for each descriptor that is valid in
 * memory now, so the tables they point to are watched from this moment,
 * like the children of a descriptor the guest stores later, rather than
 * from the first fetch or CFGI naming them: a CD leaf written before its
 * STE was published is reachable with the STE, and the driver's next
 * stores to it (a new PASID's CD) must be seen.  Tables of more than
 * TEAR_L1_SCAN_CAP descriptors keep the lazy views.
 */
static void l1_views_now(SmmumTear *t, GArray *old)
{
    GArray *refs;

    if (t->p.mode != SMMUM_TEAR_STORE || !t->h.read) {
        return;
    }
    refs = g_array_copy(t->refs);
    for (guint i = 0; i < refs->len; i++) {
        const TearRef *r = &g_array_index(refs, TearRef, i);
        uint32_t sid = r->kind == SMMUM_TEAR_VIEW_L1STD ? 0 : r->sid;
        uint64_t *w;

        if ((r->kind != SMMUM_TEAR_VIEW_L1STD &&
             r->kind != SMMUM_TEAR_VIEW_L1CD) ||
            !r->count || r->count > TEAR_L1_SCAN_CAP ||
            refs_contain(old, r)) {
            continue;
        }
        w = g_new(uint64_t, r->count);
        if (t->h.read(t->h.opaque, r->base, w, r->count * 8)) {
            for (uint64_t k = 0; k < r->count; k++) {
                uint64_t d = GUINT64_FROM_LE(w[k]);
                uint64_t addr = r->base + 8 * k;
                TearMeaning m;

                decode(t, r->kind, NULL, &d, &m);
                if (m.l1.valid &&
                    !view_lookup(t, r->kind, sid, r->first + k, addr)) {
                    view_create(t, r->kind, sid, r->first + k, addr, r, &d);
                }
            }
        }
        g_free(w);
    }
    g_array_free(refs, TRUE);
}

static void mark_refs_dirty(SmmumTear *t, TearView *v)
{
    if (!v->refs_dirty) {
        v->refs_dirty = true;
        g_ptr_array_add(t->dirty_views, v);
    }
    t->reach_dirty = true;
}

/*
 * Recompute the refs of views whose values changed; when any ref changed
 * (or views with refs went away, or the registers changed), recompute
 * which views are reachable.
 */
static void reach_update(SmmumTear *t)
{
    GHashTableIter it;
    gpointer k, val;
    GPtrArray *dirty = t->dirty_views;
    GArray *old_refs;

    t->reach_dirty = false;
    t->dirty_views = g_ptr_array_new();
    for (guint i = 0; i < dirty->len; i++) {
        TearView *v = g_ptr_array_index(dirty, i);
        GArray *old = g_array_copy(v->refs);

        view_compute_refs(t, v);
        if (old->len != v->refs->len ||
            (old->len && memcmp(old->data, v->refs->data,
                                old->len * sizeof(TearRef)))) {
            t->cover_dirty = true;
        }
        g_array_free(old, TRUE);
    }
    g_ptr_array_free(dirty, TRUE);
    if (!t->cover_dirty) {
        return;
    }
    t->cover_dirty = false;
    t->watch_gen++;

    old_refs = g_array_copy(t->refs);
    g_array_set_size(t->refs, 0);
    root_refs(t);
    g_hash_table_iter_init(&it, t->views);
    while (g_hash_table_iter_next(&it, &k, &val)) {
        TearView *v = val;

        g_array_append_vals(t->refs, v->refs->data, v->refs->len);
    }
    g_hash_table_iter_init(&it, t->views);
    while (g_hash_table_iter_next(&it, &k, &val)) {
        TearView *v = val;
        bool reach = false;
        bool cd = v->key.kind == SMMUM_TEAR_VIEW_CD ||
                  v->key.kind == SMMUM_TEAR_VIEW_L1CD;
        GArray *ctxs = cd ? g_array_new(FALSE, TRUE, sizeof(SmmumCdCtx)) :
                            NULL;

        for (guint i = 0; i < t->refs->len; i++) {
            const TearRef *r = &g_array_index(t->refs, TearRef, i);

            if (r->owner == v || !ref_covers_view(r, v)) {
                continue;
            }
            reach = true;
            if (cd) {
                ctx_add(ctxs, &r->ctx);
                if (v->key.kind == SMMUM_TEAR_VIEW_L1CD &&
                    r->cdmax > v->cdmax) {
                    v->cdmax = r->cdmax;
                    mark_refs_dirty(t, v);
                }
            }
        }
        if (cd && ctxs->len &&
            (ctxs->len != v->ctxs->len ||
             memcmp(ctxs->data, v->ctxs->data,
                    ctxs->len * sizeof(SmmumCdCtx)))) {
            GArray *tmp = v->ctxs;

            v->ctxs = ctxs;
            ctxs = tmp;
            if (v->key.kind == SMMUM_TEAR_VIEW_L1CD) {
                mark_refs_dirty(t, v);
            }
        }
        if (ctxs) {
            g_array_free(ctxs, TRUE);
        }
        if (v->reachable && !reach && v->mi_armed && !v->mi_covered) {
            report_missing(t, v, "unreachable");
        }
        v->reachable = reach;
    }
    l1_views_now(t, old_refs);
    g_array_free(old_refs, TRUE);
}

static void reach_settle(SmmumTear *t)
{
    for (unsigned i = 0; i < 4 && t->reach_dirty; i++) {
        reach_update(t);
    }
}

/* Child index of (sid, ssid) in a ref of its kind. */
static uint32_t ref_child_index(SmmumTear *t, const TearRef *r, uint32_t sid,
                                uint32_t ssid)
{
    switch (r->kind) {
    case SMMUM_TEAR_VIEW_STE:
        return sid;
    case SMMUM_TEAR_VIEW_L1STD:
        return sid >> strtab_split(t);
    case SMMUM_TEAR_VIEW_CD:
        return ssid;
    default:
        return ssid >> r->split;
    }
}

/* Create the views of kind, reachable now, that serve (sid, ssid). */
static void ensure_from_refs(SmmumTear *t, SmmumTearViewKind kind,
                             uint32_t sid, uint32_t ssid)
{
    GArray *want = g_array_new(FALSE, TRUE, sizeof(TearRef));

    for (guint i = 0; i < t->refs->len; i++) {
        const TearRef *r = &g_array_index(t->refs, TearRef, i);
        uint32_t ci;

        if (r->kind != kind) {
            continue;
        }
        ci = ref_child_index(t, r, sid, ssid);
        if (ci < r->first || ci - r->first >= r->count) {
            continue;
        }
        if ((kind == SMMUM_TEAR_VIEW_CD || kind == SMMUM_TEAR_VIEW_L1CD) &&
            r->sid != sid) {
            continue;
        }
        g_array_append_val(want, *r);
    }
    for (guint i = 0; i < want->len; i++) {
        const TearRef *r = &g_array_index(want, TearRef, i);
        uint32_t ci = ref_child_index(t, r, sid, ssid);
        uint64_t addr = r->base + (uint64_t)r->stride * (ci - r->first);

        if (!view_lookup(t, kind, kind == SMMUM_TEAR_VIEW_L1STD ? 0 : sid,
                         ci, addr)) {
            view_create(t, kind, sid, ci, addr, r, NULL);
        }
    }
    g_array_free(want, TRUE);
    reach_settle(t);
}

/* The views a CFGI names: STE (and its L1STD), the CD (and its L1CD). */
static void ensure_named(SmmumTear *t, uint32_t sid, bool cd, uint32_t ssid)
{
    reach_settle(t);
    if (strtab_two_level(t)) {
        ensure_from_refs(t, SMMUM_TEAR_VIEW_L1STD, sid, 0);
    }
    ensure_from_refs(t, SMMUM_TEAR_VIEW_STE, sid, 0);
    if (!cd) {
        return;
    }
    ensure_from_refs(t, SMMUM_TEAR_VIEW_L1CD, sid, ssid);
    ensure_from_refs(t, SMMUM_TEAR_VIEW_CD, sid, ssid);
}

/* ---- values, changes, missing invalidation ---- */

static void report_missing(SmmumTear *t, TearView *v, const char *why)
{
    SmmumTearRecord r;
    bool l1 = v->key.kind == SMMUM_TEAR_VIEW_L1STD ||
              v->key.kind == SMMUM_TEAR_VIEW_L1CD;

    v->mi_armed = false;
    if (l1 && v->mi_from_invalid) {
        /* One record per descriptor address (bit 0: L1CD). */
        bool is_cd = v->key.kind == SMMUM_TEAR_VIEW_L1CD;
        gpointer k = GSIZE_TO_POINTER((gsize)(v->key.addr | is_cd));

        if (g_hash_table_contains(t->l1pub, k)) {
            return;
        }
        g_hash_table_add(t->l1pub, k);
        rec_init(t, v, &r, SMMUM_TEAR_REC_L1_PUBLISH, SMMUM_TEAR_SEV_INFO);
    } else {
        /*
         * Bounded: a guest rewriting a live entry in a loop without ever
         * invalidating it gets TEAR_MISSING_CAP records per window, the
         * last one marked approximate (more were not reported).
         */
        if (v->win_missing >= TEAR_MISSING_CAP) {
            return;
        }
        rec_init(t, v, &r, SMMUM_TEAR_REC_MISSING_INVAL,
                 SMMUM_TEAR_SEV_MAJOR);
        r.approximate |= ++v->win_missing == TEAR_MISSING_CAP;
    }
    memcpy(r.a, v->mi_a, sizeof(r.a));
    memcpy(r.b, v->mi_b, sizeof(r.b));
    memcpy(r.state, v->mi_b, sizeof(r.state));
    r.store = v->mi_store;
    r.exposure = v->mi_txns;
    r.reason = why;
    emit(t, &r);
}

/*
 * Missing-invalidation bookkeeping after v changed from old_img to its
 * current image (st: the store that did it, or NULL for a sample).
 */
static void mi_note(SmmumTear *t, TearView *v, const uint64_t *old_img,
                    const SmmumTearStore *st)
{
    SmmumCdCtx ctx = view_ctx0(v);
    TearMeaning before, after;

    decode(t, v->key.kind, &ctx, old_img, &before);
    decode(t, v->key.kind, &ctx, v->cur, &after);
    /* Meaning-changing; a blocked entry staying blocked is not. */
    if (meaning_eq(v->key.kind, &before, &after) ||
        (blocks(v->key.kind, &before) && blocks(v->key.kind, &after))) {
        return;
    }
    if (v->mi_armed && !v->mi_covered) {
        report_missing(t, v, "change");
    }
    v->mi_armed = true;
    v->mi_covered = false;
    v->mi_fresh = false;
    v->mi_from_invalid = (v->key.kind == SMMUM_TEAR_VIEW_L1STD ||
                          v->key.kind == SMMUM_TEAR_VIEW_L1CD) &&
                         !before.l1.valid;
    memset(&v->mi_store, 0, sizeof(v->mi_store));
    if (st) {
        v->mi_store = *st;
    }
    v->mi_txns = 0;
    memcpy(v->mi_a, old_img, sizeof(v->mi_a));
    memcpy(v->mi_b, v->cur, sizeof(v->mi_b));
}

/* Granule g of v now holds val (st: the store, or NULL); no mi_note. */
static void view_set(SmmumTear *t, TearView *v, unsigned g, uint64_t val,
                     const SmmumTearStore *st)
{
    v->cur[g] = val;
    if (!vals_add(t, v->vals[g], val, st)) {
        v->overflow = true;
    }
    if (v->pending) {
        if (!vals_add(t, v->next_vals[g], val, st)) {
            v->overflow = true;
        }
        if (st && st->valid && !v->racing_reported) {
            SmmumTearRecord r;

            v->racing_reported = true;
            rec_init(t, v, &r, SMMUM_TEAR_REC_RACING_STORE,
                     SMMUM_TEAR_SEV_MINOR);
            r.store = *st;
            rec_add_cmd(&r, &v->pend_cmd);
            emit(t, &r);
        }
    }
    if (is_parent_kind(v->key.kind)) {
        mark_refs_dirty(t, v);
    }
}

/* Record that granule g of v now holds val (st: the store, or NULL). */
static void view_record(SmmumTear *t, TearView *v, unsigned g, uint64_t val,
                        const SmmumTearStore *st)
{
    uint64_t old_img[8];

    if (v->cur[g] == val) {
        return;
    }
    memcpy(old_img, v->cur, sizeof(old_img));
    view_set(t, v, g, val, st);
    mi_note(t, v, old_img, st);
}

/*
 * Record a whole sampled image (memory read or fetch): one change, not
 * one per granule.  unobserved: report differences (store mode).
 */
static void view_record_image(SmmumTear *t, TearView *v, const uint64_t *w,
                              unsigned n, bool unobserved)
{
    uint64_t old_img[8];
    bool changed = false;

    memcpy(old_img, v->cur, sizeof(old_img));
    for (unsigned g = 0; g < v->n && g < n; g++) {
        if (w[g] == v->cur[g]) {
            continue;
        }
        if (unobserved) {
            SmmumTearRecord r;

            rec_init(t, v, &r, SMMUM_TEAR_REC_UNOBSERVED,
                     SMMUM_TEAR_SEV_INFO);
            r.state[g] = w[g];
            emit(t, &r);
        }
        view_set(t, v, g, w[g], NULL);
        changed = true;
    }
    if (changed) {
        mi_note(t, v, old_img, NULL);
    }
}

/* Compare the view with memory; record differences as samples. */
static void view_sample(SmmumTear *t, TearView *v, bool unobserved)
{
    uint64_t w[8];

    if (read_image(t, v->key.addr, v->n, w)) {
        view_record_image(t, v, w, v->n, unobserved);
    }
}

/* ---- verdict ---- */

typedef struct Judge {
    SmmumTear *t;
    TearView *v;
    const SmmumCdCtx *ctx;
    TearMeaning ma, mb;
    const uint64_t *bimg;
    const SmmumTearCmd *close_cmd;
    unsigned found;
    unsigned serious;           /* tears other than ILLEGAL mixes */
} Judge;

static void find_evidence(TearView *v, const uint64_t *state,
                          SmmumTearStore *out)
{
    memset(out, 0, sizeof(*out));
    for (unsigned g = 0; g < v->n; g++) {
        TearVal *tv;

        if (state[g] == v->a[g]) {
            continue;
        }
        tv = vals_find(v->vals[g], state[g]);
        if (tv && tv->st.valid && (!out->valid || tv->st.seq < out->seq)) {
            *out = tv->st;
        }
    }
}

static void judge_state(Judge *j, const uint64_t *state)
{
    SmmumTear *t = j->t;
    TearView *v = j->v;
    TearMeaning ms;
    SmmumTearClass cls;
    SmmumTearRecord r;

    t->cnt.states++;
    decode(t, v->key.kind, j->ctx, state, &ms);
    if (meaning_eq(v->key.kind, &ms, &j->ma) ||
        meaning_eq(v->key.kind, &ms, &j->mb)) {
        return;
    }
    cls = classify(v->key.kind, &ms, &j->ma, &j->mb);
    if (v->win_classes & (1u << cls)) {
        return;
    }
    v->win_classes |= 1u << cls;
    j->found++;
    if (cls != SMMUM_TEAR_CLASS_ILLEGAL_MIX) {
        j->serious++;
    }
    rec_init(t, v, &r, SMMUM_TEAR_REC_TEAR, class_severity(cls));
    r.cls = cls;
    r.ctx = *j->ctx;
    memcpy(r.b, j->bimg, sizeof(r.b));
    memcpy(r.state, state, v->n * 8);
    find_evidence(v, state, &r.store);
    if (v->has_open_cmd) {
        rec_add_cmd(&r, &v->open_cmd);
    }
    if (j->close_cmd) {
        if (v->pending) {
            rec_add_cmd(&r, &v->pend_cmd);
        }
        rec_add_cmd(&r, j->close_cmd);
    }
    r.approximate = v->overflow;
    emit(t, &r);
}

/*
 * Judge every observable state of v's window; b: image at its end.
 * Returns the number of tears found (ILLEGAL mixes not counted).
 */
static unsigned judge(SmmumTear *t, TearView *v, const uint64_t *b,
                  const SmmumTearCmd *close_cmd)
{
    bool changed = false, approx = v->overflow;
    unsigned nctx = MAX(1, v->ctxs->len);
    SmmumCdCtx zero = { 0 };
    unsigned found = 0, serious = 0;

    for (unsigned g = 0; g < v->n; g++) {
        if (v->vals[g]->len > 1 || v->a[g] != b[g]) {
            changed = true;
        }
    }
    if (!changed) {
        return 0;
    }
    for (unsigned c = 0; c < nctx; c++) {
        Judge j = { .t = t, .v = v, .bimg = b, .close_cmd = close_cmd };
        const uint64_t *ends[2] = { v->a, b };
        uint64_t state[8];
        unsigned idx[8] = { 0 };
        uint64_t total = 1;

        j.ctx = v->ctxs->len ? &g_array_index(v->ctxs, SmmumCdCtx, c) :
                               &zero;
        decode(t, v->key.kind, j.ctx, v->a, &j.ma);
        decode(t, v->key.kind, j.ctx, b, &j.mb);

        /* Single-granule deviations from A and from B first. */
        for (unsigned e = 0; e < 2; e++) {
            for (unsigned g = 0; g < v->n; g++) {
                for (guint i = 0; i < v->vals[g]->len; i++) {
                    uint64_t x = g_array_index(v->vals[g], TearVal, i).v;

                    if (x == ends[e][g]) {
                        continue;
                    }
                    memcpy(state, ends[e], v->n * 8);
                    state[g] = x;
                    judge_state(&j, state);
                }
            }
        }
        /* Then the full product, up to the cap. */
        for (unsigned g = 0; g < v->n; g++) {
            total *= v->vals[g]->len;
            if (total > t->p.state_cap) {
                break;
            }
        }
        if (total > t->p.state_cap) {
            approx = true;
            total = t->p.state_cap;
        }
        for (uint64_t s = 0; s < total; s++) {
            for (unsigned g = 0; g < v->n; g++) {
                state[g] = g_array_index(v->vals[g], TearVal, idx[g]).v;
            }
            judge_state(&j, state);
            for (unsigned g = 0; g < v->n; g++) {
                if (++idx[g] < v->vals[g]->len) {
                    break;
                }
                idx[g] = 0;
            }
        }
        found += j.found;
        serious += j.serious;
    }
    if (approx) {
        t->cnt.approximate++;
        if (!found) {
            SmmumTearRecord r;

            rec_init(t, v, &r, SMMUM_TEAR_REC_APPROXIMATE,
                     SMMUM_TEAR_SEV_INFO);
            memcpy(r.b, b, sizeof(r.b));
            r.approximate = true;
            emit(t, &r);
        }
    }
    return serious;
}

/* ---- transitions ---- */

/*
 * End v's committed transition.  Breaking: some committed image strictly
 * inside it blocks DMA while an end does not.  Hitless otherwise.
 */
static void tr_end(SmmumTear *t, TearView *v)
{
    SmmumCdCtx ctx = view_ctx0(v);
    TearMeaning ms, me, mi;
    bool same, hitless = true;
    SmmumTearRecord r;

    if (!v->tr_open) {
        return;
    }
    v->tr_open = false;
    decode(t, v->key.kind, &ctx, v->tr_start, &ms);
    decode(t, v->key.kind, &ctx, v->tr_last, &me);
    same = meaning_eq(v->key.kind, &ms, &me);
    for (guint i = 0; i < v->tr_inter->len; i++) {
        const uint64_t *img = (const uint64_t *)v->tr_inter->data + 8 * i;

        decode(t, v->key.kind, &ctx, img, &mi);
        if (meaning_eq(v->key.kind, &mi, &ms)) {
            continue;
        }
        same = false;
        if (blocks(v->key.kind, &mi) &&
            (!blocks(v->key.kind, &ms) || !blocks(v->key.kind, &me))) {
            hitless = false;
        }
        if (bypass_like(v->key.kind, &mi) &&
            !bypass_like(v->key.kind, &ms) &&
            !bypass_like(v->key.kind, &me)) {
            rec_init(t, v, &r, SMMUM_TEAR_REC_TRANSIENT_BYPASS,
                     SMMUM_TEAR_SEV_MAJOR);
            memcpy(r.a, v->tr_start, sizeof(r.a));
            memcpy(r.b, v->tr_last, sizeof(r.b));
            memcpy(r.state, img, sizeof(r.state));
            r.sync_count = v->tr_syncs;
            r.exposure = 0;
            emit(t, &r);
        }
    }
    g_array_set_size(v->tr_inter, 0);
    if (same) {
        return;             /* only IGNORED bits moved */
    }
    rec_init(t, v, &r, SMMUM_TEAR_REC_TRANSITION, SMMUM_TEAR_SEV_INFO);
    memcpy(r.a, v->tr_start, sizeof(r.a));
    memcpy(r.b, v->tr_last, sizeof(r.b));
    memcpy(r.state, v->tr_last, sizeof(r.state));
    r.hitless = hitless;
    r.sync_count = v->tr_syncs;
    r.exposure = 0;
    if (hitless) {
        t->cnt.hitless++;
    } else {
        t->cnt.breaking++;
    }
    emit(t, &r);
}

static void tr_commit(SmmumTear *t, TearView *v, const uint64_t *a,
                      const uint64_t *b, bool tear)
{
    uint64_t now = tear_now(t);

    if (v->tr_open && t->p.gap_ticks && now - v->tr_vcnt > t->p.gap_ticks) {
        tr_end(t, v);
    }
    if (!v->tr_open) {
        if (!memcmp(a, b, v->n * 8) && !tear) {
            return;
        }
        v->tr_open = true;
        v->tr_tear = false;
        v->tr_has_last = false;
        v->tr_syncs = 0;
        memcpy(v->tr_start, a, sizeof(v->tr_start));
    }
    if (tear) {
        v->tr_tear = true;
    }
    if (v->tr_has_last && memcmp(v->tr_last, b, v->n * 8) &&
        v->tr_inter->len < TEAR_TR_INTER_CAP) {
        g_array_append_vals(v->tr_inter, v->tr_last, 1);
    }
    memcpy(v->tr_last, b, sizeof(v->tr_last));
    v->tr_has_last = true;
    v->tr_syncs++;
    v->tr_vcnt = now;
}

/* ---- windows ---- */

static void close_window(SmmumTear *t, TearView *v, const SmmumTearCmd *sync)
{
    uint64_t b[8];
    bool tear;

    view_sample(t, v, t->p.mode == SMMUM_TEAR_STORE);
    memcpy(b, v->cur, sizeof(b));
    tear = judge(t, v, b, sync) > 0;
    t->cnt.windows++;
    if (v->mi_armed && v->mi_covered) {
        v->mi_armed = false;
    }
    tr_commit(t, v, v->a, b, tear);

    /* The next window started at the pending CFGI's consumption. */
    memcpy(v->a, v->next_a, sizeof(v->a));
    for (unsigned g = 0; g < v->n; g++) {
        GArray *tmp = v->vals[g];

        v->vals[g] = v->next_vals[g];
        v->next_vals[g] = tmp;
        g_array_set_size(v->next_vals[g], 0);
    }
    v->pending = false;
    v->open_cmd = v->pend_cmd;
    v->has_open_cmd = true;
    v->racing_reported = false;
    v->overflow = false;
    v->window++;
    v->win_txns = 0;
    v->win_classes = 0;
    v->win_missing = 0;
    if (is_parent_kind(v->key.kind)) {
        mark_refs_dirty(t, v);
    }
}

/* Judge the open window of every view that changed (reset, exit, ...). */
static void unterminated(SmmumTear *t, bool exiting, const char *reason)
{
    GHashTableIter it;
    gpointer k, val;
    GPtrArray *all = g_ptr_array_new();

    g_hash_table_iter_init(&it, t->views);
    while (g_hash_table_iter_next(&it, &k, &val)) {
        g_ptr_array_add(all, val);
    }
    for (guint i = 0; i < all->len; i++) {
        TearView *v = g_ptr_array_index(all, i);
        bool changed = v->pending;
        SmmumTearRecord r;
        uint64_t b[8];

        view_sample(t, v, t->p.mode == SMMUM_TEAR_STORE);
        for (unsigned g = 0; g < v->n; g++) {
            if (v->vals[g]->len > 1) {
                changed = true;
            }
        }
        if (exiting && v->mi_armed && !v->mi_covered) {
            report_missing(t, v, "exit");
        }
        if (changed) {
            memcpy(b, v->cur, sizeof(b));
            if (judge(t, v, b, NULL)) {
                v->tr_tear = true;
            }
            rec_init(t, v, &r, SMMUM_TEAR_REC_UNTERMINATED,
                     SMMUM_TEAR_SEV_INFO);
            r.reason = reason;
            if (v->has_open_cmd) {
                rec_add_cmd(&r, &v->open_cmd);
            }
            if (v->pending) {
                rec_add_cmd(&r, &v->pend_cmd);
            }
            emit(t, &r);
        }
        tr_end(t, v);
    }
    g_ptr_array_free(all, TRUE);
}

static void drop_all(SmmumTear *t)
{
    GHashTableIter it;
    gpointer k, val;
    GPtrArray *all = g_ptr_array_new();

    g_hash_table_iter_init(&it, t->views);
    while (g_hash_table_iter_next(&it, &k, &val)) {
        g_ptr_array_add(all, val);
    }
    for (guint i = 0; i < all->len; i++) {
        view_destroy(t, g_ptr_array_index(all, i));
    }
    g_ptr_array_free(all, TRUE);
    g_array_set_size(t->pend_cfgis, 0);
    g_array_set_size(t->refs, 0);
    t->reach_dirty = true;
    t->cover_dirty = true;
}

/* ---- coverage ---- */

static bool cmd_covers(SmmumTear *t, const SmmumTearCmd *c,
                       const TearView *v)
{
    uint64_t lo = c->sid, hi = c->sid;

    switch (c->op) {
    case OP_CFGI_STE_RANGE:
        if (c->range >= 31) {
            lo = 0;
            hi = UINT32_MAX;
        } else {
            lo = c->sid & ~SMMUM_MASK(c->range + 1);
            hi = lo + SMMUM_MASK(c->range + 1);
        }
        /* fall through */
    case OP_CFGI_STE:
        switch (v->key.kind) {
        case SMMUM_TEAR_VIEW_L1STD: {
            unsigned split = strtab_split(t);

            if (c->op == OP_CFGI_STE && c->leaf) {
                return false;
            }
            return (lo >> split) <= v->key.idx && v->key.idx <= (hi >> split);
        }
        default:
            return lo <= v->key.sid && v->key.sid <= hi;
        }
    case OP_CFGI_CD:
        if (v->key.sid != c->sid) {
            return false;
        }
        if (v->key.kind == SMMUM_TEAR_VIEW_CD) {
            return v->key.idx == c->ssid;
        }
        if (v->key.kind == SMMUM_TEAR_VIEW_L1CD) {
            return !c->leaf && (c->ssid >> v->split) == v->key.idx;
        }
        return false;
    case OP_CFGI_CD_ALL:
        return v->key.sid == c->sid &&
               (v->key.kind == SMMUM_TEAR_VIEW_CD ||
                v->key.kind == SMMUM_TEAR_VIEW_L1CD);
    default:
        return false;
    }
}

/* ---- observer hooks ---- */

static bool same_cfgi(const SmmumTearCmd *a, const SmmumTearCmd *b)
{
    return a->op == b->op && a->sid == b->sid && a->ssid == b->ssid &&
           a->range == b->range && a->leaf == b->leaf;
}

static void obs_cfgi(void *opaque, const SmmumCfgi *cfgi)
{
    SmmumTear *t = opaque;
    SmmumTearCmd c = { 0 };
    GPtrArray *cand;

    if (t->p.mode == SMMUM_TEAR_OFF) {
        return;
    }
    c.sid = cfgi->sid;
    c.ssid = cfgi->ssid;
    c.leaf = cfgi->leaf;
    c.range = cfgi->range;
    c.seq = ++t->seq;
    c.vcnt = tear_now(t);
    switch (cfgi->kind) {
    case SMMUM_CFGI_STE:
        c.op = OP_CFGI_STE;
        ensure_named(t, c.sid, false, 0);
        break;
    case SMMUM_CFGI_STE_RANGE:
        c.op = OP_CFGI_STE_RANGE;
        break;
    case SMMUM_CFGI_ALL:
        c.op = OP_CFGI_STE_RANGE;
        c.range = 31;
        break;
    case SMMUM_CFGI_CD:
        c.op = OP_CFGI_CD;
        ensure_named(t, c.sid, true, c.ssid);
        break;
    default:
        c.op = OP_CFGI_CD_ALL;
        ensure_named(t, c.sid, false, 0);
        break;
    }
    /* Only for coverage of views made later: a repeat adds nothing. */
    if (!t->pend_cfgis->len ||
        !same_cfgi(&g_array_index(t->pend_cfgis, SmmumTearCmd,
                                  t->pend_cfgis->len - 1), &c)) {
        g_array_append_val(t->pend_cfgis, c);
    }

    /* Candidates: the SID's views, or every view for ranges. */
    cand = g_ptr_array_new();
    if (c.op == OP_CFGI_STE_RANGE) {
        GHashTableIter it;
        gpointer k, val;

        g_hash_table_iter_init(&it, t->views);
        while (g_hash_table_iter_next(&it, &k, &val)) {
            g_ptr_array_add(cand, val);
        }
    } else {
        GPtrArray *s = multimap_get(t->by_sid, GUINT_TO_POINTER(c.sid),
                                    false);

        if (s) {
            g_ptr_array_extend(cand, s, NULL, NULL);
        }
        g_ptr_array_extend(cand, t->l1stds, NULL, NULL);
    }
    for (guint i = 0; i < cand->len; i++) {
        TearView *v = g_ptr_array_index(cand, i);

        if (!cmd_covers(t, &c, v)) {
            continue;
        }
        /*
         * The value at the CFGI's consumption ends this window and starts
         * the next.  The store feeder saw every store only when the
         * view's watch was effective: compare with memory (a new CD
         * leaf's watch may not be yet), so a missed store is judged as
         * the sync feeder judges it, not the next window's start.
         */
        view_sample(t, v, t->p.mode == SMMUM_TEAR_STORE);
        view_set_pending(t, v, &c);
    }
    g_ptr_array_free(cand, TRUE);
    reach_settle(t);
}

static void obs_sync(void *opaque)
{
    SmmumTear *t = opaque;
    SmmumTearCmd c = { .op = OP_SYNC };
    GPtrArray *closing;

    if (t->p.mode == SMMUM_TEAR_OFF) {
        return;
    }
    g_array_set_size(t->pend_cfgis, 0);
    if (!t->pending->len) {
        return;
    }
    c.seq = ++t->seq;
    c.vcnt = tear_now(t);
    closing = t->pending;
    t->pending = g_ptr_array_new();
    for (guint i = 0; i < closing->len; i++) {
        close_window(t, g_ptr_array_index(closing, i), &c);
    }
    reach_settle(t);
    /* An invalidated view that nothing reaches is clean: forget it. */
    for (guint i = 0; i < closing->len; i++) {
        TearView *v = g_ptr_array_index(closing, i);

        if (!v->reachable) {
            view_destroy(t, v);
        }
    }
    g_ptr_array_free(closing, TRUE);
    reach_settle(t);
}

static TearView *view_for_fetch(SmmumTear *t, SmmumTearViewKind kind,
                                uint32_t sid, uint32_t ssid, uint64_t addr,
                                const uint64_t *w)
{
    uint32_t idx = ssid;
    const TearRef *ref = NULL;

    reach_settle(t);
    for (guint i = 0; i < t->refs->len; i++) {
        const TearRef *r = &g_array_index(t->refs, TearRef, i);
        int64_t ci;

        if (r->kind != kind || (addr - r->base) % r->stride ||
            ((kind == SMMUM_TEAR_VIEW_CD || kind == SMMUM_TEAR_VIEW_L1CD) &&
             r->sid != sid)) {
            continue;
        }
        ci = ref_index(r, addr);
        if (ci >= 0) {
            ref = r;
            idx = ci;
            break;
        }
    }
    if (kind == SMMUM_TEAR_VIEW_STE) {
        idx = sid;
    } else if (kind == SMMUM_TEAR_VIEW_L1STD && !ref) {
        idx = sid >> strtab_split(t);
    } else if (kind == SMMUM_TEAR_VIEW_L1CD && !ref) {
        idx = ssid >> 6;
    }
    if (kind == SMMUM_TEAR_VIEW_L1STD) {
        sid = 0;
    }
    {
        TearView *v = view_lookup(t, kind, sid, idx, addr);

        if (v) {
            return v;
        }
        return view_create(t, kind, sid, idx, addr, ref, w);
    }
}

static void obs_fetch(void *opaque, SmmumFetchKind kind, uint32_t sid,
                      uint32_t ssid, uint64_t addr, const uint64_t *words,
                      unsigned n)
{
    SmmumTear *t = opaque;
    SmmumTearViewKind vk;
    uint64_t w[8] = { 0 };
    TearView *v;

    if (t->p.mode == SMMUM_TEAR_OFF) {
        return;
    }
    switch (kind) {
    case SMMUM_FETCH_STE:
        vk = SMMUM_TEAR_VIEW_STE;
        break;
    case SMMUM_FETCH_CD:
        vk = SMMUM_TEAR_VIEW_CD;
        break;
    case SMMUM_FETCH_L1STD:
        vk = SMMUM_TEAR_VIEW_L1STD;
        break;
    default:
        vk = SMMUM_TEAR_VIEW_L1CD;
        break;
    }
    memcpy(w, words, MIN(n, 8) * 8);
    v = view_for_fetch(t, vk, sid, ssid, addr, w);
    view_record_image(t, v, w, n, t->p.mode == SMMUM_TEAR_STORE);
    /* The model now holds the current image, not a stale one. */
    v->mi_fresh = v->mi_armed && !memcmp(v->cur, w, MIN(n, v->n) * 8);
    reach_settle(t);
}

/* Views that serve traffic of (sid, ssid). */
static void views_for_traffic(SmmumTear *t, uint32_t sid, uint32_t ssid,
                              GPtrArray *out)
{
    GPtrArray *s = multimap_get(t->by_sid, GUINT_TO_POINTER(sid), false);

    for (guint i = 0; s && i < s->len; i++) {
        TearView *v = g_ptr_array_index(s, i);

        if (v->key.kind == SMMUM_TEAR_VIEW_STE ||
            (v->key.kind == SMMUM_TEAR_VIEW_CD && v->key.idx == ssid) ||
            (v->key.kind == SMMUM_TEAR_VIEW_L1CD &&
             v->key.idx == ssid >> v->split)) {
            g_ptr_array_add(out, v);
        }
    }
    for (guint i = 0; i < t->l1stds->len; i++) {
        TearView *v = g_ptr_array_index(t->l1stds, i);

        if (v->key.idx == sid >> strtab_split(t)) {
            g_ptr_array_add(out, v);
        }
    }
}

static void obs_prefetch(void *opaque, uint32_t sid, uint32_t ssid, bool ssv)
{
    SmmumTear *t = opaque;
    GPtrArray *vs = g_ptr_array_new();

    views_for_traffic(t, sid, ssv ? ssid : 0, vs);
    for (guint i = 0; i < vs->len; i++) {
        tr_end(t, g_ptr_array_index(vs, i));
    }
    g_ptr_array_free(vs, TRUE);
}

static void obs_txn(void *opaque, uint32_t sid, uint32_t ssid, bool ssv)
{
    SmmumTear *t = opaque;
    GPtrArray *vs = t->txc_views;

    ssid = ssv ? ssid : 0;
    if (t->txc_gen != t->txn_gen || t->txc_sid != sid ||
        t->txc_ssid != ssid) {
        g_ptr_array_set_size(vs, 0);
        views_for_traffic(t, sid, ssid, vs);
        t->txc_gen = t->txn_gen;
        t->txc_sid = sid;
        t->txc_ssid = ssid;
    }
    for (guint i = 0; i < vs->len; i++) {
        TearView *v = g_ptr_array_index(vs, i);

        v->win_txns++;
        if (v->mi_armed) {
            v->mi_txns++;
            /* Served from the stale entry: no fetch since the change. */
            if (!v->mi_covered && !v->mi_fresh) {
                report_missing(t, v, "txn");
            }
        }
        tr_end(t, v);
    }
}

static void refresh_regs(SmmumTear *t)
{
    if (t->h.get_regs) {
        t->h.get_regs(t->h.opaque, &t->regs);
    }
    t->txn_gen++;
}

/* Close a period of global bypass, if there was one. */
static void global_bypass_flush(SmmumTear *t)
{
    SmmumTearRecord r;

    if (!t->gb_txns) {
        return;
    }
    memset(&r, 0, sizeof(r));
    r.type = SMMUM_TEAR_REC_GLOBAL_BYPASS;
    r.sev = SMMUM_TEAR_SEV_INFO;
    r.mode = t->p.mode;
    r.view = SMMUM_TEAR_VIEW_STE;
    r.sid = t->gb_first_sid;
    r.exposure = t->gb_txns;
    r.store.vcnt = t->gb_vcnt;
    r.idr = t->regs.idr;
    t->gb_txns = 0;
    emit(t, &r);
}

static void obs_tables(void *opaque)
{
    SmmumTear *t = opaque;

    refresh_regs(t);
    if (t->regs.smmuen) {
        global_bypass_flush(t);
    }
    t->reach_dirty = true;
    t->cover_dirty = true;
    reach_settle(t);
}

static void obs_reset(void *opaque)
{
    SmmumTear *t = opaque;

    unterminated(t, false, "reset");
    global_bypass_flush(t);
    drop_all(t);
    g_hash_table_remove_all(t->l1pub);
    refresh_regs(t);
    reach_settle(t);
}

/* ---- public API ---- */

SmmumTear *smmum_tear_new(const SmmumTearParams *p, const SmmumTearHost *h)
{
    SmmumTear *t = g_new0(SmmumTear, 1);

    t->p = *p;
    if (!t->p.state_cap) {
        t->p.state_cap = TEAR_DEFAULT_STATE_CAP;
    }
    if (!t->p.value_cap) {
        t->p.value_cap = TEAR_DEFAULT_VALUE_CAP;
    }
    if (h) {
        t->h = *h;
    }
    t->views = g_hash_table_new(key_hash, key_equal);
    t->by_gran = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)g_ptr_array_unref);
    t->by_sid = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                      (GDestroyNotify)g_ptr_array_unref);
    t->l1stds = g_ptr_array_new();
    t->pending = g_ptr_array_new();
    t->pend_cfgis = g_array_new(FALSE, TRUE, sizeof(SmmumTearCmd));
    t->refs = g_array_new(FALSE, TRUE, sizeof(TearRef));
    t->l1pub = g_hash_table_new(g_direct_hash, g_direct_equal);
    t->dirty_views = g_ptr_array_new();
    t->txc_views = g_ptr_array_new();
    t->txn_gen = 1;
    refresh_regs(t);
    t->reach_dirty = true;
    t->cover_dirty = true;
    return t;
}

void smmum_tear_free(SmmumTear *t)
{
    if (!t) {
        return;
    }
    drop_all(t);
    g_hash_table_destroy(t->views);
    g_hash_table_destroy(t->by_gran);
    g_hash_table_destroy(t->by_sid);
    g_ptr_array_free(t->l1stds, TRUE);
    g_ptr_array_free(t->pending, TRUE);
    g_array_free(t->pend_cfgis, TRUE);
    g_array_free(t->refs, TRUE);
    g_ptr_array_free(t->dirty_views, TRUE);
    g_ptr_array_free(t->txc_views, TRUE);
    g_hash_table_destroy(t->l1pub);
    g_free(t);
}

SmmumTearMode smmum_tear_mode(SmmumTear *t)
{
    return t->p.mode;
}

void smmum_tear_observer(SmmumTear *t, SmmumObserver *o)
{
    memset(o, 0, sizeof(*o));
    o->opaque = t;
    o->cfgi_consumed = obs_cfgi;
    o->sync_completed = obs_sync;
    o->fetch = obs_fetch;
    o->prefetch = obs_prefetch;
    o->txn = obs_txn;
    o->tables_changed = obs_tables;
    o->reset = obs_reset;
}

void smmum_tear_set_regs(SmmumTear *t, const SmmumTearRegs *regs)
{
    t->regs = *regs;
    t->txn_gen++;
    t->reach_dirty = true;
    t->cover_dirty = true;
    reach_settle(t);
}

void smmum_tear_store(SmmumTear *t, uint64_t pa, unsigned size,
                      uint64_t data, uint64_t pc, int cpu_index,
                      uint64_t vcnt)
{
    SmmumTearStore st = { .valid = true };
    uint64_t end;

    if (t->p.mode == SMMUM_TEAR_OFF || size == 0 || size > 8) {
        return;
    }
    reach_settle(t);
    st.size = size;
    st.pa = pa;
    st.data = size == 8 ? data : data & SMMUM_MASK(size * 8);
    st.pc = pc;
    st.cpu = cpu_index;
    st.vcnt = vcnt;
    st.seq = ++t->seq;
    end = pa + size;

    for (uint64_t g8 = pa & ~7ULL; g8 < end; g8 += 8) {
        uint64_t lo = MAX(pa, g8), hi = MIN(end, g8 + 8);
        uint64_t mask = SMMUM_MASK((hi - lo) * 8) << ((lo - g8) * 8);
        uint64_t bits = ((lo - pa) * 8 >= 64 ? 0 :
                         st.data >> ((lo - pa) * 8)) << ((lo - g8) * 8);
        GPtrArray *vs;
        GArray *want = g_array_new(FALSE, TRUE, sizeof(TearRef));

        /* Lazily create the views a reachable table has here. */
        for (guint i = 0; i < t->refs->len; i++) {
            const TearRef *r = &g_array_index(t->refs, TearRef, i);

            if (ref_index(r, g8) >= 0) {
                g_array_append_val(want, *r);
            }
        }
        for (guint i = 0; i < want->len; i++) {
            const TearRef *r = &g_array_index(want, TearRef, i);
            uint64_t ci = ref_index(r, g8);
            uint64_t addr = r->base + (ci - r->first) * r->stride;
            uint32_t sid = r->kind == SMMUM_TEAR_VIEW_STE ? ci : r->sid;

            if (!view_lookup(t, r->kind, r->kind == SMMUM_TEAR_VIEW_L1STD ?
                             0 : sid, ci, addr)) {
                view_create(t, r->kind, sid, ci, addr, r, NULL);
            }
        }
        g_array_free(want, TRUE);

        vs = multimap_get(t->by_gran, gran_key(g8), false);
        if (vs) {
            GPtrArray *copy = g_ptr_array_copy(vs, NULL, NULL);

            for (guint i = 0; i < copy->len; i++) {
                TearView *v = g_ptr_array_index(copy, i);
                unsigned g = (g8 - v->key.addr) / 8;
                uint64_t nv = (v->cur[g] & ~mask) | (bits & mask);

                view_record(t, v, g, nv, &st);
            }
            g_ptr_array_free(copy, TRUE);
        }
        reach_settle(t);
    }
}

bool smmum_tear_watched(SmmumTear *t, uint64_t pa)
{
    reach_settle(t);
    if (g_hash_table_contains(t->by_gran, gran_key(pa & ~7ULL))) {
        return true;
    }
    for (guint i = 0; i < t->refs->len; i++) {
        if (ref_index(&g_array_index(t->refs, TearRef, i), pa) >= 0) {
            return true;
        }
    }
    return false;
}

uint64_t smmum_tear_watch_generation(SmmumTear *t)
{
    reach_settle(t);
    return t->watch_gen;
}

void smmum_tear_foreach_watch(SmmumTear *t,
                              void (*fn)(void *opaque, uint64_t pa,
                                         uint64_t len),
                              void *opaque)
{
    GHashTableIter it;
    gpointer k, val;

    reach_settle(t);
    for (guint i = 0; i < t->refs->len; i++) {
        const TearRef *r = &g_array_index(t->refs, TearRef, i);

        if (r->count) {
            fn(opaque, r->base, r->count * r->stride);
        }
    }
    g_hash_table_iter_init(&it, t->views);
    while (g_hash_table_iter_next(&it, &k, &val)) {
        TearView *v = val;

        fn(opaque, v->key.addr, v->n * 8);
    }
}

void smmum_tear_finish(SmmumTear *t)
{
    if (t->p.mode == SMMUM_TEAR_OFF || t->finished) {
        return;
    }
    t->finished = true;
    unterminated(t, true, "exit");
    global_bypass_flush(t);
}

void smmum_tear_note_global_bypass(SmmumTear *t, uint32_t sid)
{
    if (t->p.mode == SMMUM_TEAR_OFF) {
        return;
    }
    if (!t->gb_txns++) {
        t->gb_first_sid = sid;
        t->gb_vcnt = tear_now(t);
    }
}

void smmum_tear_migrate(SmmumTear *t)
{
    if (t->p.mode == SMMUM_TEAR_OFF) {
        return;
    }
    unterminated(t, false, "migration");
    drop_all(t);
    reach_settle(t);
}

void smmum_tear_regs_from_core(const SmmumCore *s, SmmumTearRegs *regs)
{
    memset(regs, 0, sizeof(*regs));
    memcpy(regs->idr.idr, s->idr, sizeof(regs->idr.idr));
    regs->smmuen = s->cr0ack & SMMUM_CR0_SMMUEN;
    regs->strtab_base = s->strtab_base;
    regs->strtab_base_cfg = s->strtab_base_cfg;
}

void smmum_tear_get_counters(SmmumTear *t, SmmumTearCounters *c)
{
    *c = t->cnt;
}

void smmum_tear_foreach_view(SmmumTear *t,
                             void (*fn)(void *opaque,
                                        const SmmumTearViewInfo *vi),
                             void *opaque)
{
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, t->views);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        const TearView *v = value;
        SmmumTearViewInfo vi = {
            .kind = v->key.kind,
            .sid = v->key.sid,
            .idx = v->key.idx,
            .addr = v->key.addr,
            .nwords = v->n,
            .reachable = v->reachable,
            .pending = v->pending,
            .transition = v->tr_open,
            .missing_inval = v->mi_armed,
            .window = v->window,
            .txns = v->win_txns,
        };

        for (unsigned g = 0; g < v->n && g < 8; g++) {
            vi.a[g] = v->a[g];
            vi.cur[g] = v->cur[g];
            if (v->vals[g]) {
                vi.values = MAX(vi.values, v->vals[g]->len);
            }
        }
        fn(opaque, &vi);
    }
}
