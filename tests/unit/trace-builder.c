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
    smmum_trace_finish(b->tr);
    smmum_trace_free(b->tr);
    b->tr = NULL;
    return b->trace->str;
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
