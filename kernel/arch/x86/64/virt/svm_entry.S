/*
 * Entering an SVM guest and coming back (AMD APM Vol. 2 15.5, 15.6): called with GIF clear and
 * EFER.SVME set. VMLOAD the guest's FS/GS/TR/LDTR and SYSCALL MSRs, STI (the host's IF is what
 * lets physical interrupts end the guest's run under V_INTR_MASKING; GIF holds them until
 * then), VMRUN; after #VMEXIT, VMSAVE the guest's, VMLOAD the host's image, which gives the
 * kernel its GS base back before anything uses it. RAX and RSP of the guest are in the VMCB.
 */
#include <arch/virt/vcpu_offsets.h>

    .text
    .code64

/* void svm_enter(word_t *gpr, paddr_t vmcb, paddr_t host_image) */
    .global svm_enter
svm_enter:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq %rdi                          /* the guest's register block */
    pushq %rdx                          /* the host's VMLOAD image */
    movq %rsi, %rax
    movq GPR_RBX(%rdi), %rbx
    movq GPR_RCX(%rdi), %rcx
    movq GPR_RDX(%rdi), %rdx
    movq GPR_RSI(%rdi), %rsi
    movq GPR_RBP(%rdi), %rbp
    movq GPR_R8(%rdi), %r8
    movq GPR_R9(%rdi), %r9
    movq GPR_R10(%rdi), %r10
    movq GPR_R11(%rdi), %r11
    movq GPR_R12(%rdi), %r12
    movq GPR_R13(%rdi), %r13
    movq GPR_R14(%rdi), %r14
    movq GPR_R15(%rdi), %r15
    movq GPR_RDI(%rdi), %rdi
    vmload %rax
    sti
    vmrun %rax
    vmsave %rax                         /* RAX is the VMCB's address again (host state) */
    xchgq 8(%rsp), %rdi                 /* RDI: the block; the guest's RDI on the stack */
    movq %rbx, GPR_RBX(%rdi)
    movq %rcx, GPR_RCX(%rdi)
    movq %rdx, GPR_RDX(%rdi)
    movq %rsi, GPR_RSI(%rdi)
    movq %rbp, GPR_RBP(%rdi)
    movq %r8, GPR_R8(%rdi)
    movq %r9, GPR_R9(%rdi)
    movq %r10, GPR_R10(%rdi)
    movq %r11, GPR_R11(%rdi)
    movq %r12, GPR_R12(%rdi)
    movq %r13, GPR_R13(%rdi)
    movq %r14, GPR_R14(%rdi)
    movq %r15, GPR_R15(%rdi)
    popq %rax
    vmload %rax
    popq GPR_RDI(%rdi)
    cli
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
