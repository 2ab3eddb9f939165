/*
 * Thread bodies for the PV group (test_pv.c): a guest kernel's interrupt-flag instructions, with
 * PUSHF and POPF already patched as a VMM patches them (0x06 and 0x07). Each site has a label
 * for the PV page's table; the body ends with a UD2 at pv_stub_end.
 */
    .text
    .code64

    .global pv_stub, pv_site_cli, pv_site_pushf_off, pv_site_sti, pv_site_pushf_on
    .global pv_site_popf, pv_stub_end
pv_stub:
pv_site_cli:
    cli
pv_site_pushf_off:
    .byte 0x06                      /* pushfq: the flags with the virtual IF clear */
    popq %rax
pv_site_sti:
    sti
pv_site_pushf_on:
    .byte 0x06                      /* pushfq: the virtual IF set */
    popq %rbx
    pushq %rcx                      /* flags for the POPF: the test puts them in RCX */
pv_site_popf:
    .byte 0x07                      /* popfq */
pv_stub_end:
    ud2

/* A patch byte where the table lists no site: the guest's own #UD, never an emulation. */
    .global pv_stray
pv_stray:
    .byte 0x06
    ud2

/*
 * PV control bits (test_pv_control.c). Each FPU case NAME runs one FPU, MMX or SSE instruction
 * at NAME_at, then a UD2 at NAME_end: #NM at NAME_at with CR0.TS in effect, the #UD at NAME_end
 * without.
 */
.macro PVC_ONE name, insn:vararg
    .global \name, \name\()_at, \name\()_end
\name:
\name\()_at:
    \insn
\name\()_end:
    ud2
.endm

    PVC_ONE pvc_fninit, fninit
    PVC_ONE pvc_fwait, fwait
    PVC_ONE pvc_paddb, paddb %mm1, %mm0 /* not EMMS: QEMU 7.2 TCG runs it with CR0.TS set */
    PVC_ONE pvc_addps, addps %xmm1, %xmm0
    PVC_ONE pvc_movq, movq %xmm0, %rbx
    PVC_ONE pvc_smsw, smsw %rax

/*
 * XMM0 = RAX and a UD2 at pvc_sse_set (the test changes the control word and resumes after it),
 * R12 system-call yields, then XMM0 back into RBX at pvc_sse_at and a UD2 at pvc_sse_end.
 */
    .global pvc_sse, pvc_sse_set, pvc_sse_at, pvc_sse_end
pvc_sse:
    movq %rax, %xmm0
pvc_sse_set:
    ud2
1:  test %r12, %r12
    jz pvc_sse_at
    mov $-7, %rdx                   /* seL4_SysYield */
    syscall
    dec %r12
    jmp 1b
pvc_sse_at:
    movq %xmm0, %rbx
pvc_sse_end:
    ud2

/*
 * A thread that uses XMM1 between R12 yields: XMM1 = RAX, then per round a yield, XMM1 must still
 * hold RAX (else the UD2 at pvc_sse_loop_bad), RAX + 1 into both. Ends at pvc_sse_loop_end.
 */
    .global pvc_sse_loop, pvc_sse_loop_end, pvc_sse_loop_bad
pvc_sse_loop:
    movq %rax, %xmm1
1:  mov $-7, %rdx                   /* seL4_SysYield */
    syscall
    movq %xmm1, %rbx
    cmp %rax, %rbx
    jne pvc_sse_loop_bad
    inc %rax
    movq %rax, %xmm1
    dec %r12
    jnz 1b
pvc_sse_loop_end:
    ud2
pvc_sse_loop_bad:
    ud2

/* One system call with the registers the test chose, then a UD2 at pvc_syscall_end. */
    .global pvc_syscall, pvc_syscall_end
pvc_syscall:
    syscall
pvc_syscall_end:
    ud2

/* uint64_t pvc_xmm0_exchange(uint64_t value): the caller's XMM0 becomes value; returns the old. */
    .global pvc_xmm0_exchange
pvc_xmm0_exchange:
    movq %xmm0, %rax
    movq %rdi, %xmm0
    ret
