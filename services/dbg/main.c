/*
 * dbg, the operator's shell: on the serial console (its bytes come from the log service, which
 * owns COM1, through the console input ring) and on the PS/2 keyboard. Both feed one line
 * editor (shell.h); command output and the prompt line go back through the log service, which
 * keeps the prompt under the log. dbg serves no requests: it is a client of init and the log.
 */
#include "commands.h"
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
        for (size_t i = 0; i < length; i++) {
            shell_key(&shell, terminal_feed(&terminal, (unsigned char)chunk[i]));
        }
    }
    if (records == 0) {
        shell_invalidate(&shell);
    }
    shell_redraw(&shell);
}

static void keyboard_key(void *context, int key)
{
    shell_key(context, key);
}

static void on_keyboard(void *context, seL4_Word bits)
{
    (void)context;
    (void)bits;
    keyboard_drain(&keyboard, keyboard_key, &shell);
    shell_redraw(&shell);
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
