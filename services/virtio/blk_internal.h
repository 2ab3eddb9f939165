/*
 * What the block driver's files share (blk.c posts requests, blk_used.c completes them): the
 * request layout of virtio-blk and the headers page.
 */
#ifndef VIRTIO_BLK_INTERNAL_H
#define VIRTIO_BLK_INTERNAL_H

#include "blk.h"

/* Request types and status bytes (virtio 1.2 section 5.2.6). */
#define VIRTIO_BLK_T_IN     0u
#define VIRTIO_BLK_T_OUT    1u
#define VIRTIO_BLK_T_FLUSH  4u
#define VIRTIO_BLK_T_GET_ID 8u
#define VIRTIO_BLK_S_OK     0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u

/* Feature bits (section 5.2.3). */
#define VIRTIO_BLK_F_RO    5
#define VIRTIO_BLK_F_FLUSH 9

#define BLK_DESCRIPTORS   3u   /* header, data, status: slot s's chain starts at 3 * s */
#define BLK_HEADER_STRIDE 32ul /* in the headers page: the 16-byte header, then the status */
#define BLK_STATUS_OFFSET 16u
#define BLK_ID_OFFSET     0x800u /* the identity string's buffer */

static inline uint8_t blk_status_byte(const blk_disk_t *disk, unsigned slot)
{
    return *(volatile const uint8_t *)(disk->headers + slot * BLK_HEADER_STRIDE +
                                       BLK_STATUS_OFFSET);
}

/*
 * Check: for the pending used entries, the slot each completes (slots[n]); false and *why when
 * the device lied: the index moved past the slots in flight, an id that is not the head of a
 * slot in flight or names one twice, a length of 0 or beyond what the slot let the device
 * write, a status byte the specification does not define. No side effects.
 */
bool blk_used_check(const blk_disk_t *disk, uint16_t pending, unsigned slots[VIRTQ_SIZE_MAX],
                    const char **why);

/* Waits until every request in flight completed (true) or the device was stopped (false). */
bool blk_wait(blk_disk_t *disk);

/* Resets the device and marks it stopped, saying why (once). */
void blk_stop(blk_disk_t *disk, const char *why);

#endif
