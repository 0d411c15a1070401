/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: circular queue arithmetic shared by the command,
 * event and PRI queues (IHI 0070 3.5).
 *
 * A PROD or CONS value holds an index in bits [log2size-1:0] and a wrap
 * flag in bit [log2size]; other bits (CONS.ERR, OVFLG, ...) belong to the
 * register and are kept by the caller.  The queue is empty when index
 * and wrap are equal, full when the indexes are equal and the wraps
 * differ.
 */
#ifndef SMMUM_QUEUE_H
#define SMMUM_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

/* Index + wrap bits of a PROD/CONS value. */
uint32_t smmum_q_ptr(uint32_t v, unsigned log2size);
uint32_t smmum_q_idx(uint32_t v, unsigned log2size);
bool smmum_q_wrap(uint32_t v, unsigned log2size);
bool smmum_q_empty(uint32_t prod, uint32_t cons, unsigned log2size);
bool smmum_q_full(uint32_t prod, uint32_t cons, unsigned log2size);
/* Number of entries between cons and prod. */
uint32_t smmum_q_count(uint32_t prod, uint32_t cons, unsigned log2size);
/* v advanced by one entry; bits above the wrap flag are preserved. */
uint32_t smmum_q_inc(uint32_t v, unsigned log2size);

/* Effective log2 of entries: *_BASE.LOG2SIZE capped by the IDR1 max. */
unsigned smmum_q_log2size(uint64_t base_reg, unsigned max_log2);
/*
 * Physical address of entry idx: BASE.ADDR aligned to the larger of the
 * queue size in bytes and 32 bytes.
 */
uint64_t smmum_q_entry_addr(uint64_t base_reg, unsigned log2size,
                            unsigned entry_log2, uint32_t v);

#endif
