/*
 * libsel4: everything a beaml4 program calls the kernel with. The API (types, numbers, layouts)
 * is <sel4/sel4.h>; this adds the system call stubs, IPC buffer access and one typed wrapper per
 * object invocation, with seL4's names and argument orders. Header-only apart from the
 * thread-local IPC buffer pointer (lib/sel4/src/ipc_buffer.c).
 */
#ifndef SEL4_FUNCTIONS_H
#define SEL4_FUNCTIONS_H

#include <sel4/sel4.h>
#include <sel4/ipc_access.h>
#include <sel4/syscall_stubs.h>
#include <sel4/debug_calls.h>
#include <sel4/client_invoke.h>
#include <sel4/client_untyped.h>
#include <sel4/client_cnode.h>
#include <sel4/client_tcb.h>
#include <sel4/client_irq.h>
#include <sel4/client_x86_paging.h>
#include <sel4/client_x86_ioport.h>
#include <sel4/client_x86_vcpu.h>
#include <sel4/client_domain.h>

#endif
