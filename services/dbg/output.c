/*
 * Formatted command output (output.h): lib/fmt into a small buffer, handed on when full and at
 * the end, so that the writer sees a few pieces rather than single characters.
 */
#include "output.h"
#include <fmt/fmt.h>
#include <runtime/string.h>
#include <stdarg.h>

typedef struct {
    output_t *out;
    char buffer[128];
    size_t length;
} pending_t;

static void pending_flush(pending_t *pending)
{
    if (pending->length > 0) {
        pending->out->write(pending->out->context, pending->buffer, pending->length);
        pending->length = 0;
    }
}

static void pending_sink(void *context, char c)
{
    pending_t *pending = context;

    if (pending->length == sizeof(pending->buffer)) {
        pending_flush(pending);
    }
    pending->buffer[pending->length++] = c;
}

void output_flush(output_t *out)
{
    if (out->flush != NULL) {
        out->flush(out->context);
    }
}

void output_text(output_t *out, const char *text)
{
    out->write(out->context, text, strlen(text));
}

void output_printf(output_t *out, const char *format, ...)
{
    pending_t pending = {.out = out, .length = 0};
    va_list args;

    va_start(args, format);
    fmt_vformat(pending_sink, &pending, format, args);
    va_end(args);
    pending_flush(&pending);
}
