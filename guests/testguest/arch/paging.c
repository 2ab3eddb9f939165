/*
 * The guest's address space and the page-table helpers tests build on. The boot address space
 * maps the first 4 GiB 1:1 (2 MiB pages; the top GiB, where the APICs live, uncached) and the
 * same page directories again at 0xffffffff80000000, where the high build runs. The 2 MiB
 * regions holding the image use 4 KiB pages so that each section gets its own rights: text
 * read-only and executable, ring-3 sections user-accessible, everything else no-execute, and
 * page 0 absent so that a null pointer faults.
 */
#include "paging.h"

#include "cpu.h"
#include "memory.h"

extern char __image_phys_start[];
extern char __boot_phys_end[];
extern char __text_start[], __text_end[];
extern char __user_text_start[], __user_text_end[];
extern char __user_data_start[], __user_data_end[];
extern char __rodata_start[], __rodata_end[];

#define ENTRIES         512
#define TABLE_FLAGS     (PTE_P | PTE_W | PTE_U) /* rights are decided by the leaves */
#define HIGH_IMAGE_BASE 0xffffffff80000000ull
#define UNCACHED_FROM   (3ull << 30)

static uint64_t kernel_root;
static uint64_t nx_bit;

static uint64_t *table_at(uint64_t paddr)
{
    return phys_to_virt(paddr & PTE_ADDR_MASK);
}

static unsigned index_at(uint64_t va, int level)
{
    return (unsigned)(va >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

uint64_t paging_nx(void)
{
    return nx_bit;
}

uint64_t paging_kernel_root(void)
{
    return kernel_root;
}

uint64_t *paging_entry(uint64_t root, uint64_t va, int level, bool create)
{
    uint64_t *table = table_at(root);
    for (int l = 4; l > level; l--) {
        uint64_t *entry = &table[index_at(va, l)];
        if (!(*entry & PTE_P)) {
            if (!create) {
                return (uint64_t *)0;
            }
            *entry = page_alloc() | TABLE_FLAGS;
        } else if (l < 4 && (*entry & PTE_PS)) {
            return (uint64_t *)0;
        }
        table = table_at(*entry);
    }
    return &table[index_at(va, level)];
}

void paging_map(uint64_t root, uint64_t va, uint64_t pa, int level, uint64_t flags)
{
    uint64_t *entry = paging_entry(root, va, level, true);
    if (entry != (uint64_t *)0) {
        *entry = pa | flags | (level > LEVEL_4K ? PTE_PS : 0);
    }
}

static bool in_section(uint64_t pa, const char *start, const char *end)
{
    return pa >= virt_to_phys(start) && pa < virt_to_phys(end);
}

/* Rights of one 4 KiB page of the image's 2 MiB regions. */
static uint64_t image_page_flags(uint64_t pa)
{
    if (pa == 0) {
        return 0;
    }
    if (in_section(pa, __text_start, __text_end)) {
        return PTE_P;
    }
    if (in_section(pa, __user_text_start, __user_text_end)) {
        return PTE_P | PTE_U;
    }
    if (in_section(pa, __user_data_start, __user_data_end)) {
        return PTE_P | PTE_W | PTE_U | nx_bit;
    }
    if (in_section(pa, __rodata_start, __rodata_end)) {
        return PTE_P | nx_bit;
    }
    return PTE_P | PTE_W | nx_bit;
}

void paging_init(void)
{
    nx_bit = (rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
    kernel_root = page_alloc();

    uint64_t fine_end = (image_phys_end() + LARGE_PAGE_SIZE - 1) & ~(LARGE_PAGE_SIZE - 1);
    for (uint64_t pa = 0; pa < fine_end; pa += PAGE_SIZE) {
        uint64_t flags = image_page_flags(pa);
        if (flags != 0) {
            paging_map(kernel_root, pa, pa, LEVEL_4K, flags);
        } else {
            (void)paging_entry(kernel_root, pa, LEVEL_4K, true);
        }
    }
    for (uint64_t pa = fine_end; pa < IDENTITY_MAP_LIMIT; pa += LARGE_PAGE_SIZE) {
        uint64_t flags = PTE_P | PTE_W | nx_bit;
        if (pa >= UNCACHED_FROM) {
            flags |= PTE_PCD | PTE_PWT;
        }
        paging_map(kernel_root, pa, pa, LEVEL_2M, flags);
    }

    /* The high alias shares the identity map's first two page directories. */
    uint64_t *root = table_at(kernel_root);
    uint64_t *low_pdpt = table_at(root[0]);
    uint64_t high_pdpt = page_alloc();
    table_at(high_pdpt)[index_at(HIGH_IMAGE_BASE, 3)] = low_pdpt[0];
    table_at(high_pdpt)[index_at(HIGH_IMAGE_BASE, 3) + 1] = low_pdpt[1];
    root[index_at(HIGH_IMAGE_BASE, 4)] = high_pdpt | TABLE_FLAGS;

    write_cr3(kernel_root);
}

uint64_t paging_new_root(void)
{
    uint64_t root = page_alloc();
    uint64_t *from = table_at(kernel_root);
    uint64_t *to = table_at(root);
    to[0] = from[0];
    for (unsigned i = ENTRIES / 2; i < ENTRIES; i++) {
        to[i] = from[i];
    }
    return root;
}

void paging_reset(void)
{
    uint64_t *root = table_at(kernel_root);
    for (unsigned i = 1; i < ENTRIES / 2; i++) {
        root[i] = 0;
    }
    write_cr3(kernel_root);
}
