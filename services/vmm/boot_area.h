/*
 * The loader's structures in guest RAM (start info, memory maps, module lists, strings), placed
 * one after the other in the boot area of layout.h. Writes go through the checked guest-memory
 * accessors; an area that runs full says so and writes nothing more.
 */
#ifndef VMM_BOOT_AREA_H
#define VMM_BOOT_AREA_H

#include <pv/memory.h>

typedef struct boot_area {
    const pv_memory_t *memory;
    uint64_t next;
    uint64_t end;
    bool full; /* a structure did not fit (or could not be written): the boot is refused */
} boot_area_t;

void boot_area_init(boot_area_t *area, const pv_memory_t *memory);

/* Copies length bytes to the next multiple of align (a power of two); their guest-physical
 * address, or 0 (and full set) when they do not fit. */
uint64_t boot_area_put(boot_area_t *area, const void *bytes, size_t length, size_t align);

/* A NUL-terminated string. */
uint64_t boot_area_put_string(boot_area_t *area, const char *text);

#endif
