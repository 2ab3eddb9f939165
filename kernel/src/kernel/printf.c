/*
 * Kernel console printing over the shared formatter, and panic.
 */
#include <arch/power.h>
#include <fmt/fmt.h>
#include <kernel/console.h>
#include <kernel/printf.h>

static void console_sink(void *context, char c)
{
    (void)context;
    console_putc(c);
}

void kvprintf(const char *format, va_list args)
{
    fmt_vformat(console_sink, NULL, format, args);
}

void kprintf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    kvprintf(format, args);
    va_end(args);
}

void kputchar(char c)
{
    console_putc(c);
}

void kpanic(const char *format, ...)
{
    va_list args;
    console_prepare_panic();
    kprintf("\nbeaml4 kernel panic: ");
    va_start(args, format);
    kvprintf(format, args);
    va_end(args);
    kprintf("\n");
    machine_panic_stop();
}
