/*
 * The programs, in the order test=all runs them. Each entry says how the program ends bare
 * under QEMU and whether it is hostile or prints differently under beaml4; the runner reads
 * all of it from `test=list`.
 */
#include "programs.h"

#define ALL PROGRAM_IN_ALL

const program_t programs[] = {
        {"console", program_console, ENDS_BY_EXIT, ALL, "serial output, UART registers, format"},
};

const unsigned program_count = sizeof(programs) / sizeof(programs[0]);
