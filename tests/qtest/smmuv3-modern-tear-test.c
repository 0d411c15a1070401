/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: the tear checker through the device — its
 * properties, the JSON Lines report and the QOM counters.
 */
#include "qemu/osdep.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "smmum-qtest-util.h"

static void dma(SmmumQt *t)
{
    smmum_qt_mem_to_edu(t, SMMUM_QT_RAM + 0x100000, 64);
}

/* The QOM path of the SMMU: virt creates it without a parent. */
static char *smmu_path(QTestState *qts)
{
    QDict *rsp = qtest_qmp(qts, "{ 'execute': 'qom-list', 'arguments': "
                           "{ 'path': '/machine/unattached' } }");
    QList *list = qdict_get_qlist(rsp, "return");
    char *path = NULL;
    QListEntry *e;

    QLIST_FOREACH_ENTRY(list, e) {
        QDict *prop = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(prop, "type"),
                    "child<arm-smmuv3-modern>")) {
            path = g_strdup_printf("/machine/unattached/%s",
                                   qdict_get_str(prop, "name"));
        }
    }
    qobject_unref(rsp);
    g_assert(path);
    return path;
}

static uint64_t counter(QTestState *qts, const char *path, const char *name)
{
    g_autofree char *prop = g_strdup_printf("tear-counter-%s", name);
    QDict *rsp = qtest_qmp(qts, "{ 'execute': 'qom-get', 'arguments': "
                           "{ 'path': %s, 'property': %s } }", path, prop);
    uint64_t v = qdict_get_int(rsp, "return");

    qobject_unref(rsp);
    return v;
}

static char *start_checked(SmmumQt *t)
{
    g_autofree char *report = NULL;
    int fd = g_file_open_tmp("smmum-tear-XXXXXX.jsonl", &report, NULL);
    g_autofree char *args = NULL;

    g_assert(fd >= 0);
    close(fd);
    args = g_strdup_printf("-global arm-smmuv3-modern.tear-check=sync "
                           "-global arm-smmuv3-modern.tear-report=%s",
                           report);
    smmum_qt_start(t, args);
    smmum_qt_enable(t, 6);
    return g_steal_pointer(&report);
}

static char *finish(SmmumQt *t, const char *report)
{
    char *text = NULL;

    smmum_qt_stop(t);       /* the checker writes its last records at exit */
    g_assert(g_file_get_contents(report, &text, NULL, NULL));
    unlink(report);
    return text;
}

/* bypass -> abort with CFGI + SYNC: a clean, breaking-free update. */
static void test_clean_update(void)
{
    SmmumQt t;
    g_autofree char *report = start_checked(&t);
    g_autofree char *path = smmu_path(t.qts);
    g_autofree char *text = NULL;

    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    dma(&t);
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_ABORT);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    dma(&t);
    g_assert_cmpuint(counter(t.qts, path, "windows"), >=, 1);
    g_assert_cmpuint(counter(t.qts, path, "tears"), ==, 0);
    g_assert_cmpuint(counter(t.qts, path, "missing-invalidations"), ==, 0);
    text = finish(&t, report);
    g_assert_null(strstr(text, "\"type\":\"missing-invalidation\""));
    g_assert_null(strstr(text, "\"type\":\"tear\""));
}

/*
 * The same change without CFGI: the model keeps serving the cached bypass
 * entry, and the report names the missing invalidation of StreamID 0x10.
 */
static void test_missing_invalidation(void)
{
    SmmumQt t;
    g_autofree char *report = start_checked(&t);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    bool found = false;

    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    dma(&t);
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_ABORT);
    dma(&t);
    text = finish(&t, report);
    lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        if (strstr(lines[i], "\"type\":\"missing-invalidation\"")) {
            g_assert(strstr(lines[i], "\"view\":\"ste\""));
            g_assert(strstr(lines[i], "\"sid\":16"));
            g_assert(strstr(lines[i], "\"schema\":1"));
            found = true;
        }
    }
    g_assert_true(found);
}

static void test_bad_values(void)
{
    g_autofree char *err = NULL;

    g_assert_cmpint(smmum_qt_run_fail("-M iommu=smmuv3-modern -global "
                                      "arm-smmuv3-modern.tear-check=bogus",
                                      &err), !=, 0);
    g_assert(strstr(err, "tear-check=bogus"));
    g_free(err);
    g_assert_cmpint(smmum_qt_run_fail("-M iommu=smmuv3-modern -global "
                                      "arm-smmuv3-modern.tear-action=panic",
                                      &err), !=, 0);
    g_assert(strstr(err, "tear-action=panic"));
    g_free(err);
    g_assert_cmpint(smmum_qt_run_fail("-M iommu=smmuv3-modern -global "
                                      "arm-smmuv3-modern.tear-report="
                                      "/nonexistent/dir/r.jsonl", &err),
                    !=, 0);
    g_assert(strstr(err, "tear-report"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/smmuv3-modern/tear/clean-update", test_clean_update);
    qtest_add_func("/smmuv3-modern/tear/missing-invalidation",
                   test_missing_invalidation);
    qtest_add_func("/smmuv3-modern/tear/bad-values", test_bad_values);
    return g_test_run();
}
