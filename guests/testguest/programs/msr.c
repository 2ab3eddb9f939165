/*
 * msr: model-specific registers as the architecture defines them. EFER shows long mode active
 * and the bits the guest set, and its SCE bit really gates SYSCALL; PAT has its power-on
 * value and keeps what is written; IA32_TSC_AUX, FS/GS bases and the SYSCALL MSRs read back.
 *
 * msr-unknown: reading or writing an MSR that does not exist raises #GP(0) on hardware. QEMU
 * 7.2 TCG reads 0 and drops the write instead, so bare QEMU is no reference for it: the
 * program prints what happened, checks the fault when one comes, and is marked as one whose
 * output differs under beaml4 (whose MSR policy raises #GP).
 */
#include "check.h"
#include "cpu.h"
#include "programs.h"
#include "traps.h"
#include "user.h"
#include "vectors.h"

void probe_rdmsr(uint64_t);
void probe_wrmsr(uint64_t);
void probe_syscall(uint64_t);
extern char probe_rdmsr_insn[], probe_wrmsr_insn[], probe_syscall_insn[];

#define PAT_POWER_ON 0x0007040600070406ull
#define PAT_OTHER    0x0007010600070106ull
#define NO_SUCH_MSR  0x4b5c6d7eu /* outside every range either vendor documents */

typedef struct msr_write {
    uint64_t index;
    uint64_t value;
} msr_write_t;

static void efer(void)
{
    uint64_t value = rdmsr(MSR_EFER);
    check((value & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA), "EFER: LME and LMA set");
    check(value & EFER_SCE, "EFER: SCE set (the guest uses SYSCALL)");
    check(!cpu_has_nx() || (value & EFER_NXE), "EFER: NXE set where CPUID has NX");
    wrmsr(MSR_EFER, value & ~EFER_SCE);
    bool cleared = !(rdmsr(MSR_EFER) & EFER_SCE);
    trap_record_t r = {0};
    bool faulted = trap_probe(probe_syscall, 0, &r);
    wrmsr(MSR_EFER, value);
    check(cleared && faulted && r.vector == VECTOR_UD &&
                  r.rip == (uint64_t)(uintptr_t)probe_syscall_insn,
          "EFER.SCE cleared: it reads back clear and SYSCALL raises #UD");
    check_eq(rdmsr(MSR_EFER), value, "EFER: the old value written back reads back");
}

static void pat(void)
{
    check_eq(rdmsr(MSR_PAT), PAT_POWER_ON, "PAT holds its power-on value");
    wrmsr(MSR_PAT, PAT_OTHER);
    check_eq(rdmsr(MSR_PAT), PAT_OTHER, "PAT keeps a value written to it");
    wrmsr(MSR_PAT, PAT_POWER_ON);
}

static void read_back(uint32_t index, uint64_t value, const char *name)
{
    uint64_t old = rdmsr(index);
    wrmsr(index, value);
    check_eq(rdmsr(index), value, "%s reads back what was written", name);
    wrmsr(index, old);
}

void program_msr(void)
{
    efer();
    pat();
    if (cpu_has_rdtscp() || cpu_has_rdpid()) {
        read_back(MSR_TSC_AUX, 0x89abcdef, "IA32_TSC_AUX");
    } else {
        skip("IA32_TSC_AUX: CPUID has neither rdtscp nor rdpid");
    }
    read_back(MSR_FS_BASE, 0x00007fffdeadb000ull, "FS_BASE");
    read_back(MSR_GS_BASE, 0xffff800012345000ull, "GS_BASE");
    read_back(MSR_KERNEL_GS_BASE, 0x0000123456789000ull, "KERNEL_GS_BASE");
    read_back(MSR_LSTAR, 0xffffffff81000000ull, "LSTAR");
    read_back(MSR_SFMASK, SYSCALL_SFMASK | RFLAGS_CF, "SFMASK");
}

/* One access to the MSR that does not exist: prints the outcome, checks a fault's details. */
static void unknown_access(const char *what, void (*probe)(uint64_t), uint64_t arg,
                           const char *insn)
{
    trap_record_t r = {0};
    if (!trap_probe(probe, arg, &r)) {
        say("%s %#x: no fault", what, NO_SUCH_MSR);
        return;
    }
    say("%s %#x: exception %llu", what, NO_SUCH_MSR, (unsigned long long)r.vector);
    check(r.vector == VECTOR_GP && r.error_code == 0 && r.rip == (uint64_t)(uintptr_t)insn,
          "%s of an MSR that does not exist: #GP(0) at the instruction", what);
}

void program_msr_unknown(void)
{
    say("reference: hardware and beaml4 (QEMU 7.2 TCG ignores unknown MSRs)");
    unknown_access("RDMSR", probe_rdmsr, NO_SUCH_MSR, probe_rdmsr_insn);
    msr_write_t bogus = {NO_SUCH_MSR, 1};
    unknown_access("WRMSR", probe_wrmsr, (uint64_t)(uintptr_t)&bogus, probe_wrmsr_insn);
}
