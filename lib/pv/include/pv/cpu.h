/*
 * The PV vCPU: the guest's processor state that the host processor does not hold for it (the
 * guest kernel runs at the host's CPL 3), and one entry point per event the VMM receives for the
 * vCPU thread. Each entry point decides what the guest gets (emulation, a fault delivered through
 * the guest's own IDT, an interrupt), changes the state only once that decision is final, and
 * tells the VMM how to go on (pv_outcome_t). It never touches anything but the pv_cpu_t and what
 * the environment (pv/env.h) lets it reach. docs/pv-vcpu.md describes the model.
 */
#ifndef PV_CPU_H
#define PV_CPU_H

#include <pv/memory.h>
#include <pv/walk.h>
#include <sel4/faults.h>
#include <sel4/user_context.h>

struct pv_env;

/* ---- RFLAGS, control registers, EFER (SDM Vol. 3A 2.3, 2.5; Vol. 1 3.4.3) ---- */

#define PV_RFLAGS_CF      (1ull << 0)
#define PV_RFLAGS_FIXED   (1ull << 1) /* always 1 */
#define PV_RFLAGS_PF      (1ull << 2)
#define PV_RFLAGS_AF      (1ull << 4)
#define PV_RFLAGS_ZF      (1ull << 6)
#define PV_RFLAGS_SF      (1ull << 7)
#define PV_RFLAGS_TF      (1ull << 8)
#define PV_RFLAGS_IF      (1ull << 9)
#define PV_RFLAGS_DF      (1ull << 10)
#define PV_RFLAGS_OF      (1ull << 11)
#define PV_RFLAGS_IOPL    (3ull << 12)
#define PV_RFLAGS_NT      (1ull << 14)
#define PV_RFLAGS_RF      (1ull << 16)
#define PV_RFLAGS_VM      (1ull << 17)
#define PV_RFLAGS_AC      (1ull << 18)
#define PV_RFLAGS_VIF     (1ull << 19)
#define PV_RFLAGS_VIP     (1ull << 20)
#define PV_RFLAGS_ID      (1ull << 21)
#define PV_RFLAGS_DEFINED 0x3f7fd5ull /* every flag bit that exists */

static inline unsigned pv_rflags_iopl(uint64_t rflags)
{
    return (unsigned)(rflags >> 12) & 3u;
}

#define PV_CR0_PE (1ull << 0)
#define PV_CR0_MP (1ull << 1)
#define PV_CR0_EM (1ull << 2)
#define PV_CR0_TS (1ull << 3)
#define PV_CR0_ET (1ull << 4)
#define PV_CR0_NE (1ull << 5)
#define PV_CR0_WP (1ull << 16)
#define PV_CR0_AM (1ull << 18)
#define PV_CR0_NW (1ull << 29)
#define PV_CR0_CD (1ull << 30)
#define PV_CR0_PG (1ull << 31)

#define PV_CR4_VME        (1ull << 0)
#define PV_CR4_PVI        (1ull << 1)
#define PV_CR4_TSD        (1ull << 2)
#define PV_CR4_DE         (1ull << 3)
#define PV_CR4_PSE        (1ull << 4)
#define PV_CR4_PAE        (1ull << 5)
#define PV_CR4_MCE        (1ull << 6)
#define PV_CR4_PGE        (1ull << 7)
#define PV_CR4_PCE        (1ull << 8)
#define PV_CR4_OSFXSR     (1ull << 9)
#define PV_CR4_OSXMMEXCPT (1ull << 10)
#define PV_CR4_UMIP       (1ull << 11)
#define PV_CR4_LA57       (1ull << 12)
#define PV_CR4_FSGSBASE   (1ull << 16)
#define PV_CR4_PCIDE      (1ull << 17)
#define PV_CR4_OSXSAVE    (1ull << 18)
#define PV_CR4_SMEP       (1ull << 20)
#define PV_CR4_SMAP       (1ull << 21)

#define PV_EFER_SCE (1ull << 0)
#define PV_EFER_LME (1ull << 8)
#define PV_EFER_LMA (1ull << 10)
#define PV_EFER_NXE (1ull << 11)

/* ---- segments (SDM Vol. 3A 3.4) ---- */

typedef enum {
    PV_SEG_ES = 0, /* encoding order, as x86dec numbers them */
    PV_SEG_CS,
    PV_SEG_SS,
    PV_SEG_DS,
    PV_SEG_FS,
    PV_SEG_GS,
    PV_SEG_COUNT
} pv_seg_t;

/*
 * A segment register's selector and the descriptor cache that matters to the guest. The
 * attributes use the layout of the VMX access-rights field (SDM Vol. 3C 24.4.1): bits 0-3 type,
 * 4 S (code/data), 5-6 DPL, 7 P, 12 AVL, 13 L, 14 D/B, 15 G, 16 unusable (a null selector was
 * loaded). FS and GS bases are the live ones (the host holds them while the guest runs).
 */
typedef struct pv_segment {
    uint16_t selector;
    uint32_t attributes;
    uint32_t limit; /* in bytes (granularity applied) */
    uint64_t base;
} pv_segment_t;

#define PV_SEG_ATTR_TYPE     0xfu
#define PV_SEG_ATTR_S        (1u << 4)
#define PV_SEG_ATTR_DPL      (3u << 5)
#define PV_SEG_ATTR_P        (1u << 7)
#define PV_SEG_ATTR_L        (1u << 13)
#define PV_SEG_ATTR_DB       (1u << 14)
#define PV_SEG_ATTR_G        (1u << 15)
#define PV_SEG_ATTR_UNUSABLE (1u << 16)

/* Type bits of code and data segments (S = 1). */
#define PV_SEG_TYPE_ACCESSED   0x1u
#define PV_SEG_TYPE_WRITABLE   0x2u /* data */
#define PV_SEG_TYPE_READABLE   0x2u /* code */
#define PV_SEG_TYPE_CONFORMING 0x4u /* code */
#define PV_SEG_TYPE_CODE       0x8u

static inline unsigned pv_seg_attr_dpl(uint32_t attributes)
{
    return (attributes >> 5) & 3u;
}

static inline unsigned pv_seg_attr_type(uint32_t attributes)
{
    return attributes & PV_SEG_ATTR_TYPE;
}

/* GDTR and IDTR. */
typedef struct pv_table_register {
    uint64_t base;
    uint16_t limit;
} pv_table_register_t;

/* ---- the vCPU ---- */

/* The code the guest runs (SDM Vol. 3A 2.2, 9.8.5). */
typedef enum {
    PV_MODE_PROTECTED32 = 0, /* legacy protected mode, EFER.LMA = 0, 32-bit code: the boot path */
    PV_MODE_COMPAT,          /* IA-32e mode, CS.L = 0, CS.D = 1: 32-bit code */
    PV_MODE_LONG,            /* IA-32e mode, CS.L = 1: 64-bit code */
} pv_mode_t;

typedef enum {
    PV_VENDOR_INTEL = 0,
    PV_VENDOR_AMD,
} pv_vendor_t;

/* What the VMM offers the guest (it must match the CPUID policy the guest sees). */
#define PV_CPU_F_NX       (1u << 0)  /* EFER.NXE */
#define PV_CPU_F_SMEP     (1u << 1)  /* CR4.SMEP */
#define PV_CPU_F_SMAP     (1u << 2)  /* CR4.SMAP, STAC/CLAC */
#define PV_CPU_F_UMIP     (1u << 3)  /* CR4.UMIP */
#define PV_CPU_F_FSGSBASE (1u << 4)  /* CR4.FSGSBASE, RD/WR FS/GS BASE emulated */
#define PV_CPU_F_PCID     (1u << 5)  /* CR4.PCIDE */
#define PV_CPU_F_INVPCID  (1u << 6)  /* INVPCID */
#define PV_CPU_F_XSAVE    (1u << 7)  /* CR4.OSXSAVE, XGETBV/XSETBV */
#define PV_CPU_F_RDTSCP   (1u << 8)  /* RDTSCP, and IA32_TSC_AUX */
#define PV_CPU_F_RDPID    (1u << 9)  /* RDPID */
#define PV_CPU_F_PAGE1GB  (1u << 10) /* 1 GiB pages (the walker's business, kept for it) */

typedef struct pv_cpu_config {
    pv_vendor_t vendor;
    uint32_t features;       /* PV_CPU_F_* */
    uint8_t phys_addr_bits;  /* the guest's MAXPHYADDR, 32 to 52 */
    uint64_t xcr0_supported; /* XSETBV may set these bits (x87 and SSE at least with XSAVE) */
    unsigned max_rep;        /* REP INS/OUTS iterations per trap (0: 4096); then resumed */
} pv_cpu_config_t;

/* An exception being delivered, for the double-fault rules (SDM Vol. 3A 6.15, Table 6-5). */
typedef struct pv_delivery {
    bool active;
    uint8_t vector;
} pv_delivery_t;

typedef struct pv_cpu {
    pv_cpu_config_t config;

    /* General registers in encoding order: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15. */
    uint64_t gpr[16];
    uint64_t rip;
    /*
     * The guest's RFLAGS as the guest sees it: the host holds the arithmetic flags, TF, DF, AC
     * and ID; IF, IOPL, NT, RF, VM, VIF and VIP live only here (the host forces IF = 1 and
     * IOPL = 0 on the vCPU thread). With the PV page's fast path on, the page holds IF.
     */
    uint64_t rflags;
    pv_mode_t mode;
    unsigned cpl; /* 0-3; the guest kernel is CPL 0, its user mode CPL 3 */

    uint64_t cr0, cr2, cr3, cr4;
    uint64_t efer;
    uint64_t xcr0;
    uint64_t dr[8]; /* DR0-DR3, DR6, DR7 (4 and 5 unused): kept, never armed on the host */

    uint64_t star, lstar, cstar, sfmask;
    uint64_t kernel_gs_base;
    uint64_t tsc_aux;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t pat;

    pv_segment_t seg[PV_SEG_COUNT];
    pv_segment_t ldtr, tr;
    pv_table_register_t gdtr, idtr;

    /* Blocking and waiting (SDM Vol. 3A 6.8.3, 6.7.1). */
    bool interrupt_shadow; /* after STI or MOV SS: no interrupt before the next instruction ends */
    uint64_t shadow_rip;   /* the instruction the shadow covers */
    bool shadow_step;      /* TF is set on the host to end the shadow after one instruction */
    bool guest_tf;         /* the guest's own TF while shadow_step borrows it */
    bool nmi_blocked;      /* from an NMI's delivery to the next IRET */
    bool halted;           /* HLT: waiting for an interrupt */
    pv_delivery_t delivery;

    /* Counters for statistics (never read by the emulation). */
    uint64_t emulated, delivered, injected;
} pv_cpu_t;

/* ---- what the VMM does next ---- */

typedef enum {
    PV_OUTCOME_RESUME = 0, /* reply to the fault with pv_cpu_store_registers and code_segment */
    PV_OUTCOME_HALT,       /* HLT: no reply; call pv_cpu_inject when an interrupt may be due */
    PV_OUTCOME_END,        /* end the VM: reason and report */
} pv_outcome_kind_t;

/* The shadow address space the guest runs in: its kernel's (CPL 0-2) or its user mode's. */
typedef enum {
    PV_VIEW_KERNEL = 0,
    PV_VIEW_USER,
} pv_view_t;

typedef enum {
    PV_END_NONE = 0,
    PV_END_TRIPLE_FAULT, /* a fault while delivering #DF (report: the vector that failed) */
    PV_END_EXIT,         /* the guest asked to end (hypercall EXIT; exit_status) */
    PV_END_UNSUPPORTED,  /* something not offered to PV guests (16-bit code, a 32-bit IDT) */
    PV_END_BAD_MEMORY,   /* guest state the vCPU must read lies outside RAM or in MMIO */
    PV_END_BAD_EVENT,    /* an event the state cannot explain (the host's code segment, ...) */
} pv_end_reason_t;

/* Why the VM ended, for the VMM's report line. */
typedef struct pv_report {
    uint8_t vector;      /* the exception or interrupt being handled, or PV_REPORT_NO_VECTOR */
    uint32_t error_code; /* its error code, if any */
    uint64_t rip;        /* the guest's RIP when it happened */
    uint64_t address;    /* the address concerned (a table, a stack, CR2), or 0 */
    const char *what;    /* a constant string saying what failed */
} pv_report_t;

#define PV_REPORT_NO_VECTOR 0xffu

typedef struct pv_outcome {
    pv_outcome_kind_t kind;
    pv_view_t view;         /* the view to run the guest in now */
    bool view_changed;      /* differs from the view before this event */
    seL4_Word code_segment; /* seL4_X86_CodeSegment64 or seL4_X86_CodeSegment32 */
    bool irq_window;        /* an interrupt waits for IF, the shadow or an NMI's IRET */
    pv_end_reason_t reason; /* PV_OUTCOME_END */
    uint64_t exit_status;   /* PV_END_EXIT */
    pv_report_t report;     /* PV_OUTCOME_END */
} pv_outcome_t;

/* ---- set-up ---- */

/* The architectural reset state of the parts that have one (no entry yet: use the boot calls). */
void pv_cpu_init(pv_cpu_t *cpu, const pv_cpu_config_t *config);

/*
 * The PVH entry (Xen's HVM direct boot ABI, "PVH start info"): 32-bit protected mode, paging
 * off, CS a flat 32-bit code segment, DS/ES/SS flat data, TR a 32-bit TSS, IF = 0, EBX = the
 * start-info structure's guest-physical address, CR0 = PE | ET, CR4 = EFER = 0.
 */
void pv_cpu_boot_pvh(pv_cpu_t *cpu, uint32_t entry, uint32_t start_info);

/*
 * The multiboot1 entry (Multiboot Specification 0.6.96, 3.2): as PVH, with EAX = 0x2BADB002 and
 * EBX = the multiboot information structure's guest-physical address.
 */
#define PV_MULTIBOOT1_MAGIC 0x2badb002u
void pv_cpu_boot_multiboot1(pv_cpu_t *cpu, uint32_t entry, uint32_t info);

/*
 * A 64-bit entry (a loader that built the guest's page tables itself): long mode, paging on
 * with cr3, CPL 0, CS a 64-bit code segment (selector 0x08, DPL 0, cached without a GDT) and
 * SS/DS/ES flat data (0x10), RSI = boot_parameter, RSP = stack.
 */
void pv_cpu_boot_long(pv_cpu_t *cpu, uint64_t entry, uint64_t cr3, uint64_t stack,
                      uint64_t boot_parameter);

/* ---- registers to and from the kernel's fault messages ---- */

/*
 * Takes the registers of a fault message (seL4_UserContext order) and its code segment word.
 * The host's RFLAGS contributes only the flags the host lets the thread own (arithmetic, TF,
 * DF, AC, ID); the rest stays as the vCPU keeps it. False, with nothing changed, when the code
 * segment is not the one the vCPU's mode runs in (the guest changed its mode behind the VMM's
 * back: a far transfer through the host's own descriptors); the VMM then ends the VM.
 */
bool pv_cpu_load_registers(pv_cpu_t *cpu, const seL4_UserContext *regs, seL4_Word code_segment);

/* The same from the words of a fault message (seL4_Fault_MessageLength of them). */
bool pv_cpu_load_message(pv_cpu_t *cpu, const seL4_Word *message);

/*
 * The registers to reply with (or to write with TCB_WriteRegisters): the host's view of RFLAGS
 * (IF set, IOPL 0; TF while a shadow step runs). RIP and RSP are what the guest has; a value
 * the kernel would refuse (not canonical) never gets here: the emulation faults instead.
 */
void pv_cpu_store_registers(const pv_cpu_t *cpu, seL4_UserContext *regs);

/* The host code segment of the vCPU's mode (seL4_X86_CodeSegment64 in 64-bit mode, else _32). */
seL4_Word pv_cpu_code_segment(const pv_cpu_t *cpu);

/* The view the vCPU's CPL runs in. */
pv_view_t pv_cpu_view(const pv_cpu_t *cpu);

/* The paging state for the walker (pv/walk.h). */
pv_paging_t pv_cpu_paging(const pv_cpu_t *cpu);

/* ---- events: each fills *out and returns out->kind ---- */

/*
 * A UserException fault of the vCPU thread (vector and error code from the message, registers
 * loaded). The faulting instruction is fetched through the guest's page tables and emulated
 * when it is a privileged or sensitive one the guest may execute at its CPL (#GP from the host
 * for MOV CR, HLT, IN/OUT, INT n, ...; #UD for VMCALL/VMMCALL, SWAPGS in compatibility mode,
 * WRFSBASE, ...); otherwise, and for every other vector, the guest gets the exception it would
 * get on hardware through its own IDT. #DB ends an interrupt shadow begun by STI.
 */
pv_outcome_kind_t pv_cpu_handle_exception(pv_cpu_t *cpu, const struct pv_env *env, unsigned vector,
                                          uint64_t error_code, pv_outcome_t *out);

/*
 * A VMFault that the software TLB reflects to the guest: #PF with CR2 = address and the error
 * code the guest's own page tables give (the TLB's answer, not the host's FSR).
 */
pv_outcome_kind_t pv_cpu_handle_page_fault(pv_cpu_t *cpu, const struct pv_env *env,
                                           uint64_t address, uint32_t error_code,
                                           pv_outcome_t *out);

/*
 * A VMFault at a guest-virtual address the software TLB found to be MMIO at guest-physical
 * `target`: the instruction (MOV, MOVZX, MOVSX, MOVSXD, STOS, MOVS of one element) is emulated
 * through env->mmio_read/mmio_write; anything else ends the VM (PV_END_UNSUPPORTED).
 */
pv_outcome_kind_t pv_cpu_handle_mmio(pv_cpu_t *cpu, const struct pv_env *env, uint64_t address,
                                     gpa_t target, pv_outcome_t *out);

/*
 * An UnknownSyscall fault: the guest executed SYSCALL (the host already set RCX to the next
 * RIP and R11 to its RFLAGS, and the message's RIP is the next instruction). Entered at the
 * guest's LSTAR (CSTAR from compatibility mode on AMD) with STAR's selectors and SFMASK, or #UD
 * when EFER.SCE is clear (or compatibility mode on Intel).
 */
pv_outcome_kind_t pv_cpu_handle_syscall(pv_cpu_t *cpu, const struct pv_env *env, pv_outcome_t *out);

/*
 * A trap at a patched site (pv/patch.h: pv_patch_trap_lookup found it): `address` is the site's
 * first byte (for an INT3 patch the #BP's RIP less one), `original` the instruction's bytes
 * before patching (1 to 15 of them), which are decoded and emulated in place of what memory
 * holds, at any CPL: in guest user code each family applies the rules of CPL 3 (CLI/STI #GP(0)
 * unless IOPL is 3, POPF keeping IF when IOPL < CPL, ...), and an instruction the vCPU does not
 * emulate is #UD there (the guest's user mode never ends the VM); at CPL 0 that ends the VM.
 */
pv_outcome_kind_t pv_cpu_handle_patch_site(pv_cpu_t *cpu, const struct pv_env *env,
                                           uint64_t address, const uint8_t *original, size_t length,
                                           pv_outcome_t *out);

/*
 * Injects what the interrupt controller has (env->intr_pending) if the guest can take it now:
 * IF set, no interrupt shadow, NMI not blocked for an NMI. A halted vCPU wakes. With nothing to
 * inject the outcome is RESUME (or HALT when still halted). The VMM calls it after an interrupt
 * source changed, with the registers loaded (a stopped vCPU thread's TCB_ReadRegisters).
 */
pv_outcome_kind_t pv_cpu_inject(pv_cpu_t *cpu, const struct pv_env *env, pv_outcome_t *out);

#endif
