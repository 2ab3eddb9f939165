/*
 * System calls (seL4 semantics): invocations of capabilities (Call, Send, NBSend), receiving
 * (Recv, NBRecv), replying (Reply, ReplyRecv), Yield, VMEnter and the debug calls. Lookup failures of
 * the capabilities named become capability faults of the calling thread; errors of an
 * invocation become the reply of a Call.
 */
#include <arch/power.h>
#include <kernel/arch_vcpu.h>
#include <kernel/cpu.h>
#include <kernel/cspace.h>
#include <kernel/endpoint.h>
#include <kernel/faulthandler.h>
#include <kernel/invocation_context.h>
#include <kernel/ipc.h>
#include <kernel/notification.h>
#include <kernel/printf.h>
#include <kernel/scheduler.h>
#include <kernel/syscall.h>
#include <kernel/syscall_error.h>
#include <kernel/thread.h>
#include <sel4/syscalls.h>

static word_t syscall_argument(tcb_t *thread)
{
    return arch_reg(&thread->arch, ARCH_REG_CAPTR);
}

static void syscall_cap_fault(tcb_t *thread, cptr_t cptr, bool in_receive_phase,
                              lookup_fault_t lookup)
{
    thread_restart_syscall(thread);
    thread->fault = fault_cap(cptr, in_receive_phase, lookup);
    fault_handle(thread);
}

/* Lookup failure words as seL4 lays them out after the failure type. */
static unsigned lookup_failure_write(tcb_t *thread, word_t *buffer, unsigned offset,
                                     const lookup_fault_t *fault)
{
    unsigned n = offset;

    thread_set_mr(thread, buffer, n++, fault->type);
    switch (fault->type) {
    case seL4_MissingCapability:
        thread_set_mr(thread, buffer, n++, fault->bits_left);
        break;
    case seL4_DepthMismatch:
        thread_set_mr(thread, buffer, n++, fault->bits_left);
        thread_set_mr(thread, buffer, n++, fault->bits_found);
        break;
    case seL4_GuardMismatch:
        thread_set_mr(thread, buffer, n++, fault->bits_left);
        thread_set_mr(thread, buffer, n++, fault->guard_found);
        thread_set_mr(thread, buffer, n++, fault->bits_found);
        break;
    default:
        break;
    }
    return n;
}

static void reply_error(tcb_t *thread, word_t *buffer)
{
    const syscall_error_t *error = error_current();
    unsigned length = 0;

    switch (error->type) {
    case seL4_InvalidArgument:
        thread_set_mr(thread, buffer, length++, error->invalid_argument);
        break;
    case seL4_InvalidCapability:
        thread_set_mr(thread, buffer, length++, error->invalid_capability);
        break;
    case seL4_RangeError:
        thread_set_mr(thread, buffer, length++, error->range_min);
        thread_set_mr(thread, buffer, length++, error->range_max);
        break;
    case seL4_NotEnoughMemory:
        thread_set_mr(thread, buffer, length++, error->memory_left);
        break;
    case seL4_FailedLookup:
        thread_set_mr(thread, buffer, length++, error->failed_lookup_was_source ? 1 : 0);
        length = lookup_failure_write(thread, buffer, length, &error->lookup_fault);
        break;
    default:
        break;
    }
    if (buffer == NULL) {
        length = MIN(length, MSG_REGISTERS_WITHOUT_BUFFER);
    }
    thread_set_badge(thread, 0);
    thread_set_msg_info(thread, seL4_MessageInfo_new(error->type, 0, 0, length).words[0]);
}

static void handle_invocation(bool is_call, bool is_blocking)
{
    tcb_t *thread = current_thread();
    seL4_MessageInfo_t info = {{thread_get_msg_info(thread)}};
    cptr_t cptr = syscall_argument(thread);
    invocation_t inv = {0};
    lookup_fault_t lookup;
    cte_t *slot;
    word_t length;
    seL4_Error error;

    if (!cspace_lookup_slot(thread, cptr, &slot, &lookup)) {
        if (is_blocking) {
            syscall_cap_fault(thread, cptr, false, lookup);
        }
        return;
    }
    inv.thread = thread;
    inv.label = seL4_MessageInfo_get_label(info);
    inv.buffer = thread_ipc_buffer(thread, false);
    inv.reply_buffer = is_call ? thread_ipc_buffer(thread, true) : NULL;
    inv.cptr = cptr;
    inv.is_call = is_call;
    inv.is_blocking = is_blocking;
    length = MIN(seL4_MessageInfo_get_length(info), seL4_MsgMaxLength);
    inv.length = inv.buffer != NULL ? length : MIN(length, MSG_REGISTERS_WITHOUT_BUFFER);
    if (inv.buffer != NULL) {
        word_t count = seL4_MessageInfo_get_extraCaps(info);
        for (word_t i = 0; i < count; i++) {
            cptr_t extra = inv.buffer[IPC_BUFFER_CAPS_OR_BADGES + i];
            if (!cspace_lookup_slot(thread, extra, &inv.extra_caps[i], &lookup)) {
                if (is_blocking) {
                    syscall_cap_fault(thread, extra, false, lookup);
                }
                return;
            }
        }
        inv.extra_cap_count = count;
    }

    error = invocation_decode(&inv, slot->cap, slot);
    if (error != seL4_NoError) {
        if (is_call) {
            reply_error(thread, inv.reply_buffer);
        }
        return;
    }
    if (is_call && thread->state == THREAD_RUNNING) {
        thread_set_badge(thread, 0);
        thread_set_msg_info(thread, seL4_MessageInfo_new(0, 0, 0, inv.reply_length).words[0]);
    }
}

static void handle_receive(bool is_blocking)
{
    tcb_t *thread = current_thread();
    cptr_t cptr = syscall_argument(thread);
    lookup_fault_t lookup;
    cap_t cap;

    if (!cspace_lookup_cap(thread, cptr, &cap, &lookup)) {
        syscall_cap_fault(thread, cptr, true, lookup);
        return;
    }
    if (cap.type == CAP_ENDPOINT && (cap.u.endpoint.rights & CAP_RIGHT_READ) != 0) {
        ipc_delete_caller_cap(thread);
        endpoint_receive(thread, cap, is_blocking);
        return;
    }
    if (cap.type == CAP_NOTIFICATION && (cap.u.notification.rights & CAP_RIGHT_READ) != 0) {
        notification_t *ntfn = cap.u.notification.ntfn;
        tcb_t *bound = ntfn_bound_tcb(ntfn);
        if (bound == NULL || bound == thread) {
            notification_receive(thread, ntfn, is_blocking);
            return;
        }
    }
    syscall_cap_fault(thread, cptr, true, lookup_fault_missing_capability(0));
}

static void handle_reply(void)
{
    tcb_t *thread = current_thread();
    cte_t *caller = tcb_slot(thread, TCB_SLOT_CALLER);
    cap_t cap = caller->cap;

    if (cap.type == CAP_REPLY && !cap.u.reply.master) {
        ipc_reply_transfer(thread, cap.u.reply.tcb, caller, cap.u.reply.can_grant);
    }
}

static void handle_unknown_syscall(tcb_t *thread, word_t number)
{
    thread->fault = fault_unknown_syscall(number);
    fault_handle(thread);
}

static void debug_name_thread(tcb_t *thread)
{
    word_t *buffer = thread_ipc_buffer(thread, false);
    lookup_fault_t lookup;
    cap_t cap;

    if (!cspace_lookup_cap(thread, syscall_argument(thread), &cap, &lookup) ||
        cap.type != CAP_THREAD || buffer == NULL) {
        return; /* a debugging aid: nothing to name, nothing to say */
    }
    const char *name = (const char *)&buffer[IPC_BUFFER_MSG];
    tcb_t *target = cap.u.thread.tcb;
    unsigned i;
    for (i = 0; i + 1 < TCB_NAME_LENGTH && name[i] != '\0'; i++) {
        target->name[i] = name[i];
    }
    target->name[i] = '\0';
}

static void debug_cap_identify(tcb_t *thread)
{
    lookup_fault_t lookup;
    cap_t cap;

    if (!cspace_lookup_cap(thread, syscall_argument(thread), &cap, &lookup)) {
        cap = cap_null();
    }
    arch_set_reg(&thread->arch, ARCH_REG_CAPTR, cap.type);
}

void syscall_handle(word_t number)
{
    tcb_t *thread = current_thread();

    if (thread->fault_all_syscalls) {
        handle_unknown_syscall(thread, number);
        return;
    }
    switch ((long)number) {
    case seL4_SysCall:
        handle_invocation(true, true);
        break;
    case seL4_SysSend:
        handle_invocation(false, true);
        break;
    case seL4_SysNBSend:
        handle_invocation(false, false);
        break;
    case seL4_SysRecv:
        handle_receive(true);
        break;
    case seL4_SysNBRecv:
        handle_receive(false);
        break;
    case seL4_SysReply:
        handle_reply();
        break;
    case seL4_SysReplyRecv:
        handle_reply();
        handle_receive(true);
        break;
    case seL4_SysYield:
        sched_yield();
        break;
    case seL4_SysDebugPutChar:
        kputchar((char)(syscall_argument(thread) & 0xff));
        break;
    case seL4_SysDebugHalt:
        kprintf("beaml4: halted by thread '%s' (status %lu)\n", thread_name(thread),
                syscall_argument(thread) & 0xff);
        machine_power_off((uint32_t)(syscall_argument(thread) & 0xff));
    case seL4_SysDebugCapIdentify:
        debug_cap_identify(thread);
        break;
    case seL4_SysDebugNameThread:
        debug_name_thread(thread);
        break;
    case seL4_SysBenchmarkNullSyscall:
        break;
    case seL4_SysVMEnter:
        arch_vmenter(thread);
        break;
    case seL4_SysDebugHostStateCheck:
        arch_set_reg(&thread->arch, ARCH_REG_CAPTR, arch_host_state_check(thread));
        break;
    default:
        handle_unknown_syscall(thread, number);
        break;
    }
}
