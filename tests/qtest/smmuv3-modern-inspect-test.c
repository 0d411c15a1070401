/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: the "state" property (qom-get), a JSON snapshot
 * of the model.  A stage-1 STE and its CD are programmed for edu, edu
 * DMAs through them, and the decoded fields, caches, queues, GERROR and
 * the tear checker's open windows must show up in the snapshot.
 */
#include "qemu/osdep.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qbool.h"
#include "qobject/qstring.h"
#include "smmum-qtest-util.h"
#include "smmum-qtest-xlate.h"

#define IOVA        0x12345000ULL
#define BUF         (SMMUM_QT_RAM + 0x500000)
#define ASID        0x2a
#define EDU_STE     (SMMUM_QT_STRTAB + SMMUM_QT_EDU_SID * 64ULL)

/* qom-get of "state"; the caller unrefs the response it returns. */
static QDict *state(QTestState *qts, QDict **rsp)
{
    g_autofree char *path = smmum_qt_smmu_path(qts);
    QDict *st;

    *rsp = qtest_qmp(qts, "{ 'execute': 'qom-get', 'arguments': "
                     "{ 'path': %s, 'property': 'state' } }", path);
    g_assert(!qdict_haskey(*rsp, "error"));
    st = qdict_get_qdict(*rsp, "return");
    g_assert(st);
    g_assert_cmpint(qdict_get_int(st, "schema"), ==, 1);
    return st;
}

static QDict *sub(QDict *d, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, ".", -1);

    for (int i = 0; parts[i]; i++) {
        g_assert(qdict_haskey(d, parts[i]));
        d = qdict_get_qdict(d, parts[i]);
        g_assert(d);
    }
    return d;
}

static uint64_t hex(QDict *d, const char *key)
{
    const char *s = qdict_get_str(d, key);

    g_assert(g_str_has_prefix(s, "0x"));
    return g_ascii_strtoull(s, NULL, 16);
}

/* The element of list whose integer key equals val, or NULL. */
static QDict *find(QList *list, const char *key, int64_t val)
{
    QListEntry *e;

    QLIST_FOREACH_ENTRY(list, e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (d && qdict_haskey(d, key) && qdict_get_int(d, key) == val) {
            return d;
        }
    }
    return NULL;
}

/* edu's StreamID at stage 1: IOVA -> BUF through a CD with ASID. */
static uint64_t program_s1(SmmumQt *t)
{
    SmmumQtx x;
    uint64_t root, ste[8];

    smmum_qtx_init(&x, t);
    root = smmum_qtx_alloc(&x);
    smmum_qtx_map(&x, root, 3, IOVA, BUF, SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&x, SMMUM_QTX_CD, smmum_qtx_cd_w0(ASID, true), root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_set_edu_ste(&x, ste);
    return root;
}

static void start(SmmumQt *t, const char *mode)
{
    g_autofree char *args = g_strdup_printf(
        "-global arm-smmuv3-modern.tear-check=%s", mode);

    smmum_qt_start(t, args);
    smmum_qt_enable(t, 6);
}

/* The decoded STE and CD, memory and cache, and the IOTLB entry. */
static void test_decoded_s1(void)
{
    SmmumQt t;
    QDict *rsp, *st, *s, *m, *cd;
    QList *cds;
    uint64_t root;

    start(&t, "sync");
    root = program_s1(&t);
    smmum_qt_edu_to_mem(&t, IOVA + 0x40, 64);
    g_assert_cmpuint(smmum_qt_events(&t), ==, 0);

    st = state(t.qts, &rsp);
    g_assert_true(qdict_get_bool(sub(st, "regs"), "smmuen"));
    g_assert_cmpstr(qdict_get_str(sub(st, "cmdq"), "error"), ==, "none");
    g_assert_true(qdict_get_bool(sub(st, "cmdq"), "enabled"));
    g_assert_cmpint(qdict_get_int(sub(st, "cmdq"), "entries"), ==, 0);
    g_assert_cmphex(hex(sub(st, "cmdq"), "addr"), ==, SMMUM_QT_CMDQ);
    g_assert_cmpuint(qlist_size(qdict_get_qlist(sub(st, "gerror"),
                                                "active")), ==, 0);
    g_assert_cmphex(hex(sub(st, "strtab"), "base"), ==, SMMUM_QT_STRTAB);

    s = find(qdict_get_qlist(st, "streams"), "sid", SMMUM_QT_EDU_SID);
    g_assert(s);
    g_assert_cmphex(hex(sub(s, "memory"), "addr"), ==, EDU_STE);
    m = sub(s, "memory.meaning");
    g_assert_cmpstr(qdict_get_str(m, "outcome"), ==, "translate");
    g_assert_cmpint(qdict_get_int(sub(m, "regime"), "config"), ==,
                    SMMUM_QTX_CFG_S1);
    g_assert_cmphex(hex(sub(m, "regime"), "s1_context_ptr"), ==,
                    SMMUM_QTX_CD);
    g_assert_cmpint(qdict_get_int(sub(m, "regime"), "s1_cd_max"), ==, 0);
    /* The DMA made the model fetch and cache it. */
    g_assert_true(qdict_get_bool(sub(s, "cached"), "same_as_memory"));

    cds = qdict_get_qlist(sub(s, "cds"), "entries");
    cd = find(cds, "ssid", 0);
    g_assert(cd);
    m = sub(cd, "memory.meaning");
    g_assert_cmpstr(qdict_get_str(m, "outcome"), ==, "translate");
    g_assert_cmpint(qdict_get_int(sub(m, "regime"), "asid"), ==, ASID);
    g_assert_cmpint(qdict_get_int(sub(m, "regime"), "t0sz"), ==, 25);
    g_assert_cmpint(qdict_get_int(sub(m, "regime"), "epd1"), ==, 1);
    g_assert_cmpint(qdict_get_int(sub(m, "regime"), "ips"), ==, 2);
    g_assert_cmphex(hex(sub(m, "regime"), "ttb0"), ==, root);
    g_assert_cmpint(qdict_get_int(sub(m, "perm"), "r"), ==, 1);
    g_assert_cmpint(qdict_get_int(sub(m, "perm"), "a"), ==, 1);
    g_assert_cmpint(qdict_get_int(sub(cd, "cached.meaning.regime"), "asid"),
                    ==, ASID);

    g_assert_cmpint(qdict_get_int(sub(st, "cfgcache"), "count"), >=, 2);
    g_assert_cmpint(qdict_get_int(sub(st, "iotlb"), "count"), >=, 1);
    m = qobject_to(QDict, qlist_peek(qdict_get_qlist(sub(st, "iotlb"),
                                                     "entries")));
    g_assert(m);
    g_assert_cmphex(hex(m, "iova"), ==, IOVA);
    g_assert_cmphex(hex(m, "pa"), ==, BUF);
    g_assert_cmpint(qdict_get_int(m, "asid"), ==, ASID);
    g_assert_cmpstr(qdict_get_str(sub(st, "tear"), "mode"), ==, "sync");
    qobject_unref(rsp);
    smmum_qt_stop(&t);
}

/* The STE view of edu in the snapshot's open windows, or NULL. */
static QDict *edu_window(QDict *st)
{
    QListEntry *e;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(sub(st, "tear"), "open_windows"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(d, "view"), "ste") &&
            qdict_get_int(d, "sid") == SMMUM_QT_EDU_SID) {
            return d;
        }
    }
    return NULL;
}

/*
 * Store feeder: the guest rewrites the live STE to bypass.  Before any
 * CFGI the snapshot shows memory and the stale cache side by side and
 * the STE view's window holding two values; after a CFGI without its
 * SYNC the entry is gone from the cache and the CFGI is pending; the
 * SYNC closes the window.
 */
static void test_open_window(void)
{
    SmmumQt t;
    QDict *rsp, *st, *s, *w;

    start(&t, "store");
    program_s1(&t);
    smmum_qt_edu_to_mem(&t, IOVA, 64);
    qtest_writeq(t.qts, EDU_STE, SMMUM_QT_STE_BYPASS);

    st = state(t.qts, &rsp);
    s = find(qdict_get_qlist(st, "streams"), "sid", SMMUM_QT_EDU_SID);
    g_assert(s);
    g_assert_cmpstr(qdict_get_str(sub(s, "memory.meaning"), "outcome"), ==,
                    "bypass");
    g_assert_cmpstr(qdict_get_str(sub(s, "cached.meaning"), "outcome"), ==,
                    "translate");
    g_assert_false(qdict_get_bool(sub(s, "cached"), "same_as_memory"));
    w = edu_window(st);
    g_assert(w);
    g_assert_false(qdict_get_bool(w, "cfgi_pending"));
    g_assert_true(qdict_get_bool(w, "reachable"));
    g_assert_cmpint(qdict_get_int(w, "values"), >=, 2);
    g_assert_cmphex(hex(w, "addr"), ==, EDU_STE);
    g_assert_cmpstr(qdict_get_str(sub(st, "tear"), "mode"), ==, "store");
    qobject_unref(rsp);

    smmum_qt_cmd(&t, SMMUM_QT_CMD_CFGI_STE |
                 ((uint64_t)SMMUM_QT_EDU_SID << 32), 1);
    st = state(t.qts, &rsp);
    s = find(qdict_get_qlist(st, "streams"), "sid", SMMUM_QT_EDU_SID);
    g_assert(qobject_type(qdict_get(s, "cached")) == QTYPE_QNULL);
    w = edu_window(st);
    g_assert(w);
    g_assert_true(qdict_get_bool(w, "cfgi_pending"));
    qobject_unref(rsp);

    smmum_qt_sync(&t);
    st = state(t.qts, &rsp);
    w = edu_window(st);
    g_assert(!w || !qdict_get_bool(w, "cfgi_pending"));
    qobject_unref(rsp);
    smmum_qt_stop(&t);
}

/* An unknown command: GERROR.CMDQ_ERR active, CMDQ_CONS.ERR = ILL. */
static void test_gerror(void)
{
    SmmumQt t;
    QDict *rsp, *st;
    QList *active;

    start(&t, "off");
    smmum_qt_cmd(&t, 0xff, 0);
    st = state(t.qts, &rsp);
    active = qdict_get_qlist(sub(st, "gerror"), "active");
    g_assert_cmpuint(qlist_size(active), ==, 1);
    g_assert_cmpstr(qstring_get_str(qobject_to(QString, qlist_peek(active))),
                    ==, "cmdq_err");
    g_assert_cmpstr(qdict_get_str(sub(st, "cmdq"), "error"), ==, "ill");
    g_assert_cmpint(qdict_get_int(sub(st, "cmdq"), "entries"), ==, 1);
    g_assert(qobject_type(qdict_get(st, "tear")) == QTYPE_QNULL);
    qobject_unref(rsp);
    smmum_qt_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/smmuv3-modern/inspect/decoded-s1", test_decoded_s1);
    qtest_add_func("/smmuv3-modern/inspect/open-window", test_open_window);
    qtest_add_func("/smmuv3-modern/inspect/gerror", test_gerror);
    return g_test_run();
}
