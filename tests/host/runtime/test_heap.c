/*
 * Host tests of lib/runtime/heap.c against a model: random allocations and frees of random
 * sizes, every block filled with its own pattern and checked when freed (no two blocks overlap,
 * none is moved or clobbered), heap_check after every step (tags, free list order, no two free
 * blocks side by side, the used count), growth page by page through the callback, refusal at the
 * limit, and everything merged back into one free block when all is freed.
 */
#include <runtime/heap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define PAGE     4096u
#define ARENA    (1u << 22)
#define LIVE_MAX 512

static uint8_t arena[ARENA] __attribute__((aligned(PAGE)));
static size_t grown;
static int grow_calls;

static bool grow(void *context, uintptr_t end, size_t bytes)
{
    (void)context;
    assert_int_equal(end, (uintptr_t)arena + grown);
    assert_int_equal(bytes % PAGE, 0);
    grown += bytes;
    grow_calls++;
    return true;
}

typedef struct {
    uint8_t *pointer;
    size_t size;
    uint8_t pattern;
} live_t;

static void check_block(const live_t *block)
{
    for (size_t i = 0; i < block->size; i++) {
        assert_int_equal(block->pointer[i], (uint8_t)(block->pattern + i));
    }
}

static void test_random_model(void **state)
{
    static live_t live[LIVE_MAX];
    static heap_t heap;
    size_t count = 0;

    (void)state;
    grown = 0;
    grow_calls = 0;
    heap_init(&heap, (uintptr_t)arena, (uintptr_t)arena + ARENA, PAGE, grow, NULL);
    srand(3);
    for (int step = 0; step < 40000; step++) {
        if (count < LIVE_MAX && (count == 0 || rand() % 3 != 0)) {
            size_t size =
                    rand() % 8 == 0 ? (size_t)(rand() % 20000) + 1 : (size_t)(rand() % 200) + 1;
            uint8_t *pointer = heap_alloc(&heap, size);
            if (pointer == NULL) {
                continue; /* the 4 MiB arena can fill up: a refusal, never a bad pointer */
            }
            assert_int_equal((uintptr_t)pointer % 16, 0);
            assert_true(pointer >= arena && pointer + size <= arena + grown);
            live[count] = (live_t){pointer, size, (uint8_t)rand()};
            for (size_t i = 0; i < size; i++) {
                pointer[i] = (uint8_t)(live[count].pattern + i);
            }
            count++;
        } else {
            size_t victim = (size_t)rand() % count;
            check_block(&live[victim]);
            heap_free(&heap, live[victim].pointer);
            live[victim] = live[--count];
        }
        assert_true(heap_check(&heap));
    }
    for (size_t i = 0; i < count; i++) {
        check_block(&live[i]);
        heap_free(&heap, live[i].pointer);
        assert_true(heap_check(&heap));
    }
    assert_int_equal(heap.used_bytes, 0);
    /* All of it merged back: one block of (nearly) everything grown fits without growing. */
    assert_int_equal(heap.end - heap.start, grown);
    int calls = grow_calls;
    assert_non_null(heap_alloc(&heap, grown - 64));
    assert_int_equal(grow_calls, calls);
}

static void test_limits(void **state)
{
    static heap_t heap;

    (void)state;
    grown = 0;
    grow_calls = 0;
    heap_init(&heap, (uintptr_t)arena, (uintptr_t)arena + 4 * PAGE, PAGE, grow, NULL);
    assert_null(heap_alloc(&heap, 0));
    assert_null(heap_alloc(&heap, SIZE_MAX));
    assert_null(heap_alloc(&heap, SIZE_MAX - 8)); /* would wrap when rounded */
    assert_null(heap_alloc(&heap, 4 * PAGE));     /* no room for the tags */
    assert_int_equal(grow_calls, 0);
    void *a = heap_alloc(&heap, 100);
    assert_non_null(a);
    assert_int_equal(grow_calls, 1);
    void *b = heap_alloc(&heap, 3 * PAGE - 200);
    assert_non_null(b);
    assert_null(heap_alloc(&heap, 2 * PAGE)); /* past the limit */
    heap_free(&heap, a);
    heap_free(&heap, NULL);
    assert_true(heap_check(&heap));
    heap_free(&heap, b);
    assert_true(heap_check(&heap));
    assert_non_null(heap_alloc(&heap, 4 * PAGE - 64)); /* one block of it all, once merged */
}

static bool refuse(void *context, uintptr_t end, size_t bytes)
{
    (void)context;
    (void)end;
    (void)bytes;
    return false;
}

static void test_growth_refused(void **state)
{
    static heap_t heap;

    (void)state;
    heap_init(&heap, (uintptr_t)arena, (uintptr_t)arena + ARENA, PAGE, refuse, NULL);
    assert_null(heap_alloc(&heap, 16));
    assert_true(heap_check(&heap));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_random_model),
            cmocka_unit_test(test_limits),
            cmocka_unit_test(test_growth_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
