/*
 * The machine-disk backend (machine_disk.h). Every guest address goes through the checked
 * accessors (pv_memory_read/_write); the range is checked again against the window here (the
 * device did, but the backend does not trust its caller's arithmetic), and the service checks
 * it once more against the grant. A request larger than the buffer is cut into pieces of the
 * buffer's size, each sent, and the data moved between the buffer and the guest's segments.
 */
#include "machine_disk.h"
#include <ipc/virtio.h>

_Static_assert(VIRTIO_ID_BYTES == VDEV_BLK_ID_BYTES, "the service's identity is GET_ID's answer");

/* Where a request's data stands in its segments. */
typedef struct cursor {
    unsigned segment;
    uint64_t offset; /* in that segment */
} cursor_t;

/* Moves `bytes` between the buffer and the segments from *at on (out: guest to buffer). */
static bool segments_copy(const machine_disk_t *disk, const vdev_blk_request_t *request,
                          cursor_t *at, uint64_t bytes, bool out)
{
    uint64_t done = 0;

    while (done < bytes) {
        if (at->segment >= request->segment_count || at->segment >= VDEV_BLK_SEGMENTS_MAX) {
            return false;
        }
        const vdev_blk_segment_t *segment = &request->segment[at->segment];
        uint64_t left = segment->length - at->offset;
        uint64_t piece = bytes - done < left ? bytes - done : left;
        bool ok = out ? pv_memory_read(disk->memory, gpa(segment->address.value + at->offset),
                                       disk->buffer + done, piece)
                      : pv_memory_write(disk->memory, gpa(segment->address.value + at->offset),
                                        disk->buffer + done, piece);
        if (!ok) {
            return false;
        }
        done += piece;
        at->offset += piece;
        if (at->offset == segment->length) {
            at->segment++;
            at->offset = 0;
        }
    }
    return true;
}

/* The service's status word for a request, VIRTIO_STATUS_STOPPED when the call failed. */
static seL4_Word service_call(machine_disk_t *disk, ipc_msg_t *msg)
{
    disk->transfers++;
    if (disk->call(disk->endpoint, msg) != IPC_OK || msg->length < 1) {
        return VIRTIO_STATUS_STOPPED;
    }
    return msg->words[0];
}

static uint8_t blk_status(seL4_Word status)
{
    switch (status) {
    case VIRTIO_STATUS_OK:
        return VDEV_VIRTIO_BLK_S_OK;
    case VIRTIO_STATUS_UNSUPPORTED:
        return VDEV_VIRTIO_BLK_S_UNSUPP;
    default: /* an I/O error, a device stopped or late, a refusal */
        return VDEV_VIRTIO_BLK_S_IOERR;
    }
}

static uint8_t transfer(machine_disk_t *disk, const vdev_blk_request_t *request)
{
    bool out = request->type == VDEV_VIRTIO_BLK_T_OUT;
    uint64_t sectors = request->bytes / VDEV_BLK_SECTOR_BYTES;
    cursor_t at = {0, 0};

    if ((out && disk->read_only) || request->bytes % VDEV_BLK_SECTOR_BYTES != 0 ||
        request->sector > disk->sectors || sectors > disk->sectors - request->sector) {
        return VDEV_VIRTIO_BLK_S_IOERR;
    }
    for (uint64_t done = 0; done < request->bytes;) {
        uint64_t bytes = request->bytes - done < disk->buffer_bytes ? request->bytes - done
                                                                    : disk->buffer_bytes;
        uint64_t sector = request->sector + done / VDEV_BLK_SECTOR_BYTES;
        seL4_Word count = (seL4_Word)(bytes / VDEV_BLK_SECTOR_BYTES);
        ipc_msg_t msg;
        seL4_Word status;

        if (out && !segments_copy(disk, request, &at, bytes, true)) {
            return VDEV_VIRTIO_BLK_S_IOERR;
        }
        if (out) {
            virtio_encode_write(&msg, disk->disk, sector, count, 0);
        } else {
            virtio_encode_read(&msg, disk->disk, sector, count, 0);
        }
        status = service_call(disk, &msg);
        if (status != VIRTIO_STATUS_OK) {
            return blk_status(status);
        }
        if (!out && !segments_copy(disk, request, &at, bytes, false)) {
            return VDEV_VIRTIO_BLK_S_IOERR;
        }
        done += bytes;
    }
    return VDEV_VIRTIO_BLK_S_OK;
}

uint8_t machine_disk_serve(machine_disk_t *disk, const vdev_blk_request_t *request)
{
    disk->requests++;
    if (request->type == VDEV_VIRTIO_BLK_T_FLUSH) {
        ipc_msg_t msg;
        virtio_encode_flush(&msg, disk->disk);
        return blk_status(service_call(disk, &msg));
    }
    if (request->type != VDEV_VIRTIO_BLK_T_IN && request->type != VDEV_VIRTIO_BLK_T_OUT) {
        return VDEV_VIRTIO_BLK_S_UNSUPP;
    }
    return transfer(disk, request);
}

static void machine_submit(void *context, vdev_blk_request_t *request)
{
    machine_disk_t *disk = context;

    vdev_virtio_blk_complete(disk->device, request, machine_disk_serve(disk, request));
}

const char *machine_disk_open(machine_disk_t *disk, machine_disk_call_t call, seL4_CPtr endpoint,
                              uint8_t *buffer, uint64_t buffer_bytes, unsigned index,
                              const pv_memory_t *memory, char *id)
{
    ipc_msg_t msg;

    *disk = (machine_disk_t){.call = call,
                             .endpoint = endpoint,
                             .buffer = buffer,
                             .buffer_bytes = buffer_bytes - buffer_bytes % VDEV_BLK_SECTOR_BYTES,
                             .disk = index,
                             .memory = memory};
    if (disk->buffer_bytes > VIRTIO_REQUEST_SECTORS * VIRTIO_SECTOR_BYTES) {
        disk->buffer_bytes = VIRTIO_REQUEST_SECTORS * VIRTIO_SECTOR_BYTES;
    }
    if (endpoint == 0 || disk->buffer_bytes == 0) {
        return "init gave no endpoint or buffer of the virtio service";
    }
    virtio_encode_info(&msg, index);
    if (call(endpoint, &msg) != IPC_OK || msg.length < VIRTIO_INFO_WORDS ||
        msg.words[VIRTIO_INFO_SECTORS] == 0) {
        return "the virtio service refused the window (no such disk, or past its end)";
    }
    disk->sectors = msg.words[VIRTIO_INFO_SECTORS];
    disk->read_only = msg.words[VIRTIO_INFO_READ_ONLY] != 0;
    __builtin_memset(id, 0, VDEV_BLK_ID_BYTES);
    virtio_encode_id(&msg, index);
    if (service_call(disk, &msg) == VIRTIO_STATUS_OK && msg.length >= 4) {
        __builtin_memcpy(id, &msg.words[1], VDEV_BLK_ID_BYTES);
    }
    return NULL;
}

void machine_disk_attach(machine_disk_t *disk, vdev_virtio_blk_t *device)
{
    disk->device = device;
}

vdev_blk_backend_t machine_disk_backend(machine_disk_t *disk)
{
    return (vdev_blk_backend_t){.context = disk, .submit = machine_submit};
}
