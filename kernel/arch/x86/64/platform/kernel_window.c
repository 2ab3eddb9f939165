/*
 * Builds the kernel's page tables (one PML4 slot mapping physical memory) and switches to them.
 * Leaf entries carry G and, except over kernel text, NX; kernel text and rodata are read-only.
 * Boot-only; the tables themselves live for ever in boot-allocated pages.
 */
#include <stddef.h>
#include <arch/boot_memory.h>
#include <arch/boot_section.h>
#include <arch/cpu.h>
#include <arch/kernel_window.h>
#include <arch/layout.h>
#include <arch/phys.h>

#define PTE_PRESENT  (1ull << 0)
#define PTE_WRITABLE (1ull << 1)
#define PTE_LARGE    (1ull << 7)
#define PTE_GLOBAL   (1ull << 8)
#define PTE_NX       (1ull << 63)
#define PTE_ACCESSED (1ull << 5)
#define PTE_DIRTY    (1ull << 6)
#define PTE_ADDRESS  0x000ffffffffff000ull
#define PTE_TABLE    (PTE_PRESENT | PTE_WRITABLE)
#define ENTRIES      512
#define SIZE_4K      0x1000ull
#define SIZE_2M      0x200000ull
#define SIZE_1G      0x40000000ull

/*
 * head.S's boot tables: BOOT_MAP_GIB GiB in 2 MiB pages with exactly these flags (no G, no NX),
 * one directory per GiB, reached from slot KERNEL_PML4_SLOT of boot_pml4.
 */
extern uint64_t boot_pml4[];
#define BOOT_LEAF_FLAGS (PTE_PRESENT | PTE_WRITABLE | PTE_LARGE)

/* Kernel-window addresses from linker.ld. */
extern char __kernel_start[];
extern char __kernel_text_end[];
extern char __kernel_rodata_end[];
extern char __kernel_end[];

static uint64_t *window_pml4;
static uint64_t window_pml4_phys;
static uint64_t window_limit;
static uint64_t window_page_size;
static bool window_nx;

typedef struct {
    uint64_t text_start; /* physical */
    uint64_t text_end;
    uint64_t rodata_end;
    uint64_t image_end;
    uint64_t leaf_flags; /* G, and NX when in use */
} window_plan_t;

/* A table page: zeroed when only some entries will be written, left as it is when all will. */
BOOT_CODE static uint64_t *table_alloc(uint64_t *phys, bool zeroed)
{
    uint64_t *table = zeroed ? boot_memory_alloc(SIZE_4K, SIZE_4K)
                             : boot_memory_alloc_unzeroed(SIZE_4K, SIZE_4K);
    if (table != NULL) {
        *phys = phys_from_kernel_pointer(table);
    }
    return table;
}

/*
 * entries[first..last) = consecutive pages of `step` bytes from base, with flags. Unrolled:
 * where a hypervisor emulates each instruction, the loop's own compare and branch would cost
 * as much as the stores.
 */
BOOT_CODE static void entries_fill(uint64_t *entries, unsigned first, unsigned last, uint64_t base,
                                   uint64_t step, uint64_t flags)
{
    uint64_t entry = base | flags;

#pragma GCC unroll 8
    for (unsigned i = first; i < last; i++) {
        entries[i] = entry;
        entry += step;
    }
}

/* The table index (of pages of `step` bytes from block) where phys falls, clamped to the block. */
static unsigned index_in_block(uint64_t phys, uint64_t block, uint64_t step)
{
    if (phys <= block) {
        return 0;
    }
    return phys - block >= step * ENTRIES ? ENTRIES : (unsigned)((phys - block) / step);
}

/* Does [base, base + size) overlap the kernel image (the part with per-page permissions)? */
static bool overlaps_image(const window_plan_t *plan, uint64_t base, uint64_t size)
{
    return base < plan->image_end && base + size > plan->text_start;
}

/*
 * A page table for the 2 MiB block at base, which holds (part of) the image: text read-only and
 * executable, rodata read-only, everything else writable; all but text no-execute where NX is.
 * The image's boundaries are page aligned (linker.ld), so each range is whole pages.
 */
BOOT_CODE static platform_error_t map_image_block(const window_plan_t *plan, uint64_t *pd_entry,
                                                  uint64_t base)
{
    uint64_t global = plan->leaf_flags & PTE_GLOBAL;
    uint64_t data = PTE_PRESENT | PTE_WRITABLE | plan->leaf_flags;
    unsigned text = index_in_block(plan->text_start, base, SIZE_4K);
    unsigned rodata = index_in_block(plan->text_end, base, SIZE_4K);
    unsigned writable = index_in_block(plan->rodata_end, base, SIZE_4K);
    uint64_t pt_phys;
    uint64_t *pt = table_alloc(&pt_phys, false);

    if (pt == NULL) {
        return PLATFORM_ERROR_NO_MEMORY;
    }
    entries_fill(pt, 0, text, base, SIZE_4K, data);
    entries_fill(pt, text, rodata, base + text * SIZE_4K, SIZE_4K, PTE_PRESENT | global);
    entries_fill(pt, rodata, writable, base + rodata * SIZE_4K, SIZE_4K,
                 PTE_PRESENT | plan->leaf_flags);
    entries_fill(pt, writable, ENTRIES, base + writable * SIZE_4K, SIZE_4K, data);
    *pd_entry = pt_phys | PTE_TABLE;
    return PLATFORM_OK;
}

/* Does a boot directory entry map the 2 MiB page at phys as head.S wrote it? */
static bool boot_leaf_is(uint64_t entry, uint64_t phys)
{
    return (entry & ~(PTE_ACCESSED | PTE_DIRTY)) == (phys | BOOT_LEAF_FLAGS);
}

/*
 * The physical address of the directory head.S built for the GiB at base, or 0 when there is
 * none or it does not look as head.S documents it (its first and last entries are checked).
 */
BOOT_CODE static uint64_t boot_directory(uint64_t base)
{
    uint64_t pdpt_entry = boot_pml4[KERNEL_PML4_SLOT];
    const uint64_t *pdpt = phys_map(pdpt_entry & PTE_ADDRESS, SIZE_4K);

    if (base >= (uint64_t)BOOT_MAP_GIB * SIZE_1G || !(pdpt_entry & PTE_PRESENT) || pdpt == NULL) {
        return 0;
    }
    uint64_t pd_entry = pdpt[base / SIZE_1G];
    const uint64_t *pd = phys_map(pd_entry & PTE_ADDRESS, SIZE_4K);
    if (!(pd_entry & PTE_PRESENT) || (pd_entry & PTE_LARGE) || pd == NULL ||
        !boot_leaf_is(pd[0], base) ||
        !boot_leaf_is(pd[ENTRIES - 1], base + (ENTRIES - 1) * SIZE_2M)) {
        return 0;
    }
    return pd_entry & PTE_ADDRESS;
}

/*
 * One GiB at base: a 1 GiB page; or, for a GiB above all RAM (MMIO and holes only), the
 * directory head.S already built, made no-execute through its PDPT entry (its pages lack only
 * G: their TLB entries go at each address-space switch, which MMIO can afford) instead of 512
 * entries written again; or a new directory of 2 MiB pages (page tables over the image).
 */
BOOT_CODE static platform_error_t map_1g_block(const window_plan_t *plan, uint64_t *pdpt_entry,
                                               uint64_t base, bool use_1g, bool above_ram)
{
    uint64_t large = PTE_PRESENT | PTE_WRITABLE | PTE_LARGE | plan->leaf_flags;
    uint64_t reused = 0;

    if (use_1g && !overlaps_image(plan, base, SIZE_1G)) {
        *pdpt_entry = base | large;
        return PLATFORM_OK;
    }
    if (above_ram && !overlaps_image(plan, base, SIZE_1G)) {
        reused = boot_directory(base);
    }
    if (reused != 0) {
        *pdpt_entry = reused | PTE_TABLE | (plan->leaf_flags & PTE_NX);
        return PLATFORM_OK;
    }
    uint64_t pd_phys;
    uint64_t *pd = table_alloc(&pd_phys, false);
    if (pd == NULL) {
        return PLATFORM_ERROR_NO_MEMORY;
    }
    entries_fill(pd, 0, ENTRIES, base, SIZE_2M, large);
    if (overlaps_image(plan, base, SIZE_1G)) {
        unsigned first = index_in_block(plan->text_start, base, SIZE_2M);
        unsigned last = index_in_block(plan->image_end + SIZE_2M - 1, base, SIZE_2M);
        for (unsigned i = first; i < last; i++) {
            platform_error_t error = map_image_block(plan, &pd[i], base + i * SIZE_2M);
            if (error != PLATFORM_OK) {
                return error;
            }
        }
    }
    *pdpt_entry = pd_phys | PTE_TABLE;
    return PLATFORM_OK;
}

/* Move the GDTR base from head.S's physical address into the window before slot 0 goes. */
BOOT_CODE static void gdt_move_to_window(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } gdtr;

    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    if (gdtr.base < KERNEL_BASE) {
        gdtr.base += KERNEL_BASE;
        __asm__ volatile("lgdt %0" : : "m"(gdtr) : "memory");
    }
}

BOOT_CODE platform_error_t kernel_window_init(uint64_t usable_top)
{
    const cpu_features_t *cpu = cpu_features();
    window_plan_t plan;
    uint64_t top = kernel_window_span(usable_top, cpu->phys_address_bits);
    uint64_t pdpt_phys;
    uint64_t *pdpt;

    window_nx = cpu->nx && (msr_read(MSR_EFER) & EFER_NXE) != 0;
    plan.text_start = phys_from_kernel_pointer(__kernel_start);
    plan.text_end = phys_from_kernel_pointer(__kernel_text_end);
    plan.rodata_end = phys_from_kernel_pointer(__kernel_rodata_end);
    plan.image_end = phys_from_kernel_pointer(__kernel_end);
    plan.leaf_flags = (cpu->pge ? PTE_GLOBAL : 0) | (window_nx ? PTE_NX : 0);

    window_pml4 = table_alloc(&window_pml4_phys, true);
    pdpt = table_alloc(&pdpt_phys, true);
    if (window_pml4 == NULL || pdpt == NULL) {
        return PLATFORM_ERROR_NO_MEMORY;
    }
    for (uint64_t base = 0; base < top; base += SIZE_1G) {
        platform_error_t error =
                map_1g_block(&plan, &pdpt[base / SIZE_1G], base, cpu->pdpe1gb, base >= usable_top);
        if (error != PLATFORM_OK) {
            return error;
        }
    }
    window_pml4[KERNEL_PML4_SLOT] = pdpt_phys | PTE_TABLE;
    window_page_size = cpu->pdpe1gb ? SIZE_1G : SIZE_2M;

    gdt_move_to_window();
    cr3_write(window_pml4_phys);
    /* Global entries of the boot tables survive a CR3 write: toggling PGE flushes them. */
    uint64_t cr4 = cr4_read();
    if (cr4 & CR4_PGE) {
        cr4_write(cr4 & ~CR4_PGE);
        cr4_write(cr4);
    }
    window_limit = top;
    phys_window_set_limit(top);
    /* Touch the last byte of RAM through the new window: a wrong table faults here, at boot. */
    const volatile uint8_t *last = phys_map(usable_top - 1, 1);
    if (usable_top != 0 && last != NULL) {
        (void)*last;
    }
    return PLATFORM_OK;
}

uint64_t kernel_window_pml4_phys(void)
{
    return window_pml4_phys;
}

uint64_t *kernel_window_pml4(void)
{
    return window_pml4;
}

uint64_t kernel_window_pml4_entry(void)
{
    return window_pml4[KERNEL_PML4_SLOT];
}

uint64_t kernel_window_limit(void)
{
    return window_limit;
}

uint64_t kernel_window_page_size(void)
{
    return window_page_size;
}

bool kernel_window_nx_enabled(void)
{
    return window_nx;
}
