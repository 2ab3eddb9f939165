/*
 * Four-level page tables: the guest's own address space, built at boot (identity map of the
 * first 4 GiB plus, for the high build, the image at 0xffffffff80000000), and helpers tests use
 * to build and change others. Entries are plain uint64_t with named bits.
 */
#ifndef TESTGUEST_PAGING_H
#define TESTGUEST_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_P         (1ull << 0)
#define PTE_W         (1ull << 1)
#define PTE_U         (1ull << 2)
#define PTE_PWT       (1ull << 3)
#define PTE_PCD       (1ull << 4)
#define PTE_A         (1ull << 5)
#define PTE_D         (1ull << 6)
#define PTE_PS        (1ull << 7)
#define PTE_G         (1ull << 8)
#define PTE_NX        (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* #PF error code bits. */
#define PF_P    (1u << 0)
#define PF_W    (1u << 1)
#define PF_U    (1u << 2)
#define PF_RSVD (1u << 3)
#define PF_I    (1u << 4)

/* Levels as page-walk depth: 1 maps 4 KiB, 2 maps 2 MiB, 3 maps 1 GiB, 4 is the PML4. */
#define LEVEL_4K 1
#define LEVEL_2M 2
#define LEVEL_1G 3

/*
 * Addresses tests may map freely: PML4 slots 1-255 are never used by the boot address space,
 * and every program's mappings there are dropped when it ends.
 */
#define PAGING_TEST_BASE      0x0000008000000000ull
#define PAGING_TEST_SLOT_SIZE (1ull << 39)

void paging_init(void);

/* The physical address of the boot address space's PML4. */
uint64_t paging_kernel_root(void);

/* A new PML4 that shares slot 0 and the upper half with the kernel's and has nothing else. */
uint64_t paging_new_root(void);

/* The entry that maps va at the given level in root; intermediate tables are created on the
 * way when create is true (else NULL when missing). A large page above the level: NULL. */
uint64_t *paging_entry(uint64_t root, uint64_t va, int level, bool create);

/* Maps one page of the level's size; flags must include PTE_P (PTE_PS is added for 2M/1G). */
void paging_map(uint64_t root, uint64_t va, uint64_t pa, int level, uint64_t flags);

/* PTE_NX when EFER.NXE is on, else 0: NX is a reserved bit without it. */
uint64_t paging_nx(void);

/* Drops every mapping in the test slots of the kernel address space and flushes the TLB. */
void paging_reset(void);

#endif
