/*
 * Thread bodies for the hostile-CPU-state group (test_hostile_cpu.c): one privileged, sensitive
 * or segment-changing instruction each, as an attacker would try them from user mode, in 64-bit
 * mode and in compatibility mode. Every case NAME has three labels:
 *   NAME      where the thread starts (64-bit cases) or enters 32-bit code (compatibility cases,
 *             through hc_enter_compat),
 *   NAME_at   the instruction under test, where a fault is expected,
 *   NAME_end  a UD2 right after it: a #UD there means the instruction ran without faulting
 *             (and RIP there is where a trap such as INT3 reports).
 * Compatibility cases start with DEC EAX (0x48, a REX.W prefix in 64-bit mode), so a fault
 * message with EAX one less than the thread started with proves the code ran as 32-bit code.
 */
#define SEL_KERNEL_CODE 0x08
#define SEL_USER_CODE32 0x1b
#define SEL_USER_CODE64 0x2b

.macro BEGIN name
    .global \name, \name\()_at, \name\()_end
\name:
.endm

.macro AT name
\name\()_at:
.endm

.macro END name
\name\()_end:
    ud2
.endm

/* A case whose first instruction is the one under test. */
.macro ONE name, insn:vararg
    BEGIN \name
    AT \name
    \insn
    END \name
.endm

    .text
    .code64

/* ---- 64-bit mode: system instructions (expected: #GP(0) or #UD) ---- */
    ONE hc_lgdt, lgdt (%rsp)
    ONE hc_lidt, lidt (%rsp)
    ONE hc_lldt, lldt %ax
    ONE hc_ltr, ltr %ax
    ONE hc_lmsw, lmsw %ax
    ONE hc_clts, clts
    ONE hc_read_cr0, mov %cr0, %rax
    ONE hc_read_cr2, mov %cr2, %rax
    ONE hc_read_cr3, mov %cr3, %rax
    ONE hc_read_cr4, mov %cr4, %rax
    ONE hc_read_cr8, mov %cr8, %rax
    ONE hc_write_cr0, mov %rax, %cr0
    ONE hc_write_cr3, mov %rax, %cr3
    ONE hc_write_cr4, mov %rax, %cr4
    ONE hc_write_cr8, mov %rax, %cr8
    ONE hc_read_dr0, mov %dr0, %rax
    ONE hc_read_dr6, mov %dr6, %rax
    ONE hc_read_dr7, mov %dr7, %rax
    ONE hc_write_dr7, mov %rax, %dr7
    ONE hc_invlpg, invlpg (%rsp)
    ONE hc_invpcid, invpcid (%rsp), %rax
    ONE hc_wbinvd, wbinvd
    ONE hc_wbnoinvd, .byte 0xf3, 0x0f, 0x09
    ONE hc_invd, invd
    ONE hc_hlt, hlt
    ONE hc_rdmsr, rdmsr
    ONE hc_wrmsr, wrmsr
    ONE hc_in_imm, inb $0x80, %al
    ONE hc_out_imm, outb %al, $0x80
    ONE hc_in_dx, inb (%dx), %al
    ONE hc_out_dx, outb %al, (%dx)
    ONE hc_insb, insb (%dx), %es:(%rdi)
    ONE hc_outsb, outsb (%rsi), (%dx)
    ONE hc_cli, cli
    ONE hc_sti, sti
    ONE hc_swapgs, swapgs
    ONE hc_sysret, sysretq
    ONE hc_sysexit, sysexitq
    ONE hc_sysenter, sysenter
    ONE hc_rdpmc, rdpmc
    ONE hc_sgdt, sgdt (%rsp)
    ONE hc_sidt, sidt (%rsp)
    ONE hc_sldt, sldt %ax
    ONE hc_str, str %ax
    ONE hc_smsw, smsw %ax
    ONE hc_rdtsc, rdtsc
    ONE hc_xgetbv, xgetbv
    ONE hc_xsetbv, xsetbv
    ONE hc_monitor, monitor %rax, %ecx, %edx
    ONE hc_mwait, mwait %eax, %ecx
    ONE hc_clac, clac
    ONE hc_stac, stac
    ONE hc_vmcall, vmcall
    ONE hc_vmxon, vmxon (%rsp)
    ONE hc_vmxoff, vmxoff
    ONE hc_vmlaunch, vmlaunch
    ONE hc_vmread, vmread %rax, %rbx
    ONE hc_invept, invept (%rsp), %rax
    ONE hc_vmrun, vmrun %rax
    ONE hc_vmmcall, vmmcall
    ONE hc_vmload, vmload %rax
    ONE hc_vmsave, vmsave %rax
    ONE hc_stgi, stgi
    ONE hc_clgi, clgi
    ONE hc_skinit, skinit %eax
    ONE hc_invlpga, invlpga %rax, %ecx
    ONE hc_getsec, getsec
    ONE hc_rsm, rsm
    ONE hc_rdfsbase, rdfsbase %rax
    ONE hc_wrfsbase, wrfsbase %rax
    ONE hc_rdgsbase, rdgsbase %rax
    ONE hc_wrgsbase, wrgsbase %rax
    ONE hc_ud2, ud2
    ONE hc_ud1, ud1 %eax, %eax
    ONE hc_ud0, .byte 0x0f, 0xff, 0xc0
    ONE hc_pop_ss_invalid, .byte 0x17
    ONE hc_into_invalid, .byte 0xce
    ONE hc_int80, int $0x80
    ONE hc_int_pf, int $0x0e
    ONE hc_int_irq, int $0x30
    ONE hc_int_tick, int $0xfe
    ONE hc_int3, int3
    ONE hc_int_3, int $3
    ONE hc_int_4, int $4
    ONE hc_int1, .byte 0xf1

/* RDPKRU/WRPKRU need ECX = 0 (else #GP(0) where PKE is on): #UD with CR4.PKE clear. */
    BEGIN hc_rdpkru
    xorl %ecx, %ecx
    AT hc_rdpkru
    rdpkru
    END hc_rdpkru

    BEGIN hc_wrpkru
    xorl %ecx, %ecx
    xorl %edx, %edx
    AT hc_wrpkru
    wrpkru
    END hc_wrpkru

/* IRETQ to the kernel's code selector: RPL 0 below CPL 3 is #GP(selector). */
    BEGIN hc_iretq_to_kernel
    movq %rsp, %rax
    pushq $0x23
    pushq %rax
    pushfq
    pushq $SEL_KERNEL_CODE
    leaq hc_iretq_to_kernel_end(%rip), %rax
    pushq %rax
    AT hc_iretq_to_kernel
    iretq
    END hc_iretq_to_kernel

/* Readable state: the instruction runs, and the fault at NAME_end shows what it read. */
    BEGIN hc_rdtscp
    movq $-1, %rcx
    AT hc_rdtscp
    rdtscp                          /* RCX = IA32_TSC_AUX */
    END hc_rdtscp

    BEGIN hc_rdpid
    movq $-1, %rax
    AT hc_rdpid
    rdpid %rax                      /* RAX = IA32_TSC_AUX */
    END hc_rdpid

/* POPF cannot raise IOPL or set VIF/VIP/VM from user mode: RFLAGS at the end shows it. */
    BEGIN hc_popf_iopl
    pushq $0x1b3202                 /* IOPL 3, VIF, VIP, AC, IF */
    popfq
    AT hc_popf_iopl
    pushfq
    popq %rax
    END hc_popf_iopl

/* ---- 64-bit mode: a segment register loaded with RAX's selector ---- */
    ONE hc_load_ds, mov %eax, %ds
    ONE hc_load_es, mov %eax, %es
    ONE hc_load_fs, mov %eax, %fs
    ONE hc_load_gs, mov %eax, %gs
    ONE hc_load_ss, mov %eax, %ss

/*
 * Far transfers to selector AX, offset hc_far_target (m16:32, the form both vendors take). Code
 * arriving there in 64-bit mode meets EA (JMP FAR ptr16:32), invalid in 64-bit mode: #UD at
 * hc_far_target. Code arriving in compatibility mode decrements EAX and jumps back into 64-bit
 * mode, where it stops with #UD at hc_far_back64: the transfer back is part of the test.
 */
    BEGIN hc_far_jmp
    subq $16, %rsp
    movl $hc_far_target, (%rsp)
    movw %ax, 4(%rsp)
    AT hc_far_jmp
    ljmp *(%rsp)
    END hc_far_jmp

    BEGIN hc_far_call
    subq $16, %rsp
    movl $hc_far_target, (%rsp)
    movw %ax, 4(%rsp)
    AT hc_far_call
    lcall *(%rsp)
    END hc_far_call

    BEGIN hc_far_ret
    pushq %rax
    pushq $hc_far_target
    AT hc_far_ret
    lretq
    END hc_far_ret

    .global hc_far_target, hc_far_back64
    .code32
hc_far_target:
    dec %eax
    ljmp $SEL_USER_CODE64, $hc_far_back64
    .code64
hc_far_back64:
    ud2

/* The LDT is null: selector 7 (LDT entry 0, RPL 3) is #GP(4) for any use, here a far call. */
    BEGIN hc_ldt_call_gate
    subq $16, %rsp
    movl $0, (%rsp)
    movw $7, 4(%rsp)
    AT hc_ldt_call_gate
    lcall *(%rsp)
    END hc_ldt_call_gate

/* ---- compatibility mode: entered from 64-bit code with a far return to the 32-bit segment ---- */

/* Starts 32-bit code at RBX. */
    .global hc_enter_compat
hc_enter_compat:
    pushq $SEL_USER_CODE32
    pushq %rbx
    lretq

.macro BEGIN32 name
    .code32
    BEGIN \name
    dec %eax
.endm

.macro ONE32 name, insn:vararg
    BEGIN32 \name
    AT \name
    \insn
    END \name
    .code64
.endm

    ONE32 hc32_syscall, syscall
    ONE32 hc32_sysenter, sysenter
    ONE32 hc32_sysret, sysret
    ONE32 hc32_sysexit, sysexit
    ONE32 hc32_swapgs, .byte 0x0f, 0x01, 0xf8 /* SWAPGS: 64-bit mode only */
    ONE32 hc32_int80, int $0x80
    ONE32 hc32_int3, int3
    ONE32 hc32_int1, .byte 0xf1
    ONE32 hc32_ud2, ud2
    ONE32 hc32_hlt, hlt
    ONE32 hc32_cli, cli
    ONE32 hc32_in, inb $0x80, %al
    ONE32 hc32_lgdt, lgdt (%esp)
    ONE32 hc32_mov_cr3, mov %cr3, %ecx
    ONE32 hc32_page_fault, movl 0x10, %ecx
    ONE32 hc32_far_to_kernel, ljmp $SEL_KERNEL_CODE, $0

    BEGIN32 hc32_into
    movl $0x7fffffff, %ecx
    addl $1, %ecx                   /* sets OF */
    AT hc32_into
    into
    END hc32_into
    .code64

    BEGIN32 hc32_ldt_selector
    movl $7, %ecx
    AT hc32_ldt_selector
    mov %ecx, %ds
    END hc32_ldt_selector
    .code64

    BEGIN32 hc32_back_to_64
    AT hc32_back_to_64
    ljmp $SEL_USER_CODE64, $hc32_back_to_64_end
    .code64
    END hc32_back_to_64

/* IRET (32-bit) to the kernel's code selector: #GP(selector). */
    BEGIN32 hc32_iret_to_kernel
    pushfl
    pushl $SEL_KERNEL_CODE
    pushl $0
    AT hc32_iret_to_kernel
    iretl
    END hc32_iret_to_kernel
    .code64

/*
 * SYSCALL with a single-step trap held back by MOV SS, in 32-bit code (CVE-2018-8897's shape,
 * through IA32_CSTAR on AMD): POPF sets TF, its trap comes after MOV SS's shadow, on the kernel's
 * compatibility entry. The thread must still see its SYSCALL's #UD.
 */
    BEGIN32 hc32_movss_syscall
    mov %ss, %ecx
    pushfl
    orl $0x100, (%esp)
    popfl
    mov %ecx, %ss
    AT hc32_movss_syscall
    syscall
    END hc32_movss_syscall
    .code64

/*
 * Data-segment selectors are per-thread state. hc_set_selectors loads DS, ES, FS, GS from
 * EAX, EBX, ECX, EDX, yields until stub_flag is set, then reads them back into RAX..RDX and
 * stops (#UD); hc_read_selectors only reads them and stops.
 */
#define SYS_YIELD (-7)
    .global hc_set_selectors, hc_read_selectors, hc_selectors_read
hc_set_selectors:
    mov %eax, %ds
    mov %ebx, %es
    mov %ecx, %fs
    mov %edx, %gs
1:  movq $SYS_YIELD, %rdx
    syscall
    cmpq $0, stub_flag(%rip)
    je 1b
hc_read_selectors:
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    movw %ds, %ax
    movw %es, %bx
    movw %fs, %cx
    movw %gs, %dx
hc_selectors_read:
    ud2

/* 32-bit code that spins until stub_flag is set (read through DS), then stops with #UD: only
 * timer interrupts take the CPU from it, each entering the kernel from compatibility mode. */
    .code32
    BEGIN hc32_spin_flag
    dec %eax
1:  incl %ecx
    cmpl $0, stub_flag
    je 1b
    AT hc32_spin_flag
    ud2
    END hc32_spin_flag
    .code64
