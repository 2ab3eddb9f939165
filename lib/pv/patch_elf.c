/*
 * The scan's input from a parsed ELF image (lib/elf): its executable segments as regions, and
 * its boot entries and function symbols as entries. Reads the image through lib/elf only;
 * writes never more than the caller's capacity.
 */
#include "patch_internal.h"

pv_patch_error_t pv_patch_regions_from_elf(const elf_image_t *image, uint32_t flags,
                                           pv_patch_region_t *regions, size_t capacity,
                                           size_t *count)
{
    size_t found = 0;

    if (count == NULL) {
        return PV_PATCH_ERR_ARGUMENT;
    }
    *count = 0;
    if (image == NULL || (regions == NULL && capacity != 0) ||
        (flags & ~PV_PATCH_ELF_IDENTITY) != 0 || image->segment_count > ELF_SEGMENTS_MAX) {
        return PV_PATCH_ERR_ARGUMENT;
    }
    /* Pass 0: the segments as linked; pass 1: identity views of those linked elsewhere. */
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < image->segment_count; i++) {
            const elf_segment_t *segment = &image->segments[i];
            bool identity = pass == 1;
            if ((segment->flags & ELF_SEGMENT_EXECUTE) == 0 ||
                (identity &&
                 ((flags & PV_PATCH_ELF_IDENTITY) == 0 || segment->vaddr == segment->paddr))) {
                continue;
            }
            if (found < capacity) {
                regions[found].virtual_start = gva(identity ? segment->paddr : segment->vaddr);
                regions[found].physical_start = gpa(segment->paddr);
                regions[found].length = segment->memory_size;
            }
            found++;
        }
    }
    *count = found;
    return found > capacity ? PV_PATCH_ERR_CAPACITY : PV_PATCH_OK;
}

static void entry_put(pv_patch_entry_t *entries, size_t capacity, size_t *found, uint64_t address,
                      pv_patch_mode_t mode, pv_patch_origin_t origin)
{
    if (*found < capacity) {
        entries[*found].address = gva(address);
        entries[*found].mode = (uint8_t)mode;
        entries[*found].origin = (uint8_t)origin;
    }
    (*found)++;
}

pv_patch_error_t pv_patch_entries_from_elf(const elf_image_t *image, uint32_t flags,
                                           pv_patch_entry_t *entries, size_t capacity,
                                           size_t *count)
{
    uint32_t known =
            PV_PATCH_ELF_PVH | PV_PATCH_ELF_ENTRY32 | PV_PATCH_ELF_ENTRY64 | PV_PATCH_ELF_SYMBOLS;
    size_t found = 0;
    uint64_t pvh;
    elf_error_t status;

    if (count == NULL) {
        return PV_PATCH_ERR_ARGUMENT;
    }
    *count = 0;
    if (image == NULL || (entries == NULL && capacity != 0) || (flags & ~known) != 0 ||
        (flags & (PV_PATCH_ELF_ENTRY32 | PV_PATCH_ELF_ENTRY64)) ==
                (PV_PATCH_ELF_ENTRY32 | PV_PATCH_ELF_ENTRY64)) {
        return PV_PATCH_ERR_ARGUMENT;
    }
    if ((flags & PV_PATCH_ELF_PVH) != 0) {
        status = elf_pvh_entry(image, &pvh);
        if (status == ELF_OK) {
            entry_put(entries, capacity, &found, pvh, PV_PATCH_MODE_32, PV_PATCH_ORIGIN_BOOT);
        } else if (status != ELF_ERR_NOTE_NOT_FOUND) {
            return PV_PATCH_ERR_ELF;
        }
    }
    if ((flags & (PV_PATCH_ELF_ENTRY32 | PV_PATCH_ELF_ENTRY64)) != 0) {
        entry_put(entries, capacity, &found, image->entry,
                  (flags & PV_PATCH_ELF_ENTRY32) != 0 ? PV_PATCH_MODE_32 : PV_PATCH_MODE_64,
                  PV_PATCH_ORIGIN_BOOT);
    }
    if ((flags & PV_PATCH_ELF_SYMBOLS) != 0) {
        elf_symbol_iter_t iter;
        elf_symbol_t symbol;

        if (elf_find_symbols(image, &iter) != ELF_OK) {
            return PV_PATCH_ERR_ELF;
        }
        while ((status = elf_next_symbol(&iter, &symbol)) != ELF_DONE) {
            /* A symbol whose name lies outside the string table is left out (lib/elf has moved
             * past it): its address cannot be trusted more than its name. */
            if (status != ELF_OK && status != ELF_ERR_SYMBOL_NAME) {
                return PV_PATCH_ERR_ELF;
            }
            if (status == ELF_OK) {
                entry_put(entries, capacity, &found, symbol.value, PV_PATCH_MODE_64,
                          PV_PATCH_ORIGIN_SYMBOL);
            }
        }
    }
    *count = found;
    return found > capacity ? PV_PATCH_ERR_CAPACITY : PV_PATCH_OK;
}
