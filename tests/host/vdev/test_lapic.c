/*
 * Host tests of the local APIC against the SDM (volume 3, chapter 11): reset state, priority
 * arbitration by class with the TPR and PPR, INTA and EOI (level-triggered EOIs forwarded),
 * the spurious vector, software disable, illegal vectors and the ESR, IPIs through the ICR,
 * physical and logical destinations (flat, cluster, x2APIC), LINT0 as ExtINT and as a level
 * input, LINT1 as NMI, the timer in one-shot, periodic and TSC-deadline modes with deadlines
 * to the nanosecond, IA32_APIC_BASE's mode transitions, the x2APIC MSR rules (#GP cases), and
 * the xAPIC page's access widths.
 */
#include "vdev_test.h"

#include <vdev/lapic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

typedef struct owner_log {
    vdev_apic_msg_t ipis[16];
    unsigned ipi_count;
    uint8_t eois[16];
    unsigned eoi_count;
} owner_log_t;

static void log_ipi(void *context, vdev_lapic_t *from, const vdev_apic_msg_t *msg)
{
    owner_log_t *log = context;

    (void)from;
    log->ipis[log->ipi_count++ % 16] = *msg;
}

static void log_eoi(void *context, uint8_t vector)
{
    owner_log_t *log = context;

    log->eois[log->eoi_count++ % 16] = vector;
}

static vdev_lapic_config_t config(void)
{
    return (vdev_lapic_config_t){.id = 3,
                                 .bsp = true,
                                 .x2apic = true,
                                 .tsc_deadline = true,
                                 .lint0_virtual_wire = true,
                                 .phys_addr_bits = 39,
                                 .timer_hz = 1000000000ull,
                                 .tsc_hz = 2000000000ull,
                                 .tsc_at_zero = 1000};
}

static void setup(vdev_lapic_t *l, owner_log_t *log)
{
    vdev_lapic_config_t c = config();
    vdev_lapic_owner_t owner = {.ipi = log_ipi, .eoi = log_eoi, .context = log};

    memset(log, 0, sizeof(*log));
    vdev_lapic_init(l, &c, &owner);
}

static uint32_t rd(vdev_lapic_t *l, uint32_t offset)
{
    return (uint32_t)vdev_lapic_mmio_read(l, offset, 4, 0);
}

static void wr(vdev_lapic_t *l, uint32_t offset, uint32_t value)
{
    vdev_lapic_mmio_write(l, offset, 4, value, 0);
}

static void wr_at(vdev_lapic_t *l, uint32_t offset, uint32_t value, uint64_t now)
{
    vdev_lapic_mmio_write(l, offset, 4, value, now);
}

static bool irr_has(vdev_lapic_t *l, uint8_t vector)
{
    return (rd(l, VDEV_LAPIC_IRR + (vector / 32u) * 0x10u) >> (vector % 32u)) & 1u;
}

static bool isr_has(vdev_lapic_t *l, uint8_t vector)
{
    return (rd(l, VDEV_LAPIC_ISR + (vector / 32u) * 0x10u) >> (vector % 32u)) & 1u;
}

static void enable(vdev_lapic_t *l)
{
    wr(l, VDEV_LAPIC_SVR, VDEV_SVR_ENABLE | 0xff);
}

static void reset_state(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;

    (void)state;
    setup(&l, &log);
    assert_int_equal(vdev_lapic_base(&l), 0xfee00000u | VDEV_APIC_BASE_ENABLE | VDEV_APIC_BASE_BSP);
    assert_int_equal(l.mode, VDEV_LAPIC_XAPIC);
    assert_int_equal(rd(&l, VDEV_LAPIC_ID), 3u << 24);
    assert_int_equal(rd(&l, VDEV_LAPIC_VER), 0x00050014);
    assert_int_equal(rd(&l, VDEV_LAPIC_SVR), 0xff);
    assert_int_equal(rd(&l, VDEV_LAPIC_DFR), 0xffffffff);
    assert_int_equal(rd(&l, VDEV_LAPIC_LVT_TIMER), VDEV_LVT_MASKED);
    assert_int_equal(rd(&l, VDEV_LAPIC_LVT_LINT0), 0x700); /* virtual wire, as firmware leaves */
    assert_int_equal(rd(&l, VDEV_LAPIC_LVT_LINT1), VDEV_LVT_MASKED);
    assert_int_equal(rd(&l, VDEV_LAPIC_LVT_ERROR), VDEV_LVT_MASKED);
    assert_true(vdev_lapic_takes_extint(&l));
    /* Software-disabled: fixed interrupts are not accepted. */
    assert_false(vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x40, false));
    assert_true(vdev_lapic_accept(&l, VDEV_APIC_NMI, 0, false));
    assert_true(l.nmi_pending);
}

static void priority_arbitration(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;

    (void)state;
    setup(&l, &log);
    enable(&l);
    assert_true(vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x35, false));
    assert_true(vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x61, false));
    assert_true(vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x62, false));
    assert_int_equal(vdev_lapic_pending_vector(&l), 0x62);
    assert_int_equal(vdev_lapic_ack(&l), 0x62);
    assert_true(isr_has(&l, 0x62));
    assert_false(irr_has(&l, 0x62));
    assert_int_equal(rd(&l, VDEV_LAPIC_PPR), 0x60);
    /* 0x61 is of the class in service: it waits. */
    assert_int_equal(vdev_lapic_pending_vector(&l), -1);
    assert_int_equal(vdev_lapic_ack(&l), 0xff); /* spurious: the SVR's vector */
    assert_true(vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x7f, false));
    assert_int_equal(vdev_lapic_ack(&l), 0x7f); /* a higher class nests */
    wr(&l, VDEV_LAPIC_EOI, 0);
    assert_false(isr_has(&l, 0x7f));
    assert_true(isr_has(&l, 0x62));
    wr(&l, VDEV_LAPIC_EOI, 0);
    assert_int_equal(vdev_lapic_ack(&l), 0x61);
    wr(&l, VDEV_LAPIC_EOI, 0);
    assert_int_equal(vdev_lapic_ack(&l), 0x35);
    wr(&l, VDEV_LAPIC_EOI, 0);
    assert_int_equal(rd(&l, VDEV_LAPIC_PPR), 0);
    wr(&l, VDEV_LAPIC_EOI, 0); /* nothing in service: harmless */
    assert_int_equal(log.eoi_count, 0);
}

static void task_priority(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;

    (void)state;
    setup(&l, &log);
    enable(&l);
    wr(&l, VDEV_LAPIC_TPR, 0x65);
    assert_int_equal(rd(&l, VDEV_LAPIC_PPR), 0x65);
    vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x60, false);
    vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x6f, false);
    assert_int_equal(vdev_lapic_pending_vector(&l), -1);
    vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x70, false);
    assert_int_equal(vdev_lapic_ack(&l), 0x70);
    assert_int_equal(rd(&l, VDEV_LAPIC_PPR), 0x70);
    wr(&l, VDEV_LAPIC_EOI, 0);
    wr(&l, VDEV_LAPIC_TPR, 0x50);
    assert_int_equal(vdev_lapic_pending_vector(&l), 0x6f);
    wr(&l, VDEV_LAPIC_TPR, 0x1ff); /* bits 31:8 ignored in xAPIC mode */
    assert_int_equal(rd(&l, VDEV_LAPIC_TPR), 0xff);
    assert_int_equal(vdev_lapic_pending_vector(&l), -1);
    /* CR8 is the TPR's class, in every mode. */
    assert_int_equal(vdev_lapic_cr8(&l), 0xf);
    vdev_lapic_write_cr8(&l, 5);
    assert_int_equal(rd(&l, VDEV_LAPIC_TPR), 0x50);
    assert_int_equal(vdev_lapic_pending_vector(&l), 0x6f);
    assert_true(vdev_lapic_write_base(&l, vdev_lapic_base(&l) | VDEV_APIC_BASE_EXTD, 0));
    vdev_lapic_write_cr8(&l, 0x17); /* the caller raises #GP above 15; the low bits count */
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TPR, 0), 0x70);
    assert_int_equal(vdev_lapic_cr8(&l), 7);
}

static void level_eoi_forwarded(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;

    (void)state;
    setup(&l, &log);
    enable(&l);
    vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x41, true);
    assert_true((rd(&l, VDEV_LAPIC_TMR + 0x20) >> 1) & 1);
    vdev_lapic_ack(&l);
    wr(&l, VDEV_LAPIC_EOI, 0);
    assert_int_equal(log.eoi_count, 1);
    assert_int_equal(log.eois[0], 0x41);
    vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x41, false); /* edge now: TMR cleared */
    vdev_lapic_ack(&l);
    wr(&l, VDEV_LAPIC_EOI, 0);
    assert_int_equal(log.eoi_count, 1);
}

static void software_disable_masks_lvts(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;

    (void)state;
    setup(&l, &log);
    enable(&l);
    wr(&l, VDEV_LAPIC_LVT_TIMER, 0x30);
    assert_int_equal(rd(&l, VDEV_LAPIC_LVT_TIMER), 0x30);
    wr(&l, VDEV_LAPIC_SVR, 0xff);
    assert_int_equal(rd(&l, VDEV_LAPIC_LVT_TIMER), 0x30 | VDEV_LVT_MASKED);
    assert_int_equal(rd(&l, VDEV_LAPIC_LVT_LINT0), 0x700 | VDEV_LVT_MASKED);
    wr(&l, VDEV_LAPIC_LVT_TIMER, 0x31); /* the mask cannot be cleared while disabled */
    assert_int_equal(rd(&l, VDEV_LAPIC_LVT_TIMER), 0x31 | VDEV_LVT_MASKED);
    assert_false(vdev_lapic_takes_extint(&l));
}

static void errors_and_illegal_vectors(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;

    (void)state;
    setup(&l, &log);
    enable(&l);
    wr(&l, VDEV_LAPIC_LVT_ERROR, 0xee);
    assert_false(vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x05, false));
    assert_int_equal(rd(&l, VDEV_LAPIC_ESR), 0); /* latched by the next write */
    wr(&l, VDEV_LAPIC_ESR, 0);
    assert_int_equal(rd(&l, VDEV_LAPIC_ESR), VDEV_ESR_RECEIVE_ILLEGAL);
    assert_true(irr_has(&l, 0xee));   /* the error LVT's interrupt */
    wr(&l, VDEV_LAPIC_ICR_LOW, 0x03); /* a fixed IPI with vector 3 */
    wr(&l, VDEV_LAPIC_ESR, 0);
    assert_int_equal(rd(&l, VDEV_LAPIC_ESR), VDEV_ESR_SEND_ILLEGAL);
    assert_int_equal(log.ipi_count, 0);
    rd(&l, 0x3f0); /* no SELF IPI register in xAPIC mode: illegal register address */
    wr(&l, VDEV_LAPIC_ESR, 0);
    assert_int_equal(rd(&l, VDEV_LAPIC_ESR), VDEV_ESR_ILLEGAL_REGISTER);
    wr(&l, VDEV_LAPIC_ESR, 0);
    assert_int_equal(rd(&l, VDEV_LAPIC_ESR), 0);
}

static void ipis(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;
    vdev_lapic_config_t c = config();

    (void)state;
    setup(&l, &log);
    enable(&l);
    wr(&l, VDEV_LAPIC_ICR_LOW, 0x00040051); /* self shorthand, fixed */
    assert_true(irr_has(&l, 0x51));
    assert_int_equal(log.ipi_count, 0);
    assert_int_equal(rd(&l, VDEV_LAPIC_ICR_LOW), 0x00040051); /* delivery status idle */
    wr(&l, VDEV_LAPIC_ICR_HIGH, 0x05000000);
    wr(&l, VDEV_LAPIC_ICR_LOW, 0x00004500); /* INIT, assert, to APIC 5 */
    assert_int_equal(log.ipi_count, 1);
    assert_int_equal(log.ipis[0].delivery, VDEV_APIC_INIT);
    assert_int_equal(log.ipis[0].destination, 5);
    assert_false(log.ipis[0].wide);
    wr(&l, VDEV_LAPIC_ICR_LOW, 0x00008500); /* INIT level de-assert: nothing sent */
    assert_int_equal(log.ipi_count, 1);
    wr(&l, VDEV_LAPIC_ICR_LOW, 0x000c0652); /* start-up to all but self */
    assert_int_equal(log.ipis[1].shorthand, VDEV_APIC_DEST_ALL_OTHER);
    assert_int_equal(log.ipis[1].vector, 0x52);
    /* Without an owner an APIC delivers to itself what names it. */
    vdev_lapic_init(&l, &c, NULL);
    enable(&l);
    wr(&l, VDEV_LAPIC_ICR_HIGH, 0x03000000);
    wr(&l, VDEV_LAPIC_ICR_LOW, 0x53);
    assert_true(irr_has(&l, 0x53));
}

static void destinations(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;
    vdev_apic_msg_t m = {.destination = 3};
    uint64_t base;

    (void)state;
    setup(&l, &log);
    assert_true(vdev_lapic_matches(&l, &m));
    m.destination = 4;
    assert_false(vdev_lapic_matches(&l, &m));
    m.destination = 0xff;
    assert_true(vdev_lapic_matches(&l, &m));
    /* Flat model: LDR bits 31:24 against the mask. */
    m.logical = true;
    wr(&l, VDEV_LAPIC_LDR, 0x20000000);
    m.destination = 0x60;
    assert_true(vdev_lapic_matches(&l, &m));
    m.destination = 0x40;
    assert_false(vdev_lapic_matches(&l, &m));
    /* Cluster model: cluster 2, member bit 1. */
    wr(&l, VDEV_LAPIC_DFR, 0x0fffffff);
    wr(&l, VDEV_LAPIC_LDR, 0x21000000);
    m.destination = 0x21;
    assert_true(vdev_lapic_matches(&l, &m));
    m.destination = 0x31;
    assert_false(vdev_lapic_matches(&l, &m));
    m.destination = 0xf1; /* every cluster */
    assert_true(vdev_lapic_matches(&l, &m));
    m.destination = 0x22;
    assert_false(vdev_lapic_matches(&l, &m));
    /* x2APIC: LDR derived from the ID (cluster 0, bit 3). */
    base = vdev_lapic_base(&l);
    assert_true(vdev_lapic_write_base(&l, base | VDEV_APIC_BASE_EXTD, 0));
    m.wide = true;
    m.destination = 0x00000008;
    assert_true(vdev_lapic_matches(&l, &m));
    m.destination = 0x00010008;
    assert_false(vdev_lapic_matches(&l, &m));
    m.logical = false;
    m.destination = 3;
    assert_true(vdev_lapic_matches(&l, &m));
    m.destination = 0xffffffff;
    assert_true(vdev_lapic_matches(&l, &m));
}

static void lint_pins(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;

    (void)state;
    setup(&l, &log);
    enable(&l);
    wr(&l, VDEV_LAPIC_LVT_LINT1, VDEV_APIC_NMI << 8);
    vdev_lapic_set_lint(&l, 1, true);
    assert_true(l.nmi_pending);
    l.nmi_pending = false;
    vdev_lapic_set_lint(&l, 1, true); /* held high: no new edge */
    assert_false(l.nmi_pending);
    /* LINT0 as a level-triggered fixed input: remote IRR until the EOI. */
    wr(&l, VDEV_LAPIC_LVT_LINT0, 0x55 | VDEV_LVT_LEVEL);
    assert_false(vdev_lapic_takes_extint(&l));
    vdev_lapic_set_lint(&l, 0, true);
    assert_true(irr_has(&l, 0x55));
    assert_true(rd(&l, VDEV_LAPIC_LVT_LINT0) & VDEV_LVT_REMOTE_IRR);
    assert_int_equal(vdev_lapic_ack(&l), 0x55);
    wr(&l, VDEV_LAPIC_EOI, 0);
    assert_true(irr_has(&l, 0x55)); /* still asserted: again */
    vdev_lapic_set_lint(&l, 0, false);
    vdev_lapic_ack(&l);
    wr(&l, VDEV_LAPIC_EOI, 0);
    assert_false(rd(&l, VDEV_LAPIC_LVT_LINT0) & VDEV_LVT_REMOTE_IRR);
    assert_false(irr_has(&l, 0x55));
    /* Disabled APIC: LINT0 is INTR, LINT1 the NMI pin. */
    assert_true(vdev_lapic_write_base(&l, 0xfee00000, 0));
    assert_true(vdev_lapic_takes_extint(&l));
    vdev_lapic_set_lint(&l, 1, false);
    vdev_lapic_set_lint(&l, 1, true);
    assert_true(l.nmi_pending);
}

static void timer_one_shot(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;

    (void)state;
    setup(&l, &log);
    enable(&l);
    wr(&l, VDEV_LAPIC_TIMER_DIVIDE, 0x3); /* divide by 16: a tick every 16 ns */
    wr(&l, VDEV_LAPIC_LVT_TIMER, 0x40);
    wr_at(&l, VDEV_LAPIC_TIMER_INITIAL, 1000, 1000);
    assert_int_equal(vdev_lapic_next_deadline(&l, 1000), 1000 + 16000);
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_CURRENT, 9000), 500);
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_CURRENT, 9015), 500);
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_CURRENT, 9016), 499);
    vdev_lapic_advance(&l, 16999);
    assert_false(irr_has(&l, 0x40));
    vdev_lapic_advance(&l, 17000);
    assert_true(irr_has(&l, 0x40));
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_CURRENT, 17000), 0);
    assert_int_equal(vdev_lapic_next_deadline(&l, 17000), VDEV_NO_DEADLINE);
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_INITIAL, 17000), 1000);
    assert_int_equal(l.timer_interrupts, 1);
}

/* A timer rate so high that the tick count saturates 64 bits: the next period is past every
 * representable time, never a deadline that wrapped into the past (found by fuzz_vdev). */
static void timer_periodic_saturated_count(void **state)
{
    vdev_lapic_config_t c = config();
    vdev_lapic_owner_t owner = {.ipi = log_ipi, .eoi = log_eoi, .context = NULL};
    owner_log_t log;
    vdev_lapic_t l;
    uint64_t now = 242890147488ull;

    (void)state;
    memset(&log, 0, sizeof(log));
    owner.context = &log;
    c.timer_hz = UINT64_MAX;
    vdev_lapic_init(&l, &c, &owner);
    enable(&l);
    wr(&l, VDEV_LAPIC_TIMER_DIVIDE, 0xa); /* divide by 128 */
    wr(&l, VDEV_LAPIC_LVT_TIMER, VDEV_LVT_TIMER_PERIODIC | 0x40);
    wr_at(&l, VDEV_LAPIC_TIMER_INITIAL, 100000, 0);
    vdev_lapic_advance(&l, now);
    assert_int_equal(l.timer_interrupts, 1);
    assert_true(vdev_lapic_next_deadline(&l, now) > now);
}

static void timer_periodic(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;

    (void)state;
    setup(&l, &log);
    enable(&l);
    wr(&l, VDEV_LAPIC_TIMER_DIVIDE, 0xb); /* divide by 1 */
    wr(&l, VDEV_LAPIC_LVT_TIMER, VDEV_LVT_TIMER_PERIODIC | 0x41);
    wr_at(&l, VDEV_LAPIC_TIMER_INITIAL, 100, 0);
    assert_int_equal(vdev_lapic_next_deadline(&l, 0), 100);
    vdev_lapic_advance(&l, 350); /* three periods late: one interrupt */
    assert_int_equal(l.timer_interrupts, 1);
    assert_int_equal(vdev_lapic_next_deadline(&l, 350), 400);
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_CURRENT, 350), 50);
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_CURRENT, 399), 1);
    vdev_lapic_ack(&l);
    wr(&l, VDEV_LAPIC_EOI, 0);
    for (uint64_t t = 400; t < 1400; t += 100) {
        assert_int_equal(vdev_lapic_next_deadline(&l, t), t);
        vdev_lapic_advance(&l, t);
        assert_true(irr_has(&l, 0x41));
        vdev_lapic_ack(&l);
        wr(&l, VDEV_LAPIC_EOI, 0);
    }
    assert_int_equal(l.timer_interrupts, 11);
    /* A new divide applies from the current count on. */
    wr_at(&l, VDEV_LAPIC_TIMER_DIVIDE, 0x0, 1450); /* by 2, current 50 */
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_CURRENT, 1450), 50);
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_CURRENT, 1500), 25);
    assert_int_equal(vdev_lapic_next_deadline(&l, 1500), 1550);
    assert_int_equal(vdev_lapic_next_deadline(&l, 1500), 1550);
    vdev_lapic_advance(&l, 1550);
    assert_int_equal(vdev_lapic_next_deadline(&l, 1550), 1750); /* 100 ticks of 2 ns */
    /* Masked: no deadline, and an expiry while masked is not delivered later. */
    wr_at(&l, VDEV_LAPIC_LVT_TIMER, VDEV_LVT_MASKED | VDEV_LVT_TIMER_PERIODIC | 0x41, 1560);
    assert_int_equal(vdev_lapic_next_deadline(&l, 1560), VDEV_NO_DEADLINE);
    vdev_lapic_ack(&l);
    wr(&l, VDEV_LAPIC_EOI, 0);
    wr_at(&l, VDEV_LAPIC_LVT_TIMER, VDEV_LVT_TIMER_PERIODIC | 0x41, 1800);
    assert_false(irr_has(&l, 0x41));
    assert_int_equal(vdev_lapic_next_deadline(&l, 1800), 1950);
    wr_at(&l, VDEV_LAPIC_TIMER_INITIAL, 0, 1800); /* stops it */
    assert_int_equal(vdev_lapic_next_deadline(&l, 1800), VDEV_NO_DEADLINE);
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_CURRENT, 1900), 0);
}

static void timer_tsc_deadline(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;
    uint64_t v;

    (void)state;
    setup(&l, &log);
    enable(&l);
    /* Not in TSC-deadline mode: the MSR reads 0 and ignores writes. */
    assert_true(vdev_lapic_msr_write(&l, VDEV_TSC_DEADLINE_MSR, 5000, 0));
    assert_true(vdev_lapic_msr_read(&l, VDEV_TSC_DEADLINE_MSR, &v, 0));
    assert_int_equal(v, 0);
    wr(&l, VDEV_LAPIC_LVT_TIMER, VDEV_LVT_TIMER_TSC_DEADLINE | 0x42);
    /* The guest TSC is 1000 + 2 * now: TSC 5000 is reached at 2000 ns. */
    assert_true(vdev_lapic_msr_write(&l, VDEV_TSC_DEADLINE_MSR, 5000, 10));
    assert_true(vdev_lapic_msr_read(&l, VDEV_TSC_DEADLINE_MSR, &v, 10));
    assert_int_equal(v, 5000);
    assert_int_equal(vdev_lapic_next_deadline(&l, 10), 2000);
    wr_at(&l, VDEV_LAPIC_TIMER_INITIAL, 77, 20); /* ignored in this mode */
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_INITIAL, 20), 0);
    assert_int_equal(vdev_lapic_read_register(&l, VDEV_LAPIC_TIMER_CURRENT, 20), 0);
    vdev_lapic_advance(&l, 1999);
    assert_false(irr_has(&l, 0x42));
    assert_true(vdev_lapic_msr_read(&l, VDEV_TSC_DEADLINE_MSR, &v, 2000));
    assert_int_equal(v, 0); /* fired: the MSR reads 0 */
    assert_true(irr_has(&l, 0x42));
    assert_int_equal(vdev_lapic_next_deadline(&l, 2000), VDEV_NO_DEADLINE);
    vdev_lapic_ack(&l);
    wr(&l, VDEV_LAPIC_EOI, 0);
    /* A deadline in the past fires at once; an odd TSC step rounds up. */
    assert_true(vdev_lapic_msr_write(&l, VDEV_TSC_DEADLINE_MSR, 999, 3000));
    assert_true(irr_has(&l, 0x42));
    vdev_lapic_ack(&l);
    wr(&l, VDEV_LAPIC_EOI, 0);
    assert_true(vdev_lapic_msr_write(&l, VDEV_TSC_DEADLINE_MSR, 10001, 3000));
    assert_int_equal(vdev_lapic_next_deadline(&l, 3000), 4501);
    /* Leaving TSC-deadline mode disarms the timer. */
    wr_at(&l, VDEV_LAPIC_LVT_TIMER, 0x42, 3001);
    wr_at(&l, VDEV_LAPIC_LVT_TIMER, VDEV_LVT_TIMER_TSC_DEADLINE | 0x42, 3002);
    assert_true(vdev_lapic_msr_read(&l, VDEV_TSC_DEADLINE_MSR, &v, 3002));
    assert_int_equal(v, 0);
    assert_int_equal(vdev_lapic_next_deadline(&l, 3002), VDEV_NO_DEADLINE);
    /* The guest's TSC moved: the deadline follows it. */
    assert_true(vdev_lapic_msr_write(&l, VDEV_TSC_DEADLINE_MSR, 1000000, 3002));
    vdev_lapic_set_tsc(&l, 0, 1000000000ull, 3002);
    assert_int_equal(vdev_lapic_next_deadline(&l, 3002), 1000000);
}

static void apic_base_transitions(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;
    const uint64_t base = 0xfee00000u;
    const uint64_t en = VDEV_APIC_BASE_ENABLE;
    const uint64_t extd = VDEV_APIC_BASE_EXTD;
    vdev_lapic_config_t c = config();

    (void)state;
    setup(&l, &log);
    assert_false(vdev_lapic_write_base(&l, base | en | (1u << 9), 0)); /* reserved */
    assert_false(vdev_lapic_write_base(&l, base | en | 0x01, 0));      /* reserved */
    assert_false(vdev_lapic_write_base(&l, (1ull << 39) | en, 0));     /* past MAXPHYADDR */
    assert_false(vdev_lapic_write_base(&l, base | extd, 0));           /* EN=0 EXTD=1 */
    assert_true(vdev_lapic_write_base(&l, base | en | extd, 0));       /* xAPIC -> x2APIC */
    assert_int_equal(l.mode, VDEV_LAPIC_X2APIC);
    assert_true(vdev_lapic_base(&l) & VDEV_APIC_BASE_BSP); /* BSP kept */
    assert_false(vdev_lapic_write_base(&l, base | en, 0)); /* x2APIC -> xAPIC */
    assert_true(vdev_lapic_write_base(&l, base, 0));       /* -> disabled */
    assert_int_equal(l.mode, VDEV_LAPIC_DISABLED);
    assert_false(vdev_lapic_write_base(&l, base | en | extd, 0)); /* disabled -> x2APIC */
    /* Disabled -> xAPIC, relocated: the registers start afresh, LINT0 masked. */
    assert_true(vdev_lapic_write_base(&l, 0xfed00000u | en, 0));
    assert_int_equal(l.mode, VDEV_LAPIC_XAPIC);
    assert_int_equal(vdev_lapic_mmio_base(&l), 0xfed00000u);
    assert_int_equal(rd(&l, VDEV_LAPIC_LVT_LINT0), VDEV_LVT_MASKED);
    assert_int_equal(rd(&l, VDEV_LAPIC_SVR), 0xff);
    assert_int_equal(rd(&l, VDEV_LAPIC_ID), 3u << 24);
    /* Without x2APIC on offer, EXTD is a reserved bit. */
    c.x2apic = false;
    vdev_lapic_init(&l, &c, NULL);
    assert_false(vdev_lapic_write_base(&l, base | en | extd, 0));
    /* Disabling keeps nothing pending. */
    vdev_lapic_init(&l, &c, NULL);
    enable(&l);
    vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x90, false);
    assert_true(vdev_lapic_write_base(&l, base, 0));
    assert_false(vdev_lapic_accept(&l, VDEV_APIC_FIXED, 0x90, false));
    assert_int_equal(vdev_lapic_pending_vector(&l), -1);
    assert_int_equal(vdev_lapic_mmio_read(&l, VDEV_LAPIC_ID, 4, 0), UINT64_MAX);
}

static bool msr_read(vdev_lapic_t *l, uint32_t msr, uint64_t *v)
{
    return vdev_lapic_msr_read(l, msr, v, 0);
}

static bool msr_write(vdev_lapic_t *l, uint32_t msr, uint64_t v)
{
    return vdev_lapic_msr_write(l, msr, v, 0);
}

static void x2apic_msr_rules(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;
    uint64_t v;
    const uint32_t reserved[] = {0x800, 0x801, 0x804, 0x807, 0x809, 0x80c, 0x80e,
                                 0x82f, 0x831, 0x83a, 0x83d, 0x840, 0x8ff};

    (void)state;
    setup(&l, &log);
    assert_false(msr_read(&l, 0x802, &v)); /* not in x2APIC mode yet */
    assert_true(vdev_lapic_write_base(&l, vdev_lapic_base(&l) | VDEV_APIC_BASE_EXTD, 0));
    assert_true(msr_read(&l, 0x802, &v));
    assert_int_equal(v, 3);
    assert_true(msr_read(&l, 0x803, &v));
    assert_int_equal(v, VDEV_LAPIC_VERSION);
    assert_true(msr_read(&l, 0x80d, &v));
    assert_int_equal(v, 0x8); /* logical x2APIC ID: cluster 0, bit 3 */
    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        assert_false(msr_read(&l, reserved[i], &v));
        assert_false(msr_write(&l, reserved[i], 0));
    }
    /* Read-only registers refuse writes; write-only ones refuse reads. */
    assert_false(msr_write(&l, 0x802, 3));
    assert_false(msr_write(&l, 0x803, 0));
    assert_false(msr_write(&l, 0x80a, 0));
    assert_false(msr_write(&l, 0x80d, 0));
    assert_false(msr_write(&l, 0x810, 0));
    assert_false(msr_write(&l, 0x820, 0));
    assert_false(msr_write(&l, 0x839, 0));
    assert_false(msr_read(&l, 0x80b, &v));
    assert_false(msr_read(&l, 0x83f, &v));
    /* RsvdZ bits and non-zero EOI/ESR. */
    assert_false(msr_write(&l, 0x80b, 1));
    assert_true(msr_write(&l, 0x80b, 0));
    assert_false(msr_write(&l, 0x828, 1));
    assert_true(msr_write(&l, 0x828, 0));
    assert_false(msr_write(&l, 0x808, 0x100));
    assert_false(msr_write(&l, 0x808, 1ull << 32));
    assert_true(msr_write(&l, 0x808, 0x20));
    assert_false(msr_write(&l, 0x80f, 0x1000));
    assert_true(msr_write(&l, 0x80f, 0x1ff));
    assert_false(msr_write(&l, 0x83e, 0x4));
    assert_false(msr_write(&l, 0x83f, 0x100));
    assert_false(msr_write(&l, 0x832, 1u << 19));               /* reserved timer LVT bit */
    assert_false(msr_write(&l, 0x837, 0x700 | 0xe0));           /* error LVT has no delivery mode */
    assert_true(msr_write(&l, 0x832, VDEV_LVT_PENDING | 0x30)); /* a read-only bit is ignored */
    assert_true(msr_read(&l, 0x832, &v));
    assert_int_equal(v, 0x30);
    assert_false(msr_write(&l, 0x830, 1ull << 12)); /* ICR: no delivery status bit */
    assert_false(msr_write(&l, 0x830, 1ull << 16));
    /* ICR as one 64-bit register, destination 32 bits wide. */
    assert_true(msr_write(&l, 0x830, 0x0000123400000461ull));
    assert_int_equal(log.ipi_count, 1);
    assert_int_equal(log.ipis[0].destination, 0x1234);
    assert_true(log.ipis[0].wide);
    assert_int_equal(log.ipis[0].delivery, VDEV_APIC_NMI);
    assert_true(msr_read(&l, 0x830, &v));
    assert_int_equal(v, 0x0000123400000461ull);
    /* SELF IPI. */
    assert_true(msr_write(&l, 0x83f, 0x77));
    assert_int_equal(vdev_lapic_pending_vector(&l), 0x77);
    assert_true(msr_read(&l, 0x820 + 0x77 / 32, &v));
    assert_int_equal((v >> (0x77 % 32)) & 1, 1);
    /* The xAPIC page is gone in x2APIC mode. */
    assert_int_equal(vdev_lapic_mmio_read(&l, VDEV_LAPIC_ID, 4, 0), UINT64_MAX);
    /* MSRs beyond the range. */
    assert_false(msr_read(&l, 0x900, &v));
}

static void xapic_page_widths(void **state)
{
    vdev_lapic_t l;
    owner_log_t log;

    (void)state;
    setup(&l, &log);
    enable(&l);
    assert_int_equal(vdev_lapic_mmio_read(&l, VDEV_LAPIC_VER, 1, 0), 0x14);
    assert_int_equal(vdev_lapic_mmio_read(&l, VDEV_LAPIC_VER + 2, 1, 0), 0x05);
    assert_int_equal(vdev_lapic_mmio_read(&l, VDEV_LAPIC_VER + 2, 2, 0), 0x0005);
    assert_int_equal(vdev_lapic_mmio_read(&l, VDEV_LAPIC_VER + 4, 4, 0), 0);
    vdev_lapic_mmio_write(&l, VDEV_LAPIC_TPR, 1, 0x40, 0);     /* narrow write: dropped */
    vdev_lapic_mmio_write(&l, VDEV_LAPIC_TPR + 4, 4, 0x40, 0); /* misplaced: dropped */
    assert_int_equal(rd(&l, VDEV_LAPIC_TPR), 0);
    assert_int_equal(l.bad_accesses, 2);
    wr(&l, VDEV_LAPIC_PPR, 0x80); /* read-only in xAPIC mode: ignored */
    assert_int_equal(rd(&l, VDEV_LAPIC_PPR), 0);
    wr(&l, VDEV_LAPIC_ID, 0x07000000);
    assert_int_equal(rd(&l, VDEV_LAPIC_ID), 0x07000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(reset_state),
            cmocka_unit_test(priority_arbitration),
            cmocka_unit_test(task_priority),
            cmocka_unit_test(level_eoi_forwarded),
            cmocka_unit_test(software_disable_masks_lvts),
            cmocka_unit_test(errors_and_illegal_vectors),
            cmocka_unit_test(ipis),
            cmocka_unit_test(destinations),
            cmocka_unit_test(lint_pins),
            cmocka_unit_test(timer_one_shot),
            cmocka_unit_test(timer_periodic),
            cmocka_unit_test(timer_periodic_saturated_count),
            cmocka_unit_test(timer_tsc_deadline),
            cmocka_unit_test(apic_base_transitions),
            cmocka_unit_test(x2apic_msr_rules),
            cmocka_unit_test(xapic_page_widths),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
