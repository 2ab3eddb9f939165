/*
 * The software TLB's own cost on the host, with a host model whose callbacks only count (so the
 * figures are lib/pv's work, and the host calls per operation say what the kernel adds): fills
 * per second, the cost of a fill, of a CR3 switch and of the refill after it, of INVLPG, and of
 * fills that evict under pool pressure. Each figure is the median and the minimum of several
 * runs. A benchmark, not a test: it checks only that the operations succeed.
 *   usage: bench-pv-shadow [-r runs]
 */
#include <pv/shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RAM_SIZE     (64ull << 20)
#define USER_BASE    0x0000000000400000ull
#define KERNEL_BASE  0xffffffff80000000ull
#define USER_PAGES   8192u /* 32 MiB of user pages, frames from 16 MiB */
#define KERNEL_PAGES 512u  /* global */
#define ENTRY_P      0x1ull
#define ENTRY_RW     0x2ull
#define ENTRY_US     0x4ull
#define ENTRY_A      0x20ull
#define ENTRY_D      0x40ull
#define ENTRY_G      0x100ull

typedef struct bench_guest {
    uint8_t *ram;
    pv_memory_t memory;
    uint64_t next_table;
    uint64_t root;
} bench_guest_t;

static uint64_t bench_calls;

static int bench_map_table(void *context, pv_shadow_space_t space, unsigned level, uint32_t slot,
                           gva_t base)
{
    (void)context, (void)space, (void)level, (void)slot, (void)base;
    bench_calls++;
    return 0;
}

static int bench_map_page(void *context, pv_shadow_space_t space, uint32_t slot, gva_t address,
                          gpa_t frame, unsigned rights)
{
    (void)context, (void)space, (void)slot, (void)address, (void)frame, (void)rights;
    bench_calls++;
    return 0;
}

static int bench_unmap_page(void *context, pv_shadow_space_t space, uint32_t slot, gva_t address)
{
    (void)context, (void)space, (void)slot, (void)address;
    bench_calls++;
    return 0;
}

static const pv_shadow_ops_t bench_ops = {.map_table = bench_map_table,
                                          .unmap_table = bench_map_table,
                                          .map_page = bench_map_page,
                                          .unmap_page = bench_unmap_page};

static uint64_t bench_entry_get(const bench_guest_t *guest, uint64_t at)
{
    uint64_t value;

    memcpy(&value, guest->ram + at, sizeof(value));
    return value;
}

static void bench_entry_put(bench_guest_t *guest, uint64_t at, uint64_t value)
{
    memcpy(guest->ram + at, &value, sizeof(value));
}

/* Maps one 4 KiB page in the guest's 4-level tables (tables from the top of RAM). */
static void bench_guest_map(bench_guest_t *guest, uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t table = guest->root;

    for (unsigned shift = 39; shift > 12; shift -= 9) {
        uint64_t at = table + ((va >> shift) & 511) * 8;
        uint64_t entry = bench_entry_get(guest, at);

        if ((entry & ENTRY_P) == 0) {
            guest->next_table -= 4096;
            entry = guest->next_table | ENTRY_P | ENTRY_RW | ENTRY_US;
            bench_entry_put(guest, at, entry);
        }
        table = entry & 0x000ffffffffff000ull;
    }
    bench_entry_put(guest, table + ((va >> 12) & 511) * 8, pa | flags);
}

static void bench_guest_init(bench_guest_t *guest)
{
    guest->ram = aligned_alloc(4096, RAM_SIZE);
    if (guest->ram == NULL) {
        perror("bench-pv-shadow: RAM");
        exit(2);
    }
    memset(guest->ram, 0, RAM_SIZE);
    guest->memory = (pv_memory_t){.base = guest->ram, .size = RAM_SIZE};
    guest->next_table = RAM_SIZE - 4096;
    guest->root = guest->next_table;
    for (uint64_t i = 0; i < USER_PAGES; i++) {
        bench_guest_map(guest, USER_BASE + i * 4096, (16ull << 20) + i * 4096,
                        ENTRY_P | ENTRY_RW | ENTRY_US | ENTRY_A | ENTRY_D);
    }
    for (uint64_t i = 0; i < KERNEL_PAGES; i++) {
        bench_guest_map(guest, KERNEL_BASE + i * 4096, (1ull << 20) + i * 4096,
                        ENTRY_P | ENTRY_RW | ENTRY_A | ENTRY_D | ENTRY_G);
    }
}

static pv_paging_t bench_paging(const bench_guest_t *guest)
{
    return (pv_paging_t){.cr0 = PV_PAGING_CR0_PG | PV_PAGING_CR0_WP,
                         .cr3 = guest->root,
                         .cr4 = PV_PAGING_CR4_PAE | PV_PAGING_CR4_PGE,
                         .efer = PV_PAGING_EFER_LME | PV_PAGING_EFER_NXE,
                         .phys_addr_bits = 46};
}

static double bench_now(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1e9 + (double)now.tv_nsec;
}

typedef struct bench_tlb {
    pv_shadow_t shadow;
    void *storage;
} bench_tlb_t;

static void bench_tlb_init(bench_tlb_t *tlb, const pv_shadow_config_t *config,
                           const bench_guest_t *guest)
{
    size_t size = pv_shadow_storage_size(config);

    tlb->storage = aligned_alloc(64, (size + 63) & ~(size_t)63);
    if (tlb->storage == NULL || pv_shadow_init(&tlb->shadow, config, &bench_ops, &guest->memory,
                                               tlb->storage, size) != PV_SHADOW_OK) {
        fprintf(stderr, "bench-pv-shadow: set-up failed\n");
        exit(2);
    }
}

static void bench_fill(bench_tlb_t *tlb, const pv_paging_t *paging, uint64_t va, unsigned access)
{
    pv_shadow_fill_t out;

    if (pv_shadow_fill(&tlb->shadow, paging, gva(va), access, &out) != PV_SHADOW_FILLED) {
        fprintf(stderr, "bench-pv-shadow: fill of %#llx: status %d\n", (unsigned long long)va,
                out.status);
        exit(1);
    }
}

static void bench_check(pv_shadow_status_t status, const char *what)
{
    if (status != PV_SHADOW_OK) {
        fprintf(stderr, "bench-pv-shadow: %s: status %d\n", what, status);
        exit(1);
    }
}

static int bench_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double bench_median(double *values, unsigned count)
{
    qsort(values, count, sizeof(double), bench_compare);
    return values[count / 2];
}

/* One figure: nanoseconds and host calls per operation. */
typedef struct bench_figure {
    double ns;
    double calls;
} bench_figure_t;

/* Fills of `pages` fresh user pages (after a full flush), kernel-view and user-view alternating. */
static bench_figure_t bench_fills(bench_tlb_t *tlb, const pv_paging_t *paging, unsigned pages)
{
    double start;
    uint64_t calls;

    bench_check(pv_shadow_flush(&tlb->shadow, false), "flush");
    calls = bench_calls;
    start = bench_now();
    for (unsigned i = 0; i < pages; i++) {
        bench_fill(tlb, paging, USER_BASE + (uint64_t)i * 4096, (i & 1) != 0 ? PV_ACCESS_USER : 0);
    }
    return (bench_figure_t){(bench_now() - start) / pages, (double)(bench_calls - calls) / pages};
}

/* A CR3 switch with `pages` user pages and the global kernel pages mapped; then the refill. */
static void bench_switch(bench_tlb_t *tlb, const pv_paging_t *paging, unsigned pages,
                         bench_figure_t *flip, bench_figure_t *refill)
{
    double start;
    uint64_t calls;

    (void)bench_fills(tlb, paging, pages);
    for (unsigned i = 0; i < KERNEL_PAGES; i++) {
        bench_fill(tlb, paging, KERNEL_BASE + (uint64_t)i * 4096, 0);
    }
    calls = bench_calls;
    start = bench_now();
    bench_check(pv_shadow_new_cr3(&tlb->shadow, paging), "new_cr3");
    *flip = (bench_figure_t){bench_now() - start, (double)(bench_calls - calls)};
    calls = bench_calls;
    start = bench_now();
    for (unsigned i = 0; i < pages; i++) {
        bench_fill(tlb, paging, USER_BASE + (uint64_t)i * 4096, (i & 1) != 0 ? PV_ACCESS_USER : 0);
    }
    *refill = (bench_figure_t){bench_now() - start, (double)(bench_calls - calls)};
}

/* INVLPG of mapped pages, one each. */
static bench_figure_t bench_invlpg(bench_tlb_t *tlb, const pv_paging_t *paging, unsigned pages)
{
    double start;
    uint64_t calls;

    (void)bench_fills(tlb, paging, pages);
    calls = bench_calls;
    start = bench_now();
    for (unsigned i = 0; i < pages; i++) {
        bench_check(pv_shadow_invalidate_page(&tlb->shadow, gva(USER_BASE + (uint64_t)i * 4096)),
                    "invalidate_page");
    }
    return (bench_figure_t){(bench_now() - start) / pages, (double)(bench_calls - calls) / pages};
}

/*
 * Evictions one at a time: with one PT and 512 page slots, the first fill in each new PT evicts
 * the previous PT and its 512 pages. Returns the median cost of such a fill.
 */
static bench_figure_t bench_evictions(bench_tlb_t *tlb, const pv_paging_t *paging)
{
    double ns[16] = {0}, calls[16] = {0};
    unsigned count = 0;

    bench_check(pv_shadow_flush(&tlb->shadow, false), "flush");
    for (unsigned pt = 0; pt < 16; pt++) {
        uint64_t base = USER_BASE + (uint64_t)pt * 512 * 4096;
        uint64_t before = bench_calls;
        double start = bench_now();

        bench_fill(tlb, paging, base, 0);
        if (pt > 0) {
            ns[count] = bench_now() - start;
            calls[count++] = (double)(bench_calls - before);
        }
        for (unsigned i = 1; i < 512; i++) {
            bench_fill(tlb, paging, base + (uint64_t)i * 4096, 0);
        }
    }
    {
        double median_calls = bench_median(calls, count);

        return (bench_figure_t){bench_median(ns, count), median_calls};
    }
}

/* Minimum and median: on a shared machine, preemption inflates whole runs, never shrinks one. */
static void bench_print(const char *what, const double *ns, const double *calls, unsigned runs)
{
    double ns_copy[64], calls_copy[64];

    double median;

    memcpy(ns_copy, ns, runs * sizeof(double));
    memcpy(calls_copy, calls, runs * sizeof(double));
    median = bench_median(ns_copy, runs); /* sorts: the minimum is first now */
    printf("  %-56s %9.0f %9.0f ns %8.1f calls\n", what, median, ns_copy[0],
           bench_median(calls_copy, runs));
}

int main(int argc, char **argv)
{
    const pv_shadow_config_t roomy = {PV_SHADOW_DEFAULT_PDPTS, PV_SHADOW_DEFAULT_PDS,
                                      PV_SHADOW_DEFAULT_PTS, PV_SHADOW_DEFAULT_PAGES};
    const pv_shadow_config_t tight = {4, 4, 8, 1024}, single = {1, 1, 1, 512};
    unsigned runs = 9;
    double fill_ns[64] = {0}, fill_calls[64] = {0}, evict_ns[64] = {0}, evict_calls[64] = {0};
    double invlpg_ns[64] = {0}, invlpg_calls[64] = {0}, one_ns[64] = {0}, one_calls[64] = {0};
    double switch_ns[3][64] = {{0}}, switch_calls[3][64] = {{0}}, refill_ns[3][64] = {{0}},
           refill_calls[3][64] = {{0}};
    static const unsigned working_sets[3] = {64, 512, 4096};
    bench_guest_t guest;
    bench_tlb_t big, small, one;
    pv_paging_t paging;
    pv_shadow_stats_t stats;
    int option;

    while ((option = getopt(argc, argv, "r:h")) != -1) {
        if (option == 'r' && atoi(optarg) >= 1 && atoi(optarg) <= 64) {
            runs = (unsigned)atoi(optarg);
        } else {
            fprintf(stderr, "usage: %s [-r runs (1-64)]\n", argv[0]);
            return option == 'h' ? 0 : 2;
        }
    }
    bench_guest_init(&guest);
    paging = bench_paging(&guest);
    bench_tlb_init(&big, &roomy, &guest);
    bench_tlb_init(&small, &tight, &guest);
    bench_tlb_init(&one, &single, &guest);
    for (unsigned run = 0; run < runs; run++) {
        bench_figure_t figure = bench_fills(&big, &paging, USER_PAGES);

        fill_ns[run] = figure.ns;
        fill_calls[run] = figure.calls;
        figure = bench_fills(&small, &paging, USER_PAGES); /* 8 PTs, 1,024 pages: evicts */
        evict_ns[run] = figure.ns;
        evict_calls[run] = figure.calls;
        figure = bench_evictions(&one, &paging);
        one_ns[run] = figure.ns;
        one_calls[run] = figure.calls;
        figure = bench_invlpg(&big, &paging, 4096);
        invlpg_ns[run] = figure.ns;
        invlpg_calls[run] = figure.calls;
        for (unsigned w = 0; w < 3; w++) {
            bench_figure_t flip, refill;

            bench_switch(&big, &paging, working_sets[w], &flip, &refill);
            switch_ns[w][run] = flip.ns;
            switch_calls[w][run] = flip.calls;
            refill_ns[w][run] = refill.ns;
            refill_calls[w][run] = refill.calls;
        }
    }
    printf("software TLB on the host model (callbacks only count), %u runs:\n", runs);
    printf("  %-56s %9s %9s    %8s\n", "", "median", "minimum", "host");
    bench_print("fill of a fresh page, default pools (8,192 pages)", fill_ns, fill_calls, runs);
    bench_print("fill under pressure (pools 4/4/8/1,024, 8,192 pages)", evict_ns, evict_calls,
                runs);
    bench_print("fill evicting a PT and its 512 pages (pools 1/1/1/512)", one_ns, one_calls, runs);
    bench_print("INVLPG of a mapped page", invlpg_ns, invlpg_calls, runs);
    for (unsigned w = 0; w < 3; w++) {
        char label[96];

        snprintf(label, sizeof(label), "CR3 switch, %u user + %u global pages mapped",
                 working_sets[w], KERNEL_PAGES);
        bench_print(label, switch_ns[w], switch_calls[w], runs);
        snprintf(label, sizeof(label), "  refill of those %u user pages", working_sets[w]);
        bench_print(label, refill_ns[w], refill_calls[w], runs);
    }
    memcpy(evict_ns, fill_ns, runs * sizeof(double));
    {
        double median = bench_median(evict_ns, runs); /* sorts: the minimum is first now */

        printf("  fills per second (default pools): %.2f million (median), %.2f million (best)\n",
               1e3 / median, 1e3 / evict_ns[0]);
    }
    pv_shadow_stats(&small.shadow, &stats);
    printf("  tight pools: %llu PT evictions, %llu pages taken back, high water %u/%u/%u/%u\n",
           (unsigned long long)stats.evictions[PV_SHADOW_POOL_PT],
           (unsigned long long)stats.evictions[PV_SHADOW_POOL_PAGE], stats.high_water[0],
           stats.high_water[1], stats.high_water[2], stats.high_water[3]);
    printf("command: make bench-pv-shadow (build/pv/bench/bench-pv-shadow -r %u)\n", runs);
    free(big.storage);
    free(small.storage);
    free(one.storage);
    free(guest.ram);
    return 0;
}
