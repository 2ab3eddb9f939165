/*
 * Boot modules after the root task's, as the kernel hands them over: the modules chunk of the
 * extra boot info (command lines, sizes, addresses) and the device untypeds that hold each
 * module's bytes unchanged. run-suite.sh boots the suite with two test modules whose bytes
 * follow a pattern (mk/kernel-tests.mk makes them): one of 12,345 bytes, one of two whole pages.
 */
#include "groups.h"
#include <runtime/bootinfo.h>

#define MODULE_A_NAME "ktest-module-a.bin"
#define MODULE_A_SIZE 12345
#define MODULE_B_NAME "ktest-module-b.bin"
#define MODULE_B_SIZE 8192

/* Byte i of module m (0 or 1), as mk/kernel-tests.mk writes it. */
static uint8_t module_byte(int m, seL4_Word i)
{
    return (uint8_t)(m == 0 ? i * 7 + 3 : (i >> 8) ^ i);
}

static const seL4_BootModules *modules_chunk(test_env_t *env)
{
    seL4_Word length = 0;
    const seL4_BootModules *modules =
            bootinfo_find_extra(env->bootinfo, seL4_BootInfo_Modules, &length);

    if (modules == NULL || length < sizeof(*modules) ||
        length < sizeof(*modules) + modules->count * sizeof(seL4_BootModule)) {
        test_fail(env, __LINE__, "no well-formed modules chunk in the boot info");
        return NULL;
    }
    return modules;
}

/* The command line names the module and carries the words after its path. */
static void test_modules_listed(test_env_t *env)
{
    const seL4_BootModules *modules = modules_chunk(env);

    TEST_CHECK(env, modules != NULL, "chunk");
    TEST_CHECK(env, modules->count == 2,
               "%lu modules; the suite must be booted with its two test modules (run-suite.sh)",
               (unsigned long)modules->count);
    TEST_CHECK(env, strstr(modules->modules[0].cmdline, MODULE_A_NAME) != NULL, "cmdline '%s'",
               modules->modules[0].cmdline);
    TEST_CHECK(env, strstr(modules->modules[0].cmdline, "role=test words kept") != NULL,
               "cmdline '%s'", modules->modules[0].cmdline);
    TEST_CHECK(env, strstr(modules->modules[1].cmdline, MODULE_B_NAME) != NULL, "cmdline '%s'",
               modules->modules[1].cmdline);
    TEST_EQ(env, modules->modules[0].size, MODULE_A_SIZE);
    TEST_EQ(env, modules->modules[1].size, MODULE_B_SIZE);
    for (seL4_Word m = 0; m < 2; m++) {
        TEST_EQ(env, modules->modules[m].paddr & 0xfff, 0);
        TEST_CHECK(env, modules->modules[m].untypeds.end > modules->modules[m].untypeds.start,
                   "module %lu has no untypeds", (unsigned long)m);
    }
}

/*
 * Every page of a module, retyped from its untypeds in order and mapped, holds the module's bytes
 * at the module's own physical addresses; the untypeds are device memory (frames only).
 */
static void module_bytes_check(test_env_t *env, const seL4_BootModule *module, int m)
{
    seL4_Word offset = 0;
    seL4_CPtr tcb_slot = test_slot(env);

    TEST_CHECK(env, tcb_slot != 0, "setup");
    TEST_EQ(env, seL4_DebugCapIdentify(module->untypeds.start), seL4_CapType_Untyped);
    TEST_EXPECT_ERR(env,
                    seL4_Untyped_Retype(module->untypeds.start, seL4_TCBObject, 0, ROOT_CNODE, 0, 0,
                                        tcb_slot, 1),
                    seL4_InvalidArgument);
    for (seL4_CPtr untyped = module->untypeds.start; untyped < module->untypeds.end; untyped++) {
        for (;;) {
            seL4_CPtr frame = test_slot(env);
            seL4_Word vaddr = 0;
            TEST_CHECK(env, frame != 0, "slots");
            if (seL4_Untyped_Retype(untyped, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, frame, 1) !=
                seL4_NoError) {
                break; /* this untyped is used up */
            }
            TEST_EQ(env, seL4_X86_Page_GetAddress(frame).paddr, module->paddr + offset);
            TEST_OK(env, vspace_reserve(&env->vspace, 4096, 4096, &vaddr));
            TEST_OK(env, vspace_map_frame(&env->vspace, frame, vaddr, seL4_CanRead,
                                          seL4_X86_Default_VMAttributes, seL4_False));
            const volatile uint8_t *bytes = (const volatile uint8_t *)vaddr;
            for (seL4_Word i = 0; i < 4096 && offset + i < module->size; i++) {
                TEST_CHECK(env, bytes[i] == module_byte(m, offset + i), "module %d byte %lu is %#x",
                           m, (unsigned long)(offset + i), bytes[i]);
            }
            offset += 4096;
        }
    }
    TEST_EQ(env, offset, (module->size + 4095) & ~4095ul);
}

static void test_modules_bytes(test_env_t *env)
{
    const seL4_BootModules *modules = modules_chunk(env);

    TEST_CHECK(env, modules != NULL && modules->count == 2, "chunk");
    module_bytes_check(env, &modules->modules[0], 0);
    if (!env->failed) {
        module_bytes_check(env, &modules->modules[1], 1);
    }
}

static const test_case_t modules_cases[] = {
        {"modules_listed", test_modules_listed},
        {"modules_bytes", test_modules_bytes},
};

const test_group_t modules_group = TEST_GROUP(modules_cases);
