/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: STE and L1STD decoders (IHI 0070 5.1, 5.2).
 *
 * The decoders turn raw words into the canonical meaning structs of
 * smmum-meaning.h.  Fields the configuration IGNOREs are never read, so
 * they can neither change the meaning nor make the entry ILLEGAL.
 * Encodings the architecture defines as "behaves as" another value are
 * folded into that value, so two entries that behave alike compare
 * equal.
 */
#include "smmum-strtab.h"
#include "smmum-cfgcache.h"
#include "smmum-cd.h"
#include "smmum-inject.h"
#include "smmum-regs.h"

#include <glib.h>
#include <string.h>

uint64_t smmum_ste_field(const uint64_t w[8], unsigned pos, unsigned len)
{
    unsigned word = pos / 64, bit = pos % 64;
    uint64_t v = w[word] >> bit;

    if (bit + len > 64 && word < 7) {
        v |= w[word + 1] << (64 - bit);
    }
    return v & SMMUM_MASK(len);
}

void smmum_ste_set_field(uint64_t w[8], unsigned pos, unsigned len,
                         uint64_t val)
{
    for (unsigned i = 0; i < len; i++) {
        unsigned p = pos + i;
        uint64_t m = 1ULL << (p % 64);

        if (p / 64 > 7) {
            break;
        }
        if ((val >> i) & 1) {
            w[p / 64] |= m;
        } else {
            w[p / 64] &= ~m;
        }
    }
}

#define F(pos, len) smmum_ste_field(w, (pos), (len))

static unsigned idr_field(const SmmumIdRegs *idr, unsigned reg,
                          unsigned pos, unsigned len)
{
    return SMMUM_EX(idr->idr[reg], pos, len);
}

/*
 * Stage 2 start level for VMSAv8-64 (S2TG encoding 0 4K, 1 64K, 2 16K),
 * or -1 when the SL0 encoding is reserved for that granule.  Without
 * FEAT_LPA2 (IDR5.DS) and small translation tables (IDR3.STT), neither
 * of which this decoder advertises support for, S2SL0_2 is RES0.
 */
static int s2_start_level64(const SmmumIdRegs *idr, unsigned tg,
                            unsigned sl0)
{
    switch (tg) {
    case 0:
        return sl0 == 0 ? 2 : sl0 == 1 ? 1 : sl0 == 2 ? 0 : -1;
    case 2:
        return sl0 == 0 ? 3 : sl0 == 1 ? 2 : sl0 == 2 ? 1 : -1;
    case 1:
        if (sl0 == 2) {
            return smmum_idr_oas(idr) == 52 ? 1 : -1;
        }
        return sl0 == 0 ? 3 : sl0 == 1 ? 2 : -1;
    default:
        return -1;
    }
}

static unsigned granule_bits(unsigned tg)
{
    return tg == 0 ? 12 : tg == 2 ? 14 : 16;
}

/*
 * Is an input size consistent with a walk that starts at level sl with
 * this granule (at most 16 concatenated tables at the start level)?
 * Returns the log2 of the start-level table size in bytes, or -1.
 */
static int walk_table_log2(unsigned iasize, unsigned gbits, int sl)
{
    unsigned stride = gbits - 3;
    unsigned below = (3 - sl) * stride + gbits;   /* bits below level sl */

    if (iasize < below + 1 || iasize > below + stride + 4) {
        return -1;
    }
    return iasize - below + 3;
}

void smmum_l1std_decode(const SmmumIdRegs *idr, uint64_t w,
                        SmmumL1Meaning *m)
{
    unsigned span = SMMUM_EX(w, 0, 5);

    memset(m, 0, sizeof(*m));
    /* Span 0 is invalid; 12..31 are reserved and behave as 0. */
    if (span == 0 || span > 11) {
        return;
    }
    m->valid = 1;
    m->span = span;
    /* L2Ptr[55:6]; L2Ptr[span + 4:0] are taken as zero. */
    m->l2ptr = w & (SMMUM_MASK(56) & ~SMMUM_MASK(span + 5));
}

static void ste_illegal(SmmumSteMeaning *m, SmmumSteIllegal why)
{
    memset(m, 0, sizeof(*m));
    m->outcome = SMMUM_OUT_ABORT;
    m->abort_why = SMMUM_ABORT_ILLEGAL;
    m->illegal_code = why;
}

/*
 * Incoming attribute and permission overrides.  They apply to every
 * configuration that lets traffic through, and only when the ID
 * registers implement them (otherwise the fields are RES0).  NSCFG is
 * IGNORED for the Non-secure stream table, the only one modelled.
 */
static void ste_overrides(const SmmumIdRegs *idr, const uint64_t w[8],
                          SmmumSteMeaning *m)
{
    if (idr_field(idr, 1, SMMUM_IDR1_ATTR_TYPES_OVR, 1)) {
        unsigned alloc = F(SMMUM_STE_ALLOCCFG, 4);

        m->attr.mtcfg = F(SMMUM_STE_MTCFG, 1);
        if (m->attr.mtcfg) {
            unsigned ma = F(SMMUM_STE_MEMATTR, 4);

            /* 0b0100, 0b1000, 0b1100 are reserved: Device-nGnRnE. */
            if ((ma & 3) == 0) {
                ma = 0;
            }
            m->attr.memattr = ma;
        }
        /* 0b0xxx: use incoming hints; 0b1001 behaves as 0b1000. */
        if (!(alloc & 8)) {
            alloc = 0;
        } else if (alloc == 9) {
            alloc = 8;
        }
        m->attr.alloccfg = alloc;
        m->attr.shcfg = F(SMMUM_STE_SHCFG, 2);
    }
    if (idr_field(idr, 1, SMMUM_IDR1_ATTR_PERMS_OVR, 1)) {
        unsigned priv = F(SMMUM_STE_PRIVCFG, 2);
        unsigned inst = F(SMMUM_STE_INSTCFG, 2);

        /* 0b01 is reserved and behaves as 0b00 (use incoming). */
        m->perm.privcfg = priv == 1 ? 0 : priv;
        m->perm.instcfg = inst == 1 ? 0 : inst;
    }
}

/* Shareability where 0b01 behaves as 0b00 and NC-NC is Outer Shareable. */
static uint8_t canon_sh(unsigned ir, unsigned or, unsigned sh)
{
    if (ir == 0 && or == 0) {
        return 2;
    }
    return sh == 1 ? 0 : sh;
}

/* The stage 1 part of an STE with Config 0b1x1; false when ILLEGAL. */
static bool ste_stage1(const SmmumIdRegs *idr, const uint64_t w[8],
                       unsigned config, SmmumSteMeaning *m,
                       SmmumSteIllegal *why)
{
    unsigned ssidsize = idr_field(idr, 1, SMMUM_IDR1_SSIDSIZE, 5);
    unsigned cdmax = 0, fmt = 0;
    uint64_t ptr = w[0] & (SMMUM_MASK(56) & ~SMMUM_MASK(6));
    unsigned range;

    if (F(SMMUM_STE_S1STALLD, 1) &&
        idr_field(idr, 0, SMMUM_IDR0_STALL_MODEL, 2) != 0) {
        *why = SMMUM_STE_ILL_S1STALLD;
        return false;
    }
    if (ssidsize) {
        cdmax = F(SMMUM_STE_S1CDMAX, 5);
        if (cdmax > ssidsize) {
            *why = SMMUM_STE_ILL_S1CDMAX;
            return false;
        }
    }
    if (cdmax) {
        fmt = F(SMMUM_STE_S1FMT, 2);
        if (fmt == 3) {
            fmt = 0;        /* reserved, behaves as linear */
        }
        if (fmt && !idr_field(idr, 0, SMMUM_IDR0_CD2L, 1)) {
            *why = SMMUM_STE_ILL_S1FMT;
            return false;
        }
    }
    range = config & 2 ? smmum_idr_ias(idr) : smmum_idr_oas(idr);
    if (range < 56 && (ptr >> range)) {
        *why = SMMUM_STE_ILL_S1CTXPTR;
        return false;
    }
    /*
     * Bits of S1ContextPtr that are RES0 because the table is aligned to
     * its size: CONSTRAINED UNPREDICTABLE, this model treats them as 0.
     */
    if (cdmax) {
        unsigned align = 6;

        if (fmt == 0) {
            align = cdmax + 6;
        } else if (fmt == 1 && cdmax > 9) {
            align = cdmax - 3;
        } else if (fmt == 2 && cdmax > 13) {
            align = cdmax - 7;
        }
        ptr &= ~SMMUM_MASK(align);
    }

    m->regime.s1_context_ptr = ptr;
    m->regime.s1_fmt = fmt;
    m->regime.s1_cd_max = cdmax;
    if (cdmax) {
        unsigned dss = F(SMMUM_STE_S1DSS, 2);

        m->regime.s1_dss = dss == 3 ? 0 : dss;
    }
    m->perm.s1_stalld = F(SMMUM_STE_S1STALLD, 1);
    m->attr.s1_cir = F(SMMUM_STE_S1CIR, 2);
    m->attr.s1_cor = F(SMMUM_STE_S1COR, 2);
    m->attr.s1_csh = canon_sh(m->attr.s1_cir, m->attr.s1_cor,
                              F(SMMUM_STE_S1CSH, 2));
    return true;
}

/* The stage 2 part of an STE with Config 0b11x; false when ILLEGAL. */
static bool ste_stage2(const SmmumIdRegs *idr, const uint64_t w[8],
                       unsigned config, SmmumSteMeaning *m,
                       SmmumSteIllegal *why)
{
    unsigned stall_model = idr_field(idr, 0, SMMUM_IDR0_STALL_MODEL, 2);
    unsigned ttf = idr_field(idr, 0, SMMUM_IDR0_TTF, 2);
    unsigned httu = idr_field(idr, 0, SMMUM_IDR0_HTTU, 2);
    unsigned ttendian = idr_field(idr, 0, SMMUM_IDR0_TTENDIAN, 2);
    unsigned ias = smmum_idr_ias(idr), oas = smmum_idr_oas(idr);
    bool aa64 = F(SMMUM_STE_S2AA64, 1);
    bool s2s = F(SMMUM_STE_S2S, 1);
    bool ha = F(SMMUM_STE_S2HA, 1), hd = F(SMMUM_STE_S2HD, 1);
    bool haft = httu == 3 && F(SMMUM_STE_S2HAFT, 1);
    unsigned tg, t0sz, sl0, iasize, pa_range, gbits;
    uint64_t ttb = F(SMMUM_STE_S2TTB, 52) << 4;
    int sl, tlog2;

    if ((s2s && stall_model == 1) || (!s2s && stall_model == 2)) {
        *why = SMMUM_STE_ILL_S2S;
        return false;
    }
    if ((!aa64 && !(ttf & 1)) || (aa64 && !(ttf & 2))) {
        *why = SMMUM_STE_ILL_S2AA64;
        return false;
    }
    if (((ha || hd) && (!aa64 || httu == 0)) || (hd && httu == 1) ||
        (haft && !ha)) {
        *why = SMMUM_STE_ILL_S2HTTU;
        return false;
    }
    if (aa64) {
        tg = F(SMMUM_STE_S2TG, 2);
        if (!smmum_idr_granule(idr, smmum_cd_tg0_shift(tg))) {
            *why = SMMUM_STE_ILL_S2TG;
            return false;
        }
        pa_range = MIN(smmum_pa_bits(F(SMMUM_STE_S2PS, 3)), oas);
    } else {
        tg = 0;
        pa_range = 40;
    }
    if ((ttb >> pa_range) || (aa64 && tg != 1 && (ttb >> 48))) {
        *why = SMMUM_STE_ILL_S2TTB;
        return false;
    }
    if (aa64) {
        unsigned tmin = MAX(tg == 1 ? 12u : 16u, 64 - ias);

        t0sz = F(SMMUM_STE_S2T0SZ, 6);
        if (t0sz < tmin || t0sz > 39) {
            *why = SMMUM_STE_ILL_S2T0SZ;
            return false;
        }
        iasize = 64 - t0sz;
        sl0 = F(SMMUM_STE_S2SL0, 2);
        sl = s2_start_level64(idr, tg, sl0);
    } else {
        /* VMSAv8-32 LPAE: 4-bit signed T0SZ, SL0 0 -> level 2, 1 -> 1. */
        int t = (int)F(SMMUM_STE_S2T0SZ, 4);

        t0sz = t;
        iasize = 32 - (t >= 8 ? t - 16 : t);
        sl0 = F(SMMUM_STE_S2SL0, 2);
        sl = sl0 == 0 ? 2 : sl0 == 1 ? 1 : -1;
    }
    gbits = granule_bits(tg);
    tlog2 = sl < 0 ? -1 : walk_table_log2(iasize, gbits, sl);
    if (tlog2 < 0) {
        *why = SMMUM_STE_ILL_S2SL0;
        return false;
    }
    if ((ttendian == 2 && F(SMMUM_STE_S2ENDI, 1)) ||
        (ttendian == 3 && !F(SMMUM_STE_S2ENDI, 1))) {
        *why = SMMUM_STE_ILL_S2ENDI;
        return false;
    }

    /* The start-level table is aligned to its size (64 B for 52-bit). */
    if (pa_range == 52) {
        tlog2 = MAX(tlog2, 6);
    }
    m->regime.s2_ttb = ttb & ~SMMUM_MASK(tlog2);
    m->regime.s2_t0sz = t0sz;
    m->regime.s2_sl0 = sl0;
    m->regime.s2_tg = tg;
    m->regime.s2_ps = aa64 ? MIN(F(SMMUM_STE_S2PS, 3),
                                 idr_field(idr, 5, SMMUM_IDR5_OAS, 3)) : 0;
    m->regime.s2_aa64 = aa64;
    m->regime.s2_endi = F(SMMUM_STE_S2ENDI, 1);
    m->regime.s2_ds = 0;

    /* {HA, HD} = 0b01 behaves as 0b00; AFFD is IGNORED when HA=1. */
    m->perm.s2_ha = ha;
    m->perm.s2_hd = ha && hd;
    m->perm.s2_haft = haft;
    m->perm.s2_affd = ha ? 0 : F(SMMUM_STE_S2AFFD, 1);
    m->perm.s2_ptw = config == SMMUM_STE_CFG_NESTED ? F(SMMUM_STE_S2PTW, 1)
                                                    : 0;
    m->perm.s2_s = s2s;
    m->perm.s2_r = F(SMMUM_STE_S2R, 1);

    m->attr.s2_ir0 = F(SMMUM_STE_S2IR0, 2);
    m->attr.s2_or0 = F(SMMUM_STE_S2OR0, 2);
    m->attr.s2_sh0 = canon_sh(m->attr.s2_ir0, m->attr.s2_or0,
                              F(SMMUM_STE_S2SH0, 2));
    if (idr_field(idr, 3, SMMUM_IDR3_FWB, 1)) {
        m->attr.s2_fwb = F(SMMUM_STE_S2FWB, 1);
    }
    return true;
}

void smmum_ste_decode(const SmmumIdRegs *idr, const uint64_t w[8],
                      SmmumSteMeaning *m)
{
    unsigned config = F(SMMUM_STE_CONFIG, 3);
    bool s1p = idr_field(idr, 0, SMMUM_IDR0_S1P, 1);
    bool s2p = idr_field(idr, 0, SMMUM_IDR0_S2P, 1);
    bool strw_used, vmid_used;
    SmmumSteIllegal why = SMMUM_STE_ILL_NONE;
    unsigned strw = 0;

    memset(m, 0, sizeof(*m));
    if (!F(SMMUM_STE_V, 1)) {
        m->outcome = SMMUM_OUT_ABORT;
        m->abort_why = SMMUM_ABORT_INVALID;
        return;
    }
    if (!(config & 4)) {
        /* 0b000 abort, 0b001..0b011 reserved and behave as 0b000. */
        m->outcome = SMMUM_OUT_ABORT;
        m->abort_why = SMMUM_ABORT_CONFIG;
        return;
    }
    if ((config & 1) && !s1p) {
        ste_illegal(m, SMMUM_STE_ILL_S1_UNIMPL);
        return;
    }
    if ((config & 2) && !s2p) {
        ste_illegal(m, SMMUM_STE_ILL_S2_UNIMPL);
        return;
    }

    /* EATS: IGNORED without ATS and when Config[1:0] == 0b00. */
    if (idr_field(idr, 0, SMMUM_IDR0_ATS, 1) && (config & 3)) {
        unsigned eats = F(SMMUM_STE_EATS, 2);
        bool s2s = F(SMMUM_STE_S2S, 1);

        if (eats == 2 && (config != SMMUM_STE_CFG_NESTED || s2s ||
                          idr_field(idr, 0, SMMUM_IDR0_NS1ATS, 1))) {
            ste_illegal(m, SMMUM_STE_ILL_EATS_SPLIT);
            return;
        }
        if (eats == 1 && s2s && (config & 2)) {
            ste_illegal(m, SMMUM_STE_ILL_EATS_S2S);
            return;
        }
        /* 0b11 (DPT checks) is reserved without IDR3.DPT: as 0b00. */
        m->ats.eats = eats == 3 ? 0 : eats;
    }

    /* STRW is used only for stage-1-only streams when Hyp exists. */
    strw_used = s1p && idr_field(idr, 0, SMMUM_IDR0_HYP, 1) &&
                config == SMMUM_STE_CFG_S1;
    if (strw_used) {
        strw = F(SMMUM_STE_STRW, 2);
        if (strw & 1) {
            ste_illegal(m, SMMUM_STE_ILL_STRW);
            return;
        }
    }

    if (config & 1) {
        if (!ste_stage1(idr, w, config, m, &why)) {
            ste_illegal(m, why);
            return;
        }
        m->regime.strw = strw;
    }
    if (config & 2) {
        if (!ste_stage2(idr, w, config, m, &why)) {
            ste_illegal(m, why);
            return;
        }
    }

    /* S2VMID tags NS-EL1 translations whenever stage 2 is implemented. */
    vmid_used = s2p && (config & 3) && strw == 0;
    if (vmid_used) {
        uint16_t vmid = F(SMMUM_STE_S2VMID, 16);

        if ((vmid >> 8) && !idr_field(idr, 0, SMMUM_IDR0_VMID16, 1)) {
            ste_illegal(m, SMMUM_STE_ILL_S2VMID);
            return;
        }
        m->regime.s2_vmid = vmid;
    }

    ste_overrides(idr, w, m);
    if (config == SMMUM_STE_CFG_BYPASS) {
        m->outcome = SMMUM_OUT_BYPASS;
    } else {
        m->outcome = SMMUM_OUT_TRANSLATE;
        m->regime.config = config;
    }
}

/* ---- stream table walk (IHI 0070 3.3.2, 5.1) ---- */

static uint64_t get_le64(const uint8_t *b)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)b[i] << (8 * i);
    }
    return v;
}

static void observe_fetch(SmmumCore *s, SmmumFetchKind kind, uint32_t sid,
                          uint64_t addr, const uint64_t *w, unsigned n)
{
    if (s->obs.fetch) {
        s->obs.fetch(s->obs.opaque, kind, sid, 0, addr, w, n);
    }
}

static bool fetch_words(SmmumCore *s, uint64_t addr, uint64_t *w, unsigned n)
{
    uint8_t buf[SMMUM_STE_SIZE];

    if (!s->host.dma_read || !s->host.dma_read(s->host.opaque, addr, buf,
                                               n * 8)) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        w[i] = get_le64(buf + 8 * i);
    }
    return true;
}

void smmum_strtab_geom(const SmmumIdRegs *idr, uint64_t strtab_base,
                       uint32_t strtab_base_cfg, SmmumStrtabGeom *g)
{
    unsigned sidsize = SMMUM_EX(idr->idr[1], SMMUM_IDR1_SIDSIZE, 6);
    unsigned log2size = SMMUM_EX(strtab_base_cfg,
                                 SMMUM_STRTAB_CFG_LOG2SIZE, 6);
    uint64_t base = strtab_base & (SMMUM_MASK(46) << 6);

    memset(g, 0, sizeof(*g));
    g->log2size = MIN(log2size, sidsize);
    g->two_level = SMMUM_EX(strtab_base_cfg, SMMUM_STRTAB_CFG_FMT, 2) == 1 &&
                   SMMUM_EX(idr->idr[0], SMMUM_IDR0_ST_LEVEL, 2) == 1;
    if (!g->two_level) {
        g->base = base & ~SMMUM_MASK(g->log2size + 6);
        return;
    }
    g->split = MIN(SMMUM_EX(strtab_base_cfg, SMMUM_STRTAB_CFG_SPLIT, 5),
                   g->log2size);
    g->base = base & ~SMMUM_MASK(MAX(6u, g->log2size - g->split + 3));
}

uint64_t smmum_l1std_entries(const SmmumL1Meaning *l1, unsigned split)
{
    if (!l1->valid || l1->span > split + 1) {
        return 0;
    }
    return 1ULL << (l1->span - 1);
}

SmmumSteLookup smmum_strtab_lookup(SmmumCore *s, uint32_t sid,
                                   SmmumSteMeaning *m, uint64_t *fetch_addr)
{
    const SmmumCcEntry *ce;
    SmmumStrtabGeom geo;
    SmmumCcEntry e;
    SmmumIdRegs idr;
    uint64_t addr;

    *fetch_addr = 0;
    smmum_idregs_from_core(s, &idr);
    smmum_strtab_geom(&idr, s->strtab_base, s->strtab_base_cfg, &geo);
    if ((uint64_t)sid >> geo.log2size) {
        return SMMUM_STE_BAD_SID;
    }
    ce = smmum_cfgcache_lookup(s->cfgcache, SMMUM_CC_STE, sid, 0);
    if (ce) {
        *m = ce->m.ste;
        return SMMUM_STE_FOUND;
    }

    if (!geo.two_level) {
        addr = geo.base + (uint64_t)sid * SMMUM_STE_SIZE;
    } else {
        unsigned split = geo.split;
        uint32_t l1idx = sid >> split;
        uint32_t l2idx = sid & SMMUM_MASK(split);
        SmmumL1Meaning l1;

        ce = smmum_cfgcache_lookup(s->cfgcache, SMMUM_CC_L1STD, l1idx, 0);
        if (ce) {
            l1 = ce->m.l1;
        } else {
            uint64_t w;

            addr = geo.base + (uint64_t)l1idx * 8;
            if (smmum_inject_fetch(s, SMMUM_FETCH_L1STD, sid) ||
                !fetch_words(s, addr, &w, 1)) {
                *fetch_addr = addr;
                return SMMUM_STE_FETCH_ABORT;
            }
            observe_fetch(s, SMMUM_FETCH_L1STD, sid, addr, &w, 1);
            smmum_l1std_decode(&idr, w, &l1);
            /* Invalid L1STDs are not cached (Linux adds them w/o CFGI). */
            if (l1.valid) {
                memset(&e, 0, sizeof(e));
                e.kind = SMMUM_CC_L1STD;
                e.sid = l1idx;
                e.lo = l1idx << split;
                e.hi = e.lo + (uint32_t)SMMUM_MASK(split);
                e.addr = addr;
                e.words[0] = w;
                e.m.l1 = l1;
                smmum_cfgcache_insert(s->cfgcache, &e);
            }
        }
        if (l2idx >= smmum_l1std_entries(&l1, split)) {
            return SMMUM_STE_BAD_SID;
        }
        addr = l1.l2ptr + (uint64_t)l2idx * SMMUM_STE_SIZE;
    }

    memset(&e, 0, sizeof(e));
    if (smmum_inject_fetch(s, SMMUM_FETCH_STE, sid) ||
        !fetch_words(s, addr, e.words, 8)) {
        *fetch_addr = addr;
        return SMMUM_STE_FETCH_ABORT;
    }
    observe_fetch(s, SMMUM_FETCH_STE, sid, addr, e.words, 8);
    smmum_ste_decode(&idr, e.words, &e.m.ste);
    e.kind = SMMUM_CC_STE;
    e.sid = sid;
    e.lo = e.hi = sid;
    e.addr = addr;
    *m = e.m.ste;
    smmum_cfgcache_insert(s->cfgcache, &e);
    return SMMUM_STE_FOUND;
}

SmmumSteLookup smmum_strtab_peek(SmmumCore *s, uint32_t sid,
                                 SmmumSteMeaning *m, uint64_t *ste_addr)
{
    SmmumStrtabGeom geo;
    SmmumIdRegs idr;
    uint64_t w[8];
    uint64_t addr;

    *ste_addr = 0;
    smmum_idregs_from_core(s, &idr);
    smmum_strtab_geom(&idr, s->strtab_base, s->strtab_base_cfg, &geo);
    if ((uint64_t)sid >> geo.log2size) {
        return SMMUM_STE_BAD_SID;
    }
    if (!geo.two_level) {
        addr = geo.base + (uint64_t)sid * SMMUM_STE_SIZE;
    } else {
        SmmumL1Meaning l1;
        uint64_t l1w;

        if (!fetch_words(s, geo.base + (uint64_t)(sid >> geo.split) * 8,
                         &l1w, 1)) {
            return SMMUM_STE_FETCH_ABORT;
        }
        smmum_l1std_decode(&idr, l1w, &l1);
        if ((sid & SMMUM_MASK(geo.split)) >=
            smmum_l1std_entries(&l1, geo.split)) {
            return SMMUM_STE_BAD_SID;
        }
        addr = l1.l2ptr + (uint64_t)(sid & SMMUM_MASK(geo.split)) *
               SMMUM_STE_SIZE;
    }
    if (!fetch_words(s, addr, w, 8)) {
        return SMMUM_STE_FETCH_ABORT;
    }
    *ste_addr = addr;
    smmum_ste_decode(&idr, w, m);
    return SMMUM_STE_FOUND;
}
