/*
 * Ending a run on an emulator, from a root task that holds seL4_CapIOPortControl: QEMU's
 * isa-debug-exit device (port 0xf4, the exit status) and Bochs' shutdown port (0x8900). On a
 * machine with neither, the task halts the kernel.
 */
#ifndef RUNTIME_POWER_H
#define RUNTIME_POWER_H

#include <runtime/alloc.h>

#define POWER_QEMU_EXIT_PORT      0xf4
#define POWER_BOCHS_SHUTDOWN_PORT 0x8900

/* Issues the two I/O port capabilities into slots from alloc. */
seL4_Error power_init(alloc_t *alloc);

/* Uses two port capabilities given to the program (a service's, from init) instead. */
void power_use(seL4_CPtr qemu_port, seL4_CPtr bochs_port);

/* QEMU exits with status code (run-qemu.sh reports it), Bochs stops; never returns. */
void power_off(seL4_Word code) __attribute__((noreturn));

#endif
