/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: the tear checker through the device — its
 * properties, the JSON Lines report and the QOM counters.
 */
#include "qemu/osdep.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qstring.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "smmum-qtest-util.h"
#include "smmum-qtest-xlate.h"

static void dma(SmmumQt *t)
{
    smmum_qt_mem_to_edu(t, SMMUM_QT_RAM + 0x100000, 64);
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

static char *start_mode(SmmumQt *t, const char *mode)
{
    g_autofree char *report = NULL;
    int fd = g_file_open_tmp("smmum-tear-XXXXXX.jsonl", &report, NULL);
    g_autofree char *args = NULL;

    g_assert(fd >= 0);
    close(fd);
    args = g_strdup_printf("-global arm-smmuv3-modern.tear-check=%s "
                           "-global arm-smmuv3-modern.tear-report=%s",
                           mode, report);
    smmum_qt_start(t, args);
    smmum_qt_enable(t, 6);
    return g_steal_pointer(&report);
}

static char *start_checked(SmmumQt *t)
{
    return start_mode(t, "sync");
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
    g_autofree char *path = smmum_qt_smmu_path(t.qts);
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
            g_assert(strstr(lines[i], "\"schema\":2"));
            found = true;
        }
    }
    g_assert_true(found);
}

/* ---- tear-check=store: the store feeder ---- */

#define EDU_STE         (SMMUM_QT_STRTAB + SMMUM_QT_EDU_SID * 64ULL)
#define STE_S2_W0       (SMMUM_QT_STE_V | (6ULL << 1))  /* Config=S2 */
/* VMID 1, S2T0SZ 24, S2SL0 1, 4 KiB, S2PS 40 bits, S2AA64 */
#define STE_S2_W2       (1ULL | (24ULL << 32) | (1ULL << 38) | \
                         (2ULL << 48) | (1ULL << 51))
#define STE_S2_W3       (SMMUM_QT_RAM + 0x300000)        /* S2TTB */

/* The records of one type in a report, parsed. */
static GPtrArray *records(const char *text, const char *type)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GPtrArray *recs = g_ptr_array_new_with_free_func(
        (GDestroyNotify)qobject_unref_impl);

    for (int i = 0; lines[i]; i++) {
        QDict *rec;

        if (!lines[i][0]) {
            continue;
        }
        rec = qobject_to(QDict, qobject_from_json(lines[i], &error_abort));
        g_assert(rec);
        if (!strcmp(qdict_get_str(rec, "type"), type)) {
            g_ptr_array_add(recs, rec);
        } else {
            qobject_unref(rec);
        }
    }
    return recs;
}

static uint64_t hex_member(QDict *d, const char *key)
{
    QObject *o = qdict_get(d, key);
    QString *qs = qobject_to(QString, o);
    uint64_t v;

    if (!qs) {
        return qdict_get_int(d, key);
    }
    g_assert_cmpint(qemu_strtou64(qstring_get_str(qs), NULL, 0, &v), ==, 0);
    return v;
}

/*
 * STE bypass -> stage 2 without break-before-make: the S2 words, then
 * Config, while V=1, one CFGI + SYNC at the end.  A Config=S2 word with
 * either S2 word still zero is a state neither end had.
 */
static void test_store_torn(void)
{
    SmmumQt t;
    g_autofree char *report = start_mode(&t, "store");
    g_autofree char *path = smmum_qt_smmu_path(t.qts);
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) tears = NULL;

    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    dma(&t);
    qtest_writeq(t.qts, EDU_STE + 16, STE_S2_W2);
    qtest_writeq(t.qts, EDU_STE + 24, STE_S2_W3);
    qtest_writeq(t.qts, EDU_STE, STE_S2_W0);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    g_assert_cmpuint(counter(t.qts, path, "tears"), >=, 1);
    text = finish(&t, report);
    tears = records(text, "tear");
    g_assert_cmpuint(tears->len, >=, 1);
    for (guint i = 0; i < tears->len; i++) {
        QDict *r = g_ptr_array_index(tears, i);
        QDict *st = qdict_get_qdict(r, "store");
        uint64_t pa;

        g_assert_cmpstr(qdict_get_str(r, "mode"), ==, "store");
        g_assert_cmpint(qdict_get_int(r, "sid"), ==, SMMUM_QT_EDU_SID);
        g_assert(st);
        /* The first store of a value of the offending state. */
        pa = hex_member(st, "pa");
        g_assert_cmpint(qdict_get_int(st, "size"), ==, 8);
        if (pa == EDU_STE) {
            g_assert_cmphex(hex_member(st, "data"), ==, STE_S2_W0);
        } else if (pa == EDU_STE + 16) {
            g_assert_cmphex(hex_member(st, "data"), ==, STE_S2_W2);
        } else {
            g_assert_cmphex(pa, ==, EDU_STE + 24);
            g_assert_cmphex(hex_member(st, "data"), ==, STE_S2_W3);
        }
    }
}

/* The same change done right: V=0, fill, CFGI+SYNC, V=1, CFGI+SYNC. */
static void test_store_clean(void)
{
    SmmumQt t;
    g_autofree char *report = start_mode(&t, "store");
    g_autofree char *path = smmum_qt_smmu_path(t.qts);
    g_autofree char *text = NULL;

    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    dma(&t);
    qtest_writeq(t.qts, EDU_STE, 0);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    qtest_writeq(t.qts, EDU_STE + 16, STE_S2_W2);
    qtest_writeq(t.qts, EDU_STE + 24, STE_S2_W3);
    qtest_writeq(t.qts, EDU_STE, STE_S2_W0 & ~SMMUM_QT_STE_V);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    qtest_writeq(t.qts, EDU_STE, STE_S2_W0);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    g_assert_cmpuint(counter(t.qts, path, "windows"), >=, 3);
    g_assert_cmpuint(counter(t.qts, path, "tears"), ==, 0);
    text = finish(&t, report);
    g_assert_null(strstr(text, "\"type\":\"tear\""));
    g_assert_null(strstr(text, "\"type\":\"unobserved"));
    g_assert_null(strstr(text, "\"type\":\"missing-invalidation\""));
}

/*
 * Access shapes: a live bypass STE's Config briefly set to stage 2 (with
 * no stage-2 fields: ILLEGAL) and back, by one narrow or unaligned store
 * each, then CFGI + SYNC.  Only a feeder that sees every store finds the
 * intermediate value; the record names the store as the guest made it.
 */
static void test_store_shapes(void)
{
    static const struct {
        int64_t off;
        unsigned size;
        uint64_t bad, good;
    } shapes[] = {
        { 0, 1, STE_S2_W0, SMMUM_QT_STE_BYPASS },
        { 0, 2, STE_S2_W0, SMMUM_QT_STE_BYPASS },
        { 0, 4, STE_S2_W0, SMMUM_QT_STE_BYPASS },
        /* straddles the end of StreamID 15's STE (zero) and this one */
        { -2, 4, STE_S2_W0 << 16, SMMUM_QT_STE_BYPASS << 16 },
        { -4, 8, STE_S2_W0 << 32, SMMUM_QT_STE_BYPASS << 32 },
    };
    SmmumQt t;
    g_autofree char *report = start_mode(&t, "store");
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) tears = NULL;

    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    for (int i = 0; i < ARRAY_SIZE(shapes); i++) {
        uint64_t pa = EDU_STE + shapes[i].off;

        for (int k = 0; k < 2; k++) {
            uint64_t v = k ? shapes[i].good : shapes[i].bad;

            switch (shapes[i].size) {
            case 1:
                qtest_writeb(t.qts, pa, v);
                break;
            case 2:
                qtest_writew(t.qts, pa, v);
                break;
            case 4:
                qtest_writel(t.qts, pa, v);
                break;
            default:
                qtest_writeq(t.qts, pa, v);
                break;
            }
        }
        smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    }
    g_assert_cmphex(qtest_readq(t.qts, EDU_STE), ==, SMMUM_QT_STE_BYPASS);
    text = finish(&t, report);
    tears = records(text, "tear");
    g_assert_cmpuint(tears->len, ==, ARRAY_SIZE(shapes));
    for (guint i = 0; i < tears->len; i++) {
        QDict *r = g_ptr_array_index(tears, i);
        QDict *st = qdict_get_qdict(r, "store");

        g_assert(st);
        g_assert_cmphex(hex_member(st, "pa"), ==, EDU_STE + shapes[i].off);
        g_assert_cmpint(qdict_get_int(st, "size"), ==, shapes[i].size);
        g_assert_cmphex(hex_member(st, "data"), ==, shapes[i].bad);
        g_assert_cmpint(qdict_get_int(st, "cpu"), ==, -1);   /* qtest */
    }
}

/* Does the vCPUs' view hold a watch overlay over the stream table? */
static bool watching(SmmumQt *t)
{
    g_autofree char *mtree = qtest_hmp(t->qts, "info mtree");
    g_autofree char *want = g_strdup_printf("%016" PRIx64,
                                            (uint64_t)SMMUM_QT_STRTAB);
    const char *as = strstr(mtree, "address-space: cpu-memory-0");
    const char *end;

    g_assert(as);
    end = strstr(as + 1, "address-space:");
    for (const char *p = strstr(as, want); p && (!end || p < end);
         p = strstr(p + 1, want)) {
        const char *eol = strchr(p, '\n');

        if (eol && g_strstr_len(p, eol - p, "smmuv3-modern-watch")) {
            return true;
        }
    }
    return false;
}

/* A system reset drops the watches; enabling again brings them back. */
static void test_store_reset(void)
{
    SmmumQt t;
    g_autofree char *report = start_mode(&t, "store");
    g_autofree char *text = NULL;
    QDict *rsp;

    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    g_assert_true(watching(&t));
    rsp = qtest_qmp(t.qts, "{ 'execute': 'system_reset' }");
    qobject_unref(rsp);
    qtest_qmp_eventwait(t.qts, "RESET");
    g_assert_false(watching(&t));
    qtest_writeq(t.qts, EDU_STE, 0x1234);
    g_assert_cmphex(qtest_readq(t.qts, EDU_STE), ==, 0x1234);
    /* And re-enabling watches the tables again. */
    smmum_qt_enable(&t, 6);
    qtest_clock_step(t.qts, 1000);      /* let the update run */
    g_assert_true(watching(&t));
    smmum_qt_set_edu_ste(&t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    qtest_writeb(t.qts, EDU_STE, STE_S2_W0);
    qtest_writeb(t.qts, EDU_STE, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&t, SMMUM_QT_EDU_SID);
    text = finish(&t, report);
    g_assert(strstr(text, "\"type\":\"tear\""));
}

static void wait_status(QTestState *qts, const char *cmd, const char *key,
                        const char *want)
{
    for (int i = 0; i < 500; i++) {
        QDict *rsp = qtest_qmp(qts, "{ 'execute': %s }", cmd);
        QDict *ret = qdict_get_qdict(rsp, "return");
        const char *st = ret && qdict_haskey(ret, key) ?
                         qdict_get_str(ret, key) : "";
        bool done = !strcmp(st, want);

        g_assert_cmpstr(st, !=, "failed");
        qobject_unref(rsp);
        if (done) {
            return;
        }
        g_usleep(10 * 1000);
    }
    g_assert_not_reached();
}

/*
 * Migration: the destination's checker starts clean and watches the
 * migrated tables without the guest touching an SMMU register, so a torn
 * update right after the switch-over is caught with its stores.
 */
static void test_store_migrate(void)
{
    SmmumQt src, dst;
    g_autofree char *rsrc = start_mode(&src, "store");
    g_autofree char *rdst = NULL;
    g_autofree char *image = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *args = NULL;
    g_autofree char *text = NULL;
    g_autofree char *src_text = NULL;
    g_autoptr(GPtrArray) tears = NULL;
    QDict *rsp;
    int fd;

    smmum_qt_set_edu_ste(&src, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(&src, SMMUM_QT_EDU_SID);
    dma(&src);
    fd = g_file_open_tmp("smmum-mig-XXXXXX", &image, NULL);
    g_assert(fd >= 0);
    close(fd);
    fd = g_file_open_tmp("smmum-tear-XXXXXX.jsonl", &rdst, NULL);
    g_assert(fd >= 0);
    close(fd);
    uri = g_strdup_printf("file:%s", image);
    rsp = qtest_qmp(src.qts, "{ 'execute': 'migrate', 'arguments': "
                    "{ 'uri': %s } }", uri);
    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
    wait_status(src.qts, "query-migrate", "status", "completed");

    args = g_strdup_printf("-global arm-smmuv3-modern.tear-check=store "
                           "-global arm-smmuv3-modern.tear-report=%s "
                           "-incoming %s", rdst, uri);
    smmum_qt_start(&dst, args);
    wait_status(dst.qts, "query-status", "status", "running");
    dst.cmdq_prod = src.cmdq_prod;
    src_text = finish(&src, rsrc);
    unlink(image);

    qtest_clock_step(dst.qts, 1000);
    qtest_writeq(dst.qts, EDU_STE + 16, STE_S2_W2);
    qtest_writeq(dst.qts, EDU_STE + 24, STE_S2_W3);
    qtest_writeq(dst.qts, EDU_STE, STE_S2_W0);
    smmum_qt_cfgi_ste(&dst, SMMUM_QT_EDU_SID);
    text = finish(&dst, rdst);
    tears = records(text, "tear");
    g_assert_cmpuint(tears->len, >=, 1);
    for (guint i = 0; i < tears->len; i++) {
        QDict *st = qdict_get_qdict(g_ptr_array_index(tears, i), "store");

        g_assert(st);
        g_assert_cmpint(qdict_get_int(st, "size"), ==, 8);
    }
}

/* ---- a new CD leaf (2-level CD table), as Linux adds a PASID ---- */

#define LEAF_SID        0x21
#define LEAF_L1         (SMMUM_QT_RAM + 0x500000)   /* L1 CD table */
#define LEAF_L2         (SMMUM_QT_RAM + 0x510000)   /* SSIDs 0-63 */
#define LEAF_STAGE      (SMMUM_QT_RAM + 0x520000)   /* edu's DMA source */
#define LEAF_TTB_A      (SMMUM_QT_RAM + 0x530000)
#define LEAF_TTB_B      (SMMUM_QT_RAM + 0x540000)
#define LEAF_MAIR       0xfffffffff404ff44ULL       /* Linux's MAIR */

static uint64_t leaf_cd(unsigned ssid)
{
    return LEAF_L2 + 64ULL * ssid;
}

static void cfgi_cd(SmmumQt *t, unsigned ssid, bool leaf)
{
    smmum_qt_cmd(t, SMMUM_QTX_CMD_CFGI_CD | ((uint64_t)ssid << 12) |
                 ((uint64_t)LEAF_SID << 32), leaf);
    smmum_qt_sync(t);
}

/*
 * StreamID LEAF_SID: stage 1 with a 2-level CD table (4 KiB leaves,
 * 256 SSIDs) whose L1 descriptors are all invalid; edu bypasses.
 */
static void leaf_setup(SmmumQt *t)
{
    uint64_t ste[8];

    smmum_qt_set_edu_ste(t, SMMUM_QT_STE_BYPASS);
    smmum_qt_cfgi_ste(t, SMMUM_QT_EDU_SID);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, LEAF_L1, 1, 8, 0);
    smmum_qt_write_ste(t, LEAF_SID, ste);
    smmum_qt_cfgi_ste(t, LEAF_SID);
}

/* The 64-byte CD: V from w0, TTB0 ttb0, Linux's MAIR. */
static void leaf_img(uint64_t cd[8], uint64_t w0, uint64_t ttb0)
{
    memset(cd, 0, 64);
    cd[0] = w0;
    cd[1] = ttb0;
    cd[3] = LEAF_MAIR;
}

/*
 * Write a CD with a write the store feeder cannot see: edu DMA (from a
 * staging buffer, through its bypass STE).  To the checker it is the
 * same as a vCPU store to a page whose watch has not taken effect.
 */
static void leaf_write_unseen(SmmumQt *t, unsigned ssid, const uint64_t cd[8])
{
    uint64_t le[8];

    for (int i = 0; i < 8; i++) {
        le[i] = cpu_to_le64(cd[i]);
    }
    qtest_memwrite(t->qts, LEAF_STAGE, le, sizeof(le));
    smmum_qt_mem_to_edu(t, LEAF_STAGE, sizeof(le));
    smmum_qt_edu_to_mem(t, leaf_cd(ssid), sizeof(le));
    g_assert_cmphex(qtest_readq(t->qts, leaf_cd(ssid)), ==, cd[0]);
}

/*
 * Linux's sequence for a new PASID on a new CD leaf, every store to the
 * leaf unseen (its watch not effective yet): L1CD, CFGI_CD(Leaf=0) +
 * SYNC; TTB0 and MAIR, CFGI_CD + SYNC; V=1, CFGI_CD + SYNC; then V=0, a
 * new TTB0, V=1, each with CFGI_CD + SYNC.  The checker judges every
 * window from what memory held at its CFGI and SYNC, as the sync feeder
 * does: no tear, no missing invalidation, only unobserved-store records.
 * A live V=0 CD filled with V=1 in one window is still a tear, unseen.
 */
static void test_store_leaf_unseen(void)
{
    SmmumQt t;
    g_autofree char *report = start_mode(&t, "store");
    g_autofree char *path = smmum_qt_smmu_path(t.qts);
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) tears = NULL;
    g_autoptr(GPtrArray) unseen = NULL;
    uint64_t w0 = smmum_qtx_cd_w0(9, true), cd[8];

    leaf_setup(&t);
    qtest_writeq(t.qts, LEAF_L1, LEAF_L2 | 1);
    cfgi_cd(&t, 1, false);
    leaf_img(cd, 0, LEAF_TTB_A);
    leaf_write_unseen(&t, 1, cd);
    cfgi_cd(&t, 1, true);
    leaf_img(cd, w0, LEAF_TTB_A);
    leaf_write_unseen(&t, 1, cd);
    cfgi_cd(&t, 1, true);
    leaf_img(cd, 0, LEAF_TTB_A);
    leaf_write_unseen(&t, 1, cd);
    cfgi_cd(&t, 1, true);
    leaf_img(cd, 0, LEAF_TTB_B);
    leaf_write_unseen(&t, 1, cd);
    cfgi_cd(&t, 1, true);
    leaf_img(cd, w0, LEAF_TTB_B);
    leaf_write_unseen(&t, 1, cd);
    cfgi_cd(&t, 1, true);
    g_assert_cmpuint(counter(t.qts, path, "tears"), ==, 0);
    g_assert_cmpuint(counter(t.qts, path, "missing-invalidations"), ==, 0);

    /* SSID 2: V=0 and reachable, then filled V=1 in one window. */
    cfgi_cd(&t, 2, true);
    leaf_img(cd, w0, LEAF_TTB_A);
    leaf_write_unseen(&t, 2, cd);
    cfgi_cd(&t, 2, true);
    g_assert_cmpuint(counter(t.qts, path, "tears"), >=, 1);

    text = finish(&t, report);
    unseen = records(text, "unobserved-store");
    g_assert_cmpuint(unseen->len, >=, 5);
    for (guint i = 0; i < unseen->len; i++) {
        QDict *r = g_ptr_array_index(unseen, i);

        g_assert_cmpint(qdict_get_int(r, "sid"), ==, LEAF_SID);
        g_assert_cmpstr(qdict_get_str(r, "view"), ==, "cd");
    }
    tears = records(text, "tear");
    g_assert_cmpuint(tears->len, >=, 1);
    for (guint i = 0; i < tears->len; i++) {
        QDict *r = g_ptr_array_index(tears, i);

        g_assert_cmpint(qdict_get_int(r, "sid"), ==, LEAF_SID);
        g_assert_cmpint(qdict_get_int(r, "ssid"), ==, 2);
        g_assert_null(qdict_get_qdict(r, "store"));
    }
    g_assert_null(strstr(text, "\"type\":\"missing-invalidation\""));
}

/*
 * The same with vCPU (qtest) stores right after the L1CD store: the
 * leaf's watch is installed by that store, so every store to the leaf is
 * seen, and a torn fill of SSID 3 names its stores.
 */
static void test_store_leaf_seen(void)
{
    SmmumQt t;
    g_autofree char *report = start_mode(&t, "store");
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) tears = NULL;
    uint64_t w0 = smmum_qtx_cd_w0(9, true);

    leaf_setup(&t);
    qtest_writeq(t.qts, LEAF_L1, LEAF_L2 | 1);
    cfgi_cd(&t, 1, false);
    qtest_writeq(t.qts, leaf_cd(1) + 8, LEAF_TTB_A);
    qtest_writeq(t.qts, leaf_cd(1) + 24, LEAF_MAIR);
    cfgi_cd(&t, 1, true);
    qtest_writeq(t.qts, leaf_cd(1), w0);
    cfgi_cd(&t, 1, true);
    /* Torn: SSID 3 filled and made valid in one window. */
    qtest_writeq(t.qts, leaf_cd(3) + 8, LEAF_TTB_B);
    qtest_writeq(t.qts, leaf_cd(3) + 24, LEAF_MAIR);
    qtest_writeq(t.qts, leaf_cd(3), w0);
    cfgi_cd(&t, 3, true);

    text = finish(&t, report);
    g_assert_null(strstr(text, "\"type\":\"unobserved-store\""));
    g_assert_null(strstr(text, "\"type\":\"missing-invalidation\""));
    tears = records(text, "tear");
    g_assert_cmpuint(tears->len, >=, 1);
    for (guint i = 0; i < tears->len; i++) {
        QDict *r = g_ptr_array_index(tears, i);
        QDict *st = qdict_get_qdict(r, "store");

        g_assert_cmpint(qdict_get_int(r, "ssid"), ==, 3);
        g_assert(st);
        g_assert_cmphex(hex_member(st, "pa") & ~63ULL, ==, leaf_cd(3));
    }
}

/*
 * A CD table set up before its STE (L1CD and leaf written while nothing
 * reached them, as Linux does for a device's first domain), then the STE
 * published: the leaf is watched from the STE's store on, so a torn fill
 * of a new PASID's CD in it (no fetch or CFGI has named the leaf yet) is
 * seen store by store and reported with its store.
 */
static void test_store_leaf_before_ste(void)
{
    SmmumQt t;
    g_autofree char *report = start_mode(&t, "store");
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) tears = NULL;
    uint64_t w0 = smmum_qtx_cd_w0(9, true), ste[8], cd[8];

    leaf_img(cd, w0, LEAF_TTB_A);
    for (int i = 0; i < 8; i++) {
        qtest_writeq(t.qts, leaf_cd(0) + 8 * i, cd[i]);
    }
    qtest_writeq(t.qts, LEAF_L1, LEAF_L2 | 1);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, LEAF_L1, 1, 8, 0);
    smmum_qt_write_ste(&t, LEAF_SID, ste);    /* one word: V, Config */
    smmum_qt_cfgi_ste(&t, LEAF_SID);
    /* Torn: SSID 1 filled and made valid in one window. */
    qtest_writeq(t.qts, leaf_cd(1) + 8, LEAF_TTB_B);
    qtest_writeq(t.qts, leaf_cd(1) + 24, LEAF_MAIR);
    qtest_writeq(t.qts, leaf_cd(1), w0);
    cfgi_cd(&t, 1, true);

    text = finish(&t, report);
    g_assert_null(strstr(text, "\"type\":\"unobserved-store\""));
    tears = records(text, "tear");
    g_assert_cmpuint(tears->len, >=, 1);
    for (guint i = 0; i < tears->len; i++) {
        QDict *r = g_ptr_array_index(tears, i);
        QDict *st = qdict_get_qdict(r, "store");

        g_assert_cmpint(qdict_get_int(r, "sid"), ==, LEAF_SID);
        g_assert_cmpint(qdict_get_int(r, "ssid"), ==, 1);
        g_assert(st);
        g_assert_cmphex(hex_member(st, "pa") & ~63ULL, ==, leaf_cd(1));
    }
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
    qtest_add_func("/smmuv3-modern/tear/store/torn", test_store_torn);
    qtest_add_func("/smmuv3-modern/tear/store/clean", test_store_clean);
    qtest_add_func("/smmuv3-modern/tear/store/shapes", test_store_shapes);
    qtest_add_func("/smmuv3-modern/tear/store/reset", test_store_reset);
    qtest_add_func("/smmuv3-modern/tear/store/migrate", test_store_migrate);
    qtest_add_func("/smmuv3-modern/tear/store/leaf-unseen",
                   test_store_leaf_unseen);
    qtest_add_func("/smmuv3-modern/tear/store/leaf-seen",
                   test_store_leaf_seen);
    qtest_add_func("/smmuv3-modern/tear/store/leaf-before-ste",
                   test_store_leaf_before_ste);
    return g_test_run();
}
