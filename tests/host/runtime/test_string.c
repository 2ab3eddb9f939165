/*
 * Differential host test of lib/runtime/string.c against glibc: memcpy, memmove (both overlap
 * directions), memset, memcmp, strlen, strcmp, strncmp and strstr on random inputs. The runtime's
 * functions are compiled under rt_* names (see mk/runtime.mk) so both can live in one program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

void *rt_memcpy(void *dest, const void *src, size_t n);
void *rt_memmove(void *dest, const void *src, size_t n);
void *rt_memset(void *dest, int c, size_t n);
int rt_memcmp(const void *a, const void *b, size_t n);
size_t rt_strlen(const char *s);
int rt_strcmp(const char *a, const char *b);
int rt_strncmp(const char *a, const char *b, size_t n);
char *rt_strstr(const char *haystack, const char *needle);

#define AREA 512

static unsigned char got[AREA];
static unsigned char want[AREA];

static void fill_random(unsigned char *buffer, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buffer[i] = (unsigned char)rand();
    }
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void test_memmove_overlaps(void **state)
{
    (void)state;
    srand(7);
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)rand() % 200;
        size_t from = (size_t)rand() % (AREA - n);
        size_t to = (size_t)rand() % (AREA - n);
        fill_random(want, AREA);
        memcpy(got, want, AREA);
        assert_ptr_equal(rt_memmove(got + to, got + from, n), got + to);
        memmove(want + to, want + from, n);
        assert_memory_equal(got, want, AREA);
    }
}

static void test_memcpy_memset(void **state)
{
    unsigned char source[AREA];

    (void)state;
    srand(8);
    for (int round = 0; round < 5000; round++) {
        size_t n = (size_t)rand() % 300;
        size_t at = (size_t)rand() % (AREA - n);
        int c = rand();
        fill_random(source, AREA);
        fill_random(want, AREA);
        memcpy(got, want, AREA);
        assert_ptr_equal(rt_memcpy(got + at, source, n), got + at);
        memcpy(want + at, source, n);
        assert_memory_equal(got, want, AREA);
        assert_ptr_equal(rt_memset(got + at, c, n), got + at);
        memset(want + at, c, n);
        assert_memory_equal(got, want, AREA);
    }
}

static void test_compare_functions(void **state)
{
    char a[64];
    char b[64];

    (void)state;
    srand(9);
    for (int round = 0; round < 20000; round++) {
        /* Short strings over a small alphabet, so that equal prefixes and matches are common. */
        size_t la = (size_t)rand() % 12;
        size_t lb = (size_t)rand() % 6;
        size_t n = (size_t)rand() % 16;
        for (size_t i = 0; i < la; i++) {
            a[i] = (char)("ab\x80\xff"[rand() % 4]);
        }
        for (size_t i = 0; i < lb; i++) {
            b[i] = (char)("ab\x80\xff"[rand() % 4]);
        }
        a[la] = '\0';
        b[lb] = '\0';
        assert_int_equal(rt_strlen(a), strlen(a));
        assert_int_equal(sign(rt_strcmp(a, b)), sign(strcmp(a, b)));
        assert_int_equal(sign(rt_strncmp(a, b, n)), sign(strncmp(a, b, n)));
        assert_int_equal(sign(rt_memcmp(a, b, lb < la ? lb : la)),
                         sign(memcmp(a, b, lb < la ? lb : la)));
        assert_ptr_equal(rt_strstr(a, b), strstr(a, b));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_memmove_overlaps),
            cmocka_unit_test(test_memcpy_memset),
            cmocka_unit_test(test_compare_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
