/*
 * Encoding and decoding of the time service's requests (ipc/time.h).
 */
#include <ipc/time.h>

void time_encode_set(ipc_msg_t *msg, seL4_Word token, seL4_Uint64 deadline)
{
    ipc_msg_init(msg, TIME_SET);
    ipc_msg_push(msg, token);
    ipc_msg_push(msg, deadline);
}

void time_encode_cancel(ipc_msg_t *msg, seL4_Word token)
{
    ipc_msg_init(msg, TIME_CANCEL);
    ipc_msg_push(msg, token);
}

void time_encode_info(ipc_msg_t *msg)
{
    ipc_msg_init(msg, TIME_INFO);
}

void time_encode_attach(ipc_msg_t *msg, seL4_Word client)
{
    ipc_msg_init(msg, TIME_ATTACH);
    ipc_msg_push(msg, client);
}

/* The number of words each request has (exactly). */
static int time_request_words(seL4_Word label)
{
    switch (label) {
    case TIME_SET:
        return 2;
    case TIME_CANCEL:
    case TIME_ATTACH:
        return 1;
    case TIME_INFO:
        return 0;
    default:
        return -1;
    }
}

ipc_error_t time_decode(const ipc_msg_t *msg, time_request_t *request, seL4_Word *field)
{
    int words = time_request_words(msg->label);

    *field = 0;
    if (words < 0) {
        return IPC_ERR_LABEL;
    }
    if (msg->length != (seL4_Word)words) {
        return IPC_ERR_LENGTH;
    }
    request->label = (enum time_label)msg->label;
    request->token = 0;
    request->deadline = 0;
    request->client = 0;
    switch (msg->label) {
    case TIME_SET:
        request->token = msg->words[0];
        request->deadline = msg->words[1];
        if (request->deadline == 0) {
            *field = 1;
            return IPC_ERR_FIELD;
        }
        break;
    case TIME_CANCEL:
        request->token = msg->words[0];
        break;
    case TIME_ATTACH:
        request->client = msg->words[0];
        if (request->client == 0 || request->client >= TIME_CLIENTS_MAX) {
            return IPC_ERR_FIELD;
        }
        break;
    default:
        break;
    }
    return IPC_OK;
}
