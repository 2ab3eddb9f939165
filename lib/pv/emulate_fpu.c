/*
 * The host's #NM (device not available). The kernel raises it for every x87, MMX and SSE
 * instruction of the vCPU's thread while the PV page asks for TS, which the vCPU does whenever
 * the guest's CR0.TS or CR0.EM is set (cpu_event.c). What the guest gets then follows its own
 * EM, MP and TS (SDM Vol. 3A 2.5, and Vol. 2 per instruction): x87 instructions, FXSAVE and
 * FXRSTOR #NM; MMX and SSE #UD with EM, else #NM; WAIT/FWAIT #NM only with both MP and TS, else
 * it runs. Never ends the VM: whatever cannot be read is the #NM the host saw.
 */
#include <pv/emulate.h>

#define OPCODE_WAIT      0x9bu
#define OPCODE_X87_FIRST 0xd8u
#define OPCODE_X87_LAST  0xdfu
#define OPCODE_0F_GROUP  0xaeu /* 0F AE /0 FXSAVE, /1 FXRSTOR, /2 LDMXCSR, /3 STMXCSR, ... */
#define MODRM_MOD(modrm) ((unsigned)(modrm) >> 6)
#define MODRM_REG(modrm) (((unsigned)(modrm) >> 3) & 7u)
#define DR6_BS           (1ull << 14)

typedef enum {
    FPU_CLASS_X87,  /* #NM with EM or TS */
    FPU_CLASS_WAIT, /* #NM with MP and TS */
    FPU_CLASS_SIMD, /* #UD with EM, else #NM with TS */
} fpu_class_t;

static fpu_class_t fpu_class(const x86dec_insn_t *insn)
{
    if (insn->encoding != X86DEC_ENC_LEGACY) {
        return FPU_CLASS_SIMD;
    }
    if (insn->map == X86DEC_MAP_PRIMARY && insn->opcode == OPCODE_WAIT) {
        return FPU_CLASS_WAIT;
    }
    if (insn->map == X86DEC_MAP_PRIMARY && insn->opcode >= OPCODE_X87_FIRST &&
        insn->opcode <= OPCODE_X87_LAST) {
        return FPU_CLASS_X87;
    }
    if (insn->map == X86DEC_MAP_0F && insn->opcode == OPCODE_0F_GROUP && insn->has_modrm &&
        MODRM_MOD(insn->modrm) != 3 && MODRM_REG(insn->modrm) <= 1) {
        return FPU_CLASS_X87; /* FXSAVE, FXRSTOR */
    }
    return FPU_CLASS_SIMD;
}

pv_fault_t pv_emulate_device_not_available(pv_cpu_t *cpu, const pv_env_t *env)
{
    pv_emu_t emu = {.cpu = cpu, .env = env};
    pv_fault_t nm = pv_fault_exception(PV_VEC_NM);
    x86dec_status_t status;
    pv_fault_t fault = pv_emu_fetch_decode(&emu, NULL, 0, &status);

    if (!pv_fault_is_none(&fault) || status != X86DEC_OK) {
        return nm; /* the guest's tables changed under the instruction: what the host saw */
    }
    switch (fpu_class(&emu.insn)) {
    case FPU_CLASS_WAIT:
        if ((cpu->cr0 & PV_CR0_MP) != 0 && (cpu->cr0 & PV_CR0_TS) != 0) {
            return nm;
        }
        /* It runs. An unmasked x87 exception it would report (#MF) stays pending for the next
         * x87 instruction: the vCPU cannot see the guest's FPU status word. */
        cpu->rip = emu.next_rip;
        if ((cpu->rflags & PV_RFLAGS_TF) != 0) {
            cpu->dr[6] |= DR6_BS; /* single-stepping: the trap after it (SDM 17.3.1.4) */
            return pv_fault_exception(PV_VEC_DB);
        }
        return pv_fault_none();
    case FPU_CLASS_X87:
        return nm;
    default:
        return (cpu->cr0 & PV_CR0_EM) != 0 ? pv_fault_ud() : nm;
    }
}
