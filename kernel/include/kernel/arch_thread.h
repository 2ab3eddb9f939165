/*
 * What the generic thread code asks of the architecture about a thread's registers.
 */
#ifndef KERNEL_ARCH_THREAD_H
#define KERNEL_ARCH_THREAD_H

#include <kernel/tcb.h>

/* Registers and FPU state of a fresh thread. */
void arch_tcb_init(tcb_t *tcb);

/* Continue at the restart point (Restart state): RIP = fault IP. */
void arch_thread_rewind(tcb_t *tcb);

/* The thread's restart point becomes where it would continue now (suspending a running one). */
void arch_thread_update_restart_pc(tcb_t *tcb);

/* The TCB's FS or GS base was written: the CPU loads them again before the thread runs. */
void arch_thread_bases_changed(const tcb_t *tcb);

/* The code segment the thread runs with (seL4_X86_CodeSegment*), and setting it: false (and
 * nothing changed) for a value that is not one of the two. */
word_t arch_thread_code_segment(const tcb_t *tcb);
bool arch_thread_set_code_segment(tcb_t *tcb, word_t selector);

/* The thread is being destroyed: forget any CPU state that refers to it (FPU, FS/GS bases), and
 * unbind its VCPU. */
void arch_tcb_release(tcb_t *tcb);

/* The thread leaves its guest (THREAD_RUNNING_VM) other than by seL4_VMEnter returning an exit:
 * its seL4_VMEnter message registers get the guest's current RIP, controls and event, so that
 * the call answers, or restarts, from where the guest is. */
void arch_thread_leave_vm(tcb_t *tcb);

#endif
