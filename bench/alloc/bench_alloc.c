/* bench_alloc: operations per second of idalloc, unialloc and the scapegoat timer queue, each
 * beside a naive baseline in the same run, printed as a Markdown table with ratios and the
 * command line. A benchmark, not a test: it checks only enough to keep the work honest. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <algorithms/idalloc.h>
#include <algorithms/sgtree.h>
#include <algorithms/unialloc.h>

#include "baselines.h"

#define REPS 5

typedef struct rng {
    uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t sink; /* results feed this so no work is optimised away */

static void die(const char *what)
{
    fprintf(stderr, "bench_alloc: %s\n", what);
    exit(1);
}

static void row(const char *structure, const char *op, const char *size, double ours_ns,
                const char *baseline, double base_ns)
{
    printf("| %s | %s | %s | %.2f | %s | %.3f | %.2fx |\n", structure, op, size, 1e3 / ours_ns,
           baseline, 1e3 / base_ns, base_ns / ours_ns);
}

/* ---- idalloc: steady churn at 90% occupancy: free a random id, allocate the lowest. ---- */

enum { ID_ITERS = 200000 };

static double idalloc_churn(uint64_t count, bool baseline)
{
    double best = 1e30;
    uint64_t *live = malloc(count * sizeof *live);
    for (int rep = 0; rep < REPS; rep++) {
        rng_t r = {0x1234567 + (uint64_t)rep};
        idalloc_t ids;
        scan_bitmap_t bm;
        void *storage = NULL;
        if (baseline) {
            scan_bitmap_init(&bm, count);
        } else {
            unsigned depth = idalloc_depth_for(count);
            size_t bytes = idalloc_storage_bytes(depth, count);
            storage = malloc(bytes);
            if (idalloc_init(&ids, depth, count, storage, bytes) != ALG_OK) {
                die("idalloc_init");
            }
        }
        uint64_t n = count * 9 / 10;
        for (uint64_t i = 0; i < n; i++) {
            bool ok = baseline ? scan_bitmap_alloc(&bm, &live[i])
                               : idalloc_alloc(&ids, &live[i]) == ALG_OK;
            if (!ok) {
                die("prefill");
            }
        }
        double t0 = now_ns();
        for (int it = 0; it < ID_ITERS; it++) {
            uint64_t k = rng_next(&r) % n;
            bool ok = baseline ? scan_bitmap_free(&bm, live[k]) && scan_bitmap_alloc(&bm, &live[k])
                               : idalloc_free(&ids, live[k]) == ALG_OK &&
                                         idalloc_alloc(&ids, &live[k]) == ALG_OK;
            if (!ok) {
                die("churn");
            }
            sink += live[k];
        }
        double ns = (now_ns() - t0) / (2.0 * ID_ITERS);
        best = ns < best ? ns : best;
        if (baseline) {
            scan_bitmap_destroy(&bm);
        }
        free(storage);
    }
    free(live);
    return best;
}

/* ---- unialloc: one 4 GiB untyped; free a random live block, allocate a random size. ---- */

static uint64_t next_slot;

static int nop_slot_alloc(void *ctx, uint64_t *slot)
{
    (void)ctx;
    *slot = ++next_slot;
    return 0;
}

static void nop_slot_free(void *ctx, uint64_t slot)
{
    (void)ctx;
    sink += slot;
}

static int nop_split(void *ctx, uint64_t parent, unsigned bits, uint64_t lo, uint64_t hi)
{
    (void)ctx;
    sink += parent + bits + lo + hi;
    return 0;
}

static int nop_revoke(void *ctx, uint64_t cap)
{
    (void)ctx;
    sink += cap;
    return 0;
}

static const unialloc_ops_t nop_ops = {nop_slot_alloc, nop_slot_free, nop_split, nop_revoke};

enum { UT_ITERS = 100000, UT_ROOT_BITS = 32, UT_MIN_BITS = 12 };

/* The untyped allocator a benchmark drives: unialloc, or the list-buddy baseline, each over
 * one 4 GiB untyped with `records` bookkeeping records. */
typedef struct ut_bench {
    bool baseline;
    unialloc_t ua;
    list_buddy_t lb;
    unialloc_node_t *nodes;
} ut_bench_t;

static void ut_bench_init(ut_bench_t *b, bool baseline, size_t records)
{
    b->baseline = baseline;
    b->nodes = NULL;
    if (baseline) {
        list_buddy_init(&b->lb, &nop_ops, NULL, 1, 0, UT_ROOT_BITS, records);
        return;
    }
    b->nodes = malloc(records * sizeof *b->nodes);
    if (unialloc_init(&b->ua, &nop_ops, NULL, b->nodes, records, UT_MIN_BITS) != ALG_OK ||
        unialloc_add(&b->ua, UNIALLOC_NORMAL, 1, 0, UT_ROOT_BITS) != ALG_OK) {
        die("unialloc_init");
    }
}

static void ut_bench_destroy(ut_bench_t *b)
{
    if (b->baseline) {
        list_buddy_destroy(&b->lb);
    }
    free(b->nodes);
}

static bool ut_bench_alloc(ut_bench_t *b, unsigned bits, uint64_t *paddr)
{
    if (b->baseline) {
        return list_buddy_alloc(&b->lb, bits, paddr);
    }
    unialloc_untyped_t ut;
    if (unialloc_alloc(&b->ua, bits, &ut) != ALG_OK) {
        return false;
    }
    *paddr = ut.paddr;
    return true;
}

/* Frees a block, or dies with `what` when unialloc refuses (the baseline reports nothing). */
static void ut_bench_free(ut_bench_t *b, uint64_t paddr, unsigned bits, const char *what)
{
    if (b->baseline) {
        list_buddy_free(&b->lb, paddr, bits);
    } else if (unialloc_free(&b->ua, UNIALLOC_NORMAL, paddr, bits) != ALG_OK) {
        die(what);
    }
}

typedef struct live_block {
    uint64_t paddr;
    unsigned bits;
} live_block_t;

static double unialloc_churn(size_t live_count, bool baseline)
{
    double best = 1e30;
    size_t records = 4 * (UT_ROOT_BITS - UT_MIN_BITS) * live_count + 16;
    live_block_t *live = malloc(live_count * sizeof *live);
    for (int rep = 0; rep < REPS; rep++) {
        rng_t r = {0xabcdef + (uint64_t)rep};
        ut_bench_t b;
        ut_bench_init(&b, baseline, records);
        double t0 = 0; /* the first live_count allocations fill; timing starts after */
        for (size_t i = 0; i < live_count + UT_ITERS; i++) {
            if (i == live_count) {
                t0 = now_ns();
            }
            size_t k = i;
            if (i >= live_count) {
                k = rng_next(&r) % live_count;
                ut_bench_free(&b, live[k].paddr, live[k].bits, "unialloc_free");
            }
            unsigned bits = UT_MIN_BITS + (unsigned)(rng_next(&r) % 5);
            if (!ut_bench_alloc(&b, bits, &live[k].paddr)) {
                die("alloc");
            }
            live[k].bits = bits;
            sink += live[k].paddr;
        }
        double ns = (now_ns() - t0) / (2.0 * UT_ITERS);
        best = ns < best ? ns : best;
        ut_bench_destroy(&b);
    }
    free(live);
    return best;
}

/* Deepest splitting: take 4 KiB out of a whole 4 GiB untyped and give it back, i.e. 20
 * splits and 20 merges per pair of operations. Per-level cost is all that is measured. */
static double unialloc_split_merge(bool baseline)
{
    double best = 1e30;
    size_t records = 4 * (UT_ROOT_BITS - UT_MIN_BITS) + 16;
    for (int rep = 0; rep < REPS; rep++) {
        ut_bench_t b;
        ut_bench_init(&b, baseline, records);
        double t0 = now_ns();
        for (int it = 0; it < UT_ITERS / 10; it++) {
            uint64_t paddr = 0;
            if (!ut_bench_alloc(&b, UT_MIN_BITS, &paddr)) {
                die("split");
            }
            ut_bench_free(&b, paddr, UT_MIN_BITS, "merge");
        }
        double ns = (now_ns() - t0) / (2.0 * (UT_ITERS / 10));
        best = ns < best ? ns : best;
        ut_bench_destroy(&b);
    }
    return best;
}

/* Fragmented memory: 2h 4 KiB blocks allocated, every other one freed, so h free holes whose
 * buddies are in use. Then: allocate 4 KiB (fills a hole), free a random block allocated in
 * this phase (reopens one). The free list stays ~h long: linear scans pay for all of it. */
static double unialloc_fragmented(size_t holes, bool baseline)
{
    double best = 1e30;
    size_t records = 4 * (UT_ROOT_BITS - UT_MIN_BITS) * 2 * holes + 16;
    uint64_t *taken = malloc(holes * sizeof *taken);
    for (int rep = 0; rep < REPS; rep++) {
        rng_t r = {0xfee1 + (uint64_t)rep};
        ut_bench_t b;
        ut_bench_init(&b, baseline, records);
        uint64_t *blocks = malloc(2 * holes * sizeof *blocks);
        for (size_t i = 0; i < 2 * holes; i++) {
            if (!ut_bench_alloc(&b, UT_MIN_BITS, &blocks[i])) {
                die("fragment");
            }
        }
        for (size_t i = 0; i < 2 * holes; i += 2) {
            ut_bench_free(&b, blocks[i], UT_MIN_BITS, "fragment free");
        }
        free(blocks);
        size_t taken_count = 0;
        double t0 = now_ns();
        for (int it = 0; it < UT_ITERS / 10; it++) {
            uint64_t paddr = 0;
            if (!ut_bench_alloc(&b, UT_MIN_BITS, &paddr)) {
                die("fragmented alloc");
            }
            taken[taken_count++] = paddr;
            size_t k = rng_next(&r) % taken_count;
            ut_bench_free(&b, taken[k], UT_MIN_BITS, "fragmented free");
            taken[k] = taken[--taken_count];
            sink += taken_count;
        }
        double ns = (now_ns() - t0) / (2.0 * (UT_ITERS / 10));
        best = ns < best ? ns : best;
        ut_bench_destroy(&b);
    }
    free(taken);
    return best;
}

/* ---- timer queue: insert n, cancel half (random), pop the rest. ---- */

typedef struct queue_times {
    double insert_ns;
    double cancel_ns;
    double pop_ns;
} queue_times_t;

static queue_times_t queue_phases(size_t n, bool baseline)
{
    queue_times_t best = {1e30, 1e30, 1e30};
    sgtree_node_t *nodes = malloc(n * sizeof *nodes);
    sorted_timer_t *tokens = malloc(n * sizeof *tokens);
    size_t *order = malloc(n * sizeof *order);
    for (int rep = 0; rep < REPS; rep++) {
        rng_t r = {0x777 + (uint64_t)rep};
        sgtree_t tree;
        sorted_queue_t q;
        sgtree_init(&tree);
        sorted_queue_init(&q, n);
        for (size_t i = 0; i < n; i++) {
            sgtree_node_init(&nodes[i]);
            order[i] = i;
        }
        for (size_t i = n; i > 1; i--) { /* random cancellation order */
            size_t j = rng_next(&r) % i;
            size_t t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        double t0 = now_ns();
        for (size_t i = 0; i < n; i++) {
            uint64_t key = rng_next(&r) >> 32;
            if (baseline) {
                tokens[i] = sorted_queue_insert(&q, key);
            } else if (sgtree_insert(&tree, &nodes[i], key) != ALG_OK) {
                die("sgtree_insert");
            }
        }
        double t1 = now_ns();
        for (size_t i = 0; i < n / 2; i++) {
            bool ok = baseline ? sorted_queue_cancel(&q, tokens[order[i]])
                               : sgtree_cancel(&tree, &nodes[order[i]]) == ALG_OK;
            if (!ok) {
                die("cancel");
            }
        }
        double t2 = now_ns();
        uint64_t last = 0;
        for (size_t i = n / 2; i < n; i++) {
            uint64_t key;
            if (baseline) {
                sorted_timer_t t;
                if (!sorted_queue_pop(&q, &t)) {
                    die("pop");
                }
                key = t.key;
            } else {
                sgtree_node_t *p = sgtree_pop(&tree);
                if (p == NULL) {
                    die("pop");
                }
                key = p->key;
            }
            if (key < last) {
                die("pop order");
            }
            last = key;
        }
        double t3 = now_ns();
        sink += last;
        double ins = (t1 - t0) / (double)n;
        double can = (t2 - t1) / (double)(n / 2);
        double pop = (t3 - t2) / (double)(n - n / 2);
        best.insert_ns = ins < best.insert_ns ? ins : best.insert_ns;
        best.cancel_ns = can < best.cancel_ns ? can : best.cancel_ns;
        best.pop_ns = pop < best.pop_ns ? pop : best.pop_ns;
        sorted_queue_destroy(&q);
    }
    free(nodes);
    free(tokens);
    free(order);
    return best;
}

static void print_cpu(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            printf("cpu:%s", colon != NULL ? colon + 1 : line);
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    printf("bench-alloc: allocator throughput, best of %d runs, Mops/s (higher is better)\n", REPS);
    printf("command:");
    for (int i = 0; i < argc; i++) {
        printf(" %s", argv[i]);
    }
    printf("   (built and run by `make bench-alloc`)\ncompiler: gcc %s, -O2, no sanitizers\n",
           __VERSION__);
    print_cpu();
    printf("\n| structure | operation | size | beaml4 Mops/s | baseline | baseline Mops/s | "
           "ratio |\n|---|---|---|---|---|---|---|\n");
    static const uint64_t id_sizes[] = {4096, 262144};
    for (int i = 0; i < 2; i++) {
        char size[48];
        snprintf(size, sizeof size, "%" PRIu64 " ids, 90%% full", id_sizes[i]);
        row("idalloc", "free random + alloc lowest", size, idalloc_churn(id_sizes[i], false),
            "linear-scan bitmap", idalloc_churn(id_sizes[i], true));
    }
    static const size_t ut_live[] = {256, 2048, 16384};
    for (int i = 0; i < 3; i++) {
        char size[64];
        snprintf(size, sizeof size, "%zu live, 4-64 KiB from 4 GiB", ut_live[i]);
        row("unialloc", "free random + alloc best fit", size, unialloc_churn(ut_live[i], false),
            "buddy, unsorted free list", unialloc_churn(ut_live[i], true));
    }
    row("unialloc", "alloc 4 KiB + free it (20 splits, 20 merges)", "one 4 GiB untyped",
        unialloc_split_merge(false), "buddy, unsorted free list", unialloc_split_merge(true));
    row("unialloc", "alloc 4 KiB + free random", "8192 free holes (fragmented)",
        unialloc_fragmented(8192, false), "buddy, unsorted free list",
        unialloc_fragmented(8192, true));
    static const size_t q_sizes[] = {1000, 100000};
    for (int i = 0; i < 2; i++) {
        queue_times_t ours = queue_phases(q_sizes[i], false);
        queue_times_t base = queue_phases(q_sizes[i], true);
        char size[48];
        snprintf(size, sizeof size, "%zu timers", q_sizes[i]);
        row("sgtree", "insert", size, ours.insert_ns, "sorted array", base.insert_ns);
        row("sgtree", "cancel (half, random)", size, ours.cancel_ns, "sorted array",
            base.cancel_ns);
        row("sgtree", "pop earliest (rest)", size, ours.pop_ns, "sorted array", base.pop_ns);
    }
    printf("\nratio = baseline time / beaml4 time; checksum %" PRIu64 "\n", sink);
    return 0;
}
