/* Unit tests of unialloc against the fake untyped kernel: best fit, exact-address allocation,
 * coalescing by revoking the parent, and every error path including failing callbacks.
 * Each test ends by checking the allocator's invariants and the fake's violation count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <algorithms/unialloc.h>

#include "fake_untyped.h"

#define NODES 256

typedef struct fixture {
    fake_untyped_t fake;
    unialloc_t ua;
    unialloc_node_t nodes[NODES];
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = test_calloc(1, sizeof *f);
    fake_untyped_init(&f->fake, 4096, 1);
    assert_int_equal(unialloc_init(&f->ua, &fake_untyped_ops, &f->fake, f->nodes, NODES,
                                   UNIALLOC_SEL4_MIN_UNTYPED),
                     ALG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    fake_untyped_destroy(&f->fake);
    test_free(f);
    return 0;
}

static void assert_consistent(fixture_t *f)
{
    assert_int_equal(unialloc_check(&f->ua), ALG_OK);
    if (f->fake.violations != 0) {
        fail_msg("fake kernel violation: %s", f->fake.last_violation);
    }
}

static void add_root(fixture_t *f, unialloc_kind_t kind, uint64_t paddr, unsigned bits)
{
    uint64_t cap = fake_untyped_add_root(&f->fake, paddr, bits, kind == UNIALLOC_DEVICE);
    assert_int_equal(unialloc_add(&f->ua, kind, cap, paddr, bits), ALG_OK);
}

static size_t leaf_count(const unialloc_t *ua, unialloc_kind_t kind)
{
    return ua->leaves[kind].count;
}

static void test_init_rejects_bad_arguments(void **state)
{
    (void)state;
    unialloc_t ua;
    unialloc_node_t nodes[4];
    unialloc_ops_t partial = fake_untyped_ops;
    partial.revoke = NULL;
    assert_int_equal(unialloc_init(&ua, NULL, NULL, nodes, 4, 4), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_init(&ua, &partial, NULL, nodes, 4, 4), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_init(&ua, &fake_untyped_ops, NULL, NULL, 4, 4),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_init(&ua, &fake_untyped_ops, NULL, nodes, 0, 4),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_init(&ua, &fake_untyped_ops, NULL, nodes, 4, 0),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(
            unialloc_init(&ua, &fake_untyped_ops, NULL, nodes, 4, UNIALLOC_MAX_SIZE_BITS + 1),
            ALG_ERR_INVALID_ARGUMENT);
}

static void test_add_validates_regions(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0x100000, 20);
    assert_int_equal(unialloc_add(&f->ua, UNIALLOC_NORMAL, 99, 0x1000, 3),
                     ALG_ERR_INVALID_ARGUMENT); /* below min_size_bits */
    assert_int_equal(unialloc_add(&f->ua, UNIALLOC_NORMAL, 99, 0x1000, 53),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_add(&f->ua, 7, 99, 0x1000, 12), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_add(&f->ua, UNIALLOC_NORMAL, 99, 0x1800, 12), ALG_ERR_MISALIGNED);
    /* Overlaps: inside, covering, and against the other kind. */
    assert_int_equal(unialloc_add(&f->ua, UNIALLOC_NORMAL, 99, 0x180000, 12), ALG_ERR_OVERLAP);
    assert_int_equal(unialloc_add(&f->ua, UNIALLOC_NORMAL, 99, 0, 21), ALG_ERR_OVERLAP);
    assert_int_equal(unialloc_add(&f->ua, UNIALLOC_DEVICE, 99, 0x1ff000, 12), ALG_ERR_OVERLAP);
    /* Adjacent regions do not overlap. */
    add_root(f, UNIALLOC_NORMAL, 0x200000, 21);
    add_root(f, UNIALLOC_DEVICE, 0xff000, 12);
    /* A region that would end past 2^64. */
    assert_int_equal(unialloc_add(&f->ua, UNIALLOC_NORMAL, 99, 0xfff0000000000000ull, 52),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_total_bytes(&f->ua, UNIALLOC_NORMAL), 0x100000 + 0x200000);
    assert_int_equal(unialloc_total_bytes(&f->ua, UNIALLOC_DEVICE), 0x1000);
    assert_consistent(f);
}

static void test_add_out_of_nodes(void **state)
{
    (void)state;
    fake_untyped_t fake;
    fake_untyped_init(&fake, 16, 1);
    unialloc_t ua;
    unialloc_node_t nodes[1];
    assert_int_equal(unialloc_init(&ua, &fake_untyped_ops, &fake, nodes, 1, 4), ALG_OK);
    assert_int_equal(unialloc_add(&ua, UNIALLOC_NORMAL, 1, 0x1000, 12), ALG_OK);
    assert_int_equal(unialloc_add(&ua, UNIALLOC_NORMAL, 2, 0x2000, 12), ALG_ERR_OUT_OF_NODES);
    assert_int_equal(unialloc_check(&ua), ALG_OK);
    fake_untyped_destroy(&fake);
}

static void test_alloc_best_fit(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0x100000, 20);
    add_root(f, UNIALLOC_NORMAL, 0x10000, 16);
    add_root(f, UNIALLOC_NORMAL, 0x1000, 12);
    unialloc_untyped_t ut;

    /* Exact fit: the 4 KiB root, no split. */
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_OK);
    assert_int_equal(ut.paddr, 0x1000);
    assert_int_equal(ut.size_bits, 12);
    assert_int_equal(f->fake.calls[FAKE_UT_SPLIT], 0);
    assert_true(fake_untyped_is_fresh(&f->fake, ut.cap, 0x1000, 12, false));

    /* 8 KiB: the smallest root that fits is the 64 KiB one, split three times. */
    assert_int_equal(unialloc_alloc(&f->ua, 13, &ut), ALG_OK);
    assert_int_equal(ut.paddr, 0x10000);
    assert_int_equal(f->fake.calls[FAKE_UT_SPLIT], 3);
    assert_true(fake_untyped_is_fresh(&f->fake, ut.cap, 0x10000, 13, false));

    /* Next 8 KiB: the buddy left over, no split. */
    assert_int_equal(unialloc_alloc(&f->ua, 13, &ut), ALG_OK);
    assert_int_equal(ut.paddr, 0x12000);
    assert_int_equal(f->fake.calls[FAKE_UT_SPLIT], 3);

    /* 16 KiB then 32 KiB: the remaining halves of the 64 KiB root, before touching 1 MiB. */
    assert_int_equal(unialloc_alloc(&f->ua, 14, &ut), ALG_OK);
    assert_int_equal(ut.paddr, 0x14000);
    assert_int_equal(unialloc_alloc(&f->ua, 15, &ut), ALG_OK);
    assert_int_equal(ut.paddr, 0x18000);
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_OK);
    assert_int_equal(ut.paddr, 0x100000);
    assert_int_equal(unialloc_free_bytes(&f->ua, UNIALLOC_NORMAL), 0x100000 - 0x1000);
    assert_consistent(f);
}

static void test_alloc_exhausted_and_invalid(void **state)
{
    fixture_t *f = *state;
    unialloc_untyped_t ut;
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_ERR_EXHAUSTED);
    add_root(f, UNIALLOC_NORMAL, 0x100000, 20);
    add_root(f, UNIALLOC_DEVICE, 0x10000000, 24);
    assert_int_equal(unialloc_alloc(&f->ua, 21, &ut), ALG_ERR_EXHAUSTED);
    assert_int_equal(unialloc_alloc(&f->ua, 3, &ut), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_alloc(&f->ua, 53, &ut), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_alloc(&f->ua, 12, NULL), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_alloc(&f->ua, 20, &ut), ALG_OK);
    /* Device memory is never handed out by size. */
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_ERR_EXHAUSTED);
    assert_consistent(f);
}

static void test_free_coalesces_back_to_roots(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0, 20);
    uint32_t reserved_before = fake_untyped_reserved(&f->fake);
    unialloc_untyped_t ut[16];
    for (int i = 0; i < 16; i++) {
        assert_int_equal(unialloc_alloc(&f->ua, 16, &ut[i]), ALG_OK);
        assert_int_equal(ut[i].paddr, (uint64_t)i << 16);
    }
    assert_int_equal(unialloc_free_bytes(&f->ua, UNIALLOC_NORMAL), 0);
    assert_int_equal(leaf_count(&f->ua, UNIALLOC_NORMAL), 16);
    /* Free in an interleaved order; merges happen as soon as both buddies are free. */
    static const int order[16] = {3, 9, 0, 15, 6, 12, 1, 8, 2, 14, 5, 11, 4, 10, 7, 13};
    for (int i = 0; i < 16; i++) {
        int k = order[i];
        assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, ut[k].paddr, 16), ALG_OK);
        assert_consistent(f);
    }
    assert_int_equal(leaf_count(&f->ua, UNIALLOC_NORMAL), 1);
    assert_int_equal(unialloc_free_bytes(&f->ua, UNIALLOC_NORMAL), 1u << 20);
    assert_int_equal(fake_untyped_reserved(&f->fake), reserved_before);
    /* The whole root can be allocated again, unsplit. */
    unialloc_untyped_t whole;
    assert_int_equal(unialloc_alloc(&f->ua, 20, &whole), ALG_OK);
    assert_int_equal(whole.paddr, 0);
    assert_true(fake_untyped_is_fresh(&f->fake, whole.cap, 0, 20, false));
    assert_consistent(f);
}

static void test_free_errors(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0, 20);
    add_root(f, UNIALLOC_DEVICE, 0x10000000, 16);
    unialloc_untyped_t ut;
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_OK);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, ut.paddr, 13), ALG_ERR_NOT_ALLOCATED);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_DEVICE, ut.paddr, 12), ALG_ERR_NOT_ALLOCATED);
    assert_int_equal(unialloc_free(&f->ua, 5, ut.paddr, 12), ALG_ERR_NOT_ALLOCATED);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, 0x1000, 12), ALG_ERR_NOT_ALLOCATED);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_DEVICE, 0x10000000, 16), ALG_ERR_NOT_ALLOCATED);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, 0x5000, 12), ALG_ERR_NOT_ALLOCATED);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, ut.paddr, 12), ALG_OK);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, ut.paddr, 12), ALG_ERR_NOT_ALLOCATED);
    assert_int_equal(unialloc_free_bytes(&f->ua, UNIALLOC_NORMAL), 1u << 20);
    assert_consistent(f);
}

static void test_free_revokes_user_objects(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0, 16);
    unialloc_untyped_t ut;
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_OK);
    fake_untyped_user_retype(&f->fake, ut.cap);
    fake_untyped_user_retype(&f->fake, ut.cap);
    assert_int_equal(fake_untyped_children(&f->fake, ut.cap), 2);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, ut.paddr, 12), ALG_OK);
    /* The region came back whole, and whatever was made from it is gone. */
    assert_int_equal(leaf_count(&f->ua, UNIALLOC_NORMAL), 1);
    unialloc_untyped_t again;
    assert_int_equal(unialloc_alloc(&f->ua, 12, &again), ALG_OK);
    assert_true(fake_untyped_is_fresh(&f->fake, again.cap, 0, 12, false));
    assert_consistent(f);
}

static void test_alloc_at_normal_memory(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0, 20);
    add_root(f, UNIALLOC_NORMAL, 1u << 20, 20);
    unialloc_untyped_t ut;
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0x34000, 14, &ut), ALG_OK);
    assert_int_equal(ut.paddr, 0x34000);
    assert_int_equal(ut.size_bits, 14);
    assert_true(fake_untyped_is_fresh(&f->fake, ut.cap, 0x34000, 14, false));
    assert_int_equal(f->fake.calls[FAKE_UT_SPLIT], 6);
    /* The same region, a region containing it, one inside it: in use. */
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0x34000, 14, &ut), ALG_ERR_BUSY);
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0x30000, 16, &ut), ALG_ERR_BUSY);
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0x35000, 12, &ut), ALG_ERR_BUSY);
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0, 20, &ut), ALG_ERR_BUSY);
    /* Outside every root; spanning two roots; misaligned; wrong kind; bad size. */
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0x400000, 12, &ut),
                     ALG_ERR_NOT_FOUND);
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0, 21, &ut), ALG_ERR_NOT_FOUND);
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0x1800, 12, &ut),
                     ALG_ERR_MISALIGNED);
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_DEVICE, 0x1000, 12, &ut),
                     ALG_ERR_NOT_FOUND);
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0x1000, 2, &ut),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_KIND_COUNT, 0x1000, 12, &ut),
                     ALG_ERR_INVALID_ARGUMENT);
    /* A neighbour of the allocated region is still available, also by best fit. */
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0x38000, 14, &ut), ALG_OK);
    assert_int_equal(unialloc_alloc(&f->ua, 14, &ut), ALG_OK);
    assert_int_equal(ut.paddr, 0x30000);
    assert_consistent(f);
}

static void test_alloc_at_device_memory(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_DEVICE, 0xfec00000, 22);
    unialloc_untyped_t ut;
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_ERR_EXHAUSTED);
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_DEVICE, 0xfee00000, 12, &ut), ALG_OK);
    assert_int_equal(ut.kind, UNIALLOC_DEVICE);
    assert_true(fake_untyped_is_fresh(&f->fake, ut.cap, 0xfee00000, 12, true));
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0xfee00000, 12, &ut),
                     ALG_ERR_NOT_FOUND);
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_DEVICE, 0xfec00000, 12, &ut), ALG_OK);
    assert_int_equal(unialloc_free_bytes(&f->ua, UNIALLOC_DEVICE), (1u << 22) - 0x2000);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_DEVICE, 0xfee00000, 12), ALG_OK);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_DEVICE, 0xfec00000, 12), ALG_OK);
    assert_int_equal(leaf_count(&f->ua, UNIALLOC_DEVICE), 1);
    assert_consistent(f);
}

static void test_out_of_nodes_rolls_back(void **state)
{
    (void)state;
    fake_untyped_t fake;
    fake_untyped_init(&fake, 64, 1);
    unialloc_t ua;
    unialloc_node_t nodes[5]; /* the root and two splits */
    assert_int_equal(unialloc_init(&ua, &fake_untyped_ops, &fake, nodes, 5, 4), ALG_OK);
    uint64_t cap = fake_untyped_add_root(&fake, 0, 16, false);
    assert_int_equal(unialloc_add(&ua, UNIALLOC_NORMAL, cap, 0, 16), ALG_OK);
    uint32_t reserved = fake_untyped_reserved(&fake);
    unialloc_untyped_t ut;
    assert_int_equal(unialloc_alloc(&ua, 13, &ut), ALG_ERR_OUT_OF_NODES);
    /* The two splits that succeeded were merged back: one free root, no slot leaked. */
    assert_int_equal(ua.leaves[UNIALLOC_NORMAL].count, 1);
    assert_int_equal(unialloc_free_bytes(&ua, UNIALLOC_NORMAL), 1u << 16);
    assert_int_equal(fake_untyped_reserved(&fake), reserved);
    assert_int_equal(ua.spare_count, 4);
    assert_int_equal(unialloc_check(&ua), ALG_OK);
    assert_int_equal(unialloc_alloc(&ua, 14, &ut), ALG_OK);
    assert_int_equal(unialloc_alloc_at(&ua, UNIALLOC_NORMAL, 0xe000, 13, &ut),
                     ALG_ERR_OUT_OF_NODES);
    assert_int_equal(unialloc_check(&ua), ALG_OK);
    assert_int_equal(fake.violations, 0);
    fake_untyped_destroy(&fake);
}

static void test_slot_alloc_failures(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0, 16);
    uint32_t reserved = fake_untyped_reserved(&f->fake);
    unialloc_untyped_t ut;
    f->fake.fail_at[FAKE_UT_SLOT_ALLOC] = 1; /* first slot of the first split */
    assert_int_equal(unialloc_alloc(&f->ua, 15, &ut), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(fake_untyped_reserved(&f->fake), reserved);
    f->fake.fail_at[FAKE_UT_SLOT_ALLOC] = 2; /* second slot: the first must be returned */
    assert_int_equal(unialloc_alloc(&f->ua, 15, &ut), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(fake_untyped_reserved(&f->fake), reserved);
    assert_int_equal(leaf_count(&f->ua, UNIALLOC_NORMAL), 1);
    assert_int_equal(unialloc_alloc(&f->ua, 15, &ut), ALG_OK);
    assert_consistent(f);
}

static void test_split_failures_roll_back(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0, 16);
    uint32_t reserved = fake_untyped_reserved(&f->fake);
    unialloc_untyped_t ut;
    f->fake.fail_at[FAKE_UT_SPLIT] = 1;
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(fake_untyped_reserved(&f->fake), reserved);
    /* Fail the third split of four: the two done are merged back by revoking. */
    uint64_t revokes = f->fake.calls[FAKE_UT_REVOKE];
    f->fake.fail_at[FAKE_UT_SPLIT] = 3;
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(f->fake.calls[FAKE_UT_REVOKE] - revokes, 2);
    assert_int_equal(leaf_count(&f->ua, UNIALLOC_NORMAL), 1);
    assert_int_equal(fake_untyped_reserved(&f->fake), reserved);
    f->fake.fail_at[FAKE_UT_SPLIT] = 2;
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0x4000, 12, &ut),
                     ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(leaf_count(&f->ua, UNIALLOC_NORMAL), 1);
    assert_int_equal(unialloc_free_bytes(&f->ua, UNIALLOC_NORMAL), 1u << 16);
    assert_consistent(f);
}

static void test_revoke_failure_on_free_keeps_allocation(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0, 16);
    unialloc_untyped_t ut;
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_OK);
    f->fake.fail_at[FAKE_UT_REVOKE] = 1;
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, 0, 12), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(unialloc_free_bytes(&f->ua, UNIALLOC_NORMAL), (1u << 16) - 0x1000);
    assert_consistent(f);
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, 0, 12), ALG_OK);
    assert_int_equal(leaf_count(&f->ua, UNIALLOC_NORMAL), 1);
    assert_consistent(f);
}

static void test_revoke_failure_while_merging_leaves_halves(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0, 14);
    unialloc_untyped_t a;
    unialloc_untyped_t b;
    assert_int_equal(unialloc_alloc(&f->ua, 12, &a), ALG_OK);
    assert_int_equal(unialloc_alloc(&f->ua, 12, &b), ALG_OK);
    /* Freeing b: its own revoke succeeds, the merge's revoke of the parent fails. */
    f->fake.fail_at[FAKE_UT_REVOKE] = 2;
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, b.paddr, 12), ALG_OK);
    assert_int_equal(f->ua.merge_failures, 0); /* b's buddy a is still allocated */
    f->fake.fail_at[FAKE_UT_REVOKE] = 2;
    assert_int_equal(unialloc_free(&f->ua, UNIALLOC_NORMAL, a.paddr, 12), ALG_OK);
    assert_int_equal(f->ua.merge_failures, 1);
    assert_int_equal(leaf_count(&f->ua, UNIALLOC_NORMAL), 3);
    assert_int_equal(unialloc_free_bytes(&f->ua, UNIALLOC_NORMAL), 1u << 14);
    assert_consistent(f);
    /* Free but split: the block the halves would have made back is not handed out whole. */
    unialloc_untyped_t whole;
    assert_int_equal(unialloc_alloc_at(&f->ua, UNIALLOC_NORMAL, 0, 13, &whole), ALG_ERR_BUSY);
    /* The halves stay usable. */
    assert_int_equal(unialloc_alloc(&f->ua, 12, &a), ALG_OK);
    assert_int_equal(a.paddr, 0);
    assert_int_equal(unialloc_alloc(&f->ua, 14, &b), ALG_ERR_EXHAUSTED);
    assert_consistent(f);
}

static void test_check_detects_corruption(void **state)
{
    fixture_t *f = *state;
    add_root(f, UNIALLOC_NORMAL, 0, 16);
    unialloc_untyped_t ut;
    assert_int_equal(unialloc_alloc(&f->ua, 12, &ut), ALG_OK);
    assert_int_equal(unialloc_check(&f->ua), ALG_OK);
    f->ua.free_bytes[UNIALLOC_NORMAL] += 1;
    assert_int_equal(unialloc_check(&f->ua), ALG_ERR_CORRUPT);
    f->ua.free_bytes[UNIALLOC_NORMAL] -= 1;
    f->ua.spare_count--;
    assert_int_equal(unialloc_check(&f->ua), ALG_ERR_CORRUPT);
    f->ua.spare_count++;
    avl_node_t *first = avl_first(&f->ua.leaves[UNIALLOC_NORMAL]);
    unialloc_node_t *n = AVL_ENTRY(first, unialloc_node_t, by_addr);
    n->size_bits++;
    assert_int_equal(unialloc_check(&f->ua), ALG_ERR_CORRUPT);
    n->size_bits--;
    assert_int_equal(unialloc_check(&f->ua), ALG_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_init_rejects_bad_arguments),
            cmocka_unit_test_setup_teardown(test_add_validates_regions, setup, teardown),
            cmocka_unit_test(test_add_out_of_nodes),
            cmocka_unit_test_setup_teardown(test_alloc_best_fit, setup, teardown),
            cmocka_unit_test_setup_teardown(test_alloc_exhausted_and_invalid, setup, teardown),
            cmocka_unit_test_setup_teardown(test_free_coalesces_back_to_roots, setup, teardown),
            cmocka_unit_test_setup_teardown(test_free_errors, setup, teardown),
            cmocka_unit_test_setup_teardown(test_free_revokes_user_objects, setup, teardown),
            cmocka_unit_test_setup_teardown(test_alloc_at_normal_memory, setup, teardown),
            cmocka_unit_test_setup_teardown(test_alloc_at_device_memory, setup, teardown),
            cmocka_unit_test(test_out_of_nodes_rolls_back),
            cmocka_unit_test_setup_teardown(test_slot_alloc_failures, setup, teardown),
            cmocka_unit_test_setup_teardown(test_split_failures_roll_back, setup, teardown),
            cmocka_unit_test_setup_teardown(test_revoke_failure_on_free_keeps_allocation, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_revoke_failure_while_merging_leaves_halves, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_check_detects_corruption, setup, teardown),
    };
    return cmocka_run_group_tests_name("unialloc", tests, NULL, NULL);
}
