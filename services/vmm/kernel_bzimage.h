/*
 * A Linux bzImage's setup header (the Linux x86 boot protocol, Documentation/arch/x86/boot.rst):
 * the fields' offsets in the file (the same in boot_params, which starts with the image's first
 * 0x290 bytes' layout) and what the loader keeps of them once checked. Layouts only: no code.
 */
#ifndef VMM_KERNEL_BZIMAGE_H
#define VMM_KERNEL_BZIMAGE_H

#include <pv/memory.h>
#include <stdbool.h>
#include <stdint.h>

/* Setup header fields: offsets in the image and in boot_params. */
#define BZ_SETUP_SECTS      0x1f1u /* u8: 512-byte sectors of real-mode setup (0 means 4) */
#define BZ_SYSSIZE          0x1f4u /* u32: the protected-mode kernel in 16-byte paragraphs */
#define BZ_BOOT_FLAG        0x1feu /* u16: 0xaa55 */
#define BZ_JUMP             0x200u /* a short jump (0xeb, offset) over the header */
#define BZ_HEADER           0x202u /* u32: "HdrS" */
#define BZ_VERSION          0x206u /* u16: protocol version, major << 8 | minor */
#define BZ_TYPE_OF_LOADER   0x210u /* u8: 0xff, an undefined loader */
#define BZ_LOADFLAGS        0x211u /* u8 */
#define BZ_CODE32_START     0x214u /* u32: the 32-bit entry */
#define BZ_RAMDISK_IMAGE    0x218u /* u32 */
#define BZ_RAMDISK_SIZE     0x21cu /* u32 */
#define BZ_HEAP_END_PTR     0x224u /* u16 */
#define BZ_CMD_LINE_PTR     0x228u /* u32 */
#define BZ_INITRD_ADDR_MAX  0x22cu /* u32: the highest byte an initrd may occupy */
#define BZ_KERNEL_ALIGNMENT 0x230u /* u32 */
#define BZ_RELOCATABLE      0x234u /* u8 */
#define BZ_XLOADFLAGS       0x236u /* u16 (2.12) */
#define BZ_CMDLINE_SIZE     0x238u /* u32: the command line's longest, NUL excluded */
#define BZ_PREF_ADDRESS     0x258u /* u64 (2.10) */
#define BZ_INIT_SIZE        0x260u /* u32 (2.10): bytes the kernel needs from its start */
#define BZ_FIELDS_END       0x264u /* past init_size: the last field this loader reads */

#define BZ_BOOT_FLAG_VALUE  0xaa55u
#define BZ_HEADER_MAGIC     0x53726448u /* "HdrS" */
#define BZ_JUMP_SHORT       0xebu
#define BZ_SECTOR_BYTES     512u
#define BZ_SETUP_SECTS_ZERO 4u      /* setup_sects 0 means 4 (the oldest kernels) */
#define BZ_VERSION_MIN      0x020au /* 2.10: pref_address and init_size */
#define BZ_VERSION_XLOAD    0x020cu /* 2.12: xloadflags */
#define BZ_VERSION_RSDP     0x020eu /* 2.14: boot_params.acpi_rsdp_addr */

#define BZ_LOADED_HIGH      0x01u /* loadflags: the protected-mode kernel loads at 1 MiB+ */
#define BZ_CAN_USE_HEAP     0x80u /* loadflags: heap_end_ptr is valid (set by the loader) */
#define BZ_XLF_KERNEL_64    0x01u /* xloadflags: a 64-bit entry at the kernel's start + 0x200 */
#define BZ_ENTRY_64_OFFSET  0x200u
#define BZ_LOADER_UNDEFINED 0xffu

/* boot_params (the "zero page"): the rest of it, by offset. */
#define BOOT_PARAMS_BYTES        4096u
#define BOOT_PARAMS_ACPI_RSDP    0x070u /* u64 (2.14) */
#define BOOT_PARAMS_E820_ENTRIES 0x1e8u /* u8 */
#define BOOT_PARAMS_HEADER_END   0x290u /* the setup header's room ends here */
#define BOOT_PARAMS_E820_TABLE   0x2d0u /* entries: u64 address, u64 size, u32 type */
#define BOOT_PARAMS_E820_BYTES   20u
#define BOOT_PARAMS_E820_MAX     128u

/* E820 types (memory map entries). */
#define E820_RAM      1u
#define E820_RESERVED 2u
#define E820_ACPI     3u

/* The setup header as checked (kernel_bzimage.c): what placing and booting the kernel need. */
typedef struct bzimage_header {
    uint16_t version;
    uint32_t setup_bytes;  /* (setup_sects + 1) * 512: the protected-mode kernel's file offset */
    uint32_t header_end;   /* 0x202 + the jump's offset: the header is [0x1f1, header_end) */
    uint64_t kernel_bytes; /* the protected-mode kernel: the file after the setup */
    uint64_t footprint;    /* what it needs from its start: init_size, at least kernel_bytes */
    uint16_t heap_end_ptr; /* non-zero: CAN_USE_HEAP */
    uint32_t initrd_addr_max;
    uint32_t kernel_alignment;
    bool relocatable;
    bool entry_64; /* XLF_KERNEL_64 (2.12 and later) */
    uint32_t cmdline_size;
    uint64_t pref_address;
    gpa_t load_address; /* where the protected-mode kernel goes (placed) */
} bzimage_header_t;

#endif
