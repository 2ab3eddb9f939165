/*
 * The US keyboard layout over decoded scancodes (scancode.h): the modifiers' state (Shift,
 * Ctrl, Alt held; Caps Lock and Num Lock toggled) and the editor key each press makes. Releases
 * only change modifiers. Pure logic.
 */
#ifndef DBG_KEYMAP_H
#define DBG_KEYMAP_H

#include "scancode.h"
#include <stdbool.h>

typedef struct keymap {
    bool shift_left;
    bool shift_right;
    bool ctrl_left;
    bool ctrl_right;
    bool alt_left;
    bool alt_right;
    bool caps_lock;
    bool num_lock; /* off: the keypad's 8 4 6 2 7 1 . are the arrows, Home, End, Delete */
    bool caps_held;
    bool num_held;
} keymap_t;

void keymap_init(keymap_t *keymap);

/* The editor key (key.h) the event makes, or KEY_NONE. With Ctrl held a letter makes its
 * control character's key (Ctrl-C cancels the line); with Alt held nothing is typed. */
int keymap_key(keymap_t *keymap, const scancode_event_t *event);

#endif
