/*
 * The boot modules' pages for VMMs: init turns a module's device untypeds into frames once, in a
 * CNode of the module's own (a module of megabytes would not fit init's root CNode), and gives
 * each VMM that needs the module read-only copies of them. A VMM can map and read a module but
 * never change it, so a module shared by several VMs, or booted again, is always as loaded.
 */
#ifndef INIT_VM_MODULES_H
#define INIT_VM_MODULES_H

#include "service.h"
#include <ipc/vmm.h>

/* The pages of boot module `module` (0: no such module, or one the kernel did not hand over). */
seL4_Word vm_modules_pages(size_t module);

/*
 * Copies the module's frames, read-only, into the VMM's CNode from slot first_slot on, and
 * describes them in *out (named name). False (with a message) when the module cannot be given.
 */
bool vm_modules_give(service_t *vmm, size_t module, seL4_Word first_slot, const char *name,
                     vmm_module_t *out);

#endif
