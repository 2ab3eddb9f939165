/*
 * Notes in PT_NOTE segments: each record's name and descriptor sizes are checked against what
 * is left of its segment before either is looked at. Reads only the image's buffer.
 */
#include "internal.h"

#define NOTE_HEADER 12u

/* Records are padded to 4 bytes, or to 8 in a segment aligned to 8; anything else is malformed. */
static uint64_t note_alignment(uint64_t segment_align)
{
    if (segment_align <= 4) {
        return 4;
    }
    return segment_align == 8 ? 8 : 0;
}

static bool name_matches(const uint8_t *note_name, uint32_t name_size, const char *name)
{
    uint32_t i = 0;

    for (; name[i] != '\0'; i++) {
        if (i + 1 >= name_size || note_name[i] != (uint8_t)name[i]) {
            return false;
        }
    }
    return i + 1 == name_size && note_name[i] == 0;
}

/* Rounded up to a power of two; saturates instead of wrapping. */
static uint64_t align_up(uint64_t value, uint64_t alignment)
{
    if (value > UINT64_MAX - (alignment - 1)) {
        return UINT64_MAX;
    }
    return (value + alignment - 1) & ~(alignment - 1);
}

/*
 * Search one segment's records: ELF_OK with the match, ELF_ERR_NOTE_NOT_FOUND, or malformed.
 * Offsets are from the segment's start: a record's name follows its 12-byte header, its
 * descriptor starts at the next aligned offset after the name, the next record at the next
 * aligned offset after the descriptor (the last record may omit that padding).
 */
static elf_error_t search_segment(const uint8_t *notes, uint64_t size, uint64_t alignment,
                                  const char *name, uint32_t type, const uint8_t **desc,
                                  size_t *desc_size)
{
    uint64_t at = 0;

    while (at < size) {
        if (size - at < NOTE_HEADER) {
            return ELF_ERR_NOTE_MALFORMED;
        }
        uint32_t name_size = elf_load32(notes + at);
        uint32_t descriptor_size = elf_load32(notes + at + 4);
        uint32_t note_type = elf_load32(notes + at + 8);
        uint64_t name_at = at + NOTE_HEADER;
        if (name_size > size - name_at) {
            return ELF_ERR_NOTE_MALFORMED;
        }
        uint64_t desc_at = align_up(name_at + name_size, alignment);
        if (desc_at > size || descriptor_size > size - desc_at) {
            return ELF_ERR_NOTE_MALFORMED;
        }
        if (note_type == type && name_matches(notes + name_at, name_size, name)) {
            *desc = notes + desc_at;
            *desc_size = descriptor_size;
            return ELF_OK;
        }
        at = align_up(desc_at + descriptor_size, alignment);
    }
    return ELF_ERR_NOTE_NOT_FOUND;
}

elf_error_t elf_find_note(const elf_image_t *image, const char *name, uint32_t type,
                          const uint8_t **desc, size_t *desc_size)
{
    if (image == NULL || image->bytes == NULL || name == NULL || desc == NULL ||
        desc_size == NULL ||
        !elf_range_in_file(image->phoff, (uint64_t)image->phnum * PHDR_SIZE, image->size)) {
        return ELF_ERR_ARGUMENT;
    }
    for (uint16_t i = 0; i < image->phnum; i++) {
        const uint8_t *phdr = image->bytes + image->phoff + (uint64_t)i * PHDR_SIZE;
        if (elf_load32(phdr + PHDR_TYPE) != PT_NOTE_TYPE) {
            continue;
        }
        uint64_t offset = elf_load64(phdr + PHDR_OFFSET);
        uint64_t size = elf_load64(phdr + PHDR_FILESZ);
        uint64_t alignment = note_alignment(elf_load64(phdr + PHDR_ALIGN));
        if (!elf_range_in_file(offset, size, image->size)) {
            return ELF_ERR_NOTE_OUTSIDE;
        }
        if (alignment == 0) {
            return ELF_ERR_NOTE_MALFORMED;
        }
        elf_error_t error =
                search_segment(image->bytes + offset, size, alignment, name, type, desc, desc_size);
        if (error != ELF_ERR_NOTE_NOT_FOUND) {
            return error;
        }
    }
    return ELF_ERR_NOTE_NOT_FOUND;
}

elf_error_t elf_pvh_entry(const elf_image_t *image, uint64_t *entry)
{
    const uint8_t *desc;
    size_t desc_size;
    elf_error_t error;

    if (entry == NULL) {
        return ELF_ERR_ARGUMENT;
    }
    error = elf_find_note(image, ELF_PVH_NOTE_NAME, ELF_PVH_NOTE_TYPE, &desc, &desc_size);
    if (error != ELF_OK) {
        return error;
    }
    if (desc_size == 4) {
        *entry = elf_load32(desc);
        return ELF_OK;
    }
    if (desc_size != 8) {
        return ELF_ERR_PVH_NOTE_SIZE;
    }
    if (elf_load64(desc) > UINT32_MAX) {
        return ELF_ERR_PVH_ENTRY;
    }
    *entry = elf_load64(desc);
    return ELF_OK;
}
