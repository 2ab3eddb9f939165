/*
 * The guest side of seL4_VMEnter (virt/vmenter.c): what restore_user_context does for a thread
 * in THREAD_RUNNING_VM.
 */
#ifndef ARCH_VIRT_VMENTER_H
#define ARCH_VIRT_VMENTER_H

#include <kernel/tcb.h>

/* Run the thread's guest until an exit for the VMM (returned to the thread as its seL4_VMEnter
 * answer) or a host interrupt (handled, then the scheduler decides). Never returns. */
NORETURN void vcpu_run(tcb_t *thread);

/* Kernel-mode interrupts may arrive only at these two addresses of the interrupt window. */
extern char vcpu_interrupt_window_open[];
extern char vcpu_interrupt_window_close[];

#endif
