/*
 * Logging from any program: lines with a level. A service's lines go into its ring, shared with
 * the log service (which prints them with the service's name and counts what a full ring drops);
 * the producer never blocks and never waits for the log service. Until a ring is attached (the
 * root task early in boot, the log service itself) lines go to the kernel console. printf and
 * puts of runtime/print.h write at LOG_INFO, one record per line.
 */
#ifndef RUNTIME_LOG_H
#define RUNTIME_LOG_H

#include <sel4/functions.h>
#include <stdarg.h>
#include <stddef.h>

typedef enum {
    LOG_DEBUG = 0,
    LOG_INFO = 1,
    LOG_WARN = 2,
    LOG_ERROR = 3,
    LOG_LEVEL_COUNT
} log_level_t;

/* The longest line a record carries (longer lines are cut into several records). */
#define LOG_LINE_MAX 200

/*
 * A ring record: one byte of level, then the text of one line (no newline, no NUL).
 * The ring itself is lib/algorithms' ringbuf (MPSC), formatted by init.
 */
#define LOG_RECORD_MAX    (1 + LOG_LINE_MAX)
#define LOG_RING_CAPACITY 8192u

/* Sends this program's lines into the ring at storage (formatted by init), signalling the log
 * service's notification at signal after each line. */
void log_attach(void *storage, size_t bytes, seL4_CPtr signal);

/* One line at a level; text need not end with a newline (one is not added to the record). */
void log_line(log_level_t level, const char *text, size_t length);

int log_printf(log_level_t level, const char *format, ...) __attribute__((format(printf, 2, 3)));
int log_vprintf(log_level_t level, const char *format, va_list args);

/* Returns once the log service has printed every line written so far (a service's: its
 * request is answered only after the ring signal that came before it); nothing without a ring. */
void log_sync(void);

/* Records this program's ring refused because it was full (0 without a ring). */
seL4_Uint64 log_dropped(void);

/* A short name of a level ("debug", "info", "warn", "error"). */
const char *log_level_name(log_level_t level);

#endif
