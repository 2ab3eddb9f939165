/*
 * CPUID feature detection and the control-register set-up the kernel relies on. Probes by CPUID
 * only; never touches CR4.VMXE, XCR0 or SMAP (see cpu.h for why).
 */
#include <arch/boot_section.h>
#include <arch/cpu.h>

/* CPUID bit positions. */
#define CPUID1_ECX_VMX          5
#define CPUID1_ECX_PCID         17
#define CPUID1_ECX_X2APIC       21
#define CPUID1_ECX_TSC_DEADLINE 24
#define CPUID1_ECX_XSAVE        26
#define CPUID1_ECX_HYPERVISOR   31
#define CPUID1_EDX_APIC         9
#define CPUID1_EDX_PGE          13
#define CPUID1_EDX_FXSR         24
#define CPUID1_EDX_SSE2         26
#define CPUID7_EBX_FSGSBASE     0
#define CPUID7_EBX_SMEP         7
#define CPUID7_EBX_INVPCID      10
#define CPUID7_EBX_SMAP         20
#define CPUID7_ECX_UMIP         2
#define CPUIDX1_ECX_SVM         2
#define CPUIDX1_EDX_NX          20
#define CPUIDX1_EDX_PDPE1GB     26
#define CPUIDX7_EDX_INVARIANT   8

static cpu_features_t features;
static uint64_t enabled_cr4_bits;

static inline bool bit(uint32_t value, unsigned position)
{
    return (value >> position) & 1;
}

BOOT_CODE static void vendor_detect(uint32_t ebx, uint32_t ecx, uint32_t edx)
{
    const uint32_t words[3] = {ebx, edx, ecx};
    for (int w = 0; w < 3; w++) {
        for (int b = 0; b < 4; b++) {
            features.vendor_string[w * 4 + b] = (char)(words[w] >> (8 * b));
        }
    }
    features.vendor_string[12] = '\0';
    /* "GenuineIntel" and "AuthenticAMD", compared as the three CPUID registers. */
    if (ebx == 0x756e6547 && edx == 0x49656e69 && ecx == 0x6c65746e) {
        features.vendor = CPU_VENDOR_INTEL;
    } else if (ebx == 0x68747541 && edx == 0x69746e65 && ecx == 0x444d4163) {
        features.vendor = CPU_VENDOR_AMD;
    } else {
        features.vendor = CPU_VENDOR_OTHER;
    }
}

BOOT_CODE void cpu_features_detect(void)
{
    uint32_t eax;
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;

    cpuid_query(0, 0, &eax, &ebx, &ecx, &edx);
    features.max_basic_leaf = eax;
    vendor_detect(ebx, ecx, edx);

    cpuid_query(1, 0, &eax, &ebx, &ecx, &edx);
    uint32_t base_family = (eax >> 8) & 0xf;
    uint32_t base_model = (eax >> 4) & 0xf;
    features.stepping = eax & 0xf;
    features.family = base_family == 0xf ? base_family + ((eax >> 20) & 0xff) : base_family;
    features.model = (base_family == 0x6 || base_family == 0xf)
                             ? base_model | (((eax >> 16) & 0xf) << 4)
                             : base_model;
    features.vmx = bit(ecx, CPUID1_ECX_VMX);
    features.pcid = bit(ecx, CPUID1_ECX_PCID);
    features.x2apic = bit(ecx, CPUID1_ECX_X2APIC);
    features.tsc_deadline = bit(ecx, CPUID1_ECX_TSC_DEADLINE);
    features.xsave = bit(ecx, CPUID1_ECX_XSAVE);
    features.hypervisor = bit(ecx, CPUID1_ECX_HYPERVISOR);
    features.apic = bit(edx, CPUID1_EDX_APIC);
    features.pge = bit(edx, CPUID1_EDX_PGE);
    features.fxsr = bit(edx, CPUID1_EDX_FXSR);
    features.sse2 = bit(edx, CPUID1_EDX_SSE2);

    if (features.max_basic_leaf >= 7) {
        cpuid_query(7, 0, &eax, &ebx, &ecx, &edx);
        features.fsgsbase = bit(ebx, CPUID7_EBX_FSGSBASE);
        features.smep = bit(ebx, CPUID7_EBX_SMEP);
        features.invpcid = bit(ebx, CPUID7_EBX_INVPCID);
        features.smap = bit(ebx, CPUID7_EBX_SMAP);
        features.umip = bit(ecx, CPUID7_ECX_UMIP);
    }

    cpuid_query(0x80000000, 0, &eax, &ebx, &ecx, &edx);
    features.max_extended_leaf = eax;
    if (features.max_extended_leaf >= 0x80000001) {
        cpuid_query(0x80000001, 0, &eax, &ebx, &ecx, &edx);
        features.svm = bit(ecx, CPUIDX1_ECX_SVM);
        features.nx = bit(edx, CPUIDX1_EDX_NX);
        features.pdpe1gb = bit(edx, CPUIDX1_EDX_PDPE1GB);
    }
    if (features.max_extended_leaf >= 0x80000007) {
        cpuid_query(0x80000007, 0, &eax, &ebx, &ecx, &edx);
        features.invariant_tsc = bit(edx, CPUIDX7_EDX_INVARIANT);
    }
    features.phys_address_bits = 36;
    features.virt_address_bits = 48;
    if (features.max_extended_leaf >= 0x80000008) {
        cpuid_query(0x80000008, 0, &eax, &ebx, &ecx, &edx);
        features.phys_address_bits = (uint8_t)(eax & 0xff);
        features.virt_address_bits = (uint8_t)((eax >> 8) & 0xff);
    }
}

const cpu_features_t *cpu_features(void)
{
    return &features;
}

BOOT_CODE void cpu_enable_features(void)
{
    uint64_t cr0 = cr0_read();
    uint64_t cr4 = cr4_read();
    uint64_t wanted = 0;

    if (features.pge) {
        wanted |= CR4_PGE;
    }
    if (features.fxsr) {
        wanted |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    }
    if (features.smep) {
        wanted |= CR4_SMEP;
    }
    if (features.fsgsbase) {
        wanted |= CR4_FSGSBASE;
    }
    /* FPU present and native: MP so WAIT honours TS, no emulation, no lazy switching trap yet. */
    cr0 = (cr0 | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS);
    cr0_write(cr0);
    cr4_write(cr4 | wanted);
    enabled_cr4_bits = wanted;
}

uint64_t cpu_enabled_cr4_bits(void)
{
    return enabled_cr4_bits;
}
