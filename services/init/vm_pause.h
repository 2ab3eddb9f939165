/*
 * vm pause and vm resume (vm_pause.c): how init stops a running VM's guest and lets it go on,
 * without taking anything of it back.
 */
#ifndef INIT_VM_PAUSE_H
#define INIT_VM_PAUSE_H

#include "vm_run.h"

/* Mints the VMM's pause signal (its notification, badge VMM_BIT_PAUSE), once per VMM. */
bool vm_pause_wire(vm_run_t *run);

#endif
