/*
 * Per-thread CR0.TS and CR4.TSD for PV threads (the `control` word of sel4/pv.h): the CPU holds
 * the bits of the thread it last returned to, and changes them only where the next thread's
 * differ. The kernel itself must never run FXSAVE/FXRSTOR with a thread's TS in the CPU (#NM in
 * kernel mode): pv_control_fpu_access comes first.
 */
#ifndef ARCH_KERNEL_PV_CONTROL_H
#define ARCH_KERNEL_PV_CONTROL_H

#include <kernel/cpu.h>
#include <kernel/tcb.h>
#include <sel4/pv.h>

/* Clears CR0.TS in the CPU and in arch->pv_control. */
void pv_control_clear_ts(arch_cpu_t *arch);

/* Before the kernel touches the FPU registers: CR0.TS clear (one test when it already is). */
static inline void pv_control_fpu_access(arch_cpu_t *arch)
{
    if ((arch->pv_control & seL4_PVControl_TS) != 0) {
        pv_control_clear_ts(arch);
    }
}

/* Before returning to thread: CR0.TS and CR4.TSD as its PV page's control word asks (both clear
 * without a page), written only where they differ from what the CPU holds. */
void pv_control_apply(arch_cpu_t *arch, tcb_t *thread);

#endif
