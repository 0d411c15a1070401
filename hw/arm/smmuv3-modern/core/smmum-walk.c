/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: VMSAv8-64 translation table walker.
 *
 * Stage 1 (4K/16K/64K granules, two VA ranges, TBI, hierarchical
 * permissions, PAN, WXN, 52-bit output with LPA (64K) or DS (4K/16K)),
 * stage 2 (concatenated start tables), nested (every stage-1 descriptor
 * address is an IPA translated by stage 2) and hardware updates of the
 * Access flag and dirty state.  Walks are bounded by the number of
 * levels, so tables that point at themselves terminate.
 */
#include <string.h>
#include <glib.h>

#include "smmum-walk.h"
#include "smmum-cd.h"
#include "smmum-regs.h"

#define EX(w, pos, len)     SMMUM_EX(w, pos, len)

/* Restarts of a walk whose descriptor changed under an HTTU update. */
#define HTTU_RETRIES        8

/* Descriptor bits. */
#define D_VALID             (1ULL << 0)
#define D_TABLE             (1ULL << 1)
#define D_AP1               (1ULL << 6)     /* S1 AP[1]; S2 S2AP[0] (R) */
#define D_AP2               (1ULL << 7)     /* S1 AP[2]; S2 S2AP[1] (W) */
#define D_AF                (1ULL << 10)
#define D_NG                (1ULL << 11)
#define D_DBM               (1ULL << 51)
#define D_PXN               (1ULL << 53)
#define D_UXN               (1ULL << 54)    /* XN for S2 and EL2 */
#define T_PXN               (1ULL << 59)
#define T_UXN               (1ULL << 60)
#define T_AP0               (1ULL << 61)    /* no EL0 access below */
#define T_AP1               (1ULL << 62)    /* no write access below */

bool smmum_perm_allows(uint8_t perm, bool write, bool instr, bool priv)
{
    uint8_t need;

    if (instr) {
        need = priv ? SMMUM_PERM_PX : SMMUM_PERM_UX;
    } else if (write) {
        need = priv ? SMMUM_PERM_PW : SMMUM_PERM_UW;
    } else {
        need = priv ? SMMUM_PERM_PR : SMMUM_PERM_UR;
    }
    return (perm & need) == need;
}

/* Output size (bits) for a PS/IPS encoding, granule g and DS. */
static unsigned out_bits(const SmmumIdRegs *idr, uint8_t enc, unsigned g,
                         bool ds)
{
    unsigned b = MIN(smmum_pa_bits(enc), smmum_idr_oas(idr));

    if (b == 52 && g != 16 && !ds) {
        b = 48;
    }
    return b;
}

bool smmum_walk_s2_start(const SmmumIdRegs *idr, uint8_t s2tg, uint8_t t0sz,
                         uint8_t sl0, bool ds, unsigned ps_bits,
                         int *start_level, unsigned *nconcat)
{
    unsigned g = smmum_cd_tg0_shift(s2tg), stride = g - 3;
    unsigned oas = smmum_idr_oas(idr);
    unsigned sl = sl0 & 3, ia, min_tsz;
    int start, startbits;

    if (!smmum_idr_granule(idr, g)) {
        return false;
    }
    min_tsz = MAX(64 - oas, (g == 16 || ds) ? 12u : 16u);
    if (t0sz < min_tsz || t0sz > 39) {
        return false;
    }
    ia = 64 - t0sz;
    if (sl0 & 4) {
        /* S2SL0_2: level -1, 4K with DS only. */
        if (g != 12 || !ds || sl != 0) {
            return false;
        }
        start = -1;
    } else if (g == 12) {
        if (sl == 3 || (sl == 2 && oas < 44)) {
            return false;
        }
        start = 2 - sl;
    } else {
        if (sl == 3 && (g == 16 || !ds)) {
            return false;
        }
        if (sl == 2 && g == 16 && ps_bits < 52) {
            return false;
        }
        start = 3 - sl;
    }
    startbits = (int)ia - (int)(g + (3 - start) * stride);
    if (startbits < 1 || startbits > (int)stride + 4) {
        return false;
    }
    *start_level = start;
    *nconcat = startbits > (int)stride ? 1u << (startbits - stride) : 1;
    return true;
}

void smmum_walk_s1_params(const SmmumIdRegs *idr, const SmmumCdMeaning *cd,
                          uint8_t strw, SmmumS1Params *p)
{
    bool el2 = strw == SMMUM_STRW_EL2;

    memset(p, 0, sizeof(*p));
    p->range[0] = (SmmumWalkRange) {
        .enabled = !cd->regime.epd0, .ttb = cd->regime.ttb0,
        .tsz = cd->regime.t0sz, .granule = smmum_cd_tg0_shift(cd->regime.tg0),
        .tbi = cd->regime.tbi0, .had = cd->perm.had0,
    };
    if (!el2) {
        p->range[1] = (SmmumWalkRange) {
            .enabled = !cd->regime.epd1, .ttb = cd->regime.ttb1,
            .tsz = cd->regime.t1sz,
            .granule = smmum_cd_tg1_shift(cd->regime.tg1),
            .tbi = cd->regime.tbi1, .had = cd->perm.had1,
        };
    }
    p->one_priv = el2;
    p->oas = MIN(smmum_pa_bits(cd->regime.ips), smmum_idr_oas(idr));
    p->ds = cd->regime.ds;
    p->ha = cd->perm.ha;
    p->hd = cd->perm.hd;
    p->affd = cd->perm.affd;
    p->wxn = cd->perm.wxn;
    p->pan = cd->perm.pan;
    p->big_endian = cd->regime.endi;
    p->asid = cd->regime.asid;
    p->mair = cd->attr.mair;
}

bool smmum_walk_s2_params(const SmmumIdRegs *idr, const SmmumSteMeaning *ste,
                          SmmumS2Params *p)
{
    unsigned nconcat;
    int start;

    memset(p, 0, sizeof(*p));
    p->granule = smmum_cd_tg0_shift(ste->regime.s2_tg);
    p->ds = ste->regime.s2_ds;
    p->ps = out_bits(idr, ste->regime.s2_ps, p->granule, p->ds);
    p->ias = smmum_idr_oas(idr);
    p->ttb = ste->regime.s2_ttb;
    p->tsz = ste->regime.s2_t0sz;
    p->affd = ste->perm.s2_affd;
    p->ha = ste->perm.s2_ha;
    p->hd = ste->perm.s2_ha && ste->perm.s2_hd;
    p->ptw = ste->perm.s2_ptw;
    p->fwb = ste->attr.s2_fwb;
    p->big_endian = ste->regime.s2_endi;
    p->vmid = ste->regime.s2_vmid;
    if (!smmum_walk_s2_start(idr, ste->regime.s2_tg, p->tsz,
                             ste->regime.s2_sl0, p->ds, p->ps, &start,
                             &nconcat)) {
        return false;
    }
    p->start_level = start;
    return true;
}

/* ---- the walk ---- */

typedef struct Walk {
    const SmmumWalkMem *mem;
    const SmmumWalkCfg *cfg;
    SmmumWalkFault *f;
    uint64_t input_addr;
} Walk;

/* Table geometry of one stage. */
typedef struct Geo {
    uint64_t ttb;
    unsigned g, stride, ia, oa;
    int start;
    bool ds, be;
    bool s2;
} Geo;

/* What a table walk found. */
typedef struct Leaf {
    uint64_t desc;
    uint64_t desc_addr;         /* address the descriptor was read at */
    uint64_t desc_pa;
    uint64_t oa;                /* region base */
    int level;
    unsigned shift;
    bool t_noel0, t_ro, t_uxn, t_pxn;
} Leaf;

static void fault(Walk *w, SmmumFaultType type, bool s2, SmmumFaultClass cls,
                  int level, uint64_t ipa)
{
    memset(w->f, 0, sizeof(*w->f));
    w->f->type = type;
    w->f->s2 = s2;
    w->f->cls = cls;
    w->f->level = level;
    w->f->input_addr = w->input_addr;
    w->f->ipa = s2 ? ipa : 0;
    w->f->ttrnw = cls == SMMUM_CLASS_TT;
}

static unsigned lsb_of(const Geo *geo, int level)
{
    return geo->g + (3 - level) * geo->stride;
}

/* Output (or next-table) address held in a descriptor. */
static uint64_t desc_oa(const Geo *geo, uint64_t d)
{
    uint64_t a;

    if (geo->ds) {
        a = d & (SMMUM_MASK(50 - geo->g) << geo->g);
        a |= EX(d, 8, 2) << 50;
    } else {
        a = d & (SMMUM_MASK(48 - geo->g) << geo->g);
        if (geo->g == 16 && geo->oa == 52) {
            a |= EX(d, 12, 4) << 48;
        }
    }
    return a;
}

static bool block_ok(const Geo *geo, int level)
{
    switch (geo->g) {
    case 12:
        return level == 1 || level == 2 || (level == 0 && geo->ds);
    case 14:
        return level == 2 || (level == 1 && geo->ds);
    default:
        return level == 2 || (level == 1 && geo->oa == 52);
    }
}

static uint64_t le_to_cpu(bool be, uint64_t v)
{
    return be ? GUINT64_SWAP_LE_BE(v) : v;
}

/* Stage-2 result for one IPA. */
typedef struct S2Out {
    uint64_t pa;
    unsigned shift;
    int level;
    uint8_t perm;
    uint8_t memattr, sh;
} S2Out;

static bool s2_translate(Walk *w, uint64_t ipa, bool write, bool instr,
                         SmmumFaultClass cls, S2Out *o);

/*
 * Read the descriptor at addr (an IPA when this is a stage-1 walk of a
 * nested configuration).
 */
static bool fetch(Walk *w, const Geo *geo, uint64_t addr, int level,
                  uint64_t *pa, uint64_t *val)
{
    uint64_t v;

    *pa = addr;
    if (!geo->s2 && w->cfg->s2) {
        S2Out o;
        bool device;

        if (!s2_translate(w, addr, false, false, SMMUM_CLASS_TT, &o)) {
            return false;
        }
        device = w->cfg->s2p.fwb ? !(o.memattr & 4) : !(o.memattr & 0xc);
        if (w->cfg->s2p.ptw && device) {
            fault(w, SMMUM_FAULT_PERMISSION, true, SMMUM_CLASS_TT, o.level,
                  addr);
            return false;
        }
        *pa = o.pa;
    }
    if (!w->mem->read64(w->mem->opaque, *pa, &v)) {
        fault(w, SMMUM_FAULT_WALK_EABT, geo->s2,
              geo->s2 ? SMMUM_CLASS_TT : SMMUM_CLASS_IN, level, 0);
        w->f->fetch_addr = *pa;
        w->f->ttrnw = 1;
        return false;
    }
    *val = le_to_cpu(geo->be, v);
    return true;
}

/*
 * Walk geo's tables for address a (already range-checked).  cls is the
 * class of faults (stage 2) and whether table attributes apply (stage 1
 * with had false).
 */
static bool table_walk(Walk *w, const Geo *geo, uint64_t a, bool had,
                       SmmumFaultClass cls, uint64_t ipa, Leaf *l)
{
    unsigned startbits = geo->ia - lsb_of(geo, geo->start);
    uint64_t table = geo->ttb & ~SMMUM_MASK(MAX(startbits + 3, 3u));
    int level;

    memset(l, 0, sizeof(*l));
    if (geo->ttb >> geo->oa) {
        fault(w, SMMUM_FAULT_ADDR_SIZE, geo->s2, cls, geo->start, ipa);
        return false;
    }
    for (level = geo->start; level <= 3; level++) {
        unsigned lsb = lsb_of(geo, level);
        unsigned nbits = level == geo->start ? startbits : geo->stride;
        uint64_t idx = (a >> lsb) & SMMUM_MASK(nbits);
        uint64_t d, dpa, next;

        l->desc_addr = table + idx * 8;
        if (!fetch(w, geo, l->desc_addr, level, &dpa, &d)) {
            return false;
        }
        if (!(d & D_VALID) ||
            (level == 3 && !(d & D_TABLE)) ||
            (level < 3 && !(d & D_TABLE) && !block_ok(geo, level))) {
            fault(w, SMMUM_FAULT_TRANSLATION, geo->s2, cls, level, ipa);
            return false;
        }
        next = desc_oa(geo, d);
        if (level < 3 && (d & D_TABLE)) {
            if (next >> geo->oa) {
                fault(w, SMMUM_FAULT_ADDR_SIZE, geo->s2, cls, level, ipa);
                return false;
            }
            if (!geo->s2 && !had) {
                l->t_noel0 |= !!(d & T_AP0);
                l->t_ro |= !!(d & T_AP1);
                l->t_uxn |= !!(d & T_UXN);
                l->t_pxn |= !!(d & T_PXN);
            }
            table = next & ~SMMUM_MASK(geo->g);
            continue;
        }
        l->oa = next & ~SMMUM_MASK(lsb);
        if (l->oa >> geo->oa) {
            fault(w, SMMUM_FAULT_ADDR_SIZE, geo->s2, cls, level, ipa);
            return false;
        }
        l->desc = d;
        l->desc_pa = dpa;
        l->level = level;
        l->shift = lsb;
        return true;
    }
    /* Unreachable: level 3 always ends the loop. */
    fault(w, SMMUM_FAULT_TRANSLATION, geo->s2, cls, 3, ipa);
    return false;
}

static int start_level(unsigned g, unsigned ia)
{
    unsigned stride = g - 3;
    unsigned levels = (ia - g + stride - 1) / stride;

    return 4 - (int)levels;
}

static uint8_t s2_perm(uint64_t d)
{
    uint8_t p = 0;

    if (d & D_AP1) {
        p |= SMMUM_PERM_PR | SMMUM_PERM_UR;
    }
    if (d & D_AP2) {
        p |= SMMUM_PERM_PW | SMMUM_PERM_UW;
    }
    if (!(d & D_UXN)) {
        p |= SMMUM_PERM_PX | SMMUM_PERM_UX;
    }
    return p;
}

/*
 * Atomically replace the descriptor a walk found (HTTU).  Returns 1 on
 * success, 0 when it changed meanwhile (walk again), -1 on a fault.
 */
static int desc_update(Walk *w, const Geo *geo, Leaf *l, uint64_t nd)
{
    uint64_t pa = l->desc_pa, seen;
    bool be = geo->be;

    if (!geo->s2 && w->cfg->s2) {
        S2Out o;

        /* The stage-1 descriptor is written through stage 2. */
        if (!s2_translate(w, l->desc_addr, true, false, SMMUM_CLASS_TT,
                          &o)) {
            w->f->ttrnw = 0;
            return -1;
        }
        pa = o.pa;
    }
    if (!w->mem->cmpxchg64(w->mem->opaque, pa, le_to_cpu(be, l->desc),
                           le_to_cpu(be, nd), &seen)) {
        fault(w, SMMUM_FAULT_WALK_EABT, geo->s2,
              geo->s2 ? SMMUM_CLASS_TT : SMMUM_CLASS_IN, l->level, 0);
        w->f->fetch_addr = pa;
        w->f->ttrnw = 0;
        return -1;
    }
    if (le_to_cpu(be, seen) != l->desc) {
        return 0;
    }
    l->desc = nd;
    return 1;
}

static bool s2_translate(Walk *w, uint64_t ipa, bool write, bool instr,
                         SmmumFaultClass cls, S2Out *o)
{
    const SmmumS2Params *p = &w->cfg->s2p;
    bool httu = w->mem->cmpxchg64 != NULL;
    Geo geo = {
        .ttb = p->ttb, .g = p->granule, .stride = p->granule - 3,
        .ia = 64 - p->tsz, .oa = p->ps, .start = p->start_level,
        .ds = p->ds, .be = p->big_endian, .s2 = true,
    };

    if (ipa >> geo.ia) {
        fault(w, ipa >> p->ias ? SMMUM_FAULT_ADDR_SIZE :
              SMMUM_FAULT_TRANSLATION, true, cls, geo.start, ipa);
        return false;
    }
    for (int tries = 0; tries < HTTU_RETRIES; tries++) {
        Leaf l;
        uint64_t nd;
        uint8_t perm;
        int r;

        if (!table_walk(w, &geo, ipa, true, cls, ipa, &l)) {
            return false;
        }
        nd = l.desc;
        if (!(l.desc & D_AF) && !p->affd) {
            if (!(p->ha && httu)) {
                fault(w, SMMUM_FAULT_ACCESS, true, cls, l.level, ipa);
                return false;
            }
            nd |= D_AF;
        }
        perm = s2_perm(l.desc);
        if (!smmum_perm_allows(perm, write, instr, true)) {
            if (write && !instr && p->hd && httu && (l.desc & D_DBM) &&
                (l.desc & D_AF || nd & D_AF || p->affd)) {
                nd |= D_AP2;
            } else {
                fault(w, SMMUM_FAULT_PERMISSION, true, cls, l.level, ipa);
                return false;
            }
        }
        if (nd != l.desc) {
            r = desc_update(w, &geo, &l, nd);
            if (r < 0) {
                return false;
            }
            if (r == 0) {
                continue;
            }
        }
        o->pa = l.oa | (ipa & SMMUM_MASK(l.shift));
        o->shift = l.shift;
        o->level = l.level;
        o->perm = s2_perm(l.desc);
        o->memattr = EX(l.desc, 2, 4);
        o->sh = p->ds ? 0 : EX(l.desc, 8, 2);
        return true;
    }
    /* The descriptor kept changing: report what a plain walk would. */
    fault(w, write ? SMMUM_FAULT_PERMISSION : SMMUM_FAULT_ACCESS, true, cls,
          geo.start, ipa);
    return false;
}

/* Stage-1 permissions of a leaf with its hierarchical attributes. */
static uint8_t s1_perm(const SmmumS1Params *p, const Leaf *l, uint64_t d)
{
    bool ro = (d & D_AP2) || l->t_ro;
    bool el0 = (d & D_AP1) && !l->t_noel0;
    uint8_t perm;

    if (p->one_priv) {
        /* One privilege level: PnU does not matter, XN is bit 54. */
        perm = SMMUM_PERM_PR | SMMUM_PERM_UR;
        if (!ro) {
            perm |= SMMUM_PERM_PW | SMMUM_PERM_UW;
        }
        if (!(d & D_UXN) && !l->t_uxn && !(p->wxn && !ro)) {
            perm |= SMMUM_PERM_PX | SMMUM_PERM_UX;
        }
        return perm;
    }
    perm = SMMUM_PERM_PR;
    if (!ro) {
        perm |= SMMUM_PERM_PW;
    }
    if (el0) {
        perm |= SMMUM_PERM_UR;
        if (!ro) {
            perm |= SMMUM_PERM_UW;
        }
    }
    if (!(d & D_UXN) && !l->t_uxn && !(p->wxn && (perm & SMMUM_PERM_UW))) {
        perm |= SMMUM_PERM_UX;
    }
    /* Memory writable at EL0 is never privileged-executable. */
    if (!(d & D_PXN) && !l->t_pxn && !(perm & SMMUM_PERM_UW) &&
        !(p->wxn && (perm & SMMUM_PERM_PW))) {
        perm |= SMMUM_PERM_PX;
    }
    /* PAN: privileged data accesses to EL0-accessible memory fail. */
    if (p->pan && el0) {
        perm &= ~(SMMUM_PERM_PR | SMMUM_PERM_PW);
    }
    return perm;
}

typedef struct S1Out {
    uint64_t oa;
    unsigned shift, granule;
    int level;
    uint8_t perm;
    bool global;
    uint8_t attr, sh;
} S1Out;

static bool s1_translate(Walk *w, const SmmumWalkReq *req, S1Out *o)
{
    const SmmumS1Params *p = &w->cfg->s1p;
    bool httu = w->mem->cmpxchg64 != NULL;
    uint64_t va = req->addr, top;
    int n = p->one_priv ? 0 : (int)EX(va, 55, 1);
    const SmmumWalkRange *r = &p->range[n];
    unsigned topbit;
    Geo geo;

    if (!r->enabled || !r->granule || r->tsz < 12 || r->tsz > 48) {
        fault(w, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, 0, 0);
        return false;
    }
    geo = (Geo) {
        .ttb = r->ttb, .g = r->granule, .stride = r->granule - 3,
        .ia = 64 - r->tsz, .ds = p->ds, .be = p->big_endian,
        .oa = (p->oas == 52 && r->granule != 16 && !p->ds) ? 48 : p->oas,
    };
    geo.start = start_level(geo.g, geo.ia);
    /* Bits above the range must all equal the range's sign. */
    topbit = r->tbi ? 55 : 63;
    top = EX(va, geo.ia, topbit - geo.ia + 1);
    if (top != (n ? SMMUM_MASK(topbit - geo.ia + 1) : 0)) {
        fault(w, SMMUM_FAULT_TRANSLATION, false, SMMUM_CLASS_IN, geo.start,
              0);
        return false;
    }
    va &= SMMUM_MASK(geo.ia);

    for (int tries = 0; tries < HTTU_RETRIES; tries++) {
        Leaf l;
        uint64_t nd;
        uint8_t perm;
        int rc;

        if (!table_walk(w, &geo, va, r->had, SMMUM_CLASS_IN, 0, &l)) {
            return false;
        }
        nd = l.desc;
        if (!(l.desc & D_AF) && !p->affd) {
            if (!(p->ha && httu)) {
                fault(w, SMMUM_FAULT_ACCESS, false, SMMUM_CLASS_IN, l.level,
                      0);
                return false;
            }
            nd |= D_AF;
        }
        perm = s1_perm(p, &l, l.desc);
        if (!smmum_perm_allows(perm, req->write, req->instr, req->priv)) {
            uint64_t dirty = l.desc & ~D_AP2;

            if (req->write && !req->instr && p->hd && httu &&
                (l.desc & D_DBM) &&
                smmum_perm_allows(s1_perm(p, &l, dirty), true, false,
                                  req->priv)) {
                nd &= ~D_AP2;
            } else {
                fault(w, SMMUM_FAULT_PERMISSION, false, SMMUM_CLASS_IN,
                      l.level, 0);
                return false;
            }
        }
        if (nd != l.desc) {
            rc = desc_update(w, &geo, &l, nd);
            if (rc < 0) {
                return false;
            }
            if (rc == 0) {
                continue;
            }
        }
        o->oa = l.oa | (va & SMMUM_MASK(l.shift));
        o->shift = l.shift;
        o->granule = geo.g;
        o->level = l.level;
        o->perm = s1_perm(p, &l, l.desc);
        o->global = p->one_priv || !(l.desc & D_NG);
        o->attr = p->mair >> (8 * EX(l.desc, 2, 3));
        o->sh = p->ds ? 0 : EX(l.desc, 8, 2);
        return true;
    }
    fault(w, req->write ? SMMUM_FAULT_PERMISSION : SMMUM_FAULT_ACCESS,
          false, SMMUM_CLASS_IN, geo.start, 0);
    return false;
}

static uint8_t s2_as_perm(uint8_t p2)
{
    return p2;
}

void smmum_walk(const SmmumWalkMem *mem, const SmmumWalkCfg *cfg,
                const SmmumWalkReq *req, SmmumWalkResult *res)
{
    Walk w = { .mem = mem, .cfg = cfg, .f = &res->fault,
               .input_addr = req->addr };
    S1Out s1 = { 0 };
    S2Out s2 = { 0 };
    uint64_t ipa = req->addr;

    memset(res, 0, sizeof(*res));
    if (!cfg->s1 && !cfg->s2) {
        /* Nothing to translate: flat, all permissions. */
        res->ok = true;
        res->pa = req->addr;
        res->size_shift = res->span_shift = 12;
        res->granule = 12;
        res->perm = SMMUM_PERM_ALL;
        res->global = true;
        return;
    }
    if (cfg->s1) {
        if (!s1_translate(&w, req, &s1)) {
            return;
        }
        ipa = s1.oa;
        res->size_shift = res->span_shift = s1.shift;
        res->granule = s1.granule;
        res->level = s1.level;
        res->perm = s1.perm;
        res->global = s1.global;
        res->s1_attr = s1.attr;
        res->s1_sh = s1.sh;
    } else {
        res->perm = SMMUM_PERM_ALL;
        res->global = true;
    }
    if (cfg->s2) {
        if (!s2_translate(&w, ipa, req->write, req->instr, SMMUM_CLASS_IN,
                          &s2)) {
            return;
        }
        res->pa = s2.pa;
        res->perm &= s2_as_perm(s2.perm);
        res->s2_memattr = s2.memattr;
        res->s2_sh = s2.sh;
        res->s2_level = s2.level;
        if (!cfg->s1) {
            res->size_shift = res->span_shift = s2.shift;
            res->granule = cfg->s2p.granule;
            res->level = s2.level;
        } else {
            res->size_shift = MIN(res->size_shift, s2.shift);
        }
    } else {
        res->pa = ipa;
    }
    res->ipa = ipa;
    res->ok = true;
}

bool smmum_walk_s2_fetch(const SmmumWalkMem *mem, const SmmumS2Params *p,
                         uint64_t ipa, uint64_t input_addr, uint64_t *pa,
                         SmmumWalkFault *f)
{
    SmmumWalkCfg cfg = { .s2 = true, .s2p = *p };
    Walk w = { .mem = mem, .cfg = &cfg, .f = f, .input_addr = input_addr };
    S2Out o;

    memset(f, 0, sizeof(*f));
    if (!s2_translate(&w, ipa, false, false, SMMUM_CLASS_CD, &o)) {
        return false;
    }
    *pa = o.pa;
    return true;
}
