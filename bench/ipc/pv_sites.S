/*
 * The PV fast path measured from the benchmark's own thread: a patched PUSHF (0x06) and a CLI,
 * each in a function of its own whose first byte is the site the PV page lists.
 */
    .text
    .global bench_pv_pushf, bench_pv_cli
bench_pv_pushf:
    .byte 0x06                      /* pushfq, patched */
    popq %rax
    ret
bench_pv_cli:
    cli
    ret
    .section .note.GNU-stack, "", @progbits
