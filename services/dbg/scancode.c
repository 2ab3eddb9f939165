/*
 * Scancode sets 1 and 2 (scancode.h). Set 2 is decoded by way of the same table the i8042 uses
 * to translate it, so both sets name keys alike and keymap.c needs one layout.
 */
#include "scancode.h"

#define PREFIX_EXTENDED  0xe0
#define PREFIX_PAUSE     0xe1
#define PREFIX_RELEASE   0xf0 /* set 2 */
#define SET1_RELEASED    0x80
#define PAUSE_REST_SET1  5 /* E1 1D 45 E1 9D C5 */
#define PAUSE_REST_SET2  7 /* E1 14 77 E1 F0 14 F0 77 */
#define SET1_LEFT_SHIFT  0x2a
#define SET1_RIGHT_SHIFT 0x36

/* Set 2 code -> set 1 code, for every key of a US 101/104-key keyboard. */
static const uint8_t set2_to_set1[0x84] = {
        [0x01] = 0x43, /* F9 */
        [0x02] = 0x41, /* F7, as some keyboards send it */
        [0x03] = 0x3f, /* F5 */
        [0x04] = 0x3d, /* F3 */
        [0x05] = 0x3b, /* F1 */
        [0x06] = 0x3c, /* F2 */
        [0x07] = 0x58, /* F12 */
        [0x09] = 0x44, /* F10 */
        [0x0a] = 0x42, /* F8 */
        [0x0b] = 0x40, /* F6 */
        [0x0c] = 0x3e, /* F4 */
        [0x0d] = 0x0f, /* Tab */
        [0x0e] = 0x29, /* ` */
        [0x11] = 0x38, /* Alt (E0: right Alt) */
        [0x12] = 0x2a, /* left Shift */
        [0x14] = 0x1d, /* Ctrl (E0: right Ctrl) */
        [0x15] = 0x10, /* Q */
        [0x16] = 0x02, /* 1 */
        [0x1a] = 0x2c, /* Z */
        [0x1b] = 0x1f, /* S */
        [0x1c] = 0x1e, /* A */
        [0x1d] = 0x11, /* W */
        [0x1e] = 0x03, /* 2 */
        [0x1f] = 0x5b, /* E0: left GUI */
        [0x21] = 0x2e, /* C */
        [0x22] = 0x2d, /* X */
        [0x23] = 0x20, /* D */
        [0x24] = 0x12, /* E */
        [0x25] = 0x05, /* 4 */
        [0x26] = 0x04, /* 3 */
        [0x27] = 0x5c, /* E0: right GUI */
        [0x29] = 0x39, /* Space */
        [0x2a] = 0x2f, /* V */
        [0x2b] = 0x21, /* F */
        [0x2c] = 0x14, /* T */
        [0x2d] = 0x13, /* R */
        [0x2e] = 0x06, /* 5 */
        [0x2f] = 0x5d, /* E0: Menu */
        [0x31] = 0x31, /* N */
        [0x32] = 0x30, /* B */
        [0x33] = 0x23, /* H */
        [0x34] = 0x22, /* G */
        [0x35] = 0x15, /* Y */
        [0x36] = 0x07, /* 6 */
        [0x3a] = 0x32, /* M */
        [0x3b] = 0x24, /* J */
        [0x3c] = 0x16, /* U */
        [0x3d] = 0x08, /* 7 */
        [0x3e] = 0x09, /* 8 */
        [0x41] = 0x33, /* , */
        [0x42] = 0x25, /* K */
        [0x43] = 0x17, /* I */
        [0x44] = 0x18, /* O */
        [0x45] = 0x0b, /* 0 */
        [0x46] = 0x0a, /* 9 */
        [0x49] = 0x34, /* . */
        [0x4a] = 0x35, /* / (E0: keypad /) */
        [0x4b] = 0x26, /* L */
        [0x4c] = 0x27, /* ; */
        [0x4d] = 0x19, /* P */
        [0x4e] = 0x0c, /* - */
        [0x52] = 0x28, /* ' */
        [0x54] = 0x1a, /* [ */
        [0x55] = 0x0d, /* = */
        [0x58] = 0x3a, /* Caps Lock */
        [0x59] = 0x36, /* right Shift */
        [0x5a] = 0x1c, /* Enter (E0: keypad Enter) */
        [0x5b] = 0x1b, /* ] */
        [0x5d] = 0x2b, /* \ */
        [0x61] = 0x56, /* the 102nd key */
        [0x66] = 0x0e, /* Backspace */
        [0x69] = 0x4f, /* keypad 1 (E0: End) */
        [0x6b] = 0x4b, /* keypad 4 (E0: Left) */
        [0x6c] = 0x47, /* keypad 7 (E0: Home) */
        [0x70] = 0x52, /* keypad 0 (E0: Insert) */
        [0x71] = 0x53, /* keypad . (E0: Delete) */
        [0x72] = 0x50, /* keypad 2 (E0: Down) */
        [0x73] = 0x4c, /* keypad 5 */
        [0x74] = 0x4d, /* keypad 6 (E0: Right) */
        [0x75] = 0x48, /* keypad 8 (E0: Up) */
        [0x76] = 0x01, /* Escape */
        [0x77] = 0x45, /* Num Lock */
        [0x78] = 0x57, /* F11 */
        [0x79] = 0x4e, /* keypad + */
        [0x7a] = 0x51, /* keypad 3 (E0: Page Down) */
        [0x7b] = 0x4a, /* keypad - */
        [0x7c] = 0x37, /* keypad * (E0: Print Screen) */
        [0x7d] = 0x49, /* keypad 9 (E0: Page Up) */
        [0x7e] = 0x46, /* Scroll Lock */
        [0x83] = 0x41, /* F7 */
};

void scancode_init(scancode_decoder_t *decoder, scancode_set_t set)
{
    decoder->set = set;
    decoder->extended = false;
    decoder->release = false;
    decoder->skip = 0;
}

uint8_t scancode_set2_to_set1(uint8_t code)
{
    return code < sizeof(set2_to_set1) ? set2_to_set1[code] : 0;
}

/* Bytes that are the controller's or keyboard's replies, never keys: error (00, FF), ACK (FA),
 * resend (FE), echo (EE); in set 2 also the self-test result (AA), which in set 1 is the
 * release of left Shift. */
static bool is_reply(const scancode_decoder_t *decoder, uint8_t byte)
{
    return byte == 0x00 || byte == 0xff || byte == 0xfa || byte == 0xfe || byte == 0xee ||
           (decoder->set == SCANCODE_SET_2 && (byte == 0xaa || byte == 0xfc));
}

/* The event for a set-1 code, after the prefixes; false for the fake shifts around Print
 * Screen and the keypad's navigation keys (E0 2A, E0 36, and their releases). */
static bool complete(scancode_decoder_t *decoder, uint8_t code, bool released,
                     scancode_event_t *event)
{
    bool extended = decoder->extended;

    decoder->extended = false;
    decoder->release = false;
    if (code == 0 || (extended && (code == SET1_LEFT_SHIFT || code == SET1_RIGHT_SHIFT))) {
        return false;
    }
    event->key = (uint8_t)(code | (extended ? SCANCODE_EXTENDED : 0));
    event->released = released;
    return true;
}

bool scancode_feed(scancode_decoder_t *decoder, uint8_t byte, scancode_event_t *event)
{
    if (decoder->skip > 0) {
        decoder->skip--;
        return false;
    }
    if (is_reply(decoder, byte)) {
        decoder->extended = false;
        decoder->release = false;
        return false;
    }
    if (byte == PREFIX_PAUSE) {
        decoder->skip = decoder->set == SCANCODE_SET_1 ? PAUSE_REST_SET1 : PAUSE_REST_SET2;
        decoder->extended = false;
        decoder->release = false;
        return false;
    }
    if (byte == PREFIX_EXTENDED) {
        decoder->extended = true;
        return false;
    }
    if (decoder->set == SCANCODE_SET_1) {
        return complete(decoder, byte & (uint8_t)~SET1_RELEASED, (byte & SET1_RELEASED) != 0,
                        event);
    }
    if (byte == PREFIX_RELEASE) {
        decoder->release = true;
        return false;
    }
    return complete(decoder, scancode_set2_to_set1(byte), decoder->release, event);
}
