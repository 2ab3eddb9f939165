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
};

const unsigned program_count = sizeof(programs) / sizeof(programs[0]);
