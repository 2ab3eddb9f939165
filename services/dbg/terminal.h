/*
 * What a serial terminal sends, as editor keys: printable bytes, DEL or BS for backspace, CR, LF
 * or CR LF for enter (one key), control characters (key.h), and the escape sequences of the
 * cursor keys (ESC [ A..D, ESC O A..D, ESC [ n ~ ...). The decoder keeps its state between bytes,
 * so a sequence split across reads decodes the same. It never blocks and never fails: a byte it
 * does not understand is dropped, and a malformed sequence ends at its first unexpected byte.
 */
#ifndef DBG_TERMINAL_H
#define DBG_TERMINAL_H

#include <stdbool.h>

/* The longest escape sequence it follows; a longer one is abandoned. */
#define TERMINAL_SEQUENCE_MAX 16

typedef struct terminal {
    enum { TERMINAL_TEXT, TERMINAL_ESCAPE, TERMINAL_CSI, TERMINAL_SS3 } state;
    unsigned parameter; /* the first numeric parameter of a CSI sequence */
    bool parameter_done;
    unsigned length; /* bytes of the sequence so far */
    bool after_cr;   /* the last byte was CR: a LF now completes the same enter */
} terminal_t;

void terminal_init(terminal_t *terminal);

/* The key that byte completes, or KEY_NONE. */
int terminal_feed(terminal_t *terminal, unsigned char byte);

#endif
