/* The two 8259A PICs: remapped to VECTOR_PIC_BASE, masked unless a test opens a line. */
#ifndef TESTGUEST_PIC_H
#define TESTGUEST_PIC_H

#include <stdint.h>

void pic_init(void);
void pic_set_mask(uint16_t mask); /* bit n masks IRQ n; 0xffff masks all */
void pic_eoi(unsigned irq);
uint16_t pic_read_irr(void);
uint16_t pic_read_isr(void);

#endif
