/*
 * The processor state a Linux kernel loaded by the boot protocol starts in (boot.rst, "32-bit
 * boot protocol" and "64-bit boot protocol"), as data: no vCPU exists when the loader runs, so
 * the hardware back end installs it. The GDT and the identity map it names are in guest RAM.
 */
#ifndef VMM_BOOT_LINUX_H
#define VMM_BOOT_LINUX_H

#include <stdbool.h>
#include <stdint.h>

#define LINUX_BOOT_CS       0x10u /* __BOOT_CS: GDT entry 2 */
#define LINUX_BOOT_DS       0x18u /* __BOOT_DS: GDT entry 3 */
#define LINUX_GDT_ENTRIES   4u
#define LINUX_IDENTITY_STEP 0x40000000ull /* one page directory maps 1 GiB (2 MiB pages) */

/* Control register and EFER bits of the start state. */
#define LINUX_CR0_PE   (1ull << 0)
#define LINUX_CR0_ET   (1ull << 4)
#define LINUX_CR0_PG   (1ull << 31)
#define LINUX_CR4_PAE  (1ull << 5)
#define LINUX_EFER_LME (1ull << 8)
#define LINUX_EFER_LMA (1ull << 10)
#define LINUX_RFLAGS_1 (1ull << 1) /* the always-one bit; IF clear: interrupts disabled */

/* Page-table entry bits of the identity map. */
#define LINUX_PTE_PRESENT  (1ull << 0)
#define LINUX_PTE_WRITABLE (1ull << 1)
#define LINUX_PTE_LARGE    (1ull << 7) /* a 2 MiB page in a page directory */

typedef struct linux_start {
    bool long_mode; /* the 64-bit entry: paging on, CR3 the identity map; else 32-bit, paging off */
    uint64_t rip;
    uint64_t rsi; /* boot_params (ESI at the 32-bit entry); RBP, RDI, RBX are 0 */
    uint64_t rflags;
    uint64_t cr0;
    uint64_t cr3; /* 0 at the 32-bit entry */
    uint64_t cr4;
    uint64_t efer;
    uint64_t gdt_base; /* GDTR */
    uint16_t gdt_limit;
    uint16_t code_selector;   /* CS */
    uint16_t data_selector;   /* DS, ES, SS, FS, GS */
    uint64_t code_descriptor; /* the GDT's entries for them: the segments' hidden parts */
    uint64_t data_descriptor;
    uint64_t identity_end; /* [0, identity_end) is mapped 1:1 (64-bit entry) */
} linux_start_t;

/* A flat segment descriptor (base 0, limit 4 GiB, granularity 4 KiB): access byte and flags. */
#define LINUX_DESC_ACCESS_CODE 0x9bu /* present, ring 0, code, execute/read, accessed */
#define LINUX_DESC_ACCESS_DATA 0x93u /* present, ring 0, data, read/write, accessed */
#define LINUX_DESC_FLAGS_32    0xcu  /* granularity, 32-bit default size */
#define LINUX_DESC_FLAGS_64    0xau  /* granularity, long mode */

static inline uint64_t linux_descriptor(uint8_t access, uint8_t flags)
{
    return 0xffffull | (uint64_t)access << 40 | 0xfull << 48 | (uint64_t)(flags & 0xf) << 52;
}

#endif
