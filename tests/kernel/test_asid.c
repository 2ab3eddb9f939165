/*
 * ASID control and pools: making a pool from an untyped of the right size, assigning VSpaces to
 * it, and the ways both go wrong.
 */
#include "groups.h"

static void test_make_pool_and_assign(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, seL4_ASIDPoolBits);
    seL4_CPtr pool = test_slot(env);
    seL4_CPtr pml4 = test_object(env, seL4_X64_PML4Object, 0);
    seL4_CPtr pdpt = test_object(env, seL4_X86_PDPTObject, 0);

    TEST_CHECK(env, pdpt != 0 && pool != 0, "setup");
    TEST_OK(env, seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, untyped, ROOT_CNODE, pool,
                                               ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(pool), seL4_CapType_ASIDPool);
    TEST_OK(env, seL4_X86_ASIDPool_Assign(pool, pml4));
    /* The PML4 is now a VSpace: structures can be mapped into it. */
    TEST_OK(env, seL4_X86_PDPT_Map(pdpt, pml4, 0x40000000, seL4_X86_Default_VMAttributes));
}

static void test_make_pool_wrong_untyped(test_env_t *env)
{
    seL4_CPtr small = test_untyped(env, seL4_ASIDPoolBits - 1);
    seL4_CPtr big = test_untyped(env, seL4_ASIDPoolBits + 1);
    seL4_CPtr used = test_untyped(env, seL4_ASIDPoolBits);
    seL4_CPtr pool = test_slot(env);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);

    TEST_CHECK(env, ep != 0 && pool != 0, "setup");
    TEST_CHECK(env,
               seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, small, ROOT_CNODE, pool,
                                             ROOT_DEPTH) != seL4_NoError,
               "a pool from a too small untyped");
    TEST_CHECK(env,
               seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, big, ROOT_CNODE, pool,
                                             ROOT_DEPTH) != seL4_NoError,
               "a pool from a too large untyped");
    TEST_CHECK(env,
               seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ep, ROOT_CNODE, pool,
                                             ROOT_DEPTH) != seL4_NoError,
               "a pool from an endpoint");
    /* An untyped that already has children would hand out memory in use. */
    TEST_OK(env,
            seL4_Untyped_Retype(used, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, test_slot(env), 1));
    TEST_CHECK(env,
               seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, used, ROOT_CNODE, pool,
                                             ROOT_DEPTH) != seL4_NoError,
               "a pool from an untyped in use");
    TEST_EQ(env, seL4_DebugCapIdentify(pool), seL4_CapType_Null);
}

static void test_assign_twice_refused(test_env_t *env)
{
    seL4_CPtr pml4 = test_object(env, seL4_X64_PML4Object, 0);
    seL4_CPtr copy = test_slot(env);

    TEST_CHECK(env, copy != 0, "setup");
    /* An unassigned PML4 cannot be copied (it is no VSpace yet) ... */
    TEST_EXPECT_ERR(env,
                    seL4_CNode_Copy(ROOT_CNODE, copy, ROOT_DEPTH, ROOT_CNODE, pml4, ROOT_DEPTH,
                                    seL4_AllRights),
                    seL4_IllegalOperation);
    TEST_OK(env, seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4));
    /* ... an assigned one can, and neither gets a second ASID. */
    TEST_OK(env, seL4_CNode_Copy(ROOT_CNODE, copy, ROOT_DEPTH, ROOT_CNODE, pml4, ROOT_DEPTH,
                                 seL4_AllRights));
    TEST_CHECK(env, seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4) != seL4_NoError,
               "a PML4 got a second ASID");
    TEST_CHECK(env, seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, copy) != seL4_NoError,
               "a copy of an assigned PML4 got a second ASID");
}

static void test_assign_non_pml4_refused(test_env_t *env)
{
    seL4_CPtr pd = test_object(env, seL4_X86_PageDirectoryObject, 0);

    TEST_CHECK(env, pd != 0, "setup");
    TEST_EXPECT_ERR(env, seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pd),
                    seL4_InvalidCapability);
}

static void test_deleted_pml4_frees_asid_use(test_env_t *env)
{
    seL4_CPtr untyped = test_untyped(env, seL4_ASIDPoolBits);
    seL4_CPtr pool = test_slot(env);
    seL4_Word assigned = 0;

    TEST_CHECK(env, pool != 0, "setup");
    TEST_OK(env, seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, untyped, ROOT_CNODE, pool,
                                               ROOT_DEPTH));
    /* A pool holds 2^seL4_ASIDPoolIndexBits VSpaces (less any the kernel reserves). */
    for (int i = 0; i < (1 << seL4_ASIDPoolIndexBits) + 1; i++) {
        seL4_CPtr pml4 = test_object(env, seL4_X64_PML4Object, 0);
        TEST_CHECK(env, pml4 != 0, "PML4 %d", i);
        if (seL4_X86_ASIDPool_Assign(pool, pml4) != seL4_NoError) {
            /* Full: deleting one PML4 makes room for another. */
            TEST_CHECK(env, assigned >= (1u << seL4_ASIDPoolIndexBits) - 1, "pool full after %lu",
                       (unsigned long)assigned);
            TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, pml4 - 1, ROOT_DEPTH));
            TEST_OK(env, seL4_X86_ASIDPool_Assign(pool, pml4));
            return;
        }
        assigned++;
    }
    TEST_CHECK(env, 0, "a pool accepted %lu VSpaces", (unsigned long)assigned);
}

static const test_case_t asid_cases[] = {
        {"asid_make_pool_and_assign", test_make_pool_and_assign},
        {"asid_make_pool_wrong_untyped", test_make_pool_wrong_untyped},
        {"asid_assign_twice_refused", test_assign_twice_refused},
        {"asid_assign_non_pml4_refused", test_assign_non_pml4_refused},
        {"asid_pool_full_and_reuse", test_deleted_pml4_frees_asid_use},
};

const test_group_t asid_group = TEST_GROUP(asid_cases);
