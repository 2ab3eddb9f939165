/*
 * libFuzzer target for lib/elf. The first input byte picks the rules (one of four) and how the
 * rest becomes a file: raw bytes; the valid test image (elf_image_builder.h) with patches of 1-8
 * bytes, then cut or padded; or that image with its program headers replaced by the input's.
 * Every file lies in a buffer of exactly its size, so ASan catches a read past it. A refusal
 * must be a known error naming a real program header or none. An acceptance must satisfy, by an
 * independent reading of the file, everything a loader relies on; notes and symbols of an
 * accepted image must lie in the buffer. A violation aborts with its reason.
 */
#include "elf_image_builder.h"

#include <elf/elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATCH_BYTES 11 /* offset (2), length (1), value (8) */
#define FILE_MAX    (1u << 16)

static const elf_rules_t rule_sets[4] = {
        {.vaddr_min = 0x1000, .vaddr_max = 0x0000800000000000ull},
        {.vaddr_min = 0, .vaddr_max = UINT64_MAX, .flags = ELF_RULE_ENTRY_ANYWHERE},
        {.vaddr_min = 0x400000,
         .vaddr_max = 0x500000,
         .paddr_min = 0x100000,
         .paddr_max = 0x40000000,
         .flags = ELF_RULE_CHECK_PADDR | ELF_RULE_ENTRY_PHYSICAL},
        {.vaddr_min = 0xffffffff80000000ull,
         .vaddr_max = UINT64_MAX,
         .paddr_min = 0,
         .paddr_max = UINT64_MAX,
         .flags = ELF_RULE_CHECK_PADDR},
};

static void violation(const char *why)
{
    fprintf(stderr, "lib/elf broke its contract: %s\n", why);
    abort();
}

static uint64_t read_le(const uint8_t *bytes, unsigned length)
{
    uint64_t value = 0;

    for (unsigned i = length; i-- > 0;) {
        value = value << 8 | bytes[i];
    }
    return value;
}

static bool in_buffer(const elf_image_t *image, const void *pointer, uint64_t length)
{
    const uint8_t *at = pointer;
    return at >= image->bytes && (uint64_t)(at - image->bytes) <= image->size &&
           length <= image->size - (uint64_t)(at - image->bytes);
}

/* Does a non-empty PT_LOAD of the file say exactly what this segment says? */
static bool segment_in_file(const uint8_t *bytes, const elf_segment_t *segment)
{
    Elf64_Ehdr header;
    Elf64_Phdr phdr;

    memcpy(&header, bytes, sizeof(header));
    if (segment->header_index >= header.e_phnum) {
        return false;
    }
    memcpy(&phdr, bytes + header.e_phoff + segment->header_index * sizeof(phdr), sizeof(phdr));
    return phdr.p_type == PT_LOAD && phdr.p_vaddr == segment->vaddr &&
           phdr.p_paddr == segment->paddr && phdr.p_offset == segment->file_offset &&
           phdr.p_filesz == segment->file_size && phdr.p_memsz == segment->memory_size &&
           (phdr.p_flags & 7u) == segment->flags;
}

static bool range_within(uint64_t start, uint64_t size, uint64_t min, uint64_t max)
{
    return size != 0 && start >= min && start < max && size <= max - start;
}

static void check_segments(const elf_image_t *image, const elf_rules_t *rules)
{
    bool entry_found = (rules->flags & ELF_RULE_ENTRY_ANYWHERE) != 0;

    if (image->segment_count == 0 || image->segment_count > ELF_SEGMENTS_MAX) {
        violation("segment count out of range");
    }
    for (unsigned i = 0; i < image->segment_count; i++) {
        const elf_segment_t *s = &image->segments[i];
        if (!segment_in_file(image->bytes, s)) {
            violation("a segment differs from its program header");
        }
        if (s->file_size > s->memory_size || s->file_offset > image->size ||
            s->file_size > image->size - s->file_offset) {
            violation("segment data outside the file or larger than memory");
        }
        if (!range_within(s->vaddr, s->memory_size, rules->vaddr_min, rules->vaddr_max)) {
            violation("segment outside the virtual range");
        }
        if ((rules->flags & ELF_RULE_CHECK_PADDR) &&
            !range_within(s->paddr, s->memory_size, rules->paddr_min, rules->paddr_max)) {
            violation("segment outside the physical range");
        }
        if (((s->file_offset ^ s->vaddr) & (ELF_PAGE_SIZE - 1)) != 0) {
            violation("offset and vaddr not congruent");
        }
        if (i > 0 && image->segments[i - 1].vaddr + image->segments[i - 1].memory_size > s->vaddr) {
            violation("segments unsorted or overlapping");
        }
        uint64_t start = (rules->flags & ELF_RULE_ENTRY_PHYSICAL) ? s->paddr : s->vaddr;
        if ((s->flags & ELF_SEGMENT_EXECUTE) && image->entry - start < s->memory_size) {
            entry_found = true;
        }
    }
    if (!entry_found) {
        violation("entry outside every executable segment");
    }
}

static void check_notes_and_symbols(const elf_image_t *image)
{
    const uint8_t *desc = NULL;
    size_t desc_size = 0;
    uint64_t entry;
    elf_symbol_iter_t iter;
    elf_symbol_t symbol;

    if (elf_find_note(image, "Xen", 18, &desc, &desc_size) == ELF_OK &&
        !in_buffer(image, desc, desc_size)) {
        violation("note descriptor outside the buffer");
    }
    elf_error_t error = elf_pvh_entry(image, &entry);
    if (error == ELF_OK && entry > UINT32_MAX) {
        violation("PVH entry above 4 GiB");
    }
    if (elf_find_symbols(image, &iter) != ELF_OK) {
        return;
    }
    while ((error = elf_next_symbol(&iter, &symbol)) != ELF_DONE) {
        if (error == ELF_ERR_SYMBOL_NAME) {
            continue;
        }
        if (error != ELF_OK || !in_buffer(image, symbol.name, symbol.name_length + 1) ||
            symbol.name[symbol.name_length] != '\0' || symbol.section == 0) {
            violation("symbol name outside the buffer or unterminated");
        }
    }
}

static void parse_and_check(const uint8_t *bytes, size_t size, const elf_rules_t *rules)
{
    elf_image_t image;
    const char *problem = NULL;
    elf_error_t error = elf_parse(bytes, size, rules, &image, &problem);

    if (error != ELF_OK) {
        if (error < ELF_ERR_ARGUMENT || error >= ELF_ERROR_COUNT || problem == NULL ||
            strcmp(problem, elf_error_string(error)) != 0) {
            violation("refusal without a known error");
        }
        if (image.failed_header != ELF_NO_HEADER &&
            (size < sizeof(Elf64_Ehdr) || image.failed_header >= image.phnum)) {
            violation("refusal names a program header the file does not have");
        }
        return;
    }
    if (problem != NULL || image.bytes != bytes || image.size != size) {
        violation("acceptance with a problem or another buffer");
    }
    check_segments(&image, rules);
    check_notes_and_symbols(&image);
}

static void parse_copy(const uint8_t *bytes, size_t size, const elf_rules_t *rules)
{
    uint8_t *copy = malloc(size > 0 ? size : 1);

    if (copy == NULL) {
        abort();
    }
    memcpy(copy, bytes, size);
    parse_and_check(copy, size, rules);
    free(copy);
}

static void fuzz_patched(const uint8_t *data, size_t size, const elf_rules_t *rules)
{
    test_elf_t elf;
    test_elf_init(&elf);
    uint8_t *valid = test_elf_write(&elf);
    size_t file_size = elf.size;

    if (size >= 2 && (data[0] & 1)) {
        file_size = read_le(data, 2) >> 2; /* cut or padded: 0 to 16383 bytes */
        data += 2;
        size -= 2;
    }
    uint8_t *file = calloc(file_size > 0 ? file_size : 1, 1);
    if (file == NULL) {
        abort();
    }
    memcpy(file, valid, file_size < elf.size ? file_size : elf.size);
    for (; size >= PATCH_BYTES; data += PATCH_BYTES, size -= PATCH_BYTES) {
        size_t at = read_le(data, 2);
        unsigned length = data[2] % 8 + 1;
        for (unsigned i = 0; i < length && at + i < file_size; i++) {
            file[at + i] = data[3 + i];
        }
    }
    parse_and_check(file, file_size, rules);
    free(file);
    free(valid);
}

/* The valid image with its program headers taken from the input (up to 24 of them). */
static void fuzz_program_headers(const uint8_t *data, size_t size, const elf_rules_t *rules)
{
    test_elf_t elf;
    test_elf_init(&elf);
    size_t count = size / sizeof(Elf64_Phdr);

    if (count == 0) {
        return;
    }
    if (count > TEST_ELF_PHDRS_MAX) {
        count = TEST_ELF_PHDRS_MAX;
    }
    memcpy(elf.phdrs, data, count * sizeof(Elf64_Phdr));
    elf.header.e_phnum = (Elf64_Half)count;
    uint8_t *file = test_elf_write(&elf);
    parse_and_check(file, elf.size, rules);
    free(file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > FILE_MAX) {
        return 0;
    }
    const elf_rules_t *rules = &rule_sets[data[0] & 3];
    switch ((data[0] >> 2) % 3) {
    case 0:
        parse_copy(data + 1, size - 1, rules);
        break;
    case 1:
        fuzz_patched(data + 1, size - 1, rules);
        break;
    default:
        fuzz_program_headers(data + 1, size - 1, rules);
        break;
    }
    return 0;
}
