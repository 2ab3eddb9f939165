/*
 * The kernel's own smoke test: a tiny root task with raw `syscall` instructions (no libsel4)
 * that walks the kernel's main paths once: boot info, retype, CNode copy/mint/delete, mapping,
 * threads, Call/ReplyRecv with long messages and capability transfer, notifications, faults
 * of every kind with register-rewriting replies, I/O ports, error codes, and a cycle count of
 * the null system call and of an IPC round trip. Ends the run through the QEMU exit port:
 * status 0 when every check passed. Not the kernel suite (tests/kernel): a quick self-check.
 */
#include "smoke.h"

seL4_IPCBuffer *ipc; /* this thread's IPC buffer (threads here share the root's) */

static void putc_(char c)
{
    regs_t r = {.rdi = (unsigned char)c};
    sys((word_t)seL4_SysDebugPutChar, &r);
}

void puts_(const char *s)
{
    while (*s != '\0') {
        putc_(*s++);
    }
}

void putx(word_t v)
{
    puts_("0x");
    for (int shift = 60; shift >= 0; shift -= 4) {
        int digit = (int)((v >> shift) & 0xf);
        if (digit != 0 || shift == 0 || v >> shift != 0) {
            putc_((char)(digit < 10 ? '0' + digit : 'a' + digit - 10));
        }
    }
}

void putd(word_t v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        putc_(digits[--n]);
    }
}

static int failures;

void check(int ok, const char *what, word_t got)
{
    puts_(ok ? "smoke: ok   " : "smoke: FAIL ");
    puts_(what);
    if (!ok) {
        puts_(" (got ");
        putx(got);
        puts_(")");
        failures++;
    }
    putc_('\n');
}

/* Call an object: label, arguments (MRs), extra caps. Returns the reply label; out gets MRs. */
word_t invoke(seL4_CPtr cap, word_t label, unsigned nargs, const word_t *args, unsigned ncaps,
              const seL4_CPtr *caps, word_t *out)
{
    regs_t r = {.rdi = cap};
    for (unsigned i = 0; i < nargs; i++) {
        if (i < 4) {
            r.mr[i] = args[i];
        } else {
            ipc->msg[i] = args[i];
        }
    }
    for (unsigned i = 0; i < ncaps; i++) {
        ipc->caps_or_badges[i] = caps[i];
    }
    r.rsi = seL4_MessageInfo_new(label, 0, ncaps, nargs).words[0];
    sys((word_t)seL4_SysCall, &r);
    if (out != 0) {
        for (unsigned i = 0; i < 4; i++) {
            out[i] = r.mr[i];
        }
    }
    return seL4_MessageInfo_get_label((seL4_MessageInfo_t){{r.rsi}});
}

/* ---- slots and objects ---- */

seL4_BootInfo *bi;
word_t next_slot;
seL4_CPtr untyped;

seL4_CPtr retype(word_t type, word_t size_bits)
{
    seL4_CPtr slot = next_slot++;
    word_t args[6] = {type, size_bits, 0, 0, slot, 1};
    seL4_CPtr root = ROOT;
    word_t error = invoke(untyped, UntypedRetype, 6, args, 1, &root, 0);
    if (error != seL4_NoError) {
        puts_("smoke: retype failed, type ");
        putd(type);
        puts_(" error ");
        putd(error);
        putc_('\n');
        failures++;
    }
    return slot;
}

/* ---- threads ---- */

#define STACK_WORDS 1024
static word_t server_stack[STACK_WORDS] __attribute__((aligned(16)));
static word_t faulter_stack[STACK_WORDS] __attribute__((aligned(16)));
static seL4_CPtr server_ep;

/* The server: answers each Call with MR0 + 1 and echoes MR1..length-1 (they travel through the
 * shared IPC buffer, so this also proves long messages arrive). */
static volatile word_t server_kernel_reply = 0xff;
static seL4_CPtr server_ntfn;

static void server(void)
{
    regs_t r = {.rdi = server_ntfn, .rsi = seL4_MessageInfo_new(77, 0, 0, 0).words[0]};
    /* A resumed thread's first successful kernel invocation gets its reply like any other:
     * a Call on a notification signals it and replies with an empty message. */
    sys((word_t)seL4_SysCall, &r);
    server_kernel_reply = seL4_MessageInfo_get_label((seL4_MessageInfo_t){{r.rsi}});
    r = (regs_t){.rdi = server_ep};
    sys((word_t)seL4_SysRecv, &r);
    for (;;) {
        word_t length = seL4_MessageInfo_get_length((seL4_MessageInfo_t){{r.rsi}});
        r.mr[0] += 1;
        r.rsi = seL4_MessageInfo_new(0, 0, 0, length).words[0];
        r.rdi = server_ep;
        sys((word_t)seL4_SysReplyRecv, &r);
    }
}

static volatile word_t faulter_progress;

static void faulter_after_vm_fault(void)
{
    faulter_progress = 1;
    /* An unknown system call number: becomes an UnknownSyscall fault. */
    regs_t r = {.rdi = 5};
    sys(1234, &r);
    faulter_progress = 2; /* the reply resumes here, after the syscall */
    __asm__ volatile("ud2");
    faulter_progress = 3; /* never: the reply to #UD stops the thread */
    for (;;) {
    }
}

static void faulter(void)
{
    volatile word_t *wild = (volatile word_t *)0xdead000ull;
    (void)*wild;
    for (;;) {
    }
}

static void thread_start(seL4_CPtr tcb, void (*entry)(void), word_t *stack_top, word_t prio)
{
    word_t registers[seL4_UserContext_Count] = {0};
    word_t args[2 + seL4_UserContext_Count];
    seL4_CPtr authority = seL4_CapInitThreadTCB;
    word_t out[4] = {0};

    registers[seL4_UserContext_RIP] = (word_t)entry;
    registers[seL4_UserContext_RSP] = (word_t)stack_top;
    registers[seL4_UserContext_RFLAGS] = 0x202;
    word_t prio_arg = prio;
    check(invoke(tcb, TCBSetPriority, 1, &prio_arg, 1, &authority, 0) == 0, "TCB SetPriority", 0);
    args[0] = 1; /* resume */
    args[1] = seL4_UserContext_Count;
    for (unsigned i = 0; i < seL4_UserContext_Count; i++) {
        args[2 + i] = registers[i];
    }
    check(invoke(tcb, TCBWriteRegisters, 2 + seL4_UserContext_Count, args, 0, 0, out) == 0,
          "TCB WriteRegisters + resume", out[0]);
}

static seL4_CPtr thread_create(seL4_CPtr fault_ep)
{
    seL4_CPtr tcb = retype(seL4_TCBObject, 0);
    word_t args[4] = {fault_ep, 0, 0, (word_t)bi->ipcBuffer};
    seL4_CPtr caps[3] = {ROOT, seL4_CapInitThreadVSpace, seL4_CapInitThreadIPCBuffer};
    check(invoke(tcb, TCBConfigure, 4, args, 3, caps, 0) == 0, "TCB Configure", 0);
    return tcb;
}

static inline word_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((word_t)hi << 32) | lo;
}

/* ---- the checks ---- */

static void check_bootinfo(void)
{
    word_t best = 0;
    for (word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice && d->sizeBits >= 20 && d->sizeBits < 30 &&
            (best == 0 || d->sizeBits > bi->untypedList[best - 1].sizeBits)) {
            best = i + 1;
        }
    }
    check(bi->untyped.end > bi->untyped.start, "boot info lists untypeds",
          bi->untyped.end - bi->untyped.start);
    check(bi->empty.start < bi->empty.end && bi->empty.end == (1ul << seL4_RootCNodeSizeBits),
          "boot info empty region", bi->empty.start);
    check(best != 0, "a RAM untyped of 1..512 MiB", 0);
    untyped = bi->untyped.start + best - 1;
    next_slot = bi->empty.start;
    regs_t r = {.rdi = seL4_CapInitThreadTCB};
    sys((word_t)seL4_SysDebugCapIdentify, &r);
    check(r.rdi == seL4_CapType_Thread, "DebugCapIdentify: initial TCB", r.rdi);
}

static void check_errors(void)
{
    seL4_CPtr root = ROOT;
    word_t out[4] = {0};
    word_t bad_type[6] = {999, 0, 0, 0, next_slot, 1};
    check(invoke(untyped, UntypedRetype, 6, bad_type, 1, &root, out) == seL4_InvalidArgument &&
                  out[0] == 0,
          "Retype: bad type is InvalidArgument 0", out[0]);
    word_t occupied[6] = {seL4_EndpointObject, 0, 0, 0, seL4_CapInitThreadTCB, 1};
    check(invoke(untyped, UntypedRetype, 6, occupied, 1, &root, 0) == seL4_DeleteFirst,
          "Retype: occupied slot is DeleteFirst", 0);
    word_t zero[6] = {seL4_EndpointObject, 0, 0, 0, next_slot, 0};
    check(invoke(untyped, UntypedRetype, 6, zero, 1, &root, out) == seL4_RangeError,
          "Retype: zero objects is RangeError", out[0]);
    check(invoke(bi->empty.end - 1, TCBSuspend, 0, 0, 0, 0, out) == seL4_InvalidCapability,
          "invoking an empty slot is InvalidCapability", 0);
    check(invoke(seL4_CapInitThreadTCB, 999, 0, 0, 0, 0, 0) == seL4_IllegalOperation,
          "unknown TCB label is IllegalOperation", 0);
}

static void check_mapping(void)
{
    seL4_CPtr pt = retype(seL4_X86_PageTableObject, 0);
    seL4_CPtr frame = retype(seL4_X86_4K, 0);
    seL4_CPtr vspace = seL4_CapInitThreadVSpace;
    word_t vaddr = 0x10000000;
    word_t map_pt[2] = {vaddr, 0};
    word_t map_frame[3] = {vaddr, seL4_ReadWrite.words[0], 0};
    word_t out[4] = {0};

    check(invoke(frame, X86PageMap, 3, map_frame, 1, &vspace, out) == seL4_FailedLookup,
          "Page map without a page table is FailedLookup", out[0]);
    check(invoke(pt, X86PageTableMap, 2, map_pt, 1, &vspace, 0) == 0, "PageTable map", 0);
    check(invoke(frame, X86PageMap, 3, map_frame, 1, &vspace, 0) == 0, "Page map", 0);
    volatile word_t *p = (volatile word_t *)vaddr;
    *p = 0x1234;
    check(*p == 0x1234, "mapped frame is writable", *p);
    check(invoke(frame, X86PageGetAddress, 0, 0, 0, 0, out) == 0 && out[0] != 0 &&
                  (out[0] & 0xfff) == 0,
          "Page GetAddress", out[0]);
    word_t kernel_addr[3] = {0xffff800000000000ull, seL4_ReadWrite.words[0], 0};
    seL4_CPtr frame2 = retype(seL4_X86_4K, 0);
    check(invoke(frame2, X86PageMap, 3, kernel_addr, 1, &vspace, 0) == seL4_InvalidArgument,
          "mapping into the kernel window is refused", 0);
    check(invoke(frame, X86PageUnmap, 0, 0, 0, 0, 0) == 0, "Page unmap", 0);
}

static void check_ipc(seL4_CPtr ep)
{
    word_t args[8] = {41, 2, 3, 4, 5, 6, 7, 8};
    word_t out[4] = {0};
    check(invoke(ep, 7, 8, args, 0, 0, out) == 0 && out[0] == 42 && out[1] == 2 && out[3] == 4,
          "Call/ReplyRecv: MR0 + 1 comes back, MR1..3 echoed", out[0]);
    check(ipc->msg[7] == 8, "Call/ReplyRecv: MR7 echoed through the IPC buffer", ipc->msg[7]);
    check(server_kernel_reply == 0, "a resumed thread's invocation gets the kernel's reply",
          server_kernel_reply);
}

static void check_notification(void)
{
    seL4_CPtr ntfn = retype(seL4_NotificationObject, 0);
    seL4_CPtr badged = next_slot++;
    word_t mint[6] = {badged, 64, ntfn, 64, seL4_AllRights.words[0], 0x5};
    seL4_CPtr root = ROOT;
    check(invoke(ROOT, CNodeMint, 6, mint, 1, &root, 0) == 0, "CNode Mint a badged notification",
          0);
    regs_t r = {.rdi = badged};
    sys((word_t)seL4_SysSend, &r);
    r = (regs_t){.rdi = badged, .rsi = 0};
    sys((word_t)seL4_SysSend, &r);
    r = (regs_t){.rdi = ntfn};
    sys((word_t)seL4_SysNBRecv, &r);
    check(r.rdi == 0x5, "Signal then Poll returns the badge", r.rdi);
    r = (regs_t){.rdi = ntfn};
    sys((word_t)seL4_SysNBRecv, &r);
    check(r.rdi == 0, "second Poll finds nothing", r.rdi);
    word_t del[2] = {badged, 64};
    check(invoke(ROOT, CNodeDelete, 2, del, 0, 0, 0) == 0, "CNode Delete", 0);
    r = (regs_t){.rdi = badged};
    sys((word_t)seL4_SysDebugCapIdentify, &r);
    check(r.rdi == 0, "deleted slot is empty", r.rdi);
}

/* Message registers 0..3 arrive in CPU registers: put them with the rest in the buffer. */
static word_t fault_label(const regs_t *r)
{
    for (unsigned i = 0; i < 4; i++) {
        ipc->msg[i] = r->mr[i];
    }
    return seL4_MessageInfo_get_label((seL4_MessageInfo_t){{r->rsi}});
}

static word_t receive_fault(seL4_CPtr fault_ep, regs_t *r)
{
    *r = (regs_t){.rdi = fault_ep};
    sys((word_t)seL4_SysRecv, r);
    return fault_label(r);
}

static void check_faults(void)
{
    seL4_CPtr fault_ep = retype(seL4_EndpointObject, 0);
    seL4_CPtr badged = next_slot++;
    word_t mint[6] = {badged, 64, fault_ep, 64, seL4_AllRights.words[0], 0x77};
    seL4_CPtr root = ROOT;
    regs_t r;

    check(invoke(ROOT, CNodeMint, 6, mint, 1, &root, 0) == 0, "CNode Mint a badged endpoint", 0);
    seL4_CPtr tcb = thread_create(badged);
    thread_start(tcb, faulter, &faulter_stack[STACK_WORDS - 1], 200);

    word_t label = receive_fault(fault_ep, &r);
    check(label == seL4_Fault_VMFault && r.rdi == 0x77, "page fault arrives as VMFault, badged",
          label);
    check(ipc->msg[seL4_VMFault_Addr] == 0xdead000, "VMFault address", ipc->msg[20]);
    check(ipc->msg[seL4_UserContext_RSP] == (word_t)&faulter_stack[STACK_WORDS - 1],
          "fault message carries RSP", ipc->msg[seL4_UserContext_RSP]);
    /* Reply with the whole register set, RIP moved on to the next stage. */
    ipc->msg[seL4_UserContext_RIP] = (word_t)faulter_after_vm_fault;
    r.rsi = seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count).words[0];
    r.mr[0] = ipc->msg[0];
    r.mr[1] = ipc->msg[1];
    r.mr[2] = ipc->msg[2];
    r.mr[3] = ipc->msg[3];
    r.rdi = fault_ep;
    sys((word_t)seL4_SysReplyRecv, &r);
    label = fault_label(&r);
    check(label == seL4_Fault_UnknownSyscall && faulter_progress == 1,
          "reply rewrote RIP; unknown syscall arrives as UnknownSyscall", label);
    check(ipc->msg[seL4_UnknownSyscall_Syscall] == 1234 && ipc->msg[seL4_UserContext_RDI] == 5,
          "UnknownSyscall carries the number and registers", ipc->msg[20]);
    r.rsi = seL4_MessageInfo_new(0, 0, 0, 0).words[0];
    r.rdi = fault_ep;
    sys((word_t)seL4_SysReplyRecv, &r);
    label = fault_label(&r);
    check(label == seL4_Fault_UserException && ipc->msg[seL4_UserException_Number] == 6 &&
                  faulter_progress == 2,
          "empty reply resumes after the syscall; ud2 arrives as UserException 6", label);
    r.rsi = seL4_MessageInfo_new(1, 0, 0, 0).words[0];
    sys((word_t)seL4_SysReply, &r);
    word_t out[4] = {0};
    word_t read_args[2] = {0, 1};
    check(invoke(tcb, TCBReadRegisters, 2, read_args, 0, 0, out) == 0 && faulter_progress == 2,
          "a reply with a non-zero label leaves the thread stopped", faulter_progress);
}

static void check_ioport_and_exit(void)
{
    seL4_CPtr port = next_slot++;
    word_t issue[4] = {0xf4, 0xf7, port, 64};
    seL4_CPtr root = ROOT;
    word_t out_args[2] = {0x80, 0};
    check(invoke(seL4_CapIOPortControl, X86IOPortControlIssue, 4, issue, 1, &root, 0) == 0,
          "IOPortControl Issue 0xf4..0xf7", 0);
    check(invoke(port, X86IOPortOut8, 2, out_args, 0, 0, 0) == seL4_IllegalOperation,
          "port outside the range is IllegalOperation", 0);
    puts_(failures == 0 ? "smoke: all checks passed\n" : "smoke: FAILED\n");
    word_t exit_args[2] = {0xf4, failures == 0 ? 0 : 1};
    invoke(port, X86IOPortOut32, 2, exit_args, 0, 0, 0);
}

static void measure(seL4_CPtr ep)
{
    enum { ROUNDS = 2000 };
    regs_t r;
    word_t start = rdtsc();
    for (int i = 0; i < ROUNDS; i++) {
        r = (regs_t){0};
        sys((word_t)seL4_SysBenchmarkNullSyscall, &r);
    }
    word_t null_cycles = (rdtsc() - start) / ROUNDS;
    start = rdtsc();
    for (int i = 0; i < ROUNDS; i++) {
        r = (regs_t){.rdi = ep, .rsi = seL4_MessageInfo_new(0, 0, 0, 1).words[0]};
        sys((word_t)seL4_SysCall, &r);
    }
    word_t call_cycles = (rdtsc() - start) / ROUNDS;
    puts_("smoke: null syscall ");
    putd(null_cycles);
    puts_(" cycles, Call+ReplyRecv round trip ");
    putd(call_cycles);
    puts_(" cycles\n");
}

void smoke_main(seL4_BootInfo *boot_info);

void smoke_main(seL4_BootInfo *boot_info)
{
    bi = boot_info;
    ipc = bi->ipcBuffer;
    puts_("smoke: start\n");
    check_bootinfo();
    check_errors();
    check_mapping();
    server_ep = retype(seL4_EndpointObject, 0);
    server_ntfn = retype(seL4_NotificationObject, 0);
    seL4_CPtr server_tcb = thread_create(0);
    thread_start(server_tcb, server, &server_stack[STACK_WORDS - 1], 254);
    check_ipc(server_ep);
    check_notification();
    check_faults();
    check_deletion();
    check_fuzz();
    measure(server_ep);
    check_ioport_and_exit();
    for (;;) {
    }
}
