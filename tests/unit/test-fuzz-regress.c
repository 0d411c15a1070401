/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replays saved fuzz inputs through the fuzz harnesses (tests/fuzz):
 * every file in tests/fuzz/regress/<harness>/ (inputs that once crashed,
 * hung or tripped a sanitizer; each fixed) and the seed corpora in
 * tests/fuzz/corpus/<harness>/.  A harness aborts when an invariant
 * breaks, so a regression fails this test (and the sanitize suite
 * catches memory errors and undefined behaviour on the same inputs).
 */
#include <glib.h>
#include <string.h>

#include "smmum-fuzz.h"

typedef struct Case {
    SmmumFuzzFn fn;
    char *path;
} Case;

static void replay(gconstpointer data)
{
    const Case *c = data;
    gchar *buf;
    gsize len;
    GError *err = NULL;

    g_assert_true(g_file_get_contents(c->path, &buf, &len, &err));
    g_assert_no_error(err);
    g_assert_cmpint(c->fn((const uint8_t *)buf, len), ==, 0);
    g_free(buf);
}

/* Add one test per file in SMMUM_FUZZ_DIR/kind/name; returns the count. */
static unsigned add_dir(const char *kind, const SmmumFuzzTarget *t)
{
    char *dir = g_build_filename(SMMUM_FUZZ_DIR, kind, t->name, NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    unsigned count = 0;

    while (d && (n = g_dir_read_name(d))) {
        if (n[0] != '.') {
            g_ptr_array_add(names, g_strdup(n));
        }
    }
    if (d) {
        g_dir_close(d);
    }
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < names->len; i++) {
        const char *name = *(char **)&g_ptr_array_index(names, i);
        Case *c = g_new0(Case, 1);
        char *tp = g_strdup_printf("/fuzz-%s/%s/%s", kind, t->name, name);

        c->fn = t->fn;
        c->path = g_build_filename(dir, name, NULL);
        g_test_add_data_func_full(tp, c, replay, NULL);
        g_free(tp);
        count++;
    }
    g_ptr_array_free(names, TRUE);
    g_free(dir);
    return count;
}

/* The harnesses themselves must survive degenerate inputs. */
static void degenerate(void)
{
    static const uint8_t ff[64] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };

    for (const SmmumFuzzTarget *t = smmum_fuzz_targets; t->name; t++) {
        g_assert_cmpint(t->fn(NULL, 0), ==, 0);
        g_assert_cmpint(t->fn(ff, 1), ==, 0);
        g_assert_cmpint(t->fn(ff, sizeof(ff)), ==, 0);
    }
}

int main(int argc, char **argv)
{
    unsigned corpus = 0;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fuzz/degenerate", degenerate);
    for (const SmmumFuzzTarget *t = smmum_fuzz_targets; t->name; t++) {
        add_dir("regress", t);
        corpus += add_dir("corpus", t);
    }
    /* Without seeds the fuzzers and this replay lose most of their value. */
    g_assert_cmpuint(corpus, >, 0);
    return g_test_run();
}
