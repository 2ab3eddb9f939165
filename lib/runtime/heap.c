/*
 * The heap of runtime/heap.h. Every block starts with a header and ends with a footer, both
 * holding the block's size (a multiple of 16) with the low bit set while it is in use; a free
 * block also links into the free list, which is kept in address order so that merging needs no
 * search. Sizes and links read from the heap are checked before they are followed: a corrupted
 * heap is reported by heap_check, never walked off.
 */
#include <runtime/heap.h>
#include <runtime/string.h>

#define ALIGNMENT    16u
#define USED_BIT     1u
#define HEADER_BYTES 16u
#define FOOTER_BYTES 16u
#define MIN_BLOCK    (HEADER_BYTES + 2 * sizeof(void *) + FOOTER_BYTES)

typedef struct heap_block {
    size_t size_and_used; /* header */
    size_t padding;
    struct heap_block *next; /* while free */
    struct heap_block *prev;
} heap_block_t;

static size_t block_size(const heap_block_t *block)
{
    return block->size_and_used & ~(size_t)USED_BIT;
}

static size_t *block_footer(heap_block_t *block)
{
    return (size_t *)((uintptr_t)block + block_size(block) - FOOTER_BYTES);
}

static void block_set(heap_block_t *block, size_t size, bool used)
{
    block->size_and_used = size | (used ? USED_BIT : 0);
    *block_footer(block) = block->size_and_used;
}

static void free_list_insert(heap_t *heap, heap_block_t *block)
{
    heap_block_t *prev = NULL;
    heap_block_t *next = heap->free_list;

    while (next != NULL && next < block) {
        prev = next;
        next = next->next;
    }
    block->prev = prev;
    block->next = next;
    if (next != NULL) {
        next->prev = block;
    }
    if (prev != NULL) {
        prev->next = block;
    } else {
        heap->free_list = block;
    }
}

static void free_list_remove(heap_t *heap, heap_block_t *block)
{
    if (block->prev != NULL) {
        block->prev->next = block->next;
    } else {
        heap->free_list = block->next;
    }
    if (block->next != NULL) {
        block->next->prev = block->prev;
    }
}

void heap_init(heap_t *heap, uintptr_t start, uintptr_t limit, size_t page_bytes, heap_grow_fn grow,
               void *context)
{
    heap->start = start;
    heap->end = start;
    heap->limit = limit;
    heap->page_bytes = page_bytes;
    heap->grow = grow;
    heap->context = context;
    heap->free_list = NULL;
    heap->used_bytes = 0;
}

/* Merges a free block (already in the list) with the free block right after it, if any. */
static void merge_with_next(heap_t *heap, heap_block_t *block)
{
    uintptr_t next_at = (uintptr_t)block + block_size(block);
    heap_block_t *next = (heap_block_t *)next_at;

    if (next_at < heap->end && (next->size_and_used & USED_BIT) == 0) {
        free_list_remove(heap, next);
        block_set(block, block_size(block) + block_size(next), false);
    }
}

/* Adds [end, end + bytes) as a free block (merged with a free block before it). */
static bool heap_extend(heap_t *heap, size_t needed)
{
    size_t bytes = (needed + heap->page_bytes - 1) & ~(heap->page_bytes - 1);
    heap_block_t *block;

    if (bytes < needed || heap->limit - heap->end < bytes ||
        !heap->grow(heap->context, heap->end, bytes)) {
        return false;
    }
    block = (heap_block_t *)heap->end;
    heap->end += bytes;
    block_set(block, bytes, false);
    free_list_insert(heap, block);
    if (block->prev != NULL &&
        (uintptr_t)block->prev + block_size(block->prev) == (uintptr_t)block) {
        block = block->prev;
        merge_with_next(heap, block);
    }
    return true;
}

void *heap_alloc(heap_t *heap, size_t size)
{
    size_t needed;
    heap_block_t *block;

    if (size == 0 || size > heap->limit - heap->start) {
        return NULL;
    }
    needed = (size + HEADER_BYTES + FOOTER_BYTES + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
    if (needed < MIN_BLOCK) {
        needed = MIN_BLOCK;
    }
    for (;;) {
        for (block = heap->free_list; block != NULL; block = block->next) {
            if (block_size(block) >= needed) {
                break;
            }
        }
        if (block != NULL) {
            break;
        }
        if (!heap_extend(heap, needed)) {
            return NULL;
        }
    }
    free_list_remove(heap, block);
    if (block_size(block) - needed >= MIN_BLOCK) {
        heap_block_t *rest = (heap_block_t *)((uintptr_t)block + needed);
        block_set(rest, block_size(block) - needed, false);
        free_list_insert(heap, rest);
        block_set(block, needed, true);
    } else {
        block_set(block, block_size(block), true);
    }
    heap->used_bytes += block_size(block);
    return (void *)((uintptr_t)block + HEADER_BYTES);
}

void heap_free(heap_t *heap, void *pointer)
{
    heap_block_t *block;

    if (pointer == NULL) {
        return;
    }
    block = (heap_block_t *)((uintptr_t)pointer - HEADER_BYTES);
    heap->used_bytes -= block_size(block);
    block_set(block, block_size(block), false);
    free_list_insert(heap, block);
    merge_with_next(heap, block);
    if (block->prev != NULL &&
        (uintptr_t)block->prev + block_size(block->prev) == (uintptr_t)block) {
        merge_with_next(heap, block->prev);
    }
}

bool heap_check(const heap_t *heap)
{
    uintptr_t at = heap->start;
    const heap_block_t *expected_free = heap->free_list;
    size_t used = 0;
    bool previous_free = false;

    while (at < heap->end) {
        heap_block_t *block = (heap_block_t *)at;
        size_t size = block_size(block);
        if (size < MIN_BLOCK || size % ALIGNMENT != 0 || size > heap->end - at ||
            *block_footer(block) != block->size_and_used) {
            return false;
        }
        if ((block->size_and_used & USED_BIT) != 0) {
            used += size;
            previous_free = false;
        } else {
            /* Free blocks appear in the list in address order, and two never touch. */
            if (block != expected_free || previous_free) {
                return false;
            }
            expected_free = block->next;
            previous_free = true;
        }
        at += size;
    }
    return at == heap->end && expected_free == NULL && used == heap->used_bytes;
}

/* The program's heap (runtime/service_start.c sets it up for a service). */
heap_t runtime_heap;

void *malloc(size_t size)
{
    return heap_alloc(&runtime_heap, size);
}

void *calloc(size_t count, size_t size)
{
    size_t bytes = count * size;
    void *pointer;

    if (size != 0 && bytes / size != count) {
        return NULL;
    }
    pointer = malloc(bytes);
    if (pointer != NULL) {
        memset(pointer, 0, bytes);
    }
    return pointer;
}

void free(void *pointer)
{
    heap_free(&runtime_heap, pointer);
}
