/*
 * Ring-3 transitions: user_enter (IRETQ or SYSRET into ring 3), the ring-3 trampoline that
 * turns a returning user function into SYS_EXIT, the SYSCALL entry with its SWAPGS, and
 * user_exit, which resumes the ring-0 code that called user_enter.
 */
#include "desc.h"

#define USER_ENTER_SYSRET 1
#define SYS_EXIT 0

/* The per-CPU block, reached through GS after SWAPGS (user.c). */
#define PERCPU_KERNEL_RSP 8
#define PERCPU_USER_RSP   16

    .text

/*
 * uint64_t user_enter(uint64_t how, uint64_t entry, uint64_t arg, uint64_t rflags,
 *                     uint64_t user_rsp)
 * Returns the value ring 3 passed to SYS_EXIT. Interrupts must be off.
 */
    .global user_enter
user_enter:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, user_return_rsp(%rip)
    movq %rdi, %r10              /* how */
    movq %rdx, %rdi              /* the user function's argument; RSI keeps its address */
    movq %rcx, %r11              /* RFLAGS, where SYSRET wants them */
    leaq user_trampoline(%rip), %rcx
    /* Ring 3 starts with no kernel values in its registers. */
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ebp, %ebp
    xorl %edx, %edx
    xorl %r9d, %r9d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    cmpq $USER_ENTER_SYSRET, %r10
    je 1f
    xorl %r10d, %r10d
    pushq $(SEL_USER_DATA | RPL_USER)
    pushq %r8
    pushq %r11
    pushq $(SEL_USER_CODE | RPL_USER)
    pushq %rcx
    xorl %ecx, %ecx
    xorl %r8d, %r8d
    xorl %r11d, %r11d
    iretq
1:  xorl %r10d, %r10d
    movq %r8, %rsp               /* interrupts are off: nothing runs on this stack in ring 0 */
    xorl %r8d, %r8d
    sysretq

/* void user_exit(uint64_t value): back into user_enter's caller, on its stack. */
    .global user_exit
user_exit:
    movq user_return_rsp(%rip), %rsp
    movq %rdi, %rax
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret

/*
 * SYSCALL: RCX holds the return RIP, R11 the user RFLAGS, and SFMASK has cleared IF. SWAPGS
 * brings in the per-CPU block, which holds the kernel stack. The frame below is
 * syscall_frame_t (user.c), lowest address first.
 */
    .global syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_RSP, %rsp
    pushq $0                     /* keeps the stack 16-byte aligned for the call */
    pushq %gs:PERCPU_USER_RSP
    pushq %rcx
    pushq %r11
    pushq %r9
    pushq %r8
    pushq %r10
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rax
    pushfq
    movq %rsp, %rdi
    cld
    call syscall_dispatch
    addq $16, %rsp               /* RFLAGS and RAX: the result is in RAX */
    popq %rdi
    popq %rsi
    popq %rdx
    popq %r10
    popq %r8
    popq %r9
    popq %r11
    popq %rcx
    movq (%rsp), %rsp
    swapgs
    sysretq

    .data
    .balign 8
user_return_rsp:
    .quad 0

/* Ring 3 starts here: RSI = the user function, RDI = its argument. */
    .section .user.text, "ax"
    .global user_trampoline
user_trampoline:
    callq *%rsi
    movq %rax, %rdi
    movl $SYS_EXIT, %eax
    syscall
    ud2
