/*
 * Interrupt objects' generic part: which IRQs have handler capabilities, the notification each
 * signals, and delivery. An IRQ is masked from its arrival until its handler acknowledges it.
 * The architecture routes and masks lines (arch/object/irq_arch.h).
 */
#ifndef KERNEL_INTERRUPT_H
#define KERNEL_INTERRUPT_H

#include <kernel/cte.h>
#include <kernel/invocation_context.h>
#include <sel4/types.h>

#define IRQ_COUNT (seL4_MaxIRQ + 1)

typedef enum {
    IRQ_INACTIVE = 0,
    IRQ_ACTIVE, /* a handler capability exists */
} irq_state_t;

bool irq_is_active(word_t irq);

/* IRQControl issued a handler for irq (the line is already routed and masked). */
void irq_set_active(word_t irq);

/* The last handler capability for irq is going: mask the line, drop its notification. */
void irq_handler_deleting(word_t irq);

/* The interrupt arrived: mask it (until Ack) and signal its notification. */
void irq_deliver(word_t irq);

seL4_Error irq_handler_decode(invocation_t *inv, cap_t cap);

#endif
