/*
 * The keys the line editor understands, whichever device they came from: a printable ASCII
 * character is its own code (0x20..0x7e), every other key is one of these. The serial
 * terminal's bytes (terminal.h) and the PS/2 keyboard's scancodes (keymap.h) both end here.
 */
#ifndef DBG_KEY_H
#define DBG_KEY_H

enum key_code {
    KEY_NONE = 0, /* nothing for the editor (a byte inside an escape sequence, a modifier...) */
    KEY_ENTER = 0x100,
    KEY_BACKSPACE,
    KEY_DELETE, /* the character under the cursor */
    KEY_LEFT,
    KEY_RIGHT,
    KEY_UP,   /* the previous line of the history */
    KEY_DOWN, /* the next one */
    KEY_HOME,
    KEY_END,
    KEY_CANCEL,    /* Ctrl-C: abandon the line */
    KEY_KILL_LINE, /* Ctrl-U: erase from the start of the line to the cursor */
    KEY_KILL_END,  /* Ctrl-K: erase from the cursor to the end */
    KEY_KILL_WORD, /* Ctrl-W: erase the word before the cursor */
    KEY_DETACH,    /* Ctrl-] on the keyboard: leaves a VM's console (the editor ignores it) */
};

/* True for the codes of printable characters. */
static inline int key_is_printable(int key)
{
    return key >= 0x20 && key <= 0x7e;
}

/* The key a control character stands for (Ctrl-letter, as a terminal sends it and as the
 * keyboard makes it with Ctrl held), KEY_NONE for those the editor does not use. */
int key_for_control(unsigned char byte);

#endif
