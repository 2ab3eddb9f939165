/*
 * The check step of the block driver's completions (blk_internal.h): what the device wrote to
 * the used ring judged against the requests in flight, with no side effects. Pure: it reads the
 * rings and the disk's slots only (host-tested by tests/host/virtio/test_blk_check.c).
 */
#include "blk_internal.h"

bool blk_used_check(const blk_disk_t *disk, uint16_t pending, unsigned slots[VIRTQ_SIZE_MAX],
                    const char **why)
{
    unsigned in_flight = 0;
    bool seen[BLK_SLOTS] = {false};

    for (unsigned s = 0; s < BLK_SLOTS; s++) {
        in_flight += disk->slots[s].busy && !disk->slots[s].done;
    }
    if (pending > in_flight) {
        *why = "its used index moved past the requests in flight";
        return false;
    }
    for (uint16_t n = 0; n < pending; n++) {
        uint32_t id;
        uint32_t length;
        virtq_used_entry(&disk->queue, n, &id, &length);
        unsigned s = id / BLK_DESCRIPTORS;
        if (id % BLK_DESCRIPTORS != 0 || s >= BLK_SLOTS || !disk->slots[s].busy ||
            disk->slots[s].done || seen[s]) {
            *why = "a used id that names no request in flight";
            return false;
        }
        if (length == 0 || length > disk->slots[s].writable) {
            *why = "a used length beyond what the request let it write";
            return false;
        }
        if (blk_status_byte(disk, s) > VIRTIO_BLK_S_UNSUPP) {
            *why = "a status byte the specification does not define";
            return false;
        }
        seen[s] = true;
        slots[n] = s;
    }
    return true;
}
