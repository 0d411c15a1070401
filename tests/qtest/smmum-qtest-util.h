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
} SmmumQt;

/* Start virt with iommu=smmuv3-modern and an edu device; extra may be "". */
void smmum_qt_start(SmmumQt *t, const char *extra);
void smmum_qt_stop(SmmumQt *t);

uint32_t smmum_qt_rd32(SmmumQt *t, uint64_t off);
uint64_t smmum_qt_rd64(SmmumQt *t, uint64_t off);
void smmum_qt_wr32(SmmumQt *t, uint64_t off, uint32_t val);
void smmum_qt_wr64(SmmumQt *t, uint64_t off, uint64_t val);

/* edu DMA between its buffer and the IOVA iova; waits for completion. */
void smmum_qt_edu_to_mem(SmmumQt *t, uint64_t iova, uint32_t len);
void smmum_qt_mem_to_edu(SmmumQt *t, uint64_t iova, uint32_t len);

/*
 * Run qemu-system-aarch64 with args appended to a minimal virt command
 * line; return its exit status and stderr (g_free it).
 */
int smmum_qt_run_fail(const char *args, char **err);

#endif
