/*
 * The kernel console and its hand-over: the kernel log page (read-only, always up to date, a
 * ring), and the console UART's ports, which IOPortControl issues only as a whole and which the
 * kernel stops using while user space holds them (its output then goes to the log page only),
 * until the last capability to them is gone. tests/kernel/run-suite.sh checks the other half on
 * the serial line: the line written through the UART by this group arrives, the kernel output
 * made while user space held the UART does not.
 */
#include "groups.h"
#include "stubs.h"
#include <runtime/bootinfo.h>

#define COM1_FIRST   0x3f8
#define COM1_LAST    0x3ff
#define COM1_SCRATCH 0x3ff
#define COM1_LSR     0x3fd
#define LSR_TX_EMPTY 0x20

/* Written while user space holds the UART: must reach the log page and never the line. */
#define LOG_ONLY_MARKER "console: kernel-log-only marker\n"
/* Written by this group through the UART it holds: must reach the line. */
#define USER_LINE_MARKER "console: a line written through COM1 by user space\n"

static void debug_puts(const char *text)
{
    while (*text != '\0') {
        seL4_DebugPutChar(*text++);
    }
}

/* The kernel log page, mapped read-only into the suite's VSpace. */
static const seL4_KernelLogPage *log_map(test_env_t *env, seL4_CPtr *frame_out)
{
    seL4_Word length = 0;
    const seL4_KernelLog *log =
            bootinfo_find_extra(env->bootinfo, seL4_BootInfo_KernelLog, &length);
    seL4_Word vaddr = 0;

    if (log == NULL || length < sizeof(*log)) {
        test_fail(env, __LINE__, "no kernel log entry in the boot info");
        return NULL;
    }
    seL4_CPtr copy = test_copy(env, log->frame, seL4_AllRights);
    if (copy == 0 || vspace_reserve(&env->vspace, 4096, 4096, &vaddr) != seL4_NoError ||
        vspace_map_frame(&env->vspace, copy, vaddr, seL4_ReadWrite, seL4_X86_Default_VMAttributes,
                         seL4_False) != seL4_NoError) {
        test_fail(env, __LINE__, "cannot map the kernel log page");
        return NULL;
    }
    if (frame_out != NULL) {
        *frame_out = copy;
    }
    return (const seL4_KernelLogPage *)vaddr;
}

/*
 * Copies the log's bytes [from, written) into out (at most max, the newest ones), following the
 * reader's rule of sel4/bootinfo.h; returns how many it copied.
 */
static seL4_Word log_read(const seL4_KernelLogPage *log, seL4_Uint64 from, char *out, seL4_Word max)
{
    seL4_Uint64 end = log->written;
    seL4_Uint64 start = from;

    if (end - start > seL4_KernelLogTextBytes) {
        start = end - seL4_KernelLogTextBytes;
    }
    if (end - start > max) {
        start = end - max;
    }
    for (seL4_Uint64 at = start; at < end; at++) {
        out[at - start] = log->text[at % seL4_KernelLogTextBytes];
    }
    /* Bytes the kernel may have overwritten while they were copied are dropped from the front. */
    seL4_Uint64 now = log->written;
    if (now - start > seL4_KernelLogTextBytes) {
        seL4_Uint64 lost = now - start - seL4_KernelLogTextBytes;
        if (lost >= end - start) {
            return 0;
        }
        memmove(out, out + lost, end - start - lost);
        return (seL4_Word)(end - start - lost);
    }
    return (seL4_Word)(end - start);
}

static int contains(const char *haystack, seL4_Word length, const char *needle)
{
    seL4_Word n = strlen(needle);

    for (seL4_Word i = 0; i + n <= length; i++) {
        if (memcmp(haystack + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* What the kernel prints reaches the log page, whose capability maps read-only only. */
static void test_log_page(test_env_t *env)
{
    const seL4_KernelLogPage *log = log_map(env, NULL);
    static char text[256];
    test_fault_run_t run;

    TEST_CHECK(env, log != NULL, "log");
    seL4_Uint64 before = log->written;
    debug_puts("console: log page check\n");
    TEST_EQ(env, log->written - before, 24);
    seL4_Word got = log_read(log, before, text, sizeof(text));
    TEST_CHECK(env, got == 24 && contains(text, got, "console: log page check"), "got %lu bytes",
               (unsigned long)got);
    /* The capability carries the read right only: asking for write gives a read-only map. */
    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_fault_write, (seL4_Word)log, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    TEST_EQ(env, run.mrs[seL4_VMFault_FSR],
            seL4_VMFault_FSR_Present | seL4_VMFault_FSR_Write | seL4_VMFault_FSR_User);
    TEST_EQ(env, log->written - before, 24);
}

/* Only the whole range 0x3f8..0x3ff changes hands. */
static void test_split_refused(test_env_t *env)
{
    static const seL4_Word ranges[][2] = {
            {0x3f8, 0x3f8}, {0x3f8, 0x3fe}, {0x3f9, 0x3ff}, {0x3f0, 0x3f8}, {0x3ff, 0x400},
    };
    seL4_CPtr slot = test_slot(env);

    TEST_CHECK(env, slot != 0, "setup");
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        TEST_EXPECT_ERR(env,
                        seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, ranges[i][0],
                                                     ranges[i][1], ROOT_CNODE, slot, ROOT_DEPTH),
                        seL4_InvalidArgument);
        TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_Null);
    }
    /* A range around it takes it whole, and gives it back when deleted. */
    TEST_OK(env, seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x3f0, 0x3ff, ROOT_CNODE, slot,
                                              ROOT_DEPTH));
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, slot, ROOT_DEPTH));
}

static void uart_puts(seL4_CPtr port, const char *text)
{
    for (; *text != '\0'; text++) {
        for (int spins = 0; spins < 100000; spins++) {
            if (seL4_X86_IOPort_In8(port, COM1_LSR).result & LSR_TX_EMPTY) {
                break;
            }
        }
        if (*text == '\n') {
            seL4_X86_IOPort_Out8(port, COM1_FIRST, '\r');
        }
        seL4_X86_IOPort_Out8(port, COM1_FIRST, (seL4_Uint8)*text);
    }
}

/*
 * While user space holds the UART the kernel's output goes to the log page only, and the UART is
 * user space's (its scratch register keeps what was written); deleting the capability gives the
 * line back.
 */
static void test_handover(test_env_t *env)
{
    const seL4_KernelLogPage *log = log_map(env, NULL);
    seL4_CPtr port = test_slot(env);
    static char text[256];

    TEST_CHECK(env, log != NULL && port != 0, "setup");
    TEST_OK(env, seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, COM1_FIRST, COM1_LAST,
                                              ROOT_CNODE, port, ROOT_DEPTH));
    seL4_Uint64 before = log->written;
    debug_puts(LOG_ONLY_MARKER);
    seL4_Word got = log_read(log, before, text, sizeof(text));
    uart_puts(port, USER_LINE_MARKER);
    TEST_OK(env, seL4_X86_IOPort_Out8(port, COM1_SCRATCH, 0x5a));
    seL4_Word scratch = seL4_X86_IOPort_In8(port, COM1_SCRATCH).result;
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, port, ROOT_DEPTH));
    TEST_CHECK(env, contains(text, got, LOG_ONLY_MARKER), "the marker is not in the log");
    TEST_EQ(env, scratch, 0x5a);
    /* Back with the kernel: printing goes to both again (checked on the line by the runner). */
    before = log->written;
    debug_puts("console: the kernel has the line again\n");
    TEST_EQ(env, log->written - before, 39);
}

/* The page is a ring: more than it holds leaves the newest bytes, in order. */
static void test_log_wraps(test_env_t *env)
{
    const seL4_KernelLogPage *log = log_map(env, NULL);
    seL4_CPtr port = test_slot(env);
    static char text[seL4_KernelLogTextBytes];
    const seL4_Word total = seL4_KernelLogTextBytes + 1000;

    TEST_CHECK(env, log != NULL && port != 0, "setup");
    /* Held by user space, so that the 5 KiB go to the log page only. */
    TEST_OK(env, seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, COM1_FIRST, COM1_LAST,
                                              ROOT_CNODE, port, ROOT_DEPTH));
    seL4_Uint64 before = log->written;
    for (seL4_Word i = 0; i < total; i++) {
        seL4_DebugPutChar((char)('a' + i % 26));
    }
    seL4_Word got = log_read(log, before, text, sizeof(text));
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, port, ROOT_DEPTH));
    TEST_EQ(env, log->written - before, total);
    TEST_EQ(env, got, seL4_KernelLogTextBytes);
    for (seL4_Word i = 0; i < got; i++) {
        seL4_Word n = total - got + i;
        TEST_CHECK(env, text[i] == (char)('a' + n % 26), "byte %lu of the tail", (unsigned long)i);
    }
}

static const test_case_t console_cases[] = {
        {"console_log_page", test_log_page},
        {"console_split_range_refused", test_split_refused},
        {"console_handover", test_handover},
        {"console_log_wraps", test_log_wraps},
};

const test_group_t console_group = TEST_GROUP(console_cases);
