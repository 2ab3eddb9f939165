/*
 * libFuzzer target for the kernel's root-task ELF parser (elf_parse). The first input byte picks
 * how the rest becomes an image: raw bytes; a valid image (elf_builder.h) with patches written
 * over it and cut or padded; or valid program headers partly replaced by the input. Every image
 * lies in a buffer of exactly its size (ASan catches any read past it). A refusal must be one of
 * the parser's messages; an acceptance must satisfy what the loader relies on, each checked here
 * against an independent reading of the image. Any violation aborts with its reason.
 */
#include "../../host/boot_elf/elf_builder.h"

#include <arch/kernel/boot_elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOWER_HALF_END  0x0000800000000000ull
#define KERNEL_SLOT_END 0xffff808000000000ull /* the kernel's PML4 slot 256 ends here */
#define LAST_PAGE_START 0xfffffffffffff000ull
#define IMAGE_MAX       (1u << 16)
#define PATCH_BYTES     11 /* offset (2), length (1), value (8) */
#define TEMPLATE_PHDRS  (ELF_SEGMENTS_MAX + 4)
#define TEMPLATE_VADDR  0x10000000ull
#define TEMPLATE_BYTES  (10 + TEMPLATE_PHDRS * sizeof(Elf64_Phdr))

static const char *const messages[] = {
        "file shorter than an ELF header",
        "not an ELF file",
        "not a little-endian ELF64 file",
        "unknown ELF version",
        "not an executable (ET_EXEC)",
        "not an x86-64 executable",
        "bad program header table entry size or count",
        "program header table outside the file",
        "segment file size exceeds its memory size",
        "segment data outside the file",
        "segment outside user address space",
        "segment in the last page of the address space",
        "too many loadable segments",
        "no loadable segment",
        "entry point outside every executable segment",
};

static void violation(const char *why, const elf_image_t *image, unsigned index)
{
    fprintf(stderr, "elf_parse accepted an image that breaks the loader's assumptions: %s\n", why);
    fprintf(stderr, "  entry %#llx, %u segments\n", (unsigned long long)image->entry,
            image->segment_count);
    if (index < image->segment_count) {
        const elf_segment_t *segment = &image->segments[index];
        fprintf(stderr,
                "  segment %u: vaddr %#llx memsz %#llx offset %#llx filesz %#llx flags %#x\n",
                index, (unsigned long long)segment->vaddr, (unsigned long long)segment->memory_size,
                (unsigned long long)segment->file_offset, (unsigned long long)segment->file_size,
                segment->flags);
    }
    abort();
}

/*
 * The user half as the kernel defines it, written out as ranges: [0, 2^47) and from the end of
 * the kernel's slot to the start of the last page (which the loader needs to stay free).
 */
static bool range_in_user_space(uint64_t vaddr, uint64_t size)
{
    if (size == 0 || vaddr + size < vaddr) {
        return false;
    }
    if (vaddr < LOWER_HALF_END) {
        return size <= LOWER_HALF_END - vaddr;
    }
    return vaddr >= KERNEL_SLOT_END && vaddr + size <= LAST_PAGE_START;
}

/* What an accepted image must be, against a reading of its program headers with <elf.h>. */
static void check_accepted(const uint8_t *bytes, size_t size, const elf_image_t *image)
{
    Elf64_Ehdr header;
    unsigned loads = 0;
    bool entry_found = false;

    memcpy(&header, bytes, sizeof(header));
    if (image->bytes != bytes || image->size != size || image->entry != header.e_entry) {
        violation("image bytes, size or entry differ from the file", image, ~0u);
    }
    if (image->segment_count == 0 || image->segment_count > ELF_SEGMENTS_MAX) {
        violation("segment count out of range", image, ~0u);
    }
    for (unsigned i = 0; i < header.e_phnum; i++) {
        Elf64_Phdr phdr;
        memcpy(&phdr, bytes + header.e_phoff + (size_t)i * sizeof(phdr), sizeof(phdr));
        if (phdr.p_type != PT_LOAD || phdr.p_memsz == 0) {
            continue;
        }
        if (loads >= image->segment_count) {
            violation("a loadable segment is missing from the image", image, ~0u);
        }
        const elf_segment_t *segment = &image->segments[loads];
        if (segment->vaddr != phdr.p_vaddr || segment->memory_size != phdr.p_memsz ||
            segment->file_offset != phdr.p_offset || segment->file_size != phdr.p_filesz ||
            segment->flags != phdr.p_flags) {
            violation("segment differs from its program header", image, loads);
        }
        if (segment->file_size > segment->memory_size) {
            violation("file size exceeds memory size", image, loads);
        }
        if (segment->file_offset > size || segment->file_size > size - segment->file_offset) {
            violation("file range outside the buffer", image, loads);
        }
        if (!range_in_user_space(segment->vaddr, segment->memory_size)) {
            violation("memory range outside user space, wrapping or in the last page", image,
                      loads);
        }
        if ((segment->flags & ELF_SEGMENT_EXECUTE) && image->entry >= segment->vaddr &&
            image->entry - segment->vaddr < segment->memory_size) {
            entry_found = true;
        }
        loads++;
    }
    if (loads != image->segment_count) {
        violation("the image lists segments the file does not have", image, ~0u);
    }
    if (!entry_found) {
        violation("entry outside every executable segment", image, ~0u);
    }
}

static void parse_and_check(const uint8_t *bytes, size_t size)
{
    elf_image_t image;
    const char *problem = elf_parse(bytes, size, &image);

    if (problem == NULL) {
        check_accepted(bytes, size, &image);
        return;
    }
    for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
        if (strcmp(problem, messages[i]) == 0) {
            return;
        }
    }
    fprintf(stderr, "elf_parse refused with an unknown message: \"%s\"\n", problem);
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

/* A valid image, patched: each patch writes 1 to 8 little-endian bytes at an offset. */
static void fuzz_patched_image(const uint8_t *data, size_t size)
{
    elf_spec_t spec;
    uint8_t *valid;
    uint8_t *file;
    size_t file_size = ELF_SPEC_FILE_SIZE;

    elf_spec_valid(&spec);
    valid = elf_spec_write(&spec);
    if (valid == NULL) {
        abort();
    }
    if (size >= 2 && (data[0] & 1)) {
        file_size = read_le(data, 2) >> 1; /* cut or padded: 0 to 32767 bytes */
        data += 2;
        size -= 2;
    }
    file = calloc(file_size > 0 ? file_size : 1, 1);
    if (file == NULL) {
        abort();
    }
    memcpy(file, valid, file_size < ELF_SPEC_FILE_SIZE ? file_size : ELF_SPEC_FILE_SIZE);
    for (; size >= PATCH_BYTES; data += PATCH_BYTES, size -= PATCH_BYTES) {
        size_t at = read_le(data, 2);
        unsigned length = data[2] % 8 + 1;
        for (unsigned i = 0; i < length && at + i < file_size; i++) {
            file[at + i] = data[3 + i];
        }
    }
    parse_and_check(file, file_size);
    free(file);
    free(valid);
}

/*
 * A valid header and program headers, described by a byte string whose prefix the input
 * replaces: [phdr count - 1][file padding / 64][entry, 8 bytes][program headers]. The template
 * has TEMPLATE_PHDRS valid PT_LOADs (the first executable, holding the entry), so that a short
 * input keeps the rest valid and counts past ELF_SEGMENTS_MAX are easy to reach.
 */
static void fuzz_program_headers(const uint8_t *data, size_t size)
{
    static uint8_t description[TEMPLATE_BYTES + IMAGE_MAX];
    size_t length = size > TEMPLATE_BYTES ? size : TEMPLATE_BYTES;
    size_t table_bytes;
    elf_spec_t spec;
    uint8_t *file;

    description[0] = TEMPLATE_PHDRS - 1;
    description[1] = 0;
    for (unsigned i = 0; i < 8; i++) {
        description[2 + i] = (uint8_t)(TEMPLATE_VADDR >> (8 * i));
    }
    for (unsigned i = 0; i < TEMPLATE_PHDRS; i++) {
        Elf64_Phdr phdr = {
                .p_type = PT_LOAD,
                .p_flags = i == 0 ? PF_R | PF_X : PF_R,
                .p_vaddr = TEMPLATE_VADDR + 2ull * i * 0x1000,
                .p_memsz = 0x1000,
        };
        memcpy(description + 10 + i * sizeof(phdr), &phdr, sizeof(phdr));
    }
    memcpy(description, data, size);

    elf_spec_valid(&spec);
    spec.header.e_phnum = description[0] % TEMPLATE_PHDRS + 1;
    spec.header.e_entry = read_le(description + 2, 8);
    table_bytes = length - 10;
    spec.size = sizeof(Elf64_Ehdr) + table_bytes + (size_t)description[1] * 64;
    file = elf_spec_write(&spec);
    if (file == NULL) {
        abort();
    }
    memcpy(file + sizeof(Elf64_Ehdr), description + 10, table_bytes);
    parse_and_check(file, spec.size);
    free(file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > IMAGE_MAX) {
        return 0;
    }
    switch (data[0] % 3) {
    case 0:
        /* Raw bytes: libFuzzer's buffer ends exactly where the input does. */
        parse_and_check(data + 1, size - 1);
        break;
    case 1:
        fuzz_patched_image(data + 1, size - 1);
        break;
    default:
        fuzz_program_headers(data + 1, size - 1);
        break;
    }
    return 0;
}
