/*
 * A fake host for the software TLB's tests (test helper, linked into every lib/pv test and
 * fuzzer): the callbacks of pv_shadow_ops_t recorded into simulated host page tables per space,
 * with the kernel's rules (a table maps at its level under a mapped parent, an entry holds one
 * thing, no slot reachable twice, slot 256 of the PML4 refused) and the VMM's contract (frames of
 * guest RAM only, bounds of each pool). Breaches are recorded, not fatal, for the test to assert.
 */
#ifndef SHADOW_FAKE_H
#define SHADOW_FAKE_H

#include <pv/shadow.h>
#include <stdbool.h>
#include <stdint.h>

#define SHADOW_FAKE_EMPTY (-1)

typedef struct shadow_fake_table {
    bool mapped;
    uint8_t space;
    uint64_t base;
    int32_t children[512]; /* slots of the level below (page slots under a PT) */
} shadow_fake_table_t;

typedef struct shadow_fake_page {
    bool mapped;
    uint8_t space;
    uint64_t address;
    uint64_t frame;
    unsigned rights;
} shadow_fake_page_t;

typedef struct shadow_fake {
    pv_shadow_config_t bounds;
    uint64_t ram_size;
    shadow_fake_table_t *tables[3]; /* PDPT, PD, PT slots */
    shadow_fake_page_t *pages;
    int32_t roots[PV_SHADOW_SPACES][512];
    uint64_t calls[4];  /* map_table, unmap_table, map_page, unmap_page */
    uint64_t fail_at;   /* the call (counted over all four) that fails; 0: none */
    uint64_t all_calls; /* calls so far */
    char breach[256];   /* the first breach of the rules, or "" */
} shadow_fake_t;

/* What the host maps at an address of a space. */
typedef struct shadow_fake_translation {
    bool present;
    uint64_t frame;
    unsigned rights;
    int32_t slot;
} shadow_fake_translation_t;

void shadow_fake_init(shadow_fake_t *fake, const pv_shadow_config_t *bounds, uint64_t ram_size);
void shadow_fake_free(shadow_fake_t *fake);
pv_shadow_ops_t shadow_fake_ops(shadow_fake_t *fake);

shadow_fake_translation_t shadow_fake_translate(const shadow_fake_t *fake, pv_shadow_space_t space,
                                                uint64_t address);

/* Whether a page slot is mapped where the host's tables reach it. */
bool shadow_fake_page_reachable(const shadow_fake_t *fake, int32_t slot);

/* Host objects reachable now, by pool (PDPT, PD, PT, pages). */
void shadow_fake_count(const shadow_fake_t *fake, uint32_t counts[4]);

#endif
