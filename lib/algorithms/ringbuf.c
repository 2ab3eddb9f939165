/* Lock-free MPSC ring of variable-length records: CAS reservation, release-store commit.
 * Producers must never wait for anyone; the consumer must never copy out a record before
 * its committed header is observed with acquire ordering. */
#include <algorithms/ringbuf.h>

#include <stdbool.h>

#include "bits.h"
#include "mem.h"

#define HEADER_COMMITTED ((uint64_t)1 << 63)
#define HEADER_TAG_MASK  0x7fffffffull
#define HEADER_LEN_MASK  0xffffffffull

_Static_assert(sizeof(ringbuf_shared_t) == 192, "control block layout is shared ABI");

static inline uint64_t header_make(uint64_t pos, uint64_t len)
{
    return HEADER_COMMITTED | (((pos >> 3) & HEADER_TAG_MASK) << 32) | len;
}

static inline uint64_t record_span(uint64_t len)
{
    return RINGBUF_HEADER_BYTES + ((len + 7u) & ~(uint64_t)7u);
}

/* Headers sit at 8-aligned positions of 8-aligned data, so the cast is to a properly aligned
 * 64-bit object that both sides access only atomically while it is a header. */
static inline _Atomic uint64_t *header_at(const ringbuf_t *rb, uint64_t pos)
{
    return (_Atomic uint64_t *)(void *)(rb->data + (pos & rb->mask));
}

static alg_error_t view_setup(ringbuf_t *rb, void *storage, size_t storage_bytes, uint64_t capacity)
{
    if (rb == NULL || storage == NULL || !bits_is_power_of_two(capacity) ||
        capacity < RINGBUF_MIN_CAPACITY || capacity > RINGBUF_MAX_CAPACITY) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    if (((uintptr_t)storage & 7u) != 0) {
        return ALG_ERR_MISALIGNED;
    }
    if (storage_bytes < ringbuf_storage_bytes(capacity)) {
        return ALG_ERR_STORAGE_TOO_SMALL;
    }
    rb->shared = storage;
    rb->data = (uint8_t *)storage + sizeof(ringbuf_shared_t);
    rb->mask = capacity - 1;
    return ALG_OK;
}

alg_error_t ringbuf_format(ringbuf_t *rb, void *storage, size_t storage_bytes, uint64_t capacity)
{
    alg_error_t err = view_setup(rb, storage, storage_bytes, capacity);
    if (err != ALG_OK) {
        return err;
    }
    ringbuf_shared_t *sh = rb->shared;
    mem_set(rb->data, 0, (size_t)capacity);
    atomic_init(&sh->head, 0);
    atomic_init(&sh->tail, 0);
    atomic_init(&sh->dropped, 0);
    atomic_init(&sh->committed, 0);
    sh->capacity = capacity;
    mem_set(sh->pad0, 0, sizeof sh->pad0);
    mem_set(sh->pad1, 0, sizeof sh->pad1);
    mem_set(sh->pad2, 0, sizeof sh->pad2);
    /* Publish the magic last so an attacher never sees a half-formatted ring as valid. */
    atomic_thread_fence(memory_order_release);
    sh->magic = RINGBUF_MAGIC;
    return ALG_OK;
}

alg_error_t ringbuf_attach(ringbuf_t *rb, void *storage, size_t storage_bytes, uint64_t capacity)
{
    alg_error_t err = view_setup(rb, storage, storage_bytes, capacity);
    if (err != ALG_OK) {
        return err;
    }
    if (rb->shared->magic != RINGBUF_MAGIC || rb->shared->capacity != capacity) {
        return ALG_ERR_CORRUPT;
    }
    atomic_thread_fence(memory_order_acquire);
    return ALG_OK;
}

/* Copies `len` bytes into the ring at `pos`, wrapping at the end. */
static void copy_in(const ringbuf_t *rb, uint64_t pos, const void *src, size_t len)
{
    size_t at = (size_t)(pos & rb->mask);
    size_t first = (size_t)(rb->mask + 1 - at);
    if (first >= len) {
        mem_copy(rb->data + at, src, len);
    } else {
        mem_copy(rb->data + at, src, first);
        mem_copy(rb->data, (const uint8_t *)src + first, len - first);
    }
}

static void copy_out(const ringbuf_t *rb, uint64_t pos, void *dst, size_t len)
{
    size_t at = (size_t)(pos & rb->mask);
    size_t first = (size_t)(rb->mask + 1 - at);
    if (first >= len) {
        mem_copy(dst, rb->data + at, len);
    } else {
        mem_copy(dst, rb->data + at, first);
        mem_copy((uint8_t *)dst + first, rb->data, len - first);
    }
}

static void zero_range(const ringbuf_t *rb, uint64_t pos, size_t len)
{
    size_t at = (size_t)(pos & rb->mask);
    size_t first = (size_t)(rb->mask + 1 - at);
    if (first >= len) {
        mem_set(rb->data + at, 0, len);
    } else {
        mem_set(rb->data + at, 0, first);
        mem_set(rb->data, 0, len - first);
    }
}

alg_error_t ringbuf_write(ringbuf_t *rb, const void *payload, size_t len)
{
    ringbuf_shared_t *sh = rb->shared;
    uint64_t capacity = rb->mask + 1;
    if (len > ringbuf_max_record(capacity)) {
        return ALG_ERR_TOO_LARGE;
    }
    uint64_t span = record_span(len);
    uint64_t head = atomic_load_explicit(&sh->head, memory_order_relaxed);
    for (;;) {
        /* Acquire pairs with the consumer's release of tail: its zeroing of the bytes we are
         * about to reuse happens before our writes. A stale tail only understates room. */
        uint64_t tail = atomic_load_explicit(&sh->tail, memory_order_acquire);
        if (head < tail) {
            /* Our head is older than a tail the consumer reached since. A head loaded after
             * that tail (acquire) is at least the tail in any sane ring, so reload once.
             * (Positions are 64-bit byte counts: they do not wrap in any real lifetime.) */
            head = atomic_load_explicit(&sh->head, memory_order_relaxed);
            if (head < tail) {
                return ALG_ERR_CORRUPT;
            }
        }
        uint64_t used = head - tail;
        if (used > capacity) {
            return ALG_ERR_CORRUPT; /* head further ahead than the ring holds: not our ring */
        }
        if (span > capacity - used) {
            atomic_fetch_add_explicit(&sh->dropped, 1, memory_order_relaxed);
            return ALG_ERR_FULL;
        }
        if (atomic_compare_exchange_weak_explicit(&sh->head, &head, head + span,
                                                  memory_order_relaxed, memory_order_relaxed)) {
            break;
        }
        /* `head` was reloaded by the failed CAS: someone else reserved first. */
    }
    if (len > 0) {
        copy_in(rb, head + RINGBUF_HEADER_BYTES, payload, len);
    }
    atomic_store_explicit(header_at(rb, head), header_make(head, len), memory_order_release);
    atomic_fetch_add_explicit(&sh->committed, 1, memory_order_relaxed);
    return ALG_OK;
}

alg_error_t ringbuf_read(ringbuf_t *rb, void *buf, size_t buf_size, size_t *len)
{
    ringbuf_shared_t *sh = rb->shared;
    uint64_t tail = atomic_load_explicit(&sh->tail, memory_order_relaxed); /* ours alone */
    uint64_t header = atomic_load_explicit(header_at(rb, tail), memory_order_acquire);
    if (header == 0) {
        return ALG_ERR_EMPTY;
    }
    uint64_t record_len = header & HEADER_LEN_MASK;
    if (header != header_make(tail, record_len) || record_len > ringbuf_max_record(rb->mask + 1)) {
        return ALG_ERR_CORRUPT;
    }
    /* A committed record lies inside what was reserved: its producer moved the head past it
     * before the release store we acquired, so this load sees at least that head. */
    uint64_t span = record_span(record_len);
    uint64_t head = atomic_load_explicit(&sh->head, memory_order_relaxed);
    if (head - tail < span || head - tail > rb->mask + 1) {
        return ALG_ERR_CORRUPT;
    }
    *len = (size_t)record_len;
    if (record_len > buf_size) {
        return ALG_ERR_BUFFER_TOO_SMALL;
    }
    if (record_len > 0) {
        copy_out(rb, tail + RINGBUF_HEADER_BYTES, buf, (size_t)record_len);
    }
    atomic_store_explicit(header_at(rb, tail), 0, memory_order_relaxed);
    zero_range(rb, tail + RINGBUF_HEADER_BYTES, (size_t)(span - RINGBUF_HEADER_BYTES));
    atomic_store_explicit(&sh->tail, tail + span, memory_order_release);
    return ALG_OK;
}
