/*
 * Physical pages for page tables and test mappings: a bump allocator over the largest usable
 * RAM region above the image, within the identity map. There is no free; programs give back
 * everything at once through a mark, so each program starts with the same pool.
 */
#include "memory.h"

#include "check.h"
#include "console.h"
#include "machine.h"
#include "string.h"

extern char __image_phys_start[];
extern char __bss_end_phys[];
extern char __virt_offset[];

/* The allocator keeps below this: the boot page tables map the first 1 GiB, and that is
 * what every test needs. */
#define POOL_LIMIT (1ull << 30)

static uint64_t pool_start;
static uint64_t pool_end;
static uint64_t pool_next;
static uint64_t usable_bytes;

uint64_t image_virt_offset(void)
{
    return (uint64_t)(uintptr_t)__virt_offset;
}

uint64_t image_phys_end(void)
{
    return (uint64_t)(uintptr_t)__bss_end_phys;
}

void *phys_to_virt(uint64_t paddr)
{
    return (void *)(uintptr_t)paddr;
}

uint64_t virt_to_phys(const void *pointer)
{
    uint64_t va = (uint64_t)(uintptr_t)pointer;
    uint64_t offset = image_virt_offset();
    if (offset != 0 && va >= offset) {
        return va - offset;
    }
    return va;
}

static uint64_t align_up(uint64_t value, uint64_t align)
{
    return (value + align - 1) & ~(align - 1);
}

void memory_init(const boot_info_t *info)
{
    uint64_t floor = align_up(image_phys_end(), LARGE_PAGE_SIZE);
    for (unsigned i = 0; i < info->ram_count; i++) {
        uint64_t base = info->ram[i].base;
        uint64_t end = base + info->ram[i].length;
        usable_bytes += info->ram[i].length;
        if (base < floor) {
            base = floor;
        }
        if (end > POOL_LIMIT) {
            end = POOL_LIMIT;
        }
        if (end > base && end - base > pool_end - pool_start) {
            pool_start = base;
            pool_end = end;
        }
    }
    pool_next = pool_start;
}

uint64_t pages_alloc(uint64_t count, uint64_t align)
{
    uint64_t start = align_up(pool_next, align);
    uint64_t bytes = count * PAGE_SIZE;
    if (start > pool_end || pool_end - start < bytes) {
        console_printf("FAIL %s: out of memory (%llu pages wanted)\n", check_program_name(),
                       (unsigned long long)count);
        machine_exit(EXIT_ENVIRONMENT);
    }
    pool_next = start + bytes;
    memset(phys_to_virt(start), 0, bytes);
    return start;
}

uint64_t page_alloc(void)
{
    return pages_alloc(1, PAGE_SIZE);
}

uint64_t memory_mark(void)
{
    return pool_next;
}

void memory_release(uint64_t mark)
{
    if (mark >= pool_start && mark <= pool_next) {
        pool_next = mark;
    }
}

uint64_t memory_pool_bytes(void)
{
    return pool_end - pool_start;
}

uint64_t memory_usable_bytes(void)
{
    return usable_bytes;
}
