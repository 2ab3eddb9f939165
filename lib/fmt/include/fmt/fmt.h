/*
 * Formatted output shared by the kernel and user space: a printf subset that writes through a
 * caller-supplied sink. Freestanding, reentrant, no allocation.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %% with the length modifiers h, hh, l, ll, z, the flags
 * '-', '0', ' ', '+', '#', a field width and a precision ('*' allowed for both). Anything else is
 * printed literally, so a bad format string can never read past its arguments' types.
 */
#ifndef FMT_FMT_H
#define FMT_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_sink_t)(void *context, char c);

/* Format into the sink; returns the number of characters produced. */
size_t fmt_vformat(fmt_sink_t sink, void *context, const char *format, va_list args);
size_t fmt_format(fmt_sink_t sink, void *context, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

/* snprintf semantics: always terminates when size > 0; returns the untruncated length. */
size_t fmt_vsnprintf(char *buffer, size_t size, const char *format, va_list args);
size_t fmt_snprintf(char *buffer, size_t size, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

#endif
