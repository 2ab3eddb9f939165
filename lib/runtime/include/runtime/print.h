/*
 * Formatted console output for user programs, through the kernel's debug console
 * (seL4_DebugPutChar). Formats as lib/fmt does; lines from different threads may interleave.
 */
#ifndef RUNTIME_PRINT_H
#define RUNTIME_PRINT_H

#include <stdarg.h>

int printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *format, va_list args);
int puts(const char *s); /* the string and a newline */
int putchar(int c);

#endif
