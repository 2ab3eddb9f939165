/*
 * The 8259A pair of a PC (master at ports 0x20/0x21, slave at 0xa0/0xa1, cascaded on the
 * master's IR2) with the edge/level control registers of PIIX/ICH chipsets at 0x4d0/0x4d1.
 *
 * Implemented: ICW1-ICW4 (ICW3 is kept but the wiring is fixed: the slave is on IR2), OCW1 (mask),
 * OCW2 (non-specific and specific EOI, rotation on EOI and in auto-EOI mode, set priority),
 * OCW3 (IRR/ISR read select, poll, special mask mode), auto-EOI, special fully nested mode,
 * spurious IRQ 7 (master) and IRQ 15 (slave, with the master's IR2 in service), edge and level
 * inputs per the ELCR (IRQ 0, 1, 2, 8 and 13 are always edge, as on those chipsets).
 * Not modelled (docs/vmm-devices.md): the 8080/8085 call mode of ICW4 (vectors are always
 * formed as in 8086 mode), ICW1's LTIM bit (the ELCR decides, as on PIIX/ICH), buffered mode.
 *
 * Edge inputs latch a rising edge into IRR, also while masked, and keep it when the line falls
 * before the acknowledge (like the chipsets' 8259 cores); level inputs show the line in IRR.
 */
#ifndef VDEV_PIC_H
#define VDEV_PIC_H

#include <vdev/vdev.h>

#define VDEV_PIC_MASTER      0
#define VDEV_PIC_SLAVE       1
#define VDEV_PIC_CASCADE_IRQ 2

typedef struct vdev_pic_chip {
    uint8_t irr;
    uint8_t isr;
    uint8_t imr;
    uint8_t elcr;      /* 1: level-triggered input */
    uint8_t elcr_mask; /* the ELCR bits that exist */
    uint8_t lines;     /* input levels as last driven */
    uint8_t vector_base;
    uint8_t icw3;
    uint8_t lowest;    /* the IR with the lowest priority (7 after ICW1) */
    uint8_t init_step; /* 0: initialised; 2, 3, 4: the ICW expected next */
    bool icw4_expected;
    bool single;
    bool microprocessor_8086;
    bool auto_eoi;
    bool rotate_on_auto_eoi;
    bool special_fully_nested;
    bool special_mask;
    bool read_isr;
    bool poll;
} vdev_pic_chip_t;

typedef struct vdev_pic {
    vdev_pic_chip_t chip[2];
    uint64_t acks;     /* interrupt acknowledges (INTA cycles) */
    uint64_t spurious; /* acknowledges answered with IRQ 7 or IRQ 15 */
} vdev_pic_t;

/*
 * The state a PC BIOS leaves (a PVH guest has no BIOS before it): initialised for 8086 mode with
 * vectors 0x08-0x0f and 0x70-0x77, the slave on IR2, every input masked but the cascade.
 */
void vdev_pic_init(vdev_pic_t *pic);

/* Drives ISA IRQ 0-15 (2 is the cascade and is ignored; ISA has no IRQ 2 of its own). */
void vdev_pic_set_irq(vdev_pic_t *pic, unsigned irq, bool level);

/* The master's INT output: an unmasked request that outranks everything in service. */
bool vdev_pic_output(const vdev_pic_t *pic);

/* The vector the next acknowledge would give, without acknowledging (for vdev_intc_pending). */
uint8_t vdev_pic_peek_vector(const vdev_pic_t *pic);

/* The INTA cycle: the vector of the highest request (IRQ 7/15's when none), ISR updated. */
uint8_t vdev_pic_ack(vdev_pic_t *pic);

/* Port access: chip 0 or 1, offset 0 (command) or 1 (data); one byte. */
uint8_t vdev_pic_read(vdev_pic_t *pic, unsigned chip, unsigned offset);
void vdev_pic_write(vdev_pic_t *pic, unsigned chip, unsigned offset, uint8_t value);

/* ELCR at 0x4d0 (chip 0) and 0x4d1 (chip 1). */
uint8_t vdev_pic_elcr_read(const vdev_pic_t *pic, unsigned chip);
void vdev_pic_elcr_write(vdev_pic_t *pic, unsigned chip, uint8_t value);

#endif
