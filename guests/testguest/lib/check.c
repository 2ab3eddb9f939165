/*
 * The report format of check.h: one line per check or fact, counted per program. A failed
 * check never stops the program; the summary line and the exit status carry the verdict.
 */
#include "check.h"

#include <stdarg.h>

#include "console.h"

static const char *current_name = "testguest";
static unsigned program_checks;
static unsigned program_failures;
static unsigned total_failures;

void check_begin_program(const char *name)
{
    current_name = name;
    program_checks = 0;
    program_failures = 0;
}

unsigned check_end_program(void)
{
    if (program_failures == 0) {
        console_printf("== %s: %u checks passed\n", current_name, program_checks);
    } else {
        console_printf("== %s: FAILED %u of %u checks\n", current_name, program_failures,
                       program_checks);
    }
    unsigned failures = program_failures;
    current_name = "testguest";
    return failures;
}

unsigned check_failures_total(void)
{
    return total_failures;
}

const char *check_program_name(void)
{
    return current_name;
}

static void record(bool ok)
{
    program_checks++;
    if (!ok) {
        program_failures++;
        total_failures++;
    }
}

static void line(const char *prefix, const char *format, va_list args)
{
    console_printf("%s%s: ", prefix, current_name);
    console_vprintf(format, args);
}

bool check(bool ok, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    line(ok ? "ok " : "FAIL ", format, args);
    va_end(args);
    console_putc('\n');
    record(ok);
    return ok;
}

bool check_eq(uint64_t got, uint64_t expected, const char *format, ...)
{
    bool ok = got == expected;
    va_list args;
    va_start(args, format);
    line(ok ? "ok " : "FAIL ", format, args);
    va_end(args);
    if (!ok) {
        console_printf(" (got %#llx, expected %#llx)", (unsigned long long)got,
                       (unsigned long long)expected);
    }
    console_putc('\n');
    record(ok);
    return ok;
}

void say(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    line("", format, args);
    va_end(args);
    console_putc('\n');
}

void skip(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    line("skip ", format, args);
    va_end(args);
    console_putc('\n');
}

void figure(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    line("figure: ", format, args);
    va_end(args);
    console_putc('\n');
}
