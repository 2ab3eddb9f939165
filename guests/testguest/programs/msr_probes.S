/* RDMSR/WRMSR and SYSCALL that may fault, for the msr program. */
    .text

/* RDI = MSR index. */
    .global probe_rdmsr, probe_rdmsr_insn
probe_rdmsr:
    movl %edi, %ecx
probe_rdmsr_insn:
    rdmsr
    ret

/* RDI = pointer to {index, value}. */
    .global probe_wrmsr, probe_wrmsr_insn
probe_wrmsr:
    movl (%rdi), %ecx
    movl 8(%rdi), %eax
    movl 12(%rdi), %edx
probe_wrmsr_insn:
    wrmsr
    ret

/* SYSCALL in ring 0 with EFER.SCE clear must raise #UD before going anywhere. */
    .global probe_syscall, probe_syscall_insn
probe_syscall:
probe_syscall_insn:
    syscall
    ret
