/*
 * System call stubs: each is one `syscall` instruction following the register convention of
 * <sel4/syscalls.h>. Message registers 0..3 travel in R10, R8, R9 and R15; the plain calls move
 * them between the IPC buffer and those registers, the *WithMRs calls take them as arguments and
 * never touch the IPC buffer. The stubs check nothing: the kernel validates every argument.
 */
#ifndef SEL4_SYSCALL_STUBS_H
#define SEL4_SYSCALL_STUBS_H

#include <sel4/ipc_access.h>

/*
 * The one system call primitive. RDX carries the number in and is not preserved; RDI, RSI and
 * the four message registers go in and come back (badge, message info, received MRs); RAX, RCX
 * and R11 are destroyed. "memory" because the kernel reads and writes the IPC buffer.
 */
static inline void seL4_X64_Syscall(seL4_Word sys, seL4_Word *rdi, seL4_Word *rsi, seL4_Word *mr0,
                                    seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    register seL4_Word r10 __asm__("r10") = *mr0;
    register seL4_Word r8 __asm__("r8") = *mr1;
    register seL4_Word r9 __asm__("r9") = *mr2;
    register seL4_Word r15 __asm__("r15") = *mr3;
    seL4_Word rdx = sys;
    seL4_Word d = *rdi;
    seL4_Word s = *rsi;

    __asm__ volatile("syscall"
                     : "+D"(d), "+S"(s), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r15)
                     :
                     : "rax", "rcx", "r11", "memory", "cc");
    *rdi = d;
    *rsi = s;
    *mr0 = r10;
    *mr1 = r8;
    *mr2 = r9;
    *mr3 = r15;
}

/* A call that only sends or only signals: everything it returns in registers is ignored. */
static inline void seL4_X64_SyscallSend(seL4_Word sys, seL4_Word dest, seL4_Word info,
                                        seL4_Word mr0, seL4_Word mr1, seL4_Word mr2, seL4_Word mr3)
{
    seL4_X64_Syscall(sys, &dest, &info, &mr0, &mr1, &mr2, &mr3);
}

static inline void seL4_X64_LoadMRs(seL4_Word *mr)
{
    seL4_IPCBuffer *buffer = seL4_GetIPCBuffer();
    mr[0] = buffer->msg[0];
    mr[1] = buffer->msg[1];
    mr[2] = buffer->msg[2];
    mr[3] = buffer->msg[3];
}

static inline void seL4_X64_StoreMRs(const seL4_Word *mr)
{
    seL4_IPCBuffer *buffer = seL4_GetIPCBuffer();
    buffer->msg[0] = mr[0];
    buffer->msg[1] = mr[1];
    buffer->msg[2] = mr[2];
    buffer->msg[3] = mr[3];
}

/* Sending calls take MR0..3 from the IPC buffer; receiving calls put MR0..3 back there. */
static inline void seL4_X64_SendFromBuffer(seL4_Word sys, seL4_CPtr dest, seL4_MessageInfo_t info)
{
    seL4_Word mr[4];
    seL4_X64_LoadMRs(mr);
    seL4_X64_SyscallSend(sys, dest, info.words[0], mr[0], mr[1], mr[2], mr[3]);
}

static inline seL4_MessageInfo_t seL4_X64_ExchangeWithBuffer(seL4_Word sys, seL4_CPtr dest,
                                                             seL4_MessageInfo_t info,
                                                             seL4_Word *sender)
{
    seL4_Word mr[4];
    seL4_Word badge = dest;
    seL4_MessageInfo_t reply;

    seL4_X64_LoadMRs(mr);
    reply.words[0] = info.words[0];
    seL4_X64_Syscall(sys, &badge, &reply.words[0], &mr[0], &mr[1], &mr[2], &mr[3]);
    seL4_X64_StoreMRs(mr);
    if (sender != seL4_Null) {
        *sender = badge;
    }
    return reply;
}

static inline void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    seL4_X64_SendFromBuffer(seL4_SysSend, dest, msgInfo);
}

static inline void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    seL4_X64_SendFromBuffer(seL4_SysNBSend, dest, msgInfo);
}

/* Answers the caller saved by the last receive that got a Call. */
static inline void seL4_Reply(seL4_MessageInfo_t msgInfo)
{
    seL4_X64_SendFromBuffer(seL4_SysReply, 0, msgInfo);
}

static inline seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    return seL4_X64_ExchangeWithBuffer(seL4_SysCall, dest, msgInfo, seL4_Null);
}

static inline seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_X64_ExchangeWithBuffer(seL4_SysRecv, src, seL4_MessageInfo_new(0, 0, 0, 0), sender);
}

static inline seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_X64_ExchangeWithBuffer(seL4_SysNBRecv, src, seL4_MessageInfo_new(0, 0, 0, 0),
                                       sender);
}

static inline seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                seL4_Word *sender)
{
    return seL4_X64_ExchangeWithBuffer(seL4_SysReplyRecv, src, msgInfo, sender);
}

/* Notifications: Signal is Send, Wait is Recv, Poll is NBRecv on a notification capability. */
static inline void seL4_Signal(seL4_CPtr dest)
{
    seL4_X64_SyscallSend(seL4_SysSend, dest, seL4_MessageInfo_new(0, 0, 0, 0).words[0], 0, 0, 0, 0);
}

static inline void seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    seL4_Recv(src, sender);
}

static inline seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_NBRecv(src, sender);
}

static inline void seL4_Yield(void)
{
    seL4_X64_SyscallSend(seL4_SysYield, 0, 0, 0, 0, 0, 0);
}

/*
 * The *WithMRs variants: MR0..3 come from and go to the pointed-to words (a null pointer means 0
 * in, discarded out); the IPC buffer is left alone, so they work before a thread has one.
 */
static inline seL4_Word seL4_X64_MRIn(const seL4_Word *mr)
{
    return mr != seL4_Null ? *mr : 0;
}

static inline void seL4_X64_MROut(seL4_Word *mr, seL4_Word value)
{
    if (mr != seL4_Null) {
        *mr = value;
    }
}

static inline seL4_MessageInfo_t
seL4_X64_ExchangeWithMRs(seL4_Word sys, seL4_CPtr dest, seL4_MessageInfo_t info, seL4_Word *sender,
                         seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word badge = dest;
    seL4_Word r[4] = {seL4_X64_MRIn(mr0), seL4_X64_MRIn(mr1), seL4_X64_MRIn(mr2),
                      seL4_X64_MRIn(mr3)};
    seL4_MessageInfo_t reply = info;

    seL4_X64_Syscall(sys, &badge, &reply.words[0], &r[0], &r[1], &r[2], &r[3]);
    seL4_X64_MROut(mr0, r[0]);
    seL4_X64_MROut(mr1, r[1]);
    seL4_X64_MROut(mr2, r[2]);
    seL4_X64_MROut(mr3, r[3]);
    seL4_X64_MROut(sender, badge);
    return reply;
}

static inline seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                  seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                                  seL4_Word *mr3)
{
    return seL4_X64_ExchangeWithMRs(seL4_SysCall, dest, msgInfo, seL4_Null, mr0, mr1, mr2, mr3);
}

static inline seL4_MessageInfo_t seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                       seL4_Word *sender, seL4_Word *mr0,
                                                       seL4_Word *mr1, seL4_Word *mr2,
                                                       seL4_Word *mr3)
{
    return seL4_X64_ExchangeWithMRs(seL4_SysReplyRecv, src, msgInfo, sender, mr0, mr1, mr2, mr3);
}

static inline seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                  seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    return seL4_X64_ExchangeWithMRs(seL4_SysRecv, src, seL4_MessageInfo_new(0, 0, 0, 0), sender,
                                    mr0, mr1, mr2, mr3);
}

static inline void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                    seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_X64_SyscallSend(seL4_SysSend, dest, msgInfo.words[0], seL4_X64_MRIn(mr0),
                         seL4_X64_MRIn(mr1), seL4_X64_MRIn(mr2), seL4_X64_MRIn(mr3));
}

static inline void seL4_NBSendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                      seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_X64_SyscallSend(seL4_SysNBSend, dest, msgInfo.words[0], seL4_X64_MRIn(mr0),
                         seL4_X64_MRIn(mr1), seL4_X64_MRIn(mr2), seL4_X64_MRIn(mr3));
}

static inline void seL4_ReplyWithMRs(seL4_MessageInfo_t msgInfo, seL4_Word *mr0, seL4_Word *mr1,
                                     seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_X64_SyscallSend(seL4_SysReply, 0, msgInfo.words[0], seL4_X64_MRIn(mr0), seL4_X64_MRIn(mr1),
                         seL4_X64_MRIn(mr2), seL4_X64_MRIn(mr3));
}

#endif
