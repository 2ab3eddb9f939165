/*
 * Deletion of objects that hold capabilities: CNodes that contain capabilities to themselves
 * and to each other, a TCB whose CSpace is a CNode holding the TCB's only other capability, and
 * deep chains of CNodes. Everything is made from one untyped; revoking it must end every object
 * (no hang, no fault in the kernel) and leave the whole untyped usable again.
 */
#include "smoke.h"

#define CHAIN_LENGTH 64

static word_t copy_into(seL4_CPtr cnode, word_t index, seL4_CPtr source)
{
    word_t args[5] = {index, 2, source, seL4_WordBits, seL4_AllRights.words[0]};
    seL4_CPtr root = ROOT;
    return invoke(cnode, CNodeCopy, 5, args, 1, &root, 0);
}

static word_t move_into(seL4_CPtr cnode, word_t index, seL4_CPtr source)
{
    word_t args[4] = {index, 2, source, seL4_WordBits};
    seL4_CPtr root = ROOT;
    return invoke(cnode, CNodeMove, 4, args, 1, &root, 0);
}

static seL4_CPtr retype_from(seL4_CPtr from, word_t type, word_t size_bits)
{
    seL4_CPtr slot = next_slot++;
    word_t args[6] = {type, size_bits, 0, 0, slot, 1};
    seL4_CPtr root = ROOT;
    return invoke(from, UntypedRetype, 6, args, 1, &root, 0) == 0 ? slot : 0;
}

static int cap_present(seL4_CPtr cptr)
{
    regs_t r = {.rdi = cptr};
    sys((word_t)seL4_SysDebugCapIdentify, &r);
    return r.rdi != 0;
}

void check_deletion(void)
{
    seL4_CPtr pool = retype(seL4_UntypedObject, 18);
    word_t errors = 0;

    /* A CNode holding a capability to itself, its original then deleted: unreachable. */
    seL4_CPtr self = retype_from(pool, seL4_CapTableObject, 2);
    errors |= copy_into(self, 0, self);
    word_t del[2] = {self, seL4_WordBits};
    errors |= invoke(ROOT, CNodeDelete, 2, del, 0, 0, 0);

    /* Two CNodes, each holding the only capability to the other. */
    seL4_CPtr a = retype_from(pool, seL4_CapTableObject, 2);
    seL4_CPtr b = retype_from(pool, seL4_CapTableObject, 2);
    errors |= copy_into(a, 1, b);
    errors |= copy_into(b, 1, a);
    errors |= move_into(a, 2, b);
    word_t del_a[2] = {a, seL4_WordBits};
    errors |= invoke(ROOT, CNodeDelete, 2, del_a, 0, 0, 0);

    /* A TCB whose CSpace root is a CNode that holds the TCB's only other capability. */
    seL4_CPtr c = retype_from(pool, seL4_CapTableObject, 2);
    seL4_CPtr tcb = retype_from(pool, seL4_TCBObject, 0);
    word_t space[3] = {0, 0, 0};
    seL4_CPtr roots[2] = {c, seL4_CapInitThreadVSpace};
    errors |= invoke(tcb, TCBSetSpace, 3, space, 2, roots, 0);
    errors |= move_into(c, 0, tcb);
    word_t del_c[2] = {c, seL4_WordBits};
    errors |= invoke(ROOT, CNodeDelete, 2, del_c, 0, 0, 0);

    /* A chain: each CNode holds the only capability to the next; deleting the head ends all. */
    seL4_CPtr chain[CHAIN_LENGTH];
    for (int i = 0; i < CHAIN_LENGTH; i++) {
        chain[i] = retype_from(pool, seL4_CapTableObject, 2);
        errors |= chain[i] == 0;
    }
    for (int i = CHAIN_LENGTH - 1; i > 0; i--) {
        errors |= move_into(chain[i - 1], 3, chain[i]);
    }
    word_t del_head[2] = {chain[0], seL4_WordBits};
    errors |= invoke(ROOT, CNodeDelete, 2, del_head, 0, 0, 0);
    check(errors == 0, "deletion: self-referencing CNodes, a TCB in its own CSpace, a chain",
          errors);
    check(!cap_present(self) && !cap_present(a) && !cap_present(c) && !cap_present(chain[0]) &&
                  !cap_present(chain[1]),
          "deletion: the originals are gone", 0);

    word_t revoke[2] = {pool, seL4_WordBits};
    check(invoke(ROOT, CNodeRevoke, 2, revoke, 0, 0, 0) == 0,
          "deletion: revoking the untyped ends every unreachable object", 0);
    /* All of the untyped is free again: one object the size of the whole untyped fits. */
    check(retype_from(pool, seL4_UntypedObject, 18) != 0, "deletion: the untyped is whole again",
          0);
    check(invoke(ROOT, CNodeRevoke, 2, revoke, 0, 0, 0) == 0, "deletion: and revoked again", 0);
}
