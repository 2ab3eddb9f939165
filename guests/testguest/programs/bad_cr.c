/*
 * bad-cr (hostile): control-register and EFER values the processor refuses, written from ring
 * 0. Each must be #GP(0) at the writing instruction with the register unchanged (SDM Vol. 3A
 * 2.5 and MOV CR, WRMSR in Vol. 2); a VMM that emulated the write would have to refuse it the
 * same way, and must never pass such a value to its CPU.
 */
#include "check.h"
#include "cpu.h"
#include "programs.h"
#include "traps.h"
#include "vectors.h"

#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)

void probe_write_cr0(uint64_t);
void probe_write_cr4(uint64_t);
void probe_wrmsr(uint64_t);
extern char probe_write_cr0_insn[], probe_write_cr4_insn[], probe_wrmsr_insn[];

typedef struct msr_write {
    uint64_t index;
    uint64_t value;
} msr_write_t;

typedef struct reg {
    const char *name;
    void (*probe)(uint64_t);
    const char *insn;
    uint64_t (*read)(void);
    void (*restore)(uint64_t);
} reg_t;

static uint64_t cr0_now(void)
{
    return read_cr0();
}

static uint64_t cr4_now(void)
{
    return read_cr4();
}

static uint64_t efer_now(void)
{
    return rdmsr(MSR_EFER);
}

static void cr0_restore(uint64_t value)
{
    write_cr0(value);
}

static void cr4_restore(uint64_t value)
{
    write_cr4(value);
}

static void efer_restore(uint64_t value)
{
    wrmsr(MSR_EFER, value);
}

static void efer_probe(uint64_t value)
{
    msr_write_t write = {MSR_EFER, value};
    probe_wrmsr((uint64_t)(uintptr_t)&write);
}

static const reg_t cr0 = {"CR0", probe_write_cr0, probe_write_cr0_insn, cr0_now, cr0_restore};
static const reg_t cr4 = {"CR4", probe_write_cr4, probe_write_cr4_insn, cr4_now, cr4_restore};
static const reg_t efer = {"EFER", efer_probe, probe_wrmsr_insn, efer_now, efer_restore};

/* One refused write: #GP(0) at the instruction, nothing changed. A write that was taken is
 * undone, so that the cases after it start from the same state. */
static void refused(const reg_t *reg, uint64_t value, const char *what)
{
    uint64_t before = reg->read();
    trap_record_t r = {0};
    bool faulted = trap_probe(reg->probe, value, &r);
    uint64_t after = reg->read();

    check(faulted && r.vector == VECTOR_GP && r.error_code == 0 &&
                  r.rip == (uint64_t)(uintptr_t)reg->insn,
          "%s %s: #GP(0) at the instruction", reg->name, what);
    check_eq(after, before, "%s %s: the register unchanged", reg->name, what);
    if (!faulted || after != before) {
        reg->restore(before);
    }
}

/* QEMU 7.2's TCG takes every one of these writes (and hangs on a reserved CR4 bit): it is
 * recognised by its hypervisor signature, and Bochs is this program's bare reference. */
static bool on_qemu_tcg(void)
{
    cpuid_regs_t r = cpuid(0x40000000u, 0);
    return r.ebx == 0x54474354u && r.ecx == 0x43544743u && r.edx == 0x47435447u; /* TCGTCGTCGTCG */
}

void program_hostile_bad_cr(void)
{
    if (on_qemu_tcg()) {
        skip("every case: QEMU 7.2 TCG takes invalid CR0, CR4 and EFER values: Bochs is the "
             "reference");
        return;
    }
    uint64_t c0 = read_cr0();
    uint64_t c4 = read_cr4();
    uint64_t e = rdmsr(MSR_EFER);

    refused(&efer, e | (1ull << 3), "with reserved bit 3");
    refused(&efer, e | (1ull << 32), "with reserved bit 32");
    refused(&efer, e & ~EFER_LME, "with LME cleared while paging is on");
    refused(&cr0, c0 & ~CR0_PE, "with PG set and PE clear");
    refused(&cr0, (c0 | CR0_NW) & ~CR0_CD, "with NW set and CD clear");
    refused(&cr0, c0 | (1ull << 32), "with bit 32 set");
    refused(&cr0, c0 | (1ull << 63), "with bit 63 set");
    refused(&cr4, c4 | (1ull << 28), "with reserved bit 28");
    refused(&cr4, c4 | (1ull << 63), "with reserved bit 63");
    if (cpuid(1, 0).ecx & (1u << 5)) {
        skip("CR4.VMXE: CPUID offers VMX");
    } else {
        refused(&cr4, c4 | (1ull << 13), "with VMXE where CPUID has no VMX");
    }
    refused(&cr4, c4 & ~CR4_PAE, "with PAE cleared in long mode");
}
