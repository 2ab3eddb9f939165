/*
 * VCPU objects (2^seL4_VCPUBits = 16 KiB): the hardware's control structure, the guest's I/O
 * permission bitmap and the kernel's own record of the VCPU, in one layout for VMX and SVM:
 *   page 0   the VMCS (VMX) or the VMCB (SVM)
 *   pages 1-2  VMX: I/O bitmaps A and B; SVM: the first 8 KiB of the IOPM
 *   page 3   SVM: the IOPM's third page, of which the CPU reads only the first bits (ports past
 *            0xffff of a multi-byte access, APM 15.10.1); from VCPU_RECORD_OFFSET on, vcpu_t
 * A VCPU is reached only through its capability or its bound TCB; the kernel never hands out a
 * mapping of it.
 */
#ifndef ARCH_OBJECT_VCPU_H
#define ARCH_OBJECT_VCPU_H

#include <arch/kernel/tcb_arch.h>
#include <arch/virt/vcpu_offsets.h>
#include <kernel/invocation_context.h>
#include <kernel/memory.h>
#include <sel4/vcpu.h>

#define VCPU_CONTROL_PAGE  0
#define VCPU_IO_PAGE       1
#define VCPU_RECORD_PAGE   3
#define VCPU_RECORD_OFFSET 0x100

/* Guest general registers, in seL4_VCPUContext order (the entry code knows these indices). */
enum {
    VCPU_RAX = 0,
    VCPU_RBX,
    VCPU_RCX,
    VCPU_RDX,
    VCPU_RSI,
    VCPU_RDI,
    VCPU_RBP,
    VCPU_R8,
    VCPU_R9,
    VCPU_R10,
    VCPU_R11,
    VCPU_R12,
    VCPU_R13,
    VCPU_R14,
    VCPU_R15,
    VCPU_GPR_COUNT,
};

/* VMX: the guest's SYSCALL MSRs and KERNEL_GS_BASE, which no VMCS field holds. */
enum {
    VCPU_MSR_STAR = 0,
    VCPU_MSR_LSTAR,
    VCPU_MSR_CSTAR,
    VCPU_MSR_SFMASK,
    VCPU_MSR_KERNEL_GS_BASE,
    VCPU_MSR_TSC_AUX, /* both kinds: no VMCS or VMCB field holds it */
    VCPU_MSR_DR6,     /* VMX: no VMCS field holds it (SVM: the VMCB's) */
    VCPU_MSR_COUNT,
};

struct tcb;

typedef struct vcpu {
    word_t gpr[VCPU_GPR_COUNT]; /* first: the entry code addresses it from the record */
    word_t cr2;                 /* VMX: the guest's CR2 (no VMCS field holds it) */
    word_t msr[VCPU_MSR_COUNT];
    struct tcb *tcb;   /* bound thread, or NULL */
    struct vcpu *next; /* every VCPU, for I/O port capabilities that go away */
    struct vcpu *prev;
    uint64_t serial; /* never reused: I/O port capabilities name their VCPU by it */
    /* seL4_VMEnter's MR0..MR2 as the last exit left them (the NOTIF answer). */
    word_t rip;
    word_t controls;
    word_t event;
    /* Guest TLB tag (VPID or ASID) and the generation it was handed out in (virt/guest_tag.c). */
    uint64_t tag_generation;
    uint32_t tag;
    bool launched;      /* VMX: VMLAUNCH done on this VMCS (else VMLAUNCH next) */
    bool flush_tag;     /* SVM: flush this ASID's translations at the next VMRUN */
    paddr_t guest_root; /* the EPTP / nCR3 root last written into the VMCS or VMCB */
    word_t host_cr3;    /* VMX: HOST_CR3 last written */
    fpu_state_t fpu;    /* the guest's x87/SSE state (FXSAVE image) */
} vcpu_t;

_Static_assert(offsetof(vcpu_t, gpr) == 0 && GPR_RDI == VCPU_RDI * 8 && GPR_R15 == VCPU_R15 * 8,
               "the entry code's register offsets");
_Static_assert(VCPU_RECORD_OFFSET + sizeof(vcpu_t) <= BIT(seL4_PageBits),
               "the VCPU record fits the rest of its page");
_Static_assert(BIT(seL4_VCPUBits) == 4 * BIT(seL4_PageBits), "a VCPU is four pages");

static inline vcpu_t *vcpu_from_paddr(paddr_t object)
{
    return paddr_to_kptr(object + VCPU_RECORD_PAGE * BIT(seL4_PageBits) + VCPU_RECORD_OFFSET);
}

static inline paddr_t vcpu_object(const vcpu_t *vcpu)
{
    return kptr_to_paddr(vcpu) - VCPU_RECORD_OFFSET - VCPU_RECORD_PAGE * BIT(seL4_PageBits);
}

static inline paddr_t vcpu_control_paddr(const vcpu_t *vcpu)
{
    return vcpu_object(vcpu) + VCPU_CONTROL_PAGE * BIT(seL4_PageBits);
}

static inline void *vcpu_control(const vcpu_t *vcpu)
{
    return paddr_to_kptr(vcpu_control_paddr(vcpu));
}

static inline paddr_t vcpu_io_paddr(const vcpu_t *vcpu)
{
    return vcpu_object(vcpu) + VCPU_IO_PAGE * BIT(seL4_PageBits);
}

/* A new VCPU object at paddr (zeroed here): its VMCS or VMCB and I/O bitmap set up. */
void vcpu_create(paddr_t paddr);

/* The last capability is gone: unbind, let the CPU forget the VMCS, release the FPU. */
void vcpu_finalise(vcpu_t *vcpu);

/* The thread is being destroyed: it loses its VCPU. */
void vcpu_tcb_release(struct tcb *tcb);

/* The I/O port capability is being deleted: close its ports to the VCPU it opened them to. */
void vcpu_ioport_revoke(const arch_cap_io_port_t *port);

seL4_Error vcpu_decode(invocation_t *inv, cap_t cap, cte_t *slot);

/* The live VCPU with this serial number, or NULL. */
vcpu_t *vcpu_find_serial(uint64_t serial);

/* X86VCPUReadVMCS/WriteVMCS/ReadMSR/WriteMSR (object/vcpu_state.c). */
seL4_Error vcpu_decode_state(invocation_t *inv, vcpu_t *vcpu);

/* X86VCPUEnableIOPort/DisableIOPort (object/vcpu_ioport.c). */
seL4_Error vcpu_decode_ioport(invocation_t *inv, vcpu_t *vcpu);

#endif
