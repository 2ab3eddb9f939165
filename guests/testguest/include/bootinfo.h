/*
 * What the loader told the guest, whichever way it booted: PVH (hvm_start_info) or multiboot1
 * (the information structure). Parsed once, at boot, into one protocol-neutral record.
 */
#ifndef TESTGUEST_BOOTINFO_H
#define TESTGUEST_BOOTINFO_H

/* The values entry.S passes to guest_main: how the guest was entered. */
#define BOOT_ENTRY_MULTIBOOT1 1
#define BOOT_ENTRY_PVH        2

#define MULTIBOOT1_LOADER_MAGIC 0x2badb002u
#define PVH_START_INFO_MAGIC    0x336ec578u

#define BOOT_CMDLINE_MAX 512
#define BOOT_REGIONS_MAX 32

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>

typedef struct boot_region {
    uint64_t base;
    uint64_t length;
} boot_region_t;

typedef struct boot_info {
    const char *protocol; /* "pvh" or "multiboot1" */
    char cmdline[BOOT_CMDLINE_MAX];
    boot_region_t ram[BOOT_REGIONS_MAX]; /* usable RAM, in the loader's order */
    unsigned ram_count;
    uint64_t rsdp_from_loader; /* PVH's rsdp_paddr; 0 when the loader gave none */
    uint64_t ebda_base;        /* from the BIOS data area, read before page 0 is unmapped */
} boot_info_t;

/*
 * Fills *info from the loader's structure; returns NULL, or a message saying what was wrong.
 * Runs on the boot page tables, which map the first 1 GiB: structures above it are refused.
 */
const char *bootinfo_parse(uint32_t entry, uint32_t magic, uint32_t info_phys, boot_info_t *info);

extern boot_info_t boot_info;

#endif /* __ASSEMBLY__ */

#endif
