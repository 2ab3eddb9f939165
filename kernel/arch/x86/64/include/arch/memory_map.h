/*
 * The physical memory map in one normalised form, whichever loader supplied it: sorted,
 * non-overlapping, adjacent regions of one type merged. Pure logic over the entries it is given;
 * it never reads memory the entries describe.
 */
#ifndef ARCH_MEMORY_MAP_H
#define ARCH_MEMORY_MAP_H

#include <arch/platform_error.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The E820 type numbers, which multiboot1/2 and PVH all use (and seL4_X86_MemoryRegion too). */
typedef enum {
    MEMORY_USABLE = 1,
    MEMORY_RESERVED = 2,
    MEMORY_ACPI_RECLAIMABLE = 3,
    MEMORY_ACPI_NVS = 4,
    MEMORY_BAD = 5,
} memory_type_t;

/* One range of physical memory, [start, end): end is exclusive. */
typedef struct {
    uint64_t start;
    uint64_t end;
    memory_type_t type;
} memory_region_t;

/* Entries a loader may hand over; a larger map is refused with PLATFORM_ERROR_TOO_MANY. */
#define MEMORY_MAP_MAX_INPUT 128
/* n overlapping input ranges cut the line into at most 2n - 1 pieces. */
#define MEMORY_MAP_MAX_REGIONS (2 * MEMORY_MAP_MAX_INPUT)

typedef struct {
    memory_region_t regions[MEMORY_MAP_MAX_REGIONS];
    size_t count;
} memory_map_t;

/* Collects raw loader entries before normalisation. */
typedef struct {
    memory_region_t entries[MEMORY_MAP_MAX_INPUT];
    size_t count;
} memory_map_builder_t;

/* Start an empty collection. */
void memory_map_builder_init(memory_map_builder_t *builder);

/*
 * Add one loader entry (base, length, raw type). Length 0 is ignored. Types other than 1..5
 * (E820 "disabled", "persistent memory", vendor types) are recorded as MEMORY_RESERVED: the
 * kernel must not hand them out as RAM. Errors: PLATFORM_ERROR_MALFORMED when base + length does
 * not fit 64 bits (an entry reaching 2^64 itself included: its exclusive end has no
 * representation); PLATFORM_ERROR_TOO_MANY past MEMORY_MAP_MAX_INPUT entries.
 */
platform_error_t memory_map_builder_add(memory_map_builder_t *builder, uint64_t base,
                                        uint64_t length, uint32_t raw_type);

/*
 * Produce the normalised map: every address covered by some entry gets the most restrictive
 * type among the entries covering it (bad > reserved > ACPI NVS > ACPI reclaimable > usable),
 * regions sorted by address, none overlapping, neighbours of the same type merged.
 */
void memory_map_normalise(const memory_map_builder_t *builder, memory_map_t *map);

/* Sum of the lengths of the usable regions, in bytes. */
uint64_t memory_map_usable_bytes(const memory_map_t *map);

/* End of the highest usable region (0 when there is none). */
uint64_t memory_map_usable_top(const memory_map_t *map);

/* True when every byte of [start, start + length) is covered by some region (of any type). */
bool memory_map_covers(const memory_map_t *map, uint64_t start, uint64_t length);

/* Lower-case name of a type ("usable", "reserved", "acpi-reclaimable", "acpi-nvs", "bad"). */
const char *memory_type_name(memory_type_t type);

#endif
