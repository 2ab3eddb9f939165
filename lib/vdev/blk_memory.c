/*
 * The in-memory block backend (blk_memory.h): copies between the image and guest RAM through
 * the checked accessors, then completes. It checks the range again itself (the device did, but
 * a backend does not trust its caller's arithmetic with the image's bounds).
 */
#include <vdev/blk_memory.h>

void vdev_blk_memory_init(vdev_blk_memory_t *backend, const uint8_t *image, uint8_t *writable,
                          uint64_t size, const pv_memory_t *memory)
{
    *backend = (vdev_blk_memory_t){
            .image = image, .writable = writable, .size = size, .memory = memory};
}

uint64_t vdev_blk_memory_capacity(const vdev_blk_memory_t *backend)
{
    return backend->size / VDEV_BLK_SECTOR_BYTES;
}

void vdev_blk_memory_attach(vdev_blk_memory_t *backend, vdev_virtio_blk_t *device)
{
    backend->device = device;
}

/* Copies the request's data; false when a range is outside the image or guest RAM. */
static bool transfer(const vdev_blk_memory_t *backend, const vdev_blk_request_t *request)
{
    bool out = request->type == VDEV_VIRTIO_BLK_T_OUT;
    uint64_t at;

    if (request->sector > vdev_blk_memory_capacity(backend)) {
        return false;
    }
    at = request->sector * VDEV_BLK_SECTOR_BYTES;
    if (request->bytes > backend->size - at || (out && backend->writable == NULL)) {
        return false;
    }
    for (unsigned i = 0; i < request->segment_count; i++) {
        const vdev_blk_segment_t *segment = &request->segment[i];
        bool ok;

        if (segment->length > backend->size - at) {
            return false;
        }
        ok = out ? pv_memory_read(backend->memory, segment->address, backend->writable + at,
                                  segment->length)
                 : pv_memory_write(backend->memory, segment->address, backend->image + at,
                                   segment->length);

        if (!ok) {
            return false;
        }
        at += segment->length;
    }
    return true;
}

static void memory_submit(void *context, vdev_blk_request_t *request)
{
    vdev_blk_memory_t *backend = context;
    bool ok = request->type == VDEV_VIRTIO_BLK_T_FLUSH || transfer(backend, request);

    backend->requests++;
    vdev_virtio_blk_complete(backend->device, request,
                             ok ? VDEV_VIRTIO_BLK_S_OK : VDEV_VIRTIO_BLK_S_IOERR);
}

vdev_blk_backend_t vdev_blk_memory_backend(vdev_blk_memory_t *backend)
{
    return (vdev_blk_backend_t){.context = backend, .submit = memory_submit};
}
