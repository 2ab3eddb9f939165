/*
 * Multiboot2 boot information parser: a size-prefixed list of 8-byte aligned tags ending with
 * an end tag. Every tag must lie inside total_size and meet its type's minimum size.
 */
#include "boot_params_internal.h"
#include "bytes.h"
#include <arch/boot_section.h>
#include <arch/phys.h>

#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_MODULE      3
#define MB2_TAG_BASIC_MEM   4
#define MB2_TAG_MEMORY_MAP  6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15

#define MB2_HEADER_SIZE     8 /* u32 total_size, u32 reserved */
#define MB2_TAG_HEADER_SIZE 8 /* u32 type, u32 size */
#define MB2_INFO_MAX        (1u << 20)

/* Minimum tag sizes (header included). */
#define MB2_MODULE_MIN      17 /* start, end, then at least the string's NUL */
#define MB2_BASIC_MEM_MIN   16
#define MB2_MEMORY_MAP_MIN  16 /* entry_size, entry_version, then the entries */
#define MB2_MMAP_ENTRY_MIN  24 /* u64 base, u64 length, u32 type, u32 reserved */
#define MB2_FRAMEBUFFER_MIN 30 /* through framebuffer_type */

typedef struct {
    bool have_memory_map;
    bool have_basic_memory;
    uint32_t mem_lower_kib;
    uint32_t mem_upper_kib;
    bool have_new_rsdp;
} multiboot2_state_t;

BOOT_CODE static platform_error_t multiboot2_memory_map(boot_parse_t *parse, const uint8_t *tag,
                                                        uint32_t size)
{
    uint32_t entry_size;

    if (size < MB2_MEMORY_MAP_MIN) {
        return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 memory map tag");
    }
    entry_size = load_u32(tag + 8);
    if (entry_size < MB2_MMAP_ENTRY_MIN || entry_size % 8 != 0) {
        return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 memory map entry size");
    }
    for (uint32_t offset = MB2_MEMORY_MAP_MIN; size - offset >= entry_size; offset += entry_size) {
        const uint8_t *entry = tag + offset;
        platform_error_t error =
                boot_add_memory(parse, load_u64(entry), load_u64(entry + 8), load_u32(entry + 16));
        if (error != PLATFORM_OK) {
            return error;
        }
    }
    return PLATFORM_OK;
}

/* GRUB hands the kernel's and each module's words on with a backslash before every backslash
 * and quote (grub_create_loader_cmdline): undone here, so that a module's declaration (a quoted
 * cmdline="..." in docs/vm-declarations.md) arrives as grub.cfg's author wrote it for GRUB's own
 * parser, its quotes escaped (tools/mkiso.sh). A backslash before anything else stays. */
BOOT_CODE static void multiboot2_unescape(char *text)
{
    size_t out = 0;

    for (size_t in = 0; text[in] != '\0'; in++, out++) {
        char next = text[in + 1];
        if (text[in] == '\\' && (next == '\\' || next == '"' || next == '\'')) {
            in++;
        }
        text[out] = text[in];
    }
    text[out] = '\0';
}

/* A command line of the kernel's or a module's, copied and unescaped. */
BOOT_CODE static platform_error_t multiboot2_words(boot_parse_t *parse, const uint8_t *src,
                                                   size_t length, char *dst, size_t capacity,
                                                   const char *field)
{
    platform_error_t error = boot_copy_string(parse, src, length, dst, capacity, field);

    if (error == PLATFORM_OK) {
        multiboot2_unescape(dst);
    }
    return error;
}

BOOT_CODE static platform_error_t multiboot2_module(boot_parse_t *parse, const uint8_t *tag,
                                                    uint32_t size)
{
    boot_module_t *module;
    platform_error_t error;

    if (size < MB2_MODULE_MIN) {
        return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 module tag");
    }
    error = boot_add_module(parse, load_u32(tag + 8), load_u32(tag + 12), &module);
    if (error != PLATFORM_OK) {
        return error;
    }
    return multiboot2_words(parse, tag + 16, size - 16, module->cmdline, sizeof(module->cmdline),
                            "multiboot2 module string");
}

BOOT_CODE static platform_error_t multiboot2_rsdp(boot_parse_t *parse, multiboot2_state_t *state,
                                                  uint64_t tag_phys, const uint8_t *tag,
                                                  uint32_t size, uint32_t type)
{
    boot_params_t *params = parse->params;
    uint32_t copy = type == MB2_TAG_ACPI_NEW ? BOOT_RSDP_COPY_SIZE : 20;

    if (size < MB2_TAG_HEADER_SIZE + copy) {
        return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 ACPI tag");
    }
    if (type == MB2_TAG_ACPI_OLD && state->have_new_rsdp) {
        return PLATFORM_OK; /* the ACPI 2.0 copy is the better one */
    }
    for (uint32_t i = 0; i < BOOT_RSDP_COPY_SIZE; i++) {
        params->rsdp_copy[i] = i < copy ? tag[MB2_TAG_HEADER_SIZE + i] : 0;
    }
    params->rsdp_copy_valid = true;
    params->rsdp_phys = tag_phys + MB2_TAG_HEADER_SIZE;
    state->have_new_rsdp = type == MB2_TAG_ACPI_NEW;
    return PLATFORM_OK;
}

BOOT_CODE static platform_error_t multiboot2_tag(boot_parse_t *parse, multiboot2_state_t *state,
                                                 uint64_t tag_phys, const uint8_t *tag,
                                                 uint32_t type, uint32_t size)
{
    boot_params_t *params = parse->params;

    switch (type) {
    case MB2_TAG_CMDLINE:
        return multiboot2_words(parse, tag + 8, size - 8, params->cmdline, sizeof(params->cmdline),
                                "multiboot2 command line");
    case MB2_TAG_MODULE:
        return multiboot2_module(parse, tag, size);
    case MB2_TAG_BASIC_MEM:
        if (size < MB2_BASIC_MEM_MIN) {
            return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 memory tag");
        }
        state->have_basic_memory = true;
        state->mem_lower_kib = load_u32(tag + 8);
        state->mem_upper_kib = load_u32(tag + 12);
        return PLATFORM_OK;
    case MB2_TAG_MEMORY_MAP:
        state->have_memory_map = true;
        return multiboot2_memory_map(parse, tag, size);
    case MB2_TAG_FRAMEBUFFER:
        if (size < MB2_FRAMEBUFFER_MIN) {
            return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 framebuffer tag");
        }
        params->framebuffer.present = true;
        params->framebuffer.address = load_u64(tag + 8);
        params->framebuffer.pitch = load_u32(tag + 16);
        params->framebuffer.width = load_u32(tag + 20);
        params->framebuffer.height = load_u32(tag + 24);
        params->framebuffer.bpp = tag[28];
        params->framebuffer.type = tag[29];
        return PLATFORM_OK;
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        return multiboot2_rsdp(parse, state, tag_phys, tag, size, type);
    default:
        return PLATFORM_OK; /* tags the kernel has no use for */
    }
}

BOOT_CODE platform_error_t multiboot2_parse(boot_parse_t *parse, uint64_t info_phys)
{
    multiboot2_state_t state = {0};
    const uint8_t *info = phys_map(info_phys, MB2_HEADER_SIZE);
    uint32_t total;
    uint32_t offset = MB2_HEADER_SIZE;
    platform_error_t error;

    if (info_phys % 8 != 0) {
        return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 information alignment");
    }
    if (info == NULL) {
        return boot_parse_fail(parse, PLATFORM_ERROR_UNMAPPED, "multiboot2 information");
    }
    total = load_u32(info);
    if (total < MB2_HEADER_SIZE + MB2_TAG_HEADER_SIZE || total > MB2_INFO_MAX) {
        return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 total_size");
    }
    error = boot_map_loader_range(parse, info_phys, total, "multiboot2 information", &info);
    if (error != PLATFORM_OK) {
        return error;
    }
    for (;;) {
        if (total - offset < MB2_TAG_HEADER_SIZE) {
            return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 end tag missing");
        }
        uint32_t type = load_u32(info + offset);
        uint32_t size = load_u32(info + offset + 4);
        if (size < MB2_TAG_HEADER_SIZE || size > total - offset) {
            return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 tag size");
        }
        if (type == MB2_TAG_END) {
            break;
        }
        error = multiboot2_tag(parse, &state, info_phys + offset, info + offset, type, size);
        if (error != PLATFORM_OK) {
            return error;
        }
        /* Tags start on 8-byte boundaries; the padding of the last one may reach total. */
        uint32_t advance = (size + 7) & ~7u;
        if (advance > total - offset) {
            return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "multiboot2 end tag missing");
        }
        offset += advance;
    }
    if (!state.have_memory_map && state.have_basic_memory) {
        error = boot_add_memory(parse, 0, (uint64_t)state.mem_lower_kib << 10, MEMORY_USABLE);
        if (error == PLATFORM_OK) {
            error = boot_add_memory(parse, 0x100000, (uint64_t)state.mem_upper_kib << 10,
                                    MEMORY_USABLE);
        }
    }
    return error;
}
