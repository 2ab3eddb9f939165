/*
 * The split virtqueue, device side (virtq.h). Reads each ring field once into a local, checks
 * it there, and only then moves the queue on; it never writes the descriptor table or the
 * available ring, and never holds a pointer into guest RAM past one access.
 */
#include <vdev/virtq.h>

/* Ring layouts (virtio 1.2 2.7.5-2.7.8): offsets of the fields used here. */
#define DESC_ENTRY_BYTES 16u
#define DESC_ADDR        0u
#define DESC_LEN         8u
#define DESC_FLAGS       12u
#define DESC_NEXT        14u
#define AVAIL_FLAGS      0u
#define AVAIL_IDX        2u
#define AVAIL_RING       4u
#define USED_IDX         2u
#define USED_RING        4u
#define USED_ENTRY_BYTES 8u
#define DESC_ALIGN       16u
#define AVAIL_ALIGN      2u
#define USED_ALIGN       4u

static uint16_t load16(const uint8_t *bytes, unsigned offset)
{
    return (uint16_t)(bytes[offset] | (bytes[offset + 1] << 8));
}

static uint32_t load32(const uint8_t *bytes, unsigned offset)
{
    return (uint32_t)load16(bytes, offset) | ((uint32_t)load16(bytes, offset + 2) << 16);
}

static uint64_t load64(const uint8_t *bytes, unsigned offset)
{
    return (uint64_t)load32(bytes, offset) | ((uint64_t)load32(bytes, offset + 4) << 32);
}

static bool read16(const pv_memory_t *memory, uint64_t address, uint16_t *value)
{
    uint8_t bytes[2];

    if (!pv_memory_read(memory, gpa(address), bytes, sizeof(bytes))) {
        return false;
    }
    *value = load16(bytes, 0);
    return true;
}

void vdev_virtq_reset(vdev_virtq_t *q, uint16_t size)
{
    *q = (vdev_virtq_t){.size = size};
}

static bool ring_fits(const pv_memory_t *memory, gpa_t address, uint64_t length, uint64_t align)
{
    return (address.value & (align - 1)) == 0 && pv_memory_contains(memory, address, length);
}

vdev_virtq_error_t vdev_virtq_check(const vdev_virtq_t *q, const pv_memory_t *memory,
                                    uint16_t size_max)
{
    uint16_t size = q->size;

    if (size == 0 || (size & (size - 1)) != 0 || size > size_max) {
        return VDEV_VIRTQ_ERR_SIZE;
    }
    if ((q->desc.value & (DESC_ALIGN - 1)) != 0 || (q->avail.value & (AVAIL_ALIGN - 1)) != 0 ||
        (q->used.value & (USED_ALIGN - 1)) != 0) {
        return VDEV_VIRTQ_ERR_ALIGN;
    }
    if (!ring_fits(memory, q->desc, vdev_virtq_desc_bytes(size), DESC_ALIGN) ||
        !ring_fits(memory, q->avail, vdev_virtq_avail_bytes(size), AVAIL_ALIGN) ||
        !ring_fits(memory, q->used, vdev_virtq_used_bytes(size), USED_ALIGN)) {
        return VDEV_VIRTQ_ERR_RING_RAM;
    }
    return VDEV_VIRTQ_OK;
}

void vdev_virtq_enable(vdev_virtq_t *q)
{
    q->ready = true;
    q->next_avail = 0;
    q->used_index = 0;
}

bool vdev_virtq_has_available(const vdev_virtq_t *q, const pv_memory_t *memory)
{
    uint16_t index;

    return q->ready && read16(memory, q->avail.value + AVAIL_IDX, &index) && index != q->next_avail;
}

/* One descriptor, read whole into a local and checked against the table and RAM. */
static vdev_virtq_error_t desc_load(const vdev_virtq_t *q, const pv_memory_t *memory,
                                    uint16_t index, vdev_virtq_segment_t *segment, uint16_t *flags,
                                    uint16_t *next)
{
    uint8_t entry[DESC_ENTRY_BYTES];
    uint64_t address;
    uint32_t length;

    if (!pv_memory_read(memory, gpa(q->desc.value + (uint64_t)index * DESC_ENTRY_BYTES), entry,
                        sizeof(entry))) {
        return VDEV_VIRTQ_ERR_RING_RAM;
    }
    address = load64(entry, DESC_ADDR);
    length = load32(entry, DESC_LEN);
    *flags = load16(entry, DESC_FLAGS);
    *next = load16(entry, DESC_NEXT);
    if ((*flags & VDEV_VIRTQ_DESC_F_INDIRECT) != 0) {
        return VDEV_VIRTQ_ERR_INDIRECT;
    }
    if (!pv_memory_contains(memory, gpa(address), length)) {
        return VDEV_VIRTQ_ERR_BUFFER;
    }
    *segment = (vdev_virtq_segment_t){.address = gpa(address),
                                      .length = length,
                                      .writable = (*flags & VDEV_VIRTQ_DESC_F_WRITE) != 0};
    return VDEV_VIRTQ_OK;
}

/* Follows a chain from `head` into *chain; no side effect on the queue. */
static vdev_virtq_error_t chain_walk(const vdev_virtq_t *q, const pv_memory_t *memory,
                                     uint16_t head, vdev_virtq_chain_t *chain)
{
    uint16_t index = head;

    chain->head = head;
    chain->count = 0;
    chain->readable = 0;
    chain->readable_bytes = 0;
    chain->writable_bytes = 0;
    for (unsigned walked = 0;; walked++) {
        vdev_virtq_segment_t segment;
        uint16_t flags, next;
        vdev_virtq_error_t error;

        if (walked >= q->size) {
            return VDEV_VIRTQ_ERR_LOOP;
        }
        if (walked >= VDEV_VIRTQ_CHAIN_MAX) {
            return VDEV_VIRTQ_ERR_TOO_LONG;
        }
        error = desc_load(q, memory, index, &segment, &flags, &next);
        if (error != VDEV_VIRTQ_OK) {
            return error;
        }
        if (!segment.writable && chain->readable != chain->count) {
            return VDEV_VIRTQ_ERR_ORDER;
        }
        chain->segment[chain->count++] = segment;
        if (segment.writable) {
            chain->writable_bytes += segment.length;
        } else {
            chain->readable++;
            chain->readable_bytes += segment.length;
        }
        if ((flags & VDEV_VIRTQ_DESC_F_NEXT) == 0) {
            return VDEV_VIRTQ_OK;
        }
        if (next >= q->size) {
            return VDEV_VIRTQ_ERR_NEXT;
        }
        index = next;
    }
}

vdev_virtq_error_t vdev_virtq_pop(vdev_virtq_t *q, const pv_memory_t *memory,
                                  vdev_virtq_chain_t *chain)
{
    uint16_t avail_index, head;
    vdev_virtq_error_t error;

    if (!q->ready) {
        return VDEV_VIRTQ_ERR_NOT_READY;
    }
    if (!read16(memory, q->avail.value + AVAIL_IDX, &avail_index)) {
        return VDEV_VIRTQ_ERR_RING_RAM;
    }
    if (avail_index == q->next_avail) {
        return VDEV_VIRTQ_EMPTY;
    }
    if ((uint16_t)(avail_index - q->next_avail) > q->size) {
        return VDEV_VIRTQ_ERR_AVAIL_INDEX;
    }
    if (!read16(memory, q->avail.value + AVAIL_RING + 2ull * (q->next_avail & (q->size - 1u)),
                &head)) {
        return VDEV_VIRTQ_ERR_RING_RAM;
    }
    if (head >= q->size) {
        return VDEV_VIRTQ_ERR_HEAD;
    }
    error = chain_walk(q, memory, head, chain);
    if (error != VDEV_VIRTQ_OK) {
        return error;
    }
    q->next_avail++;
    return VDEV_VIRTQ_OK;
}

bool vdev_virtq_push(vdev_virtq_t *q, const pv_memory_t *memory, uint16_t head, uint32_t written)
{
    uint8_t entry[USED_ENTRY_BYTES] = {(uint8_t)head,
                                       (uint8_t)(head >> 8),
                                       0,
                                       0,
                                       (uint8_t)written,
                                       (uint8_t)(written >> 8),
                                       (uint8_t)(written >> 16),
                                       (uint8_t)(written >> 24)};
    uint16_t index = (uint16_t)(q->used_index + 1u);
    uint8_t index_bytes[2] = {(uint8_t)index, (uint8_t)(index >> 8)};
    uint64_t slot = q->used.value + USED_RING +
                    (uint64_t)(q->used_index & (q->size - 1u)) * USED_ENTRY_BYTES;

    if (!q->ready || !pv_memory_contains(memory, gpa(slot), sizeof(entry)) ||
        !pv_memory_contains(memory, gpa(q->used.value + USED_IDX), sizeof(index_bytes))) {
        return false;
    }
    /* The entry first, then the index that publishes it (2.7.8.2); x86 keeps stores in order,
     * the barrier keeps the compiler from reordering them. */
    pv_memory_write(memory, gpa(slot), entry, sizeof(entry));
    __atomic_thread_fence(__ATOMIC_RELEASE);
    pv_memory_write(memory, gpa(q->used.value + USED_IDX), index_bytes, sizeof(index_bytes));
    q->used_index = index;
    return true;
}

bool vdev_virtq_wants_interrupt(const vdev_virtq_t *q, const pv_memory_t *memory)
{
    uint16_t flags;

    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the used index is visible before flags are read */
    if (!read16(memory, q->avail.value + AVAIL_FLAGS, &flags)) {
        return true;
    }
    return (flags & VDEV_VIRTQ_AVAIL_F_NO_INTERRUPT) == 0;
}

const char *vdev_virtq_error_string(vdev_virtq_error_t error)
{
    switch (error) {
    case VDEV_VIRTQ_OK:
        return "ok";
    case VDEV_VIRTQ_EMPTY:
        return "empty";
    case VDEV_VIRTQ_ERR_SIZE:
        return "queue size not a power of two up to the maximum";
    case VDEV_VIRTQ_ERR_ALIGN:
        return "ring address misaligned";
    case VDEV_VIRTQ_ERR_RING_RAM:
        return "ring outside guest RAM";
    case VDEV_VIRTQ_ERR_AVAIL_INDEX:
        return "available index moved past the queue size";
    case VDEV_VIRTQ_ERR_HEAD:
        return "chain head past the descriptor table";
    case VDEV_VIRTQ_ERR_NEXT:
        return "next descriptor past the descriptor table";
    case VDEV_VIRTQ_ERR_LOOP:
        return "chain longer than the queue";
    case VDEV_VIRTQ_ERR_TOO_LONG:
        return "chain longer than the device takes";
    case VDEV_VIRTQ_ERR_BUFFER:
        return "buffer outside guest RAM";
    case VDEV_VIRTQ_ERR_INDIRECT:
        return "indirect descriptor not offered";
    case VDEV_VIRTQ_ERR_ORDER:
        return "device-readable buffer after a writable one";
    case VDEV_VIRTQ_ERR_NOT_READY:
        return "queue not ready";
    case VDEV_VIRTQ_ERR_USED_RAM:
        return "used ring not writable";
    case VDEV_VIRTQ_ERR_DIRECTION:
        return "buffer of the wrong direction for the request";
    case VDEV_VIRTQ_ERR_NO_STATUS:
        return "request without a status byte";
    case VDEV_VIRTQ_ERRORS:
        break;
    }
    return "unknown";
}
