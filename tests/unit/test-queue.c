/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: PROD/CONS wrap arithmetic for every queue size the ID
 * registers allow, and entry addressing.
 */
#include "smmum-queue.h"
#include "smmum-regs.h"

#include <glib.h>

/* Walk a producer and consumer around 3 times for every log2size. */
static void test_wrap_all_sizes(void)
{
    for (unsigned l2 = 0; l2 <= 19; l2++) {
        uint32_t n = 1u << l2;
        uint32_t prod = 0, cons = 0;
        uint32_t step = n > 64 ? n / 7 + 1 : 1;

        g_assert_true(smmum_q_empty(prod, cons, l2));
        for (uint64_t done = 0; done < 3ULL * n; ) {
            uint32_t k;

            /* Fill to full in chunks. */
            while (!smmum_q_full(prod, cons, l2)) {
                g_assert_cmpuint(smmum_q_count(prod, cons, l2), <, n);
                prod = smmum_q_inc(prod, l2);
            }
            g_assert_cmpuint(smmum_q_count(prod, cons, l2), ==, n);
            g_assert_false(smmum_q_empty(prod, cons, l2));
            g_assert_cmpuint(smmum_q_idx(prod, l2), ==,
                             smmum_q_idx(cons, l2));
            g_assert_cmpuint(smmum_q_wrap(prod, l2), !=,
                             smmum_q_wrap(cons, l2));
            /* Drain step entries. */
            for (k = 0; k < step && !smmum_q_empty(prod, cons, l2); k++) {
                cons = smmum_q_inc(cons, l2);
                done++;
            }
            g_assert_false(smmum_q_full(prod, cons, l2));
            g_assert_cmpuint(smmum_q_count(prod, cons, l2), ==, n - k);
            if (n <= 64) {
                /* Drain fully for small queues. */
                while (!smmum_q_empty(prod, cons, l2)) {
                    cons = smmum_q_inc(cons, l2);
                    done++;
                }
                g_assert_cmpuint(smmum_q_ptr(prod, l2), ==,
                                 smmum_q_ptr(cons, l2));
            }
        }
        g_assert_cmpuint(prod >> (l2 + 1), ==, 0);
        g_assert_cmpuint(cons >> (l2 + 1), ==, 0);
    }
}

static void test_inc_keeps_flags(void)
{
    /* CONS.ERR and OVFLG live above the wrap bit and survive. */
    uint32_t v = (1u << 31) | (2u << 24) | 0x7;     /* l2 = 3: idx 7 */

    v = smmum_q_inc(v, 3);
    g_assert_cmphex(v, ==, (1u << 31) | (2u << 24) | 0x8);
    v = smmum_q_inc(v | 0x7, 3);                     /* idx 7, wrap 1 */
    g_assert_cmphex(v, ==, (1u << 31) | (2u << 24) | 0x0);
}

static void test_entry_addr(void)
{
    uint64_t base = 0x12345ffe0ULL | 3;             /* LOG2SIZE 3 */

    g_assert_cmpuint(smmum_q_log2size(base, 19), ==, 3);
    g_assert_cmpuint(smmum_q_log2size(0x1f, 7), ==, 7);     /* capped */
    /* 8 commands of 16 bytes: 128-byte aligned. */
    g_assert_cmphex(smmum_q_entry_addr(base, 3, 4, 0), ==, 0x12345ff80ULL);
    g_assert_cmphex(smmum_q_entry_addr(base, 3, 4, 0xd), ==,
                    0x12345ff80ULL + 5 * 16);
    /* 1 entry of 16 bytes: 32-byte minimum alignment. */
    g_assert_cmphex(smmum_q_entry_addr(0x1030, 0, 4, 1), ==, 0x1020);
    /* RWA and bits above 51 are not part of the address. */
    g_assert_cmphex(smmum_q_entry_addr(SMMUM_Q_BASE_RWA | (1ULL << 52) |
                                       0x1000, 0, 5, 0), ==, 0x1000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/queue/wrap-all-sizes", test_wrap_all_sizes);
    g_test_add_func("/queue/inc-keeps-flags", test_inc_keeps_flags);
    g_test_add_func("/queue/entry-addr", test_entry_addr);
    return g_test_run();
}
