/*
 * Kernel entry and exit: the SYSCALL entry point, one 16-byte stub per interrupt vector, the
 * two ways back to user mode (SYSRETQ and IRETQ), and the interrupt window after a guest's run. User registers are saved straight into
 * the current TCB (TSS.RSP0 and CPU_CONTEXT_TOP point just past its register block); the C
 * handlers then run on the per-CPU kernel stack and never return here.
 */
#include <arch/kernel/context_layout.h>

    .text
    .code64

.macro SAVE_GPRS
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
.endm

.macro RESTORE_GPRS
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
.endm

/*
 * SYSCALL: RCX = user RIP, R11 = user RFLAGS, interrupts masked by IA32_FMASK. Builds the same
 * frame an interrupt would, then calls c_handle_syscall(cptr = RDI, info = RSI, number = RDX).
 */
    .global syscall_entry
    .balign 64
syscall_entry:
    swapgs
    movq %rsp, %gs:CPU_USER_RSP_SCRATCH
    movq %gs:CPU_CONTEXT_TOP, %rsp
    pushq $(SEL_USER_DATA | SEL_RPL_USER)
    pushq %gs:CPU_USER_RSP_SCRATCH
    pushq %r11
    pushq $(SEL_USER_CODE | SEL_RPL_USER)
    pushq %rcx
    pushq $0
    pushq $ENTRY_VECTOR_SYSCALL
    SAVE_GPRS
    movq %gs:CPU_KERNEL_STACK_TOP, %rsp
    xorl %ebp, %ebp
    call c_handle_syscall
    ud2

/*
 * SYSCALL from compatibility mode (IA32_CSTAR; only AMD CPUs come here, Intel CPUs raise #UD
 * without entering the kernel). It becomes the #UD an Intel CPU gives, at the SYSCALL
 * instruction: RCX holds the 32-bit return address, so the instruction starts two bytes before
 * it, modulo 2^32 (a prefixed SYSCALL is reported at its 0F 05, whose meaning is the same).
 * RCX and R11 are already lost to the return address and RFLAGS, as after any SYSCALL.
 */
    .global syscall_compat_entry
    .balign 64
syscall_compat_entry:
    swapgs
    movq %rsp, %gs:CPU_USER_RSP_SCRATCH
    movq %gs:CPU_CONTEXT_TOP, %rsp
    pushq $(SEL_USER_DATA | SEL_RPL_USER)
    pushq %gs:CPU_USER_RSP_SCRATCH
    pushq %r11
    pushq $(SEL_USER_CODE32 | SEL_RPL_USER)
    pushq %rcx
    subl $2, (%rsp)
    pushq $0
    pushq $ENTRY_VECTOR_INVALID_OPCODE
    jmp trap_from_user

/*
 * Vector stubs, 16 bytes apart starting at trap_stubs (the IDT code computes the addresses).
 * Each leaves [vector][error code][processor frame]; the processor pushed the error code
 * itself for the vectors listed in TRAP_HAS_ERROR.
 */
.altmacro
.macro TRAP_STUB vector
    .balign 16
    .if (\vector == 8) || (\vector == 10) || (\vector == 11) || (\vector == 12) || (\vector == 13) || (\vector == 14) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30)
    .else
    pushq $0
    .endif
    pushq $\vector
    .if (\vector == 2) || (\vector == 8) || (\vector == 18)
    jmp trap_fatal
    .elseif \vector == 1
    jmp trap_debug
    .else
    jmp trap_common
    .endif
.endm

    .balign 16
    .global trap_stubs
trap_stubs:
    .set trap_vector, 0
    .rept 256
    TRAP_STUB %trap_vector
    .set trap_vector, trap_vector + 1
    .endr
    .global trap_stubs_end
trap_stubs_end:
.noaltmacro

/*
 * From user mode: the frame is in the current TCB; save the rest there and continue on the
 * kernel stack. From kernel mode (only the idle loop runs with interrupts enabled): the frame
 * is on the kernel stack; hand it to C as it is.
 */
trap_common:
    cld                             /* user mode may have left DF set; C needs it clear */
    testb $3, 24(%rsp)
    jz trap_from_kernel
    swapgs
trap_from_user:
    SAVE_GPRS
    movq %gs:CPU_KERNEL_STACK_TOP, %rsp
    xorl %ebp, %ebp
    call c_handle_trap
    ud2

trap_from_kernel:
    SAVE_GPRS
    movq %rsp, %rdi
    call c_handle_kernel_trap
    ud2

/*
 * #DB, on its own IST stack. User mode can make a #DB arrive in kernel mode, on the first
 * instruction of a kernel entry, before that entry has switched GS or stacks: a single-step or
 * MOV SS-deferred trap carried through SYSCALL (64-bit or compatibility mode), INT3 or INTO (Bochs delivers even the plain TF
 * trap of SYSCALL at syscall_entry). Without IST its frame would go wherever the thread's RSP
 * points, kernel image included. Such a trap belongs to the user instruction that entered the
 * kernel: it is dropped and the entry goes on. Any other kernel-mode #DB is a kernel bug. From
 * user mode, the frame moves to the thread's register block and continues like every trap.
 */
trap_debug:
    cld
    testb $3, 24(%rsp)
    jz debug_from_kernel
    swapgs
    movq %rax, %gs:CPU_USER_RSP_SCRATCH
    movq %rsp, %rax
    movq %gs:CPU_CONTEXT_TOP, %rsp
    pushq 48(%rax)                  /* SS */
    pushq 40(%rax)                  /* RSP */
    pushq 32(%rax)                  /* RFLAGS */
    pushq 24(%rax)                  /* CS */
    pushq 16(%rax)                  /* RIP */
    pushq 8(%rax)                   /* error code */
    pushq (%rax)                    /* vector */
    movq %gs:CPU_USER_RSP_SCRATCH, %rax
    jmp trap_from_user

debug_from_kernel:
    pushq %rax
    leaq syscall_entry(%rip), %rax
    cmpq %rax, 24(%rsp)
    je 1f
    leaq syscall_compat_entry(%rip), %rax
    cmpq %rax, 24(%rsp)
    je 1f
    leaq trap_stubs(%rip), %rax
    cmpq %rax, 24(%rsp)
    jb 2f
    leaq trap_stubs_end(%rip), %rax
    cmpq %rax, 24(%rsp)
    jae 2f
1:  popq %rax
    addq $16, %rsp                  /* vector and error code */
    iretq
2:  popq %rax
    jmp trap_from_kernel

/* NMI, double fault, machine check: on their own IST stacks, always fatal. */
trap_fatal:
    cld
    SAVE_GPRS
    movq %rsp, %rdi
    call c_handle_fatal_trap
    ud2

/*
 * void arch_context_restore_iret(arch_context_t *context): every register from the block,
 * then IRETQ (any RIP, RCX and R11 preserved). Never returns.
 */
    .global arch_context_restore_iret
arch_context_restore_iret:
    movq %rdi, %rsp
    RESTORE_GPRS
    addq $16, %rsp
    swapgs
    iretq

/*
 * void arch_context_restore_sysret(arch_context_t *context): for a thread that entered by
 * SYSCALL with untouched registers: RCX and R11 are dead, so SYSRETQ returns to the saved RIP
 * and RFLAGS. The caller guarantees a canonical RIP. Never returns.
 */
    .global arch_context_restore_sysret
arch_context_restore_sysret:
    movq %rdi, %rsp
    RESTORE_GPRS
    movq (REG_RIP - REG_VECTOR) * 8(%rsp), %rcx
    movq (REG_RFLAGS - REG_VECTOR) * 8(%rsp), %r11
    movq (REG_RSP - REG_VECTOR) * 8(%rsp), %rsp
    swapgs
    sysretq

/*
 * void vcpu_interrupt_window(void): a host interrupt that ended a guest's run is still pending
 * (the VM exit did not acknowledge it): let it in here, the one place outside the idle loop
 * where the kernel enables interrupts. It arrives through trap_from_kernel with RIP at
 * vcpu_interrupt_window_open or _close and never comes back; without one (it went away) the
 * window just closes.
 */
    .global vcpu_interrupt_window
    .global vcpu_interrupt_window_open
    .global vcpu_interrupt_window_close
vcpu_interrupt_window:
    sti
vcpu_interrupt_window_open:
    nop
vcpu_interrupt_window_close:
    cli
    ret

/*
 * void arch_reschedule_on_fresh_stack(void): schedule() and restore_user_context() from the top
 * of the kernel stack, dropping whatever the kernel had on it (a guest's run and its interrupt
 * window), so that a thread interrupted in its guest again and again never deepens the stack.
 */
    .global arch_reschedule_on_fresh_stack
arch_reschedule_on_fresh_stack:
    movq %gs:CPU_KERNEL_STACK_TOP, %rsp
    xorl %ebp, %ebp
    call schedule
    call restore_user_context
    ud2

/*
 * void arch_idle_loop(word_t stack_top): wait for interrupts on a fresh kernel stack. An
 * interrupt arrives through trap_from_kernel and never comes back here.
 */
    .global arch_idle_loop
arch_idle_loop:
    movq %rdi, %rsp
    xorl %ebp, %ebp
1:  sti
    hlt
    cli
    jmp 1b
