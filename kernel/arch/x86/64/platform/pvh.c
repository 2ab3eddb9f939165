/*
 * PVH start-of-day information (hvm_start_info, versions 0 and 1) parser: module list, command
 * line, RSDP pointer and, from version 1, the E820-style memory map. Address 0 means absent.
 */
#include "boot_params_internal.h"
#include "bytes.h"
#include <arch/boot_section.h>
#include <arch/phys.h>

#define PVH_MAGIC_VALUE    0x336ec578u
#define PVH_VERSION        4
#define PVH_NR_MODULES     12
#define PVH_MODLIST_PADDR  16
#define PVH_CMDLINE_PADDR  24
#define PVH_RSDP_PADDR     32
#define PVH_MEMMAP_PADDR   40
#define PVH_MEMMAP_ENTRIES 48
#define PVH_SIZE_V0        40
#define PVH_SIZE_V1        56
#define PVH_MODULE_SIZE    32 /* u64 paddr, u64 size, u64 cmdline_paddr, u64 reserved */
#define PVH_MEMMAP_ENTRY   24 /* u64 addr, u64 size, u32 type, u32 reserved */

BOOT_CODE static platform_error_t pvh_memory_map(boot_parse_t *parse, uint64_t addr, uint32_t count)
{
    const uint8_t *table;
    platform_error_t error;

    if (count > MEMORY_MAP_MAX_INPUT) {
        return boot_parse_fail(parse, PLATFORM_ERROR_TOO_MANY, "pvh memory map entries");
    }
    if (addr == 0) {
        return boot_parse_fail(parse, PLATFORM_ERROR_UNMAPPED, "pvh memory map");
    }
    error = boot_map_loader_range(parse, addr, (uint64_t)count * PVH_MEMMAP_ENTRY, "pvh memory map",
                                  &table);
    for (uint32_t i = 0; i < count && error == PLATFORM_OK; i++) {
        const uint8_t *entry = table + (uint64_t)i * PVH_MEMMAP_ENTRY;
        error = boot_add_memory(parse, load_u64(entry), load_u64(entry + 8), load_u32(entry + 16));
    }
    return error;
}

BOOT_CODE static platform_error_t pvh_modules(boot_parse_t *parse, uint64_t addr, uint32_t count)
{
    const uint8_t *list;
    platform_error_t error;

    if (count == 0) {
        return PLATFORM_OK;
    }
    if (count > BOOT_MODULES_MAX) {
        return boot_parse_fail(parse, PLATFORM_ERROR_TOO_MANY, "pvh modules");
    }
    if (addr == 0) {
        return boot_parse_fail(parse, PLATFORM_ERROR_UNMAPPED, "pvh module list");
    }
    error = boot_map_loader_range(parse, addr, (uint64_t)count * PVH_MODULE_SIZE, "pvh module list",
                                  &list);
    for (uint32_t i = 0; i < count && error == PLATFORM_OK; i++) {
        const uint8_t *entry = list + (uint64_t)i * PVH_MODULE_SIZE;
        uint64_t start = load_u64(entry);
        uint64_t size = load_u64(entry + 8);
        boot_module_t *module;
        if (start + size < start) {
            return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "pvh module size");
        }
        error = boot_add_module(parse, start, start + size, &module);
        if (error == PLATFORM_OK) {
            error = boot_copy_phys_string(parse, load_u64(entry + 16), module->cmdline,
                                          sizeof(module->cmdline), "pvh module command line");
        }
    }
    return error;
}

BOOT_CODE platform_error_t pvh_parse(boot_parse_t *parse, uint64_t info_phys)
{
    boot_params_t *params = parse->params;
    const uint8_t *info = phys_map(info_phys, PVH_SIZE_V0);
    uint32_t version;
    uint32_t size;
    platform_error_t error;

    if (info == NULL) {
        return boot_parse_fail(parse, PLATFORM_ERROR_UNMAPPED, "pvh start info");
    }
    if (load_u32(info) != PVH_MAGIC_VALUE) {
        return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "pvh start info magic");
    }
    version = load_u32(info + PVH_VERSION);
    size = version >= 1 ? PVH_SIZE_V1 : PVH_SIZE_V0;
    error = boot_map_loader_range(parse, info_phys, size, "pvh start info", &info);
    if (error != PLATFORM_OK) {
        return error;
    }
    if (version >= 1 && load_u32(info + PVH_MEMMAP_ENTRIES) != 0) {
        error = pvh_memory_map(parse, load_u64(info + PVH_MEMMAP_PADDR),
                               load_u32(info + PVH_MEMMAP_ENTRIES));
        if (error != PLATFORM_OK) {
            return error;
        }
    }
    error = pvh_modules(parse, load_u64(info + PVH_MODLIST_PADDR), load_u32(info + PVH_NR_MODULES));
    if (error != PLATFORM_OK) {
        return error;
    }
    error = boot_copy_phys_string(parse, load_u64(info + PVH_CMDLINE_PADDR), params->cmdline,
                                  sizeof(params->cmdline), "pvh command line");
    if (error != PLATFORM_OK) {
        return error;
    }
    params->rsdp_phys = load_u64(info + PVH_RSDP_PADDR);
    return PLATFORM_OK;
}
