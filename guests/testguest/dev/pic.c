/*
 * The 8259A pair: initialised (ICW1-4) to deliver IRQ 0-15 at VECTOR_PIC_BASE, so that no PIC
 * vector overlaps an exception, and masked until a test opens a line.
 */
#include "pic.h"

#include "cpu.h"
#include "vectors.h"

#define PIC1_COMMAND 0x20
#define PIC1_DATA    0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA    0xa1

#define ICW1_INIT_ICW4 0x11
#define ICW4_8086      0x01
#define OCW2_EOI       0x20
#define OCW3_READ_IRR  0x0a
#define OCW3_READ_ISR  0x0b

void pic_init(void)
{
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
    outb(PIC1_COMMAND, ICW1_INIT_ICW4);
    outb(PIC2_COMMAND, ICW1_INIT_ICW4);
    outb(PIC1_DATA, VECTOR_PIC_BASE);
    outb(PIC2_DATA, VECTOR_PIC_BASE + 8);
    outb(PIC1_DATA, 1u << 2); /* the slave hangs off IRQ 2 */
    outb(PIC2_DATA, 2);       /* its cascade identity */
    outb(PIC1_DATA, ICW4_8086);
    outb(PIC2_DATA, ICW4_8086);
    pic_set_mask(0xffff);
}

void pic_set_mask(uint16_t mask)
{
    outb(PIC1_DATA, (uint8_t)mask);
    outb(PIC2_DATA, (uint8_t)(mask >> 8));
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8) {
        outb(PIC2_COMMAND, OCW2_EOI);
    }
    outb(PIC1_COMMAND, OCW2_EOI);
}

static uint16_t read_both(uint8_t ocw3)
{
    outb(PIC1_COMMAND, ocw3);
    outb(PIC2_COMMAND, ocw3);
    return (uint16_t)(inb(PIC1_COMMAND) | (inb(PIC2_COMMAND) << 8));
}

uint16_t pic_read_irr(void)
{
    return read_both(OCW3_READ_IRR);
}

uint16_t pic_read_isr(void)
{
    return read_both(OCW3_READ_ISR);
}
