/*
 * Per-thread CR0.TS and CR4.TSD (arch/kernel/pv_control.h): a PV guest's FPU instructions raise
 * #NM while its own CR0.TS is set, and its user mode's RDTSC #GP(0) while its CR4.TSD is, as on
 * hardware; every other thread, and the kernel, runs with both clear. Control-register writes
 * serialise the processor, so only the bits that change are written.
 */
#include <arch/cpu.h>
#include <arch/kernel/pv_control.h>

void pv_control_write(arch_cpu_t *arch, word_t want)
{
    word_t change = want ^ arch->pv_control;

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
