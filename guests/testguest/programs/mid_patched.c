/*
 * mid-instruction, patched: jumps into the middle of an instruction the VMM patches (a LAR whose
 * displacement holds INT3 and UD2, mid_patched.S), in ring 0 and in ring 3. Each must give the
 * fault the bytes jumped to give, where they give it: the patched instruction did not start
 * there and must never be emulated.
 */
#include "check.h"
#include "programs.h"
#include "traps.h"
#include "user.h"
#include "vectors.h"

void probe_patched_split(void);
void probe_jump(uint64_t);
uint64_t user_patched_split(uint64_t);

/* Offsets in the LAR: its displacement's INT3, then the UD2. */
#define SPLIT_INT3 3
#define SPLIT_UD2  4

static void kernel_split(void)
{
    uint64_t site = (uint64_t)(uintptr_t)probe_patched_split;
    trap_record_t r = {0};
    bool faulted = trap_probe(probe_jump, site + SPLIT_INT3, &r);
    check(faulted && r.vector == VECTOR_BP && r.rip == site + SPLIT_UD2,
          "ring 0, a jump into a patched LAR's displacement runs its INT3: #BP after it");
    faulted = trap_probe(probe_jump, site + SPLIT_UD2, &r);
    check(faulted && r.vector == VECTOR_UD && r.rip == site + SPLIT_UD2,
          "ring 0, a jump one byte further runs UD2 inside the LAR: #UD there");
}

static void user_split(void)
{
    uint64_t site = (uint64_t)(uintptr_t)user_patched_split;
    user_run_t run = {USER_ENTER_IRETQ,
                      (uint64_t(*)(uint64_t))(uintptr_t)(site + SPLIT_INT3),
                      0,
                      RFLAGS_IF,
                      0,
                      0};
    user_result_t r = user_run(&run);
    check(r.faulted && r.trap.vector == VECTOR_BP && r.trap.rip == site + SPLIT_UD2,
          "ring 3, a call into a patched LAR's displacement runs its INT3: #BP after it");
    run.entry = (uint64_t(*)(uint64_t))(uintptr_t)(site + SPLIT_UD2);
    r = user_run(&run);
    check(r.faulted && r.trap.vector == VECTOR_UD && r.trap.rip == site + SPLIT_UD2,
          "ring 3, a call one byte further runs UD2 inside the LAR: #UD there");
}

void mid_instruction_patched(void)
{
    kernel_split();
    user_split();
}
