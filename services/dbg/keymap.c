/*
 * The US layout (keymap.h), indexed by set-1 make code.
 */
#include "keymap.h"
#include "key.h"
#include <runtime/string.h>

#define KEY_CODE_LEFT_CTRL    0x1d
#define KEY_CODE_LEFT_SHIFT   0x2a
#define KEY_CODE_RIGHT_SHIFT  0x36
#define KEY_CODE_LEFT_ALT     0x38
#define KEY_CODE_CAPS_LOCK    0x3a
#define KEY_CODE_NUM_LOCK     0x45
#define KEY_CODE_ENTER        0x1c
#define KEY_CODE_BACKSPACE    0x0e
#define KEY_CODE_KEYPAD_SLASH (0x35 | SCANCODE_EXTENDED)
#define KEY_CODE_RIGHT_CTRL   (0x1d | SCANCODE_EXTENDED)
#define KEY_CODE_RIGHT_ALT    (0x38 | SCANCODE_EXTENDED)
#define KEY_CODE_KEYPAD_ENTER (0x1c | SCANCODE_EXTENDED)

/* The main block, codes 0x00..0x39: unshifted and shifted characters ('\0': not a character). */
static const char plain[0x3a] = "\0\0"
                                "1234567890-=\0\0"
                                "qwertyuiop[]\0\0"
                                "asdfghjkl;'`\0\\"
                                "zxcvbnm,./\0*\0 ";
static const char shifted[0x3a] = "\0\0"
                                  "!@#$%^&*()_+\0\0"
                                  "QWERTYUIOP{}\0\0"
                                  "ASDFGHJKL:\"~\0|"
                                  "ZXCVBNM<>?\0*\0 ";

/* The keypad, codes 0x47..0x53, with Num Lock on; with it off, the editing keys below. */
static const char keypad_digits[0x0d] = "789-456+1230.";
static const int keypad_keys[0x0d] = {KEY_HOME, KEY_UP,    KEY_NONE,  '-',     KEY_LEFT,
                                      KEY_NONE, KEY_RIGHT, '+',       KEY_END, KEY_DOWN,
                                      KEY_NONE, KEY_NONE,  KEY_DELETE};

void keymap_init(keymap_t *keymap)
{
    memset(keymap, 0, sizeof(*keymap));
}

/* True (and the state updated) when the event was a modifier's. */
static bool modifier(keymap_t *keymap, const scancode_event_t *event)
{
    bool down = !event->released;

    switch (event->key) {
    case KEY_CODE_LEFT_SHIFT:
        keymap->shift_left = down;
        return true;
    case KEY_CODE_RIGHT_SHIFT:
        keymap->shift_right = down;
        return true;
    case KEY_CODE_LEFT_CTRL:
        keymap->ctrl_left = down;
        return true;
    case KEY_CODE_RIGHT_CTRL:
        keymap->ctrl_right = down;
        return true;
    case KEY_CODE_LEFT_ALT:
        keymap->alt_left = down;
        return true;
    case KEY_CODE_RIGHT_ALT:
        keymap->alt_right = down;
        return true;
    case KEY_CODE_CAPS_LOCK:
        /* A lock toggles on its press, not on the repeats while it is held. */
        keymap->caps_lock ^= down && !keymap->caps_held;
        keymap->caps_held = down;
        return true;
    case KEY_CODE_NUM_LOCK:
        keymap->num_lock ^= down && !keymap->num_held;
        keymap->num_held = down;
        return true;
    default:
        return false;
    }
}

/* The keys after an E0 prefix: the editing block, keypad Enter and /. */
static int extended_key(uint8_t key)
{
    switch (key) {
    case 0x48 | SCANCODE_EXTENDED:
        return KEY_UP;
    case 0x50 | SCANCODE_EXTENDED:
        return KEY_DOWN;
    case 0x4b | SCANCODE_EXTENDED:
        return KEY_LEFT;
    case 0x4d | SCANCODE_EXTENDED:
        return KEY_RIGHT;
    case 0x47 | SCANCODE_EXTENDED:
        return KEY_HOME;
    case 0x4f | SCANCODE_EXTENDED:
        return KEY_END;
    case 0x53 | SCANCODE_EXTENDED:
        return KEY_DELETE;
    case KEY_CODE_KEYPAD_ENTER:
        return KEY_ENTER;
    case KEY_CODE_KEYPAD_SLASH:
        return '/';
    default:
        return KEY_NONE;
    }
}

static int character_key(const keymap_t *keymap, uint8_t key)
{
    bool shift = keymap->shift_left || keymap->shift_right;
    char c = plain[key];

    if (c >= 'a' && c <= 'z') {
        if (keymap->ctrl_left || keymap->ctrl_right) {
            return key_for_control((unsigned char)(c - 'a' + 1));
        }
        /* Caps Lock inverts Shift for letters only. */
        return shift != keymap->caps_lock ? c - 'a' + 'A' : c;
    }
    if (keymap->ctrl_left || keymap->ctrl_right) {
        /* Ctrl-], the console attach's detach key (a terminal sends 0x1d for it). */
        return c == ']' && !shift ? KEY_DETACH : KEY_NONE;
    }
    if (shift) {
        c = shifted[key];
    }
    return c != '\0' ? c : KEY_NONE;
}

int keymap_key(keymap_t *keymap, const scancode_event_t *event)
{
    uint8_t key = event->key;

    if (modifier(keymap, event) || event->released || keymap->alt_left || keymap->alt_right) {
        return KEY_NONE;
    }
    if (key & SCANCODE_EXTENDED) {
        return extended_key(key);
    }
    if (key == KEY_CODE_ENTER) {
        return KEY_ENTER;
    }
    if (key == KEY_CODE_BACKSPACE) {
        return KEY_BACKSPACE;
    }
    if (key >= 0x47 && key <= 0x53) {
        return keymap->num_lock ? keypad_digits[key - 0x47] : keypad_keys[key - 0x47];
    }
    if (key < sizeof(plain)) {
        return character_key(keymap, key);
    }
    return KEY_NONE;
}
