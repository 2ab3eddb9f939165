/*
 * Test helpers for the VMM's loaders: guest RAM on the host heap, little-endian reads of it, and
 * a builder of ELF kernel images (segments, a PVH note, a multiboot1 header) to load, good and
 * hostile.
 */
#ifndef TEST_VMM_GUEST_IMAGE_H
#define TEST_VMM_GUEST_IMAGE_H

#include <pv/memory.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEST_MIB (1ull << 20)

/* Zeroed guest RAM of size bytes (free with test_ram_free). */
pv_memory_t test_ram_new(uint64_t size);
void test_ram_free(pv_memory_t *memory);
bool test_ram_all_zero(const pv_memory_t *memory);
uint32_t test_ram_read32(const pv_memory_t *memory, uint64_t address);
uint64_t test_ram_read64(const pv_memory_t *memory, uint64_t address);
/* The NUL-terminated string at address (at most capacity - 1 bytes). */
void test_ram_string(const pv_memory_t *memory, uint64_t address, char *out, size_t capacity);

typedef struct test_segment {
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t file_size;
    uint64_t memory_size;
    uint32_t flags; /* ELF p_flags: 1 X, 2 W, 4 R */
    uint8_t fill;   /* the file bytes are fill, fill + 1, ... */
} test_segment_t;

#define TEST_IMAGE_MAX (1u << 20)
#define TEST_NO_PVH    0xffffffffffffffffull

typedef struct test_image {
    uint8_t bytes[TEST_IMAGE_MAX];
    size_t size;
} test_image_t;

/*
 * An ELF64 executable with the segments (file data of segment i at offset 0x1000 + i * 0x20000,
 * congruent with its vaddr), entry as e_entry, and a PVH note with pvh_entry (TEST_NO_PVH: no
 * note). Returns the file offset of segment 0's data.
 */
size_t test_elf_build(test_image_t *image, const test_segment_t *segments, unsigned count,
                      uint64_t entry, uint64_t pvh_entry);

/* A multiboot1 header at offset (magic, flags, checksum fixed up), with the a.out kludge's five
 * addresses when flags has bit 16. */
void test_mb1_put(test_image_t *image, size_t offset, uint32_t flags, uint32_t header_addr,
                  uint32_t load_addr, uint32_t load_end, uint32_t bss_end, uint32_t entry);

/* A whole file read into *image; false when it cannot be read or is too large. */
bool test_image_read(const char *path, test_image_t *image);

#endif
