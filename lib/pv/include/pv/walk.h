/*
 * The guest's own page tables, walked in software as the processor would walk them: the base of
 * the software TLB (pv/shadow.h) and of every access the VMM makes on the guest's behalf at a
 * guest-virtual address (instruction fetch for emulation, the stack for exception delivery, the
 * GDT and IDT). lib/pv/walk.c implements it.
 *
 * Modes, from the guest's virtual CR0/CR4/EFER: paging off (guest-virtual = guest-physical),
 * 32-bit paging (4 KiB and 4 MiB pages, CR4.PSE), PAE paging (4 KiB, 2 MiB), 4-level paging
 * (4 KiB, 2 MiB, 1 GiB). 5-level paging is not offered to guests (CPUID policy).
 *
 * Checks, as the SDM states them (Vol. 3A ch. 4): present bits; reserved bits by level and by
 * mode (PS where a level has no large pages, bits above the guest's MAXPHYADDR, NX without
 * EFER.NXE, PAT and low address bits of large pages); U/S and R/W combined over every level,
 * with CR0.WP for supervisor writes; NX for fetches; CR4.SMEP and CR4.SMAP (with RFLAGS.AC for
 * explicit supervisor accesses) when the guest enables them; protection keys are not offered.
 * A walk that fails gives the #PF error code the processor would push. A table entry whose
 * address lies outside guest RAM ends the walk as PV_WALK_BAD_TABLE: not a #PF a guest could
 * recover from on hardware either (it would read whatever the bus gives), so the VMM decides.
 * The CPUID policy must match what is walked: 1 GiB pages and PSE-36 are always honoured, and
 * PAE's four PDPTEs are read at each walk (the processor loads them at CR3 writes; a reserved
 * bit there is a #PF with RSVD here, where the processor's CR3 write would have raised #GP).
 */
#ifndef PV_WALK_H
#define PV_WALK_H

#include <pv/memory.h>

/* The guest's paging state (its virtual control registers). */
typedef struct pv_paging {
    uint64_t cr0;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t efer;
    uint8_t phys_addr_bits; /* the guest's MAXPHYADDR (CPUID policy), 32 to 52 */
} pv_paging_t;

/* The control-register bits the walker reads (every other bit is ignored by it). */
#define PV_PAGING_CR0_WP   (1ull << 16)
#define PV_PAGING_CR0_PG   (1ull << 31)
#define PV_PAGING_CR4_PSE  (1ull << 4)
#define PV_PAGING_CR4_PAE  (1ull << 5)
#define PV_PAGING_CR4_PGE  (1ull << 7)
#define PV_PAGING_CR4_SMEP (1ull << 20)
#define PV_PAGING_CR4_SMAP (1ull << 21)
#define PV_PAGING_EFER_LME (1ull << 8)
#define PV_PAGING_EFER_NXE (1ull << 11)

/*
 * The mode the bits select: 4-level when CR0.PG, CR4.PAE and EFER.LME are set (the processor
 * sets EFER.LMA exactly then), PAE when CR0.PG and CR4.PAE without EFER.LME, 32-bit when CR0.PG
 * without CR4.PAE. Combinations the processor refuses are the vCPU's to refuse on the register
 * write; the walker never sees them as anything but these four modes.
 */
typedef enum {
    PV_PAGING_OFF = 0,
    PV_PAGING_32BIT,
    PV_PAGING_PAE,
    PV_PAGING_4LEVEL,
} pv_paging_mode_t;

static inline pv_paging_mode_t pv_paging_mode(const pv_paging_t *paging)
{
    if ((paging->cr0 & PV_PAGING_CR0_PG) == 0) {
        return PV_PAGING_OFF;
    }
    if ((paging->cr4 & PV_PAGING_CR4_PAE) == 0) {
        return PV_PAGING_32BIT;
    }
    return (paging->efer & PV_PAGING_EFER_LME) != 0 ? PV_PAGING_4LEVEL : PV_PAGING_PAE;
}

/* What the access is (the #PF error code's bits where they exist). */
#define PV_ACCESS_WRITE 0x2u  /* a write (#PF W) */
#define PV_ACCESS_USER  0x4u  /* at CPL 3 (#PF U) */
#define PV_ACCESS_FETCH 0x10u /* an instruction fetch (#PF I/D) */
#define PV_ACCESS_IMPLICIT                                                                         \
    0x100u /* a supervisor access the processor makes itself (GDT, IDT,
                                   * TSS, the stack of an exception delivery): SMAP applies
                                   * whatever RFLAGS.AC says */
#define PV_ACCESS_AC                                                                               \
    0x200u /* RFLAGS.AC was set (SMAP does not apply to an explicit
                                   * supervisor data access) */
#define PV_ACCESS_NO_AD                                                                            \
    0x400u /* look only: set no accessed or dirty bit (the VMM's own
                                   * inspection, never an access the guest made) */

/* #PF error code bits. */
#define PV_PF_PRESENT  0x1u
#define PV_PF_WRITE    0x2u
#define PV_PF_USER     0x4u
#define PV_PF_RESERVED 0x8u
#define PV_PF_FETCH    0x10u

typedef enum {
    PV_WALK_OK = 0,
    PV_WALK_FAULT,         /* a #PF: error_code says why, as the processor would push it */
    PV_WALK_BAD_TABLE,     /* a paging structure outside guest RAM (at table_address) */
    PV_WALK_NOT_RAM,       /* pv_virt_read/write only: the translation holds, but the page is
                              not guest RAM (MMIO: the devices' business); address says where */
    PV_WALK_NON_CANONICAL, /* an address the mode cannot form: not canonical under 4-level
                              paging, above 4 GiB otherwise. No walk is made; the processor
                              raises #GP (#SS for a stack access) before any translation */
} pv_walk_status_t;

typedef struct pv_walk {
    pv_walk_status_t status;
    gpa_t address;       /* OK: the guest-physical address the access reaches */
    uint64_t page_size;  /* OK: 4 KiB, 2 MiB, 4 MiB or 1 GiB (paging off: 4 KiB) */
    gva_t page_base;     /* OK: the guest-virtual base of that page */
    gpa_t frame;         /* OK: the guest-physical base of that page */
    bool writable;       /* OK: combined over every level (CR0.WP not applied) */
    bool user;           /* OK: combined over every level */
    bool executable;     /* OK: no NX at any level (or EFER.NXE clear) */
    bool global;         /* OK: G in the leaf and CR4.PGE set */
    bool dirty;          /* OK: the leaf's D bit after this walk */
    uint32_t error_code; /* FAULT: the #PF error code */
    gpa_t table_address; /* BAD_TABLE: the entry that could not be read */
    unsigned levels;     /* the number of paging structures read */
} pv_walk_t;

/*
 * Walks for one access (PV_ACCESS_* flags) to address; on success sets the accessed bits of
 * every entry used and, for a write, the leaf's dirty bit, each by compare-and-exchange (the
 * guest's concurrent changes are not lost), unless PV_ACCESS_NO_AD. A failed walk sets no bit.
 * An entry that changes under the walk makes it start again; after PV_WALK_RETRIES attempts the
 * last one's translation is returned without its accessed and dirty bits set (dirty then says
 * what the leaf held, so a caller that maps writable only dirty pages stays correct).
 * WRITE and FETCH together ask for both rights.
 */
#define PV_WALK_RETRIES 16

pv_walk_status_t pv_walk(const pv_memory_t *memory, const pv_paging_t *paging, gva_t address,
                         unsigned access, pv_walk_t *out);

/*
 * Reads or writes length bytes at a guest-virtual address for the guest (as an access at the
 * given CPL-and-kind flags would), across page boundaries, walking each page. On a fault nothing
 * is written (every page is walked before the first byte is stored) and *walk says where and why;
 * on success *walk is the first page's walk (walk may be NULL). Addresses wrap at 4 GiB outside
 * 4-level paging; under 4-level paging a page past the canonical range is NON_CANONICAL.
 * The copy goes where the check's walks led (no second walk). An access of more than 16 pages
 * (far more than any instruction makes) is checked and copied 16 pages at a time: a fault in a
 * later group leaves the earlier groups copied.
 */
pv_walk_status_t pv_virt_read(const pv_memory_t *memory, const pv_paging_t *paging, gva_t address,
                              void *out, size_t length, unsigned access, pv_walk_t *walk);
pv_walk_status_t pv_virt_write(const pv_memory_t *memory, const pv_paging_t *paging, gva_t address,
                               const void *data, size_t length, unsigned access, pv_walk_t *walk);

/*
 * The vCPU's translations of one event (pv_env_t.walk_cache, the caller's storage): the pages an
 * emulated instruction or a delivery touches (a stack pushed or popped word by word, a GDT read
 * twice) are walked once per event and kind of access instead of once per access. Emptied at
 * each event's start, since between events the guest may change its tables without a trap;
 * within one event a hit needs the same page, access flags and paging registers, as a TLB entry
 * would (a walk with other flags, or after a CR3 write, walks again). Only successful walks are
 * kept: their accessed and dirty bits are already set. Only the translation is kept: a hit
 * gives the guest-physical address, nothing else of the walk.
 */
#define PV_WALK_CACHE_ENTRIES 8

typedef struct pv_walk_cache_entry {
    uint64_t page;  /* the 4 KiB page's guest-virtual base */
    uint64_t frame; /* the guest-physical base it translates to */
    unsigned access;
} pv_walk_cache_entry_t;

typedef struct pv_walk_cache {
    pv_paging_t paging; /* the registers every entry was walked with */
    pv_walk_cache_entry_t entries[PV_WALK_CACHE_ENTRIES];
    unsigned count; /* entries[0 .. count) hold translations */
    unsigned next;  /* the one replaced when all are in use */
} pv_walk_cache_t;

/* Empties the cache (at an event's start: inline, every event pays it). */
static inline void pv_walk_cache_clear(pv_walk_cache_t *cache)
{
    cache->count = 0;
    cache->next = 0;
}

/* The cached translation of address for these flags and paging registers into *out; false on a
 * miss. */
bool pv_walk_cache_find(const pv_walk_cache_t *cache, const pv_paging_t *paging, gva_t address,
                        unsigned access, gpa_t *out);

/* Keeps a successful walk's translation of address (any byte of its 4 KiB page); other paging
 * registers than the cache's empty it first. */
void pv_walk_cache_add(pv_walk_cache_t *cache, const pv_paging_t *paging, gva_t address,
                       unsigned access, gpa_t translated);

/* Whether the address is canonical for 4-level paging (bits 63..47 all equal). */
static inline bool pv_canonical(uint64_t address)
{
    return (uint64_t)((int64_t)(address << 16) >> 16) == address;
}

#endif
