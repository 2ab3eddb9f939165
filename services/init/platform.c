/*
 * The platform survey (platform.h): ACPI through the kernel's copies of the tables, PCI through
 * the configuration ports 0xcf8-0xcff, which init issues to itself.
 */
#include "platform.h"
#include "memory.h"
#include <runtime/bootinfo.h>
#include <runtime/print.h>
#include <runtime/string.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc

static platform_t survey;

/* The kernel's copies: the chunk's payload and its length. */
typedef struct {
    const seL4_X86_ACPITables *tables;
    seL4_Word length;
} acpi_copies_t;

/*
 * lib/acpi's memory callback over the copies: a read is answered only when it lies wholly inside
 * one copied table, and that copy inside the chunk.
 */
static int copies_read(void *ctx, uint64_t paddr, void *out, size_t len)
{
    const acpi_copies_t *copies = ctx;
    seL4_Word count = copies->tables->count;

    if (count > seL4_X86_ACPITablesMax) {
        return -1;
    }
    for (seL4_Word i = 0; i < count; i++) {
        const seL4_X86_ACPITable *table = &copies->tables->tables[i];
        if (paddr < table->paddr || paddr - table->paddr > table->length ||
            len > table->length - (paddr - table->paddr) || table->offset > copies->length ||
            table->length > copies->length - table->offset) {
            continue;
        }
        const uint8_t *bytes = (const uint8_t *)copies->tables + table->offset;
        memcpy(out, bytes + (paddr - table->paddr), len);
        return 0;
    }
    return -1;
}

static void acpi_survey(const seL4_BootInfo *bootinfo, platform_t *out)
{
    seL4_Word rsdp_length;
    seL4_Word tables_length;
    const seL4_X86_ACPI_RSDP *rsdp =
            bootinfo_find_extra(bootinfo, seL4_BootInfo_X86_ACPI_RSDP, &rsdp_length);
    const seL4_X86_ACPITables *tables =
            bootinfo_find_extra(bootinfo, seL4_BootInfo_X86_ACPITables, &tables_length);

    out->acpi_error = ACPI_ERR_NOT_FOUND;
    if (rsdp == NULL || rsdp_length < sizeof(*rsdp) || tables == NULL ||
        tables_length < sizeof(*tables)) {
        return;
    }
    acpi_copies_t copies = {.tables = tables, .length = tables_length};
    acpi_memory_t memory = {.read = copies_read, .ctx = &copies};
    uint64_t address;

    out->tables_copied = tables->count;
    out->tables_left_out = tables->truncated;
    out->acpi_error = acpi_rsdp_parse(rsdp->table, sizeof(rsdp->table), &out->rsdp, NULL);
    if (out->acpi_error == ACPI_OK) {
        out->acpi_error = acpi_root_read(&memory, &out->rsdp, &out->root, NULL);
    }
    if (out->acpi_error != ACPI_OK) {
        return;
    }
    out->acpi = true;
    out->madt = acpi_find_table(&out->root, "APIC", 0, &address) == ACPI_OK &&
                acpi_madt_read(&memory, address, &out->madt_info, NULL) == ACPI_OK;
    out->hpet = acpi_find_table(&out->root, "HPET", 0, &address) == ACPI_OK &&
                acpi_hpet_read(&memory, address, &out->hpet_info, NULL) == ACPI_OK;
    out->fadt = acpi_find_table(&out->root, "FACP", 0, &address) == ACPI_OK &&
                acpi_fadt_read(&memory, address, &out->fadt_info, NULL) == ACPI_OK;
    out->s5 = out->fadt &&
              acpi_sleep_type_s5(&memory, out->fadt_info.dsdt, &out->s5_type, NULL) == ACPI_OK;
}

/* Configuration mechanism #1: the address register selects a dword, the data register moves it. */
static uint32_t config_address(uint8_t bus, uint8_t device, uint8_t function, uint16_t offset)
{
    return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)device << 11 | (uint32_t)function << 8 |
           (offset & 0xfcu);
}

static uint32_t config_read32(void *ctx, uint8_t bus, uint8_t device, uint8_t function,
                              uint16_t offset)
{
    seL4_CPtr ports = *(const seL4_CPtr *)ctx;

    seL4_X86_IOPort_Out32(ports, PCI_CONFIG_ADDRESS, config_address(bus, device, function, offset));
    seL4_X86_IOPort_In32_t data = seL4_X86_IOPort_In32(ports, PCI_CONFIG_DATA);
    return data.error == seL4_NoError ? data.result : 0xffffffffu;
}

static void config_write32(void *ctx, uint8_t bus, uint8_t device, uint8_t function,
                           uint16_t offset, uint32_t value)
{
    seL4_CPtr ports = *(const seL4_CPtr *)ctx;

    seL4_X86_IOPort_Out32(ports, PCI_CONFIG_ADDRESS, config_address(bus, device, function, offset));
    seL4_X86_IOPort_Out32(ports, PCI_CONFIG_DATA, value);
}

/* The configuration ports, once issued (init keeps them: devices are set up through them). */
static seL4_CPtr config_ports;

uint32_t platform_config_read32(uint8_t bus, uint8_t device, uint8_t function, uint16_t offset)
{
    return config_ports == seL4_CapNull
                   ? 0xffffffffu
                   : config_read32(&config_ports, bus, device, function, offset);
}

void platform_config_write32(uint8_t bus, uint8_t device, uint8_t function, uint16_t offset,
                             uint32_t value)
{
    if (config_ports != seL4_CapNull) {
        config_write32(&config_ports, bus, device, function, offset, value);
    }
}

static void pci_survey(platform_t *out)
{
    if (config_ports == seL4_CapNull) {
        seL4_CPtr slot = memory_slot();
        if (slot == seL4_CapNull ||
            seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, PCI_CONFIG_ADDRESS,
                                         PCI_CONFIG_DATA + 3, seL4_CapInitThreadCNode, slot,
                                         seL4_WordBits) != seL4_NoError) {
            return;
        }
        config_ports = slot;
    }
    pci_access_t access = {
            .read32 = config_read32, .write32 = config_write32, .ctx = &config_ports};
    out->pci = pci_scan(&access, 0, out->pci_functions, PLATFORM_PCI_MAX, &out->pci_scan) == PCI_OK;
}

void platform_survey(const seL4_BootInfo *bootinfo, platform_t *out)
{
    memset(out, 0, sizeof(*out));
    acpi_survey(bootinfo, out);
    pci_survey(out);
}

static const char *polarity_name(acpi_polarity_t polarity)
{
    static const char *const names[] = {"bus polarity", "active high", "reserved polarity",
                                        "active low"};
    return names[polarity & 3];
}

static const char *trigger_name(acpi_trigger_t trigger)
{
    static const char *const names[] = {"bus trigger", "edge", "reserved trigger", "level"};
    return names[trigger & 3];
}

static void madt_print(const acpi_madt_t *madt)
{
    size_t enabled = 0;

    for (size_t i = 0; i < madt->lapic_count; i++) {
        enabled += madt->lapics[i].enabled ? 1 : 0;
    }
    printf("init: ACPI processors %zu enabled of %zu%s, local APIC %#llx%s\n", enabled,
           madt->lapic_count, madt->lapics_truncated ? " (more not kept)" : "",
           (unsigned long long)madt->lapic_address, madt->pcat_compat ? ", 8259 PICs" : "");
    for (size_t i = 0; i < madt->ioapic_count; i++) {
        const acpi_ioapic_t *ioapic = &madt->ioapics[i];
        printf("init: ACPI IOAPIC %u at %#lx, GSI base %u\n", ioapic->id,
               (unsigned long)ioapic->address, ioapic->gsi_base);
    }
    for (size_t i = 0; i < madt->override_count; i++) {
        const acpi_override_t *override = &madt->overrides[i];
        printf("init: ACPI override IRQ %u -> GSI %u, %s, %s\n", override->source, override->gsi,
               trigger_name(override->trigger), polarity_name(override->polarity));
    }
}

static void acpi_print(const platform_t *platform)
{
    if (!platform->acpi) {
        printf("init: ACPI tables not read: %s\n", acpi_error_string(platform->acpi_error));
        return;
    }
    printf("init: ACPI %s, OEM \"%s\", %zu tables:", platform->root.xsdt ? "XSDT" : "RSDT",
           platform->rsdp.oem_id, platform->root.count);
    for (size_t i = 0; i < platform->root.count; i++) {
        const acpi_table_entry_t *entry = &platform->root.tables[i];
        printf(" %s", entry->status == ACPI_OK ? entry->header.signature : "(bad)");
    }
    printf("%s\n", platform->root.truncated ? " (more not kept)" : "");
    for (size_t i = 0; i < platform->root.count; i++) {
        const acpi_table_entry_t *entry = &platform->root.tables[i];
        if (entry->status != ACPI_OK) {
            printf("init: ACPI table at %#llx refused: %s\n",
                   (unsigned long long)entry->header.address, acpi_error_string(entry->status));
        }
    }
    if (platform->tables_left_out != 0) {
        printf("init: ACPI %lu tables not copied by the kernel (no room)\n",
               (unsigned long)platform->tables_left_out);
    }
    if (platform->madt) {
        madt_print(&platform->madt_info);
    } else {
        printf("init: ACPI no usable MADT\n");
    }
    if (platform->hpet) {
        printf("init: ACPI HPET at %#llx, %u comparators, %s counter\n",
               (unsigned long long)platform->hpet_info.base_address,
               platform->hpet_info.comparators,
               platform->hpet_info.counter_64bit ? "64-bit" : "32-bit");
    }
    if (platform->fadt) {
        printf("init: ACPI FADT revision %u, SCI IRQ %u, PM timer port %#llx, reset %s\n",
               platform->fadt_info.revision, platform->fadt_info.sci_interrupt,
               (unsigned long long)platform->fadt_info.pm_timer.address,
               platform->fadt_info.reset_supported ? "register" : "none");
    }
    if (platform->s5) {
        printf("init: ACPI soft-off sleep type %u\n", platform->s5_type.type_a);
    }
}

static void pci_print(const platform_t *platform)
{
    const pci_scan_t *scan = &platform->pci_scan;

    if (!platform->pci) {
        printf("init: PCI not scanned: the configuration ports cannot be had\n");
        return;
    }
    printf("init: PCI %zu functions on %u buses%s\n", scan->count, scan->buses_scanned,
           scan->truncated ? " (more not kept)" : "");
    for (size_t i = 0; i < scan->count; i++) {
        const pci_function_t *f = &platform->pci_functions[i];
        printf("init: PCI %02x:%02x.%x %04x:%04x %s%s%s\n", f->bus, f->device, f->function,
               f->vendor_id, f->device_id,
               pci_class_name(f->vendor_id, f->device_id, f->class_code, f->subclass, f->prog_if),
               f->problem != PCI_PROBLEM_NONE ? ": " : "",
               f->problem != PCI_PROBLEM_NONE ? pci_problem_string(f->problem) : "");
    }
    for (size_t i = 0; i < scan->problem_count && i < PCI_SCAN_PROBLEMS_MAX; i++) {
        printf("init: PCI bridge %02x:%02x.%x not followed: %s\n", scan->problems[i].bus,
               scan->problems[i].device, scan->problems[i].function,
               pci_problem_string(scan->problems[i].problem));
    }
}

void platform_print(const platform_t *platform)
{
    acpi_print(platform);
    pci_print(platform);
}

void platform_init(const seL4_BootInfo *bootinfo)
{
    platform_survey(bootinfo, &survey);
    platform_print(&survey);
}

const platform_t *platform_get(void)
{
    return &survey;
}
