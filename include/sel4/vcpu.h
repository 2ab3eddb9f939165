/*
 * Hardware virtualization: the VCPU object, guest-physical memory objects and seL4_VMEnter, one
 * interface over Intel VT-x (VMX) and AMD-V (SVM). Which of the two a machine has is in the boot
 * info (seL4_X86_VirtFeatures, sel4/bootinfo.h); the field names of each are in sel4/vmx.h and
 * sel4/svm.h. docs/kernel.md ("Hardware virtualization") explains the rules behind every check.
 *
 * Objects
 *   seL4_X86_VCPUObject (2^seL4_VCPUBits bytes): one virtual CPU, VMX or SVM as the CPU is. It
 *     holds the VMCS or VMCB, its I/O permission bitmap, the guest's general registers, the
 *     guest's FPU/SSE state and, on VMX, the guest's SYSCALL MSRs. Retype refuses the type
 *     (seL4_InvalidArgument, argument 0) on a machine without usable VMX or SVM.
 *   seL4_X86_EPTPML4Object, _EPTPDPTObject, _EPTPDObject, _EPTPTObject: the four levels of a
 *     guest-physical address space. On VMX their entries are EPT entries, on SVM they are nested
 *     page-table entries (the host's own format); the objects, calls and rules are the same. A
 *     root (EPTPML4) gets an ASID from an ASID pool (seL4_X86_ASIDPool_Assign) before anything
 *     is mapped into it; it never holds the kernel's window.
 *
 * Binding
 *   seL4_X86_VCPU_SetTCB binds a VCPU to a thread; a VCPU has at most one thread and a thread at
 *   most one VCPU (binding again moves the binding, as in seL4). seL4_TCB_SetEPTRoot gives the
 *   thread the guest-physical root its guest runs in. Deleting the VCPU, the thread or the last
 *   capability of the root ends the binding; a thread in its guest at that moment is restarted
 *   at its seL4_VMEnter.
 *
 * seL4_VMEnter (system call seL4_SysVMEnter; the bound thread only)
 *   In:  MR0 guest RIP, MR1 the entry controls word, MR2 the event to inject (see below).
 *   The thread runs its guest until an exit the kernel does not handle itself. An interrupt for
 *   the host ends the guest's run inside the kernel: the interrupt is handled, the thread may be
 *   preempted like any other, and the guest goes on when the thread runs again. On VMX the
 *   kernel bounds every run with the preemption timer where the CPU has it (the timer and its
 *   controls are therefore not the VMM's).
 *   Out: the return value (RSI, seL4_VMEnter's result) is SEL4_VMENTER_RESULT_FAULT after an
 *   exit, with MR0..MR24 as listed below, or SEL4_VMENTER_RESULT_NOTIF when the thread's bound
 *   notification was signalled (before the guest ran, or while it ran): the badge is returned,
 *   MR0..MR2 hold the guest's RIP, controls word and pending event. MRs from 4 on need the
 *   thread's IPC buffer (writable); without one only MR0..MR3 arrive.
 *   MR1: VMX: the primary processor-based VM-execution controls; SVM: the intercept word at
 *   VMCB offset 0x00c (INTR ... SHUTDOWN). Both go through the rules of seL4_X86_VCPU_WriteVMCS
 *   for that field: bits the kernel needs are added, bits it never allows are refused.
 *   MR2: VMX: the VM-entry interruption-information field; SVM: EVENTINJ (the error code in its
 *   high half). After an exit MR2 is the event the next entry delivers: an exit in the middle
 *   of an event's delivery (an EPT violation on the IDT or the stack, a host interrupt) leaves
 *   that event there, from VMX's IDT-vectoring fields or SVM's EXITINTINFO (with its error code
 *   and instruction length), so that entering again with MR2 as it came delivers it; otherwise
 *   the valid bit is clear. A VMM injecting an interrupt must not overwrite a valid MR2: it
 *   asks for an interrupt window instead.
 *   A refused MR1 or MR2, a thread without a guest-physical root and a VM entry the CPU refused
 *   outright return SEL4_VMENTER_RESULT_FAULT with one of the seL4_VMEnter_Reason_* values in
 *   MR3 (none of them is a VMX exit reason or an SVM exit code).
 *
 * Invocations of a VCPU capability (labels in sel4/invocation.h)
 *   X86VCPUSetTCB        C0 thread.
 *   X86VCPUReadVMCS      MR0 field. Reply MR0 value.
 *   X86VCPUWriteVMCS     MR0 field, MR1 value. Reply MR0 the value written.
 *   X86VCPUEnableIOPort  C0 an I/O port capability, MR0 first, MR1 last port: the guest's IN and
 *                        OUT to those ports run without exits. The capability must cover the
 *                        range; it remembers the VCPU, and deleting it (or enabling it on
 *                        another VCPU) takes the ports back.
 *   X86VCPUDisableIOPort MR0 first, MR1 last port: exits again.
 *   X86VCPUWriteRegisters MR0..MR14 the guest's RAX, RBX, RCX, RDX, RSI, RDI, RBP, R8..R15
 *                        (seL4_VCPUContext order). RSP, RIP and RFLAGS are VMCS/VMCB fields.
 *   X86VCPUReadRegisters (beaml4) reply MR0..MR14 in the same order.
 *   X86VCPUReadMSR       (beaml4) MR0 MSR number. Reply MR0 the guest's value.
 *   X86VCPUWriteMSR      (beaml4) MR0 MSR number, MR1 value. Reply MR0 the value written.
 *                        The MSRs of seL4_VCPU_MSR*: the SYSCALL MSRs the kernel switches for
 *                        the guest, and those the VMCS or VMCB holds, on both CPU kinds alike.
 *   Errors: a field or MSR that is not on the kernel's list, or that the list makes read-only,
 *   is seL4_InvalidArgument (argument 0); a value the kernel refuses (a bit the VMM may not
 *   set, a non-canonical address the kernel itself would load) seL4_InvalidArgument (argument
 *   1); a capability of the wrong type seL4_InvalidCapability; a port range outside the I/O
 *   port capability seL4_RangeError; a call without enough arguments seL4_TruncatedMessage.
 */
#ifndef SEL4_VCPU_H
#define SEL4_VCPU_H

#include <sel4/types.h>

/* seL4_VMEnter's message registers (seL4's names). */
enum {
    SEL4_VMENTER_CALL_EIP_MR = 0,
    SEL4_VMENTER_CALL_CONTROL_PPC_MR = 1,
    SEL4_VMENTER_CALL_CONTROL_ENTRY_MR = 2,
    SEL4_VMENTER_FAULT_REASON_MR = 3,          /* VMX exit reason or SVM EXITCODE */
    SEL4_VMENTER_FAULT_QUALIFICATION_MR = 4,   /* VMX exit qualification or SVM EXITINFO1 */
    SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR = 5, /* VMX: exit instruction length; SVM: nRIP - RIP
                                                  where the CPU saves nRIP, else 0 */
    SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR = 6,  /* VMX guest-physical address, SVM EXITINFO2 */
    SEL4_VMENTER_FAULT_RFLAGS_MR = 7,
    SEL4_VMENTER_FAULT_GUEST_INT_MR = 8, /* VMX interruptibility state, SVM interrupt shadow */
    SEL4_VMENTER_FAULT_CR3_MR = 9,
    SEL4_VMENTER_FAULT_EAX = 10,
    SEL4_VMENTER_FAULT_EBX = 11,
    SEL4_VMENTER_FAULT_ECX = 12,
    SEL4_VMENTER_FAULT_EDX = 13,
    SEL4_VMENTER_FAULT_ESI = 14,
    SEL4_VMENTER_FAULT_EDI = 15,
    SEL4_VMENTER_FAULT_EBP = 16,
    SEL4_VMENTER_FAULT_R8 = 17,
    SEL4_VMENTER_FAULT_R9 = 18,
    SEL4_VMENTER_FAULT_R10 = 19,
    SEL4_VMENTER_FAULT_R11 = 20,
    SEL4_VMENTER_FAULT_R12 = 21,
    SEL4_VMENTER_FAULT_R13 = 22,
    SEL4_VMENTER_FAULT_R14 = 23,
    SEL4_VMENTER_FAULT_R15 = 24,
    SEL4_VMENTER_NUM_FAULT_MSGS = 25,
};

/* seL4_VMEnter's return value. */
#define SEL4_VMENTER_RESULT_NOTIF 0
#define SEL4_VMENTER_RESULT_FAULT 1

/*
 * beaml4: reasons in MR3 that come from the kernel, not from the CPU (outside every VMX basic
 * exit reason, which has bits 16..26 clear, and every SVM exit code).
 */
#define seL4_VMEnter_Reason_NoGuestRoot 0x7fff0001ull /* no valid seL4_TCB_SetEPTRoot root */
#define seL4_VMEnter_Reason_EntryFailed                                                            \
    0x7fff0002ull                                     /* VMX: VMLAUNCH/VMRESUME failed (VMfail);
                                                        MR4 the VM-instruction error, 0 if none */
#define seL4_VMEnter_Reason_BadArgument 0x7fff0003ull /* MR4: the MR (1 or 2) the kernel refused */

/* The guest's general registers as X86VCPUWriteRegisters/ReadRegisters carry them. */
typedef struct seL4_VCPUContext {
    seL4_Word eax, ebx, ecx, edx, esi, edi, ebp;
    seL4_Word r8, r9, r10, r11, r12, r13, r14, r15;
} seL4_VCPUContext;

#define seL4_VCPUContext_Count 15

/*
 * beaml4: the MSRs X86VCPUReadMSR/WriteMSR reach, the same on VMX and SVM. The first five the
 * kernel loads into the CPU for the guest and restores for the host around every run (VMX), or
 * the VMCB holds them (SVM); the others are guest-state fields of the VMCS or VMCB. The guest's
 * RDMSR/WRMSR of FS_BASE, GS_BASE and KERNEL_GS_BASE run without exits; every other MSR access
 * exits, and the VMM emulates it (with these calls for these MSRs). LSTAR, CSTAR, KERNEL_GS_BASE,
 * FS_BASE and GS_BASE must be canonical; SFMASK's upper half must be zero; EFER keeps SVME on
 * SVM (the hardware needs it; the VMM hides it from the guest); DEBUGCTL keeps only LBR and BTF.
 * TSC_AUX is the kernel's to load around every run on both kinds (the host's is 0).
 */
#define seL4_VCPU_MSR_STAR           0xc0000081u
#define seL4_VCPU_MSR_LSTAR          0xc0000082u
#define seL4_VCPU_MSR_CSTAR          0xc0000083u
#define seL4_VCPU_MSR_SFMASK         0xc0000084u
#define seL4_VCPU_MSR_KERNEL_GS_BASE 0xc0000102u
#define seL4_VCPU_MSR_FS_BASE        0xc0000100u
#define seL4_VCPU_MSR_GS_BASE        0xc0000101u
#define seL4_VCPU_MSR_SYSENTER_CS    0x00000174u
#define seL4_VCPU_MSR_SYSENTER_ESP   0x00000175u
#define seL4_VCPU_MSR_SYSENTER_EIP   0x00000176u
#define seL4_VCPU_MSR_PAT            0x00000277u
#define seL4_VCPU_MSR_EFER           0xc0000080u
#define seL4_VCPU_MSR_DEBUGCTL       0x000001d9u
#define seL4_VCPU_MSR_TSC_AUX        0xc0000103u /* RDTSCP's ECX, RDPID: the upper half reserved */
/* beaml4: the guest's DR6 through the same calls (a number outside every MSR range): on VMX the
 * kernel keeps it around each run (a #DB in the guest sets its bits), on SVM it is the VMCB's. */
#define seL4_VCPU_REG_DR6 0x4e000006u

#endif
