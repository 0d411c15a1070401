/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern qtests: shared helpers (machine start-up, register access,
 * the edu device as a DMA master).
 */
#ifndef SMMUM_QTEST_UTIL_H
#define SMMUM_QTEST_UTIL_H

#include "libqtest.h"
#include "libqos/pci.h"
#include "libqos/generic-pcihost.h"

#define SMMUM_QT_BASE       0x09050000ULL   /* virt's VIRT_SMMU window */
#define SMMUM_QT_RAM        0x40000000ULL
#define SMMUM_QT_EDU_DEVFN  (2 << 3)        /* edu at 00:02.0 */
#define SMMUM_QT_EDU_BUF    0x40000ULL      /* edu's DMA buffer */

typedef struct SmmumQt {
    QTestState *qts;
    QGenericPCIBus pcibus;
    QPCIDevice *edu;
    QPCIBar edu_bar;
    uint32_t cmdq_prod;         /* our copy of CMDQ_PROD */
} SmmumQt;

/* Start virt with iommu=smmuv3-modern and an edu device; extra may be "". */
void smmum_qt_start(SmmumQt *t, const char *extra);
/* The same with another iommu= (e.g. upstream "smmuv3", to compare). */
void smmum_qt_start_iommu(SmmumQt *t, const char *iommu, const char *extra);
void smmum_qt_stop(SmmumQt *t);

uint32_t smmum_qt_rd32(SmmumQt *t, uint64_t off);
uint64_t smmum_qt_rd64(SmmumQt *t, uint64_t off);
void smmum_qt_wr32(SmmumQt *t, uint64_t off, uint32_t val);
void smmum_qt_wr64(SmmumQt *t, uint64_t off, uint64_t val);

/* edu DMA between its buffer and the IOVA iova; waits for completion. */
void smmum_qt_edu_to_mem(SmmumQt *t, uint64_t iova, uint32_t len);
void smmum_qt_mem_to_edu(SmmumQt *t, uint64_t iova, uint32_t len);

/*
 * A minimal driver: a linear stream table of 2^strtab_log2 STEs, a
 * command queue and an event queue of 256 entries each, in guest RAM at
 * the addresses below; smmum_qt_enable() programs and enables them all.
 */
#define SMMUM_QT_STRTAB     (SMMUM_QT_RAM + 0x1000000)
#define SMMUM_QT_CMDQ       (SMMUM_QT_RAM + 0x2000000)
#define SMMUM_QT_EVTQ       (SMMUM_QT_RAM + 0x2100000)
#define SMMUM_QT_MSI        (SMMUM_QT_RAM + 0x2200000)
#define SMMUM_QT_Q_LOG2     8
#define SMMUM_QT_EDU_SID    SMMUM_QT_EDU_DEVFN  /* bus 0 */

/* STE word 0 values and commands the tests use (IHI 0070 5.2, 4.1). */
#define SMMUM_QT_STE_V          1ULL
#define SMMUM_QT_STE_ABORT      (SMMUM_QT_STE_V | (0ULL << 1))
#define SMMUM_QT_STE_BYPASS     (SMMUM_QT_STE_V | (4ULL << 1))
#define SMMUM_QT_CMD_CFGI_STE   0x03
#define SMMUM_QT_CMD_SYNC       0x46

void smmum_qt_enable(SmmumQt *t, unsigned strtab_log2);
/* Write the 64-byte STE of sid. */
void smmum_qt_write_ste(SmmumQt *t, uint32_t sid, const uint64_t ste[8]);
/* An STE of edu's StreamID whose word 0 is w0 and the rest zero. */
void smmum_qt_set_edu_ste(SmmumQt *t, uint64_t w0);
/* CMD_CFGI_STE (Leaf=1) of sid, then smmum_qt_sync(). */
void smmum_qt_cfgi_ste(SmmumQt *t, uint32_t sid);
/* Append one command and publish it (CMDQ_PROD write). */
void smmum_qt_cmd(SmmumQt *t, uint64_t w0, uint64_t w1);
/* CMD_SYNC, no completion signal; asserts that the queue drained. */
void smmum_qt_sync(SmmumQt *t);
/* Number of event records between EVENTQ_CONS and EVENTQ_PROD. */
unsigned smmum_qt_events(SmmumQt *t);
/* Consume the next event record into ev[4]. */
void smmum_qt_pop_event(SmmumQt *t, uint64_t ev[4]);

/*
 * Run qemu-system-aarch64 with args appended to a minimal virt command
 * line; return its exit status and stderr (g_free it).
 */
int smmum_qt_run_fail(const char *args, char **err);

/* The SMMU's QOM path (virt creates it without a parent); g_free it. */
char *smmum_qt_smmu_path(QTestState *qts);

#endif
