/*
 * libFuzzer target for lib/vdev: the input is a platform configuration (wall time, TSC and APIC
 * timer rates, 1-3 vCPUs) and a program of guest actions run on two platforms
 * side by side (port and MMIO accesses of every width, valid or not, at every device's ports
 * and their neighbours; RDMSR/WRMSR over the policy's MSRs, the x2APIC range and the APIC base;
 * time passing; interrupt injection under random interruptibility; console input; interrupt
 * lines, MSIs and NMIs; CPUID queries). A violation aborts with its reason:
 *  - the two platforms disagree on any result (hidden state outside the structures would show);
 *  - bytes around the second platform's structure change (a write outside it);
 *  - an invariant breaks: the local APIC's ISR holds two vectors of one priority class or a
 *    vector below 16, the IRR one below 16; a remote IRR on an edge-triggered I/O APIC entry;
 *    the UART's FIFO indices out of range; a BCD time register that is not BCD; after advancing
 *    to `now` a device deadline not after `now`; an ack that injects another vector than
 *    pending announced; a recorded exit that changes; a CPUID leaf showing VMX, SVM or MONITOR.
 * ASan and UBSan catch the rest.
 */
#include "vdev_test.h"

#include <acpi/acpi.h>
#include <vdev/acpi_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUARD      256
#define GUARD_BYTE 0xa7
#define OUTPUT_MAX 512

typedef struct cursor {
    const uint8_t *data;
    size_t size;
    size_t at;
} cursor_t;

static uint64_t take(cursor_t *c, unsigned bytes)
{
    uint64_t value = 0;

    for (unsigned i = 0; i < bytes; i++) {
        value |= (uint64_t)(c->at < c->size ? c->data[c->at] : 0) << (8 * i);
        c->at++;
    }
    return value;
}

static void violation(const char *why, unsigned step)
{
    fprintf(stderr, "lib/vdev broke its contract at step %u: %s\n", step, why);
    abort();
}

typedef struct instance {
    vdev_platform_t *p;
    uint8_t *block;
    test_output_t out;
    vdev_pci_config_t device; /* a PCI function with BARs and capabilities at 00:03.0 */
} instance_t;

static const uint16_t ports[] = {
        0x0000, 0x001f, 0x0020, 0x0021, 0x0022, 0x003f, 0x0040, 0x0041, 0x0042, 0x0043, 0x0044,
        0x0060, 0x0061, 0x0064, 0x006f, 0x0070, 0x0071, 0x0072, 0x007f, 0x0080, 0x0081, 0x009f,
        0x00a0, 0x00a1, 0x00a2, 0x00f3, 0x00f4, 0x00f5, 0x00f6, 0x00f7, 0x00f8, 0x03f7, 0x03f8,
        0x03f9, 0x03fa, 0x03fb, 0x03fc, 0x03fd, 0x03fe, 0x03ff, 0x0400, 0x04cf, 0x04d0, 0x04d1,
        0x04d2, 0x05ff, 0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x0606, 0x0608, 0x0609,
        0x060a, 0x060b, 0x060c, 0x0cf7, 0x0cf8, 0x0cf9, 0x0cfa, 0x0cfb, 0x0cfc, 0x0cfd, 0x0cfe,
        0x0cff, 0x0d00, 0xfffd, 0xfffe, 0xffff, 0x0cf8, 0x0cfc, 0x0cfc, 0x0cfd, 0x0cfe};

static const uint32_t msrs[] = {
        0x10,       0x17,       0x1b,       0x3a,       0x3b,       0x48,       0x8b,
        0xfe,       0x174,      0x175,      0x176,      0x179,      0x1a0,      0x1d9,
        0x200,      0x201,      0x20e,      0x20f,      0x250,      0x258,      0x259,
        0x268,      0x26f,      0x277,      0x2ff,      0x6e0,      0x802,      0x808,
        0x80b,      0x80f,      0x828,      0x830,      0x832,      0x835,      0x838,
        0x839,      0x83e,      0x83f,      0xc0000080, 0xc0000081, 0xc0000082, 0xc0000084,
        0xc0000100, 0xc0000102, 0xc0000103, 0xc0010010, 0xc0010015, 0xc0011029, 0x4b5c6d7e};

static const uint64_t apic_bases[] = {0xfee00900, 0xfee00d00, 0xfee00100, 0xfed00900,
                                      0xfec00900, 0xfee00000, 0xfee00c00, 0x100000900};

static const unsigned widths[] = {1, 2, 4, 8, 1, 2, 4, 1, 3, 0, 16, 4, 2, 1, 4, 8};

static uint16_t pick_port(cursor_t *c)
{
    uint8_t b = (uint8_t)take(c, 1);

    if (b < 0xe0) {
        return ports[b % (sizeof(ports) / sizeof(ports[0]))];
    }
    return (uint16_t)take(c, 2);
}

static uint64_t pick_address(cursor_t *c, const vdev_platform_t *p)
{
    uint8_t b = (uint8_t)take(c, 1);
    uint64_t offset = take(c, 2);

    static const uint8_t ioapic_offsets[] = {0x00, 0x10, 0x40, 0x00, 0x10, 0x04, 0x13, 0x20};
    static const uint16_t lapic_registers[] = {0x0f0, 0x320, 0x380, 0x3e0, 0x0b0, 0x080,
                                               0x300, 0x310, 0x350, 0x360, 0x370, 0x280,
                                               0x390, 0x0d0, 0x0e0, 0x020};

    switch (b % 8) {
    case 0:
        return vdev_lapic_mmio_base(&p->intc.lapic[0]) + lapic_registers[offset % 16];
    case 1:
        return vdev_lapic_mmio_base(&p->intc.lapic[0]) + ((offset & 0x3f) << 4);
    case 2:
        return vdev_lapic_mmio_base(&p->intc.lapic[0]) + (offset & 0xfff);
    case 3:
    case 4:
        return VDEV_IOAPIC_DEFAULT_BASE + ioapic_offsets[offset % 8];
    case 5:
        return 0xfee00000 + (offset & 0x1fff) - 0x1000;
    case 6:
        return UINT64_MAX - (offset & 0xf);
    default:
        return take(c, 8);
    }
}

static uint32_t pick_msr(cursor_t *c)
{
    uint8_t b = (uint8_t)take(c, 1);

    if (b < 0x80) {
        return msrs[b % (sizeof(msrs) / sizeof(msrs[0]))];
    }
    if (b < 0xf0) {
        return 0x800 + (uint32_t)take(c, 1);
    }
    return (uint32_t)take(c, 4);
}

static void check_invariants(const vdev_platform_t *p, unsigned step)
{
    const vdev_lapic_t *l = &p->intc.lapic[0];

    for (unsigned cls = 0; cls < 16; cls++) {
        uint32_t isr = (l->isr[cls / 2] >> (16 * (cls % 2))) & 0xffffu;

        if ((isr & (isr - 1)) != 0) {
            violation("two vectors of one priority class in service", step);
        }
    }
    if ((l->isr[0] & 0xffffu) != 0 || (l->irr[0] & 0xffffu) != 0) {
        violation("a vector below 16 in ISR or IRR", step);
    }
    for (unsigned pin = 0; pin < VDEV_IOAPIC_PINS; pin++) {
        uint64_t e = p->intc.ioapic.entry[pin];
        if ((e & VDEV_IOAPIC_REMOTE_IRR) && !(e & VDEV_IOAPIC_LEVEL)) {
            violation("remote IRR on an edge-triggered entry", step);
        }
    }
    if (p->com1.rx_count > VDEV_UART_FIFO || p->com1.rx_head >= VDEV_UART_FIFO) {
        violation("UART receive FIFO out of range", step);
    }
}

static void check_bcd(vdev_platform_t *p, uint64_t now, unsigned step)
{
    static const uint8_t registers[] = {0x00, 0x02, 0x07, 0x08, 0x09, 0x32};

    if (p->rtc.reg_b & VDEV_RTC_B_DM) {
        return;
    }
    for (unsigned i = 0; i < sizeof(registers); i++) {
        uint8_t v = vdev_rtc_read_register(&p->rtc, registers[i], now);
        if ((v & 0xfu) > 9 || (v >> 4) > 9) {
            violation("a BCD time register that is not BCD", step);
        }
    }
}

static void guard_check(const instance_t *in, unsigned step)
{
    for (unsigned i = 0; i < GUARD; i++) {
        if (in->block[i] != GUARD_BYTE ||
            in->block[GUARD + sizeof(vdev_platform_t) + i] != GUARD_BYTE) {
            violation("bytes around the platform changed", step);
        }
    }
}

static void collect(void *context, uint8_t byte)
{
    test_output_t *out = context;

    if (out->length < OUTPUT_MAX) {
        out->bytes[out->length++] = byte;
    }
}

/* The platform's configuration: the input's first 10 bytes. */
typedef struct setup {
    int64_t wall_seconds;
    uint64_t tsc_hz;
    uint64_t apic_timer_hz;
    unsigned vcpus;
} setup_t;

static setup_t read_setup(cursor_t *c)
{
    static const uint64_t rates[] = {2400000000ull, 1000000000ull, 0, 1, 3579545, UINT64_MAX,
                                     999999999ull,  4000000000ull};
    setup_t s;
    uint8_t choice;

    s.wall_seconds = (int64_t)take(c, 8);
    choice = (uint8_t)take(c, 1);
    s.tsc_hz = rates[choice % 8];
    s.apic_timer_hz = rates[(choice >> 3) % 8];
    s.vcpus = 1 + (unsigned)take(c, 1) % 3;
    return s;
}

static void instance_init(instance_t *in, const setup_t *setup)
{
    vdev_platform_config_t config = {
            .vcpus = setup->vcpus,
            .phys_addr_bits = 39,
            .x2apic = true,
            .tsc_deadline = true,
            .apic_timer_hz = setup->apic_timer_hz,
            .tsc_hz = setup->tsc_hz,
            .tsc_at_zero = 12345,
            .wall_seconds = setup->wall_seconds,
            .ram_below_4g = 512ull << 20,
            .com1_transmit = collect,
            .com1_context = &in->out,
            .msr = {.vendor = VDEV_VENDOR_INTEL, .nx = true, .tsc_aux = true},
    };

    in->block = malloc(sizeof(vdev_platform_t) + 2 * GUARD);
    if (in->block == NULL) {
        abort();
    }
    memset(in->block, GUARD_BYTE, sizeof(vdev_platform_t) + 2 * GUARD);
    in->p = (vdev_platform_t *)(in->block + GUARD);
    memset(&in->out, 0, sizeof(in->out));
    if (!vdev_platform_init(in->p, &config)) {
        abort();
    }
    vdev_pci_config_init(&in->device, 0x1af4, 0x1042, 0x010000, 1, 0);
    if (!vdev_pci_config_set_bar(&in->device, 0, 0x1000, VDEV_PCI_BAR_MEM32) ||
        !vdev_pci_config_set_bar(&in->device, 1, 0x20, VDEV_PCI_BAR_IO) ||
        !vdev_pci_config_set_bar(&in->device, 4, 0x4000, VDEV_PCI_BAR_MEM64) ||
        vdev_pci_config_add_capability(&in->device, 0x09, 20) == 0 ||
        vdev_pci_config_add_capability(&in->device, 0x11, 12) == 0 ||
        !vdev_pci_register(&in->p->pci, VDEV_PCI_DEVFN(3, 0), &vdev_pci_config_ops, &in->device)) {
        abort();
    }
}

#define ACPI_MEMORY 0x10000u

static bool memory_write(void *context, uint64_t gpa, const void *bytes, size_t length)
{
    uint8_t *memory = context;

    if (gpa > ACPI_MEMORY || length > ACPI_MEMORY - gpa) {
        return false;
    }
    memcpy(memory + gpa, bytes, length);
    return true;
}

/* Tables built with a random configuration are refused, or read back whole by lib/acpi. */
static void fuzz_acpi(cursor_t *c, unsigned step)
{
    vdev_acpi_config_t config;
    vdev_acpi_layout_t layout;
    uint8_t *memory = calloc(1, ACPI_MEMORY);
    acpi_buffer_t buffer = {.bytes = memory, .size = ACPI_MEMORY, .base = 0};
    acpi_memory_t reader = {.read = acpi_buffer_read, .ctx = &buffer};
    acpi_rsdp_t rsdp;
    acpi_root_t root;
    acpi_madt_t madt;
    acpi_fadt_t fadt;
    acpi_sleep_type_t s5;
    vdev_acpi_error_t error;

    if (memory == NULL) {
        abort();
    }
    vdev_acpi_default_config(&config, take(c, 2), take(c, 2));
    config.cpus = (unsigned)take(c, 1) % 40;
    config.first_apic_id = (uint32_t)take(c, 1);
    config.sci_irq = (uint8_t)(take(c, 1) % 16);
    config.reset_register = (take(c, 1) & 1) != 0;
    config.s5_sleep_type = (uint8_t)(take(c, 1) % 8);
    config.legacy_rsdp = take(c, 1) & 1 ? 0 : 0xe0000 + (take(c, 2) << 1);
    error = vdev_acpi_build(&config, memory_write, memory, &layout);
    if (error == VDEV_ACPI_OK) {
        if (layout.end > config.area + config.area_size ||
            acpi_rsdp_read(&reader, layout.rsdp, &rsdp, NULL) != ACPI_OK ||
            acpi_root_read(&reader, &rsdp, &root, NULL) != ACPI_OK || root.count != 2 ||
            acpi_madt_read(&reader, layout.madt, &madt, NULL) != ACPI_OK ||
            madt.lapic_count != config.cpus ||
            acpi_fadt_read(&reader, layout.fadt, &fadt, NULL) != ACPI_OK ||
            fadt.reset_supported != config.reset_register ||
            acpi_sleep_type_s5(&reader, fadt.dsdt, &s5, NULL) != ACPI_OK ||
            s5.type_a != config.s5_sleep_type) {
            violation("tables built without an error do not read back", step);
        }
    } else if (error != VDEV_ACPI_ERR_SPACE && error != VDEV_ACPI_ERR_ARGUMENT &&
               error != VDEV_ACPI_ERR_WRITE) {
        violation("an ACPI error outside the documented ones", step);
    }
    free(memory);
}

/* One action on one platform; the results go to `r` so both platforms can be compared. */
typedef struct result {
    uint64_t a;
    uint64_t b;
    uint64_t c;
} result_t;

static void act(instance_t *in, cursor_t *cursor, unsigned op, uint64_t now, result_t *r,
                unsigned step)
{
    cursor_t c = *cursor;
    vdev_platform_t *p = in->p;
    uint32_t v32;
    uint64_t v64;

    *r = (result_t){0};
    switch (op) {
    case 0: { /* OUT */
        uint16_t port = pick_port(&c);
        unsigned width = widths[take(&c, 1) % 16];
        r->a = vdev_platform_io_out(p, port, width, (uint32_t)take(&c, 4), now);
        break;
    }
    case 1: { /* IN */
        uint16_t port = pick_port(&c);
        unsigned width = widths[take(&c, 1) % 16];
        r->a = vdev_platform_io_in(p, port, width, &v32, now);
        r->b = v32;
        if (r->a == VDEV_BUS_UNCLAIMED && width == 1 && v32 != 0xff) {
            violation("an unclaimed port byte did not read 0xff", step);
        }
        break;
    }
    case 2: { /* MMIO write */
        uint64_t address = pick_address(&c, p);
        unsigned width = widths[take(&c, 1) % 16];
        r->a = vdev_platform_mmio_write(p, 0, address, width, take(&c, 8), now);
        break;
    }
    case 3: { /* MMIO read */
        uint64_t address = pick_address(&c, p);
        unsigned width = widths[take(&c, 1) % 16];
        r->a = vdev_platform_mmio_read(p, 0, address, width, &v64, now);
        r->b = v64;
        break;
    }
    case 4: { /* RDMSR */
        uint32_t msr = pick_msr(&c);
        r->a = vdev_platform_msr_read(p, 0, msr, &v64, now);
        r->b = v64;
        break;
    }
    case 5: { /* WRMSR */
        uint32_t msr = pick_msr(&c);
        uint8_t how = (uint8_t)take(&c, 1);
        vdev_msr_cpu_t cpu = {.efer = (how & 1) ? 0x500 : 0, .paging = (how & 2) != 0};
        v64 = (how & 0x80) ? apic_bases[how % 8] : take(&c, 8);
        if (how & 0x40) {
            msr = VDEV_APIC_BASE_MSR;
        }
        r->a = vdev_platform_msr_write(p, 0, &cpu, msr, &v64, now);
        r->b = v64;
        break;
    }
    case 6: { /* interrupt injection */
        uint8_t flags = (uint8_t)take(&c, 1);
        vdev_cpu_interruptibility_t cpu = {.interrupts_enabled = (flags & 1) != 0,
                                           .interrupt_shadow = (flags & 6) == 6,
                                           .nmi_blocked = (flags & 8) != 0};
        vdev_intr_t intr;
        vdev_intc_pending(&p->intc, 0, &cpu, &intr);
        r->a = intr.kind;
        r->b = intr.vector;
        r->c = (uint64_t)intr.irq_window << 1 | intr.nmi_window;
        if (intr.kind != VDEV_INTR_NONE) {
            uint8_t vector = vdev_intc_ack(&p->intc, 0, intr.kind);
            if (vector != intr.vector) {
                violation("ack injected another vector than pending announced", step);
            }
            if (intr.kind == VDEV_INTR_FIXED && vector < 16) {
                violation("a fixed interrupt below vector 16", step);
            }
        }
        break;
    }
    case 7: { /* console input */
        uint8_t bytes[24];
        size_t length = take(&c, 1) % sizeof(bytes);
        for (size_t i = 0; i < length; i++) {
            bytes[i] = (uint8_t)take(&c, 1);
        }
        r->a = vdev_platform_console_input(p, bytes, length, now);
        break;
    }
    case 8: { /* lines, MSIs, NMIs */
        uint8_t what = (uint8_t)take(&c, 1);
        uint32_t data = (uint32_t)take(&c, 2);
        if (what < 0x80) {
            vdev_intc_set_isa_irq(&p->intc, what % 16, (what & 0x10) != 0);
        } else if (what < 0xc0) {
            vdev_intc_set_gsi(&p->intc, 16 + what % 8, (what & 0x8) != 0);
        } else if (what < 0xf8) {
            r->a = vdev_intc_msi(&p->intc, 0xfee00000u | (data & 0xff0u) << 8, data);
        } else {
            vdev_intc_nmi(&p->intc);
        }
        break;
    }
    default: { /* CPUID */
        static const cpuid_table_t *tables[] = {&cpuid_intel_skylake, &cpuid_amd_epyc};
        uint8_t which = (uint8_t)take(&c, 1);
        vdev_cpuid_policy_t policy = {.host = cpuid_table_host,
                                      .host_context = (void *)tables[which & 1],
                                      .features = (uint32_t)take(&c, 2),
                                      .xcr0_allowed = take(&c, 1),
                                      .tsc_hz = (which & 2) ? 2400000000ull : 0,
                                      .apic_timer_hz = 1000000000ull};
        uint32_t leaf = (uint32_t)take(&c, 4);
        vdev_cpuid_regs_t regs;
        if (which & 4) {
            leaf &= 0x8000001fu;
        }
        vdev_cpuid_init(&policy);
        vdev_cpuid(&policy, NULL, leaf, (uint32_t)take(&c, 1), &regs);
        if (leaf == 1 && (regs.ecx & ((1u << 3) | (1u << 5)))) {
            violation("CPUID shows MONITOR or VMX", step);
        }
        if (leaf == 0x80000001 && (regs.ecx & (1u << 2))) {
            violation("CPUID shows SVM", step);
        }
        r->a = regs.eax;
        r->b = regs.ebx;
        r->c = (uint64_t)regs.ecx << 32 | regs.edx;
        break;
    }
    }
    *cursor = c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    instance_t one;
    instance_t two;
    cursor_t c = {data, size, 0};
    uint64_t now = 0;
    vdev_exit_t exit_seen = {0};
    unsigned step = 0;
    bool acpi_done = false;
    setup_t setup = read_setup(&c);

    instance_init(&one, &setup);
    instance_init(&two, &setup);
    while (c.at < c.size && step < 1000) {
        uint8_t op = (uint8_t)take(&c, 1);
        result_t r1;
        result_t r2;
        cursor_t args_one = c;
        cursor_t args_two = c;

        if (op % 13 == 12) {
            if (!acpi_done) { /* once per input: it is slow beside the rest */
                fuzz_acpi(&c, step);
                acpi_done = true;
            }
        } else if (op % 13 == 10 || op % 13 == 11) { /* time passes */
            uint64_t delta = take(&c, (op & 0x10) ? 4 : 2) << ((op >> 5) * 3);
            now += delta;
            vdev_platform_advance(one.p, now);
            vdev_platform_advance(two.p, now);
            if (vdev_platform_next_deadline(one.p, now) <= now) {
                violation("a deadline not after the time just reached", step);
            }
            if (vdev_platform_next_deadline(one.p, now) !=
                vdev_platform_next_deadline(two.p, now)) {
                violation("the two platforms disagree on the next deadline", step);
            }
            check_bcd(one.p, now, step);
            check_bcd(two.p, now, step);
        } else {
            act(&one, &args_one, op % 13, now, &r1, step);
            act(&two, &args_two, op % 13, now, &r2, step);
            if (memcmp(&r1, &r2, sizeof(r1)) != 0 || args_one.at != args_two.at) {
                violation("the two platforms disagree on a result", step);
            }
            c = args_one;
        }
        check_invariants(one.p, step);
        if (exit_seen.kind != VDEV_EXIT_NONE && (one.p->power.exit.kind != exit_seen.kind ||
                                                 one.p->power.exit.status != exit_seen.status)) {
            violation("a recorded exit changed", step);
        }
        exit_seen = one.p->power.exit;
        step++;
    }
    if (one.out.length != two.out.length ||
        memcmp(one.out.bytes, two.out.bytes, one.out.length) != 0) {
        violation("the two platforms transmitted different bytes", step);
    }
    guard_check(&two, step);
    guard_check(&one, step);
    free(one.block);
    free(two.block);
    return 0;
}
