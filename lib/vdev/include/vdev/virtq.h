/*
 * The device's side of a virtio split virtqueue (virtio 1.2 section 2.7): the descriptor table,
 * the available ring and the used ring, all in guest RAM at addresses the driver chose. Every
 * field the driver wrote is read once into a local and checked there; nothing here trusts a
 * value the guest can change, and a guest address is never turned into a pointer kept beyond
 * one copy. A check that fails is reported as a vdev_virtq_error_t: the transport then marks
 * its device broken (DEVICE_NEEDS_RESET) and the queue is used no more until a reset.
 */
#ifndef VDEV_VIRTQ_H
#define VDEV_VIRTQ_H

#include <pv/memory.h>
#include <vdev/vdev.h>

/* The largest queue any device here offers (QueueNumMax), and the longest chain it takes. */
#define VDEV_VIRTQ_SIZE_MAX  256u
#define VDEV_VIRTQ_CHAIN_MAX 64u

/* Descriptor flags (2.7.5) and the available ring's flag (2.7.6). */
#define VDEV_VIRTQ_DESC_F_NEXT          1u
#define VDEV_VIRTQ_DESC_F_WRITE         2u
#define VDEV_VIRTQ_DESC_F_INDIRECT      4u
#define VDEV_VIRTQ_AVAIL_F_NO_INTERRUPT 1u

typedef enum {
    VDEV_VIRTQ_OK = 0,
    VDEV_VIRTQ_EMPTY,           /* nothing available (not an error) */
    VDEV_VIRTQ_ERR_SIZE,        /* a queue size of 0, not a power of two, or above the maximum */
    VDEV_VIRTQ_ERR_ALIGN,       /* a ring address not aligned as 2.7 requires */
    VDEV_VIRTQ_ERR_RING_RAM,    /* a ring not wholly inside guest RAM */
    VDEV_VIRTQ_ERR_AVAIL_INDEX, /* the available index moved by more than the queue size */
    VDEV_VIRTQ_ERR_HEAD,        /* a chain's head past the descriptor table */
    VDEV_VIRTQ_ERR_NEXT,        /* a descriptor's next past the descriptor table */
    VDEV_VIRTQ_ERR_LOOP,        /* a chain longer than the queue (it must loop) */
    VDEV_VIRTQ_ERR_TOO_LONG,    /* a chain longer than VDEV_VIRTQ_CHAIN_MAX descriptors */
    VDEV_VIRTQ_ERR_BUFFER,      /* a buffer past guest RAM or wrapping */
    VDEV_VIRTQ_ERR_INDIRECT,    /* an indirect descriptor: the feature is not offered */
    VDEV_VIRTQ_ERR_ORDER,       /* a device-readable buffer after a device-writable one */
    VDEV_VIRTQ_ERR_NOT_READY,   /* the queue is not enabled */
    VDEV_VIRTQ_ERR_USED_RAM,    /* the used ring could not be written */
    VDEV_VIRTQ_ERR_DIRECTION,   /* a device (not the ring) found a buffer of the wrong direction */
    VDEV_VIRTQ_ERR_NO_STATUS,   /* a request without room for its status byte */
    VDEV_VIRTQ_ERRORS
} vdev_virtq_error_t;

/* One buffer of a chain: guest-physical, wholly inside RAM when the chain was taken. */
typedef struct vdev_virtq_segment {
    gpa_t address;
    uint32_t length;
    bool writable; /* device-writable (VIRTQ_DESC_F_WRITE) */
} vdev_virtq_segment_t;

/* A chain taken from the available ring: its head (to return in the used ring) and buffers,
 * the device-readable ones first. */
typedef struct vdev_virtq_chain {
    uint16_t head;
    unsigned count;
    unsigned readable; /* segment[0..readable) are device-readable, the rest writable */
    uint64_t readable_bytes;
    uint64_t writable_bytes;
    vdev_virtq_segment_t segment[VDEV_VIRTQ_CHAIN_MAX];
} vdev_virtq_chain_t;

typedef struct vdev_virtq {
    uint16_t size; /* QueueNum */
    bool ready;
    gpa_t desc;          /* QueueDesc */
    gpa_t avail;         /* QueueDriver */
    gpa_t used;          /* QueueDevice */
    uint16_t next_avail; /* the next available ring entry the device takes */
    uint16_t used_index; /* the used ring's idx as the device last wrote it */
} vdev_virtq_t;

/* Byte sizes of the three parts for a queue of `size` entries (2.7). */
static inline uint64_t vdev_virtq_desc_bytes(uint16_t size)
{
    return 16ull * size;
}

static inline uint64_t vdev_virtq_avail_bytes(uint16_t size)
{
    return 6ull + 2ull * size;
}

static inline uint64_t vdev_virtq_used_bytes(uint16_t size)
{
    return 6ull + 8ull * size;
}

/* A queue not ready: every field as after a reset (size `size`). */
void vdev_virtq_reset(vdev_virtq_t *q, uint16_t size);

/* The check for QueueReady = 1: size and the three rings (no side effects). */
vdev_virtq_error_t vdev_virtq_check(const vdev_virtq_t *q, const pv_memory_t *memory,
                                    uint16_t size_max);

/* Marks a checked queue ready, its indices at 0. */
void vdev_virtq_enable(vdev_virtq_t *q);

/* Whether the driver made buffers available that the device has not taken (0: none; an
 * index moved too far is reported by vdev_virtq_pop). */
bool vdev_virtq_has_available(const vdev_virtq_t *q, const pv_memory_t *memory);

/*
 * Takes the next available chain into *chain: VDEV_VIRTQ_OK, VDEV_VIRTQ_EMPTY, or an error,
 * after which the queue must not be used again (the device is broken). The chain is checked
 * whole before the queue moves on: on an error nothing has changed.
 */
vdev_virtq_error_t vdev_virtq_pop(vdev_virtq_t *q, const pv_memory_t *memory,
                                  vdev_virtq_chain_t *chain);

/* Returns a chain in the used ring with the bytes written into it; false if the ring cannot be
 * written (it was checked when the queue became ready, so only a bug gets there). */
bool vdev_virtq_push(vdev_virtq_t *q, const pv_memory_t *memory, uint16_t head, uint32_t written);

/* Whether the driver wants an interrupt for used buffers (VIRTQ_AVAIL_F_NO_INTERRUPT clear). */
bool vdev_virtq_wants_interrupt(const vdev_virtq_t *q, const pv_memory_t *memory);

/* A short name of an error for reports. */
const char *vdev_virtq_error_string(vdev_virtq_error_t error);

#endif
