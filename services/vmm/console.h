/*
 * The guest's console: bytes from its COM1 (and the CONSOLE_WRITE hypercall) become whole lines
 * for the log service, which the VMM prints as "NAME: text". The bytes are the guest's: anything
 * a terminal would act on (escape sequences, other control characters, bytes outside ASCII) is
 * shown as '?', so a guest can neither redraw the operator's screen nor forge another line; a
 * carriage return is dropped and a line longer than CONSOLE_LINE_MAX is cut into several. Pure:
 * the lines go to a callback (tested on the host).
 */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A log record holds 200 bytes (runtime/log.h); the VM's name and ": " come first. */
#define CONSOLE_LINE_MAX 180

typedef void (*console_emit_fn)(void *context, const char *line, size_t length);

typedef struct console {
    char line[CONSOLE_LINE_MAX];
    size_t length;
    console_emit_fn emit;
    void *context;
    uint64_t bytes;    /* taken from the guest */
    uint64_t lines;    /* emitted */
    uint64_t replaced; /* bytes shown as '?' */
} console_t;

void console_init(console_t *console, console_emit_fn emit, void *context);

/* One byte of the guest's output. */
void console_put(console_t *console, uint8_t byte);
void console_write(console_t *console, const uint8_t *bytes, size_t length);

/* Emits a partial line (the VM is ending). */
void console_flush(console_t *console);

#endif
