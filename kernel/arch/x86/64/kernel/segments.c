/*
 * Switching user data-segment selectors between threads (arch/kernel/segments.h). Reading a
 * selector is cheap and loading one is not, so only the registers that differ are loaded; most
 * threads never change theirs. Every value loaded was loadable by its thread at CPL 3, so it is
 * loadable here (the GDT never changes and the LDT is null): no load can fault.
 */
#include <arch/kernel/segments.h>
#include <kernel/cpu.h>

enum { SEG_DS, SEG_ES, SEG_FS, SEG_GS };

void segments_init(tcb_t *tcb)
{
    tcb->arch.selectors[SEG_DS] = SEL_USER_DATA | SEL_RPL_USER;
    tcb->arch.selectors[SEG_ES] = SEL_USER_DATA | SEL_RPL_USER;
    tcb->arch.selectors[SEG_FS] = 0;
    tcb->arch.selectors[SEG_GS] = 0;
}

static void selectors_read(uint16_t selectors[ARCH_SELECTOR_COUNT])
{
    __asm__ volatile("movw %%ds, %0\n\t"
                     "movw %%es, %1\n\t"
                     "movw %%fs, %2\n\t"
                     "movw %%gs, %3"
                     : "=m"(selectors[SEG_DS]), "=m"(selectors[SEG_ES]), "=m"(selectors[SEG_FS]),
                       "=m"(selectors[SEG_GS]));
}

/* GS is loaded between two SWAPGS, so that the kernel's own GS base (the per-CPU pointer) is
 * not the one the load replaces. */
static void selectors_load(const uint16_t want[ARCH_SELECTOR_COUNT],
                           const uint16_t have[ARCH_SELECTOR_COUNT])
{
    if (want[SEG_DS] != have[SEG_DS]) {
        __asm__ volatile("movw %0, %%ds" : : "r"(want[SEG_DS]));
    }
    if (want[SEG_ES] != have[SEG_ES]) {
        __asm__ volatile("movw %0, %%es" : : "r"(want[SEG_ES]));
    }
    if (want[SEG_FS] != have[SEG_FS]) {
        __asm__ volatile("movw %0, %%fs" : : "r"(want[SEG_FS]));
    }
    if (want[SEG_GS] != have[SEG_GS]) {
        __asm__ volatile("swapgs\n\t"
                         "movw %0, %%gs\n\t"
                         "swapgs"
                         :
                         : "r"(want[SEG_GS])
                         : "memory");
    }
}

bool segments_switch_to(tcb_t *tcb)
{
    arch_cpu_t *arch = &cpu_self()->arch;
    uint16_t current[ARCH_SELECTOR_COUNT];

    if (arch->segment_owner == tcb) {
        return false;
    }
    selectors_read(current);
    if (arch->segment_owner != NULL) {
        for (unsigned i = 0; i < ARCH_SELECTOR_COUNT; i++) {
            arch->segment_owner->arch.selectors[i] = current[i];
        }
    }
    selectors_load(tcb->arch.selectors, current);
    arch->segment_owner = tcb;
    return true;
}

void segments_release(const tcb_t *tcb)
{
    arch_cpu_t *arch = &cpu_self()->arch;

    if (arch->segment_owner == tcb) {
        arch->segment_owner = NULL;
    }
}
