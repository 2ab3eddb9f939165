/*
 * The kernel suite's test guest (vcpu_guest.S): a blob of 64-bit code the tests copy into the
 * guest's code page and enter at one of its entry points, and the guest-physical layout they
 * build around it. Each entry point does a few instructions and ends in an exit the test knows.
 */
#ifndef KTEST_VCPU_GUEST_H
#define KTEST_VCPU_GUEST_H

/* Guest-physical pages (the guest's own page tables map its first GiB 1:1, in 2 MiB pages). */
#define GUEST_PML4     0x0000
#define GUEST_PDPT     0x1000
#define GUEST_PD       0x2000
#define GUEST_CODE     0x3000
#define GUEST_DATA     0x4000 /* GDT at its start, flags and buffers, the stack at its end */
#define GUEST_IDT      0x5000
#define GUEST_READONLY 0x6000 /* mapped read-only in the guest-physical space */
#define GUEST_SCRATCH  0x7000 /* mapped and unmapped by the tests */
#define GUEST_PAGES    8
#define GUEST_UNMAPPED 0x100000 /* no frame: every access is a guest-physical fault */

#define GUEST_FLAG_SVM   (GUEST_DATA + 0x100) /* byte: 1 on SVM (VMMCALL), 0 on VMX (VMCALL) */
#define GUEST_XMM_IN     (GUEST_DATA + 0x200) /* 16 bytes the guest loads into XMM0 */
#define GUEST_XMM_OUT    (GUEST_DATA + 0x210) /* where it stores XMM0 again */
#define GUEST_IDTR_EMPTY (GUEST_DATA + 0x300) /* an IDTR image with limit 0 */
#define GUEST_GDTR_OWN   (GUEST_DATA + 0x310) /* the GDTR guest_clobber loads itself */
#define GUEST_IDTR_OWN   (GUEST_DATA + 0x320) /* the IDTR guest_clobber loads itself */
#define GUEST_GDT_LIMIT  0x1f                 /* its GDT limit (the VMM starts it with 0x17) */
#define GUEST_IDT_LIMIT  0x7ff                /* its IDT limit (the VMM starts it with 0xfff) */
#define GUEST_STACK_TOP  (GUEST_DATA + 0xff0)

#define GUEST_SEL_CODE 0x08
#define GUEST_SEL_DATA 0x10
#define GUEST_SEL_TSS  0x18
#define GUEST_VECTOR   0x40       /* the interrupt the tests inject */
#define GUEST_MARK_IRQ 0x4040     /* RAX at the handler's hypercall */
#define GUEST_MMIO_VAL 0x77       /* what the VMM "reads" for the guest at GUEST_UNMAPPED */
#define GUEST_RO_WORD  0x5eed5eed /* the word in the read-only page */

#ifndef __ASSEMBLY__
extern char guest_blob_start[], guest_blob_end[];
extern char guest_cpuid[], guest_cpuid_after[], guest_registers[], guest_out80[], guest_out_dx[],
        guest_hlt[], guest_mmio[], guest_read_scratch[], guest_sti[], guest_spin[],
        guest_spin_cli[], guest_irq_handler[], guest_irq_handler_end[], guest_fpu[],
        guest_triple_fault[], guest_clobber[], guest_read_rbx[], guest_hypercall[];
#endif

#endif
