/*
 * Time for any program: the TSC is the system's one clock (its frequency is in a service's start
 * info, or a root task's boot info), converted to nanoseconds here, and a service sleeps by
 * arming a timer at the time service (ipc/time.h) and waiting on its own notification for
 * EVENT_BIT_TIMER. Never used by the time service itself (it would call its own endpoint).
 */
#ifndef RUNTIME_TIME_H
#define RUNTIME_TIME_H

#include <sel4/functions.h>
#include <stdbool.h>

/* The tokens the runtime arms at the time service; a service's own start at TIME_TOKEN_FIRST. */
#define TIME_TOKEN_EVENT_LOOP 0 /* runtime/event.c: the loop's earliest deadline */
#define TIME_TOKEN_SLEEP      1 /* runtime_sleep_until */
#define TIME_TOKEN_FIRST      2

/* The TSC's frequency (0 when the program was given none). */
seL4_Uint64 runtime_tsc_hz(void);

/* Conversions at that frequency (exact to the cycle; saturating, never wrapping). */
seL4_Uint64 runtime_tsc_to_ns(seL4_Uint64 cycles);
seL4_Uint64 runtime_ns_to_tsc(seL4_Uint64 ns);

/* Nanoseconds since the TSC was 0 (the machine's reset, give or take). */
seL4_Uint64 runtime_now_ns(void);

/* The TSC deadline ns from now (saturating). */
seL4_Uint64 runtime_deadline_ns(seL4_Uint64 ns);

/*
 * Returns once the TSC has reached deadline. In a service: arms TIME_TOKEN_SLEEP at the time
 * service and waits on the service's notification; every bit that arrives meanwhile (other
 * services' signals, interrupts, the event loop's own timer bit) is kept and handed to the event
 * loop, which handles them before it next waits (runtime_signals_take), so nothing is lost. A
 * timer bit that comes before the deadline (the time service restarted and lost the timer, or
 * another token fired) arms the token again. In a root task (no time service): yields until the
 * TSC reaches the deadline. False, at once, when the time service refuses the timer. Only a
 * service's main thread may sleep so (its notification is bound to that thread, and the kernel
 * lets no other thread wait on it).
 */
bool runtime_sleep_until(seL4_Uint64 deadline);

/* runtime_sleep_until(runtime_deadline_ns(ns)). */
bool runtime_sleep_ns(seL4_Uint64 ns);

/* The notification bits sleeping saw and kept (0: none); taking them clears them. */
seL4_Word runtime_signals_take(void);

#endif
