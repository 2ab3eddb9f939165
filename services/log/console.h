/*
 * The console the log service composes on COM1 and the VGA screen: log lines ("name: text"),
 * console text from dbg, and the prompt line dbg keeps under the log: whenever a log line is
 * printed, the prompt (with what the operator has typed so far) is erased first and drawn again
 * after it, so that log output and the shell share the one serial line without mixing.
 */
#ifndef LOG_CONSOLE_H
#define LOG_CONSOLE_H

#include <stddef.h>

/* One log line of a client. */
void console_line(const char *name, const char *text, size_t length);

/* Console text as it is (dbg's command output). */
void console_text(const char *text, size_t length);

/* The prompt line (empty: none). */
void console_prompt(const char *text, size_t length);

/* A line of the log service's own (printf-like). */
void console_self(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
