/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the json-glib building blocks the report writers
 * (tear, maintenance, trace, state snapshot) share: one object member of
 * each value shape, the IDR image, and the builder turned into text.
 */
#ifndef SMMUM_JSON_H
#define SMMUM_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "smmum-idregs.h"

/* Member name = "0x..." (lower-case hex, no padding). */
static inline void smmum_json_hex(JsonBuilder *b, const char *name,
                                  uint64_t v)
{
    char buf[24];

    g_snprintf(buf, sizeof(buf), "0x%" G_GINT64_MODIFIER "x", v);
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, buf);
}

static inline void smmum_json_int(JsonBuilder *b, const char *name,
                                  int64_t v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, v);
}

static inline void smmum_json_str(JsonBuilder *b, const char *name,
                                  const char *v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, v);
}

static inline void smmum_json_bool(JsonBuilder *b, const char *name, bool v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_boolean_value(b, v);
}

/* Member name = [ "0x%016x" of each of the n words ]. */
static inline void smmum_json_words(JsonBuilder *b, const char *name,
                                    const uint64_t *w, unsigned n)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    for (unsigned i = 0; i < n; i++) {
        char buf[24];

        g_snprintf(buf, sizeof(buf), "0x%016" G_GINT64_MODIFIER "x", w[i]);
        json_builder_add_string_value(b, buf);
    }
    json_builder_end_array(b);
}

/* "idr": [ "0x%08x" of IDR0..IDR5 ]. */
static inline void smmum_json_idr(JsonBuilder *b, const SmmumIdRegs *idr)
{
    json_builder_set_member_name(b, "idr");
    json_builder_begin_array(b);
    for (unsigned i = 0; i < 6; i++) {
        char buf[16];

        g_snprintf(buf, sizeof(buf), "0x%08x", idr->idr[i]);
        json_builder_add_string_value(b, buf);
    }
    json_builder_end_array(b);
}

/* The builder's root as compact JSON text (g_free it); frees b. */
static inline char *smmum_json_finish(JsonBuilder *b)
{
    JsonNode *root = json_builder_get_root(b);
    JsonGenerator *gen = json_generator_new();
    char *out;

    json_generator_set_root(gen, root);
    out = json_generator_to_data(gen, NULL);
    g_object_unref(gen);
    json_node_unref(root);
    g_object_unref(b);
    return out;
}

/* ---- decoding: members of an object, problems appended to err ---- */

typedef struct SmmumJsonDec {
    JsonObject *o;
    GString *err;
} SmmumJsonDec;

/* A number: a JSON integer, a boolean, or a string ("0x1f", "31"). */
static inline bool smmum_json_node_u64(JsonNode *n, uint64_t *v)
{
    GType t;

    if (!n || !JSON_NODE_HOLDS_VALUE(n)) {
        return false;
    }
    t = json_node_get_value_type(n);
    if (t == G_TYPE_STRING) {
        const char *s = json_node_get_string(n);
        char *end;

        if (!s || !*s) {
            return false;
        }
        *v = g_ascii_strtoull(s, &end, 0);
        return !*end;
    }
    if (t == G_TYPE_INT64) {
        *v = (uint64_t)json_node_get_int(n);
        return true;
    }
    if (t == G_TYPE_BOOLEAN) {
        *v = json_node_get_boolean(n);
        return true;
    }
    return false;
}

/* Member name as a number; 0 (and, if required, an error) when absent. */
static inline uint64_t smmum_json_get_u64(SmmumJsonDec *d, const char *name,
                                          bool required)
{
    JsonNode *n = json_object_get_member(d->o, name);
    uint64_t v = 0;

    if (!n) {
        if (required) {
            g_string_append_printf(d->err, "missing member \"%s\"; ", name);
        }
        return 0;
    }
    if (!smmum_json_node_u64(n, &v)) {
        g_string_append_printf(d->err, "member \"%s\" is not a number; ",
                               name);
    }
    return v;
}

/* Member name as a string; NULL (and, if required, an error) if not. */
static inline const char *smmum_json_get_str(SmmumJsonDec *d,
                                             const char *name, bool required)
{
    JsonNode *n = json_object_get_member(d->o, name);

    if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_STRING) {
        if (required) {
            g_string_append_printf(d->err, "member \"%s\" is not a string; ",
                                   name);
        }
        return NULL;
    }
    return json_node_get_string(n);
}

/* The index of s in the name table tab[0..n-1], or -1. */
static inline int smmum_json_name_index(const char *const *tab, unsigned n,
                                        const char *s)
{
    for (unsigned i = 0; s && i < n; i++) {
        if (tab[i] && !strcmp(tab[i], s)) {
            return i;
        }
    }
    return -1;
}

#endif
