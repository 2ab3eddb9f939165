/*
 * elf_parse: the header, then every program header in file order (PT_LOAD checked and kept,
 * PT_NOTE checked to lie in the file, PT_INTERP refused), then the segments together. The first
 * problem ends the parse; nothing is read before its bounds are known to be inside the buffer.
 */
#include "internal.h"

static elf_error_t check_program_header(const uint8_t *phdr, uint16_t index, size_t size,
                                        const elf_rules_t *rules, elf_image_t *image)
{
    uint32_t type = elf_load32(phdr + PHDR_TYPE);
    elf_segment_t segment;
    elf_error_t error;

    if (type == PT_INTERP_TYPE) {
        return ELF_ERR_INTERPRETER;
    }
    if (type == PT_NOTE_TYPE) {
        return elf_range_in_file(elf_load64(phdr + PHDR_OFFSET), elf_load64(phdr + PHDR_FILESZ),
                                 size)
                       ? ELF_OK
                       : ELF_ERR_NOTE_OUTSIDE;
    }
    if (type != PT_LOAD_TYPE) {
        return ELF_OK;
    }
    error = elf_check_load(phdr, size, rules, &segment);
    if (error != ELF_OK || segment.memory_size == 0) {
        return error;
    }
    if (image->segment_count == ELF_SEGMENTS_MAX) {
        return ELF_ERR_TOO_MANY;
    }
    segment.header_index = index;
    image->segments[image->segment_count++] = segment;
    return ELF_OK;
}

static elf_error_t parse_image(const uint8_t *bytes, size_t size, const elf_rules_t *rules,
                               elf_image_t *out)
{
    elf_error_t error;

    if (size < EHDR_SIZE) {
        return ELF_ERR_TRUNCATED;
    }
    error = elf_check_identity(bytes);
    if (error == ELF_OK) {
        error = elf_check_tables(bytes, size, out);
    }
    if (error != ELF_OK) {
        return error;
    }
    out->entry = elf_load64(bytes + EHDR_ENTRY);
    for (uint16_t i = 0; i < out->phnum; i++) {
        out->failed_header = i; /* the header at fault, should this one fail */
        error = check_program_header(bytes + out->phoff + (uint64_t)i * PHDR_SIZE, i, size, rules,
                                     out);
        if (error != ELF_OK) {
            return error;
        }
    }
    out->failed_header = ELF_NO_HEADER;
    if (out->segment_count == 0) {
        return ELF_ERR_NO_SEGMENTS;
    }
    return elf_check_layout(out, rules);
}

elf_error_t elf_parse(const uint8_t *bytes, size_t size, const elf_rules_t *rules, elf_image_t *out,
                      const char **problem)
{
    elf_error_t error = ELF_ERR_ARGUMENT;

    if (out != NULL) {
        out->bytes = bytes;
        out->size = size;
        out->segment_count = 0;
        out->failed_header = ELF_NO_HEADER;
    }
    if (bytes != NULL && rules != NULL && out != NULL && rules->vaddr_min < rules->vaddr_max &&
        (!(rules->flags & ELF_RULE_CHECK_PADDR) || rules->paddr_min < rules->paddr_max)) {
        error = parse_image(bytes, size, rules, out);
    }
    if (problem != NULL) {
        *problem = error == ELF_OK ? NULL : elf_error_string(error);
    }
    return error;
}
