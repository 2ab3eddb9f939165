/*
 * The capability derivation tree as a list in derivation order: linking, moving and swapping
 * slots, and the parent/final/children tests. Never finalises anything (see delete.c).
 */
#include <kernel/cte.h>
#include <kernel/syscall_error.h>

bool mdb_is_parent_of(const cte_t *parent, const cte_t *child)
{
    if (!parent->revocable || !cap_same_region_as(parent->cap, child->cap)) {
        return false;
    }
    switch (parent->cap.type) {
    case CAP_ENDPOINT: {
        word_t badge = parent->cap.u.endpoint.badge;
        return badge == 0 || (badge == child->cap.u.endpoint.badge && !child->first_badged);
    }
    case CAP_NOTIFICATION: {
        word_t badge = parent->cap.u.notification.badge;
        return badge == 0 || (badge == child->cap.u.notification.badge && !child->first_badged);
    }
    default:
        return true;
    }
}

static void mdb_link_after(cte_t *anchor, cte_t *slot)
{
    slot->mdb_prev = anchor;
    slot->mdb_next = anchor != NULL ? anchor->mdb_next : NULL;
    if (slot->mdb_next != NULL) {
        slot->mdb_next->mdb_prev = slot;
    }
    if (anchor != NULL) {
        anchor->mdb_next = slot;
    }
}

/* An untyped copy takes over the free memory of the untyped it copies, so the two can never
 * hand out the same bytes: the source counts as full until it is reset. */
static void untyped_mark_full_if_copied(cte_t *src, cap_t new_cap)
{
    if (src->cap.type == CAP_UNTYPED && new_cap.type == CAP_UNTYPED &&
        src->cap.u.untyped.paddr == new_cap.u.untyped.paddr &&
        src->cap.u.untyped.size_bits == new_cap.u.untyped.size_bits) {
        src->cap.u.untyped.free_offset = BIT(src->cap.u.untyped.size_bits);
    }
}

void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest)
{
    bool revocable = cap_is_revocable(new_cap, src->cap);

    untyped_mark_full_if_copied(src, new_cap);
    dest->cap = new_cap;
    dest->revocable = revocable;
    dest->first_badged = revocable;
    mdb_link_after(src, dest);
}

void cte_insert_new(cap_t new_cap, cte_t *parent, cte_t *dest)
{
    dest->cap = new_cap;
    dest->revocable = true;
    dest->first_badged = true;
    mdb_link_after(parent, dest);
}

void cte_insert_root(cap_t new_cap, cte_t *dest)
{
    dest->cap = new_cap;
    dest->revocable = true;
    dest->first_badged = true;
    dest->mdb_prev = NULL;
    dest->mdb_next = NULL;
}

void cte_move(cap_t new_cap, cte_t *src, cte_t *dest)
{
    dest->cap = new_cap;
    dest->revocable = src->revocable;
    dest->first_badged = src->first_badged;
    dest->mdb_prev = src->mdb_prev;
    dest->mdb_next = src->mdb_next;
    if (dest->mdb_prev != NULL) {
        dest->mdb_prev->mdb_next = dest;
    }
    if (dest->mdb_next != NULL) {
        dest->mdb_next->mdb_prev = dest;
    }
    src->cap = cap_null();
    src->revocable = false;
    src->first_badged = false;
    src->mdb_prev = NULL;
    src->mdb_next = NULL;
}

static void mdb_swap_positions(cte_t *a, cte_t *b)
{
    cte_t *a_prev = a->mdb_prev;
    cte_t *a_next = a->mdb_next;
    cte_t *b_prev = b->mdb_prev;
    cte_t *b_next = b->mdb_next;

    if (a_next == b) { /* a_prev, a, b, b_next -> a_prev, b, a, b_next */
        b->mdb_prev = a_prev;
        b->mdb_next = a;
        a->mdb_prev = b;
        a->mdb_next = b_next;
        if (a_prev != NULL) {
            a_prev->mdb_next = b;
        }
        if (b_next != NULL) {
            b_next->mdb_prev = a;
        }
        return;
    }
    if (b_next == a) {
        mdb_swap_positions(b, a);
        return;
    }
    a->mdb_prev = b_prev;
    a->mdb_next = b_next;
    b->mdb_prev = a_prev;
    b->mdb_next = a_next;
    if (a_prev != NULL) {
        a_prev->mdb_next = b;
    }
    if (a_next != NULL) {
        a_next->mdb_prev = b;
    }
    if (b_prev != NULL) {
        b_prev->mdb_next = a;
    }
    if (b_next != NULL) {
        b_next->mdb_prev = a;
    }
}

void cte_swap(cap_t cap1, cte_t *slot1, cap_t cap2, cte_t *slot2)
{
    bool revocable = slot1->revocable;
    bool first_badged = slot1->first_badged;

    if (slot1 == slot2) {
        slot1->cap = cap1;
        return;
    }
    mdb_swap_positions(slot1, slot2);
    slot1->revocable = slot2->revocable;
    slot1->first_badged = slot2->first_badged;
    slot2->revocable = revocable;
    slot2->first_badged = first_badged;
    slot1->cap = cap2;
    slot2->cap = cap1;
}

bool cte_is_final(const cte_t *slot)
{
    if (slot->mdb_prev != NULL && cap_same_object_as(slot->mdb_prev->cap, slot->cap)) {
        return false;
    }
    if (slot->mdb_next != NULL && cap_same_object_as(slot->mdb_next->cap, slot->cap)) {
        return false;
    }
    return true;
}

bool cte_has_children(const cte_t *slot)
{
    return slot->mdb_next != NULL && mdb_is_parent_of(slot, slot->mdb_next);
}

seL4_Error cte_ensure_no_children(const cte_t *slot)
{
    return cte_has_children(slot) ? error_simple(seL4_RevokeFirst) : seL4_NoError;
}

seL4_Error cte_ensure_empty(const cte_t *slot)
{
    return slot->cap.type != CAP_NULL ? error_simple(seL4_DeleteFirst) : seL4_NoError;
}

void cte_empty(cte_t *slot)
{
    if (slot->mdb_prev != NULL) {
        slot->mdb_prev->mdb_next = slot->mdb_next;
    }
    if (slot->mdb_next != NULL) {
        slot->mdb_next->mdb_prev = slot->mdb_prev;
    }
    slot->cap = cap_null();
    slot->mdb_prev = NULL;
    slot->mdb_next = NULL;
    slot->revocable = false;
    slot->first_badged = false;
}
