/*
 * The beaml4 kernel API in one include: types, errors, syscalls, objects, invocations, faults,
 * boot info, hardware virtualization. The call stubs (seL4_Call, seL4_Untyped_Retype, ...) are in <sel4/functions.h>,
 * provided by lib/sel4.
 */
#ifndef SEL4_SEL4_H
#define SEL4_SEL4_H

#include <sel4/types.h>
#include <sel4/errors.h>
#include <sel4/syscalls.h>
#include <sel4/objecttypes.h>
#include <sel4/invocation.h>
#include <sel4/user_context.h>
#include <sel4/ipc_buffer.h>
#include <sel4/faults.h>
#include <sel4/bootinfo.h>
#include <sel4/vcpu.h>
#include <sel4/vmx.h>
#include <sel4/svm.h>

#endif
