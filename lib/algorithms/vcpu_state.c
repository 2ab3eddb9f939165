/* VCPU state helpers: group masks, register-number mapping, event encoding.
 * Must never assume a group is valid: callers own the fetch/write-back protocol. */
#include <algorithms/vcpu_state.h>

#include <stddef.h>

#include "mem.h"

void vcpu_state_reset(vcpu_state_t *state)
{
    mem_set(state, 0, sizeof *state);
}

alg_error_t vcpu_state_invalidate(vcpu_state_t *state, vcpu_mask_t mask)
{
    if ((state->dirty & mask) != 0) {
        return ALG_ERR_BUSY;
    }
    state->valid &= ~mask;
    return ALG_OK;
}

static const char *const group_names[VCPU_GROUP_COUNT] = {
        [VCPU_GROUP_GPRS] = "gprs",
        [VCPU_GROUP_RIP] = "rip",
        [VCPU_GROUP_RFLAGS] = "rflags",
        [VCPU_GROUP_CS] = "cs",
        [VCPU_GROUP_SS] = "ss",
        [VCPU_GROUP_DS] = "ds",
        [VCPU_GROUP_ES] = "es",
        [VCPU_GROUP_FS] = "fs",
        [VCPU_GROUP_GS] = "gs",
        [VCPU_GROUP_LDTR] = "ldtr",
        [VCPU_GROUP_TR] = "tr",
        [VCPU_GROUP_GDTR] = "gdtr",
        [VCPU_GROUP_IDTR] = "idtr",
        [VCPU_GROUP_CR0] = "cr0",
        [VCPU_GROUP_CR2] = "cr2",
        [VCPU_GROUP_CR3] = "cr3",
        [VCPU_GROUP_CR4] = "cr4",
        [VCPU_GROUP_CR8] = "cr8",
        [VCPU_GROUP_EFER] = "efer",
        [VCPU_GROUP_DR0_3] = "dr0-3",
        [VCPU_GROUP_DR6] = "dr6",
        [VCPU_GROUP_DR7] = "dr7",
        [VCPU_GROUP_KERNEL_GS_BASE] = "kernel_gs_base",
        [VCPU_GROUP_SYSENTER] = "sysenter",
        [VCPU_GROUP_SYSCALL] = "syscall",
        [VCPU_GROUP_PAT] = "pat",
        [VCPU_GROUP_TSC_OFFSET] = "tsc_offset",
        [VCPU_GROUP_EVENT] = "event",
        [VCPU_GROUP_INTERRUPTIBILITY] = "interruptibility",
};

const char *vcpu_group_name(vcpu_group_t group)
{
    if ((unsigned)group >= VCPU_GROUP_COUNT) {
        return "?";
    }
    return group_names[group];
}

/* Field offsets in x86 register-number order; the named fields are declared in that order
 * too, but the table keeps the mapping explicit rather than relying on layout. */
static const size_t gpr_offsets[VCPU_GPR_COUNT] = {
        [VCPU_RAX] = offsetof(vcpu_state_t, rax), [VCPU_RCX] = offsetof(vcpu_state_t, rcx),
        [VCPU_RDX] = offsetof(vcpu_state_t, rdx), [VCPU_RBX] = offsetof(vcpu_state_t, rbx),
        [VCPU_RSP] = offsetof(vcpu_state_t, rsp), [VCPU_RBP] = offsetof(vcpu_state_t, rbp),
        [VCPU_RSI] = offsetof(vcpu_state_t, rsi), [VCPU_RDI] = offsetof(vcpu_state_t, rdi),
        [VCPU_R8] = offsetof(vcpu_state_t, r8),   [VCPU_R9] = offsetof(vcpu_state_t, r9),
        [VCPU_R10] = offsetof(vcpu_state_t, r10), [VCPU_R11] = offsetof(vcpu_state_t, r11),
        [VCPU_R12] = offsetof(vcpu_state_t, r12), [VCPU_R13] = offsetof(vcpu_state_t, r13),
        [VCPU_R14] = offsetof(vcpu_state_t, r14), [VCPU_R15] = offsetof(vcpu_state_t, r15),
};

uint64_t *vcpu_gpr_slot(vcpu_state_t *state, unsigned reg)
{
    if (reg >= VCPU_GPR_COUNT) {
        return NULL;
    }
    return (uint64_t *)(void *)((char *)state + gpr_offsets[reg]);
}

static bool size_valid(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

static uint64_t size_mask(unsigned size)
{
    return size == 8 ? ~(uint64_t)0 : (((uint64_t)1 << (size * 8)) - 1);
}

alg_error_t vcpu_gpr_read(const vcpu_state_t *state, unsigned reg, unsigned size, uint64_t *value)
{
    if (reg >= VCPU_GPR_COUNT || !size_valid(size)) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    const uint64_t *slot = (const uint64_t *)(const void *)((const char *)state + gpr_offsets[reg]);
    *value = *slot & size_mask(size);
    return ALG_OK;
}

alg_error_t vcpu_gpr_write(vcpu_state_t *state, unsigned reg, unsigned size, uint64_t value)
{
    uint64_t *slot = vcpu_gpr_slot(state, reg);
    if (slot == NULL || !size_valid(size)) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    if (size >= 4) {
        *slot = value & size_mask(size); /* 32-bit writes clear bits 63:32 */
    } else {
        *slot = (*slot & ~size_mask(size)) | (value & size_mask(size));
    }
    vcpu_state_mark_dirty(state, VCPU_MASK(VCPU_GROUP_GPRS));
    return ALG_OK;
}

alg_error_t vcpu_event_to_vmx(const vcpu_event_t *event, uint32_t *info)
{
    if (!event->pending) {
        *info = 0;
        return ALG_OK;
    }
    if (event->type > VCPU_EVENT_OTHER || event->type == 1) {
        return ALG_ERR_MALFORMED;
    }
    uint32_t value = VCPU_INTR_INFO_VALID | event->vector |
                     ((uint32_t)event->type << VCPU_INTR_INFO_TYPE_SHIFT);
    if (event->has_error_code) {
        value |= VCPU_INTR_INFO_ERROR_CODE;
    }
    *info = value;
    return ALG_OK;
}

alg_error_t vcpu_event_from_vmx(uint32_t info, uint32_t error_code, uint32_t instruction_length,
                                vcpu_event_t *event)
{
    vcpu_event_t e = {0};
    if ((info & VCPU_INTR_INFO_VALID) == 0) {
        *event = e;
        return ALG_OK;
    }
    uint32_t type = (info & VCPU_INTR_INFO_TYPE_MASK) >> VCPU_INTR_INFO_TYPE_SHIFT;
    if ((info & VCPU_INTR_INFO_RESERVED) != 0 || type == 1) {
        return ALG_ERR_MALFORMED;
    }
    e.pending = true;
    e.vector = (uint8_t)(info & VCPU_INTR_INFO_VECTOR_MASK);
    e.type = (uint8_t)type;
    e.has_error_code = (info & VCPU_INTR_INFO_ERROR_CODE) != 0;
    e.error_code = e.has_error_code ? error_code : 0;
    e.instruction_length = instruction_length;
    *event = e;
    return ALG_OK;
}
