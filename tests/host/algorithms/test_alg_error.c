/* Tests of the library's error names: every value has its own name, spelled like its
 * enumerator, and values outside the enum get a clear placeholder instead of a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <algorithms/alg_error.h>

static void test_names_are_distinct_and_spelled_like_the_enum(void **state)
{
    (void)state;
    assert_string_equal(alg_error_name(ALG_OK), "ALG_OK");
    assert_string_equal(alg_error_name(ALG_ERR_FULL), "ALG_ERR_FULL");
    assert_string_equal(alg_error_name(ALG_ERR_CORRUPT), "ALG_ERR_CORRUPT");
    for (int e = 0; e < ALG_ERROR_COUNT; e++) {
        const char *name = alg_error_name((alg_error_t)e);
        assert_int_equal(strncmp(name, "ALG_", 4), 0);
        assert_string_not_equal(name, "ALG_ERR_?");
        for (int f = 0; f < e; f++) {
            assert_string_not_equal(name, alg_error_name((alg_error_t)f));
        }
    }
}

static void test_unknown_values(void **state)
{
    (void)state;
    assert_string_equal(alg_error_name(ALG_ERROR_COUNT), "ALG_ERR_?");
    assert_string_equal(alg_error_name((alg_error_t)-1), "ALG_ERR_?");
    assert_string_equal(alg_error_name((alg_error_t)1000), "ALG_ERR_?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_names_are_distinct_and_spelled_like_the_enum),
            cmocka_unit_test(test_unknown_values),
    };
    return cmocka_run_group_tests_name("alg_error", tests, NULL, NULL);
}
