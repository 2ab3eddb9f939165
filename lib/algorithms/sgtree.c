/* Scapegoat tree: plain BST operations plus occasional in-place subtree rebuilds
 * (Day-Stout-Warren: flatten to a vine, then compress into a balanced tree).
 * Must never recurse (kernel-sized stacks) and never allocate. */
#include <algorithms/sgtree.h>

/* Deepest path an insertion records. Nodes are >= 32 bytes, so fewer than 2^43 fit in a
 * 48-bit address space and sgtree_height_limit stays below 80; the guard below still rebuilds
 * the whole tree rather than overrun if that assumption is ever broken. */
#define SGTREE_MAX_PATH 128u

static inline int node_less(const sgtree_node_t *a, const sgtree_node_t *b)
{
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

void sgtree_init(sgtree_t *tree)
{
    tree->root = NULL;
    tree->earliest = NULL;
    tree->size = 0;
    tree->max_size = 0;
    tree->next_seq = 1;
    tree->rebuilds = 0;
}

unsigned sgtree_height_limit(size_t size)
{
    /* x tracks (3/2)^h scaled by 2^16, rounded down at each step, so x never exceeds the true
     * value and the limit found is never too small. */
    uint64_t scaled = (uint64_t)size << 16;
    uint64_t x = (uint64_t)1 << 16;
    unsigned h = 0;
    while (x <= scaled) {
        x += x >> 1;
        h++;
    }
    return h;
}

/* One step of a Morris in-order walk (O(1) space): advances *cursor and returns the node
 * visited by this step, or NULL when the step only descended. Temporary threads (a
 * predecessor's NULL right link pointed back at its successor) are removed by the time the
 * walk ends, so a walk must always run to completion. */
static sgtree_node_t *morris_step(sgtree_node_t **cursor)
{
    sgtree_node_t *node = *cursor;
    if (node->left == NULL) {
        *cursor = node->right;
        return node;
    }
    sgtree_node_t *pred = node->left;
    while (pred->right != NULL && pred->right != node) {
        pred = pred->right;
    }
    if (pred->right == NULL) {
        pred->right = node; /* thread back to `node`, then do its left subtree */
        *cursor = node->left;
        return NULL;
    }
    pred->right = NULL; /* left subtree done: remove the thread */
    *cursor = node->right;
    return node;
}

static size_t subtree_size(sgtree_node_t *node)
{
    size_t n = 0;
    while (node != NULL) {
        n += morris_step(&node) != NULL;
    }
    return n;
}

/* Turns the tree under pseudo->right into a right-leaning vine, in order. */
static void tree_to_vine(sgtree_node_t *pseudo)
{
    sgtree_node_t *tail = pseudo;
    sgtree_node_t *rest = tail->right;
    while (rest != NULL) {
        if (rest->left == NULL) {
            tail = rest;
            rest = rest->right;
        } else {
            sgtree_node_t *l = rest->left;
            rest->left = l->right;
            l->right = rest;
            rest = l;
            tail->right = l;
        }
    }
}

/* One DSW pass: left-rotates every second node of the first 2*count vine nodes. */
static void vine_compress(sgtree_node_t *pseudo, size_t count)
{
    sgtree_node_t *scanner = pseudo;
    for (size_t i = 0; i < count; i++) {
        sgtree_node_t *child = scanner->right;
        if (child == NULL || child->right == NULL) {
            return; /* vine shorter than the size says: stop rather than fault */
        }
        scanner->right = child->right;
        scanner = scanner->right;
        child->right = scanner->left;
        scanner->left = child;
    }
}

/* Rebuilds the `size`-node subtree at *link into a tree of height ceil(log2(size + 1)). */
static void subtree_rebuild(sgtree_t *tree, sgtree_node_t **link, size_t size)
{
    sgtree_node_t pseudo = {.left = NULL, .right = *link, .key = 0, .seq = 0};
    tree_to_vine(&pseudo);
    size_t full = 1;
    while (full * 2 <= size + 1) {
        full *= 2;
    }
    vine_compress(&pseudo, size + 1 - full); /* the partial bottom level first */
    for (size_t m = full - 1; m > 1; m /= 2) {
        vine_compress(&pseudo, m / 2);
    }
    *link = pseudo.right;
    tree->rebuilds++;
}

alg_error_t sgtree_insert(sgtree_t *tree, sgtree_node_t *node, uint64_t key)
{
    if (sgtree_node_linked(node)) {
        return ALG_ERR_DUPLICATE;
    }
    node->key = key;
    node->seq = tree->next_seq++;
    node->left = NULL;
    node->right = NULL;

    sgtree_node_t *path[SGTREE_MAX_PATH];
    unsigned depth = 0;
    sgtree_node_t **link = &tree->root;
    while (*link != NULL) {
        if (depth == SGTREE_MAX_PATH - 1) {
            subtree_rebuild(tree, &tree->root, tree->size); /* see SGTREE_MAX_PATH */
            depth = 0;
            link = &tree->root;
            continue;
        }
        path[depth++] = *link;
        link = node_less(node, *link) ? &(*link)->left : &(*link)->right;
    }
    *link = node;
    tree->size++;
    if (tree->size > tree->max_size) {
        tree->max_size = tree->size;
    }
    if (tree->earliest == NULL || node_less(node, tree->earliest)) {
        tree->earliest = node;
    }
    if (depth + 1 <= sgtree_height_limit(tree->size)) {
        return ALG_OK;
    }
    /* Too deep: climb the path to the lowest ancestor that is more than 2/3 one-sided. */
    size_t child_size = 1;
    sgtree_node_t *child = node;
    for (unsigned i = depth; i-- > 0;) {
        sgtree_node_t *a = path[i];
        sgtree_node_t *sibling = a->left == child ? a->right : a->left;
        size_t a_size = child_size + 1 + subtree_size(sibling);
        if (3 * child_size > 2 * a_size) {
            sgtree_node_t **a_link =
                    i == 0 ? &tree->root
                           : (path[i - 1]->left == a ? &path[i - 1]->left : &path[i - 1]->right);
            subtree_rebuild(tree, a_link, a_size);
            return ALG_OK;
        }
        child = a;
        child_size = a_size;
    }
    subtree_rebuild(tree, &tree->root, tree->size); /* unreachable by the scapegoat lemma */
    return ALG_OK;
}

/* Unlinks `node`, reached through `link` from `parent` (NULL for the root), then restores the
 * size invariant. */
static void node_unlink(sgtree_t *tree, sgtree_node_t **link, sgtree_node_t *node,
                        sgtree_node_t *parent)
{
    if (tree->earliest == node) {
        /* The minimum has no left child: its successor is the leftmost node of its right
         * subtree, or else its parent. Found before the links change. */
        sgtree_node_t *next = node->right;
        while (next != NULL && next->left != NULL) {
            next = next->left;
        }
        tree->earliest = next != NULL ? next : parent;
    }
    if (node->left == NULL) {
        *link = node->right;
    } else if (node->right == NULL) {
        *link = node->left;
    } else {
        sgtree_node_t **succ_link = &node->right;
        while ((*succ_link)->left != NULL) {
            succ_link = &(*succ_link)->left;
        }
        sgtree_node_t *succ = *succ_link;
        *succ_link = succ->right; /* detach the successor (it has no left child) */
        succ->left = node->left;
        succ->right = node->right;
        *link = succ;
    }
    node->left = NULL;
    node->right = NULL;
    node->seq = 0;
    tree->size--;
    if (3 * tree->size < 2 * tree->max_size) {
        if (tree->size > 0) {
            subtree_rebuild(tree, &tree->root, tree->size);
        }
        tree->max_size = tree->size;
    }
}

sgtree_node_t *sgtree_pop(sgtree_t *tree)
{
    sgtree_node_t *first = tree->earliest;
    if (first == NULL) {
        return NULL;
    }
    sgtree_node_t *parent = NULL;
    sgtree_node_t **link = &tree->root;
    while (*link != first) {
        parent = *link;
        link = &parent->left;
    }
    node_unlink(tree, link, first, parent);
    return first;
}

alg_error_t sgtree_cancel(sgtree_t *tree, sgtree_node_t *node)
{
    if (!sgtree_node_linked(node)) {
        return ALG_ERR_NOT_FOUND;
    }
    sgtree_node_t *parent = NULL;
    sgtree_node_t **link = &tree->root;
    while (*link != NULL && *link != node) {
        parent = *link;
        if (parent->key == node->key && parent->seq == node->seq) {
            return ALG_ERR_NOT_FOUND; /* same position, different node: a foreign token */
        }
        link = node_less(node, parent) ? &parent->left : &parent->right;
    }
    if (*link == NULL) {
        return ALG_ERR_NOT_FOUND;
    }
    node_unlink(tree, link, node, parent);
    return ALG_OK;
}

alg_error_t sgtree_check(const sgtree_t *tree)
{
    /* In-order walk with an explicit stack of the current path. The path is never allowed to
     * grow past the height limit, so the fixed stack cannot overflow: a deeper node is
     * reported as corruption before it would be pushed. */
    unsigned limit = sgtree_height_limit(tree->max_size) + 1;
    if (limit >= SGTREE_MAX_PATH) {
        return ALG_ERR_CORRUPT;
    }
    const sgtree_node_t *stack[SGTREE_MAX_PATH];
    unsigned depth = 0;
    size_t count = 0;
    const sgtree_node_t *prev = NULL;
    const sgtree_node_t *node = tree->root;
    while (node != NULL || depth > 0) {
        while (node != NULL) {
            if (depth == limit) {
                return ALG_ERR_CORRUPT; /* deeper than the balance bound allows */
            }
            stack[depth++] = node;
            node = node->left;
        }
        const sgtree_node_t *visit = stack[--depth];
        if (visit->seq == 0 || (prev != NULL && !node_less(prev, visit)) ||
            (prev == NULL && visit != tree->earliest) || count >= tree->size) {
            return ALG_ERR_CORRUPT;
        }
        prev = visit;
        count++;
        node = visit->right;
    }
    if (count != tree->size || (count == 0 && tree->earliest != NULL) ||
        tree->size > tree->max_size) {
        return ALG_ERR_CORRUPT;
    }
    return ALG_OK;
}
