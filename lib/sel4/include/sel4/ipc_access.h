/*
 * Per-thread access to the IPC buffer: message registers, extra capabilities, badges and the
 * receive path. Every thread keeps its IPC buffer address in a thread-local variable that the
 * runtime sets before the thread's first system call; nothing here enters the kernel.
 */
#ifndef SEL4_IPC_ACCESS_H
#define SEL4_IPC_ACCESS_H

#include <sel4/sel4.h>

/* Defined in lib/sel4/src/ipc_buffer.c; one copy per thread (thread-local storage). */
extern __thread seL4_IPCBuffer *__sel4_ipc_buffer;

static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
    return __sel4_ipc_buffer;
}

static inline void seL4_SetIPCBuffer(seL4_IPCBuffer *buffer)
{
    __sel4_ipc_buffer = buffer;
}

/* Message registers: i < seL4_MsgMaxLength; the caller checks the bound. */
static inline seL4_Word seL4_GetMR(int i)
{
    return seL4_GetIPCBuffer()->msg[i];
}

static inline void seL4_SetMR(int i, seL4_Word value)
{
    seL4_GetIPCBuffer()->msg[i] = value;
}

static inline seL4_Word seL4_GetUserData(void)
{
    return seL4_GetIPCBuffer()->userData;
}

static inline void seL4_SetUserData(seL4_Word data)
{
    seL4_GetIPCBuffer()->userData = data;
}

/* Extra capability i (i < seL4_MsgMaxExtraCaps) of the next message sent. */
static inline void seL4_SetCap(int i, seL4_CPtr cptr)
{
    seL4_GetIPCBuffer()->caps_or_badges[i] = cptr;
}

static inline seL4_CPtr seL4_GetCap(int i)
{
    return seL4_GetIPCBuffer()->caps_or_badges[i];
}

/* Badge of received extra capability i when it arrived unwrapped (capsUnwrapped bit i). */
static inline seL4_Word seL4_GetBadge(int i)
{
    return seL4_GetIPCBuffer()->caps_or_badges[i];
}

/* Where a capability received over an endpoint is stored: the slot index/depth under cnode. */
static inline void seL4_SetCapReceivePath(seL4_CPtr cnode, seL4_CPtr index, seL4_Word depth)
{
    seL4_IPCBuffer *buffer = seL4_GetIPCBuffer();
    buffer->receiveCNode = cnode;
    buffer->receiveIndex = index;
    buffer->receiveDepth = depth;
}

#endif
