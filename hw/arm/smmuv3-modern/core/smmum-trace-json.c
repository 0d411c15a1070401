/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the tear checker's input trace — records to and
 * from JSON Lines (json-glib).  Schema: docs/tear-trace-schema.md.
 */
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "smmum-json.h"
#include "smmum-trace.h"

static const char *const kind_names[SMMUM_TRACE__MAX] = {
    [SMMUM_TRACE_HEADER] = "header",
    [SMMUM_TRACE_MEM] = "mem",
    [SMMUM_TRACE_REGS] = "regs",
    [SMMUM_TRACE_STORE] = "store",
    [SMMUM_TRACE_CFGI] = "cfgi",
    [SMMUM_TRACE_SYNC] = "sync",
    [SMMUM_TRACE_FETCH] = "fetch",
    [SMMUM_TRACE_PREFETCH] = "prefetch",
    [SMMUM_TRACE_TXN] = "txn",
    [SMMUM_TRACE_TABLES] = "tables-changed",
    [SMMUM_TRACE_RESET] = "reset",
    [SMMUM_TRACE_MIGRATE] = "migrate",
    [SMMUM_TRACE_GLOBAL_BYPASS] = "global-bypass",
    [SMMUM_TRACE_EXIT] = "exit",
    [SMMUM_TRACE_UNKNOWN] = "unknown",
};

static const char *const cfgi_names[] = {
    [SMMUM_CFGI_STE] = "CFGI_STE",
    [SMMUM_CFGI_STE_RANGE] = "CFGI_STE_RANGE",
    [SMMUM_CFGI_ALL] = "CFGI_ALL",
    [SMMUM_CFGI_CD] = "CFGI_CD",
    [SMMUM_CFGI_CD_ALL] = "CFGI_CD_ALL",
};

static const char *const fetch_names[] = {
    [SMMUM_FETCH_STE] = "ste",
    [SMMUM_FETCH_CD] = "cd",
    [SMMUM_FETCH_L1STD] = "l1std",
    [SMMUM_FETCH_L1CD] = "l1cd",
};

const char *smmum_trace_kind_name(SmmumTraceKind k)
{
    return (unsigned)k < SMMUM_TRACE__MAX ? kind_names[k] : "?";
}

/* ---- encoding ---- */

static void put_words(JsonBuilder *b, const char *name, const uint64_t *w,
                      unsigned n)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    for (unsigned i = 0; i < n; i++) {
        char buf[24];

        g_snprintf(buf, sizeof(buf), "0x%" G_GINT64_MODIFIER "x", w[i]);
        json_builder_add_string_value(b, buf);
    }
    json_builder_end_array(b);
}

static void put_regs(JsonBuilder *b, const SmmumTraceRec *r)
{
    uint64_t idr[6];

    for (unsigned i = 0; i < 6; i++) {
        idr[i] = r->regs.idr.idr[i];
    }
    put_words(b, "idr", idr, 6);
    smmum_json_bool(b, "smmuen", r->regs.smmuen);
    smmum_json_hex(b, "strtab_base", r->regs.strtab_base);
    smmum_json_hex(b, "strtab_base_cfg", r->regs.strtab_base_cfg);
    if (r->has_gbpa) {
        smmum_json_hex(b, "gbpa", r->gbpa);
    }
}

static void put_cmd(JsonBuilder *b, const SmmumTraceRec *r)
{
    if (r->has_cmd) {
        put_words(b, "cmd", r->cmd, 2);
        smmum_json_hex(b, "cmdq_cons", r->cmdq_cons);
    }
}

char *smmum_trace_rec_to_json(const SmmumTraceRec *r)
{
    JsonBuilder *b = json_builder_new();

    json_builder_begin_object(b);
    smmum_json_str(b, "rec", r->kind == SMMUM_TRACE_UNKNOWN ? r->name :
                   smmum_trace_kind_name(r->kind));
    switch (r->kind) {
    case SMMUM_TRACE_HEADER:
        smmum_json_int(b, "version", SMMUM_TRACE_VERSION);
        smmum_json_str(b, "mode", smmum_tear_mode_name(r->params.mode));
        smmum_json_int(b, "state_cap", r->params.state_cap);
        smmum_json_int(b, "value_cap", r->params.value_cap);
        smmum_json_int(b, "gap_ticks", (int64_t)r->params.gap_ticks);
        put_regs(b, r);
        json_builder_set_member_name(b, "model");
        json_builder_begin_object(b);
        if (r->model.accel[0]) {
            smmum_json_str(b, "accel", r->model.accel);
        }
        if (r->model.lse2_known) {
            smmum_json_bool(b, "lse2", r->model.lse2);
        }
        smmum_json_int(b, "cfgcache_size", r->model.cfgcache_size);
        smmum_json_bool(b, "cfgcache_sticky", r->model.cfgcache_sticky);
        json_builder_end_object(b);
        break;
    case SMMUM_TRACE_MEM:
        smmum_json_hex(b, "pa", r->pa);
        smmum_json_int(b, "len", r->len);
        smmum_json_bool(b, "ok", r->ok);
        if (r->ok) {
            put_words(b, "w", r->w, (r->len + 7) / 8);
        }
        break;
    case SMMUM_TRACE_REGS:
        put_regs(b, r);
        break;
    case SMMUM_TRACE_STORE:
        smmum_json_hex(b, "pa", r->pa);
        smmum_json_int(b, "size", r->size);
        smmum_json_hex(b, "data", r->data);
        smmum_json_hex(b, "pc", r->pc);
        smmum_json_int(b, "cpu", r->cpu);
        smmum_json_int(b, "vcnt", (int64_t)r->vcnt);
        if (r->i128) {
            smmum_json_bool(b, "i128", true);
        }
        break;
    case SMMUM_TRACE_CFGI:
        smmum_json_str(b, "op",
                       (unsigned)r->cfgi.kind < G_N_ELEMENTS(cfgi_names) ?
                       cfgi_names[r->cfgi.kind] : "?");
        smmum_json_int(b, "sid", r->cfgi.sid);
        smmum_json_int(b, "ssid", r->cfgi.ssid);
        smmum_json_int(b, "range", r->cfgi.range);
        smmum_json_bool(b, "leaf", r->cfgi.leaf);
        put_cmd(b, r);
        break;
    case SMMUM_TRACE_SYNC:
        put_cmd(b, r);
        break;
    case SMMUM_TRACE_FETCH:
        smmum_json_str(b, "kind",
                       (unsigned)r->fetch < G_N_ELEMENTS(fetch_names) ?
                       fetch_names[r->fetch] : "?");
        smmum_json_int(b, "sid", r->sid);
        smmum_json_int(b, "ssid", r->ssid);
        smmum_json_hex(b, "pa", r->pa);
        put_words(b, "w", r->w, MIN(r->n, 8));
        break;
    case SMMUM_TRACE_PREFETCH:
    case SMMUM_TRACE_TXN:
        smmum_json_int(b, "sid", r->sid);
        smmum_json_int(b, "ssid", r->ssid);
        smmum_json_bool(b, "ssv", r->ssv);
        if (r->kind == SMMUM_TRACE_TXN) {
            smmum_json_int(b, "count", (int64_t)r->count);
        }
        break;
    case SMMUM_TRACE_GLOBAL_BYPASS:
        smmum_json_int(b, "sid", r->sid);
        smmum_json_int(b, "count", (int64_t)r->count);
        break;
    default:
        break;
    }
    if (r->has_now) {
        smmum_json_int(b, "now", (int64_t)r->now);
    }
    json_builder_end_object(b);

    return smmum_json_finish(b);
}

/* ---- decoding ---- */

typedef SmmumJsonDec Dec;

static bool get_bool(Dec *d, const char *name, bool required)
{
    return smmum_json_get_u64(d, name, required) != 0;
}

/* An array of up to max numbers; returns how many. */
static unsigned get_words(Dec *d, const char *name, uint64_t *w,
                          unsigned max)
{
    JsonNode *n = json_object_get_member(d->o, name);
    JsonArray *a;
    unsigned len;

    if (!n || !JSON_NODE_HOLDS_ARRAY(n)) {
        g_string_append_printf(d->err, "member \"%s\" is not an array; ",
                               name);
        return 0;
    }
    a = json_node_get_array(n);
    len = json_array_get_length(a);
    if (len > max) {
        g_string_append_printf(d->err, "member \"%s\" has more than %u "
                               "words; ", name, max);
        len = max;
    }
    for (unsigned i = 0; i < len; i++) {
        if (!smmum_json_node_u64(json_array_get_element(a, i), &w[i])) {
            g_string_append_printf(d->err, "member \"%s\"[%u] is not a "
                                   "number; ", name, i);
        }
    }
    return len;
}

static void get_regs(Dec *d, SmmumTraceRec *r)
{
    uint64_t idr[6] = { 0 };

    if (get_words(d, "idr", idr, 6) != 6) {
        g_string_append(d->err, "\"idr\" needs 6 words; ");
    }
    for (unsigned i = 0; i < 6; i++) {
        r->regs.idr.idr[i] = idr[i];
    }
    r->regs.smmuen = get_bool(d, "smmuen", true);
    r->regs.strtab_base = smmum_json_get_u64(d, "strtab_base", true);
    r->regs.strtab_base_cfg = smmum_json_get_u64(d, "strtab_base_cfg", true);
    r->has_gbpa = json_object_has_member(d->o, "gbpa");
    r->gbpa = smmum_json_get_u64(d, "gbpa", false);
}

static void get_cmd(Dec *d, SmmumTraceRec *r)
{
    r->has_cmd = json_object_has_member(d->o, "cmd");
    if (r->has_cmd) {
        get_words(d, "cmd", r->cmd, 2);
        r->cmdq_cons = smmum_json_get_u64(d, "cmdq_cons", true);
    }
}

static void decode_object(Dec *d, SmmumTraceRec *r)
{
    const char *rec = smmum_json_get_str(d, "rec", true);
    int k = rec ? smmum_json_name_index(kind_names, SMMUM_TRACE__MAX, rec) : -1;

    if (!rec) {
        return;
    }
    if (k < 0 || k == SMMUM_TRACE_UNKNOWN) {
        r->kind = SMMUM_TRACE_UNKNOWN;
        g_strlcpy(r->name, rec, sizeof(r->name));
        return;
    }
    r->kind = k;
    r->has_now = json_object_has_member(d->o, "now");
    r->now = smmum_json_get_u64(d, "now", false);
    switch (r->kind) {
    case SMMUM_TRACE_HEADER: {
        const char *mode;
        JsonNode *model;

        r->version = smmum_json_get_u64(d, "version", true);
        if (r->version != SMMUM_TRACE_VERSION) {
            g_string_append_printf(d->err, "trace version %u, this reader "
                                   "knows %u; ", r->version,
                                   SMMUM_TRACE_VERSION);
            return;
        }
        mode = smmum_json_get_str(d, "mode", true);
        if (mode && !smmum_tear_mode_parse(mode, &r->params.mode)) {
            g_string_append_printf(d->err, "unknown mode \"%s\"; ", mode);
        }
        r->params.state_cap = smmum_json_get_u64(d, "state_cap", false);
        r->params.value_cap = smmum_json_get_u64(d, "value_cap", false);
        r->params.gap_ticks = smmum_json_get_u64(d, "gap_ticks", false);
        get_regs(d, r);
        model = json_object_get_member(d->o, "model");
        if (model && JSON_NODE_HOLDS_OBJECT(model)) {
            Dec md = { json_node_get_object(model), d->err };

            if (json_object_has_member(md.o, "accel")) {
                const char *a = smmum_json_get_str(&md, "accel", true);

                g_strlcpy(r->model.accel, a ? a : "",
                          sizeof(r->model.accel));
            }
            r->model.lse2_known = json_object_has_member(md.o, "lse2");
            r->model.lse2 = get_bool(&md, "lse2", false);
            r->model.cfgcache_size = smmum_json_get_u64(&md, "cfgcache_size",
                                                        false);
            r->model.cfgcache_sticky = get_bool(&md, "cfgcache_sticky",
                                                false);
        }
        break;
    }
    case SMMUM_TRACE_MEM:
        r->pa = smmum_json_get_u64(d, "pa", true);
        r->len = smmum_json_get_u64(d, "len", true);
        r->ok = get_bool(d, "ok", true);
        if (r->len > SMMUM_TRACE_MEM_MAX) {
            g_string_append_printf(d->err, "mem len %u > %u; ", r->len,
                                   SMMUM_TRACE_MEM_MAX);
            r->len = SMMUM_TRACE_MEM_MAX;
        }
        if (r->ok && get_words(d, "w", r->w, 8) != (r->len + 7) / 8) {
            g_string_append(d->err, "mem needs len/8 words; ");
        }
        break;
    case SMMUM_TRACE_REGS:
        get_regs(d, r);
        break;
    case SMMUM_TRACE_STORE:
        r->pa = smmum_json_get_u64(d, "pa", true);
        r->size = smmum_json_get_u64(d, "size", true);
        r->data = smmum_json_get_u64(d, "data", true);
        r->pc = smmum_json_get_u64(d, "pc", false);
        r->cpu = (int)smmum_json_get_u64(d, "cpu", false);
        r->vcnt = smmum_json_get_u64(d, "vcnt", false);
        r->i128 = get_bool(d, "i128", false);
        if (r->size < 1 || r->size > 8) {
            g_string_append_printf(d->err, "store size %u; ", r->size);
        }
        break;
    case SMMUM_TRACE_CFGI: {
        const char *op = smmum_json_get_str(d, "op", true);
        int ci = smmum_json_name_index(cfgi_names, G_N_ELEMENTS(cfgi_names),
                                       op);

        if (ci < 0) {
            g_string_append_printf(d->err, "unknown CFGI \"%s\"; ",
                                   op ? op : "");
        } else {
            r->cfgi.kind = ci;
        }
        r->cfgi.sid = smmum_json_get_u64(d, "sid", true);
        r->cfgi.ssid = smmum_json_get_u64(d, "ssid", false);
        r->cfgi.range = smmum_json_get_u64(d, "range", false);
        r->cfgi.leaf = get_bool(d, "leaf", false);
        get_cmd(d, r);
        break;
    }
    case SMMUM_TRACE_SYNC:
        get_cmd(d, r);
        break;
    case SMMUM_TRACE_FETCH: {
        const char *fk = smmum_json_get_str(d, "kind", true);
        int fi = smmum_json_name_index(fetch_names,
                                       G_N_ELEMENTS(fetch_names), fk);

        if (fi < 0) {
            g_string_append_printf(d->err, "unknown fetch kind \"%s\"; ",
                                   fk ? fk : "");
        } else {
            r->fetch = fi;
        }
        r->sid = smmum_json_get_u64(d, "sid", true);
        r->ssid = smmum_json_get_u64(d, "ssid", false);
        r->pa = smmum_json_get_u64(d, "pa", true);
        r->n = get_words(d, "w", r->w, 8);
        break;
    }
    case SMMUM_TRACE_PREFETCH:
    case SMMUM_TRACE_TXN:
        r->sid = smmum_json_get_u64(d, "sid", true);
        r->ssid = smmum_json_get_u64(d, "ssid", false);
        r->ssv = get_bool(d, "ssv", false);
        r->count = r->kind == SMMUM_TRACE_TXN ?
                   smmum_json_get_u64(d, "count", true) : 1;
        break;
    case SMMUM_TRACE_GLOBAL_BYPASS:
        r->sid = smmum_json_get_u64(d, "sid", true);
        r->count = smmum_json_get_u64(d, "count", true);
        break;
    default:
        break;
    }
}

bool smmum_trace_rec_from_json(const char *line, SmmumTraceRec *r,
                               char **err)
{
    JsonParser *p = json_parser_new();
    GError *gerr = NULL;
    JsonNode *root;
    Dec d = { NULL, g_string_new(NULL) };
    bool ok;

    memset(r, 0, sizeof(*r));
    if (!json_parser_load_from_data(p, line, -1, &gerr)) {
        g_string_append_printf(d.err, "not JSON: %s", gerr->message);
        g_error_free(gerr);
    } else {
        root = json_parser_get_root(p);
        if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
            g_string_append(d.err, "not a JSON object");
        } else {
            d.o = json_node_get_object(root);
            decode_object(&d, r);
        }
    }
    g_object_unref(p);
    ok = !d.err->len;
    if (err) {
        *err = ok ? NULL : g_strdup(d.err->str);
    }
    g_string_free(d.err, TRUE);
    return ok;
}
