/*
 * Host tests of dbg's line editor (services/dbg/editor.c): every key at the edges of the line,
 * the history past both ends and around its ring, overlong lines, and the prompt line it renders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "editor.h"
#include "key.h"

static editor_t editor;

static int setup(void **state)
{
    (void)state;
    editor_init(&editor);
    return 0;
}

static void type(const char *text)
{
    for (; *text != '\0'; text++) {
        assert_int_equal(editor_key(&editor, *text), EDITOR_CHANGED);
    }
}

/* Types a line and enters it. */
static void enter(const char *text)
{
    type(text);
    assert_int_equal(editor_key(&editor, KEY_ENTER), EDITOR_SUBMIT);
    assert_string_equal(editor.done, text);
}

static void expect_line(const char *text, size_t cursor)
{
    assert_string_equal(editor.line, text);
    assert_int_equal(editor.length, strlen(text));
    assert_int_equal(editor.cursor, cursor);
}

static void test_typing_and_enter(void **state)
{
    (void)state;
    type("help");
    expect_line("help", 4);
    assert_int_equal(editor_key(&editor, KEY_ENTER), EDITOR_SUBMIT);
    assert_string_equal(editor.done, "help");
    expect_line("", 0);
    assert_string_equal(editor_history(&editor, 1), "help");
    /* An empty enter submits an empty line, which the history does not keep. */
    assert_int_equal(editor_key(&editor, KEY_ENTER), EDITOR_SUBMIT);
    assert_string_equal(editor.done, "");
    assert_null(editor_history(&editor, 2));
}

static void test_backspace_and_delete_at_the_edges(void **state)
{
    (void)state;
    assert_int_equal(editor_key(&editor, KEY_BACKSPACE), EDITOR_NONE);
    assert_int_equal(editor_key(&editor, KEY_DELETE), EDITOR_NONE);
    type("abc");
    assert_int_equal(editor_key(&editor, KEY_DELETE), EDITOR_NONE); /* at the end */
    assert_int_equal(editor_key(&editor, KEY_BACKSPACE), EDITOR_CHANGED);
    expect_line("ab", 2);
    assert_int_equal(editor_key(&editor, KEY_HOME), EDITOR_CHANGED);
    assert_int_equal(editor_key(&editor, KEY_BACKSPACE), EDITOR_NONE); /* at the start */
    assert_int_equal(editor_key(&editor, KEY_DELETE), EDITOR_CHANGED);
    expect_line("b", 0);
    assert_int_equal(editor_key(&editor, KEY_DELETE), EDITOR_CHANGED);
    expect_line("", 0);
    assert_int_equal(editor_key(&editor, KEY_DELETE), EDITOR_NONE);
}

static void test_cursor_moves_and_inserts(void **state)
{
    (void)state;
    assert_int_equal(editor_key(&editor, KEY_LEFT), EDITOR_NONE);
    assert_int_equal(editor_key(&editor, KEY_RIGHT), EDITOR_NONE);
    assert_int_equal(editor_key(&editor, KEY_HOME), EDITOR_NONE);
    assert_int_equal(editor_key(&editor, KEY_END), EDITOR_NONE);
    type("vm lst");
    assert_int_equal(editor_key(&editor, KEY_LEFT), EDITOR_CHANGED);
    assert_int_equal(editor_key(&editor, KEY_LEFT), EDITOR_CHANGED);
    type("i");
    expect_line("vm list", 5);
    assert_int_equal(editor_key(&editor, KEY_BACKSPACE), EDITOR_CHANGED);
    expect_line("vm lst", 4);
    assert_int_equal(editor_key(&editor, KEY_END), EDITOR_CHANGED);
    assert_int_equal(editor_key(&editor, KEY_RIGHT), EDITOR_NONE);
    assert_int_equal(editor_key(&editor, KEY_HOME), EDITOR_CHANGED);
    assert_int_equal(editor_key(&editor, KEY_LEFT), EDITOR_NONE);
    type("x");
    expect_line("xvm lst", 1);
    /* Enter in the middle of the line submits all of it. */
    assert_int_equal(editor_key(&editor, KEY_ENTER), EDITOR_SUBMIT);
    assert_string_equal(editor.done, "xvm lst");
}

static void test_kill_keys(void **state)
{
    (void)state;
    assert_int_equal(editor_key(&editor, KEY_KILL_LINE), EDITOR_NONE);
    assert_int_equal(editor_key(&editor, KEY_KILL_END), EDITOR_NONE);
    assert_int_equal(editor_key(&editor, KEY_KILL_WORD), EDITOR_NONE);
    type("log level  dbg");
    assert_int_equal(editor_key(&editor, KEY_KILL_WORD), EDITOR_CHANGED);
    expect_line("log level  ", 11);
    assert_int_equal(editor_key(&editor, KEY_KILL_WORD), EDITOR_CHANGED); /* spaces + word */
    expect_line("log ", 4);
    type("stats");
    for (int i = 0; i < 3; i++) {
        editor_key(&editor, KEY_LEFT);
    }
    assert_int_equal(editor_key(&editor, KEY_KILL_END), EDITOR_CHANGED);
    expect_line("log st", 6);
    editor_key(&editor, KEY_LEFT);
    assert_int_equal(editor_key(&editor, KEY_KILL_LINE), EDITOR_CHANGED);
    expect_line("t", 0);
    assert_int_equal(editor_key(&editor, KEY_KILL_LINE), EDITOR_NONE);
}

static void test_cancel(void **state)
{
    (void)state;
    type("svc crash log");
    assert_int_equal(editor_key(&editor, KEY_CANCEL), EDITOR_CANCEL);
    assert_string_equal(editor.done, "svc crash log");
    expect_line("", 0);
    assert_null(editor_history(&editor, 1)); /* a cancelled line is not kept */
    assert_int_equal(editor_key(&editor, KEY_CANCEL), EDITOR_CANCEL);
    assert_string_equal(editor.done, "");
}

static void test_history_up_and_down_past_the_ends(void **state)
{
    (void)state;
    /* No history: up and down do nothing. */
    assert_int_equal(editor_key(&editor, KEY_UP), EDITOR_NONE);
    assert_int_equal(editor_key(&editor, KEY_DOWN), EDITOR_NONE);
    enter("ps");
    enter("mem");
    enter("uptime");
    type("dra");
    assert_int_equal(editor_key(&editor, KEY_DOWN), EDITOR_NONE); /* below the newest */
    assert_int_equal(editor_key(&editor, KEY_UP), EDITOR_CHANGED);
    expect_line("uptime", 6);
    assert_int_equal(editor_key(&editor, KEY_UP), EDITOR_CHANGED);
    expect_line("mem", 3);
    assert_int_equal(editor_key(&editor, KEY_UP), EDITOR_CHANGED);
    expect_line("ps", 2);
    assert_int_equal(editor_key(&editor, KEY_UP), EDITOR_NONE); /* past the oldest */
    expect_line("ps", 2);
    assert_int_equal(editor_key(&editor, KEY_DOWN), EDITOR_CHANGED);
    assert_int_equal(editor_key(&editor, KEY_DOWN), EDITOR_CHANGED);
    expect_line("uptime", 6);
    assert_int_equal(editor_key(&editor, KEY_DOWN), EDITOR_CHANGED); /* back to the draft */
    expect_line("dra", 3);
    assert_int_equal(editor_key(&editor, KEY_DOWN), EDITOR_NONE);
    expect_line("dra", 3);
}

static void test_history_recall_runs_again(void **state)
{
    (void)state;
    enter("vm list");
    assert_int_equal(editor_key(&editor, KEY_UP), EDITOR_CHANGED);
    assert_int_equal(editor_key(&editor, KEY_ENTER), EDITOR_SUBMIT);
    assert_string_equal(editor.done, "vm list");
    /* The same line twice in a row is kept once. */
    assert_string_equal(editor_history(&editor, 1), "vm list");
    assert_null(editor_history(&editor, 2));
}

static void test_editing_a_recalled_line_keeps_the_history(void **state)
{
    (void)state;
    enter("log level");
    assert_int_equal(editor_key(&editor, KEY_UP), EDITOR_CHANGED);
    type(" dbg");
    expect_line("log level dbg", 13);
    assert_string_equal(editor_history(&editor, 1), "log level");
    assert_int_equal(editor_key(&editor, KEY_ENTER), EDITOR_SUBMIT);
    assert_string_equal(editor_history(&editor, 1), "log level dbg");
    assert_string_equal(editor_history(&editor, 2), "log level");
    /* A new line starts below the history again. */
    assert_int_equal(editor_key(&editor, KEY_DOWN), EDITOR_NONE);
}

static void test_history_blank_lines_are_not_kept(void **state)
{
    (void)state;
    enter("   ");
    assert_null(editor_history(&editor, 1));
    enter("ps");
    enter("ps");
    enter("mem");
    enter("ps");
    assert_string_equal(editor_history(&editor, 1), "ps");
    assert_string_equal(editor_history(&editor, 2), "mem");
    assert_string_equal(editor_history(&editor, 3), "ps");
    assert_null(editor_history(&editor, 4));
}

static void test_history_ring_keeps_the_newest(void **state)
{
    char line[16];

    (void)state;
    for (int i = 0; i < EDITOR_HISTORY + 8; i++) {
        snprintf(line, sizeof(line), "cmd %d", i);
        enter(line);
    }
    assert_int_equal(editor.history_count, EDITOR_HISTORY);
    assert_string_equal(editor_history(&editor, 1), "cmd 39");
    assert_string_equal(editor_history(&editor, EDITOR_HISTORY), "cmd 8");
    assert_null(editor_history(&editor, EDITOR_HISTORY + 1));
    for (int i = 0; i < EDITOR_HISTORY; i++) {
        assert_int_equal(editor_key(&editor, KEY_UP), EDITOR_CHANGED);
    }
    expect_line("cmd 8", 5);
    assert_int_equal(editor_key(&editor, KEY_UP), EDITOR_NONE);
}

static void test_overlong_line_is_refused(void **state)
{
    char line[EDITOR_LINE_MAX + 1];

    (void)state;
    memset(line, 'a', EDITOR_LINE_MAX);
    line[EDITOR_LINE_MAX] = '\0';
    type(line);
    assert_int_equal(editor_key(&editor, 'b'), EDITOR_NONE);
    expect_line(line, EDITOR_LINE_MAX);
    assert_true(editor.overflow);
    /* Deleting some of it does not make it what was typed: enter still refuses it. */
    assert_int_equal(editor_key(&editor, KEY_BACKSPACE), EDITOR_CHANGED);
    assert_int_equal(editor_key(&editor, KEY_ENTER), EDITOR_TOO_LONG);
    assert_int_equal(strlen(editor.done), EDITOR_LINE_MAX - 1);
    assert_null(editor_history(&editor, 1));
    /* The next line is fresh. */
    assert_false(editor.overflow);
    enter("ps");
}

static void test_overflow_ends_when_the_line_is_emptied(void **state)
{
    char line[EDITOR_LINE_MAX + 1];

    (void)state;
    memset(line, 'x', EDITOR_LINE_MAX);
    line[EDITOR_LINE_MAX] = '\0';
    type(line);
    editor_key(&editor, 'y');
    assert_true(editor.overflow);
    assert_int_equal(editor_key(&editor, KEY_KILL_LINE), EDITOR_CHANGED);
    assert_false(editor.overflow);
    enter("mem");
}

static void test_render_short_line(void **state)
{
    char out[256];

    (void)state;
    assert_int_equal(editor_render(&editor, "dbg> ", out, sizeof(out)), 5);
    assert_string_equal(out, "dbg> ");
    type("vm list");
    assert_int_equal(editor_render(&editor, "dbg> ", out, sizeof(out)), 12);
    assert_string_equal(out, "dbg> vm list");
    editor_key(&editor, KEY_HOME);
    editor_key(&editor, KEY_RIGHT);
    editor_render(&editor, "dbg> ", out, sizeof(out));
    assert_string_equal(out, "dbg> vm list\x1b[6D");
}

static void test_render_long_line_shows_a_window(void **state)
{
    char out[256];
    char line[EDITOR_LINE_MAX + 1];
    size_t span = EDITOR_COLUMNS - 5 - 1;

    (void)state;
    for (int i = 0; i < 120; i++) {
        line[i] = (char)('a' + i % 26);
    }
    line[120] = '\0';
    type(line);
    /* Cursor at the end: the tail, '<' where the hidden part begins, the cursor last. */
    size_t length = editor_render(&editor, "dbg> ", out, sizeof(out));
    assert_int_equal(length, 5 + span - 1);
    assert_int_equal(out[5], '<');
    assert_memory_equal(out + 6, line + 120 - (span - 2), span - 2);
    /* Cursor at the start: the head, '>' at the end, the cursor moved back. */
    editor_key(&editor, KEY_HOME);
    editor_render(&editor, "dbg> ", out, sizeof(out));
    assert_memory_equal(out + 5, line, span - 1);
    assert_int_equal(out[5 + span - 1], '>');
    char back[16];
    snprintf(back, sizeof(back), "\x1b[%zuD", span);
    assert_string_equal(out + 5 + span, back);
    /* Every rendering fits the terminal's width (escape sequences aside). */
    for (size_t at = 0; at <= 120; at++) {
        editor.cursor = at;
        length = editor_render(&editor, "dbg> ", out, sizeof(out));
        char *escape = strchr(out, '\x1b');
        size_t columns = escape != NULL ? (size_t)(escape - out) : length;
        assert_true(columns <= EDITOR_COLUMNS);
    }
}

static void test_render_cuts_to_capacity(void **state)
{
    char out[8];

    (void)state;
    type("log stats");
    assert_int_equal(editor_render(&editor, "dbg> ", out, sizeof(out)), 7);
    assert_string_equal(out, "dbg> lo");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(test_typing_and_enter, setup),
            cmocka_unit_test_setup(test_backspace_and_delete_at_the_edges, setup),
            cmocka_unit_test_setup(test_cursor_moves_and_inserts, setup),
            cmocka_unit_test_setup(test_kill_keys, setup),
            cmocka_unit_test_setup(test_cancel, setup),
            cmocka_unit_test_setup(test_history_up_and_down_past_the_ends, setup),
            cmocka_unit_test_setup(test_history_recall_runs_again, setup),
            cmocka_unit_test_setup(test_editing_a_recalled_line_keeps_the_history, setup),
            cmocka_unit_test_setup(test_history_blank_lines_are_not_kept, setup),
            cmocka_unit_test_setup(test_history_ring_keeps_the_newest, setup),
            cmocka_unit_test_setup(test_overlong_line_is_refused, setup),
            cmocka_unit_test_setup(test_overflow_ends_when_the_line_is_emptied, setup),
            cmocka_unit_test_setup(test_render_short_line, setup),
            cmocka_unit_test_setup(test_render_long_line_shows_a_window, setup),
            cmocka_unit_test_setup(test_render_cuts_to_capacity, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
