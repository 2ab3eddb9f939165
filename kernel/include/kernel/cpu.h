/*
 * Per-CPU kernel state: the current and idle threads, the scheduler, the error of the
 * invocation in progress, and the architecture's part (stacks, TSS, GDT). Reached through
 * cpu_self(); only the boot CPU exists today, but nothing assumes that beyond cpu_boot.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <arch/kernel/cpu_arch.h>
#include <kernel/scheduler.h>
#include <kernel/syscall_error.h>
#include <kernel/tcb.h>

typedef struct cpu {
    arch_cpu_t arch; /* first: the entry code reaches it at %gs:0 */
    tcb_t *current;
    tcb_t *idle;
    scheduler_t sched;
    syscall_error_t error;
} cpu_t;

extern cpu_t cpu_boot;

static inline cpu_t *cpu_self(void)
{
    cpu_t *cpu;
    __asm__("mov %%gs:0, %0" : "=r"(cpu));
    return cpu;
}

static inline tcb_t *current_thread(void)
{
    return cpu_self()->current;
}

#endif
