/*
 * The producer side of logging (runtime/log.h). Formatting goes into a per-thread line buffer;
 * a newline (or a full buffer) makes it one ring record. Without a ring, bytes go out through
 * seL4_DebugPutChar as they are formatted (unbuffered, as the kernel suite relies on).
 */
#include <algorithms/ringbuf.h>
#include <fmt/fmt.h>
#include <ipc/log.h>
#include <runtime/log.h>
#include <runtime/service.h>
#include <runtime/string.h>

typedef struct {
    char text[LOG_RECORD_MAX]; /* text[0] holds the level */
    size_t length;             /* bytes after the level */
    log_level_t level;
} line_buffer_t;

static ringbuf_t ring;
static seL4_CPtr ring_signal;
static int ring_attached;
static __thread line_buffer_t line;

void log_attach(void *storage, size_t bytes, seL4_CPtr signal)
{
    if (ringbuf_attach(&ring, storage, bytes, LOG_RING_CAPACITY) == ALG_OK) {
        ring_signal = signal;
        ring_attached = 1;
    }
}

static void debug_write(const char *text, size_t length, int newline)
{
    for (size_t i = 0; i < length; i++) {
        seL4_DebugPutChar(text[i]);
    }
    if (newline) {
        seL4_DebugPutChar('\n');
    }
}

void log_line(log_level_t level, const char *text, size_t length)
{
    char record[LOG_RECORD_MAX];

    if (length > LOG_LINE_MAX) {
        length = LOG_LINE_MAX;
    }
    if (!ring_attached) {
        debug_write(text, length, 1);
        return;
    }
    record[0] = (char)level;
    memcpy(record + 1, text, length);
    if (ringbuf_write(&ring, record, length + 1) == ALG_OK) {
        seL4_Signal(ring_signal);
    }
}

static void line_flush(void)
{
    log_line(line.level, line.text + 1, line.length);
    line.length = 0;
}

static void line_sink(void *context, char c)
{
    (void)context;
    /* Without a ring every byte goes out at once, so that nothing printed before a crash or a
     * power-off is lost. */
    if (!ring_attached) {
        seL4_DebugPutChar(c);
        return;
    }
    if (c == '\n') {
        line_flush();
        return;
    }
    if (line.length == LOG_LINE_MAX) {
        line_flush();
    }
    line.text[1 + line.length++] = c;
}

int log_vprintf(log_level_t level, const char *format, va_list args)
{
    if (line.length != 0 && line.level != level) {
        line_flush();
    }
    line.level = level;
    return (int)fmt_vformat(line_sink, NULL, format, args);
}

int log_printf(log_level_t level, const char *format, ...)
{
    va_list args;
    int n;

    va_start(args, format);
    n = log_vprintf(level, format, args);
    va_end(args);
    return n;
}

void log_sync(void)
{
    ipc_msg_t msg;

    if (!ring_attached || runtime_service == NULL) {
        return;
    }
    if (line.length != 0) {
        line_flush();
    }
    log_encode_stats(&msg, runtime_service->id);
    ipc_call(SERVICE_SLOT_LOG, &msg);
}

seL4_Uint64 log_dropped(void)
{
    return ring_attached ? ringbuf_dropped(&ring) : 0;
}

const char *log_level_name(log_level_t level)
{
    static const char *const names[LOG_LEVEL_COUNT] = {"debug", "info", "warn", "error"};

    return (unsigned)level < LOG_LEVEL_COUNT ? names[level] : "?";
}

/* printf and friends (runtime/print.h): lines at LOG_INFO. */
int vprintf(const char *format, va_list args)
{
    return log_vprintf(LOG_INFO, format, args);
}

int printf(const char *format, ...)
{
    va_list args;
    int n;

    va_start(args, format);
    n = log_vprintf(LOG_INFO, format, args);
    va_end(args);
    return n;
}

int putchar(int c)
{
    line.level = LOG_INFO;
    line_sink(NULL, (char)c);
    return (unsigned char)c;
}

int puts(const char *s)
{
    size_t n = strlen(s);

    printf("%s\n", s);
    return (int)n + 1;
}
