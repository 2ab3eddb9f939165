/*
 * Loading a guest: its kernel image (multiboot1, with or without the a.out kludge, an ELF
 * with a PVH note, or a Linux bzImage), its boot modules, and the structure its entry protocol hands it (the
 * multiboot information structure, hvm_start_info version 1 or Linux's boot_params), with the memory map, the
 * command line and the ACPI RSDP. Images and modules are the guest's: untrusted input, checked
 * whole before the first byte of guest RAM is written (check, then act). Pure: no seL4, so
 * every check is tested on the host (tests/host/vmm).
 */
#ifndef VMM_LOAD_H
#define VMM_LOAD_H

#include "boot_linux.h"
#include "kernel_bzimage.h"
#include <elf/elf.h>
#include <pv/memory.h>

#define LOAD_MODULES_MAX   5 /* an initrd and modules= */
#define LOAD_MESSAGE_BYTES 96
#define LOAD_CMDLINE_MAX   1024 /* bytes of the guest's command line */
#define LOAD_NAME_MAX      63   /* bytes of a kernel's or module's name */
#define LOAD_PIECES_MAX    ELF_SEGMENTS_MAX
#define MB1_HEADER_MAGIC   0x1badb002u
#define MB1_LOADER_MAGIC   0x2badb002u
#define MB1_SEARCH_BYTES   8192u
#define PVH_START_MAGIC    0x336ec578u

typedef enum {
    GUEST_BOOT_NONE = 0,
    GUEST_BOOT_PVH,        /* ELF PVH note: EBX = hvm_start_info */
    GUEST_BOOT_MULTIBOOT1, /* EAX = MB1_LOADER_MAGIC, EBX = the information structure */
    GUEST_BOOT_LINUX,      /* a bzImage: RSI = boot_params, the state of load_result.linux_start */
} guest_protocol_t;

/* Bytes the VMM holds: the kernel image or a module (read-only, the guest's). */
typedef struct guest_blob {
    const uint8_t *bytes;
    uint64_t size;
    const char *name; /* the module's name (the multiboot string, the PVH module command line) */
} guest_blob_t;

typedef struct load_input {
    const pv_memory_t *memory; /* guest RAM: [0, size) */
    guest_blob_t kernel;
    const guest_blob_t *modules; /* the initrd first, then modules= */
    size_t module_count;         /* at most LOAD_MODULES_MAX */
    const char *cmdline;         /* the guest kernel's command line */
    const char *cmdline_linux;   /* the Linux protocol's instead, when not NULL (devices added) */
    uint64_t rsdp;               /* the ACPI tables' RSDP in guest RAM (0: none) */
    bool hardware_mode;          /* VT-x or AMD-V: a bzImage may boot (PV runs PVH, multiboot1) */
    bool initrd_first;           /* modules[0] is the initrd= module */
} load_input_t;

typedef enum {
    LOAD_OK = 0,
    LOAD_ERR_ARGUMENT,  /* the VMM's mistake: no RAM, too many modules */
    LOAD_ERR_FORMAT,    /* neither a multiboot1 header nor an ELF with a PVH note */
    LOAD_ERR_ELF,       /* the ELF is malformed or does not fit the guest */
    LOAD_ERR_MULTIBOOT, /* the multiboot1 header asks for what cannot be done */
    LOAD_ERR_PLACE,     /* kernel bytes outside usable RAM, an entry outside the image */
    LOAD_ERR_MODULES,   /* the modules do not fit the RAM left */
    LOAD_ERR_BOOT_AREA, /* the boot structures do not fit their area */
    LOAD_ERR_LINUX,     /* a bzImage's header, or what goes with it, cannot be booted */
} load_error_t;

/* One piece of the kernel image: file bytes, then zeros up to memory_size. */
typedef struct load_piece {
    uint64_t address; /* guest-physical */
    uint64_t file_offset;
    uint64_t file_size;
    uint64_t memory_size;
} load_piece_t;

/* What the kernel image asks for, as checked (the decode step). */
typedef struct kernel_plan {
    guest_protocol_t protocol;
    load_piece_t pieces[LOAD_PIECES_MAX];
    unsigned piece_count;
    uint64_t start;       /* lowest guest-physical byte */
    uint64_t end;         /* past the highest (or past working_end) */
    uint64_t working_end; /* past what the kernel uses beyond its pieces (0: nothing) */
    uint32_t entry;
    uint32_t mb1_flags; /* the multiboot1 header's flags */
    bool elf_valid;     /* the image is an ELF the scanner may read (elf) */
    elf_image_t elf;
    bzimage_header_t bzimage; /* the bzImage's checked header (GUEST_BOOT_LINUX) */
} kernel_plan_t;

typedef struct load_result {
    load_error_t error;
    char message[LOAD_MESSAGE_BYTES]; /* what was refused and why */
    kernel_plan_t kernel;
    uint64_t module_address[LOAD_MODULES_MAX];
    uint32_t boot_info;        /* EBX at the entry (boot_params for Linux) */
    linux_start_t linux_start; /* GUEST_BOOT_LINUX: the vCPU's state at the entry */
} load_result_t;

/*
 * The kernel image's plan: a valid multiboot1 header in its first 8 KiB wins (as QEMU chooses),
 * else an ELF with a PVH note. ram_size bounds every piece (from 1 MiB to the end of RAM).
 */
load_error_t kernel_plan_make(const guest_blob_t *kernel, uint64_t ram_size, kernel_plan_t *plan,
                              char *message, size_t message_size);

/* The multiboot1 header's part of the plan (kernel_multiboot.c); LOAD_ERR_FORMAT: no header. */
load_error_t kernel_plan_multiboot(const guest_blob_t *kernel, uint64_t ram_size,
                                   kernel_plan_t *plan, char *message, size_t message_size);

/* The ELF's part: its PT_LOAD segments; entry_from_pvh: the entry is the PVH note's, else
 * e_entry (kernel_elf.c). */
load_error_t kernel_plan_elf(const guest_blob_t *kernel, uint64_t ram_size, bool entry_from_pvh,
                             kernel_plan_t *plan, char *message, size_t message_size);

/* Whether the image has a Linux setup header (boot flag 0xaa55, "HdrS"). */
bool bzimage_present(const guest_blob_t *kernel);

/* A bzImage's part: the header checked, the protected-mode kernel placed (kernel_bzimage.c). */
load_error_t kernel_plan_bzimage(const guest_blob_t *kernel, uint64_t ram_size, kernel_plan_t *plan,
                                 char *message, size_t message_size);

/* Writes the kernel's pieces into guest RAM (the plan is checked: only a bug makes it fail). */
bool kernel_plan_apply(const kernel_plan_t *plan, const guest_blob_t *kernel,
                       const pv_memory_t *memory);

/*
 * Loads everything: checks the kernel, places the modules below the top of RAM (and below
 * 4 GiB) above the kernel, then writes the kernel, the modules and the boot structures. On an
 * error nothing has been written to guest RAM, and message says what was refused.
 */
load_error_t guest_load(const load_input_t *input, load_result_t *result);

/* The boot structures of each protocol, written into the boot area (boot_pvh.c,
 * boot_multiboot.c); the boot area's address of the structure, 0 when it did not fit. */
uint64_t boot_pvh_write(const load_input_t *input, const load_result_t *result);
uint64_t boot_multiboot_write(const load_input_t *input, const load_result_t *result);

/* Linux (boot_linux.c): the checks of what goes with a bzImage (the mode, the command line, one
 * initrd, placed highest below initrd_addr_max and 4 GiB), writing nothing; then boot_params,
 * the command line, the GDT and the identity map written and result->linux_start filled: boot_params'
 * address, 0 when the boot area could not hold them. */
load_error_t boot_linux_check(const load_input_t *input, load_result_t *result);
uint64_t boot_linux_write(const load_input_t *input, load_result_t *result);

#endif
