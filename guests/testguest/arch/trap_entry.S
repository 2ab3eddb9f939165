/*
 * One 16-byte stub per vector, then a common path that saves every general register into a
 * trap_frame_t, calls trap_dispatch and returns with IRETQ through a frame the C side may have
 * rewritten. Also the resume half of trap_probe: where a caught exception lands.
 */

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                           (v) == 29 || (v) == 30)

    .text
    .balign 16
    .global trap_stubs
trap_stubs:
    vector = 0
    .rept 256
    .balign 16
    .if HAS_ERROR_CODE(vector)
    pushq $vector
    .else
    pushq $0
    pushq $vector
    .endif
    jmp trap_common
    vector = vector + 1
    .endr

trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    call trap_dispatch
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp               /* vector and error code */
    iretq

/*
 * int trap_catch_arm(trap_catch_t *catch): saves the callee-saved registers, the stack pointer
 * after return, the return address and RFLAGS; returns 0. When a caught exception resumes at
 * trap_catch_resume (RDI = the same catch, RSP already restored by IRETQ), the call returns a
 * second time, with 1.
 */
    .global trap_catch_arm
trap_catch_arm:
    movq %rbx, 0(%rdi)
    movq %rbp, 8(%rdi)
    movq %r12, 16(%rdi)
    movq %r13, 24(%rdi)
    movq %r14, 32(%rdi)
    movq %r15, 40(%rdi)
    leaq 8(%rsp), %rax
    movq %rax, 48(%rdi)          /* RSP as the caller sees it after the return */
    movq (%rsp), %rax
    movq %rax, 56(%rdi)          /* return address */
    pushfq
    popq %rax
    movq %rax, 64(%rdi)
    xorl %eax, %eax
    ret

    .global trap_catch_resume
trap_catch_resume:
    movq 0(%rdi), %rbx
    movq 8(%rdi), %rbp
    movq 16(%rdi), %r12
    movq 24(%rdi), %r13
    movq 32(%rdi), %r14
    movq 40(%rdi), %r15
    movl $1, %eax
    jmpq *56(%rdi)
