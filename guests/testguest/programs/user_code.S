/*
 * Ring-3 routines shared by the programs (declared in user_code.h). They live in .user.text,
 * the only code ring 3 may run, and touch only their arguments and the user stack: a call
 * into kernel text from here would fault.
 */
#include "vectors.h"

#define SYS_ADD1   1
#define SYS_RECORD 2

    .section .user.text, "ax"

    .global user_read_cs
user_read_cs:
    xorl %eax, %eax
    movw %cs, %ax
    ret

    .global user_read_ss
user_read_ss:
    xorl %eax, %eax
    movw %ss, %ax
    ret

    .global user_read_rflags
user_read_rflags:
    pushfq
    popq %rax
    ret

    .global user_load
user_load:
    movq (%rdi), %rax
    ret

    .global user_store
user_store:
    movl $0x5a5a5a5a, (%rdi)
    xorl %eax, %eax
    ret

    .global user_syscall_record
    .global user_syscall_record_return
user_syscall_record:
    movl $SYS_RECORD, %eax
    syscall
user_syscall_record_return:
    ret

    .global user_read_gs0
user_read_gs0:
    movq %gs:0, %rax
    ret

    .global user_read_fs0
user_read_fs0:
    movq %fs:0, %rax
    ret

    .global user_wrfsbase_read
user_wrfsbase_read:
    wrfsbase %rdi
    movq %fs:0, %rax
    ret

    .global user_rdfsbase
user_rdfsbase:
    rdfsbase %rax
    ret

    .global user_int_user
user_int_user:
    movq %rdi, %rax
    int $VECTOR_INT_USER
    ret

    .global user_int_kernel
    .global user_int_kernel_insn
user_int_kernel:
user_int_kernel_insn:
    int $VECTOR_INT_KERNEL
    ret

/* A function symbol: nothing in it traps before its POPF, so only a scan from its symbol finds
 * that POPF to patch (the routines above and below are found when they first fault). */
    .global user_popf_clear_if
    .type user_popf_clear_if, @function
user_popf_clear_if:
    pushfq
    andq $~0x200, (%rsp)
    popfq
    pushfq
    popq %rax
    ret

    .global user_cli_read_sti
    .global user_cli_insn
user_cli_read_sti:
user_cli_insn:
    cli
    pushfq
    popq %rax
    sti
    ret

/* RDI = count: RAX = SYS_ADD1 applied count times to 0, each a full ring 3 -> 0 -> 3 trip. */
    .global user_syscall_chain
user_syscall_chain:
    movq %rdi, %rsi
    xorl %edi, %edi
    testq %rsi, %rsi
    jz 2f
1:  movl $SYS_ADD1, %eax
    syscall
    movq %rax, %rdi
    decq %rsi
    jnz 1b
2:  movq %rdi, %rax
    ret

/* The hypercall instructions, which ring 3 must not be able to use (#UD). */
    .global user_hypercall_intel
user_hypercall_intel:
    xorl %eax, %eax
    .byte 0x0f, 0x01, 0xc1       /* vmcall */
    ret

    .global user_hypercall_amd
user_hypercall_amd:
    xorl %eax, %eax
    .byte 0x0f, 0x01, 0xd9       /* vmmcall */
    ret
