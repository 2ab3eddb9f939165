/* sgtree: an intrusive scapegoat tree used as the timer queue (key = deadline).
 * Insert, cancel, pop-earliest in O(log n) amortized, peek-earliest in O(1); no per-node
 * balance data and no recursion (rebuilds are in place). Never allocates: nodes belong to
 * the caller and must stay valid while linked. */
#ifndef ALGORITHMS_SGTREE_H
#define ALGORITHMS_SGTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <algorithms/alg_error.h>

/*
 * Order: by (key, seq), where seq is the tree's insertion counter, so equal deadlines pop in
 * insertion order and every linked node has a unique position. The node itself is the
 * cancellation token: sgtree_cancel searches the tree by the node's (key, seq) in O(log n) and
 * only unlinks the node if it is that very node, so a stale or foreign token is a clean
 * NOT_FOUND, never a corruption.
 *
 * Balance: alpha = 2/3. An insertion deeper than log_{3/2}(size) rebuilds the subtree of the
 * lowest ancestor whose child on the path holds more than 2/3 of its nodes (the scapegoat);
 * a removal that leaves size < 2/3 of the largest size since the last full rebuild rebuilds
 * the whole tree. Hence height <= log_{3/2}(max_size) + 1.
 */
typedef struct sgtree_node {
    struct sgtree_node *left;
    struct sgtree_node *right;
    uint64_t key;
    uint64_t seq; /* 0 while not linked; set by sgtree_insert */
} sgtree_node_t;

typedef struct sgtree {
    sgtree_node_t *root;
    sgtree_node_t *earliest; /* cached minimum, NULL when empty */
    size_t size;
    size_t max_size; /* largest size since the last full rebuild */
    uint64_t next_seq;
    uint64_t rebuilds; /* statistics: partial and full rebuilds done */
} sgtree_t;

void sgtree_init(sgtree_t *tree);

/* Prepares a node for its first insertion (marks it unlinked). */
static inline void sgtree_node_init(sgtree_node_t *node)
{
    node->left = NULL;
    node->right = NULL;
    node->key = 0;
    node->seq = 0;
}

static inline bool sgtree_node_linked(const sgtree_node_t *node)
{
    return node->seq != 0;
}

/* Links `node` with `key`. Errors: DUPLICATE (node is already linked; nothing changes). */
alg_error_t sgtree_insert(sgtree_t *tree, sgtree_node_t *node, uint64_t key);

/* Earliest node (smallest key, oldest among equal keys), or NULL when empty. O(1). */
static inline sgtree_node_t *sgtree_peek(const sgtree_t *tree)
{
    return tree->earliest;
}

/* Unlinks and returns the earliest node, or NULL when empty. */
sgtree_node_t *sgtree_pop(sgtree_t *tree);

/* Unlinks `node`. Errors: NOT_FOUND (not linked into this tree; nothing changes). */
alg_error_t sgtree_cancel(sgtree_t *tree, sgtree_node_t *node);

static inline size_t sgtree_size(const sgtree_t *tree)
{
    return tree->size;
}

/* Largest depth (root = 1) allowed for `size` nodes: the smallest h with (3/2)^h > size,
 * computed in integers, so it is never below the real log_{3/2}(size) + 1 bound. */
unsigned sgtree_height_limit(size_t size);

/* Verifies ordering, non-zero seqs, the node count, the cached earliest node and
 * depth <= sgtree_height_limit(max_size) + 1 (root = depth 1) in O(n), without recursion and
 * without writing to the tree; ALG_OK or CORRUPT. */
alg_error_t sgtree_check(const sgtree_t *tree);

#endif
