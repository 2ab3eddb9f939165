/*
 * The machine around the programs: ending the run with a status, and putting devices and CPU
 * state back between programs so that each one starts from the same state.
 */
#ifndef TESTGUEST_MACHINE_H
#define TESTGUEST_MACHINE_H

#include <stdint.h>

#define ISA_DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900

/* Exit statuses (QEMU reports status * 2 + 1; tools/run-qemu.sh gives status back). */
#define EXIT_PASSED          0 /* every check held */
#define EXIT_CHECK_FAILED    1 /* a check failed, or an unknown program was asked for */
#define EXIT_UNEXPECTED_TRAP 2 /* an exception or interrupt nobody expected */
#define EXIT_ENVIRONMENT     3 /* boot information unusable, or memory exhausted */

/*
 * Ends the run: beaml4's EXIT hypercall when the signature is there, else QEMU's isa-debug-exit
 * port (QEMU exits with status * 2 + 1), else Bochs' shutdown port; halts if all are absent.
 */
__attribute__((noreturn)) void machine_exit(unsigned status);

/* From now on machine_exit ends through the debug-exit port only, as a guest written for QEMU
 * does (the command line's exit=port), never through the EXIT hypercall. */
void machine_exit_by_port(void);

/* Records control registers and MSRs as boot set them, for machine_quiesce. */
void machine_save_boot_state(void);

/* Interrupts off, timers and interrupt controllers masked, the boot address space and CR0/CR4,
 * descriptor tables and MSRs as at boot, no handlers. */
void machine_quiesce(void);

#endif
