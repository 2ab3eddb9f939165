/*
 * Physical memory at boot: what the kernel must keep (its image, the boot modules, the loader's
 * structures, the first MiB, its own boot allocations), a bump allocator for boot-time needs,
 * and the enumeration of what is left as free RAM and device ranges for the untyped capabilities.
 * Boot-only: after the core has created its untyped capabilities, nothing here may be called.
 */
#ifndef ARCH_BOOT_MEMORY_H
#define ARCH_BOOT_MEMORY_H

#include <arch/boot_params.h>
#include <arch/platform_error.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096u

/* The first MiB stays reserved: real-mode IVT, BDA, EBDA, option ROMs, AP start-up pages. */
#define BOOT_MEMORY_LOW_RESERVED 0x100000u

typedef enum {
    BOOT_RESERVE_LOW_MEMORY = 1,
    BOOT_RESERVE_KERNEL_IMAGE,
    BOOT_RESERVE_ROOT_TASK_MODULE, /* the first module: copied into the root task, then freed */
    BOOT_RESERVE_MODULE,           /* the others: handed to the root task as they are */
    BOOT_RESERVE_LOADER_DATA,
    BOOT_RESERVE_ALLOCATION,
    BOOT_RESERVE_KERNEL_DEVICE,
} boot_reservation_kind_t;

/* The first MiB, the image, BOOT_MODULES_MAX modules, BOOT_LOADER_RANGES_MAX loader ranges, the
 * local APIC and IOAPIC_MAX I/O APICs make 51 at most; the rest is for the runs of boot
 * allocations those split. */
#define BOOT_MEMORY_RESERVATIONS_MAX 80

/*
 * Record the reservations for the memory map in params: the first MiB, the kernel image
 * (linker symbols), each module and each loader structure range, all rounded outwards to pages.
 * phys_address_bits is the CPU's (CPUID 0x80000008) and bounds the device ranges.
 * Errors: PLATFORM_ERROR_MALFORMED when the kernel image is not inside usable RAM (the loader
 * put it somewhere the memory map does not call RAM); PLATFORM_ERROR_TOO_MANY on overflow.
 */
platform_error_t boot_memory_init(const boot_params_t *params, unsigned phys_address_bits);

/*
 * Allocate size bytes (rounded up to pages) aligned to align (a power of two, at least a page;
 * smaller values mean a page), zeroed, from free RAM above 1 MiB and below the current kernel
 * window limit, lowest address first. Returns the kernel-window pointer (its physical address is
 * phys_from_kernel_pointer() of it), or NULL when nothing fits or the arguments are invalid.
 */
void *boot_memory_alloc(uint64_t size, uint64_t align);

/*
 * boot_memory_alloc() without the zeroing: the pages hold whatever they held. Only for callers
 * that write every byte before anything reads it (a page table filled entry by entry): zeroing
 * a page costs 512 emulated stores where a hypervisor emulates each.
 */
void *boot_memory_alloc_unzeroed(uint64_t size, uint64_t align);

/* One range handed to the core for untyped capabilities. */
typedef struct {
    uint64_t start; /* page aligned */
    uint64_t end;   /* page aligned, exclusive */
    bool is_device; /* true: not RAM (MMIO, holes); false: free RAM */
} boot_memory_range_t;

typedef void (*boot_memory_visit_t)(void *context, const boot_memory_range_t *range);

/*
 * Call visit for every range, in ascending address order, and return how many there were:
 *  - free RAM: usable memory (rounded inwards to pages) below the kernel window limit, minus
 *    every current reservation;
 *  - device: every page below 2^phys_address_bits that no memory map region covers (regions of
 *    any type, rounded outwards to pages), i.e. neither RAM nor claimed by the firmware, minus
 *    the pages boot_memory_reserve_device() kept for the kernel.
 * Usable RAM the kernel window cannot map (beyond 512 GiB) is in neither list.
 * The core turns each range into power-of-two aligned untyped blocks.
 */
size_t boot_memory_for_each_range(boot_memory_visit_t visit, void *context);

/*
 * Keep a device range the kernel drives itself (LAPIC, IOAPIC register pages) out of the device
 * ranges, so that no untyped capability ever covers it. Rounded outwards to pages.
 * Errors: PLATFORM_ERROR_INVALID_ARGUMENT for an empty or wrapping range;
 * PLATFORM_ERROR_TOO_MANY when the reservation table is full.
 */
platform_error_t boot_memory_reserve_device(uint64_t start, uint64_t size);

/*
 * Give the root task's module and the loader's structures back: from now on their pages are
 * reported as free RAM. Call only once the core has copied the root task image out of its
 * module; boot_params_t already holds copies of everything else. The other modules stay
 * reserved: they become the root task's module untypeds (kernel/boot_modules.c).
 */
void boot_memory_release_boot_data(void);

/* Totals for the boot summary. */
typedef struct {
    uint64_t usable_bytes;    /* all usable RAM in the memory map */
    uint64_t free_bytes;      /* free RAM that boot_memory_for_each_range reports now */
    uint64_t allocated_bytes; /* boot_memory_alloc so far */
    uint64_t reserved_bytes;  /* usable RAM neither free nor allocated: image, modules, loader
                                 data, first MiB, partial pages, RAM beyond the window */
    size_t free_ranges;
    size_t device_ranges;
} boot_memory_stats_t;

void boot_memory_stats(boot_memory_stats_t *stats);

#endif
