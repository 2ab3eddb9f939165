/*
 * Where things are in a guest's physical address space, as the VMM lays it out for every guest
 * (a PC's first MiB, then the kernel image, the boot modules at the top of RAM), and the memory
 * map it reports. Pure: no seL4, so the loaders can be tested on the host.
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#include <stdint.h>

/* The first MiB, as on a PC. */
#define GUEST_BDA_EBDA_SEGMENT 0x40eu    /* BIOS data area: the EBDA's segment (16 bits) */
#define GUEST_BOOT_AREA        0x8000u   /* the loader's structures: start info, maps, strings */
#define GUEST_BOOT_AREA_END    0x80000u  /* ... up to here (in conventional memory) */
#define GUEST_EBDA             0x9fc00u  /* the extended BIOS data area (reported reserved) */
#define GUEST_LOW_RAM_END      0x9fc00u  /* conventional memory ends where the EBDA begins */
#define GUEST_LEGACY_HOLE      0xa0000u  /* VGA and option ROMs: not reported as RAM */
#define GUEST_BIOS_AREA        0xe0000u  /* the BIOS area: reported reserved */
#define GUEST_ACPI_AREA        0xe0000u  /* the ACPI tables */
#define GUEST_ACPI_AREA_SIZE   0x10000u  /* ... 64 KiB of them */
#define GUEST_ACPI_LEGACY_RSDP 0xf0000u  /* the RSDP's copy for guests that scan for it */
#define GUEST_HIGH_RAM         0x100000u /* RAM from 1 MiB: kernel images load here or above */
#define GUEST_32BIT_LIMIT      0x100000000ull /* entries and boot structures stay below it */

/* Memory map entry types (E820, as PVH and multiboot1 carry them). */
#define GUEST_MEM_RAM      1u
#define GUEST_MEM_RESERVED 2u

#define GUEST_MEMMAP_MAX 8

typedef struct guest_memmap_entry {
    uint64_t address;
    uint64_t length;
    uint32_t type;
} guest_memmap_entry_t;

typedef struct guest_memmap {
    guest_memmap_entry_t entries[GUEST_MEMMAP_MAX];
    unsigned count;
} guest_memmap_t;

/*
 * The map of a guest with ram_size bytes of RAM (at least 2 MiB): conventional memory, the EBDA
 * and the BIOS area reserved, RAM from 1 MiB to the end.
 */
void guest_memmap_build(uint64_t ram_size, guest_memmap_t *map);

#endif
