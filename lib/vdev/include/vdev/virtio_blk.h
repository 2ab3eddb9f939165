/*
 * A virtio-blk device (virtio 1.2 section 5.2) on the virtio-mmio transport: one request queue,
 * VIRTIO_BLK_T_IN, OUT, FLUSH and GET_ID, the capacity in 512-byte sectors in its configuration,
 * VIRTIO_BLK_F_RO for a read-only disk (OUT then completes with VIRTIO_BLK_S_IOERR),
 * VIRTIO_BLK_F_SEG_MAX and VIRTIO_BLK_F_FLUSH. Data never passes through the device: each
 * request is handed to a backend with its guest-physical segments, and the backend completes it
 * (at once or later) with vdev_virtio_blk_complete. Up to VDEV_BLK_IN_FLIGHT requests are out at
 * a time; the queue waits while all are.
 *
 * The device checks each request before its backend sees it: the header's 16 bytes, the status
 * byte's place (the last byte of the last device-writable buffer: without one the device
 * breaks), the data's direction (a device-readable data buffer for IN, a device-writable one for
 * OUT: the device breaks), a length that is a whole number of sectors and a sector range inside
 * the capacity (VIRTIO_BLK_S_IOERR otherwise).
 */
#ifndef VDEV_VIRTIO_BLK_H
#define VDEV_VIRTIO_BLK_H

#include <vdev/virtio_mmio.h>

#define VDEV_VIRTIO_ID_BLOCK     2u
#define VDEV_BLK_SECTOR_BYTES    512u
#define VDEV_BLK_IN_FLIGHT       16u
#define VDEV_BLK_SEGMENTS_MAX    VDEV_VIRTQ_CHAIN_MAX
#define VDEV_BLK_SEG_MAX_OFFERED (VDEV_VIRTQ_CHAIN_MAX - 2u) /* the chain less header, status */
#define VDEV_BLK_QUEUE_SIZE      128u
#define VDEV_BLK_ID_BYTES        20u

/* Feature bits (5.2.3). */
#define VDEV_VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VDEV_VIRTIO_BLK_F_RO      (1ull << 5)
#define VDEV_VIRTIO_BLK_F_FLUSH   (1ull << 9)

/* Request types and status values (5.2.6). */
#define VDEV_VIRTIO_BLK_T_IN     0u
#define VDEV_VIRTIO_BLK_T_OUT    1u
#define VDEV_VIRTIO_BLK_T_FLUSH  4u
#define VDEV_VIRTIO_BLK_T_GET_ID 8u
#define VDEV_VIRTIO_BLK_S_OK     0u
#define VDEV_VIRTIO_BLK_S_IOERR  1u
#define VDEV_VIRTIO_BLK_S_UNSUPP 2u

/* A guest-physical piece of a request's data, inside RAM when the request was made. */
typedef struct vdev_blk_segment {
    gpa_t address;
    uint32_t length;
} vdev_blk_segment_t;

/* A request as the backend sees it: IN (disk to guest), OUT (guest to disk) or FLUSH. */
typedef struct vdev_blk_request {
    uint32_t type;
    uint64_t sector;
    uint64_t bytes; /* the data's length: a whole number of sectors, inside the capacity */
    unsigned segment_count;
    vdev_blk_segment_t segment[VDEV_BLK_SEGMENTS_MAX];
    /* The device's own: which chain, where its status goes, and which reset it belongs to. */
    uint16_t head;
    gpa_t status_address;
    uint64_t generation;
    bool in_flight;
} vdev_blk_request_t;

typedef struct vdev_blk_backend {
    void *context;
    void (*submit)(void *context, vdev_blk_request_t *request);
} vdev_blk_backend_t;

typedef struct vdev_virtio_blk_config {
    uint64_t capacity; /* in 512-byte sectors */
    bool read_only;
    char id[VDEV_BLK_ID_BYTES]; /* GET_ID's answer (NUL-padded) */
    const pv_memory_t *memory;
    vdev_line_t irq;
    vdev_blk_backend_t backend;
} vdev_virtio_blk_config_t;

typedef struct vdev_virtio_blk {
    vdev_virtio_mmio_t transport;
    vdev_virtio_blk_config_t config;
    vdev_blk_request_t request[VDEV_BLK_IN_FLIGHT];
    vdev_virtq_chain_t chain; /* the chain being decoded */
    uint64_t generation;      /* bumped at each reset: older completions are dropped */
    bool processing;
    uint64_t completed;
    uint64_t io_errors; /* completed with a status other than OK (IOERR, UNSUPP) */
    uint64_t stale_completions;
    uint64_t reads, writes, flushes; /* completed, by type, whatever their status */
} vdev_virtio_blk_t;

void vdev_virtio_blk_init(vdev_virtio_blk_t *dev, const vdev_virtio_blk_config_t *config);

/*
 * A backend's completion: writes the status, returns the chain and takes the next requests.
 * A request of an earlier generation (the driver reset the device meanwhile) is only freed;
 * a pointer that is not one of this device's requests in flight is ignored.
 */
void vdev_virtio_blk_complete(vdev_virtio_blk_t *dev, vdev_blk_request_t *request, uint8_t status);

/* Requests handed to the backend and not yet completed. */
unsigned vdev_virtio_blk_in_flight(const vdev_virtio_blk_t *dev);

#endif
