/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: SMMUv3 register map and field positions (IHI 0070).
 * Pure definitions, no QEMU dependencies.
 */
#ifndef SMMUM_REGS_H
#define SMMUM_REGS_H

#include <stdint.h>

/* Extract / deposit helpers for register and structure fields. */
#define SMMUM_MASK(len)           ((len) >= 64 ? ~0ULL : ((1ULL << (len)) - 1))
#define SMMUM_EX(v, pos, len)     (((uint64_t)(v) >> (pos)) & SMMUM_MASK(len))
#define SMMUM_DEP(v, pos, len, f) \
    (((uint64_t)(v) & ~(SMMUM_MASK(len) << (pos))) | \
     (((uint64_t)(f) & SMMUM_MASK(len)) << (pos)))

/* Page 0 */
#define SMMUM_IDR0              0x00
#define SMMUM_IDR1              0x04
#define SMMUM_IDR2              0x08
#define SMMUM_IDR3              0x0c
#define SMMUM_IDR4              0x10
#define SMMUM_IDR5              0x14
#define SMMUM_IIDR              0x18
#define SMMUM_AIDR              0x1c
#define SMMUM_CR0               0x20
#define SMMUM_CR0ACK            0x24
#define SMMUM_CR1               0x28
#define SMMUM_CR2               0x2c
#define SMMUM_STATUSR           0x40
#define SMMUM_GBPA              0x44
#define SMMUM_AGBPA             0x48
#define SMMUM_IRQ_CTRL          0x50
#define SMMUM_IRQ_CTRLACK       0x54
#define SMMUM_GERROR            0x60
#define SMMUM_GERRORN           0x64
#define SMMUM_GERROR_IRQ_CFG0   0x68
#define SMMUM_GERROR_IRQ_CFG1   0x70
#define SMMUM_GERROR_IRQ_CFG2   0x74
#define SMMUM_STRTAB_BASE       0x80
#define SMMUM_STRTAB_BASE_CFG   0x88
#define SMMUM_CMDQ_BASE         0x90
#define SMMUM_CMDQ_PROD         0x98
#define SMMUM_CMDQ_CONS         0x9c
#define SMMUM_EVENTQ_BASE       0xa0
#define SMMUM_EVENTQ_PROD_P0    0xa8  /* page-0 alias, RAZ/WI here */
#define SMMUM_EVENTQ_CONS_P0    0xac
#define SMMUM_EVENTQ_IRQ_CFG0   0xb0
#define SMMUM_EVENTQ_IRQ_CFG1   0xb8
#define SMMUM_EVENTQ_IRQ_CFG2   0xbc
#define SMMUM_PRIQ_BASE         0xc0
#define SMMUM_PRIQ_PROD_P0      0xc8
#define SMMUM_PRIQ_CONS_P0      0xcc
#define SMMUM_PRIQ_IRQ_CFG0     0xd0
#define SMMUM_PRIQ_IRQ_CFG1     0xd8
#define SMMUM_PRIQ_IRQ_CFG2     0xdc
#define SMMUM_PIDR4             0xfd0
#define SMMUM_CIDR0             0xff0

/* Page 1 */
#define SMMUM_PAGE1             0x10000
#define SMMUM_EVENTQ_PROD       (SMMUM_PAGE1 + 0xa8)
#define SMMUM_EVENTQ_CONS       (SMMUM_PAGE1 + 0xac)
#define SMMUM_PRIQ_PROD         (SMMUM_PAGE1 + 0xc8)
#define SMMUM_PRIQ_CONS         (SMMUM_PAGE1 + 0xcc)

#define SMMUM_MMIO_SIZE         0x20000

/* IDR0 */
#define SMMUM_IDR0_S2P          0
#define SMMUM_IDR0_S1P          1
#define SMMUM_IDR0_TTF          2   /* 2 bits */
#define SMMUM_IDR0_COHACC       4
#define SMMUM_IDR0_BTM          5
#define SMMUM_IDR0_HTTU         6   /* 2 bits */
#define SMMUM_IDR0_DORMHINT     8
#define SMMUM_IDR0_HYP          9
#define SMMUM_IDR0_ATS          10
#define SMMUM_IDR0_NS1ATS       11
#define SMMUM_IDR0_ASID16       12
#define SMMUM_IDR0_MSI          13
#define SMMUM_IDR0_SEV          14
#define SMMUM_IDR0_ATOS         15
#define SMMUM_IDR0_PRI          16
#define SMMUM_IDR0_VMW          17
#define SMMUM_IDR0_VMID16       18
#define SMMUM_IDR0_CD2L         19
#define SMMUM_IDR0_VATOS        20
#define SMMUM_IDR0_TTENDIAN     21  /* 2 bits */
#define SMMUM_IDR0_STALL_MODEL  24  /* 2 bits */
#define SMMUM_IDR0_TERM_MODEL   26
#define SMMUM_IDR0_ST_LEVEL     27  /* 2 bits */

/* IDR1 */
#define SMMUM_IDR1_SIDSIZE        0   /* 6 bits */
#define SMMUM_IDR1_SSIDSIZE       6   /* 5 bits */
#define SMMUM_IDR1_PRIQS          11  /* 5 bits */
#define SMMUM_IDR1_EVENTQS        16  /* 5 bits */
#define SMMUM_IDR1_CMDQS          21  /* 5 bits */
#define SMMUM_IDR1_ATTR_PERMS_OVR 26
#define SMMUM_IDR1_ATTR_TYPES_OVR 27
#define SMMUM_IDR1_REL            28
#define SMMUM_IDR1_QUEUES_PRESET  29
#define SMMUM_IDR1_TABLES_PRESET  30

/* IDR3 */
#define SMMUM_IDR3_HAD          2
#define SMMUM_IDR3_FWB          8
#define SMMUM_IDR3_RIL          10
#define SMMUM_IDR3_BBML         11  /* 2 bits */

/* IDR5 */
#define SMMUM_IDR5_OAS          0   /* 3 bits */
#define SMMUM_IDR5_GRAN4K       4
#define SMMUM_IDR5_GRAN16K      5
#define SMMUM_IDR5_GRAN64K      6
#define SMMUM_IDR5_VAX          10  /* 2 bits */
#define SMMUM_IDR5_STALL_MAX    16  /* 16 bits */

/* CR0 / CR0ACK */
#define SMMUM_CR0_SMMUEN        (1u << 0)
#define SMMUM_CR0_PRIQEN        (1u << 1)
#define SMMUM_CR0_EVTQEN        (1u << 2)
#define SMMUM_CR0_CMDQEN        (1u << 3)
#define SMMUM_CR0_ATSCHK        (1u << 4)
#define SMMUM_CR0_VMW           (7u << 6)

/* CR2 */
#define SMMUM_CR2_E2H           (1u << 0)
#define SMMUM_CR2_RECINVSID     (1u << 1)
#define SMMUM_CR2_PTM           (1u << 2)

/* GBPA */
#define SMMUM_GBPA_UPDATE       (1u << 31)
#define SMMUM_GBPA_ABORT        (1u << 20)
/*
 * INSTCFG[19:18] PRIVCFG[17:16] NSCFG[15:14] SHCFG[13:12] ALLOCCFG[11:8]
 * MTCFG[4] MemAttr[3:0]
 */
#define SMMUM_GBPA_FIELDS       0x000fff1fu

/* IRQ_CTRL */
#define SMMUM_IRQ_CTRL_GERROR   (1u << 0)
#define SMMUM_IRQ_CTRL_PRIQ     (1u << 1)
#define SMMUM_IRQ_CTRL_EVTQ     (1u << 2)

/* GERROR */
#define SMMUM_GERROR_CMDQ_ERR      (1u << 0)
#define SMMUM_GERROR_EVTQ_ABT      (1u << 2)
#define SMMUM_GERROR_PRIQ_ABT      (1u << 3)
#define SMMUM_GERROR_MSI_CMDQ_ABT  (1u << 4)
#define SMMUM_GERROR_MSI_EVTQ_ABT  (1u << 5)
#define SMMUM_GERROR_MSI_PRIQ_ABT  (1u << 6)
#define SMMUM_GERROR_MSI_GERROR_ABT (1u << 7)
#define SMMUM_GERROR_SFM_ERR       (1u << 8)
#define SMMUM_GERROR_MASK          0x1fdu

/* Queue BASE / PROD / CONS */
#define SMMUM_Q_BASE_LOG2SIZE   0   /* 5 bits */
#define SMMUM_Q_BASE_ADDR_SHIFT 5
#define SMMUM_Q_BASE_RWA        (1ULL << 62)
#define SMMUM_Q_BASE_MASK \
    (SMMUM_Q_BASE_RWA | (SMMUM_MASK(47) << 5) | 0x1f)
/* EVENTQ_PROD.OVFLG / EVENTQ_CONS.OVACKFLG */
#define SMMUM_Q_OVFLG           (1u << 31)
#define SMMUM_CMDQ_CONS_ERR     24  /* 7 bits */
#define SMMUM_Q_PTR_MASK        0xfffffu    /* WR/RD: index + wrap */

/* CMDQ_CONS.ERR codes */
#define SMMUM_CERROR_NONE       0
#define SMMUM_CERROR_ILL        1
#define SMMUM_CERROR_ABT        2
#define SMMUM_CERROR_ATC_INV_SYNC 3

/* STRTAB */
#define SMMUM_STRTAB_BASE_RA    (1ULL << 62)
#define SMMUM_STRTAB_BASE_MASK  (SMMUM_STRTAB_BASE_RA | (SMMUM_MASK(46) << 6))
#define SMMUM_STRTAB_CFG_LOG2SIZE 0  /* 6 bits */
#define SMMUM_STRTAB_CFG_SPLIT  6    /* 5 bits */
#define SMMUM_STRTAB_CFG_FMT    16   /* 2 bits */
#define SMMUM_STRTAB_CFG_MASK   0x307ffu

/* *_IRQ_CFG0: ADDR[51:2] */
#define SMMUM_IRQ_CFG0_MASK     (SMMUM_MASK(50) << 2)
/* *_IRQ_CFG2: MemAttr[3:0] SH[5:4] */
#define SMMUM_IRQ_CFG2_MASK     0x3fu

/* Commands (16 bytes), opcode in dword0[7:0] */
#define SMMUM_CMD_PREFETCH_CONFIG   0x01
#define SMMUM_CMD_PREFETCH_ADDR     0x02
#define SMMUM_CMD_CFGI_STE          0x03
#define SMMUM_CMD_CFGI_STE_RANGE    0x04
#define SMMUM_CMD_CFGI_CD           0x05
#define SMMUM_CMD_CFGI_CD_ALL       0x06
#define SMMUM_CMD_TLBI_NH_ALL       0x10
#define SMMUM_CMD_TLBI_NH_ASID      0x11
#define SMMUM_CMD_TLBI_NH_VA        0x12
#define SMMUM_CMD_TLBI_NH_VAA       0x13
#define SMMUM_CMD_TLBI_EL3_ALL      0x18
#define SMMUM_CMD_TLBI_EL3_VA       0x1a
#define SMMUM_CMD_TLBI_EL2_ALL      0x20
#define SMMUM_CMD_TLBI_EL2_ASID     0x21
#define SMMUM_CMD_TLBI_EL2_VA       0x22
#define SMMUM_CMD_TLBI_EL2_VAA      0x23
#define SMMUM_CMD_TLBI_S12_VMALL    0x28
#define SMMUM_CMD_TLBI_S2_IPA       0x2a
#define SMMUM_CMD_TLBI_NSNH_ALL     0x30
#define SMMUM_CMD_ATC_INV           0x40
#define SMMUM_CMD_PRI_RESP          0x41
#define SMMUM_CMD_RESUME            0x44
#define SMMUM_CMD_STALL_TERM        0x45
#define SMMUM_CMD_SYNC              0x46

/* Common command fields (dword0) */
#define SMMUM_CMD_SSEC          10
#define SMMUM_CMD_SSV           11
#define SMMUM_CMD_SSID          12  /* 20 bits */
#define SMMUM_CMD_SID           32  /* 32 bits */
/* CMD_SYNC */
#define SMMUM_SYNC_CS           12  /* 2 bits */
#define SMMUM_SYNC_CS_NONE      0
#define SMMUM_SYNC_CS_IRQ       1
#define SMMUM_SYNC_CS_SEV       2
#define SMMUM_SYNC_MSH          22  /* 2 bits */
#define SMMUM_SYNC_MSIATTR      24  /* 4 bits */
#define SMMUM_SYNC_MSIDATA      32  /* 32 bits */
/* TLBI */
#define SMMUM_TLBI_NUM          12  /* 5 bits */
#define SMMUM_TLBI_SCALE        20  /* 5 bits */
#define SMMUM_TLBI_VMID         32  /* 16 bits */
#define SMMUM_TLBI_ASID         48  /* 16 bits */
/* CMD_ATC_INV: Global in dword0, Size[5:0] and Addr[63:12] in dword1 */
#define SMMUM_ATC_INV_GLOBAL    9
#define SMMUM_ATC_INV_SIZE      0   /* 6 bits */
/* TLBI dword1 */
#define SMMUM_TLBI_LEAF         0
#define SMMUM_TLBI_TTL          8   /* 2 bits */
#define SMMUM_TLBI_TG           10  /* 2 bits */

/* Event record types */
#define SMMUM_EVT_F_UUT             0x01
#define SMMUM_EVT_C_BAD_STREAMID    0x02
#define SMMUM_EVT_F_STE_FETCH       0x03
#define SMMUM_EVT_C_BAD_STE         0x04
#define SMMUM_EVT_F_BAD_ATS_TREQ    0x05
#define SMMUM_EVT_F_STREAM_DISABLED 0x06
#define SMMUM_EVT_F_TRANSL_FORBIDDEN 0x07
#define SMMUM_EVT_C_BAD_SUBSTREAMID 0x08
#define SMMUM_EVT_F_CD_FETCH        0x09
#define SMMUM_EVT_C_BAD_CD          0x0a
#define SMMUM_EVT_F_WALK_EABT       0x0b
#define SMMUM_EVT_F_TRANSLATION     0x10
#define SMMUM_EVT_F_ADDR_SIZE       0x11
#define SMMUM_EVT_F_ACCESS          0x12
#define SMMUM_EVT_F_PERMISSION      0x13
#define SMMUM_EVT_F_TLB_CONFLICT    0x20
#define SMMUM_EVT_F_CFG_CONFLICT    0x21
#define SMMUM_EVT_E_PAGE_REQUEST    0x24
#define SMMUM_EVT_F_VMS_FETCH       0x25

#define SMMUM_CMD_SIZE          16
#define SMMUM_EVT_SIZE          32
#define SMMUM_STE_SIZE          64

#endif
