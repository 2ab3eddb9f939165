/*
 * The guest side of beaml4's hypercall ABI (docs/hypercalls.md). The instruction follows the
 * CPU vendor, as it would on hardware: VMCALL on Intel, VMMCALL on AMD. Both are written as
 * bytes so that any assembler takes them.
 */
#include "hypercall.h"

#include "cpu.h"
#include "string.h"

bool hypercall_available(void)
{
    cpuid_regs_t r = cpuid(HYPERCALL_CPUID_LEAF, 0);
    char signature[12];
    memcpy(signature, &r.ebx, 4);
    memcpy(signature + 4, &r.ecx, 4);
    memcpy(signature + 8, &r.edx, 4);
    return memcmp(signature, "beaml4beaml4", 12) == 0 && r.eax >= HYPERCALL_CPUID_LEAF;
}

/* The vendor never changes: read once, so that a call costs one trap under a hypervisor, not a
 * CPUID's trap too. 0: not read yet, 1: Intel, 2: another vendor. */
static int vendor_intel;

int64_t hypercall(uint64_t number, uint64_t arg0, uint64_t arg1, uint64_t arg2, uint64_t arg3)
{
    uint64_t result;
    register uint64_t r10 __asm__("r10") = arg3;
    if (vendor_intel == 0) {
        vendor_intel = cpu_vendor_is_intel() ? 1 : 2;
    }
    if (vendor_intel == 1) {
        __asm__ volatile(".byte 0x0f, 0x01, 0xc1" /* vmcall */
                         : "=a"(result)
                         : "a"(number), "D"(arg0), "S"(arg1), "d"(arg2), "r"(r10)
                         : "memory");
    } else {
        __asm__ volatile(".byte 0x0f, 0x01, 0xd9" /* vmmcall */
                         : "=a"(result)
                         : "a"(number), "D"(arg0), "S"(arg1), "d"(arg2), "r"(r10)
                         : "memory");
    }
    return (int64_t)result;
}
