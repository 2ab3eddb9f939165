/*
 * Boot memory: a sorted list of reservations over the normalised memory map, a first-fit page
 * allocator on top of it, and the free-RAM / device enumeration for the untyped capabilities.
 * Boot-only. Never hands out a page that the memory map does not call usable.
 */
#include <stddef.h>
#include <arch/boot_memory.h>
#include <arch/boot_section.h>
#include <arch/layout.h>
#include <arch/phys.h>

typedef struct {
    uint64_t start;
    uint64_t end;
    boot_reservation_kind_t kind;
} boot_reservation_t;

BOOT_DATA static const memory_map_t *boot_map;
BOOT_DATA static uint64_t boot_phys_top;
BOOT_DATA static boot_reservation_t reservations[BOOT_MEMORY_RESERVATIONS_MAX];
BOOT_DATA static size_t reservation_count;
BOOT_DATA static uint64_t allocated_bytes;

/* End of the image's bss (a kernel-window address); the image starts at KERNEL_PHYS_START. */
extern char __kernel_end[];

static inline uint64_t page_round_down(uint64_t value)
{
    return value & ~(uint64_t)(PAGE_SIZE - 1);
}

/* Saturates at the last page of the address space instead of wrapping to 0. */
static inline uint64_t page_round_up(uint64_t value)
{
    uint64_t rounded = (value + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    return rounded < value ? page_round_down(value) : rounded;
}

BOOT_CODE static platform_error_t boot_reserve(uint64_t start, uint64_t end,
                                               boot_reservation_kind_t kind)
{
    size_t slot;

    if (start >= end) {
        return PLATFORM_OK; /* an empty range (a zero-length module) keeps no page */
    }
    start = page_round_down(start);
    end = page_round_up(end);
    if (start >= end) {
        return PLATFORM_OK;
    }
    /*
     * An allocation right behind the last one (the usual case: first fit from the bottom) grows
     * it instead of adding an entry, which keeps the list, and so every walk over it, short.
     */
    for (size_t i = 0; kind == BOOT_RESERVE_ALLOCATION && i < reservation_count; i++) {
        if (reservations[i].kind == BOOT_RESERVE_ALLOCATION && reservations[i].end == start &&
            (i + 1 == reservation_count || reservations[i + 1].start >= end)) {
            reservations[i].end = end;
            return PLATFORM_OK;
        }
    }
    if (reservation_count == BOOT_MEMORY_RESERVATIONS_MAX) {
        return PLATFORM_ERROR_TOO_MANY;
    }
    slot = reservation_count;
    while (slot > 0 && reservations[slot - 1].start > start) {
        reservations[slot] = reservations[slot - 1];
        slot--;
    }
    reservations[slot].start = start;
    reservations[slot].end = end;
    reservations[slot].kind = kind;
    reservation_count++;
    return PLATFORM_OK;
}

BOOT_CODE static bool usable_contains(uint64_t start, uint64_t end)
{
    for (size_t i = 0; i < boot_map->count; i++) {
        const memory_region_t *region = &boot_map->regions[i];
        if (region->type == MEMORY_USABLE && region->start <= start && region->end >= end) {
            return true;
        }
    }
    return false;
}

BOOT_CODE platform_error_t boot_memory_init(const boot_params_t *params, unsigned phys_address_bits)
{
    uint64_t image_start = KERNEL_PHYS_START;
    uint64_t image_end = phys_from_kernel_pointer(__kernel_end);
    platform_error_t error;

    boot_map = &params->memory_map;
    boot_phys_top = phys_address_bits >= 64 ? UINT64_MAX : (1ull << phys_address_bits);
    reservation_count = 0;
    allocated_bytes = 0;

    if (!usable_contains(image_start, image_end)) {
        return PLATFORM_ERROR_MALFORMED;
    }
    error = boot_reserve(0, BOOT_MEMORY_LOW_RESERVED, BOOT_RESERVE_LOW_MEMORY);
    if (error == PLATFORM_OK) {
        error = boot_reserve(image_start, image_end, BOOT_RESERVE_KERNEL_IMAGE);
    }
    for (size_t i = 0; i < params->module_count && error == PLATFORM_OK; i++) {
        error = boot_reserve(params->modules[i].start, params->modules[i].end,
                             i == 0 ? BOOT_RESERVE_ROOT_TASK_MODULE : BOOT_RESERVE_MODULE);
    }
    for (size_t i = 0; i < params->loader_range_count && error == PLATFORM_OK; i++) {
        error = boot_reserve(params->loader_ranges[i].start, params->loader_ranges[i].end,
                             BOOT_RESERVE_LOADER_DATA);
    }
    return error;
}

/*
 * A walk over the ranges: the visitor, its context, and a flag the visitor may raise (through
 * its context) to end the walk early, as the allocator does once it found its range.
 */
typedef struct {
    boot_memory_visit_t visit;
    void *context;
    const bool *stop;
} walk_t;

/*
 * Visit [start, end) minus the reservations that apply (sorted by start, possibly overlapping):
 * RAM loses every RAM reservation; device space only the kernel's own devices (the first-MiB
 * reservation must not hide the VGA window from the device ranges).
 */
BOOT_CODE static size_t emit_unreserved(uint64_t start, uint64_t end, bool is_device,
                                        const walk_t *walk)
{
    uint64_t cursor = start;
    size_t count = 0;
    boot_memory_range_t range = {.is_device = is_device};

    for (size_t i = 0; i < reservation_count && cursor < end && !*walk->stop; i++) {
        const boot_reservation_t *reserved = &reservations[i];
        if (reserved->end <= cursor ||
            is_device != (reserved->kind == BOOT_RESERVE_KERNEL_DEVICE)) {
            continue;
        }
        if (reserved->start >= end) {
            break;
        }
        if (reserved->start > cursor) {
            range.start = cursor;
            range.end = reserved->start;
            walk->visit(walk->context, &range);
            count++;
        }
        cursor = reserved->end;
    }
    if (cursor < end && !*walk->stop) {
        range.start = cursor;
        range.end = end;
        walk->visit(walk->context, &range);
        count++;
    }
    return count;
}

/* Free RAM inside one usable region: page-rounded inwards, clipped to the kernel window. */
BOOT_CODE static size_t free_ram_in_region(const memory_region_t *region, const walk_t *walk)
{
    uint64_t start = page_round_up(region->start);
    uint64_t end = page_round_down(region->end);

    if (end > phys_window_limit()) {
        end = page_round_down(phys_window_limit());
    }
    return start < end ? emit_unreserved(start, end, false, walk) : 0;
}

/* A hole in the memory map: device space, page-rounded inwards, below the physical top. */
BOOT_CODE static size_t device_gap(uint64_t start, uint64_t end, const walk_t *walk)
{
    start = page_round_up(start);
    end = page_round_down(end < boot_phys_top ? end : boot_phys_top);
    return start < end ? emit_unreserved(start, end, true, walk) : 0;
}

BOOT_CODE static size_t boot_memory_walk(const walk_t *walk, bool devices)
{
    uint64_t gap_start = 0;
    size_t count = 0;

    for (size_t i = 0; i < boot_map->count && !*walk->stop; i++) {
        const memory_region_t *region = &boot_map->regions[i];
        if (devices && region->start > gap_start) {
            count += device_gap(gap_start, region->start, walk);
        }
        if (region->type == MEMORY_USABLE) {
            count += free_ram_in_region(region, walk);
        }
        gap_start = region->end;
    }
    if (devices) {
        count += device_gap(gap_start, boot_phys_top, walk);
    }
    return count;
}

size_t boot_memory_for_each_range(boot_memory_visit_t visit, void *context)
{
    static const bool never = false;
    const walk_t walk = {.visit = visit, .context = context, .stop = &never};

    return boot_memory_walk(&walk, true);
}

typedef struct {
    uint64_t size;
    uint64_t align;
    uint64_t found;
    bool done;
} alloc_search_t;

BOOT_CODE static void alloc_visit(void *context, const boot_memory_range_t *range)
{
    alloc_search_t *search = context;
    uint64_t start =
            range->start < BOOT_MEMORY_LOW_RESERVED ? BOOT_MEMORY_LOW_RESERVED : range->start;
    uint64_t aligned = (start + search->align - 1) & ~(search->align - 1);

    if (search->done || aligned < start || aligned >= range->end ||
        range->end - aligned < search->size) {
        return;
    }
    search->found = aligned;
    search->done = true;
}

/*
 * Zero [pointer, pointer + bytes) page by page, writing each page only from its first nonzero
 * word on: one repe scasq finds that word, one rep stosq clears the rest (string instructions,
 * as a C loop could become a memset call the kernel does not have). RAM still as it came from
 * power-on is zero and is then only read; where a hypervisor backs guest memory on its first
 * write (hundreds of microseconds a page here under KVM), that first write is left to whoever
 * really stores something there.
 */
static void pages_zero(void *pointer, uint64_t bytes)
{
    for (uint64_t offset = 0; offset < bytes; offset += PAGE_SIZE) {
        uint64_t *page = (uint64_t *)((uint8_t *)pointer + offset);
        uint64_t *cursor = page;
        uint64_t count = PAGE_SIZE / 8;

        __asm__ volatile("repe scasq" : "+D"(cursor), "+c"(count) : "a"(0ull) : "memory", "cc");
        /* The scan stops one word past the first nonzero word, or past the end without one. */
        cursor--;
        if (*cursor != 0) {
            count = PAGE_SIZE / 8 - (uint64_t)(cursor - page);
            __asm__ volatile("rep stosq" : "+D"(cursor), "+c"(count) : "a"(0ull) : "memory");
        }
    }
}

/* The allocation itself: reserved and counted, its contents as they were. */
BOOT_CODE static void *pages_alloc(uint64_t size, uint64_t align)
{
    alloc_search_t search = {.align = align < PAGE_SIZE ? PAGE_SIZE : align};
    void *pointer;

    if (size == 0 || (search.align & (search.align - 1)) != 0 || boot_map == NULL ||
        size > UINT64_MAX - PAGE_SIZE) {
        return NULL;
    }
    search.size = page_round_up(size);
    /* First fit: the walk ends at the first range that fits (search.done). */
    const walk_t walk = {.visit = alloc_visit, .context = &search, .stop = &search.done};
    boot_memory_walk(&walk, false);
    if (!search.done) {
        return NULL;
    }
    pointer = phys_map_writable(search.found, search.size);
    if (pointer == NULL || boot_reserve(search.found, search.found + search.size,
                                        BOOT_RESERVE_ALLOCATION) != PLATFORM_OK) {
        return NULL;
    }
    allocated_bytes += search.size;
    return pointer;
}

BOOT_CODE void *boot_memory_alloc(uint64_t size, uint64_t align)
{
    void *pointer = pages_alloc(size, align);

    if (pointer != NULL) {
        pages_zero(pointer, page_round_up(size));
    }
    return pointer;
}

BOOT_CODE void *boot_memory_alloc_unzeroed(uint64_t size, uint64_t align)
{
    return pages_alloc(size, align);
}

BOOT_CODE platform_error_t boot_memory_reserve_device(uint64_t start, uint64_t size)
{
    if (size == 0 || start + size < start) {
        return PLATFORM_ERROR_INVALID_ARGUMENT;
    }
    return boot_reserve(start, start + size, BOOT_RESERVE_KERNEL_DEVICE);
}

BOOT_CODE void boot_memory_release_boot_data(void)
{
    size_t kept = 0;
    for (size_t i = 0; i < reservation_count; i++) {
        if (reservations[i].kind != BOOT_RESERVE_ROOT_TASK_MODULE &&
            reservations[i].kind != BOOT_RESERVE_LOADER_DATA) {
            reservations[kept++] = reservations[i];
        }
    }
    reservation_count = kept;
}

BOOT_CODE static void stats_visit(void *context, const boot_memory_range_t *range)
{
    boot_memory_stats_t *stats = context;
    if (range->is_device) {
        stats->device_ranges++;
    } else {
        stats->free_ranges++;
        stats->free_bytes += range->end - range->start;
    }
}

BOOT_CODE void boot_memory_stats(boot_memory_stats_t *stats)
{
    stats->usable_bytes = memory_map_usable_bytes(boot_map);
    stats->free_bytes = 0;
    stats->free_ranges = 0;
    stats->device_ranges = 0;
    stats->allocated_bytes = allocated_bytes;
    boot_memory_for_each_range(stats_visit, stats);
    stats->reserved_bytes = stats->usable_bytes - stats->free_bytes - allocated_bytes;
}
