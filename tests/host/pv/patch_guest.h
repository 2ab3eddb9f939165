/*
 * Guests for the patch scanner's tests (test helper, linked into every lib/pv test and fuzzer):
 * fake guest RAM with code written from hex strings or loaded from an ELF file, regions and
 * entries, and a scan with generous output arrays and its workspace allocated here.
 */
#ifndef PATCH_GUEST_H
#define PATCH_GUEST_H

#include <elf/elf.h>
#include <pv/patch.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct patch_guest {
    uint8_t *ram;
    pv_memory_t memory;
    pv_patch_region_t regions[PV_PATCH_REGIONS_MAX];
    size_t region_count;
    pv_patch_entry_t *entries;
    size_t entry_count;
    size_t entry_capacity;
    x86dec_options_t decoder;
    uint32_t flags;
    size_t stack_entries; /* for the workspace; PV_PATCH_STACK_DEFAULT unless set */
    /* The scan's input and outputs (kept after patch_guest_scan for the lookups). */
    pv_patch_input_t input;
    pv_patch_result_t result;
    void *workspace;
    size_t workspace_capacity; /* bytes allocated at workspace, kept from scan to scan */
} patch_guest_t;

/* RAM of ram_size bytes (rounded up to 4 KiB), zeroed; room for `capacity` entries, sites and
 * reports of each kind. */
void patch_guest_init(patch_guest_t *guest, uint64_t ram_size, size_t capacity);
void patch_guest_free(patch_guest_t *guest);
/* Back to a fresh guest (RAM zeroed, no region, no entry, default options), keeping every
 * allocation: for the fuzzer, where fresh pages cost more than the scan. */
void patch_guest_reset(patch_guest_t *guest);

void patch_guest_region(patch_guest_t *guest, uint64_t virtual_start, uint64_t physical_start,
                        uint64_t length);
void patch_guest_entry(patch_guest_t *guest, uint64_t address, pv_patch_mode_t mode,
                       pv_patch_origin_t origin);
/* Write bytes given as hex ("0f a2 c3") at a guest-physical address; returns how many. */
size_t patch_guest_code(patch_guest_t *guest, uint64_t physical, const char *hex);

/* Scan with what was set up; the result stays in guest->result. */
pv_patch_error_t patch_guest_scan(patch_guest_t *guest);
/* pv_patch_scan_more() after patch_guest_scan(), with the entries added since (from `first`). */
pv_patch_error_t patch_guest_scan_more(patch_guest_t *guest, size_t first);

/* The first note of a kind at an address (any address when address is ~0), or NULL. */
const pv_patch_note_t *patch_guest_note(const patch_guest_t *guest, pv_patch_note_kind_t kind,
                                        uint64_t address);
/* How many notes of a kind. */
size_t patch_guest_notes(const patch_guest_t *guest, pv_patch_note_kind_t kind);

/*
 * Load an ELF file into a new guest (RAM up to its highest physical address): each PT_LOAD's
 * file bytes at its physical address. *image describes it; *file is the file's bytes (kept for
 * the image's pointers; free() it). False, with a line on stderr, when the file cannot be read
 * or parsed.
 */
bool patch_guest_load_elf(patch_guest_t *guest, const char *path, elf_image_t *image,
                          uint8_t **file, size_t capacity);

/*
 * The entries a loader booting the image under QEMU would start it at, as
 * pv_patch_entries_from_elf() flags: multiboot1 (e_entry, 32-bit) when the image has a
 * multiboot1 header in its first 8 KiB, else the PVH note's entry, else e_entry as 64-bit code;
 * and the function symbols.
 */
uint32_t patch_guest_boot_flags(const elf_image_t *image);

#endif
