/*
 * Shared test helpers: line recorder, platform factory, CPUID tables, random numbers.
 */
#include "vdev_test.h"

#include <string.h>

void line_recorder_set(void *context, unsigned number, bool level)
{
    line_recorder_t *r = context;

    if (number >= 32) {
        return;
    }
    if (level && !r->level[number]) {
        r->rises[number]++;
    }
    if (!level && r->level[number]) {
        r->falls[number]++;
    }
    r->level[number] = level;
}

vdev_line_t line_recorder_line(line_recorder_t *recorder, unsigned number)
{
    return (vdev_line_t){.set = line_recorder_set, .context = recorder, .number = number};
}

static void collect(void *context, uint8_t byte)
{
    test_output_t *out = context;

    if (out->length < sizeof(out->bytes)) {
        out->bytes[out->length++] = byte;
    }
}

void test_platform_init(vdev_platform_t *p, unsigned vcpus, test_output_t *out)
{
    vdev_platform_config_t config = {
            .vcpus = vcpus,
            .first_apic_id = 0,
            .phys_addr_bits = 39,
            .x2apic = true,
            .tsc_deadline = true,
            .apic_timer_hz = 1000000000ull,
            .tsc_hz = 1000000000ull,
            .tsc_at_zero = 0,
            .wall_seconds = 1767225600, /* 2026-01-01 00:00:00 UTC */
            .ram_below_4g = 256ull << 20,
            .ram_above_4g = 0,
            .com1_transmit = out != NULL ? collect : NULL,
            .com1_context = out,
            .msr = {.vendor = VDEV_VENDOR_INTEL, .nx = true, .tsc_aux = true},
    };

    if (out != NULL) {
        memset(out, 0, sizeof(*out));
    }
    vdev_platform_init(p, &config);
}

static bool subleaf_matters(uint32_t leaf)
{
    return leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd || leaf == 0x8000001d;
}

void cpuid_table_host(void *context, uint32_t leaf, uint32_t subleaf, vdev_cpuid_regs_t *out)
{
    const cpuid_table_t *table = context;

    for (size_t i = 0; i < table->count; i++) {
        const cpuid_table_entry_t *e = &table->entries[i];

        if (e->leaf == leaf && (e->subleaf == subleaf || !subleaf_matters(leaf))) {
            *out = e->regs;
            return;
        }
    }
    *out = (vdev_cpuid_regs_t){0};
}

/* Made up after a Skylake-X: the features, cache leaves and XSAVE sizes such a part reports. */
static const cpuid_table_entry_t skylake[] = {
        {0x0, 0, {0x16, 0x756e6547, 0x6c65746e, 0x49656e69}},
        {0x1, 0, {0x00050654, 0x00100800, 0x7ffefbff, 0xbfebfbff}},
        {0x2, 0, {0x00feff01, 0x000000f0, 0x00000000, 0x00000000}},
        {0x4, 0, {0x1c004121, 0x01c0003f, 0x0000003f, 0x00000000}},
        {0x4, 1, {0x1c004122, 0x01c0003f, 0x0000003f, 0x00000000}},
        {0x5, 0, {0x00000040, 0x00000040, 0x00000003, 0x00002020}},
        {0x6, 0, {0x00000077, 0x00000002, 0x00000009, 0x00000000}},
        {0x7, 0, {0x00000000, 0xd39ffffb, 0x00000818, 0xbc000400}},
        {0xa, 0, {0x07300404, 0x00000000, 0x00000000, 0x00000603}},
        {0xb, 0, {0x00000001, 0x00000002, 0x00000100, 0x00000000}},
        {0xb, 1, {0x00000005, 0x00000014, 0x00000201, 0x00000000}},
        {0xd, 0, {0x000002ff, 0x00000a80, 0x00000a88, 0x00000000}},
        {0xd, 1, {0x0000000f, 0x00000a00, 0x00000100, 0x00000000}},
        {0xd, 2, {0x00000100, 0x00000240, 0x00000000, 0x00000000}},
        {0xd, 3, {0x00000040, 0x000003c0, 0x00000000, 0x00000000}},
        {0xd, 4, {0x00000040, 0x00000400, 0x00000000, 0x00000000}},
        {0xd, 5, {0x00000040, 0x00000440, 0x00000000, 0x00000000}},
        {0xd, 6, {0x00000200, 0x00000480, 0x00000000, 0x00000000}},
        {0xd, 7, {0x00000400, 0x00000680, 0x00000000, 0x00000000}},
        {0xd, 8, {0x00000080, 0x00000000, 0x00000001, 0x00000000}},
        {0xd, 9, {0x00000008, 0x00000a80, 0x00000000, 0x00000000}},
        {0x15, 0, {0x00000002, 0x000000c8, 0x00000000, 0x00000000}},
        {0x16, 0, {0x00000bb8, 0x00000fa0, 0x00000064, 0x00000000}},
        {0x80000000, 0, {0x80000008, 0x00000000, 0x00000000, 0x00000000}},
        {0x80000001, 0, {0x00000000, 0x00000000, 0x00000121, 0x2c100800}},
        {0x80000002, 0, {0x65746e49, 0x2952286c, 0x6f655820, 0x2952286e}},
        {0x80000006, 0, {0x00000000, 0x00000000, 0x04008040, 0x00000000}},
        {0x80000007, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000100}},
        {0x80000008, 0, {0x0000302e, 0x00000000, 0x00000000, 0x00000000}},
};

/* Made up after an AMD part as QEMU's TCG -cpu max shows it (SVM, no x2APIC, 3 XSAVE states). */
static const cpuid_table_entry_t epyc[] = {
        {0x0, 0, {0x0d, 0x68747541, 0x444d4163, 0x69746e65}},
        {0x1, 0, {0x000806f1, 0x00000800, 0xf6f83203, 0x178bfbff}},
        {0x7, 0, {0x00000000, 0x008c07a9, 0x0040069c, 0x00000000}},
        {0xd, 0, {0x00000007, 0x00000340, 0x00000340, 0x00000000}},
        {0xd, 1, {0x00000001, 0x00000000, 0x00000000, 0x00000000}},
        {0xd, 2, {0x00000100, 0x00000240, 0x00000000, 0x00000000}},
        {0x80000000, 0, {0x8000000a, 0x68747541, 0x444d4163, 0x69746e65}},
        {0x80000001, 0, {0x00800f11, 0x00000000, 0x000001ff, 0xefd3fbff}},
        {0x80000002, 0, {0x554d4551, 0x72695620, 0x6c617574, 0x55504320}},
        {0x80000005, 0, {0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140}},
        {0x80000006, 0, {0x00000000, 0x42004200, 0x02008140, 0x00808140}},
        {0x80000007, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
        {0x80000008, 0, {0x00003028, 0x00000205, 0x00000000, 0x00000000}},
        {0x8000000a, 0, {0x00000001, 0x00000010, 0x00000000, 0x000000ff}},
};

const cpuid_table_t cpuid_intel_skylake = {skylake, sizeof(skylake) / sizeof(skylake[0])};
const cpuid_table_t cpuid_amd_epyc = {epyc, sizeof(epyc) / sizeof(epyc[0])};

uint64_t test_random_next(test_random_t *r)
{
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * 0x2545f4914f6cdd1dull;
}

uint64_t test_random_below(test_random_t *r, uint64_t bound)
{
    return bound == 0 ? 0 : test_random_next(r) % bound;
}
