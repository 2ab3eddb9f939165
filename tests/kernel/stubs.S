/*
 * Hand-written thread bodies for tests that need exact register contents or a fault at a known
 * instruction. Threads are started here by TCB_WriteRegisters with every register chosen by the
 * test; most stubs fault on their first instruction, so the fault message must carry exactly the
 * registers written. None of them touches TLS or the IPC buffer.
 */
#define SYS_YIELD (-7)
#define SYS_SEND  (-3)
#define SYS_RECV  (-5)
#define SEL_USER_DATA 0x23 /* the kernel's user data selector (GDT entry 4, RPL 3) */

    .text

/* Parks a thread: yields forever (raw system call, no TLS needed). */
    .global stub_spin_yield
stub_spin_yield:
    mov $SYS_YIELD, %rdx
    syscall
    jmp stub_spin_yield

/* Spins without system calls: only a timer interrupt can take the CPU away. */
    .global stub_spin
stub_spin:
    incq stub_spin_counter(%rip)
    jmp stub_spin

/*
 * Stores every register in seL4_UserContext order into stub_regs_out (RIP slot: 0; FS/GS slots:
 * the words at FS:0 and GS:0, which proves the bases are in effect), sets stub_regs_done and
 * parks. RSP must point to writable memory (PUSHFQ).
 */
    .global stub_record_regs
stub_record_regs:
    mov %rax, stub_regs_out + 3 * 8(%rip)
    pushfq
    popq stub_regs_out + 2 * 8(%rip)
    mov %rsp, stub_regs_out + 1 * 8(%rip)
    mov %rbx, stub_regs_out + 4 * 8(%rip)
    mov %rcx, stub_regs_out + 5 * 8(%rip)
    mov %rdx, stub_regs_out + 6 * 8(%rip)
    mov %rsi, stub_regs_out + 7 * 8(%rip)
    mov %rdi, stub_regs_out + 8 * 8(%rip)
    mov %rbp, stub_regs_out + 9 * 8(%rip)
    mov %r8, stub_regs_out + 10 * 8(%rip)
    mov %r9, stub_regs_out + 11 * 8(%rip)
    mov %r10, stub_regs_out + 12 * 8(%rip)
    mov %r11, stub_regs_out + 13 * 8(%rip)
    mov %r12, stub_regs_out + 14 * 8(%rip)
    mov %r13, stub_regs_out + 15 * 8(%rip)
    mov %r14, stub_regs_out + 16 * 8(%rip)
    mov %r15, stub_regs_out + 17 * 8(%rip)
    mov %fs:0, %rax
    mov %rax, stub_regs_out + 18 * 8(%rip)
    mov %gs:0, %rax
    mov %rax, stub_regs_out + 19 * 8(%rip)
    movq $0, stub_regs_out(%rip)
    movq $1, stub_regs_done(%rip)
    jmp stub_spin_yield

/* Faulting stubs: the named instruction is the first one. */
    .global stub_fault_read
stub_fault_read:
    mov (%rax), %rcx
    ud2

    .global stub_fault_write
stub_fault_write:
    mov %rcx, (%rax)
    ud2

/* A read, then a write, of the word at RAX; then stores it + 1 to stub_result and parks. */
    .global stub_read_write
stub_read_write:
    mov (%rax), %rcx
    add $1, %rcx
    mov %rcx, (%rax)
    mov %rcx, stub_result(%rip)
    jmp stub_spin_yield

    .global stub_fault_exec
stub_fault_exec:
    jmp *%rax

    .global stub_divide_error
stub_divide_error:
    div %rcx
    ud2

    .global stub_ud2
stub_ud2:
    ud2

    .global stub_int3
stub_int3:
    int3
    ud2

    .global stub_int80
stub_int80:
    int $0x80
    ud2

    .global stub_hlt
stub_hlt:
    hlt
    ud2

    .global stub_cli
stub_cli:
    cli
    ud2

    .global stub_read_cr3
stub_read_cr3:
    mov %cr3, %rax
    ud2

    .global stub_wrmsr
stub_wrmsr:
    wrmsr
    ud2

    .global stub_port_in
stub_port_in:
    in $0x80, %al
    ud2

    .global stub_lgdt
stub_lgdt:
    lgdt (%rax)
    ud2

/* A system call with whatever the test put in the registers, then a #UD marker. */
    .global stub_syscall
stub_syscall:
    syscall
    .global stub_syscall_after
stub_syscall_after:
    ud2

/*
 * Sets TF with POPF, whose single-step trap comes after the next instruction: a MOV SS, which
 * holds it back one more, so the kernel entry (INT3 or SYSCALL) after it is where it comes due.
 */
.macro MOVSS_THEN insn
    mov %ss, %eax
    pushfq
    orq $0x100, (%rsp)
    popfq
    mov %eax, %ss
    \insn
.endm

    .global stub_movss_int3, stub_movss_int3_after
stub_movss_int3:
    MOVSS_THEN int3
stub_movss_int3_after:
    ud2

    .global stub_movss_syscall, stub_movss_syscall_after
stub_movss_syscall:
    MOVSS_THEN syscall
stub_movss_syscall_after:
    ud2

/* Sets stub_flag to RBX and then faults with #UD (a visible, stoppable end). */
    .global stub_set_flag
stub_set_flag:
    mov %rbx, stub_flag(%rip)
    ud2

/* One instruction, then #UD: with TF set, the single-step trap comes first, on the ud2. */
    .global stub_nop_ud2, stub_nop_ud2_after
stub_nop_ud2:
    nop
stub_nop_ud2_after:
    ud2

/* Loads RSP from RAX (any value: a register like the others) and faults with #UD. */
    .global stub_set_rsp_ud2
stub_set_rsp_ud2:
    mov %rax, %rsp
    ud2

/*
 * Loads FS and GS with the user data selector (any thread may: their bases become the
 * descriptor's, 0), signals the notification at RDI and faults with #UD.
 */
    .global stub_load_fsgs_signal
stub_load_fsgs_signal:
    mov $SEL_USER_DATA, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov $SYS_SEND, %rdx
    xor %esi, %esi
    syscall
    ud2

/* Loads FS with the user data selector (its base becomes 0), makes the system call its registers
 * describe, then stores the word at FS:0 into stub_regs_out (its slot) and faults with #UD. */
    .global stub_load_fs_syscall
stub_load_fs_syscall:
    mov $SEL_USER_DATA, %eax
    mov %eax, %fs
    syscall
    mov %fs:0, %rax
    mov %rax, stub_regs_out + 18 * 8(%rip)
    ud2

/* Waits on the notification at RDI, then stores the words at FS:0 and GS:0 into stub_regs_out
 * (their seL4_UserContext slots) and faults with #UD. */
    .global stub_wait_read_fsgs
stub_wait_read_fsgs:
    mov $SYS_RECV, %rdx
    syscall
    mov %fs:0, %rax
    mov %rax, stub_regs_out + 18 * 8(%rip)
    mov %gs:0, %rax
    mov %rax, stub_regs_out + 19 * 8(%rip)
    ud2

/* Recurses until the stack runs out (into the guard page). */
    .global stub_stack_overflow
stub_stack_overflow:
    push %rax
    jmp stub_stack_overflow

    .bss
    .balign 8
    .global stub_regs_out, stub_regs_done, stub_result, stub_flag, stub_spin_counter
stub_regs_out:
    .skip 20 * 8
stub_regs_done:
    .skip 8
stub_result:
    .skip 8
stub_flag:
    .skip 8
stub_spin_counter:
    .skip 8

    .section .note.GNU-stack, "", @progbits
