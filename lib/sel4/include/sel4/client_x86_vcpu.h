/*
 * Hardware virtualization calls (sel4/vcpu.h): the VCPU's invocations, the guest-physical
 * structures, the TCB's guest-physical root, and seL4_VMEnter, with seL4's names and argument
 * orders (beaml4's additions: ReadRegisters, ReadMSR, WriteMSR).
 */
#ifndef SEL4_CLIENT_X86_VCPU_H
#define SEL4_CLIENT_X86_VCPU_H

#include <sel4/client_x86_paging.h>
#include <sel4/vcpu.h>

typedef seL4_CPtr seL4_X86_EPTPML4;
typedef seL4_CPtr seL4_X86_EPTPDPT;
typedef seL4_CPtr seL4_X86_EPTPD;
typedef seL4_CPtr seL4_X86_EPTPT;

typedef struct seL4_X86_VCPU_ReadVMCS {
    int error;
    seL4_Word value;
} seL4_X86_VCPU_ReadVMCS_t;

typedef struct seL4_X86_VCPU_WriteVMCS {
    int error;
    seL4_Word written;
} seL4_X86_VCPU_WriteVMCS_t;

static inline seL4_Error seL4_X86_VCPU_SetTCB(seL4_X86_VCPU service, seL4_TCB tcb)
{
    seL4_Word mr[4] = {0, 0, 0, 0};

    seL4_SetCap(0, tcb);
    return seL4_X64_Invoke(service, X86VCPUSetTCB, 1, 0, mr);
}

/* Field: a VMCS encoding (sel4/vmx.h) or a VMCB offset (sel4/svm.h), as the CPU is. */
static inline seL4_X86_VCPU_ReadVMCS_t seL4_X86_VCPU_ReadVMCS(seL4_X86_VCPU service,
                                                              seL4_Word field)
{
    seL4_Word mr[4] = {field, 0, 0, 0};
    seL4_X86_VCPU_ReadVMCS_t result;

    result.error = seL4_X64_Invoke(service, X86VCPUReadVMCS, 0, 1, mr);
    result.value = result.error == seL4_NoError ? mr[0] : 0;
    return result;
}

static inline seL4_X86_VCPU_WriteVMCS_t seL4_X86_VCPU_WriteVMCS(seL4_X86_VCPU service,
                                                                seL4_Word field, seL4_Word value)
{
    seL4_Word mr[4] = {field, value, 0, 0};
    seL4_X86_VCPU_WriteVMCS_t result;

    result.error = seL4_X64_Invoke(service, X86VCPUWriteVMCS, 0, 2, mr);
    result.written = result.error == seL4_NoError ? mr[0] : 0;
    return result;
}

/* beaml4: a guest MSR of seL4_VCPU_MSR_* (same results as ReadVMCS/WriteVMCS). */
static inline seL4_X86_VCPU_ReadVMCS_t seL4_X86_VCPU_ReadMSR(seL4_X86_VCPU service, seL4_Word msr)
{
    seL4_Word mr[4] = {msr, 0, 0, 0};
    seL4_X86_VCPU_ReadVMCS_t result;

    result.error = seL4_X64_Invoke(service, X86VCPUReadMSR, 0, 1, mr);
    result.value = result.error == seL4_NoError ? mr[0] : 0;
    return result;
}

static inline seL4_X86_VCPU_WriteVMCS_t seL4_X86_VCPU_WriteMSR(seL4_X86_VCPU service, seL4_Word msr,
                                                               seL4_Word value)
{
    seL4_Word mr[4] = {msr, value, 0, 0};
    seL4_X86_VCPU_WriteVMCS_t result;

    result.error = seL4_X64_Invoke(service, X86VCPUWriteMSR, 0, 2, mr);
    result.written = result.error == seL4_NoError ? mr[0] : 0;
    return result;
}

static inline seL4_Error seL4_X86_VCPU_EnableIOPort(seL4_X86_VCPU service, seL4_X86_IOPort ioPort,
                                                    seL4_Word low, seL4_Word high)
{
    seL4_Word mr[4] = {low, high, 0, 0};

    seL4_SetCap(0, ioPort);
    return seL4_X64_Invoke(service, X86VCPUEnableIOPort, 1, 2, mr);
}

static inline seL4_Error seL4_X86_VCPU_DisableIOPort(seL4_X86_VCPU service, seL4_Word low,
                                                     seL4_Word high)
{
    seL4_Word mr[4] = {low, high, 0, 0};

    return seL4_X64_Invoke(service, X86VCPUDisableIOPort, 0, 2, mr);
}

/* The guest's RAX..R15; beaml4: with cr2 != NULL, its CR2 too. */
static inline seL4_Error seL4_X86_VCPU_WriteRegisters(seL4_X86_VCPU service,
                                                      const seL4_VCPUContext *regs)
{
    seL4_Word mr[seL4_VCPUContext_Count];

    for (int i = 0; i < seL4_VCPUContext_Count; i++) {
        mr[i] = ((const seL4_Word *)regs)[i];
    }
    return seL4_X64_Invoke(service, X86VCPUWriteRegisters, 0, seL4_VCPUContext_Count, mr);
}

static inline seL4_Error
seL4_X86_VCPU_WriteRegistersCR2(seL4_X86_VCPU service, const seL4_VCPUContext *regs, seL4_Word cr2)
{
    seL4_Word mr[seL4_VCPUContext_Count + 1];

    for (int i = 0; i < seL4_VCPUContext_Count; i++) {
        mr[i] = ((const seL4_Word *)regs)[i];
    }
    mr[seL4_VCPUContext_Count] = cr2;
    return seL4_X64_Invoke(service, X86VCPUWriteRegisters, 0, seL4_VCPUContext_Count + 1, mr);
}

/* beaml4: the guest's RAX..R15 into *regs, and its CR2 into *cr2 (when not NULL). */
static inline seL4_Error seL4_X86_VCPU_ReadRegisters(seL4_X86_VCPU service, seL4_VCPUContext *regs,
                                                     seL4_Word *cr2)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    seL4_Error error = seL4_X64_Invoke(service, X86VCPUReadRegisters, 0, 0, mr);

    if (error != seL4_NoError) {
        return error;
    }
    for (int i = 0; i < seL4_VCPUContext_Count; i++) {
        ((seL4_Word *)regs)[i] = i < 4 ? mr[i] : seL4_GetMR(i);
    }
    if (cr2 != seL4_Null) {
        *cr2 = seL4_GetMR(seL4_VCPUContext_Count);
    }
    return seL4_NoError;
}

static inline seL4_Error seL4_TCB_SetEPTRoot(seL4_TCB service, seL4_X86_EPTPML4 eptpml4)
{
    seL4_Word mr[4] = {0, 0, 0, 0};

    seL4_SetCap(0, eptpml4);
    return seL4_X64_Invoke(service, TCBSetEPTRoot, 1, 0, mr);
}

static inline seL4_Error seL4_X86_EPTPDPT_Map(seL4_X86_EPTPDPT service, seL4_X86_EPTPML4 pml4,
                                              seL4_Word vaddr, seL4_X86_VMAttributes attr)
{
    return seL4_X64_MapStructure(service, X86EPTPDPTMap, pml4, vaddr, attr);
}

static inline seL4_Error seL4_X86_EPTPDPT_Unmap(seL4_X86_EPTPDPT service)
{
    return seL4_X64_NoArgs(service, X86EPTPDPTUnmap);
}

static inline seL4_Error seL4_X86_EPTPD_Map(seL4_X86_EPTPD service, seL4_X86_EPTPML4 pml4,
                                            seL4_Word vaddr, seL4_X86_VMAttributes attr)
{
    return seL4_X64_MapStructure(service, X86EPTPDMap, pml4, vaddr, attr);
}

static inline seL4_Error seL4_X86_EPTPD_Unmap(seL4_X86_EPTPD service)
{
    return seL4_X64_NoArgs(service, X86EPTPDUnmap);
}

static inline seL4_Error seL4_X86_EPTPT_Map(seL4_X86_EPTPT service, seL4_X86_EPTPML4 pml4,
                                            seL4_Word vaddr, seL4_X86_VMAttributes attr)
{
    return seL4_X64_MapStructure(service, X86EPTPTMap, pml4, vaddr, attr);
}

static inline seL4_Error seL4_X86_EPTPT_Unmap(seL4_X86_EPTPT service)
{
    return seL4_X64_NoArgs(service, X86EPTPTUnmap);
}

static inline seL4_Error seL4_X86_Page_MapEPT(seL4_X86_Page service, seL4_X86_EPTPML4 vspace,
                                              seL4_Word vaddr, seL4_CapRights_t rights,
                                              seL4_X86_VMAttributes attr)
{
    seL4_Word mr[4] = {vaddr, rights.words[0], attr, 0};

    seL4_SetCap(0, vspace);
    return seL4_X64_Invoke(service, X86PageMapEPT, 1, 3, mr);
}

/*
 * Runs the thread's guest (MR0..MR2 in the IPC buffer: RIP, controls, event) until an exit or a
 * signal; returns SEL4_VMENTER_RESULT_FAULT or _NOTIF, the MRs in the IPC buffer, the badge of a
 * signal in *sender.
 */
static inline seL4_Word seL4_VMEnter(seL4_Word *sender)
{
    seL4_Word mr[4];
    seL4_Word badge = 0;
    seL4_Word result = 0;

    seL4_X64_LoadMRs(mr);
    seL4_X64_Syscall(seL4_SysVMEnter, &badge, &result, &mr[0], &mr[1], &mr[2], &mr[3]);
    seL4_X64_StoreMRs(mr);
    if (sender != seL4_Null) {
        *sender = badge;
    }
    return result;
}

/* The host-state mask of seL4_SysDebugHostStateCheck (sel4/syscalls.h); 0: all as set up. */
static inline seL4_Word seL4_DebugHostStateCheck(void)
{
    seL4_Word rdi = 0;
    seL4_Word rsi = 0;
    seL4_Word mr[4] = {0, 0, 0, 0};

    seL4_X64_Syscall(seL4_SysDebugHostStateCheck, &rdi, &rsi, &mr[0], &mr[1], &mr[2], &mr[3]);
    return rdi;
}

#endif
