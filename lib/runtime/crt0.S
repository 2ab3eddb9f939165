/*
 * Root task entry. The kernel jumps here with the boot info address in RDI and an undefined
 * RSP; this sets up the stack, clears .bss and hands over to runtime_start. Nothing here may
 * touch the stack before RSP is set, or .bss (which holds the stack) before it is cleared.
 */
    .section .text.start, "ax"
    .global _start
    .type _start, @function
_start:
    cld
    mov %rdi, %r12                  /* boot info, kept in a callee-saved register */
    lea __bss_start(%rip), %rdi
    lea __bss_end(%rip), %rcx
    sub %rdi, %rcx
    xor %eax, %eax
    rep stosb
    lea runtime_root_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %r12, %rdi
    call runtime_start
1:  ud2                             /* runtime_start never returns */
    jmp 1b
    .size _start, . - _start

    .section .bss
    .balign 16
runtime_root_stack:
    .skip 0x10000
runtime_root_stack_top:

    .section .note.GNU-stack, "", @progbits
