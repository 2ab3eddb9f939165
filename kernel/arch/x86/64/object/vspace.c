/*
 * Walking, checking and switching x86-64 VSpaces. A VSpace is reached only through its ASID,
 * so a deleted VSpace is never walked. Without PCIDs, only the loaded VSpace can have TLB
 * entries, and every CR3 load flushes the rest (kernel pages are global).
 */
#include <arch/cpu.h>
#include <arch/kernel_window.h>
#include <arch/layout.h>
#include <arch/object/asid.h>
#include <arch/object/vspace.h>
#include <kernel/arch_vspace.h>
#include <kernel/cpu.h>
#include <kernel/string.h>
#include <kernel/syscall_error.h>

#define CANONICAL_LOW_END    0x0000800000000000ull
#define CANONICAL_HIGH_START 0xffff800000000000ull

bool user_address_is_canonical(word_t value)
{
    return value < CANONICAL_LOW_END || value >= CANONICAL_HIGH_START;
}

bool vspace_user_range_valid(vaddr_t vaddr, word_t size)
{
    vaddr_t last = vaddr + size - 1;

    if (size == 0 || last < vaddr) {
        return false;
    }
    if (!user_address_is_canonical(vaddr) || !user_address_is_canonical(last)) {
        return false;
    }
    if ((vaddr < CANONICAL_LOW_END) != (last < CANONICAL_LOW_END)) {
        return false;
    }
    for (vaddr_t slot = vaddr >> PML4_INDEX_SHIFT; slot <= last >> PML4_INDEX_SHIFT; slot++) {
        if ((slot & (PAGING_ENTRIES - 1)) == KERNEL_PML4_SLOT) {
            return false;
        }
    }
    return true;
}

pte_t *vspace_lookup_entry(paddr_t pml4, vaddr_t vaddr, unsigned shift, word_t *bits_left)
{
    pte_t *table = paging_table(pml4);
    unsigned level = PML4_INDEX_SHIFT;

    for (;;) {
        pte_t *entry = &table[paging_index(vaddr, level)];
        if (level == shift) {
            return entry;
        }
        if (!pte_is_present(*entry) || pte_is_page(*entry, level)) {
            *bits_left = level;
            return NULL;
        }
        table = paging_table(pte_table_address(*entry));
        level -= PAGING_INDEX_BITS;
    }
}

/*
 * The physical address of the user byte at vaddr through the VSpace's own tables, when every level
 * lets user mode reach it (and write it, when write): what the thread's own access would see.
 * *span is how many bytes from there on lie in the same page.
 */
static bool vspace_user_paddr(paddr_t pml4, vaddr_t vaddr, bool write, paddr_t *paddr, word_t *span)
{
    pte_t *table = paging_table(pml4);
    pte_t needed = PTE_PRESENT | PTE_USER | (write ? PTE_WRITE : 0);

    if (!user_address_is_canonical(vaddr)) {
        return false;
    }
    for (unsigned level = PML4_INDEX_SHIFT;; level -= PAGING_INDEX_BITS) {
        pte_t entry = table[paging_index(vaddr, level)];
        if ((entry & needed) != needed) {
            return false;
        }
        if (pte_is_page(entry, level)) {
            *paddr = pte_page_address(entry, level) + (vaddr & MASK(level));
            *span = BIT(level) - (vaddr & MASK(level));
            return *paddr < kernel_window_limit() && *span <= kernel_window_limit() - *paddr;
        }
        table = paging_table(pte_table_address(entry));
    }
}

/* Copies length bytes between user memory at vaddr and the kernel buffer, a page at a time; for
 * a write, every page is checked before the first byte is written. */
static bool vspace_user_copy(paddr_t pml4, vaddr_t vaddr, uint8_t *bytes, unsigned length,
                             bool write)
{
    paddr_t paddr;
    word_t span;

    /* The usual case, a few bytes within one page: one walk, one copy. */
    if (!vspace_user_paddr(pml4, vaddr, write, &paddr, &span)) {
        return false;
    }
    if (span >= length) {
        uint8_t *user = paddr_to_kptr(paddr);
        memcpy(write ? user : bytes, write ? bytes : user, length);
        return true;
    }
    for (int pass = write ? 0 : 1; pass < 2; pass++) {
        for (unsigned done = 0; done < length;) {
            if (!vspace_user_paddr(pml4, vaddr + done, write, &paddr, &span)) {
                return false;
            }
            unsigned chunk = span < length - done ? (unsigned)span : length - done;
            if (pass == 1) {
                uint8_t *user = paddr_to_kptr(paddr);
                memcpy(write ? user : bytes + done, write ? bytes + done : user, chunk);
            }
            done += chunk;
        }
    }
    return true;
}

void *vspace_user_pointer(paddr_t pml4, vaddr_t vaddr, unsigned length, bool write)
{
    paddr_t paddr;
    word_t span;

    if (!vspace_user_paddr(pml4, vaddr, write, &paddr, &span) || span < length) {
        return NULL;
    }
    return paddr_to_kptr(paddr);
}

bool vspace_read_user(paddr_t pml4, vaddr_t vaddr, uint8_t *bytes, unsigned length)
{
    return vspace_user_copy(pml4, vaddr, bytes, length, false);
}

bool vspace_write_user(paddr_t pml4, vaddr_t vaddr, const uint8_t *bytes, unsigned length)
{
    return vspace_user_copy(pml4, vaddr, (uint8_t *)bytes, length, true);
}

seL4_Error vspace_decode_root(cap_t vspace, unsigned cap_index, paddr_t *pml4, asid_t *asid)
{
    paddr_t found;

    if (vspace.type != CAP_PML4 || vspace.u.pml4.asid == ASID_INVALID) {
        return error_invalid_capability(cap_index);
    }
    found = asid_find_vspace(vspace.u.pml4.asid);
    if (found == 0) {
        return error_failed_lookup(false, lookup_fault_invalid_root());
    }
    if (found != vspace.u.pml4.paddr) {
        return error_invalid_capability(cap_index);
    }
    *pml4 = found;
    *asid = vspace.u.pml4.asid;
    return seL4_NoError;
}

seL4_Error vspace_decode_entry(paddr_t pml4, vaddr_t vaddr, unsigned shift, pte_t **entry)
{
    word_t bits_left = 0; /* set by every NULL return; gcc cannot see that through the loop */
    pte_t *found = vspace_lookup_entry(pml4, vaddr, shift, &bits_left);

    if (found == NULL) {
        return error_failed_lookup(false, lookup_fault_missing_capability(bits_left));
    }
    *entry = found;
    return seL4_NoError;
}

void vspace_flush_page(paddr_t pml4, vaddr_t vaddr)
{
    if (cpu_self()->arch.loaded_cr3 == pml4) {
        __asm__ volatile("invlpg (%0)" : : "r"(vaddr) : "memory");
    }
}

void vspace_flush_all(paddr_t pml4)
{
    if (cpu_self()->arch.loaded_cr3 == pml4) {
        cr3_write(pml4);
    }
}

paddr_t vspace_kernel_pml4(void)
{
    return kernel_window_pml4_phys();
}

void vspace_forget(paddr_t pml4)
{
    arch_cpu_t *arch = &cpu_self()->arch;

    if (arch->loaded_cr3 == pml4) {
        arch->loaded_cr3 = vspace_kernel_pml4();
        cr3_write(arch->loaded_cr3);
    }
}

void vspace_init_pml4(paddr_t pml4)
{
    pte_t *table = paging_table(pml4);

    memzero_words(table, BIT(seL4_PML4Bits));
    table[KERNEL_PML4_SLOT] = kernel_window_pml4_entry();
}

bool arch_is_valid_vspace_root(cap_t cap)
{
    return cap.type == CAP_PML4 && cap.u.pml4.asid != ASID_INVALID;
}

void vspace_activate(tcb_t *tcb)
{
    arch_cpu_t *arch = &cpu_self()->arch;
    cap_t cap = tcb_slot(tcb, TCB_SLOT_VTABLE)->cap;
    paddr_t cr3 = vspace_kernel_pml4();

    if (cap.type == CAP_PML4 && cap.u.pml4.asid != ASID_INVALID &&
        asid_find_vspace(cap.u.pml4.asid) == cap.u.pml4.paddr) {
        cr3 = cap.u.pml4.paddr;
    }
    if (cr3 != arch->loaded_cr3) {
        arch->loaded_cr3 = cr3;
        cr3_write(cr3);
    }
}
