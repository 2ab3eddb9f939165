/*
 * Deleting and revoking capabilities. Deleting the last capability of a CNode or TCB first
 * empties the object's slots: the capability is replaced by a zombie that counts down over
 * those slots, descending into nested CNodes/TCBs iteratively (each zombie remembers the slot
 * of the zombie that descended into it). The kernel is not preemptible, so zombies never
 * outlive the delete that made them: any zombie met in a slot is an ancestor in the current
 * chain (or the current one itself) and is skipped; its own walk clears it.
 */
#include <kernel/cte.h>
#include <kernel/finalise.h>

/*
 * Finalise the slot's capability. Returns true when the slot is now empty; false when it holds
 * a zombie (parent recorded) whose slots still need emptying.
 */
static bool cte_delete_shallow(cte_t *slot, cte_t *parent)
{
    cap_t cap = slot->cap;
    bool final = cte_is_final(slot);
    cap_t remainder = cap_finalise(cap, final);

    if (remainder.type == CAP_ZOMBIE) {
        remainder.u.zombie.parent = parent;
        slot->cap = remainder;
        return false;
    }
    cte_empty(slot);
    return true;
}

static void cte_reduce_zombies(cte_t *top)
{
    cte_t *current = top;

    for (;;) {
        cap_zombie_t *zombie = &current->cap.u.zombie;
        word_t remaining = zombie_remaining(zombie);

        if (remaining == 0) {
            cte_t *parent = zombie->parent;
            cte_empty(current);
            if (current == top || parent == NULL) {
                return;
            }
            current = parent;
            continue;
        }
        cte_t *inner = &zombie->slots[remaining - 1];
        if (inner->cap.type == CAP_NULL || inner == current || inner->cap.type == CAP_ZOMBIE) {
            zombie_set_remaining(zombie, remaining - 1);
            continue;
        }
        if (!cte_delete_shallow(inner, current)) {
            current = inner;
        }
    }
}

void cte_delete(cte_t *slot)
{
    if (slot->cap.type == CAP_NULL) {
        return;
    }
    if (slot->cap.type == CAP_ZOMBIE || !cte_delete_shallow(slot, NULL)) {
        cte_reduce_zombies(slot);
    }
}

void cte_revoke(cte_t *slot)
{
    while (slot->cap.type != CAP_NULL && slot->mdb_next != NULL &&
           mdb_is_parent_of(slot, slot->mdb_next)) {
        cte_delete(slot->mdb_next);
    }
}
