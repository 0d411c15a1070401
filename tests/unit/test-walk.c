/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: the VMSAv8-64 walker against page tables built in fake
 * memory: every granule and start level, blocks and pages, TTB1 and TBI,
 * each fault kind, AF/AFFD, permissions, HTTU, stage 2 with concatenated
 * start tables, nested walks with stage-2 faults, looping tables.
 */
#include <string.h>

#include "fake-mem.h"
#include "smmum-walk.h"
#include "smmum-cd.h"

#define DEP(v, pos, len, f) SMMUM_DEP(v, pos, len, f)

/* Leaf/table descriptor bits. */
#define AF          (1ULL << 10)
#define NG          (1ULL << 11)
#define AP1         (1ULL << 6)     /* S1 EL0 access; S2 read */
#define AP2         (1ULL << 7)     /* S1 read-only; S2 write */
#define DBM         (1ULL << 51)
#define PXN         (1ULL << 53)
#define UXN         (1ULL << 54)
#define TPXN        (1ULL << 59)
#define TUXN        (1ULL << 60)
#define TAP0        (1ULL << 61)
#define TAP1        (1ULL << 62)
#define SH_IS       (3ULL << 8)
#define S2_NORMAL   (0xfULL << 2)   /* S2 MemAttr: Normal WB */

static FakeMem mem;
static uint64_t next_free;
static unsigned cmpxchg_calls;

static bool mem_read64(void *opaque, uint64_t pa, uint64_t *val)
{
    SmmumHost h = fake_mem_host(opaque);
    uint64_t le;

    if (!h.dma_read(opaque, pa, &le, 8)) {
        return false;
    }
    *val = GUINT64_FROM_LE(le);
    return true;
}

static bool mem_cmpxchg64(void *opaque, uint64_t pa, uint64_t expect,
                          uint64_t new_val, uint64_t *seen)
{
    SmmumHost h = fake_mem_host(opaque);
    uint64_t le;

    cmpxchg_calls++;
    if (!h.dma_read(opaque, pa, &le, 8)) {
        return false;
    }
    *seen = GUINT64_FROM_LE(le);
    if (*seen == expect) {
        le = GUINT64_TO_LE(new_val);
        return h.dma_write(opaque, pa, &le, 8);
    }
    return true;
}

static SmmumWalkMem wmem;

static void setup(void)
{
    fake_mem_init(&mem);
    next_free = 0x40000000ULL;
    cmpxchg_calls = 0;
    wmem = (SmmumWalkMem) {
        .opaque = &mem, .read64 = mem_read64, .cmpxchg64 = mem_cmpxchg64,
    };
}

static void teardown(void)
{
    fake_mem_destroy(&mem);
}

static uint64_t alloc(uint64_t size)
{
    uint64_t a = (next_free + size - 1) & ~(size - 1);

    next_free = a + size;
    return a;
}

static SmmumIdRegs test_idr(unsigned oas_enc)
{
    SmmumIdRegs r = { { 0 } };

    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_TTF, 2, 2);
    r.idr[0] = DEP(r.idr[0], SMMUM_IDR0_HTTU, 2, 2);
    r.idr[5] = DEP(r.idr[5], SMMUM_IDR5_OAS, 3, oas_enc);
    r.idr[5] = DEP(r.idr[5], SMMUM_IDR5_GRAN4K, 1, 1);
    r.idr[5] = DEP(r.idr[5], SMMUM_IDR5_GRAN16K, 1, 1);
    r.idr[5] = DEP(r.idr[5], SMMUM_IDR5_GRAN64K, 1, 1);
    return r;
}

/* A page-table builder for one stage. */
typedef struct Pt {
    unsigned g, ia;
    int start;
    uint64_t ttb;
    uint64_t delta;             /* PA = table address + delta (nested) */
    bool ds, lpa;
} Pt;

static unsigned lsb_of(const Pt *pt, int level)
{
    return pt->g + (3 - level) * (pt->g - 3);
}

static int s1_start(unsigned g, unsigned ia)
{
    unsigned stride = g - 3;

    return 4 - (int)((ia - g + stride - 1) / stride);
}

static void pt_init(Pt *pt, unsigned g, unsigned ia, int start)
{
    unsigned startbits;

    memset(pt, 0, sizeof(*pt));
    pt->g = g;
    pt->ia = ia;
    pt->start = start;
    startbits = ia - lsb_of(pt, start);
    pt->ttb = alloc(MAX(8ULL << startbits, 1ULL << g));
}

static uint64_t addr_bits(const Pt *pt, uint64_t a)
{
    uint64_t d = a & SMMUM_MASK(48) & ~SMMUM_MASK(pt->g);

    if (pt->ds) {
        d = (a & SMMUM_MASK(50) & ~SMMUM_MASK(pt->g)) | (((a >> 50) & 3) << 8);
    } else if (pt->lpa) {
        d |= ((a >> 48) & 0xf) << 12;
    }
    return d;
}

static uint64_t pt_rd(const Pt *pt, uint64_t a)
{
    return fake_read64(&mem, a + pt->delta);
}

static void pt_wr(const Pt *pt, uint64_t a, uint64_t v)
{
    fake_write64(&mem, a + pt->delta, v);
}

static uint64_t desc_addr(const Pt *pt, uint64_t d)
{
    if (pt->ds) {
        return (d & SMMUM_MASK(50) & ~SMMUM_MASK(pt->g)) |
               (((d >> 8) & 3) << 50);
    }
    if (pt->lpa) {
        return (d & SMMUM_MASK(48) & ~SMMUM_MASK(pt->g)) |
               (((d >> 12) & 0xf) << 48);
    }
    return d & SMMUM_MASK(48) & ~SMMUM_MASK(pt->g);
}

/*
 * Address of the descriptor for va at level, creating the tables above
 * it (with table_attrs in new table descriptors).
 */
static uint64_t pt_slot(const Pt *pt, uint64_t va, int level,
                        uint64_t table_attrs)
{
    uint64_t table = pt->ttb;
    int l;

    for (l = pt->start; l < level; l++) {
        unsigned lsb = lsb_of(pt, l);
        unsigned nbits = l == pt->start ? pt->ia - lsb : pt->g - 3;
        uint64_t slot = table + ((va >> lsb) & SMMUM_MASK(nbits)) * 8;
        uint64_t d = pt_rd(pt, slot);

        if ((d & 3) != 3) {
            d = addr_bits(pt, alloc(1ULL << pt->g)) | 3 | table_attrs;
            pt_wr(pt, slot, d);
        }
        table = desc_addr(pt, d);
    }
    {
        unsigned lsb = lsb_of(pt, l);
        unsigned nbits = l == pt->start ? pt->ia - lsb : pt->g - 3;

        return table + ((va >> lsb) & SMMUM_MASK(nbits)) * 8;
    }
}

/* Map va -> oa with a leaf at level; returns the leaf's address. */
static uint64_t pt_map(const Pt *pt, uint64_t va, uint64_t oa, int level,
                       uint64_t attrs, uint64_t table_attrs)
{
    uint64_t slot = pt_slot(pt, va, level, table_attrs);

    pt_wr(pt, slot, addr_bits(pt, oa) | attrs | (level == 3 ? 3 : 1));
    return slot;
}

static void s1_cfg(SmmumWalkCfg *c, const Pt *pt, unsigned oas)
{
    memset(c, 0, sizeof(*c));
    c->s1 = true;
    c->s1p.range[0] = (SmmumWalkRange) {
        .enabled = true, .ttb = pt->ttb, .tsz = 64 - pt->ia,
        .granule = pt->g,
    };
    c->s1p.oas = oas;
    c->s1p.ds = pt->ds;
    c->s1p.asid = 7;
    c->s1p.mair = 0x44ff;
}

static void s2_cfg(SmmumWalkCfg *c, const Pt *pt, unsigned ps)
{
    c->s2 = true;
    c->s2p = (SmmumS2Params) {
        .ttb = pt->ttb, .tsz = 64 - pt->ia, .granule = pt->g,
        .start_level = pt->start, .ps = ps, .ias = 48, .vmid = 3,
    };
}

static SmmumWalkResult walk(const SmmumWalkCfg *c, uint64_t addr,
                            bool write, bool instr, bool priv)
{
    SmmumWalkReq req = { .addr = addr, .write = write, .instr = instr,
                         .priv = priv };
    SmmumWalkResult r;

    smmum_walk(&wmem, c, &req, &r);
    return r;
}

static void assert_fault(const SmmumWalkResult *r, int type, bool s2,
                         int cls, int level)
{
    g_assert_false(r->ok);
    g_assert_cmphex(r->fault.type, ==, type);
    g_assert_cmpuint(r->fault.s2, ==, s2);
    g_assert_cmpuint(r->fault.cls, ==, cls);
    if (level != 99) {
        g_assert_cmpint(r->fault.level, ==, level);
    }
}

static bool block_level_ok(unsigned g, int level)
{
    return level == 3 || level == 2 || (g == 12 && level == 1);
}

/* Every granule x input size (start level) x leaf level, stage 1. */
static void test_s1_geometry(void)
{
    static const struct {
        unsigned g, ia;
        int start;
    } geo[] = {
        { 12, 48, 0 }, { 12, 39, 1 }, { 12, 30, 2 }, { 12, 25, 2 },
        { 14, 48, 0 }, { 14, 47, 1 }, { 14, 36, 2 }, { 14, 25, 3 },
        { 16, 48, 1 }, { 16, 42, 2 }, { 16, 29, 3 }, { 16, 25, 3 },
    };
    unsigned cases = 0;

    for (unsigned i = 0; i < G_N_ELEMENTS(geo); i++) {
        g_assert_cmpint(s1_start(geo[i].g, geo[i].ia), ==, geo[i].start);
        for (int leaf = geo[i].start; leaf <= 3; leaf++) {
            SmmumWalkCfg c;
            SmmumWalkResult r;
            Pt pt;
            uint64_t va, oa, size;
            unsigned lsb;

            if (!block_level_ok(geo[i].g, leaf)) {
                continue;
            }
            setup();
            pt_init(&pt, geo[i].g, geo[i].ia, geo[i].start);
            lsb = lsb_of(&pt, leaf);
            if (lsb >= geo[i].ia) {
                teardown();
                continue;
            }
            size = 1ULL << lsb;
            va = 0x5a5a5a5a5a5a5a5aULL & SMMUM_MASK(geo[i].ia);
            oa = 0x0000a00000000000ULL & ~(size - 1);
            pt_map(&pt, va, oa, leaf, AF | SH_IS | (1 << 2), 0);
            s1_cfg(&c, &pt, 48);
            r = walk(&c, va, false, false, true);
            g_assert_true(r.ok);
            g_assert_cmphex(r.pa, ==, oa | (va & (size - 1)));
            g_assert_cmpuint(r.size_shift, ==, lsb);
            g_assert_cmpint(r.level, ==, leaf);
            g_assert_cmpuint(r.granule, ==, geo[i].g);
            g_assert_cmphex(r.s1_attr, ==, 0x44);
            g_assert_cmpuint(r.s1_sh, ==, 3);
            g_assert_false(r.global == false);
            /* The neighbouring region is not mapped. */
            if (lsb + 1 < geo[i].ia) {
                r = walk(&c, va ^ size, false, false, true);
                assert_fault(&r, SMMUM_FAULT_TRANSLATION, false,
                             SMMUM_CLASS_IN, 99);
            }
            cases++;
            teardown();
        }
    }
    g_assert_cmpuint(cases, ==, 23);
}

static void test_s1_bad_descriptors(void)
{
    SmmumWalkCfg c;
    SmmumWalkResult r;
    Pt pt;
    uint64_t slot;

    setup();
    pt_init(&pt, 12, 48, 0);
    s1_cfg(&c, &pt, 48);
    /* Empty table: level 0 translation fault. */
    r = walk(&c, 0x1000, false, false, true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, 0);
    g_assert_cmphex(r.fault.input_addr, ==, 0x1000);
    /* Level-3 descriptor with type 0b01 is reserved. */
    slot = pt_map(&pt, 0x1000, 0x2000, 3, AF, 0);
    fake_write64(&mem, slot, 0x2000 | AF | 1);
    r = walk(&c, 0x1000, false, false, true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, 3);
    /* Level-0 block without DS. */
    slot = pt_slot(&pt, 0x8000000000ULL, 0, 0);
    fake_write64(&mem, slot, AF | 1);
    r = walk(&c, 0x8000000000ULL, false, false, true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, 0);
    /* Leaf output beyond a 40-bit IPS: address size fault. */
    pt_map(&pt, 0x3000, 0x0000010000000000ULL, 3, AF, 0);
    c.s1p.oas = 40;
    r = walk(&c, 0x3000, false, false, true);
    assert_fault(&r, SMMUM_FAULT_ADDR_SIZE, false, SMMUM_CLASS_IN, 3);
    /* Next-level table beyond the OAS. */
    slot = pt_slot(&pt, 0x10000000000ULL, 0, 0);
    fake_write64(&mem, slot, 0x0000200000000000ULL | 3);
    r = walk(&c, 0x10000000000ULL, false, false, true);
    assert_fault(&r, SMMUM_FAULT_ADDR_SIZE, false, SMMUM_CLASS_IN, 0);
    /* External abort on a descriptor fetch. */
    c.s1p.oas = 48;
    slot = pt_slot(&pt, 0x1000, 2, 0);
    fake_mem_add_fault(&mem, slot, 8);
    r = walk(&c, 0x1000, false, false, true);
    assert_fault(&r, SMMUM_FAULT_WALK_EABT, false, SMMUM_CLASS_IN, 2);
    g_assert_cmphex(r.fault.fetch_addr, ==, slot);
    teardown();
}

static void test_s1_ranges(void)
{
    SmmumWalkCfg c;
    SmmumWalkResult r;
    Pt pt0, pt1;
    uint64_t va1 = 0xffffff8000201000ULL;   /* TTB1, 39-bit */

    setup();
    pt_init(&pt0, 12, 39, 1);
    pt_init(&pt1, 16, 39, 2);
    pt_map(&pt0, 0x201000, 0x7000000, 3, AF, 0);
    pt_map(&pt1, va1 & SMMUM_MASK(39), 0x60000000, 2, AF, 0);
    s1_cfg(&c, &pt0, 48);
    c.s1p.range[1] = (SmmumWalkRange) {
        .enabled = true, .ttb = pt1.ttb, .tsz = 25, .granule = 16,
    };
    r = walk(&c, 0x201123, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x7000123);
    r = walk(&c, va1 + 0x45, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x60000000 + (va1 & SMMUM_MASK(29)) + 0x45);
    g_assert_cmpuint(r.size_shift, ==, 29);

    /* Tagged pointers: fault without TBI, translate with it. */
    r = walk(&c, 0x5a00000000201123ULL, false, false, true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, 99);
    r = walk(&c, (va1 & ~(0xffULL << 56)) | (0x3cULL << 56), false, false,
             true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, 99);
    c.s1p.range[0].tbi = true;
    c.s1p.range[1].tbi = true;
    r = walk(&c, 0x5a00000000201123ULL, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x7000123);
    r = walk(&c, (va1 & ~(0xffULL << 56)) | (0x3cULL << 56), false, false,
             true);
    g_assert_true(r.ok);
    /* Bits [55:39] still have to match the range. */
    r = walk(&c, 0x0000008000201123ULL, false, false, true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, 99);

    /* EPD1: the TTB1 range faults; EL2 has no TTB1 at all. */
    c.s1p.range[1].enabled = false;
    r = walk(&c, va1, false, false, true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, 99);
    c.s1p.range[1].enabled = true;
    c.s1p.one_priv = true;
    r = walk(&c, va1, false, false, true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, 99);
    teardown();
}

static void test_s1_access_flag(void)
{
    SmmumWalkCfg c;
    SmmumWalkResult r;
    Pt pt;
    uint64_t slot;

    setup();
    pt_init(&pt, 12, 48, 0);
    slot = pt_map(&pt, 0x1000, 0x5000, 3, 0, 0);
    s1_cfg(&c, &pt, 48);
    r = walk(&c, 0x1000, false, false, true);
    assert_fault(&r, SMMUM_FAULT_ACCESS, false, SMMUM_CLASS_IN, 3);
    c.s1p.affd = true;
    r = walk(&c, 0x1000, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(fake_read64(&mem, slot) & AF, ==, 0);
    /* HA: the walker sets AF in memory. */
    c.s1p.affd = false;
    c.s1p.ha = true;
    r = walk(&c, 0x1000, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(fake_read64(&mem, slot) & AF, ==, AF);
    g_assert_cmpuint(cmpxchg_calls, ==, 1);
    /* Without an atomic update callback HA cannot act. */
    fake_write64(&mem, slot, fake_read64(&mem, slot) & ~AF);
    wmem.cmpxchg64 = NULL;
    r = walk(&c, 0x1000, false, false, true);
    assert_fault(&r, SMMUM_FAULT_ACCESS, false, SMMUM_CLASS_IN, 3);
    teardown();
}

static void test_s1_dirty(void)
{
    SmmumWalkCfg c;
    SmmumWalkResult r;
    Pt pt;
    uint64_t slot;

    setup();
    pt_init(&pt, 12, 48, 0);
    slot = pt_map(&pt, 0x1000, 0x5000, 3, AF | AP2 | DBM, 0);
    s1_cfg(&c, &pt, 48);
    c.s1p.ha = true;
    r = walk(&c, 0x1000, true, false, true);
    assert_fault(&r, SMMUM_FAULT_PERMISSION, false, SMMUM_CLASS_IN, 3);
    c.s1p.hd = true;
    r = walk(&c, 0x1000, false, false, true);
    g_assert_true(r.ok);
    /* A clean page is not cacheable as writable. */
    g_assert_false(r.perm & SMMUM_PERM_PW);
    g_assert_cmphex(fake_read64(&mem, slot) & AP2, ==, AP2);
    r = walk(&c, 0x1000, true, false, true);
    g_assert_true(r.ok);
    g_assert_true(r.perm & SMMUM_PERM_PW);
    g_assert_cmphex(fake_read64(&mem, slot) & AP2, ==, 0);
    /* No DBM, or a table forbidding writes: no update, a fault. */
    slot = pt_map(&pt, 0x2000, 0x6000, 3, AF | AP2, 0);
    r = walk(&c, 0x2000, true, false, true);
    assert_fault(&r, SMMUM_FAULT_PERMISSION, false, SMMUM_CLASS_IN, 3);
    g_assert_cmphex(fake_read64(&mem, slot) & AP2, ==, AP2);
    teardown();
}

typedef struct PermCase {
    uint64_t leaf, table;
    bool pan, wxn, had;
    uint8_t expect;
} PermCase;

#define P_PR SMMUM_PERM_PR
#define P_PW SMMUM_PERM_PW
#define P_PX SMMUM_PERM_PX
#define P_UR SMMUM_PERM_UR
#define P_UW SMMUM_PERM_UW
#define P_UX SMMUM_PERM_UX

static const PermCase perm_cases[] = {
    /* AP[2:1]=00: privileged RW; EL0-inaccessible */
    { 0, 0, 0, 0, 0, P_PR | P_PW | P_PX | P_UX },
    /* 01: RW at both; EL0-writable is PXN */
    { AP1, 0, 0, 0, 0, P_PR | P_PW | P_UR | P_UW | P_UX },
    /* 10: privileged RO */
    { AP2, 0, 0, 0, 0, P_PR | P_PX | P_UX },
    /* 11: RO at both */
    { AP1 | AP2, 0, 0, 0, 0, P_PR | P_UR | P_PX | P_UX },
    { AP1 | AP2 | UXN, 0, 0, 0, 0, P_PR | P_UR | P_PX },
    { AP1 | AP2 | PXN, 0, 0, 0, 0, P_PR | P_UR | P_UX },
    /* PAN: privileged data accesses to EL0 memory fail */
    { AP1 | AP2, 0, 1, 0, 0, P_UR | P_PX | P_UX },
    { AP2, 0, 1, 0, 0, P_PR | P_PX | P_UX },
    /* WXN: writable is never executable */
    { 0, 0, 0, 1, 0, P_PR | P_PW | P_UX },
    { AP1, 0, 0, 1, 0, P_PR | P_PW | P_UR | P_UW },
    /* APTable[0]: no EL0; APTable[1]: read-only; XN tables */
    { AP1, TAP0, 0, 0, 0, P_PR | P_PW | P_PX | P_UX },
    { AP1, TAP1, 0, 0, 0, P_PR | P_UR | P_PX | P_UX },
    { 0, TUXN | TPXN, 0, 0, 0, P_PR | P_PW },
    /* HAD: table attributes are ignored */
    { AP1, TAP0 | TAP1 | TUXN, 0, 0, 1, P_PR | P_PW | P_UR | P_UW | P_UX },
};

static void test_s1_permissions(void)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(perm_cases); i++) {
        const PermCase *p = &perm_cases[i];
        SmmumWalkCfg c;
        SmmumWalkResult r;
        Pt pt;

        setup();
        pt_init(&pt, 12, 48, 0);
        pt_map(&pt, 0x1000, 0x5000, 3, AF | p->leaf, p->table);
        s1_cfg(&c, &pt, 48);
        c.s1p.pan = p->pan;
        c.s1p.wxn = p->wxn;
        c.s1p.range[0].had = p->had;
        r = walk(&c, 0x1000, false, true, true);
        if (r.ok) {
            if (r.perm != p->expect) {
                g_test_message("case %u: perm 0x%x expected 0x%x", i, r.perm,
                               p->expect);
            }
            g_assert_cmphex(r.perm, ==, p->expect);
        } else {
            g_assert_false(p->expect & P_PX);
        }
        /* Each access kind faults exactly when its bit is clear. */
        for (int k = 0; k < 6; k++) {
            bool write = k % 3 == 1, instr = k % 3 == 2, priv = k < 3;
            uint8_t bit = 1u << k;

            r = walk(&c, 0x1000, write, instr, priv);
            if (p->expect & bit) {
                g_assert_true(r.ok);
            } else {
                assert_fault(&r, SMMUM_FAULT_PERMISSION, false,
                             SMMUM_CLASS_IN, 3);
            }
        }
        teardown();
    }
}

static void test_s1_global(void)
{
    SmmumWalkCfg c;
    SmmumWalkResult r;
    Pt pt;

    setup();
    pt_init(&pt, 12, 48, 0);
    pt_map(&pt, 0x1000, 0x5000, 3, AF | NG, 0);
    s1_cfg(&c, &pt, 48);
    r = walk(&c, 0x1000, false, false, true);
    g_assert_true(r.ok);
    g_assert_false(r.global);
    teardown();
}

static void test_s1_52bit(void)
{
    SmmumWalkCfg c;
    SmmumWalkResult r;
    Pt pt;

    /* 64K granule with 52-bit output (LPA): OA[51:48] in desc[15:12]. */
    setup();
    pt_init(&pt, 16, 52, 1);
    pt.lpa = true;
    pt_map(&pt, 0x000f000000010000ULL, 0x000a000000000000ULL, 1, AF, 0);
    s1_cfg(&c, &pt, 52);
    c.s1p.range[0].tsz = 12;
    r = walk(&c, 0x000f000000012345ULL, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x000a000000012345ULL);
    g_assert_cmpint(r.level, ==, 1);
    g_assert_cmpuint(r.size_shift, ==, 42);
    /* With a 48-bit output, level-1 blocks do not exist. */
    c.s1p.oas = 48;
    r = walk(&c, 0x000f000000012345ULL, false, false, true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, 99);
    teardown();

    /* 4K with DS: level -1 start, OA[51:50] in desc[9:8]. */
    setup();
    pt_init(&pt, 12, 52, -1);
    pt.ds = true;
    pt_map(&pt, 0x000f000000001000ULL, 0x000c000000005000ULL, 3, AF, 0);
    s1_cfg(&c, &pt, 52);
    c.s1p.range[0].tsz = 12;
    r = walk(&c, 0x000f000000001234ULL, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x000c000000005234ULL);
    /* Level-0 blocks exist with DS. */
    pt_map(&pt, 0x0001000000000000ULL, 0x0008000000000000ULL, 0, AF, 0);
    r = walk(&c, 0x0001000000abcdefULL, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x0008000000abcdefULL);
    g_assert_cmpuint(r.size_shift, ==, 39);
    teardown();
}

static void test_loop(void)
{
    SmmumWalkCfg c;
    SmmumWalkResult r;
    Pt pt;

    /* Every table descriptor points back at the start table. */
    setup();
    pt_init(&pt, 12, 48, 0);
    for (unsigned i = 0; i < 512; i++) {
        fake_write64(&mem, pt.ttb + i * 8, pt.ttb | 3);
    }
    s1_cfg(&c, &pt, 48);
    /* Level 3 reads it as a page without AF. */
    r = walk(&c, 0x0000123456789000ULL, false, false, true);
    assert_fault(&r, SMMUM_FAULT_ACCESS, false, SMMUM_CLASS_IN, 3);
    c.s1p.affd = true;
    r = walk(&c, 0x0000123456789abcULL, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, pt.ttb | 0xabc);
    teardown();
}

/* ---- stage 2 ---- */

static void test_s2_start(void)
{
    SmmumIdRegs idr = test_idr(5);
    unsigned n = 0;
    int sl = 9;

    /* 4K, 40-bit IPA, SL0=1 (level 1): two concatenated tables. */
    g_assert_true(smmum_walk_s2_start(&idr, 0, 24, 1, false, 48, &sl, &n));
    g_assert_cmpint(sl, ==, 1);
    g_assert_cmpuint(n, ==, 2);
    /* 4K, 40-bit, SL0=0 (level 2): 2^(40-30) = 1024 tables: inconsistent */
    g_assert_false(smmum_walk_s2_start(&idr, 0, 24, 0, false, 48, &sl, &n));
    /* 4K, 48-bit, level 0 */
    g_assert_true(smmum_walk_s2_start(&idr, 0, 16, 2, false, 48, &sl, &n));
    g_assert_cmpint(sl, ==, 0);
    g_assert_cmpuint(n, ==, 1);
    /* 4K, 43-bit from level 1: 16 concatenated tables */
    g_assert_true(smmum_walk_s2_start(&idr, 0, 21, 1, false, 48, &sl, &n));
    g_assert_cmpuint(n, ==, 16);
    /* 4K SL0=3 reserved; S2SL0_2 needs DS */
    g_assert_false(smmum_walk_s2_start(&idr, 0, 16, 3, false, 48, &sl, &n));
    g_assert_false(smmum_walk_s2_start(&idr, 0, 16, 4, false, 48, &sl, &n));
    /* 64K, 42-bit, SL0=1 (level 2) */
    g_assert_true(smmum_walk_s2_start(&idr, 1, 22, 1, false, 48, &sl, &n));
    g_assert_cmpint(sl, ==, 2);
    g_assert_cmpuint(n, ==, 1);
    /* 64K level 1 needs 52-bit PS */
    g_assert_false(smmum_walk_s2_start(&idr, 1, 16, 2, false, 48, &sl, &n));
    /* 16K, 36-bit, SL0=1 (level 2) */
    g_assert_true(smmum_walk_s2_start(&idr, 2, 28, 1, false, 48, &sl, &n));
    g_assert_cmpint(sl, ==, 2);
    /* T0SZ out of range */
    g_assert_false(smmum_walk_s2_start(&idr, 0, 40, 0, false, 48, &sl, &n));
    g_assert_false(smmum_walk_s2_start(&idr, 0, 15, 2, false, 48, &sl, &n));
    /* Unsupported granule */
    idr.idr[5] = DEP(idr.idr[5], SMMUM_IDR5_GRAN16K, 1, 0);
    g_assert_false(smmum_walk_s2_start(&idr, 2, 28, 1, false, 48, &sl, &n));
}

static void test_s2_only(void)
{
    SmmumWalkCfg c = { 0 };
    SmmumWalkResult r;
    Pt pt;
    uint64_t slot, ipa_hi = 0x8040000000ULL;

    setup();
    /* 40-bit IPA from level 1: a concatenated pair of start tables. */
    pt_init(&pt, 12, 40, 1);
    pt_map(&pt, 0x1000, 0x9000, 3, AF | AP1 | AP2 | S2_NORMAL, 0);
    pt_map(&pt, ipa_hi, 0x40000000ULL, 2, AF | AP1 | S2_NORMAL, 0);
    s2_cfg(&c, &pt, 48);
    r = walk(&c, 0x1234, true, false, false);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x9234);
    g_assert_cmpint(r.level, ==, 3);
    g_assert_cmphex(r.s2_memattr, ==, 0xf);
    /* The second start table (IPA bit 39 set) is used. */
    r = walk(&c, ipa_hi + 0x1234, false, false, false);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x40001234ULL);
    g_assert_cmpuint(r.size_shift, ==, 21);
    g_assert_true(pt_slot(&pt, ipa_hi, 1, 0) >= pt.ttb + 4096);
    /* S2AP: read-only */
    r = walk(&c, ipa_hi, true, false, false);
    assert_fault(&r, SMMUM_FAULT_PERMISSION, true, SMMUM_CLASS_IN, 2);
    g_assert_cmphex(r.fault.ipa, ==, ipa_hi);
    /* Beyond S2T0SZ: translation fault; beyond IAS: address size. */
    r = walk(&c, 1ULL << 40, false, false, false);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, true, SMMUM_CLASS_IN, 99);
    r = walk(&c, 1ULL << 50, false, false, false);
    assert_fault(&r, SMMUM_FAULT_ADDR_SIZE, true, SMMUM_CLASS_IN, 99);
    /* S2 AF, S2AFFD, S2HA, S2HD */
    slot = pt_map(&pt, 0x3000, 0xa000, 3, AP1 | DBM | S2_NORMAL, 0);
    r = walk(&c, 0x3000, false, false, false);
    assert_fault(&r, SMMUM_FAULT_ACCESS, true, SMMUM_CLASS_IN, 3);
    c.s2p.affd = true;
    r = walk(&c, 0x3000, false, false, false);
    g_assert_true(r.ok);
    c.s2p.affd = false;
    c.s2p.ha = true;
    r = walk(&c, 0x3000, false, false, false);
    g_assert_true(r.ok);
    g_assert_cmphex(fake_read64(&mem, slot) & AF, ==, AF);
    r = walk(&c, 0x3000, true, false, false);
    assert_fault(&r, SMMUM_FAULT_PERMISSION, true, SMMUM_CLASS_IN, 3);
    c.s2p.hd = true;
    r = walk(&c, 0x3000, true, false, false);
    g_assert_true(r.ok);
    g_assert_cmphex(fake_read64(&mem, slot) & AP2, ==, AP2);
    /* XN */
    pt_map(&pt, 0x4000, 0xb000, 3, AF | AP1 | UXN | S2_NORMAL, 0);
    r = walk(&c, 0x4000, false, true, false);
    assert_fault(&r, SMMUM_FAULT_PERMISSION, true, SMMUM_CLASS_IN, 3);
    teardown();
}

/* Stage-2 params built from an STE meaning. */
static void test_s2_params(void)
{
    SmmumIdRegs idr = test_idr(5);
    SmmumSteMeaning ste = { 0 };
    SmmumS2Params p;

    ste.outcome = SMMUM_OUT_TRANSLATE;
    ste.regime.config = 6;
    ste.regime.s2_ttb = 0x80000000ULL;
    ste.regime.s2_t0sz = 24;
    ste.regime.s2_sl0 = 1;
    ste.regime.s2_tg = 0;
    ste.regime.s2_ps = 6;           /* 52 -> capped to OAS 48 */
    ste.regime.s2_vmid = 9;
    ste.perm.s2_affd = 1;
    ste.perm.s2_hd = 1;             /* without S2HA means nothing */
    g_assert_true(smmum_walk_s2_params(&idr, &ste, &p));
    g_assert_cmpint(p.start_level, ==, 1);
    g_assert_cmpuint(p.granule, ==, 12);
    g_assert_cmpuint(p.ps, ==, 48);
    g_assert_cmpuint(p.vmid, ==, 9);
    g_assert_true(p.affd);
    g_assert_false(p.hd);
    ste.regime.s2_sl0 = 0;
    g_assert_false(smmum_walk_s2_params(&idr, &ste, &p));
}

/* ---- nested ---- */

#define IPA_DELTA 0x100000000ULL    /* S2 maps IPA x to PA x + delta */

static void nested_setup(SmmumWalkCfg *c, Pt *s1, Pt *s2)
{
    uint64_t ipa;

    setup();
    /* Stage 2: 40-bit IPA, 4K, start level 1, 2MB blocks. */
    pt_init(s2, 12, 40, 1);
    next_free = 0x40000000ULL;      /* S1 tables: IPAs from here */
    pt_init(s1, 12, 48, 0);
    s1->delta = IPA_DELTA;
    /* S2 tables live at PAs above the S1 tables' PAs. */
    s2->ttb += 0x200000000ULL;
    pt_map(s1, 0x1000, 0x10000000ULL, 3, AF, 0);
    pt_map(s1, 0x2000, 0x10200000ULL, 3, AF, 0);
    /* Stage 2 for the S1 tables (first 2MB above 1G) and the data. */
    next_free = 0x300000000ULL;
    for (ipa = 0x40000000ULL; ipa < 0x40200000ULL; ipa += 0x200000) {
        pt_map(s2, ipa, ipa + IPA_DELTA, 2, AF | AP1 | AP2 | S2_NORMAL, 0);
    }
    pt_map(s2, 0x10000000ULL, 0x20000000ULL, 2,
           AF | AP1 | AP2 | S2_NORMAL, 0);
    s1_cfg(c, s1, 48);
    s2_cfg(c, s2, 48);
}

static void test_nested(void)
{
    SmmumWalkCfg c;
    SmmumWalkResult r;
    Pt s1, s2;
    uint64_t l0_slot;

    nested_setup(&c, &s1, &s2);
    r = walk(&c, 0x1234, true, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(r.ipa, ==, 0x10000234ULL);
    g_assert_cmphex(r.pa, ==, 0x20000234ULL);
    g_assert_cmpuint(r.size_shift, ==, 12);     /* min(4K, 2M) */
    g_assert_cmpint(r.s2_level, ==, 2);

    /* Output IPA not mapped at stage 2: S2 fault, CLASS=IN, the IPA. */
    r = walk(&c, 0x2010, false, false, true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, true, SMMUM_CLASS_IN, 99);
    g_assert_cmphex(r.fault.ipa, ==, 0x10200010ULL);
    g_assert_cmphex(r.fault.input_addr, ==, 0x2010);

    /* Stage-1 level-0 table's IPA made read-protected at S2: CLASS=TT. */
    l0_slot = pt_slot(&s2, s1.ttb, 2, 0);
    fake_write64(&mem, l0_slot, fake_read64(&mem, l0_slot) & ~AP1);
    r = walk(&c, 0x1234, false, false, true);
    assert_fault(&r, SMMUM_FAULT_PERMISSION, true, SMMUM_CLASS_TT, 2);
    g_assert_cmphex(r.fault.ipa, ==, s1.ttb);
    g_assert_cmpuint(r.fault.ttrnw, ==, 1);
    /* ... and unmapped: a translation fault at stage 2. */
    fake_write64(&mem, l0_slot, 0);
    r = walk(&c, 0x1234, false, false, true);
    assert_fault(&r, SMMUM_FAULT_TRANSLATION, true, SMMUM_CLASS_TT, 2);
    g_assert_cmphex(r.fault.ipa, ==, s1.ttb);
    teardown();
}

static void test_nested_ptw_httu(void)
{
    SmmumWalkCfg c;
    SmmumWalkResult r;
    Pt s1, s2;
    uint64_t l0_slot, leaf_ipa;

    /* S2PTW: stage-1 tables in Device memory at stage 2. */
    nested_setup(&c, &s1, &s2);
    l0_slot = pt_slot(&s2, s1.ttb, 2, 0);
    fake_write64(&mem, l0_slot,
                 (fake_read64(&mem, l0_slot) & ~S2_NORMAL) | (1ULL << 2));
    r = walk(&c, 0x1234, false, false, true);
    g_assert_true(r.ok);
    c.s2p.ptw = true;
    r = walk(&c, 0x1234, false, false, true);
    assert_fault(&r, SMMUM_FAULT_PERMISSION, true, SMMUM_CLASS_TT, 2);
    teardown();

    /* HA at stage 1 writes the descriptor through stage 2. */
    nested_setup(&c, &s1, &s2);
    leaf_ipa = pt_slot(&s1, 0x1000, 3, 0);
    fake_write64(&mem, leaf_ipa + IPA_DELTA,
                 fake_read64(&mem, leaf_ipa + IPA_DELTA) & ~AF);
    c.s1p.ha = true;
    /* The S1 tables are read-only at stage 2: the update faults. */
    l0_slot = pt_slot(&s2, leaf_ipa, 2, 0);
    fake_write64(&mem, l0_slot, fake_read64(&mem, l0_slot) & ~AP2);
    r = walk(&c, 0x1234, false, false, true);
    assert_fault(&r, SMMUM_FAULT_PERMISSION, true, SMMUM_CLASS_TT, 2);
    g_assert_cmpuint(r.fault.ttrnw, ==, 0);
    g_assert_cmphex(r.fault.ipa, ==, leaf_ipa);
    fake_write64(&mem, l0_slot, fake_read64(&mem, l0_slot) | AP2);
    r = walk(&c, 0x1234, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(fake_read64(&mem, leaf_ipa + IPA_DELTA) & AF, ==, AF);
    teardown();
}

static void test_s2_fetch(void)
{
    SmmumWalkCfg c;
    SmmumWalkFault f;
    Pt s1, s2;
    uint64_t pa = 0;

    nested_setup(&c, &s1, &s2);
    g_assert_true(smmum_walk_s2_fetch(&wmem, &c.s2p, 0x40000040ULL, 0x77,
                                      &pa, &f));
    g_assert_cmphex(pa, ==, 0x40000040ULL + IPA_DELTA);
    g_assert_false(smmum_walk_s2_fetch(&wmem, &c.s2p, 0x50000000ULL, 0x77,
                                       &pa, &f));
    g_assert_cmphex(f.type, ==, SMMUM_FAULT_TRANSLATION);
    g_assert_cmpuint(f.s2, ==, 1);
    g_assert_cmpuint(f.cls, ==, SMMUM_CLASS_CD);
    g_assert_cmphex(f.ipa, ==, 0x50000000ULL);
    g_assert_cmphex(f.input_addr, ==, 0x77);
    teardown();
}

/* Stage-1 parameters built from a decoded CD, end to end. */
static void test_from_cd(void)
{
    SmmumIdRegs idr = test_idr(5);
    SmmumCdCtx ctx = { 0 };
    SmmumCdMeaning cd;
    SmmumWalkCfg c = { .s1 = true };
    SmmumWalkResult r;
    uint64_t w[8] = { 0 };
    Pt pt;

    setup();
    pt_init(&pt, 16, 48, 1);
    pt_map(&pt, 0x12340000ULL, 0x50000000ULL, 3, AF | NG, 0);
    w[0] = 16 | (1ULL << 6) | (1ULL << 30) | (1ULL << 31) | (5ULL << 32) |
           (1ULL << 41) | (1ULL << 46) | (0x42ULL << 48);
    w[1] = pt.ttb;
    smmum_cd_decode(&idr, &ctx, w, &cd);
    g_assert_cmpint(cd.outcome, ==, SMMUM_OUT_TRANSLATE);
    smmum_walk_s1_params(&idr, &cd, SMMUM_STRW_EL1, &c.s1p);
    g_assert_cmpuint(c.s1p.asid, ==, 0x42);
    g_assert_cmpuint(c.s1p.range[0].granule, ==, 16);
    g_assert_false(c.s1p.range[1].enabled);
    r = walk(&c, 0x12345678ULL, false, false, true);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x50005678ULL);
    g_assert_false(r.global);
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/walk/s1/geometry", test_s1_geometry);
    g_test_add_func("/walk/s1/bad-descriptors", test_s1_bad_descriptors);
    g_test_add_func("/walk/s1/ranges-tbi", test_s1_ranges);
    g_test_add_func("/walk/s1/access-flag", test_s1_access_flag);
    g_test_add_func("/walk/s1/dirty", test_s1_dirty);
    g_test_add_func("/walk/s1/permissions", test_s1_permissions);
    g_test_add_func("/walk/s1/global", test_s1_global);
    g_test_add_func("/walk/s1/52bit", test_s1_52bit);
    g_test_add_func("/walk/s1/loop", test_loop);
    g_test_add_func("/walk/s1/from-cd", test_from_cd);
    g_test_add_func("/walk/s2/start-level", test_s2_start);
    g_test_add_func("/walk/s2/translate", test_s2_only);
    g_test_add_func("/walk/s2/params", test_s2_params);
    g_test_add_func("/walk/nested/translate", test_nested);
    g_test_add_func("/walk/nested/ptw-httu", test_nested_ptw_httu);
    g_test_add_func("/walk/nested/cd-fetch", test_s2_fetch);
    return g_test_run();
}
