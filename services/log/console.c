/*
 * Console composition (console.h) over uart.h and vga.h.
 */
#include "console.h"
#include "uart.h"
#include "vga.h"
#include <fmt/fmt.h>
#include <ipc/log.h>
#include <runtime/string.h>
#include <stdarg.h>

#define ERASE_LINE "\r\x1b[K"

static char prompt[LOG_CONSOLE_MAX + 1];
static size_t prompt_length;
static int prompt_shown;

static void emit(const char *text, size_t length)
{
    uart_write(text, length);
    vga_write(text, length);
}

static void prompt_hide(void)
{
    if (prompt_shown) {
        uart_write(ERASE_LINE, sizeof(ERASE_LINE) - 1);
        vga_clear_line();
        prompt_shown = 0;
    }
}

static void prompt_show(void)
{
    if (prompt_length > 0 && !prompt_shown) {
        emit(prompt, prompt_length);
        prompt_shown = 1;
    }
}

void console_line(const char *name, const char *text, size_t length)
{
    size_t name_length = strlen(name);

    prompt_hide();
    /* A line that names its sender already (init's "init: ...") is not prefixed twice. */
    if (!(length > name_length + 1 && memcmp(text, name, name_length) == 0 &&
          text[name_length] == ':')) {
        emit(name, name_length);
        emit(": ", 2);
    }
    emit(text, length);
    emit("\n", 1);
    prompt_show();
}

void console_text(const char *text, size_t length)
{
    prompt_hide();
    emit(text, length);
}

void console_prompt(const char *text, size_t length)
{
    if (length > LOG_CONSOLE_MAX) {
        length = LOG_CONSOLE_MAX;
    }
    prompt_hide();
    memcpy(prompt, text, length);
    prompt_length = length;
    prompt_show();
}

typedef struct {
    char text[LOG_CONSOLE_MAX];
    size_t length;
} self_line_t;

static void self_sink(void *context, char c)
{
    self_line_t *line = context;

    if (line->length < sizeof(line->text)) {
        line->text[line->length++] = c;
    }
}

void console_self(const char *format, ...)
{
    self_line_t line = {.length = 0};
    va_list args;

    va_start(args, format);
    fmt_vformat(self_sink, &line, format, args);
    va_end(args);
    console_line("log", line.text, line.length);
}
