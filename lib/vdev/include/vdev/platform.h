/*
 * The whole platform of one VM, wired as a PC: every device of lib/vdev in one structure, its
 * ports and MMIO ranges on one dispatcher, its interrupt lines on the board's controllers. The
 * VMM embeds one vdev_platform_t per VM and calls:
 *   vdev_platform_io_in/out, _mmio_read/write   trapped port and MMIO accesses
 *   vdev_platform_msr_read/write                 RDMSR/WRMSR (the MSR policy, the local APIC)
 *   vdev_intc_pending/ack on &p->intc            interrupt injection (include/vdev/intc.h)
 *   vdev_platform_next_deadline/advance          one host timer for the earliest event
 *   vdev_platform_console_input                  bytes from the dbg console attach
 *   p->power.exit                                a request to end the VM (kind, status)
 *
 * Ports: 0x20-0x21, 0xa0-0xa1 (8259), 0x40-0x43 (PIT), 0x61 (port B), 0x70-0x71 (RTC), 0x80
 * (POST code: the last value written is kept), 0xf4-0xf7 (debug exit), 0x3f8-0x3ff (COM1),
 * 0x4d0-0x4d1 (ELCR), 0x600-0x60b (ACPI PM), 0xcf8-0xcfb (CONFIG_ADDRESS as a dword; 0xcf9 as
 * a byte is the reset control register; other accesses read all-ones), 0xcfc-0xcff
 * (CONFIG_DATA). MMIO: the xAPIC page at IA32_APIC_BASE (while in xAPIC mode; moved when the
 * guest moves it, disabled when it would overlap another range), the I/O APIC at 0xfec00000.
 * The xAPIC page belongs to the vCPU that accesses it: pass the vCPU to the MMIO calls.
 * Interrupts: PIT on IRQ 0, COM1 on IRQ 4, RTC on IRQ 8.
 */
#ifndef VDEV_PLATFORM_H
#define VDEV_PLATFORM_H

#include <vdev/bus.h>
#include <vdev/intc.h>
#include <vdev/msr.h>
#include <vdev/pci.h>
#include <vdev/pit.h>
#include <vdev/power.h>
#include <vdev/rtc.h>
#include <vdev/uart.h>

#define VDEV_COM1_BASE             0x3f8u
#define VDEV_COM1_IRQ              4u
#define VDEV_RTC_IRQ               8u
#define VDEV_POST_PORT             0x80u
#define VDEV_DEFAULT_APIC_TIMER_HZ 1000000000ull

typedef struct vdev_platform_config {
    unsigned vcpus;
    uint32_t first_apic_id;
    uint8_t phys_addr_bits; /* the guest's MAXPHYADDR */
    bool x2apic;            /* as the CPUID policy offers them */
    bool tsc_deadline;
    uint64_t apic_timer_hz; /* 0: 1 GHz */
    uint64_t tsc_hz;        /* the guest TSC: tsc_at_zero + now * tsc_hz / 1e9 */
    uint64_t tsc_at_zero;
    int64_t wall_seconds;  /* the RTC's time at guest time 0 (seconds since 1970, UTC) */
    uint64_t ram_below_4g; /* for the CMOS memory size fields */
    uint64_t ram_above_4g;
    vdev_uart_transmit_fn com1_transmit; /* where the guest's serial output goes */
    void *com1_context;
    vdev_msr_config_t msr; /* vendor, NX, TSC_AUX (phys_addr_bits is taken from above) */
} vdev_platform_config_t;

typedef struct vdev_platform {
    vdev_bus_t bus;
    vdev_intc_t intc;
    vdev_pit_t pit;
    vdev_rtc_t rtc;
    vdev_uart_t com1;
    vdev_pci_t pci;
    vdev_power_t power;
    vdev_msr_config_t msr_config;
    vdev_msr_state_t msr[VDEV_VCPUS_MAX];
    uint8_t post_code;
    unsigned lapic_range;    /* the bus handle of the xAPIC page */
    unsigned accessing_vcpu; /* set by the MMIO calls for the xAPIC page's handler */
    uint64_t lapic_page_conflicts;
} vdev_platform_t;

/* False only if a range could not be registered (a bug: the layout is fixed). */
bool vdev_platform_init(vdev_platform_t *p, const vdev_platform_config_t *config);

vdev_bus_status_t vdev_platform_io_in(vdev_platform_t *p, uint16_t port, unsigned size,
                                      uint32_t *value, uint64_t now);
vdev_bus_status_t vdev_platform_io_out(vdev_platform_t *p, uint16_t port, unsigned size,
                                       uint32_t value, uint64_t now);
vdev_bus_status_t vdev_platform_mmio_read(vdev_platform_t *p, unsigned vcpu, uint64_t address,
                                          unsigned size, uint64_t *value, uint64_t now);
vdev_bus_status_t vdev_platform_mmio_write(vdev_platform_t *p, unsigned vcpu, uint64_t address,
                                           unsigned size, uint64_t value, uint64_t now);

/* RDMSR/WRMSR of a vCPU (see include/vdev/msr.h for VDEV_MSR_CONTEXT). */
vdev_msr_result_t vdev_platform_msr_read(vdev_platform_t *p, unsigned vcpu, uint32_t index,
                                         uint64_t *value, uint64_t now);
vdev_msr_result_t vdev_platform_msr_write(vdev_platform_t *p, unsigned vcpu,
                                          const vdev_msr_cpu_t *cpu, uint32_t index,
                                          uint64_t *value, uint64_t now);

/* Console input for COM1: the number of bytes taken. */
size_t vdev_platform_console_input(vdev_platform_t *p, const uint8_t *bytes, size_t length,
                                   uint64_t now);

/* The earliest time a device does something by itself, and bringing every device to `now`. */
uint64_t vdev_platform_next_deadline(const vdev_platform_t *p, uint64_t now);
void vdev_platform_advance(vdev_platform_t *p, uint64_t now);

#endif
