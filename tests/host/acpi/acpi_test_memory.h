/*
 * Simulated physical memory for lib/acpi's tests and fuzzer: a few regions, each in a buffer of
 * exactly its size; a read succeeds only inside one region. Fixtures made from real machines'
 * tables (fixtures/NAME.acpi) load into it, and synthetic tables are built with the helpers below.
 * Test code only.
 */
#ifndef TEST_ACPI_MEMORY_H
#define TEST_ACPI_MEMORY_H

#include <acpi/acpi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEST_MEMORY_REGIONS 64

typedef struct {
    uint64_t address;
    uint8_t *bytes;
    size_t size;
} test_region_t;

typedef struct {
    test_region_t regions[TEST_MEMORY_REGIONS];
    size_t count;
    uint64_t rsdp; /* from a fixture */
    unsigned long reads;
    unsigned long failed_reads;
} test_memory_t;

void test_memory_init(test_memory_t *memory);
void test_memory_free(test_memory_t *memory);
/* A copy of bytes as a new region; returns the copy (to be patched by the test). */
uint8_t *test_memory_add(test_memory_t *memory, uint64_t address, const void *bytes, size_t size);
/* The region holding address (at its start or inside), or NULL. */
test_region_t *test_memory_find(test_memory_t *memory, uint64_t address);
/* The callback: ctx is a test_memory_t. */
int test_memory_read(void *ctx, uint64_t paddr, void *out, size_t len);
acpi_memory_t test_memory_view(test_memory_t *memory);
/* A fixture file's regions; false (with a message on stderr) if it cannot be read. */
bool test_memory_load(test_memory_t *memory, const char *path);

/* A table: header (signature, length, revision, OEM fields) + body, checksum set. */
size_t test_table(uint8_t *out, const char *signature, uint8_t revision, const void *body,
                  size_t body_size);
/* Recompute the checksum byte of a table of length bytes (at offset 9). */
void test_table_fix(uint8_t *table);
/* An RSDP; revision 0 gives 20 bytes, 2 gives 36 (returns the size). */
size_t test_rsdp(uint8_t *out, uint8_t revision, uint32_t rsdt, uint64_t xsdt);

void test_put16(uint8_t *at, uint16_t value);
void test_put32(uint8_t *at, uint32_t value);
void test_put64(uint8_t *at, uint64_t value);

#endif
