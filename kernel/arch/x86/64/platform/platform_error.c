/*
 * Names of the platform layer's error values, for boot messages.
 */
#include <arch/platform_error.h>

const char *platform_error_name(platform_error_t error)
{
    switch (error) {
    case PLATFORM_OK:
        return "ok";
    case PLATFORM_ERROR_INVALID_ARGUMENT:
        return "invalid argument";
    case PLATFORM_ERROR_RANGE:
        return "out of range";
    case PLATFORM_ERROR_MALFORMED:
        return "malformed";
    case PLATFORM_ERROR_UNMAPPED:
        return "outside the kernel window";
    case PLATFORM_ERROR_CHECKSUM:
        return "bad checksum";
    case PLATFORM_ERROR_TOO_MANY:
        return "too many entries";
    case PLATFORM_ERROR_NOT_FOUND:
        return "not found";
    case PLATFORM_ERROR_NO_MEMORY:
        return "out of boot memory";
    case PLATFORM_ERROR_UNSUPPORTED:
        return "unsupported";
    case PLATFORM_ERROR_TIMEOUT:
        return "timed out";
    }
    return "unknown error";
}
