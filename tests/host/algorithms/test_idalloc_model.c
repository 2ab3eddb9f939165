/* Model-based test of idalloc: seeded random alloc / alloc_at / free / contains sequences
 * (valid and invalid) against a plain array of flags, with lowest-free found by linear scan.
 * The full invariant checker (summary bits, tail bits, used count) runs after every step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <algorithms/idalloc.h>

#include "test_util.h"

typedef struct model_config {
    const char *name;
    unsigned depth;
    uint64_t count;
} model_config_t;

static uint64_t model_lowest_free(const bool *taken, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++) {
        if (!taken[i]) {
            return i;
        }
    }
    return UINT64_MAX;
}

static void run_model(const model_config_t *cfg)
{
    test_rng_t rng;
    test_rng_init(&rng, test_seed(cfg->name));
    size_t bytes = idalloc_storage_bytes(cfg->depth, cfg->count);
    uint64_t *storage = malloc(bytes);
    bool *taken = calloc(cfg->count, sizeof *taken);
    assert_non_null(storage);
    assert_non_null(taken);
    idalloc_t ids;
    assert_int_equal(idalloc_init(&ids, cfg->depth, cfg->count, storage, bytes), ALG_OK);
    uint64_t used = 0;
    uint64_t exhausted = 0;
    uint64_t errors = 0;
    uint64_t ops = test_model_ops();
    for (uint64_t step = 0; step < ops; step++) {
        /* Alternate phases that fill the tree to exhaustion and drain it:
         * percentages of alloc / alloc_at / free, the rest is contains. */
        bool filling = (step / (3 * cfg->count)) % 2 == 0;
        unsigned alloc_below = filling ? 60u : 10u;
        unsigned at_below = alloc_below + (filling ? 10u : 5u);
        const unsigned free_below = 95u;
        unsigned roll = (unsigned)test_rng_below(&rng, 100);
        /* Ids slightly beyond the range exercise OUT_OF_RANGE. */
        uint64_t id = test_rng_below(&rng, cfg->count + cfg->count / 16 + 2);
        if (roll < alloc_below) {
            uint64_t want = model_lowest_free(taken, cfg->count);
            uint64_t got = UINT64_MAX;
            alg_error_t err = idalloc_alloc(&ids, &got);
            if (want == UINT64_MAX) {
                assert_int_equal(err, ALG_ERR_EXHAUSTED);
                exhausted++;
            } else {
                assert_int_equal(err, ALG_OK);
                assert_int_equal(got, want);
                taken[got] = true;
                used++;
            }
        } else if (roll < at_below) {
            alg_error_t err = idalloc_alloc_at(&ids, id);
            alg_error_t want = id >= cfg->count ? ALG_ERR_OUT_OF_RANGE
                               : taken[id]      ? ALG_ERR_ALREADY_ALLOCATED
                                                : ALG_OK;
            assert_int_equal(err, want);
            if (err == ALG_OK) {
                taken[id] = true;
                used++;
            } else {
                errors++;
            }
        } else if (roll < free_below) {
            /* Mostly free something allocated: probe from a random point. */
            if (id < cfg->count && !taken[id] && used > 0 && test_rng_percent(&rng, 80)) {
                while (!taken[id]) {
                    id = (id + 1) % cfg->count;
                }
            }
            alg_error_t err = idalloc_free(&ids, id);
            alg_error_t want = id >= cfg->count ? ALG_ERR_OUT_OF_RANGE
                               : !taken[id]     ? ALG_ERR_NOT_ALLOCATED
                                                : ALG_OK;
            assert_int_equal(err, want);
            if (err == ALG_OK) {
                taken[id] = false;
                used--;
            } else {
                errors++;
            }
        } else {
            assert_int_equal(idalloc_contains(&ids, id), id < cfg->count && taken[id]);
        }
        assert_int_equal(idalloc_used(&ids), used);
        if (idalloc_check(&ids) != ALG_OK) {
            fail_msg("step %llu: invariants broken", (unsigned long long)step);
        }
    }
    printf("[ model    ] %s: %llu ops, %llu exhausted, %llu rejected, %llu in use at end\n",
           cfg->name, (unsigned long long)ops, (unsigned long long)exhausted,
           (unsigned long long)errors, (unsigned long long)used);
    assert_true(exhausted > 0); /* the phases must really have reached exhaustion */
    free(storage);
    free(taken);
}

static void test_model_depth2(void **state)
{
    (void)state;
    static const model_config_t cfg = {"idalloc model, depth 2, 3000 ids", 2, 3000};
    run_model(&cfg);
}

static void test_model_depth3(void **state)
{
    (void)state;
    static const model_config_t cfg = {"idalloc model, depth 3, 4500 ids", 3, 4500};
    run_model(&cfg);
}

static void test_model_depth4(void **state)
{
    (void)state;
    static const model_config_t cfg = {"idalloc model, depth 4, 2000 ids", 4, 2000};
    run_model(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_model_depth2),
            cmocka_unit_test(test_model_depth3),
            cmocka_unit_test(test_model_depth4),
    };
    return cmocka_run_group_tests_name("idalloc model", tests, NULL, NULL);
}
