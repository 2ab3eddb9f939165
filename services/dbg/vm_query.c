/*
 * Requests to init about VMs (vm_query.h).
 */
#include "vm_query.h"
#include <runtime/service.h>
#include <runtime/string.h>
#include <vmdecl/vmdecl.h>

ipc_error_t vm_row(seL4_Word index, vm_row_t *row)
{
    ipc_msg_t msg;
    seL4_Word at = 6;

    init_encode_vm_info(&msg, index);
    ipc_error_t error = ipc_call(SERVICE_SLOT_INIT, &msg);
    if (error != IPC_OK) {
        return error;
    }
    if (msg.length < 7) {
        return IPC_ERR_LENGTH;
    }
    row->state = msg.words[0];
    row->mode = msg.words[1];
    row->resolved = msg.words[2];
    row->memory = msg.words[3];
    row->vcpus = msg.words[4];
    row->status = msg.words[5];
    row->reason[0] = '\0';
    error = ipc_msg_get_string(&msg, &at, row->name, sizeof(row->name));
    if (error == IPC_OK) {
        error = ipc_msg_get_string(&msg, &at, row->file, sizeof(row->file));
    }
    if (error == IPC_OK && at < msg.length) {
        error = ipc_msg_get_string(&msg, &at, row->reason, sizeof(row->reason));
    }
    return error;
}

bool vm_find(const char *name, vm_row_t *row)
{
    for (seL4_Word index = 0; vm_row(index, row) == IPC_OK; index++) {
        if (strcmp(row->name, name) == 0) {
            return true;
        }
    }
    return false;
}

void vm_row_mode(const vm_row_t *row, char *out, size_t capacity)
{
    vmdecl_mode_describe((vmdecl_mode_t)row->mode, (vmdecl_mode_t)row->resolved, out, capacity);
}
