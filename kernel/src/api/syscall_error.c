/*
 * Recording the error of the invocation being decoded. Nothing here touches a thread: the
 * syscall layer turns the record into the reply.
 */
#include <kernel/cpu.h>
#include <kernel/syscall_error.h>

static seL4_Error error_record(syscall_error_t error)
{
    cpu_self()->error = error;
    return error.type;
}

seL4_Error error_invalid_argument(word_t argument)
{
    return error_record(
            (syscall_error_t){.type = seL4_InvalidArgument, .invalid_argument = argument});
}

seL4_Error error_invalid_capability(word_t capability)
{
    return error_record(
            (syscall_error_t){.type = seL4_InvalidCapability, .invalid_capability = capability});
}

seL4_Error error_range(word_t min, word_t max)
{
    return error_record(
            (syscall_error_t){.type = seL4_RangeError, .range_min = min, .range_max = max});
}

seL4_Error error_not_enough_memory(word_t memory_left)
{
    return error_record(
            (syscall_error_t){.type = seL4_NotEnoughMemory, .memory_left = memory_left});
}

seL4_Error error_failed_lookup(bool was_source, lookup_fault_t fault)
{
    return error_record((syscall_error_t){.type = seL4_FailedLookup,
                                          .failed_lookup_was_source = was_source,
                                          .lookup_fault = fault});
}

seL4_Error error_simple(seL4_Error type)
{
    return error_record((syscall_error_t){.type = type});
}

const syscall_error_t *error_current(void)
{
    return &cpu_self()->error;
}
