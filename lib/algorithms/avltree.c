/* Intrusive AVL tree: insertion and removal rebalance on the way back to the root.
 * Purely pointer surgery on caller-owned nodes; must never allocate or call libc. */
#include <algorithms/avltree.h>

#include <stdbool.h>

static inline int height_of(const avl_node_t *node)
{
    return node == NULL ? 0 : node->height;
}

static inline void height_update(avl_node_t *node)
{
    int l = height_of(node->left);
    int r = height_of(node->right);
    node->height = 1 + (l > r ? l : r);
}

/* Points whatever referred to `old` (its parent's child link or the root) at `new_node`. */
static void replace_child(avl_tree_t *tree, avl_node_t *parent, const avl_node_t *old,
                          avl_node_t *new_node)
{
    if (parent == NULL) {
        tree->root = new_node;
    } else if (parent->left == old) {
        parent->left = new_node;
    } else {
        parent->right = new_node;
    }
    if (new_node != NULL) {
        new_node->parent = parent;
    }
}

static avl_node_t *rotate_left(avl_tree_t *tree, avl_node_t *x)
{
    avl_node_t *y = x->right;
    replace_child(tree, x->parent, x, y);
    x->right = y->left;
    if (y->left != NULL) {
        y->left->parent = x;
    }
    y->left = x;
    x->parent = y;
    height_update(x);
    height_update(y);
    return y;
}

static avl_node_t *rotate_right(avl_tree_t *tree, avl_node_t *x)
{
    avl_node_t *y = x->left;
    replace_child(tree, x->parent, x, y);
    x->left = y->right;
    if (y->right != NULL) {
        y->right->parent = x;
    }
    y->right = x;
    x->parent = y;
    height_update(x);
    height_update(y);
    return y;
}

/* Restores the AVL property at `node` (children are balanced); returns the subtree root. */
static avl_node_t *balance_at(avl_tree_t *tree, avl_node_t *node)
{
    int diff = height_of(node->left) - height_of(node->right);
    if (diff > 1) {
        if (height_of(node->left->left) < height_of(node->left->right)) {
            rotate_left(tree, node->left);
        }
        return rotate_right(tree, node);
    }
    if (diff < -1) {
        if (height_of(node->right->right) < height_of(node->right->left)) {
            rotate_right(tree, node->right);
        }
        return rotate_left(tree, node);
    }
    height_update(node);
    return node;
}

/* Walks from `node` to the root fixing heights and balance. Stops early once a subtree's
 * height is unchanged and it is balanced, since nothing above can then be affected. */
static void rebalance_upward(avl_tree_t *tree, avl_node_t *node)
{
    while (node != NULL) {
        int before = node->height;
        avl_node_t *top = balance_at(tree, node);
        if (top == node && node->height == before) {
            return;
        }
        node = top->parent;
    }
}

void avl_init(avl_tree_t *tree, avl_compare_fn compare)
{
    tree->root = NULL;
    tree->compare = compare;
    tree->count = 0;
}

alg_error_t avl_insert(avl_tree_t *tree, avl_node_t *node)
{
    avl_node_t *parent = NULL;
    avl_node_t **link = &tree->root;
    while (*link != NULL) {
        parent = *link;
        int c = tree->compare(node, parent);
        if (c == 0) {
            return ALG_ERR_DUPLICATE;
        }
        link = c < 0 ? &parent->left : &parent->right;
    }
    node->left = NULL;
    node->right = NULL;
    node->parent = parent;
    node->height = 1;
    *link = node;
    tree->count++;
    rebalance_upward(tree, parent);
    return ALG_OK;
}

void avl_remove(avl_tree_t *tree, avl_node_t *node)
{
    avl_node_t *fix_from;
    if (node->left == NULL || node->right == NULL) {
        avl_node_t *child = node->left != NULL ? node->left : node->right;
        fix_from = node->parent;
        replace_child(tree, node->parent, node, child);
    } else {
        /* Two children: the in-order successor (leftmost of the right subtree) takes the
         * node's place, so the record that owns `node` can be reused immediately. */
        avl_node_t *succ = node->right;
        while (succ->left != NULL) {
            succ = succ->left;
        }
        if (succ->parent == node) {
            fix_from = succ;
        } else {
            fix_from = succ->parent;
            replace_child(tree, succ->parent, succ, succ->right);
            succ->right = node->right;
            succ->right->parent = succ;
        }
        replace_child(tree, node->parent, node, succ);
        succ->left = node->left;
        succ->left->parent = succ;
        succ->height = node->height;
    }
    tree->count--;
    /* Removal can shrink a subtree without unbalancing it, so walk all the way up. */
    while (fix_from != NULL) {
        avl_node_t *top = balance_at(tree, fix_from);
        fix_from = top->parent;
    }
}

void avl_replace(avl_tree_t *tree, avl_node_t *node, avl_node_t *replacement)
{
    *replacement = *node;
    replace_child(tree, node->parent, node, replacement);
    if (replacement->left != NULL) {
        replacement->left->parent = replacement;
    }
    if (replacement->right != NULL) {
        replacement->right->parent = replacement;
    }
}

avl_node_t *avl_first(const avl_tree_t *tree)
{
    avl_node_t *n = tree->root;
    while (n != NULL && n->left != NULL) {
        n = n->left;
    }
    return n;
}

avl_node_t *avl_last(const avl_tree_t *tree)
{
    avl_node_t *n = tree->root;
    while (n != NULL && n->right != NULL) {
        n = n->right;
    }
    return n;
}

avl_node_t *avl_next(const avl_node_t *node)
{
    if (node->right != NULL) {
        node = node->right;
        while (node->left != NULL) {
            node = node->left;
        }
        return (avl_node_t *)node;
    }
    while (node->parent != NULL && node->parent->right == node) {
        node = node->parent;
    }
    return node->parent;
}

avl_node_t *avl_prev(const avl_node_t *node)
{
    if (node->left != NULL) {
        node = node->left;
        while (node->right != NULL) {
            node = node->right;
        }
        return (avl_node_t *)node;
    }
    while (node->parent != NULL && node->parent->left == node) {
        node = node->parent;
    }
    return node->parent;
}

avl_node_t *avl_find(const avl_tree_t *tree, avl_key_compare_fn compare, const void *key)
{
    avl_node_t *n = tree->root;
    while (n != NULL) {
        int c = compare(key, n);
        if (c == 0) {
            return n;
        }
        n = c < 0 ? n->left : n->right;
    }
    return NULL;
}

avl_node_t *avl_lower_bound(const avl_tree_t *tree, avl_key_compare_fn compare, const void *key)
{
    avl_node_t *n = tree->root;
    avl_node_t *best = NULL;
    while (n != NULL) {
        if (compare(key, n) <= 0) {
            best = n;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}

avl_node_t *avl_floor(const avl_tree_t *tree, avl_key_compare_fn compare, const void *key)
{
    avl_node_t *n = tree->root;
    avl_node_t *best = NULL;
    while (n != NULL) {
        if (compare(key, n) >= 0) {
            best = n;
            n = n->right;
        } else {
            n = n->left;
        }
    }
    return best;
}

/* Checks the subtree at `node`; returns its height or -1 when an invariant fails. `*count`
 * accumulates nodes, `*prev` tracks the in-order predecessor for the ordering check. */
static int check_subtree(const avl_tree_t *tree, const avl_node_t *node, size_t *count,
                         const avl_node_t **prev)
{
    if (node == NULL) {
        return 0;
    }
    if ((node->left != NULL && node->left->parent != node) ||
        (node->right != NULL && node->right->parent != node)) {
        return -1;
    }
    int l = check_subtree(tree, node->left, count, prev);
    if (l < 0) {
        return -1;
    }
    if (*prev != NULL && tree->compare(*prev, node) >= 0) {
        return -1;
    }
    *prev = node;
    (*count)++;
    int r = check_subtree(tree, node->right, count, prev);
    if (r < 0) {
        return -1;
    }
    int h = 1 + (l > r ? l : r);
    bool balanced = l - r <= 1 && r - l <= 1;
    return balanced && h == node->height ? h : -1;
}

alg_error_t avl_check(const avl_tree_t *tree)
{
    size_t count = 0;
    const avl_node_t *prev = NULL;
    if (tree->root != NULL && tree->root->parent != NULL) {
        return ALG_ERR_CORRUPT;
    }
    if (check_subtree(tree, tree->root, &count, &prev) < 0 || count != tree->count) {
        return ALG_ERR_CORRUPT;
    }
    return ALG_OK;
}
