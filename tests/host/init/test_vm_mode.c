/*
 * Host tests of init's mode resolution (services/init/vm_mode.c): every requested mode against
 * every kind of machine the kernel can report (VMX, SVM, none for each reason, no chunk at all,
 * values the kernel never writes), and the messages: each names the requested mode, what the
 * machine has or why not, and the modes that would run, and fits a VM's reason whole.
 */
#include "vm_mode.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define BIG 256 /* more than any message, so that a message's full length shows */

typedef struct machine_case {
    const char *label;
    seL4_X86_VirtFeatures features;
    bool present;            /* false: no chunk in the boot info (NULL) */
    vmdecl_mode_t hardware;  /* the hardware mode that runs (AUTO: none) */
    const char *absent_text; /* what a refusal says of a machine without any */
} machine_case_t;

static const machine_case_t machines[] = {
        {"VMX",
         {.kind = seL4_X86_Virt_VMX, .flags = seL4_X86_Virt_EPT},
         true,
         VMDECL_MODE_VTX,
         NULL},
        {"SVM",
         {.kind = seL4_X86_Virt_SVM, .flags = seL4_X86_Virt_NPT},
         true,
         VMDECL_MODE_SVM,
         NULL},
        {"no chunk",
         {0},
         false,
         VMDECL_MODE_AUTO,
         "the kernel reported no hardware virtualization"},
        {"not in CPU",
         {.absent = seL4_X86_VirtAbsent_NotInCPU},
         true,
         VMDECL_MODE_AUTO,
         "the CPU has neither VT-x nor AMD-V"},
        {"firmware",
         {.absent = seL4_X86_VirtAbsent_DisabledByFirmware},
         true,
         VMDECL_MODE_AUTO,
         "hardware virtualization is disabled by the firmware"},
        {"no EPT",
         {.absent = seL4_X86_VirtAbsent_MissingFeature, .missing = seL4_X86_VirtNeed_EPT},
         true,
         VMDECL_MODE_AUTO,
         "this machine's VT-x lacks EPT"},
        {"no control",
         {.absent = seL4_X86_VirtAbsent_MissingFeature, .missing = seL4_X86_VirtNeed_Controls},
         true,
         VMDECL_MODE_AUTO,
         "this machine's VT-x lacks a VM control the kernel needs"},
        {"no NPT",
         {.absent = seL4_X86_VirtAbsent_MissingFeature, .missing = seL4_X86_VirtNeed_NPT},
         true,
         VMDECL_MODE_AUTO,
         "this machine's AMD-V lacks nested paging (NPT)"},
        {"missing, unnamed",
         {.absent = seL4_X86_VirtAbsent_MissingFeature, .missing = 1ull << 40},
         true,
         VMDECL_MODE_AUTO,
         "a feature the kernel needs for VT-x or AMD-V is missing"},
        /* What the kernel never writes: none with no reason, an unknown reason, an unknown kind
         * (which must not count as VMX or SVM whatever its reason says). */
        {"none, no reason",
         {.absent = seL4_X86_VirtAbsent_No},
         true,
         VMDECL_MODE_AUTO,
         "the kernel found no usable VT-x or AMD-V"},
        {"unknown reason",
         {.absent = 77},
         true,
         VMDECL_MODE_AUTO,
         "the kernel found no usable VT-x or AMD-V"},
        {"unknown kind",
         {.kind = 3, .absent = seL4_X86_VirtAbsent_No},
         true,
         VMDECL_MODE_AUTO,
         "the kernel found no usable VT-x or AMD-V"},
};

#define MACHINE_COUNT (sizeof(machines) / sizeof(machines[0]))

static const seL4_X86_VirtFeatures *features_of(const machine_case_t *machine)
{
    return machine->present ? &machine->features : NULL;
}

static bool resolve(vmdecl_mode_t requested, const machine_case_t *machine, vmdecl_mode_t *resolved,
                    char *message)
{
    memset(message, 0x55, BIG);
    *resolved = (vmdecl_mode_t)0x77;
    return vm_mode_resolve(requested, features_of(machine), resolved, message, BIG);
}

static void test_pv_runs_everywhere(void **state)
{
    char message[BIG];
    vmdecl_mode_t resolved;

    (void)state;
    for (size_t m = 0; m < MACHINE_COUNT; m++) {
        assert_true(resolve(VMDECL_MODE_PV, &machines[m], &resolved, message));
        assert_int_equal(resolved, VMDECL_MODE_PV);
    }
}

static void test_auto_takes_what_the_machine_has(void **state)
{
    char message[BIG];
    vmdecl_mode_t resolved;

    (void)state;
    for (size_t m = 0; m < MACHINE_COUNT; m++) {
        const machine_case_t *machine = &machines[m];
        assert_true(resolve(VMDECL_MODE_AUTO, machine, &resolved, message));
        vmdecl_mode_t want =
                machine->hardware == VMDECL_MODE_AUTO ? VMDECL_MODE_PV : machine->hardware;
        if (resolved != want) {
            fail_msg("auto on %s: %s, expected %s", machine->label, vmdecl_mode_name(resolved),
                     vmdecl_mode_name(want));
        }
    }
}

/* vtx and svm: run on their own kind, refused elsewhere with what the machine has. */
static void test_hardware_modes(void **state)
{
    char message[BIG];
    char want[BIG];
    vmdecl_mode_t resolved;

    (void)state;
    for (size_t m = 0; m < MACHINE_COUNT; m++) {
        const machine_case_t *machine = &machines[m];
        for (vmdecl_mode_t mode = VMDECL_MODE_VTX; mode <= VMDECL_MODE_SVM; mode++) {
            bool runs = resolve(mode, machine, &resolved, message);
            if (machine->hardware == mode) {
                assert_true(runs);
                assert_int_equal(resolved, mode);
                continue;
            }
            assert_false(runs);
            if (machine->hardware == VMDECL_MODE_AUTO) {
                snprintf(want, sizeof(want), "mode=%s: %s: use mode=pv or mode=auto",
                         vmdecl_mode_name(mode), machine->absent_text);
            } else if (mode == VMDECL_MODE_VTX) {
                snprintf(want, sizeof(want), "%s",
                         "mode=vtx: this machine has AMD-V (SVM), not "
                         "VT-x: use mode=svm or mode=auto");
            } else {
                snprintf(want, sizeof(want), "%s",
                         "mode=svm: this machine has VT-x (VMX), not "
                         "AMD-V: use mode=vtx or mode=auto");
            }
            if (strcmp(message, want) != 0) {
                fail_msg("%s on %s: '%s', expected '%s'", vmdecl_mode_name(mode), machine->label,
                         message, want);
            }
            /* Whole in a VM's reason, NUL included. */
            assert_true(strlen(message) < VM_MODE_MESSAGE_BYTES);
        }
    }
}

/* A requested mode no declaration can hold (the shell's request is checked before, but the
 * resolver must not run anything on a value it does not know). */
static void test_unknown_mode_refused(void **state)
{
    char message[BIG];
    vmdecl_mode_t resolved;
    const unsigned values[] = {4, 5, 255, 0x7fffffff};

    (void)state;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        for (size_t m = 0; m < MACHINE_COUNT; m++) {
            assert_false(resolve((vmdecl_mode_t)values[i], &machines[m], &resolved, message));
            assert_non_null(strstr(message, "no such mode"));
            assert_int_equal(resolved, 0x77);
        }
    }
}

/* A small buffer gets the start of the message, terminated, and nothing past its end. */
static void test_message_cut_to_capacity(void **state)
{
    char message[BIG];
    vmdecl_mode_t resolved;
    const machine_case_t *svm = &machines[1];

    (void)state;
    for (size_t capacity = 1; capacity < 40; capacity++) {
        memset(message, 0x55, sizeof(message));
        assert_false(
                vm_mode_resolve(VMDECL_MODE_VTX, features_of(svm), &resolved, message, capacity));
        assert_int_equal(strlen(message), capacity - 1);
        assert_memory_equal(message, "mode=vtx: this machine has AMD-V",
                            capacity - 1 < 32 ? capacity - 1 : 32);
        assert_int_equal((unsigned char)message[capacity], 0x55);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_pv_runs_everywhere),
            cmocka_unit_test(test_auto_takes_what_the_machine_has),
            cmocka_unit_test(test_hardware_modes),
            cmocka_unit_test(test_unknown_mode_refused),
            cmocka_unit_test(test_message_cut_to_capacity),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
