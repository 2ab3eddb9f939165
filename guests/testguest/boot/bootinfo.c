/*
 * Reads the loader's boot information into boot_info: the command line, usable RAM and (PVH)
 * the RSDP. Only the first 1 GiB is mapped when this runs; anything the loader put above it is
 * refused rather than followed. Nothing here writes to the loader's structures.
 */
#include "bootinfo.h"

#include <stddef.h>

#include "string.h"

boot_info_t boot_info;

#define BOOT_MAPPED_LIMIT (1ull << 30)

#define E820_RAM 1

/* hvm_start_info (version 1): fields by offset. */
#define PVH_VERSION           4
#define PVH_CMDLINE_PADDR     24
#define PVH_RSDP_PADDR        32
#define PVH_MEMMAP_PADDR      40
#define PVH_MEMMAP_ENTRIES    48
#define PVH_MEMMAP_ENTRY_SIZE 24 /* addr, size (u64), type, reserved (u32) */

/* The multiboot1 information structure: fields by offset. */
#define MB1_FLAGS        0
#define MB1_CMDLINE      16
#define MB1_MMAP_LENGTH  44
#define MB1_MMAP_ADDR    48
#define MB1_FLAG_CMDLINE (1u << 2)
#define MB1_FLAG_MMAP    (1u << 6)

#define BDA_EBDA_SEGMENT 0x40e

static bool mapped(uint64_t paddr, uint64_t length)
{
    return paddr < BOOT_MAPPED_LIMIT && length <= BOOT_MAPPED_LIMIT - paddr;
}

static uint32_t read32(uint64_t paddr)
{
    return *(volatile const uint32_t *)(uintptr_t)paddr;
}

static uint64_t read64(uint64_t paddr)
{
    return *(volatile const uint64_t *)(uintptr_t)paddr;
}

static const char *copy_cmdline(uint64_t paddr, boot_info_t *info)
{
    info->cmdline[0] = '\0';
    if (paddr == 0) {
        return NULL;
    }
    size_t i = 0;
    for (; i + 1 < sizeof(info->cmdline); i++) {
        if (!mapped(paddr + i, 1)) {
            return "command line outside the first 1 GiB";
        }
        char c = *(volatile const char *)(uintptr_t)(paddr + i);
        if (c == '\0') {
            break;
        }
        info->cmdline[i] = c;
    }
    info->cmdline[i] = '\0';
    return NULL;
}

static void add_ram(boot_info_t *info, uint64_t base, uint64_t length)
{
    if (length != 0 && info->ram_count < BOOT_REGIONS_MAX) {
        info->ram[info->ram_count].base = base;
        info->ram[info->ram_count].length = length;
        info->ram_count++;
    }
}

static const char *parse_pvh(uint32_t start_info, boot_info_t *info)
{
    if (!mapped(start_info, 56)) {
        return "PVH start info outside the first 1 GiB";
    }
    if (read32(start_info + PVH_VERSION) < 1) {
        return "PVH start info version 0 has no memory map";
    }
    const char *error = copy_cmdline(read64(start_info + PVH_CMDLINE_PADDR), info);
    if (error != NULL) {
        return error;
    }
    info->rsdp_from_loader = read64(start_info + PVH_RSDP_PADDR);
    uint64_t map = read64(start_info + PVH_MEMMAP_PADDR);
    uint32_t entries = read32(start_info + PVH_MEMMAP_ENTRIES);
    if (!mapped(map, (uint64_t)entries * PVH_MEMMAP_ENTRY_SIZE)) {
        return "PVH memory map outside the first 1 GiB";
    }
    for (uint32_t i = 0; i < entries; i++) {
        uint64_t entry = map + (uint64_t)i * PVH_MEMMAP_ENTRY_SIZE;
        if (read32(entry + 16) == E820_RAM) {
            add_ram(info, read64(entry), read64(entry + 8));
        }
    }
    return NULL;
}

static const char *parse_multiboot1(uint32_t mbi, boot_info_t *info)
{
    if (!mapped(mbi, 52)) {
        return "multiboot information outside the first 1 GiB";
    }
    uint32_t flags = read32(mbi + MB1_FLAGS);
    if (flags & MB1_FLAG_CMDLINE) {
        const char *error = copy_cmdline(read32(mbi + MB1_CMDLINE), info);
        if (error != NULL) {
            return error;
        }
    }
    if (!(flags & MB1_FLAG_MMAP)) {
        return "multiboot information has no memory map";
    }
    uint64_t map = read32(mbi + MB1_MMAP_ADDR);
    uint64_t length = read32(mbi + MB1_MMAP_LENGTH);
    if (!mapped(map, length)) {
        return "multiboot memory map outside the first 1 GiB";
    }
    /* Each entry is preceded by its own size, which does not count itself. */
    for (uint64_t offset = 0; offset + 24 <= length;) {
        uint32_t size = read32(map + offset);
        if (read32(map + offset + 20) == E820_RAM) {
            add_ram(info, read64(map + offset + 4), read64(map + offset + 12));
        }
        offset += (uint64_t)size + 4;
    }
    return NULL;
}

const char *bootinfo_parse(uint32_t entry, uint32_t magic, uint32_t info_phys, boot_info_t *info)
{
    memset(info, 0, sizeof(*info));
    /* The BIOS data area sits in page 0: hide the constant address from GCC's null checks. */
    uintptr_t bda_ebda = BDA_EBDA_SEGMENT;
    __asm__("" : "+r"(bda_ebda));
    info->ebda_base = (uint64_t)(*(volatile const uint16_t *)bda_ebda) << 4;
    if (entry == BOOT_ENTRY_PVH) {
        info->protocol = "pvh";
        if (magic != PVH_START_INFO_MAGIC) {
            return "PVH entry without the start-info magic";
        }
        return parse_pvh(info_phys, info);
    }
    if (entry == BOOT_ENTRY_MULTIBOOT1) {
        info->protocol = "multiboot1";
        if (magic != MULTIBOOT1_LOADER_MAGIC) {
            return "multiboot1 entry without the loader magic in EAX";
        }
        return parse_multiboot1(info_phys, info);
    }
    info->protocol = "unknown";
    return "entered by an unknown path";
}
