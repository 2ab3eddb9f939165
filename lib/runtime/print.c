/*
 * printf and friends over seL4_DebugPutChar: one system call per character, no buffering, so
 * output is never lost when a thread faults or the machine powers off right after printing.
 */
#include <fmt/fmt.h>
#include <runtime/print.h>
#include <sel4/functions.h>

static void print_sink(void *context, char c)
{
    (void)context;
    seL4_DebugPutChar(c);
}

int vprintf(const char *format, va_list args)
{
    return (int)fmt_vformat(print_sink, NULL, format, args);
}

int printf(const char *format, ...)
{
    va_list args;
    int n;

    va_start(args, format);
    n = (int)fmt_vformat(print_sink, NULL, format, args);
    va_end(args);
    return n;
}

int putchar(int c)
{
    seL4_DebugPutChar((char)c);
    return (unsigned char)c;
}

int puts(const char *s)
{
    int n = 0;

    while (s[n] != '\0') {
        seL4_DebugPutChar(s[n]);
        n++;
    }
    seL4_DebugPutChar('\n');
    return n + 1;
}
