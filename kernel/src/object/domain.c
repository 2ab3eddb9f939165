/*
 * The domain capability: one scheduling domain exists, so DomainSet_Set accepts only 0.
 */
#include <kernel/object_decode.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

#define DOMAIN_COUNT 1

seL4_Error domain_decode(invocation_t *inv)
{
    if (inv->label != DomainSetSet) {
        return error_simple(seL4_IllegalOperation);
    }
    if (inv->length < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (inv_arg(inv, 0) >= DOMAIN_COUNT) {
        return error_invalid_argument(0);
    }
    if (inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (inv_extra_cap(inv, 0).type != CAP_THREAD) {
        return error_invalid_argument(1);
    }
    return seL4_NoError; /* invoke: the thread is already in domain 0 */
}
