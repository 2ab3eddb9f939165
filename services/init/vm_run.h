/*
 * What init keeps of a VM while it runs, between vm_start.c (starting and stopping) and
 * vm_control.c (the VMMs' reports, the shell's requests, a VMM's fault).
 */
#ifndef INIT_VM_RUN_H
#define INIT_VM_RUN_H

#include "service.h"
#include "vms.h"
#include <ipc/vmm.h>

typedef struct vm_run {
    char name[VMM_NAME_BYTES];
    service_spec_t spec;
    service_t *service; /* its VMM (NULL until first started) */
    unialloc_untyped_t ram[VMM_RAM_UNTYPEDS_MAX];
    unsigned ram_count;                 /* 0 while stopped */
    seL4_CPtr vspaces[VMM_VSPACES_MAX]; /* init's capabilities, ASIDs assigned */
    vmm_boot_t *boot;                   /* init's view of the boot page */
    seL4_CPtr boot_frame;
    seL4_Word boots; /* times started */
    seL4_Uint64 started_tsc;
    unsigned fast_resets;     /* guest resets in a row, each soon after its start */
    seL4_CPtr console_signal; /* its notification, VMM_BIT_CONSOLE_INPUT */
    seL4_CPtr pause_signal;   /* its notification, VMM_BIT_PAUSE */
    vmdecl_mode_t mode;       /* as resolved at its last start: PV, VTX or SVM */
    /* Hardware modes: its guest-physical root (init's slot, kept once taken), made from a page
     * of its own at every start and freed at every stop (vm_hardware.h). */
    seL4_CPtr guest_root;
    unialloc_untyped_t root_memory;
    bool root_made;
    bool disk_mapped; /* disk=dev:N: its buffer with the virtio service is mapped (once) */
} vm_run_t;

/* The record of VM index, or NULL. */
vm_run_t *vm_run_get(seL4_Word index);

/* Starts the VM: IPC_ERR_BUSY when it runs, _NO_MEMORY when RAM or the VMM cannot be had,
 * _FIELD when its declaration cannot run (a message says why). */
ipc_error_t vm_run_start(seL4_Word index);

/* Stops its VMM and takes its RAM back; the VM is left in `state` with status and reason. */
void vm_run_stop(seL4_Word index, enum vm_state state, seL4_Word status, const char *reason);

/* Mints a capability to its VMM's notification with badge `bit` into *signal; says what failed
 * (`what` names the signal) and returns false when it cannot. */
bool vm_run_signal_make(vm_run_t *run, seL4_Word bit, seL4_CPtr *signal, const char *what);

/* The shell's vm pause of a running VM and vm resume of a paused one (vm_pause.c): checked by
 * the caller, they cannot fail. */
void vm_run_pause(seL4_Word index);
void vm_run_resume(seL4_Word index);

/* With exit_after_vms on the kernel command line: powers off once no VM starts or runs. */
void vm_run_exit_check(void);

/* A VMM's fault (service_spec_t.fault): its VM is marked crashed. */
void vm_run_faulted(service_t *service, seL4_Word label, const seL4_Word *words, seL4_Word length);

#endif
