/*
 * The kernel test suite's root task: sets up the suite (allocator, exit ports, long-lived port
 * capabilities, the arena), runs every test in its own clean environment, prints one line per
 * test and the summary, and ends the run with exit status 0 (all passed) or 1. The kernel
 * command-line word ktest=PREFIX[,PREFIX...] runs only the tests whose names start so.
 */
#include "framework.h"
#include "groups.h"
#include <fmt/fmt.h>
#include <runtime/bootinfo.h>
#include <runtime/power.h>
#include <runtime/start.h>
#include <stdarg.h>

/* The arena: large enough for 2 MiB pages and a few VSpaces, small enough to reset quickly. */
#define ARENA_MAX_BITS 23
#define ARENA_MIN_BITS 22

#define TEST_VADDR_START 0x10000000ull
#define TEST_VADDR_END   0x40000000ull

/* Scheduling tests last: a kernel without timer preemption hangs in them. */
static const test_group_t *const suite_groups[] = {
        &untyped_group,    &modules_group,      &cnode_group,        &tcb_group,
        &endpoint_group,   &notification_group, &vspace_group,       &memtype_group,
        &asid_group,       &ioport_group,       &console_group,      &irq_group,
        &fault_group,      &robust_group,       &hostile_cpu_group,  &pv_group,
        &pv_control_group, &vcpu_group,         &vcpu_hostile_group, &fuzz_group,
        &stress_group,     &sched_group,
};

static alloc_t suite_alloc; /* the suite's own long-lived slots and memory */

void test_fail(test_env_t *env, int line, const char *format, ...)
{
    size_t used;

    if (env->failed) {
        return;
    }
    env->failed = 1;
    used = fmt_snprintf(env->message, sizeof(env->message), "line %d: ", line);
    if (used < sizeof(env->message)) {
        va_list args;
        va_start(args, format);
        fmt_vsnprintf(env->message + used, sizeof(env->message) - used, format, args);
        va_end(args);
    }
}

void test_skip(test_env_t *env, const char *format, ...)
{
    va_list args;

    if (env->failed || env->skipped) {
        return;
    }
    env->skipped = 1;
    va_start(args, format);
    fmt_vsnprintf(env->message, sizeof(env->message), format, args);
    va_end(args);
}

const char *test_error_name(seL4_Word error)
{
    static const char *const names[] = {
            "NoError",     "InvalidArgument", "InvalidCapability", "IllegalOperation",
            "RangeError",  "AlignmentError",  "FailedLookup",      "TruncatedMessage",
            "DeleteFirst", "RevokeFirst",     "NotEnoughMemory",
    };
    return error < sizeof(names) / sizeof(names[0]) ? names[error] : "(not an error code)";
}

static seL4_CPtr suite_issue_ports(seL4_Word first, seL4_Word last)
{
    seL4_CPtr slot;

    if (alloc_slot(&suite_alloc, &slot) != seL4_NoError ||
        seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first, last, ROOT_CNODE, slot,
                                     ROOT_DEPTH) != seL4_NoError) {
        printf("suite: cannot issue I/O ports %#lx..%#lx\n", (unsigned long)first,
               (unsigned long)last);
        return seL4_CapNull;
    }
    return slot;
}

static seL4_CPtr suite_new_arena(seL4_Uint8 *bits)
{
    for (seL4_Word b = ARENA_MAX_BITS; b >= ARENA_MIN_BITS; b--) {
        seL4_CPtr arena;
        if (alloc_object(&suite_alloc, seL4_UntypedObject, b, &arena) == seL4_NoError) {
            *bits = (seL4_Uint8)b;
            return arena;
        }
    }
    return seL4_CapNull;
}

/* Undoes everything a test did: its objects, its slots, its priority change. */
static void suite_clean(test_env_t *env, seL4_Word first_slot)
{
    seL4_Error error;

    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, ROOT_PRIO);
    error = seL4_CNode_Revoke(ROOT_CNODE, env->arena, ROOT_DEPTH);
    if (error != seL4_NoError) {
        test_fail(env, 0, "cleanup: revoking the arena failed: %s", test_error_name(error));
        /* Carry on with a fresh arena rather than a half-cleared one. */
        env->arena = suite_new_arena(&env->arena_bits);
    }
    for (seL4_Word slot = first_slot; slot < env->alloc.slot_next; slot++) {
        seL4_CNode_Delete(ROOT_CNODE, slot, ROOT_DEPTH);
    }
}

/*
 * Whether the command line's ktest= word (if any) selects the test: a comma-separated list of
 * name prefixes.
 */
static int suite_selected(const char *command_line, const char *name)
{
    const char *list = command_line;

    while (*list != '\0' && strncmp(list, "ktest=", 6) != 0) {
        while (*list != '\0' && *list != ' ') {
            list++;
        }
        while (*list == ' ') {
            list++;
        }
    }
    if (*list == '\0') {
        return 1;
    }
    list += 6;
    while (*list != '\0' && *list != ' ') {
        size_t length = 0;
        while (list[length] != '\0' && list[length] != ' ' && list[length] != ',') {
            length++;
        }
        if (length > 0 && strncmp(name, list, length) == 0) {
            return 1;
        }
        list += length;
        if (*list == ',') {
            list++;
        }
    }
    return 0;
}

static int suite_run_test(test_env_t *env, const test_case_t *test)
{
    seL4_Word first_slot = suite_alloc.slot_next;

    env->failed = 0;
    env->skipped = 0;
    env->message[0] = '\0';
    alloc_init(&env->alloc, ROOT_CNODE, first_slot, suite_alloc.slot_end);
    alloc_add_untyped(&env->alloc, env->arena, env->arena_bits);
    vspace_init(&env->vspace, seL4_CapInitThreadVSpace, &env->alloc, TEST_VADDR_START,
                TEST_VADDR_END);

    test->run(env);
    suite_clean(env, first_slot);

    if (env->failed) {
        printf("FAIL %s: %s\n", test->name, env->message);
    } else if (env->skipped) {
        printf("SKIP %s: %s\n", test->name, env->message);
    } else {
        printf("PASS %s\n", test->name);
    }
    return env->failed ? 0 : env->skipped ? -1 : 1;
}

int root_main(seL4_BootInfo *bootinfo)
{
    static test_env_t env;
    int passed = 0;
    int failed = 0;
    seL4_Error error;

    printf("beaml4 kernel test suite\n");
    env.bootinfo = bootinfo;
    env.tsc_hz = bootinfo_tsc_hz(bootinfo);
    if (env.tsc_hz == 0) {
        env.tsc_hz = 2000000000ull;
        printf("suite: no TSC frequency in boot info; assuming 2 GHz for timeouts\n");
    }
    alloc_init(&suite_alloc, ROOT_CNODE, bootinfo->empty.start, bootinfo->empty.end);
    alloc_add_boot_untypeds(&suite_alloc, bootinfo, seL4_PageBits);

    error = power_init(&suite_alloc);
    if (error != seL4_NoError) {
        printf("suite: cannot issue the exit ports (%s)\n", test_error_name(error));
    }
    env.port_pci = suite_issue_ports(0xcf8, 0xcff);
    env.port_cmos = suite_issue_ports(0x70, 0x71);
    error = seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, ROOT_PRIO);
    if (error != seL4_NoError) {
        printf("suite: cannot set the root priority (%s)\n", test_error_name(error));
    }
    env.arena = suite_new_arena(&env.arena_bits);
    if (env.arena == seL4_CapNull) {
        printf("suite: no untyped of 2^%d bytes for the test arena\n", ARENA_MIN_BITS);
        printf("0 passed, 1 failed\n");
        power_off(1);
    }

    for (size_t g = 0; g < sizeof(suite_groups) / sizeof(suite_groups[0]); g++) {
        for (int i = 0; i < suite_groups[g]->count; i++) {
            if (!suite_selected(bootinfo_command_line(bootinfo), suite_groups[g]->cases[i].name)) {
                continue;
            }
            int outcome = suite_run_test(&env, &suite_groups[g]->cases[i]);
            if (outcome > 0) {
                passed++;
            } else if (outcome == 0) {
                failed++;
            }
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    power_off(failed == 0 ? 0 : 1);
}
