/*
 * runtime_panic (runtime/panic.h): the message as one LOG_ERROR line, then a fault.
 */
#include <runtime/log.h>
#include <runtime/panic.h>

void runtime_panic(const char *format, ...)
{
    va_list args;

    log_printf(LOG_ERROR, "panic: ");
    va_start(args, format);
    log_vprintf(LOG_ERROR, format, args);
    va_end(args);
    log_printf(LOG_ERROR, "\n");
    for (;;) {
        __builtin_trap();
    }
}
