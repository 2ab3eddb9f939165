/*
 * beaml4: the PV fast path. A VMM running a guest kernel deprivileged gives the guest's vCPU
 * thread a page it shares with the kernel (TCB_SetPVPage). When the thread traps on one of the
 * sites the page lists (where the guest kernel executes CLI or STI, which fault at CPL 3, or where
 * the VMM patched PUSHF to 0x06 and POPF to 0x07, invalid in 64-bit mode), and the page is
 * enabled, the kernel applies the instruction to the guest's virtual interrupt flag in the page
 * and returns to the guest at once: no fault message, no VMM. Everything else is a fault as
 * usual: a trap at an address that is no site, a stack the kernel cannot reach through the
 * thread's own page tables, and enabling interrupts (STI, POPF setting IF) while the page says an
 * interrupt is pending, which the VMM handles to inject it. The VMM keeps `enabled` clear while the
 * guest runs its user mode, where these instructions must fault in the guest.
 *
 * `control` carries two bits of the guest's control registers that the host processor must hold
 * for it while the thread runs: with seL4_PVControl_TS every x87, MMX and SSE instruction of the
 * thread raises #NM (CR0.TS), with seL4_PVControl_TSD its RDTSC and RDTSCP raise #GP(0) (CR4.TSD).
 * The kernel reads the word each time it returns to the thread and restores its own values when
 * another thread runs; the thread's FPU registers stay its own. A word with any other bit set
 * counts as 0 (neither applies). The VMM sets TSD only while the guest runs its user mode: its
 * kernel runs at CPL 3 of the host too, where RDTSC must keep working.
 */
#ifndef SEL4_PV_H
#define SEL4_PV_H

#include <sel4/types.h>

#define seL4_PVSitesMax 252
#define seL4_PV_IF      0x200ull /* the interrupt flag's bit in RFLAGS and in flags */

/* Bits of seL4_PVPage.control. */
#define seL4_PVControl_TS  0x1ull /* FPU/SSE instructions raise #NM, as with CR0.TS set */
#define seL4_PVControl_TSD 0x2ull /* RDTSC/RDTSCP raise #GP(0), as with CR4.TSD set at CPL 3 */
#define seL4_PVControl_All (seL4_PVControl_TS | seL4_PVControl_TSD)

typedef enum {
    seL4_PVSite_CLI = 1,
    seL4_PVSite_STI = 2,
    seL4_PVSite_PUSHF = 3, /* patched to 0x06: pushes RFLAGS with the virtual IF */
    seL4_PVSite_POPF = 4,  /* patched to 0x07: pops RFLAGS, the virtual IF from it */
} seL4_PVSiteKind;

typedef struct seL4_PVSite {
    seL4_Word rip; /* the instruction's address */
    seL4_Word kind;
} seL4_PVSite;

typedef struct seL4_PVPage {
    volatile seL4_Word enabled;   /* 0: every trap goes to the VMM */
    volatile seL4_Word flags;     /* seL4_PV_IF: the guest's interrupt flag */
    volatile seL4_Word pending;   /* non-zero: enabling interrupts faults to the VMM */
    volatile seL4_Word fast_hits; /* traps the kernel completed (statistics) */
    seL4_Word site_count;         /* sites[0 .. site_count) are in use, sorted by rip */
    volatile seL4_Word control;   /* seL4_PVControl_* while the thread runs */
    seL4_Word reserved[2];
    seL4_PVSite sites[seL4_PVSitesMax];
} seL4_PVPage;

_Static_assert(sizeof(seL4_PVPage) == 4096, "the PV page is one page");

#endif
