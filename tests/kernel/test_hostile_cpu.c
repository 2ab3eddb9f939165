/*
 * Hostile CPU state: what a user thread can try against the processor state the kernel set up.
 * Every system instruction, every selector load through the GDT and the (null) LDT with each
 * RPL, far jumps, calls and returns through every descriptor, IRET to the kernel's selector,
 * SYSCALL, SYSENTER and INT n from both code segments a thread can reach (64-bit and 32-bit
 * compatibility mode), and the ways back to 64-bit mode. Each attempt must end as a fault of that
 * thread with the architectural vector and error code (or run, where the architecture lets user
 * mode run it), and the kernel must go on. The expectations come from the SDM and APM applied to
 * the GDT that docs/kernel.md documents, written out here independently of the kernel's tables.
 */
#include "groups.h"
#include "hostile_stubs.h"
#include "stubs.h"
#include <stdbool.h>
#include <runtime/bootinfo.h>
#include <runtime/tsc.h>

#define VEC_DB 1
#define VEC_BP 3
#define VEC_OF 4
#define VEC_UD 6
#define VEC_GP 13
#define VEC_PF 14

#define RFLAGS_TF 0x100ull

/* Where the fault is expected: on the instruction under test, or after it (a trap, or #UD at
 * NAME_end because the instruction ran). */
enum { AT_INSN, AT_END };

/*
 * An outcome in one word (so that table rows stay plain macro arguments): the vector (VEC_PF: a
 * VMFault), where it is expected, and the error code (for VEC_PF: the fault address).
 */
typedef uint32_t outcome_t;

#define OUTCOME(vector, where, code) ((outcome_t)((vector) | ((where) << 8) | ((code) << 16)))
#define OUTCOME_VECTOR(o)            ((o)&0xffu)
#define OUTCOME_WHERE(o)             (((o) >> 8) & 0xffu)
#define OUTCOME_CODE(o)              ((o) >> 16)

#define GP0       OUTCOME(VEC_GP, AT_INSN, 0)
#define GP(sel)   OUTCOME(VEC_GP, AT_INSN, (sel))
#define UD        OUTCOME(VEC_UD, AT_INSN, 0)
#define RUNS      OUTCOME(VEC_UD, AT_END, 0)
#define TRAP(v)   OUTCOME(VEC_##v, AT_END, 0)
#define PF_AT(a)  OUTCOME(VEC_PF, AT_INSN, (a))
#define INT_GP(n) OUTCOME(VEC_GP, AT_INSN, (n)*8 + 2)

/* CPU features that decide between two architectural outcomes. */
typedef enum {
    FEATURE_NONE = 0,
    FEATURE_UMIP,    /* SGDT & co. fault only where UMIP is enabled */
    FEATURE_INVPCID, /* #UD without it, #GP(0) at CPL 3 with it */
    FEATURE_RDTSCP,
    FEATURE_RDPID,
    FEATURE_SKINIT, /* AMD: STGI/CLGI/SKINIT decode (and then #GP at CPL 3) with SKINIT */
    FEATURE_VMX_ON, /* the kernel is in VMX root operation (boot info: VMX usable): VMX
                       instructions at CPL 3 are #GP(0), not #UD (SDM Vol. 3C 31.3) */
} feature_t;

/* What the fault message's registers must show besides the fault. */
typedef enum {
    CHECK_NONE = 0,
    CHECK_RCX_ZERO,       /* RDTSCP read TSC_AUX = 0 (the CPU number) */
    CHECK_RAX_ZERO,       /* RDPID likewise */
    CHECK_RAX_USER_FLAGS, /* PUSHF after POPF: no IOPL, VM, VIF or VIP from user mode */
} register_check_t;

typedef struct {
    const char *name;
    const char *start;
    const char *at;
    const char *end;
    register_check_t check;
    outcome_t intel; /* Intel and other vendors */
    outcome_t amd;
    feature_t feature;
    outcome_t without; /* the outcome when the CPU lacks the feature */
    /* An emulator's known deviation from the architecture (QEMU 7.2 TCG, see the rows), also
     * accepted: still a fault of the thread, with another vector. 0: none. */
    outcome_t emulator;
    bool compat;
} hostile_case_t;

#define CASE(n, c, i, a, f, w, chk, e)                                                             \
    {                                                                                              \
        .name = #n, .start = (n), .at = n##_at, .end = n##_end, .check = (chk), .intel = (i),      \
        .amd = (a), .feature = (f), .without = (w), .emulator = (e), .compat = (c)                 \
    }
/* A row with an emulator deviation e: QEMU's, as its comment says. */
#define EMU(n, c, o, e)   CASE(n, c, o, o, FEATURE_NONE, RUNS, CHECK_NONE, e)
#define SAME(n, o)        CASE(n, false, o, o, FEATURE_NONE, RUNS, CHECK_NONE, 0)
#define VENDOR(n, i, a)   CASE(n, false, i, a, FEATURE_NONE, RUNS, CHECK_NONE, 0)
#define NEEDS(n, o, f, w) CASE(n, false, o, o, f, w, CHECK_NONE, 0)
#define SAME32(n, o)      CASE(n, true, o, o, FEATURE_NONE, RUNS, CHECK_NONE, 0)
#define VENDOR32(n, i, a) CASE(n, true, i, a, FEATURE_NONE, RUNS, CHECK_NONE, 0)

/* Selector error codes: the selector with its RPL bits cleared (the EXT and IDT bits are 0). */
#define SELECTOR_ERROR(sel) ((sel)&0xfffcu)

static const hostile_case_t system_cases[] = {
        SAME(hc_lgdt, GP0),
        SAME(hc_lidt, GP0),
        SAME(hc_lldt, GP0),
        SAME(hc_ltr, GP0),
        SAME(hc_lmsw, GP0),
        SAME(hc_clts, GP0),
        SAME(hc_read_cr0, GP0),
        SAME(hc_read_cr2, GP0),
        SAME(hc_read_cr3, GP0),
        SAME(hc_read_cr4, GP0),
        SAME(hc_read_cr8, GP0),
        SAME(hc_write_cr0, GP0),
        SAME(hc_write_cr3, GP0),
        SAME(hc_write_cr4, GP0),
        SAME(hc_write_cr8, GP0),
        SAME(hc_read_dr0, GP0),
        SAME(hc_read_dr6, GP0),
        SAME(hc_read_dr7, GP0),
        SAME(hc_write_dr7, GP0),
        SAME(hc_invlpg, GP0),
        NEEDS(hc_invpcid, GP0, FEATURE_INVPCID, UD),
        SAME(hc_wbinvd, GP0),
        SAME(hc_wbnoinvd, GP0),
        SAME(hc_invd, GP0),
        SAME(hc_hlt, GP0),
        SAME(hc_rdmsr, GP0),
        SAME(hc_wrmsr, GP0),
        SAME(hc_in_imm, GP0),
        SAME(hc_out_imm, GP0),
        SAME(hc_in_dx, GP0),
        SAME(hc_out_dx, GP0),
        SAME(hc_insb, GP0),
        SAME(hc_outsb, GP0),
        SAME(hc_cli, GP0),
        SAME(hc_sti, GP0),
        SAME(hc_swapgs, GP0),
        SAME(hc_sysret, GP0),
        /* SYSENTER/SYSEXIT: Intel checks the null IA32_SYSENTER_CS and the CPL (#GP(0)); AMD
         * CPUs do not have them in long mode (#UD). */
        VENDOR(hc_sysexit, GP0, UD),
        VENDOR(hc_sysenter, GP0, UD),
        SAME(hc_rdpmc, GP0),
        NEEDS(hc_sgdt, GP0, FEATURE_UMIP, RUNS),
        NEEDS(hc_sidt, GP0, FEATURE_UMIP, RUNS),
        NEEDS(hc_sldt, GP0, FEATURE_UMIP, RUNS),
        NEEDS(hc_str, GP0, FEATURE_UMIP, RUNS),
        NEEDS(hc_smsw, GP0, FEATURE_UMIP, RUNS),
        SAME(hc_rdtsc, RUNS), /* CR4.TSD clear: the TSC is user space's clock */
        CASE(hc_rdtscp, false, RUNS, RUNS, FEATURE_RDTSCP, UD, CHECK_RCX_ZERO, 0),
        CASE(hc_rdpid, false, RUNS, RUNS, FEATURE_RDPID, UD, CHECK_RAX_ZERO, 0),
        CASE(hc_popf_iopl, false, RUNS, RUNS, FEATURE_NONE, RUNS, CHECK_RAX_USER_FLAGS, 0),
        SAME(hc_xgetbv, UD), /* CR4.OSXSAVE clear */
        /* #UD (CR4.OSXSAVE clear) comes first as a decode fault; QEMU checks the CPL first. */
        EMU(hc_xsetbv, false, UD, GP0),
        SAME(hc_monitor, UD),
        SAME(hc_mwait, UD),
        SAME(hc_clac, UD),
        SAME(hc_stac, UD),
        /* Outside VMX operation (CR4.VMXE clear) #UD; undefined on AMD. */
        NEEDS(hc_vmcall, GP0, FEATURE_VMX_ON, UD),
        NEEDS(hc_vmxon, GP0, FEATURE_VMX_ON, UD),
        NEEDS(hc_vmxoff, GP0, FEATURE_VMX_ON, UD),
        NEEDS(hc_vmlaunch, GP0, FEATURE_VMX_ON, UD),
        NEEDS(hc_vmread, GP0, FEATURE_VMX_ON, UD),
        NEEDS(hc_invept, GP0, FEATURE_VMX_ON, UD),
        SAME(hc_vmrun, UD), /* EFER.SVME clear; undefined on Intel */
        SAME(hc_vmmcall, UD),
        SAME(hc_vmload, UD),
        SAME(hc_vmsave, UD),
        NEEDS(hc_stgi, GP0, FEATURE_SKINIT, UD),
        NEEDS(hc_clgi, GP0, FEATURE_SKINIT, UD),
        NEEDS(hc_skinit, GP0, FEATURE_SKINIT, UD),
        SAME(hc_invlpga, UD),
        SAME(hc_getsec, UD),   /* CR4.SMXE clear */
        SAME(hc_rsm, UD),      /* not in SMM */
        SAME(hc_rdfsbase, UD), /* CR4.FSGSBASE clear */
        SAME(hc_wrfsbase, UD),
        SAME(hc_rdgsbase, UD),
        SAME(hc_wrgsbase, UD),
        SAME(hc_rdpkru, UD), /* CR4.PKE clear */
        SAME(hc_wrpkru, UD),
        SAME(hc_ud2, UD),
        SAME(hc_ud1, UD),
        SAME(hc_ud0, UD),
        SAME(hc_pop_ss_invalid, UD),
        SAME(hc_into_invalid, UD),
        SAME(hc_int80, INT_GP(0x80)),
        SAME(hc_int_pf, INT_GP(0x0e)),
        SAME(hc_int_irq, INT_GP(0x30)),
        SAME(hc_int_tick, INT_GP(0xfe)),
        SAME(hc_int3, TRAP(BP)),
        SAME(hc_int_3, TRAP(BP)),
        SAME(hc_int_4, TRAP(OF)),
        /* INT1 (ICEBP) is a #DB trap on Intel and AMD CPUs; QEMU 7.2 TCG raises #UD. */
        EMU(hc_int1, false, TRAP(DB), UD),
        SAME(hc_iretq_to_kernel, GP(0x08)),
        SAME(hc_ldt_call_gate, GP(0x04)),
};

/* Compatibility mode: the thread enters 32-bit code at the case's start. */
static const hostile_case_t compat_cases[] = {
        /* SYSCALL outside 64-bit mode is #UD on Intel; on AMD it enters the kernel through
         * IA32_CSTAR, which gives the same #UD. */
        SAME32(hc32_syscall, UD),
        /* QEMU applies AMD's long-mode #UD for SYSENTER/SYSEXIT to 64-bit code only. */
        CASE(hc32_sysenter, true, GP0, UD, FEATURE_NONE, RUNS, CHECK_NONE, GP0),
        VENDOR32(hc32_sysret, UD, GP0),
        CASE(hc32_sysexit, true, GP0, UD, FEATURE_NONE, RUNS, CHECK_NONE, GP0),
        SAME32(hc32_swapgs, UD),
        SAME32(hc32_int80, INT_GP(0x80)),
        SAME32(hc32_int3, TRAP(BP)),
        EMU(hc32_int1, true, TRAP(DB), UD),
        SAME32(hc32_into, TRAP(OF)),
        SAME32(hc32_ud2, UD),
        SAME32(hc32_hlt, GP0),
        SAME32(hc32_cli, GP0),
        SAME32(hc32_in, GP0),
        SAME32(hc32_lgdt, GP0),
        SAME32(hc32_mov_cr3, GP0),
        SAME32(hc32_page_fault, PF_AT(0x10)),
        SAME32(hc32_far_to_kernel, GP(0x08)),
        SAME32(hc32_ldt_selector, GP(0x04)),
        SAME32(hc32_iret_to_kernel, GP(0x08)),
        SAME32(hc32_back_to_64, RUNS),
};

typedef struct {
    bool amd;
    bool umip;
    bool invpcid;
    bool rdtscp;
    bool rdpid;
    bool skinit;
    bool vmx_on;
} cpu_info_t;

static void cpuid(uint32_t leaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
    __asm__ volatile("cpuid" : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx) : "a"(leaf), "c"(0));
}

static cpu_info_t cpu_info(const seL4_BootInfo *bootinfo)
{
    const seL4_X86_VirtFeatures *virt =
            bootinfo_find_extra(bootinfo, seL4_BootInfo_X86_Virtualization, NULL);
    cpu_info_t info = {0};
    uint32_t max;
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;

    cpuid(0, &max, &ebx, &ecx, &edx);
    info.amd = ebx == 0x68747541 && edx == 0x69746e65 && ecx == 0x444d4163; /* AuthenticAMD */
    if (max >= 7) {
        uint32_t eax;
        cpuid(7, &eax, &ebx, &ecx, &edx);
        info.invpcid = (ebx >> 10) & 1;
        info.umip = (ecx >> 2) & 1;
        info.rdpid = (ecx >> 22) & 1;
    }
    cpuid(0x80000000, &max, &ebx, &ecx, &edx);
    if (max >= 0x80000001) {
        uint32_t eax;
        cpuid(0x80000001, &eax, &ebx, &ecx, &edx);
        info.skinit = (ecx >> 12) & 1;
        info.rdtscp = (edx >> 27) & 1;
    }
    info.vmx_on = virt != NULL && virt->kind == seL4_X86_Virt_VMX;
    return info;
}

static bool has_feature(const cpu_info_t *cpu, feature_t feature)
{
    switch (feature) {
    case FEATURE_UMIP:
        return cpu->umip;
    case FEATURE_INVPCID:
        return cpu->invpcid;
    case FEATURE_RDTSCP:
        return cpu->rdtscp;
    case FEATURE_RDPID:
        return cpu->rdpid;
    case FEATURE_SKINIT:
        return cpu->skinit;
    case FEATURE_VMX_ON:
        return cpu->vmx_on;
    default:
        return true;
    }
}

#define START_RAX 0x0123456789abcdefull

static bool registers_pass(register_check_t check, const seL4_Word *mrs)
{
    switch (check) {
    case CHECK_RCX_ZERO:
        return mrs[seL4_UserContext_RCX] == 0;
    case CHECK_RAX_ZERO:
        return mrs[seL4_UserContext_RAX] == 0;
    case CHECK_RAX_USER_FLAGS:
        return (mrs[seL4_UserContext_RAX] & 0x1a3000ull) == 0; /* IOPL, VM, VIF, VIP */
    default:
        return true;
    }
}

/* Whether the fault message shows the outcome (and the case's register check, if any). */
static bool outcome_seen(const hostile_case_t *c, const test_fault_run_t *run, outcome_t want,
                         bool check_registers)
{
    seL4_Word rip = (seL4_Word)(OUTCOME_WHERE(want) == AT_INSN ? c->at : c->end);
    seL4_Word got_rip = run->mrs[seL4_UserContext_RIP];
    bool ok;

    if (OUTCOME_VECTOR(want) == VEC_PF) {
        ok = run->label == seL4_Fault_VMFault && run->mrs[seL4_VMFault_Addr] == OUTCOME_CODE(want);
    } else {
        ok = run->label == seL4_Fault_UserException &&
             run->mrs[seL4_UserException_Number] == OUTCOME_VECTOR(want) &&
             run->mrs[seL4_UserException_Code] == OUTCOME_CODE(want);
    }
    ok = ok && got_rip == rip;
    if (ok && c->compat) {
        /* DEC EAX ran as a 32-bit instruction (the upper half of RAX is undefined after
         * 32-bit code). */
        ok = (uint32_t)run->mrs[seL4_UserContext_RAX] == (uint32_t)(START_RAX - 1);
    }
    if (ok && check_registers) {
        ok = registers_pass(c->check, run->mrs);
    }
    return ok;
}

/* Whether the case ended as expected on this CPU; prints the difference when not. */
static bool outcome_matches(const hostile_case_t *c, const test_fault_run_t *run,
                            const cpu_info_t *cpu)
{
    bool present = has_feature(cpu, c->feature);
    outcome_t want = present ? (cpu->amd ? c->amd : c->intel) : c->without;
    seL4_Word got_rip = run->mrs[seL4_UserContext_RIP];
    bool ok = outcome_seen(c, run, want, present) ||
              (c->emulator != 0 && outcome_seen(c, run, c->emulator, false));

    if (!ok) {
        printf("  %s: label %lu vector %lu code %#lx rip %s%+ld rax %#lx; expected vector %u "
               "code %#x at %s\n",
               c->name, (unsigned long)run->label,
               (unsigned long)run->mrs[seL4_UserException_Number],
               (unsigned long)run->mrs[seL4_UserException_Code], c->name,
               (long)(got_rip - (seL4_Word)c->start), (unsigned long)run->mrs[seL4_UserContext_RAX],
               OUTCOME_VECTOR(want), OUTCOME_CODE(want),
               OUTCOME_WHERE(want) == AT_INSN ? "the instruction" : "its end");
    }
    return ok;
}

/* Runs each case in a thread of its own; returns how many did not end as expected. */
static int run_cases(test_env_t *env, const hostile_case_t *cases, size_t count)
{
    cpu_info_t cpu = cpu_info(env->bootinfo);
    int mismatches = 0;

    for (size_t i = 0; i < count && !env->failed; i++) {
        const hostile_case_t *c = &cases[i];
        test_fault_run_t run;
        if (!test_fault_run_new(env, &run, NULL, c->compat ? hc_enter_compat : c->start)) {
            return -1;
        }
        run.context.rax = START_RAX;
        run.context.rbx = (seL4_Word)c->start;
        if (!test_fault_run_start(env, &run)) {
            printf("  %s: no fault\n", c->name);
            return -1;
        }
        if (!outcome_matches(c, &run, &cpu)) {
            mismatches++;
        }
        /* Leave the thread stopped: a label-1 reply does not resume it. */
        seL4_Reply(seL4_MessageInfo_new(1, 0, 0, 0));
    }
    return mismatches;
}

static void test_system_instructions(test_env_t *env)
{
    int mismatches = run_cases(env, system_cases, sizeof(system_cases) / sizeof(system_cases[0]));

    TEST_CHECK(env, mismatches == 0, "%d of %zu cases ended otherwise (listed above)", mismatches,
               sizeof(system_cases) / sizeof(system_cases[0]));
}

static void test_compat_entries(test_env_t *env)
{
    int mismatches = run_cases(env, compat_cases, sizeof(compat_cases) / sizeof(compat_cases[0]));

    TEST_CHECK(env, mismatches == 0, "%d of %zu cases ended otherwise (listed above)", mismatches,
               sizeof(compat_cases) / sizeof(compat_cases[0]));
}

/*
 * The documented GDT: index -> what it holds. Selectors past its limit (index 8 and up) and
 * every LDT selector (the LDT is null) are #GP(selector).
 */
typedef enum {
    D_NULL,
    D_CODE64_DPL0,
    D_DATA_DPL0,
    D_CODE32_DPL3,
    D_DATA_DPL3,
    D_CODE64_DPL3,
    D_TSS,
    D_TSS_HIGH,
    D_NONE
} descriptor_t;

#define GDT_LIMIT_ENTRIES 8
#define SELECTOR_LAST     0x4f /* ten GDT indices, each RPL, both tables */

static descriptor_t descriptor_of(seL4_Word selector)
{
    static const descriptor_t gdt[GDT_LIMIT_ENTRIES] = {D_NULL,        D_CODE64_DPL0, D_DATA_DPL0,
                                                        D_CODE32_DPL3, D_DATA_DPL3,   D_CODE64_DPL3,
                                                        D_TSS,         D_TSS_HIGH};
    seL4_Word index = selector >> 3;

    if ((selector & 4) != 0 || index >= GDT_LIMIT_ENTRIES) {
        return D_NONE;
    }
    return gdt[index];
}

typedef enum { LOAD_DATA, LOAD_SS, FAR_JMP, FAR_CALL, FAR_RET } transfer_t;

/* The architectural outcome (SDM vol. 2 MOV, JMP, CALL, RET; at CPL 3, in 64-bit mode). */
static outcome_t transfer_outcome(transfer_t kind, seL4_Word selector)
{
    descriptor_t d = descriptor_of(selector);
    seL4_Word rpl = selector & 3;
    outcome_t fault = GP(SELECTOR_ERROR(selector));
    outcome_t loaded = RUNS;

    if (d == D_NULL) {
        /* Null data selectors load; a null SS at CPL 3 and a null code selector are #GP(0). */
        return kind == LOAD_DATA ? loaded : GP0;
    }
    switch (kind) {
    case LOAD_DATA:
        /* Data or readable code with DPL >= max(CPL, RPL): only the DPL-3 segments. */
        return (d == D_CODE32_DPL3 || d == D_DATA_DPL3 || d == D_CODE64_DPL3) ? loaded : fault;
    case LOAD_SS:
        /* Writable data with DPL = RPL = CPL. */
        return (d == D_DATA_DPL3 && rpl == 3) ? loaded : fault;
    case FAR_RET:
        /* A return to RPL < CPL is refused before the descriptor is looked at. */
        if (rpl < 3) {
            return fault;
        }
        break;
    default:
        break;
    }
    /* Non-conforming code with DPL = CPL (and RPL <= CPL): the two user code segments. */
    if (d == D_CODE32_DPL3 || d == D_CODE64_DPL3) {
        return UD; /* where it arrives the caller decides, from the segment's mode */
    }
    return fault;
}

/*
 * One thread tries every selector in turn: after each fault the handler rewrites its registers
 * (RIP back to the probe, RAX the next selector), so that 80 selectors cost one thread.
 */
static int probe_selectors(test_env_t *env, const char *probe, const char *probe_at,
                           const char *probe_end, transfer_t kind, const char *name)
{
    test_fault_run_t run;
    int mismatches = 0;

    if (!test_fault_run_new(env, &run, NULL, probe)) {
        return -1;
    }
    for (seL4_Word selector = 0; selector <= SELECTOR_LAST; selector++) {
        outcome_t want = transfer_outcome(kind, selector);
        seL4_Word want_rip = (seL4_Word)(OUTCOME_WHERE(want) == AT_INSN ? probe_at : probe_end);
        seL4_Word want_rax_low = (uint32_t)selector;
        bool ok;

        run.context.rax = selector;
        if (selector == 0) {
            if (!test_fault_run_start(env, &run)) {
                return -1;
            }
        } else {
            const seL4_Word *words = (const seL4_Word *)&run.context;
            for (int i = 0; i < seL4_UserContext_Count; i++) {
                seL4_SetMR(i, words[i]);
            }
            seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count));
            if (!test_fault_run_next(env, &run)) {
                return -1;
            }
        }
        if (kind >= FAR_JMP && OUTCOME_VECTOR(want) == VEC_UD) {
            /* Arrived: 64-bit code stops at the target's EA; 32-bit code comes back to 64-bit
             * mode one DEC EAX later. */
            bool compat = descriptor_of(selector) == D_CODE32_DPL3;
            want_rip = (seL4_Word)(compat ? hc_far_back64 : hc_far_target);
            want_rax_low = (uint32_t)(compat ? selector - 1 : selector);
        }
        ok = run.label == seL4_Fault_UserException &&
             run.mrs[seL4_UserException_Number] == OUTCOME_VECTOR(want) &&
             run.mrs[seL4_UserException_Code] == OUTCOME_CODE(want) &&
             run.mrs[seL4_UserContext_RIP] == want_rip &&
             (uint32_t)run.mrs[seL4_UserContext_RAX] == want_rax_low;
        if (!ok) {
            printf("  %s %#lx: label %lu vector %lu code %#lx rip %#lx rax %#lx; expected vector "
                   "%u code %#x rip %#lx\n",
                   name, (unsigned long)selector, (unsigned long)run.label,
                   (unsigned long)run.mrs[seL4_UserException_Number],
                   (unsigned long)run.mrs[seL4_UserException_Code],
                   (unsigned long)run.mrs[seL4_UserContext_RIP],
                   (unsigned long)run.mrs[seL4_UserContext_RAX], OUTCOME_VECTOR(want),
                   OUTCOME_CODE(want), (unsigned long)want_rip);
            mismatches++;
        }
    }
    seL4_Reply(seL4_MessageInfo_new(1, 0, 0, 0));
    return mismatches;
}

#define PROBE(stub, kind) probe_selectors(env, stub, stub##_at, stub##_end, kind, #stub)

static void test_segment_loads(test_env_t *env)
{
    int mismatches = 0;

    mismatches += PROBE(hc_load_ds, LOAD_DATA);
    mismatches += PROBE(hc_load_es, LOAD_DATA);
    mismatches += PROBE(hc_load_fs, LOAD_DATA);
    mismatches += PROBE(hc_load_gs, LOAD_DATA);
    mismatches += PROBE(hc_load_ss, LOAD_SS);
    TEST_CHECK(env, mismatches == 0, "%d selector loads ended otherwise (listed above)",
               mismatches);
}

static void test_far_transfers(test_env_t *env)
{
    int mismatches = 0;

    mismatches += PROBE(hc_far_jmp, FAR_JMP);
    mismatches += PROBE(hc_far_call, FAR_CALL);
    mismatches += PROBE(hc_far_ret, FAR_RET);
    TEST_CHECK(env, mismatches == 0, "%d far transfers ended otherwise (listed above)", mismatches);
}

/*
 * The attack on a kernel that never loaded LDTR: page 0 of the thread's address space holds a
 * DPL-3 call gate to the kernel's code selector, and the thread calls through LDT selector 7.
 * With a null LDT this is #GP(4) and nothing at page 0 is ever read.
 */
static void test_ldt_call_gate_refused(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr copy = frame != 0 ? test_copy(env, frame, seL4_AllRights) : 0;
    seL4_Word mine = 0;
    vspace_t vspace;
    test_fault_run_t run;

    TEST_CHECK(env, copy != 0, "setup");
    TEST_OK(env, vspace_reserve(&env->vspace, 4096, 4096, &mine));
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, mine, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    TEST_CHECK(env, test_vspace_new(env, &vspace), "vspace");
    TEST_OK(env, vspace_map_frame(&vspace, copy, 0, seL4_ReadWrite, seL4_X86_Default_VMAttributes,
                                  seL4_False));
    /* A 64-bit call gate (type 0xc, DPL 3, present) to 0x08:hc_ud2, in LDT entry 0. */
    volatile uint64_t *ldt = (volatile uint64_t *)mine;
    seL4_Word target = (seL4_Word)hc_ud2;
    ldt[0] = (target & 0xffff) | (0x08ull << 16) | (0xecull << 40) | ((target >> 16) << 48);
    ldt[1] = target >> 32;
    TEST_CHECK(env, test_fault_run(env, &run, &vspace, hc_ldt_call_gate, 0, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_GP);
    TEST_EQ(env, run.mrs[seL4_UserException_Code], 0x04);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)hc_ldt_call_gate_at);
}

/*
 * The attack on a kernel that leaves IA32_CSTAR at 0: a SYSCALL from 32-bit code on an AMD CPU
 * jumps to address 0 in kernel mode, where the thread has mapped code of its own (here: code
 * that sets stub_flag, which a CPU without SMEP would run at CPL 0). The SYSCALL must end as the
 * thread's #UD and the code at 0 must never run.
 */
static void test_compat_syscall_never_runs_page0(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr copy = frame != 0 ? test_copy(env, frame, seL4_AllRights) : 0;
    seL4_Word mine = 0;
    vspace_t vspace;
    test_fault_run_t run;

    TEST_CHECK(env, copy != 0, "setup");
    TEST_OK(env, vspace_reserve(&env->vspace, 4096, 4096, &mine));
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, mine, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    TEST_CHECK(env, test_vspace_new(env, &vspace), "vspace");
    TEST_OK(env, vspace_map_frame(&vspace, copy, 0, seL4_ReadWrite, seL4_X86_Default_VMAttributes,
                                  seL4_False));
    /* mov $1, %rax; movabs %rax, stub_flag; ud2 */
    volatile uint8_t *code = (volatile uint8_t *)mine;
    static const uint8_t prologue[] = {0x48, 0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00, 0x48, 0xa3};
    seL4_Word flag = (seL4_Word)&stub_flag;
    for (size_t i = 0; i < sizeof(prologue); i++) {
        code[i] = prologue[i];
    }
    for (int i = 0; i < 8; i++) {
        code[sizeof(prologue) + (size_t)i] = (uint8_t)(flag >> (8 * i));
    }
    code[sizeof(prologue) + 8] = 0x0f;
    code[sizeof(prologue) + 9] = 0x0b;
    stub_flag = 0;
    TEST_CHECK(env, test_fault_run_new(env, &run, &vspace, hc_enter_compat), "thread");
    run.context.rax = START_RAX;
    run.context.rbx = (seL4_Word)hc32_syscall;
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_UD);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)hc32_syscall_at);
    TEST_EQ(env, stub_flag, 0);
}

/*
 * A thread stopped in 32-bit code whose handler resumes it at a RIP above 4 GiB: IRETQ would
 * fault in the kernel (Intel) or truncate (some emulators). The thread gets the #GP(0) its own
 * fetch there raises, at that RIP, every time.
 */
static void test_compat_rip_above_4g(test_env_t *env)
{
    seL4_Word high = 0x100000000ull + (seL4_Word)hc32_ud2_at;
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, hc_enter_compat), "thread");
    run.context.rax = START_RAX;
    run.context.rbx = (seL4_Word)hc32_ud2;
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_UD);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)hc32_ud2_at);
    for (int round = 0; round < 2; round++) {
        run.context.rip = high;
        const seL4_Word *words = (const seL4_Word *)&run.context;
        for (int i = 0; i < seL4_UserContext_Count; i++) {
            seL4_SetMR(i, words[i]);
        }
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count));
        TEST_CHECK(env, test_fault_run_next(env, &run), "fault");
        TEST_EQ(env, run.label, seL4_Fault_UserException);
        TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_GP);
        TEST_EQ(env, run.mrs[seL4_UserException_Code], 0);
        TEST_EQ(env, run.mrs[seL4_UserContext_RIP], high);
    }
}

/*
 * A SYSCALL from 32-bit code under a single-step trap held back by MOV SS: the trap comes due on
 * the kernel's compatibility entry (AMD) or not at all (Intel's #UD). Each single-step #DB before
 * it is answered with a plain resume; the thread must reach its SYSCALL's #UD.
 */
static void test_compat_movss_syscall(test_env_t *env)
{
    test_fault_run_t run;
    int traps = 0;

    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, hc_enter_compat), "thread");
    run.context.rax = START_RAX;
    run.context.rbx = (seL4_Word)hc32_movss_syscall;
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    while (run.label == seL4_Fault_UserException && run.mrs[seL4_UserException_Number] == VEC_DB &&
           traps < 8) {
        traps++;
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
        TEST_CHECK(env, test_fault_run_next(env, &run), "fault after %d traps", traps);
    }
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_UD);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)hc32_movss_syscall_at);
    TEST_EQ(env, (uint32_t)run.mrs[seL4_UserContext_RAX], (uint32_t)(START_RAX - 1));
}

/*
 * A thread spinning in 32-bit code is preempted by the timer again and again (each interrupt an
 * entry from compatibility mode, each return an IRETQ to it) and goes on where it was, in 32-bit
 * mode, with its data segment: it sees the flag the suite sets and stops at the next #UD.
 */
static void test_compat_preempted(test_env_t *env)
{
    test_fault_run_t run;

    stub_flag = 0;
    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, hc_enter_compat), "thread");
    run.context.rax = START_RAX;
    run.context.rbx = (seL4_Word)hc32_spin_flag;
    run.context.rcx = 0;
    TEST_CHECK(env, test_thread_start_at(env, &run.thread, &run.context), "start");
    /* Several time slices of the spinner (same priority: round robin on the timer). */
    seL4_Uint64 until = tsc_read() + test_ticks(env, 50);
    while (tsc_read() < until) {
        seL4_Yield();
    }
    stub_flag = 1;
    TEST_CHECK(env, test_wait_fault(env, run.ep, &run.label, run.mrs, seL4_CapFault_Length),
               "the spinner's fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_UD);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)hc32_spin_flag_at);
    TEST_EQ(env, (uint32_t)run.mrs[seL4_UserContext_RAX], (uint32_t)(START_RAX - 1));
    TEST_CHECK(env, (uint32_t)run.mrs[seL4_UserContext_RCX] > 1000, "it spun %u times",
               (unsigned)run.mrs[seL4_UserContext_RCX]);
}

/* The selectors a fault message shows in RAX..RDX (hc_read_selectors): DS, ES, FS, GS. */
static int selectors_are(test_env_t *env, const test_fault_run_t *run, const char *whose,
                         seL4_Word ds, seL4_Word es, seL4_Word fs, seL4_Word gs)
{
    const seL4_Word *mrs = run->mrs;

    if (run->label != seL4_Fault_UserException ||
        mrs[seL4_UserContext_RIP] != (seL4_Word)hc_selectors_read ||
        mrs[seL4_UserContext_RAX] != ds || mrs[seL4_UserContext_RBX] != es ||
        mrs[seL4_UserContext_RCX] != fs || mrs[seL4_UserContext_RDX] != gs) {
        test_fail(
                env, __LINE__, "%s selectors: ds %#lx es %#lx fs %#lx gs %#lx (rip %#lx)", whose,
                (unsigned long)mrs[seL4_UserContext_RAX], (unsigned long)mrs[seL4_UserContext_RBX],
                (unsigned long)mrs[seL4_UserContext_RCX], (unsigned long)mrs[seL4_UserContext_RDX],
                (unsigned long)mrs[seL4_UserContext_RIP]);
        return 0;
    }
    return 1;
}

/*
 * One thread loads DS, ES, FS and GS with selectors of its choice and keeps yielding; another
 * thread, started meanwhile, must see a new thread's selectors (flat user data in DS and ES,
 * null FS and GS), and the first must find its own again afterwards. Without per-thread
 * selectors the second thread would run with the first one's, which in 32-bit code decide
 * what memory DS and ES reach.
 */
static void test_selectors_per_thread(test_env_t *env)
{
    test_fault_run_t setter;
    test_fault_run_t reader;

    stub_flag = 0;
    TEST_CHECK(env, test_fault_run_new(env, &setter, NULL, hc_set_selectors), "thread");
    setter.context.rax = 0x1b;
    setter.context.rbx = 0;
    setter.context.rcx = 0x23;
    setter.context.rdx = 0x2b;
    TEST_CHECK(env, test_thread_start_at(env, &setter.thread, &setter.context), "start");
    test_yield(4);
    TEST_CHECK(env, test_fault_run(env, &reader, NULL, hc_read_selectors, 0, 0), "reader");
    TEST_CHECK(env, selectors_are(env, &reader, "a new thread's", 0x23, 0x23, 0, 0), "reader");
    stub_flag = 1;
    TEST_CHECK(env,
               test_wait_fault(env, setter.ep, &setter.label, setter.mrs, seL4_CapFault_Length),
               "setter's fault");
    TEST_CHECK(env, selectors_are(env, &setter, "the setter's own", 0x1b, 0, 0x23, 0x2b), "setter");
}

static const test_case_t hostile_cpu_cases[] = {
        {"hostile_cpu_system_instructions", test_system_instructions},
        {"hostile_cpu_compat_entries", test_compat_entries},
        {"hostile_cpu_segment_loads", test_segment_loads},
        {"hostile_cpu_far_transfers", test_far_transfers},
        {"hostile_cpu_ldt_call_gate_refused", test_ldt_call_gate_refused},
        {"hostile_cpu_compat_syscall_never_runs_page0", test_compat_syscall_never_runs_page0},
        {"hostile_cpu_compat_rip_above_4g", test_compat_rip_above_4g},
        {"hostile_cpu_compat_movss_syscall", test_compat_movss_syscall},
        {"hostile_cpu_selectors_per_thread", test_selectors_per_thread},
        {"hostile_cpu_compat_preempted", test_compat_preempted},
};

const test_group_t hostile_cpu_group = TEST_GROUP(hostile_cpu_cases);
