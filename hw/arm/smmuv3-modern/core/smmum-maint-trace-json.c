/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the maintenance checker's trace records to and from
 * JSON (json-glib).  Schema: docs/tear-trace-schema.md, "maint-*" kinds.
 */
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "smmum-json.h"
#include "smmum-maint-trace.h"

static const char *const kind_names[SMMUM_MTRACE__MAX] = {
    [SMMUM_MTRACE_HEADER] = "maint-header",
    [SMMUM_MTRACE_WALK] = "maint-walk",
    [SMMUM_MTRACE_INSERT] = "maint-insert",
    [SMMUM_MTRACE_REMOVE] = "maint-remove",
    [SMMUM_MTRACE_HIT] = "maint-hit",
    [SMMUM_MTRACE_TLBI] = "maint-tlbi",
    [SMMUM_MTRACE_SYNC] = "maint-sync",
    [SMMUM_MTRACE_ATS_GRANTED] = "maint-ats-granted",
    [SMMUM_MTRACE_ATC_INV] = "maint-atc-inv",
    [SMMUM_MTRACE_TRANSLATED] = "maint-translated",
    [SMMUM_MTRACE_ATS_ENDPOINT] = "maint-ats-endpoint",
    [SMMUM_MTRACE_EXIT] = "maint-exit",
};

static const char *const ev_names[] = {
    [SMMUM_ATS_EP_ENABLE] = "enable",
    [SMMUM_ATS_EP_DISABLE] = "disable",
    [SMMUM_ATS_EP_CFGI] = "cfgi",
};

const char *smmum_maint_trace_kind_name(SmmumMaintTraceKind k)
{
    return (unsigned)k < SMMUM_MTRACE__MAX ? kind_names[k] : "?";
}

char *smmum_maint_checks_spec(const SmmumMaintParams *p)
{
    GString *s = g_string_new(NULL);

    for (unsigned k = 0; k < SMMUM_MAINT__MAX; k++) {
        g_string_append_printf(s, "%s%s=%s", k ? "," : "",
                               smmum_maint_check_name(k),
                               p->on[k] ? smmum_tear_severity_name(p->sev[k])
                                        : "off");
    }
    return g_string_free(s, FALSE);
}

/* ---- encoding ---- */

static void put_u64(JsonBuilder *b, const char *name, uint64_t v)
{
    smmum_json_int(b, name, (int64_t)v);
}

static void put_true(JsonBuilder *b, const char *name, bool v)
{
    if (v) {
        smmum_json_bool(b, name, true);
    }
}

static void put_txn(JsonBuilder *b, const SmmumTxn *t)
{
    put_u64(b, "sid", t->sid);
    if (t->ssv) {
        put_u64(b, "ssid", t->ssid);
        smmum_json_bool(b, "ssv", true);
    }
    smmum_json_hex(b, "addr", t->addr);
    put_true(b, "write", t->write);
    put_true(b, "priv", t->priv);
    put_true(b, "instr", t->instr);
    if (t->at) {
        put_u64(b, "at", t->at);
    }
    put_true(b, "nw", t->nw);
}

static void put_range(JsonBuilder *b, const SmmumWalkRange *r)
{
    json_builder_begin_object(b);
    smmum_json_bool(b, "enabled", r->enabled);
    smmum_json_hex(b, "ttb", r->ttb);
    put_u64(b, "tsz", r->tsz);
    put_u64(b, "granule", r->granule);
    smmum_json_bool(b, "tbi", r->tbi);
    smmum_json_bool(b, "had", r->had);
    json_builder_end_object(b);
}

static void put_cfg(JsonBuilder *b, const SmmumWalkCfg *c)
{
    const SmmumS1Params *p1 = &c->s1p;
    const SmmumS2Params *p2 = &c->s2p;

    json_builder_begin_object(b);
    smmum_json_bool(b, "s1", c->s1);
    smmum_json_bool(b, "s2", c->s2);
    if (c->s1) {
        json_builder_set_member_name(b, "s1p");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "range");
        json_builder_begin_array(b);
        put_range(b, &p1->range[0]);
        put_range(b, &p1->range[1]);
        json_builder_end_array(b);
        smmum_json_bool(b, "one_priv", p1->one_priv);
        put_u64(b, "oas", p1->oas);
        smmum_json_bool(b, "ds", p1->ds);
        smmum_json_bool(b, "ha", p1->ha);
        smmum_json_bool(b, "hd", p1->hd);
        smmum_json_bool(b, "affd", p1->affd);
        smmum_json_bool(b, "wxn", p1->wxn);
        smmum_json_bool(b, "pan", p1->pan);
        smmum_json_bool(b, "big_endian", p1->big_endian);
        put_u64(b, "asid", p1->asid);
        smmum_json_hex(b, "mair", p1->mair);
        json_builder_end_object(b);
    }
    if (c->s2) {
        json_builder_set_member_name(b, "s2p");
        json_builder_begin_object(b);
        smmum_json_hex(b, "ttb", p2->ttb);
        put_u64(b, "tsz", p2->tsz);
        put_u64(b, "granule", p2->granule);
        smmum_json_int(b, "start_level", p2->start_level);
        put_u64(b, "ps", p2->ps);
        put_u64(b, "ias", p2->ias);
        smmum_json_bool(b, "ds", p2->ds);
        smmum_json_bool(b, "ha", p2->ha);
        smmum_json_bool(b, "hd", p2->hd);
        smmum_json_bool(b, "affd", p2->affd);
        smmum_json_bool(b, "ptw", p2->ptw);
        smmum_json_bool(b, "fwb", p2->fwb);
        smmum_json_bool(b, "big_endian", p2->big_endian);
        put_u64(b, "vmid", p2->vmid);
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
}

/* [pa, val] read, [pa] failed read, [pa, expect, new, seen] cmpxchg, */
/* [pa, expect, new] failed cmpxchg. */
static void put_acc(JsonBuilder *b, const SmmumMaintTraceAccess *a)
{
    uint64_t w[4] = { a->pa };
    unsigned n = 1;

    if (a->cmpxchg) {
        w[n++] = a->expect;
        w[n++] = a->new_val;
    }
    if (a->ok) {
        w[n++] = a->val;
    }
    json_builder_begin_array(b);
    for (unsigned i = 0; i < n; i++) {
        char buf[24];

        g_snprintf(buf, sizeof(buf), "0x%" G_GINT64_MODIFIER "x", w[i]);
        json_builder_add_string_value(b, buf);
    }
    json_builder_end_array(b);
}

static void put_entry(JsonBuilder *b, const SmmumIotlbEntry *e)
{
    put_u64(b, "stage", e->tag.stage);
    put_u64(b, "regime", e->tag.regime);
    put_u64(b, "vmid", e->tag.vmid);
    put_u64(b, "asid", e->tag.asid);
    smmum_json_bool(b, "global", e->global);
    smmum_json_hex(b, "iova", e->iova);
    smmum_json_hex(b, "pa", e->pa);
    put_u64(b, "size_shift", e->size_shift);
    put_u64(b, "span_shift", e->span_shift);
    put_u64(b, "granule", e->granule);
    smmum_json_int(b, "level", e->level);
    put_u64(b, "perm", e->perm);
    put_u64(b, "s1_attr", e->s1_attr);
    put_u64(b, "s1_sh", e->s1_sh);
    put_u64(b, "s2_memattr", e->s2_memattr);
    put_u64(b, "s2_sh", e->s2_sh);
}

static void put_tlbi(JsonBuilder *b, const SmmumTlbi *t)
{
    put_u64(b, "op", t->opcode);
    put_u64(b, "vmid", t->vmid);
    put_u64(b, "asid", t->asid);
    smmum_json_hex(b, "addr", t->addr);
    smmum_json_bool(b, "leaf", t->leaf);
    put_u64(b, "ttl", t->ttl);
    put_u64(b, "tg", t->tg);
    put_u64(b, "num", t->num);
    put_u64(b, "scale", t->scale);
}

static void put_params(JsonBuilder *b, const SmmumMaintParams *p)
{
    g_autofree char *spec = smmum_maint_checks_spec(p);

    smmum_json_str(b, "checks", spec);
    smmum_json_bool(b, "conflict", p->conflict);
    put_u64(b, "sync_cap", p->sync_cap);
    put_u64(b, "bbml", SMMUM_EX(p->idr.idr[3], SMMUM_IDR3_BBML, 2));
    smmum_json_idr(b, &p->idr);
}

static void put_view(JsonBuilder *b, const SmmumAtsSteView *v)
{
    json_builder_set_member_name(b, "view");
    json_builder_begin_object(b);
    put_u64(b, "mem", v->mem);
    put_u64(b, "mem_eats", v->mem_eats);
    smmum_json_hex(b, "mem_pa", v->mem_pa);
    smmum_json_bool(b, "cached", v->cached);
    put_u64(b, "cache", v->cache);
    put_u64(b, "cache_eats", v->cache_eats);
    json_builder_end_object(b);
}

char *smmum_maint_trace_rec_to_json(const SmmumMaintTraceRec *r)
{
    JsonBuilder *b = json_builder_new();

    json_builder_begin_object(b);
    smmum_json_str(b, "rec", smmum_maint_trace_kind_name(r->kind));
    switch (r->kind) {
    case SMMUM_MTRACE_HEADER:
        put_params(b, &r->params);
        break;
    case SMMUM_MTRACE_WALK:
        put_txn(b, &r->txn);
        put_u64(b, "cfg_id", r->cfg_id);
        if (r->has_cfg) {
            json_builder_set_member_name(b, "cfg");
            put_cfg(b, &r->cfg);
        }
        smmum_json_bool(b, "cx", r->cx);
        json_builder_set_member_name(b, "d");
        json_builder_begin_array(b);
        for (unsigned i = 0; i < r->nacc; i++) {
            put_acc(b, &r->acc[i]);
        }
        json_builder_end_array(b);
        break;
    case SMMUM_MTRACE_INSERT:
        put_u64(b, "id", r->id);
        put_entry(b, &r->entry);
        break;
    case SMMUM_MTRACE_REMOVE:
        if (!r->all) {
            put_u64(b, "id", r->id);
        }
        if (r->has_tlbi && r->tlbi_cur) {
            smmum_json_str(b, "tlbi", "cur");
        } else if (r->has_tlbi) {
            json_builder_set_member_name(b, "tlbi");
            json_builder_begin_object(b);
            put_tlbi(b, &r->tlbi);
            json_builder_end_object(b);
        }
        break;
    case SMMUM_MTRACE_HIT:
        put_u64(b, "id", r->id);
        put_txn(b, &r->txn);
        smmum_json_bool(b, "ok", r->ok);
        if (r->count > 1) {
            put_u64(b, "count", r->count);
        }
        break;
    case SMMUM_MTRACE_TLBI:
        put_tlbi(b, &r->tlbi);
        break;
    case SMMUM_MTRACE_ATS_GRANTED:
        put_txn(b, &r->txn);
        json_builder_set_member_name(b, "out");
        json_builder_begin_object(b);
        put_u64(b, "status", r->out.status);
        smmum_json_hex(b, "pa", r->out.pa);
        smmum_json_hex(b, "addr_mask", r->out.addr_mask);
        smmum_json_bool(b, "read", r->out.read);
        smmum_json_bool(b, "write", r->out.write);
        put_u64(b, "ats_resp", r->out.ats_resp);
        smmum_json_bool(b, "exec", r->out.exec);
        smmum_json_bool(b, "global", r->out.global);
        json_builder_end_object(b);
        break;
    case SMMUM_MTRACE_ATC_INV:
        put_u64(b, "sid", r->inv.sid);
        if (r->inv.ssv) {
            put_u64(b, "ssid", r->inv.ssid);
            smmum_json_bool(b, "ssv", true);
        }
        put_true(b, "global", r->inv.global);
        smmum_json_hex(b, "addr", r->inv.addr);
        put_u64(b, "size_log2", r->inv.size_log2);
        break;
    case SMMUM_MTRACE_TRANSLATED:
        put_txn(b, &r->txn);
        if (r->count > 1) {
            put_u64(b, "count", r->count);
        }
        break;
    case SMMUM_MTRACE_ATS_ENDPOINT:
        put_u64(b, "sid", r->sid);
        smmum_json_str(b, "event", (unsigned)r->ev < G_N_ELEMENTS(ev_names)
                       ? ev_names[r->ev] : "?");
        put_view(b, &r->view);
        break;
    default:
        break;
    }
    if (r->has_now) {
        put_u64(b, "now", r->now);
    }
    json_builder_end_object(b);
    return smmum_json_finish(b);
}

/* ---- decoding ---- */

typedef SmmumJsonDec Dec;

static bool flag(Dec *d, const char *name)
{
    return smmum_json_get_u64(d, name, false) != 0;
}

/* The object member name as a decoder of its own (NULL: none). */
static bool sub(Dec *d, const char *name, Dec *out, bool required)
{
    JsonNode *n = json_object_get_member(d->o, name);

    if (!n || !JSON_NODE_HOLDS_OBJECT(n)) {
        if (required || n) {
            g_string_append_printf(d->err, "member \"%s\" is not an "
                                   "object; ", name);
        }
        return false;
    }
    out->o = json_node_get_object(n);
    out->err = d->err;
    return true;
}

static void get_txn(Dec *d, SmmumTxn *t)
{
    t->sid = smmum_json_get_u64(d, "sid", true);
    t->ssv = flag(d, "ssv");
    t->ssid = smmum_json_get_u64(d, "ssid", false);
    t->addr = smmum_json_get_u64(d, "addr", true);
    t->write = flag(d, "write");
    t->priv = flag(d, "priv");
    t->instr = flag(d, "instr");
    t->at = smmum_json_get_u64(d, "at", false);
    t->nw = flag(d, "nw");
}

static void get_range(Dec *d, SmmumWalkRange *r)
{
    r->enabled = flag(d, "enabled");
    r->ttb = smmum_json_get_u64(d, "ttb", true);
    r->tsz = smmum_json_get_u64(d, "tsz", true);
    r->granule = smmum_json_get_u64(d, "granule", true);
    r->tbi = flag(d, "tbi");
    r->had = flag(d, "had");
}

static void get_cfg(Dec *d, SmmumWalkCfg *c)
{
    Dec s;

    memset(c, 0, sizeof(*c));
    c->s1 = flag(d, "s1");
    c->s2 = flag(d, "s2");
    if (c->s1 && sub(d, "s1p", &s, true)) {
        SmmumS1Params *p = &c->s1p;
        JsonNode *n = json_object_get_member(s.o, "range");
        JsonArray *a = n && JSON_NODE_HOLDS_ARRAY(n) ?
                       json_node_get_array(n) : NULL;

        if (!a || json_array_get_length(a) != 2) {
            g_string_append(d->err, "\"range\" needs 2 objects; ");
        } else {
            for (unsigned i = 0; i < 2; i++) {
                JsonNode *e = json_array_get_element(a, i);

                if (!JSON_NODE_HOLDS_OBJECT(e)) {
                    g_string_append(d->err, "a range is not an object; ");
                    continue;
                }
                get_range(&(Dec) { json_node_get_object(e), d->err },
                          &p->range[i]);
            }
        }
        p->one_priv = flag(&s, "one_priv");
        p->oas = smmum_json_get_u64(&s, "oas", true);
        p->ds = flag(&s, "ds");
        p->ha = flag(&s, "ha");
        p->hd = flag(&s, "hd");
        p->affd = flag(&s, "affd");
        p->wxn = flag(&s, "wxn");
        p->pan = flag(&s, "pan");
        p->big_endian = flag(&s, "big_endian");
        p->asid = smmum_json_get_u64(&s, "asid", true);
        p->mair = smmum_json_get_u64(&s, "mair", true);
    }
    if (c->s2 && sub(d, "s2p", &s, true)) {
        SmmumS2Params *p = &c->s2p;

        p->ttb = smmum_json_get_u64(&s, "ttb", true);
        p->tsz = smmum_json_get_u64(&s, "tsz", true);
        p->granule = smmum_json_get_u64(&s, "granule", true);
        p->start_level = (int8_t)smmum_json_get_u64(&s, "start_level", true);
        p->ps = smmum_json_get_u64(&s, "ps", true);
        p->ias = smmum_json_get_u64(&s, "ias", true);
        p->ds = flag(&s, "ds");
        p->ha = flag(&s, "ha");
        p->hd = flag(&s, "hd");
        p->affd = flag(&s, "affd");
        p->ptw = flag(&s, "ptw");
        p->fwb = flag(&s, "fwb");
        p->big_endian = flag(&s, "big_endian");
        p->vmid = smmum_json_get_u64(&s, "vmid", true);
    }
}

static void get_accs(Dec *d, SmmumMaintTraceRec *r)
{
    JsonNode *n = json_object_get_member(d->o, "d");
    JsonArray *a;

    if (!n || !JSON_NODE_HOLDS_ARRAY(n)) {
        g_string_append(d->err, "member \"d\" is not an array; ");
        return;
    }
    a = json_node_get_array(n);
    r->nacc = json_array_get_length(a);
    r->acc = g_new0(SmmumMaintTraceAccess, r->nacc);
    for (unsigned i = 0; i < r->nacc; i++) {
        JsonNode *e = json_array_get_element(a, i);
        SmmumMaintTraceAccess *x = &r->acc[i];
        uint64_t w[4] = { 0 };
        unsigned len = 0;

        if (JSON_NODE_HOLDS_ARRAY(e)) {
            JsonArray *ea = json_node_get_array(e);

            len = json_array_get_length(ea);
            for (unsigned j = 0; j < len && j < 4; j++) {
                JsonNode *en = json_array_get_element(ea, j);

                if (!smmum_json_node_u64(en, &w[j])) {
                    len = 0;
                }
            }
        }
        if (len < 1 || len > 4) {
            g_string_append_printf(d->err, "\"d\"[%u] is not 1 to 4 "
                                   "numbers; ", i);
            continue;
        }
        x->pa = w[0];
        x->cmpxchg = len >= 3;
        x->ok = len == 2 || len == 4;
        if (x->cmpxchg) {
            x->expect = w[1];
            x->new_val = w[2];
        }
        x->val = x->ok ? w[len - 1] : 0;
    }
}

static void get_entry(Dec *d, SmmumIotlbEntry *e)
{
    e->tag.stage = smmum_json_get_u64(d, "stage", true);
    e->tag.regime = smmum_json_get_u64(d, "regime", true);
    e->tag.vmid = smmum_json_get_u64(d, "vmid", true);
    e->tag.asid = smmum_json_get_u64(d, "asid", true);
    e->global = flag(d, "global");
    e->iova = smmum_json_get_u64(d, "iova", true);
    e->pa = smmum_json_get_u64(d, "pa", true);
    e->size_shift = smmum_json_get_u64(d, "size_shift", true);
    e->span_shift = smmum_json_get_u64(d, "span_shift", false);
    e->granule = smmum_json_get_u64(d, "granule", true);
    e->level = (int8_t)smmum_json_get_u64(d, "level", true);
    e->perm = smmum_json_get_u64(d, "perm", true);
    e->s1_attr = smmum_json_get_u64(d, "s1_attr", false);
    e->s1_sh = smmum_json_get_u64(d, "s1_sh", false);
    e->s2_memattr = smmum_json_get_u64(d, "s2_memattr", false);
    e->s2_sh = smmum_json_get_u64(d, "s2_sh", false);
}

static void get_tlbi(Dec *d, SmmumTlbi *t)
{
    t->opcode = smmum_json_get_u64(d, "op", true);
    t->vmid = smmum_json_get_u64(d, "vmid", false);
    t->asid = smmum_json_get_u64(d, "asid", false);
    t->addr = smmum_json_get_u64(d, "addr", false);
    t->leaf = flag(d, "leaf");
    t->ttl = smmum_json_get_u64(d, "ttl", false);
    t->tg = smmum_json_get_u64(d, "tg", false);
    t->num = smmum_json_get_u64(d, "num", false);
    t->scale = smmum_json_get_u64(d, "scale", false);
}

static void get_params(Dec *d, SmmumMaintParams *p)
{
    JsonNode *n = json_object_get_member(d->o, "checks");
    JsonNode *idr = json_object_get_member(d->o, "idr");
    JsonArray *a;

    smmum_maint_params_default(p);
    if (n && JSON_NODE_HOLDS_VALUE(n) &&
        json_node_get_value_type(n) == G_TYPE_STRING) {
        g_autofree char *why =
            smmum_maint_checks_parse(p, json_node_get_string(n));

        if (why) {
            g_string_append_printf(d->err, "checks: %s; ", why);
        }
    } else {
        g_string_append(d->err, "member \"checks\" is not a string; ");
    }
    p->conflict = flag(d, "conflict");
    p->sync_cap = smmum_json_get_u64(d, "sync_cap", false);
    a = idr && JSON_NODE_HOLDS_ARRAY(idr) ? json_node_get_array(idr) : NULL;
    if (!a || json_array_get_length(a) != 6) {
        g_string_append(d->err, "\"idr\" needs 6 words; ");
        return;
    }
    for (unsigned i = 0; i < 6; i++) {
        uint64_t v = 0;

        if (!smmum_json_node_u64(json_array_get_element(a, i), &v)) {
            g_string_append_printf(d->err, "\"idr\"[%u] is not a number; ",
                                   i);
        }
        p->idr.idr[i] = v;
    }
}

static void get_view(Dec *d, SmmumAtsSteView *v)
{
    Dec s;

    if (!sub(d, "view", &s, true)) {
        return;
    }
    v->mem = smmum_json_get_u64(&s, "mem", true);
    v->mem_eats = smmum_json_get_u64(&s, "mem_eats", false);
    v->mem_pa = smmum_json_get_u64(&s, "mem_pa", false);
    v->cached = flag(&s, "cached");
    v->cache = smmum_json_get_u64(&s, "cache", false);
    v->cache_eats = smmum_json_get_u64(&s, "cache_eats", false);
}

static void decode(Dec *d, SmmumMaintTraceRec *r)
{
    Dec s;

    r->has_now = json_object_has_member(d->o, "now");
    r->now = smmum_json_get_u64(d, "now", false);
    r->count = 1;
    switch (r->kind) {
    case SMMUM_MTRACE_HEADER:
        get_params(d, &r->params);
        break;
    case SMMUM_MTRACE_WALK:
        get_txn(d, &r->txn);
        r->cfg_id = smmum_json_get_u64(d, "cfg_id", true);
        r->has_cfg = json_object_has_member(d->o, "cfg");
        if (r->has_cfg && sub(d, "cfg", &s, true)) {
            get_cfg(&s, &r->cfg);
        }
        r->cx = flag(d, "cx");
        get_accs(d, r);
        break;
    case SMMUM_MTRACE_INSERT:
        r->id = smmum_json_get_u64(d, "id", true);
        get_entry(d, &r->entry);
        break;
    case SMMUM_MTRACE_REMOVE: {
        JsonNode *t = json_object_get_member(d->o, "tlbi");

        r->all = !json_object_has_member(d->o, "id");
        r->id = smmum_json_get_u64(d, "id", false);
        r->has_tlbi = t != NULL;
        if (t && JSON_NODE_HOLDS_VALUE(t) &&
            json_node_get_value_type(t) == G_TYPE_STRING &&
            !strcmp(json_node_get_string(t), "cur")) {
            r->tlbi_cur = true;
        } else if (t && sub(d, "tlbi", &s, true)) {
            get_tlbi(&s, &r->tlbi);
        }
        break;
    }
    case SMMUM_MTRACE_HIT:
        r->id = smmum_json_get_u64(d, "id", true);
        get_txn(d, &r->txn);
        r->ok = flag(d, "ok");
        r->count = json_object_has_member(d->o, "count") ?
                   smmum_json_get_u64(d, "count", true) : 1;
        break;
    case SMMUM_MTRACE_TLBI:
        get_tlbi(d, &r->tlbi);
        break;
    case SMMUM_MTRACE_ATS_GRANTED:
        get_txn(d, &r->txn);
        if (sub(d, "out", &s, true)) {
            r->out.status = smmum_json_get_u64(&s, "status", false);
            r->out.pa = smmum_json_get_u64(&s, "pa", true);
            r->out.addr_mask = smmum_json_get_u64(&s, "addr_mask", true);
            r->out.read = flag(&s, "read");
            r->out.write = flag(&s, "write");
            r->out.ats_resp = smmum_json_get_u64(&s, "ats_resp", false);
            r->out.exec = flag(&s, "exec");
            r->out.global = flag(&s, "global");
        }
        break;
    case SMMUM_MTRACE_ATC_INV:
        r->inv.sid = smmum_json_get_u64(d, "sid", true);
        r->inv.ssv = flag(d, "ssv");
        r->inv.ssid = smmum_json_get_u64(d, "ssid", false);
        r->inv.global = flag(d, "global");
        r->inv.addr = smmum_json_get_u64(d, "addr", true);
        r->inv.size_log2 = smmum_json_get_u64(d, "size_log2", true);
        break;
    case SMMUM_MTRACE_TRANSLATED:
        get_txn(d, &r->txn);
        r->count = json_object_has_member(d->o, "count") ?
                   smmum_json_get_u64(d, "count", true) : 1;
        break;
    case SMMUM_MTRACE_ATS_ENDPOINT: {
        const char *ev = smmum_json_get_str(d, "event", false);
        int i = smmum_json_name_index(ev_names, G_N_ELEMENTS(ev_names), ev);

        r->sid = smmum_json_get_u64(d, "sid", true);
        if (i >= 0) {
            r->ev = i;
        } else {
            g_string_append_printf(d->err, "unknown ATS endpoint event "
                                   "\"%s\"; ", ev ? ev : "");
        }
        get_view(d, &r->view);
        break;
    }
    default:
        break;
    }
    /* a run of one recording (bounded: a replay must end) */
    if (r->count < 1 || r->count > UINT32_MAX) {
        g_string_append(d->err, "count must be 1 to 2^32-1; ");
    }
}

bool smmum_maint_trace_rec_from_json(const char *line, SmmumMaintTraceRec *r,
                                     bool *is_maint, char **err)
{
    JsonParser *p = json_parser_new();
    GString *e = g_string_new(NULL);
    JsonNode *root = NULL;
    bool ok;

    *is_maint = false;
    if (err) {
        *err = NULL;
    }
    if (json_parser_load_from_data(p, line, -1, NULL)) {
        root = json_parser_get_root(p);
    }
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_string_append(e, "not a JSON object");
    } else {
        Dec d = { json_node_get_object(root), e };
        int k = smmum_json_name_index(kind_names, SMMUM_MTRACE__MAX,
                                      smmum_json_get_str(&d, "rec", false));

        if (k >= 0) {
            *is_maint = true;
            memset(r, 0, sizeof(*r));
            r->kind = k;
            decode(&d, r);
        }
    }
    g_object_unref(p);
    ok = !*is_maint || !e->len;
    if (!ok && err) {
        *err = g_strdup(e->str);
    }
    if (!ok) {
        smmum_maint_trace_rec_clear(r);
    }
    g_string_free(e, TRUE);
    return ok;
}

void smmum_maint_trace_rec_clear(SmmumMaintTraceRec *r)
{
    g_free(r->acc);
    r->acc = NULL;
    r->nacc = 0;
}
