/*
 * The programs, in the order test=all runs them. Each entry says how the program ends bare
 * under QEMU and whether it is hostile or prints differently under beaml4; the runner reads
 * all of it from `test=list`.
 */
#include "programs.h"

#define ALL PROGRAM_IN_ALL

#define HOSTILE PROGRAM_HOSTILE

const program_t programs[] = {
        {"console", program_console, ENDS_BY_EXIT, ALL, "serial output, UART registers, format"},
        {"boot", program_boot, ENDS_BY_EXIT, ALL, "image loaded whole, memory map, ACPI tables"},
        {"cpuid", program_cpuid, ENDS_BY_EXIT, ALL, "vendor and the stable feature bits"},
        {"exceptions", program_exceptions, ENDS_BY_EXIT, ALL,
         "#DE #DB #BP #UD #NM #DF #GP #PF: vector, error code, RIP, CR2"},
        {"paging", program_paging, ENDS_BY_EXIT, ALL,
         "4K/2M/1G pages, CR3, INVLPG, A/D bits, WP, NX, U/S, reserved bits"},
        {"user", program_user, ENDS_BY_EXIT, ALL,
         "ring 3 by IRETQ/SYSRET, SYSCALL, SWAPGS, INT n gates, FS/GS bases"},
        {"irqflag", program_irqflag, ENDS_BY_EXIT, ALL,
         "CLI/STI/PUSHF/POPF with and without a pending interrupt, ring 3 IOPL"},
        {"lapic", program_lapic, ENDS_BY_EXIT, ALL,
         "xAPIC: identity, timer periodic/one-shot/TSC deadline, ISR/EOI, TPR and CR8"},
        {"pit", program_pit, ENDS_BY_EXIT, ALL,
         "PIT channel 0 via the 8259 and the I/O APIC (MADT), channel 2 calibration"},
        {"rtc", program_rtc, ENDS_BY_EXIT, ALL, "CMOS RTC: mode, consistent read, seconds advance"},
        {"tsc", program_tsc, ENDS_BY_EXIT, ALL, "RDTSC monotonic, RDTSCP/RDPID and TSC_AUX, TSD"},
        {"msr", program_msr, ENDS_BY_EXIT, ALL,
         "EFER and SCE, PAT, TSC_AUX, FS/GS and SYSCALL MSRs"},
        {"msr-unknown", program_msr_unknown, ENDS_BY_EXIT, ALL | PROGRAM_DIFFERS_BARE,
         "#GP(0) on RDMSR/WRMSR of an MSR that does not exist (not on QEMU TCG)"},
        {"hypercall", program_hypercall, ENDS_BY_EXIT, ALL | PROGRAM_DIFFERS_BARE,
         "beaml4 hypercalls: detection, VERSION, CONSOLE_WRITE, errors, ring 3 #UD"},
        {"work-cpu", program_work_cpu, ENDS_BY_EXIT, ALL, "workload: CRC-32, no exits"},
        {"work-syscall", program_work_syscall, ENDS_BY_EXIT, ALL,
         "workload: SYSCALL/SYSRET round trips from ring 3"},
        {"work-pagefault", program_work_pagefault, ENDS_BY_EXIT, ALL,
         "workload: pages filled on demand by the guest's #PF handler"},
        {"traps", program_traps, ENDS_BY_EXIT, PROGRAM_DIFFERS_BARE,
         "figures: what CPUID, hypercalls, page fills, interrupts, SYSCALL, CLI/STI, PUSHF/POPF "
         "and CR3 reloads cost"},
        {"user-privileged", program_hostile_privileged, ENDS_BY_EXIT, ALL | HOSTILE,
         "every privileged instruction from ring 3: #GP/#UD at the instruction"},
        {"mid-instruction", program_hostile_mid_instruction, ENDS_BY_EXIT, ALL | HOSTILE,
         "a jump into the middle of an instruction"},
        /* Last of test=all: leaving x2APIC mode passes through "disabled", and Bochs (the
         * reference for this program) cannot enable a disabled APIC again. */
        {"x2apic", program_x2apic, ENDS_BY_EXIT, ALL, "x2APIC MSRs where CPUID has them"},
        {"wild-write", program_hostile_wild_write, ENDS_BY_EXIT, HOSTILE,
         "writes to guest-physical addresses outside RAM"},
        {"bad-cr3", program_hostile_bad_cr3, ENDS_BY_TRIPLE_FAULT, HOSTILE,
         "CR3 pointing outside RAM"},
        {"bad-idt", program_hostile_bad_idt, ENDS_BY_TRIPLE_FAULT, HOSTILE,
         "an empty IDT, then an exception"},
        {"no-stack", program_hostile_no_stack, ENDS_BY_TRIPLE_FAULT, HOSTILE,
         "an exception with no usable stack"},
        {"bad-cr", program_hostile_bad_cr, ENDS_BY_EXIT, HOSTILE,
         "CR0, CR4 and EFER values the CPU refuses: #GP(0), the register unchanged"},
        {"mmio-unmapped", program_hostile_mmio_unmapped, ENDS_BY_EXIT, HOSTILE,
         "loads and stores where neither RAM nor a device is: all ones, writes vanish"},
        {"halt-forever", program_hostile_halt_forever, ENDS_NEVER, HOSTILE,
         "CLI; HLT: the VM waits for ever without using the CPU"},
        {"fault-loop", program_hostile_fault_loop, ENDS_NEVER, HOSTILE, "the same #PF forever"},
        {"echo", program_echo, ENDS_BY_EXIT, PROGRAM_INPUT,
         "COM1 input polled: each line echoed in upper case until 'end'"},
        {"virtio-blk", program_virtio_blk, ENDS_BY_EXIT, PROGRAM_DIFFERS_BARE,
         "beaml4's virtio-mmio disk: every sector against the pattern, errors, a broken ring"},
        {"virtio-blk-rw", program_virtio_blk_rw, ENDS_BY_EXIT, PROGRAM_DIFFERS_BARE,
         "beaml4's virtio-mmio disk over the machine's disk: written, flushed, read back"},
        {"virtio-hostile", program_virtio_hostile, ENDS_BY_EXIT, PROGRAM_DIFFERS_BARE,
         "beaml4's virtio-mmio disk driven against every rule: broken, reset, serving again"},
};

const unsigned program_count = sizeof(programs) / sizeof(programs[0]);
