/*
 * The IPC buffer: one per thread, a page-aligned 1 KiB region in a frame given to
 * TCB_Configure/TCB_SetIPCBuffer. Message registers beyond the first four live here.
 */
#ifndef SEL4_IPC_BUFFER_H
#define SEL4_IPC_BUFFER_H

#include <sel4/types.h>

typedef struct seL4_IPCBuffer {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer __attribute__((aligned(sizeof(seL4_Word))));

#define seL4_IPCBufferSizeBits 10

#endif
