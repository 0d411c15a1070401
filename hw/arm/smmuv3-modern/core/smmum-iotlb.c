/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: bounded IOTLB with least-recently-used replacement
 * and the architected TLBI scopes (IHI 0070 4.4).
 */
#include <stddef.h>
#include <string.h>
#include <glib.h>

#include "smmum-iotlb.h"
#include "smmum-regs.h"

/* Input addresses are compared on bits [55:0]: TBI bytes never count. */
#define IOVA_MASK       SMMUM_MASK(56)

typedef struct Key {
    uint8_t stage, regime, global, size_shift;
    uint16_t vmid, asid;
    uint64_t iova;
} Key;

typedef struct Node {
    Key key;
    SmmumIotlbEntry e;
    GList link;                 /* in SmmumIotlb.lru */
} Node;

struct SmmumIotlb {
    unsigned capacity;
    bool ril, asid16, vmid16, s2p;
    GHashTable *map;            /* Key -> Node (owned) */
    GQueue lru;                 /* head: most recently used */
    unsigned per_size[64];      /* entries per size_shift */
    uint64_t sizes;             /* bit s: per_size[s] != 0 */
    unsigned wide;              /* entries whose span exceeds their size */
    bool scan_only;             /* TLBIs always scan (tests) */
    uint64_t gen;               /* bumped whenever an entry may change */
    const SmmumTlbObserver *obs;    /* entries entering / leaving */
};

static guint key_hash(gconstpointer p)
{
    const Key *k = p;
    uint64_t h = k->iova ^ ((uint64_t)k->asid << 48) ^
                 ((uint64_t)k->vmid << 32) ^ (k->size_shift << 8) ^
                 (k->stage << 4) ^ (k->regime << 2) ^ k->global;

    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return (guint)h;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
    const Key *x = a, *y = b;

    return x->iova == y->iova && x->asid == y->asid &&
           x->vmid == y->vmid && x->size_shift == y->size_shift &&
           x->stage == y->stage && x->regime == y->regime &&
           x->global == y->global;
}

SmmumIotlb *smmum_iotlb_new(const SmmumIdRegs *idr, unsigned capacity)
{
    SmmumIotlb *t = g_new0(SmmumIotlb, 1);

    t->capacity = MAX(capacity, 1u);
    t->ril = SMMUM_EX(idr->idr[3], SMMUM_IDR3_RIL, 1);
    t->asid16 = SMMUM_EX(idr->idr[0], SMMUM_IDR0_ASID16, 1);
    t->vmid16 = SMMUM_EX(idr->idr[0], SMMUM_IDR0_VMID16, 1);
    t->s2p = SMMUM_EX(idr->idr[0], SMMUM_IDR0_S2P, 1);
    t->map = g_hash_table_new_full(key_hash, key_equal, NULL, g_free);
    g_queue_init(&t->lru);
    return t;
}

void smmum_iotlb_set_observer(SmmumIotlb *t, const SmmumTlbObserver *o)
{
    t->obs = o;
}

void smmum_iotlb_flush(SmmumIotlb *t)
{
    t->gen++;
    if (t->obs && t->obs->tlb_remove) {
        t->obs->tlb_remove(t->obs->opaque, NULL, NULL);
    }
    g_hash_table_remove_all(t->map);
    g_queue_init(&t->lru);
    memset(t->per_size, 0, sizeof(t->per_size));
    t->sizes = 0;
    t->wide = 0;
}

void smmum_iotlb_free(SmmumIotlb *t)
{
    if (t) {
        g_hash_table_destroy(t->map);
        g_free(t);
    }
}

void smmum_iotlb_set_scan_only(SmmumIotlb *t, bool on)
{
    t->scan_only = on;
}

uint64_t smmum_iotlb_gen(const SmmumIotlb *t)
{
    return t->gen;
}

void smmum_iotlb_touch(SmmumIotlb *t, const SmmumIotlbEntry *e)
{
    Node *n = (Node *)((char *)e - offsetof(Node, e));
    GList *l = &n->link;

    /* g_queue_unlink + g_queue_push_head_link, for the hot path. */
    if (t->lru.head == l) {
        return;
    }
    l->prev->next = l->next;        /* not the head: prev is set */
    if (l->next) {
        l->next->prev = l->prev;
    } else {
        t->lru.tail = l->prev;
    }
    l->prev = NULL;
    l->next = t->lru.head;
    t->lru.head->prev = l;          /* not empty: l was in it */
    t->lru.head = l;
}

unsigned smmum_iotlb_count(const SmmumIotlb *t)
{
    return g_hash_table_size(t->map);
}

static uint16_t asid_of(const SmmumIotlb *t, uint16_t asid)
{
    return t->asid16 ? asid : asid & 0xff;
}

static uint16_t vmid_of(const SmmumIotlb *t, uint16_t vmid)
{
    /* Without stage 2, the VMID tags nothing. */
    if (!t->s2p) {
        return 0;
    }
    return t->vmid16 ? vmid : vmid & 0xff;
}

static Key make_key(const SmmumIotlb *t, const SmmumTlbTag *tag,
                    bool global, unsigned shift, uint64_t iova)
{
    Key k;

    memset(&k, 0, sizeof(k));
    /* Stage-2-only entries have no ASID. */
    global = global || tag->stage == SMMUM_TLB_S2;
    k.stage = tag->stage;
    k.regime = tag->regime;
    k.vmid = vmid_of(t, tag->vmid);
    k.global = global;
    k.asid = global ? 0 : asid_of(t, tag->asid);
    k.size_shift = shift;
    k.iova = iova & IOVA_MASK & ~SMMUM_MASK(shift);
    return k;
}

static void node_remove(SmmumIotlb *t, Node *n, const SmmumTlbi *why)
{
    if (t->obs && t->obs->tlb_remove) {
        t->obs->tlb_remove(t->obs->opaque, &n->e, why);
    }
    g_queue_unlink(&t->lru, &n->link);
    if (!--t->per_size[n->key.size_shift]) {
        t->sizes &= ~(1ULL << n->key.size_shift);
    }
    t->wide -= n->e.span_shift > n->key.size_shift;
}

const SmmumIotlbEntry *smmum_iotlb_lookup(SmmumIotlb *t,
                                          const SmmumTlbTag *tag,
                                          uint64_t iova)
{
    for (uint64_t left = t->sizes; left; left &= left - 1) {
        unsigned s = __builtin_ctzll(left);
        Node *n;
        Key k;

        k = make_key(t, tag, false, s, iova);
        n = g_hash_table_lookup(t->map, &k);
        if (!n && !k.global) {
            k = make_key(t, tag, true, s, iova);
            n = g_hash_table_lookup(t->map, &k);
        }
        if (n) {
            g_queue_unlink(&t->lru, &n->link);
            g_queue_push_head_link(&t->lru, &n->link);
            return &n->e;
        }
    }
    return NULL;
}

void smmum_iotlb_insert(SmmumIotlb *t, const SmmumIotlbEntry *e)
{
    Key k;
    Node *n;

    if (e->size_shift >= 64) {
        return;
    }
    t->gen++;
    k = make_key(t, &e->tag, e->global, e->size_shift, e->iova);
    n = g_hash_table_lookup(t->map, &k);
    if (n) {
        node_remove(t, n, NULL);
        g_hash_table_remove(t->map, &k);
    }
    while (g_hash_table_size(t->map) >= t->capacity) {
        GList *old = g_queue_peek_tail_link(&t->lru);
        Node *victim = old->data;

        node_remove(t, victim, NULL);
        g_hash_table_remove(t->map, &victim->key);
    }
    n = g_new0(Node, 1);
    n->key = k;
    n->e = *e;
    n->e.iova = k.iova;
    n->e.global = k.global;
    n->e.tag.asid = k.asid;
    n->e.tag.vmid = k.vmid;
    n->link.data = n;
    g_hash_table_insert(t->map, &n->key, n);
    g_queue_push_head_link(&t->lru, &n->link);
    t->per_size[k.size_shift]++;
    t->sizes |= 1ULL << k.size_shift;
    t->wide += n->e.span_shift > k.size_shift;
    if (t->obs && t->obs->tlb_insert) {
        t->obs->tlb_insert(t->obs->opaque, &n->e);
    }
}

void smmum_iotlb_entry_from_walk(SmmumIotlbEntry *e, const SmmumTlbTag *tag,
                                 uint64_t iova, const SmmumWalkResult *r)
{
    uint64_t mask = SMMUM_MASK(r->size_shift);

    memset(e, 0, sizeof(*e));
    e->tag = *tag;
    e->global = r->global;
    e->iova = iova & ~mask;
    e->pa = r->pa & ~mask;
    e->size_shift = r->size_shift;
    e->span_shift = MAX(r->span_shift, r->size_shift);
    e->granule = r->granule;
    e->level = r->level;
    e->perm = r->perm;
    e->s1_attr = r->s1_attr;
    e->s1_sh = r->s1_sh;
    e->s2_memattr = r->s2_memattr;
    e->s2_sh = r->s2_sh;
}

/* TLBI TG encoding to granule shift (0: no range/TTL information). */
static unsigned tlbi_granule(uint8_t tg)
{
    static const unsigned g[4] = { 0, 12, 14, 16 };

    return g[tg & 3];
}

/* The address test of a TLBI by VA/IPA on one entry. */
typedef struct AddrScope {
    bool range;
    uint64_t start, end;        /* range: [start, end) */
    uint64_t addr;              /* single address */
    unsigned granule;           /* 0: any */
    int ttl;                    /* 0: any level */
} AddrScope;

static void addr_scope(const SmmumIotlb *t, const SmmumTlbi *tlbi,
                       uint64_t amask, AddrScope *s)
{
    uint64_t addr = tlbi->addr & amask & ~SMMUM_MASK(12);

    memset(s, 0, sizeof(*s));
    s->addr = addr;
    if (!t->ril || !tlbi->tg) {
        return;
    }
    s->granule = tlbi_granule(tlbi->tg);
    s->ttl = tlbi->ttl & 3;
    s->range = true;
    s->start = addr & ~SMMUM_MASK(s->granule);
    s->end = s->start +
             (((uint64_t)(tlbi->num & 0x1f) + 1) << (tlbi->scale & 0x1f)
              << s->granule);
}

static bool addr_hit(const AddrScope *s, const SmmumIotlbEntry *e)
{
    unsigned shift = MAX(e->span_shift, e->size_shift);
    uint64_t size = 1ULL << shift;
    uint64_t iova = e->iova & ~(size - 1);

    if (s->granule && (e->granule != s->granule ||
                       (s->ttl && e->level != s->ttl))) {
        /* The hint rules this entry out. */
        return false;
    }
    if (s->range) {
        return iova < s->end && iova + size > s->start;
    }
    return (s->addr & ~(size - 1)) == iova;
}

typedef struct Match {
    const SmmumIotlb *t;
    const SmmumTlbi *tlbi;
    AddrScope scope;
} Match;

static bool entry_hit(const Match *m, const Node *n)
{
    const SmmumTlbi *ti = m->tlbi;
    const Key *k = &n->key;
    bool s1 = k->stage == SMMUM_TLB_S1, el1 = k->regime == SMMUM_TLB_EL1;
    bool vmid = k->vmid == vmid_of(m->t, ti->vmid);
    bool asid = k->global || k->asid == asid_of(m->t, ti->asid);
    bool addr = addr_hit(&m->scope, &n->e);

    switch (ti->opcode) {
    case SMMUM_TLBI_NH_ALL:
        return s1 && el1 && vmid;
    case SMMUM_TLBI_NH_ASID:
        return s1 && el1 && vmid && !k->global && asid;
    case SMMUM_TLBI_NH_VA:
        return s1 && el1 && vmid && asid && addr;
    case SMMUM_TLBI_NH_VAA:
        return s1 && el1 && vmid && addr;
    case SMMUM_TLBI_EL2_ALL:
        return !el1;
    case SMMUM_TLBI_EL2_ASID:
        return !el1 && !k->global && asid;
    case SMMUM_TLBI_EL2_VA:
        return !el1 && asid && addr;
    case SMMUM_TLBI_EL2_VAA:
        return !el1 && addr;
    case SMMUM_TLBI_S12_VMALL:
        return el1 && vmid;
    case SMMUM_TLBI_S2_IPA:
        /* Combined stage 1+2 entries need NH_* or S12_VMALL. */
        return !s1 && el1 && vmid && addr;
    case SMMUM_TLBI_NSNH_ALL:
        return el1;
    default:
        return false;
    }
}

/* At most this many hash lookups before a TLBI scans the whole IOTLB. */
#define TLBI_LOOKUPS_MAX    64

/*
 * The tag an address-based TLBI names exactly, so that its candidates can
 * be looked up by key: NH_VA (stage 1, EL1, its VMID and ASID, or global)
 * and S2_IPA (stage 2, EL1, its VMID).  The VAA forms match any ASID and
 * the EL2 forms any stage-1 EL2 entry: they scan.
 */
static bool tlbi_tag(const SmmumTlbi *ti, SmmumTlbTag *tag)
{
    memset(tag, 0, sizeof(*tag));
    switch (ti->opcode) {
    case SMMUM_TLBI_NH_VA:
        tag->stage = SMMUM_TLB_S1;
        tag->regime = SMMUM_TLB_EL1;
        tag->vmid = ti->vmid;
        tag->asid = ti->asid;
        return true;
    case SMMUM_TLBI_S2_IPA:
        tag->stage = SMMUM_TLB_S2;
        tag->regime = SMMUM_TLB_EL1;
        tag->vmid = ti->vmid;
        return true;
    default:
        return false;           /* any ASID, or no address */
    }
}

static void remove_hit(SmmumIotlb *t, const Match *m, const Key *k,
                       unsigned *removed)
{
    Node *n = g_hash_table_lookup(t->map, k);

    if (n && entry_hit(m, n)) {
        node_remove(t, n, m->tlbi);
        g_hash_table_remove(t->map, &n->key);
        (*removed)++;
    }
}

/*
 * A TLBI by address with an exact tag: look its candidates up by key,
 * each size that is cached, each block of that size the range touches,
 * the ASID's entry and the global one.  False when that would take more
 * lookups than a scan is worth, or when an entry's span is wider than
 * its key (a stage-1 block cached as stage-2-sized pieces).
 */
static bool invalidate_by_lookup(SmmumIotlb *t, const Match *m,
                                 unsigned *removed)
{
    const AddrScope *sc = &m->scope;
    uint64_t start = sc->range ? sc->start : sc->addr;
    uint64_t end = sc->range ? sc->end : sc->addr + 1;     /* exclusive */
    SmmumTlbTag tag;
    unsigned lookups = 0;

    if (t->scan_only || t->wide || !tlbi_tag(m->tlbi, &tag) ||
        end <= start) {
        return false;
    }
    for (uint64_t left = t->sizes; left; left &= left - 1) {
        unsigned s = __builtin_ctzll(left);
        uint64_t blocks = (end - 1 - (start & ~SMMUM_MASK(s))) >> s;

        if (blocks >= TLBI_LOOKUPS_MAX) {
            return false;
        }
        lookups += blocks + 1;
        if (lookups > TLBI_LOOKUPS_MAX) {
            return false;
        }
    }
    for (uint64_t left = t->sizes; left; left &= left - 1) {
        unsigned s = __builtin_ctzll(left);

        for (uint64_t b = start & ~SMMUM_MASK(s); b < end; b += 1ULL << s) {
            Key k = make_key(t, &tag, false, s, b);

            remove_hit(t, m, &k, removed);
            if (!k.global) {
                k = make_key(t, &tag, true, s, b);
                remove_hit(t, m, &k, removed);
            }
            if (b + (1ULL << s) < b) {
                break;          /* the top of the address space */
            }
        }
    }
    return true;
}

unsigned smmum_iotlb_invalidate(SmmumIotlb *t, const SmmumTlbi *tlbi)
{
    Match m = { .t = t, .tlbi = tlbi };
    GHashTableIter it;
    gpointer key, val;
    unsigned removed = 0;

    t->gen++;
    addr_scope(t, tlbi, tlbi->opcode == SMMUM_TLBI_S2_IPA ?
               SMMUM_MASK(52) : IOVA_MASK, &m.scope);
    if (invalidate_by_lookup(t, &m, &removed)) {
        return removed;
    }
    g_hash_table_iter_init(&it, t->map);
    while (g_hash_table_iter_next(&it, &key, &val)) {
        Node *n = val;

        if (entry_hit(&m, n)) {
            node_remove(t, n, tlbi);
            g_hash_table_iter_remove(&it);
            removed++;
        }
    }
    return removed;
}

bool smmum_tlbi_range(const SmmumIdRegs *idr, const SmmumTlbi *tlbi,
                      uint64_t *start, uint64_t *len)
{
    SmmumIotlb t = {
        .ril = SMMUM_EX(idr->idr[3], SMMUM_IDR3_RIL, 1),
    };
    AddrScope s;

    switch (tlbi->opcode) {
    case SMMUM_TLBI_NH_VA:
    case SMMUM_TLBI_NH_VAA:
    case SMMUM_TLBI_EL2_VA:
    case SMMUM_TLBI_EL2_VAA:
    case SMMUM_TLBI_S2_IPA:
        break;
    default:
        return false;
    }
    addr_scope(&t, tlbi, tlbi->opcode == SMMUM_TLBI_S2_IPA ?
               SMMUM_MASK(52) : IOVA_MASK, &s);
    if (s.range) {
        *start = s.start;
        *len = s.end - s.start;
    } else {
        /* One address: its page at the smallest granule. */
        *start = s.addr;
        *len = 1ULL << 12;
    }
    return true;
}

void smmum_iotlb_foreach(SmmumIotlb *t,
                         void (*fn)(void *opaque, const SmmumIotlbEntry *e),
                         void *opaque)
{
    for (GList *l = t->lru.head; l; l = l->next) {
        const Node *n = l->data;

        fn(opaque, &n->e);
    }
}
