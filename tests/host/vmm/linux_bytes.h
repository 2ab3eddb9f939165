/*
 * Helpers the Linux loader's host test and fuzzer share: little-endian fields of an image or
 * boot_params read and written by the test's own code, and whether a range of guest RAM is
 * still all zeros.
 */
#ifndef TEST_VMM_LINUX_BYTES_H
#define TEST_VMM_LINUX_BYTES_H

#include <pv/memory.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t test_le_get(const uint8_t *at, unsigned size)
{
    uint64_t value = 0;

    for (unsigned i = size; i-- > 0;) {
        value = value << 8 | at[i];
    }
    return value;
}

static inline void test_le_put(uint8_t *at, uint64_t value, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        at[i] = (uint8_t)(value >> (8 * i));
    }
}

/* Whether guest RAM [from, to) is all zeros (compared a page at a time: RAM is large). */
static inline bool test_ram_zero(const pv_memory_t *ram, uint64_t from, uint64_t to)
{
    static const uint8_t zeros[4096];

    for (uint64_t at = from; at < to && at < ram->size; at += sizeof(zeros)) {
        uint64_t length = to - at < sizeof(zeros) ? to - at : sizeof(zeros);
        if (memcmp(ram->base + at, zeros, length) != 0) {
            return false;
        }
    }
    return true;
}

#endif
