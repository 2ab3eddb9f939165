/*
 * Host stand-in for the kernel window (arch/phys.h) under the platform layer's host tests.
 * Physical memory is a heap buffer; phys_map() hands out a fresh heap copy of exactly the bytes
 * asked for, so AddressSanitizer reports any read past what the code checked and mapped.
 */
#include "fake_phys.h"
#include <arch/phys.h>
#include <stdlib.h>
#include <string.h>

uint8_t *fake_memory;
uint64_t fake_memory_size;
uint64_t fake_kernel_end_phys;
char __kernel_end[1];

#define COPIES_MAX 4096
static void *copies[COPIES_MAX];
static size_t copy_count;

void fake_memory_reset(uint64_t size)
{
    fake_copies_free();
    free(fake_memory);
    fake_memory = calloc(1, size);
    fake_memory_size = size;
}

void fake_copies_free(void)
{
    for (size_t i = 0; i < copy_count; i++) {
        free(copies[i]);
    }
    copy_count = 0;
}

const void *phys_map(uint64_t phys, uint64_t length)
{
    if (length == 0 || phys >= fake_memory_size || length > fake_memory_size - phys) {
        return NULL;
    }
    if (copy_count == COPIES_MAX) {
        fake_copies_free();
    }
    void *copy = malloc(length);
    memcpy(copy, fake_memory + phys, length);
    copies[copy_count++] = copy;
    return copy;
}

void *phys_map_writable(uint64_t phys, uint64_t length)
{
    if (length == 0 || phys >= fake_memory_size || length > fake_memory_size - phys) {
        return NULL;
    }
    return fake_memory + phys;
}

uint64_t phys_window_limit(void)
{
    return fake_memory_size;
}

void phys_window_set_limit(uint64_t limit)
{
    (void)limit;
}

uint64_t phys_from_kernel_pointer(const void *pointer)
{
    if (pointer == (const void *)__kernel_end) {
        return fake_kernel_end_phys;
    }
    return (uint64_t)((const uint8_t *)pointer - fake_memory);
}

void fake_put8(uint64_t phys, uint8_t value)
{
    fake_memory[phys] = value;
}

void fake_put16(uint64_t phys, uint16_t value)
{
    fake_put8(phys, (uint8_t)value);
    fake_put8(phys + 1, (uint8_t)(value >> 8));
}

void fake_put32(uint64_t phys, uint32_t value)
{
    fake_put16(phys, (uint16_t)value);
    fake_put16(phys + 2, (uint16_t)(value >> 16));
}

void fake_put64(uint64_t phys, uint64_t value)
{
    fake_put32(phys, (uint32_t)value);
    fake_put32(phys + 4, (uint32_t)(value >> 32));
}

void fake_put_string(uint64_t phys, const char *text)
{
    memcpy(fake_memory + phys, text, strlen(text) + 1);
}
