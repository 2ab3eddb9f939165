/*
 * Entry of the smoke-test root task: a stack in .bss, then smoke_main(boot info). RSP is
 * undefined at entry (sel4/bootinfo.h), so nothing touches the stack before it is set.
 */
    .section .text.start, "ax"
    .global _start
_start:
    lea smoke_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call smoke_main
1:  ud2
    jmp 1b

    .bss
    .balign 16
smoke_stack:
    .skip 0x8000
smoke_stack_top:

    .section .note.GNU-stack, "", @progbits
