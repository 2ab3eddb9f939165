/*
 * The PS/2 keyboard behind the i8042 controller (ports 0x60 and 0x64, IRQ 1, all from init):
 * which scancode set it delivers (set 1 when the controller translates, as firmware usually
 * leaves it; set 2 when not), and the keys its bytes make. dbg never sends the keyboard itself
 * a command: the lock LEDs stay as they are.
 */
#ifndef DBG_KEYBOARD_H
#define DBG_KEYBOARD_H

#include "keymap.h"
#include "scancode.h"
#include <sel4/functions.h>

typedef struct keyboard {
    seL4_CPtr data;   /* port 0x60 */
    seL4_CPtr status; /* port 0x64 */
    seL4_CPtr irq;
    scancode_decoder_t decoder;
    keymap_t keymap;
} keyboard_t;

typedef void (*keyboard_key_fn)(void *context, int key);

/* Reads the controller's configuration and turns the keyboard's interrupt on; false when no
 * controller answers (then the keyboard is not used). */
bool keyboard_init(keyboard_t *keyboard, seL4_CPtr data, seL4_CPtr status, seL4_CPtr irq);

/* Takes every byte the controller holds, calls key for each key they make, and acknowledges
 * the interrupt. */
void keyboard_drain(keyboard_t *keyboard, keyboard_key_fn key, void *context);

#endif
