/*
 * Exit decoding for both hardware modes (hw_exit.h). VMX: exit reasons and qualifications of
 * Intel SDM Vol. 3C Appendix C and 28.2.1; SVM: exit codes and EXITINFO1/2 of AMD APM Vol. 2
 * Appendix C and 15.10.2, 15.25.6.
 */
#include "hw_exit.h"
#include <sel4/svm.h>
#include <sel4/vmx.h>

#define VMX_BASIC_MASK 0xffffull
/* Exit-reason bits besides the basic reason: only a pending MTF exit (28) and the entry failure
 * (31) can come with an exit the VMM handles. Bits 16..26 and 30 are zero on every CPU, 27
 * (enclave) and 29 (VMX root, dual-monitor SMM) never occur for our guests, and the kernel's
 * own reasons fill 16..30: a word with any of them is no exit to act on. */
#define VMX_REASON_FOREIGN 0x6fff0000ull

/* VMX I/O qualification (SDM Table 28-5). */
#define VMX_IO_SIZE_MASK 0x7ull
#define VMX_IO_IN        (1ull << 3)
#define VMX_IO_STRING    (1ull << 4)
#define VMX_IO_REP       (1ull << 5)
#define IO_PORT_SHIFT    16

/* VMX control-register qualification (SDM Table 28-3). */
#define VMX_CR_NUMBER_MASK  0xfull
#define VMX_CR_ACCESS_SHIFT 4
#define VMX_CR_ACCESS_MASK  0x3ull
#define VMX_CR_GPR_SHIFT    8
#define VMX_CR_GPR_MASK     0xfull
#define VMX_CR_LMSW_SHIFT   16

/* SVM IOIO EXITINFO1 (APM 15.10.2). */
#define SVM_IO_IN     (1ull << 0)
#define SVM_IO_STRING (1ull << 2)
#define SVM_IO_REP    (1ull << 3)
#define SVM_IO_SZ8    (1ull << 4)
#define SVM_IO_SZ16   (1ull << 5)
#define SVM_IO_SZ32   (1ull << 6)

/* SVM nested page fault error code (APM 15.25.6), VMX EPT violation qualification bits. */
#define SVM_NPF_WRITE (1ull << 1)
#define SVM_NPF_FETCH (1ull << 4)

#define VMX_EXIT_GETSEC  11u
#define VMX_EXIT_INVD    13u
#define VMX_EXIT_VMCLEAR 19u
#define VMX_EXIT_VMXON   27u
#define VMX_EXIT_INVEPT  50u
#define VMX_EXIT_INVVPID 53u
#define VMX_EXIT_VMFUNC  59u

#define SVM_EXIT_CR0_WRITE   0x010u
#define SVM_EXIT_CR4_WRITE   0x014u
#define SVM_EXIT_INVD        0x076u
#define SVM_EXIT_INVLPGA     0x07au
#define SVM_EXIT_SKINIT      0x086u
#define SVM_EXIT_MONITOR     0x08au
#define SVM_EXIT_MWAIT_ARMED 0x08cu
#define SVM_EXIT_RDPRU       0x08eu
#define SVM_EXIT_IRET        0x074u
#define SVM_EXIT_CR8_READ    0x008u
#define SVM_EXIT_CR8_WRITE   0x018u
#define SVM_EXIT_DR_FIRST    0x020u
#define SVM_EXIT_DR_LAST     0x037u
#define INSTRUCTION_MAX      15u

static unsigned checked_length(uint64_t length)
{
    return length <= INSTRUCTION_MAX ? (unsigned)length : 0u;
}

static bool kernel_reason(uint64_t reason)
{
    return reason == seL4_VMEnter_Reason_NoGuestRoot || reason == seL4_VMEnter_Reason_EntryFailed ||
           reason == seL4_VMEnter_Reason_BadArgument;
}

static void vmx_io(uint64_t q, hw_io_t *io)
{
    uint64_t size = (q & VMX_IO_SIZE_MASK) + 1;

    io->port = (uint16_t)(q >> IO_PORT_SHIFT);
    io->size = (uint8_t)(size == 1 || size == 2 || size == 4 ? size : 0);
    io->in = (q & VMX_IO_IN) != 0;
    io->string = (q & VMX_IO_STRING) != 0;
    io->rep = (q & VMX_IO_REP) != 0;
}

static void vmx_cr(uint64_t q, hw_cr_t *cr)
{
    cr->cr = (uint8_t)(q & VMX_CR_NUMBER_MASK);
    cr->access = (hw_cr_access_t)((q >> VMX_CR_ACCESS_SHIFT) & VMX_CR_ACCESS_MASK);
    cr->gpr = (uint8_t)((q >> VMX_CR_GPR_SHIFT) & VMX_CR_GPR_MASK);
    cr->lmsw_source = (uint16_t)(q >> VMX_CR_LMSW_SHIFT);
}

/* Instructions of features the guest is not offered: GETSEC (11), the VMX instructions (19-27,
 * INVEPT 50, INVVPID 53, VMFUNC 59), MWAIT (36) and MONITOR (39) (SDM Vol. 3C Appendix C). */
static bool vmx_undefined(uint64_t basic)
{
    return basic == VMX_EXIT_GETSEC || (basic >= VMX_EXIT_VMCLEAR && basic <= VMX_EXIT_VMXON) ||
           basic == seL4_VMX_Exit_MWAIT || basic == seL4_VMX_Exit_MONITOR ||
           basic == VMX_EXIT_INVEPT || basic == VMX_EXIT_INVVPID || basic == VMX_EXIT_VMFUNC;
}

static hw_exit_kind_t vmx_kind(uint64_t reason)
{
    if (reason & VMX_REASON_FOREIGN) {
        return HW_EXIT_UNKNOWN;
    }
    if (reason & seL4_VMX_ExitReason_EntryFailed) {
        return (reason & VMX_BASIC_MASK) == seL4_VMX_Exit_InvalidGuestState ? HW_EXIT_INVALID_STATE
                                                                            : HW_EXIT_UNKNOWN;
    }
    switch (reason & VMX_BASIC_MASK) {
    case seL4_VMX_Exit_CPUID:
        return HW_EXIT_CPUID;
    case seL4_VMX_Exit_HLT:
        return HW_EXIT_HLT;
    case seL4_VMX_Exit_IO:
        return HW_EXIT_IO;
    case seL4_VMX_Exit_RDMSR:
        return HW_EXIT_MSR_READ;
    case seL4_VMX_Exit_WRMSR:
        return HW_EXIT_MSR_WRITE;
    case seL4_VMX_Exit_EPTViolation:
        return HW_EXIT_GUEST_PHYSICAL;
    case seL4_VMX_Exit_VMCALL:
        return HW_EXIT_HYPERCALL;
    case seL4_VMX_Exit_CRAccess:
        return HW_EXIT_CR;
    case seL4_VMX_Exit_MovDR:
        return HW_EXIT_DR;
    case seL4_VMX_Exit_InterruptWindow:
        return HW_EXIT_INTERRUPT_WINDOW;
    case seL4_VMX_Exit_NMIWindow:
        return HW_EXIT_NMI_WINDOW;
    case seL4_VMX_Exit_TripleFault:
        return HW_EXIT_TRIPLE_FAULT;
    case seL4_VMX_Exit_XSETBV:
        return HW_EXIT_XSETBV;
    case seL4_VMX_Exit_PAUSE:
        return HW_EXIT_PAUSE;
    case seL4_VMX_Exit_WBINVD:
    case VMX_EXIT_INVD:
        return HW_EXIT_SKIP;
    case seL4_VMX_Exit_RDPMC:
        return HW_EXIT_GP;
    default:
        return vmx_undefined(reason & VMX_BASIC_MASK) ? HW_EXIT_UD : HW_EXIT_UNKNOWN;
    }
}

static void vmx_decode(const uint64_t *mr, hw_exit_t *exit)
{
    uint64_t q = mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR];

    exit->kind = vmx_kind(exit->reason);
    exit->length = checked_length(mr[SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR]);
    if (exit->kind == HW_EXIT_IO) {
        vmx_io(q, &exit->io);
    } else if (exit->kind == HW_EXIT_CR) {
        vmx_cr(q, &exit->cr);
    } else if (exit->kind == HW_EXIT_GUEST_PHYSICAL) {
        exit->gpa = mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR];
        exit->gpa_write = (q & seL4_VMX_EPT_Write) != 0;
        exit->gpa_fetch = (q & seL4_VMX_EPT_Fetch) != 0;
        exit->length = 0; /* not an instruction exit: the length field is undefined */
    }
}

static void svm_io(uint64_t info1, hw_io_t *io)
{
    uint64_t sizes = info1 & (SVM_IO_SZ8 | SVM_IO_SZ16 | SVM_IO_SZ32);

    io->port = (uint16_t)(info1 >> IO_PORT_SHIFT);
    /* Exactly one size bit: none or several is no size, which the handler refuses. */
    io->size = sizes == SVM_IO_SZ32 ? 4 : sizes == SVM_IO_SZ16 ? 2 : sizes == SVM_IO_SZ8 ? 1 : 0;
    io->in = (info1 & SVM_IO_IN) != 0;
    io->string = (info1 & SVM_IO_STRING) != 0;
    io->rep = (info1 & SVM_IO_REP) != 0;
}

/* Instructions of features the guest is not offered: VMRUN to SKINIT (0x80-0x86), INVLPGA,
 * MONITOR and MWAIT (0x8a-0x8c), RDPRU (APM Vol. 2 Appendix C). */
static bool svm_undefined(uint64_t code)
{
    return (code >= seL4_SVM_Exit_VMRUN && code <= SVM_EXIT_SKINIT &&
            code != seL4_SVM_Exit_VMMCALL) ||
           code == SVM_EXIT_INVLPGA || (code >= SVM_EXIT_MONITOR && code <= SVM_EXIT_MWAIT_ARMED) ||
           code == SVM_EXIT_RDPRU;
}

static hw_exit_kind_t svm_kind(uint64_t code, uint64_t info1)
{
    if (code >= SVM_EXIT_DR_FIRST && code <= SVM_EXIT_DR_LAST) {
        return HW_EXIT_DR; /* reads 0x20-0x27, writes 0x30-0x37 */
    }
    switch (code) {
    case seL4_SVM_Exit_CPUID:
        return HW_EXIT_CPUID;
    case seL4_SVM_Exit_HLT:
        return HW_EXIT_HLT;
    case seL4_SVM_Exit_IOIO:
        return HW_EXIT_IO;
    case seL4_SVM_Exit_MSR:
        return info1 == 0 ? HW_EXIT_MSR_READ : info1 == 1 ? HW_EXIT_MSR_WRITE : HW_EXIT_UNKNOWN;
    case seL4_SVM_Exit_NPF:
        return HW_EXIT_GUEST_PHYSICAL;
    case seL4_SVM_Exit_VMMCALL:
        return HW_EXIT_HYPERCALL;
    case SVM_EXIT_CR8_READ:
    case SVM_EXIT_CR8_WRITE:
        return HW_EXIT_CR8;
    case seL4_SVM_Exit_VINTR:
        return HW_EXIT_INTERRUPT_WINDOW;
    case SVM_EXIT_IRET:
        return HW_EXIT_NMI_WINDOW;
    case seL4_SVM_Exit_Shutdown:
        return HW_EXIT_TRIPLE_FAULT;
    case seL4_SVM_Exit_Invalid:
        return HW_EXIT_INVALID_STATE;
    case seL4_SVM_Exit_XSETBV:
        return HW_EXIT_XSETBV;
    case seL4_SVM_Exit_PAUSE:
        return HW_EXIT_PAUSE;
    case SVM_EXIT_CR0_WRITE:
    case SVM_EXIT_CR4_WRITE:
        return HW_EXIT_CR;
    case seL4_SVM_Exit_WBINVD:
    case SVM_EXIT_INVD:
        return HW_EXIT_SKIP;
    case seL4_SVM_Exit_RDPMC:
        return HW_EXIT_GP;
    default:
        return svm_undefined(code) ? HW_EXIT_UD : HW_EXIT_UNKNOWN;
    }
}

static void svm_decode(const uint64_t *mr, hw_exit_t *exit)
{
    uint64_t info1 = mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR];
    uint64_t info2 = mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR];
    uint64_t rip = mr[SEL4_VMENTER_CALL_EIP_MR];

    exit->kind = svm_kind(exit->reason, info1);
    exit->length = checked_length(mr[SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR]);
    if (exit->kind == HW_EXIT_IO) {
        svm_io(info1, &exit->io);
        /* EXITINFO2 is the next RIP whether or not the CPU saves nRIP (APM 15.10.2). */
        exit->length = info2 > rip ? checked_length(info2 - rip) : 0;
    } else if (exit->kind == HW_EXIT_GUEST_PHYSICAL) {
        exit->gpa = info2;
        exit->gpa_write = (info1 & SVM_NPF_WRITE) != 0;
        exit->gpa_fetch = (info1 & SVM_NPF_FETCH) != 0;
        exit->length = 0;
    } else if (exit->kind == HW_EXIT_CR) {
        /* MOV to CR0/CR4, LMSW or CLTS: the instruction at RIP says which (no decode assists
         * are relied on). */
        exit->cr = (hw_cr_t){.cr = (uint8_t)(exit->reason - SVM_EXIT_CR0_WRITE),
                             .access = HW_CR_TO,
                             .from_instruction = true};
    }
}

void hw_exit_decode(bool svm, const uint64_t *mr, hw_exit_t *exit)
{
    *exit = (hw_exit_t){.reason = mr[SEL4_VMENTER_FAULT_REASON_MR],
                        .qualification = mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR]};
    if (kernel_reason(exit->reason)) {
        exit->kind = HW_EXIT_ENTRY_FAILED;
    } else if (svm) {
        svm_decode(mr, exit);
    } else if ((exit->reason >> 32) != 0) {
        exit->kind = HW_EXIT_UNKNOWN; /* a VMX exit reason is 32 bits */
    } else {
        vmx_decode(mr, exit);
    }
}

const char *hw_exit_name(hw_exit_kind_t kind)
{
    static const char *const names[HW_EXIT_KINDS] = {
            [HW_EXIT_UNKNOWN] = "unknown",
            [HW_EXIT_CPUID] = "cpuid",
            [HW_EXIT_HLT] = "hlt",
            [HW_EXIT_IO] = "io",
            [HW_EXIT_MSR_READ] = "rdmsr",
            [HW_EXIT_MSR_WRITE] = "wrmsr",
            [HW_EXIT_GUEST_PHYSICAL] = "mmio",
            [HW_EXIT_HYPERCALL] = "hypercall",
            [HW_EXIT_CR] = "cr",
            [HW_EXIT_CR8] = "cr8",
            [HW_EXIT_DR] = "dr",
            [HW_EXIT_INTERRUPT_WINDOW] = "irq-window",
            [HW_EXIT_NMI_WINDOW] = "nmi-window",
            [HW_EXIT_TRIPLE_FAULT] = "triple-fault",
            [HW_EXIT_INVALID_STATE] = "invalid-state",
            [HW_EXIT_ENTRY_FAILED] = "entry-failed",
            [HW_EXIT_XSETBV] = "xsetbv",
            [HW_EXIT_PAUSE] = "pause",
            [HW_EXIT_SKIP] = "skip",
            [HW_EXIT_UD] = "ud",
            [HW_EXIT_GP] = "gp",
    };

    return (unsigned)kind < HW_EXIT_KINDS ? names[kind] : "unknown";
}
