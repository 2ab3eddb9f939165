/*
 * Per-thread CR0.TS and CR4.TSD (arch/kernel/pv_control.h): a PV guest's FPU instructions raise
 * #NM while its own CR0.TS is set, and its user mode's RDTSC #GP(0) while its CR4.TSD is, as on
 * hardware; every other thread, and the kernel, runs with both clear. Never reads the control
 * word twice: the VMM may rewrite it at any moment.
 */
#include <arch/cpu.h>
#include <arch/kernel/arch_init.h>
#include <arch/kernel/pv_control.h>

/* The bits the thread runs with: its page's word, 0 without a page or with an undefined bit. */
static word_t pv_control_of(tcb_t *thread)
{
    const seL4_PVPage *page = pv_page_of(thread);
    word_t control;

    if (page == NULL) {
        return 0;
    }
    control = page->control;
    return (control & ~seL4_PVControl_All) == 0 ? control : 0;
}

void pv_control_clear_ts(arch_cpu_t *arch)
{
    __asm__ volatile("clts" ::: "memory");
    arch->pv_control &= ~seL4_PVControl_TS;
}

void pv_control_apply(arch_cpu_t *arch, tcb_t *thread)
{
    word_t want = pv_control_of(thread);
    word_t change = want ^ arch->pv_control;

    if (change == 0) {
        return;
    }
    if ((change & seL4_PVControl_TS) != 0) {
        if ((want & seL4_PVControl_TS) != 0) {
            cr0_write(cr0_read() | CR0_TS);
        } else {
            __asm__ volatile("clts" ::: "memory");
        }
    }
    if ((change & seL4_PVControl_TSD) != 0) {
        uint64_t cr4 = cr4_read() & ~CR4_TSD;
        cr4_write((want & seL4_PVControl_TSD) != 0 ? cr4 | CR4_TSD : cr4);
    }
    arch->pv_control = want;
}
