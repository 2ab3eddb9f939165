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
 */
#ifndef SEL4_PV_H
#define SEL4_PV_H

#include <sel4/types.h>

#define seL4_PVSitesMax 252
#define seL4_PV_IF      0x200ull /* the interrupt flag's bit in RFLAGS and in flags */

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
    seL4_Word reserved[3];
    seL4_PVSite sites[seL4_PVSitesMax];
} seL4_PVPage;

_Static_assert(sizeof(seL4_PVPage) == 4096, "the PV page is one page");

#endif
