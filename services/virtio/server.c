/*
 * Requests to the virtio service (server.h). Check, then act: virtio_decode judges every field
 * against the client's windows and buffer; the service's own checks (the grant against the
 * disk's capacity, a write to a read-only device, a device stopped) come before the driver.
 */
#include "server.h"
#include <runtime/service.h>
#include <runtime/string.h>

/* A grant: the window must lie on the disk (VIRTIO_SECTORS_TO_END: up to its end). */
static ipc_error_t grant_check(const server_t *server, const virtio_request_t *request,
                               virtio_window_t *window, seL4_Word *field)
{
    if (request->disk >= server->disk_count) {
        return IPC_ERR_NOT_FOUND;
    }
    uint64_t capacity = server->disks[request->disk].capacity;
    *window = request->grant;
    if (window->first >= capacity) {
        *field = 2;
        return IPC_ERR_FIELD;
    }
    if (window->sectors == VIRTIO_SECTORS_TO_END) {
        window->sectors = capacity - window->first;
    } else if (window->sectors > capacity - window->first) {
        *field = 3;
        return IPC_ERR_FIELD;
    }
    return IPC_OK;
}

static void reply_status(ipc_msg_t *msg, enum virtio_status status)
{
    ipc_msg_init(msg, IPC_LABEL_OK);
    ipc_msg_push(msg, status);
}

/* A network request, decoded and checked. */
static void act_net(server_t *server, seL4_Word id, const virtio_request_t *request, ipc_msg_t *msg)
{
    net_device_t *net = &server->nets[request->disk];
    uint8_t *buffer = (uint8_t *)virtio_client_buffer(id) + request->offset;
    uint32_t length = 0;

    switch (request->label) {
    case VIRTIO_NET_INFO:
        reply_status(msg, net->stopped ? VIRTIO_STATUS_STOPPED : VIRTIO_STATUS_OK);
        ipc_msg_push(msg, net->mac);
        break;
    case VIRTIO_NET_SEND:
        reply_status(msg, net_send(net, buffer, (uint32_t)request->count));
        break;
    default: /* VIRTIO_NET_RECEIVE */
        reply_status(msg, net_receive(net, buffer, &length));
        ipc_msg_push(msg, length);
        break;
    }
}

/* init's grants: a disk's window (on the disk) or a network device's use (the device there). */
static void grant(server_t *server, seL4_Word badge, ipc_msg_t *msg)
{
    static const virtio_client_t nobody;
    virtio_request_t request;
    virtio_window_t window = {0};
    seL4_Word field = 0;
    ipc_error_t error = ipc_badge_id(badge) != SERVICE_ID_INIT
                                ? IPC_ERR_DENIED
                                : virtio_decode(msg, &nobody, &request, &field);

    if (error == IPC_OK && request.label == VIRTIO_GRANT) {
        error = grant_check(server, &request, &window, &field);
    } else if (error == IPC_OK && request.disk >= server->net_count) {
        error = IPC_ERR_NOT_FOUND;
    }
    if (error != IPC_OK) {
        ipc_msg_error(msg, error, field);
        return;
    }
    if (request.label == VIRTIO_GRANT) {
        server->clients[request.client].disks[request.disk] = window;
    } else {
        server->clients[request.client].nets[request.disk] = true;
    }
    server->clients[request.client].buffer_bytes = request.buffer_bytes;
    ipc_msg_init(msg, IPC_LABEL_OK);
}

static void act(server_t *server, seL4_Word id, const virtio_request_t *request, ipc_msg_t *msg)
{
    blk_disk_t *disk = &server->disks[request->disk];
    const virtio_window_t *window = &server->clients[id].disks[request->disk];
    uint8_t *buffer = (uint8_t *)virtio_client_buffer(id) + request->offset;

    switch (request->label) {
    case VIRTIO_BLK_INFO:
        ipc_msg_init(msg, IPC_LABEL_OK);
        ipc_msg_push(msg, window->sectors);
        ipc_msg_push(msg, window->read_only || disk->read_only);
        ipc_msg_push(msg, VIRTIO_REQUEST_SECTORS);
        break;
    case VIRTIO_BLK_READ:
    case VIRTIO_BLK_WRITE:
        reply_status(msg, blk_transfer(disk, request->label == VIRTIO_BLK_WRITE, request->sector,
                                       (unsigned)request->count, buffer));
        break;
    case VIRTIO_BLK_FLUSH:
        reply_status(msg, blk_flush(disk));
        break;
    case VIRTIO_BLK_ID: {
        uint8_t text[VIRTIO_ID_BYTES];
        enum virtio_status status = blk_identify(disk, text);
        reply_status(msg, status);
        for (unsigned w = 0; status == VIRTIO_STATUS_OK && w < 3; w++) {
            seL4_Word word = 0;
            memcpy(&word, text + (size_t)w * 8, w < 2 ? 8 : VIRTIO_ID_BYTES - 16);
            ipc_msg_push(msg, word);
        }
        break;
    }
    default:
        ipc_msg_error(msg, IPC_ERR_LABEL, msg->label);
        break;
    }
}

void server_handle(server_t *server, seL4_Word badge, ipc_msg_t *msg)
{
    seL4_Word id = ipc_badge_id(badge);
    virtio_request_t request;
    seL4_Word field = 0;
    ipc_error_t error;

    if (msg->label == VIRTIO_GRANT || msg->label == VIRTIO_GRANT_NET) {
        grant(server, badge, msg);
        return;
    }
    if (id >= VIRTIO_CLIENTS_MAX) {
        ipc_msg_error(msg, IPC_ERR_DENIED, id);
        return;
    }
    error = virtio_decode(msg, &server->clients[id], &request, &field);
    if (error == IPC_OK && request.label >= VIRTIO_NET_INFO) {
        if (request.disk >= server->net_count) {
            ipc_msg_error(msg, IPC_ERR_NOT_FOUND, 0);
        } else {
            act_net(server, id, &request, msg);
        }
        return;
    }
    if (error == IPC_OK && request.disk >= server->disk_count) {
        error = IPC_ERR_NOT_FOUND; /* a grant outlived its disk (the device went away) */
    }
    if (error == IPC_OK && request.label == VIRTIO_BLK_WRITE &&
        server->disks[request.disk].read_only) {
        error = IPC_ERR_DENIED;
    }
    if (error != IPC_OK) {
        ipc_msg_error(msg, error, field);
        return;
    }
    act(server, id, &request, msg);
}
