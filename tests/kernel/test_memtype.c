/*
 * Every memory type the API offers, at both frame sizes: mapped, used, remapped with new
 * rights, unmapped, mapped again, and deleted. The cache-type bits sit at different places by
 * level (a 4 KiB entry's bit 7 is its PAT bit, a 2 MiB entry's bit 7 says "large page" and its
 * bit 12 is the PAT bit), so a kernel that reads an entry without its level in mind finds the
 * wrong address or the wrong size there and leaves a mapping behind that nobody owns.
 */
#include "groups.h"
#include "stubs.h"

#define TWO_MIB     (1ull << seL4_LargePageBits)
#define TYPE_COUNT  5
#define WORD_OFFSET 0x808 /* inside both sizes, away from the first and last words */

static const struct {
    seL4_Word attributes;
    const char *name;
} memory_types[TYPE_COUNT] = {
        {seL4_X86_Default_VMAttributes, "write-back"}, {seL4_X86_WriteThrough, "write-through"},
        {seL4_X86_CacheDisabled, "uncached-minus"},    {seL4_X86_Uncacheable, "uncacheable"},
        {seL4_X86_WriteCombining, "write-combining"},
};

static seL4_Word frame_bytes(seL4_Bool large)
{
    return large ? TWO_MIB : 4096;
}

static seL4_Word reserve(test_env_t *env, seL4_Bool large)
{
    seL4_Word vaddr = 0;

    if (vspace_reserve(&env->vspace, frame_bytes(large), frame_bytes(large), &vaddr) !=
        seL4_NoError) {
        test_fail(env, __LINE__, "out of test virtual addresses");
        return 0;
    }
    return vaddr;
}

/* The word at vaddr, read through the mapping now in place. */
static seL4_Word peek(seL4_Word vaddr)
{
    return *(volatile seL4_Word *)vaddr;
}

/* A thread touching vaddr must take a page fault there: nothing is mapped. */
static int expect_not_mapped(test_env_t *env, seL4_Word vaddr, const char *type)
{
    test_fault_run_t run;

    stub_result = 0;
    if (!test_fault_run(env, &run, NULL, stub_read_write, vaddr, 0)) {
        return 0;
    }
    if (run.label != seL4_Fault_VMFault || run.mrs[seL4_VMFault_Addr] != vaddr ||
        (run.mrs[seL4_VMFault_FSR] & seL4_VMFault_FSR_Present) != 0 || stub_result != 0) {
        test_fail(env, __LINE__, "%s: %#lx still mapped (fault label %lu, FSR %#lx)", type,
                  (unsigned long)vaddr, (unsigned long)run.label,
                  (unsigned long)run.mrs[seL4_VMFault_FSR]);
        return 0;
    }
    return 1;
}

/* A thread writing vaddr must take a protection fault: mapped, but read-only. */
static int expect_read_only(test_env_t *env, seL4_Word vaddr, const char *type)
{
    test_fault_run_t run;

    if (!test_fault_run(env, &run, NULL, stub_fault_write, vaddr, 0)) {
        return 0;
    }
    if (run.label != seL4_Fault_VMFault ||
        run.mrs[seL4_VMFault_FSR] !=
                (seL4_VMFault_FSR_Present | seL4_VMFault_FSR_Write | seL4_VMFault_FSR_User)) {
        test_fail(env, __LINE__, "%s: write to a read-only remap: label %lu FSR %#lx", type,
                  (unsigned long)run.label, (unsigned long)run.mrs[seL4_VMFault_FSR]);
        return 0;
    }
    return 1;
}

/*
 * Map, use, remap read-only, unmap and map again the same frame with one memory type; then a
 * second frame takes the place the first left.
 */
static int map_cycle(test_env_t *env, seL4_CPtr frame, seL4_CPtr other, seL4_Word vaddr,
                     seL4_Bool large, unsigned type)
{
    seL4_Word attributes = memory_types[type].attributes;
    const char *name = memory_types[type].name;
    seL4_Word word = vaddr + WORD_OFFSET;
    seL4_Error error;

    error = vspace_map_frame(&env->vspace, frame, vaddr, seL4_ReadWrite, attributes, large);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "%s: map: %s", name, test_error_name(error));
        return 0;
    }
    *(volatile seL4_Word *)word = 0x600d0000u + type;
    error = seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, vaddr, seL4_CanRead, attributes);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "%s: remap read-only: %s", name, test_error_name(error));
        return 0;
    }
    if (peek(word) != 0x600d0000u + type || !expect_read_only(env, vaddr + WORD_OFFSET, name)) {
        return 0;
    }
    error = seL4_X86_Page_Unmap(frame);
    if (error != seL4_NoError || !expect_not_mapped(env, vaddr + WORD_OFFSET, name)) {
        return 0;
    }
    error = seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite, attributes);
    if (error != seL4_NoError || peek(word) != 0x600d0000u + type) {
        test_fail(env, __LINE__, "%s: map again after unmap: %s", name, test_error_name(error));
        return 0;
    }
    error = seL4_X86_Page_Unmap(frame);
    if (error == seL4_NoError) {
        error = seL4_X86_Page_Map(other, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite,
                                  attributes);
    }
    if (error != seL4_NoError || peek(word) == 0x600d0000u + type) {
        test_fail(env, __LINE__, "%s: another frame in the same place: %s", name,
                  test_error_name(error));
        return 0;
    }
    return seL4_X86_Page_Unmap(other) == seL4_NoError;
}

static void memtype_cycle(test_env_t *env, seL4_Bool large)
{
    seL4_Word type_object = large ? seL4_X86_LargePageObject : seL4_X86_4K;
    seL4_CPtr frame = test_object(env, type_object, 0);
    seL4_CPtr other = test_object(env, type_object, 0);
    seL4_Word vaddr = reserve(env, large);

    TEST_CHECK(env, other != 0 && vaddr != 0, "setup");
    for (unsigned type = 0; type < TYPE_COUNT; type++) {
        TEST_CHECK(env, map_cycle(env, frame, other, vaddr, large, type), "%s",
                   memory_types[type].name);
    }
}

static void test_cycle_4k(test_env_t *env)
{
    memtype_cycle(env, seL4_False);
}

static void test_cycle_2m(test_env_t *env)
{
    memtype_cycle(env, seL4_True);
}

/*
 * Deleting a mapped frame removes its mapping, whatever its memory type; its memory then goes
 * back to the untyped and is retyped into a CNode. A mapping left behind would let a thread read
 * and rewrite capabilities.
 */
static void memtype_delete(test_env_t *env, seL4_Bool large)
{
    seL4_Word bits = large ? seL4_LargePageBits : seL4_PageBits;
    seL4_CPtr untyped = test_untyped(env, bits);
    seL4_CPtr frame = test_slot(env);
    seL4_CPtr cnode = test_slot(env);
    seL4_Word vaddr = reserve(env, large);

    TEST_CHECK(env, untyped != 0 && cnode != 0 && vaddr != 0, "setup");
    for (unsigned type = 0; type < TYPE_COUNT; type++) {
        const char *name = memory_types[type].name;
        TEST_OK(env, seL4_Untyped_Retype(untyped, large ? seL4_X86_LargePageObject : seL4_X86_4K, 0,
                                         ROOT_CNODE, 0, 0, frame, 1));
        TEST_OK(env, vspace_map_frame(&env->vspace, frame, vaddr, seL4_ReadWrite,
                                      memory_types[type].attributes, large));
        *(volatile seL4_Word *)(vaddr + WORD_OFFSET) = 1;
        TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, frame, ROOT_DEPTH));
        TEST_CHECK(env, expect_not_mapped(env, vaddr + WORD_OFFSET, name), "%s", name);
        /* The same memory as capability slots (64 bytes each): still out of reach. */
        TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_CapTableObject, bits - seL4_SlotBits,
                                         ROOT_CNODE, 0, 0, cnode, 1));
        TEST_CHECK(env, expect_not_mapped(env, vaddr + WORD_OFFSET, name), "%s", name);
        TEST_OK(env, seL4_CNode_Revoke(ROOT_CNODE, untyped, ROOT_DEPTH));
    }
}

static void test_delete_4k(test_env_t *env)
{
    memtype_delete(env, seL4_False);
}

static void test_delete_2m(test_env_t *env)
{
    memtype_delete(env, seL4_True);
}

static const test_case_t memtype_cases[] = {
        {"memtype_map_unmap_remap_4k", test_cycle_4k},
        {"memtype_map_unmap_remap_2m", test_cycle_2m},
        {"memtype_delete_unmaps_4k", test_delete_4k},
        {"memtype_delete_unmaps_2m", test_delete_2m},
};

const test_group_t memtype_group = TEST_GROUP(memtype_cases);
