/*
 * Exceptions and interrupts: the frame every vector's stub saves, handlers per vector, and a
 * way for a test to run code that is expected to fault and get the fault back as data.
 */
#ifndef TESTGUEST_TRAPS_H
#define TESTGUEST_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

/* What trap_entry.S pushes, lowest address first; the last five words are the CPU's own. */
typedef struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
} trap_frame_t;

/* One exception as a test sees it. */
typedef struct trap_record {
    uint64_t vector;
    uint64_t error_code;
    uint64_t rip;
    uint64_t cs;
    uint64_t rflags;
    uint64_t rsp;
    uint64_t cr2;
} trap_record_t;

/*
 * A handler returns true when it dealt with the event (the stub then returns to the
 * interrupted code, possibly through a frame the handler rewrote). An exception whose handler
 * returns false goes to the armed catch, if any, and otherwise ends the run as a failure.
 */
typedef bool (*trap_handler_t)(trap_frame_t *frame);

void trap_set_handler(uint8_t vector, trap_handler_t handler);
void trap_clear_handlers(void);

/*
 * Runs fn(arg). When an exception (vectors 0-31) reaches no handler while fn runs, in ring 0 or
 * ring 3, it is recorded in *record, execution resumes here on this function's own stack and
 * the result is true; false when fn returned normally. Interrupts keep the state they had at
 * the call.
 */
bool trap_probe(void (*fn)(uint64_t), uint64_t arg, trap_record_t *record);

/* How many exceptions have been caught since boot: tests use it to prove that none happened. */
uint64_t trap_caught_count(void);

void trap_dispatch(trap_frame_t *frame);

#endif
