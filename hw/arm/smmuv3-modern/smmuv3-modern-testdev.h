/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern-testdev: the programming interface of the PCIe test
 * endpoint (BAR 0 registers, DMA flags, commands, status codes, the
 * offsets of its ATS and PASID capabilities), shared by the device model,
 * the qtests and the guest programs that drive it (plain C, no includes:
 * tests/guest builds it with the guest's compiler).  Documented in
 * docs/smmuv3-modern.rst.
 */
#ifndef HW_ARM_SMMUV3_MODERN_TESTDEV_H
#define HW_ARM_SMMUV3_MODERN_TESTDEV_H

/* BAR 0 registers (32-bit) */
#define TD_ID           0x00    /* RO "SMTD" */
#define TD_CTL_STATE    0x04    /* RO: bit 0 ATS enabled, bit 1 PASID */
#define TD_ADDR_LO      0x08
#define TD_ADDR_HI      0x0c
#define TD_LEN          0x10
#define TD_SSID         0x14
#define TD_FLAGS        0x18
#define TD_CMD          0x1c
#define TD_STATUS       0x20
#define TD_DONE         0x24
#define TD_ATS_ADDR_LO  0x28
#define TD_ATS_ADDR_HI  0x2c
#define TD_ATS_INFO     0x30
#define TD_ATC_VALID    0x34
#define TD_TREQ_COUNT   0x38
#define TD_ATC_HITS     0x3c
#define TD_INV_COUNT    0x40
#define TD_INV_DROPPED  0x44
#define TD_INV_LAST_ID  0x48
#define TD_INV_LAST_SIZE 0x4c
#define TD_INV_LAST_LO  0x50
#define TD_INV_LAST_HI  0x54
#define TD_BUF          0x1000
#define TD_BUF_SIZE     0x1000
#define TD_BAR_SIZE     0x2000

#define TD_ID_VALUE     0x534d5444u

#define TD_F_WRITE      (1u << 0)   /* device writes the buffer to memory */
#define TD_F_SSV        (1u << 1)   /* with a PASID (SubstreamID) */
#define TD_F_PRIV       (1u << 2)   /* privileged */
#define TD_F_INSTR      (1u << 3)   /* instruction fetch (reads) */
#define TD_F_ATS        (1u << 4)   /* through the ATC: Translated accesses */
#define TD_F_TRANSLATED (1u << 5)   /* ADDR is already translated */
#define TD_F_NW         (1u << 6)   /* CMD_ATS_REQ: No Write */
#define TD_F_MASK       0x7fu

#define TD_CMD_DMA      1
#define TD_CMD_ATS_REQ  2
#define TD_CMD_ATC_FLUSH 3
/*
 * LEN bytes between the buffer and ADDR through a MemoryRegionCache of
 * the device's bus-master address space (what virtio uses for its rings):
 * TD_F_WRITE writes memory.  No PASID, ATS or attributes.
 */
#define TD_CMD_CACHED   4

enum {
    TD_ST_OK = 0,
    TD_ST_FAULT = 1,        /* the SMMU terminated the access */
    TD_ST_ATS_UR = 2,       /* Translation Request: Unsupported Request */
    TD_ST_ATS_CA = 3,       /* Translation Request: Completer Abort */
    TD_ST_NO_ACCESS = 4,    /* the completion grants no such access */
    TD_ST_BAD = 5,          /* bad request, or not enabled in config space */
    TD_ST_MEM_ERR = 6,      /* the translated access failed in memory */
};

#define TD_ATS_CAP_OFF      0x100
#define TD_PASID_CAP_OFF    0x110
#define TD_PASID_WIDTH      20

#endif
