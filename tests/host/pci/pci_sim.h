/*
 * A simulated PCI configuration space for lib/pci's tests and fuzzer: functions at bus/device/
 * function addresses with 256 bytes of registers each, BARs that answer a write of all ones with
 * their size mask, and a record of every write (which must touch only BARs and the command
 * register, with decoding off while a BAR changes). Absent functions read as all ones.
 * Test code only.
 */
#ifndef TEST_PCI_SIM_H
#define TEST_PCI_SIM_H

#include <pci/pci.h>
#include <stdbool.h>
#include <stdint.h>

#define SIM_FUNCTIONS_MAX 40

typedef struct {
    uint8_t bus;
    uint8_t device;
    uint8_t function;
    uint8_t config[PCI_CONFIG_SIZE];
    uint32_t bar_writable[PCI_BARS_MAX]; /* bits a write can change; 0: read-only */
} sim_function_t;

typedef struct {
    sim_function_t functions[SIM_FUNCTIONS_MAX];
    unsigned count;
    bool all_ones; /* every read answers 0xffffffff */
    unsigned long reads;
    unsigned long writes;
    unsigned bad_writes;          /* outside BARs and the command register, or unaligned */
    unsigned decoding_bar_writes; /* a BAR written while I/O or memory decoding was on */
    unsigned status_writes;       /* the status register written with a bit set (it clears bits) */
} sim_t;

void sim_init(sim_t *sim);
sim_function_t *sim_add(sim_t *sim, uint8_t bus, uint8_t device, uint8_t function, uint16_t vendor,
                        uint16_t device_id, uint8_t class_code, uint8_t subclass, uint8_t prog_if,
                        uint8_t header_type);
sim_function_t *sim_find(sim_t *sim, uint8_t bus, uint8_t device, uint8_t function);
/* A BAR: its current value and the size it decodes (a power of two; 0: read-only 0). */
void sim_bar(sim_function_t *function, unsigned index, uint32_t value, uint64_t size);
/* A capability at offset with its ID, chained after the previous one added. */
void sim_cap(sim_function_t *function, uint8_t offset, uint8_t id, const uint8_t *body,
             unsigned body_size);
void sim_bridge(sim_function_t *function, uint8_t primary, uint8_t secondary, uint8_t subordinate);
void sim_put16(sim_function_t *function, unsigned offset, uint16_t value);
void sim_put32(sim_function_t *function, unsigned offset, uint32_t value);

uint32_t sim_read32(void *ctx, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset);
void sim_write32(void *ctx, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset,
                 uint32_t value);
pci_access_t sim_access(sim_t *sim, bool writable);

/* The machine QEMU's q35 gives a guest, as far as the tests need (see pci_sim.c). */
void sim_q35(sim_t *sim);

#endif
