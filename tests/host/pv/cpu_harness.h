/*
 * The vCPU tests' fake machine (test helper, linked into every lib/pv test and fuzzer): guest
 * RAM in a host buffer with a guest kernel's usual furniture at fixed addresses (4-level page
 * tables, a GDT shaped like the test guest's, an IDT, a TSS, stacks), and an environment whose
 * callbacks record what the vCPU asked for and answer as the test sets them up.
 */
#ifndef CPU_HARNESS_H
#define CPU_HARNESS_H

#include <pv/cpu.h>
#include <pv/env.h>
#include <stddef.h>
#include <stdint.h>

#define CPU_RAM_SIZE (8u << 20)

/* Guest-physical (= guest-virtual: identity mapped) layout. Supervisor pages, except the user
 * stack, CPU_DATA and the user code (16 pages each), which are user pages. */
#define CPU_PML4       0x1000u
#define CPU_PDPT       0x2000u
#define CPU_PD         0x3000u
#define CPU_PT         0x4000u /* 4 KiB pages for the first 2 MiB */
#define CPU_GDT        0x10000u
#define CPU_IDT        0x11000u
#define CPU_TSS        0x12000u
#define CPU_LDT        0x13000u
#define CPU_HANDLERS   0x20000u /* vector v's handler at CPU_HANDLERS + 16 v */
#define CPU_KSTACK_TOP 0x40000u /* TSS.RSP0 */
#define CPU_IST1_TOP   0x48000u /* TSS.IST1 (the #DF gate's) */
#define CPU_USTACK_TOP 0x60000u
#define CPU_DATA       0x70000u    /* free for operands */
#define CPU_KCODE      0x100000u   /* kernel code */
#define CPU_UCODE      0x180000u   /* user code */
#define CPU_HIGH_BASE  0x600000u   /* 6-8 MiB: a 2 MiB page */
#define CPU_MMIO       0xfee00000u /* not RAM: the xAPIC page (mapped by the PD of 3-4 GiB) */

/* GDT selectors, as the test guest lays them out. */
#define CPU_SEL_KCODE   0x08u
#define CPU_SEL_KDATA   0x10u
#define CPU_SEL_UCODE32 0x18u
#define CPU_SEL_UDATA   0x20u
#define CPU_SEL_UCODE   0x28u
#define CPU_SEL_TSS     0x30u /* 16 bytes: 0x30 and 0x38 */
#define CPU_SEL_KCODE32 0x40u
#define CPU_SEL_LDT     0x48u /* 16 bytes: 0x48 and 0x50 */
#define CPU_GDT_LIMIT   0xffu /* 32 entries */

/* Descriptors. */
#define CPU_DESC_CODE64(dpl) (0x00af9b000000ffffull | ((uint64_t)(dpl) << 45))
#define CPU_DESC_CODE32(dpl) (0x00cf9b000000ffffull | ((uint64_t)(dpl) << 45))
#define CPU_DESC_DATA(dpl)   (0x00cf93000000ffffull | ((uint64_t)(dpl) << 45))

/* Page-table entry bits. */
#define CPU_PTE_P  0x1ull
#define CPU_PTE_RW 0x2ull
#define CPU_PTE_US 0x4ull
#define CPU_PTE_PS 0x80ull
#define CPU_PTE_NX (1ull << 63)

/* Registers by encoding number, and the handlers of the exceptions the tests meet most. */
#define CPU_RAX        0
#define CPU_RCX        1
#define CPU_RDX        2
#define CPU_RBX        3
#define CPU_RSP        4
#define CPU_RSI        6
#define CPU_RDI        7
#define CPU_R10        10
#define CPU_R11        11
#define CPU_UD_HANDLER (CPU_HANDLERS + 6 * 16)
#define CPU_NP_HANDLER (CPU_HANDLERS + 11 * 16)
#define CPU_GP_HANDLER (CPU_HANDLERS + 13 * 16)

#define CPU_LOG_MAX 64

typedef struct cpu_io_record {
    uint16_t port;
    unsigned size;
    uint32_t value;
    bool out;
} cpu_io_record_t;

typedef struct cpu_msr_record {
    uint32_t index;
    pv_msr_result_t result;
    uint64_t value;
} cpu_msr_record_t;

typedef struct cpu_test {
    uint8_t *ram;
    pv_memory_t memory;
    pv_env_t env;
    pv_cpu_t cpu;
    seL4_PVPage *page;

    /* port I/O: inputs return io_in_next++; every access is logged */
    uint32_t io_in_next;
    cpu_io_record_t io[CPU_LOG_MAX];
    unsigned io_count;

    /* MSRs: the fake policy's table; others #GP */
    cpu_msr_record_t msrs[16];
    unsigned msr_count;
    uint32_t msr_last_write;
    uint64_t msr_written;

    uint32_t cpuid_leaf, cpuid_subleaf;
    bool cpuid_osxsave;
    unsigned cpuid_calls;
    uint64_t tsc;
    unsigned tpr;

    uint64_t hypercall_number;
    uint64_t hypercall_args[4];
    pv_hypercall_result_t hypercall_result;
    unsigned hypercalls;

    unsigned paging_calls;
    unsigned paging_what;
    bool paging_no_flush;
    pv_paging_t paging_last;
    unsigned invalidations;
    uint64_t invalidated;
    uint16_t invalidated_pcid;
    bool invalidated_all, invalidated_globals;
    unsigned ac_calls;

    /* interrupts: a pending vector (or none), NMI, and what was acked */
    pv_intr_kind_t intr_kind;
    uint8_t intr_vector;
    unsigned acks;
    unsigned pending_queries;

    /* MMIO: reads return mmio_value; writes are logged */
    uint64_t mmio_value;
    uint64_t mmio_address;
    unsigned mmio_size;
    uint64_t mmio_written;
    unsigned mmio_reads, mmio_writes;

    /* The vCPU's per-event translations: every vCPU test runs with them (NULL it for none). */
    pv_walk_cache_t walk_cache;
} cpu_test_t;

/* A machine with the layout above and a vCPU at CPL 0 in 64-bit mode, RIP = CPU_KCODE,
 * RSP = CPU_KSTACK_TOP - 0x100, paging on with the identity map, IF clear. Free with
 * cpu_test_free. Features: NX, SMEP, SMAP, UMIP, FSGSBASE, PCID, INVPCID, XSAVE, RDTSCP,
 * RDPID; vendor Intel. */
cpu_test_t *cpu_test_new(void);
void cpu_test_free(cpu_test_t *t);

/* cmocka's setup and teardown: *state is a new machine, freed after the test. */
int cpu_test_setup(void **state);
int cpu_test_teardown(void **state);

/* Guest memory by guest-physical address. */
void cpu_test_put(cpu_test_t *t, uint64_t address, const void *bytes, size_t length);
void cpu_test_get(const cpu_test_t *t, uint64_t address, void *bytes, size_t length);
uint64_t cpu_test_get64(const cpu_test_t *t, uint64_t address);
void cpu_test_put64(cpu_test_t *t, uint64_t address, uint64_t value);

/* A GDT entry (8 bytes at selector & ~7), an IDT gate, a page's PTE in CPU_PT. */
void cpu_test_set_gdt(cpu_test_t *t, unsigned selector, uint64_t descriptor);
void cpu_test_set_gate(cpu_test_t *t, unsigned vector, uint64_t handler, unsigned type,
                       unsigned dpl, unsigned ist, bool present, uint16_t selector);
void cpu_test_set_pte(cpu_test_t *t, uint64_t address, uint64_t flags);

/* Switches the vCPU to guest user mode (CPL 3, CS 0x2b, SS 0x23) at CPU_UCODE with RSP at
 * CPU_USTACK_TOP - 0x100, IF set. */
void cpu_test_enter_user(cpu_test_t *t);

/* Puts code at RIP and reports the exception the host saw there. */
pv_outcome_kind_t cpu_test_exec(cpu_test_t *t, const void *code, size_t length, unsigned vector,
                                uint64_t error_code, pv_outcome_t *out);

/* Runs the code at RIP as a patched site (the original bytes are `code`; memory gets UD2). */
pv_outcome_kind_t cpu_test_exec_patched(cpu_test_t *t, const void *code, size_t length,
                                        pv_outcome_t *out);

/* The frame an exception pushed at RSP: error code (if has_error) then RIP, CS, RFLAGS, RSP,
 * SS. */
typedef struct cpu_frame {
    uint64_t error_code, rip, cs, rflags, rsp, ss;
} cpu_frame_t;
cpu_frame_t cpu_test_frame(const cpu_test_t *t, bool has_error);

#endif
