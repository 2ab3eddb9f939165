/*
 * Assertions and panics. A panic logs its message at LOG_ERROR (with the program's name, added
 * by the log service) and then raises an invalid-opcode fault: a service's fault goes to init,
 * which reports it with the registers and restarts the service.
 */
#ifndef RUNTIME_PANIC_H
#define RUNTIME_PANIC_H

void runtime_panic(const char *format, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define RUNTIME_ASSERT(condition)                                                                  \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            runtime_panic("assertion failed: %s (%s:%d)", #condition, __FILE__, __LINE__);         \
        }                                                                                          \
    } while (0)

#endif
