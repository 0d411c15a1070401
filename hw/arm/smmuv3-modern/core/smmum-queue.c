/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: circular queue arithmetic.
 */
#include "smmum-queue.h"
#include "smmum-regs.h"

uint32_t smmum_q_ptr(uint32_t v, unsigned log2size)
{
    return v & SMMUM_MASK(log2size + 1);
}

uint32_t smmum_q_idx(uint32_t v, unsigned log2size)
{
    return v & SMMUM_MASK(log2size);
}

bool smmum_q_wrap(uint32_t v, unsigned log2size)
{
    return (v >> log2size) & 1;
}

bool smmum_q_empty(uint32_t prod, uint32_t cons, unsigned log2size)
{
    return smmum_q_ptr(prod, log2size) == smmum_q_ptr(cons, log2size);
}

bool smmum_q_full(uint32_t prod, uint32_t cons, unsigned log2size)
{
    return smmum_q_idx(prod, log2size) == smmum_q_idx(cons, log2size) &&
           smmum_q_wrap(prod, log2size) != smmum_q_wrap(cons, log2size);
}

uint32_t smmum_q_count(uint32_t prod, uint32_t cons, unsigned log2size)
{
    return (smmum_q_ptr(prod, log2size) - smmum_q_ptr(cons, log2size)) &
           SMMUM_MASK(log2size + 1);
}

uint32_t smmum_q_inc(uint32_t v, unsigned log2size)
{
    uint32_t keep = v & ~(uint32_t)SMMUM_MASK(log2size + 1);

    return keep | ((smmum_q_ptr(v, log2size) + 1) & SMMUM_MASK(log2size + 1));
}

unsigned smmum_q_log2size(uint64_t base_reg, unsigned max_log2)
{
    unsigned l = SMMUM_EX(base_reg, SMMUM_Q_BASE_LOG2SIZE, 5);

    return l < max_log2 ? l : max_log2;
}

uint64_t smmum_q_entry_addr(uint64_t base_reg, unsigned log2size,
                            unsigned entry_log2, uint32_t v)
{
    unsigned align = log2size + entry_log2;
    uint64_t base = base_reg & (SMMUM_MASK(47) << SMMUM_Q_BASE_ADDR_SHIFT);

    if (align < 5) {
        align = 5;
    }
    base &= ~SMMUM_MASK(align);
    return base + ((uint64_t)smmum_q_idx(v, log2size) << entry_log2);
}
