/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness entry points for the smmuv3-modern core.  Each takes one
 * input as libFuzzer hands it over; the libFuzzer drivers (fuzz-*.c,
 * clang only) and the regression replayer (tests/unit/test-fuzz-regress.c,
 * any compiler) call the same functions.  They abort on a broken
 * invariant, so a finding is a crash in either build.
 */
#ifndef SMMUM_FUZZ_H
#define SMMUM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* MMIO read/write streams on a core in reset state. */
int smmum_fuzz_regs(const uint8_t *data, size_t size);
/* Command streams: programmed queues, fuzzed command memory, PROD. */
int smmum_fuzz_cmdq(const uint8_t *data, size_t size);
/* Stream table, CD and page-table memory plus translation requests. */
int smmum_fuzz_xlate(const uint8_t *data, size_t size);
/* The tear checker fed observer events and guest stores directly. */
int smmum_fuzz_tear(const uint8_t *data, size_t size);

/* libFuzzer's entry point, defined by each fuzz-*.c driver. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*SmmumFuzzFn)(const uint8_t *data, size_t size);

typedef struct SmmumFuzzTarget {
    const char *name;
    SmmumFuzzFn fn;
} SmmumFuzzTarget;

/* NULL-terminated list of every harness, by name. */
extern const SmmumFuzzTarget smmum_fuzz_targets[];

#endif
