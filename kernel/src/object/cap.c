/*
 * The relations between capabilities that the derivation tree rests on, and the capability
 * transformations of Mint/Copy/Mutate (rights masking, badges, guards). Pure functions over
 * capability values.
 */
#include <kernel/arch_object.h>
#include <kernel/cap.h>
#include <kernel/memory.h>
#include <kernel/tcb.h>

bool cap_physical_region(cap_t cap, paddr_t *base, word_t *size)
{
    switch (cap.type) {
    case CAP_UNTYPED:
        *base = cap.u.untyped.paddr;
        *size = BIT(cap.u.untyped.size_bits);
        return true;
    case CAP_ENDPOINT:
        *base = kptr_to_paddr(cap.u.endpoint.ep);
        *size = BIT(seL4_EndpointBits);
        return true;
    case CAP_NOTIFICATION:
        *base = kptr_to_paddr(cap.u.notification.ntfn);
        *size = BIT(seL4_NotificationBits);
        return true;
    case CAP_CNODE:
        *base = kptr_to_paddr(cap.u.cnode.slots);
        *size = BIT(cap.u.cnode.radix + seL4_SlotBits);
        return true;
    case CAP_THREAD:
        *base = kptr_to_paddr(cap.u.thread.tcb);
        *size = BIT(seL4_TCBBits);
        return true;
    case CAP_ZOMBIE:
        *base = kptr_to_paddr(cap.u.zombie.slots);
        *size = BIT(zombie_size_bits(&cap.u.zombie));
        return true;
    default:
        return cap_is_arch(cap) && arch_physical_region(cap, base, size);
    }
}

bool cap_same_region_as(cap_t a, cap_t b)
{
    switch (a.type) {
    case CAP_UNTYPED: {
        paddr_t a_base;
        paddr_t b_base;
        word_t a_size;
        word_t b_size;
        if (!cap_physical_region(a, &a_base, &a_size) ||
            !cap_physical_region(b, &b_base, &b_size)) {
            return false;
        }
        return a_base <= b_base && b_base + b_size - 1 <= a_base + a_size - 1;
    }
    case CAP_ENDPOINT:
        return b.type == CAP_ENDPOINT && a.u.endpoint.ep == b.u.endpoint.ep;
    case CAP_NOTIFICATION:
        return b.type == CAP_NOTIFICATION && a.u.notification.ntfn == b.u.notification.ntfn;
    case CAP_CNODE:
        return b.type == CAP_CNODE && a.u.cnode.slots == b.u.cnode.slots &&
               a.u.cnode.radix == b.u.cnode.radix;
    case CAP_THREAD:
        return b.type == CAP_THREAD && a.u.thread.tcb == b.u.thread.tcb;
    case CAP_REPLY:
        return b.type == CAP_REPLY && a.u.reply.tcb == b.u.reply.tcb;
    case CAP_DOMAIN:
        return b.type == CAP_DOMAIN;
    case CAP_IRQ_CONTROL:
        return b.type == CAP_IRQ_CONTROL || b.type == CAP_IRQ_HANDLER;
    case CAP_IRQ_HANDLER:
        return b.type == CAP_IRQ_HANDLER && a.u.irq_handler.irq == b.u.irq_handler.irq;
    case CAP_NULL:
    case CAP_ZOMBIE:
        return false;
    default:
        return cap_is_arch(a) && cap_is_arch(b) && arch_same_region_as(a, b);
    }
}

bool cap_same_object_as(cap_t a, cap_t b)
{
    if (a.type == CAP_UNTYPED) {
        return false;
    }
    if (a.type == CAP_IRQ_CONTROL && b.type == CAP_IRQ_HANDLER) {
        return false;
    }
    if (cap_is_arch(a) && cap_is_arch(b)) {
        return arch_same_object_as(a, b);
    }
    return cap_same_region_as(a, b);
}

bool cap_is_revocable(cap_t derived, cap_t src)
{
    switch (derived.type) {
    case CAP_ENDPOINT:
        return derived.u.endpoint.badge != src.u.endpoint.badge;
    case CAP_NOTIFICATION:
        return derived.u.notification.badge != src.u.notification.badge;
    case CAP_IRQ_HANDLER:
        return src.type == CAP_IRQ_CONTROL;
    case CAP_UNTYPED:
        return true;
    default:
        return cap_is_arch(derived) && arch_is_revocable(derived, src);
    }
}

cap_t cap_mask_rights(unsigned rights, cap_t cap)
{
    switch (cap.type) {
    case CAP_ENDPOINT:
        cap.u.endpoint.rights &= (uint8_t)rights;
        return cap;
    case CAP_NOTIFICATION:
        cap.u.notification.rights &= (uint8_t)(rights & (CAP_RIGHT_READ | CAP_RIGHT_WRITE));
        return cap;
    case CAP_REPLY:
        cap.u.reply.can_grant = cap.u.reply.can_grant && (rights & CAP_RIGHT_GRANT) != 0;
        return cap;
    default:
        return cap_is_arch(cap) ? arch_mask_rights(rights, cap) : cap;
    }
}

/* The guard of CNode cap data: bits 0..5 its size, bits 6..63 its value. */
#define CNODE_DATA_GUARD_SIZE_BITS 6

cap_t cap_update_data(bool preserve, word_t data, cap_t cap)
{
    switch (cap.type) {
    case CAP_ENDPOINT:
        if (preserve || cap.u.endpoint.badge != 0) {
            return cap_null();
        }
        cap.u.endpoint.badge = data;
        return cap;
    case CAP_NOTIFICATION:
        if (preserve || cap.u.notification.badge != 0) {
            return cap_null();
        }
        cap.u.notification.badge = data;
        return cap;
    case CAP_CNODE: {
        word_t guard_size = data & MASK(CNODE_DATA_GUARD_SIZE_BITS);
        word_t guard = data >> CNODE_DATA_GUARD_SIZE_BITS;
        if (guard_size + cap.u.cnode.radix > seL4_WordBits) {
            return cap_null();
        }
        cap.u.cnode.guard_size = (uint8_t)guard_size;
        cap.u.cnode.guard = guard & MASK(guard_size);
        return cap;
    }
    default:
        return cap;
    }
}

bool cap_has_cancel_send_rights(cap_t cap)
{
    return cap.type == CAP_ENDPOINT && cap.u.endpoint.rights == CAP_RIGHTS_ALL;
}
