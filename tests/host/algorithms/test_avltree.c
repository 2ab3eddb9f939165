/* Tests of the intrusive AVL tree under unialloc: duplicate rejection and neighbour queries
 * by hand, then a seeded random insert / remove / find / lower_bound / floor / iteration model
 * against a flag array, with the height and balance checker after every step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <algorithms/avltree.h>

#include "test_util.h"

#define KEYS 2048u

typedef struct item {
    avl_node_t node;
    uint64_t key;
} item_t;

static int item_compare(const avl_node_t *a, const avl_node_t *b)
{
    uint64_t x = AVL_ENTRY(a, item_t, node)->key;
    uint64_t y = AVL_ENTRY(b, item_t, node)->key;
    return x < y ? -1 : (x > y ? 1 : 0);
}

static int key_compare(const void *key, const avl_node_t *n)
{
    uint64_t x = *(const uint64_t *)key;
    uint64_t y = AVL_ENTRY(n, item_t, node)->key;
    return x < y ? -1 : (x > y ? 1 : 0);
}

static uint64_t key_of(const avl_node_t *n)
{
    return n == NULL ? UINT64_MAX : AVL_ENTRY(n, item_t, node)->key;
}

static void test_basic_queries(void **state)
{
    (void)state;
    avl_tree_t t;
    avl_init(&t, item_compare);
    item_t items[5] = {{.key = 40}, {.key = 10}, {.key = 30}, {.key = 20}, {.key = 50}};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(avl_insert(&t, &items[i].node), ALG_OK);
    }
    item_t dup = {.key = 30};
    assert_int_equal(avl_insert(&t, &dup.node), ALG_ERR_DUPLICATE);
    assert_int_equal(t.count, 5);
    assert_int_equal(avl_check(&t), ALG_OK);
    uint64_t k = 25;
    assert_int_equal(key_of(avl_lower_bound(&t, key_compare, &k)), 30);
    assert_int_equal(key_of(avl_floor(&t, key_compare, &k)), 20);
    assert_null(avl_find(&t, key_compare, &k));
    k = 30;
    assert_int_equal(key_of(avl_find(&t, key_compare, &k)), 30);
    assert_int_equal(key_of(avl_lower_bound(&t, key_compare, &k)), 30);
    assert_int_equal(key_of(avl_floor(&t, key_compare, &k)), 30);
    k = 5;
    assert_null(avl_floor(&t, key_compare, &k));
    k = 55;
    assert_null(avl_lower_bound(&t, key_compare, &k));
    assert_int_equal(key_of(avl_first(&t)), 10);
    assert_int_equal(key_of(avl_last(&t)), 50);
    assert_int_equal(key_of(avl_next(&items[2].node)), 40);
    assert_int_equal(key_of(avl_prev(&items[2].node)), 20);
    assert_null(avl_next(&items[4].node));
    assert_null(avl_prev(&items[1].node));
    avl_remove(&t, &items[2].node);
    assert_int_equal(avl_check(&t), ALG_OK);
    /* Replacing a node by another with the same key keeps every link and the count. */
    item_t twin = {.key = 20};
    avl_replace(&t, &items[3].node, &twin.node);
    assert_int_equal(avl_check(&t), ALG_OK);
    assert_int_equal(t.count, 4);
    k = 20;
    assert_ptr_equal(avl_find(&t, key_compare, &k), &twin.node);
    assert_int_equal(key_of(avl_next(&twin.node)), 40);
    avl_replace(&t, &twin.node, &items[3].node);
    assert_int_equal(key_of(avl_next(&items[3].node)), 40);
    /* cppcheck-suppress unreadVariable ; read through the tree by avl_check */
    items[3].key = 45; /* break the ordering: the checker must notice */
    assert_int_equal(avl_check(&t), ALG_ERR_CORRUPT);
}

static void test_model(void **state)
{
    (void)state;
    test_rng_t rng;
    test_rng_init(&rng, test_seed("avltree model"));
    item_t *items = calloc(KEYS, sizeof *items);
    bool *present = calloc(KEYS, sizeof *present);
    assert_non_null(items);
    assert_non_null(present);
    for (uint64_t i = 0; i < KEYS; i++) {
        items[i].key = i * 2; /* even keys, so odd probes fall between */
    }
    avl_tree_t t;
    avl_init(&t, item_compare);
    size_t count = 0;
    uint64_t ops = test_model_ops();
    for (uint64_t step = 0; step < ops; step++) {
        uint64_t i = test_rng_below(&rng, KEYS);
        uint64_t probe = test_rng_below(&rng, KEYS * 2 + 2);
        unsigned roll = (unsigned)test_rng_below(&rng, 100);
        bool growing = (step / 5000) % 2 == 0;
        if (roll < (growing ? 45u : 25u)) {
            alg_error_t err = avl_insert(&t, &items[i].node);
            assert_int_equal(err, present[i] ? ALG_ERR_DUPLICATE : ALG_OK);
            count += !present[i];
            present[i] = true;
        } else if (roll < 70) {
            if (present[i]) {
                avl_remove(&t, &items[i].node);
                present[i] = false;
                count--;
            }
        } else {
            /* Model answers by linear scan over the flags. */
            uint64_t want_lb = UINT64_MAX;
            uint64_t want_floor = UINT64_MAX;
            for (uint64_t j = 0; j < KEYS; j++) {
                if (present[j] && items[j].key >= probe && want_lb == UINT64_MAX) {
                    want_lb = items[j].key;
                }
                if (present[j] && items[j].key <= probe) {
                    want_floor = items[j].key;
                }
            }
            assert_int_equal(key_of(avl_lower_bound(&t, key_compare, &probe)), want_lb);
            assert_int_equal(key_of(avl_floor(&t, key_compare, &probe)), want_floor);
            bool hit = probe % 2 == 0 && probe / 2 < KEYS && present[probe / 2];
            assert_int_equal(avl_find(&t, key_compare, &probe) != NULL, hit);
        }
        assert_int_equal(t.count, count);
        if (avl_check(&t) != ALG_OK) {
            fail_msg("step %llu: invariants broken", (unsigned long long)step);
        }
        if (step % 1000 == 0) {
            /* Full in-order walk both ways against the flags. */
            const avl_node_t *n = avl_first(&t);
            for (uint64_t j = 0; j < KEYS; j++) {
                if (present[j]) {
                    assert_int_equal(key_of(n), items[j].key);
                    n = avl_next(n);
                }
            }
            assert_null(n);
            n = avl_last(&t);
            for (uint64_t j = KEYS; j-- > 0;) {
                if (present[j]) {
                    assert_int_equal(key_of(n), items[j].key);
                    n = avl_prev(n);
                }
            }
            assert_null(n);
        }
    }
    printf("[ model    ] avltree: %llu ops, %zu keys at end\n", (unsigned long long)ops, count);
    free(items);
    free(present);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_basic_queries),
            cmocka_unit_test(test_model),
    };
    return cmocka_run_group_tests_name("avltree", tests, NULL, NULL);
}
