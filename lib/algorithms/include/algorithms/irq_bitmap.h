/* irq_bitmap: the 256 interrupt vectors a virtual CPU may have pending, one bit each.
 * Highest pending in at most four word scans. Not thread-safe: the owner of the vCPU updates
 * it. Vectors are uint8_t, so every vector is in range by construction. */
#ifndef ALGORITHMS_IRQ_BITMAP_H
#define ALGORITHMS_IRQ_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_BITMAP_VECTORS 256u
#define IRQ_BITMAP_NONE    (-1)

typedef struct irq_bitmap {
    uint64_t word[IRQ_BITMAP_VECTORS / 64]; /* word[i] bit b = vector 64 * i + b */
} irq_bitmap_t;

void irq_bitmap_clear_all(irq_bitmap_t *bitmap);
void irq_bitmap_set(irq_bitmap_t *bitmap, uint8_t vector);
void irq_bitmap_clear(irq_bitmap_t *bitmap, uint8_t vector);
bool irq_bitmap_test(const irq_bitmap_t *bitmap, uint8_t vector);
bool irq_bitmap_empty(const irq_bitmap_t *bitmap);

/* Highest pending vector (the one with the highest priority class), or IRQ_BITMAP_NONE. */
int irq_bitmap_highest(const irq_bitmap_t *bitmap);

/* Clears and returns the highest pending vector, or IRQ_BITMAP_NONE. */
int irq_bitmap_pop_highest(irq_bitmap_t *bitmap);

#endif
