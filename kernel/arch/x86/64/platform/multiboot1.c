/*
 * Multiboot (version 0.6.96) information structure parser: flags-gated fields, the size-prefixed
 * memory map, the module list. Reads only through phys_map(), checks every length first.
 */
#include "boot_params_internal.h"
#include "bytes.h"
#include <arch/boot_section.h>
#include <arch/phys.h>

#define MB1_FLAG_MEMORY      (1u << 0)
#define MB1_FLAG_CMDLINE     (1u << 2)
#define MB1_FLAG_MODULES     (1u << 3)
#define MB1_FLAG_MEMORY_MAP  (1u << 6)
#define MB1_FLAG_FRAMEBUFFER (1u << 12)

/* Field offsets in the information structure. */
#define MB1_MEM_LOWER     4
#define MB1_MEM_UPPER     8
#define MB1_CMDLINE       16
#define MB1_MODS_COUNT    20
#define MB1_MODS_ADDR     24
#define MB1_MMAP_LENGTH   44
#define MB1_MMAP_ADDR     48
#define MB1_FB_ADDR       88
#define MB1_FB_PITCH      96
#define MB1_FB_WIDTH      100
#define MB1_FB_HEIGHT     104
#define MB1_FB_BPP        108
#define MB1_FB_TYPE       109
#define MB1_SIZE_BASE     88  /* through the VBE fields */
#define MB1_SIZE_FRAMEBUF 116 /* through the framebuffer colour info */

/* A memory map entry: u32 size (not counting itself), u64 base, u64 length, u32 type. */
#define MB1_MMAP_ENTRY_MIN 20

/* A module: u32 start, u32 end (exclusive), u32 string, u32 reserved. */
#define MB1_MODULE_SIZE 16

BOOT_CODE static platform_error_t multiboot1_memory_map(boot_parse_t *parse, uint32_t addr,
                                                        uint32_t length)
{
    const uint8_t *mmap;
    uint32_t offset = 0;
    platform_error_t error =
            boot_map_loader_range(parse, addr, length, "multiboot1 memory map", &mmap);

    if (error != PLATFORM_OK) {
        return error;
    }
    while (offset < length) {
        if (length - offset < 4) {
            return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot1 memory map tail");
        }
        uint32_t size = load_u32(mmap + offset);
        if (size < MB1_MMAP_ENTRY_MIN || size > length - offset - 4) {
            return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED,
                                   "multiboot1 memory map entry size");
        }
        const uint8_t *entry = mmap + offset + 4;
        error = boot_add_memory(parse, load_u64(entry), load_u64(entry + 8), load_u32(entry + 16));
        if (error != PLATFORM_OK) {
            return error;
        }
        offset += size + 4;
    }
    return PLATFORM_OK;
}

BOOT_CODE static platform_error_t multiboot1_modules(boot_parse_t *parse, uint32_t addr,
                                                     uint32_t count)
{
    const uint8_t *list;
    platform_error_t error;

    if (count == 0) {
        return PLATFORM_OK;
    }
    if (count > BOOT_MODULES_MAX) {
        return boot_parse_fail(parse, PLATFORM_ERROR_TOO_MANY, "multiboot1 modules");
    }
    error = boot_map_loader_range(parse, addr, (uint64_t)count * MB1_MODULE_SIZE,
                                  "multiboot1 module list", &list);
    if (error != PLATFORM_OK) {
        return error;
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *entry = list + (size_t)i * MB1_MODULE_SIZE;
        boot_module_t *module;
        error = boot_add_module(parse, load_u32(entry), load_u32(entry + 4), &module);
        if (error != PLATFORM_OK) {
            return error;
        }
        error = boot_copy_phys_string(parse, load_u32(entry + 8), module->cmdline,
                                      sizeof(module->cmdline), "multiboot1 module string");
        if (error != PLATFORM_OK) {
            return error;
        }
    }
    return PLATFORM_OK;
}

BOOT_CODE platform_error_t multiboot1_parse(boot_parse_t *parse, uint64_t info_phys)
{
    boot_params_t *params = parse->params;
    const uint8_t *info = phys_map(info_phys, 4);
    uint32_t flags;
    uint32_t size;
    platform_error_t error;

    if (info == NULL) {
        return boot_parse_fail(parse, PLATFORM_ERROR_UNMAPPED, "multiboot1 information");
    }
    flags = load_u32(info);
    size = (flags & MB1_FLAG_FRAMEBUFFER) ? MB1_SIZE_FRAMEBUF : MB1_SIZE_BASE;
    error = boot_map_loader_range(parse, info_phys, size, "multiboot1 information", &info);
    if (error != PLATFORM_OK) {
        return error;
    }

    if (flags & MB1_FLAG_MEMORY_MAP) {
        error = multiboot1_memory_map(parse, load_u32(info + MB1_MMAP_ADDR),
                                      load_u32(info + MB1_MMAP_LENGTH));
    } else if (flags & MB1_FLAG_MEMORY) {
        /* No map: the two KiB counts describe RAM from 0 and from 1 MiB. */
        error = boot_add_memory(parse, 0, (uint64_t)load_u32(info + MB1_MEM_LOWER) << 10,
                                MEMORY_USABLE);
        if (error == PLATFORM_OK) {
            error = boot_add_memory(parse, 0x100000, (uint64_t)load_u32(info + MB1_MEM_UPPER) << 10,
                                    MEMORY_USABLE);
        }
    }
    if (error != PLATFORM_OK) {
        return error;
    }
    if (flags & MB1_FLAG_CMDLINE) {
        error = boot_copy_phys_string(parse, load_u32(info + MB1_CMDLINE), params->cmdline,
                                      sizeof(params->cmdline), "multiboot1 command line");
        if (error != PLATFORM_OK) {
            return error;
        }
    }
    if (flags & MB1_FLAG_MODULES) {
        error = multiboot1_modules(parse, load_u32(info + MB1_MODS_ADDR),
                                   load_u32(info + MB1_MODS_COUNT));
        if (error != PLATFORM_OK) {
            return error;
        }
    }
    if (flags & MB1_FLAG_FRAMEBUFFER) {
        params->framebuffer.present = true;
        params->framebuffer.address = load_u64(info + MB1_FB_ADDR);
        params->framebuffer.pitch = load_u32(info + MB1_FB_PITCH);
        params->framebuffer.width = load_u32(info + MB1_FB_WIDTH);
        params->framebuffer.height = load_u32(info + MB1_FB_HEIGHT);
        params->framebuffer.bpp = info[MB1_FB_BPP];
        params->framebuffer.type = info[MB1_FB_TYPE];
    }
    return PLATFORM_OK;
}
