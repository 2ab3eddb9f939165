/*
 * lib/fmt against the C library's snprintf: hand-picked cases, then random formats and values,
 * differentially. Every conversion lib/fmt supports must print exactly what glibc prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fmt/fmt.h>

#define CHECK_SAME(...)                                                                            \
    do {                                                                                           \
        char expected[256], actual[256];                                                           \
        int n_expected = snprintf(expected, sizeof(expected), __VA_ARGS__);                        \
        size_t n_actual = fmt_snprintf(actual, sizeof(actual), __VA_ARGS__);                       \
        assert_string_equal(actual, expected);                                                     \
        assert_int_equal((int)n_actual, n_expected);                                               \
    } while (0)

static void test_fixed_cases(void **state)
{
    (void)state;
    CHECK_SAME("plain text");
    CHECK_SAME("%d %i %u", -42, 17, 4000000000u);
    CHECK_SAME("%x %X %o %#x %#o %#X", 0xbeefu, 0xbeefu, 8u, 255u, 8u, 0xabu);
    CHECK_SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
    CHECK_SAME("[%.3d] [%8.3d] [%-8.3d] [%.0d]", 7, 7, 7, 0);
    CHECK_SAME("%ld %lu %lx %lld %llu %zu", -1L, 123456789012UL, 0xffffffffffUL, -9LL, 99ULL,
               (size_t)77);
    CHECK_SAME("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
    CHECK_SAME("%s|%10s|%-10s|%.2s", "abc", "abc", "abc", "abc");
    CHECK_SAME("%c%c%c %5c", 'a', 'b', 'c', 'z');
    CHECK_SAME("%p", (void *)0x1234);
    CHECK_SAME("%*d %-*d %.*d", 6, 1, 6, 2, 4, 3);
    CHECK_SAME("100%%");
    CHECK_SAME("%d %d", INT32_MIN, INT32_MAX);
    CHECK_SAME("%lld", (long long)INT64_MIN);
    CHECK_SAME("%#lx", 0UL);
}

static void test_truncation(void **state)
{
    (void)state;
    char small[8];
    size_t n = fmt_snprintf(small, sizeof(small), "%s", "0123456789");
    assert_int_equal(n, 10);
    assert_string_equal(small, "0123456");
    n = fmt_snprintf(small, 1, "%d", 12345);
    assert_int_equal(n, 5);
    assert_string_equal(small, "");
    memset(small, 'x', sizeof(small));
    n = fmt_snprintf(small, 0, "abc");
    assert_int_equal(n, 3);
    assert_int_equal(small[0], 'x');
}

static void test_unknown_conversion_prints_literally(void **state)
{
    (void)state;
    char out[32];
    /* Built at run time so the compiler's format checking does not reject them. */
    const char *unknown = "a%kb%d";
    const char *trailing = "end%";
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    fmt_snprintf(out, sizeof(out), unknown, 5);
    assert_string_equal(out, "a%kb5");
    fmt_snprintf(out, sizeof(out), trailing);
#pragma GCC diagnostic pop
    assert_string_equal(out, "end%");
}

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random flags/width/precision/length/conversion, random value of the matching type. */
static void test_random_differential(void **state)
{
    (void)state;
    static const char *flags[] = {"", "-", "0", "+", " ", "#", "-+", "0#", " 0"};
    static const char conversions[] = "diuxXo";
    static const char *lengths[] = {"", "l", "ll", "h", "hh", "z"};
    const char *seed_env = getenv("FMT_SEED");
    rng_state = seed_env ? strtoull(seed_env, NULL, 0) : 0x9e3779b97f4a7c15ull;
    printf("fmt random differential: seed %#llx\n", (unsigned long long)rng_state);

    for (int i = 0; i < 200000; i++) {
        char format[32];
        int width = (int)(rng_next() % 24) - 2;
        int precision = (int)(rng_next() % 22) - 2;
        char conversion = conversions[rng_next() % 6];
        const char *length = lengths[rng_next() % 6];
        char width_text[8] = "", precision_text[8] = "";
        if (width > 0) {
            snprintf(width_text, sizeof(width_text), "%d", width);
        }
        if (precision >= 0) {
            snprintf(precision_text, sizeof(precision_text), ".%d", precision);
        }
        snprintf(format, sizeof(format), "<%%%s%s%s%s%c>", flags[rng_next() % 9], width_text,
                 precision_text, length, conversion);
        uint64_t value = rng_next() >> (rng_next() % 64);
        char expected[128], actual[128];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        if (length[0] == '\0' || length[0] == 'h') {
            snprintf(expected, sizeof(expected), format, (int)value);
            fmt_snprintf(actual, sizeof(actual), format, (int)value);
        } else {
            snprintf(expected, sizeof(expected), format, (long long)value);
            fmt_snprintf(actual, sizeof(actual), format, (long long)value);
        }
#pragma GCC diagnostic pop
        if (strcmp(expected, actual) != 0) {
            fail_msg("format \"%s\" value %#llx: libc \"%s\", fmt \"%s\"", format,
                     (unsigned long long)value, expected, actual);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fixed_cases),
            cmocka_unit_test(test_truncation),
            cmocka_unit_test(test_unknown_conversion_prints_literally),
            cmocka_unit_test(test_random_differential),
    };
    return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
