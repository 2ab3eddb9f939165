/*
 * The groups of TCB invocations, each in its own file (registers, space and buffer,
 * scheduling parameters); tcb.c dispatches to them.
 */
#ifndef KERNEL_TCB_INVOKE_H
#define KERNEL_TCB_INVOKE_H

#include <kernel/invocation_context.h>

seL4_Error tcb_decode_read_registers(invocation_t *inv, tcb_t *tcb);
seL4_Error tcb_decode_write_registers(invocation_t *inv, tcb_t *tcb);
seL4_Error tcb_decode_copy_registers(invocation_t *inv, tcb_t *tcb);

seL4_Error tcb_decode_configure(invocation_t *inv, cap_t cap, cte_t *slot);
seL4_Error tcb_decode_set_space(invocation_t *inv, cap_t cap, cte_t *slot);
seL4_Error tcb_decode_set_ipc_buffer(invocation_t *inv, cap_t cap, cte_t *slot);
seL4_Error tcb_decode_set_pv_page(invocation_t *inv, cap_t cap, cte_t *slot);
seL4_Error tcb_decode_set_ept_root(invocation_t *inv, cap_t cap, cte_t *slot);

seL4_Error tcb_decode_set_priority(invocation_t *inv, tcb_t *tcb);
seL4_Error tcb_decode_set_mc_priority(invocation_t *inv, tcb_t *tcb);
seL4_Error tcb_decode_set_sched_params(invocation_t *inv, tcb_t *tcb);

#endif
