/*
 * Every privileged instruction, each as a ring-3 routine whose first instruction is the one
 * under test: it must fault there (the user-privileged program checks vector, error code and
 * RIP). A routine that gets past its instruction returns 0x600d.
 */
    .section .user.text, "ax"

.macro PRIV name:req, insn:vararg
    .global upriv_\name
upriv_\name:
    \insn
    movl $0x600d, %eax
    ret
.endm

    PRIV cli, cli
    PRIV sti, sti
    PRIV hlt, hlt
    PRIV in, inb $0x80, %al
    PRIV out, outb %al, $0x80
    PRIV lgdt, lgdt (%rsp)
    PRIV lidt, lidt (%rsp)
    PRIV lldt, lldt %ax
    PRIV ltr, ltr %ax
    PRIV lmsw, lmsw %ax
    PRIV clts, clts
    PRIV mov_to_cr0, movq %rax, %cr0
    PRIV mov_from_cr0, movq %cr0, %rax
    PRIV mov_from_cr2, movq %cr2, %rax
    PRIV mov_to_cr3, movq %rax, %cr3
    PRIV mov_from_cr3, movq %cr3, %rax
    PRIV mov_to_cr4, movq %rax, %cr4
    PRIV mov_to_cr8, movq %rax, %cr8
    PRIV mov_from_dr6, movq %dr6, %rax
    PRIV mov_to_dr7, movq %rax, %dr7
    PRIV rdmsr, rdmsr
    PRIV wrmsr, wrmsr
    PRIV invlpg, invlpg (%rsp)
    PRIV invd, invd
    PRIV wbinvd, wbinvd
    PRIV swapgs, swapgs
    PRIV sysret, sysretq
    PRIV rdtsc_tsd, rdtsc
    PRIV sgdt_umip, sgdt (%rsp)
    PRIV sidt_umip, sidt (%rsp)
    PRIV smsw_umip, smsw %ax
    PRIV str_umip, str %ax
    PRIV sldt_umip, sldt %ax

/* Two that need set-up instructions first (their offsets are in hostile.c). */
    .global upriv_mov_ss_kernel
upriv_mov_ss_kernel:
    movw $0x10, %ax              /* the kernel's data selector, RPL 0 */
    movw %ax, %ss
    movl $0x600d, %eax
    ret

    .global upriv_iretq_to_ring0
upriv_iretq_to_ring0:
    pushq $0x10                  /* SS */
    pushq %rsp                   /* RSP */
    pushfq                       /* RFLAGS */
    pushq $0x08                  /* CS: the kernel's code selector */
    pushq $0                     /* RIP */
    iretq
