/*
 * Entering a VMX guest and coming back (Intel SDM Vol. 3C 27, 28): the kernel's callee-saved
 * registers on the kernel stack, HOST_RSP pointing at them, the guest's general registers loaded
 * from the VCPU record (RSP and RIP are in the VMCS), VMLAUNCH or VMRESUME. A VM exit lands at
 * vmx_exit_point with the host's RSP; the guest's registers go back to the record.
 */
#include "guest_gprs.inc"

#define VMCS_HOST_RSP 0x6c14

    .text
    .code64

/*
 * word_t vmx_enter(word_t *gpr, word_t launched): 0 after a VM exit, 1 when the VM entry
 * instruction failed with VMfailInvalid (CF), 2 with VMfailValid (ZF: the VM-instruction error
 * field says why). Interrupts are off on entry and on return.
 */
    .global vmx_enter
vmx_enter:
    host_callee_saved_push
    pushq %rdi                          /* the guest's register block, for the exit */
    movl $VMCS_HOST_RSP, %eax
    vmwrite %rsp, %rax
    testq %rsi, %rsi                    /* the MOVs below keep these flags */
    movq GPR_RAX(%rdi), %rax
    guest_gprs_load
    movq GPR_RDI(%rdi), %rdi
    jnz 1f
    vmlaunch
    jmp 2f
1:  vmresume
2:  movl $1, %eax                       /* the entry failed: CF VMfailInvalid, ZF VMfailValid */
    jc 3f
    movl $2, %eax
3:  popq %rdi
    host_callee_saved_pop
    ret

/* HOST_RIP: RSP is HOST_RSP, so the register block's address is on top of the stack. */
    .global vmx_exit_point
vmx_exit_point:
    xchgq (%rsp), %rdi                  /* RDI: the block; the guest's RDI on the stack */
    movq %rax, GPR_RAX(%rdi)
    guest_gprs_save
    popq GPR_RDI(%rdi)
    host_callee_saved_pop
    xorl %eax, %eax
    ret
