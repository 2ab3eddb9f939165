/*
 * One loadable segment on its own: sizes, file range, alignment, and its virtual and physical
 * ranges against the caller's rules. Never looks at other segments (layout.c does).
 */
#include "internal.h"

#define SEGMENT_FLAGS_MASK (ELF_SEGMENT_READ | ELF_SEGMENT_WRITE | ELF_SEGMENT_EXECUTE)

static bool align_valid(uint64_t align)
{
    return align <= ELF_ALIGN_MAX && (align & (align - 1)) == 0;
}

/* [start, start + length) within [min, max), with length >= 1 and no wraparound checked first. */
static bool range_within(uint64_t start, uint64_t length, uint64_t min, uint64_t max)
{
    return start >= min && start < max && length <= max - start;
}

elf_error_t elf_check_load(const uint8_t *phdr, size_t size, const elf_rules_t *rules,
                           elf_segment_t *segment)
{
    uint64_t align = elf_load64(phdr + PHDR_ALIGN);
    uint64_t modulus = align > ELF_PAGE_SIZE ? align : ELF_PAGE_SIZE;

    segment->flags = elf_load32(phdr + PHDR_FLAGS) & SEGMENT_FLAGS_MASK;
    segment->file_offset = elf_load64(phdr + PHDR_OFFSET);
    segment->vaddr = elf_load64(phdr + PHDR_VADDR);
    segment->paddr = elf_load64(phdr + PHDR_PADDR);
    segment->file_size = elf_load64(phdr + PHDR_FILESZ);
    segment->memory_size = elf_load64(phdr + PHDR_MEMSZ);

    if (segment->file_size > segment->memory_size) {
        return ELF_ERR_FILE_SIZE;
    }
    if (!elf_range_in_file(segment->file_offset, segment->file_size, size)) {
        return ELF_ERR_DATA_OUTSIDE;
    }
    if (!align_valid(align)) {
        return ELF_ERR_ALIGN;
    }
    if (((segment->file_offset - segment->vaddr) & (modulus - 1)) != 0) {
        return ELF_ERR_CONGRUENCE;
    }
    if (segment->memory_size == 0) {
        return ELF_OK; /* occupies nothing; the caller drops it */
    }
    /* memory_size >= 1 here, so an end of exactly 2^64 shows as a sum below the start too */
    if (segment->vaddr + segment->memory_size < segment->vaddr) {
        return ELF_ERR_VADDR_WRAP;
    }
    if (!range_within(segment->vaddr, segment->memory_size, rules->vaddr_min, rules->vaddr_max)) {
        return ELF_ERR_VADDR_RANGE;
    }
    if (segment->paddr + segment->memory_size < segment->paddr) {
        return ELF_ERR_PADDR_WRAP;
    }
    if ((rules->flags & ELF_RULE_CHECK_PADDR) &&
        !range_within(segment->paddr, segment->memory_size, rules->paddr_min, rules->paddr_max)) {
        return ELF_ERR_PADDR_RANGE;
    }
    return ELF_OK;
}
