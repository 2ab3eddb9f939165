/*
 * Delivering a fault: the thread's fault endpoint is looked up in its own CSpace now; a usable
 * one (send right and a grant right) gets the fault as a Call from the thread. Otherwise the
 * thread stops and the kernel says why; no other thread is affected.
 */
#include <kernel/cspace.h>
#include <kernel/endpoint.h>
#include <kernel/faulthandler.h>
#include <kernel/printf.h>
#include <kernel/thread.h>

const char *fault_type_name(seL4_FaultType type)
{
    switch (type) {
    case seL4_Fault_CapFault:
        return "capability fault";
    case seL4_Fault_UnknownSyscall:
        return "unknown system call";
    case seL4_Fault_UserException:
        return "user exception";
    case seL4_Fault_VMFault:
        return "page fault";
    default:
        return "fault";
    }
}

fault_t fault_vm(word_t address, word_t fsr, bool prefetch)
{
    fault_t fault = {.type = seL4_Fault_VMFault, .words = {address, fsr, prefetch ? 1 : 0}};
    return fault;
}

fault_t fault_unknown_syscall(word_t number)
{
    fault_t fault = {.type = seL4_Fault_UnknownSyscall, .words = {number}};
    return fault;
}

fault_t fault_user_exception(word_t vector, word_t code)
{
    fault_t fault = {.type = seL4_Fault_UserException, .words = {vector, code}};
    return fault;
}

fault_t fault_cap(cptr_t cptr, bool in_receive_phase, lookup_fault_t lookup)
{
    fault_t fault = {.type = seL4_Fault_CapFault,
                     .words = {cptr, in_receive_phase ? 1 : 0},
                     .lookup = lookup};
    return fault;
}

static void fault_report_unhandled(tcb_t *tcb, const char *reason)
{
    const fault_t *fault = &tcb->fault;
    word_t rip = arch_reg(&tcb->arch, REG_RIP);

    kprintf("beaml4: thread '%s' (tcb %p): %s", thread_name(tcb), (void *)tcb,
            fault_type_name(fault->type));
    switch (fault->type) {
    case seL4_Fault_VMFault:
        kprintf(" at address %#lx (error %#lx)", fault->words[0], fault->words[1]);
        break;
    case seL4_Fault_UnknownSyscall:
        kprintf(" %ld", (long)fault->words[0]);
        break;
    case seL4_Fault_UserException:
        kprintf(" vector %lu (error %#lx)", fault->words[0], fault->words[1]);
        break;
    case seL4_Fault_CapFault:
        kprintf(" on cptr %#lx (lookup failure %d)", fault->words[0], (int)fault->lookup.type);
        break;
    default:
        break;
    }
    kprintf(", rip %#lx; %s (fault endpoint cptr %#lx): thread stopped\n", rip, reason,
            tcb->fault_handler);
}

void fault_handle(tcb_t *tcb)
{
    cap_t handler;
    lookup_fault_t lookup;
    unsigned grant_rights = CAP_RIGHT_GRANT | CAP_RIGHT_GRANT_REPLY;

    if (!cspace_lookup_cap(tcb, tcb->fault_handler, &handler, &lookup)) {
        fault_report_unhandled(tcb, "fault endpoint lookup failed");
    } else if (handler.type != CAP_ENDPOINT) {
        fault_report_unhandled(tcb, "no fault endpoint");
    } else if ((handler.u.endpoint.rights & CAP_RIGHT_WRITE) == 0 ||
               (handler.u.endpoint.rights & grant_rights) == 0) {
        fault_report_unhandled(tcb, "fault endpoint lacks send and grant rights");
    } else {
        endpoint_send(tcb, handler.u.endpoint.ep, handler.u.endpoint.badge,
                      (handler.u.endpoint.rights & CAP_RIGHT_GRANT) != 0,
                      (handler.u.endpoint.rights & CAP_RIGHT_GRANT_REPLY) != 0, true, true);
        return;
    }
    tcb->fault.type = seL4_Fault_NullFault;
    thread_set_state(tcb, THREAD_INACTIVE);
}
