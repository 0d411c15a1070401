/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the inspection snapshot (see smmum-inspect.h).
 * Meaning always comes from the model's decoders; this file only walks
 * the tables the way the model would and writes what it finds.
 */
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "smmum-inspect.h"
#include "smmum-json.h"
#include "smmum-int.h"
#include "smmum-regs.h"
#include "smmum-queue.h"
#include "smmum-strtab.h"
#include "smmum-cd.h"
#include "smmum-cfgcache.h"
#include "smmum-iotlb.h"

#define CHUNK 64                /* entries read from memory at once */

typedef struct Insp {
    SmmumCore *s;
    SmmumIdRegs idr;
    SmmumInspectLimits lim;
    JsonBuilder *b;
    unsigned scanned;           /* table entries read so far */
    bool scan_truncated;
    uint64_t abort_stes;        /* valid Config=abort STEs, not listed */
} Insp;

/* ---- JSON helpers ---- */

static void begin(JsonBuilder *b, const char *name)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_object(b);
}

/* ---- guest memory, as the SMMU reads it (no observer, no cache) ---- */

static bool rd(Insp *in, uint64_t pa, uint64_t *w, unsigned n)
{
    SmmumHost *h = &in->s->host;

    if (!h->dma_read || !h->dma_read(h->opaque, pa, w, n * 8)) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        w[i] = GUINT64_FROM_LE(w[i]);
    }
    return true;
}

/*
 * Account for up to n entries about to be read: how many of them the
 * budget allows (0 once it is gone).
 */
static unsigned budget_n(Insp *in, unsigned n)
{
    unsigned left = in->lim.scan - in->scanned;

    if (n > left) {
        in->scan_truncated = true;
        n = left;
    }
    in->scanned += n;
    return n;
}

static bool budget(Insp *in, unsigned n)
{
    return budget_n(in, n) == n;
}

/* ---- meaning structs, field by field ---- */

static const char *outcome_name(uint8_t o)
{
    switch (o) {
    case SMMUM_OUT_ABORT:
        return "abort";
    case SMMUM_OUT_BYPASS:
        return "bypass";
    case SMMUM_OUT_TRANSLATE:
        return "translate";
    }
    return "?";
}

static const char *abort_why_name(uint8_t w)
{
    switch (w) {
    case SMMUM_ABORT_NONE:
        return "none";
    case SMMUM_ABORT_INVALID:
        return "invalid";
    case SMMUM_ABORT_ILLEGAL:
        return "illegal";
    case SMMUM_ABORT_CONFIG:
        return "config";
    }
    return "?";
}

#define F(b, m, f) smmum_json_int(b, #f, (m)->f)
#define FX(b, m, f) smmum_json_hex(b, #f, (m)->f)

static void ste_meaning(JsonBuilder *b, const SmmumSteMeaning *m)
{
    json_builder_begin_object(b);
    smmum_json_str(b, "outcome", outcome_name(m->outcome));
    smmum_json_str(b, "abort_why", abort_why_name(m->abort_why));
    F(b, m, illegal_code);
    begin(b, "regime");
    F(b, &m->regime, config);
    FX(b, &m->regime, s1_context_ptr);
    F(b, &m->regime, s1_fmt);
    F(b, &m->regime, s1_cd_max);
    F(b, &m->regime, s1_dss);
    F(b, &m->regime, strw);
    F(b, &m->regime, s2_vmid);
    FX(b, &m->regime, s2_ttb);
    F(b, &m->regime, s2_t0sz);
    F(b, &m->regime, s2_sl0);
    F(b, &m->regime, s2_tg);
    F(b, &m->regime, s2_ps);
    F(b, &m->regime, s2_aa64);
    F(b, &m->regime, s2_endi);
    F(b, &m->regime, s2_ds);
    json_builder_end_object(b);
    begin(b, "ats");
    F(b, &m->ats, eats);
    json_builder_end_object(b);
    begin(b, "perm");
    F(b, &m->perm, s2_affd);
    F(b, &m->perm, s2_ha);
    F(b, &m->perm, s2_hd);
    F(b, &m->perm, s2_ptw);
    F(b, &m->perm, s2_s);
    F(b, &m->perm, s2_r);
    F(b, &m->perm, s2_haft);
    F(b, &m->perm, s2_nsw);
    F(b, &m->perm, s2_nsa);
    F(b, &m->perm, s1_stalld);
    F(b, &m->perm, privcfg);
    F(b, &m->perm, instcfg);
    F(b, &m->perm, nscfg);
    F(b, &m->perm, dre);
    F(b, &m->perm, ppar);
    F(b, &m->perm, s1_mpam);
    json_builder_end_object(b);
    begin(b, "attr");
    F(b, &m->attr, s1_cir);
    F(b, &m->attr, s1_cor);
    F(b, &m->attr, s1_csh);
    F(b, &m->attr, s2_ir0);
    F(b, &m->attr, s2_or0);
    F(b, &m->attr, s2_sh0);
    F(b, &m->attr, s2_fwb);
    F(b, &m->attr, memattr);
    F(b, &m->attr, mtcfg);
    F(b, &m->attr, alloccfg);
    F(b, &m->attr, shcfg);
    F(b, &m->attr, dcp);
    F(b, &m->attr, s2_hwu);
    json_builder_end_object(b);
    json_builder_end_object(b);
}

static void cd_meaning(JsonBuilder *b, const SmmumCdMeaning *m)
{
    json_builder_begin_object(b);
    smmum_json_str(b, "outcome", outcome_name(m->outcome));
    smmum_json_str(b, "abort_why", abort_why_name(m->abort_why));
    F(b, m, illegal_code);
    begin(b, "regime");
    F(b, &m->regime, asid);
    F(b, &m->regime, ips);
    F(b, &m->regime, aa64);
    F(b, &m->regime, endi);
    F(b, &m->regime, ds);
    F(b, &m->regime, epd0);
    F(b, &m->regime, epd1);
    FX(b, &m->regime, ttb0);
    FX(b, &m->regime, ttb1);
    F(b, &m->regime, t0sz);
    F(b, &m->regime, t1sz);
    F(b, &m->regime, tg0);
    F(b, &m->regime, tg1);
    F(b, &m->regime, tbi0);
    F(b, &m->regime, tbi1);
    F(b, &m->regime, aset);
    json_builder_end_object(b);
    begin(b, "perm");
    F(b, &m->perm, affd);
    F(b, &m->perm, wxn);
    F(b, &m->perm, uwxn);
    F(b, &m->perm, pan);
    F(b, &m->perm, ha);
    F(b, &m->perm, hd);
    F(b, &m->perm, had0);
    F(b, &m->perm, had1);
    F(b, &m->perm, s);
    F(b, &m->perm, r);
    F(b, &m->perm, a);
    json_builder_end_object(b);
    begin(b, "attr");
    F(b, &m->attr, ir0);
    F(b, &m->attr, or0);
    F(b, &m->attr, sh0);
    F(b, &m->attr, ir1);
    F(b, &m->attr, or1);
    F(b, &m->attr, sh1);
    F(b, &m->attr, nscfg0);
    F(b, &m->attr, nscfg1);
    FX(b, &m->attr, mair);
    FX(b, &m->attr, amair);
    json_builder_end_object(b);
    json_builder_end_object(b);
}

static void l1_meaning(JsonBuilder *b, const SmmumL1Meaning *m)
{
    json_builder_begin_object(b);
    F(b, m, valid);
    F(b, m, span);
    FX(b, m, l2ptr);
    json_builder_end_object(b);
}

#undef F
#undef FX

static SmmumCdCtx cd_ctx_of(const SmmumSteMeaning *ste)
{
    return (SmmumCdCtx) {
        .s1_stalld = ste->perm.s1_stalld,
        .strw = ste->regime.strw,
        .nested = (ste->regime.config & 3) == 3,
    };
}

/* ---- sorted sets of IDs ---- */

static gint cmp_u32(gconstpointer a, gconstpointer b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

static void sort_unique(GArray *ids)
{
    unsigned n = 0;

    g_array_sort(ids, cmp_u32);
    for (unsigned i = 0; i < ids->len; i++) {
        uint32_t v = g_array_index(ids, uint32_t, i);

        if (!n || g_array_index(ids, uint32_t, n - 1) != v) {
            g_array_index(ids, uint32_t, n++) = v;
        }
    }
    g_array_set_size(ids, n);
}

/* ---- the stream table ---- */

typedef struct CacheIds {
    SmmumCcKind kind;
    bool any_sid;
    uint32_t sid;               /* CDs of this StreamID */
    GArray *ids;
} CacheIds;

static void cache_ids_fn(void *opaque, const SmmumCcEntry *e)
{
    CacheIds *c = opaque;

    uint32_t id;

    if (e->kind != c->kind || (!c->any_sid && e->sid != c->sid)) {
        return;
    }
    id = c->kind == SMMUM_CC_STE ? e->sid : e->sub;
    g_array_append_val(c->ids, id);
}

/*
 * The valid STEs of the table (read in chunks) into ids, except those
 * whose Config is abort (0b0xx): Linux fills every level-2 table with
 * them, so they are only counted.
 */
static void scan_stes(Insp *in, uint64_t base, uint32_t first, uint64_t n,
                      GArray *ids)
{
    uint64_t w[CHUNK * 8];

    for (uint64_t i = 0; i < n; i += CHUNK) {
        unsigned k = budget_n(in, MIN((uint64_t)CHUNK, n - i));

        if (!k) {
            return;
        }
        if (!rd(in, base + i * SMMUM_STE_SIZE, w, k * 8)) {
            continue;
        }
        for (unsigned j = 0; j < k; j++) {
            uint32_t sid = first + (uint32_t)(i + j);

            if (!(w[j * 8] & 1)) {
                continue;
            }
            if (smmum_ste_field(&w[j * 8], SMMUM_STE_CONFIG, 3) <
                SMMUM_STE_CFG_BYPASS) {
                in->abort_stes++;
                continue;
            }
            g_array_append_val(ids, sid);
        }
    }
}

static void scan_strtab(Insp *in, const SmmumStrtabGeom *g, GArray *ids)
{
    uint64_t nl1, w[CHUNK];

    if (!g->two_level) {
        scan_stes(in, g->base, 0, 1ULL << g->log2size, ids);
        return;
    }
    nl1 = 1ULL << (g->log2size - g->split);
    for (uint64_t i = 0; i < nl1; i += CHUNK) {
        unsigned k = budget_n(in, MIN((uint64_t)CHUNK, nl1 - i));

        if (!k) {
            return;
        }
        if (!rd(in, g->base + i * 8, w, k)) {
            continue;
        }
        for (unsigned j = 0; j < k; j++) {
            SmmumL1Meaning l1;

            smmum_l1std_decode(&in->idr, w[j], &l1);
            if (l1.valid) {
                scan_stes(in, l1.l2ptr, (uint32_t)((i + j) << g->split),
                          smmum_l1std_entries(&l1, g->split), ids);
            }
        }
    }
}

/*
 * Where sid's STE is in memory: false when the StreamID is outside the
 * table (or its L1STD), with *why saying so.  2-level tables also write
 * the L1STD out as "l1std".
 */
static bool ste_addr(Insp *in, const SmmumStrtabGeom *g, uint32_t sid,
                     uint64_t *addr, const char **why)
{
    JsonBuilder *b = in->b;
    SmmumL1Meaning l1;
    uint64_t w, l1addr;

    if ((uint64_t)sid >> g->log2size) {
        *why = "StreamID beyond the stream table";
        return false;
    }
    if (!g->two_level) {
        *addr = g->base + (uint64_t)sid * SMMUM_STE_SIZE;
        return true;
    }
    l1addr = g->base + (uint64_t)(sid >> g->split) * 8;
    if (!rd(in, l1addr, &w, 1)) {
        *why = "L1STD read failed";
        return false;
    }
    smmum_l1std_decode(&in->idr, w, &l1);
    begin(b, "l1std");
    smmum_json_hex(b, "addr", l1addr);
    smmum_json_words(b, "words", &w, 1);
    json_builder_set_member_name(b, "meaning");
    l1_meaning(b, &l1);
    json_builder_end_object(b);
    if (!l1.valid ||
        (sid & SMMUM_MASK(g->split)) >= smmum_l1std_entries(&l1, g->split)) {
        *why = "L1STD invalid or Span too small";
        return false;
    }
    *addr = l1.l2ptr + (uint64_t)(sid & SMMUM_MASK(g->split)) *
            SMMUM_STE_SIZE;
    return true;
}

/* The CDs the STE the model would use reaches, and the cached ones. */
static void write_cds(Insp *in, uint32_t sid, const SmmumSteMeaning *ste)
{
    JsonBuilder *b = in->b;
    SmmumCfgCache *cc = in->s->cfgcache;
    CacheIds cached = { .kind = SMMUM_CC_CD, .sid = sid,
                        .ids = g_array_new(FALSE, FALSE, sizeof(uint32_t)) };
    bool stage1 = ste->outcome == SMMUM_OUT_TRANSLATE &&
                  (ste->regime.config & 1);
    bool ipa = stage1 && (ste->regime.config & 3) == 3;
    SmmumCdCtx ctx = cd_ctx_of(ste);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    unsigned listed = 0;

    smmum_cfgcache_foreach(cc, cache_ids_fn, &cached);
    begin(b, "cds");
    smmum_json_bool(b, "table_is_ipa", ipa);
    if (stage1 && !ipa) {
        uint64_t count = ste->regime.s1_cd_max ?
                         1ULL << ste->regime.s1_cd_max : 1;
        uint64_t leaf = 1ULL << smmum_cd_leaf_log2(ste);
        SmmumL1Meaning l1 = { 0 };
        unsigned walked = 0;

        /* At most scan / 16 CD slots per StreamID. */
        for (uint64_t ssid = 0; ssid < count; ssid++) {
            SmmumCdLoc loc;
            uint64_t w[8];

            smmum_cd_locate(ste, (uint32_t)ssid, &loc);
            if (++walked > in->lim.scan / 16) {
                in->scan_truncated = true;
                break;
            }
            if (loc.two_level && ssid % leaf == 0) {
                uint64_t d;

                if (!budget(in, 1)) {
                    break;
                }
                memset(&l1, 0, sizeof(l1));
                if (rd(in, loc.l1cd_addr, &d, 1)) {
                    smmum_l1cd_decode(&in->idr, d, &l1);
                }
            }
            if (loc.two_level && !l1.valid) {
                ssid += leaf - 1 - ssid % leaf;
                continue;
            }
            if (!budget(in, 1)) {
                break;
            }
            if (rd(in, loc.two_level ? smmum_cd_l2_addr(&l1, &loc) :
                   loc.cd_addr, w, 8) && (w[0] >> 31) & 1) {
                uint32_t v = (uint32_t)ssid;

                g_array_append_val(ids, v);
            }
        }
    }
    g_array_append_vals(ids, cached.ids->data, cached.ids->len);
    sort_unique(ids);

    json_builder_set_member_name(b, "entries");
    json_builder_begin_array(b);
    for (unsigned i = 0; i < ids->len && listed < in->lim.cds; i++) {
        uint32_t ssid = g_array_index(ids, uint32_t, i);
        const SmmumCcEntry *ce = smmum_cfgcache_peek(cc, SMMUM_CC_CD, sid,
                                                     ssid);
        SmmumCdMeaning m;
        SmmumCdLoc loc;
        uint64_t w[8], addr = 0;
        bool have = false;

        json_builder_begin_object(b);
        smmum_json_int(b, "ssid", ssid);
        if (stage1 && !ipa) {
            smmum_cd_locate(ste, ssid, &loc);
            if (loc.two_level) {
                uint64_t d;
                SmmumL1Meaning l1;

                if (rd(in, loc.l1cd_addr, &d, 1)) {
                    smmum_l1cd_decode(&in->idr, d, &l1);
                    begin(b, "l1cd");
                    smmum_json_hex(b, "addr", loc.l1cd_addr);
                    smmum_json_words(b, "words", &d, 1);
                    json_builder_set_member_name(b, "meaning");
                    l1_meaning(b, &l1);
                    json_builder_end_object(b);
                    if (l1.valid) {
                        addr = smmum_cd_l2_addr(&l1, &loc);
                        have = rd(in, addr, w, 8);
                    }
                }
            } else {
                addr = loc.cd_addr;
                have = rd(in, addr, w, 8);
            }
        }
        json_builder_set_member_name(b, "memory");
        if (have) {
            json_builder_begin_object(b);
            smmum_json_hex(b, "addr", addr);
            smmum_json_words(b, "words", w, 8);
            smmum_cd_decode(&in->idr, &ctx, w, &m);
            json_builder_set_member_name(b, "meaning");
            cd_meaning(b, &m);
            json_builder_end_object(b);
        } else {
            json_builder_add_null_value(b);
        }
        json_builder_set_member_name(b, "cached");
        if (ce) {
            json_builder_begin_object(b);
            smmum_json_hex(b, "addr", ce->addr);
            smmum_json_words(b, "words", ce->words, 8);
            json_builder_set_member_name(b, "meaning");
            cd_meaning(b, &ce->m.cd);
            smmum_json_bool(b, "same_as_memory", have && ce->addr == addr &&
                            !memcmp(ce->words, w, sizeof(w)));
            json_builder_end_object(b);
        } else {
            json_builder_add_null_value(b);
        }
        json_builder_end_object(b);
        listed++;
    }
    json_builder_end_array(b);
    smmum_json_int(b, "omitted", ids->len - listed);
    json_builder_end_object(b);
    g_array_free(ids, TRUE);
    g_array_free(cached.ids, TRUE);
}

static void write_streams(Insp *in)
{
    JsonBuilder *b = in->b;
    SmmumCore *s = in->s;
    SmmumStrtabGeom g;
    CacheIds cached = { .kind = SMMUM_CC_STE, .any_sid = true,
                        .ids = g_array_new(FALSE, FALSE, sizeof(uint32_t)) };
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    unsigned listed = 0;

    smmum_strtab_geom(&in->idr, s->strtab_base, s->strtab_base_cfg, &g);
    begin(b, "strtab");
    smmum_json_str(b, "format", g.two_level ? "2-level" : "linear");
    smmum_json_hex(b, "base", g.base);
    smmum_json_int(b, "log2size", g.log2size);
    smmum_json_int(b, "split", g.two_level ? g.split : 0);
    json_builder_end_object(b);

    if (g.base) {
        scan_strtab(in, &g, ids);
    }
    smmum_cfgcache_foreach(s->cfgcache, cache_ids_fn, &cached);
    g_array_append_vals(ids, cached.ids->data, cached.ids->len);
    sort_unique(ids);

    json_builder_set_member_name(b, "streams");
    json_builder_begin_array(b);
    for (unsigned i = 0; i < ids->len && listed < in->lim.streams; i++) {
        uint32_t sid = g_array_index(ids, uint32_t, i);
        const SmmumCcEntry *ce = smmum_cfgcache_peek(s->cfgcache,
                                                     SMMUM_CC_STE, sid, 0);
        const char *why = "read failed";
        SmmumSteMeaning m = { 0 };
        uint64_t w[8], addr = 0;
        bool have;

        json_builder_begin_object(b);
        smmum_json_int(b, "sid", sid);
        have = ste_addr(in, &g, sid, &addr, &why) && rd(in, addr, w, 8);
        json_builder_set_member_name(b, "memory");
        if (have) {
            json_builder_begin_object(b);
            smmum_json_hex(b, "addr", addr);
            smmum_json_words(b, "words", w, 8);
            smmum_ste_decode(&in->idr, w, &m);
            json_builder_set_member_name(b, "meaning");
            ste_meaning(b, &m);
            json_builder_end_object(b);
        } else {
            json_builder_add_null_value(b);
            smmum_json_str(b, "memory_why", why);
        }
        json_builder_set_member_name(b, "cached");
        if (ce) {
            json_builder_begin_object(b);
            smmum_json_hex(b, "addr", ce->addr);
            smmum_json_words(b, "words", ce->words, 8);
            json_builder_set_member_name(b, "meaning");
            ste_meaning(b, &ce->m.ste);
            smmum_json_bool(b, "same_as_memory", have && ce->addr == addr &&
                            !memcmp(ce->words, w, sizeof(w)));
            json_builder_end_object(b);
        } else {
            json_builder_add_null_value(b);
        }
        /* The CDs of the STE the model would use: the cached one first. */
        if (ce || have) {
            write_cds(in, sid, ce ? &ce->m.ste : &m);
        }
        json_builder_end_object(b);
        listed++;
    }
    json_builder_end_array(b);
    smmum_json_int(b, "streams_omitted", ids->len - listed);
    smmum_json_int(b, "abort_stes", in->abort_stes);
    g_array_free(ids, TRUE);
    g_array_free(cached.ids, TRUE);
}

/* ---- registers and queues ---- */

static void write_queue(Insp *in, const char *name, const SmmumQueue *q,
                        unsigned log2, bool enabled, bool cmdq)
{
    static const char *const errs[] = { "none", "ill", "abt",
                                        "atc_inv_sync" };
    JsonBuilder *b = in->b;
    uint32_t err = SMMUM_EX(q->cons, SMMUM_CMDQ_CONS_ERR, 7);

    begin(b, name);
    smmum_json_bool(b, "enabled", enabled);
    smmum_json_hex(b, "base", q->base);
    smmum_json_hex(b, "addr",
                   smmum_q_entry_addr(q->base, log2, cmdq ? 4 : 5, 0));
    smmum_json_int(b, "log2size", log2);
    smmum_json_hex(b, "prod", q->prod);
    smmum_json_hex(b, "cons", q->cons);
    smmum_json_int(b, "prod_index", smmum_q_idx(q->prod, log2));
    smmum_json_bool(b, "prod_wrap", smmum_q_wrap(q->prod, log2));
    smmum_json_int(b, "cons_index", smmum_q_idx(q->cons, log2));
    smmum_json_bool(b, "cons_wrap", smmum_q_wrap(q->cons, log2));
    smmum_json_int(b, "entries", smmum_q_count(q->prod, q->cons, log2));
    if (cmdq) {
        smmum_json_str(b, "error", err < G_N_ELEMENTS(errs) ? errs[err] : "?");
    } else {
        smmum_json_bool(b, "overflow",
                        ((q->prod ^ q->cons) & SMMUM_Q_OVFLG) != 0);
    }
    json_builder_end_object(b);
}

static void write_regs(Insp *in)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } gerr[] = {
        { SMMUM_GERROR_CMDQ_ERR, "cmdq_err" },
        { SMMUM_GERROR_EVTQ_ABT, "eventq_abt_err" },
        { SMMUM_GERROR_PRIQ_ABT, "priq_abt_err" },
        { SMMUM_GERROR_MSI_CMDQ_ABT, "msi_cmdq_abt_err" },
        { SMMUM_GERROR_MSI_EVTQ_ABT, "msi_eventq_abt_err" },
        { SMMUM_GERROR_MSI_PRIQ_ABT, "msi_priq_abt_err" },
        { SMMUM_GERROR_MSI_GERROR_ABT, "msi_gerror_abt_err" },
        { SMMUM_GERROR_SFM_ERR, "sfm_err" },
    };
    JsonBuilder *b = in->b;
    SmmumCore *s = in->s;
    uint32_t active = (s->gerror ^ s->gerrorn) & SMMUM_GERROR_MASK;

    smmum_json_words(b, "idr", (uint64_t[]) { s->idr[0], s->idr[1],
                                              s->idr[2], s->idr[3],
                                              s->idr[4], s->idr[5] }, 6);
    begin(b, "regs");
    smmum_json_hex(b, "cr0", s->cr0);
    smmum_json_hex(b, "cr0ack", s->cr0ack);
    smmum_json_hex(b, "cr1", s->cr1);
    smmum_json_hex(b, "cr2", s->cr2);
    smmum_json_hex(b, "gbpa", s->gbpa);
    smmum_json_hex(b, "irq_ctrl", s->irq_ctrl);
    smmum_json_hex(b, "irq_ctrlack", s->irq_ctrlack);
    smmum_json_hex(b, "strtab_base", s->strtab_base);
    smmum_json_hex(b, "strtab_base_cfg", s->strtab_base_cfg);
    smmum_json_bool(b, "smmuen", s->cr0ack & SMMUM_CR0_SMMUEN);
    smmum_json_bool(b, "gbpa_abort", s->gbpa & SMMUM_GBPA_ABORT);
    json_builder_end_object(b);
    begin(b, "gerror");
    smmum_json_hex(b, "gerror", s->gerror);
    smmum_json_hex(b, "gerrorn", s->gerrorn);
    json_builder_set_member_name(b, "active");
    json_builder_begin_array(b);
    for (unsigned i = 0; i < G_N_ELEMENTS(gerr); i++) {
        if (active & gerr[i].bit) {
            json_builder_add_string_value(b, gerr[i].name);
        }
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    write_queue(in, "cmdq", &s->cmdq, smmum_cmdq_log2size(s),
                s->cr0ack & SMMUM_CR0_CMDQEN, true);
    write_queue(in, "eventq", &s->eventq, smmum_evtq_log2size(s),
                s->cr0ack & SMMUM_CR0_EVTQEN, false);
}

/* ---- configuration cache and IOTLB ---- */

typedef struct ListCtx {
    Insp *in;
    unsigned listed, total, cap;
} ListCtx;

static const char *cc_kind_name(uint8_t k)
{
    static const char *const names[] = { "ste", "l1std", "cd", "l1cd" };

    return k < G_N_ELEMENTS(names) ? names[k] : "?";
}

static void cc_entry_fn(void *opaque, const SmmumCcEntry *e)
{
    ListCtx *l = opaque;
    JsonBuilder *b = l->in->b;
    bool l1 = e->kind == SMMUM_CC_L1STD || e->kind == SMMUM_CC_L1CD;

    if (l->total++ >= l->cap) {
        return;
    }
    l->listed++;
    json_builder_begin_object(b);
    smmum_json_str(b, "kind", cc_kind_name(e->kind));
    smmum_json_int(b, "sid", e->sid);
    smmum_json_int(b, "sub", e->sub);
    smmum_json_int(b, "lo", e->lo);
    smmum_json_int(b, "hi", e->hi);
    smmum_json_hex(b, "addr", e->addr);
    smmum_json_words(b, "words", e->words, l1 ? 1 : 8);
    json_builder_set_member_name(b, "meaning");
    if (e->kind == SMMUM_CC_STE) {
        ste_meaning(b, &e->m.ste);
    } else if (e->kind == SMMUM_CC_CD) {
        cd_meaning(b, &e->m.cd);
    } else {
        l1_meaning(b, &e->m.l1);
    }
    json_builder_end_object(b);
}

static void tlb_entry_fn(void *opaque, const SmmumIotlbEntry *e)
{
    ListCtx *l = opaque;
    JsonBuilder *b = l->in->b;

    if (l->total++ >= l->cap) {
        return;
    }
    l->listed++;
    json_builder_begin_object(b);
    smmum_json_str(b, "stage", e->tag.stage == SMMUM_TLB_S2 ? "s2" : "s1");
    smmum_json_str(b, "regime", e->tag.regime == SMMUM_TLB_EL2 ? "el2" : "el1");
    smmum_json_int(b, "vmid", e->tag.vmid);
    smmum_json_int(b, "asid", e->tag.asid);
    smmum_json_bool(b, "global", e->global);
    smmum_json_hex(b, "iova", e->iova);
    smmum_json_hex(b, "pa", e->pa);
    smmum_json_int(b, "size_log2", e->size_shift);
    smmum_json_int(b, "granule_log2", e->granule);
    smmum_json_int(b, "level", e->level);
    smmum_json_hex(b, "perm", e->perm);
    json_builder_end_object(b);
}

static void write_caches(Insp *in)
{
    JsonBuilder *b = in->b;
    SmmumCore *s = in->s;
    ListCtx l = { .in = in, .cap = in->lim.cache };

    begin(b, "cfgcache");
    smmum_json_int(b, "count", smmum_cfgcache_count(s->cfgcache));
    smmum_json_int(b, "capacity", s->cfg.cfgcache_size);
    smmum_json_bool(b, "sticky", s->cfg.cfgcache_sticky);
    smmum_json_int(b, "evictions", smmum_cfgcache_evictions(s->cfgcache));
    json_builder_set_member_name(b, "entries");
    json_builder_begin_array(b);
    smmum_cfgcache_foreach(s->cfgcache, cc_entry_fn, &l);
    json_builder_end_array(b);
    smmum_json_int(b, "omitted", l.total - l.listed);
    json_builder_end_object(b);

    l = (ListCtx) { .in = in, .cap = in->lim.iotlb };
    begin(b, "iotlb");
    smmum_json_int(b, "count", smmum_iotlb_count(s->iotlb));
    smmum_json_int(b, "capacity", s->cfg.iotlb_size);
    json_builder_set_member_name(b, "entries");
    json_builder_begin_array(b);
    smmum_iotlb_foreach(s->iotlb, tlb_entry_fn, &l);
    json_builder_end_array(b);
    smmum_json_int(b, "omitted", l.total - l.listed);
    json_builder_end_object(b);
}

/* ---- the tear checker ---- */

static void collect_view_fn(void *opaque, const SmmumTearViewInfo *vi)
{
    GArray *a = opaque;
    bool changed = memcmp(vi->a, vi->cur, vi->nwords * 8) != 0;

    if (vi->pending || vi->transition || vi->missing_inval ||
        vi->values > 1 || changed) {
        g_array_append_val(a, *vi);
    }
}

static gint cmp_view(gconstpointer pa, gconstpointer pb)
{
    const SmmumTearViewInfo *a = pa, *b = pb;

    if (a->kind != b->kind) {
        return a->kind < b->kind ? -1 : 1;
    }
    if (a->sid != b->sid) {
        return a->sid < b->sid ? -1 : 1;
    }
    if (a->idx != b->idx) {
        return a->idx < b->idx ? -1 : 1;
    }
    return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static void write_tear(Insp *in, SmmumTear *t)
{
    JsonBuilder *b = in->b;
    SmmumTearCounters c;
    GArray *open;
    unsigned listed = 0;

    json_builder_set_member_name(b, "tear");
    if (!t) {
        json_builder_add_null_value(b);
        return;
    }
    smmum_tear_get_counters(t, &c);
    json_builder_begin_object(b);
    smmum_json_str(b, "mode", smmum_tear_mode_name(smmum_tear_mode(t)));
    begin(b, "counters");
    for (int i = 0; i < SMMUM_TEAR_CLASS__MAX; i++) {
        g_autofree char *n = g_strdup_printf("tears_%s",
                                             smmum_tear_class_name(i));
        smmum_json_int(b, n, c.tears[i]);
    }
    for (int i = 0; i < SMMUM_TEAR_REC__MAX; i++) {
        smmum_json_int(b, smmum_tear_rec_type_name(i), c.records[i]);
    }
    smmum_json_int(b, "hitless", c.hitless);
    smmum_json_int(b, "breaking", c.breaking);
    smmum_json_int(b, "windows", c.windows);
    smmum_json_int(b, "states", c.states);
    smmum_json_int(b, "approximate_windows", c.approximate);
    json_builder_end_object(b);
    smmum_json_int(b, "views", c.views);

    open = g_array_new(FALSE, FALSE, sizeof(SmmumTearViewInfo));
    smmum_tear_foreach_view(t, collect_view_fn, open);
    g_array_sort(open, cmp_view);
    json_builder_set_member_name(b, "open_windows");
    json_builder_begin_array(b);
    for (unsigned i = 0; i < open->len && listed < in->lim.windows; i++) {
        const SmmumTearViewInfo *vi = &g_array_index(open,
                                                     SmmumTearViewInfo, i);

        json_builder_begin_object(b);
        smmum_json_str(b, "view", smmum_tear_view_name(vi->kind));
        smmum_json_int(b, "sid", vi->sid);
        smmum_json_int(b, vi->kind == SMMUM_TEAR_VIEW_CD ? "ssid" : "index",
                       vi->idx);
        smmum_json_hex(b, "addr", vi->addr);
        smmum_json_bool(b, "reachable", vi->reachable);
        smmum_json_bool(b, "cfgi_pending", vi->pending);
        smmum_json_bool(b, "transition", vi->transition);
        smmum_json_bool(b, "missing_invalidation", vi->missing_inval);
        smmum_json_int(b, "windows_closed", vi->window);
        smmum_json_int(b, "values", vi->values);
        smmum_json_int(b, "txns", vi->txns);
        smmum_json_words(b, "start", vi->a, vi->nwords);
        smmum_json_words(b, "now", vi->cur, vi->nwords);
        json_builder_end_object(b);
        listed++;
    }
    json_builder_end_array(b);
    smmum_json_int(b, "open_windows_omitted", open->len - listed);
    json_builder_end_object(b);
    g_array_free(open, TRUE);
}

char *smmum_inspect_json(SmmumCore *s, SmmumTear *tear,
                         const SmmumInspectLimits *lim)
{
    Insp in = { .s = s };

    if (lim) {
        in.lim = *lim;
    }
    in.lim.streams = in.lim.streams ?: 64;
    in.lim.cds = in.lim.cds ?: 16;
    in.lim.cache = in.lim.cache ?: 64;
    in.lim.iotlb = in.lim.iotlb ?: 64;
    in.lim.windows = in.lim.windows ?: 64;
    in.lim.scan = in.lim.scan ?: 65536;
    smmum_idregs_from_core(s, &in.idr);
    in.b = json_builder_new();

    json_builder_begin_object(in.b);
    smmum_json_int(in.b, "schema", 1);
    write_regs(&in);
    write_streams(&in);
    write_caches(&in);
    write_tear(&in, tear);
    begin(in.b, "limits");
    smmum_json_int(in.b, "streams", in.lim.streams);
    smmum_json_int(in.b, "cds", in.lim.cds);
    smmum_json_int(in.b, "cache", in.lim.cache);
    smmum_json_int(in.b, "iotlb", in.lim.iotlb);
    smmum_json_int(in.b, "windows", in.lim.windows);
    smmum_json_int(in.b, "scan", in.lim.scan);
    smmum_json_int(in.b, "scanned", in.scanned);
    smmum_json_bool(in.b, "scan_truncated", in.scan_truncated);
    json_builder_end_object(in.b);
    json_builder_end_object(in.b);

    return smmum_json_finish(in.b);
}
