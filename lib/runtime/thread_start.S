/*
 * First instruction of every thread started with runtime_thread_start: the creator's
 * TCB_WriteRegisters sets RIP here, RSP to the stack top, RDI to the entry function, RSI to its
 * argument and the FS base to the thread's TLS. It aligns the stack as the ABI wants and makes
 * sure a returning entry function ends in runtime_thread_exit.
 */
    .text
    .global runtime_thread_trampoline
    .type runtime_thread_trampoline, @function
runtime_thread_trampoline:
    cld
    and $-16, %rsp
    xor %ebp, %ebp
    mov %rdi, %rax
    mov %rsi, %rdi
    call *%rax
    call runtime_thread_exit
1:  ud2
    jmp 1b
    .size runtime_thread_trampoline, . - runtime_thread_trampoline

    .section .note.GNU-stack, "", @progbits
