/*
 * Physical memory: a bump allocator of zeroed 4 KiB pages (and 2 MiB-aligned runs) taken from
 * the loader's RAM map above the image, and the two translations the guest needs: physical
 * address to pointer (the identity map) and image pointer to physical address.
 */
#ifndef TESTGUEST_MEMORY_H
#define TESTGUEST_MEMORY_H

#include <stdint.h>

#include "bootinfo.h"

#define PAGE_SIZE       4096ull
#define LARGE_PAGE_SIZE (2ull << 20)
#define HUGE_PAGE_SIZE  (1ull << 30)

/* The identity map covers physical addresses below this (RAM and the local/IO APIC window). */
#define IDENTITY_MAP_LIMIT (4ull << 30)

void memory_init(const boot_info_t *info);

/* A zeroed page; the run ends as a failure when memory is exhausted. */
uint64_t page_alloc(void);
/* count contiguous zeroed pages aligned to align bytes (a power of two, at least 4 KiB). */
uint64_t pages_alloc(uint64_t count, uint64_t align);

/* Everything allocated after a mark is given back by release (programs are independent). */
uint64_t memory_mark(void);
void memory_release(uint64_t mark);

/* Bytes of RAM the allocator manages, and the total usable RAM the loader reported. */
uint64_t memory_pool_bytes(void);
uint64_t memory_usable_bytes(void);

void *phys_to_virt(uint64_t paddr);
uint64_t virt_to_phys(const void *pointer);

/* 0 when linked low (identity), 0xffffffff80000000 when linked high. */
uint64_t image_virt_offset(void);
uint64_t image_phys_end(void);

#endif
