/*
 * Priority scheduling with O(1) choice: per-priority FIFO queues and a two-level bitmap of the
 * non-empty ones. The decisions follow seL4's: a woken thread runs at once only when it beats
 * the current one (or the current one blocked and nothing better waits); equal priorities take
 * turns by time slice and Yield.
 */
#include <kernel/cpu.h>
#include <kernel/scheduler.h>

static scheduler_t *sched(void)
{
    return &cpu_self()->sched;
}

static void bitmap_set(scheduler_t *s, unsigned priority)
{
    s->bitmap_l2[priority / 64] |= BIT(priority % 64);
    s->bitmap_l1 |= BIT(priority / 64);
}

static void bitmap_clear(scheduler_t *s, unsigned priority)
{
    s->bitmap_l2[priority / 64] &= ~BIT(priority % 64);
    if (s->bitmap_l2[priority / 64] == 0) {
        s->bitmap_l1 &= ~BIT(priority / 64);
    }
}

int sched_highest_ready_priority(void)
{
    scheduler_t *s = sched();
    unsigned word;

    if (s->bitmap_l1 == 0) {
        return -1;
    }
    word = 63u - (unsigned)__builtin_clzll(s->bitmap_l1);
    return (int)(word * 64 + 63u - (unsigned)__builtin_clzll(s->bitmap_l2[word]));
}

void sched_enqueue(tcb_t *tcb)
{
    scheduler_t *s = sched();
    unsigned priority = tcb->priority;

    if (tcb->queued) {
        return;
    }
    tcb->sched_prev = NULL;
    tcb->sched_next = s->head[priority];
    if (s->head[priority] != NULL) {
        s->head[priority]->sched_prev = tcb;
    } else {
        s->tail[priority] = tcb;
    }
    s->head[priority] = tcb;
    bitmap_set(s, priority);
    tcb->queued = true;
}

void sched_append(tcb_t *tcb)
{
    scheduler_t *s = sched();
    unsigned priority = tcb->priority;

    if (tcb->queued) {
        return;
    }
    tcb->sched_next = NULL;
    tcb->sched_prev = s->tail[priority];
    if (s->tail[priority] != NULL) {
        s->tail[priority]->sched_next = tcb;
    } else {
        s->head[priority] = tcb;
    }
    s->tail[priority] = tcb;
    bitmap_set(s, priority);
    tcb->queued = true;
}

void sched_dequeue(tcb_t *tcb)
{
    scheduler_t *s = sched();
    unsigned priority = tcb->priority;

    if (!tcb->queued) {
        return;
    }
    if (tcb->sched_prev != NULL) {
        tcb->sched_prev->sched_next = tcb->sched_next;
    } else {
        s->head[priority] = tcb->sched_next;
    }
    if (tcb->sched_next != NULL) {
        tcb->sched_next->sched_prev = tcb->sched_prev;
    } else {
        s->tail[priority] = tcb->sched_prev;
    }
    if (s->head[priority] == NULL) {
        bitmap_clear(s, priority);
    }
    tcb->sched_prev = NULL;
    tcb->sched_next = NULL;
    tcb->queued = false;
}

void sched_reschedule_required(void)
{
    scheduler_t *s = sched();

    if (s->action == SCHED_SWITCH_TO && s->candidate != NULL) {
        sched_enqueue(s->candidate);
    }
    s->action = SCHED_CHOOSE_NEW;
    s->candidate = NULL;
}

void sched_possible_switch_to(tcb_t *tcb)
{
    scheduler_t *s = sched();

    if (s->action != SCHED_RESUME_CURRENT) {
        sched_reschedule_required();
        sched_enqueue(tcb);
    } else {
        s->action = SCHED_SWITCH_TO;
        s->candidate = tcb;
    }
}

static void switch_to(cpu_t *cpu, tcb_t *tcb)
{
    sched_dequeue(tcb);
    cpu->current = tcb;
}

static void choose_new(cpu_t *cpu)
{
    int priority = sched_highest_ready_priority();

    if (priority < 0) {
        cpu->current = cpu->idle;
        return;
    }
    switch_to(cpu, cpu->sched.head[priority]);
}

void schedule(void)
{
    cpu_t *cpu = cpu_self();
    scheduler_t *s = &cpu->sched;
    tcb_t *current = cpu->current;
    tcb_t *candidate = s->candidate;
    bool was_runnable;

    if (s->action == SCHED_RESUME_CURRENT) {
        return;
    }
    was_runnable = current != cpu->idle && thread_state_is_runnable(current->state);
    if (was_runnable) {
        sched_enqueue(current);
    }
    if (s->action == SCHED_CHOOSE_NEW || candidate == NULL ||
        !thread_state_is_runnable(candidate->state)) {
        choose_new(cpu);
    } else {
        int highest = sched_highest_ready_priority();
        bool fast_fail = current == cpu->idle || candidate->priority < current->priority;

        if (fast_fail && highest > (int)candidate->priority) {
            sched_enqueue(candidate);
            choose_new(cpu);
        } else if (was_runnable && candidate->priority == current->priority) {
            sched_append(candidate);
            choose_new(cpu);
        } else {
            switch_to(cpu, candidate);
        }
    }
    s->action = SCHED_RESUME_CURRENT;
    s->candidate = NULL;
}

void sched_timer_tick(void)
{
    cpu_t *cpu = cpu_self();
    tcb_t *current = cpu->current;

    if (current == cpu->idle || !thread_state_is_runnable(current->state)) {
        return;
    }
    if (current->time_slice > 1) {
        current->time_slice--;
        return;
    }
    current->time_slice = SCHED_TIME_SLICE_TICKS;
    sched_append(current);
    sched_reschedule_required();
}

void sched_yield(void)
{
    tcb_t *current = current_thread();

    sched_dequeue(current);
    sched_append(current);
    sched_reschedule_required();
}

void sched_set_priority(tcb_t *tcb, uint8_t priority)
{
    sched_dequeue(tcb);
    tcb->priority = priority;
    if (thread_state_is_runnable(tcb->state)) {
        if (tcb == current_thread()) {
            sched_reschedule_required();
        } else {
            sched_possible_switch_to(tcb);
        }
    }
}
