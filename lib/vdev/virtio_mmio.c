/*
 * The virtio-mmio register file, version 2 (virtio_mmio.h): negotiation, queue setup, the
 * interrupt line, reset and the broken state. Each write is checked before it changes anything;
 * the device behind is reached only through its notify and reset callbacks.
 */
#include <vdev/virtio_mmio.h>

/* Register offsets (virtio 1.2 4.2.2). */
#define REG_MAGIC               0x000u
#define REG_VERSION             0x004u
#define REG_DEVICE_ID           0x008u
#define REG_VENDOR_ID           0x00cu
#define REG_DEVICE_FEATURES     0x010u
#define REG_DEVICE_FEATURES_SEL 0x014u
#define REG_DRIVER_FEATURES     0x020u
#define REG_DRIVER_FEATURES_SEL 0x024u
#define REG_QUEUE_SEL           0x030u
#define REG_QUEUE_NUM_MAX       0x034u
#define REG_QUEUE_NUM           0x038u
#define REG_QUEUE_READY         0x044u
#define REG_QUEUE_NOTIFY        0x050u
#define REG_INTERRUPT_STATUS    0x060u
#define REG_INTERRUPT_ACK       0x064u
#define REG_STATUS              0x070u
#define REG_QUEUE_DESC_LOW      0x080u
#define REG_QUEUE_DESC_HIGH     0x084u
#define REG_QUEUE_DRIVER_LOW    0x090u
#define REG_QUEUE_DRIVER_HIGH   0x094u
#define REG_QUEUE_DEVICE_LOW    0x0a0u
#define REG_QUEUE_DEVICE_HIGH   0x0a4u
#define REG_SHM_LEN_LOW         0x0b0u
#define REG_SHM_BASE_HIGH       0x0bcu
#define REG_CONFIG_GENERATION   0x0fcu
#define REG_CONFIG              0x100u

#define STATUS_DRIVER_BITS                                                                         \
    (VDEV_VIRTIO_STATUS_ACKNOWLEDGE | VDEV_VIRTIO_STATUS_DRIVER | VDEV_VIRTIO_STATUS_DRIVER_OK |   \
     VDEV_VIRTIO_STATUS_FEATURES_OK | VDEV_VIRTIO_STATUS_FAILED)

static uint64_t offered(const vdev_virtio_mmio_t *t)
{
    return t->config.features | VDEV_VIRTIO_F_VERSION_1;
}

static void irq_update(vdev_virtio_mmio_t *t, bool new_cause)
{
    bool level = t->interrupt_status != 0;

    /* A new cause while the line is high gives a fresh edge, so that an edge-triggered pin
     * sees every event; a level-triggered one sees the line stay asserted. */
    if (new_cause && level && t->irq_level) {
        vdev_line_set(&t->config.irq, false);
    }
    if (level != t->irq_level || new_cause) {
        vdev_line_set(&t->config.irq, level);
    }
    t->irq_level = level;
}

static void interrupt_raise(vdev_virtio_mmio_t *t, uint32_t cause)
{
    t->interrupt_status |= cause;
    t->interrupts++;
    irq_update(t, true);
}

static void transport_reset(vdev_virtio_mmio_t *t)
{
    t->driver_features = 0;
    t->device_features_select = 0;
    t->driver_features_select = 0;
    t->queue_select = 0;
    t->status = 0;
    t->interrupt_status = 0;
    t->broken = false;
    t->broken_by = VDEV_VIRTQ_OK;
    for (unsigned i = 0; i < VDEV_VIRTIO_QUEUES_MAX; i++) {
        vdev_virtq_reset(&t->queue[i], t->config.queue_max);
    }
    irq_update(t, false);
}

void vdev_virtio_mmio_init(vdev_virtio_mmio_t *t, const vdev_virtio_mmio_config_t *config)
{
    *t = (vdev_virtio_mmio_t){.config = *config};
    if (t->config.queues > VDEV_VIRTIO_QUEUES_MAX) {
        t->config.queues = VDEV_VIRTIO_QUEUES_MAX;
    }
    if (t->config.queue_max > VDEV_VIRTQ_SIZE_MAX) {
        t->config.queue_max = VDEV_VIRTQ_SIZE_MAX;
    }
    transport_reset(t);
}

void vdev_virtio_mmio_set_config(vdev_virtio_mmio_t *t, const void *bytes, unsigned length)
{
    const uint8_t *in = bytes;

    if (length > VDEV_VIRTIO_CONFIG_MAX) {
        length = VDEV_VIRTIO_CONFIG_MAX;
    }
    for (unsigned i = 0; i < length; i++) {
        t->device_config[i] = in[i];
    }
    t->device_config_length = length;
    t->config_generation++;
}

bool vdev_virtio_mmio_live(const vdev_virtio_mmio_t *t)
{
    return !t->broken && (t->status & VDEV_VIRTIO_STATUS_DRIVER_OK) != 0;
}

bool vdev_virtio_mmio_queue_live(const vdev_virtio_mmio_t *t, unsigned queue)
{
    return queue < t->config.queues && vdev_virtio_mmio_live(t) && t->queue[queue].ready;
}

void vdev_virtio_mmio_break(vdev_virtio_mmio_t *t, vdev_virtq_error_t why)
{
    if (t->broken) {
        return;
    }
    t->broken = true;
    t->broken_by = why;
    t->breaks++;
    t->status |= VDEV_VIRTIO_STATUS_NEEDS_RESET;
    interrupt_raise(t, VDEV_VIRTIO_INTERRUPT_CONFIG);
}

vdev_virtq_error_t vdev_virtio_mmio_pop(vdev_virtio_mmio_t *t, unsigned queue,
                                        vdev_virtq_chain_t *chain)
{
    vdev_virtq_error_t error;

    if (!vdev_virtio_mmio_queue_live(t, queue)) {
        return VDEV_VIRTQ_EMPTY;
    }
    error = vdev_virtq_pop(&t->queue[queue], t->config.memory, chain);
    if (error != VDEV_VIRTQ_OK && error != VDEV_VIRTQ_EMPTY) {
        vdev_virtio_mmio_break(t, error);
    }
    return error;
}

void vdev_virtio_mmio_push(vdev_virtio_mmio_t *t, unsigned queue, uint16_t head, uint32_t written)
{
    vdev_virtq_t *q;

    if (!vdev_virtio_mmio_queue_live(t, queue)) {
        return;
    }
    q = &t->queue[queue];
    if (!vdev_virtq_push(q, t->config.memory, head, written)) {
        vdev_virtio_mmio_break(t, VDEV_VIRTQ_ERR_USED_RAM);
        return;
    }
    if (vdev_virtq_wants_interrupt(q, t->config.memory)) {
        interrupt_raise(t, VDEV_VIRTIO_INTERRUPT_USED);
    }
}

static vdev_virtq_t *selected_queue(vdev_virtio_mmio_t *t)
{
    return t->queue_select < t->config.queues ? &t->queue[t->queue_select] : NULL;
}

static uint32_t config_read(const vdev_virtio_mmio_t *t, uint64_t offset, unsigned size)
{
    uint32_t value = 0;

    if ((size != 1 && size != 2 && size != 4) || offset + size > t->device_config_length) {
        return 0;
    }
    for (unsigned i = 0; i < size; i++) {
        value |= (uint32_t)t->device_config[offset + i] << (8 * i);
    }
    return value;
}

uint64_t vdev_virtio_mmio_read(vdev_virtio_mmio_t *t, uint64_t offset, unsigned size)
{
    const vdev_virtq_t *q = selected_queue(t);

    if (offset >= REG_CONFIG) {
        return offset < VDEV_VIRTIO_MMIO_SIZE ? config_read(t, offset - REG_CONFIG, size) : 0;
    }
    if (size != 4 || (offset & 3) != 0) {
        return 0;
    }
    switch (offset) {
    case REG_MAGIC:
        return VDEV_VIRTIO_MMIO_MAGIC;
    case REG_VERSION:
        return VDEV_VIRTIO_MMIO_VERSION;
    case REG_DEVICE_ID:
        return t->config.device_id;
    case REG_VENDOR_ID:
        return VDEV_VIRTIO_VENDOR_ID;
    case REG_DEVICE_FEATURES:
        return t->device_features_select < 2
                       ? (uint32_t)(offered(t) >> (32 * t->device_features_select))
                       : 0;
    case REG_QUEUE_NUM_MAX:
        return q != NULL ? t->config.queue_max : 0;
    case REG_QUEUE_READY:
        return q != NULL && q->ready;
    case REG_INTERRUPT_STATUS:
        return t->interrupt_status;
    case REG_STATUS:
        return t->status;
    case REG_CONFIG_GENERATION:
        return t->config_generation;
    default:
        /* No shared memory regions: their length and base read as all ones (4.2.2). */
        return offset >= REG_SHM_LEN_LOW && offset <= REG_SHM_BASE_HIGH ? 0xffffffffu : 0;
    }
}

/* A write to Status: check, then act. Returns the status to keep. */
static uint32_t status_decide(const vdev_virtio_mmio_t *t, uint32_t requested)
{
    uint32_t wanted =
            (requested & STATUS_DRIVER_BITS) | (t->status & VDEV_VIRTIO_STATUS_NEEDS_RESET);
    uint32_t added = wanted & ~t->status;
    uint64_t features = t->driver_features;

    if ((t->status & ~wanted) != 0) {
        return t->status; /* bits are cleared only by a reset */
    }
    if ((added & VDEV_VIRTIO_STATUS_FEATURES_OK) != 0 &&
        ((features & ~offered(t)) != 0 || (features & VDEV_VIRTIO_F_VERSION_1) == 0 ||
         (wanted & VDEV_VIRTIO_STATUS_DRIVER) == 0)) {
        wanted &= ~VDEV_VIRTIO_STATUS_FEATURES_OK; /* the driver reads it back and gives up */
    }
    if ((added & VDEV_VIRTIO_STATUS_DRIVER_OK) != 0 &&
        (wanted & VDEV_VIRTIO_STATUS_FEATURES_OK) == 0) {
        return t->status;
    }
    return wanted;
}

static void device_reset(vdev_virtio_mmio_t *t)
{
    transport_reset(t);
    t->resets++;
    if (t->config.ops != NULL && t->config.ops->reset != NULL) {
        t->config.ops->reset(t->config.device);
    }
}

static void queue_ready_write(vdev_virtio_mmio_t *t, vdev_virtq_t *q, uint32_t value)
{
    vdev_virtq_error_t error;

    if (value == 0) {
        vdev_virtq_reset(q, q->size);
        return;
    }
    if (q->ready) {
        return;
    }
    error = vdev_virtq_check(q, t->config.memory, t->config.queue_max);
    if (error != VDEV_VIRTQ_OK) {
        vdev_virtio_mmio_break(t, error);
        return;
    }
    vdev_virtq_enable(q);
}

static void set_low(gpa_t *address, uint32_t value)
{
    address->value = (address->value & ~0xffffffffull) | value;
}

static void set_high(gpa_t *address, uint32_t value)
{
    address->value = (address->value & 0xffffffffull) | ((uint64_t)value << 32);
}

/* Queue registers: only between FEATURES_OK and the queue's ready, on a device not broken. */
static void queue_write(vdev_virtio_mmio_t *t, uint64_t offset, uint32_t value)
{
    vdev_virtq_t *q = selected_queue(t);

    if (q == NULL || t->broken || (t->status & VDEV_VIRTIO_STATUS_FEATURES_OK) == 0) {
        return;
    }
    if (offset == REG_QUEUE_READY) {
        queue_ready_write(t, q, value);
        return;
    }
    if (q->ready) {
        return;
    }
    switch (offset) {
    case REG_QUEUE_NUM:
        q->size = (uint16_t)(value > 0xffffu ? 0 : value); /* checked at QueueReady */
        break;
    case REG_QUEUE_DESC_LOW:
        set_low(&q->desc, value);
        break;
    case REG_QUEUE_DESC_HIGH:
        set_high(&q->desc, value);
        break;
    case REG_QUEUE_DRIVER_LOW:
        set_low(&q->avail, value);
        break;
    case REG_QUEUE_DRIVER_HIGH:
        set_high(&q->avail, value);
        break;
    case REG_QUEUE_DEVICE_LOW:
        set_low(&q->used, value);
        break;
    case REG_QUEUE_DEVICE_HIGH:
        set_high(&q->used, value);
        break;
    default:
        break;
    }
}

static void notify_write(vdev_virtio_mmio_t *t, uint32_t value, uint64_t now)
{
    t->notifications++;
    if (!vdev_virtio_mmio_queue_live(t, value)) {
        return;
    }
    if (t->config.ops != NULL && t->config.ops->notify != NULL) {
        t->config.ops->notify(t->config.device, value, now);
    }
}

static void features_write(vdev_virtio_mmio_t *t, uint32_t value)
{
    unsigned shift;

    if (t->driver_features_select >= 2 || (t->status & VDEV_VIRTIO_STATUS_FEATURES_OK) != 0) {
        return;
    }
    shift = 32 * t->driver_features_select;
    t->driver_features =
            (t->driver_features & ~(0xffffffffull << shift)) | ((uint64_t)value << shift);
}

void vdev_virtio_mmio_write(vdev_virtio_mmio_t *t, uint64_t offset, unsigned size, uint64_t value,
                            uint64_t now)
{
    uint32_t v = (uint32_t)value;

    if (offset >= REG_CONFIG || size != 4 || (offset & 3) != 0) {
        return; /* the configuration is read-only; other widths are ignored */
    }
    switch (offset) {
    case REG_DEVICE_FEATURES_SEL:
        t->device_features_select = v;
        break;
    case REG_DRIVER_FEATURES:
        features_write(t, v);
        break;
    case REG_DRIVER_FEATURES_SEL:
        t->driver_features_select = v;
        break;
    case REG_QUEUE_SEL:
        t->queue_select = v;
        break;
    case REG_QUEUE_NOTIFY:
        notify_write(t, v, now);
        break;
    case REG_INTERRUPT_ACK:
        t->interrupt_status &= ~v;
        irq_update(t, false);
        break;
    case REG_STATUS:
        if (v == 0) {
            device_reset(t);
        } else {
            t->status = status_decide(t, v);
        }
        break;
    default:
        queue_write(t, offset, v);
        break;
    }
}

static uint64_t bus_read(void *device, uint64_t offset, unsigned size, uint64_t now)
{
    (void)now;
    return vdev_virtio_mmio_read(device, offset, size);
}

static void bus_write(void *device, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    vdev_virtio_mmio_write(device, offset, size, value, now);
}

const vdev_bus_ops_t vdev_virtio_mmio_ops = {.read = bus_read, .write = bus_write};
