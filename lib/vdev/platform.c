/*
 * A PC's devices wired together: bus adapters from the dispatcher's (device, offset, size)
 * calls to each device's own interface, the interrupt lines, and the xAPIC page that follows
 * IA32_APIC_BASE. Holds no policy: every decision is the device's.
 */
#include <vdev/platform.h>

#define PIC_MASTER_PORT  0x20u
#define PIC_SLAVE_PORT   0xa0u
#define ELCR_PORT        0x4d0u
#define PIT_PORT         0x40u
#define PORT_B           0x61u
#define RTC_PORT         0x70u
#define PCI_ADDRESS_PORT 0xcf8u
#define PCI_DATA_PORT    0xcfcu

typedef vdev_platform_t platform_t;

/* ---- byte-wide ISA devices: the bus never gives them more than one byte ---- */

static uint64_t pic_master_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)size;
    (void)now;
    return vdev_intc_pic_read(&((platform_t *)d)->intc, 0, (unsigned)offset);
}

static void pic_master_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)size;
    (void)now;
    vdev_intc_pic_write(&((platform_t *)d)->intc, 0, (unsigned)offset, (uint8_t)value);
}

static uint64_t pic_slave_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)size;
    (void)now;
    return vdev_intc_pic_read(&((platform_t *)d)->intc, 1, (unsigned)offset);
}

static void pic_slave_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)size;
    (void)now;
    vdev_intc_pic_write(&((platform_t *)d)->intc, 1, (unsigned)offset, (uint8_t)value);
}

static uint64_t elcr_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)size;
    (void)now;
    return vdev_intc_elcr_read(&((platform_t *)d)->intc, (unsigned)offset);
}

static void elcr_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)size;
    (void)now;
    vdev_intc_elcr_write(&((platform_t *)d)->intc, (unsigned)offset, (uint8_t)value);
}

static uint64_t pit_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)size;
    return vdev_pit_read(&((platform_t *)d)->pit, (unsigned)offset, now);
}

static void pit_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)size;
    vdev_pit_write(&((platform_t *)d)->pit, (unsigned)offset, (uint8_t)value, now);
}

static uint64_t port_b_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)offset;
    (void)size;
    return vdev_pit_port61_read(&((platform_t *)d)->pit, now);
}

static void port_b_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)offset;
    (void)size;
    vdev_pit_port61_write(&((platform_t *)d)->pit, (uint8_t)value, now);
}

static uint64_t rtc_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)size;
    return vdev_rtc_read(&((platform_t *)d)->rtc, (unsigned)offset, now);
}

static void rtc_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)size;
    vdev_rtc_write(&((platform_t *)d)->rtc, (unsigned)offset, (uint8_t)value, now);
}

static uint64_t com1_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)size;
    return vdev_uart_read(&((platform_t *)d)->com1, (unsigned)offset, now);
}

static void com1_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)size;
    vdev_uart_write(&((platform_t *)d)->com1, (unsigned)offset, (uint8_t)value, now);
}

static uint64_t post_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)offset;
    (void)size;
    (void)now;
    return ((platform_t *)d)->post_code;
}

static void post_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)offset;
    (void)size;
    (void)now;
    ((platform_t *)d)->post_code = (uint8_t)value;
}

/* ---- wider ports ---- */

static uint64_t debug_exit_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)now;
    return vdev_power_debug_exit_read(&((platform_t *)d)->power, (unsigned)offset, size);
}

static void debug_exit_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)now;
    vdev_power_debug_exit_write(&((platform_t *)d)->power, (unsigned)offset, size, value);
}

static uint64_t pm_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    return vdev_power_pm_read(&((platform_t *)d)->power, (unsigned)offset, size, now);
}

static void pm_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    vdev_power_pm_write(&((platform_t *)d)->power, (unsigned)offset, size, (uint32_t)value, now);
}

/* 0xcf8-0xcfb: CONFIG_ADDRESS as a dword, the reset control register as the byte at 0xcf9. */
static uint64_t pci_address_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    platform_t *p = d;

    (void)now;
    if (offset == 0 && size == 4) {
        return vdev_pci_address_read(&p->pci);
    }
    if (offset == 1 && size == 1) {
        return vdev_power_reset_read(&p->power);
    }
    return UINT64_MAX;
}

static void pci_address_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    platform_t *p = d;

    (void)now;
    if (offset == 0 && size == 4) {
        vdev_pci_address_write(&p->pci, (uint32_t)value);
    } else if (offset == 1 && size == 1) {
        vdev_power_reset_write(&p->power, (uint8_t)value);
    }
}

static uint64_t pci_data_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)now;
    return vdev_pci_data_read(&((platform_t *)d)->pci, (unsigned)offset, size);
}

static void pci_data_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)now;
    vdev_pci_data_write(&((platform_t *)d)->pci, (unsigned)offset, size, (uint32_t)value);
}

/* ---- MMIO ---- */

static uint64_t lapic_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    platform_t *p = d;

    return vdev_lapic_mmio_read(&p->intc.lapic[p->accessing_vcpu], offset, size, now);
}

static void lapic_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    platform_t *p = d;

    vdev_lapic_mmio_write(&p->intc.lapic[p->accessing_vcpu], offset, size, value, now);
}

static uint64_t ioapic_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    (void)now;
    return vdev_ioapic_mmio_read(&((platform_t *)d)->intc.ioapic, offset, size);
}

static void ioapic_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    (void)now;
    vdev_ioapic_mmio_write(&((platform_t *)d)->intc.ioapic, offset, size, value);
}

#define OPS(name)                                                                                  \
    static const vdev_bus_ops_t name##_ops = {.read = name##_read, .write = name##_write}
OPS(pic_master);
OPS(pic_slave);
OPS(elcr);
OPS(pit);
OPS(port_b);
OPS(rtc);
OPS(com1);
OPS(post);
OPS(debug_exit);
OPS(pm);
OPS(pci_address);
OPS(pci_data);
OPS(lapic);
OPS(ioapic);

typedef struct port_range {
    uint16_t base;
    uint16_t length;
    uint8_t width;
    const vdev_bus_ops_t *ops;
    const char *name;
} port_range_t;

static const port_range_t ports[] = {
        {PIC_MASTER_PORT, 2, 1, &pic_master_ops, "pic-master"},
        {PIC_SLAVE_PORT, 2, 1, &pic_slave_ops, "pic-slave"},
        {ELCR_PORT, 2, 1, &elcr_ops, "elcr"},
        {PIT_PORT, 4, 1, &pit_ops, "pit"},
        {PORT_B, 1, 1, &port_b_ops, "port-b"},
        {RTC_PORT, 2, 1, &rtc_ops, "rtc"},
        {VDEV_POST_PORT, 1, 1, &post_ops, "post"},
        {VDEV_COM1_BASE, 8, 1, &com1_ops, "com1"},
        {VDEV_DEBUG_EXIT_PORT, VDEV_DEBUG_EXIT_PORTS, 4, &debug_exit_ops, "debug-exit"},
        {VDEV_PM_BASE, VDEV_PM_BLOCK_LENGTH, 4, &pm_ops, "acpi-pm"},
        {PCI_ADDRESS_PORT, 4, 4, &pci_address_ops, "pci-address"},
        {PCI_DATA_PORT, 4, 4, &pci_data_ops, "pci-data"},
};

/* The xAPIC page follows the BSP's IA32_APIC_BASE while it is in xAPIC mode. */
static void sync_lapic_page(platform_t *p)
{
    const vdev_lapic_t *bsp = &p->intc.lapic[0];
    bool wanted = bsp->mode == VDEV_LAPIC_XAPIC;

    vdev_bus_set_mmio_enabled(&p->bus, p->lapic_range, false);
    if (!wanted) {
        return;
    }
    if (vdev_bus_move_mmio(&p->bus, p->lapic_range, vdev_lapic_mmio_base(bsp)) !=
                VDEV_BUS_REGISTERED ||
        vdev_bus_set_mmio_enabled(&p->bus, p->lapic_range, true) != VDEV_BUS_REGISTERED) {
        p->lapic_page_conflicts++; /* the page would cover another device: not decoded */
    }
}

bool vdev_platform_init(vdev_platform_t *p, const vdev_platform_config_t *config)
{
    vdev_intc_config_t intc = {
            .vcpus = config->vcpus,
            .lapic = {.id = config->first_apic_id,
                      .bsp = true,
                      .x2apic = config->x2apic,
                      .tsc_deadline = config->tsc_deadline,
                      .lint0_virtual_wire = true,
                      .phys_addr_bits = config->phys_addr_bits,
                      .timer_hz = config->apic_timer_hz != 0 ? config->apic_timer_hz
                                                             : VDEV_DEFAULT_APIC_TIMER_HZ,
                      .tsc_hz = config->tsc_hz,
                      .tsc_at_zero = config->tsc_at_zero},
            .ioapic_id = 0,
    };
    vdev_line_t line;
    bool ok = true;

    *p = (vdev_platform_t){0};
    vdev_bus_init(&p->bus);
    vdev_intc_init(&p->intc, &intc);
    line = vdev_intc_isa_line(&p->intc, 0);
    vdev_pit_init(&p->pit, &line);
    line = vdev_intc_isa_line(&p->intc, VDEV_RTC_IRQ);
    vdev_rtc_init(&p->rtc, config->wall_seconds, &line);
    vdev_rtc_set_memory(&p->rtc, config->ram_below_4g, config->ram_above_4g);
    line = vdev_intc_isa_line(&p->intc, VDEV_COM1_IRQ);
    vdev_uart_init(&p->com1, &line, config->com1_transmit, config->com1_context);
    vdev_pci_init(&p->pci);
    vdev_power_init(&p->power);
    p->msr_config = config->msr;
    p->msr_config.phys_addr_bits = p->intc.lapic[0].config.phys_addr_bits;
    for (unsigned i = 0; i < VDEV_VCPUS_MAX; i++) {
        vdev_msr_state_init(&p->msr[i]);
    }
    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        ok &= vdev_bus_add_io(&p->bus, ports[i].base, ports[i].length, ports[i].width, ports[i].ops,
                              p, ports[i].name, NULL) == VDEV_BUS_REGISTERED;
    }
    ok &= vdev_bus_add_mmio(&p->bus, VDEV_IOAPIC_DEFAULT_BASE, VDEV_IOAPIC_WINDOW, 4, &ioapic_ops,
                            p, "ioapic", NULL) == VDEV_BUS_REGISTERED;
    ok &= vdev_bus_add_mmio(&p->bus, VDEV_LAPIC_DEFAULT_BASE, VDEV_LAPIC_PAGE, 4, &lapic_ops, p,
                            "lapic", &p->lapic_range) == VDEV_BUS_REGISTERED;
    return ok;
}

vdev_bus_status_t vdev_platform_io_in(vdev_platform_t *p, uint16_t port, unsigned size,
                                      uint32_t *value, uint64_t now)
{
    return vdev_io_in(&p->bus, port, size, value, now);
}

vdev_bus_status_t vdev_platform_io_out(vdev_platform_t *p, uint16_t port, unsigned size,
                                       uint32_t value, uint64_t now)
{
    return vdev_io_out(&p->bus, port, size, value, now);
}

vdev_bus_status_t vdev_platform_mmio_read(vdev_platform_t *p, unsigned vcpu, uint64_t address,
                                          unsigned size, uint64_t *value, uint64_t now)
{
    p->accessing_vcpu = vcpu < p->intc.vcpus ? vcpu : 0;
    return vdev_mmio_read(&p->bus, address, size, value, now);
}

vdev_bus_status_t vdev_platform_mmio_write(vdev_platform_t *p, unsigned vcpu, uint64_t address,
                                           unsigned size, uint64_t value, uint64_t now)
{
    p->accessing_vcpu = vcpu < p->intc.vcpus ? vcpu : 0;
    return vdev_mmio_write(&p->bus, address, size, value, now);
}

vdev_msr_result_t vdev_platform_msr_read(vdev_platform_t *p, unsigned vcpu, uint32_t index,
                                         uint64_t *value, uint64_t now)
{
    if (vcpu >= p->intc.vcpus) {
        *value = 0;
        return VDEV_MSR_GP;
    }
    return vdev_msr_read(&p->msr_config, &p->msr[vcpu], &p->intc.lapic[vcpu], index, value, now);
}

vdev_msr_result_t vdev_platform_msr_write(vdev_platform_t *p, unsigned vcpu,
                                          const vdev_msr_cpu_t *cpu, uint32_t index,
                                          uint64_t *value, uint64_t now)
{
    vdev_msr_result_t result;

    if (vcpu >= p->intc.vcpus) {
        return VDEV_MSR_GP;
    }
    result = vdev_msr_write(&p->msr_config, &p->msr[vcpu], &p->intc.lapic[vcpu], cpu, index, value,
                            now);
    if (index == VDEV_APIC_BASE_MSR && vcpu == 0 && result == VDEV_MSR_OK) {
        sync_lapic_page(p);
    }
    return result;
}

size_t vdev_platform_console_input(vdev_platform_t *p, const uint8_t *bytes, size_t length,
                                   uint64_t now)
{
    return vdev_uart_receive(&p->com1, bytes, length, now);
}

uint64_t vdev_platform_next_deadline(const vdev_platform_t *p, uint64_t now)
{
    uint64_t deadline = vdev_intc_next_deadline(&p->intc, now);

    deadline = vdev_min_deadline(deadline, vdev_pit_next_deadline(&p->pit, now));
    deadline = vdev_min_deadline(deadline, vdev_rtc_next_deadline(&p->rtc, now));
    return vdev_min_deadline(deadline, vdev_uart_next_deadline(&p->com1, now));
}

void vdev_platform_advance(vdev_platform_t *p, uint64_t now)
{
    vdev_pit_advance(&p->pit, now);
    vdev_rtc_advance(&p->rtc, now);
    vdev_uart_advance(&p->com1, now);
    vdev_intc_advance(&p->intc, now);
}
