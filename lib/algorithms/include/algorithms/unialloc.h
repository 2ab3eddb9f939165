/* unialloc: the unified allocator of untyped memory (seL4-style untyped capabilities).
 * Best-fit allocation by size, allocation by exact physical address, free with buddy
 * coalescing, all in O(log n), driving the kernel only through caller-supplied callbacks.
 * It never touches memory itself and never hands out a byte twice. */
#ifndef ALGORITHMS_UNIALLOC_H
#define ALGORITHMS_UNIALLOC_H

#include <stddef.h>
#include <stdint.h>

#include <algorithms/alg_error.h>
#include <algorithms/avltree.h>

/*
 * Model. Every untyped the allocator knows is a node: either a *leaf* (FREE or ALLOCATED) or
 * SPLIT (it was retyped into two untypeds of half its size, its children). The boot untypeds
 * added with unialloc_add are the roots. Leaves tile the roots exactly.
 *
 * seL4 semantics the model follows:
 *  - splitting retypes the parent untyped into two child untypeds of size_bits - 1; the parent
 *    capability stays (it is the only way to reclaim the children) but cannot be used for
 *    anything else while the children exist;
 *  - an untyped that was split cannot be "merged" by any kernel operation. The only way back is
 *    to delete the children: when both halves are FREE again the allocator *revokes the
 *    parent* (deleting both child capabilities and anything derived from them), frees the two
 *    child slots, and the parent becomes one FREE leaf again. This repeats upward (buddy
 *    coalescing). If the revoke fails the halves simply stay split and usable;
 *  - an untyped given back with unialloc_free is revoked first, so whatever the user retyped
 *    from it is destroyed before the memory is handed out again.
 *
 * Indexes (all AVL trees, O(log n)):
 *  - normal memory: FREE leaves keyed by (size_bits, paddr) -> best fit is one lower_bound;
 *  - per kind (normal, device): every leaf keyed by paddr -> allocation at an exact address and
 *    validation of frees. Device memory is only ever allocated by address.
 *
 * Bookkeeping records come from a caller-supplied array (no heap); each split consumes two.
 */

#define UNIALLOC_MAX_SIZE_BITS    52u /* x86-64 physical addresses have at most 52 bits */
#define UNIALLOC_SEL4_MIN_UNTYPED 4u  /* seL4_MinUntypedBits */

typedef enum unialloc_kind {
    UNIALLOC_NORMAL = 0, /* RAM: may be retyped into any kernel object */
    UNIALLOC_DEVICE = 1, /* device memory: frames only, allocated by physical address */
    UNIALLOC_KIND_COUNT
} unialloc_kind_t;

/*
 * Capability operations. Each returns 0 on success and non-zero on failure (the value is not
 * interpreted); a failing operation must leave the kernel state as it was. Capabilities and
 * slots are opaque 64-bit values (CPtrs in the root task).
 *
 * There is no separate "delete": the only capabilities the allocator ever destroys are the
 * two halves of a split, and revoking their parent deletes exactly those (and whatever was
 * derived from them), leaving their slots empty for slot_free.
 */
typedef struct unialloc_ops {
    /* Reserves an empty capability slot. */
    int (*slot_alloc)(void *ctx, uint64_t *slot);
    /* Returns an empty slot reserved with slot_alloc. Cannot fail. */
    void (*slot_free)(void *ctx, uint64_t slot);
    /* Retypes the untyped `parent` (which has no children) into two untypeds of
     * `child_size_bits`: the lower half into `slot_low`, the upper half into `slot_high`. */
    int (*split)(void *ctx, uint64_t parent, unsigned child_size_bits, uint64_t slot_low,
                 uint64_t slot_high);
    /* Deletes every capability derived from `cap`, leaving the untyped unused (seL4 Revoke). */
    int (*revoke)(void *ctx, uint64_t cap);
} unialloc_ops_t;

typedef enum unialloc_state {
    UNIALLOC_UNUSED = 0, /* record is in the spare pool */
    UNIALLOC_FREE,
    UNIALLOC_ALLOCATED,
    UNIALLOC_SPLIT,
} unialloc_state_t;

/* One untyped. Callers only provide storage for these; the fields are private. */
typedef struct unialloc_node {
    avl_node_t by_addr; /* in leaves[kind] while FREE or ALLOCATED */
    avl_node_t by_size; /* in free_by_size while FREE and normal */
    struct unialloc_node *parent;
    struct unialloc_node *child[2]; /* lower and upper half while SPLIT */
    uint64_t paddr;
    uint64_t cap;
    uint8_t size_bits;
    uint8_t kind;
    uint8_t state;
} unialloc_node_t;

typedef struct unialloc {
    const unialloc_ops_t *ops;
    void *ctx;
    avl_tree_t free_by_size;
    avl_tree_t leaves[UNIALLOC_KIND_COUNT];
    unialloc_node_t *spare; /* singly linked through ->parent */
    size_t spare_count;
    size_t node_count;
    uint64_t total_bytes[UNIALLOC_KIND_COUNT];
    uint64_t free_bytes[UNIALLOC_KIND_COUNT];
    uint64_t merge_failures; /* revokes that failed during coalescing (halves left split) */
    unsigned min_size_bits;
} unialloc_t;

/* What an allocation hands out. */
typedef struct unialloc_untyped {
    uint64_t cap;
    uint64_t paddr;
    unsigned size_bits;
    unialloc_kind_t kind;
} unialloc_untyped_t;

/* `nodes[0..node_count)` is bookkeeping storage; `min_size_bits` is the smallest untyped the
 * allocator will create by splitting (UNIALLOC_SEL4_MIN_UNTYPED on seL4).
 * Errors: INVALID_ARGUMENT (NULL ops/callback, node_count 0, min_size_bits 0 or too large). */
alg_error_t unialloc_init(unialloc_t *ua, const unialloc_ops_t *ops, void *ctx,
                          unialloc_node_t *nodes, size_t node_count, unsigned min_size_bits);

/* Hands the allocator an untyped capability it now owns (typically from boot information).
 * The region must be naturally aligned to its size.
 * Errors: INVALID_ARGUMENT (kind, size_bits outside [min_size_bits, UNIALLOC_MAX_SIZE_BITS],
 * region past 2^64), MISALIGNED, OVERLAP (with any managed region of either kind),
 * OUT_OF_NODES. */
alg_error_t unialloc_add(unialloc_t *ua, unialloc_kind_t kind, uint64_t cap, uint64_t paddr,
                         unsigned size_bits);

/* Best fit from normal memory: the smallest free untyped of at least `size_bits` (lowest
 * address among equals), split in halves down to `size_bits`.
 * Errors: INVALID_ARGUMENT (size_bits outside [min_size_bits, UNIALLOC_MAX_SIZE_BITS]),
 * EXHAUSTED, OUT_OF_NODES, CAP_OP_FAILED. On error no memory is lost: halves split during
 * the call are coalesced again. */
alg_error_t unialloc_alloc(unialloc_t *ua, unsigned size_bits, unialloc_untyped_t *out);

/* Allocates exactly [paddr, paddr + 2^size_bits) of the given kind, splitting the free untyped
 * that contains it. Errors: INVALID_ARGUMENT, MISALIGNED (paddr not a multiple of the size),
 * NOT_FOUND (no managed untyped of that kind covers the whole range), BUSY (covered, but some
 * of it is allocated, or it is still split in free halves that a failed revoke left unmerged:
 * see merge_failures), OUT_OF_NODES, CAP_OP_FAILED. */
alg_error_t unialloc_alloc_at(unialloc_t *ua, unialloc_kind_t kind, uint64_t paddr,
                              unsigned size_bits, unialloc_untyped_t *out);

/* Returns an allocated untyped, identified by kind, address and size: it is revoked, then
 * coalesced with its buddy where possible. Errors: NOT_ALLOCATED (no such allocation,
 * including a double free), CAP_OP_FAILED (revoke failed; it stays allocated). */
alg_error_t unialloc_free(unialloc_t *ua, unialloc_kind_t kind, uint64_t paddr, unsigned size_bits);

static inline uint64_t unialloc_total_bytes(const unialloc_t *ua, unialloc_kind_t kind)
{
    return ua->total_bytes[kind];
}

static inline uint64_t unialloc_free_bytes(const unialloc_t *ua, unialloc_kind_t kind)
{
    return ua->free_bytes[kind];
}

/* Verifies the tree invariants, the tiling of roots by leaves, the parent/child structure,
 * the byte accounting, the record count, and (unless a merge ever failed) that no two free
 * buddies are left unmerged. O(n); ALG_OK or CORRUPT. */
alg_error_t unialloc_check(const unialloc_t *ua);

#endif
