/*
 * How a test program reports. Every line starts with a word a reader (and the runner) can
 * sort by:
 *   ok NAME: what held              a self-check that passed
 *   FAIL NAME: what did not (why)   a self-check that failed; the run then exits non-zero
 *   skip NAME: why                  a part the CPU cannot run (the reason must be deterministic)
 *   NAME: fact                      a deterministic fact, printed the same on every run
 *   figure: NAME: measurement       a measurement (cycles); differential comparisons drop it
 * A statement must not contain anything that varies between runs or boot variants.
 */
#ifndef TESTGUEST_CHECK_H
#define TESTGUEST_CHECK_H

#include <stdbool.h>
#include <stdint.h>

void check_begin_program(const char *name);
/* Prints the program's summary line; returns the number of failed checks. */
unsigned check_end_program(void);
unsigned check_failures_total(void);

bool check(bool ok, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Like check(got == expected); a failure shows both values. */
bool check_eq(uint64_t got, uint64_t expected, const char *format, ...)
        __attribute__((format(printf, 3, 4)));
void say(const char *format, ...) __attribute__((format(printf, 1, 2)));
void skip(const char *format, ...) __attribute__((format(printf, 1, 2)));
void figure(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* The program running now (for messages printed outside a program: "testguest"). */
const char *check_program_name(void);

#endif
