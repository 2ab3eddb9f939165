/*
 * Leaving the kernel: load the current thread's VSpace, FS/GS base, FPU state and PV control
 * bits (CR0.TS, CR4.TSD) where they differ from what the CPU holds, point the entry path at its
 * register block, and return with SYSRETQ when the thread came in by SYSCALL with untouched
 * registers, with IRETQ otherwise; never to a non-canonical RIP (the SYSRET/IRET #GP hazard).
 * Idle when there is nothing to run; a thread inside seL4_VMEnter runs its guest instead
 * (virt/vmenter.c).
 */
#include <arch/cpu.h>
#include <arch/kernel/arch_init.h>
#include <arch/kernel/fpu.h>
#include <arch/kernel/pv_control.h>
#include <arch/kernel/segments.h>
#include <arch/object/vspace.h>
#include <arch/virt/vmenter.h>
#include <kernel/cpu.h>
#include <kernel/scheduler.h>
#include <kernel/user_context.h>

#define MSR_FS_BASE        0xc0000100u
#define MSR_KERNEL_GS_BASE 0xc0000102u

NORETURN void arch_context_restore_iret(arch_context_t *context);
NORETURN void arch_context_restore_sysret(arch_context_t *context);
NORETURN void arch_idle_loop(word_t stack_top);

/*
 * Whether IRETQ/SYSRETQ can return to the thread's RIP without faulting in kernel mode: in
 * 64-bit mode a canonical RIP; in compatibility mode (the 32-bit code segment) a RIP within the
 * segment's 4 GiB limit, which IRETQ checks (#GP in kernel mode) where some emulators truncate.
 */
static bool user_rip_resumable(const tcb_t *thread)
{
    word_t rip = arch_reg(&thread->arch, REG_RIP);

    if (arch_reg(&thread->arch, REG_CS) == (SEL_USER_CODE32 | SEL_RPL_USER)) {
        return rip <= 0xffffffffull;
    }
    return user_address_is_canonical(rip);
}

/*
 * The thread that runs next, or the idle thread. An instruction ending at the top of the lower
 * half (a `syscall` there, an int3 reported as a trap) leaves RIP non-canonical, and a register
 * write can put a 32-bit thread's RIP above 4 GiB. In user mode the fetch there faults (#GP(0));
 * SYSRETQ and IRETQ to such a RIP fault in kernel mode instead on Intel CPUs. So the kernel
 * raises the user's fault itself and asks again: each round stops a thread, so this ends.
 */
static tcb_t *thread_to_resume(cpu_t *cpu)
{
    for (;;) {
        tcb_t *thread = cpu->current;
        if (thread == cpu->idle || user_rip_resumable(thread)) {
            return thread;
        }
        handle_unresumable_rip(thread);
        schedule();
    }
}

void restore_user_context(void)
{
    cpu_t *cpu = cpu_self();
    arch_cpu_t *arch = &cpu->arch;
    tcb_t *thread = thread_to_resume(cpu);
    word_t top;

    if (thread == cpu->idle) {
        arch_idle_loop(arch->kernel_stack_top);
    }
    if (thread->state == THREAD_RUNNING_VM) {
        vcpu_run(thread);
    }
    if (thread->state == THREAD_RESTART) {
        thread->state = THREAD_RUNNING; /* RIP was rewound when it was restarted */
    }
    top = (word_t)&thread->arch.context + sizeof(thread->arch.context);
    arch->context_top = top;
    arch->tss.rsp0 = top;
    vspace_activate(thread);
    /* Any thread can set its own FS or GS base in the CPU to 0 by loading a segment selector,
     * and so does the kernel switching selectors: the TCB's bases are loaded for every other
     * thread, not only for other values, and after the selectors. */
    if (segments_switch_to(arch, thread)) {
        arch->fsgs_owner = NULL;
    }
    if (arch->fsgs_owner != thread) {
        msr_write(MSR_FS_BASE, thread->arch.fs_base);
        msr_write(MSR_KERNEL_GS_BASE, thread->arch.gs_base);
        arch->fsgs_owner = thread;
    }
    fpu_switch_to(thread);
    pv_control_apply(arch, thread); /* after the FPU switch, which needs CR0.TS clear */
    if (thread->arch.sysret_ok) {
        arch_context_restore_sysret(&thread->arch.context);
    }
    arch_context_restore_iret(&thread->arch.context);
}
