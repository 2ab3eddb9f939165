/*
 * Helpers shared by the three loader parsers (multiboot1.c, multiboot2.c, pvh.c). Private to
 * the platform code; each parser fills a boot_params_t and reports the failing field.
 */
#ifndef PLATFORM_BOOT_PARAMS_INTERNAL_H
#define PLATFORM_BOOT_PARAMS_INTERNAL_H

#include <arch/boot_params.h>

/* Parser state: the result, the raw memory map being collected, the name of a failing field. */
typedef struct {
    boot_params_t *params;
    memory_map_builder_t *map;
    const char *failure;
} boot_parse_t;

/* Record a failure (the first one wins) and return error. */
platform_error_t boot_parse_fail(boot_parse_t *parse, platform_error_t error, const char *field);

/* Copy a NUL-terminated string at phys into dst (capacity bytes). phys 0 gives "". */
platform_error_t boot_copy_phys_string(boot_parse_t *parse, uint64_t phys, char *dst,
                                       size_t capacity, const char *field);

/* Copy a NUL-terminated string held inside a mapped buffer of length bytes. */
platform_error_t boot_copy_string(boot_parse_t *parse, const uint8_t *src, size_t length, char *dst,
                                  size_t capacity, const char *field);

/* Remember a range of loader structures (kept reserved until the modules are released). */
platform_error_t boot_add_loader_range(boot_parse_t *parse, uint64_t start, uint64_t length);

/*
 * A loader structure of length bytes at phys: mapped for reading (*bytes) and remembered as a
 * loader range. PLATFORM_ERROR_UNMAPPED (for field) when the window does not reach all of it.
 */
platform_error_t boot_map_loader_range(boot_parse_t *parse, uint64_t phys, uint64_t length,
                                       const char *field, const uint8_t **bytes);

/* Append a module [start, end) whose contents must lie inside the kernel window. */
platform_error_t boot_add_module(boot_parse_t *parse, uint64_t start, uint64_t end,
                                 boot_module_t **module);

/* Add a raw memory map entry. */
platform_error_t boot_add_memory(boot_parse_t *parse, uint64_t base, uint64_t length,
                                 uint32_t type);

platform_error_t multiboot1_parse(boot_parse_t *parse, uint64_t info_phys);
platform_error_t multiboot2_parse(boot_parse_t *parse, uint64_t info_phys);
platform_error_t pvh_parse(boot_parse_t *parse, uint64_t info_phys);

#endif
