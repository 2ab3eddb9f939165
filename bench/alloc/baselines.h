/* Simple reference structures the allocator benchmark compares against: a linear-scan
 * bitmap (ids), a buddy allocator over an unsorted free list (untyped memory) and a sorted
 * array (timer queue). Deliberately naive but correct; host-only, they may use libc. */
#ifndef BENCH_ALLOC_BASELINES_H
#define BENCH_ALLOC_BASELINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <algorithms/unialloc.h>

/* Flat bitmap, bit set = allocated; alloc scans from word 0 for the lowest free id. */
typedef struct scan_bitmap {
    uint64_t *words;
    size_t word_count;
    uint64_t count;
} scan_bitmap_t;

void scan_bitmap_init(scan_bitmap_t *b, uint64_t count);
void scan_bitmap_destroy(scan_bitmap_t *b);
bool scan_bitmap_alloc(scan_bitmap_t *b, uint64_t *id);
bool scan_bitmap_free(scan_bitmap_t *b, uint64_t id);

/* Buddy allocator whose free blocks sit in one unsorted array: best fit and buddy lookup are
 * linear scans. Splits and merges call the same capability callbacks as unialloc. */
typedef struct list_buddy_block {
    uint64_t paddr;
    uint64_t cap;
    unsigned bits;
} list_buddy_block_t;

typedef struct list_buddy {
    list_buddy_block_t *free_blocks;
    size_t free_count;
    size_t capacity;
    uint64_t root_paddr;
    unsigned root_bits;
    const unialloc_ops_t *ops;
    void *ctx;
} list_buddy_t;

void list_buddy_init(list_buddy_t *lb, const unialloc_ops_t *ops, void *ctx, uint64_t cap,
                     uint64_t paddr, unsigned bits, size_t capacity);
void list_buddy_destroy(list_buddy_t *lb);
bool list_buddy_alloc(list_buddy_t *lb, unsigned bits, uint64_t *paddr);
void list_buddy_free(list_buddy_t *lb, uint64_t paddr, unsigned bits);

/* Timer queue as an array sorted by descending (key, seq): the earliest is at the end. */
typedef struct sorted_timer {
    uint64_t key;
    uint64_t seq;
} sorted_timer_t;

typedef struct sorted_queue {
    sorted_timer_t *items;
    size_t count;
    uint64_t next_seq;
} sorted_queue_t;

void sorted_queue_init(sorted_queue_t *q, size_t capacity);
void sorted_queue_destroy(sorted_queue_t *q);
sorted_timer_t sorted_queue_insert(sorted_queue_t *q, uint64_t key);
bool sorted_queue_pop(sorted_queue_t *q, sorted_timer_t *out);
bool sorted_queue_cancel(sorted_queue_t *q, sorted_timer_t token);

#endif
