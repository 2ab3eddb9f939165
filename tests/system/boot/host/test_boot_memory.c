/*
 * Host tests of boot memory: the free-RAM and device enumeration agrees page by page with a
 * model built from the memory map and the reservations (random maps, modules, loader data,
 * kernel devices, allocations, module release), and the allocator hands out aligned pages of
 * free RAM only, zeroed (or untouched, from the unzeroed variant).
 */
#include "fake_phys.h"
#include "tests.h"
#include <arch/boot_memory.h>
#include <arch/layout.h>
#include <arch/phys.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define WINDOW     (16u << 20) /* fake memory = what the "kernel window" maps */
#define PHYS_BITS  26          /* 64 MiB of physical address space */
#define PAGES      ((1u << PHYS_BITS) / PAGE_SIZE)
#define RANGES_MAX 64

typedef struct {
    uint64_t start;
    uint64_t end;
} span_t;

typedef struct {
    /* low MiB, kernel, modules after the first, loader data, allocations */
    span_t ram_reserved[RANGES_MAX];
    size_t ram_reserved_count;
    span_t loader[RANGES_MAX]; /* the first module and loader data: released together */
    size_t loader_count;
    span_t devices[RANGES_MAX];
    size_t device_count;
} model_t;

enum { PAGE_NEITHER = 0, PAGE_FREE_RAM = 1, PAGE_DEVICE = 2 };

static boot_params_t params;
static model_t model;
static uint8_t expected[PAGES];
static uint8_t reported[PAGES];
static bool overlap_seen;
static bool order_broken;
static uint64_t last_end;

static bool intersects(uint64_t a_start, uint64_t a_end, const span_t *spans, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (a_start < spans[i].end && spans[i].start < a_end) {
            return true;
        }
    }
    return false;
}

static void model_classify(bool released)
{
    const memory_map_t *map = &params.memory_map;
    for (uint64_t page = 0; page < PAGES; page++) {
        uint64_t start = page * PAGE_SIZE;
        uint64_t end = start + PAGE_SIZE;
        bool in_usable = false;
        bool touches_map = false;
        for (size_t r = 0; r < map->count; r++) {
            const memory_region_t *region = &map->regions[r];
            if (region->start < end && start < region->end) {
                touches_map = true;
                in_usable |= region->type == MEMORY_USABLE && region->start <= start &&
                             region->end >= end;
            }
        }
        bool reserved = intersects(start, end, model.ram_reserved, model.ram_reserved_count) ||
                        (!released && intersects(start, end, model.loader, model.loader_count));
        if (in_usable && end <= WINDOW && !reserved) {
            expected[page] = PAGE_FREE_RAM;
        } else if (!touches_map && !intersects(start, end, model.devices, model.device_count)) {
            expected[page] = PAGE_DEVICE;
        } else {
            expected[page] = PAGE_NEITHER;
        }
    }
}

static void record_range(void *context, const boot_memory_range_t *range)
{
    (void)context;
    if (range->start < last_end || range->start % PAGE_SIZE || range->end % PAGE_SIZE ||
        range->end <= range->start) {
        order_broken = true;
    }
    last_end = range->end;
    for (uint64_t page = range->start / PAGE_SIZE; page < range->end / PAGE_SIZE; page++) {
        assert_true(page < PAGES);
        if (reported[page] != PAGE_NEITHER) {
            overlap_seen = true;
        }
        reported[page] = range->is_device ? PAGE_DEVICE : PAGE_FREE_RAM;
    }
}

static void compare_with_model(bool released)
{
    boot_memory_stats_t stats;
    uint64_t free_pages = 0;

    model_classify(released);
    memset(reported, 0, sizeof(reported));
    overlap_seen = false;
    order_broken = false;
    last_end = 0;
    boot_memory_for_each_range(record_range, NULL);
    assert_false(overlap_seen);
    assert_false(order_broken);
    for (uint64_t page = 0; page < PAGES; page++) {
        if (reported[page] != expected[page]) {
            fail_msg("page %#llx: enumeration says %d, model %d", (unsigned long long)page,
                     reported[page], expected[page]);
        }
        free_pages += expected[page] == PAGE_FREE_RAM;
    }
    boot_memory_stats(&stats);
    assert_int_equal(stats.free_bytes, free_pages * PAGE_SIZE);
}

static void add_span(span_t *spans, size_t *count, uint64_t start, uint64_t end)
{
    spans[*count].start = start;
    spans[*count].end = end;
    (*count)++;
}

static uint64_t random_below(uint64_t limit)
{
    return (((uint64_t)rand() << 31) ^ (uint64_t)rand()) % limit;
}

/* A random map around a usable [1 MiB, 4 MiB) that holds the "kernel". */
static void random_setup(void)
{
    static memory_map_builder_t builder;

    memset(&params, 0, sizeof(params));
    memset(&model, 0, sizeof(model));
    memory_map_builder_init(&builder);
    memory_map_builder_add(&builder, 0, 0x9fc00, MEMORY_USABLE);
    memory_map_builder_add(&builder, 0x100000, 0x300000, MEMORY_USABLE);
    int extra = rand() % 8;
    for (int i = 0; i < extra; i++) {
        uint64_t base = random_below(1u << PHYS_BITS) & ~0x3ffull; /* KiB: not page aligned */
        uint64_t length = 1024 + random_below(24u << 20);
        uint32_t type = rand() % 3 == 0 ? 1 + (uint32_t)(rand() % 6) : MEMORY_USABLE;
        memory_map_builder_add(&builder, base, length, type);
    }
    memory_map_normalise(&builder, &params.memory_map);

    fake_kernel_end_phys = 0x100000 + 0x1000 + random_below(0x100000);
    add_span(model.ram_reserved, &model.ram_reserved_count, 0, BOOT_MEMORY_LOW_RESERVED);
    add_span(model.ram_reserved, &model.ram_reserved_count, KERNEL_PHYS_START,
             fake_kernel_end_phys);
    params.module_count = (size_t)(rand() % 4);
    for (size_t m = 0; m < params.module_count; m++) {
        params.modules[m].start = 0x200000 + random_below(0xc00000);
        params.modules[m].end = params.modules[m].start + random_below(0x40000);
        /* The root task's module is released after boot, the others stay reserved. */
        if (m == 0) {
            add_span(model.loader, &model.loader_count, params.modules[m].start,
                     params.modules[m].end);
        } else {
            add_span(model.ram_reserved, &model.ram_reserved_count, params.modules[m].start,
                     params.modules[m].end);
        }
    }
    params.loader_range_count = (size_t)(rand() % 3);
    for (size_t l = 0; l < params.loader_range_count; l++) {
        params.loader_ranges[l].start = random_below(WINDOW);
        params.loader_ranges[l].end = params.loader_ranges[l].start + 1 + random_below(0x3000);
        add_span(model.loader, &model.loader_count, params.loader_ranges[l].start,
                 params.loader_ranges[l].end);
    }
}

/* Allocate and report the physical address the way the kernel's callers compute it. */
static void *alloc_as(bool zeroed, uint64_t size, uint64_t align, uint64_t *phys)
{
    void *pointer =
            zeroed ? boot_memory_alloc(size, align) : boot_memory_alloc_unzeroed(size, align);
    *phys = pointer == NULL ? 0 : phys_from_kernel_pointer(pointer);
    return pointer;
}

static void *alloc(uint64_t size, uint64_t align, uint64_t *phys)
{
    return alloc_as(true, size, align, phys);
}

static bool kernel_in_usable(void)
{
    for (size_t r = 0; r < params.memory_map.count; r++) {
        const memory_region_t *region = &params.memory_map.regions[r];
        if (region->type == MEMORY_USABLE && region->start <= KERNEL_PHYS_START &&
            region->end >= fake_kernel_end_phys) {
            return true;
        }
    }
    return false;
}

static void test_enumeration_matches_model(void **state)
{
    (void)state;
    int checked = 0;

    srand(7);
    fake_memory_reset(WINDOW);
    for (int trial = 0; trial < 60; trial++) {
        random_setup();
        platform_error_t error = boot_memory_init(&params, PHYS_BITS);
        if (!kernel_in_usable()) {
            assert_int_equal(error, PLATFORM_ERROR_MALFORMED);
            continue;
        }
        assert_int_equal(error, PLATFORM_OK);
        int devices = rand() % 3;
        for (int d = 0; d < devices; d++) {
            uint64_t start = random_below(1u << PHYS_BITS);
            uint64_t size = 1 + random_below(0x2000);
            assert_int_equal(boot_memory_reserve_device(start, size), PLATFORM_OK);
            add_span(model.devices, &model.device_count, start, start + size);
        }
        compare_with_model(false);

        for (int a = 0; a < 4; a++) {
            uint64_t size = 1 + random_below(0x20000);
            uint64_t align = 1ull << (12 + rand() % 10);
            uint64_t phys = 0;
            bool zeroed = a % 2 == 0;
            memset(fake_memory, 0xa5, WINDOW);
            uint8_t *pointer = alloc_as(zeroed, size, align, &phys);
            if (pointer == NULL) {
                continue;
            }
            uint64_t rounded = (size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
            assert_int_equal(phys % align, 0);
            assert_true(phys >= BOOT_MEMORY_LOW_RESERVED);
            assert_ptr_equal(pointer, fake_memory + phys);
            for (uint64_t p = phys / PAGE_SIZE; p < (phys + rounded) / PAGE_SIZE; p++) {
                assert_int_equal(expected[p], PAGE_FREE_RAM); /* was free before */
            }
            /* Zeroed, or (the unzeroed variant) exactly as it was. */
            for (uint64_t i = 0; i < rounded; i++) {
                assert_int_equal(pointer[i], zeroed ? 0 : 0xa5);
            }
            add_span(model.ram_reserved, &model.ram_reserved_count, phys, phys + rounded);
            compare_with_model(false);
        }
        boot_memory_release_boot_data();
        compare_with_model(true);
        checked++;
    }
    assert_true(checked > 20);
}

static void test_fixed_layout(void **state)
{
    (void)state;
    static memory_map_builder_t builder;
    boot_memory_stats_t stats;

    fake_memory_reset(WINDOW);
    memset(&params, 0, sizeof(params));
    memory_map_builder_init(&builder);
    memory_map_builder_add(&builder, 0, 0x9fc00, MEMORY_USABLE);
    memory_map_builder_add(&builder, 0x9fc00, 0x400, MEMORY_RESERVED);
    memory_map_builder_add(&builder, 0xf0000, 0x10000, MEMORY_RESERVED);
    memory_map_builder_add(&builder, 0x100000, 0x1f00000, MEMORY_USABLE); /* to 32 MiB */
    memory_map_normalise(&builder, &params.memory_map);
    fake_kernel_end_phys = 0x180000;
    params.module_count = 1;
    params.modules[0].start = 0x200000;
    params.modules[0].end = 0x200001; /* one byte keeps a whole page */
    assert_int_equal(boot_memory_init(&params, PHYS_BITS), PLATFORM_OK);
    assert_int_equal(boot_memory_reserve_device(0xfee00000ull & ((1u << PHYS_BITS) - 1), 1),
                     PLATFORM_OK);
    assert_int_equal(boot_memory_reserve_device(5, 0), PLATFORM_ERROR_INVALID_ARGUMENT);

    boot_memory_stats(&stats);
    /* Free: [1.5 MiB, 2 MiB) and [2 MiB + 4 KiB, 16 MiB): RAM above the window is left out. */
    assert_int_equal(stats.free_bytes, (0x200000 - 0x180000) + (WINDOW - 0x201000));
    assert_int_equal(stats.free_ranges, 2);
    /* Devices: the VGA hole [0xa0000, 0xf0000) and [32 MiB, 64 MiB) split by the LAPIC page. */
    assert_int_equal(stats.device_ranges, 3);

    /* First fit above the kernel; alignment honoured; impossible requests refused. */
    uint64_t phys;
    assert_non_null(alloc(1, 0, &phys));
    assert_int_equal(phys, 0x180000);
    assert_non_null(alloc(0x1000, 0x200000, &phys));
    assert_int_equal(phys, 0x400000);
    assert_null(alloc(0, 0x1000, &phys));
    assert_null(alloc(0x1000, 0x3000, &phys));
    assert_null(alloc(WINDOW, 0x1000, &phys));
    assert_null(alloc(UINT64_MAX, 0x1000, &phys));
    boot_memory_stats(&stats);
    assert_int_equal(stats.allocated_bytes, 0x2000);

    boot_memory_release_boot_data();
    boot_memory_stats(&stats);
    assert_int_equal(stats.free_bytes,
                     (0x200000 - 0x181000) + 0x1000 + (WINDOW - 0x201000) - 0x1000);
}

/*
 * Zeroing writes only from a page's first nonzero byte on, so pages must come back zero whatever
 * they held: all zero, one stray byte anywhere (first, last, in between), fully dirty.
 */
static void test_alloc_zeroes_partly_dirty_pages(void **state)
{
    (void)state;
    static memory_map_builder_t builder;
    const uint64_t pages = 64;

    srand(5);
    for (int round = 0; round < 20; round++) {
        fake_memory_reset(WINDOW);
        memset(&params, 0, sizeof(params));
        memory_map_builder_init(&builder);
        memory_map_builder_add(&builder, 0, 0x9fc00, MEMORY_USABLE);
        memory_map_builder_add(&builder, 0x100000, WINDOW - 0x100000, MEMORY_USABLE);
        memory_map_normalise(&builder, &params.memory_map);
        fake_kernel_end_phys = 0x180000;
        assert_int_equal(boot_memory_init(&params, PHYS_BITS), PLATFORM_OK);
        for (uint64_t p = 0; p < pages; p++) {
            uint8_t *page = fake_memory + 0x180000 + p * PAGE_SIZE;
            switch (rand() % 5) {
            case 0:
                break; /* already zero */
            case 1:
                page[0] = 1;
                break;
            case 2:
                page[PAGE_SIZE - 1] = 0x80;
                break;
            case 3:
                page[rand() % PAGE_SIZE] = (uint8_t)(1 + rand() % 255);
                break;
            default:
                memset(page, 0x5a, PAGE_SIZE);
                break;
            }
        }
        uint64_t phys;
        uint8_t *pointer = alloc(pages * PAGE_SIZE, 0, &phys);
        assert_non_null(pointer);
        assert_int_equal(phys, 0x180000);
        for (uint64_t i = 0; i < pages * PAGE_SIZE; i++) {
            assert_int_equal(pointer[i], 0);
        }
    }
}

int test_boot_memory_run(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fixed_layout),
            cmocka_unit_test(test_alloc_zeroes_partly_dirty_pages),
            cmocka_unit_test(test_enumeration_matches_model),
    };
    return cmocka_run_group_tests_name("boot memory", tests, NULL, NULL);
}
