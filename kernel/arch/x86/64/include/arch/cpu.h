/*
 * The boot CPU: CPUID feature detection into one struct, and switching on what the kernel relies
 * on. Also the single-instruction accessors for CPUID, MSRs and control registers.
 * Never executes XGETBV/XSAVE/XRSTOR (the KVM used here fails on them): user FPU/SSE state is
 * saved with FXSAVE/FXRSTOR, which CR4.OSFXSR enables.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)

#define CR4_TSD        (1ull << 2)
#define CR4_PAE        (1ull << 5)
#define CR4_MCE        (1ull << 6)
#define CR4_PGE        (1ull << 7)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP       (1ull << 11)
#define CR4_VMXE       (1ull << 13)
#define CR4_FSGSBASE   (1ull << 16)
#define CR4_PCIDE      (1ull << 17)
#define CR4_SMEP       (1ull << 20)
#define CR4_SMAP       (1ull << 21)

#define MSR_IA32_APIC_BASE 0x0000001bu
#define MSR_EFER           0xc0000080u
#define EFER_SCE           (1ull << 0)
#define EFER_LME           (1ull << 8)
#define EFER_LMA           (1ull << 10)
#define EFER_NXE           (1ull << 11)

typedef enum {
    CPU_VENDOR_OTHER = 0,
    CPU_VENDOR_INTEL,
    CPU_VENDOR_AMD,
} cpu_vendor_t;

typedef struct {
    cpu_vendor_t vendor;
    char vendor_string[13]; /* CPUID 0 as text, NUL-terminated */
    uint32_t max_basic_leaf;
    uint32_t max_extended_leaf;
    uint32_t family; /* display family (base + extended) */
    uint32_t model;  /* display model (extended model folded in) */
    uint32_t stepping;
    uint8_t phys_address_bits; /* CPUID 0x80000008 EAX[7:0]; 36 when the leaf is missing */
    uint8_t virt_address_bits;
    bool nx;
    bool pdpe1gb;
    bool pge;
    bool fxsr;
    bool sse2;
    bool fsgsbase;
    bool pcid;
    bool invpcid;
    bool mce;
    bool apic;
    bool x2apic;
    bool tsc_deadline;
    bool invariant_tsc;
    bool xsave;
    bool vmx;
    bool svm;
    bool umip;
    bool rdtscp; /* CPUID.80000001H:EDX[27]; RDTSCP reads IA32_TSC_AUX */
    bool rdpid;  /* CPUID.7:ECX[22]; so does RDPID */
    bool smep;
    bool smap;
    bool hypervisor; /* CPUID.1:ECX[31]: running under a hypervisor */
} cpu_features_t;

/* Read CPUID into the struct returned by cpu_features(). Boot only, before anything else. */
void cpu_features_detect(void);

/* The features found by cpu_features_detect(). */
const cpu_features_t *cpu_features(void);

/*
 * Give CR0, CR4 and EFER their exact values (the table in docs/kernel.md): CR4.PGE (global kernel
 * pages), CR4.OSFXSR and CR4.OSXMMEXCPT with CR0.MP set and CR0.EM/TS clear (user code may use
 * SSE; state saved with FXSAVE), CR4.MCE, UMIP and SMEP where present; FSGSBASE, PCIDE, PCE, TSD,
 * VME/PVI, OSXSAVE and PKE clear. SMAP stays off (the kernel copies IPC data from user memory
 * without STAC/CLAC, which the KVM here cannot execute). EFER keeps only LME/LMA/NXE.
 */
void cpu_enable_features(void);

/* The CR4 bits cpu_enable_features() set (and cpu_set_cr4_bits added), for the summary and the
 * host-state check. */
uint64_t cpu_enabled_cr4_bits(void);

/* Boot only: set and clear CR4 bits (CR4.VMXE, once virt_enable has found VMX usable). */
void cpu_update_cr4_bits(uint64_t set, uint64_t clear);

static inline void cpuid_query(uint32_t leaf, uint32_t subleaf, uint32_t *eax, uint32_t *ebx,
                               uint32_t *ecx, uint32_t *edx)
{
    __asm__ volatile("cpuid"
                     : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx)
                     : "a"(leaf), "c"(subleaf));
}

static inline uint64_t msr_read(uint32_t msr)
{
    uint32_t low;
    uint32_t high;
    __asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
    return ((uint64_t)high << 32) | low;
}

static inline void msr_write(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr"
                     :
                     : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

static inline uint64_t cr0_read(void)
{
    uint64_t value;
    __asm__ volatile("mov %%cr0, %0" : "=r"(value));
    return value;
}

static inline void cr0_write(uint64_t value)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(value) : "memory");
}

static inline uint64_t cr3_read(void)
{
    uint64_t value;
    __asm__ volatile("mov %%cr3, %0" : "=r"(value));
    return value;
}

static inline void cr3_write(uint64_t value)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(value) : "memory");
}

static inline uint64_t cr4_read(void)
{
    uint64_t value;
    __asm__ volatile("mov %%cr4, %0" : "=r"(value));
    return value;
}

static inline void cr4_write(uint64_t value)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(value) : "memory");
}

#endif
