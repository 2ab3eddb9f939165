/*
 * Translation between physical addresses and kernel pointers: the kernel window (PML4 slot
 * 256) maps all RAM linearly, so every kernel object is reached at KERNEL_BASE + physical.
 */
#ifndef KERNEL_MEMORY_H
#define KERNEL_MEMORY_H

#include <arch/layout.h>
#include <kernel/types.h>

static inline void *paddr_to_kptr(paddr_t paddr)
{
    return (void *)(uintptr_t)(paddr + KERNEL_BASE);
}

static inline paddr_t kptr_to_paddr(const void *pointer)
{
    return (paddr_t)((uintptr_t)pointer - KERNEL_BASE);
}

#endif
