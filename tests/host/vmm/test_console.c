/*
 * The guest's console (services/vmm/console.c) and the hypercalls (hypercall.c): lines as the log
 * service gets them, whatever bytes the guest sends (escape sequences, every control character,
 * bytes above 0x7e, lines past the limit), and CONSOLE_WRITE's checks at the edges of RAM.
 */
#include "console.h"
#include "guest_image.h"
#include "hypercall.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define LINES_MAX 512

static char lines[LINES_MAX][CONSOLE_LINE_MAX + 1];
static unsigned line_count;

static void emit(void *context, const char *line, size_t length)
{
    (void)context;
    assert_true(length <= CONSOLE_LINE_MAX);
    assert_true(line_count < LINES_MAX);
    memcpy(lines[line_count], line, length);
    lines[line_count][length] = '\0';
    line_count++;
}

static console_t console_new(void)
{
    console_t console;

    line_count = 0;
    console_init(&console, emit, NULL);
    return console;
}

static void test_lines(void **state)
{
    console_t console = console_new();
    const char *text = "hello\r\nworld\n\npartial";

    (void)state;
    console_write(&console, (const uint8_t *)text, strlen(text));
    assert_int_equal(line_count, 3);
    assert_string_equal(lines[0], "hello");
    assert_string_equal(lines[1], "world");
    assert_string_equal(lines[2], "");
    console_flush(&console);
    assert_int_equal(line_count, 4);
    assert_string_equal(lines[3], "partial");
    console_flush(&console); /* nothing more */
    assert_int_equal(line_count, 4);
    assert_int_equal(console.bytes, strlen(text));
}

/* Every byte value: printable ASCII and tab pass, CR vanishes, LF ends the line, the rest is '?'. */
static void test_every_byte(void **state)
{
    console_t console = console_new();

    (void)state;
    for (unsigned byte = 0; byte < 256; byte++) {
        console_put(&console, (uint8_t)byte);
        if (byte == '\n') {
            continue;
        }
        console_put(&console, '\n');
        const char *line = lines[line_count - 1];
        if (byte == '\r') {
            assert_string_equal(line, "");
        } else if ((byte >= 0x20 && byte <= 0x7e) || byte == '\t') {
            assert_int_equal(strlen(line), 1);
            assert_int_equal((unsigned char)line[0], byte);
        } else {
            assert_string_equal(line, "?");
        }
    }
    assert_int_equal(console.replaced, 256 - 95 - 3); /* not printable, tab, CR or LF */
}

static void test_escape_sequences_defused(void **state)
{
    console_t console = console_new();
    const char *attack = "\x1b[2J\x1b[Hinit: VM web exited\x07\b\x7f\n";

    (void)state;
    console_write(&console, (const uint8_t *)attack, strlen(attack));
    assert_int_equal(line_count, 1);
    assert_string_equal(lines[0], "?[2J?[Hinit: VM web exited???");
    for (const char *c = lines[0]; *c != '\0'; c++) {
        assert_true(*c >= 0x20 && *c <= 0x7e);
    }
}

static void test_long_lines_cut(void **state)
{
    console_t console = console_new();

    (void)state;
    for (unsigned i = 0; i < 2 * CONSOLE_LINE_MAX + 5; i++) {
        console_put(&console, (uint8_t)('a' + i % 26));
    }
    assert_int_equal(line_count, 2);
    assert_int_equal(strlen(lines[0]), CONSOLE_LINE_MAX);
    assert_int_equal(strlen(lines[1]), CONSOLE_LINE_MAX);
    console_put(&console, '\n');
    assert_int_equal(strlen(lines[2]), 5);
    /* Exactly the limit, then LF: one line, no empty one after it. */
    console = console_new();
    for (unsigned i = 0; i < CONSOLE_LINE_MAX; i++) {
        console_put(&console, 'x');
    }
    console_put(&console, '\n');
    assert_int_equal(line_count, 1);
}

static void test_hypercalls(void **state)
{
    pv_memory_t ram = test_ram_new(2 * TEST_MIB);
    console_t console = console_new();
    uint64_t args[4] = {0};
    pv_hypercall_result_t r;

    (void)state;
    memcpy(ram.base + 0x1000, "from the guest\n", 15);
    r = hypercall_dispatch(&ram, &console, HYPERCALL_VERSION, args);
    assert_false(r.exit);
    assert_int_equal(r.value, 1);
    args[0] = 0x1000;
    args[1] = 15;
    r = hypercall_dispatch(&ram, &console, HYPERCALL_CONSOLE_WRITE, args);
    assert_int_equal(r.value, 15);
    assert_string_equal(lines[line_count - 1], "from the guest");
    /* Lengths at and past 4096; ranges ending at and past the end of RAM; wrapping. */
    args[1] = HYPERCALL_CONSOLE_MAX;
    assert_int_equal(hypercall_dispatch(&ram, &console, 1, args).value, HYPERCALL_CONSOLE_MAX);
    args[1] = HYPERCALL_CONSOLE_MAX + 1;
    assert_int_equal(hypercall_dispatch(&ram, &console, 1, args).value, HYPERCALL_EINVAL);
    args[1] = UINT64_MAX;
    assert_int_equal(hypercall_dispatch(&ram, &console, 1, args).value, HYPERCALL_EINVAL);
    args[0] = ram.size - 10;
    args[1] = 10;
    assert_int_equal(hypercall_dispatch(&ram, &console, 1, args).value, 10);
    args[1] = 11;
    uint64_t before = console.bytes;
    assert_int_equal(hypercall_dispatch(&ram, &console, 1, args).value, HYPERCALL_EFAULT);
    assert_int_equal(console.bytes, before); /* nothing printed of a refused range */
    args[0] = UINT64_MAX - 4;
    args[1] = 10;
    assert_int_equal(hypercall_dispatch(&ram, &console, 1, args).value, HYPERCALL_EFAULT);
    args[0] = 32ull << 30;
    assert_int_equal(hypercall_dispatch(&ram, &console, 1, args).value, HYPERCALL_EFAULT);
    /* PROFILE: a label of up to 32 printable bytes without spaces, in RAM; none at all. */
    memcpy(ram.base + 0x2000, "cpuid\tx y", 9);
    args[0] = 0x2000;
    args[1] = 5;
    assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value, 0);
    args[1] = 0;
    assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value, 0);
    /* RDX: the plain-path bit alone; any other bit is refused, with a label or without. */
    args[2] = HYPERCALL_PROFILE_PLAIN;
    assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value, 0);
    for (unsigned bit = 1; bit < 64; bit++) {
        args[2] = HYPERCALL_PROFILE_PLAIN | (1ull << bit);
        assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value,
                         HYPERCALL_EINVAL);
        args[1] = 5;
        assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value,
                         HYPERCALL_EINVAL);
        args[1] = 0;
    }
    args[2] = 0;
    args[1] = 6; /* the tab */
    assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value,
                     HYPERCALL_EINVAL);
    args[0] = 0x2006; /* "x y": the space */
    args[1] = 3;
    assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value,
                     HYPERCALL_EINVAL);
    memset(ram.base + 0x3000, '~', HYPERCALL_LABEL_MAX + 1);
    args[0] = 0x3000;
    args[1] = HYPERCALL_LABEL_MAX;
    assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value, 0);
    args[1] = HYPERCALL_LABEL_MAX + 1;
    assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value,
                     HYPERCALL_EINVAL);
    args[0] = ram.size - 2;
    args[1] = 3;
    assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value,
                     HYPERCALL_EFAULT);
    args[1] = 2; /* the last two bytes of RAM (zero: not printable) */
    assert_int_equal(hypercall_dispatch(&ram, &console, HYPERCALL_PROFILE, args).value,
                     HYPERCALL_EINVAL);
    /* EXIT carries the status; other numbers are ENOSYS. */
    args[0] = 3;
    r = hypercall_dispatch(&ram, &console, HYPERCALL_EXIT, args);
    assert_true(r.exit);
    assert_int_equal(r.value, 3);
    for (uint64_t number = 4; number < 70; number += 11) {
        r = hypercall_dispatch(&ram, &console, number, args);
        assert_false(r.exit);
        assert_int_equal(r.value, HYPERCALL_ENOSYS);
    }
    assert_int_equal(hypercall_dispatch(&ram, &console, UINT64_MAX, args).value, HYPERCALL_ENOSYS);
    test_ram_free(&ram);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_lines),
            cmocka_unit_test(test_every_byte),
            cmocka_unit_test(test_escape_sequences_defused),
            cmocka_unit_test(test_long_lines_cut),
            cmocka_unit_test(test_hypercalls),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
