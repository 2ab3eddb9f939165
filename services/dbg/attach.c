/*
 * The console attach (attach.h). Bytes go to init in messages of at most VMM_CONSOLE_BYTES_MAX;
 * init never waits for the VMM, so neither does the shell. Bytes the VM's input ring had no
 * room for are counted and reported, never dropped silently.
 */
#include "attach.h"
#include "console.h"
#include "vm_query.h"
#include <fmt/fmt.h>
#include <ipc/vmm.h>
#include <runtime/service.h>
#include <runtime/string.h>

static bool active;
static char attached[VMM_NAME_BYTES];

void attach_begin(const char *name)
{
    size_t length = strlen(name);

    if (length >= sizeof(attached)) {
        return; /* the caller found it in init's table, whose names fit */
    }
    memcpy(attached, name, length + 1);
    active = true;
}

bool attach_active(void)
{
    return active;
}

void attach_end(const char *why)
{
    output_t *out = console_output();

    active = false;
    if (why == NULL) {
        output_printf(out, "vm console: detached from %s\n", attached);
    } else {
        output_printf(out, "vm console: %s %s: detached\n", attached, why);
    }
    console_flush();
}

/* Why init refused: the VM's state as init now has it. */
static void refused(ipc_error_t error)
{
    vm_row_t row;
    char why[64];

    if (error == IPC_ERR_NOT_FOUND || !vm_find(attached, &row)) {
        attach_end("is no longer declared");
        return;
    }
    if (error == IPC_ERR_BUSY) {
        fmt_snprintf(why, sizeof(why), "is %s", init_vm_state_name(row.state));
    } else {
        fmt_snprintf(why, sizeof(why), "refused the input (init answered %s)",
                     ipc_error_name(error));
    }
    attach_end(why);
}

/* One message: false when the shell detached. */
static bool send_chunk(const uint8_t *bytes, size_t length)
{
    ipc_msg_t msg;

    vmm_encode_vm_console(&msg, attached, bytes, length);
    ipc_error_t error = ipc_call(SERVICE_SLOT_INIT, &msg);
    if (error != IPC_OK) {
        refused(error);
        return false;
    }
    seL4_Word taken = msg.length == 1 ? msg.words[0] : 0;
    if (taken < length) {
        output_printf(console_output(),
                      "vm console: %lu bytes dropped (%s's input is full: it is not reading "
                      "COM1)\n",
                      (unsigned long)(length - taken), attached);
        console_flush();
    }
    return true;
}

size_t attach_feed(const uint8_t *bytes, size_t length)
{
    size_t used = 0;

    while (active && used < length) {
        size_t run = 0;
        while (used + run < length && run < VMM_CONSOLE_BYTES_MAX &&
               bytes[used + run] != ATTACH_DETACH_KEY) {
            run++;
        }
        if (run != 0 && !send_chunk(bytes + used, run)) {
            return used + run;
        }
        used += run;
        if (used < length && bytes[used] == ATTACH_DETACH_KEY) {
            attach_end(NULL);
            used++;
        }
    }
    return used;
}
