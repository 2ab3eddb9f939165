/*
 * The CPU as the test guest sees it: control registers, MSRs, CPUID, I/O ports and the TSC,
 * each behind a one-line inline function. Only names and encodings live here; no policy.
 */
#ifndef TESTGUEST_CPU_H
#define TESTGUEST_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define RFLAGS_CF   (1ull << 0)
#define RFLAGS_TF   (1ull << 8)
#define RFLAGS_IF   (1ull << 9)
#define RFLAGS_DF   (1ull << 10)
#define RFLAGS_IOPL (3ull << 12)
#define RFLAGS_NT   (1ull << 14)
#define RFLAGS_RF   (1ull << 16)
#define RFLAGS_AC   (1ull << 18)

#define CR0_PE (1ull << 0)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)

#define CR4_TSD      (1ull << 2)
#define CR4_PAE      (1ull << 5)
#define CR4_PGE      (1ull << 7)
#define CR4_UMIP     (1ull << 11)
#define CR4_FSGSBASE (1ull << 16)
#define CR4_SMEP     (1ull << 20)
#define CR4_SMAP     (1ull << 21)

#define MSR_APIC_BASE      0x0000001bu
#define MSR_TSC_DEADLINE   0x000006e0u
#define MSR_PAT            0x00000277u
#define MSR_EFER           0xc0000080u
#define MSR_STAR           0xc0000081u
#define MSR_LSTAR          0xc0000082u
#define MSR_CSTAR          0xc0000083u
#define MSR_SFMASK         0xc0000084u
#define MSR_FS_BASE        0xc0000100u
#define MSR_GS_BASE        0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_TSC_AUX        0xc0000103u

#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

typedef struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
} cpuid_regs_t;

static inline cpuid_regs_t cpuid(uint32_t leaf, uint32_t subleaf)
{
    cpuid_regs_t r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

#define CR_ACCESSORS(n)                                                                            \
    static inline uint64_t read_cr##n(void)                                                        \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    static inline void write_cr##n(uint64_t v)                                                     \
    {                                                                                              \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");                                   \
    }
CR_ACCESSORS(0)
CR_ACCESSORS(2)
CR_ACCESSORS(3)
CR_ACCESSORS(4)
#undef CR_ACCESSORS

static inline void invlpg(uintptr_t address)
{
    __asm__ volatile("invlpg (%0)" ::"r"(address) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

static inline void write_rflags(uint64_t v)
{
    __asm__ volatile("pushq %0; popfq" ::"r"(v) : "memory", "cc");
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

static inline void barrier(void)
{
    __asm__ volatile("" ::: "memory");
}

/* CPUID feature bits the guest depends on or reports. */
bool cpu_has_nx(void);
bool cpu_has_1g_pages(void);
bool cpu_has_fsgsbase(void);
bool cpu_has_x2apic(void);
bool cpu_has_tsc_deadline(void);
bool cpu_has_rdtscp(void);
bool cpu_has_rdpid(void);
bool cpu_has_umip(void);
bool cpu_vendor_is_intel(void);

#endif
