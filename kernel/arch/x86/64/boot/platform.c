/*
 * platform_init(): brings the x86-64 machine up in a fixed order, each step behind its own
 * interface, and stops with a named cause when a step fails. Also the boot summary.
 * Boot-only; it never returns into a half-initialised machine.
 */
#include <arch/acpi.h>
#include <arch/boot_memory.h>
#include <arch/boot_params.h>
#include <arch/boot_section.h>
#include <arch/cpu.h>
#include <arch/crc32.h>
#include <arch/interrupt_selftest.h>
#include <arch/ioapic.h>
#include <arch/kernel_window.h>
#include <arch/lapic.h>
#include <arch/layout.h>
#include <arch/phys.h>
#include <arch/pic.h>
#include <arch/platform.h>
#include <arch/power.h>
#include <arch/power_on_clock.h>
#include <arch/tsc.h>
#include <arch/vectors.h>
#include <kernel/printf.h>

/* QEMU exit status (via isa-debug-exit) of a boot that stopped on a platform error. */
#define PLATFORM_FAILURE_EXIT_CODE 3

static boot_params_t boot_params;
static acpi_info_t acpi;
static uint64_t entry_tsc;
static uint64_t ready_tsc;
/* TSC at the end of each platform_init() step, for the summary's timing line. */
typedef enum {
    STAGE_CPU,
    STAGE_PARAMS,
    STAGE_MEMORY,
    STAGE_WINDOW,
    STAGE_ACPI,
    STAGE_PIC,
    STAGE_TSC,
    STAGE_LAPIC,
    STAGE_IOAPIC,
    STAGE_COUNT
} platform_stage_t;
static const char *const stage_names[STAGE_COUNT] = {"cpu",  "params", "memory", "window", "acpi",
                                                     "8259", "tsc",    "lapic",  "ioapic"};
static uint64_t stage_tsc[STAGE_COUNT];
static bool selftest_ran;
static platform_error_t selftest_error;
static interrupt_selftest_result_t selftest;

BOOT_CODE __attribute__((noreturn)) static void
platform_fail(const char *stage, platform_error_t error, const char *detail)
{
    kprintf("beaml4: boot error: %s: %s%s%s%s\n", stage, platform_error_name(error),
            detail != NULL ? " (" : "", detail != NULL ? detail : "", detail != NULL ? ")" : "");
    machine_power_off(PLATFORM_FAILURE_EXIT_CODE);
}

/* Whether the command line asks for the full boot summary (the tests' summary_only implies it). */
BOOT_CODE static bool summary_full(void)
{
    return platform_summary_only() ||
           boot_cmdline_has_option(boot_params.cmdline, PLATFORM_OPTION_VERBOSE);
}

/* The LINT pin (0 or 1) the MADT declares as NMI for the boot CPU, or -1. */
BOOT_CODE static int boot_cpu_nmi_lint(void)
{
    uint32_t eax;
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;
    uint32_t uid = 0xffffffffu;

    cpuid_query(1, 0, &eax, &ebx, &ecx, &edx);
    for (size_t i = 0; i < acpi.madt.processor_count; i++) {
        if (acpi.madt.processors[i].apic_id == ebx >> 24) {
            uid = acpi.madt.processors[i].acpi_uid;
        }
    }
    for (size_t i = 0; i < acpi.madt.nmi_count; i++) {
        const madt_nmi_t *nmi = &acpi.madt.nmis[i];
        if (nmi->kind != MADT_NMI_SOURCE && nmi->lint <= 1 &&
            (nmi->acpi_uid == 0xffffffffu || nmi->acpi_uid == uid)) {
            return nmi->lint;
        }
    }
    return -1;
}

BOOT_CODE void platform_init(uint32_t magic, uint32_t info_phys)
{
    const char *failure = NULL;
    platform_error_t error;

    entry_tsc = tsc_read();
    cpu_features_detect();
    cpu_enable_features();
    stage_tsc[STAGE_CPU] = tsc_read();

    error = boot_params_parse(magic, info_phys, &boot_params, &failure);
    if (error != PLATFORM_OK) {
        platform_fail("boot information", error, failure);
    }
    machine_set_panic_power_off(
            boot_cmdline_has_option(boot_params.cmdline, PLATFORM_OPTION_PANIC_POWEROFF));
    stage_tsc[STAGE_PARAMS] = tsc_read();
    error = boot_memory_init(&boot_params, cpu_features()->phys_address_bits);
    if (error != PLATFORM_OK) {
        platform_fail("boot memory", error, "kernel image outside usable RAM or too many ranges");
    }
    stage_tsc[STAGE_MEMORY] = tsc_read();
    error = kernel_window_init(memory_map_usable_top(&boot_params.memory_map));
    if (error != PLATFORM_OK) {
        platform_fail("kernel window", error, NULL);
    }
    stage_tsc[STAGE_WINDOW] = tsc_read();
    /* The DSDT is only listed, in the full summary: its checksum costs ~3 ms under KVM here. */
    error = acpi_init(&boot_params, &acpi, summary_full());
    if (error != PLATFORM_OK) {
        platform_fail("ACPI", error, acpi.table_count == 0 ? "RSDP or root table" : "MADT");
    }
    stage_tsc[STAGE_ACPI] = tsc_read();
    pic_remap_and_mask();
    stage_tsc[STAGE_PIC] = tsc_read();
    error = tsc_init(!boot_cmdline_has_option(boot_params.cmdline, PLATFORM_OPTION_TSC_PIT));
    if (error != PLATFORM_OK) {
        platform_fail("TSC frequency", error, "none stated, and PIT channel 2 did not count");
    }
    power_on_clock_init(&acpi, entry_tsc);
    stage_tsc[STAGE_TSC] = tsc_read();
    error = lapic_init(acpi.madt.lapic_address,
                       !boot_cmdline_has_option(boot_params.cmdline, PLATFORM_OPTION_NO_X2APIC),
                       boot_cpu_nmi_lint());
    if (error != PLATFORM_OK) {
        platform_fail("local APIC", error, NULL);
    }
    stage_tsc[STAGE_LAPIC] = tsc_read();
    error = ioapic_init(&acpi.madt);
    if (error != PLATFORM_OK) {
        platform_fail("IOAPIC", error, NULL);
    }
    /* The kernel drives these itself: no device untyped may cover them. */
    error = boot_memory_reserve_device(lapic_base_phys(), PAGE_SIZE);
    for (unsigned i = 0; i < ioapic_count() && error == PLATFORM_OK; i++) {
        error = boot_memory_reserve_device(ioapic_get(i)->phys, PAGE_SIZE);
    }
    if (error != PLATFORM_OK) {
        platform_fail("boot memory", error, "reserving the LAPIC and IOAPIC pages");
    }
    ready_tsc = tsc_read();
    stage_tsc[STAGE_IOAPIC] = ready_tsc;
    if (boot_cmdline_has_option(boot_params.cmdline, PLATFORM_OPTION_SELFTEST)) {
        selftest_error = interrupt_selftest_run(&selftest);
        selftest_ran = true;
    }
}

BOOT_CODE static void print_milliseconds(const char *label, uint64_t ticks)
{
    uint64_t us = tsc_ticks_to_ns(ticks) / 1000;
    kprintf("%s %lu.%03lu ms", label, us / 1000, us % 1000);
}

BOOT_CODE static void print_memory(void)
{
    const memory_map_t *map = &boot_params.memory_map;
    boot_memory_stats_t stats;

    boot_memory_stats(&stats);
    kprintf("boot: memory map: %lu regions, %lu usable bytes (%lu MiB)\n", map->count,
            stats.usable_bytes, stats.usable_bytes >> 20);
    for (size_t i = 0; i < map->count; i++) {
        kprintf("boot:   0x%012lx-0x%012lx %s\n", map->regions[i].start, map->regions[i].end,
                memory_type_name(map->regions[i].type));
    }
    kprintf("boot: ram free %lu bytes in %lu ranges, reserved %lu, boot allocations %lu; "
            "%lu device ranges below 2^%u\n",
            stats.free_bytes, stats.free_ranges, stats.reserved_bytes, stats.allocated_bytes,
            stats.device_ranges, cpu_features()->phys_address_bits);
    kprintf("boot: kernel window %#lx bytes in %s pages, pml4 %#lx, slot %d entry %#lx, nx %s\n",
            kernel_window_limit(), kernel_window_page_size() == (1ull << 30) ? "1 GiB" : "2 MiB",
            kernel_window_pml4_phys(), KERNEL_PML4_SLOT, kernel_window_pml4_entry(),
            kernel_window_nx_enabled() ? "on" : "off");
}

BOOT_CODE static void print_modules(void)
{
    kprintf("boot: modules: %lu\n", boot_params.module_count);
    for (size_t i = 0; i < boot_params.module_count; i++) {
        const boot_module_t *module = &boot_params.modules[i];
        uint64_t size = module->end - module->start;
        const uint8_t *bytes = size == 0 ? NULL : phys_map(module->start, size);
        char name[64];

        boot_module_name(module, name, sizeof(name));
        kprintf("boot: module %lu name=%s size=%lu crc32=%08x at %#lx\n", i,
                name[0] != '\0' ? name : "-", size,
                bytes == NULL ? 0 : crc32_update(0, bytes, size), module->start);
    }
}

BOOT_CODE static void print_acpi(void)
{
    const madt_info_t *madt = &acpi.madt;
    size_t enabled = 0;

    kprintf("boot: acpi rsdp %#lx revision %u oem %s, %s with %lu tables:", acpi.rsdp_phys,
            acpi.rsdp_revision, acpi.oem_id, acpi.using_xsdt ? "xsdt" : "rsdt", acpi.table_count);
    for (size_t i = 0; i < acpi.table_count; i++) {
        kprintf(" %s", acpi.tables[i].signature);
    }
    kprintf(acpi.bad_tables != 0 ? " (%lu bad entries skipped)\n" : "\n", acpi.bad_tables);
    for (size_t i = 0; i < madt->processor_count; i++) {
        enabled += madt->processors[i].enabled;
    }
    kprintf("boot: madt lapic %#lx, %lu processors (%lu enabled), %lu ioapics, %lu overrides, "
            "%lu nmis, 8259 %s\n",
            madt->lapic_address, madt->processor_count, enabled, madt->ioapic_count,
            madt->override_count, madt->nmi_count,
            (madt->flags & MADT_FLAG_PCAT_COMPAT) ? "present" : "absent");
}

BOOT_CODE static void print_cpu(void)
{
    const cpu_features_t *cpu = cpu_features();
    const struct {
        bool present;
        const char *name;
    } flags[] = {
            {cpu->nx, "nx"},
            {cpu->pdpe1gb, "pdpe1gb"},
            {cpu->pge, "pge"},
            {cpu->fsgsbase, "fsgsbase"},
            {cpu->pcid, "pcid"},
            {cpu->invpcid, "invpcid"},
            {cpu->x2apic, "x2apic"},
            {cpu->tsc_deadline, "tsc-deadline"},
            {cpu->invariant_tsc, "invariant-tsc"},
            {cpu->xsave, "xsave"},
            {cpu->vmx, "vmx"},
            {cpu->svm, "svm"},
            {cpu->umip, "umip"},
            {cpu->smep, "smep"},
            {cpu->smap, "smap"},
            {cpu->hypervisor, "hypervisor"},
    };
    const struct {
        uint64_t bit;
        const char *name;
    } cr4_bits[] = {{CR4_PAE, "pae"},
                    {CR4_MCE, "mce"},
                    {CR4_PGE, "pge"},
                    {CR4_OSFXSR, "osfxsr"},
                    {CR4_OSXMMEXCPT, "osxmmexcpt"},
                    {CR4_UMIP, "umip"},
                    {CR4_SMEP, "smep"}};

    kprintf("boot: cpu %s family %#x model %#x stepping %u, %u physical / %u virtual address "
            "bits\nboot: cpu features:",
            cpu->vendor_string, cpu->family, cpu->model, cpu->stepping, cpu->phys_address_bits,
            cpu->virt_address_bits);
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        if (flags[i].present) {
            kprintf(" %s", flags[i].name);
        }
    }
    kprintf("\nboot: cpu enabled in cr4:");
    for (size_t i = 0; i < sizeof(cr4_bits) / sizeof(cr4_bits[0]); i++) {
        if (cpu_enabled_cr4_bits() & cr4_bits[i].bit) {
            kprintf(" %s", cr4_bits[i].name);
        }
    }
    kprintf("\n");
}

BOOT_CODE static void print_timers_and_interrupts(void)
{
    kprintf("boot: tsc %lu Hz (source %s", tsc_hz(), tsc_source_name(tsc_source()));
    if (tsc_source() == TSC_SOURCE_PIT) {
        kprintf("; rounds");
        for (int i = 0; i < TSC_CALIBRATION_ROUNDS; i++) {
            kprintf(" %lu", tsc_calibration_rounds()[i]);
        }
    } else {
        kprintf("; pit check %lu", tsc_calibration_rounds()[0]);
    }
    kprintf(")\n");
    kprintf("boot: lapic id %u, %s at %#lx%s, version %#x, timer %lu Hz (divider %d), "
            "vector map: irq %#x-%#x timer %#x spurious %#x\n",
            lapic_id(), lapic_mode() == LAPIC_MODE_X2APIC ? "x2apic" : "xapic", lapic_base_phys(),
            lapic_madt_address_matches() ? "" : " (madt differs)", lapic_version() & 0xff,
            lapic_timer_hz(), LAPIC_TIMER_DIVIDER, VECTOR_IRQ_BASE, VECTOR_IRQ_LAST,
            VECTOR_LAPIC_TIMER, VECTOR_SPURIOUS);
    for (unsigned i = 0; i < ioapic_count(); i++) {
        const ioapic_info_t *ioapic = ioapic_get(i);
        kprintf("boot: ioapic %u id %u at %#lx version %#x gsi %u-%u\n", i, ioapic->id,
                ioapic->phys, ioapic->version, ioapic->gsi_base,
                ioapic->gsi_base + ioapic->gsi_count - 1);
    }
    kprintf("boot: 8259 pair remapped to %#x-%#x, %s\n", VECTOR_PIC_BASE,
            VECTOR_PIC_BASE + VECTOR_PIC_COUNT - 1, pic_all_masked() ? "all masked" : "NOT masked");
}

BOOT_CODE static void print_selftest(void)
{
    kprintf("boot: selftest lapic timer %u ticks of %lu ns (asked %llu), one-shot after %lu ns "
            "(asked %llu), self-ipi %u, isa irq 0 -> gsi %u: %u ticks of %lu ns (pit 1 kHz): %s\n",
            selftest.periodic_ticks, selftest.periodic_period_ns, INTERRUPT_SELFTEST_PERIOD_NS,
            selftest.oneshot_delay_ns, INTERRUPT_SELFTEST_ONESHOT_NS, selftest.ipi_count,
            selftest.isa_gsi, selftest.isa_ticks, selftest.isa_period_ns,
            selftest_error == PLATFORM_OK ? "ok" : platform_error_name(selftest_error));
}

BOOT_CODE static void print_full_summary(void)
{
    kprintf("boot: protocol %s, command line \"%s\"\n", boot_protocol_name(boot_params.protocol),
            boot_params.cmdline);
    print_memory();
    print_modules();
    if (boot_params.framebuffer.present) {
        kprintf("boot: framebuffer %#lx %ux%u bpp %u pitch %u type %u\n",
                boot_params.framebuffer.address, boot_params.framebuffer.width,
                boot_params.framebuffer.height, boot_params.framebuffer.bpp,
                boot_params.framebuffer.pitch, boot_params.framebuffer.type);
    }
    print_acpi();
    print_cpu();
    print_timers_and_interrupts();
}

BOOT_CODE void platform_print_summary(void)
{
    bool full = summary_full();

    if (full) {
        print_full_summary();
    }
    if (selftest_ran) {
        print_selftest();
    }
    uint64_t ready_us = (power_on_clock_entry_ns() + tsc_ticks_to_ns(ready_tsc - entry_tsc)) / 1000;
    kprintf("boot: platform ready: %lu.%03lu ms after power-on", ready_us / 1000, ready_us % 1000);
    if (full) {
        kprintf(" (clock %s;", power_on_clock_name(power_on_clock_source()));
        print_milliseconds(" tsc alone says", ready_tsc);
        kprintf(")");
    }
    print_milliseconds("; platform_init took", ready_tsc - entry_tsc);
    kprintf("\n");
    if (full) {
        kprintf("boot: platform_init steps (us):");
        for (int i = 0; i < STAGE_COUNT; i++) {
            uint64_t start = i == 0 ? entry_tsc : stage_tsc[i - 1];
            kprintf(" %s %lu", stage_names[i], tsc_ticks_to_ns(stage_tsc[i] - start) / 1000);
        }
        kprintf("\n");
    }
}

bool platform_summary_only(void)
{
    return boot_cmdline_has_option(boot_params.cmdline, PLATFORM_OPTION_SUMMARY_ONLY);
}

const boot_params_t *platform_boot_params(void)
{
    return &boot_params;
}

uint64_t platform_entry_tsc(void)
{
    return entry_tsc;
}

uint64_t platform_entry_ns_since_power_on(void)
{
    return power_on_clock_entry_ns();
}

uint64_t platform_ready_tsc(void)
{
    return ready_tsc;
}
