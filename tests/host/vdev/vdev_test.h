/*
 * Helpers shared by lib/vdev's host tests and its fuzzer: a recorder for interrupt lines, a
 * platform with every device attached, and host CPUID tables of two real processors.
 */
#ifndef VDEV_TEST_H
#define VDEV_TEST_H

#include <vdev/cpuid.h>
#include <vdev/platform.h>

/* Records what a device drives on its lines. */
typedef struct line_recorder {
    bool level[32];
    unsigned rises[32];
    unsigned falls[32];
} line_recorder_t;

void line_recorder_set(void *context, unsigned number, bool level);
vdev_line_t line_recorder_line(line_recorder_t *recorder, unsigned number);

/* A platform with one vCPU (or `vcpus`), x2APIC and TSC-deadline offered, 1 GHz APIC timer and
 * TSC, 256 MiB of RAM, COM1's output collected in `out`. */
typedef struct test_output {
    uint8_t bytes[4096];
    size_t length;
} test_output_t;

void test_platform_init(vdev_platform_t *p, unsigned vcpus, test_output_t *out);

/* Host CPUID tables made up after an Intel Skylake-X and an AMD part as QEMU's TCG shows it;
 * leaves they do not list read 0. */
typedef struct cpuid_table_entry {
    uint32_t leaf;
    uint32_t subleaf;
    vdev_cpuid_regs_t regs;
} cpuid_table_entry_t;

typedef struct cpuid_table {
    const cpuid_table_entry_t *entries;
    size_t count;
} cpuid_table_t;

extern const cpuid_table_t cpuid_intel_skylake;
extern const cpuid_table_t cpuid_amd_epyc;
void cpuid_table_host(void *context, uint32_t leaf, uint32_t subleaf, vdev_cpuid_regs_t *out);

/* A small deterministic generator (xorshift64*) for random tests that repeat. */
typedef struct test_random {
    uint64_t state;
} test_random_t;

uint64_t test_random_next(test_random_t *r);
uint64_t test_random_below(test_random_t *r, uint64_t bound);

#endif
