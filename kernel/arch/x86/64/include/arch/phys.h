/*
 * Checked access to physical memory through the kernel window. Every read of memory that a boot
 * loader or the firmware points at goes through phys_map(), which refuses ranges that wrap or
 * lie beyond what the kernel window maps, so a bad pointer gives an error instead of a fault.
 */
#ifndef ARCH_PHYS_H
#define ARCH_PHYS_H

#include <stdint.h>

/*
 * The kernel-window address of [phys, phys + length), or NULL when the range wraps, is empty, or
 * ends beyond phys_window_limit(). The pointer stays valid for the life of the kernel window.
 */
const void *phys_map(uint64_t phys, uint64_t length);

/* Writable variant of phys_map() for memory the kernel owns (boot allocations, page tables). */
void *phys_map_writable(uint64_t phys, uint64_t length);

/* The first physical address the kernel window does not map (4 GiB with the boot tables). */
uint64_t phys_window_limit(void);

/* Raise or lower the mapped limit; called by the kernel window code when it switches tables. */
void phys_window_set_limit(uint64_t limit);

/* Kernel-window pointer to physical address translation (for the kernel's own data). */
uint64_t phys_from_kernel_pointer(const void *pointer);

#endif
