/*
 * The simulated memory of acpi_test_memory.h: regions, fixture files, table builders.
 */
#include "acpi_test_memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_memory_init(test_memory_t *memory)
{
    memset(memory, 0, sizeof(*memory));
}

void test_memory_free(test_memory_t *memory)
{
    for (size_t i = 0; i < memory->count; i++) {
        free(memory->regions[i].bytes);
    }
    memory->count = 0;
}

uint8_t *test_memory_add(test_memory_t *memory, uint64_t address, const void *bytes, size_t size)
{
    if (memory->count == TEST_MEMORY_REGIONS) {
        abort();
    }
    uint8_t *copy = malloc(size > 0 ? size : 1);
    if (copy == NULL) {
        abort();
    }
    if (size > 0) {
        memcpy(copy, bytes, size);
    }
    memory->regions[memory->count++] = (test_region_t){address, copy, size};
    return copy;
}

test_region_t *test_memory_find(test_memory_t *memory, uint64_t address)
{
    for (size_t i = 0; i < memory->count; i++) {
        test_region_t *region = &memory->regions[i];
        if (address >= region->address && address - region->address < region->size) {
            return region;
        }
    }
    return NULL;
}

int test_memory_read(void *ctx, uint64_t paddr, void *out, size_t len)
{
    test_memory_t *memory = ctx;

    memory->reads++;
    for (size_t i = 0; i < memory->count; i++) {
        const test_region_t *region = &memory->regions[i];
        if (paddr >= region->address && paddr - region->address <= region->size &&
            len <= region->size - (paddr - region->address)) {
            memcpy(out, region->bytes + (paddr - region->address), len);
            return 0;
        }
    }
    memory->failed_reads++;
    return -1;
}

acpi_memory_t test_memory_view(test_memory_t *memory)
{
    return (acpi_memory_t){.read = test_memory_read, .ctx = memory};
}

static bool load_region(test_memory_t *memory, FILE *file, uint64_t address, size_t size)
{
    uint8_t *bytes = malloc(size);
    size_t have = 0;
    unsigned value;

    if (bytes == NULL) {
        return false;
    }
    while (have < size && fscanf(file, "%2x", &value) == 1) {
        bytes[have++] = (uint8_t)value;
    }
    if (have == size) {
        // cppcheck-suppress leakReturnValNotUsed ; the region keeps it until test_memory_free
        test_memory_add(memory, address, bytes, size);
    }
    free(bytes);
    return have == size;
}

bool test_memory_load(test_memory_t *memory, const char *path)
{
    FILE *file = fopen(path, "r");
    char line[256];
    bool ok = file != NULL;

    while (ok && fgets(line, sizeof(line), file) != NULL) {
        unsigned long long address;
        size_t size;
        if (line[0] == '#') {
            continue;
        }
        if (sscanf(line, "rsdp %llx", &address) == 1) {
            memory->rsdp = address;
        } else if (sscanf(line, "region %llx %zu", &address, &size) == 2) {
            ok = load_region(memory, file, address, size);
        }
    }
    if (!ok) {
        fprintf(stderr, "%s: cannot read the fixture\n", path);
    }
    if (file != NULL) {
        fclose(file);
    }
    return ok;
}

void test_put16(uint8_t *at, uint16_t value)
{
    at[0] = (uint8_t)value;
    at[1] = (uint8_t)(value >> 8);
}

void test_put32(uint8_t *at, uint32_t value)
{
    test_put16(at, (uint16_t)value);
    test_put16(at + 2, (uint16_t)(value >> 16));
}

void test_put64(uint8_t *at, uint64_t value)
{
    test_put32(at, (uint32_t)value);
    test_put32(at + 4, (uint32_t)(value >> 32));
}

void test_table_fix(uint8_t *table)
{
    uint32_t length = (uint32_t)table[4] | (uint32_t)table[5] << 8 | (uint32_t)table[6] << 16 |
                      (uint32_t)table[7] << 24;
    uint8_t sum = 0;

    table[9] = 0;
    for (uint32_t i = 0; i < length; i++) {
        sum = (uint8_t)(sum + table[i]);
    }
    table[9] = (uint8_t)(0x100 - sum);
}

size_t test_table(uint8_t *out, const char *signature, uint8_t revision, const void *body,
                  size_t body_size)
{
    size_t length = 36 + body_size;

    memset(out, 0, 36);
    memcpy(out, signature, 4);
    test_put32(out + 4, (uint32_t)length);
    out[8] = revision;
    memcpy(out + 10, "BEAML4", 6);
    memcpy(out + 16, "TESTTBL ", 8);
    if (body_size > 0) {
        memcpy(out + 36, body, body_size);
    }
    test_table_fix(out);
    return length;
}

size_t test_rsdp(uint8_t *out, uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
    uint8_t sum = 0;
    size_t size = revision >= 2 ? 36 : 20;

    memset(out, 0, size);
    memcpy(out, "RSD PTR ", 8);
    memcpy(out + 9, "BEAML4", 6);
    out[15] = revision;
    test_put32(out + 16, rsdt);
    for (int i = 0; i < 20; i++) {
        sum = (uint8_t)(sum + out[i]);
    }
    out[8] = (uint8_t)(0x100 - sum);
    if (revision >= 2) {
        test_put32(out + 20, 36);
        test_put64(out + 24, xsdt);
        sum = 0;
        for (int i = 0; i < 36; i++) {
            sum = (uint8_t)(sum + out[i]);
        }
        out[32] = (uint8_t)(0x100 - sum);
    }
    return size;
}
