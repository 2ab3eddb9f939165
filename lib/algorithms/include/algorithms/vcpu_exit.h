/* vcpu_exit: one record for "why the guest stopped", filled by the VT-x back end from the
 * VMCS exit fields and by the PV back end from a trapped fault, so exit handlers are shared.
 * Plain data: it never reads hardware, and a field is meaningful only if its flag is set. */
#ifndef ALGORITHMS_VCPU_EXIT_H
#define ALGORITHMS_VCPU_EXIT_H

#include <stdbool.h>
#include <stdint.h>

typedef enum vcpu_exit_source {
    VCPU_EXIT_SOURCE_NONE = 0,
    VCPU_EXIT_SOURCE_VMX, /* raw_reason = VMX exit reason (basic reason in bits 15:0) */
    VCPU_EXIT_SOURCE_PV,  /* raw_reason = exception vector or trap code of the PV back end */
} vcpu_exit_source_t;

/* What the handlers dispatch on, independent of the back end. */
typedef enum vcpu_exit_kind {
    VCPU_EXIT_UNKNOWN = 0,
    VCPU_EXIT_EXCEPTION, /* vector in `vector`, error code if flagged */
    VCPU_EXIT_EXTERNAL_INTERRUPT,
    VCPU_EXIT_TRIPLE_FAULT,
    VCPU_EXIT_INIT_SIGNAL,
    VCPU_EXIT_STARTUP_IPI,
    VCPU_EXIT_INTERRUPT_WINDOW,
    VCPU_EXIT_NMI_WINDOW,
    VCPU_EXIT_TASK_SWITCH,
    VCPU_EXIT_CPUID,
    VCPU_EXIT_HLT,
    VCPU_EXIT_INVD,
    VCPU_EXIT_INVLPG,
    VCPU_EXIT_RDPMC,
    VCPU_EXIT_RDTSC,
    VCPU_EXIT_HYPERCALL, /* VMCALL, or the PV hypercall trap */
    VCPU_EXIT_VMX_INSTRUCTION,
    VCPU_EXIT_CR_ACCESS,
    VCPU_EXIT_DR_ACCESS,
    VCPU_EXIT_IO,
    VCPU_EXIT_RDMSR,
    VCPU_EXIT_WRMSR,
    VCPU_EXIT_ENTRY_FAILURE,
    VCPU_EXIT_MWAIT,
    VCPU_EXIT_MONITOR,
    VCPU_EXIT_PAUSE,
    VCPU_EXIT_DESCRIPTOR_TABLE,
    VCPU_EXIT_EPT_VIOLATION,
    VCPU_EXIT_EPT_MISCONFIG,
    VCPU_EXIT_RDTSCP,
    VCPU_EXIT_PREEMPTION_TIMER,
    VCPU_EXIT_WBINVD,
    VCPU_EXIT_XSETBV,
    VCPU_EXIT_KIND_COUNT
} vcpu_exit_kind_t;

/* Flags for the optional fields. */
#define VCPU_EXIT_HAS_QUALIFICATION (1u << 0)
#define VCPU_EXIT_HAS_LINEAR        (1u << 1)
#define VCPU_EXIT_HAS_PHYSICAL      (1u << 2)
#define VCPU_EXIT_HAS_LENGTH        (1u << 3)
#define VCPU_EXIT_HAS_ERROR_CODE    (1u << 4)
#define VCPU_EXIT_HAS_VECTOR        (1u << 5)

typedef struct vcpu_exit {
    uint32_t source; /* vcpu_exit_source_t */
    uint32_t kind;   /* vcpu_exit_kind_t */
    uint32_t raw_reason;
    uint32_t fields; /* VCPU_EXIT_HAS_* */
    uint64_t qualification;
    uint64_t guest_linear;
    uint64_t guest_physical;
    uint32_t instruction_length;
    uint32_t error_code;
    uint8_t vector;
} vcpu_exit_t;

/* VMX basic exit reasons this library names (Intel SDM Vol. 3, Appendix C). */
#define VMX_EXIT_EXCEPTION_NMI       0u
#define VMX_EXIT_EXTERNAL_INTERRUPT  1u
#define VMX_EXIT_TRIPLE_FAULT        2u
#define VMX_EXIT_INIT                3u
#define VMX_EXIT_SIPI                4u
#define VMX_EXIT_INTERRUPT_WINDOW    7u
#define VMX_EXIT_NMI_WINDOW          8u
#define VMX_EXIT_TASK_SWITCH         9u
#define VMX_EXIT_CPUID               10u
#define VMX_EXIT_HLT                 12u
#define VMX_EXIT_INVD                13u
#define VMX_EXIT_INVLPG              14u
#define VMX_EXIT_RDPMC               15u
#define VMX_EXIT_RDTSC               16u
#define VMX_EXIT_VMCALL              18u
#define VMX_EXIT_VMCLEAR             19u /* 19..27: VMX instructions */
#define VMX_EXIT_VMXON               27u
#define VMX_EXIT_CR_ACCESS           28u
#define VMX_EXIT_DR_ACCESS           29u
#define VMX_EXIT_IO_INSTRUCTION      30u
#define VMX_EXIT_RDMSR               31u
#define VMX_EXIT_WRMSR               32u
#define VMX_EXIT_INVALID_GUEST_STATE 33u
#define VMX_EXIT_MSR_LOADING         34u
#define VMX_EXIT_MWAIT               36u
#define VMX_EXIT_MONITOR             39u
#define VMX_EXIT_PAUSE               40u
#define VMX_EXIT_MACHINE_CHECK_ENTRY 41u
#define VMX_EXIT_GDTR_IDTR           46u
#define VMX_EXIT_LDTR_TR             47u
#define VMX_EXIT_EPT_VIOLATION       48u
#define VMX_EXIT_EPT_MISCONFIG       49u
#define VMX_EXIT_INVEPT              50u
#define VMX_EXIT_RDTSCP              51u
#define VMX_EXIT_PREEMPTION_TIMER    52u
#define VMX_EXIT_INVVPID             53u
#define VMX_EXIT_WBINVD              54u
#define VMX_EXIT_XSETBV              55u

#define VMX_EXIT_REASON_BASIC_MASK    0xffffu
#define VMX_EXIT_REASON_ENTRY_FAILURE (1u << 31)

/* Kind for a full 32-bit VMX exit reason: ENTRY_FAILURE when bit 31 is set, UNKNOWN for basic
 * reasons not listed above. */
vcpu_exit_kind_t vcpu_exit_kind_from_vmx(uint32_t exit_reason);

/* Starts a record for a VMX exit: source, raw reason, kind and the exit qualification. */
void vcpu_exit_init_vmx(vcpu_exit_t *exit, uint32_t exit_reason, uint64_t qualification);

/* Starts a record for a PV trap of the given kind; raw_reason is the back end's own code. */
void vcpu_exit_init_pv(vcpu_exit_t *exit, vcpu_exit_kind_t kind, uint32_t raw_reason);

/* Setters that also set the field's flag. */
static inline void vcpu_exit_set_linear(vcpu_exit_t *exit, uint64_t address)
{
    exit->guest_linear = address;
    exit->fields |= VCPU_EXIT_HAS_LINEAR;
}

static inline void vcpu_exit_set_physical(vcpu_exit_t *exit, uint64_t address)
{
    exit->guest_physical = address;
    exit->fields |= VCPU_EXIT_HAS_PHYSICAL;
}

static inline void vcpu_exit_set_length(vcpu_exit_t *exit, uint32_t length)
{
    exit->instruction_length = length;
    exit->fields |= VCPU_EXIT_HAS_LENGTH;
}

static inline void vcpu_exit_set_error_code(vcpu_exit_t *exit, uint32_t error_code)
{
    exit->error_code = error_code;
    exit->fields |= VCPU_EXIT_HAS_ERROR_CODE;
}

static inline void vcpu_exit_set_vector(vcpu_exit_t *exit, uint8_t vector)
{
    exit->vector = vector;
    exit->fields |= VCPU_EXIT_HAS_VECTOR;
}

static inline bool vcpu_exit_has(const vcpu_exit_t *exit, uint32_t fields)
{
    return (exit->fields & fields) == fields;
}

/* Short lower-case name of a kind ("cr_access"), "?" outside the enum. */
const char *vcpu_exit_kind_name(vcpu_exit_kind_t kind);

#endif
