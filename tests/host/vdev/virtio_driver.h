/*
 * A virtio-mmio driver for lib/vdev's tests and fuzzer, written from the virtio 1.2
 * specification's own layouts (4.2.2, 2.7) with constants of its own, not the library's: the
 * register offsets, the status handshake, and split rings the test lays out in a guest RAM
 * buffer.
 */
#ifndef VIRTIO_DRIVER_H
#define VIRTIO_DRIVER_H

#include <vdev/virtio_mmio.h>

/* Registers (virtio 1.2 4.2.2). */
#define DRV_MAGIC            0x000u
#define DRV_VERSION          0x004u
#define DRV_DEVICE_ID        0x008u
#define DRV_VENDOR_ID        0x00cu
#define DRV_DEVICE_FEATURES  0x010u
#define DRV_DEVICE_FEAT_SEL  0x014u
#define DRV_DRIVER_FEATURES  0x020u
#define DRV_DRIVER_FEAT_SEL  0x024u
#define DRV_QUEUE_SEL        0x030u
#define DRV_QUEUE_NUM_MAX    0x034u
#define DRV_QUEUE_NUM        0x038u
#define DRV_QUEUE_READY      0x044u
#define DRV_QUEUE_NOTIFY     0x050u
#define DRV_INTERRUPT_STATUS 0x060u
#define DRV_INTERRUPT_ACK    0x064u
#define DRV_STATUS           0x070u
#define DRV_QUEUE_DESC_LO    0x080u
#define DRV_QUEUE_DESC_HI    0x084u
#define DRV_QUEUE_AVAIL_LO   0x090u
#define DRV_QUEUE_AVAIL_HI   0x094u
#define DRV_QUEUE_USED_LO    0x0a0u
#define DRV_QUEUE_USED_HI    0x0a4u
#define DRV_CONFIG_GEN       0x0fcu
#define DRV_CONFIG           0x100u

#define DRV_S_ACK         1u
#define DRV_S_DRIVER      2u
#define DRV_S_DRIVER_OK   4u
#define DRV_S_FEATURES_OK 8u
#define DRV_S_NEEDS_RESET 0x40u

#define DRV_D_NEXT     1u
#define DRV_D_WRITE    2u
#define DRV_D_INDIRECT 4u

/* Guest RAM of the tests: 1 MiB, rings placed by the tests. */
#define DRV_RAM_BYTES (1u << 20)

typedef struct drv_queue {
    uint16_t size;
    uint64_t desc, avail, used;
    uint16_t avail_idx; /* the driver's next available index */
} drv_queue_t;

typedef struct drv {
    uint8_t *ram;
    pv_memory_t memory;
    vdev_virtio_mmio_t *transport;
    drv_queue_t queue[2];
} drv_t;

void drv_ram_init(drv_t *d, uint64_t bytes);
void drv_ram_free(drv_t *d);

uint32_t drv_read(drv_t *d, uint32_t offset);
void drv_write(drv_t *d, uint32_t offset, uint32_t value);

/* The handshake up to FEATURES_OK with these features; the status read back. */
uint32_t drv_negotiate(drv_t *d, uint64_t features);

/* Sets up queue q at `base` (desc at base, avail after, used 4 KiB-aligned after); ready. */
void drv_queue_setup(drv_t *d, unsigned q, uint16_t size, uint64_t base);
void drv_driver_ok(drv_t *d);

/* Negotiates VERSION_1 plus `features`, sets up queues of `size` at 0x10000 + 0x10000 * q,
 * DRIVER_OK. */
void drv_start(drv_t *d, unsigned queues, uint16_t size, uint64_t features);

void drv_desc(drv_t *d, unsigned q, uint16_t index, uint64_t addr, uint32_t len, uint16_t flags,
              uint16_t next);
/* Publishes a chain head and notifies. */
void drv_avail(drv_t *d, unsigned q, uint16_t head);
void drv_kick(drv_t *d, unsigned q);
void drv_avail_flags(drv_t *d, unsigned q, uint16_t flags);

uint16_t drv_used_idx(drv_t *d, unsigned q);
void drv_used_elem(drv_t *d, unsigned q, uint16_t slot, uint32_t *id, uint32_t *len);

void drv_put16(drv_t *d, uint64_t at, uint16_t v);
void drv_put32(drv_t *d, uint64_t at, uint32_t v);
void drv_put64(drv_t *d, uint64_t at, uint64_t v);
uint16_t drv_get16(drv_t *d, uint64_t at);
uint32_t drv_get32(drv_t *d, uint64_t at);

#endif
