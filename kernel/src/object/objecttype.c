/*
 * Creating kernel objects in untyped memory: sizes, zeroing, initial state, the capability
 * that names the new object. Architecture types are delegated.
 */
#include <kernel/arch_object.h>
#include <kernel/endpoint.h>
#include <kernel/memory.h>
#include <kernel/notification.h>
#include <kernel/objecttype.h>
#include <kernel/string.h>
#include <kernel/tcb.h>

bool object_type_valid(word_t type)
{
    switch (type) {
    case seL4_UntypedObject:
    case seL4_TCBObject:
    case seL4_EndpointObject:
    case seL4_NotificationObject:
    case seL4_CapTableObject:
        return true;
    default:
        return arch_object_type_valid(type);
    }
}

bool object_type_is_frame(word_t type)
{
    return arch_object_type_is_frame(type);
}

cap_t object_create(word_t type, paddr_t paddr, word_t user_size, bool is_device)
{
    void *object = paddr_to_kptr(paddr);
    cap_t cap = cap_null();

    if (type == seL4_UntypedObject) {
        cap.type = CAP_UNTYPED;
        cap.u.untyped.paddr = paddr;
        cap.u.untyped.free_offset = 0;
        cap.u.untyped.size_bits = (uint8_t)user_size;
        cap.u.untyped.is_device = is_device;
        return cap;
    }
    if (!object_type_valid(type) || type > seL4_CapTableObject) {
        return arch_create_object(type, paddr, is_device);
    }
    memzero_words(object, BIT(seL4_ObjectSizeBits(type, user_size)));
    switch (type) {
    case seL4_TCBObject:
        tcb_init(object);
        cap.type = CAP_THREAD;
        cap.u.thread.tcb = object;
        break;
    case seL4_EndpointObject:
        cap.type = CAP_ENDPOINT;
        cap.u.endpoint.ep = object;
        cap.u.endpoint.rights = CAP_RIGHTS_ALL;
        break;
    case seL4_NotificationObject:
        cap.type = CAP_NOTIFICATION;
        cap.u.notification.ntfn = object;
        cap.u.notification.rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE;
        break;
    default: /* seL4_CapTableObject */
        cap.type = CAP_CNODE;
        cap.u.cnode.slots = object;
        cap.u.cnode.radix = (uint8_t)user_size;
        break;
    }
    return cap;
}
