/*
 * beaml4's hypercalls (docs/hypercalls.md), host side: VERSION, CONSOLE_WRITE, EXIT and PROFILE, with
 * Linux-style negative errors. Arguments are the guest's registers: every address and length is
 * checked against guest RAM before a byte is read. hypercall_dispatch is pure (host-tested).
 */
#ifndef VMM_HYPERCALL_H
#define VMM_HYPERCALL_H

#include "console.h"
#include <pv/env.h>

#define HYPERCALL_VERSION       0
#define HYPERCALL_CONSOLE_WRITE 1
#define HYPERCALL_EXIT          2
#define HYPERCALL_PROFILE       3

#define HYPERCALL_INTERFACE     1
#define HYPERCALL_CONSOLE_MAX   4096
#define HYPERCALL_LABEL_MAX     32   /* PROFILE's label (profile.h: PROFILE_LABEL_MAX) */
#define HYPERCALL_PROFILE_PLAIN 1ull /* PROFILE's RDX: the fast path off until the next call */
#define HYPERCALL_ENOSYS        ((uint64_t)-38)
#define HYPERCALL_EINVAL        ((uint64_t)-22)
#define HYPERCALL_EFAULT        ((uint64_t)-14)

/* PROFILE answers 0 or the error of its label; the caller then asks for the report. */
pv_hypercall_result_t hypercall_dispatch(const pv_memory_t *ram, console_t *console,
                                         uint64_t number, const uint64_t args[4]);

/* pv_env_t.hypercall for the VMM (context: its vmm_t). */
pv_hypercall_result_t hypercall_handle(void *context, uint64_t number, const uint64_t args[4]);

#endif
