/*
 * Host tests of dbg's PS/2 keyboard decoding (services/dbg/scancode.c and keymap.c): scancode
 * sets 1 and 2 as QEMU and Bochs deliver them (prefixes, releases, Pause, controller replies),
 * the US layout with Shift, Caps Lock, Ctrl, Alt and Num Lock, and both sets typing alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "key.h"
#include "keymap.h"
#include "scancode.h"

#define KEYS_MAX 64

/* Decodes bytes in one set through a fresh decoder and keymap; the keys (KEY_NONE left out). */
static unsigned type_bytes(scancode_set_t set, const uint8_t *bytes, size_t length, int *keys)
{
    scancode_decoder_t decoder;
    keymap_t keymap;
    scancode_event_t event;
    unsigned count = 0;

    scancode_init(&decoder, set);
    keymap_init(&keymap);
    for (size_t i = 0; i < length; i++) {
        if (scancode_feed(&decoder, bytes[i], &event)) {
            int key = keymap_key(&keymap, &event);
            if (key != KEY_NONE) {
                assert_true(count < KEYS_MAX);
                keys[count++] = key;
            }
        }
    }
    return count;
}

#define TYPE(set, keys, ...)                                                                       \
    type_bytes((set), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}),      \
               (keys))

static void expect_keys(const int *got, unsigned count, const int *want, unsigned want_count)
{
    assert_int_equal(count, want_count);
    for (unsigned i = 0; i < count; i++) {
        assert_int_equal(got[i], want[i]);
    }
}

static void test_set1_help_enter(void **state)
{
    static const int want[] = {'h', 'e', 'l', 'p', KEY_ENTER};
    int keys[KEYS_MAX];

    (void)state;
    unsigned n =
            TYPE(SCANCODE_SET_1, keys, 0x23, 0xa3, 0x12, 0x92, 0x26, 0xa6, 0x19, 0x99, 0x1c, 0x9c);
    expect_keys(keys, n, want, 5);
}

static void test_set2_help_enter(void **state)
{
    static const int want[] = {'h', 'e', 'l', 'p', KEY_ENTER};
    int keys[KEYS_MAX];

    (void)state;
    unsigned n = TYPE(SCANCODE_SET_2, keys, 0x33, 0xf0, 0x33, 0x24, 0xf0, 0x24, 0x4b, 0xf0, 0x4b,
                      0x4d, 0xf0, 0x4d, 0x5a, 0xf0, 0x5a);
    expect_keys(keys, n, want, 5);
}

static void test_set1_events(void **state)
{
    scancode_decoder_t decoder;
    scancode_event_t event;

    (void)state;
    scancode_init(&decoder, SCANCODE_SET_1);
    assert_true(scancode_feed(&decoder, 0x1e, &event));
    assert_int_equal(event.key, 0x1e);
    assert_false(event.released);
    assert_true(scancode_feed(&decoder, 0x9e, &event));
    assert_int_equal(event.key, 0x1e);
    assert_true(event.released);
    /* E0 48: Up; E0 C8 its release. */
    assert_false(scancode_feed(&decoder, 0xe0, &event));
    assert_true(scancode_feed(&decoder, 0x48, &event));
    assert_int_equal(event.key, 0x48 | SCANCODE_EXTENDED);
    assert_false(event.released);
    assert_false(scancode_feed(&decoder, 0xe0, &event));
    assert_true(scancode_feed(&decoder, 0xc8, &event));
    assert_int_equal(event.key, 0x48 | SCANCODE_EXTENDED);
    assert_true(event.released);
    /* The prefix applies to one code only. */
    assert_true(scancode_feed(&decoder, 0x48, &event));
    assert_int_equal(event.key, 0x48);
    /* Pause: six bytes, no event; Print Screen's fake shifts, no event. */
    static const uint8_t quiet[] = {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0xe0,
                                    0x2a, 0xe0, 0xaa, 0xe0, 0x36, 0xe0, 0xb6};
    for (unsigned i = 0; i < sizeof(quiet); i++) {
        assert_false(scancode_feed(&decoder, quiet[i], &event));
    }
}

static void test_set2_events(void **state)
{
    scancode_decoder_t decoder;
    scancode_event_t event;

    (void)state;
    scancode_init(&decoder, SCANCODE_SET_2);
    assert_true(scancode_feed(&decoder, 0x1c, &event)); /* A */
    assert_int_equal(event.key, 0x1e);
    assert_false(event.released);
    assert_false(scancode_feed(&decoder, 0xf0, &event));
    assert_true(scancode_feed(&decoder, 0x1c, &event));
    assert_int_equal(event.key, 0x1e);
    assert_true(event.released);
    /* E0 75: Up; E0 F0 75: its release. */
    assert_false(scancode_feed(&decoder, 0xe0, &event));
    assert_true(scancode_feed(&decoder, 0x75, &event));
    assert_int_equal(event.key, 0x48 | SCANCODE_EXTENDED);
    assert_false(event.released);
    assert_false(scancode_feed(&decoder, 0xe0, &event));
    assert_false(scancode_feed(&decoder, 0xf0, &event));
    assert_true(scancode_feed(&decoder, 0x75, &event));
    assert_int_equal(event.key, 0x48 | SCANCODE_EXTENDED);
    assert_true(event.released);
    /* Keypad 8 without the prefix, pressed again. */
    assert_true(scancode_feed(&decoder, 0x75, &event));
    assert_int_equal(event.key, 0x48);
    assert_false(event.released);
    /* Pause: eight bytes, no event. */
    static const uint8_t pause[] = {0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77};
    for (unsigned i = 0; i < sizeof(pause); i++) {
        assert_false(scancode_feed(&decoder, pause[i], &event));
    }
}

static void test_arrows_and_editing_keys_both_sets(void **state)
{
    static const int want[] = {KEY_UP,  KEY_DOWN,   KEY_LEFT,  KEY_RIGHT, KEY_HOME,
                               KEY_END, KEY_DELETE, KEY_ENTER, '/'};
    int keys[KEYS_MAX];

    (void)state;
    unsigned n =
            TYPE(SCANCODE_SET_1, keys, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0xd0, 0xe0, 0x4b,
                 0xe0, 0xcb, 0xe0, 0x4d, 0xe0, 0xcd, 0xe0, 0x47, 0xe0, 0xc7, 0xe0, 0x4f, 0xe0, 0xcf,
                 0xe0, 0x53, 0xe0, 0xd3, 0xe0, 0x1c, 0xe0, 0x9c, 0xe0, 0x35, 0xe0, 0xb5);
    expect_keys(keys, n, want, 9);
    n = TYPE(SCANCODE_SET_2, keys, 0xe0, 0x75, 0xe0, 0xf0, 0x75, 0xe0, 0x72, 0xe0, 0xf0, 0x72, 0xe0,
             0x6b, 0xe0, 0xf0, 0x6b, 0xe0, 0x74, 0xe0, 0xf0, 0x74, 0xe0, 0x6c, 0xe0, 0xf0, 0x6c,
             0xe0, 0x69, 0xe0, 0xf0, 0x69, 0xe0, 0x71, 0xe0, 0xf0, 0x71, 0xe0, 0x5a, 0xe0, 0xf0,
             0x5a, 0xe0, 0x4a, 0xe0, 0xf0, 0x4a);
    expect_keys(keys, n, want, 9);
}

static void test_shift_and_symbols(void **state)
{
    static const int want[] = {'H', 'i', '!', '1', '?', '"', '_', '~', '|', '{', '}', '<', '>'};
    int keys[KEYS_MAX];

    (void)state;
    /* Set 1: LShift H, release, I, LShift 1, release, 1, RShift / ' - ` \ [ ] , . */
    unsigned n =
            TYPE(SCANCODE_SET_1, keys, 0x2a, 0x23, 0xa3, 0xaa, 0x17, 0x97, 0x2a, 0x02, 0x82, 0xaa,
                 0x02, 0x82, 0x36, 0x35, 0x28, 0x0c, 0x29, 0x2b, 0x1a, 0x1b, 0x33, 0x34, 0xb6);
    expect_keys(keys, n, want, 13);
    /* Set 2: the same keys. */
    n = TYPE(SCANCODE_SET_2, keys, 0x12, 0x33, 0xf0, 0x33, 0xf0, 0x12, 0x43, 0xf0, 0x43, 0x12, 0x16,
             0xf0, 0x16, 0xf0, 0x12, 0x16, 0xf0, 0x16, 0x59, 0x4a, 0x52, 0x4e, 0x0e, 0x5d, 0x54,
             0x5b, 0x41, 0x49, 0xf0, 0x59);
    expect_keys(keys, n, want, 13);
}

static void test_caps_lock_letters_only(void **state)
{
    static const int want[] = {'A', '1', 'a', 'b'};
    int keys[KEYS_MAX];

    (void)state;
    /* Caps on: a -> A, 1 stays 1; Shift with Caps: a; Caps off, held long enough to repeat
     * (the repeat does not toggle it back on): b. */
    unsigned n = TYPE(SCANCODE_SET_1, keys, 0x3a, 0xba, 0x1e, 0x9e, 0x02, 0x82, 0x2a, 0x1e, 0x9e,
                      0xaa, 0x3a, 0x3a, 0xba, 0x30, 0xb0);
    expect_keys(keys, n, want, 4);
    n = TYPE(SCANCODE_SET_2, keys, 0x58, 0xf0, 0x58, 0x1c, 0xf0, 0x1c, 0x16, 0xf0, 0x16, 0x12, 0x1c,
             0xf0, 0x1c, 0xf0, 0x12, 0x58, 0x58, 0xf0, 0x58, 0x32, 0xf0, 0x32);
    expect_keys(keys, n, want, 4);
}

static void test_ctrl_makes_control_keys(void **state)
{
    static const int want[] = {KEY_CANCEL, KEY_KILL_LINE, KEY_HOME, KEY_END, 'c'};
    int keys[KEYS_MAX];

    (void)state;
    /* LCtrl C, U, RCtrl (E0 1D) A, E; released: c. Ctrl with a digit makes nothing. */
    unsigned n = TYPE(SCANCODE_SET_1, keys, 0x1d, 0x2e, 0xae, 0x16, 0x96, 0x02, 0x82, 0x9d, 0xe0,
                      0x1d, 0x1e, 0x9e, 0x12, 0x92, 0xe0, 0x9d, 0x2e, 0xae);
    expect_keys(keys, n, want, 5);
    n = TYPE(SCANCODE_SET_2, keys, 0x14, 0x21, 0xf0, 0x21, 0x3c, 0xf0, 0x3c, 0x16, 0xf0, 0x16, 0xf0,
             0x14, 0xe0, 0x14, 0x1c, 0xf0, 0x1c, 0x24, 0xf0, 0x24, 0xe0, 0xf0, 0x14, 0x21, 0xf0,
             0x21);
    expect_keys(keys, n, want, 5);
}

static void test_ctrl_bracket_detaches(void **state)
{
    static const int want[] = {KEY_DETACH, ']'};
    int keys[KEYS_MAX];

    (void)state;
    /* LCtrl ] (the console attach's detach key), then Ctrl Shift ] (nothing), then ] alone. */
    unsigned n =
            TYPE(SCANCODE_SET_1, keys, 0x1d, 0x1b, 0x9b, 0x2a, 0x1b, 0x9b, 0xaa, 0x9d, 0x1b, 0x9b);
    expect_keys(keys, n, want, 2);
    n = TYPE(SCANCODE_SET_2, keys, 0x14, 0x5b, 0xf0, 0x5b, 0x12, 0x5b, 0xf0, 0x5b, 0xf0, 0x12, 0xf0,
             0x14, 0x5b, 0xf0, 0x5b);
    expect_keys(keys, n, want, 2);
}

static void test_alt_and_other_keys_type_nothing(void **state)
{
    int keys[KEYS_MAX];

    (void)state;
    /* Alt-x, Escape, F1, Tab, Num Lock's own press, GUI, Menu: nothing; then x. */
    unsigned n = TYPE(SCANCODE_SET_1, keys, 0x38, 0x2d, 0xad, 0xb8, 0x01, 0x81, 0x3b, 0xbb, 0x0f,
                      0x8f, 0xe0, 0x5b, 0xe0, 0xdb, 0xe0, 0x5d, 0xe0, 0xdd, 0x2d, 0xad);
    assert_int_equal(n, 1);
    assert_int_equal(keys[0], 'x');
    n = TYPE(SCANCODE_SET_2, keys, 0xe0, 0x11, 0x22, 0xf0, 0x22, 0xe0, 0xf0, 0x11, 0x76, 0xf0, 0x76,
             0x05, 0xf0, 0x05, 0x0d, 0xf0, 0x0d, 0x22, 0xf0, 0x22);
    assert_int_equal(n, 1);
    assert_int_equal(keys[0], 'x');
}

static void test_keypad_with_and_without_num_lock(void **state)
{
    static const int want[] = {KEY_UP, KEY_LEFT, KEY_DELETE, '-', '+', '*',
                               '8',    '4',      '.',        '-', '+', '*'};
    int keys[KEYS_MAX];

    (void)state;
    /* Keypad 8 4 . - + * with Num Lock off, then on. */
    unsigned n = TYPE(SCANCODE_SET_1, keys, 0x48, 0x4b, 0x53, 0x4a, 0x4e, 0x37, 0x45, 0xc5, 0x48,
                      0x4b, 0x53, 0x4a, 0x4e, 0x37);
    expect_keys(keys, n, want, 12);
    n = TYPE(SCANCODE_SET_2, keys, 0x75, 0x6b, 0x71, 0x7b, 0x79, 0x7c, 0x77, 0xf0, 0x77, 0x75, 0x6b,
             0x71, 0x7b, 0x79, 0x7c);
    expect_keys(keys, n, want, 12);
}

static void test_replies_fake_shifts_and_pause_are_dropped(void **state)
{
    int keys[KEYS_MAX];

    (void)state;
    /* Set 1: ACK, resend, echo, errors; Print Screen with its fake shifts (E0 2A E0 37, E0 B7
     * E0 AA); Pause (E1 1D 45 E1 9D C5); then z. */
    unsigned n = TYPE(SCANCODE_SET_1, keys, 0xfa, 0xfe, 0xee, 0x00, 0xff, 0xe0, 0x2a, 0xe0, 0x37,
                      0xe0, 0xb7, 0xe0, 0xaa, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x2c, 0xac);
    assert_int_equal(n, 1);
    assert_int_equal(keys[0], 'z');
    /* Set 2: self-test passed (AA), ACK; Print Screen (E0 12 E0 7C, E0 F0 7C E0 F0 12); Pause
     * (E1 14 77 E1 F0 14 F0 77); then z. */
    n = TYPE(SCANCODE_SET_2, keys, 0xaa, 0xfa, 0xe0, 0x12, 0xe0, 0x7c, 0xe0, 0xf0, 0x7c, 0xe0, 0xf0,
             0x12, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77, 0x1a, 0xf0, 0x1a);
    assert_int_equal(n, 1);
    assert_int_equal(keys[0], 'z');
}

static void test_shift_state_survives_print_screen(void **state)
{
    int keys[KEYS_MAX];

    (void)state;
    /* Shift held across Print Screen (whose fake shift release E0 AA must not release it). */
    unsigned n = TYPE(SCANCODE_SET_1, keys, 0x2a, 0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa,
                      0x1e, 0x9e, 0xaa);
    assert_int_equal(n, 1);
    assert_int_equal(keys[0], 'A');
}

/* Every set-2 code the table knows types the same key as its set-1 code, pressed and released,
 * with and without Shift; and no two set-2 codes share a set-1 code but the two forms of F7. */
static void test_every_key_alike_in_both_sets(void **state)
{
    uint8_t owner[256] = {0};
    int keys1[KEYS_MAX];
    int keys2[KEYS_MAX];

    (void)state;
    for (unsigned code = 1; code < 0x100; code++) {
        uint8_t set1 = scancode_set2_to_set1((uint8_t)code);
        if (set1 == 0) {
            continue;
        }
        assert_true(set1 < 0x80);
        if (owner[set1] != 0) {
            assert_int_equal(set1, 0x41); /* F7: 0x83 and 0x02 */
        }
        owner[set1] = (uint8_t)code;
        for (int shift = 0; shift < 2; shift++) {
            uint8_t bytes1[] = {0x2a, set1, (uint8_t)(set1 | 0x80), 0xaa};
            uint8_t bytes2[] = {0x12, (uint8_t)code, 0xf0, (uint8_t)code, 0xf0, 0x12};
            unsigned n1 =
                    type_bytes(SCANCODE_SET_1, bytes1 + !shift, sizeof(bytes1) - 2 * !shift, keys1);
            unsigned n2 =
                    type_bytes(SCANCODE_SET_2, bytes2 + !shift, sizeof(bytes2) - 3 * !shift, keys2);
            assert_int_equal(n1, n2);
            if (n1 == 1) {
                assert_int_equal(keys1[0], keys2[0]);
            }
        }
    }
    /* The whole US main block is there. */
    for (const uint8_t *c = (const uint8_t *)"\x02\x0d\x10\x1b\x1e\x29\x2b\x35\x39"; *c; c++) {
        assert_int_not_equal(owner[*c], 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_set1_help_enter),
            cmocka_unit_test(test_set2_help_enter),
            cmocka_unit_test(test_set1_events),
            cmocka_unit_test(test_set2_events),
            cmocka_unit_test(test_arrows_and_editing_keys_both_sets),
            cmocka_unit_test(test_shift_and_symbols),
            cmocka_unit_test(test_caps_lock_letters_only),
            cmocka_unit_test(test_ctrl_makes_control_keys),
            cmocka_unit_test(test_ctrl_bracket_detaches),
            cmocka_unit_test(test_alt_and_other_keys_type_nothing),
            cmocka_unit_test(test_keypad_with_and_without_num_lock),
            cmocka_unit_test(test_replies_fake_shifts_and_pause_are_dropped),
            cmocka_unit_test(test_shift_state_survives_print_screen),
            cmocka_unit_test(test_every_key_alike_in_both_sets),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
