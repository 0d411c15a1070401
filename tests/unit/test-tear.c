/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: the tear checker.  Each test drives the checker the way
 * the functional model and the store feeder would (observer hooks, store
 * feed, guest memory in a FakeMem) with update sequences a correct driver
 * produces (must pass) and torn ones (must be caught with the right
 * class), and asserts the records it delivers.
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "fake-mem.h"
#include "smmum-strtab.h"
#include "smmum-tear.h"

#define STRTAB      0x100000ULL
#define L2STRTAB    0x180000ULL
#define CDT_A       0x200000ULL
#define CDT_B       0x210000ULL
#define CDT_L2      0x220000ULL
#define TTB_A       0x8000000ULL
#define TTB_B       0x9000000ULL

typedef struct Opts {
    SmmumTearMode mode;
    bool two_level;
    bool no_ats;
    bool attr_ovr;
    unsigned state_cap;
    uint64_t gap;
} Opts;

typedef struct F {
    FakeMem mem;
    SmmumTear *t;
    SmmumObserver obs;
    SmmumTearRegs regs;
    GArray *recs;
    SmmumTearMode mode;
    uint64_t pc;
    int cpu;
    uint64_t vcnt;
} F;

static const Opts o_store = { .mode = SMMUM_TEAR_STORE, .attr_ovr = true };
static const Opts o_sync = { .mode = SMMUM_TEAR_SYNC, .attr_ovr = true };
static const Opts o_store_2l = { .mode = SMMUM_TEAR_STORE, .two_level = true,
                                 .attr_ovr = true };
static const Opts o_store_noats = { .mode = SMMUM_TEAR_STORE,
                                    .no_ats = true };
static const Opts o_store_noovr = { .mode = SMMUM_TEAR_STORE };
static const Opts o_store_gap = { .mode = SMMUM_TEAR_STORE,
                                  .attr_ovr = true, .gap = 1000 };
static const Opts o_store_cap = { .mode = SMMUM_TEAR_STORE, .state_cap = 4,
                                  .attr_ovr = true };

static bool host_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    F *f = opaque;

    fake_read(&f->mem, pa, buf, len);
    return true;
}

static void host_record(void *opaque, const SmmumTearRecord *r)
{
    F *f = opaque;
    char *line = smmum_tear_record_describe(r);

    g_test_message("%s", line);
    g_free(line);
    g_array_append_val(f->recs, *r);
}

static uint64_t host_now(void *opaque)
{
    F *f = opaque;

    return f->vcnt;
}

static void host_regs(void *opaque, SmmumTearRegs *regs)
{
    F *f = opaque;

    *regs = f->regs;
}

static void setup(F *f, gconstpointer data)
{
    const Opts *o = data;
    SmmumTearParams p = { .mode = o->mode, .state_cap = o->state_cap,
                          .gap_ticks = o->gap };
    SmmumTearHost h = {
        .opaque = f, .read = host_read, .get_regs = host_regs,
        .record = host_record, .now = host_now,
    };
    uint32_t *idr;

    memset(f, 0, sizeof(*f));
    fake_mem_init(&f->mem);
    f->recs = g_array_new(FALSE, TRUE, sizeof(SmmumTearRecord));
    f->mode = o->mode;
    f->pc = 0xffff800080001000ULL;
    f->vcnt = 1000;

    idr = f->regs.idr.idr;
    idr[0] = (1u << SMMUM_IDR0_S2P) | (1u << SMMUM_IDR0_S1P) |
             (2u << SMMUM_IDR0_TTF) | (1u << SMMUM_IDR0_COHACC) |
             (1u << SMMUM_IDR0_ASID16) | (1u << SMMUM_IDR0_VMID16) |
             (1u << SMMUM_IDR0_CD2L) | (1u << SMMUM_IDR0_ST_LEVEL) |
             (1u << SMMUM_IDR0_STALL_MODEL);
    if (!o->no_ats) {
        idr[0] |= 1u << SMMUM_IDR0_ATS;
    }
    idr[1] = (16u << SMMUM_IDR1_SIDSIZE) | (8u << SMMUM_IDR1_SSIDSIZE);
    if (o->attr_ovr) {
        idr[1] |= (1u << SMMUM_IDR1_ATTR_TYPES_OVR) |
                  (1u << SMMUM_IDR1_ATTR_PERMS_OVR);
    }
    idr[5] = (4u << SMMUM_IDR5_OAS) | (1u << SMMUM_IDR5_GRAN4K) |
             (1u << SMMUM_IDR5_GRAN16K) | (1u << SMMUM_IDR5_GRAN64K);
    f->regs.smmuen = true;
    f->regs.strtab_base = STRTAB;
    if (o->two_level) {
        /* FMT=2-level, SPLIT=6, LOG2SIZE=16 */
        f->regs.strtab_base_cfg = (1u << 16) | (6u << 6) | 16;
    } else {
        f->regs.strtab_base_cfg = 8;        /* linear, 256 STEs */
    }
    f->t = smmum_tear_new(&p, &h);
    smmum_tear_observer(f->t, &f->obs);
}

static void teardown(F *f, gconstpointer data)
{
    smmum_tear_free(f->t);
    g_array_free(f->recs, TRUE);
    fake_mem_destroy(&f->mem);
}

/* ---- driving the checker ---- */

/* A guest store of 8 bytes: fed to the checker (store mode), then done. */
static void wr(F *f, uint64_t pa, uint64_t val)
{
    f->pc += 4;
    f->vcnt += 10;
    if (f->mode == SMMUM_TEAR_STORE) {
        smmum_tear_store(f->t, pa, 8, val, f->pc, f->cpu, f->vcnt);
    }
    fake_write64(&f->mem, pa, val);
}

/* Memory changes nobody tells the checker about (setup, page reuse). */
static void poke(F *f, uint64_t pa, uint64_t val)
{
    fake_write64(&f->mem, pa, val);
}

static void cfgi(F *f, SmmumCfgiKind kind, uint32_t sid, uint32_t ssid,
                 bool leaf)
{
    SmmumCfgi c = { .kind = kind, .sid = sid, .ssid = ssid, .leaf = leaf };

    f->vcnt += 10;
    f->obs.cfgi_consumed(f->obs.opaque, &c);
}

static void cfgi_ste(F *f, uint32_t sid)
{
    cfgi(f, SMMUM_CFGI_STE, sid, 0, true);
}

static void sync_(F *f)
{
    f->vcnt += 10;
    f->obs.sync_completed(f->obs.opaque);
}

static void inv_ste(F *f, uint32_t sid)
{
    cfgi_ste(f, sid);
    sync_(f);
}

static void inv_cd(F *f, uint32_t sid, uint32_t ssid)
{
    cfgi(f, SMMUM_CFGI_CD, sid, ssid, true);
    sync_(f);
}

static void txn(F *f, uint32_t sid, uint32_t ssid, bool ssv)
{
    f->obs.txn(f->obs.opaque, sid, ssid, ssv);
}

static uint64_t ste_addr(uint32_t sid)
{
    return STRTAB + 64ULL * sid;
}

/* Write the words of img that differ from memory, in the order given. */
static void wr_words(F *f, uint64_t addr, const uint64_t *img,
                     const unsigned *order, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned w = order[i];

        if (fake_read64(&f->mem, addr + 8 * w) != img[w]) {
            wr(f, addr + 8 * w, img[w]);
        }
    }
}

static void poke_img(F *f, uint64_t addr, const uint64_t *img)
{
    for (unsigned i = 0; i < 8; i++) {
        poke(f, addr + 8 * i, img[i]);
    }
}

static unsigned count(F *f, SmmumTearRecType type, int cls)
{
    unsigned n = 0;

    for (guint i = 0; i < f->recs->len; i++) {
        SmmumTearRecord *r = &g_array_index(f->recs, SmmumTearRecord, i);

        if (r->type == type && (cls < 0 || (int)r->cls == cls)) {
            n++;
        }
    }
    return n;
}

static SmmumTearRecord *find(F *f, SmmumTearRecType type, int cls)
{
    for (guint i = 0; i < f->recs->len; i++) {
        SmmumTearRecord *r = &g_array_index(f->recs, SmmumTearRecord, i);

        if (r->type == type && (cls < 0 || (int)r->cls == cls)) {
            return r;
        }
    }
    return NULL;
}

static unsigned tears(F *f)
{
    return count(f, SMMUM_TEAR_REC_TEAR, -1);
}

/* ---- entry builders ---- */

static void setf(uint64_t *w, unsigned pos, unsigned len, uint64_t val)
{
    smmum_ste_set_field(w, pos, len, val);
}

static void ste_abort(uint64_t *w)
{
    memset(w, 0, 64);
    setf(w, SMMUM_STE_V, 1, 1);
    setf(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_ABORT);
}

static void ste_bypass(uint64_t *w, unsigned shcfg)
{
    memset(w, 0, 64);
    setf(w, SMMUM_STE_V, 1, 1);
    setf(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_BYPASS);
    setf(w, SMMUM_STE_SHCFG, 2, shcfg);
}

static void ste_s1(uint64_t *w, uint64_t ctx, unsigned cdmax, unsigned fmt,
                   unsigned dss)
{
    memset(w, 0, 64);
    setf(w, SMMUM_STE_V, 1, 1);
    setf(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_S1);
    setf(w, SMMUM_STE_S1FMT, 2, fmt);
    setf(w, SMMUM_STE_S1CTXPTR, 50, ctx >> 6);
    setf(w, SMMUM_STE_S1CDMAX, 5, cdmax);
    setf(w, SMMUM_STE_S1DSS, 2, dss);
}

static void ste_s2_fields(uint64_t *w, unsigned vmid, uint64_t ttb)
{
    setf(w, SMMUM_STE_S2VMID, 16, vmid);
    setf(w, SMMUM_STE_S2T0SZ, 6, 25);
    setf(w, SMMUM_STE_S2SL0, 2, 1);
    setf(w, SMMUM_STE_S2IR0, 2, 1);
    setf(w, SMMUM_STE_S2OR0, 2, 1);
    setf(w, SMMUM_STE_S2SH0, 2, 3);
    setf(w, SMMUM_STE_S2TG, 2, 0);
    setf(w, SMMUM_STE_S2PS, 3, 2);
    setf(w, SMMUM_STE_S2AA64, 1, 1);
    setf(w, SMMUM_STE_S2TTB, 52, ttb >> 4);
}

static void ste_s2(uint64_t *w, unsigned vmid, uint64_t ttb)
{
    memset(w, 0, 64);
    setf(w, SMMUM_STE_V, 1, 1);
    setf(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_S2);
    ste_s2_fields(w, vmid, ttb);
}

static void cd_make(uint64_t *w, unsigned asid, uint64_t ttb0)
{
    memset(w, 0, 64);
    w[0] = 25 | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | /* T0SZ, attrs */
           (1ULL << 30) |                   /* EPD1 */
           (1ULL << 31) |                   /* V */
           (2ULL << 32) |                   /* IPS 40 bits */
           (1ULL << 41) |                   /* AA64 */
           (1ULL << 45) | (1ULL << 46) |    /* R, A */
           ((uint64_t)asid << 48);
    w[1] = ttb0 & 0x000ffffffffffff0ULL;
    w[3] = 0x0000000000ff44ffULL;           /* MAIR */
}

/* The builders must produce what the decoders call valid. */
static void test_builders(F *f, gconstpointer data)
{
    uint64_t w[8];
    SmmumSteMeaning m;
    SmmumCdMeaning c;
    SmmumCdCtx ctx = { 0 };

    ste_s1(w, CDT_A, 0, 0, 0);
    smmum_ste_decode(&f->regs.idr, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmphex(m.regime.s1_context_ptr, ==, CDT_A);
    ste_s2(w, 5, TTB_A);
    smmum_ste_decode(&f->regs.idr, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpuint(m.regime.s2_vmid, ==, 5);
    ste_bypass(w, 0);
    smmum_ste_decode(&f->regs.idr, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_BYPASS);
    ste_abort(w);
    smmum_ste_decode(&f->regs.idr, w, &m);
    g_assert_cmpint(m.outcome, ==, SMMUM_OUT_ABORT);
    cd_make(w, 7, TTB_A);
    smmum_cd_decode(&f->regs.idr, &ctx, w, &c);
    g_assert_cmpint(c.outcome, ==, SMMUM_OUT_TRANSLATE);
    g_assert_cmpuint(c.regime.asid, ==, 7);
    g_assert_cmphex(c.regime.ttb0, ==, TTB_A);
}

/* ---- STE updates a correct driver makes: must pass ---- */

/* bypass -> S1 the three-step way: unused bits, critical word, clean-up. */
static void test_bypass_to_s1_hitless(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8], step[8];
    unsigned o01[] = { 0, 1 };
    uint64_t a = ste_addr(3);

    ste_bypass(cur, 1);
    poke_img(f, a, cur);
    inv_ste(f, 3);                      /* sync mode: the view exists */
    cd_make(step, 1, TTB_A);
    poke_img(f, CDT_A, step);           /* CD written before it is reachable */
    ste_s1(tgt, CDT_A, 0, 0, 0);
    setf(tgt, SMMUM_STE_S1CIR, 2, 1);

    /* 1: S1 fields bypass ignores (Config stays bypass, SHCFG kept). */
    memcpy(step, tgt, sizeof(step));
    setf(step, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_BYPASS);
    setf(step, SMMUM_STE_SHCFG, 2, 1);
    wr_words(f, a, step, o01, 2);
    inv_ste(f, 3);
    /* 2: the critical word. */
    memcpy(step + 0, tgt + 0, 8);
    wr_words(f, a, step, o01, 1);
    inv_ste(f, 3);
    /* 3: clean up what S1 ignores (SHCFG). */
    wr_words(f, a, tgt, o01, 2);
    inv_ste(f, 3);
    txn(f, 3, 0, false);

    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TRANSITION, -1), ==, 1);
    g_assert_true(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->hitless);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->sync_count,
                     ==, 3);
    g_assert_cmphex(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->a[0], ==, cur[0]);
    g_assert_cmphex(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->b[0], ==, tgt[0]);
}

/*
 * S1 -> S1 with a CD table of more CDs and S1DSS=substream0: S1DSS first
 * (IGNORED while S1CDMax=0), then word 0.  Both in one window: torn.
 */
static void test_s1_to_s1_used_bits(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    unsigned o1[] = { 1 }, o0[] = { 0 }, o10[] = { 1, 0 };
    uint64_t a = ste_addr(16), b = ste_addr(17);

    ste_s1(cur, CDT_A, 0, 0, 0);
    poke_img(f, a, cur);
    poke_img(f, b, cur);
    inv_ste(f, 16);
    inv_ste(f, 17);
    ste_s1(tgt, CDT_B, 4, 0, 2);
    wr_words(f, a, tgt, o1, 1);
    inv_ste(f, 16);
    wr_words(f, a, tgt, o0, 1);
    inv_ste(f, 16);
    txn(f, 16, 0, false);
    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_true(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->hitless);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->sync_count,
                     ==, 2);

    wr_words(f, b, tgt, o10, 2);
    inv_ste(f, 17);
    g_assert_cmpuint(tears(f), ==, 1);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TEAR, -1)->sid, ==, 17);
    g_assert_cmpint(find(f, SMMUM_TEAR_REC_TEAR, -1)->cls, ==,
                    SMMUM_TEAR_CLASS_TRANSLATE);
}

/* S1 -> S1 with another CD table: one 64-bit word. */
static void test_s1_to_s1_ctxptr(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8], cd[8];
    unsigned o0[] = { 0 };
    uint64_t a = ste_addr(4);

    ste_s1(cur, CDT_A, 0, 0, 0);
    poke_img(f, a, cur);
    cd_make(cd, 1, TTB_A);
    poke_img(f, CDT_A, cd);
    inv_ste(f, 4);                      /* the view exists in both modes */
    /* New CD table filled before the STE points at it. */
    cd_make(cd, 2, TTB_B);
    for (unsigned i = 0; i < 8; i++) {
        wr(f, CDT_B + 8 * i, cd[i]);
    }
    ste_s1(tgt, CDT_B, 0, 0, 0);
    wr_words(f, a, tgt, o0, 1);
    inv_ste(f, 4);
    txn(f, 4, 0, false);

    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TRANSITION, -1), ==, 1);
    g_assert_true(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->hitless);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->sync_count,
                     ==, 1);
}

/* S1 -> abort -> S2 without traffic between: one breaking transition. */
static void test_s1_abort_s2(F *f, gconstpointer data)
{
    uint64_t cur[8], ab[8], tgt[8], step[8];
    unsigned all[] = { 1, 2, 3, 4, 5, 6, 7, 0 };
    unsigned o0[] = { 0 };
    uint64_t a = ste_addr(5);

    ste_s1(cur, CDT_A, 0, 0, 0);
    poke_img(f, a, cur);
    inv_ste(f, 5);
    ste_abort(ab);
    memcpy(step, cur, sizeof(step));
    step[0] = ab[0];                    /* abort uses word 0 only */
    wr_words(f, a, step, o0, 1);
    inv_ste(f, 5);
    ste_s2(tgt, 9, TTB_A);
    memcpy(step, tgt, sizeof(step));
    step[0] = ab[0];                    /* S2 fields under abort */
    wr_words(f, a, step, all, 8);
    inv_ste(f, 5);
    wr_words(f, a, tgt, o0, 1);
    inv_ste(f, 5);
    txn(f, 5, 0, false);

    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TRANSITION, -1), ==, 1);
    g_assert_false(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->hitless);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->sync_count,
                     ==, 3);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TRANSIENT_BYPASS, -1), ==, 0);
}

/* Break-before-make: V=0, the rest, word 0. */
static void test_break_before_make(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    unsigned rest[] = { 1, 2, 3, 4, 5, 6, 7 };
    uint64_t a = ste_addr(6);
    SmmumTearCounters c;

    ste_s1(cur, CDT_A, 0, 0, 0);
    setf(cur, SMMUM_STE_EATS, 2, 1);
    poke_img(f, a, cur);
    inv_ste(f, 6);
    ste_s2(tgt, 3, TTB_B);
    wr(f, a, 0);
    inv_ste(f, 6);
    wr_words(f, a, tgt, rest, 7);
    inv_ste(f, 6);
    wr(f, a, tgt[0]);
    inv_ste(f, 6);
    txn(f, 6, 0, false);

    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.breaking, ==, 1);
    g_assert_cmpuint(c.hitless, ==, 0);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->sync_count,
                     ==, 3);
}

/* S2 -> nested (one word) passes; nested with a VMID change torn. */
static void test_nested(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    unsigned order[] = { 0, 2 };
    uint64_t a = ste_addr(15);

    ste_s2(cur, 1, TTB_A);
    poke_img(f, a, cur);
    inv_ste(f, 15);
    memcpy(tgt, cur, sizeof(tgt));
    ste_s1(tgt, CDT_A, 0, 0, 0);
    memcpy(tgt + 1, cur + 1, 7 * 8);
    setf(tgt, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_NESTED);
    wr_words(f, a, tgt, order, 2);
    inv_ste(f, 15);
    txn(f, 15, 0, false);
    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TRANSITION, -1)->hitless, ==,
                     true);

    /* nested -> S2 with another VMID, both words in one window. */
    ste_s2(cur, 2, TTB_A);
    wr_words(f, a, cur, order, 2);
    inv_ste(f, 15);
    g_assert_cmpuint(tears(f), ==, 1);
    g_assert_cmpint(find(f, SMMUM_TEAR_REC_TEAR, -1)->cls, ==,
                    SMMUM_TEAR_CLASS_TRANSLATE);
}

/* ---- torn STE updates: must be caught ---- */

/* S2 -> S1 writing Config/S1ContextPtr and the VMID word in one window. */
static void test_torn_config_two_words(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8], cd[8];
    unsigned order[] = { 2, 0, 3 };
    uint64_t a = ste_addr(7);
    SmmumTearRecord *r;
    uint64_t pc_first;

    ste_s2(cur, 1, TTB_A);
    poke_img(f, a, cur);
    cd_make(cd, 1, TTB_A);
    poke_img(f, CDT_A, cd);
    inv_ste(f, 7);
    ste_s1(tgt, CDT_A, 0, 0, 0);
    pc_first = f->pc + 4;
    wr_words(f, a, tgt, order, 3);
    inv_ste(f, 7);

    /*
     * Old Config with the new (zero) S2TTB word: a stage-2 table neither
     * end had; with the new (zero) VMID/T0SZ word: ILLEGAL, an abort
     * neither end had.
     */
    g_assert_cmpuint(tears(f), ==, 2);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                           SMMUM_TEAR_CLASS_TRANSLATE), ==, 1);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                           SMMUM_TEAR_CLASS_ABORT), ==, 1);
    r = find(f, SMMUM_TEAR_REC_TEAR, SMMUM_TEAR_CLASS_ABORT);
    g_assert_cmpint(r->sev, ==, SMMUM_TEAR_SEV_MAJOR);
    if (f->mode == SMMUM_TEAR_STORE) {
        g_assert_true(r->store.valid);
        g_assert_cmphex(r->store.pc, ==, pc_first);
        g_assert_cmphex(r->store.pa, ==, a + 16);
    }
    r = find(f, SMMUM_TEAR_REC_TEAR, SMMUM_TEAR_CLASS_TRANSLATE);
    g_assert_cmpint(r->sev, ==, SMMUM_TEAR_SEV_CRITICAL);
    g_assert_cmpint(r->view, ==, SMMUM_TEAR_VIEW_STE);
    g_assert_cmpuint(r->sid, ==, 7);
    g_assert_cmphex(r->addr, ==, a);
    g_assert_cmphex(r->a[2], ==, cur[2]);
    g_assert_cmphex(r->b[0], ==, tgt[0]);
    g_assert_true(memcmp(r->state, cur, 64) && memcmp(r->state, tgt, 64));
    if (f->mode == SMMUM_TEAR_STORE) {
        /* The first store that put a value of the state in memory. */
        g_assert_true(r->store.valid);
        g_assert_true(r->store.pa == a || r->store.pa == a + 16 ||
                      r->store.pa == a + 24);
        g_assert_cmphex(r->state[(r->store.pa - a) / 8], ==,
                        tgt[(r->store.pa - a) / 8]);
    } else {
        g_assert_false(r->store.valid);
    }
    g_assert_cmpuint(r->ncmds, >=, 2);
    g_assert_cmpuint(r->cmds[r->ncmds - 1].op, ==, 0x46);
    g_assert_cmpuint(r->cmds[r->ncmds - 2].op, ==, 0x03);
    g_assert_cmpuint(r->cmds[r->ncmds - 2].sid, ==, 7);
    g_assert_cmphex(r->idr.idr[0], ==, f->regs.idr.idr[0]);
}

/* A VMID from A with an S2TTB from B. */
static void test_torn_vmid_ttb(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    unsigned order[] = { 2, 3 };
    uint64_t a = ste_addr(8);
    SmmumTearRecord *r;
    SmmumSteMeaning ms;

    ste_s2(cur, 1, TTB_A);
    poke_img(f, a, cur);
    inv_ste(f, 8);
    ste_s2(tgt, 2, TTB_B);
    wr_words(f, a, tgt, order, 1);
    txn(f, 8, 0, false);
    wr_words(f, a, tgt, order + 1, 1);
    inv_ste(f, 8);

    g_assert_cmpuint(tears(f), ==, 1);
    r = find(f, SMMUM_TEAR_REC_TEAR, SMMUM_TEAR_CLASS_TRANSLATE);
    g_assert_nonnull(r);
    smmum_ste_decode(&f->regs.idr, r->state, &ms);
    g_assert_true((ms.regime.s2_vmid == 1 && ms.regime.s2_ttb == TTB_B) ||
                  (ms.regime.s2_vmid == 2 && ms.regime.s2_ttb == TTB_A));
    g_assert_cmpuint(r->exposure, ==, 1);
    g_assert_false(r->approximate);
    /* A DMA between two meaning-changing stores: stale/missing. */
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==,
                     (f->mode == SMMUM_TEAR_STORE ? 1 : 0));
}

/* A word written twice between SYNCs: only `store` sees the middle. */
static void test_written_twice(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8], byp[8];
    unsigned order[] = { 2, 3 };
    uint64_t a = ste_addr(9);

    ste_s1(cur, CDT_A, 0, 0, 0);
    poke_img(f, a, cur);
    inv_ste(f, 9);
    ste_s2(tgt, 4, TTB_A);
    ste_bypass(byp, 0);
    wr(f, a, byp[0]);                   /* transiently bypass */
    wr_words(f, a, tgt, order, 2);
    wr(f, a, tgt[0]);
    inv_ste(f, 9);

    if (f->mode == SMMUM_TEAR_STORE) {
        g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                               SMMUM_TEAR_CLASS_BYPASS), ==, 1);
        g_assert_cmpint(find(f, SMMUM_TEAR_REC_TEAR,
                             SMMUM_TEAR_CLASS_BYPASS)->sev, ==,
                        SMMUM_TEAR_SEV_CRITICAL);
    } else {
        g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                               SMMUM_TEAR_CLASS_BYPASS), ==, 0);
    }
    /* Both modes: S2 Config with S1-era words 2/3 is ILLEGAL -> abort. */
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                           SMMUM_TEAR_CLASS_ABORT), ==, 1);
}

/* memset of a live STE, then the new entry, in one window. */
static void test_memset_live(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    unsigned all[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    uint64_t a = ste_addr(10);

    ste_s2(cur, 1, TTB_A);
    poke_img(f, a, cur);
    inv_ste(f, 10);
    for (unsigned i = 0; i < 8; i++) {
        wr(f, a + 8 * i, 0);
    }
    ste_s2(tgt, 1, TTB_B);
    wr_words(f, a, tgt, all, 8);
    inv_ste(f, 10);

    if (f->mode == SMMUM_TEAR_STORE) {
        /* Zero word 0 seen: abort neither end had; zero S2TTB: translate */
        g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                               SMMUM_TEAR_CLASS_ABORT), ==, 1);
        g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                               SMMUM_TEAR_CLASS_TRANSLATE), ==, 1);
    } else {
        /* sync only sees A and B: one word differs, fine. */
        g_assert_cmpuint(tears(f), ==, 0);
    }
}

/* EATS from B with S1ContextPtr from A; ATS on vs. off. */
static void test_ats_variants(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    unsigned order[] = { 1, 0 };
    uint64_t a = ste_addr(11);
    bool ats = f->regs.idr.idr[0] & (1u << SMMUM_IDR0_ATS);

    ste_s1(cur, CDT_A, 0, 0, 0);
    poke_img(f, a, cur);
    inv_ste(f, 11);
    ste_s1(tgt, CDT_B, 0, 0, 0);
    setf(tgt, SMMUM_STE_EATS, 2, 1);
    wr_words(f, a, tgt, order, 2);
    inv_ste(f, 11);

    if (ats) {
        /* A's table with EATS on; B's table with ATS refused. */
        g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                               SMMUM_TEAR_CLASS_ATS), ==, 1);
        g_assert_cmpint(find(f, SMMUM_TEAR_REC_TEAR,
                             SMMUM_TEAR_CLASS_ATS)->sev, ==,
                        SMMUM_TEAR_SEV_CRITICAL);
        g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                               SMMUM_TEAR_CLASS_ABORT), ==, 1);
        g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                               SMMUM_TEAR_CLASS_TRANSLATE), ==, 0);
    } else {
        /* Without IDR0.ATS, EATS is IGNORED: both words are harmless. */
        g_assert_cmpuint(tears(f), ==, 0);
    }
}

/* SHCFG from B while still bypass: attr tear only with ATTR_TYPES_OVR. */
static void test_attr_types_ovr(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    unsigned order[] = { 1, 0 };
    uint64_t a = ste_addr(12);
    bool ovr = f->regs.idr.idr[1] & (1u << SMMUM_IDR1_ATTR_TYPES_OVR);

    ste_s2(tgt, 3, TTB_A);
    setf(tgt, SMMUM_STE_SHCFG, 2, 1);
    ste_bypass(cur, 0);
    memcpy(cur + 2, tgt + 2, 6 * 8);    /* S2 words already in place */
    poke_img(f, a, cur);
    inv_ste(f, 12);
    wr_words(f, a, tgt, order, 2);
    inv_ste(f, 12);

    if (ovr) {
        g_assert_cmpuint(tears(f), ==, 1);
        g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                               SMMUM_TEAR_CLASS_ATTR), ==, 1);
        g_assert_cmpint(find(f, SMMUM_TEAR_REC_TEAR, -1)->sev, ==,
                        SMMUM_TEAR_SEV_MINOR);
    } else {
        g_assert_cmpuint(tears(f), ==, 0);
    }
}

/* Both ends block DMA: an ILLEGAL mix is info, not a tear class. */
static void test_illegal_mix_info(F *f, gconstpointer data)
{
    uint64_t ab[8], bad[8];
    uint64_t a = ste_addr(13);
    SmmumTearCounters c;

    poke(f, a, 0);                      /* V=0 */
    inv_ste(f, 13);
    ste_s2(bad, 0, 0);
    memset(bad + 1, 0, 7 * 8);          /* S2 with S2 words zero: ILLEGAL */
    ste_abort(ab);
    wr(f, a, bad[0]);
    wr(f, a, ab[0]);
    inv_ste(f, 13);

    if (f->mode == SMMUM_TEAR_STORE) {
        g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                               SMMUM_TEAR_CLASS_ILLEGAL_MIX), ==, 1);
        g_assert_cmpint(find(f, SMMUM_TEAR_REC_TEAR, -1)->sev, ==,
                        SMMUM_TEAR_SEV_INFO);
    }
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                           SMMUM_TEAR_CLASS_ABORT), ==, 0);
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.by_severity[SMMUM_TEAR_SEV_CRITICAL] +
                     c.by_severity[SMMUM_TEAR_SEV_MAJOR], ==, 0);
}

/* ---- CDs ---- */

/* STE sid -> linear CD table at ctx with 2^cdmax CDs; views created. */
static void setup_s1(F *f, uint32_t sid, uint64_t ctx, unsigned cdmax,
                     unsigned asid)
{
    uint64_t ste[8], cd[8];

    ste_s1(ste, ctx, cdmax, 0, 0);
    poke_img(f, ste_addr(sid), ste);
    cd_make(cd, asid, TTB_A);
    poke_img(f, ctx, cd);
    inv_ste(f, sid);
    inv_cd(f, sid, 0);
}

static void test_cd_torn_asid_ttb(F *f, gconstpointer data)
{
    uint64_t tgt[8];
    unsigned order[] = { 0, 1 };
    SmmumTearRecord *r;

    setup_s1(f, 20, CDT_A, 0, 1);
    cd_make(tgt, 2, TTB_B);
    wr_words(f, CDT_A, tgt, order, 2);
    inv_cd(f, 20, 0);

    g_assert_cmpuint(tears(f), ==, 1);
    r = find(f, SMMUM_TEAR_REC_TEAR, SMMUM_TEAR_CLASS_TRANSLATE);
    g_assert_nonnull(r);
    g_assert_cmpint(r->view, ==, SMMUM_TEAR_VIEW_CD);
    g_assert_cmpuint(r->sid, ==, 20);
    g_assert_cmpuint(r->ssid, ==, 0);
    g_assert_cmphex(r->addr, ==, CDT_A);
    g_assert_cmpuint(r->cmds[r->ncmds - 2].op, ==, 0x05);
}

static void test_cd_updates_pass(F *f, gconstpointer data)
{
    uint64_t cd[8];
    SmmumTearCounters c;

    setup_s1(f, 21, CDT_A, 0, 1);
    /* ASID change: one word. */
    cd_make(cd, 2, TTB_A);
    wr(f, CDT_A, cd[0]);
    inv_cd(f, 21, 0);
    txn(f, 21, 0, false);
    /* TTB0 change: one word. */
    wr(f, CDT_A + 8, TTB_B);
    inv_cd(f, 21, 0);
    txn(f, 21, 0, false);
    /* EPD0 on, TTB0 (now IGNORED) changed, EPD0 off. */
    wr(f, CDT_A, cd[0] | (1ULL << 14));
    inv_cd(f, 21, 0);
    wr(f, CDT_A + 8, TTB_A);
    inv_cd(f, 21, 0);
    wr(f, CDT_A, cd[0]);
    inv_cd(f, 21, 0);
    txn(f, 21, 0, false);
    /* ASID and TTB0 together: break (V=0) before make. */
    cd_make(cd, 3, TTB_B);
    wr(f, CDT_A, 0);
    inv_cd(f, 21, 0);
    wr(f, CDT_A + 8, cd[1]);
    inv_cd(f, 21, 0);
    wr(f, CDT_A, cd[0]);
    inv_cd(f, 21, 0);
    txn(f, 21, 0, false);
    /* Clearing it. */
    wr(f, CDT_A, 0);
    inv_cd(f, 21, 0);
    txn(f, 21, 0, false);

    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.hitless, ==, 4);
    g_assert_cmpuint(c.breaking, ==, 1);
}

/* ---- windows ---- */

static void test_two_vcpus(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    uint64_t a = ste_addr(30);
    SmmumTearCounters c;

    ste_s2(cur, 1, TTB_A);
    poke_img(f, a, cur);
    poke_img(f, ste_addr(31), cur);
    inv_ste(f, 30);
    inv_ste(f, 31);

    /* Correct: vCPU1's unrelated CFGI+SYNC lands between store and CFGI */
    ste_s2(tgt, 2, TTB_A);
    f->cpu = 0;
    wr(f, a + 16, tgt[2]);
    f->cpu = 1;
    inv_ste(f, 31);
    sync_(f);
    f->cpu = 0;
    inv_ste(f, 30);
    txn(f, 30, 0, false);
    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.hitless, ==, 1);

    /* Torn: the unrelated SYNC does not split sid 30's window. */
    ste_s2(tgt, 3, TTB_B);
    wr(f, a + 16, tgt[2]);
    f->cpu = 1;
    inv_ste(f, 31);
    f->cpu = 0;
    wr(f, a + 24, tgt[3]);
    inv_ste(f, 30);
    g_assert_cmpuint(tears(f), ==, 1);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TEAR, -1)->sid, ==, 30);
    g_assert_cmpint(find(f, SMMUM_TEAR_REC_TEAR, -1)->cls, ==,
                    SMMUM_TEAR_CLASS_TRANSLATE);
}

static void test_store_racing(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    uint64_t a = ste_addr(32);
    SmmumTearRecord *r;

    ste_s2(cur, 1, TTB_A);
    poke_img(f, a, cur);
    inv_ste(f, 32);
    ste_s2(tgt, 2, TTB_B);
    wr(f, a + 16, tgt[2]);
    cfgi_ste(f, 32);
    wr(f, a + 24, tgt[3]);              /* between CFGI and its SYNC */
    sync_(f);

    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_RACING_STORE, -1), ==, 1);
    r = find(f, SMMUM_TEAR_REC_RACING_STORE, -1);
    g_assert_cmphex(r->store.pa, ==, a + 24);
    g_assert_cmpuint(r->cmds[0].op, ==, 0x03);
    /* Window 1 holds both stores: torn. */
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                           SMMUM_TEAR_CLASS_TRANSLATE), ==, 1);
    /* The racing store is not covered by the CFGI before it. */
    txn(f, 32, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 1);
    g_assert_cmpstr(find(f, SMMUM_TEAR_REC_MISSING_INVAL, -1)->reason, ==,
                    "txn");
    /* Window 2 (from the CFGI) sees only the racing word change. */
    inv_ste(f, 32);
    g_assert_cmpuint(tears(f), ==, 1);
}

/* CFGI_ALL and STE_RANGE close windows too. */
static void test_cfgi_all_range(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    unsigned order[] = { 2, 3 };
    SmmumCfgi c = { .kind = SMMUM_CFGI_STE_RANGE, .sid = 33, .range = 1 };

    ste_s2(cur, 1, TTB_A);
    poke_img(f, ste_addr(34), cur);
    poke_img(f, ste_addr(36), cur);
    inv_ste(f, 34);
    inv_ste(f, 36);
    ste_s2(tgt, 2, TTB_B);
    wr_words(f, ste_addr(34), tgt, order, 2);
    wr_words(f, ste_addr(36), tgt, order, 2);
    /* Range=1: SIDs 32..35. */
    f->obs.cfgi_consumed(f->obs.opaque, &c);
    sync_(f);
    g_assert_cmpuint(tears(f), ==, 1);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TEAR, -1)->sid, ==, 34);
    cfgi(f, SMMUM_CFGI_ALL, 0, 0, false);
    sync_(f);
    g_assert_cmpuint(tears(f), ==, 2);
}

/* One CD table, two SIDs: two views of one address. */
static void test_shared_cd_torn(F *f, gconstpointer data)
{
    uint64_t tgt[8];
    unsigned order[] = { 0, 1 };

    setup_s1(f, 40, CDT_A, 0, 1);
    setup_s1(f, 41, CDT_A, 0, 1);
    cd_make(tgt, 2, TTB_B);
    wr_words(f, CDT_A, tgt, order, 2);
    inv_cd(f, 40, 0);
    g_assert_cmpuint(tears(f), ==, 1);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TEAR, -1)->sid, ==, 40);
    inv_cd(f, 41, 0);
    g_assert_cmpuint(tears(f), ==, 2);
    g_assert_cmpuint(g_array_index(f->recs, SmmumTearRecord,
                                   f->recs->len - 1).sid, ==, 41);
}

static void test_shared_cd_missing(F *f, gconstpointer data)
{
    uint64_t tgt[8];
    SmmumTearRecord *r;

    setup_s1(f, 42, CDT_A, 0, 1);
    setup_s1(f, 43, CDT_A, 0, 1);
    cd_make(tgt, 2, TTB_A);
    wr(f, CDT_A, tgt[0]);
    inv_cd(f, 42, 0);                   /* sid 43 never invalidated */
    txn(f, 42, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);
    txn(f, 43, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 1);
    r = find(f, SMMUM_TEAR_REC_MISSING_INVAL, -1);
    g_assert_cmpuint(r->sid, ==, 43);
    g_assert_cmpint(r->view, ==, SMMUM_TEAR_VIEW_CD);
    g_assert_cmpuint(r->exposure, ==, 1);
    g_assert_cmphex(r->store.pa, ==, CDT_A);
    g_assert_cmpuint(tears(f), ==, 0);
}

/* ---- level-1 descriptors ---- */

static void test_l1std_publication(F *f, gconstpointer data)
{
    uint64_t byp[8];
    SmmumTearRecord *r;

    ste_bypass(byp, 0);
    for (unsigned i = 0; i < 64; i++) {
        poke_img(f, L2STRTAB + 64 * i, byp);          /* L2 filled first */
        poke_img(f, L2STRTAB + 0x1000 + 64 * i, byp);
    }
    /* Linux-style: L1STD written, only leaf STE invalidations. */
    wr(f, STRTAB + 8 * 1, L2STRTAB | 7);
    cfgi(f, SMMUM_CFGI_STE, 0x45, 0, true);
    sync_(f);
    txn(f, 0x45, 0, false);
    txn(f, 0x45, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_L1_PUBLISH, -1), ==, 1);
    r = find(f, SMMUM_TEAR_REC_L1_PUBLISH, -1);
    g_assert_cmpint(r->view, ==, SMMUM_TEAR_VIEW_L1STD);
    g_assert_cmpuint(r->ssid, ==, 1);
    g_assert_cmphex(r->addr, ==, STRTAB + 8);
    g_assert_cmpint(r->sev, ==, SMMUM_TEAR_SEV_INFO);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);

    /* By the book: CFGI_STE Leaf=0 covers the L1STD. */
    wr(f, STRTAB + 8 * 2, (L2STRTAB + 0x1000) | 7);
    cfgi(f, SMMUM_CFGI_STE, 0x80, 0, false);
    sync_(f);
    txn(f, 0x80, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_L1_PUBLISH, -1), ==, 1);
    g_assert_cmpuint(tears(f), ==, 0);
}

static void test_l1cd_publication(F *f, gconstpointer data)
{
    uint64_t ste[8], cd[8];
    SmmumTearRecord *r;

    ste_s1(ste, CDT_A, 8, 1, 0);        /* 2-level, 4 KiB leaves */
    poke_img(f, ste_addr(50), ste);
    inv_ste(f, 50);
    cd_make(cd, 5, TTB_A);
    poke_img(f, CDT_L2 + 64 * 3, cd);
    poke_img(f, CDT_L2 + 0x1000 + 64 * 1, cd);

    wr(f, CDT_A, CDT_L2 | 1);
    cfgi(f, SMMUM_CFGI_CD, 50, 3, true);
    sync_(f);
    txn(f, 50, 3, true);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_L1_PUBLISH, -1), ==, 1);
    r = find(f, SMMUM_TEAR_REC_L1_PUBLISH, -1);
    g_assert_cmpint(r->view, ==, SMMUM_TEAR_VIEW_L1CD);
    g_assert_cmpuint(r->sid, ==, 50);
    g_assert_cmpuint(r->ssid, ==, 0);

    wr(f, CDT_A + 8, (CDT_L2 + 0x1000) | 1);
    cfgi(f, SMMUM_CFGI_CD, 50, 65, false);
    sync_(f);
    txn(f, 50, 65, true);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_L1_PUBLISH, -1), ==, 1);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);
    g_assert_cmpuint(tears(f), ==, 0);
}

/* ---- pruning ---- */

static void test_page_reuse(F *f, gconstpointer data)
{
    uint64_t cd[8], byp[8];
    SmmumTearCounters c;
    guint nrec;

    setup_s1(f, 60, CDT_A, 0, 1);
    cd_make(cd, 2, TTB_A);
    wr(f, CDT_A, cd[0]);
    inv_cd(f, 60, 0);
    g_assert_true(smmum_tear_watched(f->t, CDT_A));
    /* Detach: STE to bypass; the CD table is freed afterwards. */
    ste_bypass(byp, 0);
    wr(f, ste_addr(60), byp[0]);
    inv_ste(f, 60);
    txn(f, 60, 0, false);
    nrec = f->recs->len;
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.views, ==, 1);
    g_assert_false(smmum_tear_watched(f->t, CDT_A));
    /* The page is reused for something else. */
    for (unsigned i = 0; i < 16; i++) {
        wr(f, CDT_A + 8 * i, 0x1111111111111111ULL * i);
    }
    sync_(f);
    smmum_tear_finish(f->t);
    g_assert_cmpuint(f->recs->len, ==, nrec);
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.views, ==, 1);
    g_assert_cmpuint(tears(f), ==, 0);
}

/* ---- bounded work ---- */

static void test_cap_approximate(F *f, gconstpointer data)
{
    uint64_t byp[8];
    uint64_t a = ste_addr(70);
    SmmumTearCounters c;

    ste_bypass(byp, 0);
    poke_img(f, a, byp);
    inv_ste(f, 70);
    /* Words bypass ignores, each given two new values: 27 states > 4. */
    for (unsigned w = 2; w < 5; w++) {
        wr(f, a + 8 * w, 0x10 + w);
        wr(f, a + 8 * w, 0x20 + w);
    }
    inv_ste(f, 70);
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.approximate, ==, 1);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_APPROXIMATE, -1), ==, 1);
    g_assert_true(find(f, SMMUM_TEAR_REC_APPROXIMATE, -1)->approximate);
    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);
}

/* ---- missing invalidation ---- */

static void test_missing_inval(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    SmmumTearRecord *r;

    ste_s2(cur, 1, TTB_A);
    for (uint32_t sid = 80; sid < 86; sid++) {
        poke_img(f, ste_addr(sid), cur);
        inv_ste(f, sid);
    }
    ste_s2(tgt, 2, TTB_B);

    /* 80: change, DMA. */
    wr(f, ste_addr(80) + 16, tgt[2]);
    txn(f, 80, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 1);
    r = find(f, SMMUM_TEAR_REC_MISSING_INVAL, -1);
    g_assert_cmpstr(r->reason, ==, "txn");
    g_assert_cmpuint(r->exposure, ==, 1);
    g_assert_cmphex(r->a[2], ==, cur[2]);
    g_assert_cmphex(r->b[2], ==, tgt[2]);
    g_assert_cmpint(r->sev, ==, SMMUM_TEAR_SEV_MAJOR);
    /* 81: change, CFGI+SYNC, DMA: fine. */
    wr(f, ste_addr(81) + 16, tgt[2]);
    inv_ste(f, 81);
    txn(f, 81, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 1);
    /* 82: change, an unrelated SYNC, DMA. */
    wr(f, ste_addr(82) + 16, tgt[2]);
    inv_ste(f, 83);
    sync_(f);
    txn(f, 82, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 2);
    /* 84: change, change. */
    wr(f, ste_addr(84) + 16, tgt[2]);
    wr(f, ste_addr(84) + 24, tgt[3]);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 3);
    g_assert_cmpstr(g_array_index(f->recs, SmmumTearRecord,
                                  f->recs->len - 1).reason, ==, "change");
    /* 85: change; the model refetches it (fresh), DMA; then exit. */
    wr(f, ste_addr(85) + 16, tgt[2]);
    memcpy(cur + 2, tgt + 2, 8);
    f->obs.fetch(f->obs.opaque, SMMUM_FETCH_STE, 85, 0, ste_addr(85), cur,
                 8);
    txn(f, 85, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 3);
    smmum_tear_finish(f->t);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 5);
    g_assert_cmpstr(g_array_index(f->recs, SmmumTearRecord,
                                  f->recs->len - 1).reason, !=, NULL);
}

/* ---- reset and exit ---- */

static void test_unterminated(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    SmmumTearCounters c;

    ste_s2(cur, 1, TTB_A);
    poke_img(f, ste_addr(90), cur);
    poke_img(f, ste_addr(91), cur);
    inv_ste(f, 90);
    inv_ste(f, 91);
    ste_s2(tgt, 2, TTB_A);
    wr(f, ste_addr(90) + 16, tgt[2]);
    cfgi_ste(f, 90);                    /* the SYNC never comes */
    f->obs.reset(f->obs.opaque);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_UNTERMINATED, -1), ==, 1);
    g_assert_cmpstr(find(f, SMMUM_TEAR_REC_UNTERMINATED, -1)->reason, ==,
                    "reset");
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.views, ==, 0);

    inv_ste(f, 91);
    wr(f, ste_addr(91) + 16, tgt[2]);
    cfgi_ste(f, 91);
    smmum_tear_finish(f->t);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_UNTERMINATED, -1), ==, 2);
    g_assert_cmpstr(g_array_index(f->recs, SmmumTearRecord,
                                  f->recs->len - 1).reason, ==, "exit");
    g_assert_cmpuint(tears(f), ==, 0);
}

/* ---- first publication ---- */

static void test_first_publication(F *f, gconstpointer data)
{
    uint64_t ab[8], ste[8], cd[8];
    unsigned order[] = { 0, 1, 3 };

    ste_abort(ab);
    poke_img(f, ste_addr(100), ab);
    inv_ste(f, 100);
    /* CD table written in full before any STE points at it. */
    cd_make(cd, 9, TTB_B);
    for (unsigned i = 0; i < 8; i++) {
        wr(f, CDT_B + 8 * i, cd[i]);
    }
    ste_s1(ste, CDT_B, 1, 0, 0);
    wr(f, ste_addr(100), ste[0]);
    inv_ste(f, 100);
    txn(f, 100, 0, false);
    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);

    /* A reachable V=0 CD filled and made valid in one window. */
    cd_make(cd, 10, TTB_B);
    wr_words(f, CDT_B + 64, cd, order, 3);
    inv_cd(f, 100, 1);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                           SMMUM_TEAR_CLASS_TRANSLATE), ==, 1);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_TEAR, -1)->ssid, ==, 1);
    g_assert_cmpint(find(f, SMMUM_TEAR_REC_TEAR, -1)->view, ==,
                    SMMUM_TEAR_VIEW_CD);
}

/* ---- transient bypass ---- */

static void test_transient_bypass(F *f, gconstpointer data)
{
    uint64_t s2[8], byp[8], s1[8];
    uint64_t a = ste_addr(110), b = ste_addr(111);
    SmmumTearRecord *r;

    ste_s2(s2, 1, TTB_A);
    poke_img(f, a, s2);
    inv_ste(f, 110);
    ste_bypass(byp, 0);
    wr(f, a, byp[0]);
    inv_ste(f, 110);
    ste_s1(s1, CDT_A, 0, 0, 0);
    wr(f, a, s1[0]);
    inv_ste(f, 110);
    txn(f, 110, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TRANSIENT_BYPASS, -1), ==, 1);
    r = find(f, SMMUM_TEAR_REC_TRANSIENT_BYPASS, -1);
    g_assert_cmphex(r->state[0], ==, byp[0]);
    g_assert_cmpuint(r->sync_count, ==, 2);

    /* S1DSS=bypass inside an S1 -> S1 transition. */
    ste_s1(s1, CDT_A, 4, 0, 0);
    poke_img(f, b, s1);
    inv_ste(f, 111);
    wr(f, b + 8, 1);                    /* S1DSS = bypass */
    inv_ste(f, 111);
    wr(f, b + 8, 0);
    inv_ste(f, 111);
    ste_s1(s1, CDT_B, 4, 0, 0);
    wr(f, b, s1[0]);
    inv_ste(f, 111);
    txn(f, 111, 0, false);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TRANSIENT_BYPASS, -1), ==, 2);
    g_assert_cmpuint(tears(f), ==, 0);
}

/* ---- feeders ---- */

static void test_unobserved(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];

    ste_s2(cur, 1, TTB_A);
    poke_img(f, ste_addr(120), cur);
    inv_ste(f, 120);
    ste_s2(tgt, 2, TTB_A);
    poke(f, ste_addr(120) + 16, tgt[2]);   /* behind the feeder's back */
    inv_ste(f, 120);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_UNOBSERVED, -1), ==, 1);
    g_assert_cmphex(find(f, SMMUM_TEAR_REC_UNOBSERVED, -1)->state[2], ==,
                    tgt[2]);
    g_assert_cmpuint(tears(f), ==, 0);
}

/*
 * A new CD leaf whose watch is not effective yet (tear-check=store under
 * TCG: a new watch waits for every vCPU's TLB flush), so the driver's
 * stores to it reach memory unseen.  Linux's sequence for a new PASID on
 * a 2-level CD table: L1CD, CFGI_CD(Leaf=0) + SYNC, CD words 1 and 3,
 * CFGI_CD + SYNC, word 0 (V=1), CFGI_CD + SYNC; later V=0, a new TTB0,
 * V=1, each with CFGI_CD + SYNC.  Each window is judged from what memory
 * held at its CFGI and its SYNC, as the sync feeder judges it: no tear,
 * no missing invalidation.  A fill of a live V=0 CD in one window is
 * still a tear when it was not seen.
 */
static void test_unobserved_new_leaf(F *f, gconstpointer data)
{
    uint64_t ste[8], cd[8], cd2[8];
    uint64_t a = CDT_L2 + 64 * 1, b = CDT_L2 + 64 * 2;
    SmmumTearRecord *r;

    ste_s1(ste, CDT_A, 8, 1, 0);        /* 2-level, 4 KiB leaves */
    poke_img(f, ste_addr(52), ste);
    inv_ste(f, 52);
    cd_make(cd, 9, TTB_A);
    cd_make(cd2, 9, TTB_B);

    wr(f, CDT_A, CDT_L2 | 1);
    cfgi(f, SMMUM_CFGI_CD, 52, 1, false);
    sync_(f);
    poke(f, a + 8, cd[1]);              /* unseen from here on */
    poke(f, a + 24, cd[3]);
    inv_cd(f, 52, 1);
    poke(f, a, cd[0]);
    inv_cd(f, 52, 1);
    txn(f, 52, 1, true);
    poke(f, a, 0);
    inv_cd(f, 52, 1);
    txn(f, 52, 1, true);
    poke(f, a + 8, cd2[1]);
    inv_cd(f, 52, 1);
    poke(f, a, cd2[0]);
    inv_cd(f, 52, 1);
    txn(f, 52, 1, true);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_UNOBSERVED, -1), >=, 5);
    g_assert_cmpuint(tears(f), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_MISSING_INVAL, -1), ==, 0);

    /* SSID 2: a live V=0 CD filled, V=1 included, in one window. */
    inv_cd(f, 52, 2);
    for (unsigned i = 0; i < 8; i++) {
        poke(f, b + 8 * i, cd[i]);
    }
    inv_cd(f, 52, 2);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                           SMMUM_TEAR_CLASS_TRANSLATE), ==, 1);
    r = find(f, SMMUM_TEAR_REC_TEAR, SMMUM_TEAR_CLASS_TRANSLATE);
    g_assert_cmpuint(r->ssid, ==, 2);
    g_assert_false(r->store.valid);
}

/*
 * An STE published onto a 2-level CD table whose L1CD and leaf were
 * written before it (first publication): the leaf is reachable, and
 * watched, from the STE's store on, so a torn fill of a new PASID's CD in
 * it is found and names its store.
 */
static void test_leaf_before_ste(F *f, gconstpointer data)
{
    static const unsigned order[] = { 1, 2, 3, 4, 5, 6, 7, 0 };
    uint64_t ste[8], cd[8];
    uint64_t a1 = CDT_L2 + 64;
    SmmumTearRecord *r;

    cd_make(cd, 5, TTB_A);
    poke(f, CDT_A, CDT_L2 | 1);
    poke_img(f, CDT_L2, cd);
    ste_s1(ste, CDT_A, 8, 1, 0);        /* 2-level, 4 KiB leaves */
    g_assert_false(smmum_tear_watched(f->t, a1));
    wr_words(f, ste_addr(53), ste, order, 8);
    g_assert_true(smmum_tear_watched(f->t, a1));
    inv_ste(f, 53);

    cd_make(cd, 6, TTB_B);
    wr(f, a1 + 8, cd[1]);
    wr(f, a1 + 24, cd[3]);
    wr(f, a1, cd[0]);
    inv_cd(f, 53, 1);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                           SMMUM_TEAR_CLASS_TRANSLATE), ==, 1);
    r = find(f, SMMUM_TEAR_REC_TEAR, SMMUM_TEAR_CLASS_TRANSLATE);
    g_assert_cmpuint(r->ssid, ==, 1);
    g_assert_true(r->store.valid);
    g_assert_cmphex(r->store.pa, ==, a1);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_UNOBSERVED, -1), ==, 0);
}

/* Unaligned and narrow stores are merged into their granules. */
static void test_store_shapes(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    uint64_t a = ste_addr(121);
    uint64_t v;

    ste_s2(cur, 1, TTB_A);
    poke_img(f, a, cur);
    inv_ste(f, 121);
    ste_s2(tgt, 0x0302, TTB_B);
    /* A 4-byte store straddling words 2 and 3 changes nothing... */
    v = fake_read64(&f->mem, a + 20);
    smmum_tear_store(f->t, a + 20, 8, v, 0x1000, 0, 1);
    inv_ste(f, 121);
    g_assert_cmpuint(tears(f), ==, 0);
    /* ...2-byte VMID store, then a straddling store of TTB bytes. */
    smmum_tear_store(f->t, a + 16, 2, 0x0302, 0x2000, 0, 2);
    fake_write(&f->mem, a + 16, "\x02\x03", 2);
    v = tgt[3] << 32 | (cur[2] >> 32);
    smmum_tear_store(f->t, a + 20, 8, v, 0x3000, 0, 3);
    fake_write64(&f->mem, a + 20, v);
    smmum_tear_store(f->t, a + 28, 4, tgt[3] >> 32, 0x4000, 0, 4);
    fake_write32(&f->mem, a + 28, tgt[3] >> 32);
    g_assert_cmphex(fake_read64(&f->mem, a + 16), ==, tgt[2]);
    g_assert_cmphex(fake_read64(&f->mem, a + 24), ==, tgt[3]);
    inv_ste(f, 121);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_UNOBSERVED, -1), ==, 0);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_TEAR,
                           SMMUM_TEAR_CLASS_TRANSLATE), ==, 1);
    g_assert_cmphex(find(f, SMMUM_TEAR_REC_TEAR, -1)->store.pc, ==, 0x2000);
}

/* sync mode: a view the model fetched is judged at the next CFGI+SYNC. */
static void test_sync_fetch(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    uint64_t a = ste_addr(122);
    SmmumTearCounters c;

    ste_s2(cur, 1, TTB_A);
    poke_img(f, a, cur);
    f->obs.fetch(f->obs.opaque, SMMUM_FETCH_STE, 122, 0, a, cur, 8);
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.views, ==, 1);
    ste_s2(tgt, 2, TTB_B);
    poke(f, a + 16, tgt[2]);
    poke(f, a + 24, tgt[3]);
    inv_ste(f, 122);
    g_assert_cmpuint(tears(f), ==, 1);
    g_assert_false(find(f, SMMUM_TEAR_REC_TEAR, -1)->store.valid);
    g_assert_cmpint(find(f, SMMUM_TEAR_REC_TEAR, -1)->mode, ==,
                    SMMUM_TEAR_SYNC);
    /* A SYNC with nothing pending touches nothing. */
    sync_(f);
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.windows, ==, 1);
}

/* ---- report ---- */

static void test_json(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    unsigned order[] = { 2, 3 };
    JsonParser *p = json_parser_new();
    JsonObject *o, *st;
    JsonArray *idr, *cmds;
    char *line, *text;
    GError *err = NULL;

    ste_s2(cur, 1, TTB_A);
    poke_img(f, ste_addr(8), cur);
    inv_ste(f, 8);
    ste_s2(tgt, 2, TTB_B);
    wr_words(f, ste_addr(8), tgt, order, 2);
    inv_ste(f, 8);
    g_assert_cmpuint(tears(f), ==, 1);

    line = smmum_tear_record_to_json(find(f, SMMUM_TEAR_REC_TEAR, -1));
    g_assert_null(strchr(line, '\n'));
    g_assert_true(json_parser_load_from_data(p, line, -1, &err));
    o = json_node_get_object(json_parser_get_root(p));
    g_assert_cmpint(json_object_get_int_member(o, "schema"), ==,
                    SMMUM_TEAR_SCHEMA_VERSION);
    g_assert_cmpstr(json_object_get_string_member(o, "type"), ==, "tear");
    g_assert_cmpstr(json_object_get_string_member(o, "class"), ==,
                    "translate");
    g_assert_cmpstr(json_object_get_string_member(o, "severity"), ==,
                    "critical");
    g_assert_cmpstr(json_object_get_string_member(o, "mode"), ==, "store");
    g_assert_cmpstr(json_object_get_string_member(o, "view"), ==, "ste");
    g_assert_cmpint(json_object_get_int_member(o, "sid"), ==, 8);
    g_assert_cmpstr(json_object_get_string_member(o, "addr"), ==,
                    "0x100200");
    g_assert_false(json_object_get_boolean_member(o, "approximate"));
    st = json_object_get_object_member(o, "store");
    g_assert_nonnull(st);
    g_assert_cmpstr(json_object_get_string_member(st, "pa"), ==,
                    "0x100210");
    idr = json_object_get_array_member(o, "idr");
    g_assert_cmpuint(json_array_get_length(idr), ==, 6);
    cmds = json_object_get_array_member(o, "commands");
    g_assert_cmpuint(json_array_get_length(cmds), ==, 3);
    g_assert_cmpstr(json_object_get_string_member(
                        json_array_get_object_element(cmds, 2), "op"),
                    ==, "SYNC");
    g_assert_cmpuint(json_array_get_length(
                         json_object_get_array_member(o, "state")), ==, 8);

    text = smmum_tear_record_describe(find(f, SMMUM_TEAR_REC_TEAR, -1));
    g_assert_nonnull(strstr(text, "class=translate"));
    g_assert_nonnull(strstr(text, "sid=0x8"));
    g_assert_nonnull(strstr(text, "vmid=1"));
    g_assert_nonnull(strstr(text, "pc=0x"));
    g_free(text);
    g_free(line);
    g_object_unref(p);
}

static void test_names(F *f, gconstpointer data)
{
    SmmumTearMode m;
    SmmumTearSeverity s;

    g_assert_true(smmum_tear_mode_parse("store", &m));
    g_assert_cmpint(m, ==, SMMUM_TEAR_STORE);
    g_assert_true(smmum_tear_mode_parse("off", &m));
    g_assert_cmpint(m, ==, SMMUM_TEAR_OFF);
    g_assert_false(smmum_tear_mode_parse("on", &m));
    g_assert_true(smmum_tear_severity_parse("major", &s));
    g_assert_cmpint(s, ==, SMMUM_TEAR_SEV_MAJOR);
    g_assert_false(smmum_tear_severity_parse("fatal", &s));
    g_assert_cmpstr(smmum_tear_class_name(SMMUM_TEAR_CLASS_ATS), ==, "ats");
    g_assert_cmpstr(smmum_tear_rec_type_name(SMMUM_TEAR_REC_L1_PUBLISH), ==,
                    "l1-publish-without-invalidation");
}

/* Transitions end at PREFETCH_CONFIG, at DMA, and at idle virtual time. */
static void test_transition_ends(F *f, gconstpointer data)
{
    uint64_t cur[8];
    uint64_t a = ste_addr(130);
    SmmumTearCounters c;
    char *sum;

    ste_s2(cur, 1, TTB_A);
    poke_img(f, a, cur);
    inv_ste(f, 130);
    /* VMID 1 -> 2, PREFETCH_CONFIG, -> 3 */
    ste_s2(cur, 2, TTB_A);
    wr(f, a + 16, cur[2]);
    inv_ste(f, 130);
    f->obs.prefetch(f->obs.opaque, 130, 0, false);
    ste_s2(cur, 3, TTB_A);
    wr(f, a + 16, cur[2]);
    inv_ste(f, 130);
    if (data == &o_store_gap) {
        f->vcnt += 5000;                /* idle: the guest did nothing */
    } else {
        txn(f, 130, 0, false);
    }
    ste_s2(cur, 4, TTB_A);
    wr(f, a + 16, cur[2]);
    inv_ste(f, 130);
    smmum_tear_finish(f->t);
    smmum_tear_finish(f->t);            /* idempotent */
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.hitless, ==, 3);
    g_assert_cmpuint(c.records[SMMUM_TEAR_REC_TRANSITION], ==, 3);
    g_assert_cmpuint(tears(f), ==, 0);
    sum = smmum_tear_summary(&c);
    g_assert_nonnull(strstr(sum, "hitless=3"));
    g_free(sum);
}

static void test_migrate_and_regs(F *f, gconstpointer data)
{
    uint64_t cur[8], tgt[8];
    SmmumTearCounters c;
    SmmumTearRegs r;
    SmmumCore core;

    ste_s2(cur, 1, TTB_A);
    poke_img(f, ste_addr(140), cur);
    inv_ste(f, 140);
    ste_s2(tgt, 2, TTB_B);
    wr(f, ste_addr(140) + 16, tgt[2]);
    smmum_tear_migrate(f->t);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_UNTERMINATED, -1), ==, 1);
    g_assert_cmpstr(find(f, SMMUM_TEAR_REC_UNTERMINATED, -1)->reason, ==,
                    "migration");
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.views, ==, 0);

    /* SMMUEN=0: nothing is reachable, stores are not tracked. */
    f->regs.smmuen = false;
    f->obs.tables_changed(f->obs.opaque);
    g_assert_false(smmum_tear_watched(f->t, ste_addr(140)));
    wr(f, ste_addr(140) + 24, tgt[3]);
    smmum_tear_get_counters(f->t, &c);
    g_assert_cmpuint(c.views, ==, 0);
    f->regs.smmuen = true;
    f->obs.tables_changed(f->obs.opaque);
    g_assert_true(smmum_tear_watched(f->t, ste_addr(140)));

    /* DMA through GBPA bypass while SMMUEN=0: one record at enable. */
    f->regs.smmuen = false;
    f->obs.tables_changed(f->obs.opaque);
    smmum_tear_note_global_bypass(f->t, 7);
    smmum_tear_note_global_bypass(f->t, 8);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_GLOBAL_BYPASS, -1), ==, 0);
    f->regs.smmuen = true;
    f->obs.tables_changed(f->obs.opaque);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_GLOBAL_BYPASS, -1), ==, 1);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_GLOBAL_BYPASS, -1)->exposure,
                     ==, 2);
    g_assert_cmpuint(find(f, SMMUM_TEAR_REC_GLOBAL_BYPASS, -1)->sid, ==, 7);
    smmum_tear_finish(f->t);
    g_assert_cmpuint(count(f, SMMUM_TEAR_REC_GLOBAL_BYPASS, -1), ==, 1);

    memset(&core, 0, sizeof(core));
    core.idr[0] = 0x1234;
    core.cr0ack = SMMUM_CR0_SMMUEN;
    core.strtab_base = STRTAB;
    core.strtab_base_cfg = 8;
    smmum_tear_regs_from_core(&core, &r);
    g_assert_true(r.smmuen);
    g_assert_cmphex(r.idr.idr[0], ==, 0x1234);
    g_assert_cmphex(r.strtab_base, ==, STRTAB);
}

#define ADD(path, opts, fn) \
    g_test_add(path, F, &(opts), setup, fn, teardown)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/tear/builders", o_store, test_builders);
    ADD("/tear/names", o_store, test_names);
    ADD("/tear/store/pass/bypass-to-s1-hitless", o_store,
        test_bypass_to_s1_hitless);
    ADD("/tear/sync/pass/bypass-to-s1-hitless", o_sync,
        test_bypass_to_s1_hitless);
    ADD("/tear/store/pass/s1-to-s1-ctxptr", o_store, test_s1_to_s1_ctxptr);
    ADD("/tear/sync/pass/s1-to-s1-ctxptr", o_sync, test_s1_to_s1_ctxptr);
    ADD("/tear/store/pass/s1-to-s1-used-bits", o_store,
        test_s1_to_s1_used_bits);
    ADD("/tear/sync/pass/s1-to-s1-used-bits", o_sync,
        test_s1_to_s1_used_bits);
    ADD("/tear/store/pass/s1-abort-s2", o_store, test_s1_abort_s2);
    ADD("/tear/sync/pass/s1-abort-s2", o_sync, test_s1_abort_s2);
    ADD("/tear/store/pass/break-before-make", o_store,
        test_break_before_make);
    ADD("/tear/sync/pass/break-before-make", o_sync, test_break_before_make);
    ADD("/tear/store/nested", o_store, test_nested);
    ADD("/tear/sync/nested", o_sync, test_nested);
    ADD("/tear/store/torn/config-two-words", o_store,
        test_torn_config_two_words);
    ADD("/tear/sync/torn/config-two-words", o_sync,
        test_torn_config_two_words);
    ADD("/tear/store/torn/vmid-a-ttb-b", o_store, test_torn_vmid_ttb);
    ADD("/tear/sync/torn/vmid-a-ttb-b", o_sync, test_torn_vmid_ttb);
    ADD("/tear/store/torn/written-twice", o_store, test_written_twice);
    ADD("/tear/sync/torn/written-twice", o_sync, test_written_twice);
    ADD("/tear/store/torn/memset-live", o_store, test_memset_live);
    ADD("/tear/sync/torn/memset-live", o_sync, test_memset_live);
    ADD("/tear/store/idr/ats-on", o_store, test_ats_variants);
    ADD("/tear/store/idr/ats-off", o_store_noats, test_ats_variants);
    ADD("/tear/store/idr/attr-types-ovr-on", o_store, test_attr_types_ovr);
    ADD("/tear/store/idr/attr-types-ovr-off", o_store_noovr,
        test_attr_types_ovr);
    ADD("/tear/store/illegal-mix-info", o_store, test_illegal_mix_info);
    ADD("/tear/sync/illegal-mix-info", o_sync, test_illegal_mix_info);
    ADD("/tear/store/cd/torn-asid-ttb", o_store, test_cd_torn_asid_ttb);
    ADD("/tear/sync/cd/torn-asid-ttb", o_sync, test_cd_torn_asid_ttb);
    ADD("/tear/store/cd/updates-pass", o_store, test_cd_updates_pass);
    ADD("/tear/sync/cd/updates-pass", o_sync, test_cd_updates_pass);
    ADD("/tear/store/two-vcpus", o_store, test_two_vcpus);
    ADD("/tear/store/racing-store", o_store, test_store_racing);
    ADD("/tear/store/cfgi-all-range", o_store, test_cfgi_all_range);
    ADD("/tear/sync/cfgi-all-range", o_sync, test_cfgi_all_range);
    ADD("/tear/store/shared-cd/torn", o_store, test_shared_cd_torn);
    ADD("/tear/sync/shared-cd/torn", o_sync, test_shared_cd_torn);
    ADD("/tear/store/shared-cd/missing", o_store, test_shared_cd_missing);
    ADD("/tear/store/l1std-publication", o_store_2l, test_l1std_publication);
    ADD("/tear/store/l1cd-publication", o_store, test_l1cd_publication);
    ADD("/tear/store/page-reuse", o_store, test_page_reuse);
    ADD("/tear/store/cap-approximate", o_store_cap, test_cap_approximate);
    ADD("/tear/store/missing-invalidation", o_store, test_missing_inval);
    ADD("/tear/store/unterminated", o_store, test_unterminated);
    ADD("/tear/store/first-publication", o_store, test_first_publication);
    ADD("/tear/store/transient-bypass", o_store, test_transient_bypass);
    ADD("/tear/store/unobserved-store", o_store, test_unobserved);
    ADD("/tear/store/unobserved-new-leaf", o_store,
        test_unobserved_new_leaf);
    ADD("/tear/store/leaf-before-ste", o_store, test_leaf_before_ste);
    ADD("/tear/store/store-shapes", o_store, test_store_shapes);
    ADD("/tear/sync/fetch", o_sync, test_sync_fetch);
    ADD("/tear/report/json", o_store, test_json);
    ADD("/tear/store/transition-ends/txn", o_store, test_transition_ends);
    ADD("/tear/store/transition-ends/gap", o_store_gap, test_transition_ends);
    ADD("/tear/store/migrate-and-regs", o_store, test_migrate_and_regs);
    return g_test_run();
}
