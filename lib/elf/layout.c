/*
 * The loadable segments together: sorted by virtual address, no two sharing an address (nor a
 * physical address when the rules check those), the bounds of all of them, and the entry point
 * inside an executable one. Works on the checked copies in the image, never on the file.
 */
#include "internal.h"

static void segments_sort(elf_segment_t *segments, unsigned count)
{
    for (unsigned i = 1; i < count; i++) {
        elf_segment_t moving = segments[i];
        unsigned j = i;
        while (j > 0 && segments[j - 1].vaddr > moving.vaddr) {
            segments[j] = segments[j - 1];
            j--;
        }
        segments[j] = moving;
    }
}

/* Ranges that passed elf_check_load never wrap, so their ends are representable. */
static bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a < b + b_size && b < a + a_size;
}

static elf_error_t check_overlaps(elf_image_t *image, bool physical)
{
    for (unsigned i = 0; i < image->segment_count; i++) {
        const elf_segment_t *later = &image->segments[i];
        for (unsigned j = 0; j < i; j++) {
            const elf_segment_t *earlier = &image->segments[j];
            bool overlap = physical ? ranges_overlap(earlier->paddr, earlier->memory_size,
                                                     later->paddr, later->memory_size)
                                    : ranges_overlap(earlier->vaddr, earlier->memory_size,
                                                     later->vaddr, later->memory_size);
            if (overlap) {
                image->failed_header = later->header_index;
                return physical ? ELF_ERR_PADDR_OVERLAP : ELF_ERR_VADDR_OVERLAP;
            }
        }
    }
    return ELF_OK;
}

static void compute_bounds(elf_image_t *image)
{
    image->vaddr_start = UINT64_MAX;
    image->paddr_start = UINT64_MAX;
    image->vaddr_end = 0;
    image->paddr_end = 0;
    for (unsigned i = 0; i < image->segment_count; i++) {
        const elf_segment_t *segment = &image->segments[i];
        uint64_t vend = segment->vaddr + segment->memory_size;
        uint64_t pend = segment->paddr + segment->memory_size;
        image->vaddr_start =
                segment->vaddr < image->vaddr_start ? segment->vaddr : image->vaddr_start;
        image->paddr_start =
                segment->paddr < image->paddr_start ? segment->paddr : image->paddr_start;
        image->vaddr_end = vend > image->vaddr_end ? vend : image->vaddr_end;
        image->paddr_end = pend > image->paddr_end ? pend : image->paddr_end;
    }
}

static bool entry_valid(const elf_image_t *image, const elf_rules_t *rules)
{
    if (rules->flags & ELF_RULE_ENTRY_ANYWHERE) {
        return true;
    }
    for (unsigned i = 0; i < image->segment_count; i++) {
        const elf_segment_t *segment = &image->segments[i];
        uint64_t start = (rules->flags & ELF_RULE_ENTRY_PHYSICAL) ? segment->paddr : segment->vaddr;
        if ((segment->flags & ELF_SEGMENT_EXECUTE) && image->entry >= start &&
            image->entry - start < segment->memory_size) {
            return true;
        }
    }
    return false;
}

elf_error_t elf_check_layout(elf_image_t *image, const elf_rules_t *rules)
{
    elf_error_t error;

    segments_sort(image->segments, image->segment_count);
    error = check_overlaps(image, false);
    if (error == ELF_OK && (rules->flags & ELF_RULE_CHECK_PADDR)) {
        error = check_overlaps(image, true);
    }
    if (error != ELF_OK) {
        return error;
    }
    compute_bounds(image);
    return entry_valid(image, rules) ? ELF_OK : ELF_ERR_ENTRY;
}
