/*
 * The guest's memory map (layout.h): what a PC's firmware would report for this much RAM.
 */
#include "layout.h"

static void memmap_add(guest_memmap_t *map, uint64_t address, uint64_t end, uint32_t type)
{
    if (end > address && map->count < GUEST_MEMMAP_MAX) {
        map->entries[map->count].address = address;
        map->entries[map->count].length = end - address;
        map->entries[map->count].type = type;
        map->count++;
    }
}

void guest_memmap_build(uint64_t ram_size, guest_memmap_t *map)
{
    map->count = 0;
    memmap_add(map, 0, GUEST_LOW_RAM_END, GUEST_MEM_RAM);
    memmap_add(map, GUEST_EBDA, GUEST_LEGACY_HOLE, GUEST_MEM_RESERVED);
    memmap_add(map, GUEST_BIOS_AREA, GUEST_HIGH_RAM, GUEST_MEM_RESERVED);
    memmap_add(map, GUEST_HIGH_RAM, ram_size, GUEST_MEM_RAM);
}
