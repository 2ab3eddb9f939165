/*
 * The decode entry points of the generic objects (each validates, then performs the
 * invocation through its invoke_* step).
 */
#ifndef KERNEL_OBJECT_DECODE_H
#define KERNEL_OBJECT_DECODE_H

#include <kernel/invocation_context.h>

seL4_Error cnode_decode(invocation_t *inv, cap_t cap);
seL4_Error untyped_decode(invocation_t *inv, cap_t cap, cte_t *slot);
seL4_Error domain_decode(invocation_t *inv);
seL4_Error arch_irq_control_decode(invocation_t *inv, cte_t *slot);

#endif
