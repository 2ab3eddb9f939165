/*
 * Completions of the block driver (blk.h): what the device wrote to the used ring, judged in a
 * check step with no side effects (the index moves by no more than the requests in flight, every
 * id is the head of a request in flight and not completed twice, every length within what that
 * request let the device write, every status byte one the specification defines), then acted
 * upon. The first lie stops the device.
 */
#include "blk_internal.h"
#include "wait.h"
#include <runtime/print.h>

void blk_stop(blk_disk_t *disk, const char *why)
{
    if (!disk->stopped) {
        printf("virtio: %02x:%02x.%x stopped: %s\n", disk->bus, disk->slot, disk->function, why);
    }
    (void)transport_reset(&disk->transport);
    disk->stopped = true;
    disk->why_stopped = why;
}

/* Takes what the device completed: false when it lied (and is stopped). */
static bool used_collect(blk_disk_t *disk)
{
    unsigned slots[VIRTQ_SIZE_MAX];
    uint16_t index;
    uint16_t pending = virtq_used_pending(&disk->queue, &index);
    const char *why = NULL;

    if (pending == 0) {
        return true;
    }
    if (!blk_used_check(disk, pending, slots, &why)) {
        blk_stop(disk, why);
        return false;
    }
    for (uint16_t n = 0; n < pending; n++) {
        disk->slots[slots[n]].done = true;
        disk->slots[slots[n]].status = blk_status_byte(disk, slots[n]);
    }
    virtq_used_advance(&disk->queue, pending);
    return true;
}

static bool all_done(const blk_disk_t *disk)
{
    for (unsigned s = 0; s < BLK_SLOTS; s++) {
        if (disk->slots[s].busy && !disk->slots[s].done) {
            return false;
        }
    }
    return true;
}

static wait_poll_t blk_poll(void *context)
{
    blk_disk_t *disk = context;

    if (!used_collect(disk)) {
        return WAIT_LIE;
    }
    return all_done(disk) ? WAIT_DONE : WAIT_NOT_YET;
}

bool blk_wait(blk_disk_t *disk)
{
    wait_poll_t result = wait_for(blk_poll, disk);

    if (result == WAIT_NOT_YET) {
        blk_stop(disk, "no answer in time");
    }
    return result == WAIT_DONE;
}

void blk_irq_ack(blk_disk_t *disk, seL4_Word bits)
{
    if ((bits & disk->irq_bit) != 0) {
        seL4_IRQHandler_Ack(disk->irq_handler);
    }
}
