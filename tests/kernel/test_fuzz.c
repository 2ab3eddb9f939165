/*
 * Random system calls: a thread in a sandbox CSpace makes thousands of calls with random
 * capability pointers, invocation labels, message words and extra caps, biased towards values
 * that pass the first checks (slot numbers, object types, size bits, depths, page addresses).
 * The sandbox holds an untyped, its own CNode, an endpoint, a notification, a spare TCB, frames,
 * paging structures and a PML4 of its own; never a capability to anything the suite uses. The
 * kernel must answer every call (or block the caller, which a watchdog undoes), must report
 * a spread of outcomes (so the calls reach the decoders), and afterwards must give back all the
 * sandbox's memory: a revoke of the untyped leaves it whole for a full-size retype.
 */
#include "groups.h"
#include <sel4/functions.h>

#define FUZZ_SEED            0x6a09e667f3bcc908ull
#define FUZZ_CALLS           10000
#define FUZZ_SLOT_BITS       8
#define FUZZ_UNTYPED_BITS    16
#define FUZZ_DEPTH           seL4_WordBits
#define FUZZ_STALL_YIELDS    4
#define FUZZ_FUTILE_RESTARTS 8

/* The sandbox CSpace: cptr i is slot i. */
enum {
    FUZZ_UNTYPED = 1,
    FUZZ_CNODE,
    FUZZ_ENDPOINT,
    FUZZ_NOTIFICATION,
    FUZZ_TCB,
    FUZZ_FRAME,
    FUZZ_FRAME_2,
    FUZZ_PAGE_TABLE,
    FUZZ_PAGE_DIRECTORY,
    FUZZ_PDPT,
    FUZZ_PML4,
    FUZZ_BADGED_ENDPOINT,
    FUZZ_FIRST_FREE,
};

enum {
    FUZZ_SYS_CALL,
    FUZZ_SYS_SEND,
    FUZZ_SYS_NBSEND,
    FUZZ_SYS_RECV,
    FUZZ_SYS_NBRECV,
    FUZZ_SYS_REPLY_RECV,
    FUZZ_SYS_SIGNAL,
    FUZZ_SYS_POLL,
    FUZZ_SYS_YIELD,
    FUZZ_SYS_COUNT
};

/* Shared with the fuzzing thread; it survives the thread's restarts. */
static struct {
    seL4_Word rng;
    volatile seL4_Word calls; /* calls made (and answered) so far */
    volatile seL4_Word done;
    seL4_Word errors[seL4_NumErrors + 1]; /* Call results by error code; the last: others */
    seL4_Word syscalls[FUZZ_SYS_COUNT];
} fuzz;

static seL4_Word fuzz_next(void)
{
    /* xorshift64*: deterministic from FUZZ_SEED, so a failure repeats. */
    fuzz.rng ^= fuzz.rng >> 12;
    fuzz.rng ^= fuzz.rng << 25;
    fuzz.rng ^= fuzz.rng >> 27;
    return fuzz.rng * 0x2545f4914f6cdd1dull;
}

static seL4_Word fuzz_below(seL4_Word n)
{
    return fuzz_next() % n;
}

static seL4_CPtr fuzz_cptr(void)
{
    seL4_Word pick = fuzz_below(100);

    if (pick < 80) {
        return fuzz_below(FUZZ_FIRST_FREE + 8);
    }
    if (pick < 92) {
        return fuzz_below((seL4_Word)1 << FUZZ_SLOT_BITS);
    }
    return fuzz_next(); /* lookup must fail cleanly (guard mismatch, bits left over) */
}

/* A message word that is plausible for some invocation more often than not. */
static seL4_Word fuzz_word(void)
{
    static const seL4_Word specials[] = {
            0,
            1,
            FUZZ_DEPTH,
            FUZZ_SLOT_BITS,
            seL4_PageBits,
            seL4_LargePageBits,
            0x40000000ull,
            0x40001000ull,
            0x40200000ull,
            0x7ffffffff000ull,
            0x800000000000ull,
            0xffff800000000000ull,
            0xfffffffffffff000ull,
            ~0ull,
    };
    seL4_Word pick = fuzz_below(100);

    if (pick < 25) {
        return fuzz_below(FUZZ_FIRST_FREE + 8); /* slot numbers, also small object types */
    }
    if (pick < 37) {
        return FUZZ_DEPTH; /* what every slot argument of the sandbox needs */
    }
    if (pick < 50) {
        return fuzz_below(seL4_ObjectTypeCount + 2);
    }
    if (pick < 62) {
        return fuzz_below(seL4_WordBits + 2); /* size bits, other depths */
    }
    if (pick < 87) {
        return specials[fuzz_below(sizeof(specials) / sizeof(specials[0]))];
    }
    return fuzz_next();
}

/*
 * An invocation label: mostly one that the capability's type has (as the kernel sees it now,
 * so also for objects the fuzzer made), sometimes any, sometimes none.
 */
static seL4_Word fuzz_label(seL4_CPtr cptr)
{
    static const struct {
        unsigned char type, first, last;
    } labels[] = {
            {seL4_CapType_Untyped, UntypedRetype, UntypedRetype},
            {seL4_CapType_Thread, TCBReadRegisters, TCBSetFaultAllSyscalls},
            {seL4_CapType_CNode, CNodeRevoke, CNodeSaveCaller},
            {seL4_CapType_Frame, X86PageMap, X86PageGetAddress},
            {seL4_CapType_PageTable, X86PageTableMap, X86PageTableUnmap},
            {seL4_CapType_PageDirectory, X86PageDirectoryMap, X86PageDirectoryUnmap},
            {seL4_CapType_PDPT, X86PDPTMap, X86PDPTUnmap},
            {seL4_CapType_VCPU, X86VCPUSetTCB, X86VCPUWriteRegisters},
            {seL4_CapType_EPTPDPT, X86EPTPDPTMap, X86EPTPDPTUnmap},
            {seL4_CapType_EPTPD, X86EPTPDMap, X86EPTPDUnmap},
            {seL4_CapType_EPTPT, X86EPTPTMap, X86EPTPTUnmap},
    };
    seL4_Word pick = fuzz_below(100);

    if (pick < 75) {
        seL4_Word type = seL4_DebugCapIdentify(cptr);
        for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
            if (labels[i].type == type) {
                return labels[i].first + fuzz_below(labels[i].last - labels[i].first + 1u);
            }
        }
    }
    return pick < 95 ? fuzz_below(nInvocationLabels) : fuzz_next();
}

static seL4_MessageInfo_t fuzz_message(seL4_CPtr cptr)
{
    seL4_Word label = fuzz_label(cptr);
    seL4_Word length = fuzz_below(9);
    seL4_Word extra_caps = fuzz_below(4);

    for (seL4_Word i = 0; i < length; i++) {
        seL4_SetMR((int)i, fuzz_word());
    }
    for (seL4_Word i = 0; i < extra_caps; i++) {
        seL4_CPtr cap = fuzz_cptr();
        if (i == 0) {
            /* A CNode (destination root) or a VSpace to map into, more often than not. */
            seL4_Word pick = fuzz_below(8);
            cap = pick < 3 ? FUZZ_CNODE : pick < 5 ? FUZZ_PML4 : cap;
        }
        seL4_SetCap((int)i, cap);
    }
    if (fuzz_below(16) == 0) {
        seL4_SetCapReceivePath(FUZZ_CNODE, fuzz_below(1u << FUZZ_SLOT_BITS), FUZZ_DEPTH);
    }
    if (fuzz_below(32) == 0) {
        length = fuzz_below(seL4_MsgMaxLength + 4); /* lengths past what was set, or the end */
    }
    return seL4_MessageInfo_new(label, 0, extra_caps, length);
}

static void fuzz_one(void)
{
    static const unsigned char mix[] = {
            FUZZ_SYS_CALL,   FUZZ_SYS_CALL,       FUZZ_SYS_CALL,   FUZZ_SYS_CALL,   FUZZ_SYS_CALL,
            FUZZ_SYS_CALL,   FUZZ_SYS_CALL,       FUZZ_SYS_CALL,   FUZZ_SYS_CALL,   FUZZ_SYS_CALL,
            FUZZ_SYS_CALL,   FUZZ_SYS_CALL,       FUZZ_SYS_CALL,   FUZZ_SYS_CALL,   FUZZ_SYS_CALL,
            FUZZ_SYS_CALL,   FUZZ_SYS_CALL,       FUZZ_SYS_CALL,   FUZZ_SYS_SEND,   FUZZ_SYS_NBSEND,
            FUZZ_SYS_NBSEND, FUZZ_SYS_RECV,       FUZZ_SYS_NBRECV, FUZZ_SYS_NBRECV, FUZZ_SYS_SIGNAL,
            FUZZ_SYS_SIGNAL, FUZZ_SYS_REPLY_RECV, FUZZ_SYS_POLL,   FUZZ_SYS_POLL,   FUZZ_SYS_YIELD,
    };
    unsigned kind = mix[fuzz_below(sizeof(mix))];
    seL4_CPtr cptr = fuzz_cptr();

    /* Empty slots answer every invocation the same way: aim at occupied ones, mostly. */
    for (int retry = 0; retry < 3 && seL4_DebugCapIdentify(cptr) == seL4_CapType_Null; retry++) {
        cptr = fuzz_cptr();
    }
    seL4_MessageInfo_t info = fuzz_message(cptr);
    seL4_Word badge = 0;

    fuzz.syscalls[kind]++;
    switch (kind) {
    case FUZZ_SYS_CALL: {
        seL4_Word error = seL4_MessageInfo_get_label(seL4_Call(cptr, info));
        fuzz.errors[error < seL4_NumErrors ? error : seL4_NumErrors]++;
        break;
    }
    case FUZZ_SYS_SEND:
        seL4_Send(cptr, info);
        break;
    case FUZZ_SYS_NBSEND:
        seL4_NBSend(cptr, info);
        break;
    case FUZZ_SYS_RECV:
        seL4_Recv(cptr, &badge);
        break;
    case FUZZ_SYS_NBRECV:
        seL4_NBRecv(cptr, &badge);
        break;
    case FUZZ_SYS_REPLY_RECV:
        seL4_ReplyRecv(cptr, info, &badge);
        break;
    case FUZZ_SYS_SIGNAL:
        seL4_Signal(cptr);
        break;
    case FUZZ_SYS_POLL:
        seL4_Poll(cptr, &badge);
        break;
    default:
        seL4_Yield();
        break;
    }
}

/* The fuzzing thread; restarted here by the watchdog when a call blocks it. */
static void entry_fuzz(seL4_Word unused)
{
    (void)unused;
    while (fuzz.calls < FUZZ_CALLS) {
        /* Counted first: a call that blocks for good is not made again after the restart. */
        fuzz.calls = fuzz.calls + 1;
        fuzz_one();
    }
    fuzz.done = 1;
    for (;;) {
        seL4_Yield();
    }
}

/* The sandbox: a CSpace of 2^FUZZ_SLOT_BITS slots with the objects listed above. */
static int fuzz_sandbox(test_env_t *env, seL4_CPtr untyped, seL4_CPtr *cspace)
{
    static const struct {
        seL4_Word slot;
        seL4_Word type;
    } objects[] = {
            {FUZZ_ENDPOINT, seL4_EndpointObject},
            {FUZZ_NOTIFICATION, seL4_NotificationObject},
            {FUZZ_TCB, seL4_TCBObject},
            {FUZZ_FRAME, seL4_X86_4K},
            {FUZZ_FRAME_2, seL4_X86_4K},
            {FUZZ_PAGE_TABLE, seL4_X86_PageTableObject},
            {FUZZ_PAGE_DIRECTORY, seL4_X86_PageDirectoryObject},
            {FUZZ_PDPT, seL4_X86_PDPTObject},
            {FUZZ_PML4, seL4_X64_PML4Object},
    };
    seL4_CPtr cnode = test_cspace_new(env, FUZZ_SLOT_BITS);

    if (cnode == 0 || !test_cspace_put(env, cnode, FUZZ_UNTYPED, untyped, seL4_AllRights) ||
        !test_cspace_put(env, cnode, FUZZ_CNODE, cnode, seL4_AllRights)) {
        return 0;
    }
    /* Moved, not copied: unmapped paging structures have no copies (seL4's deriveCap). */
    for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
        seL4_CPtr object = test_object(env, objects[i].type, 0);
        if (object == 0) {
            return 0;
        }
        seL4_Error error = objects[i].type == seL4_X64_PML4Object
                                   ? seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, object)
                                   : seL4_NoError;
        if (error == seL4_NoError) {
            error = seL4_CNode_Move(cnode, objects[i].slot, FUZZ_DEPTH, ROOT_CNODE, object,
                                    ROOT_DEPTH);
        }
        if (error != seL4_NoError) {
            test_fail(env, __LINE__, "sandbox object %lu: %s", (unsigned long)objects[i].type,
                      test_error_name(error));
            return 0;
        }
    }
    seL4_Error error = seL4_CNode_Mint(cnode, FUZZ_BADGED_ENDPOINT, FUZZ_DEPTH, cnode,
                                       FUZZ_ENDPOINT, FUZZ_DEPTH, seL4_AllRights, 0x77);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "minting the badged endpoint: %s", test_error_name(error));
        return 0;
    }
    *cspace = cnode;
    return 1;
}

static void test_random_invocations(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, FUZZ_UNTYPED_BITS);
    test_thread_opts_t opts = {.self_tcb = TEST_NO_SELF_TCB};
    thread_t fuzzer;
    seL4_Word restarts = 0;

    TEST_CHECK(env, untyped != 0, "setup");
    TEST_CHECK(env, fuzz_sandbox(env, untyped, &opts.cspace), "sandbox");
    memset(&fuzz, 0, sizeof(fuzz));
    fuzz.rng = FUZZ_SEED;
    TEST_CHECK(env, test_thread_run(env, &fuzzer, &opts, entry_fuzz, 0), "fuzzer");

    /*
     * Watchdog: a fuzzer that made no call while this thread yielded to it is blocked on an
     * endpoint or notification, or suspended after a fault (it has no fault handler: a blocking
     * call on a bad cptr is a CapFault). It is restarted with the next call. Restarts that
     * bring no progress at all mean the fuzzer itself is broken.
     */
    seL4_Word restarted_at = ~0ull;
    int futile = 0;
    while (!fuzz.done) {
        seL4_Word before = fuzz.calls;
        test_yield(FUZZ_STALL_YIELDS);
        if (fuzz.done || fuzz.calls != before) {
            continue;
        }
        futile = before == restarted_at ? futile + 1 : 0;
        TEST_CHECK(env, futile < FUZZ_FUTILE_RESTARTS, "the fuzzer makes no progress at call %lu",
                   (unsigned long)before);
        restarted_at = before;
        restarts++;
        TEST_OK(env, seL4_TCB_Suspend(fuzzer.tcb));
        TEST_OK(env, thread_start(&fuzzer, entry_fuzz, 0));
    }
    TEST_OK(env, seL4_TCB_Suspend(fuzzer.tcb));

    /* The calls reached the decoders: successes and several distinct errors. */
    int outcomes = 0;
    for (int e = 0; e <= seL4_NumErrors; e++) {
        outcomes += fuzz.errors[e] != 0;
    }
    printf("fuzz: %lu calls (%lu Call, %lu restarts); outcomes ok %lu inval-arg %lu "
           "inval-cap %lu illegal %lu range %lu align %lu lookup %lu trunc %lu "
           "delete-first %lu revoke-first %lu no-mem %lu\n",
           (unsigned long)fuzz.calls, (unsigned long)fuzz.syscalls[FUZZ_SYS_CALL],
           (unsigned long)restarts, (unsigned long)fuzz.errors[0], (unsigned long)fuzz.errors[1],
           (unsigned long)fuzz.errors[2], (unsigned long)fuzz.errors[3],
           (unsigned long)fuzz.errors[4], (unsigned long)fuzz.errors[5],
           (unsigned long)fuzz.errors[6], (unsigned long)fuzz.errors[7],
           (unsigned long)fuzz.errors[8], (unsigned long)fuzz.errors[9],
           (unsigned long)fuzz.errors[10]);
    TEST_CHECK(env, fuzz.errors[seL4_NoError] >= 50, "only %lu calls succeeded",
               (unsigned long)fuzz.errors[seL4_NoError]);
    TEST_CHECK(env, outcomes >= 8, "only %d distinct outcomes", outcomes);
    TEST_EQ(env, fuzz.errors[seL4_NumErrors], 0); /* no result outside seL4's error codes */

    /* Everything made from the untyped comes back: revoke, then retype it whole. */
    TEST_OK(env, seL4_CNode_Revoke(ROOT_CNODE, untyped, ROOT_DEPTH));
    seL4_CPtr whole = test_slot(env);
    TEST_CHECK(env, whole != 0, "slot");
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_UntypedObject, FUZZ_UNTYPED_BITS, ROOT_CNODE, 0,
                                     0, whole, 1));
}

static const test_case_t fuzz_cases[] = {
        {"fuzz_random_invocations", test_random_invocations},
};

const test_group_t fuzz_group = TEST_GROUP(fuzz_cases);
