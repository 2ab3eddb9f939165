/*
 * x86-64 4-level paging: entry bits, table indices, and the small accessors the VSpace code
 * uses. Hardware layout through named constants only (Intel SDM vol. 3, 4.5).
 */
#ifndef ARCH_OBJECT_PAGING_H
#define ARCH_OBJECT_PAGING_H

#include <kernel/memory.h>
#include <kernel/types.h>

typedef uint64_t pte_t;

#define PTE_PRESENT   BIT(0)
#define PTE_WRITE     BIT(1)
#define PTE_USER      BIT(2)
#define PTE_PWT       BIT(3)
#define PTE_PCD       BIT(4)
#define PTE_LARGE     BIT(7)  /* PDPTE/PDE: maps a 1 GiB/2 MiB page */
#define PTE_PAT_4K    BIT(7)  /* PTE: PAT index bit 2 */
#define PTE_PAT_LARGE BIT(12) /* 2 MiB PDE: PAT index bit 2 */
#define PTE_NX        BIT(63)

#define PTE_ADDRESS_MASK 0x000ffffffffff000ull

#define PAGING_ENTRIES    512
#define PT_INDEX_SHIFT    12
#define PD_INDEX_SHIFT    21
#define PDPT_INDEX_SHIFT  30
#define PML4_INDEX_SHIFT  39
#define PAGING_INDEX_BITS 9

/* Entries pointing to a next-level table: rights are decided at the leaf. */
#define PTE_TABLE_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER)

static inline unsigned paging_index(vaddr_t vaddr, unsigned shift)
{
    return (unsigned)((vaddr >> shift) & (PAGING_ENTRIES - 1));
}

static inline bool pte_is_present(pte_t entry)
{
    return (entry & PTE_PRESENT) != 0;
}

/*
 * Physical addresses out of entries. Which bits hold the address depends on the level and on
 * what the entry maps: an entry pointing to a table has bits 51..12; a 4 KiB page's entry too,
 * but its bit 7 is the PAT bit; a 2 MiB or 1 GiB page's entry has bits 51..21 or 51..30, and its
 * bit 12 is the PAT bit while bits 20..13 (29..13) are reserved. Bits 52..58 are ignored, 59..62
 * are the protection key (with CR4.PKE, never set here) and 63 is XD: never address bits.
 */

/* The table a present non-page entry (PML4E, or PDPTE/PDE without PS) points to. */
static inline paddr_t pte_table_address(pte_t entry)
{
    return entry & PTE_ADDRESS_MASK;
}

/* Whether a present entry at the level whose entries cover 2^shift bytes maps a page rather
 * than pointing to a table: always at PT level, by PS at PD and PDPT level, never at PML4. */
static inline bool pte_is_page(pte_t entry, unsigned shift)
{
    if (shift == PT_INDEX_SHIFT) {
        return true;
    }
    return shift != PML4_INDEX_SHIFT && (entry & PTE_LARGE) != 0;
}

/* The page a present page entry at that level maps: the address bits of that page size only. */
static inline paddr_t pte_page_address(pte_t entry, unsigned shift)
{
    return entry & PTE_ADDRESS_MASK & ~((1ull << shift) - 1);
}

static inline pte_t *paging_table(paddr_t paddr)
{
    return (pte_t *)paddr_to_kptr(paddr);
}

#endif
