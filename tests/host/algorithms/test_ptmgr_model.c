/* Model-based test of the page-table manager: seeded random map / unmap / lookup /
 * unmap_range / release_empty / pool_drain sequences on a 3-level, 8-entry-per-table space of
 * 512 pages, against an array page -> frame. After every step every page is looked up in
 * the manager, the model and the fake backend, and the table counts of all three must agree.
 * Runs with ample tables, with a starved record pool, and with failing callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <algorithms/ptmgr.h>

#include "fake_ptables.h"
#include "test_util.h"

#define LEAF_BITS 12u
#define PAGES     512u

static const ptmgr_config_t cfg3 = {.levels = 3, .bits_per_level = 3, .leaf_bits = LEAF_BITS};

typedef struct model_config {
    const char *name;
    uint32_t max_tables; /* 1 + 8 + 64 = 73 covers the whole space */
    unsigned fail_percent;
} model_config_t;

typedef struct model {
    const model_config_t *cfg;
    test_rng_t rng;
    fake_ptables_t fake;
    ptmgr_t pm;
    void *storage;
    uint64_t frame[PAGES]; /* 0 = unmapped */
    uint64_t mapped;
    uint64_t step;
    uint64_t outcomes[ALG_ERROR_COUNT];
} model_t;

static void check_everything(model_t *m)
{
    if (ptmgr_check(&m->pm) != ALG_OK) {
        fail_msg("step %llu: ptmgr_check failed", (unsigned long long)m->step);
    }
    if (m->fake.violations != 0) {
        fail_msg("step %llu: %s", (unsigned long long)m->step, m->fake.last_violation);
    }
    for (uint64_t p = 0; p < PAGES; p++) {
        uint64_t va = p << LEAF_BITS;
        uint64_t got = 0;
        uint64_t in_fake = 0;
        alg_error_t err = ptmgr_lookup(&m->pm, va + (p & 0xfff), &got);
        bool fake_has = fake_ptables_lookup(&m->fake, va, &in_fake);
        if (m->frame[p] == 0) {
            assert_int_equal(err, ALG_ERR_NOT_MAPPED);
            assert_false(fake_has);
        } else {
            assert_int_equal(err, ALG_OK);
            assert_int_equal(got, m->frame[p]);
            assert_true(fake_has);
            assert_int_equal(in_fake, m->frame[p]);
        }
    }
    assert_int_equal(ptmgr_mapped_pages(&m->pm), m->mapped);
    size_t objects = 0;
    for (unsigned l = 1; l < cfg3.levels; l++) {
        assert_int_equal(ptmgr_live_tables(&m->pm, l), fake_ptables_installed(&m->fake, l));
        objects += ptmgr_live_tables(&m->pm, l) + ptmgr_pooled_tables(&m->pm, l);
    }
    assert_int_equal(objects, fake_ptables_objects(&m->fake));
}

/* After a partial failure the fake (an independent record of the real tables) says which
 * pages went; the manager must agree, which check_everything then verifies. */
static void model_resync(model_t *m)
{
    m->mapped = 0;
    for (uint64_t p = 0; p < PAGES; p++) {
        uint64_t f = 0;
        m->frame[p] = fake_ptables_lookup(&m->fake, p << LEAF_BITS, &f) ? f : 0;
        m->mapped += m->frame[p] != 0;
    }
}

static void step_map(model_t *m)
{
    uint64_t p = test_rng_below(&m->rng, PAGES + 8); /* some beyond the space */
    uint64_t va = p << LEAF_BITS;
    if (test_rng_percent(&m->rng, 3)) {
        va += 0x10; /* misaligned */
    }
    uint64_t frame = 1 + test_rng_below(&m->rng, 1u << 20);
    alg_error_t got = ptmgr_map(&m->pm, va, frame);
    m->outcomes[got]++;
    alg_error_t want = (va & 0xfff) != 0 ? ALG_ERR_MISALIGNED
                       : p >= PAGES      ? ALG_ERR_OUT_OF_RANGE
                       : m->frame[p]     ? ALG_ERR_ALREADY_MAPPED
                                         : ALG_OK;
    if (want == ALG_OK && (got == ALG_ERR_OUT_OF_TABLES || got == ALG_ERR_CAP_OP_FAILED)) {
        assert_true(got == ALG_ERR_OUT_OF_TABLES ? m->cfg->max_tables < 73
                                                 : m->cfg->fail_percent > 0);
        return;
    }
    assert_int_equal(got, want);
    if (got == ALG_OK) {
        m->frame[p] = frame;
        m->mapped++;
    }
}

static void step_unmap(model_t *m)
{
    uint64_t p = test_rng_below(&m->rng, PAGES);
    if (m->mapped > 0 && test_rng_percent(&m->rng, 80)) {
        while (m->frame[p] == 0) {
            p = (p + 1) % PAGES;
        }
    }
    uint64_t frame = 0;
    alg_error_t got = ptmgr_unmap(&m->pm, p << LEAF_BITS, &frame);
    m->outcomes[got]++;
    if (got == ALG_ERR_CAP_OP_FAILED) {
        assert_true(m->cfg->fail_percent > 0);
        return;
    }
    assert_int_equal(got, m->frame[p] ? ALG_OK : ALG_ERR_NOT_MAPPED);
    if (got == ALG_OK) {
        assert_int_equal(frame, m->frame[p]);
        m->frame[p] = 0;
        m->mapped--;
    }
}

static void step_range(model_t *m, bool unmap)
{
    uint64_t first = test_rng_below(&m->rng, PAGES);
    uint64_t count = test_rng_below(&m->rng, PAGES - first + 1);
    unsigned flags = test_rng_percent(&m->rng, 50) ? PTMGR_RELEASE_TABLES : 0;
    uint64_t n = 0;
    alg_error_t got =
            unmap ? ptmgr_unmap_range(&m->pm, first << LEAF_BITS, count << LEAF_BITS, flags, &n)
                  : ptmgr_release_empty(&m->pm, first << LEAF_BITS, count << LEAF_BITS);
    m->outcomes[got]++;
    uint64_t want_n = 0;
    for (uint64_t p = first; unmap && p < first + count; p++) {
        want_n += m->frame[p] != 0;
    }
    if (got == ALG_ERR_CAP_OP_FAILED) {
        assert_true(m->cfg->fail_percent > 0);
        uint64_t before = m->mapped;
        model_resync(m);
        assert_int_equal(before - m->mapped, n);
        return;
    }
    assert_int_equal(got, ALG_OK);
    assert_int_equal(n, want_n);
    for (uint64_t p = first; unmap && p < first + count; p++) {
        m->mapped -= m->frame[p] != 0;
        m->frame[p] = 0;
    }
    if ((flags != 0 || !unmap) && count > 0) {
        uint64_t last = ((first + count) << LEAF_BITS) - 1;
        assert_int_equal(fake_ptables_empty_tables(&m->fake, first << LEAF_BITS, last), 0);
    }
}

static void run_model(const model_config_t *cfg)
{
    model_t *m = calloc(1, sizeof *m);
    assert_non_null(m);
    m->cfg = cfg;
    uint64_t seed = test_seed(cfg->name);
    test_rng_init(&m->rng, seed);
    fake_ptables_init(&m->fake, &cfg3, seed + 1);
    size_t bytes = ptmgr_storage_bytes(&cfg3, cfg->max_tables);
    m->storage = malloc(bytes);
    assert_int_equal(ptmgr_init(&m->pm, &cfg3, &fake_ptables_ops, &m->fake, FAKE_PT_ROOT,
                                cfg->max_tables, m->storage, bytes),
                     ALG_OK);
    for (unsigned op = 0; op < FAKE_PT_OP_COUNT; op++) {
        m->fake.fail_percent[op] = cfg->fail_percent;
    }
    uint64_t ops = test_model_ops();
    for (m->step = 0; m->step < ops; m->step++) {
        bool filling = (m->step / 1500) % 2 == 0;
        unsigned roll = (unsigned)test_rng_below(&m->rng, 100);
        if (roll < (filling ? 60u : 25u)) {
            step_map(m);
        } else if (roll < 85) {
            step_unmap(m);
        } else if (roll < 92) {
            step_range(m, true);
        } else if (roll < 99) {
            step_range(m, false);
        } else {
            ptmgr_pool_drain(&m->pm);
        }
        check_everything(m);
    }
    static const alg_error_t kinds[] = {ALG_OK,
                                        ALG_ERR_ALREADY_MAPPED,
                                        ALG_ERR_NOT_MAPPED,
                                        ALG_ERR_MISALIGNED,
                                        ALG_ERR_OUT_OF_RANGE,
                                        ALG_ERR_OUT_OF_TABLES,
                                        ALG_ERR_CAP_OP_FAILED};
    test_model_outcomes_print(cfg->name, ops, m->outcomes, kinds, sizeof kinds / sizeof kinds[0]);
    for (unsigned op = 0; op < FAKE_PT_OP_COUNT; op++) {
        m->fake.fail_percent[op] = 0;
    }
    uint64_t n = 0;
    assert_int_equal(
            ptmgr_unmap_range(&m->pm, 0, (uint64_t)PAGES << LEAF_BITS, PTMGR_RELEASE_TABLES, &n),
            ALG_OK);
    assert_int_equal(n, m->mapped);
    memset(m->frame, 0, sizeof m->frame);
    m->mapped = 0;
    check_everything(m);
    for (unsigned l = 1; l < cfg3.levels; l++) {
        assert_int_equal(ptmgr_live_tables(&m->pm, l), 0);
    }
    fake_ptables_destroy(&m->fake);
    free(m->storage);
    free(m);
}

static void test_model_ample(void **state)
{
    (void)state;
    static const model_config_t cfg = {"ptmgr model", 73, 0};
    run_model(&cfg);
}

static void test_model_starved(void **state)
{
    (void)state;
    static const model_config_t cfg = {"ptmgr model, 20 table records", 20, 0};
    run_model(&cfg);
}

static void test_model_failing_callbacks(void **state)
{
    (void)state;
    static const model_config_t cfg = {"ptmgr model, 3% callback failures", 73, 3};
    run_model(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_model_ample),
            cmocka_unit_test(test_model_starved),
            cmocka_unit_test(test_model_failing_callbacks),
    };
    return cmocka_run_group_tests_name("ptmgr model", tests, NULL, NULL);
}
