/*
 * The simulated configuration space of pci_sim.h, and a q35-like machine:
 *   00:00.0 8086:29c0 host bridge      00:01.0 1234:1111 VGA (BAR0 16 MiB prefetchable, BAR2 4 KiB)
 *   00:02.0 1af4:1041 virtio-net: BAR1 4 KiB (MSI-X), BAR4 64-bit 16 KiB prefetchable (virtio
 *           regions), capabilities MSI-X -> common -> notify -> ISR -> device -> PCIe
 *   00:03.0 1b36:000c PCI Express root port, a bridge to bus 1
 *   01:00.0 1af4:1042 virtio-blk, BAR4 64-bit 16 KiB, one virtio capability
 *   00:1f.0 8086:2918 ISA bridge (multi-function)  00:1f.2 8086:2922 SATA (AHCI) with MSI,
 *           BAR4 I/O 32 bytes, BAR5 4 KiB       00:1f.3 8086:2930 SMBus
 */
#include "pci_sim.h"

#include <stdlib.h>
#include <string.h>

void sim_init(sim_t *sim)
{
    memset(sim, 0, sizeof(*sim));
}

void sim_put16(sim_function_t *function, unsigned offset, uint16_t value)
{
    function->config[offset] = (uint8_t)value;
    function->config[offset + 1] = (uint8_t)(value >> 8);
}

void sim_put32(sim_function_t *function, unsigned offset, uint32_t value)
{
    sim_put16(function, offset, (uint16_t)value);
    sim_put16(function, offset + 2, (uint16_t)(value >> 16));
}

static uint32_t get32(const sim_function_t *function, unsigned offset)
{
    return (uint32_t)function->config[offset] | (uint32_t)function->config[offset + 1] << 8 |
           (uint32_t)function->config[offset + 2] << 16 |
           (uint32_t)function->config[offset + 3] << 24;
}

sim_function_t *sim_add(sim_t *sim, uint8_t bus, uint8_t device, uint8_t function, uint16_t vendor,
                        uint16_t device_id, uint8_t class_code, uint8_t subclass, uint8_t prog_if,
                        uint8_t header_type)
{
    if (sim->count == SIM_FUNCTIONS_MAX) {
        abort();
    }
    sim_function_t *added = &sim->functions[sim->count++];
    memset(added, 0, sizeof(*added));
    added->bus = bus;
    added->device = device;
    added->function = function;
    sim_put16(added, 0x00, vendor);
    sim_put16(added, 0x02, device_id);
    sim_put16(added, 0x04, 0x0007); /* I/O, memory, bus master */
    added->config[0x09] = prog_if;
    added->config[0x0a] = subclass;
    added->config[0x0b] = class_code;
    added->config[0x0e] = header_type;
    added->config[0x3d] = 1; /* INTA */
    return added;
}

sim_function_t *sim_find(sim_t *sim, uint8_t bus, uint8_t device, uint8_t function)
{
    for (unsigned i = 0; i < sim->count; i++) {
        sim_function_t *f = &sim->functions[i];
        if (f->bus == bus && f->device == device && f->function == function) {
            return f;
        }
    }
    return NULL;
}

void sim_bar(sim_function_t *function, unsigned index, uint32_t value, uint64_t size)
{
    sim_put32(function, 0x10 + 4 * index, value);
    if (size == 0) {
        function->bar_writable[index] = 0;
        return;
    }
    bool wide = (value & 0x7u) == 0x4u;
    uint64_t mask = ~(size - 1);
    function->bar_writable[index] = (uint32_t)mask & ((value & 1u) ? 0xfffffffcu : 0xfffffff0u);
    if (wide) {
        function->bar_writable[index + 1] = (uint32_t)(mask >> 32);
    }
}

void sim_cap(sim_function_t *function, uint8_t offset, uint8_t id, const uint8_t *body,
             unsigned body_size)
{
    uint8_t *pointer = &function->config[function->config[0x0e] == 2 ? 0x14 : 0x34];

    function->config[0x06] |= 0x10; /* capability list */
    while (*pointer != 0) {
        pointer = &function->config[*pointer + 1];
    }
    *pointer = offset;
    function->config[offset] = id;
    function->config[offset + 1] = 0;
    memcpy(&function->config[offset + 2], body, body_size);
}

void sim_bridge(sim_function_t *function, uint8_t primary, uint8_t secondary, uint8_t subordinate)
{
    function->config[0x18] = primary;
    function->config[0x19] = secondary;
    function->config[0x1a] = subordinate;
}

uint32_t sim_read32(void *ctx, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset)
{
    sim_t *sim = ctx;
    sim_function_t *found = sim_find(sim, bus, device, function);

    sim->reads++;
    if (sim->all_ones || found == NULL || offset >= PCI_CONFIG_SIZE || (offset & 3) != 0) {
        return 0xffffffffu;
    }
    return get32(found, offset);
}

void sim_write32(void *ctx, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset,
                 uint32_t value)
{
    sim_t *sim = ctx;
    sim_function_t *found = sim_find(sim, bus, device, function);

    sim->writes++;
    if (found == NULL || (offset & 3) != 0 || offset >= PCI_CONFIG_SIZE) {
        sim->bad_writes++;
        return;
    }
    if (offset == 0x04) {
        if ((value >> 16) != 0) {
            sim->status_writes++;
        }
        sim_put16(found, 0x04, (uint16_t)value);
        return;
    }
    unsigned header = found->config[0x0e] & 0x7fu;
    unsigned bars = header == 0 ? 6 : header == 1 ? 2 : 0;
    if (offset < 0x10 || offset >= 0x10 + 4 * bars) {
        sim->bad_writes++;
        return;
    }
    if (found->config[0x04] & 0x3) {
        sim->decoding_bar_writes++;
    }
    unsigned index = (offset - 0x10) / 4;
    uint32_t writable = found->bar_writable[index];
    sim_put32(found, offset, (get32(found, offset) & ~writable) | (value & writable));
}

pci_access_t sim_access(sim_t *sim, bool writable)
{
    return (pci_access_t){
            .read32 = sim_read32, .write32 = writable ? sim_write32 : NULL, .ctx = sim};
}

static void virtio_cap(sim_function_t *f, uint8_t offset, uint8_t cfg_type, uint32_t region,
                       uint32_t length, uint8_t cap_length)
{
    uint8_t body[18] = {cap_length, cfg_type, 4, 0, 0, 0};

    body[6] = (uint8_t)region;
    body[7] = (uint8_t)(region >> 8);
    body[10] = (uint8_t)length;
    body[11] = (uint8_t)(length >> 8);
    body[14] = 4; /* notify_off_multiplier, read only for cfg_type 2 */
    sim_cap(f, offset, 0x09, body, cap_length > 20 ? 18 : (unsigned)cap_length - 2);
}

void sim_q35(sim_t *sim)
{
    sim_init(sim);
    sim_add(sim, 0, 0, 0, 0x8086, 0x29c0, 0x06, 0x00, 0, 0);
    sim_function_t *vga = sim_add(sim, 0, 1, 0, 0x1234, 0x1111, 0x03, 0x00, 0, 0);
    sim_bar(vga, 0, 0xfd000008u, 16u << 20);
    sim_bar(vga, 2, 0xfebd0000u, 0x1000);
    sim_function_t *net = sim_add(sim, 0, 2, 0, 0x1af4, 0x1041, 0x02, 0x00, 0, 0);
    sim_bar(net, 1, 0xfebd1000u, 0x1000);
    sim_bar(net, 4, 0xfe00000cu, 0x4000);
    uint8_t msix[10] = {0x02, 0x00, 0x01, 0, 0, 0, 0x01, 0x08, 0, 0}; /* 3 entries, BAR1 */
    sim_cap(net, 0x98, 0x11, msix, sizeof(msix));
    virtio_cap(net, 0x84, 1, 0x0000, 0x1000, 16);
    virtio_cap(net, 0x70, 2, 0x3000, 0x1000, 20);
    virtio_cap(net, 0x60, 3, 0x1000, 0x1000, 16);
    virtio_cap(net, 0x50, 4, 0x2000, 0x1000, 16);
    uint8_t express[2] = {0x02, 0x00}; /* version 2, endpoint */
    sim_cap(net, 0x40, 0x10, express, sizeof(express));
    sim_function_t *port = sim_add(sim, 0, 3, 0, 0x1b36, 0x000c, 0x06, 0x04, 0, 1);
    sim_bridge(port, 0, 1, 1);
    uint8_t port_express[2] = {0x42, 0x01}; /* version 2, root port */
    sim_cap(port, 0x54, 0x10, port_express, sizeof(port_express));
    sim_function_t *blk = sim_add(sim, 1, 0, 0, 0x1af4, 0x1042, 0x01, 0x00, 0, 0);
    sim_bar(blk, 4, 0xfe20000cu, 0x4000);
    virtio_cap(blk, 0x84, 1, 0x0000, 0x1000, 16);
    sim_add(sim, 0, 31, 0, 0x8086, 0x2918, 0x06, 0x01, 0, 0x80);
    sim_function_t *sata = sim_add(sim, 0, 31, 2, 0x8086, 0x2922, 0x01, 0x06, 0x01, 0);
    sim_bar(sata, 4, 0xc041u, 0x20);
    sim_bar(sata, 5, 0xfebd2000u, 0x1000);
    uint8_t msi[12] = {0x80, 0x00}; /* 64-bit, one vector */
    sim_cap(sata, 0x80, 0x05, msi, sizeof(msi));
    sim_add(sim, 0, 31, 3, 0x8086, 0x2930, 0x0c, 0x05, 0, 0);
}
