/*
 * Memory layout constants shared by the boot assembly, the linker script and C.
 * This header must stay includable from assembly: macros only, no C declarations.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

/*
 * The kernel lives in one PML4 slot, 256 (0xffff800000000000..0xffff807fffffffff), which maps
 * physical memory linearly: kernel virtual = KERNEL_BASE + physical. Every other slot of every
 * address space belongs to user space, so guests linked anywhere else (including the top 2 GiB,
 * where Linux and most unikernels live) can be hosted unchanged.
 */
#define KERNEL_BASE       0xffff800000000000
#define KERNEL_PML4_SLOT  256
#define KERNEL_PHYS_START 0x00100000 /* where boot loaders put the image: 1 MiB */

/* Boot-time identity and kernel-window mapping covers the first 4 GiB with 2 MiB pages. */
#define BOOT_MAP_GIB 4

#define BOOT_STACK_SIZE 0x4000

#endif
