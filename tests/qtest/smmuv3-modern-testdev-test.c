/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests with the project's PCIe test endpoint
 * (smmuv3-modern-testdev): DMA with SubstreamIDs through linear and
 * 2-level CD tables (SSIDs >= 1024 in a second L1CD), S1DSS, faults and
 * their event records, and the ATS protocol — Translation Requests, the
 * device's ATC serving Translated accesses, CMD_ATC_INV reaching it with
 * its CMD_SYNC, CERROR_ATC_INV_SYNC when the endpoint never completes,
 * and EATS=0 refusing ATS.
 */
#include "qemu/osdep.h"
#include "smmum-qtest-xlate.h"
#include "qemu/bswap.h"
#include "hw/arm/smmuv3-modern/smmuv3-modern-testdev.h"

#define TD_DEVFN    (3 << 3)        /* 00:03.0 */
#define TD_SID      TD_DEVFN

#define EVT_F_BAD_ATS_TREQ      0x05
#define EVT_F_STREAM_DISABLED   0x06
#define EVT_F_TRANSL_FORBIDDEN  0x07
#define EVT_C_BAD_SUBSTREAMID   0x08
#define EVT_F_TRANSLATION       0x10
#define EVT_F_PERMISSION        0x13
#define EV_TYPE(ev)     ((unsigned)((ev)[0] & 0xff))
#define EV_SSV(ev)      ((unsigned)(((ev)[0] >> 11) & 1))
#define EV_SSID(ev)     ((unsigned)(((ev)[0] >> 12) & 0xfffff))
#define EV_SID(ev)      ((unsigned)((ev)[0] >> 32))
#define EV_PNU(ev)      ((unsigned)(((ev)[1] >> 33) & 1))
#define EV_IND(ev)      ((unsigned)(((ev)[1] >> 34) & 1))
#define EV_RNW(ev)      ((unsigned)(((ev)[1] >> 35) & 1))

#define REG_CR0         0x20
#define REG_CR0ACK      0x24
#define REG_GERROR      0x60
#define REG_GERRORN     0x64
#define REG_CMDQ_CONS   0x9c
#define CR0_ATSCHK      (1u << 4)
#define CMD_ATC_INV     0x40
#define CMD_TLBI_NH_ALL 0x10

#define IOVA        0x10000000ULL
#define PA_BASE     (SMMUM_QT_RAM + 0x5000000)
#define PA(n)       (PA_BASE + (n) * 0x1000ULL)
#define CD_L1       (SMMUM_QT_RAM + 0x2a00000)     /* 1024 L1CDs */
#define CD_L2(n)    (SMMUM_QT_RAM + 0x2c00000 + (n) * 0x10000ULL)
#define LEN         64

typedef struct Td {
    SmmumQt t;
    SmmumQtx x;
    QPCIDevice *dev;
    QPCIBar bar;
} Td;

static void td_cfgw(Td *d, unsigned off, uint16_t val)
{
    /* Extended configuration space through the ECAM window. */
    qtest_writew(d->t.qts, d->t.pcibus.ecam_alloc_ptr +
                 ((uint64_t)TD_DEVFN << 12) + off, val);
}

static void td_start(Td *d, const char *extra)
{
    g_autofree char *args = g_strdup_printf(
        "-global arm-smmuv3-modern.ats=on -global "
        "arm-smmuv3-modern.tear-check=sync "
        "-device smmuv3-modern-testdev,addr=03.0%s", extra);

    smmum_qt_start(&d->t, args);
    smmum_qt_enable(&d->t, 6);
    smmum_qtx_init(&d->x, &d->t);
    d->dev = qpci_device_find(&d->t.pcibus.bus, TD_DEVFN);
    g_assert(d->dev);
    qpci_device_enable(d->dev);
    d->bar = qpci_iomap(d->dev, 0, NULL);
    g_assert_cmphex(qpci_io_readl(d->dev, d->bar, TD_ID), ==, 0x534d5444);
    /* PASID Enable (with privileged mode), ATS Enable. */
    td_cfgw(d, TD_PASID_CAP_OFF + 6, 0x5);
    td_cfgw(d, TD_ATS_CAP_OFF + 6, 0x8000);
}

static void td_stop(Td *d)
{
    qpci_iounmap(d->dev, d->bar);
    g_free(d->dev);
    smmum_qt_stop(&d->t);
}

static uint32_t td_rd(Td *d, unsigned off)
{
    return qpci_io_readl(d->dev, d->bar, off);
}

static void td_wr(Td *d, unsigned off, uint32_t val)
{
    qpci_io_writel(d->dev, d->bar, off, val);
}

/* Run one command; returns the status register. */
static uint32_t td_run(Td *d, unsigned cmd, uint64_t addr, uint32_t len,
                       uint32_t flags, uint32_t ssid)
{
    td_wr(d, TD_ADDR_LO, (uint32_t)addr);
    td_wr(d, TD_ADDR_HI, addr >> 32);
    td_wr(d, TD_LEN, len);
    td_wr(d, TD_SSID, ssid);
    td_wr(d, TD_FLAGS, flags);
    td_wr(d, TD_CMD, cmd);
    return td_rd(d, TD_STATUS);
}

/* The device writes LEN bytes of pattern seed to iova; its status. */
static uint32_t td_write_pattern(Td *d, uint64_t iova, uint32_t flags,
                                 uint32_t ssid, uint8_t seed)
{
    for (unsigned i = 0; i < LEN; i += 4) {
        uint32_t w = 0;

        for (unsigned j = 0; j < 4; j++) {
            w |= (uint32_t)(uint8_t)(seed + i + j) << (8 * j);
        }
        td_wr(d, TD_BUF + i, w);
    }
    return td_run(d, TD_CMD_DMA, iova, LEN, flags | TD_F_WRITE, ssid);
}

static bool holds(Td *d, uint64_t pa, uint8_t seed)
{
    uint8_t b[LEN];

    qtest_memread(d->t.qts, pa, b, sizeof(b));
    for (unsigned i = 0; i < LEN; i++) {
        if (b[i] != (uint8_t)(seed + i)) {
            return false;
        }
    }
    return true;
}

static void clear_pages(Td *d, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        qtest_memset(d->t.qts, PA(i), 0, 0x1000);
    }
}

/* A CD for SubstreamID ssid at cd: IOVA -> PA(page), and IOVA+1 page hole. */
static void cd_map(Td *d, uint64_t cd, uint16_t asid, unsigned page)
{
    uint64_t root = smmum_qtx_alloc(&d->x);

    smmum_qtx_map(&d->x, root, 3, IOVA, PA(page), SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&d->x, cd, smmum_qtx_cd_w0(asid, true), root);
}

static void set_ste(Td *d, uint64_t ste[8], unsigned eats)
{
    ste[1] |= (uint64_t)eats << 28;                 /* EATS [93:92] */
    smmum_qt_write_ste(&d->t, TD_SID, ste);
    smmum_qt_cfgi_ste(&d->t, TD_SID);
}

static void pop(Td *d, uint64_t ev[4], unsigned type)
{
    g_assert_cmpuint(smmum_qt_events(&d->t), ==, 1);
    smmum_qt_pop_event(&d->t, ev);
    g_assert_cmphex(EV_TYPE(ev), ==, type);
    g_assert_cmphex(EV_SID(ev), ==, TD_SID);
}

/*
 * Linear CD table of 16: CD 0 (traffic without a PASID) and SSIDs 1, 3
 * and 15 map IOVA apart; S1DSS.
 */
static void test_linear_ssids(void)
{
    static const unsigned ssids[] = { 0, 1, 3, 15 };
    uint64_t ste[8], ev[4];
    Td d;

    td_start(&d, "");
    clear_pages(&d, 8);
    for (unsigned i = 0; i < G_N_ELEMENTS(ssids); i++) {
        cd_map(&d, SMMUM_QTX_CD + ssids[i] * 64, 10 + i, i);
    }
    /* S1DSS=0b10: traffic without a PASID uses CD 0. */
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 4, 2);
    set_ste(&d, ste, 0);
    for (unsigned i = 1; i < G_N_ELEMENTS(ssids); i++) {
        g_assert_cmpuint(td_write_pattern(&d, IOVA + 0x40, TD_F_SSV, ssids[i],
                                          0x10 * i + 1), ==, TD_ST_OK);
        g_assert_true(holds(&d, PA(i) + 0x40, 0x10 * i + 1));
    }
    g_assert_cmpuint(td_write_pattern(&d, IOVA + 0x80, 0, 0, 0x77), ==,
                     TD_ST_OK);
    g_assert_true(holds(&d, PA(0) + 0x80, 0x77));
    g_assert_cmpuint(smmum_qt_events(&d.t), ==, 0);
    /* With S1DSS=0b10, PASID 0 itself is a bad SubstreamID. */
    g_assert_cmpuint(td_write_pattern(&d, IOVA, TD_F_SSV, 0, 1), ==,
                     TD_ST_FAULT);
    pop(&d, ev, EVT_C_BAD_SUBSTREAMID);
    g_assert_cmpuint(EV_SSID(ev), ==, 0);

    /* SSID 16 is beyond S1CDMax: C_BAD_SUBSTREAMID with the SSID. */
    g_assert_cmpuint(td_write_pattern(&d, IOVA, TD_F_SSV, 16, 1), ==,
                     TD_ST_FAULT);
    pop(&d, ev, EVT_C_BAD_SUBSTREAMID);
    g_assert_cmpuint(EV_SSV(ev), ==, 1);
    g_assert_cmpuint(EV_SSID(ev), ==, 16);

    /* S1DSS=0b00 (terminate): no PASID -> F_STREAM_DISABLED. */
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 4, 0);
    set_ste(&d, ste, 0);
    g_assert_cmpuint(td_write_pattern(&d, IOVA, 0, 0, 2), ==, TD_ST_FAULT);
    pop(&d, ev, EVT_F_STREAM_DISABLED);
    g_assert_cmpuint(EV_SSV(ev), ==, 0);
    /* ...while PASID traffic still translates. */
    g_assert_cmpuint(td_write_pattern(&d, IOVA, TD_F_SSV, 3, 3), ==, TD_ST_OK);
    g_assert_true(holds(&d, PA(2), 3));

    /* S1DSS=0b01 (bypass): no PASID -> untranslated. */
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 4, 1);
    set_ste(&d, ste, 0);
    g_assert_cmpuint(td_write_pattern(&d, PA(6) + 0x100, 0, 0, 4), ==,
                     TD_ST_OK);
    g_assert_true(holds(&d, PA(6) + 0x100, 4));
    g_assert_cmpuint(smmum_qt_events(&d.t), ==, 0);
    td_stop(&d);
}

/*
 * 2-level CD table as Linux builds it (S1Fmt=0b10, 1024 CDs per leaf,
 * S1CDMax=20): SSIDs 5 and 1023 in the first leaf, 1024 + 7 and 0xfffff
 * in two more; an SSID whose L1CD is invalid is C_BAD_SUBSTREAMID.
 */
static void test_two_level_ssids(void)
{
    static const uint32_t ssids[] = { 5, 1023, 1024 + 7, 0xfffff };
    uint64_t ste[8], ev[4];
    Td d;

    td_start(&d, "");
    clear_pages(&d, 4);
    qtest_memset(d.t.qts, CD_L1, 0, 1024 * 8);
    for (unsigned i = 0; i < 3; i++) {
        qtest_memset(d.t.qts, CD_L2(i), 0, 0x10000);
    }
    qtest_writeq(d.t.qts, CD_L1 + 0 * 8, CD_L2(0) | 1);
    qtest_writeq(d.t.qts, CD_L1 + 1 * 8, CD_L2(1) | 1);
    qtest_writeq(d.t.qts, CD_L1 + 1023 * 8, CD_L2(2) | 1);
    cd_map(&d, CD_L2(0) + 5 * 64, 1, 0);
    cd_map(&d, CD_L2(0) + 1023 * 64, 2, 1);
    cd_map(&d, CD_L2(1) + 7 * 64, 3, 2);
    cd_map(&d, CD_L2(2) + 1023 * 64, 4, 3);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, CD_L1, 2, 20, 0);
    set_ste(&d, ste, 0);

    for (unsigned i = 0; i < G_N_ELEMENTS(ssids); i++) {
        g_assert_cmpuint(td_write_pattern(&d, IOVA + 0x200, TD_F_SSV, ssids[i],
                                          0x20 + i), ==, TD_ST_OK);
        g_assert_true(holds(&d, PA(i) + 0x200, 0x20 + i));
    }
    g_assert_cmpuint(smmum_qt_events(&d.t), ==, 0);

    /* L1CD 2 is invalid: SSID 2048 + 1. */
    g_assert_cmpuint(td_write_pattern(&d, IOVA, TD_F_SSV, 2049, 1), ==,
                     TD_ST_FAULT);
    pop(&d, ev, EVT_C_BAD_SUBSTREAMID);
    g_assert_cmpuint(EV_SSID(ev), ==, 2049);
    td_stop(&d);
}

/* A DMA crossing into an unmapped page: F_TRANSLATION with SSV/SSID. */
static void test_fault_record(void)
{
    uint64_t ste[8], ev[4];
    Td d;

    td_start(&d, "");
    clear_pages(&d, 2);
    cd_map(&d, SMMUM_QTX_CD + 9 * 64, 7, 0);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 4, 0);
    set_ste(&d, ste, 0);

    /* 64 bytes from 32 below the end of the mapped page. */
    g_assert_cmpuint(td_write_pattern(&d, IOVA + 0xfe0, TD_F_SSV, 9, 0x40), ==,
                     TD_ST_FAULT);
    g_assert_cmpuint(td_rd(&d, TD_DONE), ==, 32);
    pop(&d, ev, EVT_F_TRANSLATION);
    g_assert_cmpuint(EV_SSV(ev), ==, 1);
    g_assert_cmpuint(EV_SSID(ev), ==, 9);
    g_assert_cmpuint(EV_RNW(ev), ==, 0);
    g_assert_cmphex(ev[2], ==, IOVA + 0x1000);
    /* A read of the hole: RnW=1. */
    g_assert_cmpuint(td_run(&d, TD_CMD_DMA, IOVA + 0x1010, 16, TD_F_SSV, 9), ==,
                     TD_ST_FAULT);
    pop(&d, ev, EVT_F_TRANSLATION);
    g_assert_cmpuint(EV_RNW(ev), ==, 1);
    g_assert_cmphex(ev[2], ==, IOVA + 0x1010);
    td_stop(&d);
}

/*
 * Privileged and instruction attributes reach stage 1: an EL1-only page
 * takes privileged accesses only, a UXN page no unprivileged instruction
 * fetch; the event records PnU / InD as the device sent them.
 */
static void test_priv_instr(void)
{
    uint64_t ste[8], ev[4], root;
    Td d;

    td_start(&d, "");
    clear_pages(&d, 2);
    root = smmum_qtx_alloc(&d.x);
    /* IOVA: EL1 read/write only (AP[1]=0); IOVA + 4K: EL0 data, UXN. */
    smmum_qtx_map(&d.x, root, 3, IOVA, PA(0),
                  SMMUM_QTX_AF | SMMUM_QTX_NG);
    smmum_qtx_map(&d.x, root, 3, IOVA + 0x1000, PA(1),
                  SMMUM_QTX_S1_RW | (1ULL << 54));
    smmum_qtx_write_cd(&d.x, SMMUM_QTX_CD + 4 * 64,
                       smmum_qtx_cd_w0(6, true), root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 4, 0);
    set_ste(&d, ste, 0);

    g_assert_cmpuint(td_write_pattern(&d, IOVA, TD_F_SSV | TD_F_PRIV, 4,
                                      0x11), ==, TD_ST_OK);
    g_assert_true(holds(&d, PA(0), 0x11));
    g_assert_cmpuint(td_write_pattern(&d, IOVA, TD_F_SSV, 4, 0x12), ==,
                     TD_ST_FAULT);
    pop(&d, ev, EVT_F_PERMISSION);
    g_assert_cmpuint(EV_PNU(ev), ==, 0);
    g_assert_false(holds(&d, PA(0), 0x12));

    /* Data reads of the UXN page pass, instruction fetches do not. */
    g_assert_cmpuint(td_run(&d, TD_CMD_DMA, IOVA + 0x1000, 16, TD_F_SSV, 4), ==,
                     TD_ST_OK);
    g_assert_cmpuint(td_run(&d, TD_CMD_DMA, IOVA + 0x1000, 16,
                            TD_F_SSV | TD_F_INSTR, 4), ==, TD_ST_FAULT);
    pop(&d, ev, EVT_F_PERMISSION);
    g_assert_cmpuint(EV_IND(ev), ==, 1);
    g_assert_cmpuint(EV_RNW(ev), ==, 1);
    g_assert_cmpuint(smmum_qt_events(&d.t), ==, 0);
    td_stop(&d);
}

static uint64_t atc_inv_w0(uint32_t sid, bool ssv, uint32_t ssid)
{
    return CMD_ATC_INV | (uint64_t)ssv << 11 | (uint64_t)ssid << 12 |
           (uint64_t)sid << 32;
}

/*
 * Full ATS: a Translation Request fills the device's ATC, Translated
 * DMA is served from it (even after the page table changed), and only
 * CMD_ATC_INV + CMD_SYNC makes the device translate again.
 */
static void test_ats_protocol(void)
{
    uint64_t ste[8], root, slot;
    uint32_t info;
    Td d;

    td_start(&d, "");
    clear_pages(&d, 4);
    root = smmum_qtx_alloc(&d.x);
    slot = smmum_qtx_map(&d.x, root, 3, IOVA, PA(0), SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&d.x, SMMUM_QTX_CD + 2 * 64,
                       smmum_qtx_cd_w0(5, true), root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 4, 0);
    set_ste(&d, ste, 1);

    /* No Write: only R. */
    g_assert_cmpuint(td_run(&d, TD_CMD_ATS_REQ, IOVA, 0, TD_F_SSV | TD_F_NW,
                            2), ==, TD_ST_OK);
    g_assert_cmphex(td_rd(&d, TD_ATS_INFO) & 0x300, ==, 0x100);
    /* The Translation Request: PA(0), 4 KiB, R and W, replacing it. */
    g_assert_cmpuint(td_run(&d, TD_CMD_ATS_REQ, IOVA + 0x123, 0, TD_F_SSV,
                            2), ==, TD_ST_OK);
    g_assert_cmphex(td_rd(&d, TD_ATS_ADDR_LO) |
                    (uint64_t)td_rd(&d, TD_ATS_ADDR_HI) << 32, ==,
                    PA(0) + 0x123);
    info = td_rd(&d, TD_ATS_INFO);
    g_assert_cmpuint(info & 0x3f, ==, 12);
    g_assert_cmphex(info & 0x300, ==, 0x300);
    g_assert_cmpuint(td_rd(&d, TD_ATC_VALID), ==, 1);

    /* Translated DMA hits the ATC. */
    g_assert_cmpuint(td_write_pattern(&d, IOVA + 0x10, TD_F_SSV | TD_F_ATS, 2,
                                      0x61), ==, TD_ST_OK);
    g_assert_true(holds(&d, PA(0) + 0x10, 0x61));
    g_assert_cmpuint(td_rd(&d, TD_ATC_HITS), ==, 1);
    g_assert_cmpuint(td_rd(&d, TD_TREQ_COUNT), ==, 2);

    /* Remap IOVA -> PA(1) (TLBI, no ATC_INV): the ATC still says PA(0). */
    qtest_writeq(d.t.qts, slot, PA(1) | SMMUM_QTX_S1_RW | SMMUM_QTX_TABLE);
    smmum_qt_cmd(&d.t, CMD_TLBI_NH_ALL, 0);
    smmum_qt_sync(&d.t);
    g_assert_cmpuint(td_write_pattern(&d, IOVA + 0x10, TD_F_SSV | TD_F_ATS, 2,
                                      0x62), ==, TD_ST_OK);
    g_assert_true(holds(&d, PA(0) + 0x10, 0x62));
    g_assert_cmpuint(td_rd(&d, TD_INV_COUNT), ==, 0);

    /* ATC_INV of the page for PASID 2, then SYNC. */
    smmum_qt_cmd(&d.t, atc_inv_w0(TD_SID, true, 2), IOVA | 0);
    smmum_qt_sync(&d.t);
    g_assert_cmpuint(td_rd(&d, TD_INV_COUNT), ==, 1);
    g_assert_cmpuint(td_rd(&d, TD_INV_DROPPED), >=, 1);
    g_assert_cmpuint(td_rd(&d, TD_ATC_VALID), ==, 0);
    g_assert_cmphex(td_rd(&d, TD_INV_LAST_ID), ==, (1u << 31) | 2);
    g_assert_cmpuint(td_rd(&d, TD_INV_LAST_SIZE), ==, 12);
    g_assert_cmphex(td_rd(&d, TD_INV_LAST_LO), ==, (uint32_t)IOVA);
    /* Now the device asks again and gets PA(1). */
    g_assert_cmpuint(td_write_pattern(&d, IOVA + 0x10, TD_F_SSV | TD_F_ATS, 2,
                                      0x63), ==, TD_ST_OK);
    g_assert_true(holds(&d, PA(1) + 0x10, 0x63));
    g_assert_true(holds(&d, PA(0) + 0x10, 0x62));
    g_assert_cmpuint(td_rd(&d, TD_TREQ_COUNT), ==, 3);

    /* An ATC_INV of another StreamID does not reach it. */
    smmum_qt_cmd(&d.t, atc_inv_w0(TD_SID + 1, false, 0), 52);
    smmum_qt_sync(&d.t);
    g_assert_cmpuint(td_rd(&d, TD_INV_COUNT), ==, 1);
    g_assert_cmpuint(td_rd(&d, TD_ATC_VALID), ==, 1);
    /* Without a PASID, everything (Size 52): the entry of PASID 2 goes. */
    smmum_qt_cmd(&d.t, atc_inv_w0(TD_SID, false, 0), 52);
    smmum_qt_sync(&d.t);
    g_assert_cmpuint(td_rd(&d, TD_INV_COUNT), ==, 2);
    g_assert_cmpuint(td_rd(&d, TD_INV_LAST_SIZE), ==, 64);
    g_assert_cmpuint(td_rd(&d, TD_ATC_VALID), ==, 0);
    g_assert_cmpuint(smmum_qt_events(&d.t), ==, 0);
    td_stop(&d);
}

/*
 * Nested stream, ATSCHK=1: split-stage ATS (EATS=0b10) answers the IPA
 * and the Translated DMA is translated at stage 2; full ATS answers the
 * PA.
 */
static void test_split_stage(void)
{
    const uint64_t ipa = 0x80000000ULL;     /* not RAM: stage 2 maps it */
    uint64_t ste[8], s1root, s2root;
    Td d;

    td_start(&d, "");
    clear_pages(&d, 4);
    s2root = smmum_qtx_alloc(&d.x);
    /* RAM (tables, CDs, pages) at IPA = PA; ipa -> PA(2). */
    smmum_qtx_map(&d.x, s2root, 1, SMMUM_QT_RAM, SMMUM_QT_RAM,
                  SMMUM_QTX_S2_RW);
    smmum_qtx_map(&d.x, s2root, 3, ipa, PA(2), SMMUM_QTX_S2_RW);
    s1root = smmum_qtx_alloc(&d.x);
    smmum_qtx_map(&d.x, s1root, 3, IOVA, ipa, SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&d.x, SMMUM_QTX_CD, smmum_qtx_cd_w0(8, true), s1root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_NESTED, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_ste_s2(ste, s2root, 3, true);
    set_ste(&d, ste, 2);
    smmum_qt_wr32(&d.t, REG_CR0, smmum_qt_rd32(&d.t, REG_CR0) | CR0_ATSCHK);

    g_assert_cmpuint(td_run(&d, TD_CMD_ATS_REQ, IOVA + 0x80, 0, 0, 0), ==,
                     TD_ST_OK);
    g_assert_cmphex(td_rd(&d, TD_ATS_ADDR_LO) |
                    (uint64_t)td_rd(&d, TD_ATS_ADDR_HI) << 32, ==,
                    ipa + 0x80);
    g_assert_cmpuint(td_write_pattern(&d, IOVA + 0x80, TD_F_ATS, 0, 0x31), ==,
                     TD_ST_OK);
    g_assert_true(holds(&d, PA(2) + 0x80, 0x31));

    /* Full ATS on the same tables: the PA, used as it is. */
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_NESTED, SMMUM_QTX_CD, 0, 0, 0);
    smmum_qtx_ste_s2(ste, s2root, 3, true);
    set_ste(&d, ste, 1);
    smmum_qt_cmd(&d.t, atc_inv_w0(TD_SID, false, 0), 52);
    smmum_qt_sync(&d.t);
    g_assert_cmpuint(td_run(&d, TD_CMD_ATS_REQ, IOVA + 0x80, 0, 0, 0), ==,
                     TD_ST_OK);
    g_assert_cmphex(td_rd(&d, TD_ATS_ADDR_LO) |
                    (uint64_t)td_rd(&d, TD_ATS_ADDR_HI) << 32, ==,
                    PA(2) + 0x80);
    g_assert_cmpuint(td_write_pattern(&d, IOVA + 0xc0, TD_F_ATS, 0, 0x32), ==,
                     TD_ST_OK);
    g_assert_true(holds(&d, PA(2) + 0xc0, 0x32));
    g_assert_cmpuint(smmum_qt_events(&d.t), ==, 0);
    td_stop(&d);
}

/*
 * A global translation (nG=0) is cached as such: an ATC_INV for another
 * PASID leaves it unless Global is set.
 */
static void test_atc_global(void)
{
    uint64_t ste[8], root;
    Td d;

    td_start(&d, "");
    clear_pages(&d, 2);
    root = smmum_qtx_alloc(&d.x);
    smmum_qtx_map(&d.x, root, 3, IOVA, PA(0),
                  SMMUM_QTX_AF | SMMUM_QTX_AP1);
    smmum_qtx_write_cd(&d.x, SMMUM_QTX_CD + 1 * 64,
                       smmum_qtx_cd_w0(4, true), root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 4, 0);
    set_ste(&d, ste, 1);

    g_assert_cmpuint(td_run(&d, TD_CMD_ATS_REQ, IOVA, 0, TD_F_SSV, 1), ==,
                     TD_ST_OK);
    g_assert_cmphex(td_rd(&d, TD_ATS_INFO) & 0xb00, ==, 0xb00); /* R W G */
    g_assert_cmpuint(td_rd(&d, TD_ATC_VALID), ==, 1);
    smmum_qt_cmd(&d.t, atc_inv_w0(TD_SID, true, 3), IOVA);
    smmum_qt_sync(&d.t);
    g_assert_cmpuint(td_rd(&d, TD_INV_COUNT), ==, 1);
    g_assert_cmpuint(td_rd(&d, TD_ATC_VALID), ==, 1);
    smmum_qt_cmd(&d.t, atc_inv_w0(TD_SID, true, 3) | 1ULL << 9, IOVA);
    smmum_qt_sync(&d.t);
    g_assert_cmpuint(td_rd(&d, TD_INV_COUNT), ==, 2);
    g_assert_cmphex(td_rd(&d, TD_INV_LAST_ID), ==, (1u << 31) | (1u << 30) | 3);
    g_assert_cmpuint(td_rd(&d, TD_ATC_VALID), ==, 0);
    td_stop(&d);
}

/* The endpoint never completes: the SYNC fails with ATC_INV_SYNC. */
static void test_atc_inv_sync_error(void)
{
    uint64_t ste[8];
    uint32_t cons;
    Td d;

    td_start(&d, ",atc-inv-fail=on");
    cd_map(&d, SMMUM_QTX_CD, 1, 0);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    set_ste(&d, ste, 1);
    smmum_qt_cmd(&d.t, atc_inv_w0(TD_SID, false, 0), 52);
    smmum_qt_cmd(&d.t, SMMUM_QT_CMD_SYNC, 0);
    g_assert_cmpuint(td_rd(&d, TD_INV_COUNT), ==, 1);
    /* CONS stays at the SYNC, ERR = CERROR_ATC_INV_SYNC, CMDQ_ERR. */
    cons = smmum_qt_rd32(&d.t, REG_CMDQ_CONS);
    g_assert_cmpuint((cons >> 24) & 0x7f, ==, 3);
    g_assert_cmpuint(cons & 0xfffff, ==, (d.t.cmdq_prod - 1) & 0x1ff);
    g_assert_cmphex((smmum_qt_rd32(&d.t, REG_GERROR) ^
                     smmum_qt_rd32(&d.t, REG_GERRORN)) & 1, ==, 1);
    /* Acknowledged, the retried SYNC completes. */
    smmum_qt_wr32(&d.t, REG_GERRORN, smmum_qt_rd32(&d.t, REG_GERROR));
    g_assert_cmphex(smmum_qt_rd32(&d.t, REG_CMDQ_CONS) & 0xfffff, ==,
                    d.t.cmdq_prod);
    td_stop(&d);
}

/* EATS=0: Translation Requests get UR, Translated DMA aborts (ATSCHK). */
static void test_eats0_refuses(void)
{
    uint64_t ste[8], ev[4];
    Td d;

    td_start(&d, "");
    clear_pages(&d, 2);
    cd_map(&d, SMMUM_QTX_CD, 1, 0);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    set_ste(&d, ste, 0);

    g_assert_cmpuint(td_run(&d, TD_CMD_ATS_REQ, IOVA, 0, 0, 0), ==,
                     TD_ST_ATS_UR);
    pop(&d, ev, EVT_F_BAD_ATS_TREQ);
    g_assert_cmphex(ev[2], ==, IOVA);
    g_assert_cmpuint(td_write_pattern(&d, IOVA, TD_F_ATS, 0, 1), ==,
                     TD_ST_ATS_UR);
    pop(&d, ev, EVT_F_BAD_ATS_TREQ);
    g_assert_cmpuint(td_rd(&d, TD_ATC_VALID), ==, 0);

    /* CR0.ATSCHK=1: a Translated write is checked and aborted. */
    smmum_qt_wr32(&d.t, REG_CR0, smmum_qt_rd32(&d.t, REG_CR0) | CR0_ATSCHK);
    g_assert_cmphex(smmum_qt_rd32(&d.t, REG_CR0ACK) & CR0_ATSCHK, ==,
                    CR0_ATSCHK);
    g_assert_cmpuint(td_write_pattern(&d, PA(1), TD_F_TRANSLATED, 0, 5), ==,
                     TD_ST_FAULT);
    pop(&d, ev, EVT_F_TRANSL_FORBIDDEN);
    g_assert_cmphex(ev[2], ==, PA(1));
    g_assert_false(holds(&d, PA(1), 5));
    /* With EATS=1 the same write passes. */
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    set_ste(&d, ste, 1);
    g_assert_cmpuint(td_write_pattern(&d, PA(1), TD_F_TRANSLATED, 0, 5), ==,
                     TD_ST_OK);
    g_assert_true(holds(&d, PA(1), 5));
    g_assert_cmpuint(smmum_qt_events(&d.t), ==, 0);
    td_stop(&d);
}

/* ats=on tells the guest the root complex supports ATS (device tree). */
static bool dtb_says_ats(const char *ats)
{
    g_autofree char *path = g_strdup_printf("%s/smmum-ats-%d.dtb",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *args = g_strdup_printf(
        "-M iommu=smmuv3-modern,dumpdtb=%s -global arm-smmuv3-modern.ats=%s",
        path, ats);
    g_autofree char *err = NULL, *dtb = NULL;
    gsize len;
    bool found;

    g_assert_cmpint(smmum_qt_run_fail(args, &err), ==, 0);
    g_assert_true(g_file_get_contents(path, &dtb, &len, NULL));
    unlink(path);
    found = memmem(dtb, len, "ats-supported", 13) != NULL;
    return found;
}

/*
 * The IORT root complex node's ATS Attribute (ACPI tables through
 * fw_cfg): bit 0 with ats=on.  Node header 16 bytes, memory access
 * properties 8, then the attribute.
 */
#define VIRT_FW_CFG     0x09020000ULL   /* data at +0, selector at +8 */
#define FW_CFG_FILE_DIR 0x19

static void fwcfg_read(QTestState *qts, uint16_t key, void *buf, size_t len)
{
    uint8_t *p = buf;

    /* The selector register is big-endian. */
    qtest_writew(qts, VIRT_FW_CFG + 8, bswap16(key));
    for (size_t i = 0; i < len; i++) {
        p[i] = qtest_readb(qts, VIRT_FW_CFG);
    }
}

/* The contents of fw_cfg file name (g_free it), its size in *len. */
static uint8_t *fwcfg_file(QTestState *qts, const char *name, size_t *len)
{
    uint32_t n;
    g_autofree uint8_t *dir = NULL;

    fwcfg_read(qts, FW_CFG_FILE_DIR, &n, 4);
    n = be32_to_cpu(n);
    g_assert_cmpuint(n, <, 1024);
    dir = g_malloc(4 + n * 64);
    fwcfg_read(qts, FW_CFG_FILE_DIR, dir, 4 + n * 64);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = dir + 4 + i * 64;
        uint8_t *buf;

        if (strcmp((const char *)e + 8, name)) {
            continue;
        }
        *len = ldl_be_p(e);
        buf = g_malloc0(*len);
        fwcfg_read(qts, lduw_be_p(e + 4), buf, *len);
        return buf;
    }
    *len = 0;
    return NULL;
}

static uint32_t iort_rc_ats(const char *ats)
{
    g_autofree char *args = g_strdup_printf(
        "-M virt,iommu=smmuv3-modern -nic none "
        "-global arm-smmuv3-modern.ats=%s", ats);
    QTestState *qts = qtest_init(args);
    size_t len;
    g_autofree uint8_t *t = fwcfg_file(qts, "etc/acpi/tables", &len);
    uint8_t *iort = NULL;
    uint32_t count, off, ats_attr = UINT32_MAX;

    g_assert_nonnull(t);
    for (size_t i = 0; i + 48 <= len; i++) {
        if (!memcmp(t + i, "IORT", 4) && ldl_le_p(t + i + 4) <= len - i) {
            iort = t + i;
            break;
        }
    }
    g_assert_nonnull(iort);
    count = ldl_le_p(iort + 36);
    off = ldl_le_p(iort + 40);
    for (uint32_t n = 0; n < count && off + 28 <= ldl_le_p(iort + 4); n++) {
        if (iort[off] == 2) {
            ats_attr = ldl_le_p(iort + off + 24);
            break;
        }
        off += lduw_le_p(iort + off + 1);
    }
    qtest_quit(qts);
    return ats_attr;
}

static void test_iort_ats(void)
{
    g_assert_cmphex(iort_rc_ats("on"), ==, 1);
    g_assert_cmphex(iort_rc_ats("off"), ==, 0);
}

static void test_dt_ats_supported(void)
{
    g_assert_true(dtb_says_ats("on"));
    g_assert_false(dtb_says_ats("off"));
}

/*
 * Accesses through a MemoryRegionCache (as virtio's rings) that cross an
 * IOVA page whose two pages are not physically adjacent: each part goes
 * to its own page, and the page physically after the first is untouched
 * (scripts/patches/0004: QEMU went on in the physically next page).
 */
static void test_cached_cross_page(void)
{
    uint64_t ste[8], root;
    Td d;

    td_start(&d, "");
    clear_pages(&d, 4);
    qtest_memset(d.t.qts, PA(1), 0xee, 0x1000);
    root = smmum_qtx_alloc(&d.x);
    smmum_qtx_map(&d.x, root, 3, IOVA, PA(0), SMMUM_QTX_S1_RW);
    smmum_qtx_map(&d.x, root, 3, IOVA + 0x1000, PA(2), SMMUM_QTX_S1_RW);
    smmum_qtx_write_cd(&d.x, SMMUM_QTX_CD, smmum_qtx_cd_w0(7, true), root);
    smmum_qtx_ste_s1(ste, SMMUM_QTX_CFG_S1, SMMUM_QTX_CD, 0, 0, 0);
    set_ste(&d, ste, 0);

    /* An 8-byte write at the last 4 bytes of the first page. */
    td_wr(&d, TD_BUF, 0x11223344);
    td_wr(&d, TD_BUF + 4, 0x55667788);
    g_assert_cmpuint(td_run(&d, TD_CMD_CACHED, IOVA + 0xffc, 8, TD_F_WRITE,
                            0), ==, TD_ST_OK);
    g_assert_cmphex(qtest_readl(d.t.qts, PA(0) + 0xffc), ==, 0x11223344);
    g_assert_cmphex(qtest_readl(d.t.qts, PA(2)), ==, 0x55667788);
    g_assert_cmphex(qtest_readl(d.t.qts, PA(1)), ==, 0xeeeeeeee);

    /* A 16-byte read across the same boundary. */
    qtest_writel(d.t.qts, PA(0) + 0xff8, 0xaaaa0001);
    qtest_writel(d.t.qts, PA(2) + 4, 0xbbbb0002);
    g_assert_cmpuint(td_run(&d, TD_CMD_CACHED, IOVA + 0xff8, 16, 0, 0), ==,
                     TD_ST_OK);
    g_assert_cmphex(td_rd(&d, TD_BUF), ==, 0xaaaa0001);
    g_assert_cmphex(td_rd(&d, TD_BUF + 4), ==, 0x11223344);
    g_assert_cmphex(td_rd(&d, TD_BUF + 8), ==, 0x55667788);
    g_assert_cmphex(td_rd(&d, TD_BUF + 12), ==, 0xbbbb0002);

    /* The second page unmapped: the access faults, nothing lands. */
    qtest_writeq(d.t.qts, smmum_qtx_map(&d.x, root, 3, IOVA + 0x1000, PA(2),
                                        SMMUM_QTX_S1_RW), 0);
    smmum_qt_cmd(&d.t, CMD_TLBI_NH_ALL, 0);
    smmum_qt_sync(&d.t);
    g_assert_cmpuint(td_run(&d, TD_CMD_CACHED, IOVA + 0xffc, 8, TD_F_WRITE,
                            0), !=, TD_ST_OK);
    g_assert_cmphex(qtest_readl(d.t.qts, PA(1)), ==, 0xeeeeeeee);
    td_stop(&d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/smmuv3-modern/testdev/linear-ssids", test_linear_ssids);
    qtest_add_func("/smmuv3-modern/testdev/two-level-ssids",
                   test_two_level_ssids);
    qtest_add_func("/smmuv3-modern/testdev/fault-record", test_fault_record);
    qtest_add_func("/smmuv3-modern/testdev/priv-instr", test_priv_instr);
    qtest_add_func("/smmuv3-modern/testdev/ats-protocol", test_ats_protocol);
    qtest_add_func("/smmuv3-modern/testdev/split-stage", test_split_stage);
    qtest_add_func("/smmuv3-modern/testdev/atc-global", test_atc_global);
    qtest_add_func("/smmuv3-modern/testdev/atc-inv-sync-error",
                   test_atc_inv_sync_error);
    qtest_add_func("/smmuv3-modern/testdev/eats0-refuses",
                   test_eats0_refuses);
    qtest_add_func("/smmuv3-modern/testdev/dt-ats-supported",
                   test_dt_ats_supported);
    qtest_add_func("/smmuv3-modern/testdev/iort-ats", test_iort_ats);
    qtest_add_func("/smmuv3-modern/testdev/cached-cross-page",
                   test_cached_cross_page);
    return g_test_run();
}
