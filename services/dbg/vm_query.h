/*
 * What the VM commands ask init about a VM (INIT_VM_INFO, one index at a time), and finding a VM
 * by name.
 */
#ifndef DBG_VM_QUERY_H
#define DBG_VM_QUERY_H

#include <ipc/init.h>
#include <stdbool.h>

#define VM_FILE_BYTES      (2 * INIT_NAME_BYTES) /* INIT_VM_INFO's kernel module file */
#define VM_REASON_BYTES    96                    /* and how the VM ended */
#define VM_MODE_TEXT_BYTES 24                    /* vm_row_mode's text */

typedef struct vm_row {
    seL4_Word state;    /* init_vm_state_name */
    seL4_Word mode;     /* vmdecl_mode_t: the one asked for */
    seL4_Word resolved; /* the one it runs in here (auto: this machine cannot run it) */
    seL4_Word memory;
    seL4_Word vcpus;
    seL4_Word status;
    char name[INIT_NAME_BYTES];
    char file[VM_FILE_BYTES];
    char reason[VM_REASON_BYTES]; /* "" while it has not ended (or from an init without it) */
} vm_row_t;

/* INIT_VM_INFO: IPC_OK, IPC_ERR_NOT_FOUND past the last VM, or what went wrong. */
ipc_error_t vm_row(seL4_Word index, vm_row_t *row);

/* The VM named name; false when there is none (or init cannot say). */
bool vm_find(const char *name, vm_row_t *row);

/* Its mode as the shell shows it ("pv", "auto (svm)", "vtx (unavailable)"). */
void vm_row_mode(const vm_row_t *row, char *out, size_t capacity);

#endif
