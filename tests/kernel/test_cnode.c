/*
 * CNode invocations over the derivation tree: Copy, Mint (badges, rights), Move, Mutate,
 * Delete, Revoke, guards and multi-level lookups, depth and guard mismatches, slot ranges.
 * Capabilities are told apart through what they can do (signalling a notification and reading
 * the badge) and through seL4_DebugCapIdentify.
 */
#include "groups.h"

static seL4_CPtr new_notification(test_env_t *env)
{
    return test_object(env, seL4_NotificationObject, 0);
}

/* Signals through cap, then polls original: returns the word delivered (0: nothing). */
static seL4_Word signal_and_poll(seL4_CPtr cap, seL4_CPtr original)
{
    seL4_Word word = 0;

    seL4_Signal(cap);
    seL4_Poll(original, &word);
    return word;
}

static void test_copy_same_object(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x10);
    seL4_CPtr copy = test_copy(env, badged, seL4_AllRights);

    TEST_CHECK(env, copy != 0, "setup");
    TEST_EQ(env, seL4_DebugCapIdentify(copy), seL4_CapType_Notification);
    /* The copy names the same notification and keeps the badge. */
    TEST_EQ(env, signal_and_poll(copy, ntfn), 0x10);
}

static void test_copy_dest_occupied(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);

    TEST_CHECK(env, ep != 0, "setup");
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Copy(ROOT_CNODE, ep, ROOT_DEPTH, ROOT_CNODE, ntfn, ROOT_DEPTH,
                                    seL4_AllRights),
                    seL4_DeleteFirst);
    TEST_EQ(env, seL4_DebugCapIdentify(ep), seL4_CapType_Endpoint);
}

static void test_copy_empty_source(test_env_t *env)
{
    seL4_CPtr empty = test_slot(env);
    seL4_CPtr dest = test_slot(env);

    TEST_EXPECT_ERR(env,
                    seL4_CNode_Copy(ROOT_CNODE, dest, ROOT_DEPTH, ROOT_CNODE, empty, ROOT_DEPTH,
                                    seL4_AllRights),
                    seL4_FailedLookup);
    TEST_EQ(env, seL4_DebugCapIdentify(dest), seL4_CapType_Null);
}

static void test_mint_badges(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr one = test_mint(env, ntfn, seL4_AllRights, 0x1);
    seL4_CPtr two = test_mint(env, ntfn, seL4_AllRights, 0x2);
    seL4_Word word = 0;

    TEST_CHECK(env, two != 0, "setup");
    seL4_Signal(one);
    seL4_Signal(two);
    seL4_Poll(ntfn, &word);
    TEST_EQ(env, word, 0x3);
}

static void test_mint_rebadge_refused(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x4);
    seL4_CPtr dest = test_slot(env);

    TEST_CHECK(env, badged != 0, "setup");
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Mint(ROOT_CNODE, dest, ROOT_DEPTH, ROOT_CNODE, badged, ROOT_DEPTH,
                                    seL4_AllRights, 0x8),
                    seL4_IllegalOperation);
    TEST_EQ(env, seL4_DebugCapIdentify(dest), seL4_CapType_Null);
    TEST_EQ(env, signal_and_poll(badged, ntfn), 0x4);
}

static void test_mint_read_only_cannot_signal(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr read_only = test_mint(env, ntfn, seL4_CanRead, 0x5);
    seL4_CPtr write_only = test_mint(env, ntfn, seL4_CanWrite, 0x6);

    TEST_CHECK(env, write_only != 0, "setup");
    TEST_EQ(env, signal_and_poll(read_only, ntfn), 0);
    TEST_EQ(env, signal_and_poll(write_only, ntfn), 0x6);
}

static void test_rights_cannot_grow(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr read_only = test_mint(env, ntfn, seL4_CanRead, 0x5);
    seL4_CPtr widened = test_copy(env, read_only, seL4_AllRights);

    TEST_CHECK(env, widened != 0, "setup");
    /* Copying with all rights keeps only the rights the source had. */
    TEST_EQ(env, signal_and_poll(widened, ntfn), 0);
}

static void test_move(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x7);
    seL4_CPtr dest = test_slot(env);

    TEST_CHECK(env, dest != 0, "setup");
    TEST_OK(env, seL4_CNode_Move(ROOT_CNODE, dest, ROOT_DEPTH, ROOT_CNODE, badged, ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(badged), seL4_CapType_Null);
    TEST_EQ(env, signal_and_poll(dest, ntfn), 0x7);
}

static void test_move_dest_occupied(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x7);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);

    TEST_CHECK(env, ep != 0, "setup");
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Move(ROOT_CNODE, ep, ROOT_DEPTH, ROOT_CNODE, badged, ROOT_DEPTH),
                    seL4_DeleteFirst);
    TEST_EQ(env, signal_and_poll(badged, ntfn), 0x7);
    TEST_EQ(env, seL4_DebugCapIdentify(ep), seL4_CapType_Endpoint);
}

static void test_mutate_sets_guard(test_env_t *env)
{
    seL4_CPtr raw = test_object(env, seL4_CapTableObject, 4);
    seL4_CPtr copy = test_copy(env, raw, seL4_AllRights);
    seL4_CPtr dest = test_slot(env);
    seL4_CPtr ntfn = new_notification(env);

    TEST_CHECK(env, ntfn != 0 && dest != 0, "setup");
    /* Mutate moves the cap and sets its cap data: here the guard of a CNode. */
    TEST_OK(env, seL4_CNode_Mutate(ROOT_CNODE, dest, ROOT_DEPTH, ROOT_CNODE, copy, ROOT_DEPTH,
                                   seL4_CNode_CapData_new(0, 60)));
    TEST_EQ(env, seL4_DebugCapIdentify(copy), seL4_CapType_Null);
    /* With a 60-bit guard the CNode resolves 64-bit addresses in one level. */
    TEST_OK(env,
            seL4_CNode_Copy(dest, 3, ROOT_DEPTH, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights));
    TEST_EXPECT_ERR(
            env, seL4_CNode_Copy(raw, 3, ROOT_DEPTH, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights),
            seL4_FailedLookup);
}

static void test_mutate_badge_refused(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr copy = test_copy(env, ntfn, seL4_AllRights);
    seL4_CPtr dest = test_slot(env);

    TEST_CHECK(env, dest != 0, "setup");
    /* Badges are set by Mint only: Mutate keeps derivation intact and cannot badge. */
    TEST_EXPECT_ERR(
            env, seL4_CNode_Mutate(ROOT_CNODE, dest, ROOT_DEPTH, ROOT_CNODE, copy, ROOT_DEPTH, 0x9),
            seL4_IllegalOperation);
    TEST_EQ(env, seL4_DebugCapIdentify(copy), seL4_CapType_Notification);
    TEST_EQ(env, seL4_DebugCapIdentify(dest), seL4_CapType_Null);
}

static void test_delete(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr copy = test_copy(env, ntfn, seL4_AllRights);
    seL4_CPtr empty = test_slot(env);

    TEST_CHECK(env, empty != 0, "setup");
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, copy, ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(copy), seL4_CapType_Null);
    TEST_EQ(env, seL4_DebugCapIdentify(ntfn), seL4_CapType_Notification);
    /* Deleting an empty slot is not an error. */
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, empty, ROOT_DEPTH));
}

static void test_delete_parent_keeps_child(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr parent = test_mint(env, ntfn, seL4_AllRights, 0x11);
    seL4_CPtr child = test_copy(env, parent, seL4_AllRights);

    TEST_CHECK(env, child != 0, "setup");
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, parent, ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(child), seL4_CapType_Notification);
    TEST_EQ(env, signal_and_poll(child, ntfn), 0x11);
}

static void test_revoke_derived_tree(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr a = test_copy(env, ntfn, seL4_AllRights);
    seL4_CPtr b = test_copy(env, a, seL4_AllRights);
    seL4_CPtr d = test_mint(env, a, seL4_AllRights, 0x3);
    seL4_CPtr e = test_copy(env, d, seL4_AllRights);
    seL4_CPtr other = new_notification(env);
    seL4_CPtr other_copy = test_copy(env, other, seL4_AllRights);

    TEST_CHECK(env, other_copy != 0, "setup");
    /* Revoking the original cap deletes every cap derived from it, copies and mints alike. */
    TEST_OK(env, seL4_CNode_Revoke(ROOT_CNODE, ntfn, ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(ntfn), seL4_CapType_Notification);
    TEST_EQ(env, seL4_DebugCapIdentify(a), seL4_CapType_Null);
    TEST_EQ(env, seL4_DebugCapIdentify(b), seL4_CapType_Null);
    TEST_EQ(env, seL4_DebugCapIdentify(d), seL4_CapType_Null);
    TEST_EQ(env, seL4_DebugCapIdentify(e), seL4_CapType_Null);
    /* Caps of another object are untouched. */
    TEST_EQ(env, seL4_DebugCapIdentify(other_copy), seL4_CapType_Notification);
}

static void test_revoke_badged_subtree_only(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr a = test_copy(env, ntfn, seL4_AllRights);
    seL4_CPtr d = test_mint(env, ntfn, seL4_AllRights, 0x5);
    seL4_CPtr e = test_copy(env, d, seL4_AllRights);
    seL4_CPtr f = test_copy(env, e, seL4_AllRights);
    seL4_CPtr g = test_mint(env, ntfn, seL4_AllRights, 0x6);

    TEST_CHECK(env, g != 0, "setup");
    /* A minted (badged) cap is the root of its own subtree: revoke takes its copies only. */
    TEST_OK(env, seL4_CNode_Revoke(ROOT_CNODE, d, ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(d), seL4_CapType_Notification);
    TEST_EQ(env, seL4_DebugCapIdentify(e), seL4_CapType_Null);
    TEST_EQ(env, seL4_DebugCapIdentify(f), seL4_CapType_Null);
    TEST_EQ(env, seL4_DebugCapIdentify(a), seL4_CapType_Notification);
    TEST_EQ(env, seL4_DebugCapIdentify(g), seL4_CapType_Notification);
    TEST_EQ(env, signal_and_poll(g, ntfn), 0x6);
}

static void test_revoke_plain_copy_deletes_nothing(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr a = test_copy(env, ntfn, seL4_AllRights);
    seL4_CPtr b = test_copy(env, a, seL4_AllRights);

    TEST_CHECK(env, b != 0, "setup");
    /* A plain copy is no parent (seL4: not revocable), so copies of it are siblings. */
    TEST_OK(env, seL4_CNode_Revoke(ROOT_CNODE, a, ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(a), seL4_CapType_Notification);
    TEST_EQ(env, seL4_DebugCapIdentify(b), seL4_CapType_Notification);
}

static void test_depth_out_of_range(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr dest = test_slot(env);

    TEST_EXPECT_ERR(
            env, seL4_CNode_Copy(ROOT_CNODE, dest, 0, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights),
            seL4_RangeError);
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Copy(ROOT_CNODE, dest, seL4_WordBits + 1, ROOT_CNODE, ntfn,
                                    ROOT_DEPTH, seL4_AllRights),
                    seL4_RangeError);
    TEST_EXPECT_ERR(
            env, seL4_CNode_Copy(ROOT_CNODE, dest, ROOT_DEPTH, ROOT_CNODE, ntfn, 0, seL4_AllRights),
            seL4_RangeError);
    TEST_EQ(env, seL4_DebugCapIdentify(dest), seL4_CapType_Null);
}

static void test_slot_outside_root(test_env_t *env)
{
    seL4_CPtr ntfn = new_notification(env);

    /* Index 2^12 has a bit set where the root CNode's guard wants 0. */
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Copy(ROOT_CNODE, 1u << seL4_RootCNodeSizeBits, ROOT_DEPTH,
                                    ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights),
                    seL4_FailedLookup);
    TEST_EXPECT_ERR(env, seL4_CNode_Delete(ROOT_CNODE, 0x123456789ull, ROOT_DEPTH),
                    seL4_FailedLookup);
}

static void test_guard_match_and_mismatch(test_env_t *env)
{
    seL4_CPtr raw = test_object(env, seL4_CapTableObject, 4);
    seL4_CPtr guarded = test_mint(env, raw, seL4_AllRights, seL4_CNode_CapData_new(0x5, 60));
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr back = test_slot(env);

    TEST_CHECK(env, back != 0, "setup");
    /* 60 guard bits must read 0x5, then 4 bits of index. */
    TEST_EXPECT_ERR(
            env,
            seL4_CNode_Copy(guarded, 3, ROOT_DEPTH, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights),
            seL4_FailedLookup);
    TEST_OK(env, seL4_CNode_Copy(guarded, (0x5 << 4) | 3, ROOT_DEPTH, ROOT_CNODE, ntfn, ROOT_DEPTH,
                                 seL4_AllRights));
    /* The same slot through the unguarded cap: index 3, depth 4. */
    TEST_OK(env, seL4_CNode_Move(ROOT_CNODE, back, ROOT_DEPTH, raw, 3, 4));
    TEST_EQ(env, seL4_DebugCapIdentify(back), seL4_CapType_Notification);
}

static void test_depth_mismatch(test_env_t *env)
{
    seL4_CPtr cnode = test_object(env, seL4_CapTableObject, 4);
    seL4_CPtr ntfn = new_notification(env);

    TEST_CHECK(env, ntfn != 0, "setup");
    /* No guard: exactly 4 bits resolve a slot; more or fewer do not. */
    TEST_EXPECT_ERR(
            env,
            seL4_CNode_Copy(cnode, 3, ROOT_DEPTH, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights),
            seL4_FailedLookup);
    TEST_EXPECT_ERR(env, seL4_CNode_Copy(cnode, 3, 3, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights),
                    seL4_FailedLookup);
    TEST_OK(env, seL4_CNode_Copy(cnode, 3, 4, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights));
}

static void test_multi_level(test_env_t *env)
{
    /* top: 4 index bits behind a 52-bit zero guard; second (in top's slot 2): a 4-bit guard of
     * 0xa, then 4 index bits. Address of second's slot 5: 2 << 8 | 0xa << 4 | 5. */
    seL4_CPtr top_raw = test_object(env, seL4_CapTableObject, 4);
    seL4_CPtr top = test_mint(env, top_raw, seL4_AllRights, seL4_CNode_CapData_new(0, 52));
    seL4_CPtr second = test_object(env, seL4_CapTableObject, 4);
    seL4_CPtr ntfn = new_notification(env);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x21);
    seL4_CPtr back = test_slot(env);
    seL4_CPtr second_back = test_slot(env);
    seL4_Word address = (2u << 8) | (0xau << 4) | 5;

    TEST_CHECK(env, second_back != 0, "setup");
    TEST_OK(env, seL4_CNode_Mint(top, 2, 56, ROOT_CNODE, second, ROOT_DEPTH, seL4_AllRights,
                                 seL4_CNode_CapData_new(0xa, 4)));
    TEST_OK(env, seL4_CNode_Copy(top, address, ROOT_DEPTH, ROOT_CNODE, badged, ROOT_DEPTH,
                                 seL4_AllRights));
    TEST_OK(env, seL4_CNode_Copy(ROOT_CNODE, back, ROOT_DEPTH, top, address, ROOT_DEPTH,
                                 seL4_AllRights));
    TEST_EQ(env, signal_and_poll(back, ntfn), 0x21);
    /* 56 bits stop at top's slot 2, which holds the second CNode. */
    TEST_OK(env, seL4_CNode_Copy(ROOT_CNODE, second_back, ROOT_DEPTH, top, 2, 56, seL4_AllRights));
    TEST_EQ(env, seL4_DebugCapIdentify(second_back), seL4_CapType_CNode);
    /* A wrong guard in the second level, and a depth that ends inside it, both fail. */
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Copy(ROOT_CNODE, test_slot(env), ROOT_DEPTH, top,
                                    (2u << 8) | (0xbu << 4) | 5, ROOT_DEPTH, seL4_AllRights),
                    seL4_FailedLookup);
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Copy(ROOT_CNODE, test_slot(env), ROOT_DEPTH, top, address >> 2, 62,
                                    seL4_AllRights),
                    seL4_FailedLookup);
}

static void test_invoke_non_cnode(test_env_t *env)
{
    seL4_CPtr tcb = test_object(env, seL4_TCBObject, 0);
    seL4_CPtr ntfn = new_notification(env);

    TEST_CHECK(env, ntfn != 0, "setup");
    TEST_EXPECT_ERR(
            env, seL4_CNode_Copy(tcb, 1, ROOT_DEPTH, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights),
            seL4_IllegalOperation);
}

static void test_mint_guard_too_large(test_env_t *env)
{
    seL4_CPtr raw = test_object(env, seL4_CapTableObject, 4);
    seL4_CPtr dest = test_slot(env);

    TEST_CHECK(env, dest != 0, "setup");
    /* 4 index bits and a 61-bit guard would resolve more than a word. */
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Mint(ROOT_CNODE, dest, ROOT_DEPTH, ROOT_CNODE, raw, ROOT_DEPTH,
                                    seL4_AllRights, seL4_CNode_CapData_new(0, 61)),
                    seL4_IllegalOperation);
    TEST_EQ(env, seL4_DebugCapIdentify(dest), seL4_CapType_Null);
}

static void test_copy_irq_control_refused(test_env_t *env)
{
    seL4_CPtr dest = test_slot(env);

    /* There is exactly one IRQControl capability; it cannot be duplicated. */
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Copy(ROOT_CNODE, dest, ROOT_DEPTH, ROOT_CNODE, seL4_CapIRQControl,
                                    ROOT_DEPTH, seL4_AllRights),
                    seL4_IllegalOperation);
    TEST_EQ(env, seL4_DebugCapIdentify(dest), seL4_CapType_Null);
}

static void test_delete_last_cap_destroys_object(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, 5);
    seL4_CPtr ntfn = test_slot(env);
    seL4_CPtr again = test_slot(env);

    TEST_CHECK(env, again != 0, "setup");
    TEST_OK(env,
            seL4_Untyped_Retype(untyped, seL4_NotificationObject, 0, ROOT_CNODE, 0, 0, ntfn, 1));
    TEST_EXPECT_ERR(
            env,
            seL4_Untyped_Retype(untyped, seL4_NotificationObject, 0, ROOT_CNODE, 0, 0, again, 1),
            seL4_NotEnoughMemory);
    /* Deleting the only cap frees the object: the untyped has room again. */
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, ntfn, ROOT_DEPTH));
    TEST_OK(env,
            seL4_Untyped_Retype(untyped, seL4_NotificationObject, 0, ROOT_CNODE, 0, 0, again, 1));
}

static void test_identify_bad_address(test_env_t *env)
{
    /* A lookup that fails reports an empty slot; it is not a fault of the caller. */
    TEST_EQ(env, seL4_DebugCapIdentify(0x123456789ull), seL4_CapType_Null);
    TEST_EQ(env, seL4_DebugCapIdentify(seL4_CapInitThreadCNode), seL4_CapType_CNode);
    TEST_EQ(env, seL4_DebugCapIdentify(seL4_CapInitThreadTCB), seL4_CapType_Thread);
    TEST_EQ(env, seL4_DebugCapIdentify(seL4_CapInitThreadVSpace), seL4_CapType_PML4);
    TEST_EQ(env, seL4_DebugCapIdentify(seL4_CapIRQControl), seL4_CapType_IRQControl);
    TEST_EQ(env, seL4_DebugCapIdentify(seL4_CapASIDControl), seL4_CapType_ASIDControl);
    TEST_EQ(env, seL4_DebugCapIdentify(seL4_CapInitThreadASIDPool), seL4_CapType_ASIDPool);
    TEST_EQ(env, seL4_DebugCapIdentify(seL4_CapIOPortControl), seL4_CapType_IOPortControl);
    TEST_EQ(env, seL4_DebugCapIdentify(seL4_CapBootInfoFrame), seL4_CapType_Frame);
    TEST_EQ(env, seL4_DebugCapIdentify(seL4_CapInitThreadIPCBuffer), seL4_CapType_Frame);
}

static void test_invoke_empty_slot(test_env_t *env)
{
    seL4_CPtr empty = test_slot(env);
    seL4_CPtr ntfn = new_notification(env);

    TEST_CHECK(env, ntfn != 0, "setup");
    /* An empty slot resolves, so this is an error reply, not a capability fault. */
    TEST_EXPECT_ERR(
            env,
            seL4_CNode_Copy(empty, 1, ROOT_DEPTH, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights),
            seL4_InvalidCapability);
    TEST_EXPECT_ERR(env, seL4_TCB_Suspend(empty), seL4_InvalidCapability);
}

static void test_rotate(test_env_t *env)
{
    seL4_CPtr big = test_object(env, seL4_CapTableObject, 4);
    seL4_CPtr small = test_object(env, seL4_CapTableObject, 2);
    seL4_CPtr dest = test_slot(env);
    seL4_CPtr ntfn = new_notification(env);

    TEST_CHECK(env, ntfn != 0 && dest != 0, "setup");
    /* The pivot (small) moves to dest, the source (big, given a 60-bit guard) to the pivot's
     * slot, in one step; the source slot ends empty. */
    TEST_OK(env, seL4_CNode_Rotate(ROOT_CNODE, dest, ROOT_DEPTH, ROOT_CNODE, small, ROOT_DEPTH, 0,
                                   ROOT_CNODE, big, ROOT_DEPTH, seL4_CNode_CapData_new(0, 60)));
    TEST_EQ(env, seL4_DebugCapIdentify(big), seL4_CapType_Null);
    TEST_OK(env,
            seL4_CNode_Copy(small, 15, ROOT_DEPTH, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights));
    TEST_OK(env, seL4_CNode_Copy(dest, 3, 2, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights));
    TEST_EXPECT_ERR(env, seL4_CNode_Copy(dest, 3, 4, ROOT_CNODE, ntfn, ROOT_DEPTH, seL4_AllRights),
                    seL4_FailedLookup);
    /* The pivot may be neither the source nor the destination. */
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Rotate(ROOT_CNODE, test_slot(env), ROOT_DEPTH, ROOT_CNODE, small,
                                      ROOT_DEPTH, 0, ROOT_CNODE, small, ROOT_DEPTH, 0),
                    seL4_IllegalOperation);
}

static void test_domain_set(test_env_t *env)
{
    seL4_CPtr tcb = test_object(env, seL4_TCBObject, 0);

    TEST_CHECK(env, tcb != 0, "setup");
    TEST_OK(env, seL4_DomainSet_Set(seL4_CapDomain, 0, tcb));
    /* One scheduling domain exists; the thread argument must be a TCB. */
    TEST_EXPECT_ERR(env, seL4_DomainSet_Set(seL4_CapDomain, 1, tcb), seL4_InvalidArgument);
    TEST_EXPECT_ERR(env, seL4_DomainSet_Set(seL4_CapDomain, 0, ROOT_CNODE), seL4_InvalidArgument);
}

static const test_case_t cnode_cases[] = {
        {"cnode_copy_same_object", test_copy_same_object},
        {"cnode_copy_dest_occupied", test_copy_dest_occupied},
        {"cnode_copy_empty_source", test_copy_empty_source},
        {"cnode_mint_badges", test_mint_badges},
        {"cnode_mint_rebadge_refused", test_mint_rebadge_refused},
        {"cnode_mint_rights_read_only", test_mint_read_only_cannot_signal},
        {"cnode_rights_cannot_grow", test_rights_cannot_grow},
        {"cnode_move", test_move},
        {"cnode_move_dest_occupied", test_move_dest_occupied},
        {"cnode_mutate_sets_guard", test_mutate_sets_guard},
        {"cnode_mutate_badge_refused", test_mutate_badge_refused},
        {"cnode_rotate", test_rotate},
        {"cnode_delete", test_delete},
        {"cnode_delete_parent_keeps_child", test_delete_parent_keeps_child},
        {"cnode_delete_last_cap_frees_object", test_delete_last_cap_destroys_object},
        {"cnode_revoke_derived_tree", test_revoke_derived_tree},
        {"cnode_revoke_badged_subtree_only", test_revoke_badged_subtree_only},
        {"cnode_revoke_plain_copy_deletes_nothing", test_revoke_plain_copy_deletes_nothing},
        {"cnode_depth_out_of_range", test_depth_out_of_range},
        {"cnode_slot_outside_root", test_slot_outside_root},
        {"cnode_guard_match_and_mismatch", test_guard_match_and_mismatch},
        {"cnode_depth_mismatch", test_depth_mismatch},
        {"cnode_multi_level_lookup", test_multi_level},
        {"cnode_invoke_wrong_type", test_invoke_non_cnode},
        {"cnode_invoke_empty_slot", test_invoke_empty_slot},
        {"cnode_mint_guard_too_large", test_mint_guard_too_large},
        {"cnode_copy_irq_control_refused", test_copy_irq_control_refused},
        {"cnode_initial_caps_and_bad_address", test_identify_bad_address},
        {"domain_set", test_domain_set},
};

const test_group_t cnode_group = TEST_GROUP(cnode_cases);
