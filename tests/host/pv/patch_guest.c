/*
 * Guests for the patch scanner's tests (test helper): see patch_guest.h. Allocation failures end
 * the test program (abort), as a test cannot go on without its guest.
 */
#include "patch_guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *patch_alloc(size_t size)
{
    void *memory = calloc(1, size != 0 ? size : 1);

    if (memory == NULL) {
        fprintf(stderr, "patch_guest: out of memory (%zu bytes)\n", size);
        abort();
    }
    return memory;
}

void patch_guest_init(patch_guest_t *guest, uint64_t ram_size, size_t capacity)
{
    uint64_t size = (ram_size + 4095) & ~4095ull;

    memset(guest, 0, sizeof(*guest));
    guest->ram = aligned_alloc(4096, size != 0 ? size : 4096);
    if (guest->ram == NULL) {
        fprintf(stderr, "patch_guest: out of memory for %llu bytes of RAM\n",
                (unsigned long long)size);
        abort();
    }
    memset(guest->ram, 0, size != 0 ? size : 4096);
    guest->memory.base = guest->ram;
    guest->memory.size = size;
    guest->entry_capacity = capacity;
    guest->entries = patch_alloc(capacity * sizeof(pv_patch_entry_t));
    guest->stack_entries = PV_PATCH_STACK_DEFAULT;
    guest->result.sites = patch_alloc(capacity * sizeof(pv_patch_site_t));
    guest->result.site_capacity = capacity;
    guest->result.unreached = patch_alloc(capacity * sizeof(pv_patch_range_t));
    guest->result.unreached_capacity = capacity;
    guest->result.conflicts = patch_alloc(capacity * sizeof(pv_patch_conflict_t));
    guest->result.conflict_capacity = capacity;
    guest->result.notes = patch_alloc(capacity * sizeof(pv_patch_note_t));
    guest->result.note_capacity = capacity;
}

void patch_guest_free(patch_guest_t *guest)
{
    free(guest->ram);
    free(guest->entries);
    free(guest->result.sites);
    free(guest->result.unreached);
    free(guest->result.conflicts);
    free(guest->result.notes);
    free(guest->workspace);
    memset(guest, 0, sizeof(*guest));
}

void patch_guest_reset(patch_guest_t *guest)
{
    memset(guest->ram, 0, guest->memory.size);
    guest->region_count = 0;
    guest->entry_count = 0;
    guest->decoder = (x86dec_options_t){0};
    guest->flags = 0;
    guest->stack_entries = PV_PATCH_STACK_DEFAULT;
}

void patch_guest_region(patch_guest_t *guest, uint64_t virtual_start, uint64_t physical_start,
                        uint64_t length)
{
    if (guest->region_count < PV_PATCH_REGIONS_MAX) {
        guest->regions[guest->region_count++] = (pv_patch_region_t){
                .virtual_start = gva(virtual_start),
                .physical_start = gpa(physical_start),
                .length = length,
        };
    }
}

void patch_guest_entry(patch_guest_t *guest, uint64_t address, pv_patch_mode_t mode,
                       pv_patch_origin_t origin)
{
    if (guest->entry_count < guest->entry_capacity) {
        guest->entries[guest->entry_count++] = (pv_patch_entry_t){
                .address = gva(address),
                .mode = (uint8_t)mode,
                .origin = (uint8_t)origin,
        };
    }
}

size_t patch_guest_code(patch_guest_t *guest, uint64_t physical, const char *hex)
{
    size_t count = 0;

    while (*hex != '\0') {
        unsigned value;
        int used;
        if (sscanf(hex, " %2x%n", &value, &used) != 1) {
            break;
        }
        if (physical + count < guest->memory.size) {
            guest->ram[physical + count] = (uint8_t)value;
        }
        count++;
        hex += used;
    }
    return count;
}

pv_patch_error_t patch_guest_scan(patch_guest_t *guest)
{
    size_t size = 0;
    pv_patch_error_t error = pv_patch_workspace_size(guest->regions, guest->region_count,
                                                     guest->stack_entries, &size);

    /* A refused region set still gets a scan, so that the scan's own refusal is what is seen. */
    if (error != PV_PATCH_OK) {
        size = 64;
    }
    if (size > guest->workspace_capacity) {
        free(guest->workspace);
        guest->workspace = patch_alloc(size);
        guest->workspace_capacity = size;
    }
    guest->input = (pv_patch_input_t){
            .memory = &guest->memory,
            .regions = guest->regions,
            .region_count = guest->region_count,
            .entries = guest->entries,
            .entry_count = guest->entry_count,
            .decoder = guest->decoder,
            .flags = guest->flags,
            .workspace = guest->workspace,
            .workspace_size = size,
    };
    return pv_patch_scan(&guest->input, &guest->result);
}

pv_patch_error_t patch_guest_scan_more(patch_guest_t *guest, size_t first)
{
    guest->input.entries = guest->entries;
    guest->input.entry_count = guest->entry_count;
    return pv_patch_scan_more(&guest->input, first, &guest->result);
}

const pv_patch_note_t *patch_guest_note(const patch_guest_t *guest, pv_patch_note_kind_t kind,
                                        uint64_t address)
{
    size_t stored = guest->result.note_count < guest->result.note_capacity
                            ? guest->result.note_count
                            : guest->result.note_capacity;

    for (size_t i = 0; i < stored; i++) {
        const pv_patch_note_t *note = &guest->result.notes[i];
        if (note->kind == kind && (address == ~0ull || note->address.value == address)) {
            return note;
        }
    }
    return NULL;
}

size_t patch_guest_notes(const patch_guest_t *guest, pv_patch_note_kind_t kind)
{
    size_t stored = guest->result.note_count < guest->result.note_capacity
                            ? guest->result.note_count
                            : guest->result.note_capacity;
    size_t count = 0;

    for (size_t i = 0; i < stored; i++) {
        count += guest->result.notes[i].kind == kind;
    }
    return count;
}

static uint8_t *patch_read_file(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    uint8_t *bytes = NULL;
    long length;

    if (file == NULL) {
        return NULL;
    }
    if (fseek(file, 0, SEEK_END) == 0 && (length = ftell(file)) > 0 &&
        fseek(file, 0, SEEK_SET) == 0) {
        bytes = patch_alloc((size_t)length);
        if (fread(bytes, 1, (size_t)length, file) != (size_t)length) {
            free(bytes);
            bytes = NULL;
        }
        *size = (size_t)length;
    }
    fclose(file);
    return bytes;
}

bool patch_guest_load_elf(patch_guest_t *guest, const char *path, elf_image_t *image,
                          uint8_t **file, size_t capacity)
{
    /* Test images are trusted to be sane; the rules only keep the RAM they need bounded. */
    const elf_rules_t rules = {
            .vaddr_min = 0,
            .vaddr_max = ~0ull,
            .paddr_min = 0,
            .paddr_max = 1ull << 32,
            .flags = ELF_RULE_CHECK_PADDR | ELF_RULE_ENTRY_ANYWHERE,
    };
    const char *problem = NULL;
    size_t size = 0;

    *file = patch_read_file(path, &size);
    if (*file == NULL) {
        fprintf(stderr, "patch_guest: cannot read %s\n", path);
        return false;
    }
    if (elf_parse(*file, size, &rules, image, &problem) != ELF_OK) {
        fprintf(stderr, "patch_guest: %s: %s\n", path, problem);
        free(*file);
        *file = NULL;
        return false;
    }
    patch_guest_init(guest, image->paddr_end, capacity);
    for (unsigned i = 0; i < image->segment_count; i++) {
        const elf_segment_t *segment = &image->segments[i];
        memcpy(guest->ram + segment->paddr, *file + segment->file_offset, segment->file_size);
    }
    return true;
}

static uint32_t patch_load32(const uint8_t *bytes)
{
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
           (uint32_t)bytes[3] << 24;
}

uint32_t patch_guest_boot_flags(const elf_image_t *image)
{
    const uint32_t magic = 0x1badb002u;
    uint64_t pvh;

    /* multiboot1: magic, flags and a checksum that makes the three sum to 0 */
    for (size_t at = 0; at + 12 <= image->size && at < 8192; at += 4) {
        const uint8_t *header = image->bytes + at;
        uint32_t sum = patch_load32(header) + patch_load32(header + 4) + patch_load32(header + 8);
        if (patch_load32(header) == magic && sum == 0) {
            return PV_PATCH_ELF_ENTRY32 | PV_PATCH_ELF_PVH | PV_PATCH_ELF_SYMBOLS;
        }
    }
    if (elf_pvh_entry(image, &pvh) == ELF_OK) {
        return PV_PATCH_ELF_PVH | PV_PATCH_ELF_SYMBOLS;
    }
    return PV_PATCH_ELF_ENTRY64 | PV_PATCH_ELF_SYMBOLS;
}
