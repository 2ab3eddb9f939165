/*
 * The kernel's own page tables. PML4 slot 256 (KERNEL_BASE) maps physical memory linearly from 0
 * to the top of RAM (at least 4 GiB, for the LAPIC, IOAPICs and other MMIO; see
 * kernel_window_span() for the bounds) with 1 GiB pages
 * where the CPU has pdpe1gb, else 2 MiB pages, and 4 KiB pages over the kernel image so that
 * only its text is executable (and read-only, like its rodata). Every page but the text is
 * no-execute where the CPU has NX. Every page is global, except in the GiBs above the top of RAM
 * without pdpe1gb: those reuse the 2 MiB directories head.S built (no G; NX set in their PDPT
 * entries) rather than write 512 entries each again. No other slot is used: the kernel's whole
 * footprint in any address space is that one PML4 entry (see docs/boot.md).
 */
#ifndef ARCH_KERNEL_WINDOW_H
#define ARCH_KERNEL_WINDOW_H

#include <arch/platform_error.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * One PML4 slot spans 512 GiB: RAM above that is not mapped and not handed out, and neither is
 * RAM the memory map claims beyond the CPU's physical address width.
 */
#define KERNEL_WINDOW_MAX_BYTES (512ull << 30)

/*
 * Build the kernel's tables from boot memory, switch CR3 to them (which drops the boot-time
 * identity map in slot 0), move the GDTR to its kernel-window address, and raise the phys_map()
 * limit to the new top. usable_top is the end of the highest usable RAM region.
 * Errors: PLATFORM_ERROR_NO_MEMORY when the page tables cannot be allocated.
 */
platform_error_t kernel_window_init(uint64_t usable_top);

/*
 * The end of the physical range the window maps for RAM up to usable_top on a CPU with
 * phys_address_bits (CPUID 0x80000008): usable_top rounded up to 1 GiB, at least 4 GiB, at most
 * KERNEL_WINDOW_MAX_BYTES and 2^phys_address_bits (an address beyond the CPU's width would set
 * reserved bits in a page-table entry). Defined for every input, 2^64 - 1 included. Pure.
 */
uint64_t kernel_window_span(uint64_t usable_top, unsigned phys_address_bits);

/* Physical address of the kernel's PML4 (the CR3 value of kernel-only contexts). */
uint64_t kernel_window_pml4_phys(void);

/* Kernel-window pointer to the kernel's PML4. */
uint64_t *kernel_window_pml4(void);

/*
 * The PML4 entry of slot KERNEL_PML4_SLOT: the core copies it into slot 256 of every VSpace it
 * creates. Supervisor-only (U/S clear), so user code cannot reach the window.
 */
uint64_t kernel_window_pml4_entry(void);

/* End of the mapped physical range. */
uint64_t kernel_window_limit(void);

/* Page size used for the bulk of the window: 1 GiB or 2 MiB. */
uint64_t kernel_window_page_size(void);

/* True when the no-execute bit is in use (EFER.NXE set and CPUID has NX). */
bool kernel_window_nx_enabled(void);

#endif
