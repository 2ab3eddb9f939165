/*
 * A guest's direct access to I/O ports (X86VCPUEnableIOPort/DisableIOPort). The VCPU's bitmap
 * (VMX I/O bitmaps A and B, SVM IOPM: one bit per port, set = the access exits) starts with every
 * port exiting; a VMM opens only ports its own I/O port capability covers, and the capability
 * records what it opened so that deleting it, or opening them to another VCPU, closes them.
 */
#include <arch/object/vcpu.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

#define IO_PORT_MAX 0xffffu

static void io_bitmap_set(vcpu_t *vcpu, word_t first, word_t last, bool exits)
{
    uint8_t *bitmap = paddr_to_kptr(vcpu_io_paddr(vcpu));

    for (word_t port = first; port <= last; port++) {
        if (exits) {
            bitmap[port / 8] |= (uint8_t)(1u << (port % 8));
        } else {
            bitmap[port / 8] &= (uint8_t) ~(1u << (port % 8));
        }
    }
}

void vcpu_ioport_revoke(const arch_cap_io_port_t *port)
{
    vcpu_t *vcpu;

    if (port->guest_vcpu == 0) {
        return;
    }
    vcpu = vcpu_find_serial(port->guest_vcpu);
    if (vcpu != NULL) {
        io_bitmap_set(vcpu, port->guest_first, port->guest_last, true);
    }
}

static void invoke_enable(vcpu_t *vcpu, cte_t *port_slot, word_t first, word_t last)
{
    arch_cap_io_port_t *port = &port_slot->cap.u.io_port;

    vcpu_ioport_revoke(port);
    io_bitmap_set(vcpu, first, last, false);
    port->guest_vcpu = vcpu->serial;
    port->guest_first = (uint16_t)first;
    port->guest_last = (uint16_t)last;
}

static seL4_Error decode_port_range(invocation_t *inv, word_t *first, word_t *last)
{
    if (inv->length < 2) {
        return error_simple(seL4_TruncatedMessage);
    }
    *first = inv_arg(inv, 0);
    *last = inv_arg(inv, 1);
    if (*first > IO_PORT_MAX || *last > IO_PORT_MAX) {
        return error_range(0, IO_PORT_MAX);
    }
    if (*last < *first) {
        return error_invalid_argument(1);
    }
    return seL4_NoError;
}

seL4_Error vcpu_decode_ioport(invocation_t *inv, vcpu_t *vcpu)
{
    word_t first = 0;
    word_t last = 0;
    seL4_Error error = decode_port_range(inv, &first, &last);
    cte_t *port_slot;

    if (error != seL4_NoError) {
        return error;
    }
    if (inv->label == X86VCPUDisableIOPort) {
        io_bitmap_set(vcpu, first, last, true);
        return seL4_NoError;
    }
    if (inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    port_slot = inv_extra_slot(inv, 0);
    if (port_slot->cap.type != CAP_IO_PORT) {
        return error_invalid_capability(1);
    }
    if (first < port_slot->cap.u.io_port.first_port || last > port_slot->cap.u.io_port.last_port) {
        return error_range(port_slot->cap.u.io_port.first_port, port_slot->cap.u.io_port.last_port);
    }
    invoke_enable(vcpu, port_slot, first, last);
    return seL4_NoError;
}
