/*
 * Switching user data-segment selectors between threads (arch/kernel/segments.h). The four
 * selectors are kept as one word (DS, ES, FS, GS from the low end): reading a selector is cheap
 * and loading one is not, so a switch reads all four, stores them into the owner's TCB, compares one word
 * and loads only the selectors that differ; most threads never change theirs. Every value loaded was loadable by its thread at
 * CPL 3, so it is loadable here (the GDT never changes and the LDT is null): no load can fault.
 */
#include <arch/kernel/segments.h>
#include <kernel/cpu.h>

#define SELECTOR_BITS     16
#define SELECTOR(word, n) ((uint16_t)((word) >> ((n)*SELECTOR_BITS)))

enum { SEG_DS, SEG_ES, SEG_FS, SEG_GS };

void segments_init(tcb_t *tcb)
{
    uint64_t data = SEL_USER_DATA | SEL_RPL_USER;

    tcb->arch.selectors = data << (SEG_DS * SELECTOR_BITS) | data << (SEG_ES * SELECTOR_BITS);
}

/* The CPU's four selectors as one word, assembled in registers (not by 16-bit stores that a
 * 64-bit load would then stall on). */
static uint64_t selectors_read(void)
{
    uint64_t ds;
    uint64_t es;
    uint64_t fs;
    uint64_t gs;

    __asm__ volatile("movl %%ds, %k0\n\t"
                     "movl %%es, %k1\n\t"
                     "movl %%fs, %k2\n\t"
                     "movl %%gs, %k3"
                     : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    return (uint16_t)ds | (uint64_t)(uint16_t)es << (SEG_ES * SELECTOR_BITS) |
           (uint64_t)(uint16_t)fs << (SEG_FS * SELECTOR_BITS) |
           (uint64_t)(uint16_t)gs << (SEG_GS * SELECTOR_BITS);
}

/* GS is loaded between two SWAPGS, so that the kernel's own GS base (the per-CPU pointer) is
 * not the one the load replaces. */
static void selectors_load(uint64_t want, uint64_t have)
{
    if (SELECTOR(want, SEG_DS) != SELECTOR(have, SEG_DS)) {
        __asm__ volatile("movw %0, %%ds" : : "r"(SELECTOR(want, SEG_DS)));
    }
    if (SELECTOR(want, SEG_ES) != SELECTOR(have, SEG_ES)) {
        __asm__ volatile("movw %0, %%es" : : "r"(SELECTOR(want, SEG_ES)));
    }
    if (SELECTOR(want, SEG_FS) != SELECTOR(have, SEG_FS)) {
        __asm__ volatile("movw %0, %%fs" : : "r"(SELECTOR(want, SEG_FS)));
    }
    if (SELECTOR(want, SEG_GS) != SELECTOR(have, SEG_GS)) {
        __asm__ volatile("swapgs\n\t"
                         "movw %0, %%gs\n\t"
                         "swapgs"
                         :
                         : "r"(SELECTOR(want, SEG_GS))
                         : "memory");
    }
}

bool segments_switch(arch_cpu_t *arch, tcb_t *tcb)
{
    uint64_t current = selectors_read();
    bool changed = current != tcb->arch.selectors;

    if (arch->segment_owner != NULL) {
        arch->segment_owner->arch.selectors = current;
    }
    if (changed) {
        selectors_load(tcb->arch.selectors, current);
    }
    arch->segment_owner = tcb;
    return changed;
}

void segments_release_saving(arch_cpu_t *arch)
{
    arch->segment_owner->arch.selectors = selectors_read();
    arch->segment_owner = NULL;
}

void segments_release(const tcb_t *tcb)
{
    arch_cpu_t *arch = &cpu_self()->arch;

    if (arch->segment_owner == tcb) {
        arch->segment_owner = NULL;
    }
}
