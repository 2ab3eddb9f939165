/*
 * Basic types and bit helpers of the kernel core. Header only, no state; everything here is pure
 * arithmetic that both generic and architecture code use.
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <sel4/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t word_t;
typedef uint64_t paddr_t; /* a physical address */
typedef uint64_t vaddr_t; /* a user virtual address */
typedef uint64_t cptr_t;  /* a capability address in some CSpace */

#define BIT(n)  (1ull << (n))
#define MASK(n) ((n) >= 64 ? ~0ull : BIT(n) - 1ull)

#define IS_ALIGNED(value, bits) (((value)&MASK(bits)) == 0)
#define ALIGN_DOWN(value, bits) ((value) & ~MASK(bits))
#define ALIGN_UP(value, bits)   ALIGN_DOWN((value) + MASK(bits), bits)

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define NORETURN   __attribute__((noreturn))
#define PACKED     __attribute__((packed))
#define ALIGNED(n) __attribute__((aligned(n)))
#define UNUSED     __attribute__((unused))

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
