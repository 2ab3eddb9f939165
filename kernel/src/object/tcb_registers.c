/*
 * TCB_ReadRegisters, TCB_WriteRegisters and TCB_CopyRegisters: a thread's registers in
 * seL4_UserContext order. A thread never reads or writes its own registers this way.
 */
#include <kernel/arch_thread.h>
#include <kernel/cpu.h>
#include <kernel/scheduler.h>
#include <kernel/syscall_error.h>
#include <kernel/tcb_invoke.h>
#include <kernel/thread.h>
#include <kernel/user_context.h>

#define FLAG_SUSPEND_SOURCE   0x1u
#define FLAG_RESUME_TARGET    0x2u
#define FLAG_TRANSFER_FRAME   0x4u
#define FLAG_TRANSFER_INTEGER 0x8u
/* WriteRegisters: MR0 bit 0; the arch flags in bits 8..15. */
#define FLAG_WRITE_RESUME 0x1u
#define WRITE_ARCH_SHIFT  8
#define WRITE_ARCH_MASK   0xffu

/* seL4_UserContext: RIP..RBP are the frame registers, R8..GS base the integer ones. */
#define FRAME_REGISTERS   MASK(seL4_UserContext_R8)
#define INTEGER_REGISTERS (USER_CONTEXT_ALL & ~FRAME_REGISTERS)

static void invoke_read_registers(invocation_t *inv, tcb_t *tcb, bool suspend, word_t count)
{
    word_t registers[seL4_UserContext_Count];

    if (suspend) {
        thread_suspend(tcb);
    }
    user_context_read(tcb, registers);
    for (word_t i = 0; i < count; i++) {
        inv_reply(inv, (unsigned)i, registers[i]);
    }
}

seL4_Error tcb_decode_read_registers(invocation_t *inv, tcb_t *tcb)
{
    word_t count;

    if (inv->length < 2) {
        return error_simple(seL4_TruncatedMessage);
    }
    count = inv_arg(inv, 1);
    if (count < 1 || count > seL4_UserContext_Count) {
        return error_range(1, seL4_UserContext_Count);
    }
    if (tcb == inv->thread) {
        return error_simple(seL4_IllegalOperation);
    }
    invoke_read_registers(inv, tcb, (inv_arg(inv, 0) & FLAG_SUSPEND_SOURCE) != 0, count);
    return seL4_NoError;
}

/* selector: the code segment to set, 0 to keep it (checked by the decode step). */
static void invoke_write_registers(tcb_t *tcb, const word_t *registers, word_t which, bool resume,
                                   word_t selector)
{
    unsigned bad;

    user_context_write(tcb, registers, which, &bad); /* checked by the decode step */
    if (selector != 0) {
        arch_thread_set_code_segment(tcb, selector);
    }
    if (resume) {
        thread_restart(tcb);
    }
}

seL4_Error tcb_decode_write_registers(invocation_t *inv, tcb_t *tcb)
{
    word_t registers[seL4_UserContext_Count];
    word_t count;
    unsigned bad;

    if (inv->length < 2) {
        return error_simple(seL4_TruncatedMessage);
    }
    count = inv_arg(inv, 1);
    if (count > seL4_UserContext_Count) {
        return error_range(0, seL4_UserContext_Count);
    }
    if (inv->length - 2 < count) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (tcb == inv->thread) {
        return error_simple(seL4_IllegalOperation);
    }
    for (word_t i = 0; i < count; i++) {
        registers[i] = inv_arg(inv, (unsigned)(i + 2));
    }
    if (!user_context_check(registers, MASK(count), &bad)) {
        return error_invalid_argument(bad + 2);
    }
    word_t arch_flags = (inv_arg(inv, 0) >> WRITE_ARCH_SHIFT) & WRITE_ARCH_MASK;
    word_t selector = 0;
    if (arch_flags == seL4_X86_WriteRegisters_Code64) {
        selector = seL4_X86_CodeSegment64;
    } else if (arch_flags == seL4_X86_WriteRegisters_Code32) {
        selector = seL4_X86_CodeSegment32;
    } else if (arch_flags != 0) {
        return error_invalid_argument(0);
    }
    invoke_write_registers(tcb, registers, MASK(count), (inv_arg(inv, 0) & FLAG_WRITE_RESUME) != 0,
                           selector);
    return seL4_NoError;
}

/* The registers CopyRegisters transfers for its flags. */
static word_t copy_registers_which(word_t flags)
{
    return ((flags & FLAG_TRANSFER_FRAME) ? FRAME_REGISTERS : 0) |
           ((flags & FLAG_TRANSFER_INTEGER) ? INTEGER_REGISTERS : 0);
}

/*
 * Suspending src and restarting dest change no register the decode step checked, except the RIP
 * of a restarted source that is also the target: it goes back to the restart point, which
 * differs from RIP only in a system call (the `syscall` instruction's address, canonical). So
 * the write cannot be refused here.
 */
static void invoke_copy_registers(tcb_t *dest, tcb_t *src, word_t flags)
{
    word_t which = copy_registers_which(flags);

    if (flags & FLAG_SUSPEND_SOURCE) {
        thread_suspend(src);
    }
    if (flags & FLAG_RESUME_TARGET) {
        thread_restart(dest);
    }
    if (which != 0) {
        word_t registers[seL4_UserContext_Count];
        unsigned bad;
        user_context_read(src, registers);
        user_context_write(dest, registers, which, &bad);
    }
    if (dest == current_thread()) {
        sched_reschedule_required();
    }
}

seL4_Error tcb_decode_copy_registers(invocation_t *inv, tcb_t *tcb)
{
    cap_t source = inv_extra_cap(inv, 0);
    word_t registers[seL4_UserContext_Count];
    unsigned bad;

    if (inv->length < 1 || inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (source.type != CAP_THREAD) {
        return error_invalid_capability(1);
    }
    /* What the source holds need not be writable: a thread may load any value into RSP. */
    user_context_read(source.u.thread.tcb, registers);
    if (!user_context_check(registers, copy_registers_which(inv_arg(inv, 0)), &bad)) {
        return error_simple(seL4_IllegalOperation);
    }
    invoke_copy_registers(tcb, source.u.thread.tcb, inv_arg(inv, 0));
    return seL4_NoError;
}
