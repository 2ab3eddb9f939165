/*
 * Requests to init for the commands (query.h).
 */
#include "query.h"
#include <runtime/service.h>
#include <runtime/string.h>

ipc_error_t query_service(seL4_Word index, service_row_t *row)
{
    ipc_msg_t msg;
    seL4_Word at = 4;

    init_encode_service_info(&msg, index);
    ipc_error_t error = ipc_call(SERVICE_SLOT_INIT, &msg);
    if (error != IPC_OK) {
        return error;
    }
    if (msg.length < 5) {
        return IPC_ERR_LENGTH;
    }
    row->id = msg.words[0];
    row->state = msg.words[1];
    row->restarts = msg.words[2];
    row->faults = msg.words[3];
    return ipc_msg_get_string(&msg, &at, row->name, sizeof(row->name));
}

bool query_service_id(const char *name, seL4_Word *id)
{
    service_row_t row;

    if (strcmp(name, "init") == 0) {
        *id = SERVICE_ID_INIT;
        return true;
    }
    for (seL4_Word index = 0; query_service(index, &row) == IPC_OK; index++) {
        if (strcmp(row.name, name) == 0) {
            *id = row.id;
            return true;
        }
    }
    return false;
}
