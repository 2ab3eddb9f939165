/* vcpu_state: the x86-64 architectural state of one virtual CPU, shared by the VT-x and PV
 * back ends, with per-group valid/dirty masks so state is fetched and written back lazily.
 * Plain data and small helpers; nothing here talks to hardware or the kernel. */
#ifndef ALGORITHMS_VCPU_STATE_H
#define ALGORITHMS_VCPU_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <algorithms/alg_error.h>

/* Register groups: one mask bit each. A group is *valid* when the copy here is current and
 * *dirty* when it was changed here and must be written back before the vCPU runs. */
typedef enum vcpu_group {
    VCPU_GROUP_GPRS = 0, /* RAX..R15 */
    VCPU_GROUP_RIP,
    VCPU_GROUP_RFLAGS,
    VCPU_GROUP_CS,
    VCPU_GROUP_SS,
    VCPU_GROUP_DS,
    VCPU_GROUP_ES,
    VCPU_GROUP_FS, /* includes FS base */
    VCPU_GROUP_GS, /* includes GS base */
    VCPU_GROUP_LDTR,
    VCPU_GROUP_TR,
    VCPU_GROUP_GDTR,
    VCPU_GROUP_IDTR,
    VCPU_GROUP_CR0,
    VCPU_GROUP_CR2,
    VCPU_GROUP_CR3,
    VCPU_GROUP_CR4,
    VCPU_GROUP_CR8,
    VCPU_GROUP_EFER,
    VCPU_GROUP_DR0_3,
    VCPU_GROUP_DR6,
    VCPU_GROUP_DR7,
    VCPU_GROUP_KERNEL_GS_BASE,
    VCPU_GROUP_SYSENTER, /* IA32_SYSENTER_CS/ESP/EIP */
    VCPU_GROUP_SYSCALL,  /* STAR, LSTAR, CSTAR, SFMASK */
    VCPU_GROUP_PAT,
    VCPU_GROUP_TSC_OFFSET,
    VCPU_GROUP_EVENT, /* event to inject at the next entry */
    VCPU_GROUP_INTERRUPTIBILITY,
    VCPU_GROUP_COUNT
} vcpu_group_t;

typedef uint64_t vcpu_mask_t;

#define VCPU_MASK(group) ((vcpu_mask_t)1 << (group))
#define VCPU_MASK_ALL    (VCPU_MASK(VCPU_GROUP_COUNT) - 1)
#define VCPU_MASK_SEGMENTS                                                                         \
    (VCPU_MASK(VCPU_GROUP_CS) | VCPU_MASK(VCPU_GROUP_SS) | VCPU_MASK(VCPU_GROUP_DS) |              \
     VCPU_MASK(VCPU_GROUP_ES) | VCPU_MASK(VCPU_GROUP_FS) | VCPU_MASK(VCPU_GROUP_GS) |              \
     VCPU_MASK(VCPU_GROUP_LDTR) | VCPU_MASK(VCPU_GROUP_TR))

/* x86 general-purpose register numbers (ModRM/REX encoding and VT-x qualification order). */
typedef enum vcpu_gpr {
    VCPU_RAX = 0,
    VCPU_RCX,
    VCPU_RDX,
    VCPU_RBX,
    VCPU_RSP,
    VCPU_RBP,
    VCPU_RSI,
    VCPU_RDI,
    VCPU_R8,
    VCPU_R9,
    VCPU_R10,
    VCPU_R11,
    VCPU_R12,
    VCPU_R13,
    VCPU_R14,
    VCPU_R15,
    VCPU_GPR_COUNT
} vcpu_gpr_t;

/* Segment register, hidden part included. `attributes` uses the VMX access-rights layout
 * (Intel SDM Vol. 3, "Format of Access Rights"); accessors below. */
typedef struct vcpu_segment {
    uint64_t base;
    uint32_t limit;
    uint32_t attributes;
    uint16_t selector;
} vcpu_segment_t;

#define VCPU_SEG_TYPE_MASK 0xfu
#define VCPU_SEG_S         (1u << 4) /* code/data (1) or system (0) descriptor */
#define VCPU_SEG_DPL_SHIFT 5u
#define VCPU_SEG_DPL_MASK  (3u << VCPU_SEG_DPL_SHIFT)
#define VCPU_SEG_P         (1u << 7)
#define VCPU_SEG_AVL       (1u << 12)
#define VCPU_SEG_L         (1u << 13) /* 64-bit code segment */
#define VCPU_SEG_DB        (1u << 14)
#define VCPU_SEG_G         (1u << 15)
#define VCPU_SEG_UNUSABLE  (1u << 16)
#define VCPU_SEG_RESERVED  0xfffe0f00u /* bits 11:8 and 31:17 */

static inline unsigned vcpu_segment_dpl(const vcpu_segment_t *seg)
{
    return (seg->attributes & VCPU_SEG_DPL_MASK) >> VCPU_SEG_DPL_SHIFT;
}

static inline unsigned vcpu_segment_type(const vcpu_segment_t *seg)
{
    return seg->attributes & VCPU_SEG_TYPE_MASK;
}

/* GDTR / IDTR. */
typedef struct vcpu_dtable {
    uint64_t base;
    uint32_t limit;
} vcpu_dtable_t;

/* VMX interruption types (entry/exit interruption-information bits 10:8). */
typedef enum vcpu_event_type {
    VCPU_EVENT_EXTERNAL_INTERRUPT = 0,
    VCPU_EVENT_NMI = 2,
    VCPU_EVENT_HARDWARE_EXCEPTION = 3,
    VCPU_EVENT_SOFTWARE_INTERRUPT = 4,
    VCPU_EVENT_PRIVILEGED_SOFTWARE_EXCEPTION = 5,
    VCPU_EVENT_SOFTWARE_EXCEPTION = 6,
    VCPU_EVENT_OTHER = 7,
} vcpu_event_type_t;

/* An event to deliver at the next entry (or one whose delivery an exit interrupted). */
typedef struct vcpu_event {
    bool pending;
    uint8_t vector;
    uint8_t type; /* vcpu_event_type_t */
    bool has_error_code;
    uint32_t error_code;
    uint32_t instruction_length; /* software interrupts/exceptions: length to skip */
} vcpu_event_t;

/* Interruption-information field layout (SDM Vol. 3, VM-entry/exit interruption information). */
#define VCPU_INTR_INFO_VECTOR_MASK 0xffu
#define VCPU_INTR_INFO_TYPE_SHIFT  8u
#define VCPU_INTR_INFO_TYPE_MASK   (7u << VCPU_INTR_INFO_TYPE_SHIFT)
#define VCPU_INTR_INFO_ERROR_CODE  (1u << 11)
#define VCPU_INTR_INFO_NMI_UNBLOCK (1u << 12)  /* exit information only */
#define VCPU_INTR_INFO_RESERVED    0x7fffe000u /* bits 30:13 */
#define VCPU_INTR_INFO_VALID       (1u << 31)

/* Guest interruptibility state bits (VMX layout). */
#define VCPU_BLOCKING_BY_STI    (1u << 0)
#define VCPU_BLOCKING_BY_MOV_SS (1u << 1)
#define VCPU_BLOCKING_BY_SMI    (1u << 2)
#define VCPU_BLOCKING_BY_NMI    (1u << 3)

typedef struct vcpu_state {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip;
    uint64_t rflags;
    vcpu_segment_t cs, ss, ds, es, fs, gs, ldtr, tr;
    vcpu_dtable_t gdtr, idtr;
    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t efer;
    uint64_t dr0_3[4];
    uint64_t dr6, dr7;
    uint64_t kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t star, lstar, cstar, sfmask;
    uint64_t pat;
    uint64_t tsc_offset;
    vcpu_event_t event;
    uint32_t interruptibility;
    vcpu_mask_t valid;
    vcpu_mask_t dirty;
} vcpu_state_t;

/* Zeroes the state; nothing valid, nothing dirty. */
void vcpu_state_reset(vcpu_state_t *state);

/* Groups in `mask` now hold current values (just fetched). */
static inline void vcpu_state_mark_valid(vcpu_state_t *state, vcpu_mask_t mask)
{
    state->valid |= mask & VCPU_MASK_ALL;
}

/* Groups in `mask` were changed here: valid, and to be written back. */
static inline void vcpu_state_mark_dirty(vcpu_state_t *state, vcpu_mask_t mask)
{
    state->valid |= mask & VCPU_MASK_ALL;
    state->dirty |= mask & VCPU_MASK_ALL;
}

/* True when every group in `mask` is valid. */
static inline bool vcpu_state_is_valid(const vcpu_state_t *state, vcpu_mask_t mask)
{
    return (state->valid & mask) == mask;
}

/* True when any group in `mask` is dirty. */
static inline bool vcpu_state_is_dirty(const vcpu_state_t *state, vcpu_mask_t mask)
{
    return (state->dirty & mask) != 0;
}

/* Written back: still valid, no longer dirty. */
static inline void vcpu_state_clear_dirty(vcpu_state_t *state, vcpu_mask_t mask)
{
    state->dirty &= ~mask;
}

/* The vCPU ran: groups in `mask` are stale. Errors: BUSY when one of them is still dirty
 * (its change would be lost; write it back first). */
alg_error_t vcpu_state_invalidate(vcpu_state_t *state, vcpu_mask_t mask);

/* Name of a group ("cr3"), or "?" for values outside the enum. */
const char *vcpu_group_name(vcpu_group_t group);

/* The state field of x86 register number `reg` (0-15), or NULL for other numbers. */
uint64_t *vcpu_gpr_slot(vcpu_state_t *state, unsigned reg);

/* Reads the low `size` bytes (1, 2, 4 or 8) of register `reg`.
 * Errors: INVALID_ARGUMENT (reg > 15 or other size). */
alg_error_t vcpu_gpr_read(const vcpu_state_t *state, unsigned reg, unsigned size, uint64_t *value);

/* Writes with x86-64 semantics: 1- and 2-byte writes keep the other bits, a 4-byte write
 * zero-extends to 64 bits, an 8-byte write replaces all. Marks VCPU_GROUP_GPRS dirty.
 * (8-bit AH..BH forms are the instruction decoder's business: reg 4..7 here mean SPL..DIL.)
 * Errors: INVALID_ARGUMENT (reg > 15 or other size; state unchanged). */
alg_error_t vcpu_gpr_write(vcpu_state_t *state, unsigned reg, unsigned size, uint64_t value);

/* Encodes an event as a VM-entry interruption-information value (0 when not pending).
 * Errors: MALFORMED (type above 7 or the unused type 1; *info unchanged). */
alg_error_t vcpu_event_to_vmx(const vcpu_event_t *event, uint32_t *info);

/* Decodes an interruption-information value (entry, exit or IDT-vectoring). A value without
 * the valid bit decodes to "not pending". Errors: MALFORMED (reserved bits 30:13 set, or the
 * unused type 1); `event` unchanged on error. */
alg_error_t vcpu_event_from_vmx(uint32_t info, uint32_t error_code, uint32_t instruction_length,
                                vcpu_event_t *event);

#endif
