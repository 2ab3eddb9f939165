/*
 * I/O APIC driver: register window access, redirection entries, ISA IRQ translation through the
 * MADT overrides. Callers serialise access (the kernel holds its lock around IRQ invocations).
 */
#include <stddef.h>
#include <arch/acpi.h>
#include <arch/boot_section.h>
#include <arch/ioapic.h>
#include <arch/phys.h>
#include <arch/vectors.h>

#define IOAPIC_REGSEL  0x00 /* byte offsets in the register page */
#define IOAPIC_WINDOW  0x10
#define IOAPIC_REG_ID  0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_RED 0x10 /* entry n: low word at 0x10 + 2n, high word at 0x11 + 2n */

#define RED_POLARITY_LOW  (1u << 13)
#define RED_TRIGGER_LEVEL (1u << 15)
#define RED_MASKED        (1u << 16)

typedef struct {
    ioapic_info_t info;
    volatile uint32_t *registers;
} ioapic_t;

static ioapic_t ioapics[IOAPIC_MAX];
static unsigned ioapic_total;
static uint32_t gsi_limit;
static const madt_info_t *madt_source;

static uint32_t ioapic_read(const ioapic_t *ioapic, uint32_t reg)
{
    ioapic->registers[IOAPIC_REGSEL / 4] = reg;
    return ioapic->registers[IOAPIC_WINDOW / 4];
}

static void ioapic_write(const ioapic_t *ioapic, uint32_t reg, uint32_t value)
{
    ioapic->registers[IOAPIC_REGSEL / 4] = reg;
    ioapic->registers[IOAPIC_WINDOW / 4] = value;
}

BOOT_CODE platform_error_t ioapic_init(const madt_info_t *madt)
{
    ioapic_total = 0;
    gsi_limit = 0;
    madt_source = madt;
    if (madt->ioapic_count == 0) {
        return PLATFORM_ERROR_NOT_FOUND;
    }
    if (madt->ioapic_count > IOAPIC_MAX) {
        return PLATFORM_ERROR_TOO_MANY;
    }
    for (size_t i = 0; i < madt->ioapic_count; i++) {
        ioapic_t *ioapic = &ioapics[i];
        ioapic->registers = phys_map_writable(madt->ioapics[i].address, 0x20);
        if (ioapic->registers == NULL) {
            return PLATFORM_ERROR_UNMAPPED;
        }
        uint32_t version = ioapic_read(ioapic, IOAPIC_REG_VER);
        if (version == 0xffffffffu) {
            return PLATFORM_ERROR_MALFORMED;
        }
        ioapic->info.id = madt->ioapics[i].id;
        ioapic->info.phys = madt->ioapics[i].address;
        ioapic->info.gsi_base = madt->ioapics[i].gsi_base;
        ioapic->info.gsi_count = ((version >> 16) & 0xff) + 1;
        ioapic->info.version = version & 0xff;
        for (unsigned j = 0; j < i; j++) {
            const ioapic_info_t *other = &ioapics[j].info;
            if (ioapic->info.gsi_base < other->gsi_base + other->gsi_count &&
                other->gsi_base < ioapic->info.gsi_base + ioapic->info.gsi_count) {
                return PLATFORM_ERROR_MALFORMED;
            }
        }
        for (uint32_t entry = 0; entry < ioapic->info.gsi_count; entry++) {
            ioapic_write(ioapic, IOAPIC_REG_RED + 2 * entry + 1, 0);
            ioapic_write(ioapic, IOAPIC_REG_RED + 2 * entry, RED_MASKED | VECTOR_SPURIOUS);
        }
        if (ioapic->info.gsi_base + ioapic->info.gsi_count > gsi_limit) {
            gsi_limit = ioapic->info.gsi_base + ioapic->info.gsi_count;
        }
        ioapic_total++;
    }
    return PLATFORM_OK;
}

unsigned ioapic_count(void)
{
    return ioapic_total;
}

const ioapic_info_t *ioapic_get(unsigned index)
{
    return index < ioapic_total ? &ioapics[index].info : NULL;
}

uint32_t ioapic_gsi_limit(void)
{
    return gsi_limit;
}

/* The IOAPIC serving gsi and the entry's index in it, or NULL. */
static ioapic_t *ioapic_for_gsi(uint32_t gsi, uint32_t *entry)
{
    for (unsigned i = 0; i < ioapic_total; i++) {
        ioapic_t *ioapic = &ioapics[i];
        if (gsi >= ioapic->info.gsi_base && gsi - ioapic->info.gsi_base < ioapic->info.gsi_count) {
            *entry = gsi - ioapic->info.gsi_base;
            return ioapic;
        }
    }
    return NULL;
}

platform_error_t ioapic_route_gsi(uint32_t gsi, uint8_t vector, ioapic_trigger_t trigger,
                                  ioapic_polarity_t polarity, uint32_t destination)
{
    uint32_t entry;
    ioapic_t *ioapic = ioapic_for_gsi(gsi, &entry);
    uint32_t low = RED_MASKED | vector;

    if (ioapic == NULL || vector < VECTOR_IRQ_BASE || vector > VECTOR_IRQ_LAST ||
        destination > 0xff) {
        return PLATFORM_ERROR_RANGE;
    }
    if (trigger == IOAPIC_TRIGGER_LEVEL) {
        low |= RED_TRIGGER_LEVEL;
    }
    if (polarity == IOAPIC_POLARITY_LOW) {
        low |= RED_POLARITY_LOW;
    }
    /* Masked while the high word changes, so no half-written entry ever fires. */
    ioapic_write(ioapic, IOAPIC_REG_RED + 2 * entry, RED_MASKED | VECTOR_SPURIOUS);
    ioapic_write(ioapic, IOAPIC_REG_RED + 2 * entry + 1, destination << 24);
    ioapic_write(ioapic, IOAPIC_REG_RED + 2 * entry, low);
    return PLATFORM_OK;
}

static platform_error_t ioapic_set_mask(uint32_t gsi, bool masked)
{
    uint32_t entry;
    ioapic_t *ioapic = ioapic_for_gsi(gsi, &entry);
    if (ioapic == NULL) {
        return PLATFORM_ERROR_RANGE;
    }
    uint32_t low = ioapic_read(ioapic, IOAPIC_REG_RED + 2 * entry);
    low = masked ? low | RED_MASKED : low & ~RED_MASKED;
    ioapic_write(ioapic, IOAPIC_REG_RED + 2 * entry, low);
    return PLATFORM_OK;
}

platform_error_t ioapic_mask_gsi(uint32_t gsi)
{
    return ioapic_set_mask(gsi, true);
}

platform_error_t ioapic_unmask_gsi(uint32_t gsi)
{
    return ioapic_set_mask(gsi, false);
}

platform_error_t ioapic_read_entry(uint32_t gsi, uint64_t *value)
{
    uint32_t entry;
    const ioapic_t *ioapic = ioapic_for_gsi(gsi, &entry);
    if (ioapic == NULL) {
        return PLATFORM_ERROR_RANGE;
    }
    *value = ioapic_read(ioapic, IOAPIC_REG_RED + 2 * entry) |
             ((uint64_t)ioapic_read(ioapic, IOAPIC_REG_RED + 2 * entry + 1) << 32);
    return PLATFORM_OK;
}

platform_error_t ioapic_isa_irq_to_gsi(uint8_t irq, uint32_t *gsi, ioapic_trigger_t *trigger,
                                       ioapic_polarity_t *polarity)
{
    if (irq > 15) {
        return PLATFORM_ERROR_RANGE;
    }
    *gsi = irq;
    *trigger = IOAPIC_TRIGGER_EDGE;
    *polarity = IOAPIC_POLARITY_HIGH;
    if (madt_source == NULL) {
        return PLATFORM_OK;
    }
    for (size_t i = 0; i < madt_source->override_count; i++) {
        const madt_override_t *override = &madt_source->overrides[i];
        if (override->bus != 0 || override->source != irq) {
            continue;
        }
        *gsi = override->gsi;
        if ((override->flags & MADT_TRIGGER_MASK) == MADT_TRIGGER_LEVEL) {
            *trigger = IOAPIC_TRIGGER_LEVEL;
        }
        if ((override->flags & MADT_POLARITY_MASK) == MADT_POLARITY_LOW) {
            *polarity = IOAPIC_POLARITY_LOW;
        }
        break;
    }
    return PLATFORM_OK;
}
