/*
 * hypercall: beaml4's hypercall ABI from the guest side (docs/hypercalls.md). Bare, there is no
 * signature and the program says so in one line; under beaml4 it checks VERSION, CONSOLE_WRITE
 * (its text appears in the output, between two lines of its own), every error value, and that
 * the instruction raises #UD in ring 3. Its output therefore differs from bare by design.
 */
#include "check.h"
#include "console.h"
#include "cpu.h"
#include "hypercall.h"
#include "memory.h"
#include "programs.h"
#include "user.h"
#include "vectors.h"

uint64_t user_hypercall_intel(uint64_t);
uint64_t user_hypercall_amd(uint64_t);

static const char message[] = "hypercall: this line was written by CONSOLE_WRITE\n";

void program_hypercall(void)
{
    if (!hypercall_available()) {
        say("no beaml4 signature");
        return;
    }
    cpuid_regs_t leaf = cpuid(HYPERCALL_CPUID_LEAF, 0);
    check(leaf.eax >= HYPERCALL_CPUID_LEAF, "leaf 0x40000000 names its highest leaf");
    check_eq((uint64_t)hypercall(HC_VERSION, 0, 0, 0, 0), 1, "VERSION returns 1");

    uint64_t length = sizeof(message) - 1;
    int64_t written = hypercall(HC_CONSOLE_WRITE, virt_to_phys(message), length, 0, 0);
    check_eq((uint64_t)written, length, "CONSOLE_WRITE returns the length written");
    check_eq((uint64_t)hypercall(HC_CONSOLE_WRITE, 1ull << 52, 8, 0, 0), (uint64_t)HC_EFAULT,
             "CONSOLE_WRITE outside guest RAM returns -14");
    check_eq((uint64_t)hypercall(HC_CONSOLE_WRITE, virt_to_phys(message), 4097, 0, 0),
             (uint64_t)HC_EINVAL, "CONSOLE_WRITE of more than 4096 bytes returns -22");
    check_eq((uint64_t)hypercall(0x7fff, 0, 0, 0, 0), (uint64_t)HC_ENOSYS,
             "an unknown number returns -38");

    user_run_t run = {USER_ENTER_IRETQ,
                      cpu_vendor_is_intel() ? user_hypercall_intel : user_hypercall_amd,
                      0,
                      RFLAGS_IF,
                      0,
                      0};
    user_result_t r = user_run(&run);
    check(r.faulted && r.trap.vector == VECTOR_UD, "the hypercall instruction in ring 3: #UD");
}
