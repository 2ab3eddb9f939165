/*
 * The checked physical-to-kernel-window translation. The limit starts at what head.S maps
 * (BOOT_MAP_GIB) and follows the kernel window once it is built.
 */
#include <stddef.h>
#include <arch/layout.h>
#include <arch/phys.h>

static uint64_t window_limit = (uint64_t)BOOT_MAP_GIB << 30;

const void *phys_map(uint64_t phys, uint64_t length)
{
    return phys_map_writable(phys, length);
}

void *phys_map_writable(uint64_t phys, uint64_t length)
{
    if (length == 0 || phys >= window_limit || length > window_limit - phys) {
        return NULL;
    }
    return (void *)(KERNEL_BASE + phys);
}

uint64_t phys_window_limit(void)
{
    return window_limit;
}

void phys_window_set_limit(uint64_t limit)
{
    window_limit = limit;
}

uint64_t phys_from_kernel_pointer(const void *pointer)
{
    return (uint64_t)pointer - KERNEL_BASE;
}
