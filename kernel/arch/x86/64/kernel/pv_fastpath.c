/*
 * The PV fast path (sel4/pv.h): CLI, STI and the patched PUSHF and POPF of a deprivileged guest
 * kernel, applied to its virtual interrupt flag without a fault message. It runs before a user
 * exception becomes a fault and either completes the instruction (the thread goes on after it)
 * or changes nothing and lets the fault happen: a site not in the page's table, a stack the
 * thread's own page tables do not let it reach, interrupts enabled while one is pending. The page
 * is read through the TCB's own capability to it at every trap, so a page that is gone is
 * simply not there.
 */
#include <arch/kernel/arch_init.h>
#include <arch/object/vspace.h>
#include <kernel/cpu.h>
#include <kernel/memory.h>
#include <sel4/pv.h>

#define VECTOR_INVALID_OP 6
#define VECTOR_GP         13
#define RFLAGS_IF         0x200ull
#define RFLAGS_ALWAYS_SET 0x202ull

static seL4_PVPage *pv_page_of(tcb_t *thread)
{
    cap_t cap = tcb_slot(thread, TCB_SLOT_PV)->cap;

    return cap.type == CAP_FRAME ? (seL4_PVPage *)paddr_to_kptr(cap.u.frame.paddr) : NULL;
}

/* The kind of the site at rip (binary search of the sorted table), or 0. */
static word_t pv_site_kind(const seL4_PVPage *page, word_t rip)
{
    word_t low = 0;
    word_t high = page->site_count < seL4_PVSitesMax ? page->site_count : seL4_PVSitesMax;

    while (low < high) {
        word_t middle = low + (high - low) / 2;
        word_t at = page->sites[middle].rip;
        if (at == rip) {
            return page->sites[middle].kind;
        }
        if (at < rip) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    return 0;
}

static bool pv_pushf(tcb_t *thread, seL4_PVPage *page)
{
    arch_tcb_t *arch = &thread->arch;
    word_t rsp = arch_reg(arch, REG_RSP) - sizeof(word_t);
    word_t value = (arch_reg(arch, REG_RFLAGS) & ~RFLAGS_IF) | (page->flags & seL4_PV_IF);
    word_t *slot = vspace_user_pointer(cpu_self()->arch.loaded_cr3, rsp, sizeof(value), true);

    /* A stack word across two pages is rare enough for the general path. */
    if (slot != NULL) {
        *slot = value;
    } else if (!vspace_write_user(cpu_self()->arch.loaded_cr3, rsp, (const uint8_t *)&value,
                                  sizeof(value))) {
        return false;
    }
    arch_set_reg(arch, REG_RSP, rsp);
    return true;
}

static bool pv_popf(tcb_t *thread, seL4_PVPage *page)
{
    arch_tcb_t *arch = &thread->arch;
    word_t rsp = arch_reg(arch, REG_RSP);
    const word_t *slot =
            vspace_user_pointer(cpu_self()->arch.loaded_cr3, rsp, sizeof(word_t), false);
    word_t value;

    if (slot != NULL) {
        value = *slot;
    } else if (!vspace_read_user(cpu_self()->arch.loaded_cr3, rsp, (uint8_t *)&value,
                                 sizeof(value))) {
        return false;
    }
    if ((value & RFLAGS_IF) != 0 && page->pending != 0) {
        return false;
    }
    arch_set_reg(arch, REG_RFLAGS, (value & seL4_RFLAGS_UserMask) | RFLAGS_ALWAYS_SET);
    arch_set_reg(arch, REG_RSP, rsp + sizeof(word_t));
    page->flags = (page->flags & ~seL4_PV_IF) | (value & RFLAGS_IF);
    return true;
}

bool pv_fast_path(tcb_t *thread, word_t vector, word_t error)
{
    seL4_PVPage *page;
    bool done;

    if ((vector != VECTOR_INVALID_OP && !(vector == VECTOR_GP && error == 0)) ||
        arch_reg(&thread->arch, REG_CS) != (SEL_USER_CODE | SEL_RPL_USER)) {
        return false;
    }
    page = pv_page_of(thread);
    if (page == NULL || page->enabled == 0) {
        return false;
    }
    switch (pv_site_kind(page, arch_reg(&thread->arch, REG_RIP))) {
    case seL4_PVSite_CLI:
        done = vector == VECTOR_GP;
        if (done) {
            page->flags &= ~seL4_PV_IF;
        }
        break;
    case seL4_PVSite_STI:
        done = vector == VECTOR_GP && page->pending == 0;
        if (done) {
            page->flags |= seL4_PV_IF;
        }
        break;
    case seL4_PVSite_PUSHF:
        done = vector == VECTOR_INVALID_OP && pv_pushf(thread, page);
        break;
    case seL4_PVSite_POPF:
        done = vector == VECTOR_INVALID_OP && pv_popf(thread, page);
        break;
    default:
        done = false;
        break;
    }
    if (done) {
        /* Every site is a one-byte instruction. */
        arch_set_reg(&thread->arch, REG_RIP, arch_reg(&thread->arch, REG_RIP) + 1);
        page->fast_hits++;
    }
    return done;
}
