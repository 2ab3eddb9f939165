/*
 * Bringing the boot CPU into the state the kernel core runs in (descriptor tables, system-call
 * MSRs, per-CPU pointer, PAT, FPU defaults), and leaving the kernel for user mode.
 */
#ifndef ARCH_KERNEL_ARCH_INIT_H
#define ARCH_KERNEL_ARCH_INIT_H

#include <kernel/cpu.h>

/* Boot only: GDT, TSS, IDT, SYSCALL MSRs, GS base, PAT, CR4 policy, FPU initial image. */
void arch_cpu_init(cpu_t *cpu);

/* Leave the kernel for cpu_self()->current (or idle until an interrupt). Never returns. */
NORETURN void restore_user_context(void);

/* True for the IDT gates user mode may reach with `int n` (#BP and #OF). */
bool arch_idt_user_gate(word_t vector);

/*
 * The thread is about to leave the kernel with a RIP it cannot run at (non-canonical, or above
 * 4 GiB in compatibility mode): it takes the fault its own instruction fetch there would raise
 * (#GP(0), RIP as it is).
 */
void handle_unresumable_rip(tcb_t *thread);

/*
 * The PV fast path (kernel/pv_fastpath.c): true when the user exception (vector, error) of the
 * thread was a PV site the kernel completed itself (the thread goes on after the instruction);
 * false, with nothing changed, when it is to become a fault.
 */
bool pv_fast_path(tcb_t *thread, word_t vector, word_t error);

/* Dispatch an interrupt vector (timer tick, device IRQ, spurious). */
void interrupt_dispatch(word_t vector);

/* Load GDTR and IDTR again with the kernel's limits (a VMX exit leaves both at 0xffff). */
void arch_descriptor_tables_reload(void);
word_t arch_idt_base(void);
word_t arch_idt_limit(void);

/* The kernel's STAR, LSTAR, CSTAR and FMASK (in that order, MSRs 0xc0000081..84), and writing
 * them back after a guest ran with its own. */
#define ARCH_SYSCALL_MSR_COUNT 4
void arch_syscall_msr_values(uint64_t values[ARCH_SYSCALL_MSR_COUNT]);
void arch_syscall_msrs_restore(void);

/* Leave the kernel through schedule() and restore_user_context() from the top of the kernel
 * stack (entry.S): the path a host interrupt that ended a guest's run takes. */
NORETURN void arch_reschedule_on_fresh_stack(void);

/* Boot only, once the CPU is set up: the values seL4_DebugHostStateCheck compares with. */
void host_state_record(void);

#endif
