/*
 * libFuzzer target for lib/pci over the simulated configuration space of pci_sim.h. The first
 * input byte holds flags (bit 0: give a write callback, so BARs are sized; bit 1: scan every
 * bus); then records of [bus][device << 3 | function][256 bytes of registers][6 BAR masks of
 * 4 bytes], as many as fit. Whatever the registers say, the scan must end, its records must be
 * consistent and within their limits, and with writes every register must be as it was before,
 * written only where BARs and the command register are, with decoding off. A violation aborts.
 */
#include "pci_sim.h"

#include <pci/pci.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORD (2 + PCI_CONFIG_SIZE + 4 * PCI_BARS_MAX)
#define ROOM   48

static void violation(const char *why, const pci_function_t *function)
{
    fprintf(stderr, "lib/pci broke its contract: %s\n", why);
    if (function != NULL) {
        fprintf(stderr, "  at %02x:%02x.%x\n", function->bus, function->device, function->function);
    }
    abort();
}

static void check_bars(const pci_function_t *f)
{
    for (unsigned i = 0; i < f->bar_count; i++) {
        const pci_bar_t *bar = &f->bars[i];
        if (bar->kind > PCI_BAR_UPPER_HALF || (bar->sized && (bar->size & (bar->size - 1)))) {
            violation("BAR kind or size out of range", f);
        }
        if (bar->kind == PCI_BAR_MEMORY64 &&
            (i + 1 >= f->bar_count || f->bars[i + 1].kind != PCI_BAR_UPPER_HALF)) {
            violation("64-bit BAR without its upper half", f);
        }
    }
}

static void check_function(const pci_function_t *f)
{
    if (f->device >= PCI_DEVICES_PER_BUS || f->function >= PCI_FUNCTIONS_MAX || f->vendor_id == 0 ||
        f->vendor_id == PCI_VENDOR_NONE || f->header_type > 0x7f ||
        f->problem >= PCI_PROBLEM_COUNT || f->bar_count > PCI_BARS_MAX ||
        f->capability_count > PCI_CONFIG_SIZE / 4 - 16 || f->virtio_count > PCI_VIRTIO_CAPS_MAX) {
        violation("function fields out of range", f);
    }
    if (f->header_type > 2 && (f->bar_count != 0 || f->capability_count != 0)) {
        violation("unknown header type read past the IDs", f);
    }
    if (f->msi.present && (f->msi.vectors < 1 || f->msi.vectors > 32 || f->msi.offset < 0x40)) {
        violation("MSI out of range", f);
    }
    for (unsigned i = 0; i < f->virtio_count; i++) {
        const pci_virtio_cap_t *cap = &f->virtio[i];
        if (cap->bar > 5 || cap->offset < 0x40 || cap->offset + 16u > PCI_CONFIG_SIZE ||
            cap->region_offset + cap->length < cap->region_offset) {
            violation("virtio capability out of range", f);
        }
    }
    check_bars(f);
}

static void load(sim_t *sim, const uint8_t *data, size_t size)
{
    sim_init(sim);
    for (; size >= 2 && sim->count < SIM_FUNCTIONS_MAX; data += RECORD, size -= RECORD) {
        sim_function_t *f = &sim->functions[sim->count++];
        memset(f, 0, sizeof(*f));
        f->bus = data[0];
        f->device = (uint8_t)((data[1] >> 3) & 31);
        f->function = data[1] & 7;
        size_t have = size - 2 < PCI_CONFIG_SIZE ? size - 2 : PCI_CONFIG_SIZE;
        memcpy(f->config, data + 2, have);
        for (unsigned i = 0; i < PCI_BARS_MAX && size >= 2 + PCI_CONFIG_SIZE + 4 * (i + 1); i++) {
            memcpy(&f->bar_writable[i], data + 2 + PCI_CONFIG_SIZE + 4 * i, 4);
        }
        if (size < RECORD) {
            break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sim_t sim;
    static sim_t before;
    static pci_function_t functions[ROOM];
    pci_scan_t result;

    if (size < 1) {
        return 0;
    }
    load(&sim, data + 1, size - 1);
    memcpy(&before, &sim, sizeof(sim));
    pci_access_t access = sim_access(&sim, (data[0] & 1) != 0);
    if (pci_scan(&access, (data[0] & 2) ? PCI_SCAN_ALL_BUSES : 0, functions, ROOM, &result) !=
        PCI_OK) {
        violation("scan refused valid arguments", NULL);
    }
    if (result.count > ROOM || result.buses_scanned > 256 ||
        (result.problem_count > 0 && result.problems[0].problem == PCI_PROBLEM_NONE)) {
        violation("scan counts out of range", NULL);
    }
    for (size_t i = 0; i < result.count; i++) {
        check_function(&functions[i]);
        for (size_t j = 0; j < i; j++) {
            if (functions[i].bus == functions[j].bus &&
                functions[i].device == functions[j].device &&
                functions[i].function == functions[j].function) {
                violation("a function recorded twice", &functions[i]);
            }
        }
    }
    if (sim.bad_writes != 0 || sim.decoding_bar_writes != 0 || sim.status_writes != 0) {
        violation("a write outside BARs and command, with decoding on, or to status", NULL);
    }
    for (unsigned i = 0; i < sim.count; i++) {
        if (memcmp(sim.functions[i].config, before.functions[i].config, PCI_CONFIG_SIZE) != 0) {
            violation("configuration space not restored", NULL);
        }
    }
    return 0;
}
