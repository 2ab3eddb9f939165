/*
 * The architecture's interrupt lines as the generic IRQ code sees them.
 */
#ifndef KERNEL_ARCH_IRQ_H
#define KERNEL_ARCH_IRQ_H

#include <kernel/types.h>

void arch_irq_mask(word_t irq);
void arch_irq_unmask(word_t irq);

/* True for level-triggered lines (masked in hardware until Ack); edges and MSIs are not. */
bool arch_irq_is_level(word_t irq);

/* The handler is gone: forget the routing so the IRQ can be issued again. */
void arch_irq_release(word_t irq);

#endif
