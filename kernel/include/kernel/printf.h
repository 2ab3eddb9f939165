/*
 * Kernel console output (kernel/console.h: COM1 and the log page) and the kernel's last resort,
 * panic. A panic is for broken kernel invariants only: nothing user space does may lead to one.
 */
#ifndef KERNEL_PRINTF_H
#define KERNEL_PRINTF_H

#include <stdarg.h>

void kprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *format, va_list args);

/* One character to the console, as is (user space's DebugPutChar). */
void kputchar(char c);

__attribute__((noreturn, format(printf, 1, 2))) void kpanic(const char *format, ...);

#endif
