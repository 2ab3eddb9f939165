/*
 * The Linux boot protocol's side of loading (load.h): what goes with a checked bzImage is
 * checked in turn (the mode, the command line against cmdline_size, one initrd below
 * initrd_addr_max), then boot_params (the image's setup header and the fields a loader sets),
 * the command line, a GDT and, for the 64-bit entry, an identity map are written into the boot
 * area. Guest RAM is written only there, through the checked accessors.
 */
#include "boot_area.h"
#include "boot_bytes.h"
#include "layout.h"
#include "load.h"
#include <fmt/fmt.h>

#define PAGE_BYTES       4096ull
#define TABLE_ENTRIES    512u
#define LARGE_PAGE_BYTES 0x200000ull

static size_t text_length(const char *text)
{
    size_t length = 0;

    while (text != NULL && text[length] != '\0') {
        length++;
    }
    return length;
}

/* The command line Linux gets: the declaration's, with the VMM's devices when it added them. */
static const char *linux_cmdline(const load_input_t *input)
{
    return input->cmdline_linux != NULL ? input->cmdline_linux : input->cmdline;
}

/* The initrd's place: highest below initrd_addr_max (and RAM, and 4 GiB), page aligned, above
 * the kernel's working end. False when it does not fit. */
static bool linux_initrd_place(const load_input_t *input, const load_result_t *result,
                               uint64_t *address)
{
    uint64_t size = input->modules[0].size;
    uint64_t top = (uint64_t)result->kernel.bzimage.initrd_addr_max + 1;

    if (top > input->memory->size) {
        top = input->memory->size;
    }
    if (top > GUEST_32BIT_LIMIT) {
        top = GUEST_32BIT_LIMIT;
    }
    if (size > top || ((top - size) & ~(PAGE_BYTES - 1)) < result->kernel.end) {
        return false;
    }
    *address = (top - size) & ~(PAGE_BYTES - 1);
    return true;
}

load_error_t boot_linux_check(const load_input_t *input, load_result_t *result)
{
    const bzimage_header_t *h = &result->kernel.bzimage;
    size_t initrds = input->initrd_first && input->module_count > 0 ? 1 : 0;
    size_t cmdline = text_length(linux_cmdline(input));
    const char *problem = NULL;

    if (!input->hardware_mode) {
        problem = "a bzImage boots in hardware mode only (PV mode runs PVH and multiboot1 kernels)";
    } else if (input->module_count > initrds) {
        problem = "a Linux kernel takes one initrd, and no modules=";
    } else if (cmdline > h->cmdline_size) {
        fmt_snprintf(result->message, sizeof(result->message),
                     "bzImage: the command line (%lu bytes) is longer than its cmdline_size %lu",
                     (unsigned long)cmdline, (unsigned long)h->cmdline_size);
        return LOAD_ERR_LINUX;
    } else if (initrds == 1 && !linux_initrd_place(input, result, &result->module_address[0])) {
        fmt_snprintf(result->message, sizeof(result->message),
                     "initrd %s (%lu bytes) does not fit between the kernel's end %#lx and %#lx",
                     input->modules[0].name, (unsigned long)input->modules[0].size,
                     (unsigned long)result->kernel.end, (unsigned long)h->initrd_addr_max + 1);
        return LOAD_ERR_MODULES;
    }
    if (problem != NULL) {
        fmt_snprintf(result->message, sizeof(result->message), "%s", problem);
        return LOAD_ERR_LINUX;
    }
    return LOAD_OK;
}

/* The E820 map: the VM's memory map (layout.h), the ACPI tables' area as E820_ACPI. */
static unsigned linux_e820(uint64_t ram_size, uint8_t *params)
{
    guest_memmap_t map;
    unsigned count = 0;
    const uint64_t acpi_start = GUEST_ACPI_AREA, acpi_end = acpi_start + GUEST_ACPI_AREA_SIZE;

    guest_memmap_build(ram_size, &map);
    for (unsigned i = 0; i < map.count; i++) {
        uint64_t start = map.entries[i].address, end = start + map.entries[i].length;
        /* Up to three pieces: before the ACPI area, inside it, after it. */
        uint64_t cut[4] = {start, start, end, end};
        bool split = acpi_start >= start && acpi_end <= end;
        if (split) {
            cut[1] = acpi_start;
            cut[2] = acpi_end;
        }
        for (unsigned p = 0; p < 3; p++) {
            if (cut[p + 1] > cut[p] && count < BOOT_PARAMS_E820_MAX) {
                uint8_t *entry =
                        params + BOOT_PARAMS_E820_TABLE + (size_t)count * BOOT_PARAMS_E820_BYTES;
                put64(entry, 0, cut[p]);
                put64(entry, 8, cut[p + 1] - cut[p]);
                put32(entry, 16, split && p == 1 ? E820_ACPI : map.entries[i].type);
                count++;
            }
        }
    }
    return count;
}

/* boot_params: the image's setup header, then what the loader sets. */
static uint64_t linux_boot_params(boot_area_t *area, const load_input_t *input,
                                  const load_result_t *result, uint64_t cmdline)
{
    uint8_t params[BOOT_PARAMS_BYTES] = {0};
    const bzimage_header_t *h = &result->kernel.bzimage;
    bool initrd = input->initrd_first && input->module_count > 0;

    __builtin_memcpy(params + BZ_SETUP_SECTS, input->kernel.bytes + BZ_SETUP_SECTS,
                     h->header_end - BZ_SETUP_SECTS);
    params[BZ_TYPE_OF_LOADER] = BZ_LOADER_UNDEFINED;
    if (h->heap_end_ptr != 0) {
        params[BZ_LOADFLAGS] |= BZ_CAN_USE_HEAP;
    }
    put32(params, BZ_CODE32_START, (uint32_t)h->load_address.value);
    put32(params, BZ_CMD_LINE_PTR, (uint32_t)cmdline);
    put32(params, BZ_RAMDISK_IMAGE, initrd ? (uint32_t)result->module_address[0] : 0);
    put32(params, BZ_RAMDISK_SIZE, initrd ? (uint32_t)input->modules[0].size : 0);
    if (h->version >= BZ_VERSION_RSDP) {
        put64(params, BOOT_PARAMS_ACPI_RSDP, input->rsdp);
    }
    params[BOOT_PARAMS_E820_ENTRIES] = (uint8_t)linux_e820(input->memory->size, params);
    return boot_area_put(area, params, sizeof(params), PAGE_BYTES);
}

/* The identity map of [0, end) in 2 MiB pages (end a multiple of 1 GiB, at most 4 GiB): the
 * page directories, the PDPT, the PML4; the PML4's address (CR3). */
static uint64_t linux_identity_map(boot_area_t *area, uint64_t end)
{
    uint8_t table[PAGE_BYTES];
    uint64_t directories[GUEST_32BIT_LIMIT / LINUX_IDENTITY_STEP];
    unsigned count = (unsigned)(end / LINUX_IDENTITY_STEP);
    const uint64_t link = LINUX_PTE_PRESENT | LINUX_PTE_WRITABLE;

    if (count == 0 || count > sizeof(directories) / sizeof(directories[0])) {
        area->full = true; /* only a bug: everything the guest needs lies below 4 GiB */
        return 0;
    }
    for (unsigned d = 0; d < count; d++) {
        for (unsigned i = 0; i < TABLE_ENTRIES; i++) {
            uint64_t address = d * LINUX_IDENTITY_STEP + i * LARGE_PAGE_BYTES;
            put64(table, (size_t)i * 8, address | link | LINUX_PTE_LARGE);
        }
        directories[d] = boot_area_put(area, table, sizeof(table), PAGE_BYTES);
    }
    __builtin_memset(table, 0, sizeof(table));
    for (unsigned d = 0; d < count; d++) {
        put64(table, (size_t)d * 8, directories[d] | link);
    }
    uint64_t pdpt = boot_area_put(area, table, sizeof(table), PAGE_BYTES);
    __builtin_memset(table, 0, sizeof(table));
    put64(table, 0, pdpt | link);
    return boot_area_put(area, table, sizeof(table), PAGE_BYTES);
}

/* What the 64-bit entry needs mapped: the kernel's working range, the initrd, the boot area;
 * rounded up to the page directory's 1 GiB, all of it below 4 GiB. */
static uint64_t linux_identity_end(const load_input_t *input, const load_result_t *result)
{
    uint64_t end =
            result->kernel.end > GUEST_BOOT_AREA_END ? result->kernel.end : GUEST_BOOT_AREA_END;

    if (input->initrd_first && input->module_count > 0 &&
        result->module_address[0] + input->modules[0].size > end) {
        end = result->module_address[0] + input->modules[0].size;
    }
    return (end + LINUX_IDENTITY_STEP - 1) & ~(LINUX_IDENTITY_STEP - 1);
}

uint64_t boot_linux_write(const load_input_t *input, load_result_t *result)
{
    boot_area_t area;
    linux_start_t *start = &result->linux_start;
    const bzimage_header_t *h = &result->kernel.bzimage;
    uint8_t gdt[LINUX_GDT_ENTRIES * 8] = {0};
    bool long_mode = h->entry_64;

    boot_area_init(&area, input->memory);
    *start = (linux_start_t){.long_mode = long_mode,
                             .rflags = LINUX_RFLAGS_1,
                             .cr0 = LINUX_CR0_PE | LINUX_CR0_ET,
                             .code_selector = LINUX_BOOT_CS,
                             .data_selector = LINUX_BOOT_DS,
                             .gdt_limit = sizeof(gdt) - 1};
    start->code_descriptor = linux_descriptor(
            LINUX_DESC_ACCESS_CODE, long_mode ? LINUX_DESC_FLAGS_64 : LINUX_DESC_FLAGS_32);
    start->data_descriptor = linux_descriptor(LINUX_DESC_ACCESS_DATA, LINUX_DESC_FLAGS_32);
    put64(gdt, LINUX_BOOT_CS, start->code_descriptor);
    put64(gdt, LINUX_BOOT_DS, start->data_descriptor);
    start->gdt_base = boot_area_put(&area, gdt, sizeof(gdt), 8);
    uint64_t cmdline = boot_area_put_string(&area, linux_cmdline(input));
    start->rsi = linux_boot_params(&area, input, result, cmdline);
    start->rip = h->load_address.value;
    if (long_mode) {
        start->identity_end = linux_identity_end(input, result);
        start->cr3 = linux_identity_map(&area, start->identity_end);
        start->rip = h->load_address.value + BZ_ENTRY_64_OFFSET;
        start->cr0 |= LINUX_CR0_PG;
        start->cr4 = LINUX_CR4_PAE;
        start->efer = LINUX_EFER_LME | LINUX_EFER_LMA;
    }
    return area.full ? 0 : start->rsi;
}
