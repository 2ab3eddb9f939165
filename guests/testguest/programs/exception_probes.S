/*
 * Ring-0 instructions that fault on purpose, for the exceptions and paging programs. Each
 * faulting instruction has a global label so a test can compare it with the fault's RIP; each
 * routine returns normally only if its instruction did not fault.
 */
    .text

    .global probe_ud2, probe_ud2_insn
probe_ud2:
probe_ud2_insn:
    ud2
    ret

/* #DE: divides by the argument (0 faults). */
    .global probe_divide, probe_divide_insn
probe_divide:
    movl $100, %eax
    xorl %edx, %edx
probe_divide_insn:
    divl %edi
    ret

/* #BP is a trap: RIP points after the INT3. */
    .global probe_int3, probe_int3_after
probe_int3:
    int3
probe_int3_after:
    ret

    .global probe_load, probe_load_insn
probe_load:
probe_load_insn:
    movq (%rdi), %rax
    ret

    .global probe_store, probe_store_insn
probe_store:
probe_store_insn:
    movq $0x1234, (%rdi)
    ret

    .global probe_call
probe_call:
    call *%rdi
    ret

/* #GP with a selector error code: DS loaded from a GDT slot past the limit. */
    .global probe_load_ds, probe_load_ds_insn
probe_load_ds:
    movw %ds, %ax
probe_load_ds_insn:
    movw %di, %ds
    movw %ax, %ds
    ret

/* #DB after one instruction: POPF sets TF, the trap comes after the instruction that follows. */
    .global probe_single_step, probe_single_step_first, probe_single_step_second
probe_single_step:
    pushfq
    orq $0x100, (%rsp)
    popfq
probe_single_step_first:
    nop
probe_single_step_second:
    nop
    pushfq
    andq $~0x100, (%rsp)
    popfq
    ret

/* #NM: an x87 instruction while CR0.TS is set. */
    .global probe_fpu, probe_fpu_insn
probe_fpu:
probe_fpu_insn:
    fninit
    ret

/* Switches to the stack given (unmapped, or non-canonical) and pushes. */
    .global probe_push_on, probe_push_on_insn
probe_push_on:
    movq %rsp, %rsi
    movq %rdi, %rsp
probe_push_on_insn:
    pushq $0
    movq %rsi, %rsp
    ret

/* Jumps into the middle of an instruction: MOV EAX, imm32 whose immediate is NOP, INT3, UD2. */
    .global probe_split_instruction, probe_split_target
probe_split_instruction:
    .byte 0xb8
probe_split_target:
    .byte 0x90, 0xcc, 0x0f, 0x0b
    ret

    .global probe_jump
probe_jump:
    jmp *%rdi
