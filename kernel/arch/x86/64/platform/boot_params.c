/*
 * Boot parameters: dispatch to the loader's parser, normalise the memory map, and the helpers
 * the parsers share. Everything kept is copied into boot_params_t; loader memory is read only
 * through phys_map().
 */
#include "boot_params_internal.h"
#include <arch/boot_section.h>
#include <arch/phys.h>

BOOT_CODE platform_error_t boot_parse_fail(boot_parse_t *parse, platform_error_t error,
                                           const char *field)
{
    if (parse->failure == NULL) {
        parse->failure = field;
    }
    return error;
}

BOOT_CODE platform_error_t boot_copy_string(boot_parse_t *parse, const uint8_t *src, size_t length,
                                            char *dst, size_t capacity, const char *field)
{
    for (size_t i = 0; i < length; i++) {
        if (i == capacity) {
            return boot_parse_fail(parse, PLATFORM_ERROR_TOO_MANY, field);
        }
        dst[i] = (char)src[i];
        if (src[i] == '\0') {
            return PLATFORM_OK;
        }
    }
    return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, field);
}

BOOT_CODE platform_error_t boot_copy_phys_string(boot_parse_t *parse, uint64_t phys, char *dst,
                                                 size_t capacity, const char *field)
{
    uint64_t limit = phys_window_limit();
    size_t readable;
    const uint8_t *bytes;

    if (phys == 0) {
        dst[0] = '\0';
        return PLATFORM_OK;
    }
    /* The string may end right before unmapped memory: map only what the window reaches. */
    readable = phys >= limit ? 0 : (limit - phys < capacity ? (size_t)(limit - phys) : capacity);
    bytes = readable == 0 ? NULL : phys_map(phys, readable);
    if (bytes == NULL) {
        return boot_parse_fail(parse, PLATFORM_ERROR_UNMAPPED, field);
    }
    for (size_t i = 0; i < readable; i++) {
        dst[i] = (char)bytes[i];
        if (bytes[i] == '\0') {
            return PLATFORM_OK;
        }
    }
    if (readable < capacity) {
        return boot_parse_fail(parse, PLATFORM_ERROR_UNMAPPED, field);
    }
    dst[capacity - 1] = '\0';
    return boot_parse_fail(parse, PLATFORM_ERROR_TOO_MANY, field);
}

BOOT_CODE platform_error_t boot_add_loader_range(boot_parse_t *parse, uint64_t start,
                                                 uint64_t length)
{
    boot_params_t *params = parse->params;
    if (params->loader_range_count == BOOT_LOADER_RANGES_MAX) {
        return boot_parse_fail(parse, PLATFORM_ERROR_TOO_MANY, "loader structures");
    }
    params->loader_ranges[params->loader_range_count].start = start;
    params->loader_ranges[params->loader_range_count].end = start + length;
    params->loader_range_count++;
    return PLATFORM_OK;
}

BOOT_CODE platform_error_t boot_map_loader_range(boot_parse_t *parse, uint64_t phys,
                                                 uint64_t length, const char *field,
                                                 const uint8_t **bytes)
{
    *bytes = phys_map(phys, length);
    if (*bytes == NULL) {
        return boot_parse_fail(parse, PLATFORM_ERROR_UNMAPPED, field);
    }
    return boot_add_loader_range(parse, phys, length);
}

BOOT_CODE platform_error_t boot_add_module(boot_parse_t *parse, uint64_t start, uint64_t end,
                                           boot_module_t **module)
{
    boot_params_t *params = parse->params;
    if (end < start) {
        return boot_parse_fail(parse, PLATFORM_ERROR_MALFORMED, "module end before start");
    }
    if (end > start && phys_map(start, end - start) == NULL) {
        return boot_parse_fail(parse, PLATFORM_ERROR_UNMAPPED, "module contents");
    }
    if (params->module_count == BOOT_MODULES_MAX) {
        return boot_parse_fail(parse, PLATFORM_ERROR_TOO_MANY, "modules");
    }
    *module = &params->modules[params->module_count++];
    (*module)->start = start;
    (*module)->end = end;
    (*module)->cmdline[0] = '\0';
    return PLATFORM_OK;
}

BOOT_CODE platform_error_t boot_add_memory(boot_parse_t *parse, uint64_t base, uint64_t length,
                                           uint32_t type)
{
    platform_error_t error = memory_map_builder_add(parse->map, base, length, type);
    if (error == PLATFORM_ERROR_MALFORMED) {
        return boot_parse_fail(parse, error, "memory map entry wraps around");
    }
    if (error != PLATFORM_OK) {
        return boot_parse_fail(parse, error, "memory map entries");
    }
    return PLATFORM_OK;
}

/* Builder storage outside the stack: 3 KiB is too much for the 16 KiB boot stack's taste. */
BOOT_DATA static memory_map_builder_t boot_map_builder;

BOOT_CODE platform_error_t boot_params_parse(uint32_t magic, uint64_t info_phys,
                                             boot_params_t *params, const char **failure)
{
    boot_parse_t parse = {.params = params, .map = &boot_map_builder, .failure = NULL};
    platform_error_t error;

    params->module_count = 0;
    params->cmdline[0] = '\0';
    params->rsdp_phys = 0;
    params->rsdp_copy_valid = false;
    params->framebuffer.present = false;
    params->loader_range_count = 0;
    params->memory_map.count = 0;
    memory_map_builder_init(&boot_map_builder);

    switch (magic) {
    case BOOT_MAGIC_MULTIBOOT1:
        params->protocol = BOOT_PROTOCOL_MULTIBOOT1;
        error = multiboot1_parse(&parse, info_phys);
        break;
    case BOOT_MAGIC_MULTIBOOT2:
        params->protocol = BOOT_PROTOCOL_MULTIBOOT2;
        error = multiboot2_parse(&parse, info_phys);
        break;
    case BOOT_MAGIC_PVH:
        params->protocol = BOOT_PROTOCOL_PVH;
        error = pvh_parse(&parse, info_phys);
        break;
    default:
        error = boot_parse_fail(&parse, PLATFORM_ERROR_UNSUPPORTED, "boot loader magic");
        break;
    }
    if (error == PLATFORM_OK && boot_map_builder.count == 0) {
        error = boot_parse_fail(&parse, PLATFORM_ERROR_MALFORMED, "memory map (none given)");
    }
    if (error == PLATFORM_OK) {
        memory_map_normalise(&boot_map_builder, &params->memory_map);
    }
    if (failure != NULL) {
        *failure = parse.failure;
    }
    return error;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool boot_cmdline_has_option(const char *cmdline, const char *option)
{
    const char *p = cmdline;
    while (*p != '\0') {
        while (is_space(*p)) {
            p++;
        }
        const char *word = p;
        while (*p != '\0' && !is_space(*p)) {
            p++;
        }
        size_t i = 0;
        while (option[i] != '\0' && word + i < p && word[i] == option[i]) {
            i++;
        }
        if (option[i] == '\0' && i > 0 && (word + i == p || word[i] == '=')) {
            return true;
        }
    }
    return false;
}

void boot_module_name(const boot_module_t *module, char *name, size_t capacity)
{
    const char *p = module->cmdline;
    const char *word_end;
    const char *base;
    size_t length = 0;

    if (capacity == 0) {
        return;
    }
    while (is_space(*p)) {
        p++;
    }
    base = p;
    word_end = p;
    while (*word_end != '\0' && !is_space(*word_end)) {
        if (*word_end == '/') {
            base = word_end + 1;
        }
        word_end++;
    }
    while (base + length < word_end && length + 1 < capacity) {
        name[length] = base[length];
        length++;
    }
    name[length] = '\0';
}

const char *boot_protocol_name(boot_protocol_t protocol)
{
    switch (protocol) {
    case BOOT_PROTOCOL_MULTIBOOT1:
        return "multiboot1";
    case BOOT_PROTOCOL_MULTIBOOT2:
        return "multiboot2";
    case BOOT_PROTOCOL_PVH:
        return "pvh";
    }
    return "unknown";
}
