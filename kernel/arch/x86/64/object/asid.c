/*
 * ASID control (MakePool: turn a 4 KiB untyped into an ASID pool) and ASID pools (Assign: give
 * a PML4 an ASID, which makes it usable as a VSpace, or an EPT PML4 one, which makes it a
 * guest-physical root). Deleting a VSpace, root or pool forgets its ASIDs, which is what makes
 * every later lookup through them fail.
 */
#include <arch/object/asid.h>
#include <arch/object/ept.h>
#include <arch/object/vspace.h>
#include <kernel/cspace.h>
#include <kernel/memory.h>
#include <kernel/string.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

static asid_pool_t *asid_table[ASID_POOL_COUNT];

/* Bit 0 of a pool entry: the address is a guest-physical root (tables are page aligned). */
#define ASID_ENTRY_GUEST_ROOT 1ull

static unsigned asid_pool_index(asid_t asid)
{
    return asid >> seL4_ASIDPoolIndexBits;
}

static unsigned asid_entry_index(asid_t asid)
{
    return asid & (ASID_POOL_ENTRIES - 1);
}

static paddr_t asid_entry(asid_t asid)
{
    asid_pool_t *pool;

    if (asid == ASID_INVALID || asid_pool_index(asid) >= ASID_POOL_COUNT) {
        return 0;
    }
    pool = asid_table[asid_pool_index(asid)];
    return pool != NULL ? pool->vspace[asid_entry_index(asid)] : 0;
}

paddr_t asid_find_vspace(asid_t asid)
{
    paddr_t entry = asid_entry(asid);

    return (entry & ASID_ENTRY_GUEST_ROOT) ? 0 : entry;
}

paddr_t asid_find_guest_root(asid_t asid)
{
    paddr_t entry = asid_entry(asid);

    return (entry & ASID_ENTRY_GUEST_ROOT) ? entry & ~ASID_ENTRY_GUEST_ROOT : 0;
}

void asid_pool_install(unsigned index, asid_pool_t *pool)
{
    asid_table[index] = pool;
}

void asid_assign(asid_pool_t *pool, asid_t asid, paddr_t pml4)
{
    pool->vspace[asid_entry_index(asid)] = pml4;
}

void asid_delete_vspace(asid_t asid, paddr_t pml4)
{
    asid_pool_t *pool = asid_table[asid_pool_index(asid)];

    if (pool != NULL && pool->vspace[asid_entry_index(asid)] == pml4) {
        pool->vspace[asid_entry_index(asid)] = 0;
    }
    vspace_forget(pml4);
}

void asid_delete_guest_root(asid_t asid, paddr_t root)
{
    asid_pool_t *pool = asid_table[asid_pool_index(asid)];

    if (pool != NULL && pool->vspace[asid_entry_index(asid)] == (root | ASID_ENTRY_GUEST_ROOT)) {
        pool->vspace[asid_entry_index(asid)] = 0;
    }
    guest_root_flush(root);
}

void asid_delete_pool(asid_t base, asid_pool_t *pool)
{
    unsigned index = asid_pool_index(base);

    if (asid_table[index] != pool) {
        return;
    }
    for (unsigned i = 0; i < ASID_POOL_ENTRIES; i++) {
        paddr_t entry = pool->vspace[i];
        if (entry & ASID_ENTRY_GUEST_ROOT) {
            guest_root_flush(entry & ~ASID_ENTRY_GUEST_ROOT);
        } else if (entry != 0) {
            vspace_forget(entry);
        }
    }
    asid_table[index] = NULL;
}

static void invoke_make_pool(cte_t *untyped_slot, cte_t *dest, unsigned index)
{
    paddr_t paddr = untyped_slot->cap.u.untyped.paddr;
    asid_pool_t *pool = paddr_to_kptr(paddr);
    cap_t cap = {.type = CAP_ASID_POOL};

    untyped_slot->cap.u.untyped.free_offset = BIT(untyped_slot->cap.u.untyped.size_bits);
    memzero_words(pool, sizeof(*pool));
    cap.u.asid_pool.pool = pool;
    cap.u.asid_pool.asid_base = (asid_t)(index << seL4_ASIDPoolIndexBits);
    cte_insert_new(cap, untyped_slot, dest);
    asid_table[index] = pool;
}

seL4_Error asid_control_decode(invocation_t *inv, cte_t *slot)
{
    cte_t *untyped_slot = inv_extra_slot(inv, 0);
    cte_t *dest;
    cap_t untyped;
    unsigned index;
    seL4_Error error;

    (void)slot;
    if (inv->label != X86ASIDControlMakePool) {
        return error_simple(seL4_IllegalOperation);
    }
    if (inv->length < 2 || inv->extra_cap_count < 2) {
        return error_simple(seL4_TruncatedMessage);
    }
    for (index = 0; index < ASID_POOL_COUNT && asid_table[index] != NULL; index++) {
    }
    if (index == ASID_POOL_COUNT) {
        return error_simple(seL4_DeleteFirst);
    }
    untyped = untyped_slot->cap;
    if (untyped.type != CAP_UNTYPED || untyped.u.untyped.size_bits != seL4_ASIDPoolBits ||
        untyped.u.untyped.is_device) {
        return error_invalid_capability(1);
    }
    error = cte_ensure_no_children(untyped_slot);
    if (error == seL4_NoError) {
        error = cspace_lookup_empty_slot(inv_extra_cap(inv, 1), inv_arg(inv, 0), inv_arg(inv, 1),
                                         &dest);
    }
    if (error != seL4_NoError) {
        return error;
    }
    invoke_make_pool(untyped_slot, dest, index);
    return seL4_NoError;
}

static void invoke_pool_assign(asid_pool_t *pool, cte_t *vspace_slot, asid_t asid)
{
    paddr_t entry = vspace_slot->cap.u.pml4.paddr;

    if (vspace_slot->cap.type == CAP_EPT_PML4) {
        entry |= ASID_ENTRY_GUEST_ROOT;
    }
    asid_assign(pool, asid, entry);
    vspace_slot->cap.u.pml4.asid = asid;
}

seL4_Error asid_pool_decode(invocation_t *inv, cap_t cap)
{
    cte_t *vspace_slot = inv_extra_slot(inv, 0);
    asid_pool_t *pool = cap.u.asid_pool.pool;
    asid_t base = cap.u.asid_pool.asid_base;
    unsigned i;

    if (inv->label != X86ASIDPoolAssign) {
        return error_simple(seL4_IllegalOperation);
    }
    if (inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if ((vspace_slot->cap.type != CAP_PML4 && vspace_slot->cap.type != CAP_EPT_PML4) ||
        vspace_slot->cap.u.pml4.asid != ASID_INVALID) {
        return error_invalid_capability(1);
    }
    if (asid_table[asid_pool_index(base)] == NULL) {
        return error_failed_lookup(false, lookup_fault_invalid_root());
    }
    if (asid_table[asid_pool_index(base)] != pool) {
        return error_invalid_capability(0);
    }
    for (i = (base == 0) ? 1 : 0; i < ASID_POOL_ENTRIES && pool->vspace[i] != 0; i++) {
    }
    if (i == ASID_POOL_ENTRIES) {
        return error_simple(seL4_DeleteFirst);
    }
    invoke_pool_assign(pool, vspace_slot, (asid_t)(base + i));
    return seL4_NoError;
}
