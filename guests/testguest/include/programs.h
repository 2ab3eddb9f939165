/*
 * The test programs and how each one ends. The table (programs.c) is the single list: the
 * command line picks from it, and `test=list` prints it for the runner, with each program's
 * ending and flags.
 */
#ifndef TESTGUEST_PROGRAMS_H
#define TESTGUEST_PROGRAMS_H

/* How a program ends bare under QEMU. */
typedef enum program_ending {
    ENDS_BY_EXIT,         /* returns; the run exits with 0 when every check held */
    ENDS_BY_TRIPLE_FAULT, /* deliberately leaves the CPU no way to deliver a fault */
    ENDS_NEVER,           /* loops until something outside stops it */
} program_ending_t;

#define PROGRAM_IN_ALL       (1u << 0) /* part of test=all */
#define PROGRAM_HOSTILE      (1u << 1) /* does what a guest must not be able to harm a host by */
#define PROGRAM_DIFFERS_BARE (1u << 2) /* output under beaml4 legitimately differs from bare */
#define PROGRAM_INPUT        (1u << 3) /* reads COM1: the runner types its input (below) */

typedef struct program {
    const char *name;
    void (*run)(void);
    program_ending_t ending;
    unsigned flags;
    const char *summary;
} program_t;

extern const program_t programs[];
extern const unsigned program_count;

void program_console(void);
void program_boot(void);
void program_cpuid(void);
void program_irqflag(void);
void program_exceptions(void);
void program_paging(void);
void program_user(void);
void program_lapic(void);
void program_x2apic(void);
void program_pit(void);
void program_rtc(void);
void program_tsc(void);
void program_msr(void);
void program_msr_unknown(void);
void program_hypercall(void);
void program_work_cpu(void);
void program_work_syscall(void);
void program_work_pagefault(void);
void program_traps(void);
void program_hostile_privileged(void);
void program_hostile_mid_instruction(void);
void mid_instruction_patched(void); /* its patched half (programs/mid_patched.c) */
void program_hostile_wild_write(void);
void program_hostile_bad_cr3(void);
void program_hostile_bad_idt(void);
void program_hostile_no_stack(void);
void program_hostile_fault_loop(void);
void program_hostile_bad_cr(void);
void program_hostile_mmio_unmapped(void);
void program_hostile_halt_forever(void);
void program_echo(void);
void program_virtio_blk(void);
void program_virtio_blk_rw(void);
void program_virtio_hostile(void);

#endif
