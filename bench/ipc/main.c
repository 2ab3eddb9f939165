/*
 * IPC benchmark root task: TSC cycles of seL4_Call + seL4_ReplyRecv round trips between two
 * threads in the same and in different address spaces, of seL4_BenchmarkNullSyscall, of the PV
 * fast path (a patched PUSHF and a CLI of the benchmark's own thread, completed by the kernel
 * through its PV page) and of the timer read itself, each over many samples after a warm-up. Prints one line per figure; the
 * caller (bench/ipc/run.sh) adds the command line that produced them.
 */
#include "stats.h"
#include <runtime/alloc.h>
#include <runtime/power.h>
#include <runtime/print.h>
#include <runtime/start.h>
#include <runtime/thread.h>
#include <runtime/tsc.h>
#include <runtime/vspace.h>
#include <sel4/pv.h>

#define WARMUP     1000
#define SAMPLES    10000
#define BENCH_PRIO 200

/* seL4's round trip on Skylake (sel4bench), quoted for comparison, not measured here. */
#define SEL4_SKYLAKE_ROUND_TRIP 760

static uint64_t samples[SAMPLES];
static uint64_t scratch[SAMPLES];

static alloc_t bench_alloc;
static vspace_t bench_vspace;

/* The server: answers every call at once, with an empty message. */
static void entry_server(seL4_Word ep)
{
    seL4_Word badge;

    seL4_RecvWithMRs(ep, &badge, NULL, NULL, NULL, NULL);
    for (;;) {
        seL4_ReplyRecvWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 0), &badge, NULL, NULL, NULL, NULL);
    }
}

static void report(const char *what, sample_stats_t *stats)
{
    printf("bench-ipc: %-34s median %6llu  min %6llu  p10 %6llu  p90 %6llu  MAD %5llu cycles\n",
           what, (unsigned long long)stats->median, (unsigned long long)stats->min,
           (unsigned long long)stats->p10, (unsigned long long)stats->p90,
           (unsigned long long)stats->mad);
}

static void measure_round_trips(seL4_CPtr ep, sample_stats_t *stats)
{
    seL4_MessageInfo_t info = seL4_MessageInfo_new(1, 0, 0, 0);

    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        uint64_t start = tsc_read();
        seL4_CallWithMRs(ep, info, NULL, NULL, NULL, NULL);
        uint64_t end = tsc_read();
        if (i >= WARMUP) {
            samples[i - WARMUP] = end - start;
        }
    }
    stats_compute(samples, scratch, SAMPLES, stats);
}

static void measure_null_syscall(sample_stats_t *stats)
{
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        uint64_t start = tsc_read();
        seL4_BenchmarkNullSyscall();
        uint64_t end = tsc_read();
        if (i >= WARMUP) {
            samples[i - WARMUP] = end - start;
        }
    }
    stats_compute(samples, scratch, SAMPLES, stats);
}

static void measure_timer_overhead(sample_stats_t *stats)
{
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        uint64_t start = tsc_read();
        uint64_t end = tsc_read();
        if (i >= WARMUP) {
            samples[i - WARMUP] = end - start;
        }
    }
    stats_compute(samples, scratch, SAMPLES, stats);
}

extern char bench_pv_pushf[], bench_pv_cli[];

/* The benchmark thread becomes a PV vCPU of sorts: a PV page listing the two sites, enabled. */
static seL4_Error pv_setup(void)
{
    seL4_CPtr frame;
    void *mapped;
    seL4_Error error = vspace_alloc_pages(&bench_vspace, 1, &mapped, &frame);
    seL4_PVPage *page = mapped;

    if (error != seL4_NoError) {
        return error;
    }
    int pushf_first = (seL4_Word)bench_pv_pushf < (seL4_Word)bench_pv_cli;
    page->sites[pushf_first ? 0 : 1] = (seL4_PVSite){(seL4_Word)bench_pv_pushf, seL4_PVSite_PUSHF};
    page->sites[pushf_first ? 1 : 0] = (seL4_PVSite){(seL4_Word)bench_pv_cli, seL4_PVSite_CLI};
    page->site_count = 2;
    page->flags = seL4_PV_IF;
    page->enabled = 1;
    return seL4_TCB_SetPVPage(seL4_CapInitThreadTCB, frame);
}

static void measure_pv_site(void (*site)(void), sample_stats_t *stats)
{
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        uint64_t start = tsc_read();
        site();
        uint64_t end = tsc_read();
        if (i >= WARMUP) {
            samples[i - WARMUP] = end - start;
        }
    }
    stats_compute(samples, scratch, SAMPLES, stats);
}

/* A server thread waiting on ep; in a new VSpace and CSpace (ep at cptr 1) when separate. */
static seL4_Error start_server(seL4_BootInfo *bootinfo, seL4_CPtr ep, int separate)
{
    static vspace_t server_vspace;
    thread_params_t params = {
            .priority = BENCH_PRIO,
            .authority = seL4_CapInitThreadTCB,
            .fault_ep = seL4_CapNull,
            .cspace = seL4_CapInitThreadCNode,
            .vspace = NULL,
            .self_tcb = THREAD_SELF_IS_TCB,
    };
    thread_t server;
    seL4_CPtr server_ep = ep;
    seL4_Error error;

    if (separate) {
        seL4_CPtr pml4;
        seL4_CPtr cnode;
        error = alloc_object(&bench_alloc, seL4_X64_PML4Object, 0, &pml4);
        if (error == seL4_NoError) {
            error = seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4);
        }
        if (error == seL4_NoError) {
            vspace_init(&server_vspace, pml4, &bench_alloc, 0, 0);
            error = vspace_share_image(&server_vspace, bootinfo);
        }
        if (error == seL4_NoError) {
            error = alloc_object(&bench_alloc, seL4_CapTableObject, 4, &cnode);
        }
        if (error == seL4_NoError) {
            error = seL4_CNode_Copy(cnode, 1, 4, seL4_CapInitThreadCNode, ep, seL4_WordBits,
                                    seL4_AllRights);
        }
        if (error != seL4_NoError) {
            return error;
        }
        params.cspace = cnode;
        params.cspace_data = seL4_CNode_CapData_new(0, seL4_WordBits - 4);
        params.vspace = &server_vspace;
        params.self_tcb = seL4_CapNull;
        server_ep = 1;
    }
    error = thread_create(&server, &bench_vspace, &params);
    if (error == seL4_NoError) {
        error = thread_start(&server, entry_server, server_ep);
    }
    return error;
}

int root_main(seL4_BootInfo *bootinfo)
{
    sample_stats_t timer;
    sample_stats_t null_call;
    sample_stats_t same;
    sample_stats_t cross;
    sample_stats_t pv_pushf;
    sample_stats_t pv_cli;
    seL4_CPtr ep_same;
    seL4_CPtr ep_cross;
    seL4_Error error;

    alloc_init(&bench_alloc, seL4_CapInitThreadCNode, bootinfo->empty.start, bootinfo->empty.end);
    alloc_add_boot_untypeds(&bench_alloc, bootinfo, seL4_PageBits);
    vspace_init(&bench_vspace, seL4_CapInitThreadVSpace, &bench_alloc, VSPACE_RESERVE_START,
                VSPACE_RESERVE_END);
    error = power_init(&bench_alloc);
    if (error == seL4_NoError) {
        error = seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, BENCH_PRIO);
    }
    if (error == seL4_NoError) {
        error = alloc_object(&bench_alloc, seL4_EndpointObject, 0, &ep_same);
    }
    if (error == seL4_NoError) {
        error = alloc_object(&bench_alloc, seL4_EndpointObject, 0, &ep_cross);
    }
    if (error == seL4_NoError) {
        error = start_server(bootinfo, ep_same, 0);
    }
    if (error == seL4_NoError) {
        error = start_server(bootinfo, ep_cross, 1);
    }
    if (error == seL4_NoError) {
        error = pv_setup();
    }
    if (error != seL4_NoError) {
        printf("bench-ipc: setup failed with error %d\n", (int)error);
        power_off(1);
    }

    printf("bench-ipc: %d samples after %d warm-up runs each, TSC cycles, timer read included\n",
           SAMPLES, WARMUP);
    measure_timer_overhead(&timer);
    report("timer read (lfence; rdtsc)", &timer);
    measure_null_syscall(&null_call);
    report("BenchmarkNullSyscall", &null_call);
    measure_round_trips(ep_same, &same);
    report("Call+ReplyRecv, same address space", &same);
    measure_round_trips(ep_cross, &cross);
    report("Call+ReplyRecv, two address spaces", &cross);
    measure_pv_site((void (*)(void))bench_pv_pushf, &pv_pushf);
    report("PV PUSHF (patched, fast path)", &pv_pushf);
    measure_pv_site((void (*)(void))bench_pv_cli, &pv_cli);
    report("PV CLI (fast path)", &pv_cli);

    /* Side by side: ratios within this run, and against the quoted seL4 figure. */
    printf("bench-ipc: ratio two spaces / same space: %llu.%02llu\n",
           (unsigned long long)(cross.median / same.median),
           (unsigned long long)(cross.median * 100 / same.median % 100));
    printf("bench-ipc: ratio round trip (two spaces) / null syscall: %llu.%02llu\n",
           (unsigned long long)(cross.median / null_call.median),
           (unsigned long long)(cross.median * 100 / null_call.median % 100));
    printf("bench-ipc: ratio PV PUSHF / null syscall: %llu.%02llu, PV CLI / null syscall: "
           "%llu.%02llu\n",
           (unsigned long long)(pv_pushf.median / null_call.median),
           (unsigned long long)(pv_pushf.median * 100 / null_call.median % 100),
           (unsigned long long)(pv_cli.median / null_call.median),
           (unsigned long long)(pv_cli.median * 100 / null_call.median % 100));
    printf("bench-ipc: ratio round trip (two spaces) / seL4 %d cycles (Skylake, sel4bench, "
           "not measured here): %llu.%02llu\n",
           SEL4_SKYLAKE_ROUND_TRIP, (unsigned long long)(cross.median / SEL4_SKYLAKE_ROUND_TRIP),
           (unsigned long long)(cross.median * 100 / SEL4_SKYLAKE_ROUND_TRIP % 100));
    printf("bench-ipc: done\n");
    power_off(0);
}
