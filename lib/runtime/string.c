/*
 * Memory and string functions. The bulk copies use the string instructions directly so the
 * compiler can never turn them back into calls to themselves.
 */
#include <runtime/string.h>
#include <stdint.h>

void *memcpy(void *dest, const void *src, size_t n)
{
    void *d = dest;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dest;
}

void *memmove(void *dest, const void *src, size_t n)
{
    if ((uintptr_t)dest <= (uintptr_t)src || (uintptr_t)dest >= (uintptr_t)src + n) {
        return memcpy(dest, src, n);
    }
    /* Overlap with dest above src: copy backwards, from the last byte down. */
    const char *s = (const char *)src + n - 1;
    char *d = (char *)dest + n - 1;
    __asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory", "cc");
    return dest;
}

void *memset(void *dest, int c, size_t n)
{
    void *d = dest;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dest;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a;
    const unsigned char *q = b;

    for (size_t i = 0; i < n; i++) {
        if (p[i] != q[i]) {
            return p[i] < q[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i];
        unsigned char y = (unsigned char)b[i];
        if (x != y) {
            return x < y ? -1 : 1;
        }
        if (x == '\0') {
            return 0;
        }
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, SIZE_MAX);
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (const char *p = haystack;; p++) {
        if (strncmp(p, needle, n) == 0) {
            return (char *)p;
        }
        if (*p == '\0') {
            return NULL;
        }
    }
}
