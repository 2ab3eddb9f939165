/*
 * The timer queue of queue.h. A client's token is found by a scan of its own nodes (at most
 * TIME_TIMERS_PER_CLIENT); the earliest deadline and expiry come from the tree.
 */
#include "queue.h"

void time_queue_init(time_queue_t *queue)
{
    sgtree_init(&queue->tree);
    for (unsigned i = 0; i < TIME_CLIENTS_MAX; i++) {
        queue->clients[i].timers = NULL;
        queue->clients[i].armed = 0;
    }
    queue->armed = 0;
}

static void timer_disarm(time_queue_t *queue, time_timer_t *timer)
{
    sgtree_cancel(&queue->tree, &timer->node);
    queue->clients[timer->client].armed--;
    queue->armed--;
}

bool time_queue_attach(time_queue_t *queue, seL4_Word client, time_timer_t *timers)
{
    if (client == 0 || client >= TIME_CLIENTS_MAX) {
        return false;
    }
    time_client_t *entry = &queue->clients[client];
    if (entry->timers == NULL) {
        if (timers == NULL) {
            return false;
        }
        entry->timers = timers;
        for (unsigned i = 0; i < TIME_TIMERS_PER_CLIENT; i++) {
            sgtree_node_init(&timers[i].node);
            timers[i].client = (uint8_t)client;
            timers[i].token = 0;
        }
        return true;
    }
    for (unsigned i = 0; i < TIME_TIMERS_PER_CLIENT; i++) {
        if (sgtree_node_linked(&entry->timers[i].node)) {
            timer_disarm(queue, &entry->timers[i]);
        }
    }
    return true;
}

bool time_queue_attached(const time_queue_t *queue, seL4_Word client)
{
    return client < TIME_CLIENTS_MAX && queue->clients[client].timers != NULL;
}

/* The client's node armed with token, or NULL. */
static time_timer_t *timer_find(const time_client_t *entry, seL4_Word token)
{
    for (unsigned i = 0; i < TIME_TIMERS_PER_CLIENT; i++) {
        time_timer_t *timer = &entry->timers[i];
        if (sgtree_node_linked(&timer->node) && timer->token == token) {
            return timer;
        }
    }
    return NULL;
}

static time_timer_t *timer_free(const time_client_t *entry)
{
    for (unsigned i = 0; i < TIME_TIMERS_PER_CLIENT; i++) {
        if (!sgtree_node_linked(&entry->timers[i].node)) {
            return &entry->timers[i];
        }
    }
    return NULL;
}

ipc_error_t time_queue_set(time_queue_t *queue, seL4_Word client, seL4_Word token,
                           uint64_t deadline)
{
    if (!time_queue_attached(queue, client)) {
        return IPC_ERR_DENIED;
    }
    if (deadline == 0) {
        return IPC_ERR_FIELD;
    }
    time_client_t *entry = &queue->clients[client];
    time_timer_t *timer = timer_find(entry, token);
    if (timer != NULL) {
        timer_disarm(queue, timer);
    } else {
        timer = timer_free(entry);
        if (timer == NULL) {
            return IPC_ERR_BUSY;
        }
    }
    timer->token = token;
    sgtree_insert(&queue->tree, &timer->node, deadline);
    entry->armed++;
    queue->armed++;
    return IPC_OK;
}

ipc_error_t time_queue_cancel(time_queue_t *queue, seL4_Word client, seL4_Word token)
{
    if (!time_queue_attached(queue, client)) {
        return IPC_ERR_DENIED;
    }
    time_timer_t *timer = timer_find(&queue->clients[client], token);
    if (timer == NULL) {
        return IPC_ERR_NOT_FOUND;
    }
    timer_disarm(queue, timer);
    return IPC_OK;
}

uint64_t time_queue_earliest(const time_queue_t *queue)
{
    const sgtree_node_t *earliest = sgtree_peek(&queue->tree);

    return earliest != NULL ? earliest->key : 0;
}

time_client_set_t time_queue_expire(time_queue_t *queue, uint64_t now)
{
    time_client_set_t clients = 0;

    for (;;) {
        const sgtree_node_t *earliest = sgtree_peek(&queue->tree);
        if (earliest == NULL || earliest->key > now) {
            return clients;
        }
        time_timer_t *timer = (time_timer_t *)sgtree_pop(&queue->tree);
        queue->clients[timer->client].armed--;
        queue->armed--;
        clients |= 1ull << timer->client;
    }
}

unsigned time_queue_armed(const time_queue_t *queue, seL4_Word client)
{
    return client < TIME_CLIENTS_MAX ? queue->clients[client].armed : 0;
}
