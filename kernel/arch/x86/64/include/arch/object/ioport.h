/*
 * I/O port capabilities: IOPortControl issues ranges, an IOPort capability reads and writes
 * the ports of its range. The kernel tracks which ports have been issued.
 */
#ifndef ARCH_OBJECT_IOPORT_H
#define ARCH_OBJECT_IOPORT_H

#include <kernel/invocation_context.h>

seL4_Error ioport_control_decode(invocation_t *inv, cte_t *slot);
seL4_Error ioport_decode(invocation_t *inv, cap_t cap);

/* The last capability to a range is gone: its ports may be issued again. */
void ioport_release(uint16_t first, uint16_t last);

#endif
