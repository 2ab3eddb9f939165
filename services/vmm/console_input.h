/*
 * COM1's input from the shell (console_input.c): the boot page's input ring drained into the
 * guest's UART receive FIFO.
 */
#ifndef VMM_CONSOLE_INPUT_H
#define VMM_CONSOLE_INPUT_H

#include "vmm.h"

/* The ring init writes (in the boot page). */
void console_input_attach(vmm_t *vmm, vmm_console_ring_t *ring);

/* Feeds what waits in the ring to the UART, as much as its FIFO takes. */
void console_input_pump(vmm_t *vmm);

#endif
