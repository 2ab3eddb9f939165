/*
 * Hostile-input check: a thread with its own 16-slot CSpace (its CNode, TCB, the VSpace, an
 * untyped, endpoint, notification, frame, page table, ASID control and a fault endpoint) makes
 * random system calls with random capabilities, labels, message registers, extra capabilities
 * and receive slots. The root task answers its faults (skipping the failed system call) and,
 * whenever the thread stops making progress (blocked, suspended, lowered, stripped of its
 * capabilities), revokes everything it created and starts it again with a new seed. The check
 * is that the kernel survives and still works afterwards.
 */
#include "smoke.h"

#define FUZZ_RADIX        4
#define FUZZ_GUARD        (seL4_WordBits - FUZZ_RADIX)
#define FUZZ_SYSCALLS     20000
#define FUZZ_RESTARTS_MAX 5000
#define FUZZ_MIN_CALLS    5000 /* what a run must reach to count */
#define FUZZ_BADGE        0x99
#define FUZZ_PRIORITY     2
#define ROOT_FUZZ_PRIO    1
#define FUZZ_BUFFER_VADDR 0x10100000ull
#define STACK_WORDS       1024

enum {
    SLOT_CNODE = 1,
    SLOT_TCB,
    SLOT_VSPACE,
    SLOT_UNTYPED,
    SLOT_EP,
    SLOT_NTFN,
    SLOT_FRAME,
    SLOT_PT,
    SLOT_ASID_CONTROL,
    SLOT_FAULT_EP,
    SLOT_COUNT
};

static word_t fuzz_stack[STACK_WORDS] __attribute__((aligned(16)));
static volatile word_t fuzz_calls;

static seL4_CPtr fuzz_cnode;  /* root slot of the fuzzer's CNode */
static seL4_CPtr fuzz_tcb;    /* root slot of its TCB */
static seL4_CPtr fuzz_pool;   /* root-owned untyped that everything of the fuzzer comes from */
static seL4_CPtr fuzz_fault;  /* root-owned fault endpoint */
static seL4_CPtr fuzz_buffer; /* root-owned frame: the fuzzer's IPC buffer */

static word_t xorshift(word_t *state)
{
    word_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

static word_t interesting(word_t *state)
{
    static const word_t values[] = {
            0,        1,
            2,        3,
            4,        12,
            16,       21,
            47,       63,
            64,       0x7f,
            0x1000,   0x10100000,
            0x200000, 0xffff800000000000ull,
            ~0ull,    0x7fffffffffffull,
            0xf, /* all rights */
    };
    word_t r = xorshift(state);
    return (r & 3) == 0 ? xorshift(state) : values[(r >> 2) % (sizeof(values) / sizeof(values[0]))];
}

static seL4_CPtr random_cptr(word_t *state)
{
    word_t r = xorshift(state);
    return (r & 63) == 0 ? xorshift(state) : (r >> 6) % (SLOT_COUNT + 3);
}

/* The fuzzer: never returns; the root task stops it. RDI carries the seed. */
static void fuzz_thread(word_t seed)
{
    static const long numbers[] = {
            seL4_SysCall,
            seL4_SysCall,
            seL4_SysCall,
            seL4_SysCall,
            seL4_SysSend,
            seL4_SysNBSend,
            seL4_SysNBRecv,
            seL4_SysReply,
            seL4_SysYield,
            seL4_SysRecv,
            seL4_SysReplyRecv,
            seL4_SysVMEnter,
            seL4_SysDebugCapIdentify,
            seL4_SysDebugNameThread,
            seL4_SysBenchmarkNullSyscall,
            5,
            -40,
    };
    seL4_IPCBuffer *buffer = (seL4_IPCBuffer *)FUZZ_BUFFER_VADDR;
    word_t state = seed | 1;

    for (;;) {
        word_t r = xorshift(&state);
        long number = numbers[r % (sizeof(numbers) / sizeof(numbers[0]))];
        regs_t regs = {.rdi = random_cptr(&state)};
        word_t label = xorshift(&state) % (nInvocationLabels + 4);

        regs.rsi = seL4_MessageInfo_new(label, 0, xorshift(&state) & 3, xorshift(&state) & 0x7f)
                           .words[0];
        for (unsigned i = 0; i < 4; i++) {
            regs.mr[i] = interesting(&state);
        }
        for (unsigned i = 4; i < 12; i++) {
            buffer->msg[i] = interesting(&state);
        }
        for (unsigned i = 0; i < seL4_MsgMaxExtraCaps; i++) {
            buffer->caps_or_badges[i] = random_cptr(&state);
        }
        buffer->receiveCNode = random_cptr(&state);
        buffer->receiveIndex = random_cptr(&state);
        buffer->receiveDepth = interesting(&state) & 0x7f;
        sys((word_t)number, &regs);
        fuzz_calls++;
    }
}

static void fuzz_delete(word_t index)
{
    word_t args[2] = {index, FUZZ_RADIX};
    invoke(fuzz_cnode, CNodeDelete, 2, args, 0, 0, 0);
}

static word_t fuzz_retype(word_t type, word_t size_bits, word_t index)
{
    word_t args[6] = {type, size_bits, fuzz_cnode, seL4_WordBits, index, 1};
    seL4_CPtr root = ROOT;
    return invoke(fuzz_pool, UntypedRetype, 6, args, 1, &root, 0);
}

static word_t fuzz_copy(seL4_CPtr from, word_t index, word_t rights, word_t badge)
{
    word_t args[6] = {index, FUZZ_RADIX, from, seL4_WordBits, rights, badge};
    seL4_CPtr root = ROOT;
    return invoke(fuzz_cnode, badge != 0 ? CNodeMint : CNodeCopy, badge != 0 ? 6 : 5, args, 1,
                  &root, 0);
}

/* Give the fuzzer a fresh set of capabilities and start it again. Returns 0 on success. */
static word_t fuzz_restart(word_t seed)
{
    word_t error = 0;
    word_t revoke[2] = {fuzz_pool, seL4_WordBits};
    seL4_CPtr authority = seL4_CapInitThreadTCB;
    word_t priority = FUZZ_PRIORITY;

    invoke(fuzz_tcb, TCBSuspend, 0, 0, 0, 0, 0);
    error |= invoke(ROOT, CNodeRevoke, 2, revoke, 0, 0, 0);
    for (word_t i = 0; i < (1u << FUZZ_RADIX); i++) {
        fuzz_delete(i);
    }
    error |= fuzz_retype(seL4_UntypedObject, 14, SLOT_UNTYPED);
    error |= fuzz_retype(seL4_EndpointObject, 0, SLOT_EP);
    error |= fuzz_retype(seL4_NotificationObject, 0, SLOT_NTFN);
    error |= fuzz_retype(seL4_X86_4K, 0, SLOT_FRAME);
    error |= fuzz_retype(seL4_X86_PageTableObject, 0, SLOT_PT);
    error |= fuzz_copy(fuzz_cnode, SLOT_CNODE, seL4_AllRights.words[0],
                       seL4_CNode_CapData_new(0, FUZZ_GUARD));
    error |= fuzz_copy(fuzz_tcb, SLOT_TCB, seL4_AllRights.words[0], 0);
    error |= fuzz_copy(seL4_CapInitThreadVSpace, SLOT_VSPACE, seL4_AllRights.words[0], 0);
    error |= fuzz_copy(seL4_CapASIDControl, SLOT_ASID_CONTROL, seL4_AllRights.words[0], 0);
    error |= fuzz_copy(fuzz_fault, SLOT_FAULT_EP, seL4_AllRights.words[0], FUZZ_BADGE);

    word_t configure[4] = {SLOT_FAULT_EP, seL4_CNode_CapData_new(0, FUZZ_GUARD), 0,
                           FUZZ_BUFFER_VADDR};
    seL4_CPtr spaces[3] = {fuzz_cnode, seL4_CapInitThreadVSpace, fuzz_buffer};
    error |= invoke(fuzz_tcb, TCBConfigure, 4, configure, 3, spaces, 0);
    error |= invoke(fuzz_tcb, TCBSetPriority, 1, &priority, 1, &authority, 0);

    word_t write[2 + seL4_UserContext_Count] = {1, seL4_UserContext_Count};
    write[2 + seL4_UserContext_RIP] = (word_t)fuzz_thread;
    write[2 + seL4_UserContext_RSP] = (word_t)&fuzz_stack[STACK_WORDS - 1];
    write[2 + seL4_UserContext_RFLAGS] = 0x202;
    write[2 + seL4_UserContext_RDI] = seed;
    error |= invoke(fuzz_tcb, TCBWriteRegisters, 2 + seL4_UserContext_Count, write, 0, 0, 0);
    return error;
}

/* A fault of the fuzzer: skip a failed system call (RIP is the syscall for a capability
 * fault, already after it otherwise) and resume. */
static void fuzz_answer_fault(word_t label, const regs_t *received)
{
    regs_t reply = *received;

    if (label == seL4_Fault_CapFault) {
        /* MRs 4..19 are still in the root's IPC buffer, where the reply takes them from. */
        reply.mr[seL4_UserContext_RIP] += 2;
        reply.rsi = seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count).words[0];
    } else {
        /* A valid number arriving as UnknownSyscall: the fuzzer put itself into fault-all-
         * syscalls mode. Take it out again, or every later call would end here. */
        long number = (long)ipc->msg[seL4_UnknownSyscall_Syscall];
        if (number < 0 && number >= seL4_SysMin) {
            word_t normal = 0;
            invoke(fuzz_tcb, TCBSetFaultAllSyscalls, 1, &normal, 0, 0, 0);
        }
        reply.rsi = seL4_MessageInfo_new(0, 0, 0, 0).words[0];
    }
    sys((word_t)seL4_SysReply, &reply);
}

void check_fuzz(void)
{
    seL4_CPtr authority = seL4_CapInitThreadTCB;
    word_t low = ROOT_FUZZ_PRIO;
    word_t high = seL4_MaxPrio;
    word_t restarts = 0;
    word_t faults = 0;
    word_t seed = 0x9e3779b97f4a7c15ull;
    word_t map[3] = {FUZZ_BUFFER_VADDR, seL4_ReadWrite.words[0], 0};
    seL4_CPtr vspace = seL4_CapInitThreadVSpace;

    fuzz_pool = retype(seL4_UntypedObject, 16);
    fuzz_cnode = retype(seL4_CapTableObject, FUZZ_RADIX);
    fuzz_tcb = retype(seL4_TCBObject, 0);
    fuzz_fault = retype(seL4_EndpointObject, 0);
    fuzz_buffer = retype(seL4_X86_4K, 0);
    check(invoke(fuzz_buffer, X86PageMap, 3, map, 1, &vspace, 0) == 0, "fuzz: IPC buffer mapped",
          0);
    check(fuzz_restart(seed) == 0, "fuzz: thread set up in its own CSpace", 0);
    check(invoke(seL4_CapInitThreadTCB, TCBSetPriority, 1, &low, 1, &authority, 0) == 0,
          "fuzz: root task below the fuzzer", 0);

    while (fuzz_calls < FUZZ_SYSCALLS && restarts < FUZZ_RESTARTS_MAX) {
        regs_t r = {.rdi = fuzz_fault};
        sys((word_t)seL4_SysNBRecv, &r);
        word_t label = seL4_MessageInfo_get_label((seL4_MessageInfo_t){{r.rsi}});
        if (r.rdi == FUZZ_BADGE &&
            (label == seL4_Fault_CapFault || label == seL4_Fault_UnknownSyscall)) {
            faults++;
            fuzz_answer_fault(label, &r);
            continue;
        }
        if (r.rdi == FUZZ_BADGE) {
            /* A message the fuzzer sent its fault endpoint itself: answer a Call, if it was one. */
            regs_t empty = {.rsi = 0};
            sys((word_t)seL4_SysReply, &empty);
            continue;
        }
        /* Nothing to answer and the root runs: the fuzzer is stuck or gone. */
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        if (fuzz_restart(seed) != 0) {
            puts_("smoke: fuzz: restart failed\n");
            break;
        }
        restarts++;
    }
    invoke(fuzz_tcb, TCBSuspend, 0, 0, 0, 0, 0);
    check(invoke(seL4_CapInitThreadTCB, TCBSetPriority, 1, &high, 1, &authority, 0) == 0,
          "fuzz: root task priority restored", 0);
    word_t revoke[2] = {fuzz_pool, seL4_WordBits};
    check(invoke(ROOT, CNodeRevoke, 2, revoke, 0, 0, 0) == 0, "fuzz: everything it made revoked",
          0);
    check(fuzz_calls >= FUZZ_MIN_CALLS, "fuzz: random system calls survived", fuzz_calls);
    puts_("smoke: fuzz: ");
    putd(fuzz_calls);
    puts_(" system calls, ");
    putd(faults);
    puts_(" faults answered, ");
    putd(restarts);
    puts_(" restarts\n");
}
