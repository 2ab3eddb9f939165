/* Model-based test of the scapegoat tree as a timer queue: seeded random insert / pop / peek /
 * cancel (live, stale and double) sequences against an unsorted array searched linearly for
 * the earliest (deadline, insertion order). Size, order, cached minimum and the height bound
 * are checked after every step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <algorithms/sgtree.h>

#include "test_util.h"

#define POOL 3000u

typedef struct timer {
    sgtree_node_t node;
    bool live;
    uint64_t order; /* model's own insertion counter */
} timer_rec_t;

typedef struct model {
    timer_rec_t timers[POOL];
    uint32_t live_index[POOL]; /* indexes of live timers, unordered */
    uint32_t live_count;
    uint64_t next_order;
} model_t;

static int64_t model_earliest(const model_t *m)
{
    int64_t best = -1;
    for (uint32_t i = 0; i < m->live_count; i++) {
        const timer_rec_t *t = &m->timers[m->live_index[i]];
        const timer_rec_t *b = best < 0 ? NULL : &m->timers[m->live_index[best]];
        if (b == NULL || t->node.key < b->node.key ||
            (t->node.key == b->node.key && t->order < b->order)) {
            best = i;
        }
    }
    return best;
}

static void model_remove(model_t *m, uint32_t live_pos)
{
    m->timers[m->live_index[live_pos]].live = false;
    m->live_index[live_pos] = m->live_index[--m->live_count];
}

static void test_model(void **state)
{
    (void)state;
    model_t *m = calloc(1, sizeof *m);
    assert_non_null(m);
    test_rng_t rng;
    test_rng_init(&rng, test_seed("sgtree model"));
    sgtree_t tree;
    sgtree_init(&tree);
    for (uint32_t i = 0; i < POOL; i++) {
        sgtree_node_init(&m->timers[i].node);
    }
    uint64_t ops = test_model_ops();
    uint64_t counts[5] = {0};
    uint64_t now = 0;
    size_t peak = 0;
    for (uint64_t step = 0; step < ops; step++) {
        bool growing = (step / 4000) % 2 == 0;
        unsigned roll = (unsigned)test_rng_below(&rng, 100);
        if (roll < (growing ? 55u : 25u)) {
            /* Insert an idle timer; deadlines cluster so that ties are common. */
            uint32_t i = (uint32_t)test_rng_below(&rng, POOL);
            timer_rec_t *t = &m->timers[i];
            uint64_t deadline = now + test_rng_below(&rng, test_rng_percent(&rng, 50) ? 16 : 5000);
            alg_error_t err = sgtree_insert(&tree, &t->node, deadline);
            if (t->live) {
                assert_int_equal(err, ALG_ERR_DUPLICATE);
            } else {
                assert_int_equal(err, ALG_OK);
                t->live = true;
                t->order = m->next_order++;
                m->live_index[m->live_count++] = i;
            }
            counts[0]++;
        } else if (roll < 75) {
            /* Pop the earliest (the timer service's expiry path). */
            int64_t want = model_earliest(m);
            sgtree_node_t *got = sgtree_pop(&tree);
            if (want < 0) {
                assert_null(got);
            } else {
                assert_ptr_equal(got, &m->timers[m->live_index[want]].node);
                now = got->key;
                model_remove(m, (uint32_t)want);
            }
            counts[1]++;
        } else if (roll < 95) {
            /* Cancel by token: a live timer, or a stale one (already fired or cancelled). */
            uint32_t i = (uint32_t)test_rng_below(&rng, POOL);
            if (m->live_count > 0 && test_rng_percent(&rng, 70)) {
                i = m->live_index[test_rng_below(&rng, m->live_count)];
            }
            alg_error_t err = sgtree_cancel(&tree, &m->timers[i].node);
            if (m->timers[i].live) {
                assert_int_equal(err, ALG_OK);
                for (uint32_t p = 0; p < m->live_count; p++) {
                    if (m->live_index[p] == i) {
                        model_remove(m, p);
                        break;
                    }
                }
            } else {
                assert_int_equal(err, ALG_ERR_NOT_FOUND);
            }
            counts[2]++;
        } else {
            int64_t want = model_earliest(m);
            sgtree_node_t *got = sgtree_peek(&tree);
            assert_ptr_equal(got, want < 0 ? NULL : &m->timers[m->live_index[want]].node);
            counts[3]++;
        }
        assert_int_equal(sgtree_size(&tree), m->live_count);
        if (sgtree_check(&tree) != ALG_OK) {
            fail_msg("step %llu: invariants broken", (unsigned long long)step);
        }
        peak = m->live_count > peak ? m->live_count : peak;
    }
    printf("[ model    ] sgtree: %llu ops (%llu insert, %llu pop, %llu cancel, %llu peek), "
           "peak size %zu, %llu rebuilds\n",
           (unsigned long long)ops, (unsigned long long)counts[0], (unsigned long long)counts[1],
           (unsigned long long)counts[2], (unsigned long long)counts[3], peak,
           (unsigned long long)tree.rebuilds);
    while (m->live_count > 0) {
        int64_t want = model_earliest(m);
        assert_ptr_equal(sgtree_pop(&tree), &m->timers[m->live_index[want]].node);
        model_remove(m, (uint32_t)want);
    }
    assert_null(sgtree_pop(&tree));
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_model),
    };
    return cmocka_run_group_tests_name("sgtree model", tests, NULL, NULL);
}
