/*
 * Encoding and decoding of requests to init (ipc/init.h).
 */
#include <ipc/init.h>

void init_encode_service_info(ipc_msg_t *msg, seL4_Word index)
{
    ipc_msg_init(msg, INIT_SERVICE_INFO);
    ipc_msg_push(msg, index);
}

void init_encode_memory(ipc_msg_t *msg)
{
    ipc_msg_init(msg, INIT_MEMORY);
}

void init_encode_vm_info(ipc_msg_t *msg, seL4_Word index)
{
    ipc_msg_init(msg, INIT_VM_INFO);
    ipc_msg_push(msg, index);
}

void init_encode_crash(ipc_msg_t *msg, const char *name)
{
    ipc_msg_init(msg, INIT_CRASH);
    ipc_msg_push_string(msg, name, INIT_NAME_BYTES - 1);
}

ipc_error_t init_decode(const ipc_msg_t *msg, init_request_t *request, seL4_Word *field)
{
    seL4_Word at = 0;
    ipc_error_t error;

    *field = 0;
    request->label = (enum init_label)msg->label;
    request->index = 0;
    request->name[0] = '\0';
    switch (msg->label) {
    case INIT_SERVICE_INFO:
    case INIT_VM_INFO:
        if (msg->length != 1) {
            return IPC_ERR_LENGTH;
        }
        request->index = msg->words[0];
        return IPC_OK;
    case INIT_MEMORY:
        return msg->length == 0 ? IPC_OK : IPC_ERR_LENGTH;
    case INIT_CRASH:
        error = ipc_msg_get_string(msg, &at, request->name, sizeof(request->name));
        if (error == IPC_OK && at != msg->length) {
            return IPC_ERR_LENGTH;
        }
        return error;
    default:
        return IPC_ERR_LABEL;
    }
}

const char *init_service_state_name(seL4_Word state)
{
    static const char *const names[] = {"created", "running", "restarting", "failed"};

    return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

const char *init_vm_state_name(seL4_Word state)
{
    static const char *const names[] = {"declared", "running",  "stopped", "exited",
                                        "failed",   "starting", "crashed", "paused"};

    return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}
