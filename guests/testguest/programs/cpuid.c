/*
 * cpuid: the facts a VMM's CPUID policy keeps stable, so that they may be printed: the vendor,
 * that family and model are reported, and the FPU, TSC, APIC, PAE, SSE2, NX and LM bits. Model
 * numbers, stepping, cache sizes, brand string and the other feature bits depend on the host
 * and are not printed. Checks: what running this guest already proves (long mode, PAE, the
 * APIC it uses) must be reported, and the basic and extended leaf ranges must reach the
 * leaves used.
 */
#include "check.h"
#include "cpu.h"
#include "programs.h"
#include "string.h"

static const char *yes_no(uint32_t reg, unsigned bit)
{
    return (reg >> bit) & 1 ? "yes" : "no";
}

void program_cpuid(void)
{
    cpuid_regs_t leaf0 = cpuid(0, 0);
    char vendor[13];
    memcpy(vendor, &leaf0.ebx, 4);
    memcpy(vendor + 4, &leaf0.edx, 4);
    memcpy(vendor + 8, &leaf0.ecx, 4);
    vendor[12] = '\0';
    say("vendor %s", vendor);
    check(leaf0.eax >= 1, "highest basic leaf at least 1");

    cpuid_regs_t leaf1 = cpuid(1, 0);
    unsigned family = (leaf1.eax >> 8) & 0xf;
    if (family == 0xf) {
        family += (leaf1.eax >> 20) & 0xff;
    }
    check(family != 0, "family reported (nonzero)");
    say("FPU %s, TSC %s, APIC %s, PAE %s, SSE2 %s", yes_no(leaf1.edx, 0), yes_no(leaf1.edx, 4),
        yes_no(leaf1.edx, 9), yes_no(leaf1.edx, 6), yes_no(leaf1.edx, 26));
    check((leaf1.edx >> 6) & 1, "PAE reported (the guest runs with it)");
    check((leaf1.edx >> 9) & 1, "APIC reported (the guest uses it)");
    check((leaf1.edx >> 4) & 1, "TSC reported (the guest uses it)");

    cpuid_regs_t ext0 = cpuid(0x80000000u, 0);
    check(ext0.eax >= 0x80000001u, "highest extended leaf at least 0x80000001");
    cpuid_regs_t ext1 = cpuid(0x80000001u, 0);
    say("NX %s, LM %s", yes_no(ext1.edx, 20), yes_no(ext1.edx, 29));
    check((ext1.edx >> 29) & 1, "LM reported (the guest runs in long mode)");

    /* The same leaf read twice gives the same answer (a policy must not flap). */
    cpuid_regs_t again = cpuid(1, 0);
    check(again.eax == leaf1.eax && again.edx == leaf1.edx && again.ecx == leaf1.ecx,
          "leaf 1 reads the same twice");
}
