/*
 * The i8042 keyboard controller (keyboard.h). Every port access is a system call, and a missing
 * controller reads as all ones: each wait is bounded.
 */
#include "keyboard.h"

#define PORT_DATA            0x60
#define PORT_STATUS          0x64 /* read: status; write: controller command */
#define STATUS_OUTPUT_FULL   0x01
#define STATUS_INPUT_FULL    0x02
#define STATUS_AUX_DATA      0x20 /* the byte waiting is the mouse's */
#define COMMAND_READ_CONFIG  0x20
#define COMMAND_WRITE_CONFIG 0x60
#define CONFIG_KEYBOARD_IRQ  0x01
#define CONFIG_KEYBOARD_OFF  0x10 /* the keyboard's clock is stopped */
#define CONFIG_TRANSLATE     0x40
#define SPIN_LIMIT           20000
#define DRAIN_LIMIT          64

static seL4_Uint8 status_read(const keyboard_t *keyboard)
{
    return (seL4_Uint8)seL4_X86_IOPort_In8(keyboard->status, PORT_STATUS).result;
}

static seL4_Uint8 data_read(const keyboard_t *keyboard)
{
    return (seL4_Uint8)seL4_X86_IOPort_In8(keyboard->data, PORT_DATA).result;
}

static bool input_empty(const keyboard_t *keyboard)
{
    for (unsigned spins = 0; spins < SPIN_LIMIT; spins++) {
        if ((status_read(keyboard) & STATUS_INPUT_FULL) == 0) {
            return true;
        }
    }
    return false;
}

static bool output_full(const keyboard_t *keyboard)
{
    for (unsigned spins = 0; spins < SPIN_LIMIT; spins++) {
        if (status_read(keyboard) & STATUS_OUTPUT_FULL) {
            return true;
        }
    }
    return false;
}

static bool command_send(const keyboard_t *keyboard, seL4_Uint8 command)
{
    if (!input_empty(keyboard)) {
        return false;
    }
    return seL4_X86_IOPort_Out8(keyboard->status, PORT_STATUS, command) == seL4_NoError;
}

bool keyboard_init(keyboard_t *keyboard, seL4_CPtr data, seL4_CPtr status, seL4_CPtr irq)
{
    seL4_Uint8 config;

    keyboard->data = data;
    keyboard->status = status;
    keyboard->irq = irq;
    keymap_init(&keyboard->keymap);
    if (data == 0 || status == 0 || irq == 0) {
        return false;
    }
    /* What was typed before the shell ran is dropped, so that the next byte read is the
     * controller's answer. */
    for (unsigned i = 0; i < DRAIN_LIMIT && (status_read(keyboard) & STATUS_OUTPUT_FULL); i++) {
        data_read(keyboard);
    }
    if (!command_send(keyboard, COMMAND_READ_CONFIG) || !output_full(keyboard)) {
        return false;
    }
    config = data_read(keyboard);
    scancode_init(&keyboard->decoder,
                  (config & CONFIG_TRANSLATE) ? SCANCODE_SET_1 : SCANCODE_SET_2);
    if ((config & CONFIG_KEYBOARD_IRQ) == 0 || (config & CONFIG_KEYBOARD_OFF) != 0) {
        config = (seL4_Uint8)((config | CONFIG_KEYBOARD_IRQ) & ~CONFIG_KEYBOARD_OFF);
        if (!command_send(keyboard, COMMAND_WRITE_CONFIG) || !input_empty(keyboard) ||
            seL4_X86_IOPort_Out8(keyboard->data, PORT_DATA, config) != seL4_NoError) {
            return false;
        }
    }
    seL4_IRQHandler_Ack(irq);
    return true;
}

void keyboard_drain(keyboard_t *keyboard, keyboard_key_fn key, void *context)
{
    for (unsigned i = 0; i < DRAIN_LIMIT; i++) {
        seL4_Uint8 status = status_read(keyboard);
        scancode_event_t event;
        if ((status & STATUS_OUTPUT_FULL) == 0) {
            break;
        }
        seL4_Uint8 byte = data_read(keyboard);
        if ((status & STATUS_AUX_DATA) == 0 && scancode_feed(&keyboard->decoder, byte, &event)) {
            key(context, keymap_key(&keyboard->keymap, &event));
        }
    }
    seL4_IRQHandler_Ack(keyboard->irq);
}
