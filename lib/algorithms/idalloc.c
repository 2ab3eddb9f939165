/* Radix-64 bitmap id allocator: one bit per id at the leaves, "has free below" bits above.
 * Walks at most IDALLOC_MAX_DEPTH words per operation; must never touch memory outside the
 * caller's storage nor change state when it returns an error. */
#include <algorithms/idalloc.h>

#include "bits.h"

uint64_t idalloc_capacity(unsigned depth)
{
    if (depth < IDALLOC_MIN_DEPTH || depth > IDALLOC_MAX_DEPTH) {
        return 0;
    }
    return (uint64_t)1 << (IDALLOC_RADIX_BITS * depth);
}

unsigned idalloc_depth_for(uint64_t count)
{
    if (count == 0) {
        return 0;
    }
    for (unsigned depth = IDALLOC_MIN_DEPTH; depth <= IDALLOC_MAX_DEPTH; depth++) {
        if (count <= idalloc_capacity(depth)) {
            return depth;
        }
    }
    return 0;
}

/* Words at `level` (0 = root) of a depth-`depth` tree holding `count` ids: one word per
 * 64^(depth - level) ids, rounded up. */
static uint64_t level_word_count(unsigned depth, unsigned level, uint64_t count)
{
    unsigned shift = IDALLOC_RADIX_BITS * (depth - level);
    return (count + bits_low_mask(shift)) >> shift;
}

size_t idalloc_storage_bytes(unsigned depth, uint64_t count)
{
    uint64_t capacity = idalloc_capacity(depth);
    if (capacity == 0 || count == 0 || count > capacity) {
        return 0;
    }
    uint64_t words = 0;
    for (unsigned level = 0; level < depth; level++) {
        words += level_word_count(depth, level, count);
    }
    return (size_t)(words * sizeof(uint64_t));
}

/* Word index and bit number of `id`'s ancestor entry at `level`. */
static inline uint64_t *word_at(const idalloc_t *ids, unsigned level, uint64_t id)
{
    unsigned shift = IDALLOC_RADIX_BITS * (ids->depth - level);
    return &ids->words[ids->level_start[level] + (id >> shift)];
}

static inline uint64_t bit_at(const idalloc_t *ids, unsigned level, uint64_t id)
{
    unsigned shift = IDALLOC_RADIX_BITS * (ids->depth - 1 - level);
    return (uint64_t)1 << ((id >> shift) & 63u);
}

alg_error_t idalloc_init(idalloc_t *ids, unsigned depth, uint64_t count, void *storage,
                         size_t storage_bytes)
{
    if (ids == NULL || storage == NULL) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    size_t need = idalloc_storage_bytes(depth, count);
    if (need == 0) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    if (((uintptr_t)storage & (sizeof(uint64_t) - 1)) != 0) {
        return ALG_ERR_MISALIGNED;
    }
    if (storage_bytes < need) {
        return ALG_ERR_STORAGE_TOO_SMALL;
    }
    ids->words = storage;
    ids->count = count;
    ids->used = 0;
    ids->depth = depth;
    uint32_t start = 0;
    for (unsigned level = 0; level < IDALLOC_MAX_DEPTH; level++) {
        uint32_t n = level < depth ? (uint32_t)level_word_count(depth, level, count) : 0;
        ids->level_start[level] = start;
        ids->level_words[level] = n;
        start += n;
    }
    /* Every level's entries are "children that exist": the leaf level's children are the ids,
     * an inner level's children are the words of the level below. All start free/non-empty. */
    for (unsigned level = 0; level < depth; level++) {
        uint64_t children = level + 1 < depth ? ids->level_words[level + 1] : count;
        uint64_t *w = &ids->words[ids->level_start[level]];
        for (uint32_t i = 0; i < ids->level_words[level]; i++) {
            uint64_t first = (uint64_t)i << IDALLOC_RADIX_BITS;
            uint64_t present = children - first;
            w[i] = present >= 64 ? ~(uint64_t)0 : bits_low_mask((unsigned)present);
        }
    }
    return ALG_OK;
}

/* Clears the leaf bit of a free id and the summary bits that become stale above it. */
static void mark_taken(idalloc_t *ids, uint64_t id)
{
    for (unsigned level = ids->depth; level-- > 0;) {
        uint64_t *w = word_at(ids, level, id);
        *w &= ~bit_at(ids, level, id);
        if (*w != 0) {
            break; /* this word still has free below it: ancestors stay set */
        }
    }
    ids->used++;
}

/* Sets the leaf bit of a taken id and every summary bit that was clear above it. */
static void mark_free(idalloc_t *ids, uint64_t id)
{
    for (unsigned level = ids->depth; level-- > 0;) {
        uint64_t *w = word_at(ids, level, id);
        uint64_t before = *w;
        *w = before | bit_at(ids, level, id);
        if (before != 0) {
            break; /* ancestors already know there is free space below */
        }
    }
    ids->used--;
}

static inline bool leaf_is_free(const idalloc_t *ids, uint64_t id)
{
    unsigned leaf = ids->depth - 1;
    return (*word_at(ids, leaf, id) & bit_at(ids, leaf, id)) != 0;
}

alg_error_t idalloc_alloc(idalloc_t *ids, uint64_t *id)
{
    uint64_t index = 0;
    for (unsigned level = 0; level < ids->depth; level++) {
        uint64_t word = ids->words[ids->level_start[level] + index];
        if (word == 0) {
            return ALG_ERR_EXHAUSTED; /* only possible at the root, by the invariants */
        }
        index = (index << IDALLOC_RADIX_BITS) | bits_lowest(word);
    }
    mark_taken(ids, index);
    *id = index;
    return ALG_OK;
}

alg_error_t idalloc_alloc_at(idalloc_t *ids, uint64_t id)
{
    if (id >= ids->count) {
        return ALG_ERR_OUT_OF_RANGE;
    }
    if (!leaf_is_free(ids, id)) {
        return ALG_ERR_ALREADY_ALLOCATED;
    }
    mark_taken(ids, id);
    return ALG_OK;
}

alg_error_t idalloc_free(idalloc_t *ids, uint64_t id)
{
    if (id >= ids->count) {
        return ALG_ERR_OUT_OF_RANGE;
    }
    if (leaf_is_free(ids, id)) {
        return ALG_ERR_NOT_ALLOCATED;
    }
    mark_free(ids, id);
    return ALG_OK;
}

bool idalloc_contains(const idalloc_t *ids, uint64_t id)
{
    return id < ids->count && !leaf_is_free(ids, id);
}

static unsigned count_bits(uint64_t word)
{
    unsigned n = 0;
    while (word != 0) {
        word &= word - 1;
        n++;
    }
    return n;
}

alg_error_t idalloc_check(const idalloc_t *ids)
{
    uint64_t free_ids = 0;
    for (unsigned level = 0; level < ids->depth; level++) {
        bool leaf = level + 1 == ids->depth;
        uint64_t children = leaf ? ids->count : ids->level_words[level + 1];
        const uint64_t *w = &ids->words[ids->level_start[level]];
        for (uint32_t i = 0; i < ids->level_words[level]; i++) {
            for (unsigned b = 0; b < 64; b++) {
                uint64_t child = ((uint64_t)i << IDALLOC_RADIX_BITS) + b;
                bool set = (w[i] >> b) & 1u;
                bool want;
                if (child >= children) {
                    want = false;
                } else if (leaf) {
                    want = set; /* a leaf bit may be either; only its range is constrained */
                } else {
                    want = ids->words[ids->level_start[level + 1] + child] != 0;
                }
                if (set != want) {
                    return ALG_ERR_CORRUPT;
                }
            }
            if (leaf) {
                free_ids += count_bits(w[i]);
            }
        }
    }
    return free_ids + ids->used == ids->count ? ALG_OK : ALG_ERR_CORRUPT;
}

size_t idalloc_range_storage_bytes(uint64_t limit)
{
    unsigned depth = idalloc_depth_for(limit);
    return depth == 0 ? 0 : idalloc_storage_bytes(depth, limit);
}

alg_error_t idalloc_range_init(idalloc_range_t *range, uint64_t offset, uint64_t limit,
                               void *storage, size_t storage_bytes)
{
    if (range == NULL || offset + limit < offset) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    unsigned depth = idalloc_depth_for(limit);
    if (depth == 0) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    range->offset = offset;
    return idalloc_init(&range->ids, depth, limit, storage, storage_bytes);
}

alg_error_t idalloc_range_alloc(idalloc_range_t *range, uint64_t *id)
{
    uint64_t local;
    alg_error_t err = idalloc_alloc(&range->ids, &local);
    if (err == ALG_OK) {
        *id = local + range->offset;
    }
    return err;
}

alg_error_t idalloc_range_alloc_at(idalloc_range_t *range, uint64_t id)
{
    if (id < range->offset) {
        return ALG_ERR_OUT_OF_RANGE;
    }
    return idalloc_alloc_at(&range->ids, id - range->offset);
}

alg_error_t idalloc_range_free(idalloc_range_t *range, uint64_t id)
{
    if (id < range->offset) {
        return ALG_ERR_OUT_OF_RANGE;
    }
    return idalloc_free(&range->ids, id - range->offset);
}

bool idalloc_range_contains(const idalloc_range_t *range, uint64_t id)
{
    return id >= range->offset && idalloc_contains(&range->ids, id - range->offset);
}
