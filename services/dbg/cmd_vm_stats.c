/*
 * `vm stats NAME`: init's facts about a VM (state, mode, RAM, uptime, starts) and its VMM's
 * counters, one per line, asked of init a page at a time (VMM_VM_STATS) and each answer checked
 * by lib/ipc before it is printed.
 */
#include "commands.h"
#include <ipc/init.h>
#include <ipc/vmm.h>
#include <runtime/service.h>
#include <runtime/string.h>
#include <vmdecl/vmdecl.h>

static bool stats_refused(output_t *out, const char *name, ipc_error_t error)
{
    switch (error) {
    case IPC_OK:
        return false;
    case IPC_ERR_NOT_FOUND:
        output_printf(out, "vm stats: no VM '%s' (see vm list)\n", name);
        break;
    case IPC_ERR_BUSY:
        output_printf(out, "vm stats: %s has never started (vm start %s)\n", name, name);
        break;
    default:
        output_printf(out, "vm stats: init answered %s\n", ipc_error_name(error));
        break;
    }
    return true;
}

static void stats_head(output_t *out, const char *name, const vmm_stats_reply_t *reply)
{
    output_printf(out, "vm %s: %s, mode %s, %lu MiB, started %lu time%s\n", name,
                  init_vm_state_name(reply->state), vmdecl_mode_name((vmdecl_mode_t)reply->mode),
                  (unsigned long)(reply->memory >> 20), (unsigned long)reply->boots,
                  reply->boots == 1 ? "" : "s");
    output_printf(out, "  uptime %lu.%03lu s\n", (unsigned long)(reply->uptime_ms / 1000),
                  (unsigned long)(reply->uptime_ms % 1000));
    if (reply->settled == 0) {
        output_text(out, "  (its VMM was writing its figures: try again)\n");
    } else if (reply->count == 0) {
        output_text(out, "  (no figures from its VMM yet)\n");
    }
}

void cmd_vm_stats(output_t *out, unsigned argc, char *const *argv)
{
    const char *name = argv[0];
    vmm_stats_reply_t reply;
    ipc_msg_t msg;
    seL4_Word first = 0;

    (void)argc;
    if (strlen(name) >= VMM_NAME_BYTES) {
        output_printf(out, "vm stats: no VM '%s' (see vm list)\n", name);
        return;
    }
    do {
        vmm_encode_vm_stats(&msg, name, first);
        ipc_error_t error = ipc_call(SERVICE_SLOT_INIT, &msg);
        if (error == IPC_OK) {
            error = vmm_decode_stats_reply(&msg, first, &reply);
        }
        if (stats_refused(out, name, error)) {
            return;
        }
        if (first == 0) {
            stats_head(out, name, &reply);
        }
        for (seL4_Word i = 0; i < reply.taken; i++) {
            output_printf(out, "  %-15s %lu\n", reply.name[i], (unsigned long)reply.value[i]);
        }
        first += VMM_STATS_PER_REPLY;
    } while (reply.taken == VMM_STATS_PER_REPLY && first < reply.count);
}
