/*
 * The split virtqueue's layout and accesses (virtq.h). This file only reads and writes the
 * rings; judging what the device wrote is the block driver's check step (blk.c).
 */
#include "virtq.h"
#include "mmio.h"
#include <runtime/string.h>

#define DESC_BYTES       16u
#define DESC_ADDR        0
#define DESC_LEN         8
#define DESC_FLAGS       12
#define DESC_NEXT        14
#define RING_IDX         2 /* after the flags word */
#define RING_ENTRIES     4
#define USED_ENTRY_BYTES 8u

void virtq_init(virtq_t *queue, uintptr_t page, uint64_t page_paddr, uint16_t size)
{
    memset((void *)page, 0, 4096);
    queue->page = page;
    queue->page_paddr = page_paddr;
    queue->size = size;
    queue->next_avail = 0;
    queue->last_used = 0;
}

static uintptr_t desc(const virtq_t *queue, uint16_t index)
{
    return queue->page + VIRTQ_DESC_OFFSET + (uintptr_t)index * DESC_BYTES;
}

void virtq_post(virtq_t *queue, uint16_t head, const virtq_buffer_t *buffers, unsigned count)
{
    uintptr_t driver = queue->page + VIRTQ_DRIVER_OFFSET;

    for (unsigned i = 0; i < count; i++) {
        uintptr_t d = desc(queue, (uint16_t)(head + i));
        uint16_t flags = (uint16_t)((i + 1 < count ? VIRTQ_DESC_F_NEXT : 0) |
                                    (buffers[i].device_writes ? VIRTQ_DESC_F_WRITE : 0));
        *(volatile uint64_t *)(d + DESC_ADDR) = buffers[i].paddr;
        *(volatile uint32_t *)(d + DESC_LEN) = buffers[i].length;
        *(volatile uint16_t *)(d + DESC_FLAGS) = flags;
        *(volatile uint16_t *)(d + DESC_NEXT) = (uint16_t)(head + i + 1);
    }
    *(volatile uint16_t *)(driver + RING_ENTRIES +
                           2u * (uintptr_t)(queue->next_avail & (queue->size - 1))) = head;
    mmio_barrier(); /* the entry before the index that publishes it */
    queue->next_avail++;
    *(volatile uint16_t *)(driver + RING_IDX) = queue->next_avail;
    mmio_barrier();
}

uint16_t virtq_used_pending(const virtq_t *queue, uint16_t *used_index)
{
    *used_index = *(volatile const uint16_t *)(queue->page + VIRTQ_DEVICE_OFFSET + RING_IDX);
    mmio_barrier(); /* the index before the entries it covers */
    return (uint16_t)(*used_index - queue->last_used);
}

void virtq_used_entry(const virtq_t *queue, uint16_t n, uint32_t *id, uint32_t *length)
{
    uintptr_t entry =
            queue->page + VIRTQ_DEVICE_OFFSET + RING_ENTRIES +
            (uintptr_t)((uint16_t)(queue->last_used + n) & (queue->size - 1)) * USED_ENTRY_BYTES;

    *id = *(volatile const uint32_t *)entry;
    *length = *(volatile const uint32_t *)(entry + 4);
}

void virtq_used_advance(virtq_t *queue, uint16_t n)
{
    queue->last_used = (uint16_t)(queue->last_used + n);
}
