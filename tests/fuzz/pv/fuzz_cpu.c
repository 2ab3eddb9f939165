/*
 * libFuzzer harness for the PV vCPU: a random vCPU state (mode, CPL, flags, control registers,
 * registers biased to interesting addresses), random instruction bytes at RIP, random patches of
 * the guest's GDT, IDT, TSS and page tables, and one event of a random kind. Guest RAM is one
 * heap block of exactly its size, so any access outside it is an ASan report. After each event
 * the outcome and the vCPU must satisfy the invariants the VMM relies on. The 32-bit decoder is
 * fed the raw input as well.
 */
#include "cpu_harness.h"

#include <pv/emulate.h>
#include <stdlib.h>
#include <string.h>

/* Only the first 2 MiB can change: the 2 MiB pages above are made read-only, so a run restores
 * just this much and stays reproducible. */
#define LOW_RAM 0x200000u

typedef struct fuzz_input {
    const uint8_t *data;
    size_t size;
    size_t at;
} fuzz_input_t;

static uint8_t take8(fuzz_input_t *in)
{
    return in->at < in->size ? in->data[in->at++] : 0;
}

static uint64_t take64(fuzz_input_t *in)
{
    uint64_t value = 0;

    for (unsigned i = 0; i < 8; i++) {
        value |= (uint64_t)take8(in) << (8 * i);
    }
    return value;
}

/* A register value: mostly addresses the machine has, at and across their edges. */
static uint64_t interesting(fuzz_input_t *in)
{
    static const uint64_t values[] = {
            0,
            CPU_DATA,
            CPU_DATA + 0xff8,
            CPU_KSTACK_TOP - 0x100,
            CPU_USTACK_TOP - 8,
            CPU_RAM_SIZE - 8,
            CPU_RAM_SIZE,
            CPU_MMIO,
            0x30ff8,
            0x00007ffffffffff8ull,
            0x0000800000000000ull,
            0xffff800000000000ull,
            0xfffffffffffffff8ull,
            0xffffffffull,
            CPU_SEL_KDATA,
            CPU_SEL_UDATA | 3,
    };
    uint8_t pick = take8(in);

    if (pick < 2 * sizeof(values) / sizeof(values[0])) {
        return values[pick / 2] + (pick & 1 ? take8(in) : 0);
    }
    return take64(in);
}

/* Patches of the structures the vCPU reads: GDT entries, IDT gates, TSS words, PTEs, anywhere. */
static void patch_memory(cpu_test_t *t, fuzz_input_t *in)
{
    unsigned count = take8(in) % 8;

    for (unsigned i = 0; i < count; i++) {
        uint8_t where = take8(in);
        uint64_t value = take64(in);
        uint64_t address;

        switch (where % 5) {
        case 0:
            address = CPU_GDT + (take8(in) % 32) * 8;
            break;
        case 1:
            address = CPU_IDT + take8(in) * 16u + (take8(in) & 8);
            break;
        case 2:
            address = CPU_TSS + (take8(in) % 13) * 8;
            break;
        case 3:
            address = CPU_PT + (take8(in) % 512) * 8u;
            break;
        default:
            address = (take64(in) % (LOW_RAM / 8)) * 8;
            break;
        }
        cpu_test_put64(t, address, value);
    }
}

static void set_state(cpu_test_t *t, fuzz_input_t *in)
{
    pv_cpu_t *cpu = &t->cpu;
    uint8_t shape = take8(in);

    if ((shape & 3) == 1) {
        pv_cpu_boot_pvh(cpu, CPU_KCODE, 0x5000);
    } else if ((shape & 3) == 2) {
        cpu_test_enter_user(t);
    } else if ((shape & 3) == 3) {
        cpu->mode = PV_MODE_COMPAT;
        cpu->seg[PV_SEG_CS].attributes &= ~PV_SEG_ATTR_L;
        cpu->seg[PV_SEG_CS].attributes |= PV_SEG_ATTR_DB;
    }
    cpu->rflags ^= (uint64_t)take8(in) << 8 &
                   (PV_RFLAGS_TF | PV_RFLAGS_IF | PV_RFLAGS_DF | PV_RFLAGS_IOPL | PV_RFLAGS_NT);
    cpu->rflags ^= (shape & 4) != 0 ? PV_RFLAGS_AC : 0;
    cpu->cr4 ^= (shape & 8) != 0 ? PV_CR4_SMAP | PV_CR4_SMEP : 0;
    cpu->cr4 ^= (shape & 16) != 0 ? PV_CR4_UMIP | PV_CR4_FSGSBASE | PV_CR4_OSXSAVE : 0;
    cpu->efer ^= (shape & 32) != 0 ? PV_EFER_SCE : 0;
    cpu->config.vendor = (shape & 64) != 0 ? PV_VENDOR_AMD : PV_VENDOR_INTEL;
    cpu->config.max_rep = 1 + take8(in) % 64;
    for (unsigned i = 0; i < 16; i++) {
        if (i != 4 || (take8(in) & 1) != 0) {
            cpu->gpr[i] = interesting(in);
        }
    }
    cpu->star = take64(in);
    cpu->idtr.limit = (shape & 128) != 0 ? take8(in) * 16u : 0xfff;
    if (cpu->mode != PV_MODE_LONG) {
        cpu->gpr[4] &= 0xffffffffull;
    }
}

/* What the VMM relies on after any event. */
static void check(const cpu_test_t *t, pv_outcome_kind_t kind, const pv_outcome_t *out)
{
    const pv_cpu_t *cpu = &t->cpu;

    if (kind != out->kind || kind > PV_OUTCOME_END) {
        abort();
    }
    if (kind == PV_OUTCOME_END) {
        if (out->reason == PV_END_NONE || out->report.what == NULL) {
            abort();
        }
        return;
    }
    if (out->code_segment != pv_cpu_code_segment(cpu) || out->view != pv_cpu_view(cpu) ||
        (kind == PV_OUTCOME_HALT) != cpu->halted || cpu->cpl > 3) {
        abort();
    }
    if (cpu->mode == PV_MODE_LONG) {
        if (!pv_canonical(cpu->rip) || !pv_canonical(cpu->gpr[4]) ||
            (cpu->efer & PV_EFER_LMA) == 0 ||
            (cpu->seg[PV_SEG_CS].attributes & PV_SEG_ATTR_L) == 0) {
            abort();
        }
    } else if (cpu->rip > 0xffffffffull) {
        abort();
    }
    if (cpu->mode == PV_MODE_PROTECTED32 && (cpu->efer & PV_EFER_LMA) != 0) {
        abort();
    }
    if ((cpu->cr0 & (PV_CR0_PE | PV_CR0_ET)) != (PV_CR0_PE | PV_CR0_ET) ||
        (cpu->rflags & PV_RFLAGS_FIXED) == 0 || (cpu->rflags & PV_RFLAGS_VM) != 0) {
        abort();
    }
    seL4_UserContext regs;
    pv_cpu_store_registers(cpu, &regs);
    if ((regs.rflags & ~(uint64_t)seL4_RFLAGS_UserMask) != (PV_RFLAGS_FIXED | PV_RFLAGS_IF)) {
        abort();
    }
}

/* The event's kind and instruction bytes come first in the input, so short inputs reach them. */
typedef struct fuzz_event {
    uint8_t kind;
    uint8_t code[X86DEC_MAX_LENGTH];
} fuzz_event_t;

static fuzz_event_t take_event(fuzz_input_t *in)
{
    fuzz_event_t event;

    event.kind = take8(in);
    for (unsigned i = 0; i < sizeof(event.code); i++) {
        event.code[i] = take8(in);
    }
    return event;
}

static pv_outcome_kind_t run_event(cpu_test_t *t, const fuzz_event_t *event, fuzz_input_t *in,
                                   pv_outcome_t *out)
{
    uint64_t code_address = t->cpu.rip;

    if (code_address <= LOW_RAM - sizeof(event->code)) {
        cpu_test_put(t, code_address, event->code, sizeof(event->code));
    }
    t->intr_kind = (pv_intr_kind_t)(take8(in) % 4);
    t->intr_vector = take8(in);
    t->hypercall_result = (pv_hypercall_result_t){(event->kind & 0x80) != 0, take8(in)};
    switch (event->kind % 8) {
    case 0:
        return pv_cpu_handle_exception(&t->cpu, &t->env, 13, take8(in), out);
    case 1:
        return pv_cpu_handle_exception(&t->cpu, &t->env, 6, 0, out);
    case 2:
        return pv_cpu_handle_exception(&t->cpu, &t->env, take8(in) % 32, take8(in), out);
    case 3:
        return pv_cpu_handle_page_fault(&t->cpu, &t->env, interesting(in), take8(in) & 0x1f, out);
    case 4:
        return pv_cpu_handle_syscall(&t->cpu, &t->env, out);
    case 5:
        return pv_cpu_handle_patch_site(&t->cpu, &t->env, code_address, event->code,
                                        1 + take8(in) % X86DEC_MAX_LENGTH, out);
    case 6:
        return pv_cpu_handle_mmio(&t->cpu, &t->env, interesting(in), gpa(CPU_MMIO), out);
    default:
        return pv_cpu_inject(&t->cpu, &t->env, out);
    }
}

static void fuzz_decode32(const uint8_t *data, size_t size)
{
    x86dec_insn_t insn;

    if (pv_emu_decode32(data, size, &insn) == X86DEC_OK &&
        (insn.length == 0 || insn.length > size || insn.length > X86DEC_MAX_LENGTH ||
         insn.operand_count > X86DEC_MAX_OPERANDS)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cpu_test_t *t;
    static uint8_t *pristine;
    static pv_cpu_t pristine_cpu;
    fuzz_input_t in = {data, size, 0};
    fuzz_event_t event;
    pv_outcome_t out;

    if (t == NULL) {
        t = cpu_test_new();
        for (uint64_t i = 1; i < 4; i++) {
            cpu_test_put64(t, CPU_PD + i * 8, (i << 21) | CPU_PTE_P | CPU_PTE_PS);
        }
        pristine = malloc(LOW_RAM);
        if (pristine == NULL) {
            abort();
        }
        memcpy(pristine, t->ram, LOW_RAM);
        pristine_cpu = t->cpu;
    }
    memcpy(t->ram, pristine, LOW_RAM);
    t->cpu = pristine_cpu;
    fuzz_decode32(data, size);
    event = take_event(&in);
    set_state(t, &in);
    patch_memory(t, &in);
    /* Up to three events in a row, so that the state one leaves is the next one's input. */
    for (unsigned i = 0; i < 3; i++) {
        pv_outcome_kind_t kind = run_event(t, &event, &in, &out);

        check(t, kind, &out);
        if (kind == PV_OUTCOME_END || in.at >= in.size) {
            break;
        }
        event = take_event(&in);
    }
    return 0;
}
