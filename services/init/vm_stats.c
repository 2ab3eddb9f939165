/*
 * The shell's `vm stats` (vm_stats.h). The VMM may be subverted: its block is copied and cleaned
 * by lib/ipc before a byte of it is sent on, and a block always being rewritten is reported as
 * unsettled rather than waited for.
 */
#include "vm_stats.h"
#include <runtime/time.h>
#include <runtime/tsc.h>
#include <runtime/string.h>

#define VM_STATS_READ_TRIES 4 /* copies of a block being rewritten before giving up */

ipc_error_t vm_stats_check(const vm_run_t *run)
{
    return run->boots == 0 || run->boot == NULL ? IPC_ERR_BUSY : IPC_OK;
}

void vm_stats_reply(const vm_t *vm, const vm_run_t *run, seL4_Word first, ipc_msg_t *msg)
{
    vmm_stats_reply_t facts;
    vmm_stats_t stats;
    bool settled = false;

    for (unsigned try = 0; try < VM_STATS_READ_TRIES && !settled; try++) {
        settled = vmm_stats_read(&run->boot->stats, &stats);
    }
    memset(&facts, 0, sizeof(facts));
    facts.state = vm->state;
    facts.mode = run->mode;
    facts.memory = vm->decl.decl.memory;
    bool live = vm_state_active(vm->state); /* a pause does not stop the uptime */
    facts.uptime_ms = live ? runtime_tsc_to_ns(tsc_read() - run->started_tsc) / 1000000u : 0;
    facts.boots = run->boots;
    facts.settled = settled ? 1 : 0;
    vmm_encode_stats_reply(msg, &facts, &stats, first);
}
