/*
 * Error values of the x86-64 platform layer (boot parameters, boot memory, ACPI, interrupt
 * controllers). The kernel core maps them to seL4 error codes where user space can cause them.
 */
#ifndef ARCH_PLATFORM_ERROR_H
#define ARCH_PLATFORM_ERROR_H

typedef enum {
    PLATFORM_OK = 0,
    PLATFORM_ERROR_INVALID_ARGUMENT, /* a parameter is outside what the interface accepts */
    PLATFORM_ERROR_RANGE,            /* an index, GSI or address is outside the hardware's range */
    PLATFORM_ERROR_MALFORMED,        /* a firmware or loader structure breaks its own rules */
    PLATFORM_ERROR_UNMAPPED,         /* a structure lies outside memory the kernel may read */
    PLATFORM_ERROR_CHECKSUM,         /* an ACPI structure fails its checksum */
    PLATFORM_ERROR_TOO_MANY,         /* more entries than the fixed tables here can hold */
    PLATFORM_ERROR_NOT_FOUND,        /* no such table, device or entry */
    PLATFORM_ERROR_NO_MEMORY,        /* the boot allocator has no fitting free range */
    PLATFORM_ERROR_UNSUPPORTED,      /* the machine lacks a feature the operation needs */
    PLATFORM_ERROR_TIMEOUT,          /* a device never reached the awaited state */
} platform_error_t;

/* A short lower-case name of the error, for boot messages. Never NULL. */
const char *platform_error_name(platform_error_t error);

#endif
