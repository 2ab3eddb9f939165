/*
 * Interrupt routing of the platform: the 8259 pair, the I/O APIC and the local APICs of the VM's
 * vCPUs, wired as on a PC, and the question the VMM asks before every guest entry: "what can I
 * inject now?".
 *
 * Wiring: ISA IRQ n goes to 8259 input n and to I/O APIC pin n, except IRQ 0 (the PIT), which
 * reaches pin 2 (the MADT says so with an interrupt source override); IRQ 2 is the 8259 cascade
 * and reaches no pin. GSIs 16-23 are PCI lines, active low on the board. The 8259's INTR output
 * is every local APIC's LINT0 (virtual wire); LINT1 is the NMI input (vdev_intc_nmi).
 * Messages from the I/O APIC, MSIs and IPIs are matched against every local APIC's destination;
 * lowest-priority delivery picks the matching APIC with the lowest task priority.
 *
 * Injection (PV mode and both hardware modes use the same two calls):
 *   vdev_intc_pending  a pure query: the event to inject now, given the vCPU's RFLAGS.IF,
 *                      interrupt shadow (STI, MOV SS) and NMI blocking; and whether an
 *                      interrupt or an NMI waits for a window (the VMM then asks for an
 *                      interrupt-window or NMI-window exit, or checks again after the guest's
 *                      next STI/POPF/IRET in PV mode). NMI first, then the 8259 (ExtINT), then
 *                      the local APIC's highest vector above its PPR.
 *   vdev_intc_ack      the acknowledge, done when the VMM really injects what pending said:
 *                      NMI: clears it; ExtINT: the 8259's INTA (its vector may differ from the
 *                      one pending showed only if a line changed in between: inject what ack
 *                      returns); fixed: IRR to ISR. If the injection is later cut short by an
 *                      exit during event delivery, the VMM re-injects that vector itself; the
 *                      controllers already count it as delivered, as hardware does.
 * Call vdev_intc_advance(now) first so that timer expirations are in the IRR.
 */
#ifndef VDEV_INTC_H
#define VDEV_INTC_H

#include <vdev/ioapic.h>
#include <vdev/lapic.h>
#include <vdev/pic.h>

#define VDEV_VCPUS_MAX     8
#define VDEV_ISA_IRQS      16
#define VDEV_PCI_GSI_FIRST 16u
#define VDEV_NMI_VECTOR    2u

typedef struct vdev_intc_config {
    unsigned vcpus;            /* 1..VDEV_VCPUS_MAX; vCPU 0 is the BSP */
    vdev_lapic_config_t lapic; /* for vCPU 0; vCPU i gets ID lapic.id + i and no BSP flag */
    uint8_t ioapic_id;
} vdev_intc_config_t;

typedef struct vdev_cpu_interruptibility {
    bool interrupts_enabled; /* RFLAGS.IF */
    bool interrupt_shadow;   /* blocking by STI or MOV SS: nothing is delivered, NMIs neither */
    bool nmi_blocked;        /* between an NMI's delivery and the next IRET */
} vdev_cpu_interruptibility_t;

typedef enum {
    VDEV_INTR_NONE = 0,
    VDEV_INTR_NMI,    /* vector 2 */
    VDEV_INTR_EXTINT, /* from the 8259 through LINT0 (or INTR with the APIC disabled) */
    VDEV_INTR_FIXED,  /* from the local APIC's IRR */
    VDEV_INTR_KINDS
} vdev_intr_kind_t;

typedef struct vdev_intr {
    vdev_intr_kind_t kind; /* what to inject now, or NONE */
    uint8_t vector;
    bool irq_window; /* a maskable interrupt waits (IF=0, a shadow, or an NMI goes first) */
    bool nmi_window; /* an NMI waits for NMI blocking or the shadow to end */
} vdev_intr_t;

typedef struct vdev_intc {
    vdev_pic_t pic;
    vdev_ioapic_t ioapic;
    vdev_lapic_t lapic[VDEV_VCPUS_MAX];
    unsigned vcpus;
    bool intr; /* the 8259's INTR as the LINT0 pins last saw it */
    uint64_t injected[VDEV_INTR_KINDS];
    uint64_t msi_dropped;
} vdev_intc_t;

void vdev_intc_init(vdev_intc_t *intc, const vdev_intc_config_t *config);

/* ISA IRQ 0-15 raised (true) or lowered, routed to the 8259 and the I/O APIC. */
void vdev_intc_set_isa_irq(vdev_intc_t *intc, unsigned irq, bool level);

/* A line object for a device on ISA IRQ irq (its `set` is vdev_intc's). */
vdev_line_t vdev_intc_isa_line(vdev_intc_t *intc, unsigned irq);

/* A PCI interrupt (GSI 16-23) asserted or not; the board wires them active low. */
void vdev_intc_set_gsi(vdev_intc_t *intc, unsigned gsi, bool asserted);

/* An MSI write (address 0xfeexxxxx, data): true when some local APIC accepted it. */
bool vdev_intc_msi(vdev_intc_t *intc, uint64_t address, uint32_t data);

/* A pulse on every LINT1 pin (the NMI button). */
void vdev_intc_nmi(vdev_intc_t *intc);

void vdev_intc_pending(const vdev_intc_t *intc, unsigned vcpu,
                       const vdev_cpu_interruptibility_t *cpu, vdev_intr_t *out);
uint8_t vdev_intc_ack(vdev_intc_t *intc, unsigned vcpu, vdev_intr_kind_t kind);

/* The 8259's ports (chip 0/1, offset 0/1) and ELCR, through which LINT0 follows INTR. */
uint8_t vdev_intc_pic_read(vdev_intc_t *intc, unsigned chip, unsigned offset);
void vdev_intc_pic_write(vdev_intc_t *intc, unsigned chip, unsigned offset, uint8_t value);
uint8_t vdev_intc_elcr_read(vdev_intc_t *intc, unsigned chip);
void vdev_intc_elcr_write(vdev_intc_t *intc, unsigned chip, uint8_t value);

/* The local APIC timers. */
uint64_t vdev_intc_next_deadline(const vdev_intc_t *intc, uint64_t now);
void vdev_intc_advance(vdev_intc_t *intc, uint64_t now);

#endif
