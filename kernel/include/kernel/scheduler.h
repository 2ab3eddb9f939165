/*
 * The per-CPU scheduler: 256 priorities, a FIFO ready queue per priority, a two-level bitmap
 * that finds the highest non-empty queue in O(1), round robin by timer ticks within a
 * priority. The running thread is not in a queue; the idle thread never is.
 */
#ifndef KERNEL_SCHEDULER_H
#define KERNEL_SCHEDULER_H

#include <kernel/tcb.h>

#define SCHED_PRIORITIES 256
#define SCHED_L2_WORDS   (SCHED_PRIORITIES / 64)

/* Ticks a thread runs before others of its priority get their turn. */
#define SCHED_TIME_SLICE_TICKS 5
/* Length of one tick. */
#define SCHED_TICK_NS 2000000ull

typedef enum {
    SCHED_RESUME_CURRENT = 0, /* keep running the current thread */
    SCHED_CHOOSE_NEW,         /* pick the best ready thread */
    SCHED_SWITCH_TO,          /* switch to the candidate if nothing better is ready */
} sched_action_t;

typedef struct {
    tcb_t *head[SCHED_PRIORITIES];
    tcb_t *tail[SCHED_PRIORITIES];
    uint64_t bitmap_l1; /* bit i: bitmap_l2[i] is non-zero */
    uint64_t bitmap_l2[SCHED_L2_WORDS];
    sched_action_t action;
    tcb_t *candidate;
} scheduler_t;

/* Put a runnable thread at the head (enqueue: it was preempted) or tail (append) of its queue. */
void sched_enqueue(tcb_t *tcb);
void sched_append(tcb_t *tcb);
void sched_dequeue(tcb_t *tcb);

/* The current thread must not simply continue (it blocked, or priorities changed). */
void sched_reschedule_required(void);

/* A thread became runnable: run it next if it beats the current thread, else queue it. */
void sched_possible_switch_to(tcb_t *tcb);

/* Carry out the pending action: afterwards cpu_self()->current is what runs next. */
void schedule(void);

/* The LAPIC timer fired: charge the current thread a tick. */
void sched_timer_tick(void);

/* The current thread gives its remaining time slice to its peers. */
void sched_yield(void);

/* Change a thread's priority, moving it between queues and rescheduling as needed. */
void sched_set_priority(tcb_t *tcb, uint8_t priority);

/* Highest priority with a ready thread, or -1 when every queue is empty. */
int sched_highest_ready_priority(void);

#endif
