/*
 * A VM's machine disk (disk=dev:N[:START+COUNT][:ro], docs/vm-declarations.md): its VMM becomes
 * a client of the virtio service with a buffer, the service's endpoint minted with the VMM's
 * badge, and a grant of the declared window of disk N (read-only when declared so).
 */
#ifndef INIT_VM_DISK_H
#define INIT_VM_DISK_H

#include "vm_run.h"

/* Whether the VM's disk can be had: true for a module or no disk; for dev:N, false (and why in
 * refusal) when the machine has no disk N. No side effects. */
bool vm_disk_check(const vm_t *vm, char *refusal, size_t capacity);

/* For dev:N, after the VMM's device slots were emptied: the buffer (mapped at the first start
 * only), the endpoint as caps[VMM_CAP_VIRTIO], the grant, and the boot page's disk fields. */
bool vm_disk_wire(vm_run_t *run, const vm_t *vm);

#endif
