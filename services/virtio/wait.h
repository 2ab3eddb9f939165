/*
 * Waiting for a device: its MSI (the service's notification) or a deadline, whichever comes
 * first. The caller's poll says whether the device is done, not yet, or lied.
 */
#ifndef VIRTIO_WAIT_H
#define VIRTIO_WAIT_H

#include <sel4/functions.h>
#include <stdbool.h>

#define WAIT_TIMEOUT_NS  2000000000ull
#define WAIT_TIMER_TOKEN 2 /* TIME_TOKEN_FIRST: the service's own */

typedef enum { WAIT_DONE, WAIT_NOT_YET, WAIT_LIE } wait_poll_t;

/* Polls, and waits between polls, until done (WAIT_DONE), a lie (WAIT_LIE) or the deadline
 * (WAIT_NOT_YET); every device's interrupt that arrives meanwhile is acknowledged. */
wait_poll_t wait_for(wait_poll_t (*poll)(void *context), void *context);

/* Acknowledges every device whose bit is in bits (main.c). */
void devices_irq_ack(seL4_Word bits);

#endif
