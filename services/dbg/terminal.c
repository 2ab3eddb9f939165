/*
 * The serial terminal's bytes as keys (terminal.h). A small state machine: text, then ESC, then
 * the body of a CSI (ESC [) or SS3 (ESC O) sequence up to its final byte.
 */
#include "terminal.h"
#include "key.h"

#define ESC 0x1b

void terminal_init(terminal_t *terminal)
{
    terminal->state = TERMINAL_TEXT;
    terminal->parameter = 0;
    terminal->parameter_done = false;
    terminal->length = 0;
    terminal->after_cr = false;
}

static void sequence_start(terminal_t *terminal, int state)
{
    terminal->state = state;
    terminal->parameter = 0;
    terminal->parameter_done = false;
    terminal->length = 0;
}

/* The keys both CSI and SS3 sequences end with. */
static int cursor_key(unsigned char final)
{
    switch (final) {
    case 'A':
        return KEY_UP;
    case 'B':
        return KEY_DOWN;
    case 'C':
        return KEY_RIGHT;
    case 'D':
        return KEY_LEFT;
    case 'H':
        return KEY_HOME;
    case 'F':
        return KEY_END;
    default:
        return KEY_NONE;
    }
}

/* ESC [ n ~: the editing keys of the VT220 keypad (xterm, the Linux console, PuTTY). */
static int tilde_key(unsigned parameter)
{
    switch (parameter) {
    case 1:
    case 7:
        return KEY_HOME;
    case 3:
        return KEY_DELETE;
    case 4:
    case 8:
        return KEY_END;
    default:
        return KEY_NONE;
    }
}

static int text_byte(terminal_t *terminal, unsigned char byte)
{
    bool after_cr = terminal->after_cr;

    terminal->after_cr = byte == '\r';
    if (byte == ESC) {
        sequence_start(terminal, TERMINAL_ESCAPE);
        return KEY_NONE;
    }
    if (byte == '\n' && after_cr) {
        return KEY_NONE; /* CR LF is one enter */
    }
    if (key_is_printable(byte)) {
        return byte;
    }
    return key_for_control(byte);
}

static int csi_byte(terminal_t *terminal, unsigned char byte)
{
    if (byte >= 0x40 && byte <= 0x7e) {
        terminal->state = TERMINAL_TEXT;
        return byte == '~' ? tilde_key(terminal->parameter) : cursor_key(byte);
    }
    if (byte < 0x20 || byte > 0x3f || ++terminal->length > TERMINAL_SEQUENCE_MAX) {
        /* Not part of a sequence: the sequence is abandoned, the byte counts as typed. */
        terminal->state = TERMINAL_TEXT;
        return byte < 0x20 || byte > 0x3f ? text_byte(terminal, byte) : KEY_NONE;
    }
    if (byte >= '0' && byte <= '9' && !terminal->parameter_done) {
        if (terminal->parameter < 1000) {
            terminal->parameter = terminal->parameter * 10 + (byte - '0');
        }
    } else {
        terminal->parameter_done = true; /* ';' and what follows: modifiers, ignored */
    }
    return KEY_NONE;
}

int terminal_feed(terminal_t *terminal, unsigned char byte)
{
    switch (terminal->state) {
    case TERMINAL_ESCAPE:
        if (byte == '[') {
            sequence_start(terminal, TERMINAL_CSI);
            return KEY_NONE;
        }
        if (byte == 'O') {
            sequence_start(terminal, TERMINAL_SS3);
            return KEY_NONE;
        }
        /* A lone ESC (the Escape key, or Alt held) is dropped; the byte is typed. */
        terminal->state = TERMINAL_TEXT;
        return text_byte(terminal, byte);
    case TERMINAL_CSI:
        return csi_byte(terminal, byte);
    case TERMINAL_SS3:
        terminal->state = TERMINAL_TEXT;
        if (byte >= 0x40 && byte <= 0x7e) {
            return cursor_key(byte);
        }
        return text_byte(terminal, byte);
    case TERMINAL_TEXT:
    default:
        return text_byte(terminal, byte);
    }
}
