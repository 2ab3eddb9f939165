/* avltree: an intrusive AVL tree with parent links (height-balanced, O(log n) worst case).
 * Nodes live inside the caller's records; the tree only links them and never allocates.
 * It must never compare or touch nodes that are not linked into it. */
#ifndef ALGORITHMS_AVLTREE_H
#define ALGORITHMS_AVLTREE_H

#include <stddef.h>
#include <stdint.h>

#include <algorithms/alg_error.h>

typedef struct avl_node {
    struct avl_node *left;
    struct avl_node *right;
    struct avl_node *parent;
    int height; /* 1 for a leaf */
} avl_node_t;

/* Orders two linked nodes: negative, zero or positive like memcmp. */
typedef int (*avl_compare_fn)(const avl_node_t *a, const avl_node_t *b);

/* Orders a search key against a node: negative when key sorts before node. */
typedef int (*avl_key_compare_fn)(const void *key, const avl_node_t *node);

typedef struct avl_tree {
    avl_node_t *root;
    avl_compare_fn compare;
    size_t count;
} avl_tree_t;

/* Recovers the record that embeds a node. */
#define AVL_ENTRY(node, type, member) ((type *)((char *)(node)-offsetof(type, member)))

void avl_init(avl_tree_t *tree, avl_compare_fn compare);

/* Links `node`; keys must be unique. Errors: DUPLICATE (tree unchanged). O(log n). */
alg_error_t avl_insert(avl_tree_t *tree, avl_node_t *node);

/* Unlinks a node that is in the tree. O(log n). */
void avl_remove(avl_tree_t *tree, avl_node_t *node);

/* Puts `replacement` (not in the tree) exactly where `node` is, in O(1), and unlinks `node`.
 * The caller guarantees the replacement orders like `node` does (e.g. the same key). */
void avl_replace(avl_tree_t *tree, avl_node_t *node, avl_node_t *replacement);

/* Smallest / largest node, in-order neighbours; NULL where none. */
avl_node_t *avl_first(const avl_tree_t *tree);
avl_node_t *avl_last(const avl_tree_t *tree);
avl_node_t *avl_next(const avl_node_t *node);
avl_node_t *avl_prev(const avl_node_t *node);

/* Node equal to key, or NULL. */
avl_node_t *avl_find(const avl_tree_t *tree, avl_key_compare_fn compare, const void *key);
/* Smallest node >= key, or NULL. */
avl_node_t *avl_lower_bound(const avl_tree_t *tree, avl_key_compare_fn compare, const void *key);
/* Largest node <= key, or NULL. */
avl_node_t *avl_floor(const avl_tree_t *tree, avl_key_compare_fn compare, const void *key);

/* Verifies ordering, parent links, stored heights, the AVL balance bound and the count in O(n);
 * ALG_OK or CORRUPT. Recursion depth is the tree height (< 1.45 log2 n). */
alg_error_t avl_check(const avl_tree_t *tree);

#endif
