/*
 * Ending a run: the exit devices of the emulators used for testing, then a halt.
 */
#ifndef ARCH_POWER_H
#define ARCH_POWER_H

#include <stdint.h>

/*
 * Stop the machine. Under QEMU with isa-debug-exit at 0xf4 the process exits with
 * (code << 1) | 1; under Bochs the "Shutdown" port ends the simulation; elsewhere the CPU halts.
 */
__attribute__((noreturn)) void machine_power_off(uint32_t code);

/* The code a panic powers off with when asked to (tools/run-qemu.sh then exits with 4). */
#define MACHINE_PANIC_EXIT_CODE 4

/*
 * What a kernel panic does last: halt (the default, as on a real machine, so the message stays
 * on the console), or with power_off set (PLATFORM_OPTION_PANIC_POWEROFF) power off with
 * MACHINE_PANIC_EXIT_CODE, so that a test run ends at once instead of at its timeout.
 */
void machine_set_panic_power_off(int power_off);
__attribute__((noreturn)) void machine_panic_stop(void);

#endif
