/*
 * I/O ports: issuing ranges (each port at most once until its capabilities are gone) and the
 * In/Out invocations, checked against the capability's range. The ports the kernel itself
 * drives are either never issued (the 8259 PICs, masked at boot for good) or handed over as a
 * whole (the console UART: the kernel stops using it while user space holds it).
 */
#include <arch/io.h>
#include <arch/object/ioport.h>
#include <arch/pic.h>
#include <arch/serial.h>
#include <kernel/console.h>
#include <kernel/cspace.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

#define IO_PORT_COUNT 0x10000u
#define IO_PORT_MAX   0xffffu

/* Ports that stay the kernel's: IOPortControl refuses any range that touches them. */
static const struct {
    uint16_t first;
    uint16_t last;
} kernel_ports[] = {
        {PIC1_COMMAND, PIC1_DATA},
        {PIC2_COMMAND, PIC2_DATA},
};

static bool ranges_overlap(word_t first, word_t last, word_t other_first, word_t other_last)
{
    return first <= other_last && other_first <= last;
}

static bool range_touches_kernel_ports(word_t first, word_t last)
{
    for (size_t i = 0; i < sizeof(kernel_ports) / sizeof(kernel_ports[0]); i++) {
        if (ranges_overlap(first, last, kernel_ports[i].first, kernel_ports[i].last)) {
            return true;
        }
    }
    return false;
}

/* The console UART's ports change hands only all together. */
static bool range_holds_console(word_t first, word_t last)
{
    return first <= SERIAL_COM1_PORT && last >= SERIAL_COM1_LAST;
}

static bool range_splits_console(word_t first, word_t last)
{
    return ranges_overlap(first, last, SERIAL_COM1_PORT, SERIAL_COM1_LAST) &&
           !range_holds_console(first, last);
}

static uint64_t issued_ports[IO_PORT_COUNT / 64];

static bool port_is_issued(word_t port)
{
    return (issued_ports[port / 64] & BIT(port % 64)) != 0;
}

static void ports_mark(word_t first, word_t last, bool issued)
{
    for (word_t port = first; port <= last; port++) {
        if (issued) {
            issued_ports[port / 64] |= BIT(port % 64);
        } else {
            issued_ports[port / 64] &= ~BIT(port % 64);
        }
    }
}

void ioport_release(uint16_t first, uint16_t last)
{
    ports_mark(first, last, false);
    if (range_holds_console(first, last)) {
        console_take_back();
    }
}

static void invoke_ioport_issue(cte_t *control, cte_t *dest, word_t first, word_t last)
{
    cap_t cap = {.type = CAP_IO_PORT};

    ports_mark(first, last, true);
    if (range_holds_console(first, last)) {
        console_hand_over();
    }
    cap.u.io_port.first_port = (uint16_t)first;
    cap.u.io_port.last_port = (uint16_t)last;
    cte_insert(cap, control, dest);
}

seL4_Error ioport_control_decode(invocation_t *inv, cte_t *slot)
{
    word_t first;
    word_t last;
    cte_t *dest;
    seL4_Error error;

    if (inv->label != X86IOPortControlIssue) {
        return error_simple(seL4_IllegalOperation);
    }
    if (inv->length < 4 || inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    first = inv_arg(inv, 0);
    last = inv_arg(inv, 1);
    if (first > IO_PORT_MAX) {
        return error_range(0, IO_PORT_MAX);
    }
    if (last > IO_PORT_MAX) {
        return error_range(0, IO_PORT_MAX);
    }
    if (last < first) {
        return error_invalid_argument(1);
    }
    if (range_splits_console(first, last)) {
        return error_invalid_argument(0);
    }
    if (range_touches_kernel_ports(first, last)) {
        return error_simple(seL4_IllegalOperation);
    }
    for (word_t port = first; port <= last; port++) {
        if (port_is_issued(port)) {
            return error_simple(seL4_IllegalOperation);
        }
    }
    error = cspace_lookup_empty_slot(inv_extra_cap(inv, 0), inv_arg(inv, 2), inv_arg(inv, 3),
                                     &dest);
    if (error != seL4_NoError) {
        return error;
    }
    invoke_ioport_issue(slot, dest, first, last);
    return seL4_NoError;
}

static unsigned ioport_access_size(word_t label)
{
    switch (label) {
    case X86IOPortIn8:
    case X86IOPortOut8:
        return 1;
    case X86IOPortIn16:
    case X86IOPortOut16:
        return 2;
    default:
        return 4;
    }
}

static void invoke_ioport_in(invocation_t *inv, uint16_t port, unsigned size)
{
    word_t value;

    if (size == 1) {
        value = io_in8(port);
    } else if (size == 2) {
        value = io_in16(port);
    } else {
        value = io_in32(port);
    }
    inv_reply(inv, 0, value);
}

static void invoke_ioport_out(uint16_t port, unsigned size, word_t value)
{
    if (size == 1) {
        io_out8(port, (uint8_t)value);
    } else if (size == 2) {
        io_out16(port, (uint16_t)value);
    } else {
        io_out32(port, (uint32_t)value);
    }
}

seL4_Error ioport_decode(invocation_t *inv, cap_t cap)
{
    bool is_out;
    unsigned size;
    word_t port;

    if (inv->label < X86IOPortIn8 || inv->label > X86IOPortOut32) {
        return error_simple(seL4_IllegalOperation);
    }
    is_out = inv->label >= X86IOPortOut8;
    if (inv->length < (is_out ? 2u : 1u)) {
        return error_simple(seL4_TruncatedMessage);
    }
    size = ioport_access_size(inv->label);
    port = inv_arg(inv, 0);
    if (port < cap.u.io_port.first_port || port > IO_PORT_MAX ||
        port + size - 1 > cap.u.io_port.last_port) {
        return error_simple(seL4_IllegalOperation);
    }
    if (is_out) {
        invoke_ioport_out((uint16_t)port, size, inv_arg(inv, 1));
    } else {
        invoke_ioport_in(inv, (uint16_t)port, size);
    }
    return seL4_NoError;
}
