/*
 * COM1 (a 16550 UART at 0x3f8), polled: the guest's only output. Every line a test prints goes
 * through here, so every line reaches the serial port in order, with "\r\n" endings.
 */
#ifndef TESTGUEST_CONSOLE_H
#define TESTGUEST_CONSOLE_H

#include <stddef.h>
#include <stdarg.h>

#define COM1_BASE 0x3f8

void console_init(void);
void console_putc(char c);
void console_write(const char *s, size_t length);
void console_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
void console_vprintf(const char *format, va_list args);

#endif
