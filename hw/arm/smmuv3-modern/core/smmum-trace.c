/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the tear checker's input trace recorder.  It sits
 * between the model and the checker, passes every input on and writes it
 * as a record afterwards, with the memory and register answers the
 * checker got meanwhile before it.  Schema: docs/tear-trace-schema.md.
 */
#include <string.h>
#include <glib.h>

#include "smmum-core.h"
#include "smmum-int.h"
#include "smmum-queue.h"
#include "smmum-trace.h"

struct SmmumTrace {
    SmmumTraceSink sink;
    void *sink_opaque;
    SmmumTear *t;
    SmmumTearHost h;            /* the host the checker would have had */
    SmmumObserver obs;          /* the hooks the model would have called */
    const SmmumCore *core;
    SmmumTraceMem *mem;
    SmmumTearRegs regs;         /* what the replay's get_regs answers */
    bool now_valid;             /* the clock was read during this input */
    uint64_t now;
    SmmumTraceRec run;          /* txn / global-bypass run not written */
    bool has_run;
    void (*extra_flush)(void *opaque);  /* another checker's pending record */
    void *extra_opaque;
    bool in_extra_flush;
    bool finished;
    uint64_t count;
};

static void tr_emit_line(SmmumTrace *tr, const SmmumTraceRec *r)
{
    char *line = smmum_trace_rec_to_json(r);

    tr->sink(tr->sink_opaque, line);
    g_free(line);
    tr->count++;
}

/* Another checker's record still pending comes before anything new. */
static void tr_flush_extra(SmmumTrace *tr)
{
    if (tr->extra_flush && !tr->in_extra_flush) {
        tr->in_extra_flush = true;
        tr->extra_flush(tr->extra_opaque);
        tr->in_extra_flush = false;
    }
}

static void tr_flush_run(SmmumTrace *tr)
{
    tr_flush_extra(tr);
    if (tr->has_run) {
        tr->has_run = false;
        tr_emit_line(tr, &tr->run);
    }
}

static void tr_write(SmmumTrace *tr, const SmmumTraceRec *r)
{
    tr_flush_run(tr);
    tr_emit_line(tr, r);
}

/* Start an input: the clock is read afresh at most once per input. */
static void tr_begin(SmmumTrace *tr)
{
    tr->now_valid = false;
}

/* End an input: its record, with the clock if the checker read it. */
static void tr_end(SmmumTrace *tr, SmmumTraceRec *r)
{
    r->has_now = tr->now_valid;
    r->now = tr->now;
    tr_write(tr, r);
    tr->now_valid = false;
}

/* A repeatable input (txn, global bypass): extend the run or start one. */
static void tr_end_run(SmmumTrace *tr, const SmmumTraceRec *r, bool timed)
{
    if (tr->has_run && !timed && tr->run.kind == r->kind &&
        tr->run.sid == r->sid && tr->run.ssid == r->ssid &&
        tr->run.ssv == r->ssv) {
        tr->run.count++;
    } else {
        tr_flush_run(tr);
        tr->run = *r;
        tr->run.count = 1;
        tr->run.has_now = tr->now_valid;
        tr->run.now = tr->now;
        tr->has_run = true;
        if (timed) {
            tr_flush_run(tr);
        }
    }
    tr->now_valid = false;
}

/* Findings are outputs, not inputs: passed on as they are. */
static void tr_record(void *opaque, const SmmumTearRecord *rec)
{
    SmmumTrace *tr = opaque;

    tr->h.record(tr->h.opaque, rec);
}

static bool regs_equal(const SmmumTearRegs *a, const SmmumTearRegs *b)
{
    return !memcmp(a->idr.idr, b->idr.idr, sizeof(a->idr.idr)) &&
           a->smmuen == b->smmuen && a->strtab_base == b->strtab_base &&
           a->strtab_base_cfg == b->strtab_base_cfg;
}

bool smmum_trace_read_via(SmmumTrace *tr,
                          bool (*read)(void *opaque, uint64_t pa, void *buf,
                                       size_t len),
                          void *opaque, uint64_t pa, void *buf, size_t len)
{
    bool ok = read && read(opaque, pa, buf, len);

    for (size_t off = 0; off < len; off += SMMUM_TRACE_MEM_MAX) {
        size_t n = MIN(len - off, SMMUM_TRACE_MEM_MAX);
        const uint8_t *b = (const uint8_t *)buf + off;
        SmmumTraceRec r = { .kind = SMMUM_TRACE_MEM };

        if (smmum_trace_mem_agrees(tr->mem, pa + off, b, n, ok)) {
            continue;
        }
        smmum_trace_mem_set(tr->mem, pa + off, b, n, ok);
        r.pa = pa + off;
        r.len = n;
        r.ok = ok;
        for (size_t i = 0; ok && i < n; i++) {
            r.w[i / 8] |= (uint64_t)b[i] << (8 * (i % 8));
        }
        tr_write(tr, &r);
    }
    return ok;
}

static bool tr_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    SmmumTrace *tr = opaque;

    return smmum_trace_read_via(tr, tr->h.read, tr->h.opaque, pa, buf, len);
}

static void tr_get_regs(void *opaque, SmmumTearRegs *regs)
{
    SmmumTrace *tr = opaque;

    if (tr->h.get_regs) {
        tr->h.get_regs(tr->h.opaque, regs);
    } else {
        *regs = tr->regs;
    }
    if (!regs_equal(regs, &tr->regs)) {
        SmmumTraceRec r = { .kind = SMMUM_TRACE_REGS, .regs = *regs };

        if (tr->core) {
            r.has_gbpa = true;
            r.gbpa = tr->core->gbpa;
        }
        tr->regs = *regs;
        tr_write(tr, &r);
    }
}

static uint64_t tr_now(void *opaque)
{
    SmmumTrace *tr = opaque;

    if (!tr->now_valid) {
        tr->now = tr->h.now ? tr->h.now(tr->h.opaque) : 0;
        tr->now_valid = true;
    }
    return tr->now;
}

/* The command being consumed, from the core's command queue. */
static void tr_cmd(SmmumTrace *tr, SmmumTraceRec *r)
{
    const SmmumCore *s = tr->core;
    uint8_t b[16];
    uint64_t addr;

    if (!s || !s->host.dma_read) {
        return;
    }
    addr = smmum_q_entry_addr(s->cmdq.base, smmum_cmdq_log2size(s), 4,
                              s->cmdq.cons);
    if (!s->host.dma_read(s->host.opaque, addr, b, sizeof(b))) {
        return;
    }
    r->has_cmd = true;
    r->cmdq_cons = s->cmdq.cons;
    for (unsigned i = 0; i < 16; i++) {
        r->cmd[i / 8] |= (uint64_t)b[i] << (8 * (i % 8));
    }
}

static void o_cfgi(void *opaque, const SmmumCfgi *cfgi)
{
    SmmumTrace *tr = opaque;
    SmmumTraceRec r = { .kind = SMMUM_TRACE_CFGI, .cfgi = *cfgi };

    tr_begin(tr);
    if (tr->obs.cfgi_consumed) {
        tr->obs.cfgi_consumed(tr->obs.opaque, cfgi);
    }
    tr_cmd(tr, &r);
    tr_end(tr, &r);
}

static void o_sync(void *opaque)
{
    SmmumTrace *tr = opaque;
    SmmumTraceRec r = { .kind = SMMUM_TRACE_SYNC };

    tr_begin(tr);
    if (tr->obs.sync_completed) {
        tr->obs.sync_completed(tr->obs.opaque);
    }
    tr_cmd(tr, &r);
    tr_end(tr, &r);
}

static void o_fetch(void *opaque, SmmumFetchKind kind, uint32_t sid,
                    uint32_t ssid, uint64_t addr, const uint64_t *words,
                    unsigned n)
{
    SmmumTrace *tr = opaque;
    SmmumTraceRec r = { .kind = SMMUM_TRACE_FETCH, .fetch = kind,
                        .sid = sid, .ssid = ssid, .pa = addr,
                        .n = MIN(n, 8) };

    tr_begin(tr);
    if (tr->obs.fetch) {
        tr->obs.fetch(tr->obs.opaque, kind, sid, ssid, addr, words, n);
    }
    memcpy(r.w, words, r.n * 8);
    tr_end(tr, &r);
}

static void o_prefetch(void *opaque, uint32_t sid, uint32_t ssid, bool ssv)
{
    SmmumTrace *tr = opaque;
    SmmumTraceRec r = { .kind = SMMUM_TRACE_PREFETCH, .sid = sid,
                        .ssid = ssid, .ssv = ssv };

    tr_begin(tr);
    if (tr->obs.prefetch) {
        tr->obs.prefetch(tr->obs.opaque, sid, ssid, ssv);
    }
    tr_end(tr, &r);
}

static void o_txn(void *opaque, uint32_t sid, uint32_t ssid, bool ssv)
{
    SmmumTrace *tr = opaque;
    SmmumTraceRec r = { .kind = SMMUM_TRACE_TXN, .sid = sid, .ssid = ssid,
                        .ssv = ssv };

    tr_begin(tr);
    if (tr->obs.txn) {
        tr->obs.txn(tr->obs.opaque, sid, ssid, ssv);
    }
    tr_end_run(tr, &r, tr->now_valid);
}

static void o_tables(void *opaque)
{
    SmmumTrace *tr = opaque;
    SmmumTraceRec r = { .kind = SMMUM_TRACE_TABLES };

    tr_begin(tr);
    if (tr->obs.tables_changed) {
        tr->obs.tables_changed(tr->obs.opaque);
    }
    tr_end(tr, &r);
}

static void o_reset(void *opaque)
{
    SmmumTrace *tr = opaque;
    SmmumTraceRec r = { .kind = SMMUM_TRACE_RESET };

    tr_begin(tr);
    if (tr->obs.reset) {
        tr->obs.reset(tr->obs.opaque);
    }
    tr_end(tr, &r);
}

SmmumTrace *smmum_trace_new(const SmmumTearParams *p,
                            const SmmumTearRegs *regs,
                            const SmmumTraceModel *model,
                            SmmumTraceSink sink, void *opaque)
{
    SmmumTrace *tr = g_new0(SmmumTrace, 1);
    SmmumTraceRec hdr = { .kind = SMMUM_TRACE_HEADER, .params = *p };

    tr->sink = sink;
    tr->sink_opaque = opaque;
    tr->mem = smmum_trace_mem_new();
    if (regs) {
        tr->regs = *regs;
        hdr.regs = *regs;
    }
    if (model) {
        hdr.model = *model;
    }
    tr_write(tr, &hdr);
    return tr;
}

void smmum_trace_wrap_host(SmmumTrace *tr, SmmumTearHost *h)
{
    tr->h = *h;
    h->opaque = tr;
    h->read = tr_read;
    h->get_regs = tr_get_regs;
    h->now = tr_now;
    h->record = tr->h.record ? tr_record : NULL;
}

void smmum_trace_attach(SmmumTrace *tr, SmmumTear *t, SmmumObserver *obs)
{
    tr->t = t;
    tr->obs = *obs;
    *obs = (SmmumObserver) {
        .opaque = tr,
        .cfgi_consumed = o_cfgi,
        .sync_completed = o_sync,
        .fetch = o_fetch,
        .prefetch = o_prefetch,
        .txn = o_txn,
        .tables_changed = o_tables,
        .reset = o_reset,
    };
}

void smmum_trace_set_core(SmmumTrace *tr, const SmmumCore *core)
{
    tr->core = core;
}

void smmum_trace_store(SmmumTrace *tr, uint64_t pa, unsigned size,
                       uint64_t data, uint64_t pc, int cpu_index,
                       uint64_t vcnt, bool i128)
{
    SmmumTraceRec r = { .kind = SMMUM_TRACE_STORE, .pa = pa, .size = size,
                        .data = data, .pc = pc, .cpu = cpu_index,
                        .vcnt = vcnt, .i128 = i128 };

    if (size == 0 || size > 8) {
        return;                 /* the checker ignores these too */
    }
    if (size < 8) {
        r.data &= (1ULL << (8 * size)) - 1;
    }
    tr_begin(tr);
    smmum_tear_store(tr->t, pa, size, data, pc, cpu_index, vcnt);
    tr_end(tr, &r);
    smmum_trace_mem_store(tr->mem, pa, size, r.data);
}

void smmum_trace_global_bypass(SmmumTrace *tr, uint32_t sid)
{
    SmmumTraceRec r = { .kind = SMMUM_TRACE_GLOBAL_BYPASS, .sid = sid };

    tr_begin(tr);
    smmum_tear_note_global_bypass(tr->t, sid);
    tr_end_run(tr, &r, tr->now_valid);
}

void smmum_trace_migrate(SmmumTrace *tr)
{
    SmmumTraceRec r = { .kind = SMMUM_TRACE_MIGRATE };

    tr_begin(tr);
    smmum_tear_migrate(tr->t);
    tr_end(tr, &r);
}

void smmum_trace_finish(SmmumTrace *tr)
{
    SmmumTraceRec r = { .kind = SMMUM_TRACE_EXIT };

    if (tr->finished) {
        return;
    }
    tr->finished = true;
    tr_begin(tr);
    if (tr->t) {
        smmum_tear_finish(tr->t);
    }
    tr_end(tr, &r);
}

void smmum_trace_write_extra(SmmumTrace *tr, const char *json)
{
    tr_flush_run(tr);
    tr->sink(tr->sink_opaque, json);
    tr->count++;
}

void smmum_trace_set_extra_flush(SmmumTrace *tr, void (*fn)(void *opaque),
                                 void *opaque)
{
    tr->extra_flush = fn;
    tr->extra_opaque = opaque;
}

void smmum_trace_flush(SmmumTrace *tr)
{
    tr_flush_run(tr);
}

uint64_t smmum_trace_count(SmmumTrace *tr)
{
    return tr->count + tr->has_run;
}

void smmum_trace_free(SmmumTrace *tr)
{
    if (!tr) {
        return;
    }
    tr_flush_run(tr);
    smmum_trace_mem_free(tr->mem);
    g_free(tr);
}
