/*
 * Host tests of dbg's terminal decoder (services/dbg/terminal.c): what every byte and escape
 * sequence a serial terminal sends becomes, and that sequences decode the same whatever the
 * reads that split them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "key.h"
#include "terminal.h"

#define KEYS_MAX 64

/* Feeds bytes one by one; the keys they make (KEY_NONE left out) go to keys. */
static unsigned feed(terminal_t *terminal, const char *bytes, size_t length, int *keys)
{
    unsigned count = 0;

    for (size_t i = 0; i < length; i++) {
        int key = terminal_feed(terminal, (unsigned char)bytes[i]);
        if (key != KEY_NONE) {
            assert_true(count < KEYS_MAX);
            keys[count++] = key;
        }
    }
    return count;
}

/* The keys a whole string makes from a fresh decoder. */
static unsigned decode(const char *bytes, int *keys)
{
    terminal_t terminal;

    terminal_init(&terminal);
    return feed(&terminal, bytes, strlen(bytes), keys);
}

static void expect_one(const char *bytes, int key)
{
    int keys[KEYS_MAX];

    assert_int_equal(decode(bytes, keys), 1);
    assert_int_equal(keys[0], key);
}

static void expect_none(const char *bytes)
{
    int keys[KEYS_MAX];

    assert_int_equal(decode(bytes, keys), 0);
}

static void test_printable_bytes_are_themselves(void **state)
{
    terminal_t terminal;

    (void)state;
    terminal_init(&terminal);
    for (int c = 0x20; c <= 0x7e; c++) {
        assert_int_equal(terminal_feed(&terminal, (unsigned char)c), c);
    }
}

static void test_backspace_is_del_or_bs(void **state)
{
    (void)state;
    expect_one("\x7f", KEY_BACKSPACE);
    expect_one("\b", KEY_BACKSPACE);
}

static void test_enter_is_cr_lf_or_crlf_once(void **state)
{
    int keys[KEYS_MAX];

    (void)state;
    expect_one("\r", KEY_ENTER);
    expect_one("\n", KEY_ENTER);
    expect_one("\r\n", KEY_ENTER);
    assert_int_equal(decode("\r\r", keys), 2);
    assert_int_equal(decode("\n\n", keys), 2);
    assert_int_equal(decode("\n\r", keys), 2);
    /* CR LF CR LF: two enters, not four; CR x LF: the LF is an enter of its own. */
    assert_int_equal(decode("\r\n\r\n", keys), 2);
    assert_int_equal(decode("\rx\n", keys), 3);
    assert_int_equal(keys[2], KEY_ENTER);
}

static void test_control_characters(void **state)
{
    (void)state;
    expect_one("\x03", KEY_CANCEL);
    expect_one("\x15", KEY_KILL_LINE);
    expect_one("\x0b", KEY_KILL_END);
    expect_one("\x17", KEY_KILL_WORD);
    expect_one("\x01", KEY_HOME);
    expect_one("\x05", KEY_END);
    expect_one("\x02", KEY_LEFT);
    expect_one("\x06", KEY_RIGHT);
    expect_one("\x10", KEY_UP);
    expect_one("\x0e", KEY_DOWN);
    expect_one("\x04", KEY_DELETE);
    /* Those the editor does not use are dropped: NUL, bell, tab, Ctrl-L, Ctrl-Z. */
    expect_none("\x07\t\x0c\x1a");
    assert_int_equal(terminal_feed(&(terminal_t){0}, 0), KEY_NONE);
}

static void test_cursor_sequences(void **state)
{
    (void)state;
    expect_one("\x1b[A", KEY_UP);
    expect_one("\x1b[B", KEY_DOWN);
    expect_one("\x1b[C", KEY_RIGHT);
    expect_one("\x1b[D", KEY_LEFT);
    expect_one("\x1b[H", KEY_HOME);
    expect_one("\x1b[F", KEY_END);
    /* Application cursor mode (SS3). */
    expect_one("\x1bOA", KEY_UP);
    expect_one("\x1bOB", KEY_DOWN);
    expect_one("\x1bOC", KEY_RIGHT);
    expect_one("\x1bOD", KEY_LEFT);
    expect_one("\x1bOH", KEY_HOME);
    expect_one("\x1bOF", KEY_END);
    /* The VT220 editing keys. */
    expect_one("\x1b[1~", KEY_HOME);
    expect_one("\x1b[7~", KEY_HOME);
    expect_one("\x1b[4~", KEY_END);
    expect_one("\x1b[8~", KEY_END);
    expect_one("\x1b[3~", KEY_DELETE);
    /* With modifiers (Ctrl-Right: ESC [ 1 ; 5 C): the key, the modifier ignored. */
    expect_one("\x1b[1;5C", KEY_RIGHT);
    expect_one("\x1b[3;2~", KEY_DELETE);
}

static void test_unknown_sequences_are_dropped(void **state)
{
    int keys[KEYS_MAX];

    (void)state;
    expect_none("\x1b[Z");   /* Shift-Tab */
    expect_none("\x1b[2~");  /* Insert */
    expect_none("\x1b[15~"); /* F5 */
    expect_none("\x1bOP");   /* F1 */
    expect_none("\x1b[999999~");
    /* ... and what follows is typed as usual. */
    assert_int_equal(decode("\x1b[Zab", keys), 2);
    assert_int_equal(keys[0], 'a');
    assert_int_equal(keys[1], 'b');
}

static void test_sequences_split_across_reads(void **state)
{
    static const char *const sequences[] = {"\x1b[A", "\x1bOD", "\x1b[3~", "\x1b[1;5C", "\r\n"};
    static const int expected[] = {KEY_UP, KEY_LEFT, KEY_DELETE, KEY_RIGHT, KEY_ENTER};
    int keys[KEYS_MAX];

    (void)state;
    for (unsigned s = 0; s < sizeof(sequences) / sizeof(sequences[0]); s++) {
        size_t length = strlen(sequences[s]);
        /* Every way of cutting it in two reads, with the decoder's state in between. */
        for (size_t cut = 0; cut <= length; cut++) {
            terminal_t terminal;
            terminal_init(&terminal);
            unsigned count = feed(&terminal, sequences[s], cut, keys);
            count += feed(&terminal, sequences[s] + cut, length - cut, keys + count);
            assert_int_equal(count, 1);
            assert_int_equal(keys[0], expected[s]);
        }
    }
}

static void test_lone_escape_types_the_next_byte(void **state)
{
    int keys[KEYS_MAX];

    (void)state;
    /* The Escape key, or Alt-x: the ESC is dropped, x is typed. */
    expect_one("\x1bx", 'x');
    assert_int_equal(decode("\x1b\x1b[A", keys), 1);
    assert_int_equal(keys[0], KEY_UP);
    expect_one("\x1b\r", KEY_ENTER);
}

static void test_control_inside_a_sequence_ends_it(void **state)
{
    int keys[KEYS_MAX];

    (void)state;
    assert_int_equal(decode("\x1b[1\x03", keys), 1);
    assert_int_equal(keys[0], KEY_CANCEL);
    assert_int_equal(decode("\x1bO\r", keys), 1);
    assert_int_equal(keys[0], KEY_ENTER);
    assert_int_equal(decode("\x1b[\x7f", keys), 1);
    assert_int_equal(keys[0], KEY_BACKSPACE);
}

static void test_overlong_sequence_is_abandoned(void **state)
{
    char bytes[64] = "\x1b[";
    int keys[KEYS_MAX];

    (void)state;
    /* TERMINAL_SEQUENCE_MAX parameter bytes are followed; the next one ends the sequence (and
     * is dropped), and what comes after is typed. */
    memset(bytes + 2, '1', TERMINAL_SEQUENCE_MAX + 1);
    strcat(bytes, "A");
    assert_int_equal(decode(bytes, keys), 1);
    assert_int_equal(keys[0], 'A');
    /* One byte less: still a sequence, whose A is the Up key. */
    bytes[2 + TERMINAL_SEQUENCE_MAX] = 'A';
    bytes[3 + TERMINAL_SEQUENCE_MAX] = '\0';
    assert_int_equal(decode(bytes, keys), 1);
    assert_int_equal(keys[0], KEY_UP);
}

static void test_bytes_above_ascii_are_dropped(void **state)
{
    (void)state;
    expect_none("\xc3\xa9"); /* UTF-8 e-acute */
    expect_none("\x80\xff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_printable_bytes_are_themselves),
            cmocka_unit_test(test_backspace_is_del_or_bs),
            cmocka_unit_test(test_enter_is_cr_lf_or_crlf_once),
            cmocka_unit_test(test_control_characters),
            cmocka_unit_test(test_cursor_sequences),
            cmocka_unit_test(test_unknown_sequences_are_dropped),
            cmocka_unit_test(test_sequences_split_across_reads),
            cmocka_unit_test(test_lone_escape_types_the_next_byte),
            cmocka_unit_test(test_control_inside_a_sequence_ends_it),
            cmocka_unit_test(test_overlong_sequence_is_abandoned),
            cmocka_unit_test(test_bytes_above_ascii_are_dropped),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
