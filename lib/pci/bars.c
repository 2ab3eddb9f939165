/*
 * Base address registers: decoded from their low bits, and sized (only with a write callback)
 * by writing all ones and reading back, with I/O and memory decoding off meanwhile and every
 * register written back to what it was. A size is the lowest bit the device lets software set,
 * so a mask that is not contiguous cannot give a nonsense size.
 */
#include "internal.h"

#define BAR_IO          0x1u
#define BAR_TYPE_SHIFT  1
#define BAR_TYPE_MASK   0x3u
#define BAR_TYPE_32     0u
#define BAR_TYPE_LOW    1u
#define BAR_TYPE_64     2u
#define BAR_PREFETCH    0x8u
#define BAR_IO_MASK     0xfffffffcu
#define BAR_MEMORY_MASK 0xfffffff0u

static uint64_t lowest_bit(uint64_t mask)
{
    return mask & (~mask + 1);
}

/* Write ones to the BAR (and its upper half), read back, restore; decoding is off. */
static uint64_t probe_mask(const pci_target_t *target, uint16_t offset, bool wide)
{
    uint32_t low = pci_read32(target, offset);
    uint32_t high = wide ? pci_read32(target, (uint16_t)(offset + 4)) : 0;
    uint64_t mask;

    pci_write32(target, offset, 0xffffffffu);
    mask = pci_read32(target, offset);
    pci_write32(target, offset, low);
    if (wide) {
        pci_write32(target, (uint16_t)(offset + 4), 0xffffffffu);
        mask |= (uint64_t)pci_read32(target, (uint16_t)(offset + 4)) << 32;
        pci_write32(target, (uint16_t)(offset + 4), high);
    }
    return mask;
}

static void size_bar(const pci_target_t *target, uint16_t offset, pci_bar_t *bar)
{
    bool wide = bar->kind == PCI_BAR_MEMORY64;
    uint64_t mask = probe_mask(target, offset, wide);

    if (bar->kind == PCI_BAR_IO) {
        mask &= BAR_IO_MASK;
        if ((mask & 0xffff0000u) == 0 && mask != 0) {
            mask |= 0xffff0000u; /* 16-bit I/O decoders leave the upper bits 0 */
        }
    } else {
        mask &= wide ? ~(uint64_t)0xf : BAR_MEMORY_MASK;
    }
    bar->sized = true;
    bar->size = lowest_bit(mask);
    if (mask == 0) {
        bar->kind = PCI_BAR_NONE; /* nothing can be set: not implemented */
        bar->prefetchable = false;
    }
}

/*
 * Decode slot index; returns how many slots it takes (2 for a 64-bit BAR). Unsized, a BAR that
 * reads 0 may be unimplemented or unassigned: it is reported as none.
 */
static unsigned decode_bar(const pci_target_t *target, pci_function_t *function, unsigned index,
                           bool sizing)
{
    uint16_t offset = (uint16_t)(CONFIG_BAR0 + 4 * index);
    uint32_t raw = pci_read32(target, offset);
    pci_bar_t *bar = &function->bars[index];

    *bar = (pci_bar_t){.kind = PCI_BAR_NONE};
    if (raw == 0 && !sizing) {
        return 1;
    }
    if (raw & BAR_IO) {
        *bar = (pci_bar_t){.kind = PCI_BAR_IO, .address = raw & BAR_IO_MASK};
        return 1;
    }
    unsigned type = (raw >> BAR_TYPE_SHIFT) & BAR_TYPE_MASK;
    bar->prefetchable = (raw & BAR_PREFETCH) != 0;
    bar->address = raw & BAR_MEMORY_MASK;
    if (type == BAR_TYPE_64) {
        if (index + 1 >= function->bar_count) {
            pci_note(function, PCI_PROBLEM_BAR_64_LAST, offset);
            *bar = (pci_bar_t){.kind = PCI_BAR_NONE};
            return 1;
        }
        bar->kind = PCI_BAR_MEMORY64;
        bar->address |= (uint64_t)pci_read32(target, (uint16_t)(offset + 4)) << 32;
        function->bars[index + 1] = (pci_bar_t){.kind = PCI_BAR_UPPER_HALF};
        return 2;
    }
    if (type != BAR_TYPE_32 && type != BAR_TYPE_LOW) {
        pci_note(function, PCI_PROBLEM_BAR_TYPE, offset);
        *bar = (pci_bar_t){.kind = PCI_BAR_NONE};
        return 1;
    }
    bar->kind = type == BAR_TYPE_LOW ? PCI_BAR_MEMORY_LOW : PCI_BAR_MEMORY32;
    return 1;
}

void pci_read_bars(const pci_target_t *target, pci_function_t *function)
{
    bool sizing = target->access->write32 != NULL && function->bar_count > 0;

    if (sizing) {
        pci_write32(target, CONFIG_COMMAND, function->command & ~COMMAND_DECODE);
    }
    for (unsigned index = 0; index < function->bar_count;) {
        unsigned slots = decode_bar(target, function, index, sizing);
        pci_bar_t *bar = &function->bars[index];
        if (sizing && bar->kind != PCI_BAR_NONE) {
            size_bar(target, (uint16_t)(CONFIG_BAR0 + 4 * index), bar);
        }
        index += slots;
    }
    if (sizing) {
        pci_write32(target, CONFIG_COMMAND, function->command); /* status bits written as 0 */
    }
}
