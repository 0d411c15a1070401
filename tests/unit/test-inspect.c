/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: the inspection snapshot (smmum_inspect_json).  A stream
 * table with stage-1 STEs and a CD is programmed in fake memory, one
 * transaction fills the configuration cache and the IOTLB, and the JSON
 * must show the decoded STE and CD (memory and cache, and where they
 * differ), both caches, the queues and GERROR, the bounds it applied,
 * and must not disturb the model (no fetch seen by the observer, no
 * cache entry added).
 */
#include "core-helpers.h"
#include "smmum-strtab.h"
#include "smmum-cfgcache.h"
#include "smmum-iotlb.h"
#include "smmum-inspect.h"

#include <json-glib/json-glib.h>

#define VA          0x10000000ULL
#define PA          0x80000000ULL
#define CD_PA       0x500000ULL
#define TT_PA       0x600000ULL     /* levels 1, 2, 3 at +0, +4K, +8K */

static void map_page(Fx *f, uint64_t va, uint64_t pa)
{
    /* 4K granule, T0SZ 25: the walk starts at level 1. */
    fake_write64(&f->mem, TT_PA + ((va >> 30) & 0x1ff) * 8,
                 (TT_PA + 0x1000) | 3);
    fake_write64(&f->mem, TT_PA + 0x1000 + ((va >> 21) & 0x1ff) * 8,
                 (TT_PA + 0x2000) | 3);
    fake_write64(&f->mem, TT_PA + 0x2000 + ((va >> 12) & 0x1ff) * 8,
                 pa | 3 | (1ULL << 10) | (1ULL << 6) | (1ULL << 11));
}

static void put_ste_s1(Fx *f, uint32_t sid, uint64_t ctx)
{
    uint64_t w[8] = { 0 };

    smmum_ste_set_field(w, SMMUM_STE_V, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_S1);
    smmum_ste_set_field(w, SMMUM_STE_S1CTXPTR, 50, ctx >> 6);
    fx_write_ste(f, sid, w);
}

static void setup(Fx *f)
{
    SmmumTxn txn = { .sid = 1, .addr = VA + 0x10 };
    SmmumXlate x;

    fx_init(f);
    fx_queues(f, 4, 6);
    fx_linear_strtab(f, 6);
    fx_enable(f);
    map_page(f, VA, PA);
    fx_put_cd(f, CD_PA, TT_PA, 7, true);
    put_ste_s1(f, 1, CD_PA);
    smmum_translate(&f->core, &txn, &x);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, PA + 0x10);
}

/* Parse a snapshot; the caller unrefs the parser. */
static JsonObject *snapshot(Fx *f, const SmmumInspectLimits *lim,
                            JsonParser **p)
{
    g_autofree char *text = smmum_inspect_json(&f->core, NULL, lim);
    GError *err = NULL;

    *p = json_parser_new();
    g_assert_true(json_parser_load_from_data(*p, text, -1, &err));
    g_assert_no_error(err);
    return json_node_get_object(json_parser_get_root(*p));
}

static JsonObject *path(JsonObject *o, const char *p)
{
    g_auto(GStrv) parts = g_strsplit(p, ".", -1);

    for (unsigned i = 0; parts[i]; i++) {
        g_assert_true(json_object_has_member(o, parts[i]));
        o = json_object_get_object_member(o, parts[i]);
        g_assert_nonnull(o);
    }
    return o;
}

static JsonObject *elem(JsonObject *o, const char *array, unsigned i)
{
    JsonArray *a = json_object_get_array_member(o, array);

    g_assert_nonnull(a);
    g_assert_cmpuint(json_array_get_length(a), >, i);
    return json_array_get_object_element(a, i);
}

static unsigned len(JsonObject *o, const char *array)
{
    return json_array_get_length(json_object_get_array_member(o, array));
}

static uint64_t hex(JsonObject *o, const char *member)
{
    return g_ascii_strtoull(json_object_get_string_member(o, member), NULL,
                            16);
}

static void test_decoded(void)
{
    JsonObject *root, *st, *ste, *cd, *e;
    unsigned fetches, cached;
    JsonParser *p;
    Fx f;

    setup(&f);
    /* A valid abort STE: counted, not listed. */
    fake_write64(&f.mem, STRTAB_PA + 2 * 64, 1);
    fetches = f.obs.fetch;
    cached = smmum_cfgcache_count(f.core.cfgcache);
    root = snapshot(&f, NULL, &p);
    /* Inspection is invisible to the model. */
    g_assert_cmpuint(f.obs.fetch, ==, fetches);
    g_assert_cmpuint(smmum_cfgcache_count(f.core.cfgcache), ==, cached);

    g_assert_true(json_object_get_boolean_member(path(root, "regs"),
                                                 "smmuen"));
    g_assert_cmpstr(json_object_get_string_member(path(root, "strtab"),
                                                  "format"), ==, "linear");
    g_assert_cmpuint(len(root, "streams"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(root, "abort_stes"), ==, 1);
    st = elem(root, "streams", 0);
    g_assert_cmpint(json_object_get_int_member(st, "sid"), ==, 1);
    g_assert_cmphex(hex(path(st, "memory"), "addr"), ==, STRTAB_PA + 64);
    ste = path(st, "memory.meaning");
    g_assert_cmpstr(json_object_get_string_member(ste, "outcome"), ==,
                    "translate");
    g_assert_cmpint(json_object_get_int_member(path(ste, "regime"),
                                               "config"), ==, 5);
    g_assert_cmphex(hex(path(ste, "regime"), "s1_context_ptr"), ==, CD_PA);
    g_assert_true(json_object_get_boolean_member(path(st, "cached"),
                                                 "same_as_memory"));

    g_assert_cmpuint(len(path(st, "cds"), "entries"), ==, 1);
    e = elem(path(st, "cds"), "entries", 0);
    g_assert_cmpint(json_object_get_int_member(e, "ssid"), ==, 0);
    cd = path(e, "memory.meaning");
    g_assert_cmpstr(json_object_get_string_member(cd, "outcome"), ==,
                    "translate");
    g_assert_cmpint(json_object_get_int_member(path(cd, "regime"), "asid"),
                    ==, 7);
    g_assert_cmpint(json_object_get_int_member(path(cd, "regime"), "t0sz"),
                    ==, 25);
    g_assert_cmphex(hex(path(cd, "regime"), "ttb0"), ==, TT_PA);
    g_assert_cmpint(json_object_get_int_member(path(cd, "perm"), "r"), ==,
                    1);
    g_assert_nonnull(path(e, "cached"));

    g_assert_cmpint(json_object_get_int_member(path(root, "cfgcache"),
                                               "count"), ==, 2);
    g_assert_cmpuint(len(path(root, "cfgcache"), "entries"), ==, 2);
    g_assert_cmpint(json_object_get_int_member(path(root, "iotlb"),
                                               "count"), ==, 1);
    e = elem(path(root, "iotlb"), "entries", 0);
    g_assert_cmphex(hex(e, "iova"), ==, VA);
    g_assert_cmphex(hex(e, "pa"), ==, PA);
    g_assert_cmpint(json_object_get_int_member(e, "asid"), ==, 7);
    g_assert_true(json_object_get_null_member(root, "tear"));
    g_object_unref(p);
    fx_destroy(&f);
}

/* Memory changed behind the cache (no CFGI): both are shown. */
static void test_stale_cache(void)
{
    JsonObject *root, *st;
    JsonParser *p;
    Fx f;

    setup(&f);
    fake_write64(&f.mem, STRTAB_PA + 64, 1 | (SMMUM_STE_CFG_BYPASS << 1));
    root = snapshot(&f, NULL, &p);
    st = elem(root, "streams", 0);
    g_assert_cmpstr(json_object_get_string_member(
                        path(st, "memory.meaning"), "outcome"), ==, "bypass");
    g_assert_cmpstr(json_object_get_string_member(
                        path(st, "cached.meaning"), "outcome"), ==,
                    "translate");
    g_assert_false(json_object_get_boolean_member(path(st, "cached"),
                                                  "same_as_memory"));
    /* The CDs are those of the STE the model uses: the cached one. */
    g_assert_cmpuint(len(path(st, "cds"), "entries"), ==, 1);
    g_object_unref(p);
    fx_destroy(&f);
}

/* Bounds: listed + omitted = all, and the scan budget is reported. */
static void test_bounds(void)
{
    SmmumInspectLimits lim = { .streams = 2, .cache = 1, .scan = 32 };
    JsonObject *root;
    JsonParser *p;
    Fx f;

    setup(&f);
    put_ste_s1(&f, 3, CD_PA);
    put_ste_s1(&f, 5, CD_PA);
    put_ste_s1(&f, 40, CD_PA);      /* beyond a 32-entry scan */
    root = snapshot(&f, &lim, &p);
    g_assert_cmpuint(len(root, "streams"), ==, 2);
    g_assert_cmpint(json_object_get_int_member(root, "streams_omitted"), ==,
                    1);
    g_assert_true(json_object_get_boolean_member(path(root, "limits"),
                                                 "scan_truncated"));
    g_assert_cmpuint(len(path(root, "cfgcache"), "entries"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(path(root, "cfgcache"),
                                               "omitted"), ==, 1);
    g_object_unref(p);
    fx_destroy(&f);
}

/* A command-queue error: GERROR.CMDQ_ERR active and CONS.ERR named. */
static void test_gerror(void)
{
    JsonObject *root, *g;
    JsonParser *p;
    Fx f;

    setup(&f);
    fx_cmd(&f, 0xff, 0);            /* no such command: CERROR_ILL */
    root = snapshot(&f, NULL, &p);
    g = path(root, "gerror");
    g_assert_cmpuint(len(g, "active"), ==, 1);
    g_assert_cmpstr(json_array_get_string_element(
                        json_object_get_array_member(g, "active"), 0), ==,
                    "cmdq_err");
    g_assert_cmpstr(json_object_get_string_member(path(root, "cmdq"),
                                                  "error"), ==, "ill");
    g_assert_cmpint(json_object_get_int_member(path(root, "cmdq"),
                                               "entries"), ==, 1);
    g_object_unref(p);
    fx_destroy(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/inspect/decoded", test_decoded);
    g_test_add_func("/inspect/stale-cache", test_stale_cache);
    g_test_add_func("/inspect/bounds", test_bounds);
    g_test_add_func("/inspect/gerror", test_gerror);
    return g_test_run();
}
