/*
 * The VM table: up to 16 VMs, declared by boot modules (docs/vm-declarations.md), read at boot
 * from the modules the kernel hands over (numbered from 0, the first module after init's own). A bad declaration is reported with its module and the
 * field at fault, and the other VMs are still declared. The VMM (one per VM) fills in the rest of
 * a VM's life: state and exit status.
 */
#ifndef INIT_VMS_H
#define INIT_VMS_H

#include <sel4/bootinfo.h>
#include <vmdecl/vmdecl.h>

/* A VM's state as INIT_VM_INFO reports it. */
enum vm_state {
    VM_DECLARED = 0, /* not started (no VMM yet, or autostart=no) */
    VM_RUNNING = 1,
    VM_STOPPED = 2,  /* killed */
    VM_EXITED = 3,   /* ended by itself: status says how */
    VM_FAILED = 4,   /* ended by its VMM for a fault it could not handle */
    VM_STARTING = 5, /* its VMM runs and loads the guest */
    VM_CRASHED = 6,  /* its VMM faulted */
    VM_PAUSED = 7,   /* running, but stopped from the shell until vm resume */
};

/* Whether a VM in `state` has a VMM that runs it (starting, running or paused). */
static inline bool vm_state_active(enum vm_state state)
{
    return state == VM_STARTING || state == VM_RUNNING || state == VM_PAUSED;
}

#define VM_REASON_BYTES 96 /* how it ended, as the console and INIT_VM_INFO say it */

typedef struct vm {
    vmdecl_vm_t decl;
    const seL4_BootModule *kernel; /* its module */
    enum vm_state state;
    seL4_Word status;
    char reason[VM_REASON_BYTES]; /* "" until it ends */
} vm_t;

/* Reads the declarations of the boot modules and prints the table and every refusal. */
void vms_declare(const seL4_BootInfo *bootinfo);

/* The table. */
vm_t *vms_get(seL4_Word index);
seL4_Word vms_count(void);

#endif
