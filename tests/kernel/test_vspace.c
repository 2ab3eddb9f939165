/*
 * Address spaces: 4 KiB and 2 MiB frames, page tables, directories and PDPTs mapped and
 * unmapped; double maps, misalignment, the kernel window and non-canonical addresses refused,
 * the upper half allowed; read-only and execute-never mappings enforced; unmapped memory faults;
 * physical addresses checked against the boot info.
 */
#include "groups.h"
#include "stubs.h"

#define TWO_MIB (1ull << seL4_LargePageBits)

static seL4_Word reserve(test_env_t *env, seL4_Word bytes, seL4_Word align)
{
    seL4_Word vaddr = 0;

    if (vspace_reserve(&env->vspace, bytes, align, &vaddr) != seL4_NoError) {
        test_fail(env, __LINE__, "out of test virtual addresses");
        return 0;
    }
    return vaddr;
}

static void test_map_read_write(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_Word vaddr = reserve(env, 4096, 4096);
    volatile seL4_Word *words = (volatile seL4_Word *)vaddr;
    seL4_X86_Page_GetAddress_t address;

    TEST_CHECK(env, frame != 0 && vaddr != 0, "setup");
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, vaddr, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    for (int i = 0; i < 512; i++) {
        words[i] = 0x5a5a000000000000ull | (seL4_Word)i;
    }
    for (int i = 0; i < 512; i++) {
        TEST_EQ(env, words[i], 0x5a5a000000000000ull | (seL4_Word)i);
    }
    address = seL4_X86_Page_GetAddress(frame);
    TEST_OK(env, address.error);
    TEST_CHECK(env, address.paddr != 0 && (address.paddr & 0xfff) == 0, "paddr %#lx",
               (unsigned long)address.paddr);
}

static void test_same_frame_two_addresses(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr copy = test_copy(env, frame, seL4_AllRights);
    seL4_Word first = reserve(env, 4096, 4096);
    seL4_Word second = reserve(env, 4096, 4096);

    TEST_CHECK(env, copy != 0 && second != 0, "setup");
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, first, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    TEST_OK(env, vspace_map_frame(&env->vspace, copy, second, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    *(volatile seL4_Word *)(first + 64) = 0xfeedface;
    TEST_EQ(env, *(volatile seL4_Word *)(second + 64), 0xfeedface);
    TEST_EQ(env, seL4_X86_Page_GetAddress(frame).paddr, seL4_X86_Page_GetAddress(copy).paddr);
}

static void test_map_twice_refused(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_Word first = reserve(env, 4096, 4096);
    seL4_Word second = reserve(env, 4096, 4096);
    seL4_Error error;

    TEST_CHECK(env, frame != 0 && first != 0 && second != 0, "setup");
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, first, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    *(volatile seL4_Word *)first = 0x1234;
    /* One frame capability, one mapping: a second address needs a copy of the cap. */
    error = seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, second, seL4_ReadWrite,
                              seL4_X86_Default_VMAttributes);
    TEST_CHECK(env, error != seL4_NoError, "a mapped frame was mapped again");
    TEST_EQ(env, *(volatile seL4_Word *)first, 0x1234);
}

static void test_map_misaligned(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr large = test_object(env, seL4_X86_LargePageObject, 0);
    seL4_Word vaddr = reserve(env, 2 * TWO_MIB, TWO_MIB);

    TEST_CHECK(env, large != 0 && vaddr != 0, "setup");
    TEST_EXPECT_ERR(env,
                    seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, vaddr + 8, seL4_ReadWrite,
                                      seL4_X86_Default_VMAttributes),
                    seL4_AlignmentError);
    TEST_EXPECT_ERR(env,
                    seL4_X86_Page_Map(large, seL4_CapInitThreadVSpace, vaddr + 4096, seL4_ReadWrite,
                                      seL4_X86_Default_VMAttributes),
                    seL4_AlignmentError);
}

static void test_kernel_window_refused(test_env_t *env)
{
    static const seL4_Word refused[] = {0xffff800000000000ull, 0xffff807ffffff000ull,
                                        0x0000800000000000ull, 0xfff0000000000000ull};
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr table = test_object(env, seL4_X86_PageTableObject, 0);

    TEST_CHECK(env, table != 0, "setup");
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        TEST_EXPECT_ERR(env,
                        seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, refused[i],
                                          seL4_ReadWrite, seL4_X86_Default_VMAttributes),
                        seL4_InvalidArgument);
        TEST_EXPECT_ERR(env,
                        seL4_X86_PageTable_Map(table, seL4_CapInitThreadVSpace, refused[i],
                                               seL4_X86_Default_VMAttributes),
                        seL4_InvalidArgument);
    }
}

static void test_upper_half_allowed(test_env_t *env)
{
    static const seL4_Word high = 0xffffffff80000000ull;
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr copy = test_copy(env, frame, seL4_AllRights);
    seL4_Word mine = reserve(env, 4096, 4096);
    seL4_UserContext context;
    vspace_t vspace;
    thread_t thread;

    TEST_CHECK(env, copy != 0 && mine != 0, "setup");
    TEST_CHECK(env, test_vspace_new(env, &vspace), "vspace");
    TEST_OK(env, vspace_map_frame(&vspace, frame, high, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    TEST_OK(env, vspace_map_frame(&env->vspace, copy, mine, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    *(volatile seL4_Word *)mine = 41;
    stub_result = 0;
    /* A thread in that VSpace increments the word at the top-2-GiB address. */
    TEST_CHECK(env, test_run_stub(env, &thread, ep, &vspace, stub_read_write, high, 0, &context),
               "thread");
    TEST_EQ(env, test_wait_flag(env, &stub_result, 1000), 42);
    TEST_EQ(env, *(volatile seL4_Word *)mine, 42);
}

/* Starts a thread reading the word at vaddr; expects a VMFault there with the given FSR. */
static void expect_vm_fault(test_env_t *env, const void *stub, seL4_Word vaddr, seL4_Word fsr,
                            seL4_Word rip)
{
    test_fault_run_t run;

    stub_result = 0;
    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub, vaddr, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    TEST_EQ(env, run.mrs[seL4_VMFault_Addr], vaddr);
    TEST_EQ(env, run.mrs[seL4_VMFault_FSR], fsr);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], rip);
    TEST_EQ(env, stub_result, 0);
}

static void test_unmap_then_access_faults(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_Word vaddr = reserve(env, 4096, 4096);

    TEST_CHECK(env, frame != 0 && vaddr != 0, "setup");
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, vaddr, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    *(volatile seL4_Word *)vaddr = 1;
    TEST_OK(env, seL4_X86_Page_Unmap(frame));
    expect_vm_fault(env, stub_read_write, vaddr, seL4_VMFault_FSR_User, (seL4_Word)stub_read_write);
}

static void test_read_only_write_faults(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr writable = test_copy(env, frame, seL4_AllRights);
    seL4_Word vaddr = reserve(env, 4096, 4096);
    seL4_Word alias = reserve(env, 4096, 4096);

    TEST_CHECK(env, writable != 0 && alias != 0, "setup");
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, vaddr, seL4_CanRead,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    TEST_OK(env, vspace_map_frame(&env->vspace, writable, alias, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    *(volatile seL4_Word *)alias = 5;
    /* stub_read_write reads (allowed) then writes (refused) at its third instruction. */
    expect_vm_fault(env, stub_read_write, vaddr,
                    seL4_VMFault_FSR_Present | seL4_VMFault_FSR_Write | seL4_VMFault_FSR_User,
                    (seL4_Word)stub_read_write + 7);
    TEST_EQ(env, *(volatile seL4_Word *)alias, 5);
}

static void test_read_only_cap_maps_read_only(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr read_only = test_copy(env, frame, seL4_CanRead);
    seL4_Word vaddr = reserve(env, 4096, 4096);

    TEST_CHECK(env, read_only != 0 && vaddr != 0, "setup");
    /* Asking for write through a read-only cap yields a read-only mapping. */
    TEST_OK(env, vspace_map_frame(&env->vspace, read_only, vaddr, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    expect_vm_fault(env, stub_fault_write, vaddr,
                    seL4_VMFault_FSR_Present | seL4_VMFault_FSR_Write | seL4_VMFault_FSR_User,
                    (seL4_Word)stub_fault_write);
}

static void test_execute_never(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_Word vaddr = reserve(env, 4096, 4096);
    test_fault_run_t run;

    TEST_CHECK(env, frame != 0 && vaddr != 0, "setup");
    TEST_OK(env,
            vspace_map_frame(&env->vspace, frame, vaddr, seL4_ReadWrite,
                             seL4_X86_Default_VMAttributes | seL4_X86_ExecuteNever, seL4_False));
    *(volatile unsigned char *)vaddr = 0xc3; /* ret: harmless if it ever ran */
    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_fault_exec, vaddr, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    TEST_EQ(env, run.mrs[seL4_VMFault_Addr], vaddr);
    TEST_EQ(env, run.mrs[seL4_VMFault_PrefetchFault], 1);
    TEST_EQ(env, run.mrs[seL4_VMFault_FSR],
            seL4_VMFault_FSR_Present | seL4_VMFault_FSR_User | seL4_VMFault_FSR_Fetch);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], vaddr);
}

static void test_large_page(test_env_t *env)
{
    seL4_CPtr large = test_object(env, seL4_X86_LargePageObject, 0);
    seL4_Word vaddr = reserve(env, TWO_MIB, TWO_MIB);
    volatile seL4_Word *words = (volatile seL4_Word *)vaddr;
    seL4_X86_Page_GetAddress_t address;

    TEST_CHECK(env, large != 0 && vaddr != 0, "setup");
    TEST_OK(env, vspace_map_frame(&env->vspace, large, vaddr, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_True));
    words[0] = 0x11;
    words[TWO_MIB / 8 - 1] = 0x22;
    words[TWO_MIB / 16] = 0x33;
    TEST_EQ(env, words[0] + words[TWO_MIB / 8 - 1] + words[TWO_MIB / 16], 0x66);
    address = seL4_X86_Page_GetAddress(large);
    TEST_OK(env, address.error);
    TEST_EQ(env, address.paddr & (TWO_MIB - 1), 0);
}

static void test_page_table_map_checks(test_env_t *env)
{
    seL4_CPtr table = test_object(env, seL4_X86_PageTableObject, 0);
    seL4_CPtr other = test_object(env, seL4_X86_PageTableObject, 0);
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_Word region = reserve(env, 2 * TWO_MIB, TWO_MIB);

    TEST_CHECK(env, frame != 0 && region != 0, "setup");
    /* Make sure the directory above exists, through a frame mapped elsewhere. */
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, region + TWO_MIB, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    TEST_OK(env, seL4_X86_PageTable_Map(table, seL4_CapInitThreadVSpace, region,
                                        seL4_X86_Default_VMAttributes));
    /* The slot is taken ... */
    TEST_EXPECT_ERR(env,
                    seL4_X86_PageTable_Map(other, seL4_CapInitThreadVSpace, region,
                                           seL4_X86_Default_VMAttributes),
                    seL4_DeleteFirst);
    /* ... and a mapped page table cannot be mapped a second time. */
    TEST_CHECK(env,
               seL4_X86_PageTable_Map(table, seL4_CapInitThreadVSpace, region + TWO_MIB,
                                      seL4_X86_Default_VMAttributes) != seL4_NoError,
               "a mapped page table was mapped again");
}

static void test_unmap_page_table_faults(test_env_t *env)
{
    seL4_CPtr table = test_object(env, seL4_X86_PageTableObject, 0);
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr other = test_object(env, seL4_X86_4K, 0);
    seL4_Word region = reserve(env, 2 * TWO_MIB, TWO_MIB);

    TEST_CHECK(env, other != 0 && region != 0, "setup");
    TEST_OK(env, vspace_map_frame(&env->vspace, other, region + TWO_MIB, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    TEST_OK(env, seL4_X86_PageTable_Map(table, seL4_CapInitThreadVSpace, region,
                                        seL4_X86_Default_VMAttributes));
    TEST_OK(env, seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, region + 0x3000, seL4_ReadWrite,
                                   seL4_X86_Default_VMAttributes));
    *(volatile seL4_Word *)(region + 0x3000) = 9;
    TEST_OK(env, seL4_X86_PageTable_Unmap(table));
    /* Everything the table mapped is gone with it. */
    expect_vm_fault(env, stub_fault_read, region + 0x3000, seL4_VMFault_FSR_User,
                    (seL4_Word)stub_fault_read);
}

static void test_build_hierarchy_by_hand(test_env_t *env)
{
    static const seL4_Word vaddr = 0x0000008040201000ull; /* PML4 1, PDPT 1, PD 1, PT 1 */
    seL4_CPtr pml4 = test_object(env, seL4_X64_PML4Object, 0);
    seL4_CPtr pdpt = test_object(env, seL4_X86_PDPTObject, 0);
    seL4_CPtr pd = test_object(env, seL4_X86_PageDirectoryObject, 0);
    seL4_CPtr pt = test_object(env, seL4_X86_PageTableObject, 0);
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr copy = test_copy(env, frame, seL4_AllRights);
    seL4_Word mine = reserve(env, 4096, 4096);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_UserContext context;
    vspace_t vspace;
    thread_t thread;

    TEST_CHECK(env, ep != 0 && mine != 0, "setup");
    TEST_OK(env, seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4));
    /* Out of order: each level needs the one above it. */
    TEST_EXPECT_ERR(
            env,
            seL4_X86_Page_Map(frame, pml4, vaddr, seL4_ReadWrite, seL4_X86_Default_VMAttributes),
            seL4_FailedLookup);
    TEST_EXPECT_ERR(env, seL4_X86_PageTable_Map(pt, pml4, vaddr, seL4_X86_Default_VMAttributes),
                    seL4_FailedLookup);
    TEST_EXPECT_ERR(env, seL4_X86_PageDirectory_Map(pd, pml4, vaddr, seL4_X86_Default_VMAttributes),
                    seL4_FailedLookup);
    TEST_OK(env, seL4_X86_PDPT_Map(pdpt, pml4, vaddr, seL4_X86_Default_VMAttributes));
    TEST_OK(env, seL4_X86_PageDirectory_Map(pd, pml4, vaddr, seL4_X86_Default_VMAttributes));
    TEST_OK(env, seL4_X86_PageTable_Map(pt, pml4, vaddr, seL4_X86_Default_VMAttributes));
    TEST_OK(env,
            seL4_X86_Page_Map(frame, pml4, vaddr, seL4_ReadWrite, seL4_X86_Default_VMAttributes));
    TEST_OK(env, vspace_map_frame(&env->vspace, copy, mine, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    /* Run a thread there to prove the hand-built tables translate. */
    vspace_init(&vspace, pml4, &env->alloc, 0, 0);
    TEST_OK(env, vspace_share_image(&vspace, env->bootinfo));
    *(volatile seL4_Word *)mine = 99;
    stub_result = 0;
    TEST_CHECK(env, test_run_stub(env, &thread, ep, &vspace, stub_read_write, vaddr, 0, &context),
               "thread");
    TEST_EQ(env, test_wait_flag(env, &stub_result, 1000), 100);
    TEST_EQ(env, *(volatile seL4_Word *)mine, 100);
}

static void test_unassigned_or_wrong_vspace(test_env_t *env)
{
    seL4_CPtr pml4 = test_object(env, seL4_X64_PML4Object, 0);
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);

    TEST_CHECK(env, ep != 0, "setup");
    /* A PML4 without an ASID is not a usable VSpace yet; an endpoint never is. */
    TEST_EXPECT_ERR(env,
                    seL4_X86_Page_Map(frame, pml4, 0x10000000, seL4_ReadWrite,
                                      seL4_X86_Default_VMAttributes),
                    seL4_InvalidCapability);
    TEST_EXPECT_ERR(
            env,
            seL4_X86_Page_Map(frame, ep, 0x10000000, seL4_ReadWrite, seL4_X86_Default_VMAttributes),
            seL4_InvalidCapability);
}

static void test_unmap_unmapped(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr table = test_object(env, seL4_X86_PageTableObject, 0);

    TEST_CHECK(env, table != 0, "setup");
    TEST_OK(env, seL4_X86_Page_Unmap(frame));
    TEST_OK(env, seL4_X86_PageTable_Unmap(table));
}

static void test_physical_addresses(test_env_t *env)
{
    const seL4_BootInfo *bi = env->bootinfo;
    seL4_CPtr untyped = test_untyped(env, 13);
    seL4_CPtr first = test_slot(env);
    seL4_CPtr second = test_slot(env);
    seL4_CPtr device_frame = test_slot(env);
    seL4_X86_Page_GetAddress_t a;
    seL4_X86_Page_GetAddress_t b;

    TEST_CHECK(env, untyped != 0 && second == first + 1, "setup");
    TEST_OK(env, seL4_Untyped_Retype(untyped, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, first, 2));
    a = seL4_X86_Page_GetAddress(first);
    b = seL4_X86_Page_GetAddress(second);
    TEST_OK(env, a.error);
    TEST_EQ(env, a.paddr & 0x1fff, 0); /* the untyped is 8 KiB aligned */
    TEST_EQ(env, b.paddr, a.paddr + 4096);
    /* Against the boot info: a device untyped's first frame is at its base address. */
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (bi->untypedList[i].isDevice && bi->untypedList[i].sizeBits >= seL4_PageBits) {
            TEST_OK(env, seL4_Untyped_Retype(bi->untyped.start + i, seL4_X86_4K, 0, ROOT_CNODE, 0,
                                             0, device_frame, 1));
            TEST_EQ(env, seL4_X86_Page_GetAddress(device_frame).paddr, bi->untypedList[i].paddr);
            return;
        }
    }
    TEST_CHECK(env, 0, "no device untyped in the boot info");
}

static void test_table_labels_match_type(test_env_t *env)
{
    seL4_CPtr pt = test_object(env, seL4_X86_PageTableObject, 0);
    seL4_CPtr pd = test_object(env, seL4_X86_PageDirectoryObject, 0);
    seL4_CPtr pdpt = test_object(env, seL4_X86_PDPTObject, 0);
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_Word region = reserve(env, 2 * TWO_MIB, TWO_MIB);

    TEST_CHECK(env, frame != 0 && region != 0, "setup");
    /* Make sure the directory above exists, through a frame mapped elsewhere. */
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, region + TWO_MIB, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    /* Each paging-structure invocation applies to its own structure type only. */
    TEST_EXPECT_ERR(env,
                    seL4_X86_PageDirectory_Map(pt, seL4_CapInitThreadVSpace, region,
                                               seL4_X86_Default_VMAttributes),
                    seL4_IllegalOperation);
    TEST_EXPECT_ERR(
            env,
            seL4_X86_PDPT_Map(pd, seL4_CapInitThreadVSpace, region, seL4_X86_Default_VMAttributes),
            seL4_IllegalOperation);
    TEST_EXPECT_ERR(env,
                    seL4_X86_PageTable_Map(pdpt, seL4_CapInitThreadVSpace, region,
                                           seL4_X86_Default_VMAttributes),
                    seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_PageTable_Unmap(pd), seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_PageDirectory_Unmap(pdpt), seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_PDPT_Unmap(pt), seL4_IllegalOperation);
    /* A frame invocation on a page table is no paging-structure invocation at all. */
    TEST_EXPECT_ERR(env, seL4_X86_Page_Unmap(pt), seL4_IllegalOperation);
    /* Nothing was mapped by the refused calls: the right type maps there. */
    TEST_OK(env, seL4_X86_PageTable_Map(pt, seL4_CapInitThreadVSpace, region,
                                        seL4_X86_Default_VMAttributes));
    TEST_OK(env, seL4_X86_PageTable_Unmap(pt));
}

static void test_page_table_churn(test_env_t *env)
{
    seL4_CPtr table = test_object(env, seL4_X86_PageTableObject, 0);
    const seL4_CPtr frames[2] = {test_object(env, seL4_X86_4K, 0),
                                 test_object(env, seL4_X86_4K, 0)};
    seL4_CPtr anchor = test_object(env, seL4_X86_4K, 0);
    seL4_Word region = reserve(env, 2 * TWO_MIB, TWO_MIB);
    volatile seL4_Word *word = (volatile seL4_Word *)(region + 0x5000);

    TEST_CHECK(env, anchor != 0 && region != 0, "setup");
    TEST_OK(env, vspace_map_frame(&env->vspace, anchor, region + TWO_MIB, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    /* Map, use, unmap the same table and two frames alternately: no stale translation. */
    for (seL4_Word round = 0; round < 64; round++) {
        seL4_CPtr frame = frames[round % 2];
        TEST_OK(env, seL4_X86_PageTable_Map(table, seL4_CapInitThreadVSpace, region,
                                            seL4_X86_Default_VMAttributes));
        TEST_OK(env, seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, region + 0x5000,
                                       seL4_ReadWrite, seL4_X86_Default_VMAttributes));
        if (round >= 2) {
            TEST_EQ(env, *word, round - 2); /* what this frame held two rounds ago */
        }
        *word = round;
        TEST_OK(env, seL4_X86_Page_Unmap(frame));
        TEST_OK(env, seL4_X86_PageTable_Unmap(table));
    }
}

/* A hand-built PDPT/PD/PT/frame chain at vaddr in a fresh VSpace that shares the image, with a
 * thread there that reads vaddr after the caller has unmapped one level. */
static void unmap_level_faults(test_env_t *env, int level)
{
    static const seL4_Word vaddr = 0x0000010040201000ull;
    seL4_CPtr pml4 = test_object(env, seL4_X64_PML4Object, 0);
    seL4_CPtr pdpt = test_object(env, seL4_X86_PDPTObject, 0);
    seL4_CPtr pd = test_object(env, seL4_X86_PageDirectoryObject, 0);
    seL4_CPtr pt = test_object(env, seL4_X86_PageTableObject, 0);
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    vspace_t vspace;
    test_fault_run_t run;

    TEST_CHECK(env, frame != 0, "setup");
    TEST_OK(env, seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4));
    TEST_OK(env, seL4_X86_PDPT_Map(pdpt, pml4, vaddr, seL4_X86_Default_VMAttributes));
    TEST_OK(env, seL4_X86_PageDirectory_Map(pd, pml4, vaddr, seL4_X86_Default_VMAttributes));
    TEST_OK(env, seL4_X86_PageTable_Map(pt, pml4, vaddr, seL4_X86_Default_VMAttributes));
    TEST_OK(env,
            seL4_X86_Page_Map(frame, pml4, vaddr, seL4_ReadWrite, seL4_X86_Default_VMAttributes));
    TEST_OK(env, level == 2 ? seL4_X86_PDPT_Unmap(pdpt) : seL4_X86_PageDirectory_Unmap(pd));
    vspace_init(&vspace, pml4, &env->alloc, 0, 0);
    TEST_OK(env, vspace_share_image(&vspace, env->bootinfo));
    TEST_CHECK(env, test_fault_run(env, &run, &vspace, stub_fault_read, vaddr, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    TEST_EQ(env, run.mrs[seL4_VMFault_Addr], vaddr);
    /* The structure can be mapped again, and then the frame behind it is reachable. */
    TEST_OK(env, level == 2 ? seL4_X86_PDPT_Map(pdpt, pml4, vaddr, seL4_X86_Default_VMAttributes)
                            : seL4_X86_PageDirectory_Map(pd, pml4, vaddr,
                                                         seL4_X86_Default_VMAttributes));
}

static void test_unmap_page_directory_faults(test_env_t *env)
{
    unmap_level_faults(env, 1);
}

static void test_unmap_pdpt_faults(test_env_t *env)
{
    unmap_level_faults(env, 2);
}

static void test_large_page_unmap_faults(test_env_t *env)
{
    seL4_CPtr large = test_object(env, seL4_X86_LargePageObject, 0);
    seL4_Word vaddr = reserve(env, TWO_MIB, TWO_MIB);

    TEST_CHECK(env, large != 0 && vaddr != 0, "setup");
    TEST_OK(env, vspace_map_frame(&env->vspace, large, vaddr, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_True));
    *(volatile seL4_Word *)(vaddr + TWO_MIB - 8) = 3;
    TEST_OK(env, seL4_X86_Page_Unmap(large));
    expect_vm_fault(env, stub_fault_read, vaddr + TWO_MIB - 8, seL4_VMFault_FSR_User,
                    (seL4_Word)stub_fault_read);
}

static const test_case_t vspace_cases[] = {
        {"vspace_map_read_write", test_map_read_write},
        {"vspace_same_frame_two_addresses", test_same_frame_two_addresses},
        {"vspace_map_twice_refused", test_map_twice_refused},
        {"vspace_map_misaligned", test_map_misaligned},
        {"vspace_kernel_window_refused", test_kernel_window_refused},
        {"vspace_upper_half_allowed", test_upper_half_allowed},
        {"vspace_unmap_then_access_faults", test_unmap_then_access_faults},
        {"vspace_read_only_write_faults", test_read_only_write_faults},
        {"vspace_read_only_cap_maps_read_only", test_read_only_cap_maps_read_only},
        {"vspace_execute_never", test_execute_never},
        {"vspace_large_page", test_large_page},
        {"vspace_page_table_map_checks", test_page_table_map_checks},
        {"vspace_unmap_page_table_faults", test_unmap_page_table_faults},
        {"vspace_table_labels_match_type", test_table_labels_match_type},
        {"vspace_page_table_churn", test_page_table_churn},
        {"vspace_unmap_page_directory_faults", test_unmap_page_directory_faults},
        {"vspace_unmap_pdpt_faults", test_unmap_pdpt_faults},
        {"vspace_large_page_unmap_faults", test_large_page_unmap_faults},
        {"vspace_build_hierarchy_by_hand", test_build_hierarchy_by_hand},
        {"vspace_unassigned_or_wrong_vspace", test_unassigned_or_wrong_vspace},
        {"vspace_unmap_unmapped", test_unmap_unmapped},
        {"vspace_physical_addresses", test_physical_addresses},
};

const test_group_t vspace_group = TEST_GROUP(vspace_cases);
