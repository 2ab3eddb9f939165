/*
 * memcpy, memmove, memset, memcmp and word-wise zeroing. Plain loops and string instructions;
 * no SSE (the kernel never touches user FPU/SSE state).
 */
#include <kernel/string.h>
#include <stdint.h>

/* Eight bytes per step, then the tail: where string instructions are emulated one step at a
 * time (the shadow-paging KVM used for testing), movsq is eight times cheaper than movsb. */
void *memcpy(void *dest, const void *src, size_t n)
{
    void *d = dest;
    size_t words = n / sizeof(uint64_t);
    size_t tail = n % sizeof(uint64_t);

    __asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(tail) : : "memory");
    return dest;
}

void *memmove(void *dest, const void *src, size_t n)
{
    unsigned char *d = dest;
    const unsigned char *s = src;

    if (d == s || n == 0) {
        return dest;
    }
    if (d < s || d >= s + n) {
        return memcpy(dest, src, n);
    }
    while (n > 0) {
        n--;
        d[n] = s[n];
    }
    return dest;
}

void *memset(void *dest, int value, size_t n)
{
    void *d = dest;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(value) : "memory");
    return dest;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strnlen_bounded(const char *s, size_t limit)
{
    size_t n = 0;

    while (n < limit && s[n] != '\0') {
        n++;
    }
    return n;
}

void memzero_words(void *dest, size_t n)
{
    size_t words = n / sizeof(uint64_t);
    __asm__ volatile("rep stosq" : "+D"(dest), "+c"(words) : "a"(0ull) : "memory");
}
