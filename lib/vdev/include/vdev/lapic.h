/*
 * A local APIC in xAPIC mode (MMIO page at IA32_APIC_BASE, 0xfee00000 after reset) and x2APIC
 * mode (MSRs 0x800-0x8ff), switched through IA32_APIC_BASE with the SDM's rules.
 *
 * Implemented: ID, version (0x14, 6 LVT entries: timer, thermal, performance, LINT0, LINT1,
 * error), TPR, APR, PPR, EOI, LDR, DFR (flat and cluster models), SVR (software enable, spurious
 * vector), ISR/TMR/IRR with priority arbitration by class, ESR (send/receive illegal vector,
 * illegal register address), ICR (fixed, lowest-priority, NMI, INIT, start-up; shorthands;
 * physical and logical destinations; delivery status always idle: delivery is immediate), the
 * SELF IPI register (x2APIC), the timer (one-shot, periodic, TSC-deadline where offered; divide
 * configuration; current count computed from `now`), LINT0/LINT1 (fixed edge/level with remote
 * IRR, NMI, ExtINT: the 8259 through LINT0), level-triggered EOI forwarded to the I/O APICs.
 * Thermal and performance-counter LVT entries are registers only: nothing raises them.
 * Not modelled: the CMCI LVT (absent from the version register), EOI-broadcast suppression
 * (not offered), focus processor checking (the SVR bit is kept, with no effect), INIT and
 * start-up beyond recording them for the VMM (vdev_lapic_t.init_pending, sipi_*).
 *
 * Interfaces:
 *   xAPIC MMIO: 32-bit aligned accesses to a register's first dword. A narrower read returns
 *   bytes of that dword; reads elsewhere in a 16-byte slot give 0; narrower, unaligned or
 *   misplaced writes are dropped (counted in bad_accesses). Reserved registers read 0 and set
 *   ESR bit 7. In any mode but xAPIC the page reads all-ones and drops writes.
 *   x2APIC MSRs: vdev_lapic_msr_read/write return false for #GP: outside x2APIC mode, reserved
 *   addresses (DFR 0x80e, ICR high 0x831, CMCI 0x82f, ...), reads of write-only registers
 *   (EOI, SELF IPI), writes to read-only ones, non-zero reserved bits (RsvdZ, the upper 32 bits
 *   of every register but the ICR), non-zero writes to EOI and ESR.
 *
 * Time: the timer counts timer_hz / divide from `now`; the TSC-deadline compares the guest TSC
 * tsc_at_zero + now * tsc_hz / 1e9 with IA32_TSC_DEADLINE. Every access that takes `now`
 * first brings the timer up to `now` (vdev_lapic_advance), so reads are consistent with time.
 */
#ifndef VDEV_LAPIC_H
#define VDEV_LAPIC_H

#include <vdev/apic_msg.h>

#define VDEV_LAPIC_DEFAULT_BASE 0xfee00000ull
#define VDEV_LAPIC_PAGE         0x1000u
#define VDEV_LAPIC_VERSION      0x00050014u /* version 0x14, max LVT entry 5 */

/* IA32_APIC_BASE (MSR 0x1b) bits. */
#define VDEV_APIC_BASE_MSR    0x1bu
#define VDEV_APIC_BASE_BSP    (1ull << 8)
#define VDEV_APIC_BASE_EXTD   (1ull << 10)
#define VDEV_APIC_BASE_ENABLE (1ull << 11)
#define VDEV_TSC_DEADLINE_MSR 0x6e0u
#define VDEV_X2APIC_MSR_FIRST 0x800u
#define VDEV_X2APIC_MSR_LAST  0x8ffu

/* Register offsets (xAPIC MMIO; the x2APIC MSR is 0x800 + offset / 16). */
#define VDEV_LAPIC_ID            0x020u
#define VDEV_LAPIC_VER           0x030u
#define VDEV_LAPIC_TPR           0x080u
#define VDEV_LAPIC_APR           0x090u
#define VDEV_LAPIC_PPR           0x0a0u
#define VDEV_LAPIC_EOI           0x0b0u
#define VDEV_LAPIC_RRD           0x0c0u
#define VDEV_LAPIC_LDR           0x0d0u
#define VDEV_LAPIC_DFR           0x0e0u
#define VDEV_LAPIC_SVR           0x0f0u
#define VDEV_LAPIC_ISR           0x100u
#define VDEV_LAPIC_TMR           0x180u
#define VDEV_LAPIC_IRR           0x200u
#define VDEV_LAPIC_ESR           0x280u
#define VDEV_LAPIC_CMCI          0x2f0u
#define VDEV_LAPIC_ICR_LOW       0x300u
#define VDEV_LAPIC_ICR_HIGH      0x310u
#define VDEV_LAPIC_LVT_TIMER     0x320u
#define VDEV_LAPIC_LVT_THERMAL   0x330u
#define VDEV_LAPIC_LVT_PERF      0x340u
#define VDEV_LAPIC_LVT_LINT0     0x350u
#define VDEV_LAPIC_LVT_LINT1     0x360u
#define VDEV_LAPIC_LVT_ERROR     0x370u
#define VDEV_LAPIC_TIMER_INITIAL 0x380u
#define VDEV_LAPIC_TIMER_CURRENT 0x390u
#define VDEV_LAPIC_TIMER_DIVIDE  0x3e0u
#define VDEV_LAPIC_SELF_IPI      0x3f0u

/* LVT bits. */
#define VDEV_LVT_VECTOR             0xffu
#define VDEV_LVT_DELIVERY           (7u << 8)
#define VDEV_LVT_PENDING            (1u << 12)
#define VDEV_LVT_ACTIVE_LOW         (1u << 13)
#define VDEV_LVT_REMOTE_IRR         (1u << 14)
#define VDEV_LVT_LEVEL              (1u << 15)
#define VDEV_LVT_MASKED             (1u << 16)
#define VDEV_LVT_TIMER_MODE         (3u << 17)
#define VDEV_LVT_TIMER_PERIODIC     (1u << 17)
#define VDEV_LVT_TIMER_TSC_DEADLINE (2u << 17)

#define VDEV_SVR_ENABLE (1u << 8)

/* ESR bits. */
#define VDEV_ESR_SEND_ILLEGAL     (1u << 5)
#define VDEV_ESR_RECEIVE_ILLEGAL  (1u << 6)
#define VDEV_ESR_ILLEGAL_REGISTER (1u << 7)

enum {
    VDEV_LVT_TIMER_INDEX,
    VDEV_LVT_THERMAL_INDEX,
    VDEV_LVT_PERF_INDEX,
    VDEV_LVT_LINT0_INDEX,
    VDEV_LVT_LINT1_INDEX,
    VDEV_LVT_ERROR_INDEX,
    VDEV_LVT_COUNT
};

typedef enum {
    VDEV_LAPIC_DISABLED = 0, /* IA32_APIC_BASE.EN = 0 */
    VDEV_LAPIC_XAPIC,
    VDEV_LAPIC_X2APIC,
} vdev_lapic_mode_t;

typedef struct vdev_lapic_config {
    uint32_t id; /* the x2APIC ID; its low 8 bits are the xAPIC ID */
    bool bsp;
    bool x2apic;             /* offered by CPUID: IA32_APIC_BASE.EXTD may be set */
    bool tsc_deadline;       /* offered by CPUID: LVT timer mode 2 and IA32_TSC_DEADLINE */
    bool lint0_virtual_wire; /* reset LINT0 to ExtINT, unmasked: what firmware leaves on a BSP */
    uint8_t phys_addr_bits;  /* MAXPHYADDR: APIC base bits from here up are reserved */
    uint64_t timer_hz;       /* the timer's clock before the divider (e.g. 1 GHz) */
    uint64_t tsc_hz;         /* the guest TSC's rate */
    uint64_t tsc_at_zero;    /* the guest TSC at guest time 0 */
} vdev_lapic_config_t;

struct vdev_lapic;

/* The owner's side: where IPIs go and where level-triggered EOIs are broadcast. */
typedef struct vdev_lapic_owner {
    void (*ipi)(void *context, struct vdev_lapic *from, const vdev_apic_msg_t *msg);
    void (*eoi)(void *context, uint8_t vector);
    void *context;
} vdev_lapic_owner_t;

typedef struct vdev_lapic {
    vdev_lapic_config_t config;
    vdev_lapic_owner_t owner;
    vdev_lapic_mode_t mode;
    uint64_t apic_base;
    uint32_t xapic_id; /* the ID register in xAPIC mode (bits 31:24, writable) */
    uint32_t tpr;
    uint32_t ldr;
    uint32_t dfr;
    uint32_t svr;
    uint32_t esr;         /* as last latched by a write to ESR */
    uint32_t esr_pending; /* errors since that write */
    uint32_t icr_low;
    uint32_t icr_high;
    uint32_t lvt[VDEV_LVT_COUNT];
    uint32_t isr[8];
    uint32_t tmr[8];
    uint32_t irr[8];
    bool lint_level[2];
    /* timer */
    uint32_t timer_initial;
    uint32_t timer_divide;
    bool timer_running;
    uint64_t timer_start;       /* guest ns where the count was timer_start_count */
    uint32_t timer_start_count; /* >= 1 while running */
    uint64_t timer_expirations; /* expirations handled since timer_start */
    uint64_t tsc_deadline;      /* IA32_TSC_DEADLINE: 0 when disarmed or fired */
    /* events for the VMM */
    bool nmi_pending;
    bool init_pending;
    bool sipi_pending;
    uint8_t sipi_vector;
    /* statistics */
    uint64_t timer_interrupts;
    uint64_t accepted;
    uint64_t bad_accesses;
} vdev_lapic_t;

/* Power-on state: IA32_APIC_BASE = 0xfee00000 | EN (| BSP), xAPIC mode, software-disabled. */
void vdev_lapic_init(vdev_lapic_t *lapic, const vdev_lapic_config_t *config,
                     const vdev_lapic_owner_t *owner);

/* The guest TSC changed (IA32_TSC written, or migration): its value at guest time 0 and rate. */
void vdev_lapic_set_tsc(vdev_lapic_t *lapic, uint64_t tsc_at_zero, uint64_t tsc_hz, uint64_t now);

/* IA32_APIC_BASE: read, and write with the SDM's rules (false: #GP, nothing changed). */
uint64_t vdev_lapic_base(const vdev_lapic_t *lapic);
bool vdev_lapic_write_base(vdev_lapic_t *lapic, uint64_t value, uint64_t now);
/* The guest-physical address of the xAPIC page, valid in xAPIC mode. */
uint64_t vdev_lapic_mmio_base(const vdev_lapic_t *lapic);

/* The xAPIC page (offset within it). */
uint64_t vdev_lapic_mmio_read(vdev_lapic_t *lapic, uint64_t offset, unsigned size, uint64_t now);
void vdev_lapic_mmio_write(vdev_lapic_t *lapic, uint64_t offset, unsigned size, uint64_t value,
                           uint64_t now);

/* x2APIC MSRs 0x800-0x8ff and IA32_TSC_DEADLINE; false means #GP. */
bool vdev_lapic_msr_read(vdev_lapic_t *lapic, uint32_t msr, uint64_t *value, uint64_t now);
bool vdev_lapic_msr_write(vdev_lapic_t *lapic, uint32_t msr, uint64_t value, uint64_t now);

/* A message for this APIC (already matched): true when accepted. */
bool vdev_lapic_accept(vdev_lapic_t *lapic, unsigned delivery, uint8_t vector,
                       bool level_triggered);

/* Does a message's destination name this APIC (physical ID, logical LDR/DFR, broadcast)? */
bool vdev_lapic_matches(const vdev_lapic_t *lapic, const vdev_apic_msg_t *msg);

/* The LINT0/LINT1 input pins. */
void vdev_lapic_set_lint(vdev_lapic_t *lapic, unsigned pin, bool level);

/* Priorities: PPR, and the vector an INTA would take (-1: none outranks the PPR). */
uint8_t vdev_lapic_ppr(const vdev_lapic_t *lapic);
int vdev_lapic_pending_vector(const vdev_lapic_t *lapic);

/*
 * CR8, whatever the APIC's mode (MOV to/from CR8 in 64-bit mode reaches the TPR directly):
 * reads give TPR bits 7:4; a write sets them and clears bits 3:0. Values above 15 are #GP for
 * the caller to raise (the function takes the low four bits).
 */
uint8_t vdev_lapic_cr8(const vdev_lapic_t *lapic);
void vdev_lapic_write_cr8(vdev_lapic_t *lapic, uint8_t priority_class);

/* INTA: the highest deliverable vector moves from IRR to ISR; none: the spurious vector. */
uint8_t vdev_lapic_ack(vdev_lapic_t *lapic);

/* Does the 8259's INTR reach the CPU (APIC globally disabled, or LINT0 unmasked ExtINT)? */
bool vdev_lapic_takes_extint(const vdev_lapic_t *lapic);

/* The timer: the next time something happens by itself, and bringing it up to `now`. */
uint64_t vdev_lapic_next_deadline(const vdev_lapic_t *lapic, uint64_t now);
void vdev_lapic_advance(vdev_lapic_t *lapic, uint64_t now);

/* Register values as the guest sees them in the current mode (tests, vm stats). */
uint32_t vdev_lapic_read_register(vdev_lapic_t *lapic, uint32_t offset, uint64_t now);

#endif
