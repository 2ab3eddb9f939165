/* The I/O APIC's indirect registers: IOREGSEL at base, IOWIN at base + 0x10. */
#include "ioapic.h"

uint32_t ioapic_read(uint64_t base, uint32_t reg)
{
    *(volatile uint32_t *)(uintptr_t)base = reg;
    return *(volatile uint32_t *)(uintptr_t)(base + 0x10);
}

void ioapic_write(uint64_t base, uint32_t reg, uint32_t value)
{
    *(volatile uint32_t *)(uintptr_t)base = reg;
    *(volatile uint32_t *)(uintptr_t)(base + 0x10) = value;
}

unsigned ioapic_pin_count(uint64_t base)
{
    return ((ioapic_read(base, IOAPIC_REG_VERSION) >> 16) & 0xff) + 1;
}

/* The high half (destination) goes first, so the entry is never live with a stale one. */
void ioapic_route(uint64_t base, unsigned pin, uint64_t entry)
{
    ioapic_write(base, IOAPIC_REG_REDIR + 2 * pin, (uint32_t)IOAPIC_REDIR_MASKED);
    ioapic_write(base, IOAPIC_REG_REDIR + 2 * pin + 1, (uint32_t)(entry >> 32));
    ioapic_write(base, IOAPIC_REG_REDIR + 2 * pin, (uint32_t)entry);
}

void ioapic_mask_all(uint64_t base)
{
    unsigned pins = ioapic_pin_count(base);
    for (unsigned pin = 0; pin < pins; pin++) {
        ioapic_route(base, pin, IOAPIC_REDIR_MASKED);
    }
}
