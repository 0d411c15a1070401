/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harnesses for the smmuv3-modern core.
 *
 * An input is a configuration byte or two followed by a stream of
 * operations, each an opcode byte and its operands (missing bytes read
 * as zero).  Every harness interprets the same operation set; each
 * restricts it to the operations that matter for it and starts from a
 * different programmed state.  After every operation the harness checks
 * invariants that hold whatever the guest did, and aborts when one
 * breaks.  Work is bounded: at most MAX_OPS operations per input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-mem.h"
#include "smmum-core.h"
#include "smmum-tear.h"
#include "smmum-fuzz.h"

#define MAX_OPS         512

/* Guest physical layout the operations aim at. */
#define F_CMDQ          0x100000ULL
#define F_EVTQ          0x200000ULL
#define F_STRTAB        0x400000ULL
#define F_L2            0x500000ULL
#define F_CDT           0x600000ULL
#define F_CDL2          0x700000ULL
#define F_TT            0x800000ULL
#define F_MSI           0x980000ULL
#define F_FAULT         0xf000000ULL        /* aborts: "MMIO" */
#define F_FAULT_LEN     0x1000000ULL
#define F_HIGH          (1ULL << 40)        /* aborts: unassigned */

static const uint64_t bases[] = {
    F_CMDQ, F_EVTQ, F_STRTAB, F_L2, F_CDT, F_CDL2, F_TT, F_TT + 0x40000,
    F_MSI, F_FAULT, F_HIGH, 0,
};

/* Registers a guest touches; MMIO ops pick one of these most often. */
static const uint32_t hot_regs[] = {
    SMMUM_CR0, SMMUM_CR1, SMMUM_CR2, SMMUM_GBPA, SMMUM_IRQ_CTRL,
    SMMUM_GERRORN, SMMUM_GERROR_IRQ_CFG0, SMMUM_GERROR_IRQ_CFG1,
    SMMUM_GERROR_IRQ_CFG2, SMMUM_STRTAB_BASE, SMMUM_STRTAB_BASE_CFG,
    SMMUM_CMDQ_BASE, SMMUM_CMDQ_PROD, SMMUM_CMDQ_CONS, SMMUM_EVENTQ_BASE,
    SMMUM_EVENTQ_PROD, SMMUM_EVENTQ_CONS, SMMUM_EVENTQ_IRQ_CFG0,
    SMMUM_EVENTQ_IRQ_CFG1, SMMUM_EVENTQ_IRQ_CFG2, SMMUM_EVENTQ_PROD_P0,
    SMMUM_EVENTQ_CONS_P0, SMMUM_CR0ACK, SMMUM_GERROR, SMMUM_IRQ_CTRLACK,
};

static const uint8_t opcodes[] = {
    SMMUM_CMD_PREFETCH_CONFIG, SMMUM_CMD_PREFETCH_ADDR,
    SMMUM_CMD_CFGI_STE, SMMUM_CMD_CFGI_STE_RANGE, SMMUM_CMD_CFGI_CD,
    SMMUM_CMD_CFGI_CD_ALL, SMMUM_CMD_TLBI_NH_ALL, SMMUM_CMD_TLBI_NH_ASID,
    SMMUM_CMD_TLBI_NH_VA, SMMUM_CMD_TLBI_NH_VAA, SMMUM_CMD_TLBI_EL3_ALL,
    SMMUM_CMD_TLBI_EL3_VA, SMMUM_CMD_TLBI_EL2_ALL, SMMUM_CMD_TLBI_EL2_ASID,
    SMMUM_CMD_TLBI_EL2_VA, SMMUM_CMD_TLBI_EL2_VAA,
    SMMUM_CMD_TLBI_S12_VMALL, SMMUM_CMD_TLBI_S2_IPA,
    SMMUM_CMD_TLBI_NSNH_ALL, SMMUM_CMD_ATC_INV, SMMUM_CMD_PRI_RESP,
    SMMUM_CMD_RESUME, SMMUM_CMD_STALL_TERM, SMMUM_CMD_SYNC, 0x00, 0xff,
};

typedef enum Op {
    OP_MMIO_READ,       /* off:u32 size:u8 */
    OP_MMIO_WRITE,      /* off:u32 size:u8 val:u64 */
    OP_HOT_WRITE,       /* reg:u8 size:u8 val:u64 */
    OP_MEM_WRITE,       /* base:u8 off:u16 val:u64 (8-byte aligned) */
    OP_MEM_STORE,       /* base:u8 off:u16 size:u8 val:u64 (any shape) */
    OP_CMD,             /* op:u8 d0:u64 d1:u64, then PROD+1 */
    OP_PROD,            /* prod:u32 (raw, garbage wrap bits allowed) */
    OP_XLATE,           /* sid:u8|u32 ssid:u32 flags:u8 addr:u64 */
    OP_EVT_CONSUME,     /* EVENTQ_CONS = EVENTQ_PROD */
    OP_GERROR_ACK,      /* GERRORN = GERROR (or toggled wrongly) */
    OP_RESET,
    OP_TEAR_FINISH,     /* exit / outgoing migration of the checker */
    OP__MAX,
} Op;

typedef struct Rd {
    const uint8_t *p;
    size_t n;
} Rd;

typedef struct Fz {
    Rd rd;
    FakeMem mem;
    SmmumCore core;
    SmmumTear *tear;
    SmmumTearMode tear_mode;
    uint64_t vcnt;
    uint64_t records;
} Fz;

static uint8_t rd8(Rd *r)
{
    uint8_t v = 0;

    if (r->n) {
        v = *r->p++;
        r->n--;
    }
    return v;
}

static uint64_t rdn(Rd *r, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < bytes; i++) {
        v |= (uint64_t)rd8(r) << (8 * i);
    }
    return v;
}

static void check(bool cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "smmum-fuzz: invariant broken: %s\n", what);
        abort();
    }
}

/* ---- tear checker hookup ---- */

static bool tear_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    Fz *z = opaque;
    SmmumHost h = fake_mem_host(&z->mem);

    return h.dma_read(h.opaque, pa, buf, len);
}

static void tear_regs(void *opaque, SmmumTearRegs *regs)
{
    Fz *z = opaque;

    smmum_tear_regs_from_core(&z->core, regs);
}

static uint64_t tear_now(void *opaque)
{
    return ((Fz *)opaque)->vcnt;
}

static void tear_record(void *opaque, const SmmumTearRecord *rec)
{
    Fz *z = opaque;
    char *json = smmum_tear_record_to_json(rec);
    char *line = smmum_tear_record_describe(rec);

    check(json && json[0] == '{', "tear record renders as JSON");
    check(rec->type < SMMUM_TEAR_REC__MAX, "tear record type");
    check(rec->nwords <= 8, "tear record nwords");
    g_free(json);
    g_free(line);
    z->records++;
}

static void tear_attach(Fz *z, SmmumTearMode mode, unsigned caps)
{
    SmmumTearParams p = {
        .mode = mode,
        /* Small caps so the fuzzer reaches the approximate paths. */
        .state_cap = (caps & 1) ? 8 : 0,
        .value_cap = (caps & 2) ? 3 : 0,
        .gap_ticks = (caps & 4) ? 16 : 0,
    };
    SmmumTearHost h = {
        .opaque = z, .read = tear_read, .get_regs = tear_regs,
        .now = tear_now, .record = tear_record,
    };
    SmmumObserver o;

    z->tear_mode = mode;
    z->tear = smmum_tear_new(&p, &h);
    smmum_tear_observer(z->tear, &o);
    smmum_core_set_observer(&z->core, &o);
}

/* ---- setup ---- */

/* HTTU's atomic update, on the fuzz memory (aborts like a read would). */
static bool fz_cmpxchg64(void *opaque, uint64_t pa, uint64_t expect,
                         uint64_t new_val, uint64_t *seen)
{
    FakeMem *m = opaque;
    SmmumHost h = fake_mem_host(m);
    uint64_t cur;

    if (!h.dma_read(m, pa, &cur, 8)) {
        return false;
    }
    cur = GUINT64_FROM_LE(cur);
    *seen = cur;
    if (cur == expect) {
        fake_write64(m, pa, new_val);
    }
    return true;
}

static void fz_init(Fz *z, const uint8_t *data, size_t size)
{
    SmmumConfig cfg;
    SmmumHost host;
    uint8_t c0, c1;
    char *err;
    bool bad;

    memset(z, 0, sizeof(*z));
    z->rd.p = data;
    z->rd.n = size;
    c0 = rd8(&z->rd);
    c1 = rd8(&z->rd);

    smmum_config_default(&cfg);
    cfg.two_level_strtab = !(c0 & 1);
    cfg.cd2l = !(c0 & 2);
    cfg.stage1 = !(c0 & 4);
    cfg.stage2 = !(c0 & 8) || !cfg.stage1;
    cfg.ats = c0 & 16;
    cfg.attr_types_ovr = c0 & 32;
    cfg.attr_perms_ovr = c0 & 32;
    cfg.cfgcache_sticky = c0 & 64;
    cfg.ril = c0 & 128;
    cfg.sidsize = (c1 & 3) == 0 ? 16 : (c1 & 3) == 1 ? 8 :
                  (c1 & 3) == 2 ? 0 : 32;
    cfg.ssidsize = (c1 & 4) ? 20 : 0;
    cfg.cmdqs = (c1 & 8) ? 19 : 4;
    cfg.eventqs = (c1 & 8) ? 19 : 2;
    cfg.httu = !(c1 & 0x80);
    cfg.cfgcache_size = (c1 & 16) ? 2 : 256;
    cfg.iotlb_size = (c1 & 16) ? 2 : 1024;
    err = smmum_config_validate(&cfg);
    bad = err != NULL;
    g_free(err);
    if (bad) {
        smmum_config_default(&cfg);
    }

    fake_mem_init(&z->mem);
    fake_mem_add_fault(&z->mem, F_FAULT, F_FAULT_LEN);
    fake_mem_add_fault(&z->mem, F_HIGH, F_HIGH);
    host = fake_mem_host(&z->mem);
    host.cmpxchg64 = fz_cmpxchg64;
    smmum_core_init(&z->core, &cfg, &host);
    z->vcnt = 1;
    if (c1 & 0x60) {
        tear_attach(z, (c1 & 0x40) ? SMMUM_TEAR_STORE : SMMUM_TEAR_SYNC,
                    c1 >> 5);
    }
}

static void fz_fini(Fz *z)
{
    if (z->tear) {
        smmum_tear_finish(z->tear);
        smmum_core_set_observer(&z->core, NULL);
        smmum_tear_free(z->tear);
    }
    smmum_core_finalize(&z->core);
    fake_mem_destroy(&z->mem);
}

static void wr(Fz *z, uint64_t off, uint64_t val, unsigned size)
{
    smmum_mmio_write(&z->core, off, val, size);
}

static uint64_t rdreg(Fz *z, uint64_t off)
{
    return smmum_mmio_read(&z->core, off, 4);
}

/* Queues, a stream table and the SMMU enabled, as a driver leaves them. */
static void fz_program(Fz *z, uint8_t how)
{
    unsigned log2 = 1 + (how & 7);

    wr(z, SMMUM_CMDQ_BASE, F_CMDQ | log2, 8);
    wr(z, SMMUM_EVENTQ_BASE, F_EVTQ | (how & 8 ? 1 : log2), 8);
    wr(z, SMMUM_EVENTQ_IRQ_CFG0, F_MSI, 8);
    wr(z, SMMUM_GERROR_IRQ_CFG0, F_MSI + 0x100, 8);
    wr(z, SMMUM_IRQ_CTRL, SMMUM_IRQ_CTRL_GERROR | SMMUM_IRQ_CTRL_EVTQ, 4);
    wr(z, SMMUM_STRTAB_BASE, F_STRTAB, 8);
    if (how & 16) {
        /* 2-level, SPLIT=6, LOG2SIZE=12 */
        wr(z, SMMUM_STRTAB_BASE_CFG, (1u << 16) | (6u << 6) | 12, 4);
    } else {
        wr(z, SMMUM_STRTAB_BASE_CFG, 8, 4);
    }
    wr(z, SMMUM_CR2, SMMUM_CR2_RECINVSID, 4);
    wr(z, SMMUM_CR0, SMMUM_CR0_CMDQEN | SMMUM_CR0_EVTQEN |
       ((how & 32) ? 0 : SMMUM_CR0_SMMUEN), 4);
}

/* ---- invariants ---- */

static void fz_check(Fz *z)
{
    SmmumCore *s = &z->core;

    check(!(s->gerror & ~SMMUM_GERROR_MASK), "GERROR has only defined bits");
    check(!((s->gerror ^ s->gerrorn) & ~SMMUM_GERROR_MASK),
          "active errors are defined ones");
    /*
     * The guest owns EVENTQ_CONS and CMDQ_PROD, so occupancy can be
     * anything; the pointers the SMMU owns stay inside the largest queue.
     */
    check((s->eventq.prod & ~(1u << 31)) < (2u << 19),
          "EVENTQ_PROD is OVFLG + wrap + index");
    check((s->cmdq.cons & ~(0x7fu << SMMUM_CMDQ_CONS_ERR)) < (2u << 19),
          "CMDQ_CONS is ERR + wrap + index");
}

static void fz_xlate(Fz *z)
{
    SmmumTxn t = { 0 };
    SmmumXlate x;
    uint8_t f = rd8(&z->rd);

    t.sid = (f & 1) ? (uint32_t)rdn(&z->rd, 4) : rd8(&z->rd);
    t.ssid = (f & 2) ? (uint32_t)rdn(&z->rd, 4) : rd8(&z->rd);
    t.ssv = f & 4;
    t.write = f & 8;
    t.priv = f & 16;
    t.instr = f & 32;
    t.addr = (f & 64) ? rdn(&z->rd, 8) : rdn(&z->rd, 4) << 12;
    memset(&x, 0x5a, sizeof(x));
    if (f & 128) {
        /* ATS: a Translation Request (No Write if a read) or Translated. */
        if (rd8(&z->rd) & 1) {
            t.nw = !t.write;
            smmum_ats_translate(&z->core, &t, &x);
            check(x.ats_resp <= SMMUM_ATS_CA, "ATS completion status");
            check(x.ats_resp != SMMUM_ATS_SUCCESS || !(x.write && t.nw),
                  "No Write is never granted write");
            return;
        }
        t.at = SMMUM_AT_TRANSLATED;
    }
    smmum_translate(&z->core, &t, &x);
    check(x.status == SMMUM_XLATE_OK || x.status == SMMUM_XLATE_ABORT,
          "translate status");
    if (x.status == SMMUM_XLATE_OK) {
        check(!(x.addr_mask & (x.addr_mask + 1)), "addr_mask is 2^n-1");
        check(x.read || x.write, "an OK translation grants something");
    }
    if (z->tear && !z->core.cr0ack) {
        smmum_tear_note_global_bypass(z->tear, t.sid);
    }
}

static void fz_cmd(Fz *z)
{
    SmmumCore *s = &z->core;
    uint8_t op = opcodes[rd8(&z->rd) % G_N_ELEMENTS(opcodes)];
    uint64_t d0 = (rdn(&z->rd, 8) & ~0xffULL) | op;
    uint64_t d1 = rdn(&z->rd, 8);
    unsigned l2 = MIN(s->cmdq.base & 0x1f, s->cfg.cmdqs);
    uint64_t base = s->cmdq.base & (SMMUM_MASK(46) << 5);
    uint32_t prod = s->cmdq.prod;
    uint32_t idx = prod & ((1u << l2) - 1);
    uint32_t next = ((prod & ((2u << l2) - 1)) + 1) & ((2u << l2) - 1);

    if (op == SMMUM_CMD_SYNC && (d0 & 0x3000) == 0x1000) {
        /* CS=IRQ: aim the MSI at the MSI page or at a faulting address */
        d1 = (d1 & 1) ? F_FAULT : F_MSI + 0x200;
    }
    fake_write64(&z->mem, base + idx * 16, d0);
    fake_write64(&z->mem, base + idx * 16 + 8, d1);
    wr(z, SMMUM_CMDQ_PROD, next, 4);
}

static void fz_store(Fz *z, bool shaped)
{
    uint64_t pa = bases[rd8(&z->rd) % G_N_ELEMENTS(bases)];
    unsigned size = 8;
    uint64_t val;

    if (shaped) {
        pa += rdn(&z->rd, 2);
        size = 1 + rd8(&z->rd) % 8;
    } else {
        pa += rdn(&z->rd, 2) << 3;
    }
    val = rdn(&z->rd, size);
    if (pa >= F_FAULT) {
        return;         /* not RAM: the store goes nowhere */
    }
    z->vcnt++;
    if (z->tear && z->tear_mode == SMMUM_TEAR_STORE) {
        smmum_tear_store(z->tear, pa, size, val, 0x1000 + z->vcnt, 0, z->vcnt);
    }
    for (unsigned i = 0; i < size; i++) {
        uint8_t b = val >> (8 * i);

        fake_write(&z->mem, pa + i, &b, 1);
    }
}

static void fz_run(Fz *z, const uint8_t *ops, unsigned nops)
{
    for (unsigned n = 0; n < MAX_OPS && z->rd.n; n++) {
        Op op = ops[rd8(&z->rd) % nops];
        uint64_t off, val;
        unsigned size;

        z->vcnt++;
        switch (op) {
        case OP_MMIO_READ:
            off = rdn(&z->rd, 4) & 0x1ffff;
            size = rd8(&z->rd) % 9;
            smmum_mmio_read(&z->core, off, size);
            break;
        case OP_MMIO_WRITE:
            off = rdn(&z->rd, 4) & 0x1ffff;
            size = rd8(&z->rd) % 9;
            wr(z, off, rdn(&z->rd, 8), size);
            break;
        case OP_HOT_WRITE:
            off = hot_regs[rd8(&z->rd) % G_N_ELEMENTS(hot_regs)];
            size = (rd8(&z->rd) & 1) ? 8 : 4;
            val = rdn(&z->rd, size);
            wr(z, off, val, size);
            break;
        case OP_MEM_WRITE:
            fz_store(z, false);
            break;
        case OP_MEM_STORE:
            fz_store(z, true);
            break;
        case OP_CMD:
            fz_cmd(z);
            break;
        case OP_PROD:
            wr(z, SMMUM_CMDQ_PROD, rdn(&z->rd, 4), 4);
            break;
        case OP_XLATE:
            fz_xlate(z);
            break;
        case OP_EVT_CONSUME:
            wr(z, SMMUM_EVENTQ_CONS, rdreg(z, SMMUM_EVENTQ_PROD), 4);
            break;
        case OP_GERROR_ACK:
            val = rdreg(z, SMMUM_GERROR);
            if (rd8(&z->rd) & 1) {
                val ^= rdn(&z->rd, 4);      /* toggled wrongly */
            }
            wr(z, SMMUM_GERRORN, val, 4);
            break;
        case OP_RESET:
            smmum_core_reset(&z->core);
            break;
        case OP_TEAR_FINISH:
            if (z->tear) {
                if (rd8(&z->rd) & 1) {
                    smmum_tear_migrate(z->tear);
                } else {
                    smmum_tear_finish(z->tear);
                }
            }
            break;
        default:
            break;
        }
        fz_check(z);
    }
}

int smmum_fuzz_regs(const uint8_t *data, size_t size)
{
    static const uint8_t ops[] = {
        OP_MMIO_READ, OP_MMIO_WRITE, OP_HOT_WRITE, OP_HOT_WRITE,
        OP_HOT_WRITE, OP_XLATE, OP_GERROR_ACK, OP_EVT_CONSUME, OP_MEM_WRITE,
        OP_RESET,
    };
    Fz z;

    fz_init(&z, data, size);
    fz_run(&z, ops, G_N_ELEMENTS(ops));
    fz_fini(&z);
    return 0;
}

int smmum_fuzz_cmdq(const uint8_t *data, size_t size)
{
    static const uint8_t ops[] = {
        OP_CMD, OP_CMD, OP_CMD, OP_CMD, OP_PROD, OP_MEM_WRITE,
        OP_EVT_CONSUME, OP_GERROR_ACK, OP_HOT_WRITE, OP_XLATE,
    };
    Fz z;

    fz_init(&z, data, size);
    fz_program(&z, rd8(&z.rd));
    fz_run(&z, ops, G_N_ELEMENTS(ops));
    fz_fini(&z);
    return 0;
}

int smmum_fuzz_xlate(const uint8_t *data, size_t size)
{
    static const uint8_t ops[] = {
        OP_MEM_WRITE, OP_MEM_WRITE, OP_MEM_WRITE, OP_MEM_WRITE, OP_XLATE,
        OP_XLATE, OP_CMD, OP_EVT_CONSUME, OP_GERROR_ACK, OP_MEM_STORE,
        OP_TEAR_FINISH,
    };
    Fz z;

    fz_init(&z, data, size);
    fz_program(&z, rd8(&z.rd) & ~32);
    fz_run(&z, ops, G_N_ELEMENTS(ops));
    fz_fini(&z);
    return 0;
}

/* ---- the tear checker alone ---- */

static void count_watch(void *opaque, uint64_t pa, uint64_t len)
{
    check(len > 0 && pa + len > pa, "watched range is sane");
    (*(uint64_t *)opaque)++;
}

int smmum_fuzz_tear(const uint8_t *data, size_t size)
{
    Fz z;
    SmmumObserver o;
    SmmumTearRegs regs;
    SmmumTearCounters c;
    uint8_t c2;

    fz_init(&z, data, size);
    if (z.tear) {
        smmum_core_set_observer(&z.core, NULL);
        smmum_tear_free(z.tear);
    }
    c2 = rd8(&z.rd);
    tear_attach(&z, (c2 & 1) ? SMMUM_TEAR_SYNC : SMMUM_TEAR_STORE, c2 >> 1);
    smmum_core_set_observer(&z.core, NULL);
    smmum_tear_observer(z.tear, &o);

    smmum_idregs_from_core(&z.core, &regs.idr);
    regs.smmuen = true;
    regs.strtab_base = F_STRTAB;
    regs.strtab_base_cfg = (c2 & 0x80) ? (1u << 16) | (6u << 6) | 12 : 8;
    smmum_tear_set_regs(z.tear, &regs);

    for (unsigned n = 0; n < MAX_OPS && z.rd.n; n++) {
        uint8_t op = rd8(&z.rd) % 12;
        SmmumCfgi ci;
        uint64_t words[8];
        uint64_t addr;
        unsigned kind;

        z.vcnt++;
        switch (op) {
        case 0: case 1: case 2:
            fz_store(&z, op == 2);
            break;
        case 3:
            memset(&ci, 0, sizeof(ci));
            ci.kind = rd8(&z.rd) % 5;
            ci.sid = rd8(&z.rd);
            ci.ssid = rd8(&z.rd);
            ci.range = rd8(&z.rd) % 32;
            ci.leaf = ci.range & 1;
            o.cfgi_consumed(o.opaque, &ci);
            break;
        case 4:
            o.sync_completed(o.opaque);
            break;
        case 5:
            kind = rd8(&z.rd);
            ci.sid = rd8(&z.rd);
            ci.ssid = rd8(&z.rd);
            addr = bases[(kind >> 2) % G_N_ELEMENTS(bases)] +
                   (rdn(&z.rd, 2) << 3);
            kind &= 3;
            memset(words, 0, sizeof(words));
            tear_read(&z, addr, words,
                      (kind == SMMUM_FETCH_STE || kind == SMMUM_FETCH_CD) ?
                      64 : 8);
            o.fetch(o.opaque, kind, ci.sid, ci.ssid, addr, words,
                    (kind == SMMUM_FETCH_STE || kind == SMMUM_FETCH_CD) ?
                    8 : 1);
            break;
        case 6:
            kind = rd8(&z.rd);
            o.prefetch(o.opaque, rd8(&z.rd), rd8(&z.rd), kind & 1);
            break;
        case 7:
            kind = rd8(&z.rd);
            o.txn(o.opaque, rd8(&z.rd), rd8(&z.rd), kind & 1);
            break;
        case 8:
            kind = rd8(&z.rd);
            regs.smmuen = kind & 1;
            regs.strtab_base = (kind & 2) ? F_L2 : F_STRTAB;
            regs.strtab_base_cfg = (kind & 4) ?
                (1u << 16) | ((kind >> 3) % 12) << 6 | (kind >> 3) : kind >> 3;
            smmum_tear_set_regs(z.tear, &regs);
            o.tables_changed(o.opaque);
            break;
        case 9:
            if (rd8(&z.rd) & 1) {
                o.reset(o.opaque);
            } else {
                smmum_tear_note_global_bypass(z.tear, rd8(&z.rd));
            }
            break;
        case 10:
            z.vcnt += rdn(&z.rd, 2);
            break;
        case 11:
            addr = bases[rd8(&z.rd) % G_N_ELEMENTS(bases)] + rdn(&z.rd, 2);
            smmum_tear_watched(z.tear, addr);
            smmum_tear_foreach_watch(z.tear, count_watch, &z.records);
            break;
        }
        smmum_tear_get_counters(z.tear, &c);
        check(c.views < 1u << 20, "tear views bounded");
    }
    smmum_tear_get_counters(z.tear, &c);
    g_free(smmum_tear_summary(&c));
    fz_fini(&z);
    return 0;
}

const SmmumFuzzTarget smmum_fuzz_targets[] = {
    { "regs", smmum_fuzz_regs },
    { "cmdq", smmum_fuzz_cmdq },
    { "xlate", smmum_fuzz_xlate },
    { "tear", smmum_fuzz_tear },
    { NULL, NULL },
};
