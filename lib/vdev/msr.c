/*
 * The MSR policy: a table of the MSRs a guest may touch and what each does; every write is
 * checked in full before anything is stored. The vCPU's own registers are only validated here
 * and left to the VMM, which holds them.
 */
#include <vdev/msr.h>

#define VENDOR_ANY              0u
#define VENDOR_INTEL            1u
#define VENDOR_AMD              2u
#define MEMORY_TYPES            0x73u    /* UC 0, WC 1, WT 4, WP 5, WB 6 as bits */
#define PAT_TYPES               0xf3u    /* ... and UC- 7 */
#define MTRR_DEF_WRITABLE       0xcffull /* type, FE (10), E (11) */
#define MTRR_MASK_VALID         (1ull << 11)
#define MISC_ENABLE_RESET       0x1801ull /* fast strings, BTS and PEBS unavailable */
#define MISC_ENABLE_WRITABLE    0x1ull
#define FEATURE_CONTROL_LOCKED  0x1ull
#define HWCR_TSC_FREQ_SEL       (1ull << 24)
#define DE_CFG_LFENCE_SERIALIZE 0x2ull

typedef struct msr_entry {
    uint32_t first;
    uint32_t last;
    uint8_t kind;
    uint8_t vendor;
} msr_entry_t;

static const msr_entry_t table[] = {
        {VDEV_MSR_TSC, VDEV_MSR_TSC, VDEV_MSR_KIND_CONTEXT, VENDOR_ANY},
        {VDEV_MSR_PLATFORM_ID, VDEV_MSR_PLATFORM_ID, VDEV_MSR_KIND_CONSTANT, VENDOR_INTEL},
        {VDEV_APIC_BASE_MSR, VDEV_APIC_BASE_MSR, VDEV_MSR_KIND_APIC, VENDOR_ANY},
        {VDEV_MSR_FEATURE_CONTROL, VDEV_MSR_FEATURE_CONTROL, VDEV_MSR_KIND_CONSTANT, VENDOR_INTEL},
        {VDEV_MSR_BIOS_SIGN_ID, VDEV_MSR_BIOS_SIGN_ID, VDEV_MSR_KIND_CONSTANT, VENDOR_ANY},
        {VDEV_MSR_MTRRCAP, VDEV_MSR_MTRRCAP, VDEV_MSR_KIND_CONSTANT, VENDOR_ANY},
        {VDEV_MSR_SYSENTER_CS, VDEV_MSR_SYSENTER_EIP, VDEV_MSR_KIND_CONTEXT, VENDOR_ANY},
        {VDEV_MSR_MISC_ENABLE, VDEV_MSR_MISC_ENABLE, VDEV_MSR_KIND_KEPT, VENDOR_INTEL},
        {VDEV_MSR_DEBUGCTL, VDEV_MSR_DEBUGCTL, VDEV_MSR_KIND_CONSTANT, VENDOR_ANY},
        {VDEV_MSR_MTRR_PHYS_FIRST, VDEV_MSR_MTRR_PHYS_LAST, VDEV_MSR_KIND_KEPT, VENDOR_ANY},
        {VDEV_MSR_MTRR_FIX_64K, VDEV_MSR_MTRR_FIX_64K, VDEV_MSR_KIND_KEPT, VENDOR_ANY},
        {VDEV_MSR_MTRR_FIX_16K_80000, VDEV_MSR_MTRR_FIX_16K_A0000, VDEV_MSR_KIND_KEPT, VENDOR_ANY},
        {VDEV_MSR_MTRR_FIX_4K_FIRST, VDEV_MSR_MTRR_FIX_4K_LAST, VDEV_MSR_KIND_KEPT, VENDOR_ANY},
        {VDEV_MSR_PAT, VDEV_MSR_PAT, VDEV_MSR_KIND_CONTEXT, VENDOR_ANY},
        {VDEV_MSR_MTRR_DEF_TYPE, VDEV_MSR_MTRR_DEF_TYPE, VDEV_MSR_KIND_KEPT, VENDOR_ANY},
        {VDEV_TSC_DEADLINE_MSR, VDEV_TSC_DEADLINE_MSR, VDEV_MSR_KIND_APIC, VENDOR_ANY},
        {VDEV_X2APIC_MSR_FIRST, VDEV_X2APIC_MSR_LAST, VDEV_MSR_KIND_APIC, VENDOR_ANY},
        {VDEV_MSR_EFER, VDEV_MSR_SFMASK, VDEV_MSR_KIND_CONTEXT, VENDOR_ANY},
        {VDEV_MSR_FS_BASE, VDEV_MSR_TSC_AUX, VDEV_MSR_KIND_CONTEXT, VENDOR_ANY},
        {VDEV_MSR_AMD_SYSCFG, VDEV_MSR_AMD_SYSCFG, VDEV_MSR_KIND_CONSTANT, VENDOR_AMD},
        {VDEV_MSR_AMD_HWCR, VDEV_MSR_AMD_HWCR, VDEV_MSR_KIND_CONSTANT, VENDOR_AMD},
        {VDEV_MSR_AMD_DE_CFG, VDEV_MSR_AMD_DE_CFG, VDEV_MSR_KIND_CONSTANT, VENDOR_AMD},
};

static bool vendor_has(const vdev_msr_config_t *config, uint8_t vendor)
{
    return vendor == VENDOR_ANY ||
           (vendor == VENDOR_INTEL && config->vendor == VDEV_VENDOR_INTEL) ||
           (vendor == VENDOR_AMD && config->vendor == VDEV_VENDOR_AMD);
}

vdev_msr_kind_t vdev_msr_kind(const vdev_msr_config_t *config, uint32_t index)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (index >= table[i].first && index <= table[i].last &&
            vendor_has(config, table[i].vendor)) {
            if (index == VDEV_MSR_TSC_AUX && !config->tsc_aux) {
                return VDEV_MSR_KIND_GP;
            }
            return (vdev_msr_kind_t)table[i].kind;
        }
    }
    return VDEV_MSR_KIND_GP;
}

void vdev_msr_state_init(vdev_msr_state_t *state)
{
    *state = (vdev_msr_state_t){0};
    state->misc_enable = MISC_ENABLE_RESET;
}

static bool canonical(uint64_t address)
{
    uint64_t top = address >> 47;

    return top == 0 || top == 0x1ffff;
}

static uint64_t phys_reserved(const vdev_msr_config_t *config)
{
    unsigned bits = config->phys_addr_bits;

    if (bits < 36 || bits > 52) {
        bits = 36;
    }
    return ~((1ull << bits) - 1);
}

static bool memory_type_valid(uint64_t type, unsigned types)
{
    return type < 8 && ((types >> type) & 1u);
}

static bool every_byte_valid(uint64_t value, unsigned types)
{
    for (unsigned i = 0; i < 8; i++) {
        if (!memory_type_valid((value >> (8 * i)) & 0xffu, types)) {
            return false;
        }
    }
    return true;
}

/* The slot of a fixed-range MTRR in vdev_msr_state_t.mtrr_fixed. */
static unsigned fixed_slot(uint32_t index)
{
    if (index == VDEV_MSR_MTRR_FIX_64K) {
        return 0;
    }
    if (index == VDEV_MSR_MTRR_FIX_16K_80000 || index == VDEV_MSR_MTRR_FIX_16K_A0000) {
        return 1 + index - VDEV_MSR_MTRR_FIX_16K_80000;
    }
    return 3 + index - VDEV_MSR_MTRR_FIX_4K_FIRST;
}

static uint64_t *kept(vdev_msr_state_t *state, uint32_t index)
{
    if (index == VDEV_MSR_MISC_ENABLE) {
        return &state->misc_enable;
    }
    if (index == VDEV_MSR_MTRR_DEF_TYPE) {
        return &state->mtrr_def_type;
    }
    if (index >= VDEV_MSR_MTRR_PHYS_FIRST && index <= VDEV_MSR_MTRR_PHYS_LAST) {
        return &state->mtrr_variable[index - VDEV_MSR_MTRR_PHYS_FIRST];
    }
    return &state->mtrr_fixed[fixed_slot(index)];
}

static uint64_t constant(uint32_t index)
{
    switch (index) {
    case VDEV_MSR_FEATURE_CONTROL:
        return FEATURE_CONTROL_LOCKED;
    case VDEV_MSR_MTRRCAP:
        return VDEV_MSR_MTRRCAP_VALUE;
    case VDEV_MSR_AMD_HWCR:
        return HWCR_TSC_FREQ_SEL;
    case VDEV_MSR_AMD_DE_CFG:
        return DE_CFG_LFENCE_SERIALIZE;
    default: /* platform ID, microcode revision, DEBUGCTL, SYSCFG */
        return 0;
    }
}

vdev_msr_result_t vdev_msr_read(const vdev_msr_config_t *config, vdev_msr_state_t *state,
                                vdev_lapic_t *lapic, uint32_t index, uint64_t *value, uint64_t now)
{
    *value = 0;
    switch (vdev_msr_kind(config, index)) {
    case VDEV_MSR_KIND_CONTEXT:
        return VDEV_MSR_CONTEXT;
    case VDEV_MSR_KIND_APIC:
        if (index == VDEV_APIC_BASE_MSR) {
            *value = vdev_lapic_base(lapic);
            return VDEV_MSR_OK;
        }
        return vdev_lapic_msr_read(lapic, index, value, now) ? VDEV_MSR_OK : VDEV_MSR_GP;
    case VDEV_MSR_KIND_KEPT:
        *value = *kept(state, index);
        return VDEV_MSR_OK;
    case VDEV_MSR_KIND_CONSTANT:
        *value = constant(index);
        return VDEV_MSR_OK;
    default:
        return VDEV_MSR_GP;
    }
}

/* Context registers: the value to load, or false for #GP. */
static bool check_context(const vdev_msr_config_t *config, const vdev_msr_cpu_t *cpu,
                          uint32_t index, uint64_t *value)
{
    uint64_t v = *value;
    uint64_t efer_writable = VDEV_EFER_SCE | VDEV_EFER_LME | VDEV_EFER_LMA;

    switch (index) {
    case VDEV_MSR_EFER:
        if (config->nx) {
            efer_writable |= VDEV_EFER_NXE;
        }
        if ((v & ~efer_writable) != 0 || (cpu->paging && ((v ^ cpu->efer) & VDEV_EFER_LME) != 0)) {
            return false;
        }
        *value = (v & ~VDEV_EFER_LMA) | (cpu->efer & VDEV_EFER_LMA);
        return true;
    case VDEV_MSR_PAT:
        return every_byte_valid(v, PAT_TYPES);
    case VDEV_MSR_SFMASK:
    case VDEV_MSR_TSC_AUX:
        return (v >> 32) == 0;
    case VDEV_MSR_SYSENTER_ESP:
    case VDEV_MSR_SYSENTER_EIP:
    case VDEV_MSR_LSTAR:
    case VDEV_MSR_CSTAR:
    case VDEV_MSR_FS_BASE:
    case VDEV_MSR_GS_BASE:
    case VDEV_MSR_KERNEL_GS_BASE:
        return canonical(v);
    default: /* TSC, SYSENTER_CS, STAR: any value */
        return true;
    }
}

static bool check_kept(const vdev_msr_config_t *config, uint32_t index, uint64_t value)
{
    uint64_t reserved = phys_reserved(config);

    if (index == VDEV_MSR_MISC_ENABLE) {
        return true; /* bits other than fast strings keep their value: see vdev_msr_write */
    }
    if (index == VDEV_MSR_MTRR_DEF_TYPE) {
        return (value & ~MTRR_DEF_WRITABLE) == 0 && memory_type_valid(value & 0xffu, MEMORY_TYPES);
    }
    if (index >= VDEV_MSR_MTRR_PHYS_FIRST && index <= VDEV_MSR_MTRR_PHYS_LAST) {
        if ((index & 1u) == 0) { /* PHYSBASE: type, address */
            return (value & (reserved | 0xf00u)) == 0 &&
                   memory_type_valid(value & 0xffu, MEMORY_TYPES);
        }
        return (value & (reserved | 0x7ffu)) == 0; /* PHYSMASK: valid bit, mask */
    }
    return every_byte_valid(value, MEMORY_TYPES); /* fixed ranges */
}

vdev_msr_result_t vdev_msr_write(const vdev_msr_config_t *config, vdev_msr_state_t *state,
                                 vdev_lapic_t *lapic, const vdev_msr_cpu_t *cpu, uint32_t index,
                                 uint64_t *value, uint64_t now)
{
    switch (vdev_msr_kind(config, index)) {
    case VDEV_MSR_KIND_CONTEXT:
        return check_context(config, cpu, index, value) ? VDEV_MSR_CONTEXT : VDEV_MSR_GP;
    case VDEV_MSR_KIND_APIC:
        if (index == VDEV_APIC_BASE_MSR) {
            return vdev_lapic_write_base(lapic, *value, now) ? VDEV_MSR_OK : VDEV_MSR_GP;
        }
        return vdev_lapic_msr_write(lapic, index, *value, now) ? VDEV_MSR_OK : VDEV_MSR_GP;
    case VDEV_MSR_KIND_KEPT:
        if (!check_kept(config, index, *value)) {
            return VDEV_MSR_GP;
        }
        if (index == VDEV_MSR_MISC_ENABLE) {
            state->misc_enable =
                    (state->misc_enable & ~MISC_ENABLE_WRITABLE) | (*value & MISC_ENABLE_WRITABLE);
        } else {
            *kept(state, index) = *value;
        }
        return VDEV_MSR_OK;
    case VDEV_MSR_KIND_CONSTANT:
        switch (index) {
        case VDEV_MSR_BIOS_SIGN_ID:
        case VDEV_MSR_AMD_HWCR:
        case VDEV_MSR_AMD_DE_CFG:
            return VDEV_MSR_OK; /* accepted, no effect */
        case VDEV_MSR_DEBUGCTL:
            return *value == 0 ? VDEV_MSR_OK : VDEV_MSR_GP;
        default: /* MTRRCAP, FEATURE_CONTROL (locked), platform ID, SYSCFG */
            return VDEV_MSR_GP;
        }
    default:
        return VDEV_MSR_GP;
    }
}
