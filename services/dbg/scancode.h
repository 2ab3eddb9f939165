/*
 * PS/2 keyboard scancodes, set 1 (what an i8042 that translates delivers: QEMU and Bochs after
 * their firmware, most PCs) and set 2 (the keyboard's own codes, seen when the firmware left the
 * controller's translation off). Both decode to the same key numbers: the key's set-1 make code,
 * with SCANCODE_EXTENDED for the keys that come after an E0 prefix (arrows, right Ctrl...), and
 * whether it was pressed or released. Pure logic: the bytes come from keyboard.c.
 */
#ifndef DBG_SCANCODE_H
#define DBG_SCANCODE_H

#include <stdbool.h>
#include <stdint.h>

#define SCANCODE_EXTENDED 0x80

typedef enum { SCANCODE_SET_1 = 1, SCANCODE_SET_2 = 2 } scancode_set_t;

typedef struct scancode_event {
    uint8_t key; /* set-1 make code | SCANCODE_EXTENDED */
    bool released;
} scancode_event_t;

typedef struct scancode_decoder {
    scancode_set_t set;
    bool extended; /* an E0 came */
    bool release;  /* set 2: an F0 came */
    unsigned skip; /* bytes left of a Pause sequence (E1 ...), which has no release */
} scancode_decoder_t;

void scancode_init(scancode_decoder_t *decoder, scancode_set_t set);

/* One byte from the keyboard; true when it completes a key event, in *event. Controller
 * replies (ACK, resend, self-test, echo, errors) and the fake shifts some keys wrap themselves
 * in are dropped. */
bool scancode_feed(scancode_decoder_t *decoder, uint8_t byte, scancode_event_t *event);

/* The set-1 code of a set-2 code (the i8042's translation), 0 for none. */
uint8_t scancode_set2_to_set1(uint8_t code);

#endif
