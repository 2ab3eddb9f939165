/*
 * Host tests of dbg's shell (services/dbg/shell.c) over a recording console: what it sends the
 * log service for each key and line: the prompt line while typing (once per batch of keys), and
 * on enter the prompt taken down, the line as typed (sent before the command runs), the
 * command's output, a fresh prompt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "console.h"
#include "key.h"
#include "shell.h"

/* The console, recorded: "P[text]" for a prompt line, "W[text]" for each write sent. */
static char transcript[8192];
static char pending[1024];
static size_t pending_length;

static void append(const char *kind, const char *text, size_t length)
{
    size_t at = strlen(transcript);

    assert_true(at + length + 4 < sizeof(transcript));
    snprintf(transcript + at, sizeof(transcript) - at, "%s[%.*s]", kind, (int)length, text);
}

void console_write(const char *text, size_t length)
{
    assert_true(pending_length + length < sizeof(pending));
    memcpy(pending + pending_length, text, length);
    pending_length += length;
}

void console_flush(void)
{
    if (pending_length > 0) {
        append("W", pending, pending_length);
        pending_length = 0;
    }
}

void console_prompt(const char *text, size_t length)
{
    console_flush();
    append("P", text, length);
}

static void output_write(void *context, const char *text, size_t length)
{
    (void)context;
    console_write(text, length);
}

output_t *console_output(void)
{
    static output_t output = {output_write, NULL, NULL};

    return &output;
}

static void cmd_echo(output_t *out, unsigned argc, char *const *argv)
{
    for (unsigned i = 0; i < argc; i++) {
        output_printf(out, "%s%s", i > 0 ? " " : "", argv[i]);
    }
    output_text(out, "\n");
}

static const command_t commands[] = {
        {"echo", "[WORDS]", "say it again", 0, 6, cmd_echo},
};
static const command_table_t table = {commands, 1};
static shell_t shell;

static int setup(void **state)
{
    (void)state;
    transcript[0] = '\0';
    pending_length = 0;
    shell_init(&shell, &table);
    return 0;
}

static void keys(const char *text)
{
    for (; *text != '\0'; text++) {
        shell_key(&shell, (unsigned char)*text);
    }
}

static void test_first_prompt(void **state)
{
    (void)state;
    shell_redraw(&shell);
    assert_string_equal(transcript, "P[dbg> ]");
    /* Nothing changed: nothing is sent again. */
    shell_redraw(&shell);
    assert_string_equal(transcript, "P[dbg> ]");
}

static void test_typing_redraws_once_per_batch(void **state)
{
    (void)state;
    shell_redraw(&shell);
    keys("ech");
    shell_redraw(&shell);
    keys("o");
    shell_redraw(&shell);
    assert_string_equal(transcript, "P[dbg> ]P[dbg> ech]P[dbg> echo]");
    /* A key that changes nothing draws nothing. */
    shell_key(&shell, KEY_RIGHT);
    shell_key(&shell, KEY_NONE);
    shell_redraw(&shell);
    assert_string_equal(transcript, "P[dbg> ]P[dbg> ech]P[dbg> echo]");
}

static void test_enter_echoes_runs_and_prompts(void **state)
{
    (void)state;
    keys("echo  hello   world");
    shell_key(&shell, KEY_ENTER);
    shell_redraw(&shell);
    assert_string_equal(transcript, "P[]W[dbg> echo  hello   world\n]W[hello world\n]P[dbg> ]");
}

static void test_unknown_command_through_the_shell(void **state)
{
    (void)state;
    keys("frob");
    shell_key(&shell, KEY_ENTER);
    shell_redraw(&shell);
    assert_string_equal(transcript,
                        "P[]W[dbg> frob\n]W[unknown command 'frob': try help\n]P[dbg> ]");
}

static void test_empty_enter_gives_a_new_prompt(void **state)
{
    (void)state;
    shell_key(&shell, KEY_ENTER);
    shell_redraw(&shell);
    assert_string_equal(transcript, "P[]W[dbg> \n]P[dbg> ]");
}

static void test_cancel_shows_the_abandoned_line(void **state)
{
    (void)state;
    keys("echo no");
    shell_key(&shell, KEY_CANCEL);
    shell_redraw(&shell);
    assert_string_equal(transcript, "P[]W[dbg> echo no^C\n]P[dbg> ]");
}

static void test_too_long_is_not_run(void **state)
{
    char line[EDITOR_LINE_MAX + 2];
    char want[512];

    (void)state;
    memcpy(line, "echo ", 5);
    memset(line + 5, 'z', EDITOR_LINE_MAX - 4);
    line[EDITOR_LINE_MAX + 1] = '\0';
    keys(line);
    shell_key(&shell, KEY_ENTER);
    line[EDITOR_LINE_MAX] = '\0';
    snprintf(want, sizeof(want),
             "P[]W[dbg> %s\nline too long (more than %u characters): not run\n]", line,
             EDITOR_LINE_MAX);
    assert_string_equal(transcript, want);
}

static void test_history_recall_runs_the_line_again(void **state)
{
    (void)state;
    keys("echo again");
    shell_key(&shell, KEY_ENTER);
    transcript[0] = '\0';
    shell_key(&shell, KEY_UP);
    shell_redraw(&shell);
    shell_key(&shell, KEY_ENTER);
    shell_redraw(&shell);
    assert_string_equal(transcript, "P[dbg> echo again]P[]W[dbg> echo again\n]W[again\n]P[dbg> ]");
}

static void test_several_lines_in_one_batch(void **state)
{
    (void)state;
    /* A paste: both run in order, one prompt at the end. */
    keys("echo a");
    shell_key(&shell, KEY_ENTER);
    keys("echo b");
    shell_key(&shell, KEY_ENTER);
    keys("ec");
    shell_redraw(&shell);
    assert_string_equal(transcript, "P[]W[dbg> echo a\n]W[a\n]P[]W[dbg> echo b\n]W[b\n]P[dbg> ec]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(test_first_prompt, setup),
            cmocka_unit_test_setup(test_typing_redraws_once_per_batch, setup),
            cmocka_unit_test_setup(test_enter_echoes_runs_and_prompts, setup),
            cmocka_unit_test_setup(test_unknown_command_through_the_shell, setup),
            cmocka_unit_test_setup(test_empty_enter_gives_a_new_prompt, setup),
            cmocka_unit_test_setup(test_cancel_shows_the_abandoned_line, setup),
            cmocka_unit_test_setup(test_too_long_is_not_run, setup),
            cmocka_unit_test_setup(test_history_recall_runs_the_line_again, setup),
            cmocka_unit_test_setup(test_several_lines_in_one_batch, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
