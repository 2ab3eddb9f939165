/*
 * An ELF kernel image's part of the load plan (load.h): lib/elf checks the file and every
 * segment (inside the file, no overlap, physical addresses inside RAM from 1 MiB); the entry is
 * the PVH note's (XEN_ELFNOTE_PHYS32_ENTRY) or, for multiboot1 without the a.out kludge,
 * e_entry, taken as physical when an executable segment's physical range holds it and
 * translated from its virtual range otherwise (a kernel linked high). Either way it must lie in
 * an executable segment below 4 GiB: the guest starts there in 32-bit code.
 */
#include "layout.h"
#include "load.h"
#include <fmt/fmt.h>

static bool in_range(uint64_t address, uint64_t start, uint64_t length)
{
    return address >= start && address - start < length;
}

/* The physical entry for e_entry, or false. */
static bool elf_physical_entry(const elf_image_t *elf, uint64_t entry, uint64_t *physical)
{
    for (unsigned i = 0; i < elf->segment_count; i++) {
        const elf_segment_t *s = &elf->segments[i];
        if ((s->flags & ELF_SEGMENT_EXECUTE) && in_range(entry, s->paddr, s->memory_size)) {
            *physical = entry;
            return true;
        }
    }
    for (unsigned i = 0; i < elf->segment_count; i++) {
        const elf_segment_t *s = &elf->segments[i];
        if ((s->flags & ELF_SEGMENT_EXECUTE) && in_range(entry, s->vaddr, s->memory_size)) {
            *physical = s->paddr + (entry - s->vaddr);
            return true;
        }
    }
    return false;
}

static load_error_t elf_entry(const elf_image_t *elf, bool entry_from_pvh, kernel_plan_t *plan,
                              char *message, size_t message_size)
{
    uint64_t entry = 0;
    uint64_t physical = 0;

    if (entry_from_pvh) {
        elf_error_t error = elf_pvh_entry(elf, &entry);
        if (error == ELF_ERR_NOTE_NOT_FOUND) {
            fmt_snprintf(message, message_size,
                         "an ELF without a PVH note and without a multiboot1 header");
            return LOAD_ERR_FORMAT;
        }
        if (error != ELF_OK) {
            fmt_snprintf(message, message_size, "ELF: PVH note: %s", elf_error_string(error));
            return LOAD_ERR_ELF;
        }
    } else {
        entry = elf->entry;
    }
    bool found = elf_physical_entry(elf, entry, &physical);
    if (!found || physical >= GUEST_32BIT_LIMIT || (entry_from_pvh && physical != entry)) {
        fmt_snprintf(message, message_size,
                     "ELF: the %s entry %#lx lies in no executable segment below 4 GiB",
                     entry_from_pvh ? "PVH" : "multiboot1", (unsigned long)entry);
        return LOAD_ERR_PLACE;
    }
    plan->entry = (uint32_t)physical;
    return LOAD_OK;
}

load_error_t kernel_plan_elf(const guest_blob_t *kernel, uint64_t ram_size, bool entry_from_pvh,
                             kernel_plan_t *plan, char *message, size_t message_size)
{
    const elf_rules_t rules = {
            .vaddr_min = 0,
            .vaddr_max = UINT64_MAX,
            .paddr_min = GUEST_HIGH_RAM,
            .paddr_max = ram_size,
            .flags = ELF_RULE_CHECK_PADDR | ELF_RULE_ENTRY_ANYWHERE,
    };
    elf_image_t *elf = &plan->elf;
    elf_error_t error = elf_parse(kernel->bytes, kernel->size, &rules, elf, NULL);

    plan->elf_valid = false;
    if (error != ELF_OK) {
        if (elf->failed_header != ELF_NO_HEADER) {
            fmt_snprintf(message, message_size, "ELF: %s (program header %u)",
                         elf_error_string(error), (unsigned)elf->failed_header);
        } else {
            fmt_snprintf(message, message_size, "ELF: %s", elf_error_string(error));
        }
        return error == ELF_ERR_PADDR_RANGE ? LOAD_ERR_PLACE : LOAD_ERR_ELF;
    }
    load_error_t result = elf_entry(elf, entry_from_pvh, plan, message, message_size);
    if (result != LOAD_OK) {
        return result;
    }
    for (unsigned i = 0; i < elf->segment_count; i++) {
        const elf_segment_t *s = &elf->segments[i];
        plan->pieces[i] = (load_piece_t){s->paddr, s->file_offset, s->file_size, s->memory_size};
    }
    plan->piece_count = elf->segment_count;
    plan->elf_valid = true;
    return LOAD_OK;
}
