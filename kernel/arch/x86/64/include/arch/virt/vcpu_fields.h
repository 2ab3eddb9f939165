/*
 * The allow-list of VMCS/VMCB fields a VMM may read and write (X86VCPUReadVMCS/WriteVMCS), one
 * table per CPU kind (virt/vmx_fields.c, virt/svm_fields.c) over a shared set of value rules.
 * A field absent from the table is neither readable nor writable; the host-state fields and
 * every field holding a physical address are absent.
 */
#ifndef ARCH_VIRT_VCPU_FIELDS_H
#define ARCH_VIRT_VCPU_FIELDS_H

#include <kernel/types.h>

typedef enum {
    RULE_ANY = 0,   /* guest state the hardware checks itself at VM entry */
    RULE_READ_ONLY, /* exit information */
    RULE_CONTROL,   /* a control word (arg: its index for virt_control_word) */
    RULE_BITS,      /* bits of `allowed` only, `forced` always added */
    RULE_CANONICAL, /* an address loaded with WRMSR or VMLOAD: canonical */
    RULE_VMX_CR0,   /* VMX guest CR0/CR4: IA32_VMX_CR*_FIXED0 bits added, FIXED1 enforced */
    RULE_VMX_CR4,
} field_rule_t;

typedef struct {
    uint16_t id;      /* VMCS encoding, or VMCB byte offset */
    uint8_t width;    /* SVM: bytes (1, 2, 4 or 8) */
    uint8_t rule;     /* field_rule_t */
    uint64_t allowed; /* RULE_BITS: the bits a VMM may set; RULE_CONTROL: the word's index */
    uint64_t forced;  /* RULE_BITS: the bits always set */
} vcpu_field_t;

/* The entry for id in table[0 .. count), or NULL. */
const vcpu_field_t *vcpu_field_find(const vcpu_field_t *table, size_t count, word_t id);

/* Whether a VMM may write value to the field, and what is written then (decode: no effects). */
bool vcpu_field_value(const vcpu_field_t *field, word_t value, word_t *written);

/* The backends' tables and accessors (the current CPU kind's; docs/kernel.md lists them). */
const vcpu_field_t *vmx_field_lookup(word_t id);
const vcpu_field_t *svm_field_lookup(word_t id);

#endif
