/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: the transaction pipeline (IHI 0070 3.3): global
 * bypass, stream table lookup, configuration errors and their events in
 * the priority order of 7.3.22; then CD selection and fetch, the IOTLB
 * and the stage 1 / stage 2 / nested walk.
 */
#include "smmum-int.h"
#include "smmum-strtab.h"
#include "smmum-cd.h"
#include "smmum-cfgcache.h"
#include "smmum-iotlb.h"
#include "smmum-walk.h"
#include "smmum-inject.h"

#include <string.h>

static void event_for(const SmmumTxn *txn, uint8_t type, SmmumEvent *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->type = type;
    ev->sid = txn->sid;
    ev->ssid = txn->ssid;
    ev->ssv = txn->ssv;
    ev->pnu = txn->priv;
    ev->ind = txn->instr;
    ev->rnw = !txn->write;
    ev->input_addr = txn->addr;
}

static void raise_event(SmmumCore *s, const SmmumTxn *txn, uint8_t type,
                        uint64_t addr2)
{
    SmmumEvent ev;

    event_for(txn, type, &ev);
    ev.addr2 = addr2;
    smmum_event_record(s, &ev);
}

static void pass_through(const SmmumTxn *txn, SmmumXlate *out)
{
    out->status = SMMUM_XLATE_OK;
    out->pa = txn->addr;
    out->read = out->write = true;
}

static uint64_t le64_from(const uint8_t *b)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)b[i] << (8 * i);
    }
    return v;
}

/* Descriptor reads of the walker go straight to the host. */
static bool walk_read64(void *opaque, uint64_t pa, uint64_t *val)
{
    SmmumCore *s = opaque;
    uint8_t b[8];

    if (smmum_inject_walk(s) || !s->host.dma_read ||
        !s->host.dma_read(s->host.opaque, pa, b, 8)) {
        return false;
    }
    *val = le64_from(b);
    return true;
}

/* HTTU descriptor updates, when advertised and the host can make them. */
static bool walk_cmpxchg64(void *opaque, uint64_t pa, uint64_t expect,
                           uint64_t new_val, uint64_t *seen)
{
    SmmumCore *s = opaque;

    return s->host.cmpxchg64(s->host.opaque, pa, expect, new_val, seen);
}

static bool fetch_words(SmmumCore *s, uint64_t addr, uint64_t *w, unsigned n)
{
    uint8_t b[SMMUM_CD_SIZE];

    if (!s->host.dma_read || !s->host.dma_read(s->host.opaque, addr, b,
                                               n * 8)) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        w[i] = le64_from(b + 8 * i);
    }
    return true;
}

static void observe_fetch(SmmumCore *s, SmmumFetchKind kind, uint32_t sid,
                          uint32_t ssid, uint64_t addr, const uint64_t *w,
                          unsigned n)
{
    if (s->obs.fetch) {
        s->obs.fetch(s->obs.opaque, kind, sid, ssid, addr, w, n);
    }
}

/* Is this fault kind subject to CD.R / STE.S2R (IHI 0070 3.12)? */
static bool fault_is_recordable_kind(uint8_t type)
{
    switch (type) {
    case SMMUM_FAULT_TRANSLATION:
    case SMMUM_FAULT_ADDR_SIZE:
    case SMMUM_FAULT_ACCESS:
    case SMMUM_FAULT_PERMISSION:
        return true;
    default:
        return false;     /* F_WALK_EABT is always recorded */
    }
}

/* Record a walk fault unless CD.R (stage 1) / STE.S2R (stage 2) say not. */
static void raise_fault(SmmumCore *s, const SmmumTxn *txn,
                        const SmmumWalkFault *f, bool s1_r, bool s2_r)
{
    SmmumEvent ev;

    if (fault_is_recordable_kind(f->type) && !(f->s2 ? s2_r : s1_r)) {
        return;
    }
    event_for(txn, f->type, &ev);
    ev.s2 = f->s2;
    ev.cls = f->cls;
    ev.ttrnw = f->ttrnw;
    if (f->type == SMMUM_FAULT_WALK_EABT) {
        ev.addr2 = f->fetch_addr;
    } else if (f->s2) {
        ev.addr2 = f->ipa;
    }
    smmum_event_record(s, &ev);
}

/* Outcome of finding the CD a transaction uses. */
typedef enum CdFetch {
    CDF_OK,
    CDF_BAD_SSID,       /* invalid L1CD: C_BAD_SUBSTREAMID */
    CDF_S2_FAULT,       /* stage-2 fault translating a CD/L1CD address */
    CDF_ABORT,          /* read abort: F_CD_FETCH at *fetch_addr */
} CdFetch;

/* Address a CD-table fetch goes to: stage 2 translates it when nested. */
static bool cd_fetch_pa(const SmmumWalkMem *mem, const SmmumWalkCfg *cfg,
                        uint64_t addr, uint64_t input_addr, uint64_t *pa,
                        SmmumWalkFault *f)
{
    if (!cfg->s2) {
        *pa = addr;
        return true;
    }
    return smmum_walk_s2_fetch(mem, &cfg->s2p, addr, input_addr, pa, f);
}

/*
 * CD number idx of the STE through the configuration cache (L1CD and CD
 * fetched from memory when not cached, each fetch reported).  CDs are
 * cached in any state, valid L1CDs only; failed fetches are not cached.
 */
static CdFetch cd_fetch(SmmumCore *s, const SmmumIdRegs *idr,
                        const SmmumTxn *txn, const SmmumSteMeaning *ste,
                        const SmmumWalkMem *mem, const SmmumWalkCfg *cfg,
                        uint32_t idx, SmmumCdMeaning *cd,
                        SmmumWalkFault *f, uint64_t *fetch_addr)
{
    const SmmumCcEntry *ce;
    SmmumCcEntry e;
    SmmumCdLoc loc;
    uint64_t addr, pa;

    ce = smmum_cfgcache_lookup(s->cfgcache, SMMUM_CC_CD, txn->sid, idx);
    if (ce) {
        *cd = ce->m.cd;
        return CDF_OK;
    }
    smmum_cd_locate(ste, idx, &loc);
    if (!loc.two_level) {
        addr = loc.cd_addr;
    } else {
        unsigned split = ste->regime.s1_fmt == 1 ? 6 : 10;
        uint32_t l1idx = idx >> split;
        SmmumL1Meaning l1;

        ce = smmum_cfgcache_lookup(s->cfgcache, SMMUM_CC_L1CD, txn->sid,
                                   l1idx);
        if (ce) {
            l1 = ce->m.l1;
        } else {
            uint64_t w;

            if (!cd_fetch_pa(mem, cfg, loc.l1cd_addr, txn->addr, &pa, f)) {
                return CDF_S2_FAULT;
            }
            if (smmum_inject_fetch(s, SMMUM_FETCH_L1CD, txn->sid) ||
                !fetch_words(s, pa, &w, 1)) {
                *fetch_addr = pa;
                return CDF_ABORT;
            }
            observe_fetch(s, SMMUM_FETCH_L1CD, txn->sid, idx, pa, &w, 1);
            smmum_l1cd_decode(idr, w, &l1);
            if (l1.valid) {
                memset(&e, 0, sizeof(e));
                e.kind = SMMUM_CC_L1CD;
                e.sid = txn->sid;
                e.sub = l1idx;
                e.lo = l1idx << split;
                e.hi = e.lo + (uint32_t)SMMUM_MASK(split);
                e.addr = pa;
                e.words[0] = w;
                e.m.l1 = l1;
                smmum_cfgcache_insert(s->cfgcache, &e);
            }
        }
        if (!l1.valid) {
            return CDF_BAD_SSID;
        }
        addr = smmum_cd_l2_addr(&l1, &loc);
    }

    if (!cd_fetch_pa(mem, cfg, addr, txn->addr, &pa, f)) {
        return CDF_S2_FAULT;
    }
    memset(&e, 0, sizeof(e));
    if (smmum_inject_fetch(s, SMMUM_FETCH_CD, txn->sid) ||
        !fetch_words(s, pa, e.words, SMMUM_CD_WORDS)) {
        *fetch_addr = pa;
        return CDF_ABORT;
    }
    observe_fetch(s, SMMUM_FETCH_CD, txn->sid, idx, pa, e.words,
                  SMMUM_CD_WORDS);
    smmum_cd_decode(idr, &(SmmumCdCtx) {
                        .s1_stalld = ste->perm.s1_stalld,
                        .strw = ste->regime.strw,
                        .nested = (ste->regime.config & 3) == 3,
                    }, e.words, &e.m.cd);
    e.kind = SMMUM_CC_CD;
    e.sid = txn->sid;
    e.sub = idx;
    e.lo = e.hi = idx;
    e.addr = pa;
    *cd = e.m.cd;
    smmum_cfgcache_insert(s->cfgcache, &e);
    return CDF_OK;
}

/*
 * What an STE (and its CD) make of every transaction of one StreamID and
 * SubstreamID once the configuration is found: the walk, the IOTLB tag
 * and what the STE overrides.
 */
typedef struct XlCtx {
    SmmumWalkCfg cfg;
    SmmumTlbTag tag;
    bool s1_r, s2_r;            /* record faults: CD.R, STE.S2R */
    uint8_t privcfg, instcfg;   /* STE overrides */
    bool ats_split;             /* translation request, EATS=0b10 */
} XlCtx;

/*
 * The fast path.  A slot holds the outcome of a successful configuration
 * lookup for one (StreamID, SubstreamID): the cache entries the slow path
 * would look up (so that their LRU state evolves exactly as it would) and
 * the XlCtx, plus a few recent IOTLB hits by 4 KiB page.  A slot is used
 * while nothing that could change its outcome happened: no register
 * write that can (smmum_mmio_write) and no reset (xlate_gen), no
 * configuration cache insert, invalidation or flush (its generation); a
 * page while no IOTLB insert, invalidation or flush happened (its
 * generation).  Only what the slow path would have
 * found again is served; every event and fault comes from the slow path.
 */
#define FAST_SLOTS      64
#define FAST_PAGES      8

typedef struct FastPage {
    uint64_t gen;               /* IOTLB generation */
    uint64_t page;              /* input address >> 12 */
    const SmmumIotlbEntry *e;   /* what the IOTLB lookup returned */
    uint64_t pa, mask;          /* the output of e */
    bool priv, instr;           /* effective attributes read/write are for */
    bool read, write;           /* the permissions xlate_from gives */
} FastPage;

typedef struct FastSlot {
    uint64_t xlate_gen;         /* 0: empty (xlate_gen is >= 1) */
    uint64_t cc_gen;
    uint32_t sid, ssid;         /* ssid 0 unless ssv */
    bool ssv;
    bool pass;                  /* pass-through (bypass, S1 bypassed) */
    const SmmumCcEntry *ste, *cd;
    XlCtx x;
    FastPage pages[FAST_PAGES];
} FastSlot;

struct SmmumFast {
    FastSlot slot[FAST_SLOTS];
};

SmmumFast *smmum_fast_new(void)
{
    return g_new0(SmmumFast, 1);
}

void smmum_fast_free(SmmumFast *f)
{
    g_free(f);
}

static FastSlot *fast_slot(SmmumCore *s, uint32_t sid, uint32_t ssid)
{
    return &s->fast->slot[(sid ^ (ssid * 0x9e5u)) % FAST_SLOTS];
}

/* The slot serving txn, or NULL. */
static FastSlot *fast_find(SmmumCore *s, const SmmumTxn *txn)
{
    uint32_t ssid = txn->ssv ? txn->ssid : 0;
    FastSlot *f = fast_slot(s, txn->sid, ssid);

    if (f->xlate_gen != s->xlate_gen || f->sid != txn->sid ||
        f->ssv != txn->ssv || f->ssid != ssid ||
        f->cc_gen != smmum_cfgcache_gen(s->cfgcache)) {
        return NULL;
    }
    return f;
}

/*
 * Remember a configuration the slow path just found for txn (STE entry
 * and, when cd_idx >= 0, CD entry number cd_idx).  NULL when the entries
 * are not (or no longer) cached.
 */
static FastSlot *fast_fill(SmmumCore *s, const SmmumTxn *txn, bool pass,
                           int64_t cd_idx, const XlCtx *x)
{
    uint32_t ssid = txn->ssv ? txn->ssid : 0;
    FastSlot *f = fast_slot(s, txn->sid, ssid);
    const SmmumCcEntry *ste, *cd = NULL;

    f->xlate_gen = 0;
    ste = smmum_cfgcache_peek(s->cfgcache, SMMUM_CC_STE, txn->sid, 0);
    if (!ste) {
        return NULL;
    }
    if (cd_idx >= 0) {
        cd = smmum_cfgcache_peek(s->cfgcache, SMMUM_CC_CD, txn->sid,
                                 (uint32_t)cd_idx);
        if (!cd) {
            return NULL;
        }
    }
    memset(f, 0, sizeof(*f));
    f->xlate_gen = s->xlate_gen;
    f->cc_gen = smmum_cfgcache_gen(s->cfgcache);
    f->sid = txn->sid;
    f->ssid = ssid;
    f->ssv = txn->ssv;
    f->pass = pass;
    f->ste = ste;
    f->cd = cd;
    if (x) {
        f->x = *x;
    }
    return f;
}

/* The transaction after the STE's PRIVCFG / INSTCFG overrides. */
static void effective_attrs(const SmmumTxn *txn, const XlCtx *x,
                            bool *priv, bool *instr)
{
    *priv = txn->priv;
    *instr = txn->instr && !txn->write;
    switch (x->privcfg) {
    case 2:
        *priv = false;
        break;
    case 3:
        *priv = true;
        break;
    }
    if (!txn->write) {
        switch (x->instcfg) {
        case 2:
            *instr = false;
            break;
        case 3:
            *instr = true;
            break;
        }
    }
}

static void xlate_from(const SmmumTxn *txn, uint64_t pa, unsigned shift,
                       uint8_t perm, bool priv, bool instr, SmmumXlate *out)
{
    out->status = SMMUM_XLATE_OK;
    out->pa = pa;
    out->addr_mask = SMMUM_MASK(shift);
    out->read = smmum_perm_allows(perm, false, instr, priv);
    out->write = smmum_perm_allows(perm, true, false, priv);
}

static void xlate_from_entry(const SmmumTxn *txn, const SmmumIotlbEntry *e,
                             bool priv, bool instr, SmmumXlate *out)
{
    uint64_t mask = SMMUM_MASK(e->size_shift);

    xlate_from(txn, e->pa | (txn->addr & mask), e->size_shift, e->perm,
               priv, instr, out);
}

/*
 * An ATS Translation Request (IHI 0070 3.9.1): always a fresh walk, asking
 * for write unless No Write, else for read.  Translation faults are for
 * the device to resolve (PRI): no event, a completion granting nothing.
 * An external abort on the walk is recorded and answered CA.  Split-stage
 * (EATS=0b10) answers with the IPA of the nested walk.
 */
static void ats_walk(SmmumCore *s, const SmmumTxn *txn, const XlCtx *x,
                     SmmumXlate *out)
{
    SmmumWalkMem mem = {
        .opaque = s,
        .read64 = walk_read64,
        .cmpxchg64 = s->cfg.httu && s->host.cmpxchg64 ? walk_cmpxchg64
                                                      : NULL,
    };
    SmmumWalkReq req;
    SmmumWalkResult res;
    bool priv, instr;

    effective_attrs(txn, x, &priv, &instr);
    req = (SmmumWalkReq) {
        .addr = txn->addr, .write = !txn->nw, .instr = false, .priv = priv,
    };
    if (s->tlb_obs.walk_begin && !x->ats_split) {
        s->tlb_obs.walk_begin(s->tlb_obs.opaque, &mem, &x->cfg, txn);
    }
    smmum_walk(&mem, &x->cfg, &req, &res);
    if (!res.ok && res.fault.type == SMMUM_FAULT_PERMISSION && req.write) {
        req.write = false;      /* a read-only region: grant read */
        smmum_walk(&mem, &x->cfg, &req, &res);
    }
    if (!res.ok) {
        if (res.fault.type == SMMUM_FAULT_WALK_EABT) {
            raise_fault(s, txn, &res.fault, x->s1_r, x->s2_r);
            return;
        }
        out->status = SMMUM_XLATE_OK;
        out->pa = 0;
        out->read = out->write = false;
        return;
    }
    xlate_from(txn, x->ats_split ? res.ipa : res.pa, res.size_shift,
               res.perm, priv, false, out);
    out->write = out->write && !txn->nw;
    out->exec = smmum_perm_allows(res.perm, false, true, priv);
    out->global = res.global;
    if (s->tlb_obs.ats_granted && !x->ats_split) {
        s->tlb_obs.ats_granted(s->tlb_obs.opaque, txn, out);
    }
}

/*
 * May txn be served from IOTLB entry e?  The maintenance checker may
 * answer no (a break-before-make violation it reports as a TLB
 * conflict): F_TLB_CONFLICT, the transaction is terminated.
 */
static bool tlb_hit_ok(SmmumCore *s, const SmmumIotlbEntry *e,
                       const SmmumTxn *txn)
{
    if (!s->tlb_obs.tlb_hit || s->tlb_obs.tlb_hit(s->tlb_obs.opaque, e,
                                                  txn)) {
        return true;
    }
    raise_event(s, txn, SMMUM_EVT_F_TLB_CONFLICT, 0);
    return false;
}

/* IOTLB, then walk, for a transaction whose configuration is x. */
static void translate_ctx(SmmumCore *s, const SmmumTxn *txn, const XlCtx *x,
                          FastSlot *f, SmmumXlate *out)
{
    SmmumWalkMem mem = {
        .opaque = s,
        .read64 = walk_read64,
        .cmpxchg64 = s->cfg.httu && s->host.cmpxchg64 ? walk_cmpxchg64
                                                      : NULL,
    };
    SmmumWalkReq req;
    SmmumWalkResult res;
    SmmumIotlbEntry ent;
    const SmmumIotlbEntry *hit;
    FastPage *fp = NULL;
    uint64_t page = txn->addr >> 12;
    bool priv, instr;

    if (txn->at == SMMUM_AT_TRANSLATION_REQ) {
        ats_walk(s, txn, x, out);
        return;
    }
    effective_attrs(txn, x, &priv, &instr);
    if (s->iotlb) {
        uint64_t gen = smmum_iotlb_gen(s->iotlb);

        if (f) {
            fp = &f->pages[page % FAST_PAGES];
            /*
             * The permission check of an IOTLB hit is the permission
             * xlate_from gives for the access (instr only for reads).
             */
            if (fp->e && fp->gen == gen && fp->page == page &&
                fp->priv == priv && fp->instr == instr &&
                (txn->write ? fp->write : fp->read)) {
                if (!tlb_hit_ok(s, fp->e, txn)) {
                    return;
                }
                /* What smmum_iotlb_lookup would return, and do. */
                smmum_iotlb_touch(s->iotlb, fp->e);
                s->stats.iotlb_hits++;
                out->status = SMMUM_XLATE_OK;
                out->pa = fp->pa | (txn->addr & fp->mask);
                out->addr_mask = fp->mask;
                out->read = fp->read;
                out->write = fp->write;
                return;
            }
        }
        hit = smmum_iotlb_lookup(s->iotlb, &x->tag, txn->addr);
        if (hit && smmum_perm_allows(hit->perm, txn->write, instr, priv)) {
            if (!tlb_hit_ok(s, hit, txn)) {
                return;
            }
            s->stats.iotlb_hits++;
            xlate_from_entry(txn, hit, priv, instr, out);
            if (fp) {
                fp->gen = gen;
                fp->page = page;
                fp->e = hit;
                fp->pa = hit->pa;
                fp->mask = out->addr_mask;
                fp->priv = priv;
                fp->instr = instr;
                fp->read = out->read;
                fp->write = out->write;
            }
            return;
        }
    }

    req = (SmmumWalkReq) {
        .addr = txn->addr, .write = txn->write, .instr = instr, .priv = priv,
    };
    if (s->tlb_obs.walk_begin && s->iotlb) {
        s->tlb_obs.walk_begin(s->tlb_obs.opaque, &mem, &x->cfg, txn);
    }
    s->stats.walks++;
    smmum_walk(&mem, &x->cfg, &req, &res);
    if (!res.ok) {
        raise_fault(s, txn, &res.fault, x->s1_r, x->s2_r);
        return;
    }
    if (s->iotlb) {
        smmum_iotlb_entry_from_walk(&ent, &x->tag, txn->addr, &res);
        smmum_iotlb_insert(s->iotlb, &ent);
    }
    xlate_from(txn, res.pa, res.size_shift, res.perm, priv, instr, out);
}

/* Translation for an STE with outcome TRANSLATE (Config 0b101..0b111). */
static void translate_config(SmmumCore *s, const SmmumTxn *txn,
                             const SmmumSteMeaning *ste, SmmumXlate *out)
{
    SmmumWalkMem mem = {
        .opaque = s,
        .read64 = walk_read64,
        .cmpxchg64 = s->cfg.httu && s->host.cmpxchg64 ? walk_cmpxchg64
                                                      : NULL,
    };
    XlCtx x = { 0 };
    SmmumWalkCfg *cfg = &x.cfg;
    SmmumIdRegs idr;
    SmmumCdMeaning cd = { 0 };
    SmmumWalkFault f = { 0 };
    uint64_t fetch_addr = 0;
    int64_t cd_idx = -1;
    uint32_t idx;
    bool el2;

    smmum_idregs_from_core(s, &idr);
    el2 = ste->regime.strw == SMMUM_STRW_EL2;
    if (ste->regime.config & 2) {
        if (!smmum_walk_s2_params(&idr, ste, &cfg->s2p)) {
            /* The STE decoder treats this as ILLEGAL: never reached. */
            raise_event(s, txn, SMMUM_EVT_C_BAD_STE, 0);
            return;
        }
        cfg->s2 = true;
    }

    if (ste->regime.config & 1) {
        switch (smmum_cd_select(&idr, ste, txn->ssv, txn->ssid, &idx)) {
        case SMMUM_CDSEL_BAD_SSID:
            raise_event(s, txn, SMMUM_EVT_C_BAD_SUBSTREAMID, 0);
            return;
        case SMMUM_CDSEL_DISABLED:
            raise_event(s, txn, SMMUM_EVT_F_STREAM_DISABLED, 0);
            return;
        case SMMUM_CDSEL_S1_BYPASS:
            break;
        case SMMUM_CDSEL_CD:
            switch (cd_fetch(s, &idr, txn, ste, &mem, cfg, idx, &cd, &f,
                             &fetch_addr)) {
            case CDF_OK:
                break;
            case CDF_BAD_SSID:
                raise_event(s, txn, SMMUM_EVT_C_BAD_SUBSTREAMID, 0);
                return;
            case CDF_S2_FAULT:
                raise_fault(s, txn, &f, false, ste->perm.s2_r);
                return;
            case CDF_ABORT:
                raise_event(s, txn, SMMUM_EVT_F_CD_FETCH, fetch_addr);
                return;
            }
            if (cd.outcome != SMMUM_OUT_TRANSLATE) {
                raise_event(s, txn, SMMUM_EVT_C_BAD_CD, 0);
                return;
            }
            smmum_walk_s1_params(&idr, &cd, ste->regime.strw, &cfg->s1p);
            cfg->s1 = true;
            cd_idx = idx;
            break;
        }
    }

    if (!cfg->s1 && !cfg->s2) {
        /* Stage 1 bypassed by S1DSS and no stage 2. */
        fast_fill(s, txn, true, -1, NULL);
        pass_through(txn, out);
        return;
    }

    x.privcfg = ste->perm.privcfg;
    x.instcfg = ste->perm.instcfg;
    x.ats_split = txn->at == SMMUM_AT_TRANSLATION_REQ &&
                  ste->ats.eats == 2;
    x.s1_r = cfg->s1 && cd.perm.r;
    x.s2_r = cfg->s2 && ste->perm.s2_r;
    x.tag.stage = cfg->s1 ? SMMUM_TLB_S1 : SMMUM_TLB_S2;
    x.tag.regime = el2 && cfg->s1 ? SMMUM_TLB_EL2 : SMMUM_TLB_EL1;
    x.tag.vmid = el2 ? 0 : ste->regime.s2_vmid;
    x.tag.asid = cfg->s1 ? cd.regime.asid : 0;

    translate_ctx(s, txn, &x, fast_fill(s, txn, false, cd_idx, &x), out);
}

/*
 * ATS traffic the STE does not allow (IHI 0070 3.9.1, STE.EATS; EATS is
 * IGNORED, so 0, for bypass): a translation request is answered UR with
 * F_BAD_ATS_TREQ, a translated transaction aborts with F_TRANSL_FORBIDDEN.
 * An aborting STE takes the ordinary path (a configuration abort stays
 * silent and answers UR, an invalid STE records C_BAD_STE and answers CA).
 */
static bool ats_refused(SmmumCore *s, const SmmumTxn *txn,
                        const SmmumSteMeaning *m, SmmumXlate *out)
{
    bool treq = txn->at == SMMUM_AT_TRANSLATION_REQ;

    if (m->outcome == SMMUM_OUT_ABORT) {
        if (treq && m->abort_why == SMMUM_ABORT_CONFIG) {
            out->ats_resp = SMMUM_ATS_UR;
        }
        return false;
    }
    if (m->outcome == SMMUM_OUT_TRANSLATE && m->ats.eats) {
        return false;
    }
    raise_event(s, txn, treq ? SMMUM_EVT_F_BAD_ATS_TREQ
                             : SMMUM_EVT_F_TRANSL_FORBIDDEN, 0);
    if (treq) {
        out->ats_resp = SMMUM_ATS_UR;
    }
    return true;
}

/*
 * An ATS Translated transaction the STE allows (CR0.ATSCHK=1): full ATS
 * passes it untranslated, split-stage ATS translates it at stage 2.
 */
static void ats_translated(SmmumCore *s, const SmmumTxn *txn,
                           const SmmumSteMeaning *ste, SmmumXlate *out)
{
    XlCtx x = { 0 };
    SmmumIdRegs idr;

    if (ste->ats.eats != 2) {
        if (s->tlb_obs.translated) {
            s->tlb_obs.translated(s->tlb_obs.opaque, txn);
        }
        pass_through(txn, out);
        return;
    }
    smmum_idregs_from_core(s, &idr);
    if (!smmum_walk_s2_params(&idr, ste, &x.cfg.s2p)) {
        raise_event(s, txn, SMMUM_EVT_C_BAD_STE, 0);
        return;
    }
    x.cfg.s2 = true;
    x.privcfg = ste->perm.privcfg;
    x.instcfg = ste->perm.instcfg;
    x.s2_r = ste->perm.s2_r;
    x.tag.stage = SMMUM_TLB_S2;
    x.tag.regime = SMMUM_TLB_EL1;
    x.tag.vmid = ste->regime.s2_vmid;
    translate_ctx(s, txn, &x, NULL, out);
}

/* A transaction whose configuration the fast path holds. */
static void translate_fast(SmmumCore *s, const SmmumTxn *txn, FastSlot *f,
                           SmmumXlate *out)
{
    /* The cache hits the slow path would have, in its order. */
    smmum_cfgcache_touch(s->cfgcache, f->ste);
    if (s->obs.txn) {
        s->obs.txn(s->obs.opaque, txn->sid, txn->ssid, txn->ssv);
    }
    if (f->pass) {
        pass_through(txn, out);
        return;
    }
    if (f->cd) {
        smmum_cfgcache_touch(s->cfgcache, f->cd);
    }
    translate_ctx(s, txn, &f->x, f, out);
}

static void translate(SmmumCore *s, const SmmumTxn *txn, SmmumXlate *out);

void smmum_translate(SmmumCore *s, const SmmumTxn *txn, SmmumXlate *out)
{
    translate(s, txn, out);
    if (out->status == SMMUM_XLATE_OK) {
        s->stats.xlate_ok++;
    } else {
        s->stats.xlate_abort++;
    }
}

static void translate(SmmumCore *s, const SmmumTxn *txn, SmmumXlate *out)
{
    SmmumSteMeaning m;
    uint64_t fetch_addr;
    FastSlot *f;

    memset(out, 0, sizeof(*out));
    out->addr_mask = 0xfff;
    out->status = SMMUM_XLATE_ABORT;
    if (smmum_inject_txn(s, txn)) {
        return;     /* service failure mode: terminated, nothing recorded */
    }

    /* ATS traffic never takes the fast path. */
    f = txn->at ? NULL : fast_find(s, txn);
    if (f) {
        translate_fast(s, txn, f, out);
        return;
    }

    if (!(s->cr0ack & SMMUM_CR0_SMMUEN)) {
        /* SMMU disabled: GBPA decides between bypass and abort. */
        if (txn->at == SMMUM_AT_TRANSLATION_REQ) {
            out->ats_resp = SMMUM_ATS_UR;   /* no ATS without the SMMU */
        } else if (!(s->gbpa & SMMUM_GBPA_ABORT)) {
            pass_through(txn, out);
        }
        return;
    }
    if (txn->at == SMMUM_AT_TRANSLATED && !(s->cr0ack & SMMUM_CR0_ATSCHK)) {
        /* CR0.ATSCHK=0: translated traffic passes without an STE lookup. */
        if (s->tlb_obs.translated) {
            s->tlb_obs.translated(s->tlb_obs.opaque, txn);
        }
        pass_through(txn, out);
        return;
    }

    switch (smmum_strtab_lookup(s, txn->sid, &m, &fetch_addr)) {
    case SMMUM_STE_BAD_SID:
        if (s->cr2 & SMMUM_CR2_RECINVSID) {
            raise_event(s, txn, SMMUM_EVT_C_BAD_STREAMID, 0);
        }
        return;
    case SMMUM_STE_FETCH_ABORT:
        raise_event(s, txn, SMMUM_EVT_F_STE_FETCH, fetch_addr & ~7ULL);
        return;
    case SMMUM_STE_FOUND:
        break;
    }

    if (s->obs.txn) {
        s->obs.txn(s->obs.opaque, txn->sid, txn->ssid, txn->ssv);
    }
    if (txn->at && ats_refused(s, txn, &m, out)) {
        return;
    }

    switch (m.outcome) {
    case SMMUM_OUT_ABORT:
        /* Config abort is silent; invalid or ILLEGAL is C_BAD_STE. */
        if (m.abort_why != SMMUM_ABORT_CONFIG) {
            raise_event(s, txn, SMMUM_EVT_C_BAD_STE, 0);
        }
        return;
    case SMMUM_OUT_BYPASS:
        /* Stage 1 disabled: a SubstreamID cannot be honoured. */
        if (txn->ssv) {
            raise_event(s, txn, SMMUM_EVT_C_BAD_SUBSTREAMID, 0);
            return;
        }
        fast_fill(s, txn, true, -1, NULL);
        pass_through(txn, out);
        return;
    default:
        if (txn->at == SMMUM_AT_TRANSLATED) {
            ats_translated(s, txn, &m, out);
            return;
        }
        if (!(m.regime.config & 1) && txn->ssv) {
            raise_event(s, txn, SMMUM_EVT_C_BAD_SUBSTREAMID, 0);
            return;
        }
        translate_config(s, txn, &m, out);
        return;
    }
}
