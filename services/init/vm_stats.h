/*
 * The shell's `vm stats` (vm_stats.c): a VM's figures from its boot page, which its VMM writes,
 * with init's own facts about the VM.
 */
#ifndef INIT_VM_STATS_H
#define INIT_VM_STATS_H

#include "vm_run.h"

/* Checks that the VM was ever started (IPC_ERR_BUSY if not); nothing changes. */
ipc_error_t vm_stats_check(const vm_run_t *run);

/* The answer from counter `first` (checked by the decoder) into msg; cannot fail. */
void vm_stats_reply(const vm_t *vm, const vm_run_t *run, seL4_Word first, ipc_msg_t *msg);

#endif
