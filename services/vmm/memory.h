/*
 * The VMM's memory: guest RAM as 4 KiB frames from the RAM untypeds init gave, mapped one after
 * the other at VMM_RAM_WINDOW (the pv_memory_t every access goes through), each frame's
 * capability kept for the shadow mappings; the boot modules' read-only frames mapped at
 * VMM_MODULE_WINDOW; kernel objects retyped into chosen slots of the VMM's CNode.
 */
#ifndef VMM_MEMORY_H
#define VMM_MEMORY_H

#include "vmm.h"

/* Guest RAM (ends the VM on failure). */
void memory_ram_setup(vmm_t *vmm);

/* The modules of the boot page as the loader's blobs (ends the VM on failure). */
void memory_modules_setup(vmm_t *vmm);

/* An object of type retyped from the VMM's untyped into slot (seL4_NotEnoughMemory, ...). */
seL4_Error memory_retype_at(seL4_Word type, seL4_Word size_bits, seL4_CPtr slot);

#endif
