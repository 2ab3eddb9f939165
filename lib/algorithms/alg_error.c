/* Names for the library's error values, for logs and test messages.
 * Pure table lookup; must never allocate or call libc. */
#include <algorithms/alg_error.h>

#include <stddef.h>

static const char *const error_names[ALG_ERROR_COUNT] = {
        [ALG_OK] = "ALG_OK",
        [ALG_ERR_INVALID_ARGUMENT] = "ALG_ERR_INVALID_ARGUMENT",
        [ALG_ERR_STORAGE_TOO_SMALL] = "ALG_ERR_STORAGE_TOO_SMALL",
        [ALG_ERR_MISALIGNED] = "ALG_ERR_MISALIGNED",
        [ALG_ERR_OUT_OF_RANGE] = "ALG_ERR_OUT_OF_RANGE",
        [ALG_ERR_EXHAUSTED] = "ALG_ERR_EXHAUSTED",
        [ALG_ERR_NOT_ALLOCATED] = "ALG_ERR_NOT_ALLOCATED",
        [ALG_ERR_ALREADY_ALLOCATED] = "ALG_ERR_ALREADY_ALLOCATED",
        [ALG_ERR_OVERLAP] = "ALG_ERR_OVERLAP",
        [ALG_ERR_BUSY] = "ALG_ERR_BUSY",
        [ALG_ERR_NOT_FOUND] = "ALG_ERR_NOT_FOUND",
        [ALG_ERR_DUPLICATE] = "ALG_ERR_DUPLICATE",
        [ALG_ERR_OUT_OF_NODES] = "ALG_ERR_OUT_OF_NODES",
        [ALG_ERR_CAP_OP_FAILED] = "ALG_ERR_CAP_OP_FAILED",
        [ALG_ERR_ALREADY_MAPPED] = "ALG_ERR_ALREADY_MAPPED",
        [ALG_ERR_NOT_MAPPED] = "ALG_ERR_NOT_MAPPED",
        [ALG_ERR_OUT_OF_TABLES] = "ALG_ERR_OUT_OF_TABLES",
        [ALG_ERR_FULL] = "ALG_ERR_FULL",
        [ALG_ERR_EMPTY] = "ALG_ERR_EMPTY",
        [ALG_ERR_TOO_LARGE] = "ALG_ERR_TOO_LARGE",
        [ALG_ERR_BUFFER_TOO_SMALL] = "ALG_ERR_BUFFER_TOO_SMALL",
        [ALG_ERR_MALFORMED] = "ALG_ERR_MALFORMED",
        [ALG_ERR_CORRUPT] = "ALG_ERR_CORRUPT",
};

const char *alg_error_name(alg_error_t err)
{
    if ((unsigned)err >= ALG_ERROR_COUNT || error_names[err] == NULL) {
        return "ALG_ERR_?";
    }
    return error_names[err];
}
