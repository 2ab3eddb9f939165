/*
 * Where the VMM's time per trap goes, for whoever measures PV mode (make bench-pv): each trap
 * of the vCPU is timed with the TSC from the moment the VMM has its message to the moment it
 * waits again, by kind, and split into parts (lib/pv, the software TLB's host calls, the
 * devices, view switches, register transfers, the time service). The guest's PROFILE hypercall
 * prints the totals since the previous one and starts again; nothing else reads them. Off until
 * the guest's first PROFILE call (off, its tests cost about 40 instructions per trap:
 * docs/performance.md); nothing here changes what the guest sees.
 */
#ifndef VMM_PROFILE_H
#define VMM_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum profile_kind {
    PROFILE_FILL,       /* a host page fault the software TLB filled */
    PROFILE_PAGE_FAULT, /* a host page fault that is the guest's own #PF */
    PROFILE_MMIO,       /* a host page fault at a device's registers */
    PROFILE_SITE,       /* a trap at a patch site */
    PROFILE_PRIVILEGED, /* #GP or #UD elsewhere: an instruction emulated, or the guest's fault */
    PROFILE_EXCEPTION,  /* any other exception */
    PROFILE_SYSCALL,    /* a SYSCALL */
    PROFILE_INTERRUPT,  /* a notification that stopped or woke the vCPU to inject */
    PROFILE_SIGNAL,     /* a notification that injected nothing */
    PROFILE_KINDS
} profile_kind_t;

typedef enum profile_part {
    PROFILE_PV,        /* lib/pv (holds the next two: they are called from it) */
    PROFILE_TLB,       /* the software TLB's host side: capability copies, maps, unmaps */
    PROFILE_DEVICES,   /* lib/vdev's devices through the vCPU's environment */
    PROFILE_VIEW,      /* moving the thread between the guest-kernel and user views */
    PROFILE_REGISTERS, /* reading and writing a stopped thread's registers */
    PROFILE_CLOCK,     /* asking the time service for the devices' next deadline */
    PROFILE_PARTS
} profile_part_t;

/* The state the inline parts below update (profile.c owns it). */
typedef struct profile_trap {
    bool on;             /* since the guest's first PROFILE call */
    bool report_pending; /* a PROFILE call waits for its trap to end */
    uint64_t begun;      /* the current trap's start; 0 when none is being handled */
    profile_kind_t kind;
    uint64_t parts[PROFILE_PARTS];
} profile_trap_t;

extern profile_trap_t profile_current;

/* RDTSC without runtime/tsc.h's fence and memory clobber: ordered against the system calls
 * (volatile asm too), and free to leave the compiler's other work where it is when profiling is
 * off. */
static inline uint64_t profile_tsc(void)
{
    uint32_t low;
    uint32_t high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
}

/* The VMM has a message or a notification to handle (the clock starts). */
static inline void profile_trap_begin(void)
{
    if (!profile_current.on) {
        return;
    }
    profile_current.begun = profile_tsc();
    profile_current.kind = PROFILE_SIGNAL;
    for (unsigned part = 0; part < PROFILE_PARTS; part++) {
        profile_current.parts[part] = 0;
    }
}

/* What the trap being handled turned out to be (the last call wins). */
static inline void profile_trap_kind(profile_kind_t kind)
{
    profile_current.kind = kind;
}

/* The VMM waits again: the trap's time goes to its kind; a pending report is printed. Inline
 * up to the first test, so that the loop pays two loads while the profile is off. */
void profile_trap_close(void);

static inline void profile_trap_end(void)
{
    if (profile_current.begun != 0 || profile_current.report_pending) {
        profile_trap_close();
    }
}

/* A part of the trap: pass what profile_part_begin returned to profile_part_end (0 while the
 * profile is off: the TSC is never 0 once the machine runs). */
static inline uint64_t profile_part_begin(void)
{
    return profile_current.on ? profile_tsc() : 0;
}

static inline void profile_part_end(profile_part_t part, uint64_t begun)
{
    if (begun != 0) {
        profile_current.parts[part] += profile_tsc() - begun;
    }
}

/*
 * The PROFILE hypercall: the totals since the last report are printed under `label` (up to
 * PROFILE_LABEL_MAX printable bytes; NULL or none: only forgotten) once this trap ends, the trap itself
 * left out.
 */
#define PROFILE_LABEL_MAX 32
void profile_request(const char *label, size_t length);

#endif
