/* Shared helpers of the algorithms host tests: a seeded PRNG whose seed is always printed,
 * the operation count of model tests (ALG_TEST_SEED / ALG_MODEL_OPS override them) and their
 * outcome summary. Host-only: may use libc freely. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <algorithms/alg_error.h>

#define MODEL_DEFAULT_OPS 100000u

typedef struct test_rng {
    uint64_t state;
} test_rng_t;

/* The seed for this run: ALG_TEST_SEED if set, else time-based; printed so a failure can be
 * replayed with ALG_TEST_SEED=<seed>. */
static inline uint64_t test_seed(const char *what)
{
    const char *env = getenv("ALG_TEST_SEED");
    uint64_t seed;
    if (env != NULL && *env != '\0') {
        seed = strtoull(env, NULL, 0);
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = ((uint64_t)ts.tv_sec * 1000000007u) ^ (uint64_t)ts.tv_nsec;
    }
    printf("[ seed     ] %s: ALG_TEST_SEED=%" PRIu64 "\n", what, seed);
    fflush(stdout);
    return seed;
}

static inline uint64_t test_model_ops(void)
{
    const char *env = getenv("ALG_MODEL_OPS");
    if (env != NULL && *env != '\0') {
        return strtoull(env, NULL, 0);
    }
    return MODEL_DEFAULT_OPS;
}

/* One summary line of a model run: how often each of `kinds` came back over `ops` steps. */
static inline void test_model_outcomes_print(const char *name, uint64_t ops,
                                             const uint64_t outcomes[ALG_ERROR_COUNT],
                                             const alg_error_t *kinds, size_t kind_count)
{
    printf("[ model    ] %s: %" PRIu64 " ops", name, ops);
    for (size_t i = 0; i < kind_count; i++) {
        printf("%s%s %" PRIu64, i == 0 ? "; " : ", ", alg_error_name(kinds[i]), outcomes[kinds[i]]);
    }
    printf("\n");
}

static inline void test_rng_init(test_rng_t *rng, uint64_t seed)
{
    rng->state = seed ^ 0x9e3779b97f4a7c15ull;
    if (rng->state == 0) {
        rng->state = 1;
    }
}

/* xorshift64* */
static inline uint64_t test_rng_next(test_rng_t *rng)
{
    uint64_t x = rng->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng->state = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* Uniform-enough value in [0, bound) for the small bounds tests use; bound must be > 0. */
static inline uint64_t test_rng_below(test_rng_t *rng, uint64_t bound)
{
    return test_rng_next(rng) % bound;
}

/* True with probability percent / 100. */
static inline int test_rng_percent(test_rng_t *rng, unsigned percent)
{
    return test_rng_below(rng, 100) < percent;
}

#endif
