/*
 * Normalising a loader's memory map: cut the address line at every entry boundary, give each
 * piece the most restrictive type covering it, merge neighbours. Pure logic: never touches the
 * memory it describes.
 */
#include <arch/boot_section.h>
#include <arch/memory_map.h>

BOOT_CODE void memory_map_builder_init(memory_map_builder_t *builder)
{
    builder->count = 0;
}

static memory_type_t memory_type_from_raw(uint32_t raw_type)
{
    switch (raw_type) {
    case MEMORY_USABLE:
    case MEMORY_RESERVED:
    case MEMORY_ACPI_RECLAIMABLE:
    case MEMORY_ACPI_NVS:
    case MEMORY_BAD:
        return (memory_type_t)raw_type;
    default:
        return MEMORY_RESERVED;
    }
}

BOOT_CODE platform_error_t memory_map_builder_add(memory_map_builder_t *builder, uint64_t base,
                                                  uint64_t length, uint32_t raw_type)
{
    if (length == 0) {
        return PLATFORM_OK;
    }
    if (base + length <= base) {
        return PLATFORM_ERROR_MALFORMED;
    }
    if (builder->count == MEMORY_MAP_MAX_INPUT) {
        return PLATFORM_ERROR_TOO_MANY;
    }
    builder->entries[builder->count].start = base;
    builder->entries[builder->count].end = base + length;
    builder->entries[builder->count].type = memory_type_from_raw(raw_type);
    builder->count++;
    return PLATFORM_OK;
}

/* Higher wins where entries overlap: never let a firmware claim be handed out as RAM. */
static unsigned memory_type_rank(memory_type_t type)
{
    switch (type) {
    case MEMORY_USABLE:
        return 1;
    case MEMORY_ACPI_RECLAIMABLE:
        return 2;
    case MEMORY_ACPI_NVS:
        return 3;
    case MEMORY_RESERVED:
        return 4;
    case MEMORY_BAD:
        return 5;
    }
    return 4;
}

static void boundaries_sort(uint64_t *points, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        uint64_t value = points[i];
        size_t j = i;
        while (j > 0 && points[j - 1] > value) {
            points[j] = points[j - 1];
            j--;
        }
        points[j] = value;
    }
}

/* The winning type over [low, high), or 0 when no entry covers it. */
static unsigned piece_rank(const memory_map_builder_t *builder, uint64_t low, uint64_t high,
                           memory_type_t *type)
{
    unsigned best = 0;
    for (size_t i = 0; i < builder->count; i++) {
        const memory_region_t *entry = &builder->entries[i];
        if (entry->start <= low && entry->end >= high) {
            unsigned rank = memory_type_rank(entry->type);
            if (rank > best) {
                best = rank;
                *type = entry->type;
            }
        }
    }
    return best;
}

BOOT_CODE void memory_map_normalise(const memory_map_builder_t *builder, memory_map_t *map)
{
    uint64_t points[2 * MEMORY_MAP_MAX_INPUT];
    size_t point_count = 0;

    for (size_t i = 0; i < builder->count; i++) {
        points[point_count++] = builder->entries[i].start;
        points[point_count++] = builder->entries[i].end;
    }
    boundaries_sort(points, point_count);

    map->count = 0;
    for (size_t i = 0; i + 1 < point_count; i++) {
        uint64_t low = points[i];
        uint64_t high = points[i + 1];
        memory_type_t type = MEMORY_RESERVED;
        if (low == high || piece_rank(builder, low, high, &type) == 0) {
            continue;
        }
        if (map->count > 0) {
            memory_region_t *last = &map->regions[map->count - 1];
            if (last->end == low && last->type == type) {
                last->end = high;
                continue;
            }
        }
        map->regions[map->count].start = low;
        map->regions[map->count].end = high;
        map->regions[map->count].type = type;
        map->count++;
    }
}

uint64_t memory_map_usable_bytes(const memory_map_t *map)
{
    uint64_t total = 0;
    for (size_t i = 0; i < map->count; i++) {
        if (map->regions[i].type == MEMORY_USABLE) {
            total += map->regions[i].end - map->regions[i].start;
        }
    }
    return total;
}

uint64_t memory_map_usable_top(const memory_map_t *map)
{
    uint64_t top = 0;
    for (size_t i = 0; i < map->count; i++) {
        if (map->regions[i].type == MEMORY_USABLE && map->regions[i].end > top) {
            top = map->regions[i].end;
        }
    }
    return top;
}

bool memory_map_covers(const memory_map_t *map, uint64_t start, uint64_t length)
{
    uint64_t cursor = start;
    uint64_t end = start + length;

    if (end < start) {
        return false;
    }
    /* Regions are sorted and disjoint: walk them while they continue the covered stretch. */
    for (size_t i = 0; i < map->count && cursor < end; i++) {
        const memory_region_t *region = &map->regions[i];
        if (region->end <= cursor) {
            continue;
        }
        if (region->start > cursor) {
            return false;
        }
        cursor = region->end;
    }
    return cursor >= end;
}

const char *memory_type_name(memory_type_t type)
{
    switch (type) {
    case MEMORY_USABLE:
        return "usable";
    case MEMORY_RESERVED:
        return "reserved";
    case MEMORY_ACPI_RECLAIMABLE:
        return "acpi-reclaimable";
    case MEMORY_ACPI_NVS:
        return "acpi-nvs";
    case MEMORY_BAD:
        return "bad";
    }
    return "unknown";
}
