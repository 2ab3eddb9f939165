/*
 * A guest, its software TLB and a fake host, driven by random operations, for the software
 * TLB's random tests and fuzzer (test helper). The guest has three address spaces in fake RAM
 * (user pages, kernel pages, global pages, a 2 MiB and a 1 GiB page, MMIO, the reserved range, a
 * table outside RAM). After every operation the world checks that each host mapping is one the
 * guest's tables allowed when it was filled (the reference walker of the tests says what they
 * allowed) and that invalidation removed what the architecture says it removes.
 */
#ifndef SHADOW_WORLD_H
#define SHADOW_WORLD_H

#include "shadow_fake.h"
#include "walk_fake.h"

#include <pv/shadow.h>

#define SHADOW_WORLD_CANDIDATES 160u
#define SHADOW_WORLD_ENTRIES    512u
#define SHADOW_WORLD_RAM        (512u * 1024u)

/* What a fill gave one view of one page: the most the host may map there. */
typedef struct shadow_record {
    bool valid;
    bool readable; /* the view may read or fetch (x86 cannot map execute-only) */
    bool global;
    bool needs_ac;   /* kernel view, readable only because AC was set (SMAP) */
    bool guest_user; /* the guest's tables marked the page user */
    unsigned rights; /* PV_SHADOW_WRITE/EXEC the view may have */
    uint64_t frame;
    uint64_t page_base;
    uint64_t page_size;
} shadow_record_t;

/* Outcomes seen, for the tests to insist on variety. */
enum {
    SHADOW_SEEN_FILLED,
    SHADOW_SEEN_GUEST_FAULT,
    SHADOW_SEEN_MMIO,
    SHADOW_SEEN_RESERVED,
    SHADOW_SEEN_BAD_TABLE,
    SHADOW_SEEN_NON_CANONICAL,
    SHADOW_SEEN_NO_FAULT,
    SHADOW_SEEN_INVLPG,
    SHADOW_SEEN_CR3,
    SHADOW_SEEN_MODE,
    SHADOW_SEEN_AC,
    SHADOW_SEEN_EDIT,
    SHADOW_SEEN_FLUSH,
    SHADOW_SEEN_COUNT
};

typedef struct shadow_world {
    walk_fake_t guest;
    uint64_t roots[3];
    unsigned current;
    pv_paging_t paging;
    bool ac;
    uint64_t candidates[SHADOW_WORLD_CANDIDATES]; /* sorted 4 KiB pages */
    unsigned candidate_count;
    uint64_t entries[SHADOW_WORLD_ENTRIES]; /* guest entries the edits change */
    uint64_t originals[SHADOW_WORLD_ENTRIES];
    unsigned entry_count;
    shadow_fake_t host;
    pv_shadow_t shadow;
    void *storage;
    shadow_record_t records[PV_SHADOW_SPACES][SHADOW_WORLD_CANDIDATES];
    uint64_t seen[SHADOW_SEEN_COUNT];
    uint64_t steps;
    char failure[512];
} shadow_world_t;

/* A world with these pool bounds: the guest in 4-level paging with CR0.WP, PGE, NXE. */
void shadow_world_init(shadow_world_t *world, const pv_shadow_config_t *bounds);
void shadow_world_free(shadow_world_t *world);

/* One operation chosen by the random word; false (failure says why) when a rule broke. */
bool shadow_world_step(shadow_world_t *world, uint64_t random);

/* The invariants; false (failure says why) when one does not hold. */
bool shadow_world_check(shadow_world_t *world);

#endif
