/*
 * tsc: the time-stamp counter never goes back on one CPU; RDTSCP returns IA32_TSC_AUX in ECX
 * and RDPID returns it alone, where CPUID offers them; CR4.TSD restricts RDTSC to ring 0 (the
 * ring-3 side is in the privileged program) but not in ring 0 itself.
 */
#include "check.h"
#include "cpu.h"
#include "programs.h"
#include "traps.h"

#define READS 10000

static void rdtsc_in_ring0(uint64_t unused)
{
    (void)unused;
    (void)rdtsc();
}

void program_tsc(void)
{
    uint64_t first = rdtsc();
    uint64_t previous = first;
    bool monotonic = true;
    for (int i = 0; i < READS; i++) {
        uint64_t now = rdtsc();
        monotonic = monotonic && now >= previous;
        previous = now;
    }
    check(monotonic, "%d RDTSC reads never go back", READS);
    check(previous > first, "the TSC advances");
    figure("%llu TSC ticks for %d RDTSC", (unsigned long long)(previous - first), READS);

    if (cpu_has_rdtscp()) {
        wrmsr(MSR_TSC_AUX, 0x5a5);
        uint32_t lo, hi, aux;
        __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
        uint64_t value = ((uint64_t)hi << 32) | lo;
        check(aux == 0x5a5 && value >= previous, "RDTSCP: ECX is IA32_TSC_AUX, the TSC goes on");
    } else {
        skip("RDTSCP: CPUID has no rdtscp");
    }
    if (cpu_has_rdpid()) {
        wrmsr(MSR_TSC_AUX, 0x1a2b);
        uint64_t pid;
        __asm__ volatile("rdpid %0" : "=r"(pid));
        check_eq(pid, 0x1a2b, "RDPID returns IA32_TSC_AUX");
    } else {
        skip("RDPID: CPUID has no rdpid");
    }

    write_cr4(read_cr4() | CR4_TSD);
    trap_record_t r;
    check(!trap_probe(rdtsc_in_ring0, 0, &r), "with CR4.TSD set, RDTSC still works in ring 0");
    write_cr4(read_cr4() & ~CR4_TSD);
}
