/* Private memory-copy helpers (not installed). The freestanding builds have no <string.h>;
 * the compiler builtins become inline code or calls to memcpy/memset, which every runtime of
 * the project provides. Nothing else from libc may be used by this library. */
#ifndef ALGORITHMS_MEM_H
#define ALGORITHMS_MEM_H

#define mem_copy(dst, src, n) __builtin_memcpy((dst), (src), (n))
#define mem_set(dst, c, n)    __builtin_memset((dst), (c), (n))

#endif
