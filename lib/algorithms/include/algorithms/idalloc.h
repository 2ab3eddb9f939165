/* idalloc: an id allocator over a radix-64 bitmap tree (capability slots, ASIDs, VM numbers).
 * Lowest-free allocation, free and membership in O(depth); the caller supplies all storage.
 * Never allocates memory and never touches anything outside the storage it was given. */
#ifndef ALGORITHMS_IDALLOC_H
#define ALGORITHMS_IDALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <algorithms/alg_error.h>

#define IDALLOC_RADIX_BITS 6u /* 64 children per node: one uint64_t word per node */
#define IDALLOC_MIN_DEPTH  1u
#define IDALLOC_MAX_DEPTH  4u /* 64^4 = 16,777,216 ids */

/*
 * Layout: the tree has `depth` levels of 64-bit words; level 0 is the single root word, the last
 * level holds one bit per id. A leaf bit is 1 when its id is free. A bit in an inner word is 1
 * when the child word below it is non-zero, i.e. "there is a free id somewhere below". Only the
 * words needed for `count` ids are stored, so a 4-level tree for 100,000 ids costs 12.4 KiB.
 *
 * Invariants (checked by idalloc_check):
 *   - every inner bit equals (child word != 0); bits for children that do not exist are 0;
 *   - leaf bits for ids >= count are 0;
 *   - `used` equals count minus the number of set leaf bits.
 */
typedef struct idalloc {
    uint64_t *words;                         /* caller storage, all levels back to back */
    uint64_t count;                          /* ids are [0, count) */
    uint64_t used;                           /* ids currently allocated */
    uint32_t level_start[IDALLOC_MAX_DEPTH]; /* first word of each level in `words` */
    uint32_t level_words[IDALLOC_MAX_DEPTH]; /* number of words of each level */
    unsigned depth;
} idalloc_t;

/* Ids a tree of `depth` levels can hold: 64^depth (64, 4,096, 262,144, 16,777,216); 0 if the
 * depth is outside [IDALLOC_MIN_DEPTH, IDALLOC_MAX_DEPTH]. */
uint64_t idalloc_capacity(unsigned depth);

/* Smallest depth whose capacity is >= count; 0 if count is 0 or exceeds 64^IDALLOC_MAX_DEPTH. */
unsigned idalloc_depth_for(uint64_t count);

/* Bytes of storage a tree of `depth` levels needs to manage `count` ids (pass
 * idalloc_capacity(depth) for a full tree). 0 when the combination is invalid. */
size_t idalloc_storage_bytes(unsigned depth, uint64_t count);

/* Makes every id in [0, count) free. `storage` must be 8-byte aligned and at least
 * idalloc_storage_bytes(depth, count) bytes long.
 * Errors: INVALID_ARGUMENT (bad depth, count 0 or above capacity, NULL pointer), MISALIGNED,
 * STORAGE_TOO_SMALL. */
alg_error_t idalloc_init(idalloc_t *ids, unsigned depth, uint64_t count, void *storage,
                         size_t storage_bytes);

/* Allocates the lowest free id. Errors: EXHAUSTED (every id is taken; *id untouched). */
alg_error_t idalloc_alloc(idalloc_t *ids, uint64_t *id);

/* Marks one specific id as allocated (e.g. slots already holding boot capabilities).
 * Errors: OUT_OF_RANGE, ALREADY_ALLOCATED. */
alg_error_t idalloc_alloc_at(idalloc_t *ids, uint64_t id);

/* Returns an id. Errors: OUT_OF_RANGE, NOT_ALLOCATED (double free); state unchanged on error. */
alg_error_t idalloc_free(idalloc_t *ids, uint64_t id);

/* True when `id` is allocated; ids outside [0, count) are never allocated, so false. */
bool idalloc_contains(const idalloc_t *ids, uint64_t id);

static inline uint64_t idalloc_used(const idalloc_t *ids)
{
    return ids->used;
}

static inline uint64_t idalloc_count(const idalloc_t *ids)
{
    return ids->count;
}

/* Verifies every invariant listed above in O(storage); ALG_OK or CORRUPT. For tests and
 * debugging, not for hot paths. */
alg_error_t idalloc_check(const idalloc_t *ids);

/*
 * Offset/limit wrapper: ids in [offset, offset + limit), e.g. the empty-slot range a root task
 * receives in its boot information. The tree depth is the smallest that covers `limit`.
 */
typedef struct idalloc_range {
    idalloc_t ids;
    uint64_t offset;
} idalloc_range_t;

/* Storage bytes for a range of `limit` ids; 0 if limit is 0 or above 64^IDALLOC_MAX_DEPTH. */
size_t idalloc_range_storage_bytes(uint64_t limit);

/* Errors: as idalloc_init, plus INVALID_ARGUMENT when offset + limit overflows 64 bits. */
alg_error_t idalloc_range_init(idalloc_range_t *range, uint64_t offset, uint64_t limit,
                               void *storage, size_t storage_bytes);

/* As idalloc_alloc / _alloc_at / _free / _contains, with ids translated by `offset`;
 * ids outside [offset, offset + limit) give OUT_OF_RANGE (false for contains). */
alg_error_t idalloc_range_alloc(idalloc_range_t *range, uint64_t *id);
alg_error_t idalloc_range_alloc_at(idalloc_range_t *range, uint64_t id);
alg_error_t idalloc_range_free(idalloc_range_t *range, uint64_t id);
bool idalloc_range_contains(const idalloc_range_t *range, uint64_t id);

#endif
