/*
 * The PVH boot structure (Xen's HVM direct boot ABI: hvm_start_info version 1, with its module
 * list and memory map): what a guest entered at its PVH note's entry finds at EBX.
 */
#include "boot_area.h"
#include "boot_bytes.h"
#include "layout.h"
#include "load.h"

/* hvm_start_info: fields by offset. */
#define PVH_MAGIC          0
#define PVH_VERSION        4
#define PVH_FLAGS          8
#define PVH_NR_MODULES     12
#define PVH_MODLIST_PADDR  16
#define PVH_CMDLINE_PADDR  24
#define PVH_RSDP_PADDR     32
#define PVH_MEMMAP_PADDR   40
#define PVH_MEMMAP_ENTRIES 48
#define PVH_INFO_BYTES     56

/* hvm_modlist_entry and hvm_memmap_table_entry. */
#define PVH_MODULE_BYTES ((size_t)32) /* paddr, size, cmdline_paddr, reserved */
#define PVH_MEMMAP_BYTES ((size_t)24) /* addr, size, type (32 bits), reserved (32 bits) */

static uint64_t pvh_memmap(boot_area_t *area, uint64_t ram_size, unsigned *entries)
{
    guest_memmap_t map;
    uint8_t bytes[GUEST_MEMMAP_MAX * PVH_MEMMAP_BYTES] = {0};

    guest_memmap_build(ram_size, &map);
    for (unsigned i = 0; i < map.count; i++) {
        put64(bytes, i * PVH_MEMMAP_BYTES, map.entries[i].address);
        put64(bytes, i * PVH_MEMMAP_BYTES + 8, map.entries[i].length);
        put32(bytes, i * PVH_MEMMAP_BYTES + 16, map.entries[i].type);
    }
    *entries = map.count;
    return boot_area_put(area, bytes, map.count * PVH_MEMMAP_BYTES, 8);
}

static uint64_t pvh_modules(boot_area_t *area, const load_input_t *input,
                            const load_result_t *result)
{
    uint8_t bytes[LOAD_MODULES_MAX * PVH_MODULE_BYTES] = {0};

    if (input->module_count == 0) {
        return 0;
    }
    for (size_t i = 0; i < input->module_count; i++) {
        uint8_t *entry = bytes + i * PVH_MODULE_BYTES;
        put64(entry, 0, result->module_address[i]);
        put64(entry, 8, input->modules[i].size);
        put64(entry, 16, boot_area_put_string(area, input->modules[i].name));
    }
    return boot_area_put(area, bytes, input->module_count * PVH_MODULE_BYTES, 8);
}

uint64_t boot_pvh_write(const load_input_t *input, const load_result_t *result)
{
    boot_area_t area;
    uint8_t info[PVH_INFO_BYTES] = {0};
    unsigned memmap_entries = 0;

    boot_area_init(&area, input->memory);
    put32(info, PVH_MAGIC, PVH_START_MAGIC);
    put32(info, PVH_VERSION, 1);
    put32(info, PVH_FLAGS, 0);
    put32(info, PVH_NR_MODULES, (uint32_t)input->module_count);
    put64(info, PVH_MODLIST_PADDR, pvh_modules(&area, input, result));
    put64(info, PVH_CMDLINE_PADDR, boot_area_put_string(&area, input->cmdline));
    put64(info, PVH_RSDP_PADDR, input->rsdp);
    put64(info, PVH_MEMMAP_PADDR, pvh_memmap(&area, input->memory->size, &memmap_entries));
    put32(info, PVH_MEMMAP_ENTRIES, memmap_entries);
    uint64_t at = boot_area_put(&area, info, sizeof(info), 8);
    return area.full ? 0 : at;
}
