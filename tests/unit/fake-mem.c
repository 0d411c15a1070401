/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fake guest memory and host for smmuv3-modern core unit tests.
 */
#include "fake-mem.h"

#include <string.h>

#define FAKE_PAGE 4096ULL

void fake_mem_init(FakeMem *m)
{
    memset(m, 0, sizeof(*m));
    m->pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                     g_free);
    m->faults = g_array_new(false, false, sizeof(FakeRange));
    m->msis = g_array_new(false, false, sizeof(FakeMsi));
}

void fake_mem_destroy(FakeMem *m)
{
    g_hash_table_destroy(m->pages);
    g_array_free(m->faults, true);
    g_array_free(m->msis, true);
    g_free(m->last_log);
}

void fake_mem_add_fault(FakeMem *m, uint64_t start, uint64_t len)
{
    FakeRange r = { start, start + len };

    g_array_append_val(m->faults, r);
}

static bool faulting(FakeMem *m, uint64_t pa, size_t len)
{
    for (guint i = 0; i < m->faults->len; i++) {
        FakeRange *r = &g_array_index(m->faults, FakeRange, i);

        if (pa < r->end && pa + len > r->start) {
            return true;
        }
    }
    return false;
}

static uint8_t *page(FakeMem *m, uint64_t pa, bool create)
{
    gint64 pn = pa / FAKE_PAGE;
    uint8_t *p = g_hash_table_lookup(m->pages, &pn);

    if (!p && create) {
        gint64 *key = g_new(gint64, 1);

        *key = pn;
        p = g_malloc0(FAKE_PAGE);
        g_hash_table_insert(m->pages, key, p);
    }
    return p;
}

void fake_write(FakeMem *m, uint64_t pa, const void *buf, size_t len)
{
    const uint8_t *b = buf;

    while (len) {
        size_t off = pa % FAKE_PAGE, n = MIN(len, FAKE_PAGE - off);

        memcpy(page(m, pa, true) + off, b, n);
        pa += n;
        b += n;
        len -= n;
    }
}

void fake_read(FakeMem *m, uint64_t pa, void *buf, size_t len)
{
    uint8_t *b = buf;

    while (len) {
        size_t off = pa % FAKE_PAGE, n = MIN(len, FAKE_PAGE - off);
        uint8_t *p = page(m, pa, false);

        if (p) {
            memcpy(b, p + off, n);
        } else {
            memset(b, 0, n);
        }
        pa += n;
        b += n;
        len -= n;
    }
}

void fake_write64(FakeMem *m, uint64_t pa, uint64_t val)
{
    uint64_t le = GUINT64_TO_LE(val);

    fake_write(m, pa, &le, 8);
}

uint64_t fake_read64(FakeMem *m, uint64_t pa)
{
    uint64_t le;

    fake_read(m, pa, &le, 8);
    return GUINT64_FROM_LE(le);
}

void fake_write32(FakeMem *m, uint64_t pa, uint32_t val)
{
    uint32_t le = GUINT32_TO_LE(val);

    fake_write(m, pa, &le, 4);
}

uint32_t fake_read32(FakeMem *m, uint64_t pa)
{
    uint32_t le;

    fake_read(m, pa, &le, 4);
    return GUINT32_FROM_LE(le);
}

static bool host_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    FakeMem *m = opaque;

    if (faulting(m, pa, len)) {
        return false;
    }
    fake_read(m, pa, buf, len);
    return true;
}

static bool host_write(void *opaque, uint64_t pa, const void *buf,
                       size_t len)
{
    FakeMem *m = opaque;

    if (faulting(m, pa, len)) {
        return false;
    }
    fake_write(m, pa, buf, len);
    return true;
}

static void host_irq(void *opaque, SmmumIrq line)
{
    FakeMem *m = opaque;

    m->irq_count[line]++;
}

static bool host_msi(void *opaque, uint64_t addr, uint32_t data,
                     uint32_t attr)
{
    FakeMem *m = opaque;
    FakeMsi msi = { addr, data, attr };

    if (m->msi_fail || faulting(m, addr, 4)) {
        return false;
    }
    g_array_append_val(m->msis, msi);
    fake_write32(m, addr, data);
    return true;
}

static void host_sev(void *opaque)
{
    FakeMem *m = opaque;

    m->sev_count++;
}

static void host_log(void *opaque, SmmumLogKind kind, const char *msg)
{
    FakeMem *m = opaque;

    if (kind == SMMUM_LOG_GUEST_ERROR) {
        m->guest_errors++;
    } else {
        m->unimps++;
    }
    g_free(m->last_log);
    m->last_log = g_strdup(msg);
    if (g_getenv("SMMUM_TEST_VERBOSE")) {
        g_printerr("# core log: %s\n", msg);
    }
}

SmmumHost fake_mem_host(FakeMem *m)
{
    SmmumHost h = {
        .opaque = m,
        .dma_read = host_read,
        .dma_write = host_write,
        .irq_pulse = host_irq,
        .msi = host_msi,
        .sev = host_sev,
        .log = host_log,
    };
    return h;
}
