/*
 * The MSR policy: for every MSR index, what RDMSR reads and what WRMSR may write.
 * docs/vmm-devices.md has the table. Four kinds:
 *  - context: the vCPU's own registers (TSC, SYSENTER_*, PAT, EFER, STAR, LSTAR, CSTAR, SFMASK,
 *    FS/GS/KERNEL_GS base, TSC_AUX). A read answers VDEV_MSR_CONTEXT: the VMM reads its vCPU
 *    state. A write is validated here (reserved bits, canonical addresses, PAT memory types,
 *    EFER's LME while paging) and answers VDEV_MSR_CONTEXT with the value to load (EFER.LMA is
 *    kept as the vCPU has it), or VDEV_MSR_GP;
 *  - local APIC: IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC range, through vdev_lapic;
 *  - kept here (vdev_msr_state_t): the MTRRs (8 variable ranges, fixed ranges, default type:
 *    stored and validated, with no effect on guest memory) and IA32_MISC_ENABLE (Intel);
 *  - constants: MTRRCAP, IA32_FEATURE_CONTROL (locked, VMX off), BIOS_SIGN_ID/PATCH_LEVEL
 *    (reads 0, writes ignored), IA32_PLATFORM_ID, DEBUGCTL (0; only 0 may be written), and on
 *    AMD HWCR, SYSCFG, DE_CFG.
 * Every other MSR raises #GP(0) on read and write (the features that would need them are hidden
 * by the CPUID policy).
 */
#ifndef VDEV_MSR_H
#define VDEV_MSR_H

#include <vdev/cpuid.h>
#include <vdev/lapic.h>

#define VDEV_MSR_TSC                0x10u
#define VDEV_MSR_PLATFORM_ID        0x17u
#define VDEV_MSR_FEATURE_CONTROL    0x3au
#define VDEV_MSR_BIOS_SIGN_ID       0x8bu
#define VDEV_MSR_MTRRCAP            0xfeu
#define VDEV_MSR_SYSENTER_CS        0x174u
#define VDEV_MSR_SYSENTER_ESP       0x175u
#define VDEV_MSR_SYSENTER_EIP       0x176u
#define VDEV_MSR_MISC_ENABLE        0x1a0u
#define VDEV_MSR_DEBUGCTL           0x1d9u
#define VDEV_MSR_MTRR_PHYS_FIRST    0x200u
#define VDEV_MSR_MTRR_PHYS_LAST     0x20fu
#define VDEV_MSR_MTRR_FIX_64K       0x250u
#define VDEV_MSR_MTRR_FIX_16K_80000 0x258u
#define VDEV_MSR_MTRR_FIX_16K_A0000 0x259u
#define VDEV_MSR_MTRR_FIX_4K_FIRST  0x268u
#define VDEV_MSR_MTRR_FIX_4K_LAST   0x26fu
#define VDEV_MSR_PAT                0x277u
#define VDEV_MSR_MTRR_DEF_TYPE      0x2ffu
#define VDEV_MSR_EFER               0xc0000080u
#define VDEV_MSR_STAR               0xc0000081u
#define VDEV_MSR_LSTAR              0xc0000082u
#define VDEV_MSR_CSTAR              0xc0000083u
#define VDEV_MSR_SFMASK             0xc0000084u
#define VDEV_MSR_FS_BASE            0xc0000100u
#define VDEV_MSR_GS_BASE            0xc0000101u
#define VDEV_MSR_KERNEL_GS_BASE     0xc0000102u
#define VDEV_MSR_TSC_AUX            0xc0000103u
#define VDEV_MSR_AMD_SYSCFG         0xc0010010u
#define VDEV_MSR_AMD_HWCR           0xc0010015u
#define VDEV_MSR_AMD_DE_CFG         0xc0011029u

#define VDEV_EFER_SCE (1ull << 0)
#define VDEV_EFER_LME (1ull << 8)
#define VDEV_EFER_LMA (1ull << 10)
#define VDEV_EFER_NXE (1ull << 11)

#define VDEV_MSR_MTRRCAP_VALUE 0x508u /* 8 variable ranges, fixed ranges, write-combining */
#define VDEV_MSR_MTRR_VARIABLE 8u

typedef enum {
    VDEV_MSR_OK = 0,  /* done: a read's value is in *value */
    VDEV_MSR_GP,      /* raise #GP(0); nothing changed */
    VDEV_MSR_CONTEXT, /* the vCPU's register: read it from the vCPU / load *value into it */
} vdev_msr_result_t;

typedef enum {
    VDEV_MSR_KIND_GP = 0,
    VDEV_MSR_KIND_CONTEXT,
    VDEV_MSR_KIND_APIC,
    VDEV_MSR_KIND_KEPT,
    VDEV_MSR_KIND_CONSTANT,
} vdev_msr_kind_t;

typedef struct vdev_msr_config {
    vdev_cpu_vendor_t vendor;
    bool nx;      /* EFER.NXE may be set */
    bool tsc_aux; /* RDTSCP or RDPID offered: IA32_TSC_AUX exists */
    uint8_t phys_addr_bits;
} vdev_msr_config_t;

/* Per vCPU: the MSRs this module keeps itself. */
typedef struct vdev_msr_state {
    uint64_t mtrr_def_type;
    uint64_t mtrr_fixed[11];                            /* 0x250, 0x258, 0x259, 0x268-0x26f */
    uint64_t mtrr_variable[2 * VDEV_MSR_MTRR_VARIABLE]; /* base, mask pairs */
    uint64_t misc_enable;
} vdev_msr_state_t;

/* The vCPU state a write is checked against. */
typedef struct vdev_msr_cpu {
    uint64_t efer;
    bool paging; /* CR0.PG */
} vdev_msr_cpu_t;

void vdev_msr_state_init(vdev_msr_state_t *state);

/* The kind of an MSR under this configuration (for vm stats and tests). */
vdev_msr_kind_t vdev_msr_kind(const vdev_msr_config_t *config, uint32_t index);

vdev_msr_result_t vdev_msr_read(const vdev_msr_config_t *config, vdev_msr_state_t *state,
                                vdev_lapic_t *lapic, uint32_t index, uint64_t *value, uint64_t now);

/* *value in, and for VDEV_MSR_CONTEXT the value to load out. */
vdev_msr_result_t vdev_msr_write(const vdev_msr_config_t *config, vdev_msr_state_t *state,
                                 vdev_lapic_t *lapic, const vdev_msr_cpu_t *cpu, uint32_t index,
                                 uint64_t *value, uint64_t now);

#endif
