/*
 * init's side of the time service: its devices (the PIT's ports and IRQ 0), each client's
 * capabilities (the time endpoint with the client's badge; the client's notification, minted
 * with EVENT_BIT_TIMER, in the time service's CNode at TIME_CLIENT_SLOT_BASE + id), attaching
 * the clients once the time service runs, and after a restart of either side.
 */
#ifndef INIT_TIMERS_H
#define INIT_TIMERS_H

#include "service.h"

/* The time service's devices (its spec's wire function). */
bool timers_wire(service_t *time);

/* A client's capabilities, both ways (before either starts). */
bool timers_wire_client(service_t *client, service_t *time);

/* Once the time service is started: attaches every client wired so far. */
bool timers_start(service_t *time);

/*
 * After a restart: a new time service instance knows no client, so every client is attached
 * again and woken once with EVENT_BIT_TIMER (their event loops and sleeps arm their timers
 * again); a restarted client is attached again, which drops the timers its previous instance
 * left armed.
 */
void timers_restarted(service_t *service);

#endif
