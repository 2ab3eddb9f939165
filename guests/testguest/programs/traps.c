/*
 * traps: what the events a guest takes most often cost, timed from inside the guest with
 * RDTSC around each one: a CPUID, a hypercall, a port read, a local APIC register read, the
 * first touch of a freshly mapped page, a self-IPI and a one-shot timer interrupt taken and
 * returned from, a SYSCALL/SYSRET round trip from ring 3, CLI/STI and PUSHF/POPF pairs, a CR3
 * reload with the refills it causes. Bare, most of them never leave the CPU; under beaml4 each
 * is one or more traps (PV) or exits (hardware modes) to the VMM, and the PROFILE hypercall
 * (docs/hypercalls.md) has the VMM print what each phase's traps cost it. The checks prove
 * that every event happened as often as it was timed; the figures (median, mean, minimum over
 * SAMPLES) are what benchmarks read. CLI/STI and PUSHF/POPF are timed twice: through the
 * kernel's fast path, then with it off (PROFILE's plain bit).
 */
#include "check.h"
#include "console.h"
#include "cpu.h"
#include "hypercall.h"
#include "lapic.h"
#include "memory.h"
#include "paging.h"
#include "programs.h"
#include "string.h"
#include "timebase.h"
#include "traps.h"
#include "user.h"
#include "vectors.h"

#define SAMPLES           1000
#define WARMUP            50
#define RUNS              (WARMUP + SAMPLES)
#define TIMER_DIVIDE_BY_1 0xbu
#define TIMER_DELAY_US    50
#define APIC_TICKS_PER_US 1000 /* QEMU's and lib/vdev's APIC timer: 1 GHz, divided by 1 */
#define EVENT_WAIT_MS     1000

static uint64_t samples[RUNS];
static uint64_t user_samples[RUNS] USER_DATA;
static bool profiling;
static uint64_t phase_flags; /* PROFILE's flags for the phase being timed */

#define PROFILE_PLAIN 1 /* PROFILE's RDX: the fast path off until the next call */
static volatile uint32_t *lapic_registers;
static volatile uint64_t interrupts_taken;

/* Has the VMM print what the traps since the last mark cost it under `label` (none: forget
 * them); a phase's own marks keep its flags, a report's mark ends them. */
static void profile_mark(const char *label, uint64_t flags)
{
    if (profiling) {
        hypercall(HC_PROFILE, label != NULL ? virt_to_phys(label) : 0,
                  label != NULL ? strlen(label) : 0, flags, 0);
    }
}

/* A phase starts (before its warm-up): PROFILE's flags for it, from now on. */
static void phase_begin(uint64_t flags)
{
    phase_flags = flags;
    profile_mark(NULL, flags);
}

static void sort(uint64_t *values, unsigned count)
{
    for (unsigned gap = count / 2; gap > 0; gap /= 2) {
        for (unsigned i = gap; i < count; i++) {
            uint64_t value = values[i];
            unsigned j = i;
            for (; j >= gap && values[j - gap] > value; j -= gap) {
                values[j] = values[j - gap];
            }
            values[j] = value;
        }
    }
}

/* The samples after the warm-up: median, mean and minimum. Called as soon as the samples are
 * taken, so that the VMM's profile of the phase holds nothing else (its checks print after). */
static void report(const char *name, const char *what)
{
    uint64_t *measured = samples + WARMUP;
    uint64_t total = 0;

    profile_mark(name, 0);
    phase_flags = 0;
    for (unsigned i = 0; i < SAMPLES; i++) {
        total += measured[i];
    }
    sort(measured, SAMPLES);
    figure("%s: median %llu mean %llu min %llu cycles (%s)", name,
           (unsigned long long)measured[SAMPLES / 2], (unsigned long long)(total / SAMPLES),
           (unsigned long long)measured[0], what);
}

static void start_samples(unsigned i)
{
    if (i == WARMUP) {
        profile_mark(NULL, phase_flags);
    }
}

static void time_rdtsc(void)
{
    for (unsigned i = 0; i < RUNS; i++) {
        start_samples(i);
        uint64_t start = rdtsc();
        samples[i] = rdtsc() - start;
    }
    report("rdtsc", "two RDTSC back to back: the timer's own cost");
}

static void time_cpuid(void)
{
    uint32_t max_leaf = cpuid(0, 0).eax;
    bool same = true;

    for (unsigned i = 0; i < RUNS; i++) {
        start_samples(i);
        uint64_t start = rdtsc();
        cpuid_regs_t r = cpuid(0, 0);
        samples[i] = rdtsc() - start;
        same = same && r.eax == max_leaf;
    }
    report("cpuid", "CPUID leaf 0");
    check(same, "CPUID leaf 0 answered the same %d times", RUNS);
}

/* COM1's scratch register (a byte the UART keeps and nothing reads), so that the figure is a
 * port exit and its device model, with no side effect on the console. */
static void time_port_in(void)
{
    const uint16_t scratch = COM1_BASE + 7;
    bool same = true;

    outb(scratch, 0xa5);
    for (unsigned i = 0; i < RUNS; i++) {
        start_samples(i);
        uint64_t start = rdtsc();
        uint8_t value = inb(scratch);
        samples[i] = rdtsc() - start;
        same = same && value == 0xa5;
    }
    report("port-in", "IN AL from COM1's scratch register");
    check(same, "COM1's scratch register read back 0xa5 %d times", RUNS);
}

/* A local APIC register read: the version, which never changes (MMIO emulated from the
 * instruction's bytes under beaml4). */
static void time_mmio_read(void)
{
    uint32_t version = lapic_registers[LAPIC_VERSION / 4];
    bool same = true;

    for (unsigned i = 0; i < RUNS; i++) {
        start_samples(i);
        uint64_t start = rdtsc();
        uint32_t value = lapic_registers[LAPIC_VERSION / 4];
        samples[i] = rdtsc() - start;
        same = same && value == version;
    }
    report("mmio-read", "a local APIC register read (the version)");
    check(same, "the local APIC's version read the same %d times", RUNS);
}

static void time_hypercall(void)
{
    bool all_version = true;

    if (!profiling) {
        skip("hypercall: no beaml4 signature");
        return;
    }
    for (unsigned i = 0; i < RUNS; i++) {
        start_samples(i);
        uint64_t start = rdtsc();
        int64_t version = hypercall(HC_VERSION, 0, 0, 0, 0);
        samples[i] = rdtsc() - start;
        all_version = all_version && version == 1;
    }
    report("hypercall", "VERSION");
    check(all_version, "the VERSION hypercall answered 1 every time");
}

/* Each sample maps a page never touched before (no INVLPG needed: it was not present) and
 * reads it once. */
static void time_page_fill(void)
{
    uint64_t frames = pages_alloc(RUNS, PAGE_SIZE);
    bool read_back = true;

    for (unsigned i = 0; i < RUNS; i++) {
        uint64_t frame = frames + i * PAGE_SIZE;
        volatile uint64_t *va = (volatile uint64_t *)(uintptr_t)(PAGING_TEST_BASE + i * PAGE_SIZE);
        *(volatile uint64_t *)phys_to_virt(frame) = frame;
        paging_map(paging_kernel_root(), (uint64_t)(uintptr_t)va, frame, LEVEL_4K,
                   PTE_P | PTE_W | paging_nx());
        start_samples(i);
        uint64_t start = rdtsc();
        uint64_t value = *va;
        samples[i] = rdtsc() - start;
        read_back = read_back && value == frame;
    }
    report("page-fill", "first read of a freshly mapped page");
    check(read_back, "%d fresh pages each read back what was written through the identity map",
          RUNS);
}

static bool on_interrupt(trap_frame_t *frame)
{
    (void)frame;
    interrupts_taken++;
    lapic_registers[LAPIC_EOI / 4] = 0;
    return true;
}

/* Interrupts on; each sample starts an interrupt and waits for its handler to have returned. */
static void time_interrupts(const char *name, const char *what, uint32_t reg, uint32_t value)
{
    bool all_taken = true;

    interrupts_taken = 0;
    irq_enable();
    for (unsigned i = 0; i < RUNS; i++) {
        start_samples(i);
        uint64_t start = rdtsc();
        lapic_registers[reg / 4] = value;
        all_taken = wait_for_count(&interrupts_taken, i + 1, EVENT_WAIT_MS) && all_taken;
        samples[i] = rdtsc() - start;
    }
    irq_disable();
    report(name, what);
    check(all_taken && interrupts_taken == RUNS, "%s: %d interrupts, one per sample", name, RUNS);
}

static void time_self_ipi(void)
{
    trap_set_handler(VECTOR_SELF_IPI, on_interrupt);
    lapic_registers[LAPIC_ICR_HIGH / 4] = 0;
    time_interrupts("self-ipi", "ICR write, handler with EOI, IRETQ", LAPIC_ICR_LOW,
                    ICR_DEST_SELF | VECTOR_SELF_IPI);
}

/* The timer must expire after the arming trap returned, so that the interrupt comes to a running
 * guest, not inside that trap: the programmed delay is subtracted from each sample. */
static void time_timer(void)
{
    uint64_t delay = TIMER_DELAY_US * tsc_hz() / 1000000;
    bool all_taken = true;

    trap_set_handler(VECTOR_LAPIC_TIMER, on_interrupt);
    lapic_registers[LAPIC_TIMER_DIVIDE / 4] = TIMER_DIVIDE_BY_1;
    lapic_registers[LAPIC_LVT_TIMER / 4] = LVT_TIMER_ONE_SHOT | VECTOR_LAPIC_TIMER;
    interrupts_taken = 0;
    irq_enable();
    for (unsigned i = 0; i < RUNS; i++) {
        start_samples(i);
        uint64_t start = rdtsc();
        lapic_registers[LAPIC_TIMER_INITIAL / 4] = TIMER_DELAY_US * APIC_TICKS_PER_US;
        all_taken = wait_for_count(&interrupts_taken, i + 1, EVENT_WAIT_MS) && all_taken;
        uint64_t elapsed = rdtsc() - start;
        samples[i] = elapsed > delay ? elapsed - delay : 0;
    }
    irq_disable();
    report("timer", "one-shot LAPIC timer: arming to the handler's return (EOI, IRETQ) less the "
                    "programmed delay");
    lapic_registers[LAPIC_LVT_TIMER / 4] = LVT_MASKED;
    check(all_taken && interrupts_taken == RUNS, "timer: %d interrupts, one per sample", RUNS);
}

/* Ring 3: `count` SYSCALLs, each timed; returns how many answered as SYS_ADD1 should. */
static uint64_t USER_TEXT user_timed_syscalls(uint64_t count)
{
    uint64_t right = 0;

    for (uint64_t i = 0; i < count; i++) {
        uint32_t lo0, hi0, lo1, hi1;
        uint64_t result;
        __asm__ volatile("rdtsc" : "=a"(lo0), "=d"(hi0));
        __asm__ volatile("syscall"
                         : "=a"(result)
                         : "a"((uint64_t)SYS_ADD1), "D"(i)
                         : "rcx", "r11", "memory");
        __asm__ volatile("rdtsc" : "=a"(lo1), "=d"(hi1));
        user_samples[i] = (((uint64_t)hi1 << 32) | lo1) - (((uint64_t)hi0 << 32) | lo0);
        right += result == i + 1;
    }
    return right;
}

/* A warm-up run, then the timed one; the profile also holds one entry to ring 3 and one exit. */
static void time_syscall(void)
{
    user_run_t warm = {USER_ENTER_SYSRET, user_timed_syscalls, WARMUP, RFLAGS_IF, 0, 0};
    user_run_t run = {USER_ENTER_SYSRET, user_timed_syscalls, SAMPLES, RFLAGS_IF, 0, 0};

    user_result_t w = user_run(&warm);
    profile_mark(NULL, 0);
    user_result_t r = user_run(&run);
    memcpy(samples + WARMUP, user_samples, SAMPLES * sizeof(samples[0]));
    report("syscall", "SYSCALL to SYSRETQ from ring 3, with the entry's SWAPGS pair");
    check(!w.faulted && w.value == WARMUP && !r.faulted && r.value == SAMPLES,
          "%d SYSCALL round trips from ring 3, each adding 1", RUNS);
}

static void time_cli_sti(const char *name, uint64_t flags)
{
    phase_begin(flags);
    irq_enable();
    for (unsigned i = 0; i < RUNS; i++) {
        start_samples(i);
        uint64_t start = rdtsc();
        __asm__ volatile("cli; sti" ::: "memory");
        samples[i] = rdtsc() - start;
    }
    irq_disable();
    report(name, "CLI then STI, interrupts enabled, none pending");
    check((read_rflags() & RFLAGS_IF) == 0, "CLI/STI pairs done; IF clear again");
}

static void time_pushf_popf(const char *name, uint64_t flags)
{
    phase_begin(flags);
    for (unsigned i = 0; i < RUNS; i++) {
        start_samples(i);
        uint64_t start = rdtsc();
        __asm__ volatile("pushfq; popfq" ::: "memory", "cc");
        samples[i] = rdtsc() - start;
    }
    report(name, "PUSHFQ then POPFQ");
}

/* From one sample's start to the next: the reload and the refills of the pages the loop touches
 * again (its code, stack and these samples: the test guest's mappings are not global). */
static void time_cr3_reload(void)
{
    uint64_t root = read_cr3();
    uint64_t previous = rdtsc();

    for (unsigned i = 0; i < RUNS; i++) {
        start_samples(i);
        write_cr3(root);
        uint64_t now = rdtsc();
        samples[i] = now - previous;
        previous = now;
    }
    report("cr3-reload", "MOV to CR3 of the same value, then the loop's own refills");
}

void program_traps(void)
{
    lapic_init();
    lapic_registers = phys_to_virt(rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK);
    profiling = hypercall_available();
    say("%d samples per figure after %d warm-up runs", SAMPLES, WARMUP);
    time_rdtsc();
    time_cpuid();
    time_hypercall();
    time_port_in();
    time_mmio_read();
    time_page_fill();
    time_self_ipi();
    time_timer();
    time_syscall();
    time_cli_sti("cli-sti", 0);
    time_cli_sti("cli-sti-plain", PROFILE_PLAIN);
    time_pushf_popf("pushf-popf", 0);
    time_pushf_popf("pushf-popf-plain", PROFILE_PLAIN);
    time_cr3_reload();
}
