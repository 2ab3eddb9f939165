/* CPUID feature tests, each reading the leaf it needs (cheap enough; nothing is cached). */
#include "cpu.h"

static bool has_leaf(uint32_t leaf)
{
    uint32_t base = leaf & 0x80000000u;
    return cpuid(base, 0).eax >= leaf;
}

static bool bit(uint32_t leaf, uint32_t subleaf, int reg, unsigned n)
{
    if (!has_leaf(leaf)) {
        return false;
    }
    cpuid_regs_t r = cpuid(leaf, subleaf);
    uint32_t value = reg == 'b' ? r.ebx : reg == 'c' ? r.ecx : r.edx;
    return (value >> n) & 1;
}

bool cpu_has_nx(void)
{
    return bit(0x80000001u, 0, 'd', 20);
}

bool cpu_has_1g_pages(void)
{
    return bit(0x80000001u, 0, 'd', 26);
}

bool cpu_has_rdtscp(void)
{
    return bit(0x80000001u, 0, 'd', 27);
}

bool cpu_has_fsgsbase(void)
{
    return bit(7, 0, 'b', 0);
}

bool cpu_has_umip(void)
{
    return bit(7, 0, 'c', 2);
}

bool cpu_has_rdpid(void)
{
    return bit(7, 0, 'c', 22);
}

bool cpu_has_x2apic(void)
{
    return bit(1, 0, 'c', 21);
}

bool cpu_has_tsc_deadline(void)
{
    return bit(1, 0, 'c', 24);
}

bool cpu_vendor_is_intel(void)
{
    cpuid_regs_t r = cpuid(0, 0);
    /* "GenuineIntel" in EBX, EDX, ECX. */
    return r.ebx == 0x756e6547u && r.edx == 0x49656e69u && r.ecx == 0x6c65746eu;
}
