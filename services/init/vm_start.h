/*
 * The VMs' life cycle in init: one VMM service per VM (docs/vmm.md), made when the VM first
 * starts, with exactly that VM's capabilities: its guest RAM, the read-only pages of its boot
 * modules, address spaces for its guest, and its declaration. Started at boot for every VM
 * declared with autostart, and on the shell's request; stopped when its VMM reports that the VM
 * ended, when it faults (the VM is marked crashed, nothing else is touched), or on request.
 */
#ifndef INIT_VM_START_H
#define INIT_VM_START_H

#include <runtime/event.h>

/* Starts every declared VM whose declaration says autostart (at boot, after vms_declare). */
void vm_start_autostart(void);

/* The VMM protocol's requests to init (ipc/vmm.h): reports of VMMs, the shell's commands. */
event_result_t vm_start_request(seL4_Word badge, ipc_msg_t *msg);

#endif
