/*
 * Encoding and decoding of the log service's requests (ipc/log.h).
 */
#include <ipc/log.h>

#define LEVEL_MAX 3 /* LOG_ERROR of runtime/log.h */

void log_encode_attach(ipc_msg_t *msg, seL4_Word client, seL4_Word ring, seL4_Word bytes,
                       const char *name)
{
    ipc_msg_init(msg, LOG_ATTACH);
    ipc_msg_push(msg, client);
    ipc_msg_push(msg, ring);
    ipc_msg_push(msg, bytes);
    ipc_msg_push_string(msg, name, LOG_NAME_BYTES - 1);
}

void log_encode_detach(ipc_msg_t *msg, seL4_Word client)
{
    ipc_msg_init(msg, LOG_DETACH);
    ipc_msg_push(msg, client);
}

void log_encode_set_level(ipc_msg_t *msg, seL4_Word client, seL4_Word level)
{
    ipc_msg_init(msg, LOG_SET_LEVEL);
    ipc_msg_push(msg, client);
    ipc_msg_push(msg, level);
}

void log_encode_stats(ipc_msg_t *msg, seL4_Word client)
{
    ipc_msg_init(msg, LOG_STATS);
    ipc_msg_push(msg, client);
}

void log_encode_console(ipc_msg_t *msg, enum log_label label, const char *text, size_t length)
{
    ipc_msg_init(msg, label);
    ipc_msg_push_string(msg, text, length < LOG_CONSOLE_MAX ? length : LOG_CONSOLE_MAX);
}

static ipc_error_t client_field(seL4_Word client, bool zero_allowed)
{
    return (client == 0 && !zero_allowed) || client > IPC_BADGE_ID_MASK ? IPC_ERR_FIELD : IPC_OK;
}

ipc_error_t log_decode(const ipc_msg_t *msg, log_request_t *request, seL4_Word *field)
{
    seL4_Word at = 0;
    ipc_error_t error = IPC_OK;

    *field = 0;
    request->label = (enum log_label)msg->label;
    request->client = 0;
    request->ring = 0;
    request->ring_bytes = 0;
    request->level = 0;
    request->text[0] = '\0';
    switch (msg->label) {
    case LOG_ATTACH:
        if (msg->length < 4) {
            return IPC_ERR_LENGTH;
        }
        request->client = msg->words[0];
        request->ring = msg->words[1];
        request->ring_bytes = msg->words[2];
        at = 3;
        error = client_field(request->client, false);
        if (error == IPC_OK) {
            error = ipc_msg_get_string(msg, &at, request->text, LOG_NAME_BYTES);
            *field = 3;
        }
        break;
    case LOG_DETACH:
    case LOG_STATS:
        if (msg->length != 1) {
            return IPC_ERR_LENGTH;
        }
        request->client = msg->words[0];
        at = 1;
        error = client_field(request->client, false);
        break;
    case LOG_SET_LEVEL:
        if (msg->length != 2) {
            return IPC_ERR_LENGTH;
        }
        request->client = msg->words[0];
        request->level = msg->words[1];
        at = 2;
        error = client_field(request->client, true);
        if (error == IPC_OK && request->level > LEVEL_MAX) {
            *field = 1;
            return IPC_ERR_FIELD;
        }
        break;
    case LOG_CONSOLE_WRITE:
    case LOG_CONSOLE_PROMPT:
        error = ipc_msg_get_string(msg, &at, request->text, sizeof(request->text));
        break;
    default:
        return IPC_ERR_LABEL;
    }
    if (error == IPC_OK && at != msg->length) {
        return IPC_ERR_LENGTH; /* words beyond the request */
    }
    return error;
}
