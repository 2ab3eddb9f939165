/* Control-register writes that may fault, for the bad-cr program: RDI = the value. */
    .text

    .global probe_write_cr0, probe_write_cr0_insn
probe_write_cr0:
probe_write_cr0_insn:
    movq %rdi, %cr0
    ret

    .global probe_write_cr4, probe_write_cr4_insn
probe_write_cr4:
probe_write_cr4_insn:
    movq %rdi, %cr4
    ret
