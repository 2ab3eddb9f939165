/*
 * I/O ports: issuing port ranges from IOPortControl, 8/16/32-bit reads and writes through them
 * (checked against each other on PCI configuration space and CMOS RAM), and range checks.
 * The suite holds long-lived caps for 0xcf8..0xcff and 0x70..0x71 (see main.c).
 */
#include "groups.h"
#include "rtc.h"

#define PCI_ADDRESS       0xcf8
#define PCI_DATA          0xcfc
#define CMOS_SCRATCH_BYTE 0x38 /* a general-purpose CMOS RAM byte (not RTC or checksum) */

static void test_pci_config_widths_agree(test_env_t *env)
{
    seL4_CPtr port = env->port_pci;
    seL4_X86_IOPort_In32_t id;
    seL4_X86_IOPort_In16_t vendor;
    seL4_X86_IOPort_In8_t low;
    seL4_X86_IOPort_In32_t address;

    TEST_CHECK(env, port != seL4_CapNull, "no PCI port capability");
    /* Bus 0, device 0, function 0, register 0: vendor and device ID of the host bridge. */
    TEST_OK(env, seL4_X86_IOPort_Out32(port, PCI_ADDRESS, 0x80000000u));
    address = seL4_X86_IOPort_In32(port, PCI_ADDRESS);
    TEST_OK(env, address.error);
    TEST_EQ(env, address.result, 0x80000000u);
    id = seL4_X86_IOPort_In32(port, PCI_DATA);
    vendor = seL4_X86_IOPort_In16(port, PCI_DATA);
    low = seL4_X86_IOPort_In8(port, PCI_DATA);
    TEST_OK(env, id.error);
    TEST_OK(env, vendor.error);
    TEST_OK(env, low.error);
    TEST_CHECK(env, (id.result & 0xffff) != 0xffff, "no host bridge (%#x)", id.result);
    TEST_EQ(env, vendor.result, id.result & 0xffff);
    TEST_EQ(env, low.result, id.result & 0xff);
    /* 16-bit read of the device ID half. */
    TEST_EQ(env, seL4_X86_IOPort_In16(port, PCI_DATA + 2).result, id.result >> 16);
}

static void test_cmos_read_back(test_env_t *env)
{
    seL4_CPtr port = env->port_cmos;
    seL4_X86_IOPort_In8_t old;

    TEST_CHECK(env, port != seL4_CapNull, "no CMOS port capability");
    TEST_OK(env, seL4_X86_IOPort_Out8(port, CMOS_INDEX, CMOS_SCRATCH_BYTE));
    old = seL4_X86_IOPort_In8(port, CMOS_DATA);
    TEST_OK(env, old.error);
    for (seL4_Word value = 0x5a; value <= 0xa5; value += 0x4b) {
        TEST_OK(env, seL4_X86_IOPort_Out8(port, CMOS_INDEX, CMOS_SCRATCH_BYTE));
        TEST_OK(env, seL4_X86_IOPort_Out8(port, CMOS_DATA, value));
        TEST_OK(env, seL4_X86_IOPort_Out8(port, CMOS_INDEX, CMOS_SCRATCH_BYTE));
        seL4_X86_IOPort_In8_t got = seL4_X86_IOPort_In8(port, CMOS_DATA);
        TEST_OK(env, got.error);
        TEST_EQ(env, got.result, value);
    }
    seL4_X86_IOPort_Out8(port, CMOS_INDEX, CMOS_SCRATCH_BYTE);
    seL4_X86_IOPort_Out8(port, CMOS_DATA, old.result);
}

static void test_access_outside_range(test_env_t *env)
{
    seL4_CPtr port = env->port_pci; /* 0xcf8..0xcff */

    TEST_CHECK(env, port != seL4_CapNull, "no PCI port capability");
    TEST_EXPECT_ERR(env, seL4_X86_IOPort_In8(port, 0xcf7).error, seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_IOPort_In8(port, 0xd00).error, seL4_IllegalOperation);
    /* Partly inside: a 32-bit access at 0xcfe covers 0xcfe..0xd01. */
    TEST_EXPECT_ERR(env, seL4_X86_IOPort_In32(port, 0xcfe).error, seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_IOPort_In16(port, 0xcff).error, seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_IOPort_Out32(port, 0xcfd, 0), seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_IOPort_Out8(port, 0x80, 0), seL4_IllegalOperation);
    /* The last port of the range is inside. */
    TEST_OK(env, seL4_X86_IOPort_In8(port, 0xcff).error);
}

static void test_issue_checks(test_env_t *env)
{
    seL4_CPtr slot = test_slot(env);
    seL4_CPtr other = test_slot(env);

    TEST_CHECK(env, other != 0, "setup");
    /* Overlapping ports already issued (the suite's 0xcf8..0xcff). */
    TEST_EXPECT_ERR(env,
                    seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0xcfc, 0xcfc, ROOT_CNODE,
                                                 slot, ROOT_DEPTH),
                    seL4_IllegalOperation);
    TEST_EXPECT_ERR(env,
                    seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0xc00, 0xcf8, ROOT_CNODE,
                                                 slot, ROOT_DEPTH),
                    seL4_IllegalOperation);
    /* First after last. */
    TEST_EXPECT_ERR(env,
                    seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x2f9, 0x2f8, ROOT_CNODE,
                                                 slot, ROOT_DEPTH),
                    seL4_InvalidArgument);
    TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_Null);
    /* A free range works, and only once; an occupied destination slot is refused. */
    TEST_OK(env, seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x2f8, 0x2ff, ROOT_CNODE, slot,
                                              ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_IOPort);
    TEST_EXPECT_ERR(env,
                    seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x2f8, 0x2f8, ROOT_CNODE,
                                                 other, ROOT_DEPTH),
                    seL4_IllegalOperation);
    TEST_EXPECT_ERR(env,
                    seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x3e8, 0x3e8, ROOT_CNODE,
                                                 slot, ROOT_DEPTH),
                    seL4_DeleteFirst);
}

/*
 * The 8259 PICs stay the kernel's (masked at boot for good): no range that touches their ports
 * is issued, and a refused range issues nothing. The PIT, the kernel's during boot only, is
 * issued.
 */
static void test_kernel_ports_refused(test_env_t *env)
{
    static const seL4_Word ranges[][2] = {
            {0x20, 0x21}, {0x21, 0x21}, {0xa0, 0xa1}, {0x1f, 0x20}, {0xa1, 0xa8}, {0x0, 0xffff},
    };
    seL4_CPtr slot = test_slot(env);

    TEST_CHECK(env, slot != 0, "setup");
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        TEST_EXPECT_ERR(env,
                        seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, ranges[i][0],
                                                     ranges[i][1], ROOT_CNODE, slot, ROOT_DEPTH),
                        seL4_IllegalOperation);
        TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_Null);
    }
    TEST_OK(env, seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x1e, 0x1f, ROOT_CNODE, slot,
                                              ROOT_DEPTH));
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, slot, ROOT_DEPTH));
    TEST_OK(env, seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x40, 0x43, ROOT_CNODE, slot,
                                              ROOT_DEPTH));
}

static void test_copied_port_cap_works(test_env_t *env)
{
    seL4_CPtr copy = test_copy(env, env->port_pci, seL4_AllRights);

    TEST_CHECK(env, copy != 0, "setup");
    TEST_OK(env, seL4_X86_IOPort_Out32(copy, PCI_ADDRESS, 0x80000000u));
    TEST_EQ(env, seL4_X86_IOPort_In32(copy, PCI_ADDRESS).result, 0x80000000u);
}

static void test_invoke_wrong_type(test_env_t *env)
{
    seL4_CPtr tcb = test_object(env, seL4_TCBObject, 0);

    TEST_CHECK(env, tcb != 0, "setup");
    TEST_EXPECT_ERR(env, seL4_X86_IOPort_In8(tcb, 0x80).error, seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_IOPort_Out8(ROOT_CNODE, 0x80, 0), seL4_IllegalOperation);
}

static const test_case_t ioport_cases[] = {
        {"ioport_pci_config_widths_agree", test_pci_config_widths_agree},
        {"ioport_cmos_read_back", test_cmos_read_back},
        {"ioport_access_outside_range", test_access_outside_range},
        {"ioport_issue_checks", test_issue_checks},
        {"ioport_kernel_ports_refused", test_kernel_ports_refused},
        {"ioport_copied_cap_works", test_copied_port_cap_works},
        {"ioport_invoke_wrong_type", test_invoke_wrong_type},
};

const test_group_t ioport_group = TEST_GROUP(ioport_cases);
