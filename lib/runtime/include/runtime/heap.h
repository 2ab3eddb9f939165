/*
 * The heap: malloc and free over one contiguous range that grows upwards page by page, the
 * pages coming from a callback (in a service: fresh frames from its own untyped, mapped at the
 * end of the range). First fit over an address-ordered free list with boundary tags, so that a
 * freed block merges with free neighbours at once. Not thread-safe: each program's threads
 * share one heap only under their own lock.
 */
#ifndef RUNTIME_HEAP_H
#define RUNTIME_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Makes [end, end + bytes) usable (bytes a multiple of the page size); false when it cannot. */
typedef bool (*heap_grow_fn)(void *context, uintptr_t end, size_t bytes);

typedef struct heap {
    uintptr_t start; /* first byte of the range */
    uintptr_t end;   /* end of the usable part (grows) */
    uintptr_t limit; /* end of the range: it never grows past this */
    size_t page_bytes;
    heap_grow_fn grow;
    void *context;
    struct heap_block *free_list; /* free blocks, by address */
    size_t used_bytes;            /* in allocated blocks, headers included */
} heap_t;

/* A heap over [start, limit), empty until the first allocation grows it. start must be aligned
 * to page_bytes (a power of two, at least 64). */
void heap_init(heap_t *heap, uintptr_t start, uintptr_t limit, size_t page_bytes, heap_grow_fn grow,
               void *context);

/* 16-byte aligned memory for size bytes, or NULL (size 0, or out of room). */
void *heap_alloc(heap_t *heap, size_t size);

/* Gives back memory heap_alloc returned (NULL is ignored). */
void heap_free(heap_t *heap, void *pointer);

/* Checks every block's tags and the free list's order; false at the first inconsistency. */
bool heap_check(const heap_t *heap);

/* The program's own heap (a service's: set up by the runtime). malloc(0) returns NULL. */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void free(void *pointer);

#endif
