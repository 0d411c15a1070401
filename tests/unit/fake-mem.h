/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake guest memory and host for unit tests of the smmuv3-modern core:
 * sparse RAM, optional fault ranges, and a record of IRQs, MSIs and log
 * messages the core produced.
 */
#ifndef SMMUM_FAKE_MEM_H
#define SMMUM_FAKE_MEM_H

#include "smmum-core.h"

typedef struct FakeMem {
    GHashTable *pages;          /* page number -> 4 KiB buffer */
    GArray *faults;             /* FakeRange: accesses here fail */
    unsigned irq_count[SMMUM_NUM_IRQS];
    GArray *msis;               /* FakeMsi */
    bool msi_fail;              /* every MSI write aborts */
    unsigned sev_count;
    unsigned guest_errors;
    unsigned unimps;
    char *last_log;
} FakeMem;

typedef struct FakeRange {
    uint64_t start, end;        /* [start, end) */
} FakeRange;

typedef struct FakeMsi {
    uint64_t addr;
    uint32_t data;
    uint32_t attr;
} FakeMsi;

void fake_mem_init(FakeMem *m);
void fake_mem_destroy(FakeMem *m);
/* A host whose callbacks act on m. */
SmmumHost fake_mem_host(FakeMem *m);
void fake_mem_add_fault(FakeMem *m, uint64_t start, uint64_t len);

void fake_write(FakeMem *m, uint64_t pa, const void *buf, size_t len);
void fake_read(FakeMem *m, uint64_t pa, void *buf, size_t len);
void fake_write64(FakeMem *m, uint64_t pa, uint64_t val);
uint64_t fake_read64(FakeMem *m, uint64_t pa);
void fake_write32(FakeMem *m, uint64_t pa, uint32_t val);
uint32_t fake_read32(FakeMem *m, uint64_t pa);

#endif
