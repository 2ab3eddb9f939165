/*
 * The multiboot1 header of a kernel image (Multiboot Specification 0.6.96, 3.1): found in the
 * first 8 KiB, 4-byte aligned, with magic, flags and checksum summing to zero. With flag 16 (the
 * a.out kludge) the header's addresses say what to load where; without it the image must be an
 * ELF, loaded by its program headers. Flags 0-15 are requirements: one this loader cannot meet
 * refuses the image, as the specification asks.
 */
#include "layout.h"
#include "load.h"
#include <fmt/fmt.h>

#define MB1_FLAG_PAGE_ALIGN  (1u << 0)  /* modules on page boundaries: always done */
#define MB1_FLAG_MEMORY_INFO (1u << 1)  /* mem_* and the memory map: always given */
#define MB1_FLAG_VIDEO       (1u << 2)  /* a video mode: there is no display */
#define MB1_FLAG_AOUT        (1u << 16) /* the address fields below are valid */
#define MB1_REQUIRED_MASK    0xffffu
#define MB1_SUPPORTED        (MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMORY_INFO)
#define MB1_HEADER_BYTES     12u
#define MB1_AOUT_BYTES       32u

static uint32_t read32(const uint8_t *bytes)
{
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
           (uint32_t)bytes[3] << 24;
}

/* The offset of the first valid header, or -1. */
static int64_t mb1_header_find(const guest_blob_t *kernel)
{
    uint64_t limit = kernel->size < MB1_SEARCH_BYTES ? kernel->size : MB1_SEARCH_BYTES;

    for (uint64_t offset = 0; offset + MB1_HEADER_BYTES <= limit; offset += 4) {
        const uint8_t *at = kernel->bytes + offset;
        if (read32(at) == MB1_HEADER_MAGIC &&
            (uint32_t)(read32(at) + read32(at + 4) + read32(at + 8)) == 0) {
            return (int64_t)offset;
        }
    }
    return -1;
}

/* Why the a.out kludge's addresses cannot be loaded (NULL: they can), and the piece. */
static const char *mb1_aout_check(const guest_blob_t *kernel, uint64_t offset, load_piece_t *piece,
                                  uint64_t *entry_out)
{
    const uint8_t *h = kernel->bytes + offset;

    if (offset + MB1_AOUT_BYTES > kernel->size) {
        return "its address fields run past the file's end";
    }
    uint64_t header_addr = read32(h + 12);
    uint64_t load_addr = read32(h + 16);
    uint64_t load_end = read32(h + 20);
    uint64_t bss_end = read32(h + 24);
    uint64_t entry = read32(h + 28);
    if (load_addr > header_addr || header_addr - load_addr > offset) {
        return "load_addr lies before the file's start";
    }
    uint64_t file_offset = offset - (header_addr - load_addr);
    uint64_t file_size = kernel->size - file_offset;
    if (load_end != 0) {
        if (load_end <= load_addr) {
            return "load_end_addr is not above load_addr";
        }
        if (load_end - load_addr > file_size) {
            return "load_end_addr reaches past the file's end";
        }
        file_size = load_end - load_addr;
    }
    load_end = load_addr + file_size;
    if (bss_end == 0) {
        bss_end = load_end;
    } else if (bss_end < load_end) {
        return "bss_end_addr is below load_end_addr";
    }
    if (entry < load_addr || entry >= load_end) {
        return "entry_addr lies outside the loaded image";
    }
    *piece = (load_piece_t){load_addr, file_offset, file_size, bss_end - load_addr};
    *entry_out = entry;
    return NULL;
}

/* The a.out kludge: one piece from the header's addresses, inside RAM from 1 MiB. */
static load_error_t mb1_aout_plan(const guest_blob_t *kernel, uint64_t offset, uint64_t ram_size,
                                  kernel_plan_t *plan, char *message, size_t message_size)
{
    load_piece_t piece;
    uint64_t entry = 0;
    const char *problem = mb1_aout_check(kernel, offset, &piece, &entry);

    if (problem != NULL) {
        fmt_snprintf(message, message_size, "multiboot1 header at offset %lu: %s",
                     (unsigned long)offset, problem);
        return LOAD_ERR_MULTIBOOT;
    }
    if (piece.address < GUEST_HIGH_RAM || piece.address + piece.memory_size > ram_size) {
        fmt_snprintf(message, message_size,
                     "multiboot1 image %#lx-%#lx lies outside RAM from 1 MiB to %#lx",
                     (unsigned long)piece.address,
                     (unsigned long)(piece.address + piece.memory_size), (unsigned long)ram_size);
        return LOAD_ERR_PLACE;
    }
    plan->pieces[0] = piece;
    plan->piece_count = 1;
    plan->entry = (uint32_t)entry;
    return LOAD_OK;
}

/* The ELF beside an a.out kludge: only what the patch scanner reads of it (its executable
 * segments and symbols); a malformed one is simply not used. */
static void mb1_elf_for_scanner(const guest_blob_t *kernel, kernel_plan_t *plan)
{
    const elf_rules_t rules = {
            .vaddr_min = 0, .vaddr_max = UINT64_MAX, .flags = ELF_RULE_ENTRY_ANYWHERE};

    plan->elf_valid = elf_parse(kernel->bytes, kernel->size, &rules, &plan->elf, NULL) == ELF_OK;
}

load_error_t kernel_plan_multiboot(const guest_blob_t *kernel, uint64_t ram_size,
                                   kernel_plan_t *plan, char *message, size_t message_size)
{
    int64_t offset = mb1_header_find(kernel);
    load_error_t error;

    if (offset < 0) {
        fmt_snprintf(message, message_size, "no multiboot1 header");
        return LOAD_ERR_FORMAT;
    }
    uint32_t flags = read32(kernel->bytes + offset + 4);
    uint32_t unmet = flags & MB1_REQUIRED_MASK & ~(uint32_t)MB1_SUPPORTED;
    if (unmet != 0) {
        fmt_snprintf(message, message_size, "multiboot1 header asks for %s (flags %#x)",
                     (unmet & MB1_FLAG_VIDEO) ? "a video mode, and there is no display"
                                              : "what this loader does not know",
                     (unsigned)unmet);
        return LOAD_ERR_MULTIBOOT;
    }
    if (flags & MB1_FLAG_AOUT) {
        error = mb1_aout_plan(kernel, (uint64_t)offset, ram_size, plan, message, message_size);
        if (error == LOAD_OK) {
            mb1_elf_for_scanner(kernel, plan);
        }
    } else {
        error = kernel_plan_elf(kernel, ram_size, false, plan, message, message_size);
    }
    plan->protocol = GUEST_BOOT_MULTIBOOT1;
    plan->mb1_flags = flags;
    return error;
}
