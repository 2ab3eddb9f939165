/*
 * The interrupt-flag windows: where exactly a pending interrupt is taken. After STI, the
 * interrupt waits for the instruction that follows (the STI shadow); after POPF that sets IF
 * it comes at once; STI; HLT halts and wakes. Labels mark the instruction boundaries the
 * irqflag program compares with the interrupt's saved RIP.
 */
    .text

    .global irq_window_sti, irq_after_sti, irq_after_sti_nop
irq_window_sti:
    sti
irq_after_sti:
    nop
irq_after_sti_nop:
    cli
    ret

    .global irq_window_popf, irq_after_popf
irq_window_popf:
    pushq %rdi
    popfq
irq_after_popf:
    nop
    cli
    ret

    .global irq_window_sti_hlt, irq_after_hlt
irq_window_sti_hlt:
    sti
    hlt
irq_after_hlt:
    cli
    ret
