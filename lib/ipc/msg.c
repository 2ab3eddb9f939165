/*
 * The common message form of ipc/msg.h: building, packing strings, reading them back with
 * every bound checked, and moving messages through the IPC buffer.
 */
#include <ipc/msg.h>

#define WORD_BYTES 8u

void ipc_msg_init(ipc_msg_t *msg, seL4_Word label)
{
    msg->label = label;
    msg->length = 0;
}

bool ipc_msg_push(ipc_msg_t *msg, seL4_Word word)
{
    if (msg->length >= IPC_MAX_WORDS) {
        return false;
    }
    msg->words[msg->length++] = word;
    return true;
}

bool ipc_msg_push_string(ipc_msg_t *msg, const char *text, size_t max)
{
    size_t length = 0;

    while (length < max && text[length] != '\0') {
        length++;
    }
    if (msg->length + 1 + (length + WORD_BYTES - 1) / WORD_BYTES > IPC_MAX_WORDS) {
        return false;
    }
    msg->words[msg->length++] = length;
    for (size_t i = 0; i < length; i += WORD_BYTES) {
        seL4_Word word = 0;
        for (size_t b = 0; b < WORD_BYTES && i + b < length; b++) {
            word |= (seL4_Word)(unsigned char)text[i + b] << (8 * b);
        }
        msg->words[msg->length++] = word;
    }
    return true;
}

ipc_error_t ipc_msg_get_string(const ipc_msg_t *msg, seL4_Word *at, char *out, size_t capacity)
{
    seL4_Word length;
    seL4_Word words;

    if (*at >= msg->length) {
        return IPC_ERR_LENGTH;
    }
    length = msg->words[*at];
    if (capacity == 0 || length > capacity - 1) {
        return IPC_ERR_FIELD;
    }
    words = (length + WORD_BYTES - 1) / WORD_BYTES;
    if (msg->length - *at - 1 < words) {
        return IPC_ERR_LENGTH;
    }
    for (seL4_Word i = 0; i < length; i++) {
        char c = (char)(msg->words[*at + 1 + i / WORD_BYTES] >> (8 * (i % WORD_BYTES)));
        if (c == '\0') {
            return IPC_ERR_FIELD;
        }
        out[i] = c;
    }
    out[length] = '\0';
    *at += 1 + words;
    return IPC_OK;
}

void ipc_msg_receive(ipc_msg_t *msg, seL4_MessageInfo_t info)
{
    seL4_Word length = seL4_MessageInfo_get_length(info);

    msg->label = seL4_MessageInfo_get_label(info);
    msg->length = length > IPC_MAX_WORDS ? IPC_MAX_WORDS + 1 : length;
    for (seL4_Word i = 0; i < length && i < IPC_MAX_WORDS; i++) {
        msg->words[i] = seL4_GetMR((int)i);
    }
}

seL4_MessageInfo_t ipc_msg_send_info(const ipc_msg_t *msg)
{
    for (seL4_Word i = 0; i < msg->length; i++) {
        seL4_SetMR((int)i, msg->words[i]);
    }
    return seL4_MessageInfo_new(msg->label, 0, 0, msg->length);
}

void ipc_msg_error(ipc_msg_t *msg, ipc_error_t error, seL4_Word field)
{
    ipc_msg_init(msg, IPC_LABEL_ERROR);
    ipc_msg_push(msg, (seL4_Word)error);
    ipc_msg_push(msg, field);
}

ipc_error_t ipc_msg_reply_error(const ipc_msg_t *reply)
{
    if (reply->label == IPC_LABEL_OK) {
        return IPC_OK;
    }
    if (reply->label == IPC_LABEL_ERROR && reply->length >= 1 && reply->words[0] != IPC_OK &&
        reply->words[0] < IPC_ERR_COUNT) {
        return (ipc_error_t)reply->words[0];
    }
    return IPC_ERR_LABEL;
}

ipc_error_t ipc_call(seL4_CPtr endpoint, ipc_msg_t *msg)
{
    seL4_MessageInfo_t reply = seL4_Call(endpoint, ipc_msg_send_info(msg));

    ipc_msg_receive(msg, reply);
    return ipc_msg_reply_error(msg);
}

const char *ipc_error_name(ipc_error_t error)
{
    static const char *const names[IPC_ERR_COUNT] = {"ok",        "bad label", "bad length",
                                                     "bad field", "denied",    "not found",
                                                     "busy",      "no memory", "exists"};

    return (unsigned)error < IPC_ERR_COUNT ? names[error] : "unknown error";
}
