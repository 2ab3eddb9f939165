/*
 * What the smoke test's files share: the raw system call, console output, checks, invocations
 * and object creation from the root task's untyped. Test code only.
 */
#ifndef SMOKE_SMOKE_H
#define SMOKE_SMOKE_H

#include <sel4/sel4.h>
#include <stdint.h>

typedef seL4_Word word_t;

typedef struct {
    word_t rdi, rsi, mr[4];
} regs_t;

static inline void sys(word_t number, regs_t *r)
{
    /* cppcheck-suppress constStatement ; register variables bound to argument registers */
    register word_t r10 __asm__("r10") = r->mr[0];
    /* cppcheck-suppress constStatement ; register variables bound to argument registers */
    register word_t r8 __asm__("r8") = r->mr[1];
    /* cppcheck-suppress constStatement ; register variables bound to argument registers */
    register word_t r9 __asm__("r9") = r->mr[2];
    /* cppcheck-suppress constStatement ; register variables bound to argument registers */
    register word_t r15 __asm__("r15") = r->mr[3];

    __asm__ volatile("syscall"
                     : "+D"(r->rdi), "+S"(r->rsi), "+d"(number), "+r"(r10), "+r"(r8), "+r"(r9),
                       "+r"(r15)
                     :
                     : "rax", "rcx", "r11", "memory", "cc");
    r->mr[0] = r10;
    r->mr[1] = r8;
    r->mr[2] = r9;
    r->mr[3] = r15;
}

#define ROOT seL4_CapInitThreadCNode

extern seL4_IPCBuffer *ipc;
extern seL4_BootInfo *bi;
extern word_t next_slot;
extern seL4_CPtr untyped;

void puts_(const char *s);
void putd(word_t v);
void putx(word_t v);
void check(int ok, const char *what, word_t got);
word_t invoke(seL4_CPtr cap, word_t label, unsigned nargs, const word_t *args, unsigned ncaps,
              const seL4_CPtr *caps, word_t *out);
seL4_CPtr retype(word_t type, word_t size_bits);

/* Deleting objects that hold capabilities, cycles included (deletion.c). */
void check_deletion(void);

/* Random system calls from a thread in its own small CSpace (fuzz.c). */
void check_fuzz(void);

#endif
