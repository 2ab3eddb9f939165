/*
 * The event loop every service runs: one endpoint serving many clients, with the service's
 * notification bound to the thread, so that one Recv returns either a message or the bits of a
 * signal (interrupts, timer expiry, wake-ups). Messages go to the handler registered for their
 * badge (the highest priority among those that match: faults of threads and requests of
 * clients arrive on the same endpoint, told apart by badge, see ipc/msg.h); signal bits go to the
 * handler of each bit; timers run when their TSC deadline passes (the time service is asked
 * for one wake-up at the earliest deadline); tasks run once, before the next wait.
 */
#ifndef RUNTIME_EVENT_H
#define RUNTIME_EVENT_H

#include <algorithms/sgtree.h>
#include <ipc/msg.h>
#include <stdbool.h>

/* Notification bits with a fixed meaning; the others are the service's own (IRQs, ...). */
#define EVENT_BIT_TIMER (1ull << 0) /* the time service: a deadline passed */

#define EVENT_HANDLERS_MAX 8
#define EVENT_SIGNALS_MAX  16

/* What a message handler did with the message: msg now holds the reply to send, or no reply is
 * due (the sender stays blocked: a fault handler that leaves a thread stopped). */
typedef enum { EVENT_REPLY, EVENT_NO_REPLY } event_result_t;

typedef event_result_t (*event_message_fn)(void *context, seL4_Word badge, ipc_msg_t *msg);
typedef void (*event_signal_fn)(void *context, seL4_Word bits);

typedef struct event_timer {
    sgtree_node_t node; /* key: the TSC deadline */
    void (*fire)(struct event_timer *timer);
} event_timer_t;

typedef struct event_task {
    struct event_task *next;
    bool queued;
    void (*run)(struct event_task *task);
} event_task_t;

typedef struct event_loop {
    seL4_CPtr endpoint;
    struct {
        seL4_Word mask;
        seL4_Word value;
        int priority;
        event_message_fn handle;
        void *context;
    } handlers[EVENT_HANDLERS_MAX];
    unsigned handler_count;
    struct {
        seL4_Word bits;
        event_signal_fn handle;
        void *context;
    } signals[EVENT_SIGNALS_MAX];
    unsigned signal_count;
    sgtree_t timers;
    seL4_Uint64 armed;   /* the deadline the time service wakes us at (0: none) */
    seL4_CPtr time;      /* the time service's endpoint (0: timers only run when woken) */
    event_task_t *tasks; /* to run before the next wait, in order */
    event_task_t *last_task;
    ipc_msg_t msg;   /* the message being handled, then its reply */
    ipc_msg_t reply; /* the reply sent with the next wait (ReplyRecv) */
    bool reply_pending;
    seL4_Uint64 unhandled; /* messages no handler took (answered IPC_ERR_DENIED) */
} event_loop_t;

/* A loop receiving on endpoint, with the time service at time (0: none). */
void event_loop_init(event_loop_t *loop, seL4_CPtr endpoint, seL4_CPtr time);

/* Messages whose badge & mask == value go to handle (highest priority first among matches).
 * False when the table is full. */
bool event_on_message(event_loop_t *loop, seL4_Word mask, seL4_Word value, int priority,
                      event_message_fn handle, void *context);

/* Signals with any of bits set call handle with the bits that were set. */
bool event_on_signal(event_loop_t *loop, seL4_Word bits, event_signal_fn handle, void *context);

/* Runs fire(timer) once the TSC passes deadline; the timer must stay valid until it fires or
 * is cancelled. Restarting a linked timer moves it. */
void event_timer_start(event_loop_t *loop, event_timer_t *timer, seL4_Uint64 deadline,
                       void (*fire)(event_timer_t *timer));

/* False when the timer was not linked (it fired already, or never started). */
bool event_timer_cancel(event_loop_t *loop, event_timer_t *timer);

/* Queues the task to run before the loop next waits (once, however often it is posted). */
void event_post(event_loop_t *loop, event_task_t *task, void (*run)(event_task_t *task));

/* Runs timers and tasks that are due; returns without waiting (for loops of the caller's own). */
void event_run_due(event_loop_t *loop);

/* Handles one message or signal (waiting for it), after running what is due. */
void event_loop_once(event_loop_t *loop);

/* Serves for ever. */
void event_loop_run(event_loop_t *loop) __attribute__((noreturn));

#endif
