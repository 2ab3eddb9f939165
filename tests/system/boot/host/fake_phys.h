/*
 * Fake physical memory for the platform layer's host tests (see fake_phys.c), with little-endian
 * writers to build loader and firmware structures in it.
 */
#ifndef TESTS_BOOT_FAKE_PHYS_H
#define TESTS_BOOT_FAKE_PHYS_H

#include <stdint.h>

extern uint8_t *fake_memory;
extern uint64_t fake_memory_size;
/* What phys_from_kernel_pointer(__kernel_end) answers: the end of the "kernel image". */
extern uint64_t fake_kernel_end_phys;

/* Fresh zeroed memory of size bytes (frees the previous memory and every mapped copy). */
void fake_memory_reset(uint64_t size);

/* Free the copies phys_map() handed out. */
void fake_copies_free(void);

void fake_put8(uint64_t phys, uint8_t value);
void fake_put16(uint64_t phys, uint16_t value);
void fake_put32(uint64_t phys, uint32_t value);
void fake_put64(uint64_t phys, uint64_t value);
void fake_put_string(uint64_t phys, const char *text);

#endif
