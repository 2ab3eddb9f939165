/*
 * Debug and benchmark system calls: console output, halting, identifying a capability, naming a
 * thread, and the empty system call used to measure kernel entry and exit.
 */
#ifndef SEL4_DEBUG_CALLS_H
#define SEL4_DEBUG_CALLS_H

#include <sel4/syscall_stubs.h>

static inline void seL4_DebugPutChar(char c)
{
    seL4_X64_SyscallSend(seL4_SysDebugPutChar, (seL4_Word)(unsigned char)c, 0, 0, 0, 0, 0);
}

static inline void seL4_DebugHalt(void)
{
    seL4_X64_SyscallSend(seL4_SysDebugHalt, 0, 0, 0, 0, 0, 0);
}

/* The seL4_CapType of the capability at cap (0: empty slot or failed lookup). */
static inline seL4_Uint32 seL4_DebugCapIdentify(seL4_CPtr cap)
{
    seL4_Word rdi = cap;
    seL4_Word rsi = 0;
    seL4_Word mr[4] = {0, 0, 0, 0};

    seL4_X64_Syscall(seL4_SysDebugCapIdentify, &rdi, &rsi, &mr[0], &mr[1], &mr[2], &mr[3]);
    return (seL4_Uint32)rdi;
}

/* Names the thread for kernel messages; the name travels NUL-terminated in the IPC buffer. */
static inline void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)
{
    char *dest = (char *)seL4_GetIPCBuffer()->msg;
    seL4_Word limit = sizeof(seL4_GetIPCBuffer()->msg) - 1;
    seL4_Word i;

    for (i = 0; i < limit && name[i] != '\0'; i++) {
        dest[i] = name[i];
    }
    dest[i] = '\0';
    seL4_X64_SyscallSend(seL4_SysDebugNameThread, tcb, 0, 0, 0, 0, 0);
}

static inline void seL4_BenchmarkNullSyscall(void)
{
    seL4_X64_SyscallSend(seL4_SysBenchmarkNullSyscall, 0, 0, 0, 0, 0, 0);
}

#endif
