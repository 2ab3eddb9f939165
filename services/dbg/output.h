/*
 * Where a command's output goes: a write function and its context. In the service it is the
 * console (console.c, through the log service); in the host tests a buffer. Commands print
 * whole lines, each ending with a newline.
 */
#ifndef DBG_OUTPUT_H
#define DBG_OUTPUT_H

#include <stddef.h>

typedef struct output {
    void (*write)(void *context, const char *text, size_t length);
    void (*flush)(void *context); /* sends what write queued (NULL: nothing is queued) */
    void *context;
} output_t;

/* Makes sure what was written has gone out (before something that may not return). */
void output_flush(output_t *out);

void output_text(output_t *out, const char *text);
void output_printf(output_t *out, const char *format, ...) __attribute__((format(printf, 2, 3)));

#endif
