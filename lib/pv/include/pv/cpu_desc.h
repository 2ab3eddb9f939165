/*
 * Inside the PV vCPU: segment and gate descriptors of the guest's GDT, LDT and IDT, read through
 * the guest's page tables and decoded by accessors (SDM Vol. 3A 3.4.5, 3.5, 6.14.1; APM Vol. 2
 * 4.7-4.8), and the checks of every selector load (SDM Vol. 2 MOV, POP, LSS, far JMP/CALL/RET,
 * IRET). Checks have no side effects; they return the fault a processor would raise.
 */
#ifndef PV_CPU_DESC_H
#define PV_CPU_DESC_H

#include <pv/emulate.h>

/* A descriptor as it lies in the table: 8 bytes, 16 for system descriptors in IA-32e mode. */
typedef struct pv_descriptor {
    uint64_t low;
    uint64_t high;
} pv_descriptor_t;

/* Selector fields. */
#define PV_SELECTOR_RPL   3u
#define PV_SELECTOR_TI    4u
#define PV_SELECTOR_INDEX 0xfff8u

/* The error code a fault names a selector with (RPL bits become IDT = 0, EXT = 0). */
static inline uint32_t pv_selector_error(uint16_t selector)
{
    return selector & 0xfffcu;
}

static inline bool pv_selector_is_null(uint16_t selector)
{
    return (selector & 0xfffcu) == 0;
}

/* Descriptor fields (the low 8 bytes). */
static inline unsigned pv_desc_type(uint64_t low)
{
    return (unsigned)(low >> 40) & 0xfu;
}

static inline bool pv_desc_is_code_data(uint64_t low)
{
    return (low >> 44 & 1u) != 0;
}

static inline unsigned pv_desc_dpl(uint64_t low)
{
    return (unsigned)(low >> 45) & 3u;
}

static inline bool pv_desc_present(uint64_t low)
{
    return (low >> 47 & 1u) != 0;
}

static inline bool pv_desc_long(uint64_t low)
{
    return (low >> 53 & 1u) != 0;
}

static inline bool pv_desc_default_big(uint64_t low)
{
    return (low >> 54 & 1u) != 0;
}

static inline bool pv_desc_granular(uint64_t low)
{
    return (low >> 55 & 1u) != 0;
}

static inline uint64_t pv_desc_base32(uint64_t low)
{
    return (low >> 16 & 0xffffffull) | (low >> 32 & 0xff000000ull);
}

/* The limit in bytes, granularity applied. */
static inline uint32_t pv_desc_limit(uint64_t low)
{
    uint32_t raw = (uint32_t)(low & 0xffffu) | (uint32_t)(low >> 32 & 0xf0000u);

    return pv_desc_granular(low) ? (raw << 12) | 0xfffu : raw;
}

/* The base of a 16-byte system descriptor (LDT, TSS). */
static inline uint64_t pv_desc_base64(const pv_descriptor_t *desc)
{
    return pv_desc_base32(desc->low) | (desc->high << 32);
}

/* The VMX-layout attributes of a descriptor (pv_segment_t.attributes). */
static inline uint32_t pv_desc_attributes(uint64_t low)
{
    return (uint32_t)(low >> 40 & 0xffu) | (uint32_t)(low >> 40 & 0xf000u);
}

/* System descriptor types in IA-32e mode (SDM Vol. 3A Table 3-2). */
#define PV_SYS_LDT           0x2u
#define PV_SYS_TSS_AVAILABLE 0x9u
#define PV_SYS_TSS_BUSY      0xbu
#define PV_SYS_CALL_GATE     0xcu
#define PV_SYS_INTR_GATE     0xeu
#define PV_SYS_TRAP_GATE     0xfu

/* Code and data type questions. */
static inline bool pv_desc_is_code(uint64_t low)
{
    return pv_desc_is_code_data(low) && (pv_desc_type(low) & PV_SEG_TYPE_CODE) != 0;
}

static inline bool pv_desc_is_conforming_code(uint64_t low)
{
    return pv_desc_is_code(low) && (pv_desc_type(low) & PV_SEG_TYPE_CONFORMING) != 0;
}

static inline bool pv_desc_is_writable_data(uint64_t low)
{
    return pv_desc_is_code_data(low) && (pv_desc_type(low) & PV_SEG_TYPE_CODE) == 0 &&
           (pv_desc_type(low) & PV_SEG_TYPE_WRITABLE) != 0;
}

static inline bool pv_desc_is_readable(uint64_t low)
{
    return pv_desc_is_code_data(low) && ((pv_desc_type(low) & PV_SEG_TYPE_CODE) == 0 ||
                                         (pv_desc_type(low) & PV_SEG_TYPE_READABLE) != 0);
}

/*
 * Reads the descriptor a non-null selector names from the GDT or the LDT (16 bytes when
 * `system` in IA-32e mode). An index past the table's limit (or TI = 1 with no LDT) is
 * #GP(selector | ext); a #PF reading the table is the #PF.
 */
pv_fault_t pv_desc_read(const pv_cpu_t *cpu, const pv_env_t *env, uint16_t selector, bool system,
                        bool ext, pv_descriptor_t *out);

/* The cache a selector load makes (pv_segment_t) from its descriptor. */
pv_segment_t pv_segment_from_descriptor(uint16_t selector, uint64_t low);

/* A null selector's cache (unusable; SS keeps its RPL as the CPL). */
pv_segment_t pv_segment_null(uint16_t selector);

/*
 * The checks of a selector load into DS, ES, FS or GS (MOV, POP, LDS/LES/LFS/LGS), SDM Vol. 2
 * MOV "Operation": null loads, readable, DPL >= max(CPL, RPL) unless conforming code, present
 * (#NP). On success *out is the cache to load.
 */
pv_fault_t pv_segment_check_data(const pv_cpu_t *cpu, const pv_env_t *env, uint16_t selector,
                                 pv_segment_t *out);

/* The same for SS at privilege level `cpl` (MOV SS, POP SS, LSS, and IRET/RET to cpl). */
pv_fault_t pv_segment_check_stack(const pv_cpu_t *cpu, const pv_env_t *env, uint16_t selector,
                                  unsigned cpl, pv_segment_t *out);

/* Loads a checked cache into a segment register (FS/GS bases: 32-bit from the descriptor, and
 * a null load follows the vendor: Intel clears the base, AMD keeps it). */
void pv_segment_load(pv_cpu_t *cpu, pv_seg_t seg, const pv_segment_t *cache);

/* The mode a code segment's cache selects (L and D in IA-32e mode, or D in legacy mode); false
 * for 16-bit code (not offered: the host has no 16-bit code segment). */
bool pv_segment_code_mode(const pv_cpu_t *cpu, const pv_segment_t *cs, pv_mode_t *mode);

/* After a return to an outer level (IRET, far RET): data segments the new CPL may not use
 * become null (SDM Vol. 2 IRET, RET "RETURN-TO-OUTER-PRIVILEGE-LEVEL"). */
void pv_segment_drop_inner(pv_cpu_t *cpu);

/* LAR, LSL, VERR, VERW: whether the selector passes and, for LAR/LSL, the value. */
bool pv_segment_probe(const pv_cpu_t *cpu, const pv_env_t *env, unsigned mnemonic,
                      uint16_t selector, uint64_t *value, pv_fault_t *fault);

#endif
