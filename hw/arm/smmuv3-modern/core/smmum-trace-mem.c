/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: what a tear-check trace says guest memory holds,
 * byte by byte (smmum-trace.h).  The recorder and the replay keep the
 * same model, so "mem" records are written only when a read tells
 * something new and the replay answers every read as the device did.
 */
#include <string.h>
#include <glib.h>

#include "smmum-trace.h"

typedef struct MemWord {
    uint64_t v;
    uint8_t known;              /* bit i: byte i is known */
    bool abort;                 /* reads here abort */
} MemWord;

struct SmmumTraceMem {
    GHashTable *words;          /* 8-aligned address -> MemWord */
};

SmmumTraceMem *smmum_trace_mem_new(void)
{
    SmmumTraceMem *m = g_new0(SmmumTraceMem, 1);

    m->words = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                     g_free);
    return m;
}

void smmum_trace_mem_free(SmmumTraceMem *m)
{
    if (m) {
        g_hash_table_destroy(m->words);
        g_free(m);
    }
}

static MemWord *mem_word(SmmumTraceMem *m, uint64_t a8, bool create)
{
    MemWord *w = g_hash_table_lookup(m->words, &a8);

    if (!w && create) {
        uint64_t *k = g_new(uint64_t, 1);

        *k = a8;
        w = g_new0(MemWord, 1);
        g_hash_table_insert(m->words, k, w);
    }
    return w;
}

static uint8_t mem_byte(const MemWord *w, unsigned i)
{
    return w->v >> (8 * i);
}

bool smmum_trace_mem_agrees(SmmumTraceMem *m, uint64_t pa, const void *buf,
                            size_t len, bool ok)
{
    const uint8_t *b = buf;

    for (size_t i = 0; i < len; i++) {
        uint64_t a = pa + i;
        MemWord *w = mem_word(m, a & ~7ULL, false);
        unsigned bi = a & 7;

        if (!w) {
            return false;
        }
        if (!ok) {
            if (!w->abort) {
                return false;
            }
            continue;
        }
        if (w->abort || !(w->known & (1u << bi)) || mem_byte(w, bi) != b[i]) {
            return false;
        }
    }
    return true;
}

void smmum_trace_mem_set(SmmumTraceMem *m, uint64_t pa, const void *buf,
                         size_t len, bool ok)
{
    const uint8_t *b = buf;

    for (size_t i = 0; i < len; i++) {
        uint64_t a = pa + i;
        MemWord *w = mem_word(m, a & ~7ULL, true);
        unsigned bi = a & 7;

        if (!ok) {
            w->abort = true;
            continue;
        }
        w->abort = false;
        w->known |= 1u << bi;
        w->v = (w->v & ~(0xffULL << (8 * bi))) | ((uint64_t)b[i] << (8 * bi));
    }
}

bool smmum_trace_mem_read(SmmumTraceMem *m, uint64_t pa, void *buf,
                          size_t len)
{
    uint8_t *b = buf;

    for (size_t i = 0; i < len; i++) {
        uint64_t a = pa + i;
        MemWord *w = mem_word(m, a & ~7ULL, false);

        if (!w || w->abort || !(w->known & (1u << (a & 7)))) {
            return false;
        }
        b[i] = mem_byte(w, a & 7);
    }
    return true;
}

void smmum_trace_mem_store(SmmumTraceMem *m, uint64_t pa, unsigned size,
                           uint64_t data)
{
    uint8_t b[8];

    size = MIN(size, 8);
    for (unsigned i = 0; i < size; i++) {
        b[i] = data >> (8 * i);
    }
    smmum_trace_mem_set(m, pa, b, size, true);
}
