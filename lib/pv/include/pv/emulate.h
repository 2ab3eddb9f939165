/*
 * Inside the PV vCPU (not for the VMM): the fault value every check step returns, the decoded
 * instruction being emulated, guest memory at CPL-checked virtual addresses, and the handlers of
 * each instruction family. A handler checks everything first (returning the fault the guest
 * gets, or what ends the VM) and only then changes the vCPU; it changes nothing on a fault.
 */
#ifndef PV_EMULATE_H
#define PV_EMULATE_H

#include <pv/cpu.h>
#include <pv/env.h>
#include <x86dec/x86dec.h>

/* Exception vectors (SDM Vol. 3A 6.3.1). */
#define PV_VEC_DE  0u
#define PV_VEC_DB  1u
#define PV_VEC_NMI 2u
#define PV_VEC_BP  3u
#define PV_VEC_OF  4u
#define PV_VEC_BR  5u
#define PV_VEC_UD  6u
#define PV_VEC_NM  7u
#define PV_VEC_DF  8u
#define PV_VEC_TS  10u
#define PV_VEC_NP  11u
#define PV_VEC_SS  12u
#define PV_VEC_GP  13u
#define PV_VEC_PF  14u
#define PV_VEC_MF  16u
#define PV_VEC_AC  17u
#define PV_VEC_MC  18u
#define PV_VEC_XM  19u
#define PV_VEC_CP  21u

typedef enum {
    PV_FAULT_NONE = 0,  /* nothing: the instruction completed */
    PV_FAULT_EXCEPTION, /* the guest gets `vector` (and error_code, cr2) */
    PV_FAULT_END,       /* the VM ends (reason, what, address) */
} pv_fault_kind_t;

/* How an event reached the guest (SDM Vol. 3A 6.4, 6.13: DPL checks and the EXT bit). */
typedef enum {
    PV_SOURCE_EXCEPTION = 0, /* detected by the processor: no DPL check */
    PV_SOURCE_SOFTWARE,      /* INT n, INT3, INTO: the gate's DPL must be >= CPL */
    PV_SOURCE_EXTERNAL,      /* an interrupt or NMI: EXT set in errors during delivery */
} pv_source_t;

typedef struct pv_fault {
    pv_fault_kind_t kind;
    pv_source_t source;
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
    uint64_t cr2;        /* #PF */
    bool trap;           /* INT n, INT3, INTO: the frame holds return_rip; a fault while
                            delivering it names the instruction itself (cpu->rip) */
    uint64_t return_rip; /* with trap: the next instruction */
    pv_end_reason_t end; /* PV_FAULT_END */
    const char *what;    /* PV_FAULT_END */
    uint64_t address;    /* PV_FAULT_END */
} pv_fault_t;

static inline pv_fault_t pv_fault_none(void)
{
    return (pv_fault_t){.kind = PV_FAULT_NONE};
}

static inline pv_fault_t pv_fault_exception(unsigned vector)
{
    return (pv_fault_t){.kind = PV_FAULT_EXCEPTION, .vector = (uint8_t)vector};
}

static inline pv_fault_t pv_fault_with_code(unsigned vector, uint32_t error_code)
{
    return (pv_fault_t){.kind = PV_FAULT_EXCEPTION,
                        .vector = (uint8_t)vector,
                        .has_error_code = true,
                        .error_code = error_code};
}

static inline pv_fault_t pv_fault_gp(uint32_t error_code)
{
    return pv_fault_with_code(PV_VEC_GP, error_code);
}

static inline pv_fault_t pv_fault_ud(void)
{
    return pv_fault_exception(PV_VEC_UD);
}

static inline pv_fault_t pv_fault_pf(uint64_t address, uint32_t error_code)
{
    pv_fault_t fault = pv_fault_with_code(PV_VEC_PF, error_code);

    fault.cr2 = address;
    return fault;
}

static inline pv_fault_t pv_fault_end(pv_end_reason_t reason, const char *what, uint64_t address)
{
    return (pv_fault_t){.kind = PV_FAULT_END, .end = reason, .what = what, .address = address};
}

static inline bool pv_fault_is_none(const pv_fault_t *fault)
{
    return fault->kind == PV_FAULT_NONE;
}

/* ---- guest memory at virtual addresses (pv_virt_* with the vCPU's paging and CPL) ---- */

/* Kinds of access for pv_emu_read/pv_emu_write. */
#define PV_EMU_DATA   0u /* an explicit access at the vCPU's CPL (SMAP honours RFLAGS.AC) */
#define PV_EMU_SYSTEM 1u /* an implicit supervisor access: GDT, IDT, TSS, delivery stacks */
#define PV_EMU_FETCH  2u /* an instruction fetch at the vCPU's CPL */

/*
 * Reads or writes guest memory at a linear address. A #PF, a non-canonical address (#GP(0), or
 * #SS(0) when stack is set) or memory that is not RAM (the VM ends) comes back as the fault;
 * a write that faults stores nothing.
 */
pv_fault_t pv_emu_read(const pv_cpu_t *cpu, const pv_env_t *env, uint64_t address, void *out,
                       size_t length, unsigned kind, bool stack);
pv_fault_t pv_emu_write(const pv_cpu_t *cpu, const pv_env_t *env, uint64_t address,
                        const void *data, size_t length, unsigned kind, bool stack);

/* The checks of pv_emu_write without the store (nothing changes, no accessed bit is set). */
pv_fault_t pv_emu_probe_write(const pv_cpu_t *cpu, const pv_env_t *env, uint64_t address,
                              size_t length, unsigned kind, bool stack);

/* Whether an address is valid in the vCPU's mode (canonical in IA-32e mode, below 4 GiB in
 * 32-bit code: the VMM runs 32-bit code with flat segments only). */
bool pv_emu_address_valid(const pv_cpu_t *cpu, uint64_t address);

/* ---- the instruction being emulated ---- */

/* Mnemonic classes of 32-bit-only instructions (pv_emu_decode32), after x86dec's. */
enum {
    PV_EMU_MN_PUSH_SREG = X86DEC_MN_COUNT + 64, /* 06 0E 16 1E: PUSH ES/CS/SS/DS */
    PV_EMU_MN_LES,                              /* C4 /r, memory form */
    PV_EMU_MN_LDS,                              /* C5 /r, memory form */
};

typedef struct pv_emu {
    pv_cpu_t *cpu;
    const pv_env_t *env;
    x86dec_insn_t insn;
    uint64_t next_rip; /* the instruction's end */
    bool halt;         /* set by HLT: the outcome is HALT unless an interrupt is injected */
} pv_emu_t;

/* Decodes 32-bit code (protected or compatibility mode) into the x86dec form: the subset of
 * instructions the VMM emulates there (docs/pv-vcpu.md lists it); others are INVALID. */
x86dec_status_t pv_emu_decode32(const uint8_t *code, size_t size, x86dec_insn_t *insn);

/* The linear address of memory operand `operand`; faults when it is not valid. */
pv_fault_t pv_emu_operand_address(const pv_emu_t *emu, unsigned operand, uint64_t *address);

/* A GPR operand's value at a size (1, 2, 4 or 8; AH..BH included) and a write with the
 * architectural rules (32-bit writes zero the upper half, 8/16-bit writes merge). */
uint64_t pv_emu_gpr_read(const pv_cpu_t *cpu, x86dec_reg_t reg, unsigned size);
void pv_emu_gpr_write(pv_cpu_t *cpu, x86dec_reg_t reg, unsigned size, uint64_t value);

/* Reads a register-or-memory source operand (16-bit memory forms and the like). */
pv_fault_t pv_emu_operand_read(const pv_emu_t *emu, unsigned operand, unsigned size,
                               uint64_t *value);

/* The stack: push or pop `size` bytes at RSP (64-bit mode: RSP; 32-bit code: ESP). The push
 * writes only; the caller commits the new RSP (returned in *rsp). */
pv_fault_t pv_emu_push(const pv_emu_t *emu, uint64_t value, unsigned size, uint64_t *rsp);
pv_fault_t pv_emu_pop(const pv_emu_t *emu, uint64_t rsp_in, unsigned size, uint64_t *value,
                      uint64_t *rsp_out);

/* RFLAGS.AC was changed by an emulated instruction: tells the software TLB under SMAP. */
void pv_emu_ac_update(pv_cpu_t *cpu, const pv_env_t *env, uint64_t old_rflags);

/* ---- the handlers (emulate_*.c); each returns the fault, and on none has set next RIP ---- */

pv_fault_t pv_emulate_flags(pv_emu_t *emu); /* CLI STI PUSHF POPF HLT CLAC STAC */
pv_fault_t pv_emulate_io(pv_emu_t *emu);    /* IN OUT INS OUTS */
pv_fault_t pv_emulate_cr(pv_emu_t *emu);    /* MOV CR, MOV DR, CLTS, LMSW, SMSW */
pv_fault_t pv_emulate_msr(pv_emu_t *emu);   /* RDMSR WRMSR CPUID RDTSCP RDPID XGETBV XSETBV */
pv_fault_t
pv_emulate_table(pv_emu_t *emu); /* LGDT LIDT SGDT SIDT LLDT SLDT LTR STR LAR LSL VERR VERW */
pv_fault_t
pv_emulate_segment(pv_emu_t *emu);        /* MOV sreg, POP/PUSH FS/GS, LxS, FS/GS base, SWAPGS */
pv_fault_t pv_emulate_far(pv_emu_t *emu); /* far JMP/CALL/RET, IRET */
pv_fault_t
pv_emulate_system(pv_emu_t *emu); /* SYSRET INT n INT3 INTO VMCALL INVLPG INVPCID WBINVD */

/* The host's #NM, as the guest's CR0.EM, MP and TS decide (emulate_fpu.c): the guest's #NM or
 * #UD, or WAIT run. */
pv_fault_t pv_emulate_device_not_available(pv_cpu_t *cpu, const pv_env_t *env);

/* SYSCALL (reached through UnknownSyscall, RIP already past it). */
pv_fault_t pv_emulate_syscall(pv_cpu_t *cpu, const pv_env_t *env);

/* Fetches (or takes `original`) and decodes the instruction at RIP into emu->insn and sets
 * emu->next_rip; *status is the decoder's answer. A fault is the fetch's #PF or #GP. */
pv_fault_t pv_emu_fetch_decode(pv_emu_t *emu, const uint8_t *original, size_t length,
                               x86dec_status_t *status);

/*
 * Fetches the instruction at RIP through the guest's page tables (or takes `original`, the
 * bytes of a patched site, when not NULL), decodes it for the vCPU's mode and emulates it when
 * it is one of the families above (*handled). On success RIP is past it (or at the target of a
 * control transfer); a fault leaves the vCPU as it was; a trap-like fault (INT n)
 * has RIP past the instruction.
 */
pv_fault_t pv_emulate_at(pv_emu_t *emu, const uint8_t *original, size_t length, bool *handled);

/* A data access that reached MMIO at guest-physical `target` (emulate_mmio.c). */
pv_fault_t pv_emulate_mmio(pv_cpu_t *cpu, const pv_env_t *env, uint64_t address, gpa_t target);

/* Every handler's privilege question: CPL 0, else #GP(0). */
static inline pv_fault_t pv_emu_require_cpl0(const pv_cpu_t *cpu)
{
    return cpu->cpl == 0 ? pv_fault_none() : pv_fault_gp(0);
}

#endif
