/*
 * The 8259A pair: priority resolution with rotation, the ICW/OCW command sequences, INTA and
 * EOI. Pure state machine over vdev_pic_t: no time, no callbacks; whoever owns the pair asks
 * vdev_pic_output after each change (the cascade line is recomputed here).
 */
#include <vdev/pic.h>

#define ICW1_ICW4_NEEDED 0x01u
#define ICW1_SINGLE      0x02u
#define ICW1_SELECT      0x10u
#define ICW4_8086        0x01u
#define ICW4_AUTO_EOI    0x02u
#define ICW4_SFNM        0x10u
#define OCW3_SELECT      0x08u
#define OCW3_READ_ISR    0x01u
#define OCW3_READ_REG    0x02u
#define OCW3_POLL        0x04u
#define OCW3_SMM         0x20u
#define OCW3_ESMM        0x40u
#define NO_IRQ           8u

static void chip_reset(vdev_pic_chip_t *c)
{
    c->isr = 0;
    c->imr = 0;
    c->irr &= (uint8_t)(c->elcr & c->lines); /* edge sense reset: edges must come again */
    c->lowest = 7;
    c->special_mask = false;
    c->special_fully_nested = false;
    c->auto_eoi = false;
    c->rotate_on_auto_eoi = false;
    c->read_isr = false;
    c->poll = false;
    c->microprocessor_8086 = false;
}

void vdev_pic_init(vdev_pic_t *pic)
{
    *pic = (vdev_pic_t){0};
    for (unsigned i = 0; i < 2; i++) {
        vdev_pic_chip_t *c = &pic->chip[i];

        chip_reset(c);
        c->microprocessor_8086 = true;
        c->icw4_expected = true;
    }
    pic->chip[VDEV_PIC_MASTER].elcr_mask = 0xf8;
    pic->chip[VDEV_PIC_SLAVE].elcr_mask = 0xde;
    pic->chip[VDEV_PIC_MASTER].vector_base = 0x08;
    pic->chip[VDEV_PIC_SLAVE].vector_base = 0x70;
    pic->chip[VDEV_PIC_MASTER].icw3 = 1u << VDEV_PIC_CASCADE_IRQ;
    pic->chip[VDEV_PIC_SLAVE].icw3 = VDEV_PIC_CASCADE_IRQ;
    pic->chip[VDEV_PIC_MASTER].imr = (uint8_t) ~(1u << VDEV_PIC_CASCADE_IRQ);
    pic->chip[VDEV_PIC_SLAVE].imr = 0xff;
}

/* 0 is the highest priority: the IR just after the lowest one. */
static unsigned priority_of(const vdev_pic_chip_t *c, unsigned irq)
{
    return (irq + 7u - c->lowest) & 7u;
}

/* The IR of highest priority among `bits`, or NO_IRQ. */
static unsigned highest(const vdev_pic_chip_t *c, uint8_t bits)
{
    for (unsigned p = 0; p < 8; p++) {
        unsigned irq = (c->lowest + 1u + p) & 7u;

        if (bits & (1u << irq)) {
            return irq;
        }
    }
    return NO_IRQ;
}

/* The request this chip would raise INT for, or NO_IRQ. */
static unsigned chip_request(const vdev_pic_chip_t *c, bool is_master)
{
    unsigned irq = highest(c, (uint8_t)(c->irr & ~c->imr));
    uint8_t in_service = c->special_mask ? (uint8_t)(c->isr & ~c->imr) : c->isr;
    unsigned serving;

    if (irq == NO_IRQ || c->init_step != 0) {
        return NO_IRQ;
    }
    /* Special fully nested: the slave's input may interrupt its own service again. */
    if (is_master && c->special_fully_nested && irq == VDEV_PIC_CASCADE_IRQ) {
        in_service &= (uint8_t) ~(1u << VDEV_PIC_CASCADE_IRQ);
    }
    serving = highest(c, in_service);
    if (serving != NO_IRQ && priority_of(c, serving) <= priority_of(c, irq)) {
        return NO_IRQ;
    }
    return irq;
}

static void chip_set_line(vdev_pic_chip_t *c, unsigned irq, bool level)
{
    uint8_t bit = (uint8_t)(1u << irq);
    bool was = (c->lines & bit) != 0;

    if (level) {
        c->lines |= bit;
    } else {
        c->lines &= (uint8_t)~bit;
    }
    if (c->elcr & bit) {
        c->irr = level ? (uint8_t)(c->irr | bit) : (uint8_t)(c->irr & ~bit);
    } else if (level && !was) {
        c->irr |= bit;
    }
}

/* The master's IR2 follows the slave's INT output. */
static void update_cascade(vdev_pic_t *pic)
{
    bool slave_int = chip_request(&pic->chip[VDEV_PIC_SLAVE], false) != NO_IRQ;

    chip_set_line(&pic->chip[VDEV_PIC_MASTER], VDEV_PIC_CASCADE_IRQ, slave_int);
}

void vdev_pic_set_irq(vdev_pic_t *pic, unsigned irq, bool level)
{
    if (irq >= 16 || irq == VDEV_PIC_CASCADE_IRQ) {
        return;
    }
    chip_set_line(&pic->chip[irq / 8], irq % 8, level);
    update_cascade(pic);
}

bool vdev_pic_output(const vdev_pic_t *pic)
{
    return chip_request(&pic->chip[VDEV_PIC_MASTER], true) != NO_IRQ;
}

static uint8_t vector_of(const vdev_pic_chip_t *c, unsigned irq)
{
    return (uint8_t)((c->vector_base & 0xf8u) | irq);
}

uint8_t vdev_pic_peek_vector(const vdev_pic_t *pic)
{
    const vdev_pic_chip_t *master = &pic->chip[VDEV_PIC_MASTER];
    const vdev_pic_chip_t *slave = &pic->chip[VDEV_PIC_SLAVE];
    unsigned irq = chip_request(master, true);
    unsigned slave_irq;

    if (irq == NO_IRQ) {
        return vector_of(master, 7);
    }
    if (irq != VDEV_PIC_CASCADE_IRQ) {
        return vector_of(master, irq);
    }
    slave_irq = chip_request(slave, false);
    return vector_of(slave, slave_irq == NO_IRQ ? 7 : slave_irq);
}

/* The chip's part of an INTA (or of a poll) for irq: IRR and ISR as the mode says. */
static void chip_accept(vdev_pic_chip_t *c, unsigned irq)
{
    uint8_t bit = (uint8_t)(1u << irq);

    if (!(c->elcr & bit)) {
        c->irr &= (uint8_t)~bit;
    }
    if (c->auto_eoi) {
        if (c->rotate_on_auto_eoi) {
            c->lowest = (uint8_t)irq;
        }
    } else {
        c->isr |= bit;
    }
}

uint8_t vdev_pic_ack(vdev_pic_t *pic)
{
    vdev_pic_chip_t *master = &pic->chip[VDEV_PIC_MASTER];
    vdev_pic_chip_t *slave = &pic->chip[VDEV_PIC_SLAVE];
    unsigned irq = chip_request(master, true);
    uint8_t vector;

    pic->acks++;
    if (irq == NO_IRQ) {
        pic->spurious++;
        return vector_of(master, 7);
    }
    chip_accept(master, irq);
    if (irq != VDEV_PIC_CASCADE_IRQ) {
        vector = vector_of(master, irq);
    } else {
        unsigned slave_irq = chip_request(slave, false);

        if (slave_irq == NO_IRQ) {
            pic->spurious++;
            vector = vector_of(slave, 7);
        } else {
            chip_accept(slave, slave_irq);
            vector = vector_of(slave, slave_irq);
        }
    }
    update_cascade(pic);
    return vector;
}

/* Poll command: the read that follows acts as INTA on this chip alone. */
static uint8_t chip_poll(vdev_pic_chip_t *c, bool is_master)
{
    unsigned irq = chip_request(c, is_master);

    c->poll = false;
    if (irq == NO_IRQ) {
        return 0;
    }
    chip_accept(c, irq);
    return (uint8_t)(0x80u | irq);
}

static void chip_eoi(vdev_pic_chip_t *c, uint8_t ocw2)
{
    unsigned op = ocw2 >> 5;
    unsigned level = ocw2 & 7u;
    unsigned irq;

    switch (op) {
    case 1: /* non-specific EOI */
    case 5: /* rotate on non-specific EOI */
        irq = highest(c, c->isr);
        if (irq != NO_IRQ) {
            c->isr &= (uint8_t) ~(1u << irq);
            if (op == 5) {
                c->lowest = (uint8_t)irq;
            }
        }
        break;
    case 3: /* specific EOI */
    case 7: /* rotate on specific EOI */
        c->isr &= (uint8_t) ~(1u << level);
        if (op == 7) {
            c->lowest = (uint8_t)level;
        }
        break;
    case 6: /* set priority */
        c->lowest = (uint8_t)level;
        break;
    case 4: /* rotate in auto-EOI mode: set */
    case 0: /* ... clear */
        c->rotate_on_auto_eoi = op == 4;
        break;
    default: /* 2: no operation */
        break;
    }
}

static void chip_command(vdev_pic_chip_t *c, uint8_t value)
{
    if (value & ICW1_SELECT) {
        chip_reset(c);
        c->icw4_expected = (value & ICW1_ICW4_NEEDED) != 0;
        c->single = (value & ICW1_SINGLE) != 0;
        c->init_step = 2;
    } else if (value & OCW3_SELECT) {
        if (value & OCW3_READ_REG) {
            c->read_isr = (value & OCW3_READ_ISR) != 0;
        }
        if (value & OCW3_ESMM) {
            c->special_mask = (value & OCW3_SMM) != 0;
        }
        c->poll = (value & OCW3_POLL) != 0;
    } else {
        chip_eoi(c, value);
    }
}

static void chip_data(vdev_pic_chip_t *c, uint8_t value)
{
    switch (c->init_step) {
    case 2:
        c->vector_base = (uint8_t)(value & 0xf8u);
        c->init_step = c->single ? (c->icw4_expected ? 4 : 0) : 3;
        break;
    case 3:
        c->icw3 = value;
        c->init_step = c->icw4_expected ? 4 : 0;
        break;
    case 4:
        c->microprocessor_8086 = (value & ICW4_8086) != 0;
        c->auto_eoi = (value & ICW4_AUTO_EOI) != 0;
        c->special_fully_nested = (value & ICW4_SFNM) != 0;
        c->init_step = 0;
        break;
    default:
        c->imr = value;
        break;
    }
}

uint8_t vdev_pic_read(vdev_pic_t *pic, unsigned chip, unsigned offset)
{
    vdev_pic_chip_t *c = &pic->chip[chip & 1u];

    if (offset & 1u) {
        return c->imr;
    }
    if (c->poll) {
        uint8_t value = chip_poll(c, (chip & 1u) == VDEV_PIC_MASTER);
        update_cascade(pic);
        return value;
    }
    return c->read_isr ? c->isr : c->irr;
}

void vdev_pic_write(vdev_pic_t *pic, unsigned chip, unsigned offset, uint8_t value)
{
    vdev_pic_chip_t *c = &pic->chip[chip & 1u];

    if (offset & 1u) {
        chip_data(c, value);
    } else {
        chip_command(c, value);
    }
    update_cascade(pic);
}

uint8_t vdev_pic_elcr_read(const vdev_pic_t *pic, unsigned chip)
{
    return pic->chip[chip & 1u].elcr;
}

void vdev_pic_elcr_write(vdev_pic_t *pic, unsigned chip, uint8_t value)
{
    vdev_pic_chip_t *c = &pic->chip[chip & 1u];
    uint8_t became_level = (uint8_t)(value & c->elcr_mask & ~c->elcr);

    c->elcr = (uint8_t)(value & c->elcr_mask);
    /* A line that turns level shows its level at once. */
    c->irr = (uint8_t)((c->irr & ~became_level) | (c->lines & became_level));
    update_cascade(pic);
}
