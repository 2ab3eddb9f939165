/*
 * Encoding and decoding of the virtio service's requests (ipc/virtio.h). The decoder is the
 * only place a client's sector numbers, counts and offsets are judged.
 */
#include <ipc/virtio.h>

void virtio_encode_info(ipc_msg_t *msg, seL4_Word disk)
{
    ipc_msg_init(msg, VIRTIO_BLK_INFO);
    ipc_msg_push(msg, disk);
}

static void virtio_encode_transfer(ipc_msg_t *msg, seL4_Word label, seL4_Word disk,
                                   seL4_Uint64 sector, seL4_Word count, seL4_Word offset)
{
    ipc_msg_init(msg, label);
    ipc_msg_push(msg, disk);
    ipc_msg_push(msg, sector);
    ipc_msg_push(msg, count);
    ipc_msg_push(msg, offset);
}

void virtio_encode_read(ipc_msg_t *msg, seL4_Word disk, seL4_Uint64 sector, seL4_Word count,
                        seL4_Word offset)
{
    virtio_encode_transfer(msg, VIRTIO_BLK_READ, disk, sector, count, offset);
}

void virtio_encode_write(ipc_msg_t *msg, seL4_Word disk, seL4_Uint64 sector, seL4_Word count,
                         seL4_Word offset)
{
    virtio_encode_transfer(msg, VIRTIO_BLK_WRITE, disk, sector, count, offset);
}

void virtio_encode_flush(ipc_msg_t *msg, seL4_Word disk)
{
    ipc_msg_init(msg, VIRTIO_BLK_FLUSH);
    ipc_msg_push(msg, disk);
}

void virtio_encode_id(ipc_msg_t *msg, seL4_Word disk)
{
    ipc_msg_init(msg, VIRTIO_BLK_ID);
    ipc_msg_push(msg, disk);
}

void virtio_encode_grant(ipc_msg_t *msg, seL4_Word client, seL4_Word disk,
                         const virtio_window_t *window, seL4_Word buffer_bytes)
{
    ipc_msg_init(msg, VIRTIO_GRANT);
    ipc_msg_push(msg, client);
    ipc_msg_push(msg, disk);
    ipc_msg_push(msg, window->first);
    ipc_msg_push(msg, window->sectors);
    ipc_msg_push(msg, window->read_only ? 1 : 0);
    ipc_msg_push(msg, buffer_bytes);
}

void virtio_encode_net_info(ipc_msg_t *msg, seL4_Word net)
{
    ipc_msg_init(msg, VIRTIO_NET_INFO);
    ipc_msg_push(msg, net);
}

void virtio_encode_net_send(ipc_msg_t *msg, seL4_Word net, seL4_Word offset, seL4_Word length)
{
    ipc_msg_init(msg, VIRTIO_NET_SEND);
    ipc_msg_push(msg, net);
    ipc_msg_push(msg, offset);
    ipc_msg_push(msg, length);
}

void virtio_encode_net_receive(ipc_msg_t *msg, seL4_Word net, seL4_Word offset)
{
    ipc_msg_init(msg, VIRTIO_NET_RECEIVE);
    ipc_msg_push(msg, net);
    ipc_msg_push(msg, offset);
}

void virtio_encode_grant_net(ipc_msg_t *msg, seL4_Word client, seL4_Word net,
                             seL4_Word buffer_bytes)
{
    ipc_msg_init(msg, VIRTIO_GRANT_NET);
    ipc_msg_push(msg, client);
    ipc_msg_push(msg, net);
    ipc_msg_push(msg, buffer_bytes);
}

/* The number of words each request has (exactly); -1 for an unknown label. */
static int virtio_request_words(seL4_Word label)
{
    switch (label) {
    case VIRTIO_BLK_INFO:
    case VIRTIO_BLK_FLUSH:
    case VIRTIO_BLK_ID:
        return 1;
    case VIRTIO_BLK_READ:
    case VIRTIO_BLK_WRITE:
        return 4;
    case VIRTIO_GRANT:
        return 6;
    case VIRTIO_NET_INFO:
        return 1;
    case VIRTIO_NET_RECEIVE:
        return 2;
    case VIRTIO_NET_SEND:
    case VIRTIO_GRANT_NET:
        return 3;
    default:
        return -1;
    }
}

/* A read or write: count, sector range within the window, offset and bytes within the buffer. */
static ipc_error_t virtio_decode_transfer(const ipc_msg_t *msg, const virtio_client_t *client,
                                          const virtio_window_t *window, seL4_Word *field)
{
    seL4_Word sector = msg->words[1];
    seL4_Word count = msg->words[2];
    seL4_Word offset = msg->words[3];

    if (count == 0 || count > VIRTIO_REQUEST_SECTORS) {
        *field = 2;
        return IPC_ERR_FIELD;
    }
    if (sector >= window->sectors || count > window->sectors - sector) {
        *field = 1;
        return IPC_ERR_FIELD;
    }
    if (offset % VIRTIO_SECTOR_BYTES != 0 || client->buffer_bytes > VIRTIO_CLIENT_BUFFER_MAX ||
        offset > client->buffer_bytes ||
        count * VIRTIO_SECTOR_BYTES > client->buffer_bytes - offset) {
        *field = 3;
        return IPC_ERR_FIELD;
    }
    if (msg->label == VIRTIO_BLK_WRITE && window->read_only) {
        return IPC_ERR_DENIED;
    }
    return IPC_OK;
}

/* A client's buffer: whole pages, at most VIRTIO_CLIENT_BUFFER_MAX. */
static bool buffer_bytes_valid(seL4_Word bytes)
{
    return bytes != 0 && bytes <= VIRTIO_CLIENT_BUFFER_MAX && bytes % 4096 == 0;
}

/* init's grant: the fields only (the disk's size is the service's to check). */
static ipc_error_t virtio_decode_grant(const ipc_msg_t *msg, virtio_request_t *request,
                                       seL4_Word *field)
{
    const seL4_Word *w = msg->words;

    if (w[0] == 0 || w[0] >= VIRTIO_CLIENTS_MAX) {
        *field = 0;
        return IPC_ERR_FIELD;
    }
    if (w[1] >= VIRTIO_DISKS_MAX) {
        *field = 1;
        return IPC_ERR_FIELD;
    }
    if (w[3] == 0 || (w[3] != VIRTIO_SECTORS_TO_END && w[2] + w[3] < w[2])) {
        *field = 3;
        return IPC_ERR_FIELD;
    }
    if (w[4] > 1) {
        *field = 4;
        return IPC_ERR_FIELD;
    }
    if (!buffer_bytes_valid(w[5])) {
        *field = 5;
        return IPC_ERR_FIELD;
    }
    request->label = VIRTIO_GRANT;
    request->client = w[0];
    request->disk = (unsigned)w[1];
    request->grant = (virtio_window_t){.first = w[2], .sectors = w[3], .read_only = w[4] == 1};
    request->buffer_bytes = w[5];
    request->sector = 0;
    request->count = 0;
    request->offset = 0;
    return IPC_OK;
}

/* A network request or init's network grant. */
static ipc_error_t virtio_decode_net(const ipc_msg_t *msg, const virtio_client_t *client,
                                     virtio_request_t *request, seL4_Word *field)
{
    const seL4_Word *w = msg->words;
    seL4_Word length = msg->label == VIRTIO_NET_SEND ? w[2] : VIRTIO_NET_FRAME_MAX;

    *request = (virtio_request_t){.label = (enum virtio_label)msg->label};
    if (msg->label == VIRTIO_GRANT_NET) {
        if (w[0] == 0 || w[0] >= VIRTIO_CLIENTS_MAX) {
            *field = 0;
            return IPC_ERR_FIELD;
        }
        if (w[1] >= VIRTIO_NETS_MAX || !buffer_bytes_valid(w[2])) {
            *field = w[1] >= VIRTIO_NETS_MAX ? 1 : 2;
            return IPC_ERR_FIELD;
        }
        request->client = w[0];
        request->disk = (unsigned)w[1];
        request->buffer_bytes = w[2];
        return IPC_OK;
    }
    if (w[0] >= VIRTIO_NETS_MAX || !client->nets[w[0]]) {
        return IPC_ERR_NOT_FOUND;
    }
    request->disk = (unsigned)w[0];
    if (msg->label == VIRTIO_NET_INFO) {
        return IPC_OK;
    }
    if (length < VIRTIO_NET_FRAME_MIN || length > VIRTIO_NET_FRAME_MAX) {
        *field = 2;
        return IPC_ERR_FIELD;
    }
    if (client->buffer_bytes > VIRTIO_CLIENT_BUFFER_MAX || w[1] > client->buffer_bytes ||
        length > client->buffer_bytes - w[1]) {
        *field = 1;
        return IPC_ERR_FIELD;
    }
    request->offset = w[1];
    request->count = length;
    return IPC_OK;
}

ipc_error_t virtio_decode(const ipc_msg_t *msg, const virtio_client_t *client,
                          virtio_request_t *request, seL4_Word *field)
{
    int words = virtio_request_words(msg->label);
    const virtio_window_t *window;

    *field = 0;
    if (words < 0) {
        return IPC_ERR_LABEL;
    }
    if (msg->length != (seL4_Word)words) {
        return IPC_ERR_LENGTH;
    }
    if (msg->label == VIRTIO_GRANT) {
        return virtio_decode_grant(msg, request, field);
    }
    if (msg->label >= VIRTIO_NET_INFO) {
        return virtio_decode_net(msg, client, request, field);
    }
    if (msg->words[0] >= VIRTIO_DISKS_MAX || client->disks[msg->words[0]].sectors == 0) {
        return IPC_ERR_NOT_FOUND;
    }
    window = &client->disks[msg->words[0]];
    if (words == 4) {
        ipc_error_t error = virtio_decode_transfer(msg, client, window, field);
        if (error != IPC_OK) {
            return error;
        }
    }
    request->label = (enum virtio_label)msg->label;
    request->disk = (unsigned)msg->words[0];
    request->client = 0;
    request->grant = (virtio_window_t){0};
    request->buffer_bytes = 0;
    request->sector = words == 4 ? window->first + msg->words[1] : 0;
    request->count = words == 4 ? msg->words[2] : 0;
    request->offset = words == 4 ? msg->words[3] : 0;
    return IPC_OK;
}
