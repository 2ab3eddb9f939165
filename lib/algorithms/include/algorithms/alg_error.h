/* Error values shared by every module of the algorithms library.
 * Each function that can fail returns one of these; ALG_OK is zero so callers may test `if (err)`.
 * This header must stay freestanding: no libc, no allocation. */
#ifndef ALGORITHMS_ALG_ERROR_H
#define ALGORITHMS_ALG_ERROR_H

typedef enum alg_error {
    ALG_OK = 0,
    ALG_ERR_INVALID_ARGUMENT,  /* a parameter is outside what the interface documents */
    ALG_ERR_STORAGE_TOO_SMALL, /* caller-supplied storage is smaller than the size helper says */
    ALG_ERR_MISALIGNED,        /* an address or storage pointer is not suitably aligned */
    ALG_ERR_OUT_OF_RANGE,      /* an id or address lies outside the managed range */
    ALG_ERR_EXHAUSTED,         /* nothing left to allocate */
    ALG_ERR_NOT_ALLOCATED,     /* freeing something that is not allocated (double free) */
    ALG_ERR_ALREADY_ALLOCATED, /* reserving something that is already taken */
    ALG_ERR_OVERLAP,           /* a new region overlaps one already managed */
    ALG_ERR_BUSY,              /* the requested region is managed but (partly) in use */
    ALG_ERR_NOT_FOUND,         /* no such element / nothing manages that address */
    ALG_ERR_DUPLICATE,         /* a key that must be unique is already present */
    ALG_ERR_OUT_OF_NODES,      /* the caller-supplied bookkeeping pool is used up */
    ALG_ERR_CAP_OP_FAILED,     /* a capability-operation callback reported failure */
    ALG_ERR_ALREADY_MAPPED,    /* a virtual address already has a mapping */
    ALG_ERR_NOT_MAPPED,        /* a virtual address has no mapping */
    ALG_ERR_OUT_OF_TABLES,     /* no table record left to back a new page table */
    ALG_ERR_FULL,              /* a ring buffer has no room; the record was dropped */
    ALG_ERR_EMPTY,             /* a queue or ring holds nothing */
    ALG_ERR_TOO_LARGE,         /* a record can never fit, whatever the fill level */
    ALG_ERR_BUFFER_TOO_SMALL,  /* the output buffer cannot hold the next record */
    ALG_ERR_MALFORMED,         /* an encoded value has reserved bits set or an unused encoding */
    ALG_ERR_CORRUPT,           /* an internal invariant does not hold (consistency checkers) */
    ALG_ERROR_COUNT
} alg_error_t;

/* A short constant name for the value ("ALG_ERR_FULL"), or "ALG_ERR_?" for unknown values. */
const char *alg_error_name(alg_error_t err);

#endif
