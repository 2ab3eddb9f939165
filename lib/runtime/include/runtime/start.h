/*
 * The root task's life cycle: crt0 and runtime_start prepare the stack, .bss, TLS and IPC buffer
 * of the initial thread, then call the program's root_main with the kernel's boot info.
 */
#ifndef RUNTIME_START_H
#define RUNTIME_START_H

#include <runtime/vspace.h>
#include <sel4/functions.h>

/* Defined by the program. If it returns, the runtime reports the value and suspends the task. */
int root_main(seL4_BootInfo *bootinfo);

/* The boot info handed to the root task (valid once root_main runs). */
extern seL4_BootInfo *runtime_bootinfo;

/* Called from crt0 with RDI (the boot info, or a service's start info); never returns. */
void runtime_start(void *arg) __attribute__((noreturn));

/* A service's allocator (its untyped and free slots) and address space (set up before
 * service_main; unused in a root task, which makes its own). */
extern alloc_t runtime_alloc;
extern vspace_t runtime_vspace;

#endif
