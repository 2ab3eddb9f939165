/*
 * The guest's ACPI tables, built one at a time in a bounded buffer on the stack, checksummed and
 * handed to the caller's write callback. Layout facts come from the ACPI 6.5 specification
 * (sections 5.2.5-5.2.12); the DSDT's AML is assembled by hand below, one comment per byte.
 */
#include <vdev/acpi_tables.h>

#include <vdev/ioapic.h>
#include <vdev/lapic.h>
#include <vdev/power.h>
#include <vdev/rtc.h>

#define HEADER_LENGTH 36u
#define TABLE_BUFFER  1024u
#define ALIGN         16u
#define FACS_ALIGN    64u
#define FOUR_GIB      0x100000000ull
#define GAS_SYSTEM_IO 1u
#define ACCESS_BYTE   1u
#define ACCESS_WORD   2u
#define ACCESS_DWORD  3u

/* FADT flags (5.2.9, table 5.10) and IA-PC boot architecture flags (table 5.11). */
#define FADT_WBINVD          (1u << 0)
#define FADT_PROC_C1         (1u << 2)
#define FADT_PWR_BUTTON      (1u << 4)
#define FADT_SLP_BUTTON      (1u << 5)
#define FADT_FIX_RTC         (1u << 6)
#define FADT_RESET_REG_SUP   (1u << 10)
#define BOOT_LEGACY_DEVICES  (1u << 0)
#define BOOT_VGA_NOT_PRESENT (1u << 2)

/* MADT structure types (5.2.12). */
#define MADT_LOCAL_APIC     0u
#define MADT_IO_APIC        1u
#define MADT_OVERRIDE       2u
#define MADT_LOCAL_APIC_NMI 4u
#define MADT_PCAT_COMPAT    1u
#define MPS_ACTIVE_HIGH     0x1u
#define MPS_LEVEL           0xcu

typedef struct table {
    uint8_t bytes[TABLE_BUFFER];
    size_t length;
} table_t;

static void put8(table_t *t, size_t at, uint8_t value)
{
    t->bytes[at] = value;
}

/* Little-endian stores of `width` bytes. */
static void put_le(table_t *t, size_t at, uint64_t value, unsigned width)
{
    for (unsigned i = 0; i < width; i++) {
        t->bytes[at + i] = (uint8_t)value;
        value >>= 8;
    }
}

static void put16(table_t *t, size_t at, uint16_t value)
{
    put_le(t, at, value, 2);
}

static void put32(table_t *t, size_t at, uint32_t value)
{
    put_le(t, at, value, 4);
}

static void put64(table_t *t, size_t at, uint64_t value)
{
    put_le(t, at, value, 8);
}

static void put_text(table_t *t, size_t at, const char *text, size_t width)
{
    size_t i = 0;

    for (; i < width && text[i] != '\0'; i++) {
        put8(t, at + i, (uint8_t)text[i]);
    }
    for (; i < width; i++) {
        put8(t, at + i, ' ');
    }
}

/* A Generic Address Structure (5.2.3.2): 12 bytes. */
static void put_gas(table_t *t, size_t at, uint8_t bit_width, uint8_t access, uint64_t address)
{
    put8(t, at, address != 0 ? GAS_SYSTEM_IO : 0);
    put8(t, at + 1, address != 0 ? bit_width : 0);
    put8(t, at + 2, 0);
    put8(t, at + 3, address != 0 ? access : 0);
    put64(t, at + 4, address);
}

static uint8_t checksum(const uint8_t *bytes, size_t length)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < length; i++) {
        sum = (uint8_t)(sum + bytes[i]);
    }
    return (uint8_t)(0u - sum);
}

static void table_start(table_t *t, const char *signature, size_t length, uint8_t revision,
                        const vdev_acpi_config_t *config)
{
    for (size_t i = 0; i < sizeof(t->bytes); i++) {
        t->bytes[i] = 0;
    }
    t->length = length;
    put_text(t, 0, signature, 4);
    put32(t, 4, (uint32_t)length);
    put8(t, 8, revision);
    put_text(t, 10, config->oem_id, 6);
    put_text(t, 16, config->oem_table_id, 8);
    put32(t, 24, 1);            /* OEM revision */
    put_text(t, 28, "BML4", 4); /* creator ID */
    put32(t, 32, 1);            /* creator revision */
}

static void table_finish(table_t *t)
{
    put8(t, 9, 0);
    put8(t, 9, checksum(t->bytes, t->length));
}

size_t vdev_acpi_dsdt_aml(uint8_t s5_sleep_type, uint8_t *out, size_t capacity)
{
    const uint8_t aml[] = {
            0x08,                          /* NameOp */
            0x5c,                          /* RootChar '\' */
            '_',  'S',           '5', '_', /* NameSeg "_S5_" */
            0x12,                          /* PackageOp */
            0x08,                          /* PkgLength: 8 bytes, this one and the seven below */
            0x04,                          /* NumElements: 4 */
            0x0a, s5_sleep_type,           /* BytePrefix: SLP_TYPa */
            0x0a, s5_sleep_type,           /* BytePrefix: SLP_TYPb */
            0x00,                          /* ZeroOp: reserved */
            0x00,                          /* ZeroOp: reserved */
    };

    if (capacity < sizeof(aml)) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(aml); i++) {
        out[i] = aml[i];
    }
    return sizeof(aml);
}

static void build_dsdt(table_t *t, const vdev_acpi_config_t *config)
{
    size_t length;

    table_start(t, "DSDT", HEADER_LENGTH, 2, config);
    length = vdev_acpi_dsdt_aml(config->s5_sleep_type, t->bytes + HEADER_LENGTH,
                                sizeof(t->bytes) - HEADER_LENGTH);
    if (config->virtio_count > 0) {
        length += vdev_acpi_virtio_aml(config->virtio, config->virtio_count,
                                       t->bytes + HEADER_LENGTH + length,
                                       sizeof(t->bytes) - HEADER_LENGTH - length);
    }
    t->length = HEADER_LENGTH + length;
    put32(t, 4, (uint32_t)t->length);
    table_finish(t);
}

static void build_facs(table_t *t)
{
    for (size_t i = 0; i < sizeof(t->bytes); i++) {
        t->bytes[i] = 0;
    }
    t->length = VDEV_ACPI_FACS_LENGTH;
    put_text(t, 0, "FACS", 4);
    put32(t, 4, VDEV_ACPI_FACS_LENGTH);
    /* hardware signature, waking vectors, global lock and flags stay 0 */
    put8(t, 32, 2); /* version */
}

static void build_fadt(table_t *t, const vdev_acpi_config_t *config,
                       const vdev_acpi_layout_t *layout)
{
    uint32_t pm1_evt = config->pm_base + VDEV_PM1_EVT_OFFSET;
    uint32_t pm1_cnt = config->pm_base + VDEV_PM1_CNT_OFFSET;
    uint32_t pm_tmr = config->pm_base + VDEV_PM_TMR_OFFSET;
    uint32_t flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_FIX_RTC;

    table_start(t, "FACP", VDEV_ACPI_FADT_LENGTH, 6, config);
    put32(t, 36, (uint32_t)layout->facs); /* FIRMWARE_CTRL (X_FIRMWARE_CTRL stays 0) */
    put32(t, 40, (uint32_t)layout->dsdt); /* DSDT */
    put8(t, 45, 0);                       /* preferred PM profile: unspecified */
    put16(t, 46, config->sci_irq);        /* SCI_INT */
    put32(t, 48, 0);                      /* SMI_CMD: none, always in ACPI mode */
    put32(t, 56, pm1_evt);                /* PM1a_EVT_BLK */
    put32(t, 64, pm1_cnt);                /* PM1a_CNT_BLK */
    put32(t, 76, pm_tmr);                 /* PM_TMR_BLK */
    put8(t, 88, VDEV_PM1_EVT_LENGTH);     /* PM1_EVT_LEN */
    put8(t, 89, VDEV_PM1_CNT_LENGTH);     /* PM1_CNT_LEN */
    put8(t, 91, VDEV_PM_TMR_LENGTH);      /* PM_TMR_LEN */
    put16(t, 96, 101);                    /* P_LVL2_LAT > 100: no C2 */
    put16(t, 98, 1001);                   /* P_LVL3_LAT > 1000: no C3 */
    put8(t, 108, config->century_index);  /* CENTURY */
    put16(t, 109, BOOT_LEGACY_DEVICES | BOOT_VGA_NOT_PRESENT); /* IAPC_BOOT_ARCH */
    if (config->reset_register) {
        flags |= FADT_RESET_REG_SUP;
        put_gas(t, 116, 8, ACCESS_BYTE, VDEV_RESET_PORT); /* RESET_REG */
        put8(t, 128, VDEV_RESET_VALUE);                   /* RESET_VALUE */
    }
    put32(t, 112, flags);                      /* Flags: HW_REDUCED_ACPI (bit 20) clear */
    put8(t, 131, 5);                           /* FADT minor version: ACPI 6.5 */
    put64(t, 140, layout->dsdt);               /* X_DSDT */
    put_gas(t, 148, 32, ACCESS_WORD, pm1_evt); /* X_PM1a_EVT_BLK */
    put_gas(t, 172, 16, ACCESS_WORD, pm1_cnt); /* X_PM1a_CNT_BLK */
    put_gas(t, 208, 32, ACCESS_DWORD, pm_tmr); /* X_PM_TMR_BLK */
    put_text(t, 268, "beaml4", 8);             /* hypervisor vendor identity */
    table_finish(t);
}

static void madt_lapic(table_t *t, size_t *at, uint8_t uid, uint8_t apic_id)
{
    put8(t, *at, MADT_LOCAL_APIC);
    put8(t, *at + 1, 8);
    put8(t, *at + 2, uid);
    put8(t, *at + 3, apic_id);
    put32(t, *at + 4, 1); /* enabled */
    *at += 8;
}

static void madt_override(table_t *t, size_t *at, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    put8(t, *at, MADT_OVERRIDE);
    put8(t, *at + 1, 10);
    put8(t, *at + 2, 0); /* bus: ISA */
    put8(t, *at + 3, irq);
    put32(t, *at + 4, gsi);
    put16(t, *at + 8, flags);
    *at += 10;
}

static void build_madt(table_t *t, const vdev_acpi_config_t *config)
{
    size_t at = 44;

    table_start(t, "APIC", HEADER_LENGTH, 5, config);
    put32(t, 36, config->lapic_address);
    put32(t, 40, MADT_PCAT_COMPAT);
    for (unsigned i = 0; i < config->cpus; i++) {
        madt_lapic(t, &at, (uint8_t)i, (uint8_t)(config->first_apic_id + i));
    }
    put8(t, at, MADT_IO_APIC);
    put8(t, at + 1, 12);
    put8(t, at + 2, config->ioapic_id);
    put8(t, at + 3, 0);
    put32(t, at + 4, config->ioapic_address);
    put32(t, at + 8, config->ioapic_gsi_base);
    at += 12;
    madt_override(t, &at, 0, config->ioapic_gsi_base + 2, 0);
    if (config->sci_irq != 0) {
        madt_override(t, &at, config->sci_irq, config->ioapic_gsi_base + config->sci_irq,
                      MPS_ACTIVE_HIGH | MPS_LEVEL);
    }
    put8(t, at, MADT_LOCAL_APIC_NMI);
    put8(t, at + 1, 6);
    put8(t, at + 2, 0xff); /* every processor */
    put16(t, at + 3, 0);   /* flags: as the bus says */
    put8(t, at + 5, 1);    /* LINT1 */
    at += 6;
    t->length = at;
    put32(t, 4, (uint32_t)at);
    table_finish(t);
}

static void build_rsdt(table_t *t, const vdev_acpi_config_t *config,
                       const vdev_acpi_layout_t *layout, bool wide)
{
    size_t entry = wide ? 8 : 4;

    table_start(t, wide ? "XSDT" : "RSDT", HEADER_LENGTH + 2 * entry, 1, config);
    if (wide) {
        put64(t, HEADER_LENGTH, layout->fadt);
        put64(t, HEADER_LENGTH + 8, layout->madt);
    } else {
        put32(t, HEADER_LENGTH, (uint32_t)layout->fadt);
        put32(t, HEADER_LENGTH + 4, (uint32_t)layout->madt);
    }
    table_finish(t);
}

static void build_rsdp(table_t *t, const vdev_acpi_config_t *config,
                       const vdev_acpi_layout_t *layout)
{
    for (size_t i = 0; i < sizeof(t->bytes); i++) {
        t->bytes[i] = 0;
    }
    t->length = VDEV_ACPI_RSDP_LENGTH;
    put_text(t, 0, "RSD PTR ", 8);
    put_text(t, 9, config->oem_id, 6);
    put8(t, 15, 2); /* revision: ACPI 2.0 and later */
    put32(t, 16, (uint32_t)layout->rsdt);
    put32(t, 20, VDEV_ACPI_RSDP_LENGTH);
    put64(t, 24, layout->xsdt);
    put8(t, 8, checksum(t->bytes, 20));
    put8(t, 32, checksum(t->bytes, VDEV_ACPI_RSDP_LENGTH));
}

static uint64_t align_up(uint64_t value, uint64_t alignment)
{
    return (value + alignment - 1) & ~(alignment - 1);
}

/* Every table's place and size, checked against the area before anything is written. */
static vdev_acpi_error_t plan(const vdev_acpi_config_t *config, vdev_acpi_layout_t *layout)
{
    uint64_t at = align_up(config->area, ALIGN);
    uint64_t madt_length = 44 + 8ull * config->cpus + 12 + 10 + (config->sci_irq ? 10 : 0) + 6;

    if (config->area > FOUR_GIB || config->area_size > FOUR_GIB - config->area) {
        return VDEV_ACPI_ERR_SPACE;
    }
    layout->rsdp = at;
    at = align_up(at + VDEV_ACPI_RSDP_LENGTH, FACS_ALIGN);
    layout->facs = at;
    at = align_up(at + VDEV_ACPI_FACS_LENGTH, ALIGN);
    layout->dsdt = at;
    at = align_up(at + HEADER_LENGTH + 32 +
                          (config->virtio_count > 0
                                   ? vdev_acpi_virtio_aml_bytes(config->virtio_count)
                                   : 0),
                  ALIGN);
    layout->fadt = at;
    at = align_up(at + VDEV_ACPI_FADT_LENGTH, ALIGN);
    layout->madt = at;
    at = align_up(at + madt_length, ALIGN);
    layout->rsdt = at;
    at = align_up(at + HEADER_LENGTH + 8, ALIGN);
    layout->xsdt = at;
    at += HEADER_LENGTH + 16;
    layout->end = at;
    if (at - config->area > config->area_size) {
        return VDEV_ACPI_ERR_SPACE;
    }
    return VDEV_ACPI_OK;
}

static bool emit(vdev_acpi_write_fn write, void *context, uint64_t gpa, const table_t *t)
{
    return write(context, gpa, t->bytes, t->length);
}

void vdev_acpi_default_config(vdev_acpi_config_t *config, uint64_t area, uint64_t area_size)
{
    *config = (vdev_acpi_config_t){
            .area = area,
            .area_size = area_size,
            .legacy_rsdp = VDEV_ACPI_LEGACY_FIRST,
            .cpus = 1,
            .first_apic_id = 0,
            .lapic_address = (uint32_t)VDEV_LAPIC_DEFAULT_BASE,
            .ioapic_id = 0,
            .ioapic_address = (uint32_t)VDEV_IOAPIC_DEFAULT_BASE,
            .ioapic_gsi_base = 0,
            .sci_irq = 9,
            .pm_base = VDEV_PM_BASE,
            .century_index = VDEV_RTC_CENTURY_INDEX,
            .reset_register = true,
            .s5_sleep_type = VDEV_POWER_SLP_TYP_S5,
            .oem_id = {'B', 'E', 'A', 'M', 'L', '4'},
            .oem_table_id = {'B', 'E', 'A', 'M', 'L', '4', 'V', 'M'},
    };
}

vdev_acpi_error_t vdev_acpi_build(const vdev_acpi_config_t *config, vdev_acpi_write_fn write,
                                  void *context, vdev_acpi_layout_t *layout)
{
    table_t t;
    vdev_acpi_error_t error;
    uint64_t legacy = config->legacy_rsdp;

    if (write == NULL || config->cpus == 0 || config->cpus > VDEV_ACPI_MAX_CPUS ||
        config->virtio_count > VDEV_ACPI_VIRTIO_MAX ||
        (config->virtio_count > 0 && config->virtio == NULL) ||
        (legacy != 0 && ((legacy & 15u) != 0 || legacy < VDEV_ACPI_LEGACY_FIRST ||
                         legacy + VDEV_ACPI_RSDP_LENGTH - 1 > VDEV_ACPI_LEGACY_LAST))) {
        return VDEV_ACPI_ERR_ARGUMENT;
    }
    error = plan(config, layout);
    if (error != VDEV_ACPI_OK) {
        return error;
    }
    build_facs(&t);
    if (!emit(write, context, layout->facs, &t)) {
        return VDEV_ACPI_ERR_WRITE;
    }
    build_dsdt(&t, config);
    if (!emit(write, context, layout->dsdt, &t)) {
        return VDEV_ACPI_ERR_WRITE;
    }
    build_fadt(&t, config, layout);
    if (!emit(write, context, layout->fadt, &t)) {
        return VDEV_ACPI_ERR_WRITE;
    }
    build_madt(&t, config);
    if (!emit(write, context, layout->madt, &t)) {
        return VDEV_ACPI_ERR_WRITE;
    }
    build_rsdt(&t, config, layout, false);
    if (!emit(write, context, layout->rsdt, &t)) {
        return VDEV_ACPI_ERR_WRITE;
    }
    build_rsdt(&t, config, layout, true);
    if (!emit(write, context, layout->xsdt, &t)) {
        return VDEV_ACPI_ERR_WRITE;
    }
    build_rsdp(&t, config, layout);
    if (!emit(write, context, layout->rsdp, &t) ||
        (legacy != 0 && !emit(write, context, legacy, &t))) {
        return VDEV_ACPI_ERR_WRITE;
    }
    return VDEV_ACPI_OK;
}
