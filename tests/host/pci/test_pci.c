/*
 * Host tests of lib/pci on a simulated configuration space (pci_sim.h): a q35-like machine
 * enumerated through its bridge, with BARs decoded and sized (and every register restored),
 * MSI, MSI-X, PCI Express and virtio capabilities; then hostile spaces: capability lists that
 * loop or point into the header or past the end, bridges that loop or have impossible bus
 * numbers, all-ones reads, unknown header types, bad BARs, and more functions than room.
 */
#include "pci_sim.h"

#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define ROOM 64

static pci_function_t functions[ROOM];

static const pci_function_t *find(const pci_scan_t *scan, uint8_t bus, uint8_t device,
                                  uint8_t function)
{
    for (size_t i = 0; i < scan->count; i++) {
        const pci_function_t *f = &scan->functions[i];
        if (f->bus == bus && f->device == device && f->function == function) {
            return f;
        }
    }
    fail_msg("%02x:%02x.%x not found", bus, device, function);
    return NULL;
}

static void scan(sim_t *sim, bool writable, pci_scan_t *result)
{
    pci_access_t access = sim_access(sim, writable);

    memset(functions, 0x5a, sizeof(functions));
    assert_int_equal(pci_scan(&access, 0, functions, ROOM, result), PCI_OK);
}

static void test_q35_enumerated(void **state)
{
    sim_t sim;
    pci_scan_t result;

    (void)state;
    sim_q35(&sim);
    scan(&sim, false, &result);
    assert_int_equal(result.count, 8);
    assert_false(result.truncated);
    assert_int_equal(result.buses_scanned, 2);
    assert_int_equal(result.problem_count, 0);
    assert_int_equal(sim.writes, 0);
    const pci_function_t *host = find(&result, 0, 0, 0);
    assert_int_equal(host->vendor_id, 0x8086);
    assert_int_equal(host->device_id, 0x29c0);
    assert_string_equal(pci_class_name(host->vendor_id, host->device_id, host->class_code,
                                       host->subclass, host->prog_if),
                        "host bridge");
    const pci_function_t *isa = find(&result, 0, 31, 0);
    assert_true(isa->multifunction);
    assert_string_equal(pci_class_name(isa->vendor_id, isa->device_id, isa->class_code,
                                       isa->subclass, isa->prog_if),
                        "ISA bridge");
    const pci_function_t *sata = find(&result, 0, 31, 2);
    assert_int_equal(sata->prog_if, 1);
    assert_string_equal(pci_class_name(sata->vendor_id, sata->device_id, sata->class_code,
                                       sata->subclass, sata->prog_if),
                        "SATA controller");
    assert_true(sata->msi.present);
    assert_true(sata->msi.address_64bit);
    assert_int_equal(sata->msi.vectors, 1);
    assert_int_equal(sata->bars[4].kind, PCI_BAR_IO);
    assert_int_equal(sata->bars[4].address, 0xc040);
    assert_false(sata->bars[4].sized);
    assert_int_equal(sata->bars[0].kind, PCI_BAR_NONE); /* reads 0, unsized */
    const pci_function_t *port = find(&result, 0, 3, 0);
    assert_int_equal(port->header_type, 1);
    assert_int_equal(port->secondary_bus, 1);
    assert_int_equal(port->bar_count, 2);
    assert_true(port->express.present);
    assert_int_equal(port->express.port_type, 4);
    const pci_function_t *blk = find(&result, 1, 0, 0);
    assert_string_equal(pci_class_name(blk->vendor_id, blk->device_id, blk->class_code,
                                       blk->subclass, blk->prog_if),
                        "virtio block device");
    for (size_t i = 0; i < result.count; i++) {
        assert_int_equal(result.functions[i].problem, PCI_PROBLEM_NONE);
    }
}

static void test_virtio_net_capabilities(void **state)
{
    sim_t sim;
    pci_scan_t result;

    (void)state;
    sim_q35(&sim);
    scan(&sim, false, &result);
    const pci_function_t *net = find(&result, 0, 2, 0);
    assert_string_equal(pci_class_name(net->vendor_id, net->device_id, net->class_code,
                                       net->subclass, net->prog_if),
                        "virtio network device");
    assert_int_equal(net->capability_count, 6);
    assert_true(net->msix.present);
    assert_int_equal(net->msix.offset, 0x98);
    assert_int_equal(net->msix.table_size, 3);
    assert_int_equal(net->msix.table_bar, 1);
    assert_int_equal(net->msix.table_offset, 0);
    assert_int_equal(net->msix.pba_bar, 1);
    assert_int_equal(net->msix.pba_offset, 0x800);
    assert_int_equal(net->virtio_count, 4);
    static const uint8_t types[] = {1, 2, 3, 4};
    static const uint32_t offsets[] = {0x0000, 0x3000, 0x1000, 0x2000};
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(net->virtio[i].cfg_type, types[i]);
        assert_int_equal(net->virtio[i].bar, 4);
        assert_int_equal(net->virtio[i].region_offset, offsets[i]);
        assert_int_equal(net->virtio[i].length, 0x1000);
    }
    assert_int_equal(net->virtio[1].notify_multiplier, 4);
    assert_int_equal(net->virtio[0].notify_multiplier, 0);
    assert_true(net->express.present);
    assert_int_equal(net->express.version, 2);
    assert_int_equal(net->bars[4].kind, PCI_BAR_MEMORY64);
    assert_true(net->bars[4].prefetchable);
    assert_int_equal(net->bars[4].address, 0xfe000000u);
    assert_int_equal(net->bars[5].kind, PCI_BAR_UPPER_HALF);
}

/* Sizing: every size right, every register back as it was, decoding off while BARs change. */
static void test_bars_sized_and_restored(void **state)
{
    sim_t sim;
    sim_t before;
    pci_scan_t result;

    (void)state;
    sim_q35(&sim);
    sim_find(&sim, 0, 1, 0)->config[0x06] = 0xf9; /* status bits set: must stay set */
    memcpy(&before, &sim, sizeof(sim));
    scan(&sim, true, &result);
    assert_true(sim.writes > 0);
    assert_int_equal(sim.bad_writes, 0);
    assert_int_equal(sim.decoding_bar_writes, 0);
    assert_int_equal(sim.status_writes, 0);
    for (unsigned i = 0; i < sim.count; i++) {
        assert_memory_equal(sim.functions[i].config, before.functions[i].config, PCI_CONFIG_SIZE);
    }
    const pci_function_t *vga = find(&result, 0, 1, 0);
    assert_true(vga->bars[0].sized);
    assert_int_equal(vga->bars[0].size, 16u << 20);
    assert_true(vga->bars[0].prefetchable);
    assert_int_equal(vga->bars[2].size, 0x1000);
    assert_int_equal(vga->bars[1].kind, PCI_BAR_NONE); /* nothing writable: not implemented */
    assert_true(vga->bars[1].sized);
    const pci_function_t *net = find(&result, 0, 2, 0);
    assert_int_equal(net->bars[4].size, 0x4000);
    assert_int_equal(net->bars[1].size, 0x1000);
    assert_int_equal(net->problem, PCI_PROBLEM_NONE);
    const pci_function_t *sata = find(&result, 0, 31, 2);
    assert_int_equal(sata->bars[4].size, 0x20);
    assert_int_equal(sata->bars[5].size, 0x1000);
}

/* A device whose writable bits are not contiguous still gets a power-of-two size. */
static void test_bar_odd_masks(void **state)
{
    sim_t sim;
    pci_scan_t result;

    (void)state;
    sim_init(&sim);
    sim_function_t *f = sim_add(&sim, 0, 0, 0, 0x1234, 0x5678, 0xff, 0, 0, 0);
    sim_bar(f, 0, 0x10000000u, 0x1000);
    f->bar_writable[0] = 0x12345000u;
    sim_bar(f, 1, 0x6u, 0); /* memory type 3: reserved */
    sim_bar(f, 5, 0x4u, 0); /* 64-bit in the last slot */
    scan(&sim, true, &result);
    assert_int_equal(result.count, 1);
    assert_int_equal(functions[0].bars[0].size, 0x1000);
    assert_int_equal(functions[0].bars[1].kind, PCI_BAR_NONE);
    assert_int_equal(functions[0].problem, PCI_PROBLEM_BAR_TYPE);
    assert_int_equal(functions[0].problem_offset, 0x14);
    assert_int_equal(functions[0].bars[5].kind, PCI_BAR_NONE);
    assert_string_equal(pci_class_name(0x1234, 0x5678, 0xff, 0, 0), "vendor-specific device");
    /* Alone, the 64-bit BAR in the last slot is the first problem. */
    sim_bar(f, 1, 0, 0);
    scan(&sim, false, &result);
    assert_int_equal(functions[0].problem, PCI_PROBLEM_BAR_64_LAST);
    assert_int_equal(functions[0].problem_offset, 0x24);
}

/* Capability lists: a loop, a self-loop, into the header, past the end; the scan goes on. */
static void test_hostile_capability_lists(void **state)
{
    static const struct {
        uint8_t first;       /* the capability pointer */
        uint8_t chain[4][2]; /* offset, next */
        pci_problem_t problem;
        unsigned count; /* capabilities visited */
    } cases[] = {
            {0x40, {{0x40, 0x50}, {0x50, 0x40}}, PCI_PROBLEM_CAP_LOOP, 2},
            {0x40, {{0x40, 0x40}}, PCI_PROBLEM_CAP_LOOP, 1},
            {0x40, {{0x40, 0x43}}, PCI_PROBLEM_CAP_LOOP, 1}, /* low bits are ignored */
            {0x20, {{0}}, PCI_PROBLEM_CAP_IN_HEADER, 0},
            {0x40, {{0x40, 0x3c}}, PCI_PROBLEM_CAP_IN_HEADER, 1},
            {0x40, {{0x40, 0x08}}, PCI_PROBLEM_CAP_IN_HEADER, 1},
            {0x41, {{0x40, 0}}, PCI_PROBLEM_NONE, 1},
    };
    sim_t sim;
    pci_scan_t result;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sim_init(&sim);
        sim_function_t *f = sim_add(&sim, 0, 0, 0, 0x1234, 1, 2, 0, 0, 0);
        f->config[0x06] = 0x10;
        f->config[0x34] = cases[i].first;
        for (unsigned c = 0; c < 4 && cases[i].chain[c][0] != 0; c++) {
            f->config[cases[i].chain[c][0]] = 0x0a; /* an ID nobody decodes */
            f->config[cases[i].chain[c][0] + 1] = cases[i].chain[c][1];
        }
        sim_add(&sim, 0, 1, 0, 0x1234, 2, 2, 0, 0, 0);
        scan(&sim, false, &result);
        assert_int_equal(result.count, 2);
        if (functions[0].problem != cases[i].problem) {
            fail_msg("case %zu: %s", i, pci_problem_string(functions[0].problem));
        }
        assert_int_equal(functions[0].capability_count, cases[i].count);
    }
    /* A chain through all 48 slots ends; the 49th pointer loops. */
    sim_init(&sim);
    sim_function_t *f = sim_add(&sim, 0, 0, 0, 0x1234, 1, 2, 0, 0, 0);
    f->config[0x06] = 0x10;
    f->config[0x34] = 0x40;
    for (unsigned at = 0x40; at < 0x100; at += 4) {
        f->config[at] = 0x0a;
        f->config[at + 1] = (uint8_t)(at + 4 < 0x100 ? at + 4 : 0x40);
    }
    scan(&sim, false, &result);
    assert_int_equal(functions[0].capability_count, 48);
    assert_int_equal(functions[0].problem, PCI_PROBLEM_CAP_LOOP);
    /* No capability bit in the status register: the pointer is not read. */
    f->config[0x06] = 0;
    scan(&sim, false, &result);
    assert_int_equal(functions[0].capability_count, 0);
    assert_int_equal(functions[0].problem, PCI_PROBLEM_NONE);
}

static void test_capabilities_past_the_end(void **state)
{
    sim_t sim;
    pci_scan_t result;

    (void)state;
    sim_init(&sim);
    sim_function_t *f = sim_add(&sim, 0, 0, 0, 0x1af4, 0x1041, 2, 0, 0, 0);
    uint8_t msi[2] = {0x80 | 0x01 << 1, 0x01}; /* 64-bit with masking: 24 bytes */
    sim_cap(f, 0xec, 0x05, msi, 2);
    scan(&sim, false, &result);
    assert_false(functions[0].msi.present);
    assert_int_equal(functions[0].problem, PCI_PROBLEM_CAP_PAST_END);
    assert_int_equal(functions[0].problem_offset, 0xec);
    msi[1] = 0; /* 14 bytes fit at 0xec */
    sim_cap(f, 0xec, 0x05, msi, 2);
    scan(&sim, false, &result);
    assert_true(functions[0].msi.present);
    assert_int_equal(functions[0].msi.vectors, 2);
    msi[0] = 0x80 | 6 << 1; /* 64 vectors: reserved */
    sim_cap(f, 0xec, 0x05, msi, 2);
    scan(&sim, false, &result);
    assert_int_equal(functions[0].problem, PCI_PROBLEM_MSI_VECTORS);
    assert_int_equal(functions[0].msi.vectors, 32);
    uint8_t msix[10] = {0xff, 0x07};
    sim_cap(f, 0xf8, 0x11, msix, 6); /* 12 bytes at 0xf8: 4 past the end */
    f->config[0xec + 1] = 0xf8;
    scan(&sim, false, &result);
    assert_false(functions[0].msix.present);
    assert_int_equal(functions[0].problem, PCI_PROBLEM_MSI_VECTORS); /* the first one kept */
}

static void test_msix_and_virtio_checks(void **state)
{
    sim_t sim;
    pci_scan_t result;

    (void)state;
    for (unsigned bir = 0; bir < 8; bir++) {
        sim_init(&sim);
        sim_function_t *f = sim_add(&sim, 0, 0, 0, 0x1af4, 0x1041, 2, 0, 0, 0);
        sim_bar(f, 0, 0xfe000000u, 0x1000); /* memory */
        sim_bar(f, 1, 0xc001u, 0x40);       /* I/O */
        sim_bar(f, 2, 0xfe10000cu, 0x4000); /* 64-bit, its upper half in 3 */
        uint8_t msix[10] = {0, 0, (uint8_t)bir, 0, 0, 0, 0, 0, 0, 0};
        sim_cap(f, 0x40, 0x11, msix, sizeof(msix));
        scan(&sim, true, &result);
        bool valid = bir == 0 || bir == 2;
        assert_int_equal(functions[0].problem, valid ? PCI_PROBLEM_NONE : PCI_PROBLEM_MSIX_BAR);
        assert_true(functions[0].msix.present);
    }
    /* virtio capabilities: short, wrapping, outside a sized BAR, a reserved BAR, too many. */
    sim_init(&sim);
    sim_function_t *f = sim_add(&sim, 0, 0, 0, 0x1af4, 0x1041, 2, 0, 0, 0);
    sim_bar(f, 4, 0xfe00000cu, 0x4000);
    uint8_t notify_short[18] = {16, 2, 4};
    sim_cap(f, 0x40, 0x09, notify_short, 14);
    scan(&sim, false, &result);
    assert_int_equal(functions[0].virtio_count, 0);
    assert_int_equal(functions[0].problem, PCI_PROBLEM_VIRTIO_CAP);
    assert_int_equal(functions[0].problem_offset, 0x42);
    sim_init(&sim);
    f = sim_add(&sim, 0, 0, 0, 0x1af4, 0x1041, 2, 0, 0, 0);
    sim_bar(f, 4, 0xfe00000cu, 0x4000);
    uint8_t wrap[14] = {16, 1, 4, 0, 0, 0, 0x00, 0xf0, 0xff, 0xff, 0x00, 0x20, 0, 0};
    sim_cap(f, 0x40, 0x09, wrap, 14);
    uint8_t outside[14] = {16, 1, 4, 0, 0, 0, 0x00, 0x30, 0, 0, 0x01, 0x10, 0, 0};
    sim_cap(f, 0x50, 0x09, outside, 14);
    uint8_t reserved[14] = {16, 1, 7, 0};
    sim_cap(f, 0x60, 0x09, reserved, 14);
    for (unsigned at = 0x70; at < 0x70 + 9 * 0x10; at += 0x10) {
        uint8_t good[14] = {16, 3, 4, 0, 0, 0, 0, 0x10, 0, 0, 0x04, 0, 0, 0};
        sim_cap(f, (uint8_t)at, 0x09, good, 14);
    }
    scan(&sim, false, &result); /* unsized: only wraparound is seen */
    assert_int_equal(functions[0].problem, PCI_PROBLEM_VIRTIO_CAP);
    assert_int_equal(functions[0].problem_offset, 0x48);
    assert_int_equal(functions[0].virtio_count, PCI_VIRTIO_CAPS_MAX);
    assert_true(functions[0].virtio_truncated);
    assert_int_equal(functions[0].virtio[0].region_offset, 0x3000); /* unsized: kept */
    scan(&sim, true, &result); /* sized: 0x3000 + 0x1001 is past the 16 KiB BAR */
    assert_int_equal(functions[0].virtio[0].region_offset, 0x1000);
    /* Vendor capabilities of other vendors are not read as virtio. */
    sim_put16(f, 0, 0x8086);
    scan(&sim, false, &result);
    assert_int_equal(functions[0].virtio_count, 0);
    assert_int_equal(functions[0].problem, PCI_PROBLEM_NONE);
}

/* Bridges: a loop between two buses, a secondary bus not above its own, or above its
   subordinate, or 0; none is followed twice and the scan ends. */
static void test_hostile_bridges(void **state)
{
    sim_t sim;
    pci_scan_t result;

    (void)state;
    sim_init(&sim);
    sim_bridge(sim_add(&sim, 0, 1, 0, 0x8086, 1, 0x06, 0x04, 0, 1), 0, 1, 2);
    sim_bridge(sim_add(&sim, 1, 0, 0, 0x8086, 2, 0x06, 0x04, 0, 1), 1, 2, 2);
    sim_bridge(sim_add(&sim, 2, 0, 0, 0x8086, 3, 0x06, 0x04, 0, 1), 2, 1, 1); /* back to 1 */
    sim_bridge(sim_add(&sim, 2, 1, 0, 0x8086, 4, 0x06, 0x04, 0, 1), 2, 2, 2); /* to itself */
    sim_bridge(sim_add(&sim, 2, 2, 0, 0x8086, 5, 0x06, 0x04, 0, 1), 2, 9, 8); /* past sub */
    sim_bridge(sim_add(&sim, 2, 3, 0, 0x8086, 6, 0x06, 0x04, 0, 1), 2, 0, 0); /* unset */
    sim_bridge(sim_add(&sim, 0, 2, 0, 0x8086, 7, 0x06, 0x04, 0, 1), 0, 2, 2); /* 2 again */
    scan(&sim, false, &result);
    assert_int_equal(result.count, 7);
    assert_int_equal(result.buses_scanned, 3);
    assert_int_equal(result.problem_count, 5);
    /* 00:02.0 came first to bus 2: 01:00.0's way there is the loop. */
    assert_int_equal(result.problems[0].problem, PCI_PROBLEM_BRIDGE_LOOP);
    assert_int_equal(result.problems[0].bus, 1);
    assert_int_equal(result.problems[0].device, 0);
    assert_int_equal(result.problems[1].problem, PCI_PROBLEM_BRIDGE_BUS); /* 02:00.0, to 1 */
    assert_int_equal(result.problems[1].bus, 2);
    assert_int_equal(result.problems[2].problem, PCI_PROBLEM_BRIDGE_BUS);
    assert_int_equal(result.problems[3].problem, PCI_PROBLEM_BRIDGE_BUS);
    assert_int_equal(result.problems[4].problem, PCI_PROBLEM_BRIDGE_BUS);
    /* A chain through all 255 buses ends. */
    sim_init(&sim);
    for (unsigned bus = 0; bus < 39; bus++) {
        sim_bridge(sim_add(&sim, (uint8_t)bus, 0, 0, 0x8086, 1, 0x06, 0x04, 0, 1), (uint8_t)bus,
                   (uint8_t)(bus + 1), 255);
    }
    scan(&sim, false, &result);
    assert_int_equal(result.count, 39);
    assert_int_equal(result.buses_scanned, 40);
}

static void test_all_ones_and_unknown_headers(void **state)
{
    sim_t sim;
    pci_scan_t result;
    pci_function_t function;

    (void)state;
    sim_q35(&sim);
    sim.all_ones = true;
    scan(&sim, true, &result);
    assert_int_equal(result.count, 0);
    assert_int_equal(result.buses_scanned, 1);
    assert_int_equal(sim.writes, 0);
    /* A function that answers ones past its vendor ID: header type 0x7f, nothing else read. */
    sim_init(&sim);
    sim_function_t *f = sim_add(&sim, 0, 0, 0, 0x1234, 0xffff, 0xff, 0xff, 0xff, 0xff);
    memset(f->config + 4, 0xff, PCI_CONFIG_SIZE - 4);
    scan(&sim, true, &result);
    assert_int_equal(result.count, 1); /* functions 1-7 read as absent */
    assert_int_equal(functions[0].header_type, 0x7f);
    assert_true(functions[0].multifunction);
    assert_int_equal(functions[0].problem, PCI_PROBLEM_HEADER_TYPE);
    assert_int_equal(sim.writes, 0);
    /* Vendor 0 is no function; arguments. */
    sim_put16(f, 0, 0);
    pci_access_t access = sim_access(&sim, false);
    assert_int_equal(pci_read_function(&access, 0, 0, 0, &function), PCI_ERR_ABSENT);
    assert_int_equal(pci_read_function(&access, 0, 32, 0, &function), PCI_ERR_ARGUMENT);
    assert_int_equal(pci_read_function(&access, 0, 0, 8, &function), PCI_ERR_ARGUMENT);
    assert_int_equal(pci_read_function(NULL, 0, 0, 0, &function), PCI_ERR_ARGUMENT);
    assert_int_equal(pci_read_function(&access, 0, 0, 0, NULL), PCI_ERR_ARGUMENT);
    assert_int_equal(pci_scan(&access, 0, NULL, 4, &result), PCI_ERR_ARGUMENT);
    assert_int_equal(pci_scan(&access, 0, functions, 4, NULL), PCI_ERR_ARGUMENT);
    assert_int_equal(pci_scan(&access, 0, NULL, 0, &result), PCI_OK);
}

static void test_truncation_and_all_buses(void **state)
{
    sim_t sim;
    pci_scan_t result;
    pci_access_t access;

    (void)state;
    sim_q35(&sim);
    access = sim_access(&sim, false);
    assert_int_equal(pci_scan(&access, 0, functions, 3, &result), PCI_OK);
    assert_int_equal(result.count, 3);
    assert_true(result.truncated);
    assert_int_equal(result.buses_scanned, 2); /* the bridge on bus 0 still followed */
    /* A device on bus 7 that no bridge leads to: found only by the scan of every bus. */
    sim_add(&sim, 7, 4, 0, 0x1234, 0x4321, 0x02, 0x00, 0, 0);
    scan(&sim, false, &result);
    assert_int_equal(result.count, 8);
    assert_int_equal(pci_scan(&access, PCI_SCAN_ALL_BUSES, functions, ROOM, &result), PCI_OK);
    assert_int_equal(result.count, 9);
    assert_int_equal(result.buses_scanned, 256);
    /* Further host bridges at 00:00.1 own bus 1. */
    sim_init(&sim);
    sim_add(&sim, 0, 0, 0, 0x8086, 1, 0x06, 0x00, 0, 0x80);
    sim_add(&sim, 0, 0, 1, 0x8086, 1, 0x06, 0x00, 0, 0);
    sim_add(&sim, 1, 5, 0, 0x1234, 1, 0x02, 0x00, 0, 0);
    scan(&sim, false, &result);
    assert_int_equal(result.count, 3);
    assert_int_equal(result.buses_scanned, 2);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(pci_class_name(0x1af4, 0x1000, 2, 0, 0), "virtio network device");
    assert_string_equal(pci_class_name(0x1af4, 0x1001, 1, 0, 0), "virtio block device");
    assert_string_equal(pci_class_name(0x1af4, 0x1045, 0, 0, 0), "virtio memory balloon");
    assert_string_equal(pci_class_name(0x1af4, 0x1048, 1, 0, 0), "virtio SCSI controller");
    assert_string_equal(pci_class_name(0x1af4, 0x1050, 3, 0, 0), "virtio GPU");
    assert_string_equal(pci_class_name(0x1af4, 0x107f, 0xff, 0, 0), "virtio device");
    assert_string_equal(pci_class_name(0x1af4, 0x1006, 0xff, 0, 0), "virtio device");
    assert_string_equal(pci_class_name(0x1af4, 0x1110, 0x05, 0x00, 0), "RAM controller");
    assert_string_equal(pci_class_name(0x8086, 0x10d3, 2, 0, 0), "Ethernet controller");
    assert_string_equal(pci_class_name(0x8086, 1, 0x0c, 0x03, 0x30), "USB controller");
    assert_string_equal(pci_class_name(0x8086, 1, 0x01, 0x80, 0), "storage controller");
    assert_string_equal(pci_class_name(0x8086, 1, 0x40, 0, 0), "unknown device");
    for (int i = 0; i < PCI_PROBLEM_COUNT; i++) {
        for (int j = 0; j < i; j++) {
            assert_string_not_equal(pci_problem_string((pci_problem_t)i),
                                    pci_problem_string((pci_problem_t)j));
        }
    }
    assert_string_equal(pci_problem_string(PCI_PROBLEM_COUNT), "unknown problem");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_q35_enumerated),
            cmocka_unit_test(test_virtio_net_capabilities),
            cmocka_unit_test(test_bars_sized_and_restored),
            cmocka_unit_test(test_bar_odd_masks),
            cmocka_unit_test(test_hostile_capability_lists),
            cmocka_unit_test(test_capabilities_past_the_end),
            cmocka_unit_test(test_msix_and_virtio_checks),
            cmocka_unit_test(test_hostile_bridges),
            cmocka_unit_test(test_all_ones_and_unknown_headers),
            cmocka_unit_test(test_truncation_and_all_buses),
            cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
