/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: translation structures in guest RAM.
 */
#include "qemu/osdep.h"
#include "smmum-qtest-xlate.h"

#define ADDR_MASK_48_12     (((1ULL << 48) - 1) & ~0xfffULL)

void smmum_qtx_init(SmmumQtx *x, SmmumQt *t)
{
    x->t = t;
    x->next_free = SMMUM_QTX_POOL;
}

uint64_t smmum_qtx_alloc(SmmumQtx *x)
{
    static const uint8_t zero[4096];
    uint64_t pa = x->next_free;

    g_assert_cmphex(pa, <, SMMUM_QTX_POOL_END);
    x->next_free += 4096;
    qtest_memwrite(x->t->qts, pa, zero, sizeof(zero));
    return pa;
}

uint64_t smmum_qtx_map(SmmumQtx *x, uint64_t root, int leaf_level,
                       uint64_t va, uint64_t pa, uint64_t attrs)
{
    uint64_t table = root;

    g_assert(leaf_level >= 1 && leaf_level <= 3);
    for (int l = 1; ; l++) {
        unsigned shift = 12 + 9 * (3 - l);
        uint64_t slot = table + ((va >> shift) & 0x1ff) * 8;
        uint64_t d = qtest_readq(x->t->qts, slot);

        if (l == leaf_level) {
            qtest_writeq(x->t->qts, slot,
                         (pa & ~((1ULL << shift) - 1)) | attrs |
                         (l == 3 ? SMMUM_QTX_TABLE : SMMUM_QTX_VALID));
            return slot;
        }
        if (!(d & 1)) {
            d = smmum_qtx_alloc(x) | SMMUM_QTX_TABLE;
            qtest_writeq(x->t->qts, slot, d);
        }
        table = d & ADDR_MASK_48_12;
    }
}

uint64_t smmum_qtx_cd_w0(uint16_t asid, bool r)
{
    return 25ULL |                  /* T0SZ: 39-bit VA; TG0=4K */
           (1ULL << 30) |           /* EPD1 */
           (1ULL << 31) |           /* V */
           (2ULL << 32) |           /* IPS: 40 bits */
           (1ULL << 41) |           /* AA64 */
           ((uint64_t)r << 45) |    /* R: record faults */
           (1ULL << 46) |           /* A: abort (TERM_MODEL=0 needs 1) */
           ((uint64_t)asid << 48);
}

void smmum_qtx_write_cd(SmmumQtx *x, uint64_t cd, uint64_t w0, uint64_t ttb0)
{
    qtest_writeq(x->t->qts, cd, w0);
    qtest_writeq(x->t->qts, cd + 8, ttb0 & ADDR_MASK_48_12);
    for (int i = 2; i < 8; i++) {
        qtest_writeq(x->t->qts, cd + 8 * i, 0);
    }
}

void smmum_qtx_ste_s1(uint64_t ste[8], unsigned config, uint64_t ctxptr,
                      unsigned s1fmt, unsigned s1cdmax, unsigned s1dss)
{
    memset(ste, 0, 8 * sizeof(ste[0]));
    ste[0] = 1 | (uint64_t)config << 1 | (uint64_t)s1fmt << 4 |
             (ctxptr & ((1ULL << 56) - 1) & ~0x3fULL) |
             (uint64_t)s1cdmax << 59;
    ste[1] = s1dss;
}

void smmum_qtx_ste_s2(uint64_t ste[8], uint64_t s2ttb, uint16_t vmid,
                      bool s2r)
{
    ste[2] = vmid |
             25ULL << 32 |          /* S2T0SZ */
             1ULL << 38 |           /* S2SL0: level 1 */
             0ULL << 46 |           /* S2TG: 4K */
             2ULL << 48 |           /* S2PS: 40 bits */
             1ULL << 51 |           /* S2AA64 */
             (uint64_t)s2r << 58;   /* S2R */
    ste[3] = s2ttb & ADDR_MASK_48_12;
}

void smmum_qtx_set_edu_ste(SmmumQtx *x, const uint64_t ste[8])
{
    smmum_qt_write_ste(x->t, SMMUM_QT_EDU_SID, ste);
    smmum_qt_cfgi_ste(x->t, SMMUM_QT_EDU_SID);
}

void smmum_qtx_pop_event_bytes(SmmumQtx *x, uint64_t ev[4])
{
    uint32_t mask = (2u << SMMUM_QT_Q_LOG2) - 1;
    uint32_t cons = smmum_qt_rd32(x->t, 0x100ac) & mask;
    uint64_t slot = SMMUM_QT_EVTQ +
                    (cons & ((1u << SMMUM_QT_Q_LOG2) - 1)) * 32ULL;

    g_assert_cmpuint(smmum_qt_events(x->t), >, 0);
    memset(ev, 0, 4 * sizeof(ev[0]));
    for (int i = 0; i < 32; i++) {
        uint64_t b = qtest_readb(x->t->qts, slot + i);

        ev[i / 8] |= b << (8 * (i % 8));
    }
    smmum_qt_wr32(x->t, 0x100ac, (cons + 1) & mask);
}
