/*
 * Per-thread CR0.TS and CR4.TSD for PV threads (the `control` word of sel4/pv.h): the CPU holds
 * the bits of the thread it last returned to, and changes them only where the next thread's
 * differ. The kernel itself must never run FXSAVE/FXRSTOR with a thread's TS in the CPU (#NM in
 * kernel mode): pv_control_fpu_access comes first. Code that makes the processor load CR0/CR4
 * from values saved earlier (a VM exit loads a VMCS's host CR0 and CR4) calls pv_control_reset
 * before, so that the CPU then holds what arch->pv_control says.
 */
#ifndef ARCH_KERNEL_PV_CONTROL_H
#define ARCH_KERNEL_PV_CONTROL_H

#include <kernel/cpu.h>
#include <kernel/memory.h>
#include <kernel/tcb.h>
#include <sel4/pv.h>

/* Writes CR0.TS and CR4.TSD where `want` differs from arch->pv_control. */
void pv_control_write(arch_cpu_t *arch, word_t want);

/* Before the kernel touches the FPU registers: CR0.TS clear (one test when it already is; no
 * call, so that the FPU switch's own fast path stays as short as it was). */
static inline void pv_control_fpu_access(arch_cpu_t *arch)
{
    if ((arch->pv_control & seL4_PVControl_TS) != 0) {
        __asm__ volatile("clts" ::: "memory");
        arch->pv_control &= ~seL4_PVControl_TS;
    }
}

/* CR0.TS and CR4.TSD back to the kernel's values (both clear). */
static inline void pv_control_reset(arch_cpu_t *arch)
{
    if (arch->pv_control != 0) {
        pv_control_write(arch, 0);
    }
}

/*
 * Before returning to thread: CR0.TS and CR4.TSD as its PV page's control word asks (both clear
 * without a page or with an undefined bit in the word), written only where they differ from what
 * the CPU holds. Inline: every return comes here, and the usual answer is "nothing to do". The
 * word is read once; the VMM may rewrite it at any moment.
 */
static inline void pv_control_apply(arch_cpu_t *arch, tcb_t *thread)
{
    const cap_t *page = &tcb_slot(thread, TCB_SLOT_PV)->cap;
    word_t want = 0;

    if (page->type == CAP_FRAME) {
        want = ((const seL4_PVPage *)paddr_to_kptr(page->u.frame.paddr))->control;
        want = (want & ~seL4_PVControl_All) == 0 ? want : 0;
    }
    if (want != arch->pv_control) {
        pv_control_write(arch, want);
    }
}

#endif
