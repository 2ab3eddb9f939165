/*
 * TCB invocations: configuring a thread's spaces, IPC buffer and fault endpoint, its scheduling
 * parameters, its registers, running and stopping it, and binding a notification.
 */
#ifndef SEL4_CLIENT_TCB_H
#define SEL4_CLIENT_TCB_H

#include <sel4/client_invoke.h>

static inline seL4_Error seL4_TCB_Configure(seL4_TCB service, seL4_Word fault_ep,
                                            seL4_CNode cspace_root, seL4_Word cspace_root_data,
                                            seL4_CPtr vspace_root, seL4_Word vspace_root_data,
                                            seL4_Word buffer, seL4_CPtr bufferFrame)
{
    seL4_Word mr[4] = {fault_ep, cspace_root_data, vspace_root_data, buffer};

    seL4_SetCap(0, cspace_root);
    seL4_SetCap(1, vspace_root);
    seL4_SetCap(2, bufferFrame);
    return seL4_X64_Invoke(service, TCBConfigure, 3, 4, mr);
}

static inline seL4_Error seL4_TCB_SetSpace(seL4_TCB service, seL4_Word fault_ep,
                                           seL4_CNode cspace_root, seL4_Word cspace_root_data,
                                           seL4_CPtr vspace_root, seL4_Word vspace_root_data)
{
    seL4_Word mr[4] = {fault_ep, cspace_root_data, vspace_root_data, 0};

    seL4_SetCap(0, cspace_root);
    seL4_SetCap(1, vspace_root);
    return seL4_X64_Invoke(service, TCBSetSpace, 2, 3, mr);
}

static inline seL4_Error seL4_TCB_SetIPCBuffer(seL4_TCB service, seL4_Word buffer,
                                               seL4_CPtr bufferFrame)
{
    seL4_Word mr[4] = {buffer, 0, 0, 0};

    seL4_SetCap(0, bufferFrame);
    return seL4_X64_Invoke(service, TCBSetIPCBuffer, 1, 1, mr);
}

static inline seL4_Error seL4_TCB_SetPriority(seL4_TCB service, seL4_TCB authority,
                                              seL4_Word priority)
{
    seL4_Word mr[4] = {priority, 0, 0, 0};

    seL4_SetCap(0, authority);
    return seL4_X64_Invoke(service, TCBSetPriority, 1, 1, mr);
}

static inline seL4_Error seL4_TCB_SetMCPriority(seL4_TCB service, seL4_TCB authority, seL4_Word mcp)
{
    seL4_Word mr[4] = {mcp, 0, 0, 0};

    seL4_SetCap(0, authority);
    return seL4_X64_Invoke(service, TCBSetMCPriority, 1, 1, mr);
}

static inline seL4_Error seL4_TCB_SetSchedParams(seL4_TCB service, seL4_TCB authority,
                                                 seL4_Word mcp, seL4_Word priority)
{
    seL4_Word mr[4] = {mcp, priority, 0, 0};

    seL4_SetCap(0, authority);
    return seL4_X64_Invoke(service, TCBSetSchedParams, 1, 2, mr);
}

/* Reads count registers (seL4_UserContext order) into regs; suspends the thread first if asked. */
static inline seL4_Error seL4_TCB_ReadRegisters(seL4_TCB service, seL4_Bool suspend_source,
                                                seL4_Uint8 arch_flags, seL4_Word count,
                                                seL4_UserContext *regs)
{
    seL4_Word mr[4] = {(seL4_Word)(suspend_source & 1) | ((seL4_Word)arch_flags << 8), count, 0, 0};
    seL4_Word *out = (seL4_Word *)regs;
    seL4_Error error = seL4_X64_Invoke(service, TCBReadRegisters, 0, 2, mr);

    if (error != seL4_NoError) {
        return error;
    }
    if (count > seL4_UserContext_Count) {
        count = seL4_UserContext_Count;
    }
    for (seL4_Word i = 0; i < count; i++) {
        out[i] = i < 4 ? mr[i] : seL4_GetMR((int)i);
    }
    return seL4_NoError;
}

/* Writes the first count registers of regs (seL4_UserContext order); resumes it if asked. */
static inline seL4_Error seL4_TCB_WriteRegisters(seL4_TCB service, seL4_Bool resume_target,
                                                 seL4_Uint8 arch_flags, seL4_Word count,
                                                 const seL4_UserContext *regs)
{
    seL4_Word mr[2 + seL4_UserContext_Count] = {0};
    const seL4_Word *in = (const seL4_Word *)regs;
    seL4_Word sent = count;

    /* Never read past regs; a count beyond it still reaches the kernel, which rejects it. */
    if (sent > seL4_UserContext_Count) {
        sent = seL4_UserContext_Count;
    }
    mr[0] = (seL4_Word)(resume_target & 1) | ((seL4_Word)arch_flags << 8);
    mr[1] = count;
    for (seL4_Word i = 0; i < sent; i++) {
        mr[2 + i] = in[i];
    }
    return seL4_X64_Invoke(service, TCBWriteRegisters, 0, 2 + sent, mr);
}

static inline seL4_Error seL4_TCB_CopyRegisters(seL4_TCB service, seL4_TCB source,
                                                seL4_Bool suspend_source, seL4_Bool resume_target,
                                                seL4_Bool transfer_frame,
                                                seL4_Bool transfer_integer, seL4_Uint8 arch_flags)
{
    seL4_Word flags = (seL4_Word)(suspend_source & 1) | ((seL4_Word)(resume_target & 1) << 1) |
                      ((seL4_Word)(transfer_frame & 1) << 2) |
                      ((seL4_Word)(transfer_integer & 1) << 3) | ((seL4_Word)arch_flags << 8);
    seL4_Word mr[4] = {flags, 0, 0, 0};

    seL4_SetCap(0, source);
    return seL4_X64_Invoke(service, TCBCopyRegisters, 1, 1, mr);
}

static inline seL4_Error seL4_TCB_Suspend(seL4_TCB service)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    return seL4_X64_Invoke(service, TCBSuspend, 0, 0, mr);
}

static inline seL4_Error seL4_TCB_Resume(seL4_TCB service)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    return seL4_X64_Invoke(service, TCBResume, 0, 0, mr);
}

static inline seL4_Error seL4_TCB_BindNotification(seL4_TCB service, seL4_CPtr notification)
{
    seL4_Word mr[4] = {0, 0, 0, 0};

    seL4_SetCap(0, notification);
    return seL4_X64_Invoke(service, TCBBindNotification, 1, 0, mr);
}

static inline seL4_Error seL4_TCB_UnbindNotification(seL4_TCB service)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    return seL4_X64_Invoke(service, TCBUnbindNotification, 0, 0, mr);
}

static inline seL4_Error seL4_TCB_SetAffinity(seL4_TCB service, seL4_Word affinity)
{
    seL4_Word mr[4] = {affinity, 0, 0, 0};
    return seL4_X64_Invoke(service, TCBSetAffinity, 0, 1, mr);
}

/* Sets the thread's FS base (its thread pointer). */
static inline seL4_Error seL4_TCB_SetTLSBase(seL4_TCB service, seL4_Word tls_base)
{
    seL4_Word mr[4] = {tls_base, 0, 0, 0};
    return seL4_X64_Invoke(service, TCBSetTLSBase, 0, 1, mr);
}

/* enable 1: every `syscall` of the thread becomes an UnknownSyscall fault; 0: normal. */
static inline seL4_Error seL4_TCB_SetFaultAllSyscalls(seL4_TCB service, seL4_Word enable)
{
    seL4_Word mr[4] = {enable, 0, 0, 0};
    return seL4_X64_Invoke(service, TCBSetFaultAllSyscalls, 0, 1, mr);
}

/* The PV page of the thread (sel4/pv.h); seL4_CapNull removes it. */
static inline seL4_Error seL4_TCB_SetPVPage(seL4_TCB service, seL4_CPtr frame)
{
    seL4_Word mr[4] = {0, 0, 0, 0};

    seL4_SetCap(0, frame);
    return seL4_X64_Invoke(service, TCBSetPVPage, 1, 0, mr);
}

#endif
