/*
 * The kernel test suite's framework: test registration, assertions, and the per-test
 * environment. Every test gets a fresh arena (an untyped it may use up), a range of root CNode
 * slots and a range of virtual addresses; after the test the framework revokes the arena and
 * empties the slots, so tests cannot leak objects, threads or mappings into each other.
 */
#ifndef KTEST_FRAMEWORK_H
#define KTEST_FRAMEWORK_H

#include <runtime/alloc.h>
#include <runtime/print.h>
#include <runtime/string.h>
#include <runtime/thread.h>
#include <runtime/vspace.h>
#include <sel4/functions.h>

/* Priority of the suite's root thread during tests; children default to it as well. */
#define ROOT_PRIO 100

/* The root CNode, addressed single-level. */
#define ROOT_CNODE seL4_CapInitThreadCNode
#define ROOT_DEPTH seL4_WordBits

typedef struct test_env {
    seL4_BootInfo *bootinfo;
    alloc_t alloc;   /* this test's slots and its arena */
    vspace_t vspace; /* the root VSpace; reservations are this test's */
    seL4_CPtr arena; /* untyped the test allocates from; revoked afterwards */
    seL4_Uint8 arena_bits;
    seL4_Uint64 tsc_hz; /* for timeouts */
    /* Long-lived I/O port capabilities issued once for the whole suite. */
    seL4_CPtr port_pci;  /* 0xcf8..0xcff */
    seL4_CPtr port_cmos; /* 0x70..0x71 */
    /* Outcome of the running test. */
    int failed;
    int skipped; /* the machine lacks what the test needs (TEST_SKIP) */
    char message[200];
} test_env_t;

typedef struct test_case {
    const char *name;
    void (*run)(test_env_t *env);
} test_case_t;

typedef struct test_group {
    const test_case_t *cases;
    int count;
} test_group_t;

#define TEST_GROUP(array)                                                                          \
    {                                                                                              \
        (array), (int)(sizeof(array) / sizeof((array)[0]))                                         \
    }

/* Records the first failure of the running test (later ones are ignored). */
void test_fail(test_env_t *env, int line, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

const char *test_error_name(seL4_Word error);

/* Assertions: each records the failure and returns from the test function. */
#define TEST_CHECK(env, cond, ...)                                                                 \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            test_fail((env), __LINE__, __VA_ARGS__);                                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define TEST_EXPECT_ERR(env, expr, expected)                                                       \
    do {                                                                                           \
        seL4_Word test_got_ = (seL4_Word)(expr);                                                   \
        if (test_got_ != (seL4_Word)(expected)) {                                                  \
            test_fail((env), __LINE__, "%.48s: got %s, expected %s", #expr,                        \
                      test_error_name(test_got_), test_error_name(expected));                      \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define TEST_OK(env, expr) TEST_EXPECT_ERR(env, expr, seL4_NoError)

/* The test cannot run on this machine (a CPU feature is absent): it is reported as SKIP with the
 * reason, and counted neither as passed nor as failed. */
void test_skip(test_env_t *env, const char *format, ...) __attribute__((format(printf, 2, 3)));

#define TEST_SKIP(env, ...)                                                                        \
    do {                                                                                           \
        test_skip((env), __VA_ARGS__);                                                             \
        return;                                                                                    \
    } while (0)

#define TEST_EQ(env, got, expected)                                                                \
    do {                                                                                           \
        seL4_Word test_g_ = (seL4_Word)(got);                                                      \
        seL4_Word test_e_ = (seL4_Word)(expected);                                                 \
        if (test_g_ != test_e_) {                                                                  \
            test_fail((env), __LINE__, "%.48s = %#lx, expected %#lx", #got,                        \
                      (unsigned long)test_g_, (unsigned long)test_e_);                             \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* --- helpers (helpers.c) --- */

/* A fresh empty slot of the root CNode (fails the test when none is left). */
seL4_CPtr test_slot(test_env_t *env);

/* One new object from the arena; 0 (and a recorded failure) on error. */
seL4_CPtr test_object(test_env_t *env, seL4_Word type, seL4_Word size_bits);

/* An untyped of 2^bits bytes carved from the arena. */
seL4_CPtr test_untyped(test_env_t *env, seL4_Word bits);

/* A new copy (or mint) of cap in a fresh root slot. */
seL4_CPtr test_copy(test_env_t *env, seL4_CPtr cap, seL4_CapRights_t rights);
seL4_CPtr test_mint(test_env_t *env, seL4_CPtr cap, seL4_CapRights_t rights, seL4_Word badge);

/* Pages of fresh read-write memory in the root VSpace. */
void *test_pages(test_env_t *env, seL4_Word pages, seL4_CPtr *frames);

/* A new VSpace (PML4 assigned to the initial ASID pool) sharing the suite's image. */
int test_vspace_new(test_env_t *env, vspace_t *vspace);

/*
 * A new CNode of 2^bits slots, minted with the guard that makes it resolve 64-bit addresses in
 * one level (so slot i is cptr i for a thread using it as its CSpace root).
 */
seL4_CPtr test_cspace_new(test_env_t *env, seL4_Word bits);

/* Copies cap from the root CNode into slot index of cnode (a single-level 64-bit CSpace). */
int test_cspace_put(test_env_t *env, seL4_CPtr cnode, seL4_Word index, seL4_CPtr cap,
                    seL4_CapRights_t rights);

/*
 * Creates a thread in the suite's CSpace and VSpace (or in cspace/vspace when given), with
 * priority prio and fault endpoint fault_ep (a cptr in the thread's CSpace; 0 for none).
 * Returns 0 (and a recorded failure) on error.
 */
typedef struct test_thread_opts {
    seL4_Word prio;
    seL4_CPtr fault_ep;
    seL4_CPtr cspace;   /* 0: the root CNode */
    vspace_t *vspace;   /* NULL: the root VSpace */
    seL4_CPtr self_tcb; /* the thread's TCB in its own CSpace; 0: computed for the root one,
                         * TEST_NO_SELF_TCB: none */
} test_thread_opts_t;

#define TEST_NO_SELF_TCB ((seL4_CPtr)-2)

int test_thread_new(test_env_t *env, thread_t *thread, const test_thread_opts_t *opts);

/*
 * Sets opts for a thread in spaces of its own: a new 16-slot CSpace (opts->cspace, see
 * test_cspace_new) holding a copy of cap at cptr 1, and a new VSpace in *vspace (opts->vspace).
 */
int test_own_spaces(test_env_t *env, test_thread_opts_t *opts, vspace_t *vspace, seL4_CPtr cap);
int test_thread_run(test_env_t *env, thread_t *thread, const test_thread_opts_t *opts,
                    thread_entry_t entry, seL4_Word arg);

/*
 * Starts thread at rip with the given register values (rsp etc. as the caller sets them);
 * used for threads that run hand-written assembly.
 */
int test_thread_start_at(test_env_t *env, thread_t *thread, seL4_UserContext *context);

/*
 * A register set for a thread that starts at rip: a distinct value in every general register,
 * RSP a little below the thread's stack top, FS base its TLS, GS base 0.
 */
void test_context(const thread_t *thread, const void *rip, seL4_UserContext *context);

/*
 * A new thread (test_thread_new) and, in *context, its test_context register set for rip. Not
 * started: the caller may change registers or the thread's TCB first, then test_thread_start_at.
 */
int test_thread_new_at(test_env_t *env, thread_t *thread, const test_thread_opts_t *opts,
                       const void *rip, seL4_UserContext *context);

/* Bits of a register excluded from a comparison (test_registers_match). */
#define TEST_REG_RIP    (1u << seL4_UserContext_RIP)
#define TEST_REG_RCX    (1u << seL4_UserContext_RCX)
#define TEST_REG_R11    (1u << seL4_UserContext_R11)
#define TEST_REG_RFLAGS (1u << seL4_UserContext_RFLAGS)

/*
 * Compares got[0..20) with want, except the registers in skip; RFLAGS compares under
 * seL4_RFLAGS_UserMask. Records a failure naming the first difference; returns 1 on a match.
 */
int test_registers_match(test_env_t *env, const seL4_Word *got, const seL4_UserContext *want,
                         seL4_Word skip);

/* Waits (polling with NBRecv or Poll, yielding in between) up to ms milliseconds. */
int test_wait_message(test_env_t *env, seL4_CPtr ep, seL4_Word ms, seL4_MessageInfo_t *info,
                      seL4_Word *badge);
int test_wait_signal(test_env_t *env, seL4_CPtr notification, seL4_Word ms, seL4_Word *badge);

/*
 * Starts a thread at a stub of stubs.S with the test_context registers plus rax and rcx, in the
 * root CSpace and the given VSpace (NULL: the root's), faults going to fault_ep.
 */
int test_run_stub(test_env_t *env, thread_t *thread, seL4_CPtr fault_ep, vspace_t *vspace,
                  const void *stub, seL4_Word rax, seL4_Word rcx, seL4_UserContext *context);

/* Waits for a fault message on ep; stores its label and first n message registers. */
int test_wait_fault(test_env_t *env, seL4_CPtr ep, seL4_Word *label, seL4_Word *mrs, int n);

/*
 * A thread run until it faults: its fault endpoint (a new one), the registers it started with,
 * and the last fault message (label and all seL4_Fault_MessageLength message registers).
 */
typedef struct test_fault_run {
    seL4_CPtr ep;
    thread_t thread;
    seL4_UserContext context;
    seL4_Word label;
    seL4_Word mrs[seL4_MsgMaxLength];
} test_fault_run_t;

/*
 * A new thread in vspace (NULL: the root's) about to run stub with the test_context registers,
 * its faults going to a new endpoint run->ep. Not started: the caller may change run->context
 * or the thread's TCB first, then test_fault_run_start.
 */
int test_fault_run_new(test_env_t *env, test_fault_run_t *run, vspace_t *vspace, const void *stub);

/* Starts the thread of test_fault_run_new with run->context and waits for its first fault. */
int test_fault_run_start(test_env_t *env, test_fault_run_t *run);

/* Both at once, with rax and rcx set: a stub run to its first fault. */
int test_fault_run(test_env_t *env, test_fault_run_t *run, vspace_t *vspace, const void *stub,
                   seL4_Word rax, seL4_Word rcx);

/* Waits for the next fault of the running thread (after a reply to the last one). */
int test_fault_run_next(test_env_t *env, test_fault_run_t *run);

/* Waits until *flag != 0 (set by another thread), yielding; returns the flag's value or 0. */
seL4_Word test_wait_flag(test_env_t *env, const volatile seL4_Word *flag, seL4_Word ms);

/* Yields the processor count times (lets threads of the same priority run). */
void test_yield(int count);

/* TSC ticks in ms milliseconds. */
seL4_Uint64 test_ticks(test_env_t *env, seL4_Word ms);

/* Copy of the message registers [0, n) of the last received message. */
void test_read_mrs(seL4_Word *mrs, int n);

/* Whether addr is canonical. */
static inline int test_canonical(seL4_Word addr)
{
    return (seL4_Word)((int64_t)(addr << 16) >> 16) == addr;
}

#endif
