/*
 * Entering an SVM guest and coming back (AMD APM Vol. 2 15.5, 15.6): called with GIF clear and
 * EFER.SVME set. VMLOAD the guest's FS/GS/TR/LDTR and SYSCALL MSRs, STI (the host's IF is what
 * lets physical interrupts end the guest's run under V_INTR_MASKING; GIF holds them until
 * then), VMRUN; after #VMEXIT, VMSAVE the guest's, VMLOAD the host's image, which gives the
 * kernel its GS base back before anything uses it. RAX and RSP of the guest are in the VMCB.
 */
#include "guest_gprs.inc"

    .text
    .code64

/* void svm_enter(word_t *gpr, paddr_t vmcb, paddr_t host_image) */
    .global svm_enter
svm_enter:
    host_callee_saved_push
    pushq %rdi                          /* the guest's register block */
    pushq %rdx                          /* the host's VMLOAD image */
    movq %rsi, %rax
    guest_gprs_load
    movq GPR_RDI(%rdi), %rdi
    vmload %rax
    sti
    vmrun %rax
    vmsave %rax                         /* RAX is the VMCB's address again (host state) */
    xchgq 8(%rsp), %rdi                 /* RDI: the block; the guest's RDI on the stack */
    guest_gprs_save
    popq %rax
    vmload %rax
    popq GPR_RDI(%rdi)
    cli
    host_callee_saved_pop
    ret
