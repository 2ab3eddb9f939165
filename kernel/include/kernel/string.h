/*
 * The few memory routines the kernel needs. The compiler may emit calls to memcpy and memset for
 * structure copies, so those names exist with their C meaning; kernel code calls them directly.
 */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include <stddef.h>

void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *dest, int value, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* Length of s, reading at most limit bytes (limit when no NUL comes first). */
size_t strnlen_bounded(const char *s, size_t limit);

/* Zero n bytes at dest; n a multiple of 8 and dest 8-byte aligned (whole kernel objects). */
void memzero_words(void *dest, size_t n);

#endif
