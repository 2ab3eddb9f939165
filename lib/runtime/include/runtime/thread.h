/*
 * Threads: a TCB with a stack, TLS and IPC buffer, in the creator's address space or in another
 * one that shares the program image (vspace_share_image). The thread's memory is mapped at the
 * same address in both, so the creator can prepare it and read what the thread leaves there.
 */
#ifndef RUNTIME_THREAD_H
#define RUNTIME_THREAD_H

#include <runtime/vspace.h>

#define THREAD_STACK_PAGES 4

typedef void (*thread_entry_t)(seL4_Word arg);

typedef struct thread_params {
    seL4_Word priority;
    seL4_CPtr authority;   /* TCB whose MCP bounds the priority (usually the creator's own) */
    seL4_CPtr fault_ep;    /* in the thread's CSpace; seL4_CapNull: no fault handler */
    seL4_CPtr cspace;      /* the thread's CSpace root, in the creator's CSpace */
    seL4_Word cspace_data; /* guard data for the CSpace root (0: keep the cap's guard) */
    vspace_t *vspace;      /* the thread's address space; NULL: the creator's */
    seL4_CPtr self_tcb;    /* the thread's own TCB in its CSpace (0: none), used on exit;
                            * THREAD_SELF_IS_TCB: same CSpace as the creator, use thread->tcb */
} thread_params_t;

#define THREAD_SELF_IS_TCB ((seL4_CPtr)-1)

typedef struct thread {
    seL4_CPtr tcb;       /* in the creator's CSpace */
    seL4_CPtr ipc_frame; /* in the creator's CSpace */
    seL4_IPCBuffer *ipc_buffer;
    seL4_Word stack_top;
    seL4_Word tls_pointer;
} thread_t;

/* Creates and configures the thread (inactive). own is the creator's address space. */
seL4_Error thread_create(thread_t *thread, vspace_t *own, const thread_params_t *params);

/* Starts it at entry(arg) by writing all its registers (FS base = its TLS) and resuming it. */
seL4_Error thread_start(const thread_t *thread, thread_entry_t entry, seL4_Word arg);

/* The register set thread_start uses; callers may adjust it and write it themselves. */
void thread_initial_context(const thread_t *thread, thread_entry_t entry, seL4_Word arg,
                            seL4_UserContext *context);

/* The calling thread's own TCB in its CSpace (0: none); set by thread_create. Global because
 * TLS_VARIABLE_IN names it from assembly. */
extern __thread seL4_CPtr runtime_thread_self_tcb;

/* Ends the calling thread: suspends it through its own TCB cap if it has one, else yields
 * forever. Threads whose entry function returns end here. */
void runtime_thread_exit(void) __attribute__((noreturn));

/* The start address every new thread begins at (lib/runtime/thread_start.S). */
void runtime_thread_trampoline(void);

#endif
