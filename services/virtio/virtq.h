/*
 * A split virtqueue (virtio 1.2 section 2.7) in one page the driver owns: the descriptor table,
 * the driver (available) ring and the device (used) ring, at fixed offsets. The driver posts
 * chains whose heads it chose; what the device writes back (the used index, each entry's id and
 * length) is checked by virtq_used_check before anything is believed: never trusted.
 */
#ifndef VIRTIO_VIRTQ_H
#define VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTQ_SIZE_MAX      16 /* entries: enough for several requests in flight */
#define VIRTQ_DESC_OFFSET   0x000
#define VIRTQ_DRIVER_OFFSET 0x100 /* 16 entries * 16 bytes of descriptors before it */
#define VIRTQ_DEVICE_OFFSET 0x200
#define VIRTQ_DESC_F_NEXT   1u
#define VIRTQ_DESC_F_WRITE  2u /* the device writes this buffer */

typedef struct virtq {
    uintptr_t page;      /* the driver's mapping */
    uint64_t page_paddr; /* the device's view */
    uint16_t size;       /* a power of two, at most VIRTQ_SIZE_MAX */
    uint16_t next_avail; /* the driver ring's index, as published */
    uint16_t last_used;  /* used entries consumed so far */
} virtq_t;

typedef struct virtq_buffer {
    uint64_t paddr;
    uint32_t length;
    bool device_writes;
} virtq_buffer_t;

/* The page's rings zeroed; size entries. */
void virtq_init(virtq_t *queue, uintptr_t page, uint64_t page_paddr, uint16_t size);

/* Writes the chain of count buffers at descriptors head..head+count-1 and publishes head. The
 * caller owns those descriptors (no two chains in flight share one). */
void virtq_post(virtq_t *queue, uint16_t head, const virtq_buffer_t *buffers, unsigned count);

/* The device's used index, read once: how many entries it says are new. */
uint16_t virtq_used_pending(const virtq_t *queue, uint16_t *used_index);

/* The used entry at position (last_used + n): its id and length as the device wrote them. */
void virtq_used_entry(const virtq_t *queue, uint16_t n, uint32_t *id, uint32_t *length);

/* Consumes n used entries. */
void virtq_used_advance(virtq_t *queue, uint16_t n);

#endif
