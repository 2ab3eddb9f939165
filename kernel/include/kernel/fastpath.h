/*
 * The IPC fast paths: Call to a waiting receiver and ReplyRecv to a waiting caller, for short
 * messages (at most four message registers, no capabilities) when the partner is the thread the
 * scheduler would run next anyway. They do exactly what the general path does in those cases,
 * with fewer steps; anything else falls through to the general path.
 */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include <kernel/types.h>

/* True when the system call was handled (the current thread is now the partner). */
bool fastpath_call(word_t cptr, word_t info);
bool fastpath_reply_recv(word_t cptr, word_t info);

#endif
