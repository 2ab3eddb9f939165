/*
 * The hypercalls (hypercall.h). CONSOLE_WRITE checks the whole range before it reads, so a
 * range that runs out of RAM prints nothing; PROFILE's label must be short printable ASCII
 * without spaces (it is printed inside the VMM's own line).
 */
#include "hypercall.h"

static uint64_t profile_label_check(const pv_memory_t *ram, const uint64_t args[4])
{
    if (args[1] > HYPERCALL_LABEL_MAX || (args[2] & ~HYPERCALL_PROFILE_PLAIN) != 0) {
        return HYPERCALL_EINVAL;
    }
    if (args[1] == 0) {
        return 0;
    }
    const uint8_t *bytes = pv_memory_span(ram, gpa(args[0]), args[1]);
    if (bytes == NULL) {
        return HYPERCALL_EFAULT;
    }
    for (uint64_t i = 0; i < args[1]; i++) {
        if (bytes[i] <= ' ' || bytes[i] > '~') {
            return HYPERCALL_EINVAL;
        }
    }
    return 0;
}

pv_hypercall_result_t hypercall_dispatch(const pv_memory_t *ram, console_t *console,
                                         uint64_t number, const uint64_t args[4])
{
    const uint8_t *bytes;

    switch (number) {
    case HYPERCALL_VERSION:
        return (pv_hypercall_result_t){.exit = false, .value = HYPERCALL_INTERFACE};
    case HYPERCALL_CONSOLE_WRITE:
        if (args[1] > HYPERCALL_CONSOLE_MAX) {
            return (pv_hypercall_result_t){.exit = false, .value = HYPERCALL_EINVAL};
        }
        /* Read in place: the guest may change the bytes meanwhile, which only changes what it
         * prints. */
        bytes = pv_memory_span(ram, gpa(args[0]), args[1]);
        if (bytes == NULL) {
            return (pv_hypercall_result_t){.exit = false, .value = HYPERCALL_EFAULT};
        }
        console_write(console, bytes, args[1]);
        return (pv_hypercall_result_t){.exit = false, .value = args[1]};
    case HYPERCALL_EXIT:
        return (pv_hypercall_result_t){.exit = true, .value = args[0]};
    case HYPERCALL_PROFILE:
        return (pv_hypercall_result_t){.exit = false, .value = profile_label_check(ram, args)};
    default:
        return (pv_hypercall_result_t){.exit = false, .value = HYPERCALL_ENOSYS};
    }
}
