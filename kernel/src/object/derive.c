/*
 * Which capabilities may be copied and what the copy holds (seL4's deriveCap).
 */
#include <kernel/arch_object.h>
#include <kernel/derive.h>

seL4_Error cap_derive(cte_t *slot, cap_t cap, cap_t *derived)
{
    if (cap_is_arch(cap)) {
        return arch_derive_cap(slot, cap, derived);
    }
    switch (cap.type) {
    case CAP_ZOMBIE:
    case CAP_IRQ_CONTROL:
    case CAP_REPLY:
        *derived = cap_null();
        return seL4_NoError;
    case CAP_UNTYPED: {
        seL4_Error error = cte_ensure_no_children(slot);
        *derived = error == seL4_NoError ? cap : cap_null();
        return error;
    }
    default:
        *derived = cap;
        return seL4_NoError;
    }
}
