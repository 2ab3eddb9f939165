/*
 * Model tests of interrupt delivery: long random sequences of line changes, injections, EOIs
 * and task-priority changes, run on lib/vdev's controllers and on a small reference model
 * written from the datasheets' rules, compared after every step through what a guest can see
 * (IRR, ISR, remote IRR, the vector injected).
 *
 * Path 1, I/O APIC to local APIC: 15 ISA lines on pins with their own vectors (classes shared
 * by some), edge and level triggers, some pins masked; the 8259 masked.
 * Path 2, the 8259 pair through LINT0: 15 edge inputs, fully nested, the slave cascaded;
 * a handler's EOI goes to the slave and the master, or to the master, innermost first.
 */
#include "vdev_test.h"

#include <vdev/intc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define STEPS 300000u
static const vdev_cpu_interruptibility_t open_cpu = {.interrupts_enabled = true};

static void setup(vdev_intc_t *intc)
{
    vdev_intc_config_t config = {
            .vcpus = 1,
            .lapic = {.lint0_virtual_wire = true, .phys_addr_bits = 39, .timer_hz = 1000000000ull},
    };

    vdev_intc_init(intc, &config);
    vdev_lapic_mmio_write(&intc->lapic[0], VDEV_LAPIC_SVR, 4, 0x1ff, 0);
}

static unsigned pin_of(unsigned irq)
{
    return irq == 0 ? 2 : irq;
}

/* ---- path 1: the reference model of pins, IRR, ISR, TMR and remote IRR ---- */

typedef struct apic_model {
    bool level[24];
    bool remote[24];
    bool irr[256];
    bool isr[256];
    bool tmr[256];
    uint8_t tpr;
    uint8_t vector[24];
    bool level_triggered[24];
    bool masked[24];
} apic_model_t;

static int model_highest(const bool *set)
{
    for (int v = 255; v >= 0; v--) {
        if (set[v]) {
            return v;
        }
    }
    return -1;
}

static int model_pending(const apic_model_t *m)
{
    int irrv = model_highest(m->irr);
    int isrv = model_highest(m->isr);
    int ppr_class = (isrv >= 0 ? isrv >> 4 : 0) > (m->tpr >> 4) ? isrv >> 4 : m->tpr >> 4;

    return irrv >= 0 && (irrv >> 4) > ppr_class ? irrv : -1;
}

static void model_deliver(apic_model_t *m, unsigned pin)
{
    m->irr[m->vector[pin]] = true;
    m->tmr[m->vector[pin]] = m->level_triggered[pin];
    if (m->level_triggered[pin]) {
        m->remote[pin] = true;
    }
}

static void model_line(apic_model_t *m, unsigned pin, bool level)
{
    bool was = m->level[pin];

    m->level[pin] = level;
    if (m->masked[pin] || !level) {
        return;
    }
    if (m->level_triggered[pin] ? !m->remote[pin] : !was) {
        model_deliver(m, pin);
    }
}

static void model_eoi(apic_model_t *m)
{
    int v = model_highest(m->isr);

    if (v < 0) {
        return;
    }
    m->isr[v] = false;
    if (!m->tmr[v]) {
        return;
    }
    for (unsigned pin = 0; pin < 24; pin++) {
        if (m->level_triggered[pin] && m->remote[pin] && m->vector[pin] == v) {
            m->remote[pin] = false;
            if (m->level[pin] && !m->masked[pin]) {
                model_deliver(m, pin);
            }
        }
    }
}

static void compare_apic(const vdev_intc_t *intc, const apic_model_t *m, unsigned step)
{
    const vdev_lapic_t *l = &intc->lapic[0];

    for (unsigned v = 0; v < 256; v++) {
        bool irr = (l->irr[v / 32] >> (v % 32)) & 1u;
        bool isr = (l->isr[v / 32] >> (v % 32)) & 1u;

        if (irr != m->irr[v] || isr != m->isr[v]) {
            fail_msg("step %u: vector %#x: IRR %d/%d ISR %d/%d (lib/model)", step, v, irr,
                     m->irr[v], isr, m->isr[v]);
        }
    }
    for (unsigned pin = 0; pin < 24; pin++) {
        bool remote = (intc->ioapic.entry[pin] & VDEV_IOAPIC_REMOTE_IRR) != 0;
        if (remote != m->remote[pin]) {
            fail_msg("step %u: pin %u: remote IRR %d, model %d", step, pin, remote, m->remote[pin]);
        }
    }
}

static void ioapic_path_against_model(void **state)
{
    vdev_intc_t intc;
    apic_model_t m = {0};
    test_random_t r = {0x5eed0001};
    unsigned acks = 0;
    unsigned eois = 0;

    (void)state;
    setup(&intc);
    vdev_intc_pic_write(&intc, 0, 1, 0xff); /* the 8259 out of the way */
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_LVT_LINT0, 4, VDEV_LVT_MASKED, 0);
    for (unsigned irq = 0; irq < 16; irq++) {
        unsigned pin = pin_of(irq);
        uint64_t entry;

        if (irq == 2) {
            continue;
        }
        m.vector[pin] = (uint8_t)(0x30 + (irq % 12) * 0x10 + irq); /* classes 3-e, some shared */
        m.level_triggered[pin] = irq % 3 == 0;
        m.masked[pin] = irq == 13;
        entry = m.vector[pin] | (m.level_triggered[pin] ? VDEV_IOAPIC_LEVEL : 0) |
                (m.masked[pin] ? VDEV_IOAPIC_MASKED : 0);
        vdev_ioapic_write_register(&intc.ioapic, 0x10 + 2 * pin, (uint32_t)entry);
    }
    for (unsigned step = 0; step < STEPS; step++) {
        unsigned op = (unsigned)test_random_below(&r, 100);

        if (op < 50) {
            unsigned irq = (unsigned)test_random_below(&r, 16);
            bool level = test_random_below(&r, 2) != 0;

            if (irq == 2) {
                continue;
            }
            vdev_intc_set_isa_irq(&intc, irq, level);
            model_line(&m, pin_of(irq), level);
        } else if (op < 75) {
            vdev_intr_t intr;
            int expected = model_pending(&m);

            vdev_intc_pending(&intc, 0, &open_cpu, &intr);
            if (expected < 0) {
                assert_int_equal(intr.kind, VDEV_INTR_NONE);
                continue;
            }
            assert_int_equal(intr.kind, VDEV_INTR_FIXED);
            assert_int_equal(intr.vector, expected);
            assert_int_equal(vdev_intc_ack(&intc, 0, intr.kind), expected);
            m.irr[expected] = false;
            m.isr[expected] = true;
            acks++;
        } else if (op < 95) {
            vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_EOI, 4, 0, 0);
            model_eoi(&m);
            eois++;
        } else {
            m.tpr = (uint8_t)test_random_below(&r, 256);
            vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_TPR, 4, m.tpr, 0);
        }
        compare_apic(&intc, &m, step);
    }
    printf("I/O APIC path: %u steps, %u injections, %u EOIs agree with the model\n", STEPS, acks,
           eois);
    assert_true(acks > STEPS / 20);
}

/* ---- path 2: the reference model of a fully nested 8259 pair ---- */

typedef struct pic_model {
    bool line[16];
    bool irr[16];
    bool isr[16];
    unsigned stack[32]; /* IRQs in service, innermost last */
    unsigned depth;
} pic_model_t;

/* Priority order of a cascaded pair without rotation: 0, 1, 8-15, 3-7. */
static unsigned model_rank(unsigned irq)
{
    return irq < 2 ? irq : irq >= 8 ? irq - 6 : irq + 7;
}

static int pic_model_pending(const pic_model_t *m)
{
    int best = -1;

    for (unsigned irq = 0; irq < 16; irq++) {
        if (irq == 2 || !m->irr[irq]) {
            continue;
        }
        if (best < 0 || model_rank(irq) < model_rank((unsigned)best)) {
            best = (int)irq;
        }
    }
    if (best < 0) {
        return -1;
    }
    /* Anything in service of equal or higher priority blocks it; a slave IRQ in service also
     * holds the master's IR2, which blocks every slave input. */
    for (unsigned irq = 0; irq < 16; irq++) {
        if (!m->isr[irq]) {
            continue;
        }
        if (model_rank(irq) <= model_rank((unsigned)best)) {
            return -1;
        }
        if (irq >= 8 && best >= 8) {
            return -1;
        }
    }
    return best;
}

static void pic_path_against_model(void **state)
{
    vdev_intc_t intc;
    pic_model_t m = {0};
    test_random_t r = {0x5eed0002};
    const uint8_t master[] = {0x11, 0x20, 0x04, 0x01, 0x00};
    const uint8_t slave[] = {0x11, 0x28, 0x02, 0x01, 0x00};
    unsigned acks = 0;

    (void)state;
    setup(&intc);
    for (unsigned i = 0; i < 5; i++) {
        vdev_intc_pic_write(&intc, 0, i == 0 ? 0 : 1, master[i]);
        vdev_intc_pic_write(&intc, 1, i == 0 ? 0 : 1, slave[i]);
    }
    for (unsigned step = 0; step < STEPS; step++) {
        unsigned op = (unsigned)test_random_below(&r, 100);

        if (op < 55) {
            unsigned irq = (unsigned)test_random_below(&r, 16);
            bool level = test_random_below(&r, 2) != 0;

            if (irq == 2) {
                continue;
            }
            vdev_intc_set_isa_irq(&intc, irq, level);
            if (level && !m.line[irq]) {
                m.irr[irq] = true;
            }
            m.line[irq] = level;
        } else if (op < 80) {
            vdev_intr_t intr;
            int expected = pic_model_pending(&m);

            vdev_intc_pending(&intc, 0, &open_cpu, &intr);
            if (expected < 0) {
                if (intr.kind != VDEV_INTR_NONE) {
                    fail_msg("step %u: the 8259 offers %#x, the model nothing", step, intr.vector);
                }
                continue;
            }
            assert_int_equal(intr.kind, VDEV_INTR_EXTINT);
            assert_int_equal(vdev_intc_ack(&intc, 0, intr.kind), 0x20 + expected);
            m.irr[expected] = false;
            m.isr[expected] = true;
            m.stack[m.depth++] = (unsigned)expected;
            acks++;
        } else if (m.depth > 0) {
            unsigned irq = m.stack[--m.depth];

            if (irq >= 8) {
                vdev_intc_pic_write(&intc, 1, 0, 0x20);
            }
            vdev_intc_pic_write(&intc, 0, 0, 0x20);
            m.isr[irq] = false;
        }
        for (unsigned irq = 0; irq < 16; irq++) {
            const vdev_pic_chip_t *c = &intc.pic.chip[irq / 8];
            bool isr = (c->isr >> (irq % 8)) & 1u;

            if (irq == 2) {
                continue;
            }
            if (isr != m.isr[irq] || (((c->irr >> (irq % 8)) & 1u) != m.irr[irq])) {
                fail_msg("step %u: IRQ %u: ISR %d/%d IRR %d/%d (lib/model)", step, irq, isr,
                         m.isr[irq], (c->irr >> (irq % 8)) & 1u, m.irr[irq]);
            }
        }
        /* The master's IR2 is in service exactly while a slave IRQ is. */
        bool slave_in_service = intc.pic.chip[1].isr != 0;
        assert_int_equal((intc.pic.chip[0].isr >> 2) & 1u, slave_in_service);
    }
    printf("8259 path: %u steps, %u injections agree with the model\n", STEPS, acks);
    assert_true(acks > STEPS / 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(ioapic_path_against_model),
            cmocka_unit_test(pic_path_against_model),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
