/*
 * Private to lib/pci: configuration space offsets, byte and word reads built on the dword
 * callback, and the steps of reading one function.
 */
#ifndef PCI_INTERNAL_H
#define PCI_INTERNAL_H

#include <pci/pci.h>

#define CONFIG_VENDOR       0x00u
#define CONFIG_COMMAND      0x04u
#define CONFIG_CLASS        0x08u
#define CONFIG_HEADER       0x0cu
#define CONFIG_BAR0         0x10u
#define CONFIG_BUSES        0x18u
#define CONFIG_SUBSYSTEM    0x2cu
#define CONFIG_CAPABILITIES 0x34u
#define CONFIG_CARDBUS_CAPS 0x14u
#define CONFIG_INTERRUPT    0x3cu
#define CAPS_START          0x40u
#define STATUS_CAPABILITIES 0x10u
#define COMMAND_DECODE      0x3u /* I/O and memory space enable */
#define HEADER_MULTIFUNC    0x80u

typedef struct {
    const pci_access_t *access;
    uint8_t bus;
    uint8_t device;
    uint8_t function;
} pci_target_t;

static inline uint32_t pci_read32(const pci_target_t *target, uint16_t offset)
{
    return target->access->read32(target->access->ctx, target->bus, target->device,
                                  target->function, (uint16_t)(offset & 0xfcu));
}

static inline void pci_write32(const pci_target_t *target, uint16_t offset, uint32_t value)
{
    target->access->write32(target->access->ctx, target->bus, target->device, target->function,
                            offset, value);
}

static inline uint8_t pci_read8(const pci_target_t *target, uint16_t offset)
{
    return (uint8_t)(pci_read32(target, offset) >> (8 * (offset & 3u)));
}

/* Record the first problem of a function. */
static inline void pci_note(pci_function_t *function, pci_problem_t problem, uint16_t offset)
{
    if (function->problem == PCI_PROBLEM_NONE) {
        function->problem = problem;
        function->problem_offset = offset;
    }
}

/* bars.c */
void pci_read_bars(const pci_target_t *target, pci_function_t *function);
/* capabilities.c */
void pci_read_capabilities(const pci_target_t *target, pci_function_t *function);
/* virtio.c: the vendor-specific capability at offset, whose first dword is given. */
void pci_read_virtio_cap(const pci_target_t *target, pci_function_t *function, uint8_t offset,
                         uint32_t first);

#endif
