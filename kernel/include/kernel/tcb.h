/*
 * Thread control blocks. A TCB object (2^seL4_TCBBits bytes) begins with seven capability
 * slots of its own (CSpace root, VSpace root, master reply cap, caller's reply cap, IPC buffer
 * frame, PV page, guest-physical root), followed by the thread's scheduling, IPC and
 * architecture state.
 */
#ifndef KERNEL_TCB_H
#define KERNEL_TCB_H

#include <arch/kernel/tcb_arch.h>
#include <kernel/cte.h>
#include <kernel/lookup_fault.h>
#include <sel4/faults.h>

typedef enum {
    THREAD_INACTIVE = 0,
    THREAD_RUNNING,
    THREAD_RESTART, /* runs again from its restart point (its interrupted system call) */
    THREAD_BLOCKED_ON_RECEIVE,
    THREAD_BLOCKED_ON_SEND,
    THREAD_BLOCKED_ON_REPLY,
    THREAD_BLOCKED_ON_NOTIFICATION,
    THREAD_IDLE,
    THREAD_RUNNING_VM, /* in seL4_VMEnter: runs its VCPU's guest whenever it is scheduled */
} thread_state_t;

enum {
    TCB_SLOT_CTABLE = 0,
    TCB_SLOT_VTABLE,
    TCB_SLOT_REPLY,    /* the master reply capability (never visible to user space) */
    TCB_SLOT_CALLER,   /* the reply capability of the last Call received */
    TCB_SLOT_BUFFER,   /* the IPC buffer frame */
    TCB_SLOT_PV,       /* the PV page (sel4/pv.h), or empty */
    TCB_SLOT_EPT_ROOT, /* the guest-physical root its VCPU's guest runs in (TCB_SetEPTRoot) */
    TCB_SLOT_COUNT
};

/* A pending fault: what the fault message will say. */
typedef struct {
    seL4_FaultType type;
    word_t words[3];       /* VMFault: address, FSR, prefetch; UnknownSyscall: number;
                              UserException: vector, code; CapFault: cptr, in_recv_phase */
    lookup_fault_t lookup; /* CapFault */
} fault_t;

#define TCB_NAME_LENGTH 32

struct notification;

typedef struct tcb {
    cte_t slots[TCB_SLOT_COUNT];
    arch_tcb_t arch;

    thread_state_t state;
    /* While blocked: the endpoint or notification, and what the blocked operation carries. */
    void *blocking_object;
    word_t blocking_badge;
    bool blocking_can_grant;
    bool blocking_can_grant_reply;
    bool blocking_is_call;

    bool queued; /* in a ready queue */
    bool fault_all_syscalls;
    uint8_t priority;
    uint8_t mcp;
    word_t time_slice; /* ticks left */

    fault_t fault;
    cptr_t fault_handler; /* looked up in the thread's own CSpace when a fault happens */
    vaddr_t ipc_buffer;   /* user address of the IPC buffer */
    struct notification *bound_notification;

    struct tcb *sched_prev;
    struct tcb *sched_next;
    struct tcb *ep_prev; /* endpoint or notification queue */
    struct tcb *ep_next;

    char name[TCB_NAME_LENGTH];
} tcb_t;

_Static_assert(sizeof(tcb_t) <= (1u << seL4_TCBBits), "a TCB fits its object");

static inline cte_t *tcb_slot(tcb_t *tcb, unsigned index)
{
    return &tcb->slots[index];
}

static inline bool thread_state_is_runnable(thread_state_t state)
{
    return state == THREAD_RUNNING || state == THREAD_RESTART || state == THREAD_RUNNING_VM;
}

/* Initialise a freshly zeroed TCB object (state inactive, default registers and FPU state). */
void tcb_init(tcb_t *tcb);

#endif
