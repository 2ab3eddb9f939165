/*
 * The loaders' test helpers (guest_image.h).
 */
#include "guest_image.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

pv_memory_t test_ram_new(uint64_t size)
{
    pv_memory_t memory = {.base = calloc(1, size), .size = size};

    if (memory.base == NULL) {
        abort();
    }
    return memory;
}

void test_ram_free(pv_memory_t *memory)
{
    free(memory->base);
    memory->base = NULL;
}

bool test_ram_all_zero(const pv_memory_t *memory)
{
    for (uint64_t i = 0; i < memory->size; i++) {
        if (memory->base[i] != 0) {
            return false;
        }
    }
    return true;
}

uint32_t test_ram_read32(const pv_memory_t *memory, uint64_t address)
{
    uint32_t value = 0;

    if (address + 4 <= memory->size) {
        memcpy(&value, memory->base + address, 4);
    }
    return value;
}

uint64_t test_ram_read64(const pv_memory_t *memory, uint64_t address)
{
    uint64_t value = 0;

    if (address + 8 <= memory->size) {
        memcpy(&value, memory->base + address, 8);
    }
    return value;
}

void test_ram_string(const pv_memory_t *memory, uint64_t address, char *out, size_t capacity)
{
    size_t i = 0;

    for (; i + 1 < capacity && address + i < memory->size && memory->base[address + i] != 0; i++) {
        out[i] = (char)memory->base[address + i];
    }
    out[i] = '\0';
}

static void put16(uint8_t *at, uint16_t value)
{
    at[0] = (uint8_t)value;
    at[1] = (uint8_t)(value >> 8);
}

static void put32(uint8_t *at, uint32_t value)
{
    put16(at, (uint16_t)value);
    put16(at + 2, (uint16_t)(value >> 16));
}

static void put64(uint8_t *at, uint64_t value)
{
    put32(at, (uint32_t)value);
    put32(at + 4, (uint32_t)(value >> 32));
}

#define EHDR_BYTES  64
#define PHDR_BYTES  56
#define NOTE_OFFSET 0x800
#define NOTE_BYTES  20
#define DATA_FIRST  0x1000
#define DATA_STRIDE 0x20000
#define PT_LOAD     1
#define PT_NOTE     4

static void phdr_put(uint8_t *at, uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
                     uint64_t paddr, uint64_t file_size, uint64_t memory_size)
{
    put32(at, type);
    put32(at + 4, flags);
    put64(at + 8, offset);
    put64(at + 16, vaddr);
    put64(at + 24, paddr);
    put64(at + 32, file_size);
    put64(at + 40, memory_size);
    put64(at + 48, type == PT_LOAD ? 0x1000 : 4);
}

size_t test_elf_build(test_image_t *image, const test_segment_t *segments, unsigned count,
                      uint64_t entry, uint64_t pvh_entry)
{
    uint8_t *b = image->bytes;
    unsigned headers = count + (pvh_entry != TEST_NO_PVH ? 1 : 0);

    memset(image, 0, sizeof(*image));
    memcpy(b,
           "\x7f"
           "ELF",
           4);
    b[4] = 2;          /* 64-bit */
    b[5] = 1;          /* little-endian */
    b[6] = 1;          /* version */
    put16(b + 16, 2);  /* ET_EXEC */
    put16(b + 18, 62); /* EM_X86_64 */
    put32(b + 20, 1);
    put64(b + 24, entry);
    put64(b + 32, EHDR_BYTES); /* phoff */
    put16(b + 52, EHDR_BYTES);
    put16(b + 54, PHDR_BYTES);
    put16(b + 56, (uint16_t)headers);
    image->size = NOTE_OFFSET + NOTE_BYTES;
    for (unsigned i = 0; i < count; i++) {
        const test_segment_t *s = &segments[i];
        uint64_t offset = DATA_FIRST + (uint64_t)i * DATA_STRIDE + (s->vaddr & 0xfff);
        phdr_put(b + EHDR_BYTES + i * PHDR_BYTES, PT_LOAD, s->flags, offset, s->vaddr, s->paddr,
                 s->file_size, s->memory_size);
        for (uint64_t j = 0; j < s->file_size && offset + j < TEST_IMAGE_MAX; j++) {
            b[offset + j] = (uint8_t)(s->fill + j);
        }
        if (offset + s->file_size > image->size) {
            image->size = offset + s->file_size;
        }
    }
    if (pvh_entry != TEST_NO_PVH) {
        phdr_put(b + EHDR_BYTES + count * PHDR_BYTES, PT_NOTE, 4, NOTE_OFFSET, 0, 0, NOTE_BYTES,
                 NOTE_BYTES);
        put32(b + NOTE_OFFSET, 4);      /* namesz */
        put32(b + NOTE_OFFSET + 4, 4);  /* descsz */
        put32(b + NOTE_OFFSET + 8, 18); /* XEN_ELFNOTE_PHYS32_ENTRY */
        memcpy(b + NOTE_OFFSET + 12, "Xen", 4);
        put32(b + NOTE_OFFSET + 16, (uint32_t)pvh_entry);
    }
    if (image->size > TEST_IMAGE_MAX) {
        image->size = TEST_IMAGE_MAX;
    }
    return DATA_FIRST + (segments[0].vaddr & 0xfff);
}

void test_mb1_put(test_image_t *image, size_t offset, uint32_t flags, uint32_t header_addr,
                  uint32_t load_addr, uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
    uint8_t *h = image->bytes + offset;

    put32(h, 0x1badb002u);
    put32(h + 4, flags);
    put32(h + 8, (uint32_t) - (0x1badb002u + flags));
    if (flags & (1u << 16)) {
        put32(h + 12, header_addr);
        put32(h + 16, load_addr);
        put32(h + 20, load_end);
        put32(h + 24, bss_end);
        put32(h + 28, entry);
    }
    if (offset + 32 > image->size) {
        image->size = offset + 32 <= TEST_IMAGE_MAX ? offset + 32 : TEST_IMAGE_MAX;
    }
}

bool test_image_read(const char *path, test_image_t *image)
{
    FILE *file = fopen(path, "rb");

    if (file == NULL) {
        return false;
    }
    image->size = fread(image->bytes, 1, sizeof(image->bytes), file);
    bool whole = feof(file) != 0;
    fclose(file);
    return whole && image->size > 0;
}
