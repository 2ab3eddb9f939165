/*
 * Control characters as editor keys (key.h): the Emacs-style bindings terminals and shells use.
 */
#include "key.h"

int key_for_control(unsigned char byte)
{
    switch (byte) {
    case 0x01: /* Ctrl-A */
        return KEY_HOME;
    case 0x02: /* Ctrl-B */
        return KEY_LEFT;
    case 0x03: /* Ctrl-C */
        return KEY_CANCEL;
    case 0x04: /* Ctrl-D */
        return KEY_DELETE;
    case 0x05: /* Ctrl-E */
        return KEY_END;
    case 0x06: /* Ctrl-F */
        return KEY_RIGHT;
    case 0x08: /* Ctrl-H, BS */
    case 0x7f: /* DEL, what most terminals send for backspace */
        return KEY_BACKSPACE;
    case 0x0b: /* Ctrl-K */
        return KEY_KILL_END;
    case 0x0d: /* Ctrl-M, CR */
    case 0x0a: /* Ctrl-J, LF */
        return KEY_ENTER;
    case 0x0e: /* Ctrl-N */
        return KEY_DOWN;
    case 0x10: /* Ctrl-P */
        return KEY_UP;
    case 0x15: /* Ctrl-U */
        return KEY_KILL_LINE;
    case 0x17: /* Ctrl-W */
        return KEY_KILL_WORD;
    default:
        return KEY_NONE;
    }
}
