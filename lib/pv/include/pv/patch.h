/*
 * The PV patch-point scanner: finds, when a guest kernel is loaded, the instructions that would run
 * silently at CPL 3 yet reveal or change state the VMM virtualises, by following the guest's
 * control flow from its entry points (never by sweeping bytes that may be data); patches them into
 * traps; and answers, at every trap, which site the guest hit. Freestanding; all state lives in
 * the caller's structures. docs/pv.md describes the whole mechanism.
 *
 * What becomes a site (pv_patch_site_t), from x86dec's classes:
 *   - every X86DEC_F_SENSITIVE instruction (PUSHF, POPF, IRET, CPUID, SGDT, MOV to a segment
 *     register, far CALL/JMP/RET, VMCALL, RDTSCP, ...) and, in 32-bit code, the 32-bit-only ones
 *     (POP ES/SS/DS, PUSH CS/SS, LES/LDS, direct far CALL/JMP): patched;
 *   - CLI and STI: privileged, so they fault by themselves (#GP, IOPL 0), but listed so that the
 *     kernel's fast path (sel4/pv.h) can complete them; their bytes are left as they are.
 * Other privileged instructions (MOV CR, WRMSR, HLT, IN/OUT, LGDT, ...) fault naturally at CPL 3
 * and are only counted.
 *
 * How a site traps (pv_patch_kind_t), the patch written over its first bytes:
 *   64-bit code, PUSHF (9C, no prefix)  -> 06 (#UD; the kernel's seL4_PVSite_PUSHF)
 *   64-bit code, POPF (9D, no prefix)   -> 07 (#UD; the kernel's seL4_PVSite_POPF)
 *   any other site of 2 bytes or more   -> 0F 0B (UD2) over its first two bytes, the rest kept
 *   any other 1-byte site               -> CC (INT3): in 64-bit code IRETD (CF), RETF (CB); in
 *                                          32-bit code also PUSHF, POPF, POP ES/SS/DS, PUSH CS/SS
 *                                          (06/07 are PUSH ES/POP ES there, so they cannot serve)
 *   CLI, STI                            -> nothing: the natural #GP
 * INT3 reports the address after it: a #BP whose RIP is A means the site at A - 1. A #UD or #GP
 * means the site at RIP itself. pv_patch_trap_lookup() applies these rules.
 *
 * Address spaces. A region maps guest-virtual [virtual_start, +length) to guest-physical
 * [physical_start, +length); every address the scan follows is looked up in the regions by its
 * guest-virtual (linear) value, whatever the mode. The 32-bit boot paths (PVH, multiboot1) run
 * with paging off, at linear = physical addresses: a kernel linked high (Linux at
 * 0xffffffff81000000 from physical 0x1000000) needs an identity region as well, which
 * pv_patch_regions_from_elf() adds with PV_PATCH_ELF_IDENTITY. Regions may alias the same
 * guest-physical bytes (that is what an identity region does) but never share a guest-virtual
 * byte; patches are applied to guest-physical memory, so the scan checks that the paths through
 * every alias agree on the patched bytes (conflicts, below).
 *
 * Control flow. From every entry the scan decodes instruction after instruction and follows:
 * fall-through (also after CALL, whose callee may return; after HLT, INT n, INT3, SYSCALL);
 * direct JMP and CALL targets; both arms of Jcc, LOOP/LOOPE/LOOPNE, JCXZ/JECXZ/JRCXZ, XBEGIN. It
 * stops after RET, IRET, SYSRET/SYSEXIT/ERETS/ERETU, JMP through a register or memory, UD0/UD1/
 * UD2 and far JMP/RET. Far transfers with a constant target are followed, their target decoded
 * as 64-bit code (from 32-bit code that is the boot protocols' switch to long mode; from 64-bit
 * code a reload of CS): JMP/CALL ptr16:32 (EA, 9A) from 32-bit code, and a far RET after the
 * push patterns  push $sel; push $off; lret  and  push $sel; {lea off(%rip)|lea off|mov $off},
 * %reg; push %reg; lret  (the offset a constant or RIP-relative). A far transfer whose target the
 * scan cannot tell (through memory, a computed offset) is a note. A branch target outside every
 * region, an instruction that runs past its region's end, an undefined encoding: a note, not
 * followed, not fatal. An instruction never spans two regions.
 *
 * Trust: the image is the guest's. Every limit (regions, guest RAM, capacities) is checked, every
 * report says where; nothing the image contains can make the scan read or write outside guest RAM
 * and the caller's buffers, or run for longer than a bounded number of decodes per region byte.
 */
#ifndef PV_PATCH_H
#define PV_PATCH_H

#include <elf/elf.h>
#include <pv/memory.h>
#include <sel4/pv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <x86dec/x86dec.h>

/* ---- input ------------------------------------------------------------------------------ */

#define PV_PATCH_REGIONS_MAX 32 /* executable regions per scan (an ELF has at most 16 segments) */

typedef enum {
    PV_PATCH_MODE_64 = 0, /* long mode, 64-bit code segment */
    PV_PATCH_MODE_32 = 1, /* 32-bit protected mode or compatibility mode (CS.D = 1) */
} pv_patch_mode_t;

typedef struct {
    gva_t virtual_start; /* the linear address the guest executes the first byte at */
    gpa_t physical_start;
    uint64_t length; /* > 0; neither range may reach 2^64 */
} pv_patch_region_t;

typedef enum {
    /* A boot entry: the guest starts there. Outside every region: PV_PATCH_ERR_ENTRY_OUTSIDE. */
    PV_PATCH_ORIGIN_BOOT = 0,
    /* A function symbol of the image (pv_patch_entries_from_elf: 64-bit code). A 64-bit one is
     * skipped where a 32-bit path reached the same guest-physical byte as an instruction start
     * (32-bit code marked as a function); every 32-bit entry, whatever its origin or place in
     * the input, is scanned before any 64-bit one, so that this does not depend on the order
     * of the entries. Outside every region: a note. */
    PV_PATCH_ORIGIN_SYMBOL = 1,
    /* An address the guest was seen to run at (or about to): a target of a control transfer
     * the VMM emulated, in the mode the guest runs there. Scanned after the symbols of its
     * mode; outside every region: a note. */
    PV_PATCH_ORIGIN_RUNTIME = 2,
} pv_patch_origin_t;

typedef struct {
    gva_t address;
    uint8_t mode;   /* pv_patch_mode_t */
    uint8_t origin; /* pv_patch_origin_t */
} pv_patch_entry_t;

/* pv_patch_input_t.flags */
#define PV_PATCH_OPT_NATIVE_RDTSC 0x1u /* leave RDTSC unpatched (the guest reads the real TSC) */

typedef struct {
    const pv_memory_t *memory; /* guest RAM holding the image as loaded */
    const pv_patch_region_t *regions;
    size_t region_count; /* 1 .. PV_PATCH_REGIONS_MAX */
    const pv_patch_entry_t *entries;
    size_t entry_count;
    x86dec_options_t decoder; /* the vendor and quirks the guest's CPU decodes with */
    uint32_t flags;           /* PV_PATCH_OPT_* */
    /* Scratch memory: at least pv_patch_workspace_size() bytes, 8-byte aligned. On return it
     * holds the scan's marks, which pv_patch_reached() reads; they are the caller's to drop. */
    void *workspace;
    size_t workspace_size;
} pv_patch_input_t;

/* ---- output ----------------------------------------------------------------------------- */

typedef enum {
    PV_PATCH_KIND_NONE = 0,
    PV_PATCH_KIND_CLI,   /* not patched: natural #GP (seL4_PVSite_CLI) */
    PV_PATCH_KIND_STI,   /* not patched: natural #GP (seL4_PVSite_STI) */
    PV_PATCH_KIND_PUSHF, /* 64-bit 9C -> 06: #UD (seL4_PVSite_PUSHF) */
    PV_PATCH_KIND_POPF,  /* 64-bit 9D -> 07: #UD (seL4_PVSite_POPF) */
    PV_PATCH_KIND_UD2,   /* first two bytes -> 0F 0B: #UD */
    PV_PATCH_KIND_INT3,  /* one byte -> CC: #BP with RIP = address + 1 */
    PV_PATCH_KIND_COUNT
} pv_patch_kind_t;

/* Mnemonic classes of 32-bit-only instructions, after x86dec's (pv_patch_site_t.mnemonic). */
enum {
    PV_PATCH_MN_PUSH_SREG = X86DEC_MN_COUNT, /* 06 0E 16 1E: PUSH ES/CS/SS/DS (CS, SS sites) */
    PV_PATCH_MN_POP_SREG32,                  /* 07 17 1F: POP ES/SS/DS */
    PV_PATCH_MN_LES,                         /* C4 /r, memory form */
    PV_PATCH_MN_LDS,                         /* C5 /r, memory form */
    PV_PATCH_MN_CALL_FAR_DIRECT,             /* 9A ptr16:32 */
    PV_PATCH_MN_JMP_FAR_DIRECT,              /* EA ptr16:32 */
    PV_PATCH_MN_INC_DEC,                     /* 40-4F */
    PV_PATCH_MN_LEGACY,                      /* PUSHA/POPA, DAA/DAS/AAA/AAS/AAM/AAD, SALC, BOUND,
                                              * ARPL */
    PV_PATCH_MN_COUNT
};

typedef struct {
    gva_t address;     /* the linear address of its first byte (RIP at a #UD or #GP) */
    gpa_t physical;    /* where its bytes are in guest RAM */
    uint8_t length;    /* 1 .. 15 */
    uint8_t modes;     /* bit (1 << pv_patch_mode_t) for each mode a path reached it in */
    uint8_t kind;      /* pv_patch_kind_t */
    uint8_t region;    /* index in the input's regions */
    uint16_t mnemonic; /* x86dec_mnemonic_t or PV_PATCH_MN_* */
    uint16_t reserved;
    uint32_t flags; /* x86dec's X86DEC_F_PRIVILEGED / _SENSITIVE / _IOPL of the original */
    uint8_t original[X86DEC_MAX_LENGTH]; /* the instruction's bytes before patching */
} pv_patch_site_t;

typedef struct {
    gva_t start;
    uint64_t length;
    uint8_t region;
} pv_patch_range_t;

/* Two reached instructions that share bytes but are not the same instruction. */
typedef struct {
    gva_t first;  /* the instruction decoded first ... */
    gva_t second; /* ... and the one whose bytes overlap it (a jump into its middle, a path
                   * through an alias, the other mode) */
    uint8_t first_length;
    uint8_t second_length;
    uint8_t first_mode;
    uint8_t second_mode;
    /* A site's patch would change bytes of the other instruction, or both are sites (the table
     * keeps one, and the other's path could not be emulated): pv_patch_apply() refuses. */
    bool breaks_patch;
} pv_patch_conflict_t;

typedef enum {
    PV_PATCH_NOTE_TARGET_OUTSIDE = 1, /* a branch or fall-through leaves every region */
    PV_PATCH_NOTE_TRUNCATED,          /* an instruction runs past its region's end */
    PV_PATCH_NOTE_INVALID,            /* an undefined encoding (#UD) where a path arrives */
    PV_PATCH_NOTE_TOO_LONG,           /* more than 15 bytes of prefixes and opcode (#GP) */
    PV_PATCH_NOTE_FAR_UNRESOLVED,     /* a far transfer whose target the scan cannot tell */
    PV_PATCH_NOTE_SYMBOL_OUTSIDE,     /* a function symbol outside every region */
    PV_PATCH_NOTE_SYMBOL_32BIT,       /* a function symbol skipped: 32-bit code is there */
    PV_PATCH_NOTE_RUNTIME_OUTSIDE,    /* a run-time entry outside every region */
    PV_PATCH_NOTE_COUNT
} pv_patch_note_kind_t;

typedef struct {
    uint8_t kind; /* pv_patch_note_kind_t */
    uint8_t mode;
    gva_t address; /* the instruction (or the symbol) */
    gva_t target;  /* TARGET_OUTSIDE: where it leads; FAR_*: the far transfer's offset if known */
} pv_patch_note_t;

typedef struct {
    uint64_t instructions[2]; /* decoded, by pv_patch_mode_t */
    uint64_t sites_by_kind[PV_PATCH_KIND_COUNT];
    uint64_t privileged;      /* privileged instructions left to fault (not sites) */
    uint64_t far_followed;    /* far transfers whose target was followed */
    uint64_t indirect;        /* indirect JMP/CALL: the flow there is not known statically */
    uint64_t entries_scanned; /* entries (boot and symbol) that started a path */
    uint64_t bytes_reached[PV_PATCH_REGIONS_MAX]; /* per input region: bytes inside a decoded
                                                   * instruction */
    uint64_t bytes_unreached;                     /* the rest of the regions' bytes */
    uint64_t sweeps; /* passes over the pending marks after the work stack filled */
} pv_patch_stats_t;

typedef enum {
    PV_PATCH_OK = 0,
    PV_PATCH_ERR_ARGUMENT,            /* a NULL pointer, a bad mode, origin or flag */
    PV_PATCH_ERR_REGION_COUNT,        /* no region, or more than PV_PATCH_REGIONS_MAX */
    PV_PATCH_ERR_REGION_EMPTY,        /* a region of length 0 */
    PV_PATCH_ERR_REGION_WRAP,         /* a region's virtual or physical end reaches 2^64 */
    PV_PATCH_ERR_REGION_NONCANONICAL, /* a region not wholly inside one canonical half */
    PV_PATCH_ERR_REGION_NOT_RAM,      /* a region's physical range is not wholly guest RAM */
    PV_PATCH_ERR_REGION_OVERLAP,      /* two regions share a guest-virtual byte */
    PV_PATCH_ERR_WORKSPACE,           /* workspace too small or misaligned */
    PV_PATCH_ERR_ENTRY_OUTSIDE,       /* a boot entry in no region (a 32-bit one above 4 GiB) */
    PV_PATCH_ERR_SITES_FULL, /* more sites than site_capacity (the first that did not fit) */
    PV_PATCH_ERR_CAPACITY,   /* an ELF helper's output does not fit (count says the need) */
    PV_PATCH_ERR_ELF,        /* an ELF helper met a malformed symbol table */
    PV_PATCH_ERR_CONFLICT,   /* apply: a conflict breaks a patch (breaks_patch) */
    PV_PATCH_ERR_CHANGED,    /* apply/revert: guest memory no longer holds what it did */
    PV_PATCH_ERR_NOT_RAM,    /* apply/revert: a site outside guest RAM */
    PV_PATCH_ERR_COUNT
} pv_patch_error_t;

/*
 * The caller's storage. Sites must all fit (PV_PATCH_ERR_SITES_FULL otherwise: never a silent
 * truncation). The reports (unreached ranges, conflicts, notes) store the first `capacity` found;
 * their `count` says how many there were in all.
 */
typedef struct {
    pv_patch_site_t *sites; /* out: sorted by address, disjoint */
    size_t site_capacity;
    size_t site_count;

    pv_patch_range_t *unreached; /* region bytes no path decoded, by region then address */
    size_t unreached_capacity;
    size_t unreached_count;

    pv_patch_conflict_t *conflicts;
    size_t conflict_capacity;
    size_t conflict_count;
    size_t conflicts_breaking; /* how many of them have breaks_patch */

    pv_patch_note_t *notes;
    size_t note_capacity;
    size_t note_count;

    pv_patch_stats_t stats;
    pv_patch_error_t error; /* as returned by pv_patch_scan() */
    gva_t error_address;    /* the entry, site or region start at fault */
} pv_patch_result_t;

/* ---- scanning --------------------------------------------------------------------------- */

/*
 * Bytes of workspace a scan of these regions needs with room for stack_entries pending branch
 * targets (at least 64; more only saves passes, see pv_patch_stats_t.sweeps): 48 bytes per 64
 * region bytes plus 8 per stack entry. Fails as the scan would for bad regions, and with
 * PV_PATCH_ERR_ARGUMENT when the size does not fit a size_t.
 */
#define PV_PATCH_STACK_MIN     64u
#define PV_PATCH_STACK_DEFAULT 65536u
pv_patch_error_t pv_patch_workspace_size(const pv_patch_region_t *regions, size_t region_count,
                                         size_t stack_entries, size_t *size);

/*
 * Scan. Fills result's sites (sorted, disjoint), reports and statistics, and returns the same
 * error as result->error, with result->error_address saying where. After an error the outputs
 * are incomplete (never written outside the caller's arrays). Guest memory is only read.
 */
pv_patch_error_t pv_patch_scan(const pv_patch_input_t *input, pv_patch_result_t *result);

/*
 * The scan continued from entries found later (PV_PATCH_ORIGIN_RUNTIME, say): `input` is the
 * one the last successful pv_patch_scan() or pv_patch_scan_more() of this result took, with its
 * regions, workspace and result arrays untouched and guest memory holding the original bytes
 * again (pv_patch_revert() first), and with entries appended: those from index `first` on are
 * scanned, and only what they reach is decoded. New sites, conflicts and notes join the result's
 * (sites sorted again); the unreached ranges and reached bytes are counted again. The result is
 * the one a single scan from every entry gives: where new 32-bit code reaches a 64-bit symbol
 * read before (which that scan would skip), this is a whole scan. A conflict the
 * new code brings is recorded as any other (pv_patch_apply() then refuses). After an error the
 * marks hold a partial scan: only a full pv_patch_scan() may follow.
 */
pv_patch_error_t pv_patch_scan_more(const pv_patch_input_t *input, size_t first,
                                    pv_patch_result_t *result);

/* ---- patching --------------------------------------------------------------------------- */

/* The bytes a site holds once patched (site->length of them). */
void pv_patch_site_bytes(const pv_patch_site_t *site, uint8_t out[X86DEC_MAX_LENGTH]);

/*
 * Write every site's patch into guest memory. Checks first, writes only if all hold: no conflict
 * breaks a patch, every site lies in guest RAM and still holds its original bytes (sites reached
 * through two aliases of the same bytes are checked and written alike).
 */
pv_patch_error_t pv_patch_apply(const pv_memory_t *memory, const pv_patch_result_t *result);

/* The reverse, for tests: every site must hold its patched bytes; then the originals go back. */
pv_patch_error_t pv_patch_revert(const pv_memory_t *memory, const pv_patch_result_t *result);

/* ---- lookups at trap time --------------------------------------------------------------- */

/* The site that starts exactly at address, or NULL (binary search of sorted sites). */
const pv_patch_site_t *pv_patch_find(const pv_patch_site_t *sites, size_t count, gva_t address);

/*
 * After a scan that returned PV_PATCH_OK, with its input and workspace untouched: whether a path
 * decoded an instruction starting at address in that mode (for code the VMM finds the guest
 * running, and for tests). False for anything outside the regions.
 */
bool pv_patch_reached(const pv_patch_input_t *input, gva_t address, pv_patch_mode_t mode);

/* The site that contains address without starting there, or NULL. */
const pv_patch_site_t *pv_patch_find_containing(const pv_patch_site_t *sites, size_t count,
                                                gva_t address);

typedef enum {
    PV_PATCH_TRAP_NONE = 0, /* not a site: the fault is the guest's own */
    PV_PATCH_TRAP_SITE,     /* a site the vector belongs to: emulate its original instruction */
    /* The trap's address lies inside a site, not at its start (the guest jumped into the
     * middle of a patched instruction): give the guest the architectural fault, never emulate. */
    PV_PATCH_TRAP_INSIDE,
} pv_patch_trap_t;

#define PV_PATCH_VECTOR_BP 3
#define PV_PATCH_VECTOR_UD 6
#define PV_PATCH_VECTOR_GP 13

/*
 * What a trap at rip means. #UD: a UD2, PUSHF or POPF site at rip. #GP: a CLI or STI site at rip.
 * #BP: an INT3 site at rip - 1. A site at the right address whose kind does not match the vector
 * is NONE (the guest's own fault there); INSIDE is checked at rip (rip - 1 for #BP).
 */
pv_patch_trap_t pv_patch_trap_lookup(const pv_patch_site_t *sites, size_t count, unsigned vector,
                                     gva_t rip, const pv_patch_site_t **site);

/*
 * Fill the kernel's fast-path list: the CLI, STI, PUSHF and POPF sites of one byte reached in
 * 64-bit code (the kernel completes a one-byte instruction at a 64-bit CS only), sorted by
 * address, at most seL4_PVSitesMax. When there are more, the heaviest by weights[i] (the VMM's
 * count of slow traps at sites[i], say) are chosen, ties to the lower address; without weights
 * (NULL) the lowest addresses. Sets page->site_count and the sites; returns how many eligible
 * sites there were in all. Touches nothing else of the page.
 */
size_t pv_patch_fill_pv_page(const pv_patch_site_t *sites, size_t count, const uint32_t *weights,
                             seL4_PVPage *page);

/* ---- decoding --------------------------------------------------------------------------- */

/*
 * Decode one instruction in a mode: x86dec for 64-bit code; for 32-bit code x86dec with the
 * 32-bit mode's differences applied (INC/DEC for 40-4F, no REX, 32-bit moffs, 16-bit addressing
 * under 67, rel16 under 66, the opcodes 64-bit mode lacks, VEX/EVEX vs LES/LDS/BOUND by ModRM.mod,
 * SWAPGS undefined). For 32-bit code the operand descriptions are not filled (F_OPERANDS clear);
 * length, classes, mnemonic, immediates (a far pointer: offset in imm, selector in imm2) and the
 * displacement are. Returns x86dec's status.
 */
x86dec_status_t pv_patch_decode(const uint8_t *code, size_t size, pv_patch_mode_t mode,
                                const x86dec_options_t *options, x86dec_insn_t *insn);

/* Whether a decoded instruction is a site and how it traps (PV_PATCH_KIND_NONE: not a site). */
pv_patch_kind_t pv_patch_kind_of(const x86dec_insn_t *insn, pv_patch_mode_t mode, uint32_t flags);

/* ---- from the ELF ----------------------------------------------------------------------- */

/* pv_patch_regions_from_elf() flags */
#define PV_PATCH_ELF_IDENTITY                                                                      \
    0x1u /* also an identity region (virtual = physical) for each
                                    * executable segment linked elsewhere, for 32-bit boot code */

/*
 * The executable PT_LOAD segments as regions (virtual address, physical address, memory size),
 * in segment order, then the identity regions. *count receives how many there are;
 * PV_PATCH_ERR_CAPACITY when more than capacity (nothing useful written then).
 */
pv_patch_error_t pv_patch_regions_from_elf(const elf_image_t *image, uint32_t flags,
                                           pv_patch_region_t *regions, size_t capacity,
                                           size_t *count);

/* pv_patch_entries_from_elf() flags */
#define PV_PATCH_ELF_PVH     0x1u /* the PVH note's entry, 32-bit, if the image has one */
#define PV_PATCH_ELF_ENTRY32 0x2u /* e_entry as a 32-bit boot entry (multiboot1 via ELF) */
#define PV_PATCH_ELF_ENTRY64 0x4u /* e_entry as a 64-bit boot entry */
#define PV_PATCH_ELF_SYMBOLS 0x8u /* every STT_FUNC symbol as a PV_PATCH_ORIGIN_SYMBOL entry */

/*
 * Entries from the image: boot entries first, then symbols. *count receives how many there are
 * (also on PV_PATCH_ERR_CAPACITY, so a caller can size its array); PV_PATCH_ERR_ELF for a
 * malformed symbol table or PVH note.
 */
pv_patch_error_t pv_patch_entries_from_elf(const elf_image_t *image, uint32_t flags,
                                           pv_patch_entry_t *entries, size_t capacity,
                                           size_t *count);

/* ---- names ------------------------------------------------------------------------------ */

const char *pv_patch_error_string(pv_patch_error_t error);
const char *pv_patch_kind_name(pv_patch_kind_t kind);
const char *pv_patch_note_name(pv_patch_note_kind_t kind);
/* x86dec's names, and the PV_PATCH_MN_* ones. */
const char *pv_patch_mnemonic_name(unsigned mnemonic);

#endif
