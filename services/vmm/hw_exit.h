/*
 * VM exits of the hardware modes named once for VT-x and AMD-V (hw_exit.c): seL4_VMEnter's
 * message registers in, one hw_exit_t out, with the operands each kind needs already taken
 * from the qualification words. Pure (no system calls): the host tests feed it exits of both
 * CPU kinds, well-formed and not.
 */
#ifndef VMM_HW_EXIT_H
#define VMM_HW_EXIT_H

#include <sel4/vcpu.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    HW_EXIT_UNKNOWN = 0, /* an exit the VMM never asked for: the VM ends with its numbers */
    HW_EXIT_CPUID,
    HW_EXIT_HLT,
    HW_EXIT_IO, /* port I/O (io below) */
    HW_EXIT_MSR_READ,
    HW_EXIT_MSR_WRITE,
    HW_EXIT_GUEST_PHYSICAL, /* EPT violation or nested page fault at gpa */
    HW_EXIT_HYPERCALL,      /* VMCALL or VMMCALL */
    HW_EXIT_CR,             /* VMX: a control-register access (cr below) */
    HW_EXIT_CR8,            /* SVM: a read or write of CR8 (the instruction says which) */
    HW_EXIT_DR,             /* a debug-register access (the instruction says which) */
    HW_EXIT_INTERRUPT_WINDOW,
    HW_EXIT_NMI_WINDOW,
    HW_EXIT_TRIPLE_FAULT,  /* VMX triple fault, SVM shutdown */
    HW_EXIT_INVALID_STATE, /* the CPU refused the guest state at entry */
    HW_EXIT_ENTRY_FAILED,  /* the kernel's reasons: no root, entry failed, bad argument */
    HW_EXIT_XSETBV,
    HW_EXIT_PAUSE,
    HW_EXIT_SKIP, /* WBINVD, INVD: nothing to do for the guest's caches */
    HW_EXIT_UD,   /* VMX/SVM instructions, MONITOR/MWAIT, GETSEC: not offered, #UD */
    HW_EXIT_GP,   /* RDPMC: no performance counters offered, #GP(0) */
    HW_EXIT_KINDS
} hw_exit_kind_t;

/* Port I/O: the fields of VMX's qualification or SVM's EXITINFO1. */
typedef struct hw_io {
    uint16_t port;
    uint8_t size; /* 1, 2 or 4 */
    bool in;
    bool string; /* INS/OUTS: emulated from the instruction itself */
    bool rep;
} hw_io_t;

/* VMX control-register accesses (SDM Vol. 3C Table 28-3). */
typedef enum {
    HW_CR_TO = 0, /* MOV to CR */
    HW_CR_FROM,   /* MOV from CR */
    HW_CR_CLTS,
    HW_CR_LMSW,
} hw_cr_access_t;

typedef struct hw_cr {
    uint8_t cr; /* 0, 3, 4 or 8 */
    hw_cr_access_t access;
    uint8_t gpr;           /* the general register, in encoding order (RAX RCX RDX RBX RSP ...) */
    bool from_instruction; /* SVM: the exit names only the register; the instruction says how */
    uint16_t lmsw_source;
} hw_cr_t;

typedef struct hw_exit {
    hw_exit_kind_t kind;
    uint64_t reason;        /* MR3 as it came (for reports) */
    uint64_t qualification; /* MR4 */
    uint64_t gpa;           /* HW_EXIT_GUEST_PHYSICAL */
    bool gpa_write;         /* the access was a write */
    bool gpa_fetch;         /* an instruction fetch */
    unsigned length;        /* the instruction's length, 0 where the CPU did not say */
    hw_io_t io;
    hw_cr_t cr;
} hw_exit_t;

/* The exit in mr[0 .. SEL4_VMENTER_NUM_FAULT_MSGS) (seL4_VMEnter's result FAULT). */
void hw_exit_decode(bool svm, const uint64_t *mr, hw_exit_t *exit);

/* A name for reports and statistics ("cpuid", "io", ...). */
const char *hw_exit_name(hw_exit_kind_t kind);

#endif
