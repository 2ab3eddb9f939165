/*
 * CPUID feature detection and the control registers the kernel relies on. CR0, CR4 and EFER get
 * exact values, never the loader's bits ORed with ours: a bit left set by a boot loader (CR4.PCE,
 * PVI, TSD, OSXSAVE; EFER.FFXSR, SVME) would change what user mode can do or what the kernel saves.
 * Probes by CPUID only; never sets XCR0 or SMAP (see cpu.h for why), nor CR4.VMXE unless asked by
 * virt_enable, which asks only where CPUID and the VMX MSRs said VMX is usable.
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
#define CPUID1_EDX_MCE          7
#define CPUID1_EDX_APIC         9
#define CPUID1_EDX_PGE          13
#define CPUID1_EDX_FXSR         24
#define CPUID1_EDX_SSE2         26
#define CPUID7_EBX_FSGSBASE     0
#define CPUID7_EBX_SMEP         7
#define CPUID7_EBX_INVPCID      10
#define CPUID7_EBX_SMAP         20
#define CPUID7_ECX_UMIP         2
#define CPUID7_ECX_RDPID        22
#define CPUIDX1_ECX_SVM         2
#define CPUIDX1_EDX_NX          20
#define CPUIDX1_EDX_PDPE1GB     26
#define CPUIDX1_EDX_RDTSCP      27
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
    features.mce = bit(edx, CPUID1_EDX_MCE);
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
        features.rdpid = bit(ecx, CPUID7_ECX_RDPID);
    }

    cpuid_query(0x80000000, 0, &eax, &ebx, &ecx, &edx);
    features.max_extended_leaf = eax;
    if (features.max_extended_leaf >= 0x80000001) {
        cpuid_query(0x80000001, 0, &eax, &ebx, &ecx, &edx);
        features.svm = bit(ecx, CPUIDX1_ECX_SVM);
        features.nx = bit(edx, CPUIDX1_EDX_NX);
        features.pdpe1gb = bit(edx, CPUIDX1_EDX_PDPE1GB);
        features.rdtscp = bit(edx, CPUIDX1_EDX_RDTSCP);
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

/*
 * CR0: protected mode and paging (head.S), the native FPU with MP so that WAIT honours TS, NE
 * (native #MF; VMXON needs it too), WP (read-only pages bind the kernel as well). Clear: EM and
 * TS (no lazy FPU switching), AM (user RFLAGS.AC checks nothing), CD and NW (caches on).
 */
#define CR0_VALUE (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG)

/*
 * CR4: PAE (long mode), and where the CPU has them PGE (global kernel pages), MCE (a machine
 * check reaches the kernel's handler instead of shutting the machine down), OSFXSR and
 * OSXMMEXCPT (user SSE, saved with FXSAVE), UMIP (SGDT/SIDT/SLDT/STR/SMSW fault in user mode) and
 * SMEP (the kernel never runs user pages). Everything else is clear: VME and PVI (CLI/STI and
 * PUSHF/POPF keep their plain meaning in user mode), TSD clear on purpose (RDTSC is the time
 * base of user space; see docs/kernel.md), DE, PCE (RDPMC faults), FSGSBASE (the kernel keeps
 * FS/GS bases), PCIDE, OSXSAVE (no XSAVE state, so XGETBV/XSETBV fault), SMAP (see cpu.h), PKE,
 * VMXE and SMXE (VMX and SMX instructions fault), CET.
 */
BOOT_CODE static uint64_t cr4_value(void)
{
    uint64_t cr4 = CR4_PAE;

    if (features.pge) {
        cr4 |= CR4_PGE;
    }
    if (features.mce) {
        cr4 |= CR4_MCE;
    }
    if (features.fxsr) {
        cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    }
    if (features.umip) {
        cr4 |= CR4_UMIP;
    }
    if (features.smep) {
        cr4 |= CR4_SMEP;
    }
    return cr4;
}

BOOT_CODE void cpu_enable_features(void)
{
    /* EFER keeps what head.S set (LME, and NXE where the CPU has NX) and the read-only LMA;
     * SVME, LMSLE, FFXSR (which would make the kernel's FXSAVE skip the XMM registers) and the
     * rest are cleared. SCE is the syscall set-up's (arch_cpu_init). */
    msr_write(MSR_EFER, msr_read(MSR_EFER) & (EFER_LME | EFER_LMA | EFER_NXE));
    cr0_write(CR0_VALUE);
    enabled_cr4_bits = cr4_value();
    cr4_write(enabled_cr4_bits);
}

BOOT_CODE void cpu_update_cr4_bits(uint64_t set, uint64_t clear)
{
    enabled_cr4_bits = (enabled_cr4_bits | set) & ~clear;
    cr4_write(enabled_cr4_bits);
}

uint64_t cpu_enabled_cr4_bits(void)
{
    return enabled_cr4_bits;
}
