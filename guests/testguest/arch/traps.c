/*
 * Where every vector lands. A registered handler goes first; an exception nobody handles goes
 * to the armed probe (trap_probe), which resumes the probing code with the fault as data; any
 * other event ends the run with a FAIL line, since a test that meets an exception it did not
 * plan for proves nothing.
 */
#include "traps.h"

#include "check.h"
#include "console.h"
#include "cpu.h"
#include "desc.h"
#include "machine.h"
#include "vectors.h"

/* trap_entry.S reads these offsets: keep the layout in step. */
typedef struct trap_catch {
    uint64_t rbx, rbp, r12, r13, r14, r15;
    uint64_t rsp, rip, rflags;
    trap_record_t record;
} trap_catch_t;

int trap_catch_arm(trap_catch_t *catch) __attribute__((returns_twice));
extern char trap_catch_resume[];

static trap_handler_t handlers[256];
static trap_catch_t *armed;
static uint64_t caught;

void trap_set_handler(uint8_t vector, trap_handler_t handler)
{
    handlers[vector] = handler;
}

void trap_clear_handlers(void)
{
    for (unsigned v = 0; v < 256; v++) {
        handlers[v] = (trap_handler_t)0;
    }
}

uint64_t trap_caught_count(void)
{
    return caught;
}

bool trap_probe(void (*fn)(uint64_t), uint64_t arg, trap_record_t *record)
{
    trap_catch_t catch;
    if (trap_catch_arm(&catch) == 0) {
        armed = &catch;
        fn(arg);
        armed = (trap_catch_t *)0;
        return false;
    }
    *record = catch.record;
    return true;
}

/* Rewrites the frame so that IRETQ lands in trap_catch_resume on the prober's stack, ring 0. */
static void resume_probe(trap_frame_t *frame)
{
    trap_catch_t *catch = armed;
    armed = (trap_catch_t *)0;
    caught++;
    catch->record.vector = frame->vector;
    catch->record.error_code = frame->error_code;
    catch->record.rip = frame->rip;
    catch->record.cs = frame->cs;
    catch->record.rflags = frame->rflags;
    catch->record.rsp = frame->rsp;
    catch->record.cr2 = read_cr2();
    frame->rip = (uint64_t)(uintptr_t)trap_catch_resume;
    frame->cs = SEL_KERNEL_CODE;
    frame->rflags = catch->rflags;
    frame->rsp = catch->rsp;
    frame->ss = SEL_KERNEL_DATA;
    frame->rdi = (uint64_t)(uintptr_t) catch;
}

static __attribute__((noreturn)) void unexpected(const trap_frame_t *frame)
{
    console_printf("FAIL %s: unexpected %s %llu (error code %#llx) at rip %#llx cs %#llx "
                   "rsp %#llx cr2 %#llx\n",
                   check_program_name(), frame->vector < 32 ? "exception" : "interrupt",
                   (unsigned long long)frame->vector, (unsigned long long)frame->error_code,
                   (unsigned long long)frame->rip, (unsigned long long)frame->cs,
                   (unsigned long long)frame->rsp, (unsigned long long)read_cr2());
    machine_exit(EXIT_UNEXPECTED_TRAP);
}

void trap_dispatch(trap_frame_t *frame)
{
    trap_handler_t handler = handlers[frame->vector & 0xff];
    if (handler != (trap_handler_t)0 && handler(frame)) {
        return;
    }
    if (frame->vector == VECTOR_LAPIC_SPURIOUS) {
        return; /* a spurious interrupt needs no EOI and means nothing */
    }
    if (frame->vector < 32 && armed != (trap_catch_t *)0) {
        resume_probe(frame);
        return;
    }
    unexpected(frame);
}
