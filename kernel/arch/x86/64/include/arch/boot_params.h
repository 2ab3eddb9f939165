/*
 * What the boot loader told the kernel, in one form for multiboot1, multiboot2 and PVH
 * (hvm_start_info v0/v1): memory map, modules, command line, RSDP, framebuffer. Parsing copies
 * everything it keeps into kernel memory and checks every pointer and length the loader gave
 * before following it; a malformed structure yields an error, never a wild read.
 */
#ifndef ARCH_BOOT_PARAMS_H
#define ARCH_BOOT_PARAMS_H

#include <arch/memory_map.h>
#include <arch/platform_error.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The values EAX holds at entry (PVH: the start-info magic, which head.S records instead). */
#define BOOT_MAGIC_MULTIBOOT1 0x2badb002u
#define BOOT_MAGIC_MULTIBOOT2 0x36d76289u
#define BOOT_MAGIC_PVH        0x336ec578u

typedef enum {
    BOOT_PROTOCOL_MULTIBOOT1 = 1,
    BOOT_PROTOCOL_MULTIBOOT2 = 2,
    BOOT_PROTOCOL_PVH = 3,
} boot_protocol_t;

/* The root task's image and up to 31 more: 16 VMs (docs/vmm.md) with a disk or initrd each, less
 * one. Each module costs the boot info 288 bytes and a boot-memory reservation. */
#define BOOT_MODULES_MAX        32
#define BOOT_MODULE_CMDLINE_MAX 256
#define BOOT_CMDLINE_MAX        512
#define BOOT_LOADER_RANGES_MAX  8
#define BOOT_RSDP_COPY_SIZE     36 /* an ACPI 2.0 RSDP; a 1.0 RSDP uses the first 20 bytes */

typedef struct {
    uint64_t start; /* physical, page aligned when the loader honoured the header's request */
    uint64_t end;   /* exclusive */
    char cmdline[BOOT_MODULE_CMDLINE_MAX]; /* the loader's string for it, possibly empty */
} boot_module_t;

typedef struct {
    bool present;
    uint64_t address; /* physical */
    uint32_t pitch;   /* bytes per line */
    uint32_t width;
    uint32_t height;
    uint8_t bpp;
    uint8_t type; /* 0 indexed, 1 direct RGB, 2 EGA text (the multiboot numbering) */
} boot_framebuffer_t;

/* A range of physical memory holding the loader's own structures. */
typedef struct {
    uint64_t start;
    uint64_t end;
} boot_loader_range_t;

typedef struct {
    boot_protocol_t protocol;
    memory_map_t memory_map;
    boot_module_t modules[BOOT_MODULES_MAX];
    size_t module_count;
    char cmdline[BOOT_CMDLINE_MAX];
    /* RSDP as the loader gave it: address, and for multiboot2 a copy of its bytes. */
    uint64_t rsdp_phys; /* 0: the loader gave none (ACPI scans the BIOS areas) */
    bool rsdp_copy_valid;
    uint8_t rsdp_copy[BOOT_RSDP_COPY_SIZE];
    boot_framebuffer_t framebuffer;
    /* Where the loader's structures are, so boot memory keeps them until they are released. */
    boot_loader_range_t loader_ranges[BOOT_LOADER_RANGES_MAX];
    size_t loader_range_count;
} boot_params_t;

/*
 * Parse the loader's information at physical address info_phys according to magic (one of the
 * BOOT_MAGIC_* values) into params. All loader memory is read through phys_map().
 * Errors: PLATFORM_ERROR_UNSUPPORTED for an unknown magic; PLATFORM_ERROR_UNMAPPED when a
 * structure lies outside the kernel window; PLATFORM_ERROR_MALFORMED for inconsistent sizes,
 * a missing memory map, an unterminated tag list; PLATFORM_ERROR_TOO_MANY when the map or the
 * module list exceed the limits above. On error, *failure (if not NULL) names the field.
 */
platform_error_t boot_params_parse(uint32_t magic, uint64_t info_phys, boot_params_t *params,
                                   const char **failure);

/*
 * True when the command line holds `option` as a whole word, either alone or as "option=...".
 */
bool boot_cmdline_has_option(const char *cmdline, const char *option);

/*
 * The module's short name: the last path component of the first word of its command line
 * (QEMU passes the file path, GRUB whatever follows the path in module2). Writes at most
 * capacity bytes including the terminating NUL; an empty command line gives "".
 */
void boot_module_name(const boot_module_t *module, char *name, size_t capacity);

/* Lower-case protocol name: "multiboot1", "multiboot2", "pvh". */
const char *boot_protocol_name(boot_protocol_t protocol);

#endif
