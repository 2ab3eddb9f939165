/*
 * The programs, in the order test=all runs them. Each entry says how the program ends bare
 * under QEMU and whether it is hostile or prints differently under beaml4; the runner reads
 * all of it from `test=list`.
 */
#include "programs.h"

#define ALL PROGRAM_IN_ALL

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
};

const unsigned program_count = sizeof(programs) / sizeof(programs[0]);
