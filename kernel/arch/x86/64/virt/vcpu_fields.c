/*
 * The value rules of the VMCS/VMCB allow-list (arch/virt/vcpu_fields.h), shared by VMX and SVM.
 * Checks only: what a rule refuses never reaches the hardware, and what the kernel adds is
 * returned as the value written.
 */
#include <arch/virt/vcpu_fields.h>
#include <arch/virt/virt.h>
#include <kernel/user_context.h>

#define CR0_PE BIT(0)
#define CR0_PG BIT(31)

const vcpu_field_t *vcpu_field_find(const vcpu_field_t *table, size_t count, word_t id)
{
    for (size_t i = 0; i < count; i++) {
        if (table[i].id == id) {
            return &table[i];
        }
    }
    return NULL;
}

/* VMX fixed bits (SDM Vol. 3C A.7, A.8): FIXED0 bits must be 1, bits clear in FIXED1 must be
 * 0. With unrestricted guest available, CR0.PE and CR0.PG are the VMM's (SDM 26.3.1.1). */
static bool vmx_fixed_bits(word_t value, uint64_t fixed0, uint64_t fixed1, word_t *written)
{
    if ((value & ~fixed1) != 0) {
        return false;
    }
    *written = value | fixed0;
    return true;
}

bool vcpu_field_value(const vcpu_field_t *field, word_t value, word_t *written)
{
    const seL4_X86_VirtFeatures *api = &virt()->api;
    uint64_t cr0_fixed0 = api->cr_fixed[0];
    uint32_t control;

    switch ((field_rule_t)field->rule) {
    case RULE_ANY:
        *written = value;
        return true;
    case RULE_CONTROL:
        if ((value >> 32) != 0 ||
            !virt_control_word((unsigned)field->allowed, (uint32_t)value, &control)) {
            return false;
        }
        *written = control;
        return true;
    case RULE_BITS:
        if ((value & ~(field->allowed | field->forced)) != 0) {
            return false;
        }
        *written = value | field->forced;
        return true;
    case RULE_CANONICAL:
        *written = value;
        return user_address_is_canonical(value);
    case RULE_VMX_CR0:
        if (api->flags & seL4_X86_Virt_UnrestrictedGuest) {
            cr0_fixed0 &= ~(CR0_PE | CR0_PG);
        }
        return vmx_fixed_bits(value, cr0_fixed0, api->cr_fixed[1], written);
    case RULE_VMX_CR4:
        return vmx_fixed_bits(value, api->cr_fixed[2], api->cr_fixed[3], written);
    default: /* RULE_READ_ONLY */
        return false;
    }
}
