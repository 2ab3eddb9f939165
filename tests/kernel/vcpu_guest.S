/*
 * The test guest: 64-bit code that runs at guest-physical GUEST_CODE (the tests copy the whole
 * blob there), with the guest's own GDT, IDT and stack in GUEST_DATA and GUEST_IDT. Every entry
 * point ends in exits the tests expect; HYPERCALL is VMCALL on VMX and VMMCALL on SVM (the VMM
 * sets the flag byte), 3 bytes either way. Only position-independent code and absolute guest
 * addresses: the bytes run somewhere else than where they were linked.
 */
#include "vcpu_guest.h"

.macro HYPERCALL
    cmpb $0, GUEST_FLAG_SVM
    jne 91f
    vmcall
    jmp 92f
91: vmmcall
92:
.endm

    .section .rodata
    .balign 16
    .global guest_blob_start
guest_blob_start:

/* CPUID (RAX, RCX as the VMM wrote them), then the results as the VMM answered, in R8-R11. */
    .global guest_cpuid
guest_cpuid:
    cpuid
    .global guest_cpuid_after
guest_cpuid_after:
    movq %rax, %r8
    movq %rbx, %r9
    movq %rcx, %r10
    movq %rdx, %r11
    HYPERCALL

/* Every general register plus one, then a hypercall: the VMM wrote them, reads them back. */
    .global guest_registers
guest_registers:
    incq %rax
    incq %rbx
    incq %rcx
    incq %rdx
    incq %rsi
    incq %rdi
    incq %rbp
    incq %r8
    incq %r9
    incq %r10
    incq %r11
    incq %r12
    incq %r13
    incq %r14
    incq %r15
    HYPERCALL
    jmp guest_registers

/* OUT to port 0x80 (2 bytes), a hypercall, again: exits at the OUT only while 0x80 is closed. */
    .global guest_out80
guest_out80:
    movb $0x42, %al
    outb %al, $0x80
    HYPERCALL
    jmp guest_out80

/* OUT to port 0x1234 through DX (1 byte) with AL = 0x43. */
    .global guest_out_dx
guest_out_dx:
    movl $0x1234, %edx
    movl $0x43, %eax
    outb %al, %dx
    HYPERCALL

    .global guest_hlt
guest_hlt:
    hlt
    HYPERCALL

/* A read of unmapped guest-physical memory (2 bytes), a write to a read-only page (6 bytes), a
 * read of it: each access the VMM is told about, with a hypercall after each. */
    .global guest_mmio
guest_mmio:
    movl $GUEST_UNMAPPED, %ebx
    movl (%rbx), %eax
    HYPERCALL
    movl $GUEST_READONLY, %ebx
    movl $0x99, (%rbx)
    HYPERCALL
    movl (%rbx), %eax
    HYPERCALL

/* Reads the scratch page's first word into RAX, hypercall, again. */
    .global guest_read_scratch
guest_read_scratch:
    movl $GUEST_SCRATCH, %ebx
    movl (%rbx), %eax
    HYPERCALL
    jmp guest_read_scratch

/* Interrupts on, a hypercall (so the VMM sees IF set), then spin. */
    .global guest_sti
guest_sti:
    sti
    nop
    HYPERCALL
/* A loop with interrupts enabled (host interrupts exit either way: external-interrupt exiting,
 * the INTR intercept); guest_spin_cli below is the same with them disabled. */
    .global guest_spin
guest_spin:
    sti
1:  pause
    jmp 1b

/* The same loop with interrupts disabled: only the host can end it. */
    .global guest_spin_cli
guest_spin_cli:
    cli
1:  pause
    jmp 1b

/* IDT[GUEST_VECTOR]: report with a marker in RAX. */
    .global guest_irq_handler
guest_irq_handler:
    movl $GUEST_MARK_IRQ, %eax
    HYPERCALL
    .global guest_irq_handler_end
guest_irq_handler_end:
    jmp guest_irq_handler_end

/* XMM0 from GUEST_XMM_IN, a hypercall (the VMM uses its own SSE state meanwhile), XMM0 stored to
 * GUEST_XMM_OUT, a hypercall. */
    .global guest_fpu
guest_fpu:
    movdqu GUEST_XMM_IN, %xmm0
    HYPERCALL
    movdqu %xmm0, GUEST_XMM_OUT
    HYPERCALL

/* An empty IDT and INT3: #BP, #GP, #DF, triple fault. */
    .global guest_triple_fault
guest_triple_fault:
    lidt GUEST_IDTR_EMPTY
    int3

/*
 * A guest going after host state: FS, GS and KERNEL_GS_BASE written directly (they run without
 * exits), SWAPGS, a SYSENTER MSR (exits), DR0 (exits), CR8 (exits on VMX, V_TPR on SVM), RDPMC
 * (exits), then a hypercall. The VMM skips each exiting instruction.
 */
    .global guest_clobber
guest_clobber:
    lgdt GUEST_GDTR_OWN
    lidt GUEST_IDTR_OWN
    movl $GUEST_SEL_DATA, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %fs
    movl %eax, %gs
    movl %eax, %ss
    movl $0xc0000100, %ecx
    movl $0x11111000, %eax
    xorl %edx, %edx
    wrmsr
    movl $0xc0000101, %ecx
    movl $0x22222000, %eax
    wrmsr
    movl $0xc0000102, %ecx
    movl $0x33333000, %eax
    wrmsr
    swapgs
    movl $0x174, %ecx
    wrmsr
    movq %rax, %dr0
    movl $0x401, %eax                   /* DR7: breakpoint 0 enabled */
    movq %rax, %dr7
    movl $15, %eax
    movq %rax, %cr8
    xorl %ecx, %ecx
    rdpmc
    HYPERCALL

/* Reads the 32-bit word at guest address RBX (the VMM sets RBX), then a hypercall. */
    .global guest_read_rbx
guest_read_rbx:
    movl (%rbx), %eax
    HYPERCALL

/* A lone hypercall (the round-trip benchmark and the simplest exit). */
    .global guest_hypercall
guest_hypercall:
    HYPERCALL
    jmp guest_hypercall

    .global guest_blob_end
guest_blob_end:
