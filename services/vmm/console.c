/*
 * The guest's console lines (console.h).
 */
#include "console.h"

void console_init(console_t *console, console_emit_fn emit, void *context)
{
    console->length = 0;
    console->emit = emit;
    console->context = context;
    console->bytes = 0;
    console->lines = 0;
    console->replaced = 0;
}

void console_flush(console_t *console)
{
    if (console->length > 0) {
        console->emit(console->context, console->line, console->length);
        console->lines++;
        console->length = 0;
    }
}

void console_put(console_t *console, uint8_t byte)
{
    console->bytes++;
    if (byte == '\n') {
        console->emit(console->context, console->line, console->length);
        console->lines++;
        console->length = 0;
        return;
    }
    if (byte == '\r') {
        return;
    }
    if ((byte < 0x20 && byte != '\t') || byte > 0x7e) {
        byte = '?';
        console->replaced++;
    }
    if (console->length == CONSOLE_LINE_MAX) {
        console_flush(console);
    }
    console->line[console->length++] = (char)byte;
}

void console_write(console_t *console, const uint8_t *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        console_put(console, bytes[i]);
    }
}
