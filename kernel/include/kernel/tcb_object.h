/*
 * TCB objects as capabilities see them: their invocations and their destruction.
 */
#ifndef KERNEL_TCB_OBJECT_H
#define KERNEL_TCB_OBJECT_H

#include <kernel/invocation_context.h>
#include <kernel/tcb.h>

/* The last capability to the TCB is going: stop the thread and detach it from everything. */
void tcb_finalise(tcb_t *tcb);

seL4_Error tcb_decode(invocation_t *inv, cap_t cap, cte_t *slot);

#endif
