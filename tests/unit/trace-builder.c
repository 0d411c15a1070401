/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A builder of tear-check traces for unit tests (trace-builder.h).
 */
#include <string.h>

#include "smmum-regs.h"
#include "smmum-strtab.h"
#include "trace-builder.h"

static bool tb_host_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    TraceBuilder *b = opaque;

    fake_read(&b->mem, pa, buf, len);
    return true;
}

static void tb_host_regs(void *opaque, SmmumTearRegs *regs)
{
    TraceBuilder *b = opaque;

    *regs = b->regs;
}

static uint64_t tb_host_now(void *opaque)
{
    TraceBuilder *b = opaque;

    return b->vcnt;
}

static void tb_host_record(void *opaque, const SmmumTearRecord *r)
{
    TraceBuilder *b = opaque;

    g_ptr_array_add(b->live, smmum_tear_record_to_json(r));
}

static void tb_sink(void *opaque, const char *line)
{
    TraceBuilder *b = opaque;

    g_string_append(b->trace, line);
    g_string_append_c(b->trace, '\n');
}

void tb_init(TraceBuilder *b, SmmumTearMode mode)
{
    SmmumTearParams p = { .mode = mode };
    SmmumTearHost h = {
        .opaque = b, .read = tb_host_read, .get_regs = tb_host_regs,
        .now = tb_host_now, .record = tb_host_record,
    };
    SmmumTraceModel model = { .accel = "unit" };
    uint32_t *idr;

    memset(b, 0, sizeof(*b));
    fake_mem_init(&b->mem);
    b->trace = g_string_new(NULL);
    b->live = g_ptr_array_new_with_free_func(g_free);
    b->mode = mode;
    b->pc = 0xffff800080001000ULL;
    b->vcnt = 1000;
    idr = b->regs.idr.idr;
    idr[0] = (1u << SMMUM_IDR0_S2P) | (1u << SMMUM_IDR0_S1P) |
             (2u << SMMUM_IDR0_TTF) | (1u << SMMUM_IDR0_COHACC) |
             (1u << SMMUM_IDR0_ASID16) | (1u << SMMUM_IDR0_VMID16) |
             (1u << SMMUM_IDR0_CD2L) | (1u << SMMUM_IDR0_ST_LEVEL) |
             (1u << SMMUM_IDR0_ATS);
    idr[1] = (16u << SMMUM_IDR1_SIDSIZE) | (8u << SMMUM_IDR1_SSIDSIZE) |
             (1u << SMMUM_IDR1_ATTR_TYPES_OVR) |
             (1u << SMMUM_IDR1_ATTR_PERMS_OVR);
    idr[5] = (4u << SMMUM_IDR5_OAS) | (1u << SMMUM_IDR5_GRAN4K) |
             (1u << SMMUM_IDR5_GRAN16K) | (1u << SMMUM_IDR5_GRAN64K);
    b->regs.smmuen = true;
    b->regs.strtab_base = TB_STRTAB;
    b->regs.strtab_base_cfg = 8;            /* linear, 256 STEs */
    b->tr = smmum_trace_new(&p, &b->regs, &model, tb_sink, b);
    smmum_trace_wrap_host(b->tr, &h);
    b->t = smmum_tear_new(&p, &h);
    smmum_tear_observer(b->t, &b->obs);
    smmum_trace_attach(b->tr, b->t, &b->obs);
}

void tb_destroy(TraceBuilder *b)
{
    if (b->iotlb) {
        smmum_iotlb_set_observer(b->iotlb, NULL);
        smmum_iotlb_free(b->iotlb);
    }
    smmum_maint_trace_free(b->mt);
    smmum_maint_free(b->m);
    smmum_trace_free(b->tr);
    smmum_tear_free(b->t);
    g_string_free(b->trace, TRUE);
    g_ptr_array_free(b->live, TRUE);
    fake_mem_destroy(&b->mem);
}

void tb_store(TraceBuilder *b, uint64_t pa, uint64_t val)
{
    b->pc += 4;
    b->vcnt += 10;
    if (b->mode == SMMUM_TEAR_STORE) {
        smmum_trace_store(b->tr, pa, 8, val, b->pc, b->cpu, b->vcnt, false);
    }
    fake_write64(&b->mem, pa, val);
}

void tb_poke(TraceBuilder *b, uint64_t pa, uint64_t val)
{
    fake_write64(&b->mem, pa, val);
}

void tb_poke_img(TraceBuilder *b, uint64_t pa, const uint64_t *img)
{
    for (unsigned i = 0; i < 8; i++) {
        tb_poke(b, pa + 8 * i, img[i]);
    }
}

void tb_store_words(TraceBuilder *b, uint64_t pa, const uint64_t *img,
                    const unsigned *order, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned w = order[i];

        if (fake_read64(&b->mem, pa + 8 * w) != img[w]) {
            tb_store(b, pa + 8 * w, img[w]);
        }
    }
}

void tb_cfgi(TraceBuilder *b, SmmumCfgiKind kind, uint32_t sid,
             uint32_t ssid, bool leaf)
{
    SmmumCfgi c = { .kind = kind, .sid = sid, .ssid = ssid, .leaf = leaf };

    b->vcnt += 10;
    b->obs.cfgi_consumed(b->obs.opaque, &c);
}

void tb_sync(TraceBuilder *b)
{
    b->vcnt += 10;
    b->obs.sync_completed(b->obs.opaque);
}

void tb_inv_ste(TraceBuilder *b, uint32_t sid)
{
    tb_cfgi(b, SMMUM_CFGI_STE, sid, 0, true);
    tb_sync(b);
}

void tb_inv_cd(TraceBuilder *b, uint32_t sid, uint32_t ssid)
{
    tb_cfgi(b, SMMUM_CFGI_CD, sid, ssid, true);
    tb_sync(b);
}

void tb_txn(TraceBuilder *b, uint32_t sid, uint32_t ssid, bool ssv)
{
    b->obs.txn(b->obs.opaque, sid, ssid, ssv);
}

void tb_fetch_ste(TraceBuilder *b, uint32_t sid)
{
    uint64_t w[8];

    for (unsigned i = 0; i < 8; i++) {
        w[i] = fake_read64(&b->mem, tb_ste_addr(sid) + 8 * i);
    }
    b->obs.fetch(b->obs.opaque, SMMUM_FETCH_STE, sid, 0, tb_ste_addr(sid),
                 w, 8);
}

void tb_reset(TraceBuilder *b)
{
    b->obs.reset(b->obs.opaque);
}

void tb_tables_changed(TraceBuilder *b)
{
    b->vcnt += 10;
    b->obs.tables_changed(b->obs.opaque);
}

void tb_global_bypass(TraceBuilder *b, uint32_t sid)
{
    b->vcnt += 10;
    smmum_trace_global_bypass(b->tr, sid);
}

void tb_migrate(TraceBuilder *b)
{
    smmum_trace_migrate(b->tr);
}

const char *tb_finish(TraceBuilder *b)
{
    if (b->mt) {
        SmmumMaintCounters c;

        /* the device's exit notifiers: the maintenance checker first, */
        /* its summary record after its findings */
        smmum_maint_trace_finish(b->mt);
        smmum_maint_get_counters(b->m, &c);
        g_ptr_array_add(b->live, smmum_maint_summary_to_json(&c));
        smmum_maint_trace_free(b->mt);
        b->mt = NULL;
    }
    smmum_trace_finish(b->tr);
    smmum_trace_free(b->tr);
    b->tr = NULL;
    return b->trace->str;
}

/* ---- the maintenance checker and its small model ---- */

static bool tb_maint_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    TraceBuilder *b = opaque;

    fake_read(&b->mem, pa, buf, len);
    return true;
}

static void tb_maint_record(void *opaque, const SmmumMaintRecord *r)
{
    TraceBuilder *b = opaque;

    g_ptr_array_add(b->live, smmum_maint_record_to_json(r));
}

void tb_maint_init(TraceBuilder *b, unsigned bbml, const char *checks,
                   bool conflict)
{
    SmmumMaintParams p;
    SmmumMaintHost h = {
        .opaque = b, .read = tb_maint_read, .now = tb_host_now,
        .record = tb_maint_record,
    };
    g_autofree char *err = NULL;

    smmum_maint_params_default(&p);
    err = smmum_maint_checks_parse(&p, checks);
    g_assert_null(err);
    b->midr = b->regs.idr;
    b->midr.idr[3] |= (1u << SMMUM_IDR3_RIL) | (bbml << SMMUM_IDR3_BBML);
    p.idr = b->midr;
    p.conflict = conflict;
    b->tt_next = TB_TT_POOL;
    b->mt = smmum_maint_trace_new(b->tr, &p);
    smmum_maint_trace_wrap_host(b->mt, &h);
    b->m = smmum_maint_new(&p, &h);
    smmum_maint_observer(b->m, &b->mobs);
    smmum_maint_trace_attach(b->mt, b->m, &b->mobs);
    b->iotlb = smmum_iotlb_new(&b->midr, 64);
    smmum_iotlb_set_observer(b->iotlb, &b->mobs);
}

uint64_t tb_alloc_table(TraceBuilder *b)
{
    uint64_t pa = b->tt_next;

    b->tt_next += 0x1000;
    for (unsigned i = 0; i < 512; i++) {
        tb_poke(b, pa + 8 * i, 0);
    }
    return pa;
}

static unsigned level_shift(int level)
{
    return 12 + 9 * (3 - level);
}

uint64_t tb_pt_slot(TraceBuilder *b, uint64_t root, int level, uint64_t va)
{
    uint64_t table = root;

    for (int l = 1; l < level; l++) {
        uint64_t d = fake_read64(&b->mem, table + ((va >> level_shift(l)) &
                                                   0x1ff) * 8);

        table = d & SMMUM_MASK(48) & ~0xfffULL;
    }
    return table + ((va >> level_shift(level)) & 0x1ff) * 8;
}

void tb_pt_map(TraceBuilder *b, uint64_t root, int leaf_level, uint64_t va,
               uint64_t pa, uint64_t attrs)
{
    for (int l = 1; l < leaf_level; l++) {
        uint64_t slot = tb_pt_slot(b, root, l, va);

        if (!(fake_read64(&b->mem, slot) & 1)) {
            tb_poke(b, slot, tb_alloc_table(b) | 3);
        }
    }
    tb_poke(b, tb_pt_slot(b, root, leaf_level, va),
            (pa & ~SMMUM_MASK(level_shift(leaf_level))) |
            (leaf_level == 3 ? 3 : 1) | (1ULL << 10) | attrs);
}

void tb_maint_ctx(TraceBuilder *b, uint32_t sid, uint16_t asid,
                  uint64_t root)
{
    TbMaintCtx *c = &b->ctx[sid % TB_SIDS];

    memset(c, 0, sizeof(*c));
    c->used = true;
    c->cfg.s1 = true;
    c->cfg.s1p.range[0] = (SmmumWalkRange) {
        .enabled = true, .ttb = root, .tsz = 25, .granule = 12,
    };
    c->cfg.s1p.oas = 40;
    c->cfg.s1p.asid = asid;
    c->tag = (SmmumTlbTag) { .stage = SMMUM_TLB_S1, .regime = SMMUM_TLB_EL1,
                             .asid = asid };
}

static bool tb_walk_read64(void *opaque, uint64_t pa, uint64_t *val)
{
    TraceBuilder *b = opaque;

    *val = fake_read64(&b->mem, pa);
    return true;
}

static bool tb_walk_cmpxchg64(void *opaque, uint64_t pa, uint64_t expect,
                              uint64_t new_val, uint64_t *seen)
{
    TraceBuilder *b = opaque;

    *seen = fake_read64(&b->mem, pa);
    if (*seen == expect) {
        fake_write64(&b->mem, pa, new_val);
    }
    return true;
}

/*
 * Walk for txn through the recording hooks, as the core does (with
 * hardware updates: the context's HA / HD decide whether it makes any).
 */
static void tb_walk(TraceBuilder *b, const TbMaintCtx *c,
                    const SmmumTxn *txn, bool write, SmmumWalkResult *res)
{
    SmmumWalkMem mem = { .opaque = b, .read64 = tb_walk_read64,
                         .cmpxchg64 = tb_walk_cmpxchg64 };
    SmmumWalkReq req = { .addr = txn->addr, .write = write };

    b->mobs.walk_begin(b->mobs.opaque, &mem, &c->cfg, txn);
    smmum_walk(&mem, &c->cfg, &req, res);
    if (!res->ok && res->fault.type == SMMUM_FAULT_PERMISSION && write) {
        req.write = false;
        smmum_walk(&mem, &c->cfg, &req, res);
    }
}

bool tb_dma(TraceBuilder *b, uint32_t sid, uint64_t va, uint64_t *pa)
{
    TbMaintCtx *c = &b->ctx[sid % TB_SIDS];
    SmmumTxn txn = { .sid = sid, .addr = va };
    const SmmumIotlbEntry *e;
    SmmumIotlbEntry ent;
    SmmumWalkResult res;

    g_assert_true(c->used);
    b->vcnt += 10;
    e = smmum_iotlb_lookup(b->iotlb, &c->tag, va);
    if (e && smmum_perm_allows(e->perm, false, false, false)) {
        if (!b->mobs.tlb_hit(b->mobs.opaque, e, &txn)) {
            return false;
        }
        *pa = e->pa + (va & SMMUM_MASK(e->size_shift));
        return true;
    }
    tb_walk(b, c, &txn, false, &res);
    if (!res.ok) {
        return false;
    }
    smmum_iotlb_entry_from_walk(&ent, &c->tag, va, &res);
    smmum_iotlb_insert(b->iotlb, &ent);
    *pa = res.pa;
    return true;
}

void tb_tlbi(TraceBuilder *b, const SmmumTlbi *t)
{
    SmmumTlbi cmd = *t;

    b->vcnt += 10;
    b->mobs.tlbi(b->mobs.opaque, &cmd);
    smmum_iotlb_invalidate(b->iotlb, &cmd);
}

void tb_maint_sync(TraceBuilder *b)
{
    tb_sync(b);
    b->mobs.sync_completed(b->mobs.opaque);
}

void tb_iotlb_flush(TraceBuilder *b)
{
    smmum_iotlb_flush(b->iotlb);
}

bool tb_ats_grant(TraceBuilder *b, uint32_t sid, uint64_t va)
{
    TbMaintCtx *c = &b->ctx[sid % TB_SIDS];
    SmmumTxn txn = { .sid = sid, .addr = va,
                     .at = SMMUM_AT_TRANSLATION_REQ };
    SmmumXlate out = { .status = SMMUM_XLATE_OK };
    SmmumWalkResult res;

    g_assert_true(c->used);
    b->vcnt += 10;
    tb_walk(b, c, &txn, true, &res);
    if (!res.ok) {
        return false;
    }
    out.addr_mask = SMMUM_MASK(res.size_shift);
    out.pa = res.pa;
    out.read = smmum_perm_allows(res.perm, false, false, false);
    out.write = smmum_perm_allows(res.perm, true, false, false);
    out.global = res.global;
    b->mobs.ats_granted(b->mobs.opaque, &txn, &out);
    return out.read || out.write;
}

void tb_atc_inv(TraceBuilder *b, uint32_t sid, uint64_t addr,
                unsigned size_log2)
{
    SmmumAtcInv inv = { .sid = sid, .size_log2 = size_log2,
                        .addr = addr & ~SMMUM_MASK(size_log2) };

    b->vcnt += 10;
    b->mobs.atc_inv(b->mobs.opaque, &inv);
}

void tb_translated(TraceBuilder *b, uint32_t sid, uint64_t pa)
{
    SmmumTxn txn = { .sid = sid, .addr = pa, .at = SMMUM_AT_TRANSLATED };

    b->vcnt += 10;
    b->mobs.translated(b->mobs.opaque, &txn);
}

void tb_ats_endpoint(TraceBuilder *b, uint32_t sid,
                     SmmumAtsEndpointEvent ev, const SmmumAtsSteView *v)
{
    b->vcnt += 10;
    b->mobs.ats_endpoint(b->mobs.opaque, sid, ev, v);
}

uint64_t tb_ste_addr(uint32_t sid)
{
    return TB_STRTAB + 64ULL * sid;
}

/* ---- entries ---- */

static void setf(uint64_t *w, unsigned pos, unsigned len, uint64_t val)
{
    smmum_ste_set_field(w, pos, len, val);
}

void tb_ste_abort(uint64_t *w)
{
    memset(w, 0, 64);
    setf(w, SMMUM_STE_V, 1, 1);
    setf(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_ABORT);
}

void tb_ste_bypass(uint64_t *w, unsigned shcfg)
{
    memset(w, 0, 64);
    setf(w, SMMUM_STE_V, 1, 1);
    setf(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_BYPASS);
    setf(w, SMMUM_STE_SHCFG, 2, shcfg);
}

void tb_ste_s1(uint64_t *w, uint64_t cdt, unsigned cdmax, unsigned dss)
{
    memset(w, 0, 64);
    setf(w, SMMUM_STE_V, 1, 1);
    setf(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_S1);
    setf(w, SMMUM_STE_S1CTXPTR, 50, cdt >> 6);
    setf(w, SMMUM_STE_S1CDMAX, 5, cdmax);
    setf(w, SMMUM_STE_S1DSS, 2, dss);
}

void tb_ste_s2(uint64_t *w, unsigned vmid, uint64_t ttb)
{
    memset(w, 0, 64);
    setf(w, SMMUM_STE_V, 1, 1);
    setf(w, SMMUM_STE_CONFIG, 3, SMMUM_STE_CFG_S2);
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

void tb_cd(uint64_t *w, unsigned asid, uint64_t ttb0)
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
