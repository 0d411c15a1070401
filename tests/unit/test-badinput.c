/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: the bad-input catalogue.  A guest is untrusted input; for
 * each kind of broken programming the model must give the architected
 * response, do bounded work per guest action (counted here as the SMMU's
 * own memory accesses), and accept valid programming afterwards.
 */
#include "core-helpers.h"
#include "smmum-strtab.h"
#include "smmum-tear.h"

#define FAULT_PA    0xf000000ULL        /* aborts: "MMIO / unassigned" */
#define FAULT_LEN   0x1000000ULL
#define L2_PA       0x500000ULL
#define TT_PA       0x800000ULL
#define S2_NORMAL   (0xfULL << 2)
#define S2_RW       (3ULL << 6)
#define D_AF        (1ULL << 10)

/* Every SMMU memory access goes through these counters. */
static SmmumHost real_host;
static unsigned n_reads, n_writes;

static bool count_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    n_reads++;
    return real_host.dma_read(opaque, pa, buf, len);
}

static bool count_write(void *opaque, uint64_t pa, const void *buf,
                        size_t len)
{
    n_writes++;
    return real_host.dma_write(opaque, pa, buf, len);
}

static void bi_init_cfg(Fx *f, const SmmumConfig *cfg)
{
    fx_init_cfg(f, cfg);
    fake_mem_add_fault(&f->mem, FAULT_PA, FAULT_LEN);
    real_host = f->core.host;
    f->core.host.dma_read = count_read;
    f->core.host.dma_write = count_write;
    n_reads = n_writes = 0;
}

static void bi_init(Fx *f)
{
    SmmumConfig cfg;

    smmum_config_default(&cfg);
    bi_init_cfg(f, &cfg);
}

/* Queues, a linear table of 2^log2 STEs, SMMUEN=1. */
static void bi_enable(Fx *f, unsigned log2)
{
    fx_queues(f, 4, 4);
    fx_linear_strtab(f, log2);
    fx_enable(f);
}

static unsigned evt_type(Fx *f, unsigned n)
{
    return evt_word(f, n, 0) & 0xff;
}

static uint32_t evt_sid(Fx *f, unsigned n)
{
    return evt_word(f, n, 0) >> 32;
}

static void consume_events(Fx *f)
{
    wr32(f, SMMUM_EVENTQ_CONS, rd32(f, SMMUM_EVENTQ_PROD));
}

/* The model still works: a bypass STE translates, CMD_SYNC completes. */
static void assert_still_works(Fx *f, uint32_t sid)
{
    uint32_t syncs = f->obs.sync;

    put_ste(f, STRTAB_PA + sid * 64, 4, true);
    fx_cmd(f, SMMUM_CMD_CFGI_STE | ((uint64_t)sid << 32), 1);
    fx_cmd(f, cmd_sync(0), 0);
    g_assert_cmpuint(f->obs.sync, ==, syncs + 1);
    g_assert_cmpint(xlate(f, sid, false), ==, SMMUM_XLATE_OK);
}

/* ---- queues ---- */

static void test_cmdq_base_outside_ram(void)
{
    Fx f;

    bi_init(&f);
    bi_enable(&f, 6);
    /* Move the command queue to unassigned space (disable first). */
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) & ~SMMUM_CR0_CMDQEN);
    wr64(&f, SMMUM_CMDQ_BASE, FAULT_PA | 4);
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) | SMMUM_CR0_CMDQEN);
    n_reads = 0;
    wr32(&f, SMMUM_CMDQ_PROD, 8);
    /*
     * CERROR_ABT, CMDQ_ERR, CONS where it stopped; bounded work: the
     * batch read of the 8 commands, then the first one alone.
     */
    g_assert_cmpuint(n_reads, >=, 1);
    g_assert_cmpuint(n_reads, <=, 2);
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_CMDQ_ERR);
    g_assert_cmphex(rd32(&f, SMMUM_CMDQ_CONS), ==,
                    SMMUM_CERROR_ABT << SMMUM_CMDQ_CONS_ERR);
    /* Stopped: more PROD writes read nothing until acknowledged. */
    n_reads = 0;
    wr32(&f, SMMUM_CMDQ_PROD, 9);
    g_assert_cmpuint(n_reads, ==, 0);
    /* Recover: back into RAM, acknowledge, valid commands run. */
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) & ~SMMUM_CR0_CMDQEN);
    wr64(&f, SMMUM_CMDQ_BASE, CMDQ_BASE_PA | 4);
    wr32(&f, SMMUM_CMDQ_PROD, 0);
    wr32(&f, SMMUM_CMDQ_CONS, 0);
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) | SMMUM_CR0_CMDQEN);
    wr32(&f, SMMUM_GERRORN, rd32(&f, SMMUM_GERROR));
    assert_still_works(&f, 3);
    fx_destroy(&f);
}

static void test_evtq_base_outside_ram(void)
{
    Fx f;

    bi_init(&f);
    bi_enable(&f, 6);
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) & ~SMMUM_CR0_EVTQEN);
    wr64(&f, SMMUM_EVENTQ_BASE, FAULT_PA | 4);
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) | SMMUM_CR0_EVTQEN);
    /* STE 5 is invalid: C_BAD_STE, whose record write aborts. */
    n_writes = 0;
    g_assert_cmpint(xlate(&f, 5, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(n_writes, ==, 1);
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_EVTQ_ABT);
    g_assert_cmphex(rd32(&f, SMMUM_EVENTQ_PROD), ==, 0);
    /* Until acknowledged, later events are dropped without a write. */
    for (unsigned i = 0; i < 100; i++) {
        xlate(&f, 5, false);
    }
    g_assert_cmpuint(n_writes, ==, 1);
    /* Recover. */
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) & ~SMMUM_CR0_EVTQEN);
    wr64(&f, SMMUM_EVENTQ_BASE, EVTQ_BASE_PA | 4);
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) | SMMUM_CR0_EVTQEN);
    wr32(&f, SMMUM_GERRORN, rd32(&f, SMMUM_GERROR));
    xlate(&f, 5, false);
    g_assert_cmpuint(evtq_count(&f), ==, 1);
    g_assert_cmpuint(evt_type(&f, 0), ==, SMMUM_EVT_C_BAD_STE);
    assert_still_works(&f, 3);
    fx_destroy(&f);
}

static void test_oversized_log2size(void)
{
    SmmumConfig cfg;
    Fx f;

    smmum_config_default(&cfg);
    cfg.cmdqs = 4;
    cfg.eventqs = 2;
    bi_init_cfg(&f, &cfg);
    wr64(&f, SMMUM_CMDQ_BASE, CMDQ_BASE_PA | 31);
    wr64(&f, SMMUM_EVENTQ_BASE, EVTQ_BASE_PA | 31);
    wr32(&f, SMMUM_CR0, SMMUM_CR0_CMDQEN | SMMUM_CR0_EVTQEN);
    fx_linear_strtab(&f, 4);
    fx_enable(&f);
    /* The queues behave as IDR1.CMDQS / EVENTQS sized ones. */
    f.cmdq_log2 = 4;
    f.evtq_log2 = 2;
    for (unsigned i = 0; i < 16; i++) {
        fake_write64(&f.mem, CMDQ_BASE_PA + i * 16, cmd_sync(0));
        fake_write64(&f.mem, CMDQ_BASE_PA + i * 16 + 8, 0);
    }
    n_reads = 0;
    wr32(&f, SMMUM_CMDQ_PROD, 0xfffff);     /* every wrap/index bit set */
    /* At most one queue's worth of entries, no errors. */
    g_assert_cmpuint(n_reads, <=, 16);
    g_assert_cmphex(gerror_active(&f), ==, 0);
    /* Index/wrap bits only: a 2^4 queue's pointers are 5 bits. */
    g_assert_cmphex(rd32(&f, SMMUM_CMDQ_CONS) & ~0x1fu, ==, 0);
    for (unsigned i = 0; i < 10; i++) {
        xlate(&f, 100, false);              /* beyond the table */
    }
    g_assert_cmpuint(evtq_count(&f), ==, 4);
    g_assert_cmphex(rd32(&f, SMMUM_EVENTQ_PROD), ==, SMMUM_Q_OVFLG | 4);
    fx_destroy(&f);
}

static void test_prod_garbage(void)
{
    Fx f;

    bi_init(&f);
    fx_queues(&f, 2, 4);                    /* 4 commands */
    fx_linear_strtab(&f, 6);
    fx_enable(&f);
    for (unsigned i = 0; i < 4; i++) {
        fake_write64(&f.mem, CMDQ_BASE_PA + i * 16, cmd_sync(0));
        fake_write64(&f.mem, CMDQ_BASE_PA + i * 16 + 8, 0);
    }
    /* Bits above the wrap bit are ignored: idx 3, wrap 0. */
    n_reads = 0;
    wr32(&f, SMMUM_CMDQ_PROD, 0x7ffffff3);
    g_assert_cmpuint(n_reads, >=, 1);       /* commands are read in batches */
    g_assert_cmpuint(n_reads, <=, 3);
    g_assert_cmpuint(f.obs.sync, ==, 3);
    g_assert_cmphex(gerror_active(&f), ==, 0);
    /* Past the queue: wrap toggled with an index beyond CONS = full. */
    n_reads = 0;
    wr32(&f, SMMUM_CMDQ_PROD, 0x7);
    g_assert_cmpuint(n_reads, >=, 2);       /* a batch ends at the wrap */
    g_assert_cmpuint(n_reads, <=, 4);
    g_assert_cmpuint(f.obs.sync, ==, 7);
    g_assert_cmphex(rd32(&f, SMMUM_CMDQ_CONS), ==, 0x7);
    /* Writing PROD back (CONS "ahead"): bounded, at most one queue. */
    n_reads = 0;
    wr32(&f, SMMUM_CMDQ_PROD, 0x1);
    g_assert_cmpuint(n_reads, <=, 4);
    g_assert_cmphex(gerror_active(&f), ==, 0);
    wr32(&f, SMMUM_CMDQ_PROD, rd32(&f, SMMUM_CMDQ_CONS) & 7);
    assert_still_works(&f, 3);
    fx_destroy(&f);
}

/* ---- stream table ---- */

static void test_sid_beyond_sidsize(void)
{
    SmmumConfig cfg;
    Fx f;

    smmum_config_default(&cfg);
    cfg.sidsize = 8;
    bi_init_cfg(&f, &cfg);
    bi_enable(&f, 8);
    n_reads = 0;
    g_assert_cmpint(xlate(&f, 256, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpint(xlate(&f, 0xffffffff, false), ==, SMMUM_XLATE_ABORT);
    /* Nothing fetched: the StreamID is out of range. */
    g_assert_cmpuint(n_reads, ==, 0);
    g_assert_cmpuint(evtq_count(&f), ==, 2);
    g_assert_cmpuint(evt_type(&f, 0), ==, SMMUM_EVT_C_BAD_STREAMID);
    g_assert_cmphex(evt_sid(&f, 1), ==, 0xffffffff);
    assert_still_works(&f, 255);
    fx_destroy(&f);
}

static void two_level(Fx *f)
{
    bi_init(f);
    fx_queues(f, 4, 4);
    wr64(f, SMMUM_STRTAB_BASE, STRTAB_PA);
    /* 2-level, SPLIT=6, 2^12 StreamIDs: 64 L1STDs */
    wr32(f, SMMUM_STRTAB_BASE_CFG, (1u << 16) | (6u << 6) | 12);
    fx_enable(f);
}

static void test_sid_beyond_span(void)
{
    Fx f;

    two_level(&f);
    /* L1STD 0: Span=2 (2 STEs) although SPLIT=6 allows 64. */
    fake_write64(&f.mem, STRTAB_PA, L2_PA | 2);
    put_ste(&f, L2_PA + 64, 4, true);
    g_assert_cmpint(xlate(&f, 1, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpint(xlate(&f, 2, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpint(xlate(&f, 63, false), ==, SMMUM_XLATE_ABORT);
    /* L1STD 1: Span=0 (invalid) */
    g_assert_cmpint(xlate(&f, 64, false), ==, SMMUM_XLATE_ABORT);
    /* Beyond the table's 2^12 */
    g_assert_cmpint(xlate(&f, 4096, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&f), ==, 4);
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmpuint(evt_type(&f, i), ==, SMMUM_EVT_C_BAD_STREAMID);
    }
    /* Span > SPLIT+1 is ILLEGAL too (the span would pass the L2 table). */
    fake_write64(&f.mem, STRTAB_PA + 8, L2_PA | 12);
    fx_cmd(&f, SMMUM_CMD_CFGI_STE | (64ULL << 32), 0);
    fx_cmd(&f, cmd_sync(0), 0);
    n_reads = 0;
    xlate(&f, 64 + 1, false);
    g_assert_cmpuint(n_reads, <=, 2);
    g_assert_cmpuint(gerror_active(&f), ==, 0);
    fx_destroy(&f);
}

static void test_tables_faulting(void)
{
    Fx f;

    two_level(&f);
    /* L1STD pointing into aborting space: F_STE_FETCH, no caching. */
    fake_write64(&f.mem, STRTAB_PA, FAULT_PA | 7);
    for (unsigned i = 0; i < 3; i++) {
        g_assert_cmpint(xlate(&f, 1, false), ==, SMMUM_XLATE_ABORT);
    }
    g_assert_cmpuint(evt_type(&f, 0), ==, SMMUM_EVT_F_STE_FETCH);
    g_assert_cmpuint(evt_sid(&f, 0), ==, 1);
    /* The L1 table itself aborting. */
    consume_events(&f);
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) & ~SMMUM_CR0_SMMUEN);
    wr64(&f, SMMUM_STRTAB_BASE, FAULT_PA + 0x1000);
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) | SMMUM_CR0_SMMUEN);
    g_assert_cmpint(xlate(&f, 70, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evt_type(&f, 0), ==, SMMUM_EVT_F_STE_FETCH);
    /* Back to RAM: works again (the failed fetches were not cached). */
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) & ~SMMUM_CR0_SMMUEN);
    wr64(&f, SMMUM_STRTAB_BASE, STRTAB_PA);
    wr32(&f, SMMUM_CR0, rd32(&f, SMMUM_CR0) | SMMUM_CR0_SMMUEN);
    fake_write64(&f.mem, STRTAB_PA, L2_PA | 7);
    put_ste(&f, L2_PA + 64, 4, true);
    /* The L1STD itself was fetched fine and may be cached: Leaf=0. */
    fx_cmd(&f, SMMUM_CMD_CFGI_STE | (1ULL << 32), 0);
    fx_cmd(&f, cmd_sync(0), 0);
    g_assert_cmpint(xlate(&f, 1, false), ==, SMMUM_XLATE_OK);
    g_assert_cmphex(gerror_active(&f), ==, 0);
    fx_destroy(&f);
}

/* ---- page tables ---- */

/* A stage-2-only STE: 39-bit IPA, 4K, start level 1, root at ttb. */
static void put_s2_ste(Fx *f, uint32_t sid, uint64_t ttb, uint16_t vmid)
{
    uint64_t w[8] = { 0 };

    smmum_ste_set_field(w, SMMUM_STE_V, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, 6);
    smmum_ste_set_field(w, SMMUM_STE_S2VMID, 16, vmid);
    smmum_ste_set_field(w, SMMUM_STE_S2T0SZ, 6, 25);
    smmum_ste_set_field(w, SMMUM_STE_S2SL0, 2, 1);
    smmum_ste_set_field(w, SMMUM_STE_S2PS, 3, 2);
    smmum_ste_set_field(w, SMMUM_STE_S2AA64, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_S2R, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_S2TTB, 52, ttb >> 4);
    for (unsigned i = 0; i < 8; i++) {
        fake_write64(&f->mem, STRTAB_PA + sid * 64 + i * 8, w[i]);
    }
}

/* L1 at root, L2 at root+0x1000, L3 at root+0x2000; IPA 0 -> pa. */
static void s2_tables(Fx *f, uint64_t root, uint64_t pa)
{
    fake_write64(&f->mem, root, (root + 0x1000) | 3);
    fake_write64(&f->mem, root + 0x1000, (root + 0x2000) | 3);
    fake_write64(&f->mem, root + 0x2000, pa | 3 | D_AF | S2_RW | S2_NORMAL);
}

static SmmumXlate txn_at(Fx *f, uint32_t sid, uint64_t addr)
{
    SmmumTxn t = { .sid = sid, .addr = addr };
    SmmumXlate x;

    smmum_translate(&f->core, &t, &x);
    return x;
}

static void test_walk_faults_every_level(void)
{
    Fx f;

    bi_init(&f);
    bi_enable(&f, 6);
    /* The level 1, 2 and 3 table fetches in turn abort. */
    for (unsigned lvl = 0; lvl <= 2; lvl++) {
        uint64_t root = TT_PA + lvl * 0x10000;
        uint32_t sid = 10 + lvl;

        s2_tables(&f, root, 0x40000000);
        /* lvl 0: the root is not RAM; else the level-lvl table is not. */
        if (lvl == 0) {
            root = FAULT_PA;
        } else {
            fake_write64(&f.mem, root + (lvl - 1) * 0x1000,
                         (FAULT_PA + lvl * 0x1000) | 3);
        }
        put_s2_ste(&f, sid, root, sid);
        consume_events(&f);
        n_reads = 0;
        g_assert_cmpint(txn_at(&f, sid, 0x123).status, ==,
                        SMMUM_XLATE_ABORT);
        /* STE + at most three levels */
        g_assert_cmpuint(n_reads, <=, 4);
        g_assert_cmpuint(evtq_count(&f), ==, 1);
        g_assert_cmpuint(evt_type(&f, 0), ==, SMMUM_EVT_F_WALK_EABT);
        g_assert_cmpuint(evt_sid(&f, 0), ==, sid);
    }
    /* A good table still translates. */
    s2_tables(&f, TT_PA + 0x80000, 0x40000000);
    put_s2_ste(&f, 20, TT_PA + 0x80000, 20);
    g_assert_cmphex(txn_at(&f, 20, 0x123).pa, ==, 0x40000123);
    g_assert_cmphex(gerror_active(&f), ==, 0);
    fx_destroy(&f);
}

static void test_page_table_loops(void)
{
    Fx f;
    SmmumXlate x;

    bi_init(&f);
    bi_enable(&f, 6);
    /* Every entry of the root points at the root itself. */
    for (unsigned i = 0; i < 512; i++) {
        fake_write64(&f.mem, TT_PA + i * 8, TT_PA | 3);
    }
    put_s2_ste(&f, 1, TT_PA, 1);
    n_reads = 0;
    x = txn_at(&f, 1, 0x12345000);
    /* Level 3 reads the root as a page without AF: bounded, a fault. */
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(n_reads, <=, 4);
    g_assert_cmpuint(evt_type(&f, 0), ==, SMMUM_EVT_F_ACCESS);
    /* A two-table cycle: L1 -> T, T[*] -> root. */
    consume_events(&f);
    for (unsigned i = 0; i < 512; i++) {
        fake_write64(&f.mem, TT_PA + 0x1000 + i * 8, TT_PA | 3);
        fake_write64(&f.mem, TT_PA + i * 8, (TT_PA + 0x1000) | 3);
    }
    put_s2_ste(&f, 2, TT_PA, 2);
    n_reads = 0;
    x = txn_at(&f, 2, 0x40201000);
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(n_reads, <=, 4);
    g_assert_cmpuint(evtq_count(&f), ==, 1);
    /* Descriptors pointing into aborting space mid-walk: an EABT. */
    consume_events(&f);
    s2_tables(&f, TT_PA + 0x10000, FAULT_PA);
    put_s2_ste(&f, 3, TT_PA + 0x10000, 3);
    x = txn_at(&f, 3, 0x10);
    /* The output address is not the walk's business: translation OK. */
    g_assert_cmpint(x.status, ==, SMMUM_XLATE_OK);
    g_assert_cmphex(x.pa, ==, FAULT_PA | 0x10);
    fx_destroy(&f);
}

/* ---- event queue, MSIs, GERROR ---- */

static void test_evtq_full_long(void)
{
    Fx f;
    unsigned irqs;

    bi_init(&f);
    fx_queues(&f, 4, 1);                    /* 2 events */
    fx_linear_strtab(&f, 2);
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_EVTQ | SMMUM_IRQ_CTRL_GERROR);
    fx_enable(&f);
    n_writes = 0;
    for (unsigned i = 0; i < 20000; i++) {
        xlate(&f, 100 + (i & 7), false);
    }
    /* Two records written, OVFLG toggled once, no write per drop. */
    g_assert_cmpuint(n_writes, ==, 2);
    g_assert_cmpuint(evtq_count(&f), ==, 2);
    g_assert_cmphex(rd32(&f, SMMUM_EVENTQ_PROD), ==, SMMUM_Q_OVFLG | 2);
    irqs = f.mem.irq_count[SMMUM_IRQ_EVTQ];
    g_assert_cmpuint(irqs, <=, 3);
    g_assert_cmphex(gerror_active(&f), ==, 0);
    /* Consumed and acknowledged: events flow again. */
    wr32(&f, SMMUM_EVENTQ_CONS, SMMUM_Q_OVFLG | 2);
    xlate(&f, 99, false);
    g_assert_cmpuint(evtq_count(&f), ==, 1);
    g_assert_cmpuint(evt_sid(&f, 0), ==, 99);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_EVTQ], ==, irqs + 1);
    fx_destroy(&f);
}

static void test_msi_faults(void)
{
    Fx f;

    bi_init(&f);
    bi_enable(&f, 6);
    /* GERROR MSI into aborting space. */
    wr64(&f, SMMUM_GERROR_IRQ_CFG0, FAULT_PA);
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR | SMMUM_IRQ_CTRL_EVTQ);
    fx_cmd(&f, 0x7f, 0);                    /* no such command */
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_CMDQ_ERR |
                    SMMUM_GERROR_MSI_GERROR_ABT);
    g_assert_cmpuint(f.mem.msis->len, ==, 0);
    /* Acknowledged with the command still there: the same error again. */
    wr32(&f, SMMUM_GERRORN, rd32(&f, SMMUM_GERROR));
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_CMDQ_ERR |
                    SMMUM_GERROR_MSI_GERROR_ABT);
    /* The driver's fix-up: replace it with a CMD_SYNC, acknowledge. */
    fake_write64(&f.mem, CMDQ_BASE_PA, cmd_sync(0));
    wr32(&f, SMMUM_GERRORN, rd32(&f, SMMUM_GERROR));
    g_assert_cmphex(gerror_active(&f), ==, 0);
    g_assert_cmpuint(f.obs.sync, ==, 1);
    /* CMD_SYNC completion MSI aborting: MSI_CMDQ_ABT, queue goes on. */
    /* IRQ_CFG registers are guarded by their enables. */
    wr32(&f, SMMUM_IRQ_CTRL, 0);
    wr64(&f, SMMUM_GERROR_IRQ_CFG0, MSI_PA + 0x100);
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR | SMMUM_IRQ_CTRL_EVTQ);
    fx_cmd(&f, cmd_sync(SMMUM_SYNC_CS_IRQ), FAULT_PA + 0x40);
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_MSI_CMDQ_ABT);
    g_assert_cmpuint(f.mem.msis->len, ==, 1);       /* the GERROR MSI */
    g_assert_cmphex(g_array_index(f.mem.msis, FakeMsi, 0).addr, ==,
                    MSI_PA + 0x100);
    g_assert_cmpuint(f.obs.sync, ==, 2);
    /* Event MSI aborting. */
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR);
    wr64(&f, SMMUM_EVENTQ_IRQ_CFG0, FAULT_PA + 0x80);
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR | SMMUM_IRQ_CTRL_EVTQ);
    xlate(&f, 5, false);
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_MSI_CMDQ_ABT |
                    SMMUM_GERROR_MSI_EVTQ_ABT);
    g_assert_cmpuint(evtq_count(&f), ==, 1);
    wr32(&f, SMMUM_GERRORN, rd32(&f, SMMUM_GERROR));
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR);
    wr64(&f, SMMUM_EVENTQ_IRQ_CFG0, MSI_PA);
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR | SMMUM_IRQ_CTRL_EVTQ);
    xlate(&f, 5, false);
    g_assert_cmphex(gerror_active(&f), ==, 0);
    g_assert_cmpuint(f.mem.msis->len, ==, 3);   /* + the event MSI */
    assert_still_works(&f, 3);
    fx_destroy(&f);
}

static void test_gerrorn_toggled_wrongly(void)
{
    Fx f;

    bi_init(&f);
    bi_enable(&f, 6);
    /* Toggle bits of errors that are not active. */
    wr32(&f, SMMUM_GERRORN, 0xffffffff);
    g_assert_cmphex(rd32(&f, SMMUM_GERRORN) & ~SMMUM_GERROR_MASK, ==, 0);
    /* Whatever the model made of it, acknowledging everything recovers. */
    wr32(&f, SMMUM_GERRORN, rd32(&f, SMMUM_GERROR));
    g_assert_cmphex(gerror_active(&f), ==, 0);
    assert_still_works(&f, 3);
    /* A real error after that is reported as a fresh one. */
    fx_cmd(&f, 0x7f, 0);
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_CMDQ_ERR);
    g_assert_cmphex(rd32(&f, SMMUM_CMDQ_CONS) >> SMMUM_CMDQ_CONS_ERR, ==,
                    SMMUM_CERROR_ILL);
    fx_destroy(&f);
}

static void test_illegal_sizes(void)
{
    static const struct { uint64_t off; unsigned size; } bad[] = {
        { SMMUM_CR0, 1 }, { SMMUM_CR0, 2 }, { SMMUM_CR0, 3 },
        { SMMUM_CR0, 16 }, { SMMUM_CR0, 0 }, { SMMUM_CR0 + 2, 4 },
        { SMMUM_CMDQ_BASE + 4, 8 }, { SMMUM_STRTAB_BASE + 1, 8 },
        { SMMUM_GBPA, 8 }, { 0x20000, 4 }, { 0xfffffffffffffff8ULL, 8 },
    };
    Fx f;
    uint32_t before[] = { SMMUM_CR0, SMMUM_CR1, SMMUM_CR2, SMMUM_GBPA,
                          SMMUM_CMDQ_BASE, SMMUM_CMDQ_BASE + 4,
                          SMMUM_STRTAB_BASE, SMMUM_STRTAB_BASE_CFG,
                          SMMUM_IRQ_CTRL };
    uint32_t vals[G_N_ELEMENTS(before)];

    bi_init(&f);
    bi_enable(&f, 6);
    for (unsigned i = 0; i < G_N_ELEMENTS(before); i++) {
        vals[i] = rd32(&f, before[i]);
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        unsigned errs = f.mem.guest_errors;

        g_assert_cmphex(smmum_mmio_read(&f.core, bad[i].off, bad[i].size),
                        ==, 0);
        smmum_mmio_write(&f.core, bad[i].off, ~0ULL, bad[i].size);
        /* Inside the frame: logged as a guest error (the glue's region */
        /* is the frame, so nothing outside it arrives from QEMU). */
        if (bad[i].off < 0x20000) {
            g_assert_cmpuint(f.mem.guest_errors, >, errs);
        }
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(before); i++) {
        g_assert_cmphex(rd32(&f, before[i]), ==, vals[i]);
    }
    assert_still_works(&f, 3);
    fx_destroy(&f);
}

/* ---- hostile guest against the tear checker ---- */

typedef struct TearFx {
    Fx f;
    SmmumTear *t;
    unsigned records, approx_records;
    unsigned by_type[SMMUM_TEAR_REC__MAX];
    uint64_t vcnt;
} TearFx;

static bool tf_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    TearFx *tf = opaque;

    fake_read(&tf->f.mem, pa, buf, len);
    return true;
}

static void tf_regs(void *opaque, SmmumTearRegs *regs)
{
    smmum_tear_regs_from_core(&((TearFx *)opaque)->f.core, regs);
}

static uint64_t tf_now(void *opaque)
{
    return ((TearFx *)opaque)->vcnt;
}

static void tf_record(void *opaque, const SmmumTearRecord *r)
{
    TearFx *tf = opaque;

    tf->records++;
    tf->by_type[r->type]++;
    if (r->approximate || r->type == SMMUM_TEAR_REC_APPROXIMATE) {
        tf->approx_records++;
    }
}

static void tf_store64(TearFx *tf, uint64_t pa, uint64_t v)
{
    tf->vcnt++;
    smmum_tear_store(tf->t, pa, 8, v, 0x4000, 0, tf->vcnt);
    fake_write64(&tf->f.mem, pa, v);
}

static void test_tear_live_ste_storm(void)
{
    SmmumTearParams p = { .mode = SMMUM_TEAR_STORE };
    SmmumTearHost h;
    SmmumObserver o;
    SmmumTearCounters c;
    TearFx tf = { 0 };
    GRand *rnd = g_rand_new_with_seed(9);
    const uint64_t ste = STRTAB_PA + 64;

    bi_init(&tf.f);
    h = (SmmumTearHost) { .opaque = &tf, .read = tf_read,
                          .get_regs = tf_regs, .now = tf_now,
                          .record = tf_record };
    tf.t = smmum_tear_new(&p, &h);
    smmum_tear_observer(tf.t, &o);
    smmum_core_set_observer(&tf.f.core, &o);
    bi_enable(&tf.f, 6);
    put_ste(&tf.f, ste, 4, true);
    g_assert_cmpint(xlate(&tf.f, 1, false), ==, SMMUM_XLATE_OK);

    /* 200k stores of random values into every word of the live STE. */
    for (unsigned i = 0; i < 200000; i++) {
        tf_store64(&tf, ste + 8 * (i & 7), g_rand_int(rnd) |
                   ((uint64_t)g_rand_int(rnd) << 32));
        if (!(i % 1000)) {
            smmum_translate(&tf.f.core, &(SmmumTxn) { .sid = 1 },
                            &(SmmumXlate) { 0 });
        }
    }
    put_ste(&tf.f, ste, 4, true);
    fx_cmd(&tf.f, SMMUM_CMD_CFGI_STE | (1ULL << 32), 1);
    fx_cmd(&tf.f, cmd_sync(0), 0);
    smmum_tear_get_counters(tf.t, &c);
    /* Bounded: the window was judged approximately and said so. */
    g_assert_cmpuint(c.windows, >=, 1);
    g_assert_cmpuint(c.states, <=, 8 * 64 + 2 * 4096);
    g_assert_cmpuint(c.views, <=, 4);
    g_assert_cmpuint(c.approximate, >=, 1);
    g_assert_cmpuint(tf.approx_records, >=, 1);
    for (unsigned i = 0; i < SMMUM_TEAR_REC__MAX; i++) {
        g_test_message("%s: %u", smmum_tear_rec_type_name(i), tf.by_type[i]);
    }
    /* One finding per (window, class): a handful, not one per store. */
    g_assert_cmpuint(tf.records, <=, 16);

    /* Same storm of CFGIs without a SYNC: bounded, then SYNC completes. */
    for (unsigned i = 0; i < 20000; i++) {
        fx_cmd(&tf.f, SMMUM_CMD_CFGI_STE | (1ULL << 32), 1);
    }
    fx_cmd(&tf.f, cmd_sync(0), 0);
    g_assert_cmphex(gerror_active(&tf.f), ==, 0);
    g_assert_cmpint(xlate(&tf.f, 1, false), ==, SMMUM_XLATE_OK);

    smmum_tear_finish(tf.t);
    smmum_core_set_observer(&tf.f.core, NULL);
    smmum_tear_free(tf.t);
    g_rand_free(rnd);
    fx_destroy(&tf.f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/badinput/cmdq-base-outside-ram",
                    test_cmdq_base_outside_ram);
    g_test_add_func("/badinput/evtq-base-outside-ram",
                    test_evtq_base_outside_ram);
    g_test_add_func("/badinput/oversized-log2size", test_oversized_log2size);
    g_test_add_func("/badinput/prod-garbage", test_prod_garbage);
    g_test_add_func("/badinput/sid-beyond-sidsize", test_sid_beyond_sidsize);
    g_test_add_func("/badinput/sid-beyond-span", test_sid_beyond_span);
    g_test_add_func("/badinput/tables-faulting", test_tables_faulting);
    g_test_add_func("/badinput/walk-faults-every-level",
                    test_walk_faults_every_level);
    g_test_add_func("/badinput/page-table-loops", test_page_table_loops);
    g_test_add_func("/badinput/evtq-full-long", test_evtq_full_long);
    g_test_add_func("/badinput/msi-faults", test_msi_faults);
    g_test_add_func("/badinput/gerrorn-toggled-wrongly",
                    test_gerrorn_toggled_wrongly);
    g_test_add_func("/badinput/illegal-sizes", test_illegal_sizes);
    g_test_add_func("/badinput/tear-live-ste-storm",
                    test_tear_live_ste_storm);
    return g_test_run();
}
