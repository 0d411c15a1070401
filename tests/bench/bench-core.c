/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Core micro-benchmark of smmuv3-modern, QEMU-free: translations per
 * second on IOTLB hits and misses (stage 1, stage 2, nested) and commands
 * per second (CFGI_STE, TLBI_NH_VA with a RIL range, CMD_SYNC), through
 * the core's public API on fake guest memory (tests/unit/fake-mem.c).
 *
 *   bench-core [--time SECONDS] [--reps N] [--only NAME] [--tsv FILE]
 *              [--ops N]
 *
 * Each case runs in batches until it has spent SECONDS (default 0.3) of
 * this thread's CPU time, REPS times (default 5); the median rate and
 * the range over the repetitions are printed.  CPU time, not wall time:
 * a shared machine preempts us, it does not slow the instructions.
 *
 * Every case checks that it measures what it says: each translation's
 * output address, and the number of guest memory reads the model made
 * (0 per IOTLB hit, a 3-level walk per miss); commands must all be
 * consumed without GERROR.  A failed check exits with status 1.
 *
 * --ops N runs exactly N operations of each case once, for counting
 * instructions per operation under callgrind: the operations are the
 * work done inside run_xlate() / run_cmd() (--toggle-collect=run_*).
 */
#include "core-helpers.h"
#include "smmum-strtab.h"
#include "smmum-tear.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define S2_NORMAL   (0xfULL << 2)

#define VA          0x10000000ULL
#define IPA_BASE    0x40000000ULL   /* nested: stage-1 output */
#define PA_BASE     0x80000000ULL
#define CD_PA       0x500000ULL
#define ASID        7
#define VMID        5

/* Working sets: within and beyond the default IOTLB of 1024 entries. */
#define HIT_PAGES   256
#define MISS_PAGES  2048
#define CMDQ_LOG2   8
#define CMD_BATCH   128

typedef struct B {
    Fx f;
    uint64_t reads;             /* guest memory reads by the model */
    SmmumTear *tear;
} B;

static bool count_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    B *b = opaque;

    b->reads++;
    fake_read(&b->f.mem, pa, buf, len);
    return true;
}

static bool plain_write(void *opaque, uint64_t pa, const void *buf,
                        size_t len)
{
    B *b = opaque;

    fake_write(&b->f.mem, pa, buf, len);
    return true;
}

static void fail(const char *what)
{
    fprintf(stderr, "bench-core: check failed: %s\n", what);
    exit(1);
}

static void b_init(B *b, bool ril)
{
    SmmumConfig cfg;

    smmum_config_default(&cfg);
    cfg.ril = ril;
    fx_init_cfg(&b->f, &cfg);
    /* Count the model's memory reads (fake memory stays underneath). */
    b->f.core.host.opaque = b;
    b->f.core.host.dma_read = count_read;
    b->f.core.host.dma_write = plain_write;
    b->f.core.host.cmpxchg64 = NULL;
    fx_queues(&b->f, CMDQ_LOG2, 6);
    fx_linear_strtab(&b->f, 6);
    fx_enable(&b->f);
    b->reads = 0;
    b->tear = NULL;
}

static void tear_read_regs(void *opaque, SmmumTearRegs *regs)
{
    B *b = opaque;

    smmum_tear_regs_from_core(&b->f.core, regs);
}

static bool tear_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    B *b = opaque;

    fake_read(&b->f.mem, pa, buf, len);
    return true;
}

/* The tear checker in sync mode as the core's observer. */
static void b_tear(B *b)
{
    SmmumTearParams p = { .mode = SMMUM_TEAR_SYNC };
    SmmumTearHost h = { .opaque = b, .read = tear_read,
                        .get_regs = tear_read_regs };
    SmmumObserver o;

    b->tear = smmum_tear_new(&p, &h);
    smmum_tear_observer(b->tear, &o);
    smmum_core_set_observer(&b->f.core, &o);
}

static void b_destroy(B *b)
{
    if (b->tear) {
        smmum_core_set_observer(&b->f.core, NULL);
        smmum_tear_free(b->tear);
    }
    fx_destroy(&b->f);
}

static void put_ste_words(B *b, uint32_t sid, unsigned config, bool s2,
                          uint64_t s2ttb)
{
    uint64_t w[8] = { 0 };

    smmum_ste_set_field(w, SMMUM_STE_V, 1, 1);
    smmum_ste_set_field(w, SMMUM_STE_CONFIG, 3, config);
    if (config & 1) {
        smmum_ste_set_field(w, SMMUM_STE_S1CTXPTR, 50, CD_PA >> 6);
    }
    if (s2) {
        fx_ste_s2(w, s2ttb, VMID, true);
    }
    fx_write_ste(&b->f, sid, w);
}

typedef enum Kind { K_S1, K_S2, K_NESTED } Kind;

/* SID 1 translates VA + i pages -> PA_BASE + i pages, i < npages. */
static void setup_xlate(B *b, Kind k, unsigned npages)
{
    uint64_t s1root, s2root;

    switch (k) {
    case K_S1:
        s1root = fx_alloc_page(&b->f);
        for (unsigned i = 0; i < npages; i++) {
            fx_pt_map(&b->f, s1root, 1, 3, VA + i * 0x1000ULL,
                      PA_BASE + i * 0x1000ULL, D_AP1 | D_NG);
        }
        fx_put_cd(&b->f, CD_PA, s1root, ASID, true);
        put_ste_words(b, 1, SMMUM_STE_CFG_S1, false, 0);
        break;
    case K_S2:
        s2root = fx_alloc_page(&b->f);
        for (unsigned i = 0; i < npages; i++) {
            fx_pt_map(&b->f, s2root, 1, 3, VA + i * 0x1000ULL,
                      PA_BASE + i * 0x1000ULL, D_AP1 | D_AP2 | S2_NORMAL);
        }
        put_ste_words(b, 1, SMMUM_STE_CFG_S2, true, s2root);
        break;
    case K_NESTED:
        /*
         * Stage 2: IPA 0..1 GiB identity as one block (CD and stage-1
         * tables), IPA_BASE pages -> PA_BASE pages.  Stage 1: VA pages
         * -> IPA_BASE pages.
         */
        s2root = fx_alloc_page(&b->f);
        fx_pt_map(&b->f, s2root, 1, 1, 0, 0, D_AP1 | D_AP2 | S2_NORMAL);
        s1root = fx_alloc_page(&b->f);
        for (unsigned i = 0; i < npages; i++) {
            fx_pt_map(&b->f, s2root, 1, 3, IPA_BASE + i * 0x1000ULL,
                      PA_BASE + i * 0x1000ULL, D_AP1 | D_AP2 | S2_NORMAL);
            fx_pt_map(&b->f, s1root, 1, 3, VA + i * 0x1000ULL,
                      IPA_BASE + i * 0x1000ULL, D_AP1 | D_NG);
        }
        fx_put_cd(&b->f, CD_PA, s1root, ASID, true);
        put_ste_words(b, 1, SMMUM_STE_CFG_NESTED, true, s2root);
        break;
    }
}

static double cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct Case Case;
/* Run n operations of the case; return how many it did. */
typedef uint64_t (*RunFn)(B *b, const Case *c, uint64_t n, uint64_t *iter);

struct Case {
    const char *name;
    const char *what;
    Kind kind;
    unsigned pages;             /* working set; commands: IOTLB fill */
    bool hit;                   /* expect no memory reads */
    bool ril;
    bool tear;
    RunFn run;
    uint64_t d0, d1;            /* command cases */
};

static uint64_t run_xlate(B *b, const Case *c, uint64_t n, uint64_t *iter)
{
    uint64_t i = *iter;
    uint64_t before = b->reads;

    for (uint64_t k = 0; k < n; k++, i++) {
        unsigned page = c->pages == 1 ? 0 : i % c->pages;
        SmmumTxn t = { .sid = 1, .addr = VA + page * 0x1000ULL + 0x40 };
        SmmumXlate x;

        smmum_translate(&b->f.core, &t, &x);
        if (x.status != SMMUM_XLATE_OK ||
            x.pa != PA_BASE + page * 0x1000ULL + 0x40) {
            fail(c->name);
        }
    }
    *iter = i;
    if (c->hit && b->reads != before) {
        fail("an IOTLB-hit case read guest memory (not all hits)");
    }
    /* Every miss is a whole walk: three levels (39-bit, 4K) at least. */
    if (!c->hit && b->reads - before < 3 * n) {
        fail("an IOTLB-miss case made fewer than 3 reads a translation");
    }
    return n;
}

static void prepare_xlate(B *b, const Case *c)
{
    setup_xlate(b, c->kind, c->pages);
    /*
     * Warm up twice: the configuration cached and, for hit cases, the
     * whole working set in the IOTLB (a miss case fills it and then
     * keeps missing, LRU over a larger set).
     */
    for (unsigned r = 0; r < 2; r++) {
        for (unsigned p = 0; p < c->pages; p++) {
            SmmumTxn t = { .sid = 1, .addr = VA + p * 0x1000ULL };
            SmmumXlate x;

            smmum_translate(&b->f.core, &t, &x);
            if (x.status != SMMUM_XLATE_OK) {
                fail("warm-up translation");
            }
        }
    }
}

/* Fill the whole command ring with one command. */
static void fill_ring(B *b, uint64_t d0, uint64_t d1)
{
    for (unsigned i = 0; i < (1u << CMDQ_LOG2); i++) {
        fake_write64(&b->f.mem, CMDQ_BASE_PA + i * 16, d0);
        fake_write64(&b->f.mem, CMDQ_BASE_PA + i * 16 + 8, d1);
    }
}

static void prepare_cmd(B *b, const Case *c)
{
    /* Stage 1 on SID 1, its STE/CD cached, c->pages in the IOTLB. */
    Case x = { .name = c->name, .kind = K_S1, .pages = c->pages };

    prepare_xlate(b, &x);
    if (c->tear) {
        b_tear(b);
    }
    fill_ring(b, c->d0, c->d1);
}

static uint64_t run_cmd(B *b, const Case *c, uint64_t n, uint64_t *iter)
{
    uint32_t wrap = (2u << CMDQ_LOG2) - 1;
    uint64_t done = 0;

    while (done < n) {
        uint32_t prod = rd32(&b->f, SMMUM_CMDQ_PROD);
        uint32_t next = ((prod & wrap) + CMD_BATCH) & wrap;

        wr32(&b->f, SMMUM_CMDQ_PROD, next);
        if ((rd32(&b->f, SMMUM_CMDQ_CONS) & wrap) != next) {
            fail("commands not all consumed");
        }
        done += CMD_BATCH;
    }
    if (gerror_active(&b->f)) {
        fail("GERROR raised by a command case");
    }
    *iter += done;
    return done;
}

/* TLBI_NH_VA, ASID 7, NUM=31 SCALE=0: 32 pages; TG=4K, TTL=3. */
#define TLBI_RANGE_D0 (SMMUM_CMD_TLBI_NH_VA | \
                       ((uint64_t)ASID << SMMUM_TLBI_ASID) | \
                       (31ULL << SMMUM_TLBI_NUM))
#define TLBI_RANGE_D1 ((VA + 0x100000) | (1ULL << SMMUM_TLBI_TG) | \
                       (3ULL << SMMUM_TLBI_TTL))
/* One 4K page (NUM=0 SCALE=0), as Linux sends per unmap in DMA-strict. */
#define TLBI_PAGE_D0 (SMMUM_CMD_TLBI_NH_VA | \
                      ((uint64_t)ASID << SMMUM_TLBI_ASID))

static const Case cases[] = {
    { "s1-hit-same", "stage 1, one page again and again (fast path)",
      K_S1, 1, true, true, false, run_xlate },
    { "s1-hit", "stage 1, 256 pages round robin (IOTLB hits)",
      K_S1, HIT_PAGES, true, true, false, run_xlate },
    { "s1-miss", "stage 1, 2048 pages round robin (every one a walk)",
      K_S1, MISS_PAGES, false, true, false, run_xlate },
    { "s2-hit", "stage 2, 256 pages round robin (IOTLB hits)",
      K_S2, HIT_PAGES, true, true, false, run_xlate },
    { "s2-miss", "stage 2, 2048 pages round robin (every one a walk)",
      K_S2, MISS_PAGES, false, true, false, run_xlate },
    { "nested-hit", "nested, 256 pages round robin (IOTLB hits)",
      K_NESTED, HIT_PAGES, true, true, false, run_xlate },
    { "nested-miss", "nested, 2048 pages round robin (every one a walk)",
      K_NESTED, MISS_PAGES, false, true, false, run_xlate },
    { "cfgi-ste", "CMD_CFGI_STE SID 1 Leaf=1",
      K_S1, 16, false, true, false, run_cmd,
      SMMUM_CMD_CFGI_STE | (1ULL << SMMUM_CMD_SID), 1 },
    { "tlbi-page-16", "CMD_TLBI_NH_VA, one 4K page, 16 IOTLB entries",
      K_S1, 16, false, true, false, run_cmd, TLBI_PAGE_D0, TLBI_RANGE_D1 },
    { "tlbi-page-1024", "CMD_TLBI_NH_VA, one 4K page, 1024 IOTLB entries",
      K_S1, 1024, false, true, false, run_cmd, TLBI_PAGE_D0, TLBI_RANGE_D1 },
    { "tlbi-range-1024", "CMD_TLBI_NH_VA, RIL 32 pages, 1024 IOTLB entries",
      K_S1, 1024, false, true, false, run_cmd, TLBI_RANGE_D0, TLBI_RANGE_D1 },
    { "sync", "CMD_SYNC CS=none",
      K_S1, 16, false, true, false, run_cmd, SMMUM_CMD_SYNC, 0 },
    { "cfgi-ste+tear", "CMD_CFGI_STE, tear checker (sync mode) attached",
      K_S1, 16, false, true, true, run_cmd,
      SMMUM_CMD_CFGI_STE | (1ULL << SMMUM_CMD_SID), 1 },
    { "tlbi-page-16+tear", "CMD_TLBI_NH_VA one page, tear checker attached",
      K_S1, 16, false, true, true, run_cmd, TLBI_PAGE_D0, TLBI_RANGE_D1 },
    { "sync+tear", "CMD_SYNC, tear checker (sync mode) attached",
      K_S1, 16, false, true, true, run_cmd, SMMUM_CMD_SYNC, 0 },
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    double secs = 0.3;
    unsigned reps = 5;
    const char *only = NULL, *tsv_path = NULL;
    FILE *tsv = NULL;
    unsigned ran = 0;
    uint64_t fixed_ops = 0;

    for (int i = 1; i < argc; i++) {
        char *end;

        if (!strcmp(argv[i], "--time") && i + 1 < argc) {
            secs = g_ascii_strtod(argv[++i], &end);
            if (*end || end == argv[i]) {
                secs = -1;
            }
        } else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
            guint64 v = g_ascii_strtoull(argv[++i], &end, 10);

            reps = (*end || end == argv[i] || v > 100) ? 0 : v;
        } else if (!strcmp(argv[i], "--ops") && i + 1 < argc) {
            fixed_ops = g_ascii_strtoull(argv[++i], &end, 10);
            if (*end || end == argv[i] || !fixed_ops) {
                reps = 0;
            }
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            only = argv[++i];
        } else if (!strcmp(argv[i], "--tsv") && i + 1 < argc) {
            tsv_path = argv[++i];
        } else {
            fprintf(stderr, "usage: %s [--time SECONDS] [--reps N] "
                    "[--only NAME] [--tsv FILE] [--ops N]\n", argv[0]);
            return 2;
        }
    }
    if (!(secs > 0 && secs <= 60) || reps < 1 || reps > 100) {
        fprintf(stderr, "bench-core: --time must be in (0, 60], --reps "
                "in 1..100, --ops at least 1\n");
        return 2;
    }
    if (tsv_path) {
        tsv = fopen(tsv_path, "w");
        if (!tsv) {
            perror(tsv_path);
            return 2;
        }
        fprintf(tsv, "case\tops_per_s\tmin\tmax\tns_per_op\n");
    }
    printf("%-16s %14s %18s %9s  %s\n", "case", "ops/s (median)",
           "range", "ns/op", "what");
    for (size_t ci = 0; ci < G_N_ELEMENTS(cases); ci++) {
        const Case *c = &cases[ci];
        double rate[100];
        B b;

        if (only && strcmp(only, c->name)) {
            continue;
        }
        ran++;
        for (unsigned r = 0; r < reps; r++) {
            uint64_t iter = 0, ops = 0, batch = 1024;
            double t0, t;

            b_init(&b, c->ril);
            if (c->run == run_xlate) {
                prepare_xlate(&b, c);
            } else {
                prepare_cmd(&b, c);
            }
            t0 = cpu_now();
            if (fixed_ops) {
                /* Whole batches of commands: a batch is CMD_BATCH. */
                ops = c->run(&b, c, fixed_ops, &iter);
                t = cpu_now() - t0;
            } else {
                do {
                    ops += c->run(&b, c, batch, &iter);
                    t = cpu_now() - t0;
                } while (t < secs);
            }
            rate[r] = ops / t;
            b_destroy(&b);
            if (fixed_ops) {
                printf("%-16s %llu operations\n", c->name,
                       (unsigned long long)ops);
                break;
            }
        }
        if (fixed_ops) {
            continue;
        }
        qsort(rate, reps, sizeof(rate[0]), cmp_double);
        {
            double med = rate[reps / 2];
            char range[40];

            snprintf(range, sizeof(range), "%.3g..%.3g", rate[0],
                     rate[reps - 1]);
            printf("%-16s %14.0f %18s %9.1f  %s\n", c->name, med, range,
                   1e9 / med, c->what);
            if (tsv) {
                fprintf(tsv, "%s\t%.0f\t%.0f\t%.0f\t%.2f\n", c->name, med,
                        rate[0], rate[reps - 1], 1e9 / med);
            }
        }
    }
    if (tsv) {
        fclose(tsv);
    }
    if (!ran) {
        fprintf(stderr, "bench-core: --only %s: no such case\n", only);
        return 2;
    }
    return 0;
}
