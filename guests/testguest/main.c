/*
 * From the boot code to the programs: bring up the console, read the boot information, build
 * the address space and descriptor tables, then run the programs the command line names, each
 * from the same quiesced machine state, and end the run with the verdict.
 */
#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"
#include "check.h"
#include "console.h"
#include "desc.h"
#include "machine.h"
#include "memory.h"
#include "paging.h"
#include "pic.h"
#include "programs.h"
#include "string.h"
#include "user.h"

#define MAX_SELECTED 64

__attribute__((noreturn)) void guest_main(uint32_t entry, uint32_t magic, uint32_t info_phys);

static const program_t *selected[MAX_SELECTED];
static unsigned selected_count;

static const char *ending_name(program_ending_t ending)
{
    switch (ending) {
    case ENDS_BY_EXIT:
        return "exit";
    case ENDS_BY_TRIPLE_FAULT:
        return "triple-fault";
    default:
        return "never";
    }
}

/* One line per program for the runner:
 * "program NAME ENDING [all] [hostile] [differs-bare] [input] - SUMMARY". */
static void print_list(void)
{
    for (unsigned i = 0; i < program_count; i++) {
        const program_t *p = &programs[i];
        console_printf("program %s %s%s%s%s%s - %s\n", p->name, ending_name(p->ending),
                       (p->flags & PROGRAM_IN_ALL) ? " all" : "",
                       (p->flags & PROGRAM_HOSTILE) ? " hostile" : "",
                       (p->flags & PROGRAM_DIFFERS_BARE) ? " differs-bare" : "",
                       (p->flags & PROGRAM_INPUT) ? " input" : "", p->summary);
    }
}

static const program_t *find_program(const char *name, size_t length)
{
    for (unsigned i = 0; i < program_count; i++) {
        if (strlen(programs[i].name) == length && strncmp(programs[i].name, name, length) == 0) {
            return &programs[i];
        }
    }
    return (const program_t *)0;
}

static void select_program(const program_t *p)
{
    if (selected_count < MAX_SELECTED) {
        selected[selected_count++] = p;
    }
}

/* Picks the programs of one "test=a,b,c" value; returns false for an unknown name. */
static bool select_names(const char *value, size_t length, bool *list_only)
{
    size_t start = 0;
    while (start <= length) {
        size_t end = start;
        while (end < length && value[end] != ',') {
            end++;
        }
        const char *name = value + start;
        size_t name_length = end - start;
        if (name_length == 3 && strncmp(name, "all", 3) == 0) {
            for (unsigned i = 0; i < program_count; i++) {
                if (programs[i].flags & PROGRAM_IN_ALL) {
                    select_program(&programs[i]);
                }
            }
        } else if (name_length == 4 && strncmp(name, "list", 4) == 0) {
            *list_only = true;
        } else if (name_length > 0) {
            const program_t *p = find_program(name, name_length);
            if (p == (const program_t *)0) {
                console_printf("FAIL testguest: unknown program \"%.*s\"\n", (int)name_length,
                               name);
                return false;
            }
            select_program(p);
        }
        start = end + 1;
    }
    return true;
}

/* Every word "test=..." of the command line, and "exit=port"; other words (a loader's file
 * name) are ignored. */
static bool parse_cmdline(const char *cmdline, bool *list_only)
{
    bool ok = true;
    for (size_t i = 0; cmdline[i] != '\0';) {
        while (cmdline[i] == ' ') {
            i++;
        }
        size_t start = i;
        while (cmdline[i] != '\0' && cmdline[i] != ' ') {
            i++;
        }
        if (i - start > 5 && strncmp(cmdline + start, "test=", 5) == 0) {
            ok = select_names(cmdline + start + 5, i - start - 5, list_only) && ok;
        }
        if (i - start == 9 && strncmp(cmdline + start, "exit=port", 9) == 0) {
            machine_exit_by_port();
        }
    }
    return ok;
}

void guest_main(uint32_t entry, uint32_t magic, uint32_t info_phys)
{
    console_init();
    const char *error = bootinfo_parse(entry, magic, info_phys, &boot_info);
    if (error != (const char *)0) {
        console_printf("FAIL testguest: boot: %s\n", error);
        machine_exit(EXIT_ENVIRONMENT);
    }
    memory_init(&boot_info);
    paging_init();
    desc_init();
    pic_init();
    machine_save_boot_state();
    machine_quiesce();

    console_printf("variant: boot %s, linked at %#llx\n", boot_info.protocol,
                   (unsigned long long)image_virt_offset() + 0x100000ull);
    bool list_only = false;
    if (!parse_cmdline(boot_info.cmdline, &list_only)) {
        machine_exit(EXIT_CHECK_FAILED);
    }
    if (list_only || selected_count == 0) {
        if (!list_only) {
            console_printf("testguest: no program named on the command line (test=NAME[,NAME...], "
                           "test=all, test=list)\n");
        }
        print_list();
        machine_exit(EXIT_PASSED);
    }

    uint64_t mark = memory_mark();
    unsigned failed_programs = 0;
    for (unsigned i = 0; i < selected_count; i++) {
        console_printf("== %s\n", selected[i]->name);
        check_begin_program(selected[i]->name);
        selected[i]->run();
        if (check_end_program() != 0) {
            failed_programs++;
        }
        machine_quiesce();
        memory_release(mark);
    }
    if (failed_programs == 0) {
        console_printf("testguest: all %u programs passed\n", selected_count);
        machine_exit(EXIT_PASSED);
    }
    console_printf("testguest: %u of %u programs FAILED\n", failed_programs, selected_count);
    machine_exit(EXIT_CHECK_FAILED);
}
