/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: configuration cache.
 */
#include "smmum-cfgcache.h"

#include <glib.h>
#include <string.h>

struct SmmumCfgCache {
    GHashTable *tab;            /* &entry->key -> SmmumCcEntry */
    unsigned capacity;
    bool sticky;
    uint64_t tick;
    unsigned evictions;
    uint64_t gen;               /* bumped whenever an entry may go away */
};

static uint64_t make_key(unsigned kind, uint32_t sid, uint32_t sub)
{
    /* kind[63:62] sid[61:30] sub[19:0] (SubstreamIDs are 20 bits). */
    return ((uint64_t)kind << 62) | ((uint64_t)sid << 30) |
           (sub & 0xfffff);
}

SmmumCfgCache *smmum_cfgcache_new(unsigned capacity, bool sticky)
{
    SmmumCfgCache *c = g_new0(SmmumCfgCache, 1);

    c->tab = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
                                   g_free);
    c->capacity = capacity ? capacity : 1;
    c->sticky = sticky;
    return c;
}

void smmum_cfgcache_free(SmmumCfgCache *c)
{
    if (c) {
        g_hash_table_destroy(c->tab);
        g_free(c);
    }
}

void smmum_cfgcache_flush(SmmumCfgCache *c)
{
    c->gen++;
    g_hash_table_remove_all(c->tab);
}

uint64_t smmum_cfgcache_gen(const SmmumCfgCache *c)
{
    return c->gen;
}

const SmmumCcEntry *smmum_cfgcache_peek(SmmumCfgCache *c, SmmumCcKind kind,
                                        uint32_t sid, uint32_t sub)
{
    uint64_t key = make_key(kind, sid, sub);

    return g_hash_table_lookup(c->tab, &key);
}

void smmum_cfgcache_touch(SmmumCfgCache *c, const SmmumCcEntry *e)
{
    ((SmmumCcEntry *)e)->stamp = ++c->tick;
}

unsigned smmum_cfgcache_count(const SmmumCfgCache *c)
{
    return g_hash_table_size(c->tab);
}

unsigned smmum_cfgcache_evictions(const SmmumCfgCache *c)
{
    return c->evictions;
}

const SmmumCcEntry *smmum_cfgcache_lookup(SmmumCfgCache *c, SmmumCcKind kind,
                                          uint32_t sid, uint32_t sub)
{
    uint64_t key = make_key(kind, sid, sub);
    SmmumCcEntry *e = g_hash_table_lookup(c->tab, &key);

    if (e) {
        e->stamp = ++c->tick;
    }
    return e;
}

static void evict_one(SmmumCfgCache *c)
{
    GHashTableIter it;
    SmmumCcEntry *e, *victim = NULL;

    g_hash_table_iter_init(&it, c->tab);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&e)) {
        if (!victim || e->stamp < victim->stamp) {
            victim = e;
        }
    }
    if (victim) {
        g_hash_table_remove(c->tab, &victim->key);
        c->evictions++;
    }
}

void smmum_cfgcache_insert(SmmumCfgCache *c, const SmmumCcEntry *e)
{
    SmmumCcEntry *n = g_new(SmmumCcEntry, 1);

    *n = *e;
    n->key = make_key(e->kind, e->sid, e->sub);
    n->stamp = ++c->tick;
    c->gen++;
    g_hash_table_remove(c->tab, &n->key);
    while (!c->sticky && g_hash_table_size(c->tab) >= c->capacity) {
        evict_one(c);
    }
    g_hash_table_insert(c->tab, &n->key, n);
}

static bool in_range(uint32_t v, uint32_t lo, uint32_t hi)
{
    return v >= lo && v <= hi;
}

/* Does this CFGI cover entry e? (IHI 0070 4.3.1 - 4.3.5) */
static bool covers(const SmmumCfgi *f, const SmmumCcEntry *e)
{
    uint32_t lo, hi;

    switch (f->kind) {
    case SMMUM_CFGI_ALL:
        return true;
    case SMMUM_CFGI_STE_RANGE:
        /* 2^(Range+1) StreamIDs aligned to that size; non-leaf. */
        if (f->range >= 31) {
            return true;
        }
        lo = f->sid & ~(uint32_t)((2ULL << f->range) - 1);
        hi = lo + (uint32_t)((2ULL << f->range) - 1);
        if (e->kind == SMMUM_CC_L1STD) {
            return e->lo <= hi && e->hi >= lo;
        }
        return in_range(e->sid, lo, hi);
    case SMMUM_CFGI_STE:
        /* The STE and everything fetched through it; Leaf=0: L1STD. */
        if (e->kind == SMMUM_CC_L1STD) {
            return !f->leaf && in_range(f->sid, e->lo, e->hi);
        }
        return e->sid == f->sid;
    case SMMUM_CFGI_CD:
        if (e->sid != f->sid) {
            return false;
        }
        if (e->kind == SMMUM_CC_CD) {
            return e->sub == f->ssid;
        }
        if (e->kind == SMMUM_CC_L1CD) {
            return !f->leaf && in_range(f->ssid, e->lo, e->hi);
        }
        return false;
    case SMMUM_CFGI_CD_ALL:
        return e->sid == f->sid &&
               (e->kind == SMMUM_CC_CD || e->kind == SMMUM_CC_L1CD);
    }
    return false;
}

unsigned smmum_cfgcache_invalidate(SmmumCfgCache *c, const SmmumCfgi *cfgi)
{
    GHashTableIter it;
    SmmumCcEntry *e;
    unsigned n = 0;

    c->gen++;
    g_hash_table_iter_init(&it, c->tab);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&e)) {
        if (covers(cfgi, e)) {
            g_hash_table_iter_remove(&it);
            n++;
        }
    }
    return n;
}

static gint cc_more_recent(gconstpointer a, gconstpointer b)
{
    const SmmumCcEntry *x = *(SmmumCcEntry *const *)a;
    const SmmumCcEntry *y = *(SmmumCcEntry *const *)b;

    return x->stamp < y->stamp ? 1 : x->stamp > y->stamp ? -1 : 0;
}

void smmum_cfgcache_foreach(SmmumCfgCache *c,
                            void (*fn)(void *opaque, const SmmumCcEntry *e),
                            void *opaque)
{
    GPtrArray *all = g_ptr_array_new();
    GHashTableIter it;
    gpointer e;

    g_hash_table_iter_init(&it, c->tab);
    while (g_hash_table_iter_next(&it, NULL, &e)) {
        g_ptr_array_add(all, e);
    }
    g_ptr_array_sort(all, cc_more_recent);
    for (unsigned i = 0; i < all->len; i++) {
        fn(opaque, g_ptr_array_index(all, i));
    }
    g_ptr_array_free(all, TRUE);
}
