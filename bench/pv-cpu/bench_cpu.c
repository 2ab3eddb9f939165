/*
 * The PV vCPU's own cost per emulated trap on the host, with the vCPU tests' fake machine (its
 * callbacks only record): a CPUID at a patched site, a MOV to CR3, an exception reflected from
 * the guest's user mode through its IDT (UD2), an interrupt injected at CPL 0, a SYSCALL and an
 * IRETQ back to user mode. Each trap is what the VMM does per fault message: registers in,
 * the event, registers out. Prints nanoseconds per trap (median and minimum of several runs)
 * and, where the host lets a process count them, instructions per trap.
 *   usage: bench-pv-cpu [-r runs] [-n traps] [-s scenario] [-c | -C]
 * -c runs n traps of one scenario once, nothing else (for an instruction count by valgrind);
 * -C the same with the per-trap reset only, so that its share can be subtracted.
 * A benchmark, not a test: it checks only that each trap ends as the scenario expects.
 */
#include "cpu_harness.h"

#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef struct scenario {
    const char *name;
    void (*prepare)(cpu_test_t *t); /* once */
    void (*reset)(cpu_test_t *t);   /* before each trap */
    pv_outcome_kind_t (*trap)(cpu_test_t *t, pv_outcome_t *out);
    uint64_t expected_rip; /* where the trap must leave the guest */
} scenario_t;

static const uint8_t CPUID[] = {0x0f, 0xa2};
static const uint8_t MOV_RAX_CR3[] = {0x0f, 0x22, 0xd8};
static const uint8_t UD2[] = {0x0f, 0x0b};
static const uint8_t IRETQ[] = {0x48, 0xcf};

/* The VMM's part around every event: registers from the message, then back into the reply. */
static pv_outcome_kind_t with_registers(cpu_test_t *t, pv_outcome_t *out,
                                        pv_outcome_kind_t (*event)(cpu_test_t *, pv_outcome_t *))
{
    seL4_UserContext regs;
    pv_outcome_kind_t kind;

    pv_cpu_store_registers(&t->cpu, &regs);
    if (!pv_cpu_load_registers(&t->cpu, &regs, pv_cpu_code_segment(&t->cpu))) {
        abort();
    }
    kind = event(t, out);
    pv_cpu_store_registers(&t->cpu, &regs);
    return kind;
}

static void reset_kernel(cpu_test_t *t)
{
    t->cpu.rip = CPU_KCODE;
    t->cpu.cpl = 0;
    t->cpu.gpr[4] = CPU_KSTACK_TOP - 0x100;
}

static pv_outcome_kind_t cpuid_event(cpu_test_t *t, pv_outcome_t *out)
{
    t->cpu.gpr[0] = 1;
    return pv_cpu_handle_patch_site(&t->cpu, &t->env, CPU_KCODE, CPUID, sizeof(CPUID), out);
}

static pv_outcome_kind_t cpuid_trap(cpu_test_t *t, pv_outcome_t *out)
{
    return with_registers(t, out, cpuid_event);
}

static void cr3_prepare(cpu_test_t *t)
{
    cpu_test_put(t, CPU_KCODE, MOV_RAX_CR3, sizeof(MOV_RAX_CR3));
}

static pv_outcome_kind_t cr3_event(cpu_test_t *t, pv_outcome_t *out)
{
    t->cpu.gpr[0] = CPU_PML4;
    return pv_cpu_handle_exception(&t->cpu, &t->env, 13, 0, out);
}

static pv_outcome_kind_t cr3_trap(cpu_test_t *t, pv_outcome_t *out)
{
    return with_registers(t, out, cr3_event);
}

static void exception_prepare(cpu_test_t *t)
{
    cpu_test_put(t, CPU_UCODE, UD2, sizeof(UD2));
}

static void exception_reset(cpu_test_t *t)
{
    cpu_test_enter_user(t);
    t->cpu.seg[PV_SEG_SS].attributes = 0xc0f3;
}

static pv_outcome_kind_t exception_event(cpu_test_t *t, pv_outcome_t *out)
{
    return pv_cpu_handle_exception(&t->cpu, &t->env, 6, 0, out);
}

static pv_outcome_kind_t exception_trap(cpu_test_t *t, pv_outcome_t *out)
{
    return with_registers(t, out, exception_event);
}

static void inject_reset(cpu_test_t *t)
{
    reset_kernel(t);
    t->cpu.rflags |= PV_RFLAGS_IF;
    t->intr_kind = PV_INTR_FIXED;
    t->intr_vector = 0x40;
}

static pv_outcome_kind_t inject_event(cpu_test_t *t, pv_outcome_t *out)
{
    return pv_cpu_inject(&t->cpu, &t->env, out);
}

static pv_outcome_kind_t inject_trap(cpu_test_t *t, pv_outcome_t *out)
{
    return with_registers(t, out, inject_event);
}

static void syscall_prepare(cpu_test_t *t)
{
    t->cpu.efer |= PV_EFER_SCE;
    t->cpu.star = 0x0018000800000000ull;
    t->cpu.lstar = CPU_KCODE + 0x100;
    t->cpu.sfmask = 0x47700;
}

static void syscall_reset(cpu_test_t *t)
{
    cpu_test_enter_user(t);
    t->cpu.rip = CPU_UCODE + 2;
}

static pv_outcome_kind_t syscall_event(cpu_test_t *t, pv_outcome_t *out)
{
    return pv_cpu_handle_syscall(&t->cpu, &t->env, out);
}

static pv_outcome_kind_t syscall_trap(cpu_test_t *t, pv_outcome_t *out)
{
    return with_registers(t, out, syscall_event);
}

static void iretq_reset(cpu_test_t *t)
{
    uint64_t frame[5] = {CPU_UCODE, CPU_SEL_UCODE | 3, PV_RFLAGS_FIXED | PV_RFLAGS_IF,
                         CPU_USTACK_TOP - 8, CPU_SEL_UDATA | 3};

    reset_kernel(t);
    t->cpu.mode = PV_MODE_LONG;
    t->cpu.seg[PV_SEG_CS] =
            (pv_segment_t){.selector = CPU_SEL_KCODE, .attributes = 0xa09b, .limit = 0xffffffffu};
    cpu_test_put(t, t->cpu.gpr[4], frame, sizeof(frame));
}

static pv_outcome_kind_t iretq_event(cpu_test_t *t, pv_outcome_t *out)
{
    return pv_cpu_handle_patch_site(&t->cpu, &t->env, CPU_KCODE, IRETQ, sizeof(IRETQ), out);
}

static pv_outcome_kind_t iretq_trap(cpu_test_t *t, pv_outcome_t *out)
{
    return with_registers(t, out, iretq_event);
}

static const scenario_t scenarios[] = {
        {"cpuid", NULL, reset_kernel, cpuid_trap, CPU_KCODE + 2},
        {"mov-cr3", cr3_prepare, reset_kernel, cr3_trap, CPU_KCODE + 3},
        {"exception", exception_prepare, exception_reset, exception_trap, CPU_HANDLERS + 6 * 16},
        {"inject", NULL, inject_reset, inject_trap, CPU_HANDLERS + 0x40 * 16},
        {"syscall", syscall_prepare, syscall_reset, syscall_trap, CPU_KCODE + 0x100},
        {"iretq", NULL, iretq_reset, iretq_trap, CPU_UCODE},
};

/* A counter of this process's user-mode instructions, or -1 where the host has none. */
static int open_instruction_counter(void)
{
    struct perf_event_attr attr;

    memset(&attr, 0, sizeof(attr));
    attr.type = PERF_TYPE_HARDWARE;
    attr.size = sizeof(attr);
    attr.config = PERF_COUNT_HW_INSTRUCTIONS;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One run of n traps: nanoseconds and (when counted) instructions, setting-up excluded from
 * neither: the reset is part of each iteration, and measured apart to be subtracted. */
typedef struct run_result {
    double ns;
    double instructions;
} run_result_t;

static run_result_t run_once(cpu_test_t *t, const scenario_t *s, unsigned n, int counter,
                             bool with_trap)
{
    pv_outcome_t out;
    uint64_t count = 0;
    uint64_t start;

    if (counter >= 0) {
        ioctl(counter, PERF_EVENT_IOC_RESET, 0);
        ioctl(counter, PERF_EVENT_IOC_ENABLE, 0);
    }
    start = now_ns();
    for (unsigned i = 0; i < n; i++) {
        s->reset(t);
        if (with_trap && (s->trap(t, &out) != PV_OUTCOME_RESUME || t->cpu.rip != s->expected_rip)) {
            fprintf(stderr, "bench-pv-cpu: %s: the trap did not end as expected (RIP %#llx)\n",
                    s->name, (unsigned long long)t->cpu.rip);
            exit(1);
        }
    }
    uint64_t elapsed = now_ns() - start;
    if (counter >= 0) {
        ioctl(counter, PERF_EVENT_IOC_DISABLE, 0);
        if (read(counter, &count, sizeof(count)) != sizeof(count)) {
            count = 0;
        }
    }
    return (run_result_t){(double)elapsed / n, (double)count / n};
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

static void measure(const scenario_t *s, unsigned runs, unsigned n, int counter)
{
    cpu_test_t *t = cpu_test_new();
    double ns[64];
    double instructions[64];

    if (s->prepare != NULL) {
        s->prepare(t);
    }
    run_once(t, s, n / 10 + 1, -1, true); /* warm up */
    for (unsigned r = 0; r < runs; r++) {
        run_result_t full = run_once(t, s, n, counter, true);
        run_result_t reset = run_once(t, s, n, counter, false);

        ns[r] = full.ns - reset.ns;
        instructions[r] = full.instructions - reset.instructions;
    }
    qsort(ns, runs, sizeof(ns[0]), compare_double);
    qsort(instructions, runs, sizeof(instructions[0]), compare_double);
    if (counter >= 0) {
        printf("%-10s %10.1f %10.1f %14.0f\n", s->name, ns[runs / 2], ns[0],
               instructions[runs / 2]);
    } else {
        printf("%-10s %10.1f %10.1f %14s\n", s->name, ns[runs / 2], ns[0], "n/a");
    }
    cpu_test_free(t);
}

/* -c and -C: one scenario, n iterations, no warm-up and no output. */
static int count_only(const char *name, unsigned n, bool with_trap)
{
    for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
        if (name != NULL && strcmp(name, scenarios[i].name) == 0) {
            cpu_test_t *t = cpu_test_new();

            if (scenarios[i].prepare != NULL) {
                scenarios[i].prepare(t);
            }
            run_once(t, &scenarios[i], n, -1, with_trap);
            cpu_test_free(t);
            return 0;
        }
    }
    fprintf(stderr, "bench-pv-cpu: -c and -C need -s with a scenario's name\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned runs = 9;
    unsigned n = 20000;
    const char *only = NULL;
    int count_mode = 0;
    int option;
    int counter;

    while ((option = getopt(argc, argv, "r:n:s:cC")) != -1) {
        if (option == 'r') {
            runs = (unsigned)strtoul(optarg, NULL, 10);
        } else if (option == 'n') {
            n = (unsigned)strtoul(optarg, NULL, 10);
        } else if (option == 's') {
            only = optarg;
        } else if (option == 'c' || option == 'C') {
            count_mode = option;
        } else {
            fprintf(stderr, "usage: %s [-r runs] [-n traps] [-s scenario] [-c | -C]\n", argv[0]);
            return 2;
        }
    }
    if (count_mode != 0) {
        return count_only(only, n, count_mode == 'c');
    }
    if (runs < 1 || runs > 64 || n < 1) {
        fprintf(stderr, "bench-pv-cpu: runs must be 1 to 64, traps at least 1\n");
        return 2;
    }
    counter = open_instruction_counter();
    printf("bench-pv-cpu: %u runs of %u traps per scenario; median and minimum ns per trap%s\n",
           runs, n,
           counter >= 0 ? ", instructions per trap (median)"
                        : "; no instruction counter on this host (see bench/pv-cpu/run.sh)");
    printf("%-10s %10s %10s %14s\n", "scenario", "median ns", "min ns", "instructions");
    for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
        if (only == NULL || strcmp(only, scenarios[i].name) == 0) {
            measure(&scenarios[i], runs, n, counter);
        }
    }
    if (counter >= 0) {
        close(counter);
    }
    return 0;
}
