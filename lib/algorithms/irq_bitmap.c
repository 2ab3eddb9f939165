/* 256-bit pending-interrupt bitmap. Pure bit arithmetic on the caller's structure. */
#include <algorithms/irq_bitmap.h>

#include "bits.h"

void irq_bitmap_clear_all(irq_bitmap_t *bitmap)
{
    for (unsigned i = 0; i < IRQ_BITMAP_VECTORS / 64; i++) {
        bitmap->word[i] = 0;
    }
}

void irq_bitmap_set(irq_bitmap_t *bitmap, uint8_t vector)
{
    bitmap->word[vector / 64] |= (uint64_t)1 << (vector % 64);
}

void irq_bitmap_clear(irq_bitmap_t *bitmap, uint8_t vector)
{
    bitmap->word[vector / 64] &= ~((uint64_t)1 << (vector % 64));
}

bool irq_bitmap_test(const irq_bitmap_t *bitmap, uint8_t vector)
{
    return (bitmap->word[vector / 64] >> (vector % 64)) & 1u;
}

bool irq_bitmap_empty(const irq_bitmap_t *bitmap)
{
    return irq_bitmap_highest(bitmap) == IRQ_BITMAP_NONE;
}

int irq_bitmap_highest(const irq_bitmap_t *bitmap)
{
    for (unsigned i = IRQ_BITMAP_VECTORS / 64; i-- > 0;) {
        if (bitmap->word[i] != 0) {
            return (int)(i * 64 + bits_highest(bitmap->word[i]));
        }
    }
    return IRQ_BITMAP_NONE;
}

int irq_bitmap_pop_highest(irq_bitmap_t *bitmap)
{
    int vector = irq_bitmap_highest(bitmap);
    if (vector != IRQ_BITMAP_NONE) {
        irq_bitmap_clear(bitmap, (uint8_t)vector);
    }
    return vector;
}
