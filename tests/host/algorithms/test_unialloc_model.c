/* Model-based test of unialloc: long seeded random sequences of alloc, alloc_at, free (valid
 * and invalid) and user retypes, checked after every step against a model that only keeps the
 * list of live allocations. From that list the model derives what a buddy allocator with
 * complete coalescing must look like (every region that holds no allocation is one free
 * block) and predicts each result, including best-fit placement. Runs also with failing
 * capability operations and with a starved node pool, where predictions are weaker but no
 * memory may be lost, overlap, or be handed out twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <algorithms/unialloc.h>

#include "fake_untyped.h"
#include "test_util.h"

#define MIN_BITS   12u
#define MAX_LIVE   512u
#define MAX_LEAVES 4096u

typedef struct region {
    unsigned kind;
    uint64_t paddr;
    unsigned bits;
    uint64_t cap;
} region_t;

typedef struct leaf {
    uint64_t paddr;
    unsigned bits;
    bool allocated;
} leaf_t;

static const region_t roots[] = {
        {UNIALLOC_NORMAL, 0x0, 20, 0},        {UNIALLOC_NORMAL, 0x200000, 18, 0},
        {UNIALLOC_NORMAL, 0x300000, 16, 0},   {UNIALLOC_NORMAL, 0x340000, 14, 0},
        {UNIALLOC_DEVICE, 0xfe000000, 16, 0}, {UNIALLOC_DEVICE, 0xfe100000, 14, 0},
};
#define ROOT_COUNT (sizeof roots / sizeof roots[0])

typedef struct model_config {
    const char *name;
    unsigned fail_percent; /* for every capability operation */
    size_t nodes;
    bool exact; /* predictions are exact (no failures that can leave halves unmerged) */
} model_config_t;

typedef struct model {
    const model_config_t *cfg;
    test_rng_t rng;
    fake_untyped_t fake;
    unialloc_t ua;
    unialloc_node_t *nodes;
    region_t live[MAX_LIVE];
    size_t live_count;
    leaf_t expect[MAX_LEAVES];
    region_t sorted[MAX_LIVE]; /* scratch for expected_leaves */
    size_t expect_count;
    uint64_t step;
    uint64_t outcomes[ALG_ERROR_COUNT];
} model_t;

static int region_compare(const void *a, const void *b)
{
    const region_t *x = a;
    const region_t *y = b;
    return x->paddr < y->paddr ? -1 : (x->paddr > y->paddr ? 1 : 0);
}

static uint64_t size_of(unsigned bits)
{
    return (uint64_t)1 << bits;
}

static bool overlaps(uint64_t a, unsigned abits, uint64_t b, unsigned bbits)
{
    return a < b + size_of(bbits) && b < a + size_of(abits);
}

/* Canonical buddy decomposition of [paddr, 2^bits) given the allocations inside it, sorted. */
static void decompose(model_t *m, uint64_t paddr, unsigned bits, const region_t *allocs, size_t n)
{
    if (n == 0 || (n == 1 && allocs[0].paddr == paddr && allocs[0].bits == bits)) {
        assert_true(m->expect_count < MAX_LEAVES);
        m->expect[m->expect_count++] = (leaf_t){paddr, bits, n == 1};
        return;
    }
    uint64_t mid = paddr + size_of(bits - 1);
    size_t split = 0;
    while (split < n && allocs[split].paddr < mid) {
        split++;
    }
    decompose(m, paddr, bits - 1, allocs, split);
    decompose(m, mid, bits - 1, allocs + split, n - split);
}

/* Expected leaves of one kind, in address order. */
static void expected_leaves(model_t *m, unsigned kind)
{
    region_t *sorted = m->sorted;
    size_t n = 0;
    for (size_t i = 0; i < m->live_count; i++) {
        if (m->live[i].kind == kind) {
            sorted[n++] = m->live[i];
        }
    }
    qsort(sorted, n, sizeof sorted[0], region_compare);
    m->expect_count = 0;
    size_t at = 0;
    for (size_t r = 0; r < ROOT_COUNT; r++) { /* roots are listed in address order */
        if (roots[r].kind != kind) {
            continue;
        }
        size_t first = at;
        while (at < n && sorted[at].paddr < roots[r].paddr + size_of(roots[r].bits)) {
            at++;
        }
        decompose(m, roots[r].paddr, roots[r].bits, sorted + first, at - first);
    }
}

static void check_everything(model_t *m)
{
    if (unialloc_check(&m->ua) != ALG_OK) {
        fail_msg("step %llu: unialloc_check failed", (unsigned long long)m->step);
    }
    if (m->fake.violations != 0) {
        fail_msg("step %llu: %s", (unsigned long long)m->step, m->fake.last_violation);
    }
    for (unsigned k = 0; k < UNIALLOC_KIND_COUNT; k++) {
        uint64_t allocated = 0;
        for (size_t i = 0; i < m->live_count; i++) {
            allocated += m->live[i].kind == k ? size_of(m->live[i].bits) : 0;
        }
        assert_int_equal(unialloc_free_bytes(&m->ua, k) + allocated,
                         unialloc_total_bytes(&m->ua, k));
        if (!m->cfg->exact) {
            continue;
        }
        expected_leaves(m, k);
        size_t i = 0;
        for (const avl_node_t *a = avl_first(&m->ua.leaves[k]); a != NULL; a = avl_next(a), i++) {
            const unialloc_node_t *n = AVL_ENTRY(a, unialloc_node_t, by_addr);
            if (i >= m->expect_count || n->paddr != m->expect[i].paddr ||
                n->size_bits != m->expect[i].bits ||
                (n->state == UNIALLOC_ALLOCATED) != m->expect[i].allocated) {
                fail_msg("step %llu: leaf %zu of kind %u is %#llx/%u, model wants %#llx/%u",
                         (unsigned long long)m->step, i, k, (unsigned long long)n->paddr,
                         n->size_bits, (unsigned long long)m->expect[i].paddr, m->expect[i].bits);
            }
        }
        assert_int_equal(i, m->expect_count);
    }
}

/* A new allocation must be fresh memory of the right kind that overlaps nothing live. */
static void accept_allocation(model_t *m, const unialloc_untyped_t *ut, unsigned kind)
{
    assert_int_equal(ut->kind, kind);
    assert_int_equal(ut->paddr & (size_of(ut->size_bits) - 1), 0);
    assert_true(fake_untyped_is_fresh(&m->fake, ut->cap, ut->paddr, ut->size_bits,
                                      kind == UNIALLOC_DEVICE));
    bool inside = false;
    for (size_t r = 0; r < ROOT_COUNT; r++) {
        inside |= roots[r].kind == kind && ut->paddr >= roots[r].paddr &&
                  ut->paddr + size_of(ut->size_bits) <= roots[r].paddr + size_of(roots[r].bits);
    }
    assert_true(inside);
    for (size_t i = 0; i < m->live_count; i++) {
        if (m->live[i].kind == kind &&
            overlaps(m->live[i].paddr, m->live[i].bits, ut->paddr, ut->size_bits)) {
            fail_msg("step %llu: %#llx/%u overlaps live %#llx/%u", (unsigned long long)m->step,
                     (unsigned long long)ut->paddr, ut->size_bits,
                     (unsigned long long)m->live[i].paddr, m->live[i].bits);
        }
    }
    assert_true(m->live_count < MAX_LIVE);
    m->live[m->live_count++] = (region_t){kind, ut->paddr, ut->size_bits, ut->cap};
}

/* Best fit predicted from the canonical decomposition: smallest free normal block >= bits,
 * lowest address; the allocator keeps lower halves, so the result starts there. */
static alg_error_t predict_alloc(model_t *m, unsigned bits, uint64_t *paddr)
{
    expected_leaves(m, UNIALLOC_NORMAL);
    const leaf_t *best = NULL;
    for (size_t i = 0; i < m->expect_count; i++) {
        const leaf_t *l = &m->expect[i];
        if (!l->allocated && l->bits >= bits && (best == NULL || l->bits < best->bits)) {
            best = l;
        }
    }
    if (best == NULL) {
        return ALG_ERR_EXHAUSTED;
    }
    *paddr = best->paddr;
    return ALG_OK;
}

static alg_error_t predict_alloc_at(model_t *m, unsigned kind, uint64_t paddr, unsigned bits)
{
    if ((paddr & (size_of(bits) - 1)) != 0) {
        return ALG_ERR_MISALIGNED;
    }
    expected_leaves(m, kind);
    for (size_t i = 0; i < m->expect_count; i++) {
        const leaf_t *l = &m->expect[i];
        if (paddr < l->paddr || paddr >= l->paddr + size_of(l->bits)) {
            continue;
        }
        if (l->bits >= bits) {
            return l->allocated ? ALG_ERR_BUSY : ALG_OK;
        }
        for (size_t r = 0; r < ROOT_COUNT; r++) {
            if (roots[r].kind == kind && paddr >= roots[r].paddr &&
                paddr < roots[r].paddr + size_of(roots[r].bits)) {
                return roots[r].bits >= bits ? ALG_ERR_BUSY : ALG_ERR_NOT_FOUND;
            }
        }
    }
    return ALG_ERR_NOT_FOUND;
}

/* Largest free leaf the allocator itself has (for judging EXHAUSTED when merges failed). */
static unsigned largest_free_normal_leaf(const model_t *m)
{
    unsigned best = 0;
    const avl_tree_t *t = &m->ua.leaves[UNIALLOC_NORMAL];
    for (const avl_node_t *a = avl_first(t); a != NULL; a = avl_next(a)) {
        const unialloc_node_t *n = AVL_ENTRY(a, unialloc_node_t, by_addr);
        if (n->state == UNIALLOC_FREE && n->size_bits > best) {
            best = n->size_bits;
        }
    }
    return best;
}

static void step_alloc(model_t *m)
{
    unsigned bits = MIN_BITS + (unsigned)test_rng_below(&m->rng, 10); /* up to 21: too big */
    uint64_t want_paddr = 0;
    alg_error_t want = predict_alloc(m, bits, &want_paddr);
    uint64_t free_before = unialloc_free_bytes(&m->ua, UNIALLOC_NORMAL);
    unialloc_untyped_t ut;
    alg_error_t got = unialloc_alloc(&m->ua, bits, &ut);
    m->outcomes[got]++;
    if (got == ALG_OK) {
        assert_int_equal(ut.size_bits, bits);
        if (m->cfg->exact) {
            assert_int_equal(want, ALG_OK);
            assert_int_equal(ut.paddr, want_paddr);
        }
        accept_allocation(m, &ut, UNIALLOC_NORMAL);
        return;
    }
    assert_int_equal(unialloc_free_bytes(&m->ua, UNIALLOC_NORMAL), free_before);
    if (got == ALG_ERR_EXHAUSTED) {
        if (m->cfg->exact) {
            assert_int_equal(want, ALG_ERR_EXHAUSTED);
        }
        assert_true(largest_free_normal_leaf(m) < bits);
        return;
    }
    /* Resource failures are only acceptable where the configuration provokes them. */
    assert_true(want == ALG_OK);
    if (got == ALG_ERR_CAP_OP_FAILED) {
        assert_true(m->cfg->fail_percent > 0);
    } else {
        assert_int_equal(got, ALG_ERR_OUT_OF_NODES);
    }
}

static void step_alloc_at(model_t *m)
{
    const region_t *root = &roots[test_rng_below(&m->rng, ROOT_COUNT)];
    unsigned kind = test_rng_percent(&m->rng, 10) ? root->kind ^ 1u : root->kind;
    unsigned bits = MIN_BITS + (unsigned)test_rng_below(&m->rng, root->bits - MIN_BITS + 2);
    uint64_t span = bits <= root->bits ? size_of(root->bits - bits) : 1;
    uint64_t paddr = root->paddr + (test_rng_below(&m->rng, span) << bits);
    if (test_rng_percent(&m->rng, 5)) {
        paddr += 0x800; /* misaligned */
    } else if (test_rng_percent(&m->rng, 5)) {
        paddr += 0x10000000; /* outside every root */
    }
    alg_error_t want = predict_alloc_at(m, kind, paddr, bits);
    uint64_t free_before = unialloc_free_bytes(&m->ua, kind);
    unialloc_untyped_t ut;
    alg_error_t got = unialloc_alloc_at(&m->ua, kind, paddr, bits, &ut);
    m->outcomes[got]++;
    if (got == ALG_OK) {
        assert_int_equal(ut.paddr, paddr);
        assert_int_equal(ut.size_bits, bits);
        accept_allocation(m, &ut, kind);
        if (m->cfg->exact) {
            assert_int_equal(want, ALG_OK);
        }
        return;
    }
    assert_int_equal(unialloc_free_bytes(&m->ua, kind), free_before);
    if (got == ALG_ERR_CAP_OP_FAILED || got == ALG_ERR_OUT_OF_NODES) {
        assert_int_equal(want, ALG_OK);
        assert_true(got == ALG_ERR_OUT_OF_NODES || m->cfg->fail_percent > 0);
        return;
    }
    if (m->cfg->exact || got == ALG_ERR_MISALIGNED || got == ALG_ERR_NOT_FOUND) {
        assert_int_equal(got, want);
    } else {
        assert_int_equal(got, ALG_ERR_BUSY); /* unmerged halves can make a free range busy */
    }
}

static void step_free(model_t *m)
{
    if (m->live_count == 0) {
        return;
    }
    size_t i = test_rng_below(&m->rng, m->live_count);
    region_t r = m->live[i];
    alg_error_t got = unialloc_free(&m->ua, r.kind, r.paddr, r.bits);
    m->outcomes[got]++;
    if (got == ALG_ERR_CAP_OP_FAILED) {
        assert_true(m->cfg->fail_percent > 0);
        return;
    }
    assert_int_equal(got, ALG_OK);
    assert_int_equal(fake_untyped_children(&m->fake, r.cap), 0);
    m->live[i] = m->live[--m->live_count];
}

static void step_bad_free(model_t *m)
{
    unsigned kind = (unsigned)test_rng_below(&m->rng, 3); /* 2 is no kind at all */
    unsigned bits = MIN_BITS + (unsigned)test_rng_below(&m->rng, 8);
    uint64_t paddr = test_rng_below(&m->rng, 0x400) << MIN_BITS;
    if (m->live_count > 0 && test_rng_percent(&m->rng, 50)) {
        const region_t *r = &m->live[test_rng_below(&m->rng, m->live_count)];
        kind = r->kind; /* a live allocation named with the wrong size */
        paddr = r->paddr;
        bits = r->bits + 1;
    }
    for (size_t i = 0; i < m->live_count; i++) {
        if (m->live[i].kind == kind && m->live[i].paddr == paddr && m->live[i].bits == bits) {
            return; /* happens to be valid: not this step's business */
        }
    }
    assert_int_equal(unialloc_free(&m->ua, kind, paddr, bits), ALG_ERR_NOT_ALLOCATED);
    m->outcomes[ALG_ERR_NOT_ALLOCATED]++;
}

static void step_user_retype(model_t *m)
{
    if (m->live_count > 0) {
        fake_untyped_user_retype(&m->fake, m->live[test_rng_below(&m->rng, m->live_count)].cap);
    }
}

static void run_model(const model_config_t *cfg)
{
    model_t *m = calloc(1, sizeof *m);
    assert_non_null(m);
    m->cfg = cfg;
    uint64_t seed = test_seed(cfg->name);
    test_rng_init(&m->rng, seed);
    fake_untyped_init(&m->fake, 16384, seed + 1);
    m->nodes = calloc(cfg->nodes, sizeof *m->nodes);
    assert_int_equal(
            unialloc_init(&m->ua, &fake_untyped_ops, &m->fake, m->nodes, cfg->nodes, MIN_BITS),
            ALG_OK);
    for (size_t r = 0; r < ROOT_COUNT; r++) {
        uint64_t cap = fake_untyped_add_root(&m->fake, roots[r].paddr, roots[r].bits,
                                             roots[r].kind == UNIALLOC_DEVICE);
        assert_int_equal(unialloc_add(&m->ua, roots[r].kind, cap, roots[r].paddr, roots[r].bits),
                         ALG_OK);
    }
    for (unsigned op = 0; op < FAKE_UT_OP_COUNT; op++) {
        m->fake.fail_percent[op] = cfg->fail_percent;
    }
    uint64_t ops = test_model_ops();
    for (m->step = 0; m->step < ops; m->step++) {
        /* Phases that favour allocation or freeing, so the pools fill up and drain. */
        bool filling = (m->step / 2000) % 2 == 0;
        unsigned roll = (unsigned)test_rng_below(&m->rng, 100);
        if (roll < (filling ? 45u : 20u)) {
            step_alloc(m);
        } else if (roll < 60) {
            step_alloc_at(m);
        } else if (roll < 90) {
            step_free(m);
        } else if (roll < 96) {
            step_bad_free(m);
        } else {
            step_user_retype(m);
        }
        check_everything(m);
    }
    static const alg_error_t kinds[] = {ALG_OK,
                                        ALG_ERR_EXHAUSTED,
                                        ALG_ERR_BUSY,
                                        ALG_ERR_NOT_FOUND,
                                        ALG_ERR_MISALIGNED,
                                        ALG_ERR_NOT_ALLOCATED,
                                        ALG_ERR_CAP_OP_FAILED,
                                        ALG_ERR_OUT_OF_NODES};
    test_model_outcomes_print(cfg->name, ops, m->outcomes, kinds, sizeof kinds / sizeof kinds[0]);
    printf("[ model    ] %s: %llu merge failures\n", cfg->name,
           (unsigned long long)m->ua.merge_failures);
    /* Everything returned: all memory is free again and no slot leaked. */
    while (m->live_count > 0) {
        for (unsigned op = 0; op < FAKE_UT_OP_COUNT; op++) {
            m->fake.fail_percent[op] = 0;
        }
        step_free(m);
    }
    for (unsigned k = 0; k < UNIALLOC_KIND_COUNT; k++) {
        assert_int_equal(unialloc_free_bytes(&m->ua, k), unialloc_total_bytes(&m->ua, k));
    }
    check_everything(m);
    if (cfg->exact) {
        assert_int_equal(fake_untyped_reserved(&m->fake), ROOT_COUNT);
    }
    fake_untyped_destroy(&m->fake);
    free(m->nodes);
    free(m);
}

static void test_model_exact(void **state)
{
    (void)state;
    static const model_config_t cfg = {"unialloc model", 0, 8192, true};
    run_model(&cfg);
}

static void test_model_starved_nodes(void **state)
{
    (void)state;
    static const model_config_t cfg = {"unialloc model, 48 nodes", 0, 48, true};
    run_model(&cfg);
}

static void test_model_failing_capability_ops(void **state)
{
    (void)state;
    static const model_config_t cfg = {"unialloc model, 3% cap-op failures", 3, 8192, false};
    run_model(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_model_exact),
            cmocka_unit_test(test_model_starved_nodes),
            cmocka_unit_test(test_model_failing_capability_ops),
    };
    return cmocka_run_group_tests_name("unialloc model", tests, NULL, NULL);
}
