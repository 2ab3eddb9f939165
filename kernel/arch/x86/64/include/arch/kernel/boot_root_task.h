/*
 * Building the root task from the first boot module: its VSpace, root CNode with the initial
 * capabilities, TCB, IPC buffer, boot info page and extra boot info, and the untyped
 * capabilities for all remaining memory. Boot-only; any failure is a boot error.
 */
#ifndef ARCH_KERNEL_BOOT_ROOT_TASK_H
#define ARCH_KERNEL_BOOT_ROOT_TASK_H

#include <kernel/cte.h>
#include <kernel/tcb.h>
#include <sel4/bootinfo.h>

#define BOOT_FAILURE_EXIT_CODE 3

/* The boot state shared by the root-task builders. */
typedef struct {
    cte_t *cnode;     /* the root CNode's slots */
    word_t next_slot; /* first slot not yet used */
    paddr_t pml4;
    seL4_BootInfo *info;
    seL4_BootTimes *times;  /* in the extra boot info, filled just before the root task runs */
    word_t kernel_log_slot; /* the read-only frame capability to the kernel log page */
} boot_state_t;

/* Print "beaml4: boot error: <what>" and stop the machine. */
NORETURN void boot_fail(const char *what, const char *detail);

/* Build everything; returns the root task's TCB, ready to run. */
tcb_t *root_task_create(void);

/* Stamp the root task's start time into the extra boot info (just before it runs). */
void boot_record_root_task_start(void);

/* Turn the free RAM and device ranges into untyped capabilities and boot info entries. */
void boot_create_untypeds(boot_state_t *boot);

/* The largest power-of-two block at start that is aligned and fits before end (end > start):
 * the smaller of start's alignment and the size's top bit, capped at seL4_MaxUntypedBits. */
unsigned boot_block_bits(paddr_t start, paddr_t end);

/* The ACPI tables chunk of the extra boot info (kernel/boot_acpi_tables.c): its size (0 without
 * ACPI) and writing it. */
word_t boot_acpi_tables_size(void);
void boot_acpi_tables_write(uint8_t *out);

/* Boot modules after the first (kernel/boot_modules.c): the slots their untypeds take, making
 * those untypeds, and the modules chunk of the extra boot info (its size, and writing it). */
word_t boot_modules_slot_count(void);
void boot_modules_create(boot_state_t *boot);
word_t boot_modules_chunk_size(void);
void boot_modules_write(uint8_t *payload);

/* Bytes of extra boot info, and writing it (into pages mapped after the boot info page). */
word_t boot_extra_info_size(void);
void boot_extra_info_write(boot_state_t *boot, uint8_t *extra, word_t size);

/* The one entry from boot_main once the platform is up: never returns. */
NORETURN void kernel_boot(void);

#endif
