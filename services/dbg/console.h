/*
 * dbg's side of the console, which the log service owns: command output (LOG_CONSOLE_WRITE),
 * sent in whole lines so that a log line printed between two messages never splits one, and the
 * prompt line (LOG_CONSOLE_PROMPT), which the log service erases before every log line and draws
 * again after it.
 */
#ifndef DBG_CONSOLE_H
#define DBG_CONSOLE_H

#include "output.h"

/* Queues text; complete lines go out when the buffer fills. */
void console_write(const char *text, size_t length);

/* Sends what is queued. */
void console_flush(void);

/* Sends what is queued, then sets the prompt line (empty: none). */
void console_prompt(const char *text, size_t length);

/* An output_t that writes here. */
output_t *console_output(void);

#endif
