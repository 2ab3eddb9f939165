/* A fake kernel for unialloc tests: capability slots holding untypeds with seL4 semantics
 * (split only an untyped without children, Revoke deletes all descendants, slots must be
 * empty to be freed). Every misuse is counted as a violation instead of crashing, so tests
 * assert that the allocator never double-uses memory or leaks slots. Host-only. */
#ifndef FAKE_UNTYPED_H
#define FAKE_UNTYPED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <algorithms/unialloc.h>

#include "test_util.h"

typedef enum fake_untyped_op {
    FAKE_UT_SLOT_ALLOC = 0,
    FAKE_UT_SPLIT,
    FAKE_UT_REVOKE,
    FAKE_UT_OP_COUNT
} fake_untyped_op_t;

typedef struct fake_slot {
    bool reserved; /* handed out by slot_alloc, or a boot slot */
    bool has_cap;
    bool untyped; /* false: an object the "user" retyped */
    bool user_slot;
    bool device;
    uint8_t size_bits;
    uint64_t paddr;
    int32_t parent;
    int32_t first_child;
    int32_t next_sibling;
} fake_slot_t;

typedef struct fake_untyped {
    fake_slot_t *slots;
    uint32_t slot_count;
    uint32_t *free_stack;
    uint32_t free_top;
    test_rng_t rng;
    unsigned fail_percent[FAKE_UT_OP_COUNT]; /* random failures */
    unsigned fail_at[FAKE_UT_OP_COUNT];      /* n > 0: the n-th next call fails, once */
    uint64_t calls[FAKE_UT_OP_COUNT];
    uint64_t slot_frees;
    uint64_t violations;
    char last_violation[200];
} fake_untyped_t;

extern const unialloc_ops_t fake_untyped_ops;

void fake_untyped_init(fake_untyped_t *fake, uint32_t slot_count, uint64_t seed);
void fake_untyped_destroy(fake_untyped_t *fake);

/* A boot untyped in a fresh slot; returns its capability. */
uint64_t fake_untyped_add_root(fake_untyped_t *fake, uint64_t paddr, unsigned size_bits,
                               bool device);

/* The "user" retypes an object out of untyped `cap` (which must be an untyped handed out by
 * the allocator): the allocator's free must later destroy it by revoking. */
void fake_untyped_user_retype(fake_untyped_t *fake, uint64_t cap);

/* Slots currently reserved (by the allocator or boot), for leak checks. */
uint32_t fake_untyped_reserved(const fake_untyped_t *fake);

/* True when `cap` is a live untyped covering exactly [paddr, paddr + 2^size_bits) of the given
 * kind and has no children (fresh, unused memory). */
bool fake_untyped_is_fresh(const fake_untyped_t *fake, uint64_t cap, uint64_t paddr,
                           unsigned size_bits, bool device);

/* Number of live capabilities derived from `cap`. */
uint32_t fake_untyped_children(const fake_untyped_t *fake, uint64_t cap);

#endif
