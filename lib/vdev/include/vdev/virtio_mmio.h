/*
 * The virtio-mmio transport, version 2 (virtio 1.2 section 4.2.2): the register file a driver
 * sees at a device's 512-byte window, feature negotiation, the queues' configuration, the
 * interrupt status with one interrupt line, and the device-specific configuration at 0x100
 * (read-only here: no device offered writes it). The device behind it (virtio_blk.h,
 * virtio_console.h, virtio_rng.h) embeds one vdev_virtio_mmio_t and is called back for queue
 * notifications and resets.
 *
 * A device is broken when the driver breaks a rule of the rings (virtq.h): its status gets
 * DEVICE_NEEDS_RESET, a configuration-change interrupt is raised, and no queue is touched again
 * until the driver writes 0 to Status. Registers are 32 bits wide and 4-byte aligned: any other
 * access reads 0 and writes nothing; the configuration space takes 1, 2 and 4-byte accesses.
 */
#ifndef VDEV_VIRTIO_MMIO_H
#define VDEV_VIRTIO_MMIO_H

#include <vdev/bus.h>
#include <vdev/virtq.h>

#define VDEV_VIRTIO_MMIO_SIZE    0x200u /* one device's window */
#define VDEV_VIRTIO_QUEUES_MAX   2u
#define VDEV_VIRTIO_CONFIG_MAX   64u
#define VDEV_VIRTIO_MMIO_MAGIC   0x74726976u /* "virt" */
#define VDEV_VIRTIO_MMIO_VERSION 2u
#define VDEV_VIRTIO_VENDOR_ID    0x4c4d4142u /* "BAML" */

/* Device status bits (2.1). */
#define VDEV_VIRTIO_STATUS_ACKNOWLEDGE 0x01u
#define VDEV_VIRTIO_STATUS_DRIVER      0x02u
#define VDEV_VIRTIO_STATUS_DRIVER_OK   0x04u
#define VDEV_VIRTIO_STATUS_FEATURES_OK 0x08u
#define VDEV_VIRTIO_STATUS_NEEDS_RESET 0x40u
#define VDEV_VIRTIO_STATUS_FAILED      0x80u

/* InterruptStatus bits (4.2.2). */
#define VDEV_VIRTIO_INTERRUPT_USED   0x1u
#define VDEV_VIRTIO_INTERRUPT_CONFIG 0x2u

/* Feature bits every device here offers (6). */
#define VDEV_VIRTIO_F_VERSION_1 (1ull << 32)

typedef struct vdev_virtio_mmio vdev_virtio_mmio_t;

/* The device behind the transport. */
typedef struct vdev_virtio_device_ops {
    void (*notify)(void *device, unsigned queue, uint64_t now); /* a QueueNotify of a live queue */
    void (*reset)(void *device); /* the driver wrote 0 to Status (or the device broke) */
} vdev_virtio_device_ops_t;

typedef struct vdev_virtio_mmio_config {
    uint32_t device_id;
    uint64_t features; /* offered; VIRTIO_F_VERSION_1 is added */
    unsigned queues;   /* 1..VDEV_VIRTIO_QUEUES_MAX */
    uint16_t queue_max;
    const pv_memory_t *memory; /* guest RAM, for the rings and buffers */
    vdev_line_t irq;
    const vdev_virtio_device_ops_t *ops;
    void *device;
} vdev_virtio_mmio_config_t;

struct vdev_virtio_mmio {
    vdev_virtio_mmio_config_t config;
    uint8_t device_config[VDEV_VIRTIO_CONFIG_MAX]; /* the device's bytes at 0x100 */
    unsigned device_config_length;
    uint32_t config_generation;
    uint64_t driver_features;
    uint32_t device_features_select;
    uint32_t driver_features_select;
    uint32_t queue_select;
    uint32_t status;
    uint32_t interrupt_status;
    bool irq_level;
    bool broken;
    vdev_virtq_error_t broken_by; /* the first error that broke it */
    vdev_virtq_t queue[VDEV_VIRTIO_QUEUES_MAX];
    uint64_t notifications;
    uint64_t interrupts;
    uint64_t resets;
    uint64_t breaks;
};

void vdev_virtio_mmio_init(vdev_virtio_mmio_t *t, const vdev_virtio_mmio_config_t *config);

/* Register accesses at `offset` in the window (the bus's handlers). */
uint64_t vdev_virtio_mmio_read(vdev_virtio_mmio_t *t, uint64_t offset, unsigned size);
void vdev_virtio_mmio_write(vdev_virtio_mmio_t *t, uint64_t offset, unsigned size, uint64_t value,
                            uint64_t now);

/* The bus's handlers, with the transport as the device pointer. */
extern const vdev_bus_ops_t vdev_virtio_mmio_ops;

/* Sets the device-specific configuration (a change bumps ConfigGeneration). */
void vdev_virtio_mmio_set_config(vdev_virtio_mmio_t *t, const void *bytes, unsigned length);

/* The driver set DRIVER_OK and the device is not broken: its queues may be used. */
bool vdev_virtio_mmio_live(const vdev_virtio_mmio_t *t);

/* Whether queue `queue` is ready on a live device. */
bool vdev_virtio_mmio_queue_live(const vdev_virtio_mmio_t *t, unsigned queue);

/*
 * Takes the next chain of a live queue: OK, EMPTY, or the error that broke the device (then
 * the device is broken already). A queue that is not live is EMPTY.
 */
vdev_virtq_error_t vdev_virtio_mmio_pop(vdev_virtio_mmio_t *t, unsigned queue,
                                        vdev_virtq_chain_t *chain);

/* Returns a chain with `written` bytes and raises the used-buffer interrupt unless the driver
 * suppressed it. Nothing happens on a device that is not live (a reset came in between). */
void vdev_virtio_mmio_push(vdev_virtio_mmio_t *t, unsigned queue, uint16_t head, uint32_t written);

/* Marks the device broken: NEEDS_RESET, a configuration-change interrupt, no more queue work. */
void vdev_virtio_mmio_break(vdev_virtio_mmio_t *t, vdev_virtq_error_t why);

#endif
