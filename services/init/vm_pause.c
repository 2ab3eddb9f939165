/*
 * Pausing a VM (vm_pause.h, vm_run.h). The boot page's `paused` word says what the shell wants
 * and VMM_BIT_PAUSE tells the VMM to look at it (ipc/vmm.h). In PV mode the VMM parks the vCPU
 * thread it made and waits for signals alone: it runs above that thread, so the guest executes no
 * instruction past the signal, and nothing the guest does reaches the VMM's wait. In a hardware
 * mode the VMM's own thread is the vCPU, and init suspends it: a guest there cannot run even if
 * it kept its VMM from ever reading the signal. Suspending a PV vCPU from here would abandon a
 * fault the VMM is handling (the thread would run the faulting instruction again), so that stop
 * is the VMM's. Stopping the VM later (kill, reboot, a mode switch) needs nothing of this: the
 * VMM is suspended and everything it made revoked, paused or not.
 */
#include "vm_pause.h"
#include "memory.h"
#include <runtime/log.h>
#include <runtime/print.h>

bool vm_run_signal_make(vm_run_t *run, seL4_Word bit, seL4_CPtr *signal, const char *what)
{
    if (alloc_slot(memory_pool(), signal) != seL4_NoError ||
        seL4_CNode_Mint(seL4_CapInitThreadCNode, *signal, seL4_WordBits, seL4_CapInitThreadCNode,
                        run->service->notification, seL4_WordBits, seL4_AllRights,
                        bit) != seL4_NoError) {
        printf("init: %s: cannot make its %s signal\n", run->name, what);
        return false;
    }
    return true;
}

bool vm_pause_wire(vm_run_t *run)
{
    return vm_run_signal_make(run, VMM_BIT_PAUSE, &run->pause_signal, "pause");
}

void vm_run_pause(seL4_Word index)
{
    vm_t *vm = vms_get(index);
    vm_run_t *run = vm_run_get(index);

    __atomic_store_n(&run->boot->paused, 1, __ATOMIC_RELEASE);
    if (run->mode != VMDECL_MODE_PV) {
        seL4_TCB_Suspend(run->service->tcb);
    }
    seL4_Signal(run->pause_signal);
    vm->state = VM_PAUSED;
    log_printf(LOG_INFO, "init: VM %s paused from the shell\n", vm->decl.decl.name);
}

void vm_run_resume(seL4_Word index)
{
    vm_t *vm = vms_get(index);
    vm_run_t *run = vm_run_get(index);

    __atomic_store_n(&run->boot->paused, 0, __ATOMIC_RELEASE);
    seL4_Signal(run->pause_signal);
    if (run->mode != VMDECL_MODE_PV) {
        seL4_TCB_Resume(run->service->tcb);
    }
    vm->state = VM_RUNNING;
    log_printf(LOG_INFO, "init: VM %s resumed from the shell\n", vm->decl.decl.name);
}
