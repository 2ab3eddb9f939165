/*
 * Ring 3: entering it (IRETQ or SYSRET), the guest's own SYSCALL interface back to ring 0, and
 * the per-CPU block SWAPGS makes reachable from the SYSCALL entry.
 *
 * Ring-3 code lives in the .user.text section and its data in .user.data; the boot address
 * space maps exactly those pages user-accessible.
 */
#ifndef TESTGUEST_USER_H
#define TESTGUEST_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "traps.h"

#define USER_TEXT __attribute__((section(".user.text"), noinline))
#define USER_DATA __attribute__((section(".user.data")))

/* The guest's own system calls (SYSCALL with RAX = number, RDI = argument, result in RAX). */
#define SYS_EXIT   0 /* back to the ring-0 code that entered ring 3, with value RDI */
#define SYS_ADD1   1 /* returns RDI + 1 */
#define SYS_RECORD 2 /* records the entry state (syscall_last) and returns RDI */

typedef enum user_entry_kind {
    USER_ENTER_IRETQ,
    USER_ENTER_SYSRET,
} user_entry_kind_t;

typedef struct user_run {
    user_entry_kind_t how;
    uint64_t (*entry)(uint64_t); /* in .user.text; its return value reaches SYS_EXIT */
    uint64_t arg;
    uint64_t rflags;  /* RFLAGS in ring 3 (bit 1 is added) */
    uint64_t gs_base; /* GS base while in ring 3 (the kernel's per-CPU block is swapped in) */
    uint64_t fs_base;
} user_run_t;

typedef struct user_result {
    bool faulted; /* an exception in ring 3 ended the run: see trap */
    trap_record_t trap;
    uint64_t value; /* SYS_EXIT's argument */
} user_result_t;

/* What SYS_RECORD saw on entry, before and after the kernel's SWAPGS. */
typedef struct syscall_snapshot {
    uint64_t rflags_in_kernel; /* RFLAGS after SFMASK */
    uint64_t rcx;              /* return RIP */
    uint64_t r11;              /* user RFLAGS */
    uint64_t user_rsp;
    uint64_t gs_base_after_swapgs;
    uint64_t kernel_gs_base_after_swapgs;
} syscall_snapshot_t;

#define SYSCALL_SFMASK (RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT)

void user_init(void);
user_result_t user_run(const user_run_t *run);

/* Every ring-3 entry starts on this stack, whose top user_stack_top() gives. */
uint64_t user_stack_top(void);

/* The per-CPU block's address: what the kernel's GS base holds after SWAPGS. */
uint64_t percpu_address(void);

extern syscall_snapshot_t syscall_last;

/* Ring-3 side: the system call, for code in .user.text. */
static inline __attribute__((always_inline)) uint64_t user_syscall(uint64_t number, uint64_t arg)
{
    uint64_t result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(arg) : "rcx", "r11", "memory");
    return result;
}

#endif
