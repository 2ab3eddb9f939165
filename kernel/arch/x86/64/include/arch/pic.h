/*
 * The legacy 8259A pair. The kernel never takes interrupts from it: it is remapped away from the
 * exception vectors (to VECTOR_PIC_BASE..+15) and fully masked, so that a stray or spurious
 * 8259 interrupt lands on a vector the IDT knows instead of looking like a CPU exception.
 */
#ifndef ARCH_PIC_H
#define ARCH_PIC_H

#include <stdbool.h>

/* Their ports: the kernel's for good (IOPortControl never issues them). */
#define PIC1_COMMAND 0x20
#define PIC1_DATA    0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA    0xa1

/* Reinitialise both 8259s (ICW1-4) with vector bases VECTOR_PIC_BASE and +8, then mask all. */
void pic_remap_and_mask(void);

/* True when both mask registers read back as all-ones (the 8259s exist and are masked). */
bool pic_all_masked(void);

#endif
