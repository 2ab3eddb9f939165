/*
 * Host tests of dbg's command dispatcher (services/dbg/command.c) and of its real command table
 * (table.c, with the handlers replaced by recorders): which handler a line reaches with which
 * arguments, and the exact messages for unknown commands and wrong argument counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "commands.h"

static char transcript[4096];
static size_t transcript_length;
static char called[64];
static unsigned called_argc;
static char called_argv[8][32];

static void capture(void *context, const char *text, size_t length)
{
    (void)context;
    assert_true(transcript_length + length < sizeof(transcript));
    memcpy(transcript + transcript_length, text, length);
    transcript_length += length;
    transcript[transcript_length] = '\0';
}

static output_t out = {capture, NULL, NULL};

static void record(const char *name, unsigned argc, char *const *argv)
{
    snprintf(called, sizeof(called), "%s", name);
    called_argc = argc;
    for (unsigned i = 0; i < argc && i < 8; i++) {
        snprintf(called_argv[i], sizeof(called_argv[i]), "%s", argv[i]);
    }
}

/* The real handlers, replaced: each records its call. */
#define RECORDER(fn)                                                                               \
    void fn(output_t *o, unsigned argc, char *const *argv)                                         \
    {                                                                                              \
        (void)o;                                                                                   \
        record(#fn, argc, argv);                                                                   \
    }
RECORDER(cmd_ps)
RECORDER(cmd_mem)
RECORDER(cmd_uptime)
RECORDER(cmd_svc_crash)
RECORDER(cmd_log_level)
RECORDER(cmd_log_stats)
RECORDER(cmd_vm_list)
RECORDER(cmd_vm_info)
RECORDER(cmd_vm_start)
RECORDER(cmd_vm_kill)
RECORDER(cmd_vm_reboot)
RECORDER(cmd_vm_pause)
RECORDER(cmd_vm_resume)
RECORDER(cmd_vm_mode)
RECORDER(cmd_vm_console)
RECORDER(cmd_vm_stats)

static int setup(void **state)
{
    (void)state;
    transcript[0] = '\0';
    transcript_length = 0;
    called[0] = '\0';
    called_argc = 99;
    return 0;
}

/* Runs a line (copied: the dispatcher splits it in place). */
static command_status_t run(const char *line)
{
    char copy[256];

    snprintf(copy, sizeof(copy), "%s", line);
    return command_run(&dbg_commands, copy, &out);
}

static void expect_call(const char *line, const char *handler, unsigned argc)
{
    setup(NULL);
    assert_int_equal(run(line), COMMAND_RAN);
    assert_string_equal(called, handler);
    assert_int_equal(called_argc, argc);
    assert_string_equal(transcript, "");
}

static void expect_message(const char *line, command_status_t status, const char *message)
{
    setup(NULL);
    assert_int_equal(run(line), status);
    assert_string_equal(called, "");
    assert_string_equal(transcript, message);
}

static void test_each_command_reaches_its_handler(void **state)
{
    (void)state;
    expect_call("ps", "cmd_ps", 0);
    expect_call("mem", "cmd_mem", 0);
    expect_call("uptime", "cmd_uptime", 0);
    expect_call("log stats", "cmd_log_stats", 0);
    expect_call("vm list", "cmd_vm_list", 0);
    expect_call("vm start web", "cmd_vm_start", 1);
    expect_call("vm kill web", "cmd_vm_kill", 1);
    expect_call("vm reboot web", "cmd_vm_reboot", 1);
    expect_call("vm pause web", "cmd_vm_pause", 1);
    expect_call("vm resume web", "cmd_vm_resume", 1);
    expect_call("vm mode web svm", "cmd_vm_mode", 2);
    assert_string_equal(called_argv[0], "web");
    assert_string_equal(called_argv[1], "svm");
    expect_call("vm console web", "cmd_vm_console", 1);
    expect_call("vm stats web", "cmd_vm_stats", 1);
    expect_call("vm info web", "cmd_vm_info", 1);
    expect_call("log level", "cmd_log_level", 0);
    expect_call("svc crash log", "cmd_svc_crash", 1);
    assert_string_equal(called_argv[0], "log");
}

static void test_spaces_and_tabs_separate_words(void **state)
{
    (void)state;
    expect_call("   ps   ", "cmd_ps", 0);
    expect_call("\tlog \t level\tdbg   debug ", "cmd_log_level", 2);
    assert_string_equal(called_argv[0], "dbg");
    assert_string_equal(called_argv[1], "debug");
}

static void test_empty_lines_do_nothing(void **state)
{
    (void)state;
    expect_message("", COMMAND_EMPTY, "");
    expect_message("  \t ", COMMAND_EMPTY, "");
}

static void test_unknown_commands(void **state)
{
    (void)state;
    expect_message("foo", COMMAND_UNKNOWN, "unknown command 'foo': try help\n");
    expect_message("foo bar baz", COMMAND_UNKNOWN, "unknown command 'foo': try help\n");
    expect_message("PS", COMMAND_UNKNOWN, "unknown command 'PS': try help\n");
    expect_message("pss", COMMAND_UNKNOWN, "unknown command 'pss': try help\n");
    expect_message("vm foo", COMMAND_UNKNOWN, "unknown command 'vm foo': try help vm\n");
    expect_message("log levels", COMMAND_UNKNOWN, "unknown command 'log levels': try help log\n");
}

static void test_group_word_alone(void **state)
{
    (void)state;
    expect_message("log", COMMAND_BAD_USAGE, "'log' needs one more word: log level log stats\n");
    expect_message("vm", COMMAND_BAD_USAGE,
                   "'vm' needs one more word: vm list vm info vm start vm kill vm reboot "
                   "vm pause vm resume vm mode vm console vm stats\n");
    expect_message("svc", COMMAND_BAD_USAGE, "'svc' needs one more word: svc crash\n");
}

static void test_argument_counts(void **state)
{
    (void)state;
    expect_message("ps all", COMMAND_BAD_USAGE, "ps: too many arguments (usage: ps)\n");
    expect_message("vm list now", COMMAND_BAD_USAGE,
                   "vm list: too many arguments (usage: vm list)\n");
    expect_message("svc crash", COMMAND_BAD_USAGE,
                   "svc crash: missing argument (usage: svc crash NAME)\n");
    expect_message("svc crash log dbg", COMMAND_BAD_USAGE,
                   "svc crash: too many arguments (usage: svc crash NAME)\n");
    expect_message("log level a b c", COMMAND_BAD_USAGE,
                   "log level: too many arguments (usage: log level [NAME|all] [LEVEL])\n");
    expect_message("vm mode", COMMAND_BAD_USAGE,
                   "vm mode: missing argument (usage: vm mode NAME MODE)\n");
    expect_message("vm mode web", COMMAND_BAD_USAGE,
                   "vm mode: missing argument (usage: vm mode NAME MODE)\n");
    expect_message("vm mode web svm now", COMMAND_BAD_USAGE,
                   "vm mode: too many arguments (usage: vm mode NAME MODE)\n");
    expect_message("help a b", COMMAND_BAD_USAGE,
                   "help: too many arguments (usage: help [COMMAND])\n");
}

static void test_too_many_words(void **state)
{
    (void)state;
    expect_message("a b c d e f g h i", COMMAND_BAD_USAGE, "too many words (at most 8)\n");
    /* Eight words are still a line: the command then says what is wrong. */
    expect_message("log level a b c d e f", COMMAND_BAD_USAGE,
                   "log level: too many arguments (usage: log level [NAME|all] [LEVEL])\n");
}

static void test_help_lists_every_command(void **state)
{
    (void)state;
    assert_int_equal(run("help"), COMMAND_RAN);
    assert_non_null(strstr(transcript, "commands:\n"));
    for (unsigned i = 0; i < dbg_commands.count; i++) {
        const command_t *command = &dbg_commands.commands[i];
        char line[256];
        /* One line each: the name and arguments, padded, then the help text. */
        snprintf(line, sizeof(line), "\n  %s%s%s", command->name,
                 command->usage[0] != '\0' ? " " : "", command->usage);
        char *at = strstr(transcript, line);
        assert_non_null(at);
        char *end = strchr(at + 1, '\n');
        assert_non_null(end);
        *end = '\0';
        assert_non_null(strstr(at, command->help));
        assert_int_equal(strlen(at + 1), COMMAND_HELP_COLUMN + 2 + strlen(command->help));
        assert_true(strlen(at + 1) < 80); /* fits a terminal's line */
        *end = '\n';
    }
}

static void test_help_topic(void **state)
{
    (void)state;
    assert_int_equal(run("help log"), COMMAND_RAN);
    assert_non_null(strstr(transcript, "  log level "));
    assert_non_null(strstr(transcript, "  log stats "));
    assert_null(strstr(transcript, "  ps "));
    setup(NULL);
    assert_int_equal(run("help ps"), COMMAND_RAN);
    assert_non_null(strstr(transcript, "  ps "));
    assert_null(strchr(strchr(transcript, '\n') + 1, '\n')); /* one line */
    expect_message("help nothing", COMMAND_RAN, "help: no command 'nothing': try help\n");
}

/* The table itself: names unique, bounds sane, every entry described. */
static void test_table_is_consistent(void **state)
{
    (void)state;
    assert_true(dbg_commands.count >= 8);
    for (unsigned i = 0; i < dbg_commands.count; i++) {
        const command_t *command = &dbg_commands.commands[i];
        assert_true(command->min_args <= command->max_args);
        assert_true(command->max_args < COMMAND_WORDS_MAX);
        assert_true(strlen(command->help) > 10);
        assert_true(strlen(command->name) + 1 + strlen(command->usage) < COMMAND_HELP_COLUMN);
        assert_non_null(command->run);
        for (unsigned j = 0; j < i; j++) {
            assert_string_not_equal(command->name, dbg_commands.commands[j].name);
        }
    }
}

/* A table of the test's own: a command that is also a group's first word. */
static void test_longest_name_wins(void **state)
{
    static const command_t commands[] = {
            {"vm", "[NAME]", "one VM", 0, 1, cmd_ps},
            {"vm list", "", "all VMs", 0, 0, cmd_vm_list},
    };
    static const command_table_t table = {commands, 2};
    char line[32];

    (void)state;
    snprintf(line, sizeof(line), "vm list");
    assert_int_equal(command_run(&table, line, &out), COMMAND_RAN);
    assert_string_equal(called, "cmd_vm_list");
    snprintf(line, sizeof(line), "vm web");
    assert_int_equal(command_run(&table, line, &out), COMMAND_RAN);
    assert_string_equal(called, "cmd_ps");
    assert_int_equal(called_argc, 1);
    snprintf(line, sizeof(line), "vm");
    assert_int_equal(command_run(&table, line, &out), COMMAND_RAN);
    assert_int_equal(called_argc, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(test_each_command_reaches_its_handler, setup),
            cmocka_unit_test_setup(test_spaces_and_tabs_separate_words, setup),
            cmocka_unit_test_setup(test_empty_lines_do_nothing, setup),
            cmocka_unit_test_setup(test_unknown_commands, setup),
            cmocka_unit_test_setup(test_group_word_alone, setup),
            cmocka_unit_test_setup(test_argument_counts, setup),
            cmocka_unit_test_setup(test_too_many_words, setup),
            cmocka_unit_test_setup(test_help_lists_every_command, setup),
            cmocka_unit_test_setup(test_help_topic, setup),
            cmocka_unit_test_setup(test_table_is_consistent, setup),
            cmocka_unit_test_setup(test_longest_name_wins, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
