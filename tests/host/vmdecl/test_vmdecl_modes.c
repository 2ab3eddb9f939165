/*
 * Host tests of lib/vmdecl's mode names (modes.c): every mode read back from its name and
 * nothing else accepted (case, spaces, prefixes, the empty word), and a VM's mode as shown, cut
 * to any buffer without writing past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <vmdecl/vmdecl.h>

static void test_names_round_trip(void **state)
{
    const vmdecl_mode_t modes[] = {VMDECL_MODE_AUTO, VMDECL_MODE_PV, VMDECL_MODE_VTX,
                                   VMDECL_MODE_SVM};

    (void)state;
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        vmdecl_mode_t mode = (vmdecl_mode_t)99;
        assert_true(vmdecl_mode_from_name(vmdecl_mode_name(modes[i]), &mode));
        assert_int_equal(mode, modes[i]);
    }
}

static void test_other_words_refused(void **state)
{
    const char *bad[] = {"",     "PV", "Auto", "vt-x", "vmx", "amd",      "svm ",
                         " svm", "sv", "svmx", "pv\t", "?",   "autopilot"};

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vmdecl_mode_t mode = (vmdecl_mode_t)99;
        assert_false(vmdecl_mode_from_name(bad[i], &mode));
        assert_int_equal(mode, 99); /* untouched */
    }
}

static void test_describe(void **state)
{
    char out[32];

    (void)state;
    vmdecl_mode_describe(VMDECL_MODE_SVM, VMDECL_MODE_SVM, out, sizeof(out));
    assert_string_equal(out, "svm");
    vmdecl_mode_describe(VMDECL_MODE_AUTO, VMDECL_MODE_SVM, out, sizeof(out));
    assert_string_equal(out, "auto (svm)");
    vmdecl_mode_describe(VMDECL_MODE_AUTO, VMDECL_MODE_PV, out, sizeof(out));
    assert_string_equal(out, "auto (pv)");
    vmdecl_mode_describe(VMDECL_MODE_VTX, VMDECL_MODE_AUTO, out, sizeof(out));
    assert_string_equal(out, "vtx (unavailable)");
    vmdecl_mode_describe((vmdecl_mode_t)9, VMDECL_MODE_PV, out, sizeof(out));
    assert_string_equal(out, "? (pv)");
}

/* Every capacity from 0: the start of the text, terminated, and not a byte past the buffer. */
static void test_describe_cut(void **state)
{
    const char *full = "vtx (unavailable)";
    char out[40];

    (void)state;
    for (size_t capacity = 0; capacity < sizeof(out) - 1; capacity++) {
        memset(out, 0x55, sizeof(out));
        vmdecl_mode_describe(VMDECL_MODE_VTX, VMDECL_MODE_AUTO, out, capacity);
        if (capacity == 0) {
            assert_int_equal((unsigned char)out[0], 0x55);
            continue;
        }
        size_t length = capacity - 1 < strlen(full) ? capacity - 1 : strlen(full);
        assert_int_equal(strlen(out), length);
        assert_memory_equal(out, full, length);
        assert_int_equal((unsigned char)out[capacity], 0x55);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_names_round_trip),
            cmocka_unit_test(test_other_words_refused),
            cmocka_unit_test(test_describe),
            cmocka_unit_test(test_describe_cut),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
