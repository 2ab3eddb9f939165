/*
 * Reference table of privileged and sensitive x86-64 instructions for a VMM that runs a guest
 * kernel deprivileged (PV mode), written from the vendors' manuals; test_table.c checks x86dec
 * against every row, as Intel and as AMD decode it. Data only.
 *
 * Sources, cited per row:
 *   SDM1, SDM2, SDM3  Intel 64 and IA-32 Architectures Software Developer's Manual, Volume 1
 *                     (basic architecture), Volume 2 (instruction set reference, by instruction
 *                     page; "opcode map" is its Appendix A), Volume 3 (system programming:
 *                     2.5 Control Registers; the VMX and SGX instruction references)
 *   APM1, APM2, APM3  AMD64 Architecture Programmer's Manual, Volume 1 (application
 *                     programming: 3.7.9 Branching in 64-Bit Mode), Volume 2 (system
 *                     programming: 15 Secure Virtual Machine), Volume 3 (general-purpose and
 *                     system instruction reference, by instruction page; Table B-1)
 *   ISE               Intel Architecture Instruction Set Extensions Programming Reference
 *   FRED              Intel Flexible Return and Event Delivery (FRED) specification
 *   TDX               Intel TDX module specification (the SEAM instructions)
 * Class: privileged = #GP or #UD at CPL 3 in the PV configuration (CR4.UMIP, TSD, PCE, SMXE
 * clear; IOPL 0 for the IOPL rows); sensitive = runs at CPL 3 yet reveals or changes state the
 * VMM virtualises, so the load-time scan must patch it.
 */
#include "privileged_table.h"

#define NO  TABLE_NEITHER
#define PV  TABLE_PRIVILEGED
#define IO  TABLE_IOPL
#define SE  TABLE_SENSITIVE
#define NAT TABLE_NATIVE
#define MIO TABLE_MMIO
#define EMU TABLE_EMULATE
#define REF TABLE_REFLECT
#define DEL TABLE_DELIVER

/* Same length for both vendors. */
#define ROW(bytes, text, length, cls, disposition, mnemonic, source)                               \
    {                                                                                              \
        bytes, text, length, length, cls, disposition, X86DEC_MN_##mnemonic, 0, 0, source          \
    }
/* No instruction on either vendor (#UD). */
#define UNDEFINED(bytes, text, source)                                                             \
    {                                                                                              \
        bytes, text, 0, 0, NO, REF, X86DEC_MN_OTHER, 0, 0, source                                  \
    }
/* Newer than the reference decoder: listed in oracle.c's exclusion list. */
#define NEWER(bytes, text, length, mnemonic, source)                                               \
    {                                                                                              \
        bytes, text, length, length, PV, EMU, X86DEC_MN_##mnemonic, 0, TABLE_EXCLUDED_BOTH, source \
    }
/* Lengths that differ by vendor; `quirk` gives an Intel decode the AMD length. */
#define VENDOR(bytes, text, intel, amd, mnemonic, quirk, excluded, source)                         \
    {                                                                                              \
        bytes, text, intel, amd, NO, NAT, X86DEC_MN_##mnemonic, quirk, excluded, source            \
    }

const table_row_t privileged_table[] = {
        /* ---- data moves an MMIO access can fault on ---------------------------------------- */
        ROW("89 07", "mov [rdi], eax", 2, NO, MIO, MOV, "SDM2 MOV; APM3 MOV"),
        ROW("8b 47 10", "mov eax, [rdi+0x10]", 3, NO, MIO, MOV, "SDM2 MOV; APM3 MOV"),
        ROW("a1 88 77 66 55 44 33 22 11", "mov eax, [moffs64]", 9, NO, MIO, MOV,
            "SDM2 MOV; APM3 MOV"),
        ROW("c7 00 78 56 34 12", "mov dword [rax], 0x12345678", 6, NO, MIO, MOV,
            "SDM2 MOV; APM3 MOV"),
        ROW("0f b6 06", "movzx eax, byte [rsi]", 3, NO, MIO, MOVZX, "SDM2 MOVZX; APM3 MOVZX"),
        ROW("0f bf 06", "movsx eax, word [rsi]", 3, NO, MIO, MOVSX, "SDM2 MOVSX; APM3 MOVSX"),
        ROW("48 63 06", "movsxd rax, dword [rsi]", 3, NO, MIO, MOVSXD, "SDM2 MOVSXD; APM3 MOVSXD"),
        ROW("f3 a4", "rep movsb", 2, NO, MIO, MOVS, "SDM2 MOVS; APM3 MOVS"),
        ROW("f3 48 ab", "rep stosq", 3, NO, MIO, STOS, "SDM2 STOS; APM3 STOS"),

        /* ---- control and debug registers ----------------------------------------------------- */
        ROW("0f 20 d8", "mov rax, cr3", 3, PV, EMU, MOV_FROM_CR, "SDM2 MOV-CR; APM3 MOV CRn"),
        ROW("0f 22 d8", "mov cr3, rax", 3, PV, EMU, MOV_TO_CR, "SDM2 MOV-CR; APM3 MOV CRn"),
        ROW("0f 22 e0", "mov cr4, rax", 3, PV, EMU, MOV_TO_CR, "SDM2 MOV-CR; APM3 MOV CRn"),
        ROW("44 0f 20 c0", "mov rax, cr8", 4, PV, EMU, MOV_FROM_CR, "SDM2 MOV-CR; APM3 MOV CRn"),
        ROW("44 0f 22 c0", "mov cr8, rax", 4, PV, EMU, MOV_TO_CR, "SDM2 MOV-CR; APM3 MOV CRn"),
        UNDEFINED("0f 20 c8", "mov rax, cr1", "SDM2 MOV-CR (#UD for CR1, CR5-7, CR9-15)"),
        ROW("0f 21 f8", "mov rax, dr7", 3, PV, EMU, MOV_FROM_DR, "SDM2 MOV-DR; APM3 MOV DRn"),
        ROW("0f 23 c0", "mov dr0, rax", 3, PV, EMU, MOV_TO_DR, "SDM2 MOV-DR; APM3 MOV DRn"),
        UNDEFINED("44 0f 21 c0", "mov rax, dr8", "SDM2 MOV-DR (#UD for DR8-15)"),

        /* ---- port I/O and the interrupt flag (IOPL-sensitive) -------------------------------- */
        ROW("e4 60", "in al, 0x60", 2, IO, EMU, IN, "SDM2 IN; APM3 IN; SDM1 I/O privilege level"),
        ROW("66 ed", "in ax, dx", 2, IO, EMU, IN, "SDM2 IN; APM3 IN"),
        ROW("e6 80", "out 0x80, al", 2, IO, EMU, OUT, "SDM2 OUT; APM3 OUT"),
        ROW("ef", "out dx, eax", 1, IO, EMU, OUT, "SDM2 OUT; APM3 OUT"),
        ROW("f3 6c", "rep insb", 2, IO, EMU, INS, "SDM2 INS; APM3 INS"),
        ROW("66 6f", "outsw", 2, IO, EMU, OUTS, "SDM2 OUTS; APM3 OUTS"),
        ROW("fa", "cli", 1, IO, EMU, CLI, "SDM2 CLI; APM3 CLI"),
        ROW("fb", "sti", 1, IO, EMU, STI, "SDM2 STI; APM3 STI"),

        /* ---- MSRs ------------------------------------------------------------------------------ */
        ROW("0f 32", "rdmsr", 2, PV, EMU, RDMSR, "SDM2 RDMSR; APM3 RDMSR"),
        ROW("0f 30", "wrmsr", 2, PV, EMU, WRMSR, "SDM2 WRMSR; APM3 WRMSR"),
        ROW("2e 0f 30", "cs wrmsr (Linux's non-serialising hint)", 3, PV, EMU, WRMSR, "SDM2 WRMSR"),
        NEWER("0f 01 c6", "wrmsrns", 3, WRMSRNS, "SDM2 WRMSRNS"),
        NEWER("f2 0f 01 c6", "rdmsrlist", 4, RDMSRLIST, "SDM2 RDMSRLIST"),
        NEWER("f3 0f 01 c6", "wrmsrlist", 4, WRMSRLIST, "SDM2 WRMSRLIST"),
        UNDEFINED("66 0f 01 c6", "66 0f 01 c6", "SDM2 opcode map (0F 01 C6 has no 66 form)"),
        NEWER("c4 e7 7b f6 c0 78 56 34 12", "rdmsr rax, 0x12345678", 9, RDMSR_IMM,
              "ISE RDMSR (VEX.128.F2.M7.W0 F6 /0 id)"),
        NEWER("c4 c7 7b f6 c1 7b 00 00 00", "rdmsr r9, 0x7b", 9, RDMSR_IMM,
              "ISE RDMSR (VEX.B extends ModRM.rm)"),
        NEWER("c4 e7 7a f6 c0 78 56 34 12", "wrmsrns 0x12345678, rax", 9, WRMSRNS_IMM,
              "ISE WRMSRNS (VEX.128.F3.M7.W0 F6 /0 id)"),
        NEWER("2e c4 e7 7a f6 c0 78 56 34 12", "cs wrmsrns 0x12345678, rax (Linux's form)", 10,
              WRMSRNS_IMM, "ISE WRMSRNS"),
        UNDEFINED("c4 e7 7b f6 c8 78 56 34 12", "VEX map 7 F6 /1", "ISE RDMSR (only /0)"),
        UNDEFINED("c4 e7 fb f6 c0 78 56 34 12", "VEX map 7 F6 with W1", "ISE RDMSR (W0 only)"),
        UNDEFINED("c4 e7 7b f6 00 78 56 34 12", "VEX map 7 F6, memory form",
                  "ISE RDMSR (register operand only)"),

        /* ---- halt, flags, interrupt return ----------------------------------------------------- */
        ROW("f4", "hlt", 1, PV, EMU, HLT, "SDM2 HLT; APM3 HLT"),
        ROW("9c", "pushfq", 1, SE, EMU, PUSHF, "SDM2 PUSHF (the host's IF and IOPL); APM3 PUSHF"),
        ROW("66 9c", "pushf", 2, SE, EMU, PUSHF, "SDM2 PUSHF; APM3 PUSHF"),
        ROW("9d", "popfq", 1, SE, EMU, POPF, "SDM2 POPF (IF, IOPL silently kept); APM3 POPF"),
        ROW("48 cf", "iretq", 2, SE, EMU, IRET, "SDM2 IRET; APM3 IRET"),
        ROW("cf", "iretd", 1, SE, EMU, IRET, "SDM2 IRET; APM3 IRET"),
        ROW("66 cf", "iret", 2, SE, EMU, IRET, "SDM2 IRET; APM3 IRET"),

        /* ---- descriptor tables, task register, machine status word (UMIP) --------------------- */
        ROW("0f 01 17", "lgdt [rdi]", 3, PV, EMU, LGDT, "SDM2 LGDT/LIDT; APM3 LGDT"),
        ROW("0f 01 1f", "lidt [rdi]", 3, PV, EMU, LIDT, "SDM2 LGDT/LIDT; APM3 LIDT"),
        ROW("0f 00 d0", "lldt ax", 3, PV, EMU, LLDT, "SDM2 LLDT; APM3 LLDT"),
        ROW("0f 00 d8", "ltr ax", 3, PV, EMU, LTR, "SDM2 LTR; APM3 LTR"),
        ROW("0f 01 07", "sgdt [rdi]", 3, SE, EMU, SGDT, "SDM2 SGDT; APM3 SGDT; SDM3 2.5 CR4.UMIP"),
        ROW("0f 01 0f", "sidt [rdi]", 3, SE, EMU, SIDT, "SDM2 SIDT; APM3 SIDT; SDM3 2.5 CR4.UMIP"),
        ROW("0f 00 c0", "sldt eax", 3, SE, EMU, SLDT, "SDM2 SLDT; APM3 SLDT; SDM3 2.5 CR4.UMIP"),
        ROW("0f 00 08", "str [rax]", 3, SE, EMU, STR, "SDM2 STR; APM3 STR; SDM3 2.5 CR4.UMIP"),
        ROW("0f 01 e0", "smsw eax", 3, SE, EMU, SMSW, "SDM2 SMSW; APM3 SMSW; SDM3 2.5 CR4.UMIP"),
        ROW("0f 01 20", "smsw [rax]", 3, SE, EMU, SMSW, "SDM2 SMSW; APM3 SMSW"),
        ROW("0f 01 f0", "lmsw ax", 3, PV, EMU, LMSW, "SDM2 LMSW; APM3 LMSW"),
        ROW("0f 06", "clts", 2, PV, EMU, CLTS, "SDM2 CLTS; APM3 CLTS"),
        ROW("0f 02 c1", "lar eax, ecx", 3, SE, EMU, LAR, "SDM2 LAR; APM3 LAR"),
        ROW("48 0f 02 01", "lar rax, word [rcx]", 4, SE, EMU, LAR, "SDM2 LAR; APM3 LAR"),
        ROW("0f 03 01", "lsl eax, word [rcx]", 3, SE, EMU, LSL, "SDM2 LSL; APM3 LSL"),
        ROW("0f 00 e0", "verr ax", 3, SE, EMU, VERR, "SDM2 VERR/VERW; APM3 VERR"),
        ROW("0f 00 28", "verw [rax]", 3, SE, EMU, VERW, "SDM2 VERR/VERW; APM3 VERW"),
        UNDEFINED("0f 00 f8", "0f 00 /7", "SDM2 opcode map (group 6)"),
        UNDEFINED("0f 00 f0", "0f 00 /6 without F2", "SDM2 LKGS (F2 only)"),

        /* ---- TLBs and caches ------------------------------------------------------------------- */
        ROW("0f 01 38", "invlpg [rax]", 3, PV, EMU, INVLPG, "SDM2 INVLPG; APM3 INVLPG"),
        ROW("66 0f 38 82 01", "invpcid rax, [rcx]", 5, PV, EMU, INVPCID, "SDM2 INVPCID"),
        ROW("0f 08", "invd", 2, PV, EMU, INVD, "SDM2 INVD; APM3 INVD"),
        ROW("0f 09", "wbinvd", 2, PV, EMU, WBINVD, "SDM2 WBINVD; APM3 WBINVD"),
        ROW("f3 0f 09", "wbnoinvd", 3, PV, EMU, WBNOINVD, "SDM2 WBNOINVD; APM3 WBNOINVD"),

        /* ---- system calls and the GS swap ----------------------------------------------------- */
        ROW("0f 01 f8", "swapgs", 3, PV, EMU, SWAPGS, "SDM2 SWAPGS; APM3 SWAPGS"),
        ROW("0f 05", "syscall", 2, NO, DEL, SYSCALL,
            "SDM2 SYSCALL; APM3 SYSCALL (the kernel hands a PV guest's SYSCALL to the VMM)"),
        ROW("48 0f 07", "sysretq", 3, PV, EMU, SYSRET, "SDM2 SYSRET; APM3 SYSRET"),
        ROW("0f 07", "sysretd", 2, PV, EMU, SYSRET, "SDM2 SYSRET; APM3 SYSRET"),
        ROW("0f 34", "sysenter", 2, NO, DEL, SYSENTER,
            "SDM2 SYSENTER; APM3 SYSENTER (#UD in long mode on AMD)"),
        ROW("0f 35", "sysexitd", 2, PV, EMU, SYSEXIT, "SDM2 SYSEXIT; APM3 SYSEXIT"),
        ROW("48 0f 35", "sysexitq", 3, PV, EMU, SYSEXIT, "SDM2 SYSEXIT"),

        /* ---- identification, time, counters --------------------------------------------------- */
        ROW("0f a2", "cpuid", 2, SE, EMU, CPUID,
            "SDM2 CPUID; APM3 CPUID (faults only with CPUID faulting)"),
        ROW("0f 31", "rdtsc", 2, SE, EMU, RDTSC,
            "SDM2 RDTSC; APM3 RDTSC (#GP at CPL 3 only with CR4.TSD)"),
        ROW("0f 01 f9", "rdtscp", 3, SE, EMU, RDTSCP, "SDM2 RDTSCP; APM3 RDTSCP"),
        ROW("0f 33", "rdpmc", 2, PV, EMU, RDPMC,
            "SDM2 RDPMC; APM3 RDPMC (#GP at CPL 3 unless CR4.PCE)"),
        ROW("f3 0f c7 f8", "rdpid rax", 4, SE, EMU, RDPID, "SDM2 RDPID; APM3 RDPID (IA32_TSC_AUX)"),
        ROW("f3 41 0f c7 f9", "rdpid r9", 5, SE, EMU, RDPID, "SDM2 RDPID; APM3 RDPID"),
        ROW("0f c7 f8", "rdseed eax", 3, NO, NAT, OTHER, "SDM2 RDSEED; APM3 RDSEED"),

        /* ---- extended state -------------------------------------------------------------------- */
        ROW("0f 01 d1", "xsetbv", 3, PV, EMU, XSETBV, "SDM2 XSETBV; APM3 XSETBV"),
        ROW("0f 01 d0", "xgetbv", 3, SE, EMU, XGETBV,
            "SDM2 XGETBV; APM3 XGETBV (XCR0, which the guest sets through XSETBV)"),
        ROW("0f c7 28", "xsaves [rax]", 3, PV, REF, OTHER, "SDM2 XSAVES; APM3 XSAVES"),
        ROW("0f c7 18", "xrstors [rax]", 3, PV, REF, OTHER, "SDM2 XRSTORS; APM3 XRSTORS"),
        ROW("0f 01 ee", "rdpkru", 3, SE, EMU, RDPKRU, "SDM2 RDPKRU; APM3 RDPKRU"),
        ROW("0f 01 ef", "wrpkru", 3, SE, EMU, WRPKRU, "SDM2 WRPKRU; APM3 WRPKRU"),

        /* ---- FS and GS bases (CPL 3 may use them while the kernel sets CR4.FSGSBASE) --------- */
        ROW("f3 0f ae c0", "rdfsbase eax", 4, SE, EMU, RDFSBASE, "SDM2 RDFSBASE; APM3 RDFSBASE"),
        ROW("f3 48 0f ae c8", "rdgsbase rax", 5, SE, EMU, RDGSBASE, "SDM2 RDGSBASE; APM3 RDGSBASE"),
        ROW("f3 48 0f ae d0", "wrfsbase rax", 5, SE, EMU, WRFSBASE, "SDM2 WRFSBASE; APM3 WRFSBASE"),
        ROW("f3 0f ae d8", "wrgsbase eax", 4, SE, EMU, WRGSBASE, "SDM2 WRGSBASE; APM3 WRGSBASE"),
        UNDEFINED("f3 0f ae 00", "F3 0F AE /0, memory form", "SDM2 opcode map (group 15)"),

        /* ---- segment registers ----------------------------------------------------------------- */
        ROW("8c c8", "mov eax, cs", 2, SE, EMU, MOV_FROM_SREG,
            "SDM2 MOV-Sreg; APM3 MOV (the RPL of CS and SS is the CPL)"),
        ROW("8c 10", "mov [rax], ss", 2, SE, EMU, MOV_FROM_SREG, "SDM2 MOV-Sreg; APM3 MOV"),
        ROW("48 8c d8", "mov rax, ds", 3, NO, NAT, MOV_FROM_SREG,
            "SDM2 MOV-Sreg (a selector the guest loaded itself)"),
        ROW("8c 20", "mov [rax], fs", 2, NO, NAT, MOV_FROM_SREG, "SDM2 MOV-Sreg"),
        UNDEFINED("8c f0", "8c /6", "SDM2 MOV-Sreg (#UD for Sreg 6, 7)"),
        ROW("8e d8", "mov ds, eax", 2, SE, EMU, MOV_TO_SREG,
            "SDM2 MOV-Sreg; APM3 MOV (loads a descriptor from the GDT or LDT)"),
        ROW("8e d0", "mov ss, eax", 2, SE, EMU, MOV_TO_SREG, "SDM2 MOV-Sreg; APM3 MOV"),
        ROW("8e 20", "mov fs, [rax]", 2, SE, EMU, MOV_TO_SREG, "SDM2 MOV-Sreg; APM3 MOV"),
        ROW("48 8e e8", "mov gs, eax", 3, SE, EMU, MOV_TO_SREG, "SDM2 MOV-Sreg; APM3 MOV"),
        UNDEFINED("8e c8", "mov cs, eax", "SDM2 MOV-Sreg (#UD loading CS)"),
        ROW("0f a1", "pop fs", 2, SE, EMU, POP_SREG, "SDM2 POP; APM3 POP"),
        ROW("0f a9", "pop gs", 2, SE, EMU, POP_SREG, "SDM2 POP; APM3 POP"),
        ROW("66 0f a9", "pop gs (16-bit pop)", 3, SE, EMU, POP_SREG, "SDM2 POP; APM3 POP"),
        ROW("0f a0", "push fs", 2, NO, NAT, OTHER, "SDM2 PUSH; APM3 PUSH"),
        ROW("0f a8", "push gs", 2, NO, NAT, OTHER, "SDM2 PUSH; APM3 PUSH"),
        UNDEFINED("1f", "pop ds", "SDM2 POP (invalid in 64-bit mode)"),
        UNDEFINED("17", "pop ss", "SDM2 POP (invalid in 64-bit mode)"),
        UNDEFINED("0e", "push cs", "SDM2 PUSH (invalid in 64-bit mode)"),
        ROW("0f b2 10", "lss edx, [rax]", 3, SE, EMU, LSS, "SDM2 LSS; APM3 LSS"),
        ROW("48 0f b2 10", "lss rdx, [rax] (m16:64 on Intel, m16:32 on AMD)", 4, SE, EMU, LSS,
            "SDM2 LSS; APM3 Table B-1 (LSS: same as legacy mode)"),
        ROW("0f b4 10", "lfs edx, [rax]", 3, SE, EMU, LFS, "SDM2 LFS; APM3 LFS"),
        ROW("0f b5 10", "lgs edx, [rax]", 3, SE, EMU, LGS, "SDM2 LGS; APM3 LGS"),
        UNDEFINED("0f b2 c0", "lss with a register operand", "SDM2 LSS (#UD: register source)"),
        NEWER("f2 0f 00 f0", "lkgs ax", 4, LKGS, "FRED LKGS; SDM2 LKGS"),
        NEWER("f2 0f 00 30", "lkgs [rax]", 4, LKGS, "FRED LKGS; SDM2 LKGS"),
        NEWER("f2 0f 00 74 24 08", "lkgs [rsp+8]", 6, LKGS, "FRED LKGS; SDM2 LKGS"),

        /* ---- far transfers --------------------------------------------------------------------- */
        ROW("ff 18", "call far [rax]", 2, SE, EMU, CALL_FAR, "SDM2 CALL; APM3 CALL (Far)"),
        ROW("48 ff 18", "call far [rax] (m16:64 on Intel, m16:32 on AMD)", 3, SE, EMU, CALL_FAR,
            "SDM2 CALL; APM3 CALL (Far) (mem16:16 and mem16:32 only)"),
        ROW("ff 28", "jmp far [rax]", 2, SE, EMU, JMP_FAR, "SDM2 JMP; APM3 JMP (Far)"),
        ROW("48 ff 28", "jmp far [rax] (m16:64 on Intel, m16:32 on AMD)", 3, SE, EMU, JMP_FAR,
            "SDM2 JMP; APM3 JMP (Far) (a 16- or 32-bit offset)"),
        UNDEFINED("ff d8", "far call with a register operand", "SDM2 CALL (#UD)"),
        ROW("cb", "retf", 1, SE, EMU, RET_FAR, "SDM2 RET; APM3 RET (Far)"),
        ROW("48 cb", "retfq", 2, SE, EMU, RET_FAR, "SDM2 RET; APM3 RET (Far)"),
        ROW("ca 08 00", "retf 8", 3, SE, EMU, RET_FAR, "SDM2 RET; APM3 RET (Far)"),
        UNDEFINED("9a 00 00 00 00 08 00", "call far ptr16:32",
                  "SDM2 CALL (invalid in 64-bit mode)"),
        UNDEFINED("ea 00 00 00 00 08 00", "jmp far ptr16:32", "SDM2 JMP (invalid in 64-bit mode)"),

        /* ---- deliberate traps -------------------------------------------------------------------- */
        ROW("cd 80", "int 0x80", 2, NO, DEL, INT, "SDM2 INT n; APM3 INT"),
        ROW("cc", "int3", 1, NO, DEL, INT3, "SDM2 INT3; APM3 INT3"),
        ROW("f1", "int1", 1, NO, DEL, INT1, "SDM2 INT1; APM3 INT1"),
        {"ce", "into", 0, 0, NO, REF, X86DEC_MN_INTO, 0, 0, "SDM2 INTO (invalid in 64-bit mode)"},
        ROW("0f 0b", "ud2", 2, NO, DEL, UD2, "SDM2 UD; APM3 UD2"),
        ROW("0f b9 c0", "ud1 eax, eax", 3, NO, DEL, UD1, "SDM2 UD; APM3 UD1"),
        ROW("67 0f b9 40 10", "ud1 eax, [eax+0x10] (Linux's UBSAN trap)", 5, NO, DEL, UD1,
            "SDM2 UD"),
        {"0f ff c0", "ud0 (a ModRM on Intel; 0f ff alone on AMD)", 3, 2, NO, DEL, X86DEC_MN_UD0,
         X86DEC_OPT_UD0_SHORT, TABLE_EXCLUDED_AMD,
         "SDM2 UD (note 1: some CPUs take no ModRM); APM3 UD0"},

        /* ---- hypercalls: a VM exit at any CPL when the host is itself a guest ---------------- */
        ROW("0f 01 c1", "vmcall", 3, SE, EMU, VMCALL, "SDM3 VMCALL"),
        ROW("0f 01 d9", "vmmcall", 3, SE, EMU, VMMCALL, "APM3 VMMCALL"),

        /* ---- VMX --------------------------------------------------------------------------------- */
        ROW("f3 0f c7 30", "vmxon [rax]", 4, PV, REF, OTHER, "SDM3 VMXON"),
        ROW("0f 01 c4", "vmxoff", 3, PV, REF, OTHER, "SDM3 VMXOFF"),
        ROW("0f 01 c2", "vmlaunch", 3, PV, REF, OTHER, "SDM3 VMLAUNCH/VMRESUME"),
        ROW("0f 01 c3", "vmresume", 3, PV, REF, OTHER, "SDM3 VMLAUNCH/VMRESUME"),
        ROW("0f c7 30", "vmptrld [rax]", 3, PV, REF, OTHER, "SDM3 VMPTRLD"),
        ROW("0f c7 38", "vmptrst [rax]", 3, PV, REF, OTHER, "SDM3 VMPTRST"),
        ROW("66 0f c7 30", "vmclear [rax]", 4, PV, REF, OTHER, "SDM3 VMCLEAR"),
        ROW("0f 78 c1", "vmread rcx, rax", 3, PV, REF, OTHER, "SDM3 VMREAD"),
        ROW("0f 79 c1", "vmwrite rax, rcx", 3, PV, REF, OTHER, "SDM3 VMWRITE"),
        ROW("66 0f 38 80 01", "invept rax, [rcx]", 5, PV, REF, OTHER, "SDM3 INVEPT"),
        ROW("66 0f 38 81 01", "invvpid rax, [rcx]", 5, PV, REF, OTHER, "SDM3 INVVPID"),
        ROW("0f 01 d4", "vmfunc", 3, PV, REF, OTHER, "SDM3 VMFUNC (#UD outside VMX non-root)"),

        /* ---- SVM, SEV-SNP, TDX ------------------------------------------------------------------- */
        ROW("0f 01 d8", "vmrun", 3, PV, REF, OTHER, "APM3 VMRUN; APM2 15"),
        ROW("0f 01 da", "vmload", 3, PV, REF, OTHER, "APM3 VMLOAD"),
        ROW("0f 01 db", "vmsave", 3, PV, REF, OTHER, "APM3 VMSAVE"),
        ROW("0f 01 dc", "stgi", 3, PV, REF, OTHER, "APM3 STGI"),
        ROW("0f 01 dd", "clgi", 3, PV, REF, OTHER, "APM3 CLGI"),
        ROW("0f 01 de", "skinit", 3, PV, REF, OTHER, "APM3 SKINIT"),
        ROW("0f 01 df", "invlpga", 3, PV, REF, OTHER, "APM3 INVLPGA"),
        ROW("0f 01 fe", "invlpgb", 3, PV, REF, OTHER, "APM3 INVLPGB"),
        ROW("0f 01 ff", "tlbsync", 3, PV, REF, OTHER, "APM3 TLBSYNC"),
        ROW("f2 0f 01 ff", "pvalidate", 4, PV, REF, OTHER, "APM3 PVALIDATE"),
        ROW("f3 0f 01 fe", "rmpadjust", 4, PV, REF, OTHER, "APM3 RMPADJUST"),
        ROW("f2 0f 01 fe", "rmpupdate", 4, PV, REF, OTHER, "APM3 RMPUPDATE"),
        ROW("f3 0f 01 ff", "psmash", 4, PV, REF, OTHER, "APM3 PSMASH"),
        ROW("66 0f 01 cc", "tdcall", 4, PV, REF, OTHER, "TDX TDCALL"),
        ROW("66 0f 01 cf", "seamcall", 4, PV, REF, OTHER, "TDX SEAMCALL"),

        /* ---- SGX, SMX, SMM, enqueue ---------------------------------------------------------- */
        ROW("0f 01 cf", "encls", 3, PV, REF, OTHER, "SDM3 ENCLS"),
        ROW("0f 01 d7", "enclu", 3, NO, NAT, OTHER, "SDM3 ENCLU (the user-mode leaf functions)"),
        ROW("0f 01 c0", "enclv", 3, PV, REF, OTHER, "SDM3 ENCLV (VMX root operation only)"),
        ROW("0f 37", "getsec", 2, PV, REF, OTHER,
            "SDM2 GETSEC[CAPABILITIES] (#UD while CR4.SMXE = 0)"),
        ROW("0f aa", "rsm", 2, PV, REF, OTHER, "SDM2 RSM; APM3 RSM (#UD outside SMM)"),
        ROW("f3 0f 38 f8 01", "enqcmds rax, [rcx]", 5, PV, REF, OTHER,
            "SDM2 ENQCMDS (#GP at CPL > 0)"),
        ROW("f2 0f 38 f8 01", "enqcmd rax, [rcx]", 5, NO, NAT, OTHER, "SDM2 ENQCMD"),
        ROW("66 0f 38 f8 01", "movdir64b rax, [rcx]", 5, NO, NAT, OTHER, "SDM2 MOVDIR64B"),

        /* ---- waiting ----------------------------------------------------------------------------- */
        ROW("0f 01 c8", "monitor", 3, PV, EMU, MONITOR,
            "SDM2 MONITOR; APM3 MONITOR (#UD at CPL > 0)"),
        ROW("0f 01 c9", "mwait", 3, PV, EMU, MWAIT, "SDM2 MWAIT; APM3 MWAIT"),
        ROW("0f 01 fa", "monitorx", 3, NO, NAT, OTHER, "APM3 MONITORX (any CPL)"),
        ROW("0f 01 fb", "mwaitx", 3, NO, NAT, OTHER, "APM3 MWAITX (any CPL)"),
        ROW("66 0f ae f0", "tpause eax", 4, SE, EMU, TPAUSE,
            "SDM2 TPAUSE (any CPL; the deadline is the host's TSC)"),
        ROW("f2 0f ae f0", "umwait eax", 4, SE, EMU, UMWAIT,
            "SDM2 UMWAIT (any CPL; the deadline is the host's TSC)"),
        ROW("f3 0f ae f0", "umonitor rax", 4, NO, NAT, UMONITOR, "SDM2 UMONITOR"),
        ROW("67 f3 0f ae f0", "umonitor eax", 5, NO, NAT, UMONITOR, "SDM2 UMONITOR"),
        ROW("0f ae f0", "mfence", 3, NO, NAT, OTHER, "SDM2 MFENCE"),

        /* ---- SMAP and FRED ------------------------------------------------------------------------ */
        ROW("0f 01 ca", "clac", 3, PV, EMU, CLAC, "SDM2 CLAC; APM3 CLAC"),
        ROW("0f 01 cb", "stac", 3, PV, EMU, STAC, "SDM2 STAC; APM3 STAC"),
        NEWER("f2 0f 01 ca", "erets", 4, ERETS, "FRED ERETS"),
        NEWER("f3 0f 01 ca", "eretu", 4, ERETU, "FRED ERETU"),
        UNDEFINED("66 0f 01 ca", "66 0f 01 ca", "SDM2 CLAC (#UD with 66)"),

        /* ---- serialisation and CET ------------------------------------------------------------- */
        ROW("0f 01 e8", "serialize", 3, NO, NAT, OTHER, "SDM2 SERIALIZE"),
        ROW("f2 0f 01 e8", "xsusldtrk", 4, NO, NAT, OTHER, "SDM2 XSUSLDTRK"),
        ROW("f3 0f 01 e8", "setssbsy", 4, PV, REF, OTHER, "SDM2 SETSSBSY"),
        ROW("f3 0f ae 30", "clrssbsy [rax]", 4, PV, REF, OTHER, "SDM2 CLRSSBSY"),
        ROW("66 0f 38 f5 01", "wrussd [rcx], eax", 5, PV, REF, OTHER, "SDM2 WRUSSD/WRUSSQ"),
        ROW("f3 0f ae e8", "incsspd eax", 4, NO, NAT, OTHER, "SDM2 INCSSPD/INCSSPQ"),
        ROW("f3 48 0f ae e8", "incsspq rax", 5, NO, NAT, OTHER, "SDM2 INCSSPD/INCSSPQ"),
        ROW("f3 48 0f 1e c8", "rdsspq rax", 5, NO, NAT, OTHER, "SDM2 RDSSPD/RDSSPQ"),
        ROW("f3 0f 01 ea", "saveprevssp", 4, NO, NAT, OTHER, "SDM2 SAVEPREVSSP"),
        ROW("f3 0f 01 28", "rstorssp [rax]", 4, NO, NAT, OTHER, "SDM2 RSTORSSP"),
        ROW("0f 38 f6 01", "wrssd [rcx], eax", 4, NO, NAT, OTHER, "SDM2 WRSSD/WRSSQ"),
        ROW("f3 0f 1e fa", "endbr64", 4, NO, NAT, OTHER, "SDM2 ENDBR64"),

        /* ---- other supervisor instructions ---------------------------------------------------- */
        ROW("0f 01 c5", "pconfig", 3, PV, REF, OTHER, "SDM2 PCONFIG"),
        ROW("f3 0f 38 dc c1", "loadiwkey xmm0, xmm1", 5, PV, REF, OTHER, "SDM2 LOADIWKEY"),
        ROW("f3 0f 3a f0 c0 00", "hreset 0", 6, PV, REF, OTHER, "SDM2 HRESET"),

        /* ---- where the vendors decode the same bytes differently ------------------------------ */
        VENDOR("66 e8 10 00 00 00", "call rel32 (Intel); call rel16 (AMD)", 6, 4, OTHER, 0, 0,
               "SDM2 CALL (66 ignored in 64-bit mode); APM1 3.7.9 Table 3-9"),
        VENDOR("66 e9 10 00 00 00", "jmp rel32 (Intel); jmp rel16 (AMD)", 6, 4, OTHER, 0, 0,
               "SDM2 JMP; APM1 3.7.9 Table 3-9"),
        VENDOR("66 0f 84 10 00 00 00", "je rel32 (Intel); je rel16 (AMD)", 7, 5, OTHER, 0, 0,
               "SDM2 Jcc; APM1 3.7.9 Table 3-9"),
        ROW("66 48 e8 10 00 00 00", "call rel32 (REX.W wins over 66)", 7, NO, NAT, OTHER,
            "APM1 3.2.2 (REX takes precedence over 66)"),
        ROW("66 eb 10", "jmp rel8", 3, NO, NAT, OTHER, "SDM2 JMP; APM1 3.7.9"),
        ROW("66 c3", "ret", 2, NO, NAT, OTHER, "SDM2 RET; APM1 3.7.9"),
        ROW("66 ff d0", "call rax", 3, NO, NAT, OTHER, "SDM2 CALL; APM1 3.7.9"),
        ROW("f3 0f 1b 04 24", "bndmk bnd0, [rsp] (a hint NOP without MPX)", 5, NO, NAT, OTHER,
            "SDM2 BNDMK; SDM2 opcode map (0F 18-1F: NOP space)"),
        VENDOR("f3 0f 1b 20", "bndmk bnd4, [rax]", 0, 4, OTHER, X86DEC_OPT_NO_MPX, 0,
               "SDM2 BNDMK (#UD: BND4-7); a hint NOP without MPX"),
        VENDOR("f3 0f 1b 05 00 00 00 00", "bndmk bnd0, [rip]", 0, 8, OTHER, X86DEC_OPT_NO_MPX, 0,
               "SDM2 BNDMK (#UD: RIP-relative); a hint NOP without MPX"),
        VENDOR("66 0f 1a c4", "bndmov bnd0, bnd4", 0, 4, OTHER, X86DEC_OPT_NO_MPX, 0,
               "SDM2 BNDMOV (#UD: BND4-7); a hint NOP without MPX"),
        ROW("66 0f 1a c1", "bndmov bnd0, bnd1", 4, NO, NAT, OTHER, "SDM2 BNDMOV"),
        VENDOR("0f 1a 05 00 00 00 00", "bndldx bnd0, [rip]", 0, 7, OTHER, X86DEC_OPT_NO_MPX, 0,
               "SDM2 BNDLDX (#UD: RIP-relative); a hint NOP without MPX"),
        ROW("f2 0f 1a 00", "bndcu bnd0, [rax]", 4, NO, NAT, OTHER, "SDM2 BNDCU/BNDCN"),
        UNDEFINED("f0 f3 0f 1b 00", "lock bndmk", "SDM2 BNDMK (#UD: LOCK); LOCK on a NOP"),
};

const size_t privileged_table_rows = sizeof(privileged_table) / sizeof(privileged_table[0]);
