/*
 * The multiboot1 information structure (Multiboot Specification 0.6.96, 3.3), with the memory
 * map, the modules, the command line and the loader's name: what a guest entered at its
 * multiboot1 entry finds at EBX (EAX = 0x2BADB002).
 */
#include "boot_area.h"
#include "boot_bytes.h"
#include "layout.h"
#include "load.h"

/* The information structure: fields by offset. */
#define MBI_FLAGS       0
#define MBI_MEM_LOWER   4
#define MBI_MEM_UPPER   8
#define MBI_CMDLINE     16
#define MBI_MODS_COUNT  20
#define MBI_MODS_ADDR   24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR   48
#define MBI_LOADER_NAME 64
#define MBI_BYTES       88 /* up to the VBE fields, left 0 (flags 11 and 12 clear) */

#define MBI_FLAG_MEMORY      (1u << 0)
#define MBI_FLAG_CMDLINE     (1u << 2)
#define MBI_FLAG_MODS        (1u << 3)
#define MBI_FLAG_MMAP        (1u << 6)
#define MBI_FLAG_LOADER_NAME (1u << 9)

#define MBI_MODULE_BYTES ((size_t)16) /* mod_start, mod_end, string, reserved */
#define MBI_MMAP_BYTES   ((size_t)24) /* size (20: what follows it), base_addr, length, type */

#define LOADER_NAME "beaml4"

static uint64_t mbi_memmap(boot_area_t *area, uint64_t ram_size, uint32_t *length)
{
    guest_memmap_t map;
    uint8_t bytes[GUEST_MEMMAP_MAX * MBI_MMAP_BYTES] = {0};

    guest_memmap_build(ram_size, &map);
    for (unsigned i = 0; i < map.count; i++) {
        put32(bytes, i * MBI_MMAP_BYTES, (uint32_t)(MBI_MMAP_BYTES - 4));
        put64(bytes, i * MBI_MMAP_BYTES + 4, map.entries[i].address);
        put64(bytes, i * MBI_MMAP_BYTES + 12, map.entries[i].length);
        put32(bytes, i * MBI_MMAP_BYTES + 20, map.entries[i].type);
    }
    *length = (uint32_t)(map.count * MBI_MMAP_BYTES);
    return boot_area_put(area, bytes, *length, 8);
}

static uint64_t mbi_modules(boot_area_t *area, const load_input_t *input,
                            const load_result_t *result)
{
    uint8_t bytes[LOAD_MODULES_MAX * MBI_MODULE_BYTES] = {0};

    for (size_t i = 0; i < input->module_count; i++) {
        uint8_t *entry = bytes + i * MBI_MODULE_BYTES;
        put32(entry, 0, (uint32_t)result->module_address[i]);
        put32(entry, 4, (uint32_t)(result->module_address[i] + input->modules[i].size));
        put32(entry, 8, (uint32_t)boot_area_put_string(area, input->modules[i].name));
    }
    return boot_area_put(area, bytes, input->module_count * MBI_MODULE_BYTES, 8);
}

/* "KERNEL CMDLINE", as loaders pass it: the image's name first. */
static uint64_t mbi_cmdline(boot_area_t *area, const load_input_t *input)
{
    char line[LOAD_NAME_MAX + 1 + LOAD_CMDLINE_MAX + 1];
    size_t at = 0;
    const char *parts[2] = {input->kernel.name != NULL ? input->kernel.name : "kernel",
                            input->cmdline != NULL ? input->cmdline : ""};

    for (unsigned p = 0; p < 2; p++) {
        if (p == 1 && parts[1][0] == '\0') {
            break;
        }
        if (p == 1 && at + 1 < sizeof(line)) {
            line[at++] = ' ';
        }
        for (size_t i = 0; parts[p][i] != '\0' && at + 1 < sizeof(line); i++) {
            line[at++] = parts[p][i];
        }
    }
    line[at] = '\0';
    return boot_area_put_string(area, line);
}

uint64_t boot_multiboot_write(const load_input_t *input, const load_result_t *result)
{
    boot_area_t area;
    uint8_t info[MBI_BYTES] = {0};
    uint32_t mmap_length = 0;
    uint64_t ram_below_4g =
            input->memory->size < GUEST_32BIT_LIMIT ? input->memory->size : GUEST_32BIT_LIMIT;

    boot_area_init(&area, input->memory);
    put32(info, MBI_FLAGS,
          MBI_FLAG_MEMORY | MBI_FLAG_CMDLINE | MBI_FLAG_MODS | MBI_FLAG_MMAP |
                  MBI_FLAG_LOADER_NAME);
    put32(info, MBI_MEM_LOWER, GUEST_LOW_RAM_END / 1024);
    put32(info, MBI_MEM_UPPER, (uint32_t)((ram_below_4g - GUEST_HIGH_RAM) / 1024));
    put32(info, MBI_CMDLINE, (uint32_t)mbi_cmdline(&area, input));
    put32(info, MBI_MODS_COUNT, (uint32_t)input->module_count);
    put32(info, MBI_MODS_ADDR, (uint32_t)mbi_modules(&area, input, result));
    put32(info, MBI_MMAP_ADDR, (uint32_t)mbi_memmap(&area, input->memory->size, &mmap_length));
    put32(info, MBI_MMAP_LENGTH, mmap_length);
    put32(info, MBI_LOADER_NAME, (uint32_t)boot_area_put_string(&area, LOADER_NAME));
    uint64_t at = boot_area_put(&area, info, sizeof(info), 8);
    return area.full ? 0 : at;
}
