/* Unit tests of idalloc and its offset/limit wrapper: sizes, lowest-free order, summary-bit
 * propagation, exhaustion at every depth, and every error path (bad init, out of range,
 * double free, double reservation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <algorithms/idalloc.h>

static uint64_t *storage_for(unsigned depth, uint64_t count, size_t *bytes)
{
    *bytes = idalloc_storage_bytes(depth, count);
    assert_true(*bytes > 0);
    uint64_t *s = test_malloc(*bytes);
    memset(s, 0xa5, *bytes); /* init must not rely on zeroed storage */
    return s;
}

static void test_capacity_and_sizes(void **state)
{
    (void)state;
    assert_int_equal(idalloc_capacity(0), 0);
    assert_int_equal(idalloc_capacity(1), 64);
    assert_int_equal(idalloc_capacity(2), 4096);
    assert_int_equal(idalloc_capacity(3), 262144);
    assert_int_equal(idalloc_capacity(4), 16777216);
    assert_int_equal(idalloc_capacity(5), 0);
    assert_int_equal(idalloc_depth_for(0), 0);
    assert_int_equal(idalloc_depth_for(1), 1);
    assert_int_equal(idalloc_depth_for(64), 1);
    assert_int_equal(idalloc_depth_for(65), 2);
    assert_int_equal(idalloc_depth_for(4097), 3);
    assert_int_equal(idalloc_depth_for(16777216), 4);
    assert_int_equal(idalloc_depth_for(16777217), 0);
    /* Full trees: 1 + 64 + 4096 + 262144 words at depth 4. */
    assert_int_equal(idalloc_storage_bytes(1, 64), 8);
    assert_int_equal(idalloc_storage_bytes(2, 4096), 8 * 65);
    assert_int_equal(idalloc_storage_bytes(3, 262144), 8 * (1 + 64 + 4096));
    assert_int_equal(idalloc_storage_bytes(4, 16777216), 8 * (1 + 64 + 4096 + 262144));
    /* Partial: 100,000 ids at depth 4 need ceil(100000/64) = 1563 leaf words, 25, 1, 1. */
    assert_int_equal(idalloc_storage_bytes(4, 100000), 8 * (1563 + 25 + 1 + 1));
    assert_int_equal(idalloc_storage_bytes(2, 4097), 0);
    assert_int_equal(idalloc_storage_bytes(2, 0), 0);
    assert_int_equal(idalloc_storage_bytes(0, 1), 0);
    assert_int_equal(idalloc_range_storage_bytes(100000), idalloc_storage_bytes(3, 100000));
    assert_int_equal(idalloc_range_storage_bytes(0), 0);
}

static void test_init_errors(void **state)
{
    (void)state;
    idalloc_t ids;
    uint64_t words[80];
    assert_int_equal(idalloc_init(&ids, 0, 10, words, sizeof words), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(idalloc_init(&ids, 5, 10, words, sizeof words), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(idalloc_init(&ids, 2, 0, words, sizeof words), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(idalloc_init(&ids, 1, 65, words, sizeof words), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(idalloc_init(&ids, 2, 100, NULL, sizeof words), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(idalloc_init(NULL, 2, 100, words, sizeof words), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(idalloc_init(&ids, 2, 100, (char *)words + 4, sizeof words - 8),
                     ALG_ERR_MISALIGNED);
    assert_int_equal(idalloc_init(&ids, 3, 262144, words, sizeof words), ALG_ERR_STORAGE_TOO_SMALL);
    assert_int_equal(idalloc_init(&ids, 2, 100, words, idalloc_storage_bytes(2, 100) - 1),
                     ALG_ERR_STORAGE_TOO_SMALL);
    assert_int_equal(idalloc_init(&ids, 2, 100, words, idalloc_storage_bytes(2, 100)), ALG_OK);
    idalloc_range_t range;
    assert_int_equal(idalloc_range_init(&range, UINT64_MAX - 5, 10, words, sizeof words),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(idalloc_range_init(&range, 0, 0, words, sizeof words),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(idalloc_range_init(&range, 0, 16777217, words, sizeof words),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(idalloc_range_init(NULL, 0, 10, words, sizeof words),
                     ALG_ERR_INVALID_ARGUMENT);
}

/* Fills a tree completely in lowest-first order, then checks exhaustion and refilling. */
static void fill_and_drain(unsigned depth, uint64_t count)
{
    size_t bytes;
    uint64_t *s = storage_for(depth, count, &bytes);
    idalloc_t ids;
    assert_int_equal(idalloc_init(&ids, depth, count, s, bytes), ALG_OK);
    assert_int_equal(idalloc_check(&ids), ALG_OK);
    for (uint64_t i = 0; i < count; i++) {
        uint64_t id = UINT64_MAX;
        assert_int_equal(idalloc_alloc(&ids, &id), ALG_OK);
        assert_int_equal(id, i);
    }
    uint64_t id = 12345;
    assert_int_equal(idalloc_alloc(&ids, &id), ALG_ERR_EXHAUSTED);
    assert_int_equal(id, 12345);
    assert_int_equal(idalloc_used(&ids), count);
    assert_int_equal(idalloc_check(&ids), ALG_OK);
    assert_int_equal(ids.words[0], 0); /* root summary: nothing free below */
    /* Free one id near the end: the next allocation must find exactly it. */
    uint64_t hole = count - 1 - (count / 3);
    assert_int_equal(idalloc_free(&ids, hole), ALG_OK);
    assert_int_not_equal(ids.words[0], 0);
    assert_int_equal(idalloc_alloc(&ids, &id), ALG_OK);
    assert_int_equal(id, hole);
    for (uint64_t i = 0; i < count; i++) {
        assert_int_equal(idalloc_free(&ids, i), ALG_OK);
    }
    assert_int_equal(idalloc_used(&ids), 0);
    assert_int_equal(idalloc_check(&ids), ALG_OK);
    test_free(s);
}

static void test_fill_every_depth(void **state)
{
    (void)state;
    fill_and_drain(1, 64);
    fill_and_drain(1, 13);
    fill_and_drain(2, 4096);
    fill_and_drain(2, 1000);
    fill_and_drain(3, 262144);
    fill_and_drain(3, 4097);
    fill_and_drain(4, 262145); /* four levels with a partial second level */
    fill_and_drain(4, 70);
}

static void test_full_four_level_tree(void **state)
{
    (void)state;
    /* 16,777,216 ids: allocate all, check the last, free a scattered sample. */
    size_t bytes;
    uint64_t *s = storage_for(4, 16777216, &bytes);
    idalloc_t ids;
    assert_int_equal(idalloc_init(&ids, 4, 16777216, s, bytes), ALG_OK);
    uint64_t id = 0;
    for (uint64_t i = 0; i < 16777216; i++) {
        if (idalloc_alloc(&ids, &id) != ALG_OK || id != i) {
            fail_msg("alloc %llu gave %llu", (unsigned long long)i, (unsigned long long)id);
        }
    }
    assert_int_equal(id, 16777215);
    assert_int_equal(idalloc_alloc(&ids, &id), ALG_ERR_EXHAUSTED);
    assert_int_equal(idalloc_check(&ids), ALG_OK);
    assert_int_equal(idalloc_free(&ids, 16777215), ALG_OK);
    assert_int_equal(idalloc_free(&ids, 9000000), ALG_OK);
    assert_int_equal(idalloc_alloc(&ids, &id), ALG_OK);
    assert_int_equal(id, 9000000);
    assert_int_equal(idalloc_alloc(&ids, &id), ALG_OK);
    assert_int_equal(id, 16777215);
    test_free(s);
}

static void test_summary_bits_propagate(void **state)
{
    (void)state;
    size_t bytes;
    uint64_t *s = storage_for(3, 262144, &bytes);
    idalloc_t ids;
    assert_int_equal(idalloc_init(&ids, 3, 262144, s, bytes), ALG_OK);
    const uint64_t *root = s + ids.level_start[0];
    const uint64_t *mid = s + ids.level_start[1];
    const uint64_t *leaf = s + ids.level_start[2];
    /* Take all 4096 ids under the root's first child (ids 0..4095) by reservation. */
    for (uint64_t i = 0; i < 4096; i++) {
        assert_int_equal(idalloc_alloc_at(&ids, i), ALG_OK);
    }
    assert_int_equal(leaf[0], 0);
    assert_int_equal(mid[0], 0);
    assert_int_equal(*root & 1u, 0); /* "no free below child 0" reached the root */
    assert_int_equal(*root >> 1, ~(uint64_t)0 >> 1);
    uint64_t id;
    assert_int_equal(idalloc_alloc(&ids, &id), ALG_OK);
    assert_int_equal(id, 4096);
    /* Freeing one id deep inside sets the summary bit on every level again. */
    assert_int_equal(idalloc_free(&ids, 64 * 7 + 5), ALG_OK);
    assert_int_equal(leaf[7], (uint64_t)1 << 5);
    assert_int_equal(mid[0], (uint64_t)1 << 7);
    assert_int_equal(*root & 1u, 1);
    assert_int_equal(idalloc_alloc(&ids, &id), ALG_OK);
    assert_int_equal(id, 64 * 7 + 5);
    assert_int_equal(idalloc_check(&ids), ALG_OK);
    test_free(s);
}

static void test_free_and_reserve_errors(void **state)
{
    (void)state;
    size_t bytes;
    uint64_t *s = storage_for(2, 1000, &bytes);
    idalloc_t ids;
    assert_int_equal(idalloc_init(&ids, 2, 1000, s, bytes), ALG_OK);
    uint64_t id;
    assert_int_equal(idalloc_alloc(&ids, &id), ALG_OK);
    assert_int_equal(idalloc_free(&ids, 1000), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(idalloc_free(&ids, UINT64_MAX), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(idalloc_free(&ids, 1), ALG_ERR_NOT_ALLOCATED);
    assert_int_equal(idalloc_alloc_at(&ids, 0), ALG_ERR_ALREADY_ALLOCATED);
    assert_int_equal(idalloc_alloc_at(&ids, 1000), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(idalloc_free(&ids, 0), ALG_OK);
    assert_int_equal(idalloc_free(&ids, 0), ALG_ERR_NOT_ALLOCATED); /* double free */
    assert_int_equal(idalloc_used(&ids), 0);
    assert_false(idalloc_contains(&ids, 0));
    assert_false(idalloc_contains(&ids, 1000));
    assert_int_equal(idalloc_alloc_at(&ids, 999), ALG_OK);
    assert_true(idalloc_contains(&ids, 999));
    assert_int_equal(idalloc_alloc(&ids, &id), ALG_OK);
    assert_int_equal(id, 0);
    assert_int_equal(idalloc_check(&ids), ALG_OK);
    test_free(s);
}

static void test_check_detects_corruption(void **state)
{
    (void)state;
    size_t bytes;
    uint64_t *s = storage_for(2, 1000, &bytes);
    idalloc_t ids;
    assert_int_equal(idalloc_init(&ids, 2, 1000, s, bytes), ALG_OK);
    uint64_t *leaf = s + ids.level_start[1];
    leaf[15] |= (uint64_t)1 << 63; /* id 1023 does not exist */
    assert_int_equal(idalloc_check(&ids), ALG_ERR_CORRUPT);
    leaf[15] &= ~((uint64_t)1 << 63);
    leaf[3] = 0; /* taken without the root knowing, and without counting */
    assert_int_equal(idalloc_check(&ids), ALG_ERR_CORRUPT);
    ids.used = 64;
    s[0] &= ~((uint64_t)1 << 3);
    assert_int_equal(idalloc_check(&ids), ALG_OK);
    ids.used = 63;
    assert_int_equal(idalloc_check(&ids), ALG_ERR_CORRUPT);
    test_free(s);
}

static void test_range_wrapper(void **state)
{
    (void)state;
    const uint64_t offset = 0x4d2; /* e.g. the first empty slot of a root CNode */
    const uint64_t limit = 5000;
    size_t bytes = idalloc_range_storage_bytes(limit);
    uint64_t *s = test_malloc(bytes);
    idalloc_range_t r;
    assert_int_equal(idalloc_range_init(&r, offset, limit, s, bytes - 8),
                     ALG_ERR_STORAGE_TOO_SMALL);
    assert_int_equal(idalloc_range_init(&r, offset, limit, s, bytes), ALG_OK);
    assert_int_equal(r.ids.depth, 3);
    uint64_t id;
    assert_int_equal(idalloc_range_alloc(&r, &id), ALG_OK);
    assert_int_equal(id, offset);
    assert_int_equal(idalloc_range_alloc_at(&r, offset + limit - 1), ALG_OK);
    assert_int_equal(idalloc_range_alloc_at(&r, offset + limit), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(idalloc_range_alloc_at(&r, offset - 1), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(idalloc_range_alloc_at(&r, offset), ALG_ERR_ALREADY_ALLOCATED);
    assert_true(idalloc_range_contains(&r, offset));
    assert_true(idalloc_range_contains(&r, offset + limit - 1));
    assert_false(idalloc_range_contains(&r, offset + 1));
    assert_false(idalloc_range_contains(&r, offset - 1));
    assert_false(idalloc_range_contains(&r, offset + limit));
    assert_int_equal(idalloc_range_free(&r, offset - 1), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(idalloc_range_free(&r, offset + limit), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(idalloc_range_free(&r, offset + 7), ALG_ERR_NOT_ALLOCATED);
    for (uint64_t i = 1; i < limit - 1; i++) {
        assert_int_equal(idalloc_range_alloc(&r, &id), ALG_OK);
        assert_int_equal(id, offset + i);
    }
    assert_int_equal(idalloc_range_alloc(&r, &id), ALG_ERR_EXHAUSTED);
    assert_int_equal(idalloc_range_free(&r, offset + 2500), ALG_OK);
    assert_int_equal(idalloc_range_alloc(&r, &id), ALG_OK);
    assert_int_equal(id, offset + 2500);
    assert_int_equal(idalloc_check(&r.ids), ALG_OK);
    test_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_capacity_and_sizes),
            cmocka_unit_test(test_init_errors),
            cmocka_unit_test(test_fill_every_depth),
            cmocka_unit_test(test_full_four_level_tree),
            cmocka_unit_test(test_summary_bits_propagate),
            cmocka_unit_test(test_free_and_reserve_errors),
            cmocka_unit_test(test_check_detects_corruption),
            cmocka_unit_test(test_range_wrapper),
    };
    return cmocka_run_group_tests_name("idalloc", tests, NULL, NULL);
}
