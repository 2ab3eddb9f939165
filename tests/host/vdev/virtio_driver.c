/*
 * The tests' virtio-mmio driver (virtio_driver.h): byte-wise little-endian stores into the test's
 * guest RAM, the rings at the offsets of virtio 1.2 2.7.5-2.7.8.
 */
#include "virtio_driver.h"

#include <stdlib.h>
#include <string.h>

void drv_ram_init(drv_t *d, uint64_t bytes)
{
    memset(d, 0, sizeof(*d));
    d->ram = calloc(1, bytes);
    d->memory = (pv_memory_t){.base = d->ram, .size = bytes};
}

void drv_ram_free(drv_t *d)
{
    free(d->ram);
    d->ram = NULL;
}

void drv_put16(drv_t *d, uint64_t at, uint16_t v)
{
    d->ram[at] = (uint8_t)v;
    d->ram[at + 1] = (uint8_t)(v >> 8);
}

void drv_put32(drv_t *d, uint64_t at, uint32_t v)
{
    drv_put16(d, at, (uint16_t)v);
    drv_put16(d, at + 2, (uint16_t)(v >> 16));
}

void drv_put64(drv_t *d, uint64_t at, uint64_t v)
{
    drv_put32(d, at, (uint32_t)v);
    drv_put32(d, at + 4, (uint32_t)(v >> 32));
}

uint16_t drv_get16(drv_t *d, uint64_t at)
{
    return (uint16_t)(d->ram[at] | d->ram[at + 1] << 8);
}

uint32_t drv_get32(drv_t *d, uint64_t at)
{
    return drv_get16(d, at) | (uint32_t)drv_get16(d, at + 2) << 16;
}

uint32_t drv_read(drv_t *d, uint32_t offset)
{
    return (uint32_t)vdev_virtio_mmio_read(d->transport, offset, 4);
}

void drv_write(drv_t *d, uint32_t offset, uint32_t value)
{
    vdev_virtio_mmio_write(d->transport, offset, 4, value, 0);
}

uint32_t drv_negotiate(drv_t *d, uint64_t features)
{
    drv_write(d, DRV_STATUS, 0);
    drv_write(d, DRV_STATUS, DRV_S_ACK);
    drv_write(d, DRV_STATUS, DRV_S_ACK | DRV_S_DRIVER);
    drv_write(d, DRV_DRIVER_FEAT_SEL, 0);
    drv_write(d, DRV_DRIVER_FEATURES, (uint32_t)features);
    drv_write(d, DRV_DRIVER_FEAT_SEL, 1);
    drv_write(d, DRV_DRIVER_FEATURES, (uint32_t)(features >> 32));
    drv_write(d, DRV_STATUS, DRV_S_ACK | DRV_S_DRIVER | DRV_S_FEATURES_OK);
    return drv_read(d, DRV_STATUS);
}

void drv_queue_setup(drv_t *d, unsigned q, uint16_t size, uint64_t base)
{
    drv_queue_t *dq = &d->queue[q];

    dq->size = size;
    dq->desc = base;
    dq->avail = base + 16ull * size;
    dq->used = (dq->avail + 6 + 2ull * size + 4095) & ~4095ull;
    dq->avail_idx = 0;
    drv_write(d, DRV_QUEUE_SEL, q);
    drv_write(d, DRV_QUEUE_NUM, size);
    drv_write(d, DRV_QUEUE_DESC_LO, (uint32_t)dq->desc);
    drv_write(d, DRV_QUEUE_DESC_HI, (uint32_t)(dq->desc >> 32));
    drv_write(d, DRV_QUEUE_AVAIL_LO, (uint32_t)dq->avail);
    drv_write(d, DRV_QUEUE_AVAIL_HI, (uint32_t)(dq->avail >> 32));
    drv_write(d, DRV_QUEUE_USED_LO, (uint32_t)dq->used);
    drv_write(d, DRV_QUEUE_USED_HI, (uint32_t)(dq->used >> 32));
    drv_write(d, DRV_QUEUE_READY, 1);
}

void drv_driver_ok(drv_t *d)
{
    drv_write(d, DRV_STATUS, DRV_S_ACK | DRV_S_DRIVER | DRV_S_FEATURES_OK | DRV_S_DRIVER_OK);
}

void drv_start(drv_t *d, unsigned queues, uint16_t size, uint64_t features)
{
    drv_negotiate(d, features | (1ull << 32));
    for (unsigned q = 0; q < queues; q++) {
        drv_queue_setup(d, q, size, 0x10000 + 0x10000ull * q);
    }
    drv_driver_ok(d);
}

void drv_desc(drv_t *d, unsigned q, uint16_t index, uint64_t addr, uint32_t len, uint16_t flags,
              uint16_t next)
{
    uint64_t at = d->queue[q].desc + 16ull * index;

    drv_put64(d, at, addr);
    drv_put32(d, at + 8, len);
    drv_put16(d, at + 12, flags);
    drv_put16(d, at + 14, next);
}

void drv_avail(drv_t *d, unsigned q, uint16_t head)
{
    drv_queue_t *dq = &d->queue[q];

    drv_put16(d, dq->avail + 4 + 2ull * (dq->avail_idx % dq->size), head);
    dq->avail_idx++;
    drv_put16(d, dq->avail + 2, dq->avail_idx);
    drv_kick(d, q);
}

void drv_kick(drv_t *d, unsigned q)
{
    drv_write(d, DRV_QUEUE_NOTIFY, q);
}

void drv_avail_flags(drv_t *d, unsigned q, uint16_t flags)
{
    drv_put16(d, d->queue[q].avail, flags);
}

uint16_t drv_used_idx(drv_t *d, unsigned q)
{
    return drv_get16(d, d->queue[q].used + 2);
}

void drv_used_elem(drv_t *d, unsigned q, uint16_t slot, uint32_t *id, uint32_t *len)
{
    uint64_t at = d->queue[q].used + 4 + 8ull * (slot % d->queue[q].size);

    *id = drv_get32(d, at);
    *len = drv_get32(d, at + 4);
}
