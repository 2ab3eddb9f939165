/*
 * Leaving the kernel: load the current thread's VSpace, FS/GS base and FPU state where they
 * differ from what the CPU holds, point the entry path at its register block, and return with
 * SYSRETQ when the thread came in by SYSCALL with untouched registers (and a canonical RIP, the
 * SYSRET #GP hazard), with IRETQ otherwise. Idle when there is nothing to run.
 */
#include <arch/cpu.h>
#include <arch/kernel/arch_init.h>
#include <arch/kernel/fpu.h>
#include <arch/object/vspace.h>
#include <kernel/cpu.h>
#include <kernel/user_context.h>

#define MSR_FS_BASE        0xc0000100u
#define MSR_KERNEL_GS_BASE 0xc0000102u

NORETURN void arch_context_restore_iret(arch_context_t *context);
NORETURN void arch_context_restore_sysret(arch_context_t *context);
NORETURN void arch_idle_loop(word_t stack_top);

void restore_user_context(void)
{
    cpu_t *cpu = cpu_self();
    arch_cpu_t *arch = &cpu->arch;
    tcb_t *thread = cpu->current;
    word_t top;

    if (thread == cpu->idle) {
        arch_idle_loop(arch->kernel_stack_top);
    }
    if (thread->state == THREAD_RESTART) {
        thread->state = THREAD_RUNNING; /* RIP was rewound when it was restarted */
    }
    top = (word_t)&thread->arch.context + sizeof(thread->arch.context);
    arch->context_top = top;
    arch->tss.rsp0 = top;
    vspace_activate(thread);
    if (arch->loaded_fs_base != thread->arch.fs_base) {
        msr_write(MSR_FS_BASE, thread->arch.fs_base);
        arch->loaded_fs_base = thread->arch.fs_base;
    }
    if (arch->loaded_gs_base != thread->arch.gs_base) {
        msr_write(MSR_KERNEL_GS_BASE, thread->arch.gs_base);
        arch->loaded_gs_base = thread->arch.gs_base;
    }
    fpu_switch_to(thread);
    if (thread->arch.sysret_ok && user_address_is_canonical(arch_reg(&thread->arch, REG_RIP))) {
        arch_context_restore_sysret(&thread->arch.context);
    }
    arch_context_restore_iret(&thread->arch.context);
}
