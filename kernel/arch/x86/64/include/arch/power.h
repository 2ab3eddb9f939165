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

#endif
