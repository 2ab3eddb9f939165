/* Unit tests of the scapegoat tree: ordering with ties, cancellation tokens (valid, stale,
 * foreign), the O(log n) height bound under adversarial (sorted) insertion, and the checker. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <algorithms/sgtree.h>

static void test_empty_tree(void **state)
{
    (void)state;
    sgtree_t t;
    sgtree_init(&t);
    assert_null(sgtree_peek(&t));
    assert_null(sgtree_pop(&t));
    assert_int_equal(sgtree_size(&t), 0);
    assert_int_equal(sgtree_check(&t), ALG_OK);
    sgtree_node_t n;
    sgtree_node_init(&n);
    assert_int_equal(sgtree_cancel(&t, &n), ALG_ERR_NOT_FOUND);
}

static void test_pops_in_deadline_then_insertion_order(void **state)
{
    (void)state;
    sgtree_t t;
    sgtree_init(&t);
    static const uint64_t keys[] = {50, 10, 30, 10, 50, 0, 30, 10};
    sgtree_node_t n[8];
    for (int i = 0; i < 8; i++) {
        sgtree_node_init(&n[i]);
        assert_int_equal(sgtree_insert(&t, &n[i], keys[i]), ALG_OK);
        assert_true(sgtree_node_linked(&n[i]));
        assert_int_equal(sgtree_check(&t), ALG_OK);
    }
    assert_ptr_equal(sgtree_peek(&t), &n[5]);
    static const int order[] = {5, 1, 3, 7, 2, 6, 0, 4};
    for (int i = 0; i < 8; i++) {
        sgtree_node_t *p = sgtree_pop(&t);
        assert_ptr_equal(p, &n[order[i]]);
        assert_false(sgtree_node_linked(p));
        assert_int_equal(sgtree_check(&t), ALG_OK);
    }
    assert_null(sgtree_pop(&t));
}

static void test_insert_rejects_linked_node(void **state)
{
    (void)state;
    sgtree_t t;
    sgtree_init(&t);
    sgtree_node_t n;
    sgtree_node_init(&n);
    assert_int_equal(sgtree_insert(&t, &n, 7), ALG_OK);
    assert_int_equal(sgtree_insert(&t, &n, 3), ALG_ERR_DUPLICATE);
    assert_int_equal(n.key, 7);
    assert_int_equal(sgtree_size(&t), 1);
    assert_int_equal(sgtree_check(&t), ALG_OK);
    /* After a pop the node may be inserted again. */
    assert_ptr_equal(sgtree_pop(&t), &n);
    assert_int_equal(sgtree_insert(&t, &n, 3), ALG_OK);
    assert_int_equal(sgtree_check(&t), ALG_OK);
}

static void test_cancel_tokens(void **state)
{
    (void)state;
    sgtree_t t;
    sgtree_init(&t);
    sgtree_node_t n[5];
    for (int i = 0; i < 5; i++) {
        sgtree_node_init(&n[i]);
        assert_int_equal(sgtree_insert(&t, &n[i], 100 - (uint64_t)i * 10), ALG_OK);
    }
    /* Cancel the earliest: peek moves to the next. */
    assert_ptr_equal(sgtree_peek(&t), &n[4]);
    assert_int_equal(sgtree_cancel(&t, &n[4]), ALG_OK);
    assert_ptr_equal(sgtree_peek(&t), &n[3]);
    /* A cancelled token is stale. */
    assert_int_equal(sgtree_cancel(&t, &n[4]), ALG_ERR_NOT_FOUND);
    /* A node with two children. */
    assert_int_equal(sgtree_cancel(&t, &n[1]), ALG_OK);
    assert_int_equal(sgtree_check(&t), ALG_OK);
    /* A foreign token: linked into another tree with the same key and sequence number. */
    sgtree_t other;
    sgtree_init(&other);
    sgtree_node_t stranger;
    sgtree_node_init(&stranger);
    assert_int_equal(sgtree_insert(&other, &stranger, n[0].key), ALG_OK);
    stranger.seq = n[0].seq;
    assert_int_equal(sgtree_cancel(&t, &stranger), ALG_ERR_NOT_FOUND);
    sgtree_node_t absent = {.key = 55, .seq = 999};
    assert_int_equal(sgtree_cancel(&t, &absent), ALG_ERR_NOT_FOUND);
    assert_int_equal(sgtree_size(&t), 3);
    assert_ptr_equal(sgtree_pop(&t), &n[3]);
    assert_ptr_equal(sgtree_pop(&t), &n[2]);
    assert_ptr_equal(sgtree_pop(&t), &n[0]);
    assert_int_equal(sgtree_check(&t), ALG_OK);
}

static unsigned tree_height(const sgtree_node_t *n)
{
    if (n == NULL) {
        return 0;
    }
    unsigned l = tree_height(n->left);
    unsigned r = tree_height(n->right);
    return 1 + (l > r ? l : r);
}

static void test_sorted_insertion_stays_logarithmic(void **state)
{
    (void)state;
    enum { N = 100000 };
    sgtree_node_t *n = test_malloc(N * sizeof *n);
    sgtree_t t;
    sgtree_init(&t);
    for (uint64_t i = 0; i < N; i++) {
        sgtree_node_init(&n[i]);
        assert_int_equal(sgtree_insert(&t, &n[i], i), ALG_OK); /* a plain BST would be a list */
    }
    unsigned h = tree_height(t.root);
    assert_true(h <= sgtree_height_limit(N) + 1);
    assert_true(h <= 31); /* log_{3/2}(100000) + 1 = 29.4 */
    assert_true(t.rebuilds > 0);
    assert_int_equal(sgtree_check(&t), ALG_OK);
    /* Descending keys, then cancel every other node. */
    sgtree_t d;
    sgtree_init(&d);
    for (uint64_t i = 0; i < N; i++) {
        assert_ptr_equal(sgtree_pop(&t), &n[i]);
        assert_int_equal(sgtree_insert(&d, &n[i], N - i), ALG_OK);
    }
    assert_true(tree_height(d.root) <= sgtree_height_limit(N) + 1);
    for (uint64_t i = 0; i < N; i += 2) {
        assert_int_equal(sgtree_cancel(&d, &n[i]), ALG_OK);
    }
    assert_int_equal(sgtree_check(&d), ALG_OK);
    assert_true(tree_height(d.root) <= sgtree_height_limit(d.max_size) + 1);
    for (uint64_t i = N - 1; i < N; i -= 2) {
        assert_ptr_equal(sgtree_pop(&d), &n[i]);
    }
    assert_int_equal(sgtree_size(&d), 0);
    test_free(n);
}

static void test_height_limit_matches_log(void **state)
{
    (void)state;
    assert_int_equal(sgtree_height_limit(0), 0);
    assert_int_equal(sgtree_height_limit(1), 1);
    assert_int_equal(sgtree_height_limit(2), 2);
    assert_int_equal(sgtree_height_limit(3), 3);
    assert_int_equal(sgtree_height_limit(4), 4);
    assert_int_equal(sgtree_height_limit(5), 4);
    for (size_t n = 1; n < 2000000; n += 1 + n / 64) {
        unsigned exact = (unsigned)floor(log((double)n) / log(1.5)) + 1;
        unsigned got = sgtree_height_limit(n);
        if (got < exact || got > exact + 1) {
            fail_msg("limit(%zu) = %u, log bound %u", n, got, exact);
        }
    }
}

static void test_check_detects_corruption(void **state)
{
    (void)state;
    sgtree_t t;
    sgtree_init(&t);
    sgtree_node_t n[3];
    for (int i = 0; i < 3; i++) {
        sgtree_node_init(&n[i]);
        assert_int_equal(sgtree_insert(&t, &n[i], (uint64_t)i * 10), ALG_OK);
    }
    assert_int_equal(sgtree_check(&t), ALG_OK);
    t.size++;
    assert_int_equal(sgtree_check(&t), ALG_ERR_CORRUPT);
    t.size--;
    t.earliest = &n[1];
    assert_int_equal(sgtree_check(&t), ALG_ERR_CORRUPT);
    t.earliest = &n[0];
    sgtree_node_t *first = sgtree_peek(&t);
    first->key = 25; /* now sorts after its successors */
    assert_int_equal(sgtree_check(&t), ALG_ERR_CORRUPT);
    first->key = 0;
    assert_int_equal(sgtree_check(&t), ALG_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_empty_tree),
            cmocka_unit_test(test_pops_in_deadline_then_insertion_order),
            cmocka_unit_test(test_insert_rejects_linked_node),
            cmocka_unit_test(test_cancel_tokens),
            cmocka_unit_test(test_sorted_insertion_stays_logarithmic),
            cmocka_unit_test(test_height_limit_matches_log),
            cmocka_unit_test(test_check_detects_corruption),
    };
    return cmocka_run_group_tests_name("sgtree", tests, NULL, NULL);
}
