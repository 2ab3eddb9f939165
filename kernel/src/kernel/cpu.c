/*
 * The per-CPU state of the boot CPU (the only one so far).
 */
#include <kernel/cpu.h>

cpu_t cpu_boot;
