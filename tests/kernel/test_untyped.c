/*
 * Untyped_Retype: every object type, several objects at once, splitting, the watermark and its
 * alignment, reuse after the children are gone, and every error path of the decoder.
 */
#include "groups.h"
#include <runtime/bootinfo.h>

/* Retypes one object of type into a fresh root slot and checks the cap type that results. */
static void retype_one_and_identify(test_env_t *env, seL4_Word type, seL4_Word size_bits,
                                    seL4_Word cap_type)
{
    seL4_CPtr slot = test_slot(env);

    TEST_CHECK(env, slot != 0, "no slot");
    TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_Null);
    TEST_OK(env, seL4_Untyped_Retype(env->arena, type, size_bits, ROOT_CNODE, 0, 0, slot, 1));
    TEST_EQ(env, seL4_DebugCapIdentify(slot), cap_type);
}

static void test_retype_tcb(test_env_t *env)
{
    retype_one_and_identify(env, seL4_TCBObject, 0, seL4_CapType_Thread);
}

static void test_retype_endpoint(test_env_t *env)
{
    retype_one_and_identify(env, seL4_EndpointObject, 0, seL4_CapType_Endpoint);
}

static void test_retype_notification(test_env_t *env)
{
    retype_one_and_identify(env, seL4_NotificationObject, 0, seL4_CapType_Notification);
}

static void test_retype_cnode(test_env_t *env)
{
    retype_one_and_identify(env, seL4_CapTableObject, 6, seL4_CapType_CNode);
}

static void test_retype_untyped(test_env_t *env)
{
    retype_one_and_identify(env, seL4_UntypedObject, 16, seL4_CapType_Untyped);
}

static void test_retype_frame_4k(test_env_t *env)
{
    retype_one_and_identify(env, seL4_X86_4K, 0, seL4_CapType_Frame);
}

static void test_retype_frame_2m(test_env_t *env)
{
    retype_one_and_identify(env, seL4_X86_LargePageObject, 0, seL4_CapType_Frame);
}

static void test_retype_page_table(test_env_t *env)
{
    retype_one_and_identify(env, seL4_X86_PageTableObject, 0, seL4_CapType_PageTable);
}

static void test_retype_page_directory(test_env_t *env)
{
    retype_one_and_identify(env, seL4_X86_PageDirectoryObject, 0, seL4_CapType_PageDirectory);
}

static void test_retype_pdpt(test_env_t *env)
{
    retype_one_and_identify(env, seL4_X86_PDPTObject, 0, seL4_CapType_PDPT);
}

static void test_retype_pml4(test_env_t *env)
{
    retype_one_and_identify(env, seL4_X64_PML4Object, 0, seL4_CapType_PML4);
}

static void test_retype_many_objects(test_env_t *env)
{
    seL4_CPtr first = test_slot(env);

    for (int i = 1; i < 8; i++) {
        TEST_CHECK(env, test_slot(env) == first + (seL4_Word)i, "slots not consecutive");
    }
    TEST_OK(env,
            seL4_Untyped_Retype(env->arena, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, first, 8));
    for (seL4_Word i = 0; i < 8; i++) {
        TEST_EQ(env, seL4_DebugCapIdentify(first + i), seL4_CapType_Endpoint);
    }
}

static void test_retype_into_other_cnode(test_env_t *env)
{
    seL4_CPtr cnode = test_object(env, seL4_CapTableObject, 4);
    seL4_CPtr back = test_slot(env);

    TEST_CHECK(env, cnode != 0 && back != 0, "setup");
    /* node_index/node_depth select the CNode at root slot `cnode`; offset 3 inside it. */
    TEST_OK(env, seL4_Untyped_Retype(env->arena, seL4_NotificationObject, 0, ROOT_CNODE, cnode,
                                     ROOT_DEPTH, 3, 1));
    /* The new cap is in the child CNode (radix 4, no guard): slot 3 at depth 4. */
    TEST_OK(env, seL4_CNode_Move(ROOT_CNODE, back, ROOT_DEPTH, cnode, 3, 4));
    TEST_EQ(env, seL4_DebugCapIdentify(back), seL4_CapType_Notification);
}

static void test_retype_split_untyped(test_env_t *env)
{
    seL4_CPtr parent = test_untyped(env, 12);
    seL4_CPtr halves = test_slot(env);
    seL4_CPtr second = test_slot(env);
    seL4_CPtr tcbs = test_slot(env);
    seL4_CPtr tcb2 = test_slot(env);
    seL4_CPtr ep = test_slot(env);

    TEST_CHECK(env, parent != 0 && ep != 0 && second == halves + 1 && tcb2 == tcbs + 1, "setup");
    TEST_OK(env, seL4_Untyped_Retype(parent, seL4_UntypedObject, 11, ROOT_CNODE, 0, 0, halves, 2));
    TEST_EQ(env, seL4_DebugCapIdentify(halves), seL4_CapType_Untyped);
    TEST_EQ(env, seL4_DebugCapIdentify(second), seL4_CapType_Untyped);
    /* Each half holds exactly one TCB; the parent has nothing left. */
    TEST_OK(env, seL4_Untyped_Retype(halves, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, tcbs, 1));
    TEST_OK(env, seL4_Untyped_Retype(second, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, tcb2, 1));
    TEST_EXPECT_ERR(env,
                    seL4_Untyped_Retype(parent, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, ep, 1),
                    seL4_NotEnoughMemory);
    TEST_EXPECT_ERR(env,
                    seL4_Untyped_Retype(halves, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, ep, 1),
                    seL4_NotEnoughMemory);
}

static void test_retype_watermark_alignment(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, 12);
    seL4_CPtr a = test_slot(env);
    seL4_CPtr b = test_slot(env);
    seL4_CPtr c = test_slot(env);

    TEST_CHECK(env, untyped != 0 && c != 0, "setup");
    /* A 16-byte endpoint first; the TCB after it is aligned up to 2 KiB, filling the rest. */
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, a, 1));
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, b, 1));
    /* The watermark never moves back: even a small object no longer fits. */
    TEST_EXPECT_ERR(env,
                    seL4_Untyped_Retype(untyped, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, c, 1),
                    seL4_NotEnoughMemory);
    TEST_EQ(env, seL4_GetMR(0), 0);
}

static void test_retype_reports_memory_left(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, 12);
    seL4_CPtr a = test_slot(env);
    seL4_CPtr b = test_slot(env);

    TEST_CHECK(env, untyped != 0 && b != 0, "setup");
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, a, 1));
    TEST_EXPECT_ERR(env, seL4_Untyped_Retype(untyped, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, b, 1),
                    seL4_NotEnoughMemory);
    TEST_EQ(env, seL4_GetMR(0), 1u << seL4_TCBBits);
}

static void test_retype_object_larger_than_untyped(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, 12);
    seL4_CPtr slot = test_slot(env);

    TEST_CHECK(env, untyped != 0 && slot != 0, "setup");
    TEST_EXPECT_ERR(
            env,
            seL4_Untyped_Retype(untyped, seL4_X86_LargePageObject, 0, ROOT_CNODE, 0, 0, slot, 1),
            seL4_NotEnoughMemory);
    TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_Null);
}

static void test_retype_too_many_for_untyped(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, 12);
    seL4_CPtr first = test_slot(env);

    for (int i = 1; i < 3; i++) {
        test_slot(env);
    }
    TEST_CHECK(env, untyped != 0 && first != 0, "setup");
    /* Three TCBs need 6 KiB of a 4 KiB untyped: nothing may be created. */
    TEST_EXPECT_ERR(env,
                    seL4_Untyped_Retype(untyped, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, first, 3),
                    seL4_NotEnoughMemory);
    for (seL4_Word i = 0; i < 3; i++) {
        TEST_EQ(env, seL4_DebugCapIdentify(first + i), seL4_CapType_Null);
    }
}

static void test_retype_reuse_after_children_deleted(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, 12);
    seL4_CPtr a = test_slot(env);
    seL4_CPtr b = test_slot(env);
    seL4_CPtr c = test_slot(env);

    TEST_CHECK(env, untyped != 0 && c != 0, "setup");
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, a, 1));
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, b, 1));
    TEST_EXPECT_ERR(env, seL4_Untyped_Retype(untyped, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, c, 1),
                    seL4_NotEnoughMemory);
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, a, ROOT_DEPTH));
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, b, ROOT_DEPTH));
    /* With no children left the whole untyped is free again. */
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, c, 1));
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, a, 1));
}

static void test_revoke_untyped_deletes_objects(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, 12);
    seL4_CPtr first = test_slot(env);
    seL4_CPtr second = test_slot(env);

    TEST_CHECK(env, untyped != 0 && second == first + 1, "setup");
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, first, 2));
    TEST_OK(env, seL4_CNode_Revoke(ROOT_CNODE, untyped, ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(first), seL4_CapType_Null);
    TEST_EQ(env, seL4_DebugCapIdentify(second), seL4_CapType_Null);
    TEST_EQ(env, seL4_DebugCapIdentify(untyped), seL4_CapType_Untyped);
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, first, 1));
}

static void test_retype_invalid_type(test_env_t *env)
{
    seL4_CPtr slot = test_slot(env);

    TEST_EXPECT_ERR(
            env,
            seL4_Untyped_Retype(env->arena, seL4_ObjectTypeCount, 0, ROOT_CNODE, 0, 0, slot, 1),
            seL4_InvalidArgument);
    TEST_EQ(env, seL4_GetMR(0), 0); /* argument 0, the type */
    TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_Null);
}

static void test_retype_size_out_of_range(test_env_t *env)
{
    seL4_CPtr slot = test_slot(env);

    TEST_EXPECT_ERR(env,
                    seL4_Untyped_Retype(env->arena, seL4_UntypedObject, seL4_MaxUntypedBits + 1,
                                        ROOT_CNODE, 0, 0, slot, 1),
                    seL4_RangeError);
    /* Below the minimum untyped size, and a CNode of 2^0 slots. */
    TEST_EXPECT_ERR(env,
                    seL4_Untyped_Retype(env->arena, seL4_UntypedObject, seL4_MinUntypedBits - 1,
                                        ROOT_CNODE, 0, 0, slot, 1),
                    seL4_InvalidArgument);
    TEST_EXPECT_ERR(
            env, seL4_Untyped_Retype(env->arena, seL4_CapTableObject, 0, ROOT_CNODE, 0, 0, slot, 1),
            seL4_InvalidArgument);
    TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_Null);
}

static void test_retype_dest_occupied(test_env_t *env)
{
    seL4_CPtr first = test_slot(env);
    seL4_CPtr second = test_slot(env);

    TEST_CHECK(env, second == first + 1, "setup");
    TEST_OK(env,
            seL4_Untyped_Retype(env->arena, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, second, 1));
    /* The window [first, first+2) includes the occupied slot: nothing is created. */
    TEST_EXPECT_ERR(
            env,
            seL4_Untyped_Retype(env->arena, seL4_NotificationObject, 0, ROOT_CNODE, 0, 0, first, 2),
            seL4_DeleteFirst);
    TEST_EQ(env, seL4_DebugCapIdentify(first), seL4_CapType_Null);
    TEST_EQ(env, seL4_DebugCapIdentify(second), seL4_CapType_Endpoint);
}

static void test_retype_slot_ranges(test_env_t *env)
{
    seL4_Word size = 1u << seL4_RootCNodeSizeBits;

    TEST_EXPECT_ERR(env,
                    seL4_Untyped_Retype(env->arena, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0,
                                        test_slot(env), 0),
                    seL4_RangeError);
    TEST_EXPECT_ERR(
            env, seL4_Untyped_Retype(env->arena, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, size, 1),
            seL4_RangeError);
    TEST_EXPECT_ERR(
            env,
            seL4_Untyped_Retype(env->arena, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, size - 1, 2),
            seL4_RangeError);
}

static void test_retype_dest_not_cnode(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);

    TEST_CHECK(env, ep != 0, "setup");
    /* node_index names an endpoint, not a CNode. */
    TEST_EXPECT_ERR(env,
                    seL4_Untyped_Retype(env->arena, seL4_EndpointObject, 0, ROOT_CNODE, ep,
                                        ROOT_DEPTH, 0, 1),
                    seL4_FailedLookup);
    /* The root argument itself is not a CNode. */
    TEST_EXPECT_ERR(
            env,
            seL4_Untyped_Retype(env->arena, seL4_EndpointObject, 0, ep, 0, 0, test_slot(env), 1),
            seL4_FailedLookup);
}

static void test_retype_on_non_untyped(test_env_t *env)
{
    seL4_CPtr slot = test_slot(env);

    /* A CNode capability does not understand UntypedRetype. */
    TEST_EXPECT_ERR(
            env, seL4_Untyped_Retype(ROOT_CNODE, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, slot, 1),
            seL4_IllegalOperation);
    TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_Null);
}

static void test_retype_truncated_message(test_env_t *env)
{
    seL4_CPtr slot = test_slot(env);
    seL4_Word mr[6] = {seL4_EndpointObject, 0, 0, 0, slot, 1};

    seL4_SetCap(0, ROOT_CNODE);
    TEST_EXPECT_ERR(env, seL4_X64_Invoke(env->arena, UntypedRetype, 1, 5, mr),
                    seL4_TruncatedMessage);
    TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_Null);
}

static void test_retype_device_untyped(test_env_t *env)
{
    const seL4_BootInfo *bi = env->bootinfo;
    seL4_CPtr device = seL4_CapNull;
    seL4_CPtr slot = test_slot(env);
    seL4_CPtr frame = test_slot(env);

    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (bi->untypedList[i].isDevice && bi->untypedList[i].sizeBits >= seL4_PageBits) {
            device = bi->untyped.start + i;
            break;
        }
    }
    TEST_CHECK(env, device != seL4_CapNull, "no device untyped in the boot info");
    /* Device memory may become frames (or untypeds), never kernel objects. */
    TEST_EXPECT_ERR(env, seL4_Untyped_Retype(device, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, slot, 1),
                    seL4_InvalidArgument);
    TEST_EXPECT_ERR(env,
                    seL4_Untyped_Retype(device, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, slot, 1),
                    seL4_InvalidArgument);
    TEST_OK(env, seL4_Untyped_Retype(device, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, frame, 1));
    TEST_EQ(env, seL4_DebugCapIdentify(frame), seL4_CapType_Frame);
}

static void test_copy_untyped_with_children(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, 12);
    seL4_CPtr copy = test_slot(env);

    TEST_CHECK(env, untyped != 0 && copy != 0, "setup");
    /* Without children an untyped may be copied ... */
    TEST_OK(env, seL4_CNode_Copy(ROOT_CNODE, copy, ROOT_DEPTH, ROOT_CNODE, untyped, ROOT_DEPTH,
                                 seL4_AllRights));
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, copy, ROOT_DEPTH));
    /* ... with one it may not: two caps would hand out the same memory twice. */
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0,
                                     test_slot(env), 1));
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Copy(ROOT_CNODE, copy, ROOT_DEPTH, ROOT_CNODE, untyped, ROOT_DEPTH,
                                    seL4_AllRights),
                    seL4_RevokeFirst);
    TEST_EQ(env, seL4_DebugCapIdentify(copy), seL4_CapType_Null);
}

static void test_retype_frame_is_zeroed(test_env_t *env)
{
    volatile seL4_Word *page;
    seL4_CPtr untyped = test_untyped(env, 12);
    seL4_CPtr frame = test_slot(env);
    seL4_CPtr again = test_slot(env);
    seL4_Word vaddr;

    TEST_CHECK(env, untyped != 0 && again != 0, "setup");
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, frame, 1));
    TEST_OK(env, vspace_reserve(&env->vspace, 4096, 4096, &vaddr));
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, vaddr, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    page = (volatile seL4_Word *)vaddr;
    for (int i = 0; i < 512; i++) {
        page[i] = 0xdeadbeefcafef00dull;
    }
    /* Delete the frame and make a new one from the same memory: it must come back zeroed. */
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, frame, ROOT_DEPTH));
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, again, 1));
    TEST_OK(env, vspace_map_frame(&env->vspace, again, vaddr, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    for (int i = 0; i < 512; i++) {
        TEST_CHECK(env, page[i] == 0, "word %d of a recycled frame is %#lx", i,
                   (unsigned long)page[i]);
    }
}

/* Whether some boot untyped of the given kind covers paddr. */
static int untyped_covers(const seL4_BootInfo *bi, seL4_Word paddr, int device)
{
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *u = &bi->untypedList[i];
        if (u->isDevice == device && paddr >= u->paddr &&
            paddr - u->paddr < (1ull << u->sizeBits)) {
            return 1;
        }
    }
    return 0;
}

/*
 * Memory the kernel drives is in no untyped: its LAPIC and IOAPIC register pages (at 0xfee00000
 * and 0xfec00000 on the machines the suite runs on, as the boot tests check) and its own pages,
 * the kernel log page among them. Device memory it does not drive is handed out: the VGA
 * window.
 */
static void test_kernel_memory_withheld(test_env_t *env)
{
    const seL4_BootInfo *bi = env->bootinfo;
    seL4_Word length = 0;
    const seL4_KernelLog *log = bootinfo_find_extra(bi, seL4_BootInfo_KernelLog, &length);

    TEST_CHECK(env, log != NULL, "no kernel log in the boot info");
    seL4_X86_Page_GetAddress_t page = seL4_X86_Page_GetAddress(log->frame);
    TEST_OK(env, page.error);
    TEST_CHECK(env, !untyped_covers(bi, 0xfee00000, 1), "the LAPIC page is in a device untyped");
    TEST_CHECK(env, !untyped_covers(bi, 0xfec00000, 1), "the IOAPIC page is in a device untyped");
    TEST_CHECK(env, !untyped_covers(bi, page.paddr, 0) && !untyped_covers(bi, page.paddr, 1),
               "the kernel log page %#lx is in an untyped", (unsigned long)page.paddr);
    TEST_CHECK(env, untyped_covers(bi, 0xb8000, 1), "the VGA text window is not handed out");
}

static const test_case_t untyped_cases[] = {
        {"untyped_retype_tcb", test_retype_tcb},
        {"untyped_retype_endpoint", test_retype_endpoint},
        {"untyped_retype_notification", test_retype_notification},
        {"untyped_retype_cnode", test_retype_cnode},
        {"untyped_retype_untyped", test_retype_untyped},
        {"untyped_retype_frame_4k", test_retype_frame_4k},
        {"untyped_retype_frame_2m", test_retype_frame_2m},
        {"untyped_retype_page_table", test_retype_page_table},
        {"untyped_retype_page_directory", test_retype_page_directory},
        {"untyped_retype_pdpt", test_retype_pdpt},
        {"untyped_retype_pml4", test_retype_pml4},
        {"untyped_retype_many_objects", test_retype_many_objects},
        {"untyped_retype_into_other_cnode", test_retype_into_other_cnode},
        {"untyped_retype_split", test_retype_split_untyped},
        {"untyped_watermark_alignment", test_retype_watermark_alignment},
        {"untyped_reports_memory_left", test_retype_reports_memory_left},
        {"untyped_object_larger_than_untyped", test_retype_object_larger_than_untyped},
        {"untyped_too_many_objects_creates_none", test_retype_too_many_for_untyped},
        {"untyped_reuse_after_children_deleted", test_retype_reuse_after_children_deleted},
        {"untyped_revoke_deletes_objects", test_revoke_untyped_deletes_objects},
        {"untyped_invalid_type", test_retype_invalid_type},
        {"untyped_size_out_of_range", test_retype_size_out_of_range},
        {"untyped_dest_occupied", test_retype_dest_occupied},
        {"untyped_slot_ranges", test_retype_slot_ranges},
        {"untyped_dest_not_cnode", test_retype_dest_not_cnode},
        {"untyped_invoke_wrong_type", test_retype_on_non_untyped},
        {"untyped_truncated_message", test_retype_truncated_message},
        {"untyped_device_memory_frames_only", test_retype_device_untyped},
        {"untyped_copy_with_children_revoke_first", test_copy_untyped_with_children},
        {"untyped_new_frame_is_zeroed", test_retype_frame_is_zeroed},
        {"untyped_kernel_memory_withheld", test_kernel_memory_withheld},
};

const test_group_t untyped_group = TEST_GROUP(untyped_cases);
