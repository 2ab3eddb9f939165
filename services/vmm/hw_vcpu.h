/*
 * The hardware modes' vCPU as the VMM keeps it (hw.h has the calls): the kernel's VCPU object
 * and guest-physical root, what the next seL4_VMEnter carries, the last exit, and the guest
 * state the VMM owns itself (VMX's CR0/CR4 read shadows, TSC_AUX) and counts.
 */
#ifndef VMM_HW_VCPU_H
#define VMM_HW_VCPU_H

#include "hw_exit.h"
#include <pv/cpu.h>
#include <sel4/sel4.h>

typedef struct hw_vcpu {
    bool active;       /* the VM runs in a hardware mode */
    bool svm;          /* AMD-V; else VT-x */
    bool unrestricted; /* VT-x: unrestricted guest (paging off and real mode run as they are) */
    seL4_CPtr vcpu;
    seL4_CPtr root;
    pv_cpu_config_t config; /* what the CPUID policy offers, for the emulation's walker */
    /* seL4_VMEnter's MR0..MR2 for the next entry. */
    seL4_Word rip;
    seL4_Word controls; /* the base controls; window exits are added per entry */
    seL4_Word event;
    /* The last exit's message registers (RFLAGS, interruptibility, CR3, GPRs). */
    seL4_Word mr[SEL4_VMENTER_NUM_FAULT_MSGS];
    bool gprs_dirty;  /* mr's GPRs changed: written back before the next entry */
    bool stale;       /* a signal ended the last run: mr's RFLAGS and blocking are old */
    bool halted;      /* HLT: no entry until an interrupt is due */
    bool vintr;       /* SVM: V_IRQ is set in the VMCB for an interrupt window */
    bool nmi_blocked; /* SVM: an injected NMI's handler has not yet returned (IRET) */
    uint64_t cr0_shadow, cr4_shadow; /* VT-x: CR0 and CR4 as the guest sees them */
    uint64_t dr[8]; /* DR0-DR7 as the guest set them: kept, never armed on the CPU */
    uint64_t cr2;   /* a #PF's address for the guest's CR2 at the next entry */
    bool cr2_pending;
    uint64_t exits[HW_EXIT_KINDS];
    uint64_t injected;
    uint64_t entries;
} hw_vcpu_t;

#endif
