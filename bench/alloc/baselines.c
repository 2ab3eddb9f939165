/* Naive reference structures for bench_alloc. Correct by inspection, not fast by design;
 * never used outside the benchmark. */
#include "baselines.h"

#include <stdlib.h>
#include <string.h>

void scan_bitmap_init(scan_bitmap_t *b, uint64_t count)
{
    b->word_count = (size_t)((count + 63) / 64);
    b->words = calloc(b->word_count, sizeof *b->words);
    b->count = count;
    if (count % 64 != 0) {
        b->words[b->word_count - 1] = ~(uint64_t)0 << (count % 64); /* ids past the end */
    }
}

void scan_bitmap_destroy(scan_bitmap_t *b)
{
    free(b->words);
}

bool scan_bitmap_alloc(scan_bitmap_t *b, uint64_t *id)
{
    for (size_t w = 0; w < b->word_count; w++) {
        if (b->words[w] != ~(uint64_t)0) {
            unsigned bit = (unsigned)__builtin_ctzll(~b->words[w]);
            b->words[w] |= (uint64_t)1 << bit;
            *id = (uint64_t)w * 64 + bit;
            return true;
        }
    }
    return false;
}

bool scan_bitmap_free(scan_bitmap_t *b, uint64_t id)
{
    uint64_t mask = (uint64_t)1 << (id % 64);
    if (id >= b->count || (b->words[id / 64] & mask) == 0) {
        return false;
    }
    b->words[id / 64] &= ~mask;
    return true;
}

static void buddy_push(list_buddy_t *lb, uint64_t paddr, uint64_t cap, unsigned bits)
{
    lb->free_blocks[lb->free_count++] = (list_buddy_block_t){paddr, cap, bits};
}

void list_buddy_init(list_buddy_t *lb, const unialloc_ops_t *ops, void *ctx, uint64_t cap,
                     uint64_t paddr, unsigned bits, size_t capacity)
{
    lb->free_blocks = malloc(capacity * sizeof *lb->free_blocks);
    lb->free_count = 0;
    lb->capacity = capacity;
    lb->root_paddr = paddr;
    lb->root_bits = bits;
    lb->ops = ops;
    lb->ctx = ctx;
    buddy_push(lb, paddr, cap, bits);
}

void list_buddy_destroy(list_buddy_t *lb)
{
    free(lb->free_blocks);
}

bool list_buddy_alloc(list_buddy_t *lb, unsigned bits, uint64_t *paddr)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < lb->free_count; i++) {
        const list_buddy_block_t *b = &lb->free_blocks[i];
        if (b->bits >= bits &&
            (best == SIZE_MAX || b->bits < lb->free_blocks[best].bits ||
             (b->bits == lb->free_blocks[best].bits && b->paddr < lb->free_blocks[best].paddr))) {
            best = i;
        }
    }
    if (best == SIZE_MAX) {
        return false;
    }
    list_buddy_block_t b = lb->free_blocks[best];
    lb->free_blocks[best] = lb->free_blocks[--lb->free_count];
    while (b.bits > bits) {
        uint64_t slot[2];
        lb->ops->slot_alloc(lb->ctx, &slot[0]);
        lb->ops->slot_alloc(lb->ctx, &slot[1]);
        lb->ops->split(lb->ctx, b.cap, b.bits - 1, slot[0], slot[1]);
        b.bits--;
        buddy_push(lb, b.paddr + ((uint64_t)1 << b.bits), slot[1], b.bits);
        b.cap = slot[0];
    }
    *paddr = b.paddr;
    return true;
}

void list_buddy_free(list_buddy_t *lb, uint64_t paddr, unsigned bits)
{
    /* Merging needs the parent's capability, which the naive structure (no tree) does not
     * keep: it passes 0, and stores 0 for the merged block, but makes the same callback
     * calls as unialloc (a revoke of the freed block, then one revoke and two slot frees per
     * merge). The benchmark's callbacks ignore the values. */
    uint64_t cap = 0;
    lb->ops->revoke(lb->ctx, cap);
    while (bits < lb->root_bits) {
        uint64_t buddy = paddr ^ ((uint64_t)1 << bits);
        size_t i = 0;
        while (i < lb->free_count &&
               (lb->free_blocks[i].paddr != buddy || lb->free_blocks[i].bits != bits)) {
            i++;
        }
        if (i == lb->free_count) {
            break;
        }
        lb->ops->revoke(lb->ctx, cap);
        lb->ops->slot_free(lb->ctx, lb->free_blocks[i].cap);
        lb->ops->slot_free(lb->ctx, cap);
        lb->free_blocks[i] = lb->free_blocks[--lb->free_count];
        paddr &= ~((uint64_t)1 << bits);
        bits++;
    }
    buddy_push(lb, paddr, cap, bits);
}

void sorted_queue_init(sorted_queue_t *q, size_t capacity)
{
    q->items = malloc(capacity * sizeof *q->items);
    q->count = 0;
    q->next_seq = 1;
}

void sorted_queue_destroy(sorted_queue_t *q)
{
    free(q->items);
}

/* Index of the first item that sorts at or before (key, seq) in descending order. */
static size_t sorted_position(const sorted_queue_t *q, uint64_t key, uint64_t seq)
{
    size_t lo = 0;
    size_t hi = q->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sorted_timer_t *t = &q->items[mid];
        bool after = t->key > key || (t->key == key && t->seq > seq);
        if (after) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

sorted_timer_t sorted_queue_insert(sorted_queue_t *q, uint64_t key)
{
    sorted_timer_t t = {key, q->next_seq++};
    size_t at = sorted_position(q, key, t.seq);
    memmove(&q->items[at + 1], &q->items[at], (q->count - at) * sizeof *q->items);
    q->items[at] = t;
    q->count++;
    return t;
}

bool sorted_queue_pop(sorted_queue_t *q, sorted_timer_t *out)
{
    if (q->count == 0) {
        return false;
    }
    *out = q->items[--q->count];
    return true;
}

bool sorted_queue_cancel(sorted_queue_t *q, sorted_timer_t token)
{
    size_t at = sorted_position(q, token.key, token.seq);
    if (at >= q->count || q->items[at].seq != token.seq) {
        return false;
    }
    memmove(&q->items[at], &q->items[at + 1], (q->count - at - 1) * sizeof *q->items);
    q->count--;
    return true;
}
