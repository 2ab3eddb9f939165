/*
 * The emulation dispatcher: fetches the instruction at the guest's RIP through its page tables
 * (or takes a patched site's original bytes), decodes it for the guest's mode and vendor, and
 * hands it to the family's handler. It never emulates what it does not recognise: the caller
 * then reflects the exception the host reported.
 */
#include <pv/emulate.h>

#define PAGE_SIZE 4096u

/* Reads up to 15 bytes at RIP; a fault on a second page matters only if the instruction
 * reaches into it (then it is the fetch's #PF). */
static pv_fault_t fetch(const pv_emu_t *emu, uint8_t *bytes, size_t *size, pv_fault_t *second)
{
    const pv_cpu_t *cpu = emu->cpu;
    uint64_t rip = cpu->rip;
    size_t first = PAGE_SIZE - (size_t)(rip & (PAGE_SIZE - 1));
    pv_fault_t fault;

    *second = pv_fault_none();
    *size = 0;
    if (first > X86DEC_MAX_LENGTH) {
        first = X86DEC_MAX_LENGTH;
    }
    fault = pv_emu_read(cpu, emu->env, rip, bytes, first, PV_EMU_FETCH, false);
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    *size = first;
    if (first < X86DEC_MAX_LENGTH) {
        *second = pv_emu_read(cpu, emu->env, rip + first, bytes + first, X86DEC_MAX_LENGTH - first,
                              PV_EMU_FETCH, false);
        if (pv_fault_is_none(second)) {
            *size = X86DEC_MAX_LENGTH;
        }
    }
    return pv_fault_none();
}

static x86dec_status_t decode(const pv_cpu_t *cpu, const uint8_t *bytes, size_t size,
                              x86dec_insn_t *insn)
{
    x86dec_options_t options = {
            .vendor = cpu->config.vendor == PV_VENDOR_AMD ? X86DEC_VENDOR_AMD : X86DEC_VENDOR_INTEL,
            .flags = X86DEC_OPT_NO_MPX,
    };

    if (cpu->mode == PV_MODE_LONG) {
        return x86dec_decode_with(bytes, size, &options, insn);
    }
    return pv_emu_decode32(bytes, size, insn);
}

/* PUSH FS and PUSH GS have no mnemonic class of their own. */
static bool is_push_fs_gs(const x86dec_insn_t *insn)
{
    return insn->map == X86DEC_MAP_0F && (insn->opcode == 0xa0 || insn->opcode == 0xa8) &&
           insn->encoding == X86DEC_ENC_LEGACY;
}

typedef pv_fault_t (*family_handler_t)(pv_emu_t *emu);

static family_handler_t family_of(const x86dec_insn_t *insn)
{
    switch (insn->mnemonic) {
    case X86DEC_MN_CLI:
    case X86DEC_MN_STI:
    case X86DEC_MN_PUSHF:
    case X86DEC_MN_POPF:
    case X86DEC_MN_HLT:
    case X86DEC_MN_CLAC:
    case X86DEC_MN_STAC:
        return pv_emulate_flags;
    case X86DEC_MN_IN:
    case X86DEC_MN_OUT:
    case X86DEC_MN_INS:
    case X86DEC_MN_OUTS:
        return pv_emulate_io;
    case X86DEC_MN_MOV_FROM_CR:
    case X86DEC_MN_MOV_TO_CR:
    case X86DEC_MN_MOV_FROM_DR:
    case X86DEC_MN_MOV_TO_DR:
    case X86DEC_MN_CLTS:
    case X86DEC_MN_LMSW:
    case X86DEC_MN_SMSW:
        return pv_emulate_cr;
    case X86DEC_MN_RDMSR:
    case X86DEC_MN_WRMSR:
    case X86DEC_MN_CPUID:
    case X86DEC_MN_RDTSC:
    case X86DEC_MN_RDTSCP:
    case X86DEC_MN_RDPID:
    case X86DEC_MN_XGETBV:
    case X86DEC_MN_XSETBV:
        return pv_emulate_msr;
    case X86DEC_MN_LGDT:
    case X86DEC_MN_LIDT:
    case X86DEC_MN_SGDT:
    case X86DEC_MN_SIDT:
    case X86DEC_MN_LLDT:
    case X86DEC_MN_SLDT:
    case X86DEC_MN_LTR:
    case X86DEC_MN_STR:
    case X86DEC_MN_LAR:
    case X86DEC_MN_LSL:
    case X86DEC_MN_VERR:
    case X86DEC_MN_VERW:
        return pv_emulate_table;
    case X86DEC_MN_MOV_FROM_SREG:
    case X86DEC_MN_MOV_TO_SREG:
    case X86DEC_MN_POP_SREG:
    case X86DEC_MN_LSS:
    case X86DEC_MN_LFS:
    case X86DEC_MN_LGS:
    case X86DEC_MN_RDFSBASE:
    case X86DEC_MN_RDGSBASE:
    case X86DEC_MN_WRFSBASE:
    case X86DEC_MN_WRGSBASE:
    case X86DEC_MN_SWAPGS:
    case PV_EMU_MN_PUSH_SREG:
    case PV_EMU_MN_LES:
    case PV_EMU_MN_LDS:
        return pv_emulate_segment;
    case X86DEC_MN_CALL_FAR:
    case X86DEC_MN_JMP_FAR:
    case X86DEC_MN_RET_FAR:
    case X86DEC_MN_IRET:
        return pv_emulate_far;
    case X86DEC_MN_SYSRET:
    case X86DEC_MN_SYSCALL:
    case X86DEC_MN_INT:
    case X86DEC_MN_INT3:
    case X86DEC_MN_INTO:
    case X86DEC_MN_VMCALL:
    case X86DEC_MN_VMMCALL:
    case X86DEC_MN_INVLPG:
    case X86DEC_MN_INVPCID:
    case X86DEC_MN_WBINVD:
    case X86DEC_MN_WBNOINVD:
    case X86DEC_MN_INVD:
        return pv_emulate_system;
    default:
        return is_push_fs_gs(insn) ? pv_emulate_segment : NULL;
    }
}

pv_fault_t pv_emu_fetch_decode(pv_emu_t *emu, const uint8_t *original, size_t length,
                               x86dec_status_t *status)
{
    pv_cpu_t *cpu = emu->cpu;
    uint8_t bytes[X86DEC_MAX_LENGTH];
    pv_fault_t second = pv_fault_none();
    size_t size = length;

    *status = X86DEC_ERR_INVALID;
    if (original == NULL) {
        pv_fault_t fault = fetch(emu, bytes, &size, &second);

        if (!pv_fault_is_none(&fault)) {
            return fault;
        }
        original = bytes;
    }
    *status = decode(cpu, original, size, &emu->insn);
    if (*status == X86DEC_ERR_TRUNCATED && second.kind != PV_FAULT_NONE) {
        return second; /* the instruction runs into a page the guest cannot fetch */
    }
    emu->next_rip = cpu->rip + emu->insn.length;
    if (cpu->mode != PV_MODE_LONG) {
        emu->next_rip &= 0xffffffffull;
    }
    return pv_fault_none();
}

pv_fault_t pv_emulate_at(pv_emu_t *emu, const uint8_t *original, size_t length, bool *handled)
{
    pv_cpu_t *cpu = emu->cpu;
    x86dec_status_t status;
    family_handler_t handler;
    uint64_t flags_before = cpu->rflags;
    pv_fault_t fault = pv_emu_fetch_decode(emu, original, length, &status);

    *handled = !pv_fault_is_none(&fault);
    handler = pv_fault_is_none(&fault) && status == X86DEC_OK ? family_of(&emu->insn) : NULL;
    if (handler == NULL) {
        return fault;
    }
    *handled = true;
    fault = handler(emu);
    if (fault.kind == PV_FAULT_EXCEPTION && fault.trap) {
        fault.return_rip = emu->next_rip; /* INT n: the frame holds the next instruction */
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    cpu->rip = emu->next_rip;
    if ((flags_before & PV_RFLAGS_TF) != 0 && !emu->halt) {
        /* Single-stepping the guest: the trap after the emulated instruction (SDM 17.3.1.4). */
        cpu->dr[6] |= 1ull << 14;
        return pv_fault_exception(PV_VEC_DB);
    }
    return pv_fault_none();
}
