/* Unified untyped allocator: buddy splitting and coalescing over seL4-style untypeds, indexed
 * by AVL trees. Every kernel effect goes through the ops callbacks, and every callback failure
 * leaves the allocator's records exactly as they were before that step. */
#include <algorithms/unialloc.h>

#include <stdbool.h>

#define NODE_OF_ADDR(n) AVL_ENTRY((n), unialloc_node_t, by_addr)
#define NODE_OF_SIZE(n) AVL_ENTRY((n), unialloc_node_t, by_size)

typedef struct size_key {
    uint64_t size_bits;
    uint64_t paddr;
} size_key_t;

static int compare_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : (a > b ? 1 : 0);
}

static int compare_by_addr(const avl_node_t *a, const avl_node_t *b)
{
    return compare_u64(NODE_OF_ADDR(a)->paddr, NODE_OF_ADDR(b)->paddr);
}

static int compare_key_addr(const void *key, const avl_node_t *n)
{
    return compare_u64(*(const uint64_t *)key, NODE_OF_ADDR(n)->paddr);
}

static int compare_by_size(const avl_node_t *a, const avl_node_t *b)
{
    const unialloc_node_t *x = NODE_OF_SIZE(a);
    const unialloc_node_t *y = NODE_OF_SIZE(b);
    int c = compare_u64(x->size_bits, y->size_bits);
    return c != 0 ? c : compare_u64(x->paddr, y->paddr);
}

static int compare_key_size(const void *key, const avl_node_t *n)
{
    const size_key_t *k = key;
    const unialloc_node_t *y = NODE_OF_SIZE(n);
    int c = compare_u64(k->size_bits, y->size_bits);
    return c != 0 ? c : compare_u64(k->paddr, y->paddr);
}

static inline uint64_t size_of(unsigned size_bits)
{
    return (uint64_t)1 << size_bits;
}

static inline bool node_contains(const unialloc_node_t *n, uint64_t paddr)
{
    return paddr >= n->paddr && paddr - n->paddr < size_of(n->size_bits);
}

alg_error_t unialloc_init(unialloc_t *ua, const unialloc_ops_t *ops, void *ctx,
                          unialloc_node_t *nodes, size_t node_count, unsigned min_size_bits)
{
    if (ua == NULL || ops == NULL || ops->slot_alloc == NULL || ops->slot_free == NULL ||
        ops->split == NULL || ops->revoke == NULL || nodes == NULL || node_count == 0 ||
        min_size_bits == 0 || min_size_bits > UNIALLOC_MAX_SIZE_BITS) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    ua->ops = ops;
    ua->ctx = ctx;
    avl_init(&ua->free_by_size, compare_by_size);
    for (unsigned k = 0; k < UNIALLOC_KIND_COUNT; k++) {
        avl_init(&ua->leaves[k], compare_by_addr);
        ua->total_bytes[k] = 0;
        ua->free_bytes[k] = 0;
    }
    ua->spare = NULL;
    for (size_t i = node_count; i-- > 0;) {
        nodes[i].state = UNIALLOC_UNUSED;
        nodes[i].parent = ua->spare;
        ua->spare = &nodes[i];
    }
    ua->spare_count = node_count;
    ua->node_count = node_count;
    ua->merge_failures = 0;
    ua->min_size_bits = min_size_bits;
    return ALG_OK;
}

static unialloc_node_t *node_take(unialloc_t *ua)
{
    unialloc_node_t *n = ua->spare;
    ua->spare = n->parent;
    ua->spare_count--;
    return n;
}

static void node_release(unialloc_t *ua, unialloc_node_t *n)
{
    n->state = UNIALLOC_UNUSED;
    n->parent = ua->spare;
    ua->spare = n;
    ua->spare_count++;
}

/* FREE normal leaves are indexed by size ("attached") between public calls. Inside an
 * operation the leaf being split or merged is kept detached, so it is not inserted and
 * removed again at every level. */
static void size_attach(unialloc_t *ua, unialloc_node_t *n)
{
    if (n->kind == UNIALLOC_NORMAL) {
        (void)avl_insert(&ua->free_by_size, &n->by_size); /* keys are unique: no overlap */
    }
}

static void size_detach(unialloc_t *ua, unialloc_node_t *n)
{
    if (n->kind == UNIALLOC_NORMAL) {
        avl_remove(&ua->free_by_size, &n->by_size);
    }
}

static bool size_valid(const unialloc_t *ua, unsigned size_bits)
{
    return size_bits >= ua->min_size_bits && size_bits <= UNIALLOC_MAX_SIZE_BITS;
}

/* True when [paddr, paddr + size) intersects a leaf of `kind`. Leaves tile the roots, so this
 * is also an overlap test against the roots. */
static bool overlaps_kind(const unialloc_t *ua, unsigned kind, uint64_t paddr, uint64_t size)
{
    const avl_node_t *below = avl_floor(&ua->leaves[kind], compare_key_addr, &paddr);
    if (below != NULL && node_contains(NODE_OF_ADDR(below), paddr)) {
        return true;
    }
    const avl_node_t *above = avl_lower_bound(&ua->leaves[kind], compare_key_addr, &paddr);
    return above != NULL && NODE_OF_ADDR(above)->paddr - paddr < size;
}

alg_error_t unialloc_add(unialloc_t *ua, unialloc_kind_t kind, uint64_t cap, uint64_t paddr,
                         unsigned size_bits)
{
    if ((unsigned)kind >= UNIALLOC_KIND_COUNT || !size_valid(ua, size_bits)) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    uint64_t size = size_of(size_bits);
    if ((paddr & (size - 1)) != 0) {
        return ALG_ERR_MISALIGNED;
    }
    if (paddr + size < paddr) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    for (unsigned k = 0; k < UNIALLOC_KIND_COUNT; k++) {
        if (overlaps_kind(ua, k, paddr, size)) {
            return ALG_ERR_OVERLAP;
        }
    }
    if (ua->spare_count == 0) {
        return ALG_ERR_OUT_OF_NODES;
    }
    unialloc_node_t *n = node_take(ua);
    n->parent = NULL;
    n->child[0] = NULL;
    n->child[1] = NULL;
    n->paddr = paddr;
    n->cap = cap;
    n->size_bits = (uint8_t)size_bits;
    n->kind = (uint8_t)kind;
    n->state = UNIALLOC_FREE;
    (void)avl_insert(&ua->leaves[kind], &n->by_addr);
    size_attach(ua, n);
    ua->total_bytes[kind] += size;
    ua->free_bytes[kind] += size;
    return ALG_OK;
}

/* Splits a detached FREE leaf into two detached FREE halves through the callbacks. The lower
 * half has the parent's address, so it takes the parent's place in the address index in
 * O(1). On error nothing changed. */
static alg_error_t leaf_split(unialloc_t *ua, unialloc_node_t *n)
{
    if (ua->spare_count < 2) {
        return ALG_ERR_OUT_OF_NODES;
    }
    uint64_t slot[2];
    if (ua->ops->slot_alloc(ua->ctx, &slot[0]) != 0) {
        return ALG_ERR_CAP_OP_FAILED;
    }
    if (ua->ops->slot_alloc(ua->ctx, &slot[1]) != 0) {
        ua->ops->slot_free(ua->ctx, slot[0]);
        return ALG_ERR_CAP_OP_FAILED;
    }
    unsigned half_bits = n->size_bits - 1u;
    if (ua->ops->split(ua->ctx, n->cap, half_bits, slot[0], slot[1]) != 0) {
        ua->ops->slot_free(ua->ctx, slot[1]);
        ua->ops->slot_free(ua->ctx, slot[0]);
        return ALG_ERR_CAP_OP_FAILED;
    }
    for (unsigned i = 0; i < 2; i++) {
        unialloc_node_t *c = node_take(ua);
        c->parent = n;
        c->child[0] = NULL;
        c->child[1] = NULL;
        c->paddr = n->paddr + i * size_of(half_bits);
        c->cap = slot[i];
        c->size_bits = (uint8_t)half_bits;
        c->kind = n->kind;
        c->state = UNIALLOC_FREE;
        n->child[i] = c;
    }
    avl_replace(&ua->leaves[n->kind], &n->by_addr, &n->child[0]->by_addr);
    (void)avl_insert(&ua->leaves[n->kind], &n->child[1]->by_addr);
    n->state = UNIALLOC_SPLIT;
    return ALG_OK;
}

/* Merges the detached FREE leaf `n` with its FREE buddy, repeatedly upward, by revoking the
 * parent; the result is attached. Stops at a root, at a buddy in use, or when a revoke fails
 * (the halves then stay split, and usable). */
static void leaf_coalesce(unialloc_t *ua, unialloc_node_t *n)
{
    while (n->parent != NULL) {
        unialloc_node_t *parent = n->parent;
        unialloc_node_t *lower = parent->child[0];
        unialloc_node_t *upper = parent->child[1];
        unialloc_node_t *buddy = lower == n ? upper : lower;
        if (buddy->state != UNIALLOC_FREE) {
            break;
        }
        if (ua->ops->revoke(ua->ctx, parent->cap) != 0) {
            ua->merge_failures++;
            break;
        }
        size_detach(ua, buddy);
        avl_replace(&ua->leaves[n->kind], &lower->by_addr, &parent->by_addr);
        avl_remove(&ua->leaves[n->kind], &upper->by_addr);
        ua->ops->slot_free(ua->ctx, lower->cap);
        ua->ops->slot_free(ua->ctx, upper->cap);
        node_release(ua, lower);
        node_release(ua, upper);
        parent->child[0] = NULL;
        parent->child[1] = NULL;
        parent->state = UNIALLOC_FREE;
        n = parent;
    }
    size_attach(ua, n);
}

/* Splits the attached FREE leaf `n` down to `size_bits`, always keeping the half that
 * contains `paddr` (the other half is attached as free), then marks the result ALLOCATED.
 * On error the halves made here are merged back. */
static alg_error_t leaf_carve(unialloc_t *ua, unialloc_node_t *n, uint64_t paddr,
                              unsigned size_bits, unialloc_untyped_t *out)
{
    size_detach(ua, n);
    while (n->size_bits > size_bits) {
        alg_error_t err = leaf_split(ua, n);
        if (err != ALG_OK) {
            leaf_coalesce(ua, n);
            return err;
        }
        unsigned keep = node_contains(n->child[1], paddr) ? 1 : 0;
        size_attach(ua, n->child[keep ^ 1u]);
        n = n->child[keep];
    }
    n->state = UNIALLOC_ALLOCATED;
    ua->free_bytes[n->kind] -= size_of(size_bits);
    out->cap = n->cap;
    out->paddr = n->paddr;
    out->size_bits = size_bits;
    out->kind = (unialloc_kind_t)n->kind;
    return ALG_OK;
}

alg_error_t unialloc_alloc(unialloc_t *ua, unsigned size_bits, unialloc_untyped_t *out)
{
    if (!size_valid(ua, size_bits) || out == NULL) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    size_key_t key = {.size_bits = size_bits, .paddr = 0};
    avl_node_t *fit = avl_lower_bound(&ua->free_by_size, compare_key_size, &key);
    if (fit == NULL) {
        return ALG_ERR_EXHAUSTED;
    }
    unialloc_node_t *n = NODE_OF_SIZE(fit);
    return leaf_carve(ua, n, n->paddr, size_bits, out);
}

static const unialloc_node_t *root_of(const unialloc_node_t *n)
{
    while (n->parent != NULL) {
        n = n->parent;
    }
    return n;
}

alg_error_t unialloc_alloc_at(unialloc_t *ua, unialloc_kind_t kind, uint64_t paddr,
                              unsigned size_bits, unialloc_untyped_t *out)
{
    if ((unsigned)kind >= UNIALLOC_KIND_COUNT || !size_valid(ua, size_bits) || out == NULL) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    uint64_t size = size_of(size_bits);
    if ((paddr & (size - 1)) != 0) {
        return ALG_ERR_MISALIGNED;
    }
    avl_node_t *hit = avl_floor(&ua->leaves[kind], compare_key_addr, &paddr);
    if (hit == NULL || !node_contains(NODE_OF_ADDR(hit), paddr)) {
        return ALG_ERR_NOT_FOUND;
    }
    unialloc_node_t *n = NODE_OF_ADDR(hit);
    if (n->size_bits < size_bits) {
        /* The range is larger than the leaf holding its start. It lies inside that leaf's root
         * (then other leaves of the root share it: some are in use, or they would have been
         * merged) or it reaches outside every root. */
        const unialloc_node_t *root = root_of(n);
        bool inside = root->size_bits >= size_bits;
        return inside ? ALG_ERR_BUSY : ALG_ERR_NOT_FOUND;
    }
    if (n->state != UNIALLOC_FREE) {
        return ALG_ERR_BUSY;
    }
    return leaf_carve(ua, n, paddr, size_bits, out);
}

alg_error_t unialloc_free(unialloc_t *ua, unialloc_kind_t kind, uint64_t paddr, unsigned size_bits)
{
    if ((unsigned)kind >= UNIALLOC_KIND_COUNT) {
        return ALG_ERR_NOT_ALLOCATED;
    }
    avl_node_t *hit = avl_find(&ua->leaves[kind], compare_key_addr, &paddr);
    if (hit == NULL) {
        return ALG_ERR_NOT_ALLOCATED;
    }
    unialloc_node_t *n = NODE_OF_ADDR(hit);
    if (n->state != UNIALLOC_ALLOCATED || n->size_bits != size_bits) {
        return ALG_ERR_NOT_ALLOCATED;
    }
    if (ua->ops->revoke(ua->ctx, n->cap) != 0) {
        return ALG_ERR_CAP_OP_FAILED;
    }
    ua->free_bytes[kind] += size_of(size_bits);
    n->state = UNIALLOC_FREE;
    leaf_coalesce(ua, n);
    return ALG_OK;
}

/* Checks one leaf against its parent and buddy. */
static bool leaf_structure_ok(const unialloc_t *ua, const unialloc_node_t *n, unsigned kind)
{
    if (n->kind != kind || (n->state != UNIALLOC_FREE && n->state != UNIALLOC_ALLOCATED)) {
        return false;
    }
    if (n->size_bits < ua->min_size_bits || (n->paddr & (size_of(n->size_bits) - 1)) != 0) {
        return false;
    }
    const unialloc_node_t *p = n->parent;
    if (p == NULL) {
        return true;
    }
    unsigned side = p->child[1] == n ? 1 : 0;
    if (p->state != UNIALLOC_SPLIT || p->child[side] != n || p->size_bits != n->size_bits + 1 ||
        n->paddr != p->paddr + side * size_of(n->size_bits)) {
        return false;
    }
    const unialloc_node_t *buddy = p->child[side ^ 1u];
    bool unmerged = n->state == UNIALLOC_FREE && buddy->state == UNIALLOC_FREE;
    return !unmerged || ua->merge_failures != 0;
}

/* Counts the records reachable from a root (the root, split nodes and leaves); a split node
 * without both children makes the count impossible to match (SIZE_MAX / 2 poisons it). */
static size_t subtree_records(const unialloc_node_t *n)
{
    if (n->state != UNIALLOC_SPLIT) {
        return 1;
    }
    if (n->child[0] == NULL || n->child[1] == NULL) {
        return SIZE_MAX / 2;
    }
    return 1 + subtree_records(n->child[0]) + subtree_records(n->child[1]);
}

alg_error_t unialloc_check(const unialloc_t *ua)
{
    if (avl_check(&ua->free_by_size) != ALG_OK) {
        return ALG_ERR_CORRUPT;
    }
    size_t records = 0;
    size_t free_normal_leaves = 0;
    for (unsigned k = 0; k < UNIALLOC_KIND_COUNT; k++) {
        if (avl_check(&ua->leaves[k]) != ALG_OK) {
            return ALG_ERR_CORRUPT;
        }
        uint64_t total = 0;
        uint64_t free_bytes = 0;
        uint64_t end = 0;
        for (const avl_node_t *a = avl_first(&ua->leaves[k]); a != NULL; a = avl_next(a)) {
            const unialloc_node_t *n = NODE_OF_ADDR(a);
            if (!leaf_structure_ok(ua, n, k) ||
                (a != avl_first(&ua->leaves[k]) && n->paddr < end)) {
                return ALG_ERR_CORRUPT;
            }
            end = n->paddr + size_of(n->size_bits);
            total += size_of(n->size_bits);
            if (n->state == UNIALLOC_FREE) {
                free_bytes += size_of(n->size_bits);
                free_normal_leaves += k == UNIALLOC_NORMAL;
            }
            const unialloc_node_t *root = root_of(n);
            if (root->paddr == n->paddr) {
                records += subtree_records(root); /* once per root: via its lowest leaf */
            }
        }
        if (total != ua->total_bytes[k] || free_bytes != ua->free_bytes[k]) {
            return ALG_ERR_CORRUPT;
        }
    }
    for (const avl_node_t *a = avl_first(&ua->free_by_size); a != NULL; a = avl_next(a)) {
        const unialloc_node_t *n = NODE_OF_SIZE(a);
        if (n->state != UNIALLOC_FREE || n->kind != UNIALLOC_NORMAL) {
            return ALG_ERR_CORRUPT;
        }
    }
    if (ua->free_by_size.count != free_normal_leaves) {
        return ALG_ERR_CORRUPT;
    }
    if (records + ua->spare_count != ua->node_count) {
        return ALG_ERR_CORRUPT;
    }
    return ALG_OK;
}
