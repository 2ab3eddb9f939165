/*
 * dbg, the operator's shell: on the serial console (its bytes come from the log service, which
 * owns COM1, through the console input ring) and on the PS/2 keyboard. Both feed one line
 * editor (shell.h); command output and the prompt line go back through the log service, which
 * keeps the prompt under the log. dbg serves no requests: it is a client of init and the log.
 */
#include "attach.h"
#include "commands.h"
#include "console.h"
#include "key.h"
#include "keyboard.h"
#include "shell.h"
#include "terminal.h"
#include <algorithms/ringbuf.h>
#include <ipc/dbg.h>
#include <runtime/event.h>
#include <runtime/print.h>
#include <runtime/service.h>
#include <runtime/tsc.h>

static event_loop_t loop;
static shell_t shell;
static terminal_t terminal;
static ringbuf_t input;
static bool input_attached;
static keyboard_t keyboard;
/* One record of the input ring at most (the log service writes far smaller ones). */
static char chunk[DBG_INPUT_RING_CAPACITY];

/* While attached to a VM's console the prompt line is down (the VM's lines, not the shell's,
 * are what the operator reads); when the shell comes back, it goes up again. */
static bool prompt_down;

static void prompt_update(void)
{
    if (attach_active()) {
        if (!prompt_down) {
            console_prompt("", 0);
            prompt_down = true;
        }
        return;
    }
    if (prompt_down) {
        prompt_down = false;
        shell_invalidate(&shell);
    }
    shell_redraw(&shell);
}

/* Serial bytes: to the attached VM while there is one (a command may attach in the middle of a
 * read, and the detach key hand the rest back), else to the line editor. */
static void serial_bytes(const uint8_t *bytes, size_t length)
{
    size_t at = 0;

    while (at < length) {
        if (attach_active()) {
            at += attach_feed(bytes + at, length - at);
        } else {
            shell_key(&shell, terminal_feed(&terminal, bytes[at++]));
        }
    }
}

/* Serial input from the log service. A signal with nothing in the ring is the log service
 * saying it started again: its console has no prompt line until dbg sends it. */
static void on_input(void *context, seL4_Word bits)
{
    size_t length;
    alg_error_t error;
    unsigned records = 0;

    (void)context;
    (void)bits;
    while (input_attached &&
           (error = ringbuf_read(&input, chunk, sizeof(chunk), &length)) != ALG_ERR_EMPTY) {
        records++;
        if (error != ALG_OK) {
            printf("the console input ring is corrupt (error %d): serial input stops\n",
                   (int)error);
            input_attached = false;
            break;
        }
        serial_bytes((const uint8_t *)chunk, length);
    }
    if (records == 0) {
        shell_invalidate(&shell);
    }
    prompt_update();
}

/* A key as the byte a terminal would send for it, for the attached VM; -1 for none. */
static int keyboard_byte(int key)
{
    switch (key) {
    case KEY_ENTER:
        return '\r';
    case KEY_BACKSPACE:
        return 0x7f;
    case KEY_CANCEL:
        return 0x03;
    case KEY_DETACH:
        return ATTACH_DETACH_KEY;
    default:
        return key_is_printable(key) ? key : -1;
    }
}

static void keyboard_key(void *context, int key)
{
    if (!attach_active()) {
        shell_key(context, key);
        return;
    }
    int byte = keyboard_byte(key);
    if (byte >= 0) {
        uint8_t one = (uint8_t)byte;
        attach_feed(&one, 1);
    }
}

static void on_keyboard(void *context, seL4_Word bits)
{
    (void)context;
    (void)bits;
    keyboard_drain(&keyboard, keyboard_key, &shell);
    prompt_update();
}

/* The line that says where the shell listens (the log service prefixes "dbg: "). */
static void announce(bool restarted, bool has_keyboard)
{
    const char *state = restarted ? "restarted" : "ready";

    if (!input_attached && !has_keyboard) {
        printf("shell %s, but with no input: no console input ring, no keyboard\n", state);
        return;
    }
    printf("shell %s on %s%s", state, input_attached ? "the serial console" : "",
           input_attached && has_keyboard ? " and " : "");
    if (has_keyboard) {
        printf("the PS/2 keyboard (scancode set %d)", (int)keyboard.decoder.set);
    }
    printf("; type help\n");
}

int service_main(const service_info_t *info)
{
    bool has_keyboard;

    cmd_uptime_init(tsc_read());
    terminal_init(&terminal);
    shell_init(&shell, &dbg_commands);
    input_attached = info->words[DBG_WORD_INPUT_RING] != 0 &&
                     ringbuf_attach(&input, (void *)info->words[DBG_WORD_INPUT_RING],
                                    info->words[DBG_WORD_INPUT_RING_BYTES],
                                    DBG_INPUT_RING_CAPACITY) == ALG_OK;
    has_keyboard = keyboard_init(&keyboard, info->caps[DBG_CAP_PS2_DATA],
                                 info->caps[DBG_CAP_PS2_STATUS], info->caps[DBG_CAP_PS2_IRQ]);
    announce(info->restarts != 0, has_keyboard);
    event_loop_init(&loop, SERVICE_SLOT_ENDPOINT, 0);
    event_on_signal(&loop, DBG_BIT_INPUT, on_input, NULL);
    if (has_keyboard) {
        event_on_signal(&loop, DBG_BIT_KEYBOARD, on_keyboard, NULL);
    }
    /* Input that came while the shell was not running (or being restarted) is taken now. */
    on_input(NULL, 0);
    event_loop_run(&loop);
}
