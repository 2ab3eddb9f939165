/*
 * COM1's input for a running VM (vm_console.c): the boot page's input ring, written by init
 * from the shell's VMM_VM_CONSOLE, and the signal that tells the VMM.
 */
#ifndef INIT_VM_CONSOLE_H
#define INIT_VM_CONSOLE_H

#include "vm_run.h"

/* Mints the VMM's notification with VMM_BIT_CONSOLE_INPUT (once, when the VMM is made). */
bool vm_console_wire(vm_run_t *run);

/* The bytes the ring can take now (0 when the VMM's tail makes no sense). */
seL4_Word vm_console_room(const vm_run_t *run);

/* Writes length bytes (no more than vm_console_room said) and signals the VMM. */
void vm_console_put(vm_run_t *run, const seL4_Uint8 *bytes, seL4_Word length);

#endif
