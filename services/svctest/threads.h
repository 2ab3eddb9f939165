/*
 * Threads for svctest's cases: in svctest's own address space and CSpace, with init as their
 * fault handler (a case's thread that faults is reported like any service's).
 */
#ifndef SVCTEST_THREADS_H
#define SVCTEST_THREADS_H

#include <runtime/thread.h>
#include <stdbool.h>

/* Creates the thread at priority (up to svctest's MCP, 250) and starts it at entry(arg). */
bool svctest_thread_run(thread_t *thread, seL4_Word priority, thread_entry_t entry, seL4_Word arg);

#endif
