/*
 * The event loop of runtime/event.h. One message or signal per wait; between waits, the tasks
 * that were posted and the timers whose deadline passed run, and the time service is told the
 * earliest deadline left (one armed token per loop, TIME_TOKEN_EVENT_LOOP). Signal bits that a
 * sleep (runtime/time.h) took off the notification are handled before the loop waits again.
 */
#include <ipc/time.h>
#include <runtime/event.h>
#include <runtime/time.h>
#include <runtime/tsc.h>

void event_loop_init(event_loop_t *loop, seL4_CPtr endpoint, seL4_CPtr time)
{
    loop->endpoint = endpoint;
    loop->handler_count = 0;
    loop->signal_count = 0;
    sgtree_init(&loop->timers);
    loop->armed = 0;
    loop->time = time;
    loop->tasks = NULL;
    loop->last_task = NULL;
    loop->unhandled = 0;
    loop->reply_pending = false;
}

bool event_on_message(event_loop_t *loop, seL4_Word mask, seL4_Word value, int priority,
                      event_message_fn handle, void *context)
{
    unsigned n = loop->handler_count;

    if (n == EVENT_HANDLERS_MAX) {
        return false;
    }
    loop->handlers[n].mask = mask;
    loop->handlers[n].value = value;
    loop->handlers[n].priority = priority;
    loop->handlers[n].handle = handle;
    loop->handlers[n].context = context;
    loop->handler_count = n + 1;
    return true;
}

bool event_on_signal(event_loop_t *loop, seL4_Word bits, event_signal_fn handle, void *context)
{
    unsigned n = loop->signal_count;

    if (n == EVENT_SIGNALS_MAX) {
        return false;
    }
    loop->signals[n].bits = bits;
    loop->signals[n].handle = handle;
    loop->signals[n].context = context;
    loop->signal_count = n + 1;
    return true;
}

void event_timer_start(event_loop_t *loop, event_timer_t *timer, seL4_Uint64 deadline,
                       void (*fire)(event_timer_t *timer))
{
    if (sgtree_node_linked(&timer->node)) {
        sgtree_cancel(&loop->timers, &timer->node);
    } else {
        sgtree_node_init(&timer->node);
    }
    timer->fire = fire;
    sgtree_insert(&loop->timers, &timer->node, deadline);
}

bool event_timer_cancel(event_loop_t *loop, event_timer_t *timer)
{
    return sgtree_node_linked(&timer->node) && sgtree_cancel(&loop->timers, &timer->node) == ALG_OK;
}

void event_post(event_loop_t *loop, event_task_t *task, void (*run)(event_task_t *task))
{
    if (task->queued) {
        return;
    }
    task->run = run;
    task->next = NULL;
    task->queued = true;
    if (loop->last_task != NULL) {
        loop->last_task->next = task;
    } else {
        loop->tasks = task;
    }
    loop->last_task = task;
}

/* Asks the time service for a wake-up at the earliest deadline, when that changed. */
static void event_arm(event_loop_t *loop)
{
    const sgtree_node_t *earliest = sgtree_peek(&loop->timers);
    seL4_Uint64 want = earliest != NULL ? earliest->key : 0;
    ipc_msg_t msg;

    if (loop->time == 0 || want == loop->armed) {
        return;
    }
    if (want == 0) {
        time_encode_cancel(&msg, TIME_TOKEN_EVENT_LOOP);
    } else {
        time_encode_set(&msg, TIME_TOKEN_EVENT_LOOP, want);
    }
    ipc_error_t error = ipc_call(loop->time, &msg);
    /* A refused wake-up leaves armed as it was, so the next pass asks again; a cancelled one
     * may have fired already. */
    if (error == IPC_OK || (want == 0 && error == IPC_ERR_NOT_FOUND)) {
        loop->armed = want;
    }
}

void event_run_due(event_loop_t *loop)
{
    for (;;) {
        event_task_t *task = loop->tasks;
        if (task != NULL) {
            loop->tasks = task->next;
            if (loop->tasks == NULL) {
                loop->last_task = NULL;
            }
            task->queued = false;
            task->run(task);
            continue;
        }
        const sgtree_node_t *earliest = sgtree_peek(&loop->timers);
        if (earliest == NULL || earliest->key > tsc_read()) {
            break;
        }
        sgtree_node_t *node = sgtree_pop(&loop->timers);
        event_timer_t *timer = (event_timer_t *)node;
        timer->fire(timer);
    }
    event_arm(loop);
}

static void event_signal(event_loop_t *loop, seL4_Word bits)
{
    if (bits & EVENT_BIT_TIMER) {
        loop->armed = 0; /* the wake-up was spent; run_due arms the next one */
    }
    for (unsigned i = 0; i < loop->signal_count; i++) {
        if (bits & loop->signals[i].bits) {
            loop->signals[i].handle(loop->signals[i].context, bits & loop->signals[i].bits);
        }
    }
}

/* The handler for a message from badge: the highest-priority match, or -1. */
static int event_handler_for(const event_loop_t *loop, seL4_Word badge)
{
    int best = -1;

    for (unsigned i = 0; i < loop->handler_count; i++) {
        if ((badge & loop->handlers[i].mask) == loop->handlers[i].value &&
            (best < 0 || loop->handlers[i].priority > loop->handlers[best].priority)) {
            best = (int)i;
        }
    }
    return best;
}

void event_loop_once(event_loop_t *loop)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info;

    event_run_due(loop);
    seL4_Word kept = runtime_signals_take();
    if (kept != 0) {
        event_signal(loop, kept); /* the pending reply, if any, goes with the next wait */
        return;
    }
    /* The reply's words go into the IPC buffer only now: what ran since may have used it. */
    if (loop->reply_pending) {
        info = seL4_ReplyRecv(loop->endpoint, ipc_msg_send_info(&loop->reply), &badge);
        loop->reply_pending = false;
    } else {
        info = seL4_Recv(loop->endpoint, &badge);
    }
    if (!ipc_badge_is_message(badge)) {
        event_signal(loop, badge);
        return;
    }
    ipc_msg_receive(&loop->msg, info);
    int handler = event_handler_for(loop, badge);
    event_result_t result;
    if (handler < 0) {
        loop->unhandled++;
        ipc_msg_error(&loop->msg, IPC_ERR_DENIED, 0);
        result = EVENT_REPLY;
    } else {
        result = loop->handlers[handler].handle(loop->handlers[handler].context, badge, &loop->msg);
    }
    if (result == EVENT_REPLY) {
        loop->reply = loop->msg;
        loop->reply_pending = true;
    }
}

void event_loop_run(event_loop_t *loop)
{
    for (;;) {
        event_loop_once(loop);
    }
}
