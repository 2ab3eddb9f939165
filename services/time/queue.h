/*
 * The time service's timer queue: every client's armed deadlines in one scapegoat tree
 * (lib/algorithms sgtree, keyed by TSC deadline, equal deadlines in arming order), each client
 * with TIME_TIMERS_PER_CLIENT nodes of its own given at attach time, so arming never allocates.
 * Pure logic: no system calls, no clock (the caller passes "now"), tested on the host.
 */
#ifndef TIME_QUEUE_H
#define TIME_QUEUE_H

#include <algorithms/sgtree.h>
#include <ipc/time.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct time_timer {
    sgtree_node_t node; /* key: the deadline; linked while armed */
    seL4_Word token;
    uint8_t client;
} time_timer_t;

typedef struct time_client {
    time_timer_t *timers; /* TIME_TIMERS_PER_CLIENT of them; NULL: never attached */
    unsigned armed;
} time_client_t;

typedef struct time_queue {
    sgtree_t tree;
    time_client_t clients[TIME_CLIENTS_MAX];
    unsigned armed; /* every client's */
} time_queue_t;

/* A bit per client id (ids are below 64): the clients whose timers expired. */
typedef uint64_t time_client_set_t;

_Static_assert(TIME_CLIENTS_MAX <= 64, "a client set is one word");

void time_queue_init(time_queue_t *queue);

/*
 * Attaches client (1..TIME_CLIENTS_MAX - 1) with its nodes (TIME_TIMERS_PER_CLIENT, owned by the
 * caller; an attached client keeps the ones it has, timers may be NULL then). A client attached
 * before loses every armed timer. False for an id out of range or a first attach without nodes.
 */
bool time_queue_attach(time_queue_t *queue, seL4_Word client, time_timer_t *timers);

bool time_queue_attached(const time_queue_t *queue, seL4_Word client);

/*
 * Arms token at deadline for an attached client (moves it when armed already). IPC_ERR_DENIED
 * for a client not attached, IPC_ERR_BUSY when all its nodes are armed, IPC_ERR_FIELD for
 * deadline 0.
 */
ipc_error_t time_queue_set(time_queue_t *queue, seL4_Word client, seL4_Word token,
                           uint64_t deadline);

/* IPC_ERR_NOT_FOUND when token is not armed (fired, cancelled, never armed). */
ipc_error_t time_queue_cancel(time_queue_t *queue, seL4_Word client, seL4_Word token);

/* The earliest armed deadline, or 0 when nothing is armed. */
uint64_t time_queue_earliest(const time_queue_t *queue);

/* Disarms every timer whose deadline is at or before now; returns their clients. */
time_client_set_t time_queue_expire(time_queue_t *queue, uint64_t now);

/* Armed timers of a client (0 for one not attached). */
unsigned time_queue_armed(const time_queue_t *queue, seL4_Word client);

#endif
