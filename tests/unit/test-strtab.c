/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: stream table walks (linear, 2-level), the configuration
 * cache and its CFGI scopes (stale until invalidated, sticky mode), the
 * translation pipeline's events and the event queue protocol.
 */
#include "core-helpers.h"
#include "smmum-cfgcache.h"

#define L2_PA   0x600000ULL

static void fx_basic(Fx *f, unsigned cache, bool sticky)
{
    SmmumConfig cfg;

    smmum_config_default(&cfg);
    if (cache) {
        cfg.cfgcache_size = cache;
        cfg.cfgcache_sticky = sticky;
    }
    fx_init_cfg(f, &cfg);
    fx_queues(f, 4, 4);
}

static void test_linear_events(void)
{
    Fx f;

    fx_basic(&f, 0, false);
    fx_linear_strtab(&f, 4);
    g_assert_cmpuint(f.obs.tables, ==, 2);
    put_ste(&f, STRTAB_PA + 1 * 64, 4, true);        /* bypass */
    put_ste(&f, STRTAB_PA + 2 * 64, 0, true);        /* abort */
    put_ste(&f, STRTAB_PA + 3 * 64, 4, false);       /* invalid */
    put_ste(&f, STRTAB_PA + 4 * 64, 6, true);        /* S2: no S2P */
    fake_mem_add_fault(&f.mem, STRTAB_PA + 5 * 64, 64);

    /* SMMUEN=0: GBPA.ABORT. */
    g_assert_cmpint(xlate(&f, 1, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(f.obs.fetch, ==, 0);
    fx_enable(&f);
    g_assert_cmpuint(f.obs.tables, ==, 3);

    g_assert_cmpint(xlate(&f, 1, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpuint(f.obs.txn, ==, 1);
    g_assert_cmpint(xlate(&f, 2, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&f), ==, 0);        /* silent */

    g_assert_cmpint(xlate(&f, 3, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&f), ==, 1);
    g_assert_cmphex(evt_word(&f, 0, 0), ==,
                    SMMUM_EVT_C_BAD_STE | (3ULL << 32));
    /* RnW=1 (read), InputAddr. */
    g_assert_cmphex(evt_word(&f, 0, 1), ==, 1ULL << 35);
    g_assert_cmphex(evt_word(&f, 0, 2), ==, 0x12345678);

    g_assert_cmpint(xlate(&f, 4, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmphex(evt_word(&f, 1, 0) & 0xff, ==, SMMUM_EVT_C_BAD_STE);

    g_assert_cmpint(xlate(&f, 5, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmphex(evt_word(&f, 2, 0), ==,
                    SMMUM_EVT_F_STE_FETCH | (5ULL << 32));
    g_assert_cmphex(evt_word(&f, 2, 3), ==, STRTAB_PA + 5 * 64);

    /* Beyond the table: C_BAD_STREAMID (RECINVSID=1). */
    g_assert_cmpint(xlate(&f, 16, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmphex(evt_word(&f, 3, 0), ==,
                    SMMUM_EVT_C_BAD_STREAMID | (16ULL << 32));
    /* A SubstreamID on a bypass stream. */
    g_assert_cmpint(xlate(&f, 1, true), ==, SMMUM_XLATE_ABORT);
    g_assert_cmphex(evt_word(&f, 4, 0), ==,
                    SMMUM_EVT_C_BAD_SUBSTREAMID | (1ULL << 11) |
                    (3ULL << 12) | (1ULL << 32));
    g_assert_cmpuint(evtq_count(&f), ==, 5);

    /* Without RECINVSID, bad StreamIDs are not recorded. */
    wr32(&f, SMMUM_CR0, SMMUM_CR0_CMDQEN | SMMUM_CR0_EVTQEN);
    wr32(&f, SMMUM_CR2, 0);
    wr32(&f, SMMUM_CR0, SMMUM_CR0_CMDQEN | SMMUM_CR0_EVTQEN |
         SMMUM_CR0_SMMUEN);
    g_assert_cmpint(xlate(&f, 1u << 20, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&f), ==, 5);

    /* A failed fetch is not cached: repaired memory is used at once. */
    g_array_set_size(f.mem.faults, 0);
    put_ste(&f, STRTAB_PA + 5 * 64, 4, true);
    g_assert_cmpint(xlate(&f, 5, false), ==, SMMUM_XLATE_OK);
    fx_destroy(&f);
}

static void test_cache_scopes(void)
{
    Fx f;
    unsigned fetches;

    fx_basic(&f, 0, false);
    fx_linear_strtab(&f, 6);
    fx_enable(&f);
    for (unsigned sid = 0; sid < 16; sid++) {
        put_ste(&f, STRTAB_PA + sid * 64, 4, true);
        g_assert_cmpint(xlate(&f, sid, false), ==, SMMUM_XLATE_OK);
        put_ste(&f, STRTAB_PA + sid * 64, 0, true);  /* now abort */
    }
    fetches = f.obs.fetch;
    g_assert_cmpuint(fetches, ==, 16);
    /* Changed without CFGI: the cached bypass STE is still used. */
    g_assert_cmpint(xlate(&f, 5, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpuint(f.obs.fetch, ==, fetches);
    /* A SYNC alone changes nothing. */
    fx_cmd(&f, cmd_sync(0), 0);
    g_assert_cmpint(xlate(&f, 5, false), ==, SMMUM_XLATE_OK);
    /* CFGI_CD / CD_ALL do not touch STEs. */
    fx_cmd(&f, SMMUM_CMD_CFGI_CD | (5ULL << 32), 0);
    fx_cmd(&f, SMMUM_CMD_CFGI_CD_ALL | (5ULL << 32), 0);
    g_assert_cmpint(xlate(&f, 5, false), ==, SMMUM_XLATE_OK);
    /* CFGI_STE (Leaf=1) on SID 5 only. */
    fx_cmd(&f, SMMUM_CMD_CFGI_STE | (5ULL << 32), 1);
    g_assert_cmpint(xlate(&f, 5, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpint(xlate(&f, 4, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpint(xlate(&f, 6, false), ==, SMMUM_XLATE_OK);
    /* CFGI_STE_RANGE Range=1: 4 SIDs aligned (8..11 for SID 9). */
    fx_cmd(&f, SMMUM_CMD_CFGI_STE_RANGE | (9ULL << 32), 1);
    for (unsigned sid = 8; sid < 12; sid++) {
        g_assert_cmpint(xlate(&f, sid, false), ==, SMMUM_XLATE_ABORT);
    }
    g_assert_cmpint(xlate(&f, 7, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpint(xlate(&f, 12, false), ==, SMMUM_XLATE_OK);
    /* CFGI_ALL. */
    fx_cmd(&f, SMMUM_CMD_CFGI_STE_RANGE, 31);
    for (unsigned sid = 0; sid < 16; sid++) {
        g_assert_cmpint(xlate(&f, sid, false), ==, SMMUM_XLATE_ABORT);
    }
    /* STRTAB_BASE changes flush nothing. */
    put_ste(&f, STRTAB_PA, 4, true);
    wr32(&f, SMMUM_CR0, SMMUM_CR0_CMDQEN | SMMUM_CR0_EVTQEN);
    fx_linear_strtab(&f, 6);
    fx_enable(&f);
    g_assert_cmpint(xlate(&f, 0, false), ==, SMMUM_XLATE_ABORT);
    /* Reset does. */
    g_assert_cmpuint(f.obs.reset, ==, 0);
    smmum_core_reset(&f.core);
    g_assert_cmpuint(f.obs.reset, ==, 1);
    g_assert_cmpuint(smmum_cfgcache_count(f.core.cfgcache), ==, 0);
    fx_destroy(&f);
}

static void test_bounded_and_sticky(void)
{
    for (unsigned sticky = 0; sticky < 2; sticky++) {
        Fx f;

        fx_basic(&f, 4, sticky);
        fx_linear_strtab(&f, 6);
        fx_enable(&f);
        for (unsigned sid = 0; sid < 32; sid++) {
            put_ste(&f, STRTAB_PA + sid * 64, 4, true);
            g_assert_cmpint(xlate(&f, sid, false), ==, SMMUM_XLATE_OK);
            put_ste(&f, STRTAB_PA + sid * 64, 0, true);
        }
        if (sticky) {
            /* Nothing evicted: every stale STE is still in use. */
            g_assert_cmpuint(smmum_cfgcache_count(f.core.cfgcache), ==, 32);
            g_assert_cmpint(xlate(&f, 0, false), ==, SMMUM_XLATE_OK);
        } else {
            g_assert_cmpuint(smmum_cfgcache_count(f.core.cfgcache), ==, 4);
            g_assert_cmpuint(smmum_cfgcache_evictions(f.core.cfgcache), ==,
                             28);
            /* SID 0 was evicted: refetched, the new STE applies. */
            g_assert_cmpint(xlate(&f, 0, false), ==, SMMUM_XLATE_ABORT);
            /* The most recent ones are still cached. */
            g_assert_cmpint(xlate(&f, 31, false), ==, SMMUM_XLATE_OK);
        }
        fx_destroy(&f);
    }
}

static void two_level(Fx *f, unsigned log2, unsigned split)
{
    wr64(f, SMMUM_STRTAB_BASE, STRTAB_PA);
    wr32(f, SMMUM_STRTAB_BASE_CFG, log2 | (split << SMMUM_STRTAB_CFG_SPLIT) |
         (1u << SMMUM_STRTAB_CFG_FMT));
}

static void test_two_level(void)
{
    Fx f;

    fx_basic(&f, 0, false);
    two_level(&f, 16, 8);
    fx_enable(&f);
    /* L1 index 1 (SIDs 0x100..0x1ff): 4 STEs (Span 3). */
    fake_write64(&f.mem, STRTAB_PA + 8, L2_PA | 3);
    put_ste(&f, L2_PA + 2 * 64, 4, true);
    g_assert_cmpint(xlate(&f, 0x102, false), ==, SMMUM_XLATE_OK);
    g_assert_cmpuint(f.obs.fetch, ==, 2);
    g_assert_cmpint(f.obs.last_fetch_kind, ==, SMMUM_FETCH_STE);
    g_assert_cmphex(f.obs.last_fetch_addr, ==, L2_PA + 2 * 64);
    /* Outside the span, an invalid L1STD, beyond the table. */
    g_assert_cmpint(xlate(&f, 0x104, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpint(xlate(&f, 0x202, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpint(xlate(&f, 0x10000, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmpuint(evtq_count(&f), ==, 3);
    for (unsigned i = 0; i < 3; i++) {
        g_assert_cmphex(evt_word(&f, i, 0) & 0xff, ==,
                        SMMUM_EVT_C_BAD_STREAMID);
    }
    /* Invalid L1STDs are not cached: publishing one works at once. */
    fake_write64(&f.mem, STRTAB_PA + 16, (L2_PA + 0x10000) | 9);
    put_ste(&f, L2_PA + 0x10000 + 0xff * 64, 4, true);
    g_assert_cmpint(xlate(&f, 0x2ff, false), ==, SMMUM_XLATE_OK);
    /* A Span beyond SPLIT + 1 is out of bounds. */
    fake_write64(&f.mem, STRTAB_PA + 24, (L2_PA + 0x8000) | 10);
    g_assert_cmpint(xlate(&f, 0x300, false), ==, SMMUM_XLATE_ABORT);
    /* Valid L1STDs are cached: a Leaf CFGI keeps them, non-leaf not. */
    fake_write64(&f.mem, STRTAB_PA + 8, 0);
    fx_cmd(&f, SMMUM_CMD_CFGI_STE | (0x102ULL << 32), 1);
    g_assert_cmpint(xlate(&f, 0x102, false), ==, SMMUM_XLATE_OK);
    fx_cmd(&f, SMMUM_CMD_CFGI_STE | (0x102ULL << 32), 0);
    g_assert_cmpint(xlate(&f, 0x102, false), ==, SMMUM_XLATE_ABORT);
    /* An L1STD fetch abort is F_STE_FETCH with its address. */
    fake_mem_add_fault(&f.mem, STRTAB_PA + 4 * 8, 8);
    g_assert_cmpint(xlate(&f, 0x400, false), ==, SMMUM_XLATE_ABORT);
    g_assert_cmphex(evt_word(&f, evtq_count(&f) - 1, 0) & 0xff, ==,
                    SMMUM_EVT_F_STE_FETCH);
    g_assert_cmphex(evt_word(&f, evtq_count(&f) - 1, 3), ==,
                    STRTAB_PA + 4 * 8);
    fx_destroy(&f);
}

/* CD / L1CD scopes, straight on the cache. */
static void test_cd_scopes(void)
{
    SmmumCfgCache *c = smmum_cfgcache_new(64, false);
    SmmumCcEntry e = { 0 };
    SmmumCfgi f = { 0 };

    e.kind = SMMUM_CC_STE;
    e.sid = 1;
    smmum_cfgcache_insert(c, &e);
    e.kind = SMMUM_CC_CD;
    for (unsigned ssid = 0; ssid < 4; ssid++) {
        e.sub = ssid;
        smmum_cfgcache_insert(c, &e);
    }
    e.kind = SMMUM_CC_L1CD;
    e.sub = 0;
    e.lo = 0;
    e.hi = 63;
    smmum_cfgcache_insert(c, &e);
    e.sid = 2;
    smmum_cfgcache_insert(c, &e);
    g_assert_cmpuint(smmum_cfgcache_count(c), ==, 7);

    f.kind = SMMUM_CFGI_CD;
    f.sid = 1;
    f.ssid = 2;
    f.leaf = true;
    g_assert_cmpuint(smmum_cfgcache_invalidate(c, &f), ==, 1);
    g_assert_null(smmum_cfgcache_lookup(c, SMMUM_CC_CD, 1, 2));
    g_assert_nonnull(smmum_cfgcache_lookup(c, SMMUM_CC_L1CD, 1, 0));
    f.ssid = 3;
    f.leaf = false;         /* also the L1CD covering SSID 3 */
    g_assert_cmpuint(smmum_cfgcache_invalidate(c, &f), ==, 2);
    g_assert_null(smmum_cfgcache_lookup(c, SMMUM_CC_L1CD, 1, 0));
    g_assert_nonnull(smmum_cfgcache_lookup(c, SMMUM_CC_L1CD, 2, 0));
    f.kind = SMMUM_CFGI_CD_ALL;
    g_assert_cmpuint(smmum_cfgcache_invalidate(c, &f), ==, 2);
    g_assert_nonnull(smmum_cfgcache_lookup(c, SMMUM_CC_STE, 1, 0));
    /* CFGI_STE takes the CDs of that SID with it. */
    f.kind = SMMUM_CFGI_STE;
    f.sid = 2;
    f.leaf = true;
    g_assert_cmpuint(smmum_cfgcache_invalidate(c, &f), ==, 1);
    g_assert_cmpuint(smmum_cfgcache_count(c), ==, 1);
    smmum_cfgcache_free(c);
}

static void test_evtq_overflow(void)
{
    Fx f;

    fx_init(&f);
    fx_queues(&f, 4, 1);                            /* 2 events */
    fx_linear_strtab(&f, 2);
    fx_enable(&f);
    for (unsigned i = 0; i < 3; i++) {
        xlate(&f, 100 + i, false);
    }
    g_assert_cmpuint(evtq_count(&f), ==, 2);
    g_assert_cmphex(rd32(&f, SMMUM_EVENTQ_PROD), ==, SMMUM_Q_OVFLG | 2);
    g_assert_cmphex(evt_word(&f, 1, 0) >> 32, ==, 101);
    /* Still full: the flag is not toggled again. */
    xlate(&f, 103, false);
    g_assert_cmphex(rd32(&f, SMMUM_EVENTQ_PROD), ==, SMMUM_Q_OVFLG | 2);
    /* Consume and acknowledge. */
    wr32(&f, SMMUM_EVENTQ_CONS, SMMUM_Q_OVFLG | 2);
    xlate(&f, 104, false);
    xlate(&f, 105, false);
    xlate(&f, 106, false);
    g_assert_cmphex(rd32(&f, SMMUM_EVENTQ_PROD), ==, 0);   /* toggled */
    g_assert_cmphex(evt_word(&f, 0, 0) >> 32, ==, 104);
    /* EVENTQ_PROD and EVENTQ_BASE are guarded while EVTQEN=1. */
    wr32(&f, SMMUM_EVENTQ_PROD, 1);
    g_assert_cmphex(rd32(&f, SMMUM_EVENTQ_PROD), ==, 0);
    fx_destroy(&f);
}

static void test_evtq_irq_msi_abort(void)
{
    Fx f;

    fx_init(&f);
    fx_queues(&f, 4, 3);
    fx_linear_strtab(&f, 2);
    fx_enable(&f);
    xlate(&f, 100, false);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_EVTQ], ==, 0);
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_EVTQ | SMMUM_IRQ_CTRL_GERROR);
    xlate(&f, 100, false);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_EVTQ], ==, 1);
    /* MSI instead once an address is set (with the IRQ disabled). */
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR);
    wr64(&f, SMMUM_EVENTQ_IRQ_CFG0, MSI_PA);
    wr32(&f, SMMUM_EVENTQ_IRQ_CFG1, 0xabc);
    wr32(&f, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_EVTQ | SMMUM_IRQ_CTRL_GERROR);
    xlate(&f, 100, false);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_EVTQ], ==, 1);
    g_assert_cmphex(fake_read32(&f.mem, MSI_PA), ==, 0xabc);
    f.mem.msi_fail = true;
    xlate(&f, 100, false);
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_MSI_EVTQ_ABT);
    g_assert_cmpuint(evtq_count(&f), ==, 4);
    g_assert_cmpuint(f.mem.irq_count[SMMUM_IRQ_GERROR], ==, 1);
    /* A write abort: EVTQ_ABT, and events are dropped until acked. */
    fake_mem_add_fault(&f.mem, EVTQ_BASE_PA, 8 * 32);
    xlate(&f, 100, false);
    g_assert_cmphex(gerror_active(&f), ==, SMMUM_GERROR_MSI_EVTQ_ABT |
                    SMMUM_GERROR_EVTQ_ABT);
    g_array_set_size(f.mem.faults, 0);
    xlate(&f, 100, false);
    g_assert_cmpuint(evtq_count(&f), ==, 4);
    wr32(&f, SMMUM_GERRORN, rd32(&f, SMMUM_GERROR));
    f.mem.msi_fail = false;
    xlate(&f, 100, false);
    g_assert_cmpuint(evtq_count(&f), ==, 5);
    /* EVTQEN=0: nothing recorded. */
    wr32(&f, SMMUM_CR0, SMMUM_CR0_SMMUEN | SMMUM_CR0_CMDQEN);
    xlate(&f, 100, false);
    g_assert_cmpuint(evtq_count(&f), ==, 5);
    fx_destroy(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/strtab/linear-events", test_linear_events);
    g_test_add_func("/strtab/cache-scopes", test_cache_scopes);
    g_test_add_func("/strtab/bounded-sticky", test_bounded_and_sticky);
    g_test_add_func("/strtab/two-level", test_two_level);
    g_test_add_func("/cfgcache/cd-scopes", test_cd_scopes);
    g_test_add_func("/evtq/overflow", test_evtq_overflow);
    g_test_add_func("/evtq/irq-msi-abort", test_evtq_irq_msi_abort);
    return g_test_run();
}
