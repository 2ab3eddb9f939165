/*
 * dbg's console output (console.h): requests to the log service, which answers each once it
 * has put the text on the line.
 */
#include "console.h"
#include <ipc/log.h>
#include <runtime/service.h>
#include <runtime/string.h>

static char pending[LOG_CONSOLE_MAX];
static size_t pending_length;

static void console_send(enum log_label label, const char *text, size_t length)
{
    ipc_msg_t msg;

    log_encode_console(&msg, label, text, length);
    ipc_call(SERVICE_SLOT_LOG, &msg);
}

/* Sends the first count queued bytes. */
static void pending_send(size_t count)
{
    console_send(LOG_CONSOLE_WRITE, pending, count);
    memmove(pending, pending + count, pending_length - count);
    pending_length -= count;
}

void console_write(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (pending_length == sizeof(pending)) {
            /* Whole lines when there are any: a longer line has to be cut. */
            size_t count = pending_length;
            while (count > 0 && pending[count - 1] != '\n') {
                count--;
            }
            pending_send(count > 0 ? count : pending_length);
        }
        /* A NUL would make the request malformed. */
        pending[pending_length] = text[i];
        if (text[i] == '\0') {
            pending[pending_length] = '?';
        }
        pending_length++;
    }
}

void console_flush(void)
{
    if (pending_length > 0) {
        pending_send(pending_length);
    }
}

void console_prompt(const char *text, size_t length)
{
    console_flush();
    console_send(LOG_CONSOLE_PROMPT, text, length);
}

static void output_write(void *context, const char *text, size_t length)
{
    (void)context;
    console_write(text, length);
}

static void output_send(void *context)
{
    (void)context;
    console_flush();
}

output_t *console_output(void)
{
    static output_t output = {output_write, output_send, NULL};

    return &output;
}
