/*
 * The x86-64 part of the per-CPU state: the words the entry code needs at fixed offsets
 * (through %gs), this CPU's GDT and TSS, the FPU owner and the loaded CR3/FS/GS values.
 */
#ifndef ARCH_KERNEL_CPU_ARCH_H
#define ARCH_KERNEL_CPU_ARCH_H

#include <arch/kernel/context_layout.h>
#include <arch/kernel/tcb_arch.h>
#include <kernel/types.h>

/* The 64-bit task-state segment (Intel SDM vol. 3, 8.7). */
typedef struct {
    uint32_t reserved0;
    uint64_t rsp0;
    uint64_t rsp1;
    uint64_t rsp2;
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t io_map_base;
} PACKED tss_t;

_Static_assert(sizeof(tss_t) == 104, "TSS layout");

#define GDT_ENTRIES 8

/* Interrupt stack table slots (1-based in IDT gates). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI_MCE      2
#define IST_DEBUG        3 /* see trap_debug in entry.S */
#define IST_COUNT        3
#define IST_STACK_SIZE   4096

struct tcb;

typedef struct arch_cpu {
    struct arch_cpu *self;   /* CPU_SELF */
    word_t kernel_stack_top; /* CPU_KERNEL_STACK_TOP */
    word_t user_rsp_scratch; /* CPU_USER_RSP_SCRATCH */
    word_t context_top;      /* CPU_CONTEXT_TOP: end of the current thread's register block */
    fpu_state_t *fpu_owner;  /* whose state image the FPU registers hold (NULL: nobody's) */
    /* Whose FS and GS bases the CPU holds (the user GS base is in IA32_KERNEL_GS_BASE inside
     * the kernel); NULL: nobody's. */
    struct tcb *fsgs_owner;
    /* Whose DS/ES/FS/GS selectors the CPU holds (arch/kernel/segments.h); NULL: nobody's. */
    struct tcb *segment_owner;
    paddr_t loaded_cr3;
    word_t pv_control; /* the seL4_PVControl bits in CR0/CR4 now (arch/kernel/pv_control.h) */
    uint64_t gdt[GDT_ENTRIES] ALIGNED(16);
    tss_t tss ALIGNED(16);
} arch_cpu_t;

#endif
