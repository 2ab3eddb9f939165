/*
 * What the VMM supplies to the PV vCPU (pv/cpu.h): guest RAM, the devices (ports, MMIO, MSRs,
 * CPUID, the interrupt controller) through lib/vdev's models and policies, hypercalls, and the
 * software TLB's notifications. The vCPU calls these only in its act steps, once the guest's
 * fate is decided, with one exception each for MSR writes (the policy both checks and applies,
 * see msr_write) and reads of device state (a port or MMIO read is the access itself).
 * Every callback receives `context` first. None may be NULL unless its comment says so.
 */
#ifndef PV_ENV_H
#define PV_ENV_H

#include <pv/memory.h>
#include <pv/walk.h>
#include <sel4/pv.h>

/* MSR accesses, with lib/vdev's meanings (vdev/msr.h): OK done, GP fault, CONTEXT the vCPU's. */
typedef enum {
    PV_MSR_OK = 0,  /* read: *value is the result; write: done */
    PV_MSR_GP,      /* #GP(0); nothing changed */
    PV_MSR_CONTEXT, /* one of the vCPU's own registers: read it from the vCPU state; for a
                       write, *value is the checked value to load (EFER.LMA as the vCPU has it) */
} pv_msr_result_t;

/* The state a WRMSR is checked against (vdev_msr_cpu_t). */
typedef struct pv_msr_cpu {
    uint64_t efer;
    bool paging; /* CR0.PG */
} pv_msr_cpu_t;

/* CPUID's result registers. */
typedef struct pv_cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
} pv_cpuid_regs_t;

/* A hypercall's answer (docs/hypercalls.md). */
typedef struct pv_hypercall_result {
    bool exit;      /* EXIT: the VM ends with `value` as its status */
    uint64_t value; /* otherwise RAX */
} pv_hypercall_result_t;

/* Interrupt injection (vdev/intc.h's vdev_intc_pending and vdev_intc_ack). */
typedef enum {
    PV_INTR_NONE = 0,
    PV_INTR_NMI,
    PV_INTR_EXTINT,
    PV_INTR_FIXED,
} pv_intr_kind_t;

typedef struct pv_interruptibility {
    bool interrupts_enabled; /* the guest's RFLAGS.IF */
    bool interrupt_shadow;   /* STI or MOV SS shadow */
    bool nmi_blocked;
} pv_interruptibility_t;

typedef struct pv_intr {
    pv_intr_kind_t kind; /* what can be injected now, or NONE */
    uint8_t vector;
    bool irq_window; /* a maskable interrupt waits for IF or the shadow */
    bool nmi_window; /* an NMI waits for NMI blocking or the shadow */
} pv_intr_t;

/* What changed for the software TLB (pv_env_t.paging_changed). */
#define PV_PAGING_CR3   (1u << 0) /* a new CR3 (no_flush: PCIDE and bit 63 of the source) */
#define PV_PAGING_MODE  (1u << 1) /* CR0.PG/WP, CR4.PAE/PSE/PGE/PCIDE/SMEP/SMAP, EFER.NXE/LMA */
#define PV_PAGING_FLUSH (1u << 2) /* every translation, global ones too */

typedef struct pv_env {
    void *context;
    const pv_memory_t *memory; /* guest RAM */

    /* The PV fast path's page (sel4/pv.h) or NULL: the vCPU keeps its `flags` (the virtual IF)
     * and `pending` in step with its own state, and `enabled` only while the guest's CPL is 0. */
    volatile seL4_PVPage *pv_page;

    /* Port I/O of size 1, 2 or 4 (a port nobody claims reads all-ones). */
    uint32_t (*io_in)(void *context, uint16_t port, unsigned size);
    void (*io_out)(void *context, uint16_t port, unsigned size, uint32_t value);

    /* MMIO of size 1, 2, 4 or 8 at a guest-physical address that is not RAM. */
    uint64_t (*mmio_read)(void *context, gpa_t address, unsigned size);
    void (*mmio_write)(void *context, gpa_t address, unsigned size, uint64_t value);

    /*
     * RDMSR and WRMSR through the MSR policy (vdev_platform_msr_read/write). A write that answers
     * PV_MSR_OK has happened (a device register); PV_MSR_GP and PV_MSR_CONTEXT changed nothing.
     */
    pv_msr_result_t (*msr_read)(void *context, uint32_t index, uint64_t *value);
    pv_msr_result_t (*msr_write)(void *context, const pv_msr_cpu_t *cpu, uint32_t index,
                                 uint64_t *value);

    /* CPUID through the CPUID policy (vdev_cpuid), given the guest's CR4.OSXSAVE and XCR0. */
    void (*cpuid)(void *context, uint32_t leaf, uint32_t subleaf, bool osxsave, uint64_t xcr0,
                  pv_cpuid_regs_t *out);

    /* The guest's TSC now (RDTSCP, RDMSR of IA32_TSC). */
    uint64_t (*tsc_read)(void *context);

    /* CR8: the local APIC's task-priority class (TPR bits 7:4). */
    unsigned (*tpr_read)(void *context);
    void (*tpr_write)(void *context, unsigned priority_class);

    /* VMCALL/VMMCALL from CPL 0: number RAX, arguments RDI, RSI, RDX, R10. */
    pv_hypercall_result_t (*hypercall)(void *context, uint64_t number, const uint64_t args[4]);

    /* The software TLB: the paging state changed (PV_PAGING_*), after the change. */
    void (*paging_changed)(void *context, const pv_paging_t *paging, unsigned what, bool no_flush);
    /* INVLPG, and INVPCID of one address (pcid is 0 without PCIDE). */
    void (*invalidate_page)(void *context, gva_t address, uint16_t pcid);
    /* INVPCID of one PCID's non-global translations (all_pcids: every PCID's; globals: and
     * the global ones too). */
    void (*invalidate_pcid)(void *context, uint16_t pcid, bool all_pcids, bool globals);
    /* RFLAGS.AC changed while CR4.SMAP is set (SMAP's view of user pages), may be NULL. */
    void (*ac_changed)(void *context, bool ac);

    /* The interrupt controller: what can be injected now, and its acknowledge. */
    void (*intr_pending)(void *context, const pv_interruptibility_t *cpu, pv_intr_t *out);
    uint8_t (*intr_ack)(void *context, pv_intr_kind_t kind);

    /* The caller's storage for the vCPU's translations of one event (pv/walk.h), or NULL: every
     * access walks. Emptied by the vCPU at each event's start. */
    pv_walk_cache_t *walk_cache;
} pv_env_t;

#endif
