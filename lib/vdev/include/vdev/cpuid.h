/*
 * The CPUID a guest sees: the host's values (from the VMM's callback) with an allowlist per
 * leaf, so that only features the VMM and lib/vdev really provide show, and a few leaves made
 * up whole. docs/vmm-devices.md has the table; in short:
 *  - basic leaves up to 0xd (0x15 when the TSC and APIC timer rates are given); leaves 3, 5
 *    (MONITOR/MWAIT hidden), 6, 8-0xa (no performance counters), 0xc, 0xe-0x14 read 0;
 *  - leaf 1: VMX, SMX, MONITOR, PDCM, DCA, x2APIC-from-host, DS, ACPI, TM, PBE, MCE, MCA, PSN and
 *    HTT cleared; the hypervisor bit set; x2APIC and TSC-deadline as lib/vdev's local APIC
 *    offers them (flags); PCID and XSAVE/AVX as the mode allows (flags, xcr0_allowed); OSXSAVE
 *    from the guest's CR4; APIC from the guest's IA32_APIC_BASE.EN; one logical processor and
 *    the VM's APIC ID in EBX;
 *  - leaf 4 with one core and one thread sharing each cache; leaf 7 subleaf 0 only (no TSX, SGX,
 *    PKU, LA57, CET, PT, MPX, TSC_ADJUST, speculation controls; FSGSBASE, SMEP, SMAP, UMIP,
 *    INVPCID, RDPID as flags allow); leaves 0xb topology for one vCPU; 0xd sizes computed for
 *    the allowed XSAVE components (no XSAVES/XSS, no supervisor states); 0x15 with the APIC
 *    timer's rate as the crystal, which is what Linux assumes;
 *  - 0x40000000: EAX = 0x40000000, "beaml4beaml4" (docs/hypercalls.md);
 *  - extended leaves up to 0x80000008: SVM, OSVW, IBS, TOPOEXT, perf counters, MONITORX,
 *    FFXSR hidden; 1 GiB pages and RDTSCP as flags allow; only the invariant-TSC bit of
 *    0x80000007; 48-bit linear addresses and one core in 0x80000008.
 * A leaf above the maxima reads as the highest basic leaf on Intel, as 0 elsewhere (what each
 * vendor's processors do).
 */
#ifndef VDEV_CPUID_H
#define VDEV_CPUID_H

#include <vdev/vdev.h>

/* What the VMM can offer in this mode (vdev_cpuid_policy_t.features). */
#define VDEV_CPUID_X2APIC       (1u << 0)
#define VDEV_CPUID_TSC_DEADLINE (1u << 1)
#define VDEV_CPUID_PCID         (1u << 2)
#define VDEV_CPUID_INVPCID      (1u << 3)
#define VDEV_CPUID_XSAVE        (1u << 4) /* the VMM switches XSAVE state (xcr0_allowed) */
#define VDEV_CPUID_FSGSBASE     (1u << 5)
#define VDEV_CPUID_SMEP         (1u << 6)
#define VDEV_CPUID_SMAP         (1u << 7)
#define VDEV_CPUID_UMIP         (1u << 8)
#define VDEV_CPUID_PAGE1GB      (1u << 9)
#define VDEV_CPUID_RDTSCP       (1u << 10) /* RDTSCP and RDPID: IA32_TSC_AUX is kept */

#define VDEV_CPUID_HYPERVISOR_LEAF 0x40000000u
#define VDEV_CPUID_SIGNATURE_EBX   0x6d616562u /* "beam" */
#define VDEV_CPUID_SIGNATURE_ECX   0x6562346cu /* "l4be" */
#define VDEV_CPUID_SIGNATURE_EDX   0x346c6d61u /* "aml4" */

typedef enum { VDEV_VENDOR_OTHER = 0, VDEV_VENDOR_INTEL, VDEV_VENDOR_AMD } vdev_cpu_vendor_t;

typedef struct vdev_cpuid_regs {
    uint32_t eax;
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;
} vdev_cpuid_regs_t;

/* The host's CPUID for a leaf and subleaf (the VMM executes CPUID or reads a saved table). */
typedef void (*vdev_cpuid_host_fn)(void *context, uint32_t leaf, uint32_t subleaf,
                                   vdev_cpuid_regs_t *out);

typedef struct vdev_cpuid_policy {
    vdev_cpuid_host_fn host;
    void *host_context;
    uint32_t features;     /* VDEV_CPUID_* */
    uint64_t xcr0_allowed; /* XSAVE components the VMM saves and restores (x87 and SSE at least) */
    uint32_t apic_id;
    uint64_t tsc_hz;        /* the guest TSC's rate, or 0 */
    uint64_t apic_timer_hz; /* the local APIC timer's clock, or 0 */
    /* from the host, by vdev_cpuid_init */
    vdev_cpu_vendor_t vendor;
    uint32_t host_max_basic;
    uint32_t host_max_extended;
    uint64_t xcr0_supported; /* host components & xcr0_allowed */
} vdev_cpuid_policy_t;

/* The guest's state CPUID reflects. */
typedef struct vdev_cpuid_guest {
    bool osxsave;      /* CR4.OSXSAVE */
    bool apic_enabled; /* IA32_APIC_BASE.EN */
    uint64_t xcr0;
} vdev_cpuid_guest_t;

/* Reads the host's vendor and maxima once; the other fields are the caller's. */
void vdev_cpuid_init(vdev_cpuid_policy_t *policy);

/* The guest's CPUID(leaf, subleaf); `guest` may be NULL (reset state: OSXSAVE off, APIC on). */
void vdev_cpuid(const vdev_cpuid_policy_t *policy, const vdev_cpuid_guest_t *guest, uint32_t leaf,
                uint32_t subleaf, vdev_cpuid_regs_t *out);

/* The highest basic leaf the guest sees. */
uint32_t vdev_cpuid_max_basic(const vdev_cpuid_policy_t *policy);

#endif
