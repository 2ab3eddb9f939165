/*
 * Hostile programs: what a guest must not be able to harm its host with. Bare under QEMU some
 * of them end the machine (a triple fault), one never ends; the runner knows which from the
 * program table. Under beaml4 each must end only its own VM, with a clear report.
 *
 *   user-privileged   ring 3 tries every privileged instruction: each must fault (#GP or
 *                     #UD) at that instruction, caught by the guest's own handler;
 *   mid-instruction   jumps into the middle of an instruction, whose bytes read on from there
 *                     are other instructions (INT3, UD2);
 *   wild-write        writes to guest-physical addresses outside RAM;
 *   bad-cr3           loads CR3 with an address outside RAM (triple fault);
 *   bad-idt           loads an empty IDT and faults (triple fault);
 *   no-stack          faults with RSP unmapped and no IST for #DF (triple fault);
 *   fault-loop        a #PF handler that fixes nothing: the same fault forever;
 *   halt-forever      CLI; HLT with nothing that could wake it: stopped, never ended.
 */
#include "check.h"
#include "cpu.h"
#include "desc.h"
#include "hypercall.h"
#include "memory.h"
#include "paging.h"
#include "programs.h"
#include "traps.h"
#include "user.h"
#include "vectors.h"

#define UPRIV(name) extern uint64_t upriv_##name(uint64_t)
UPRIV(cli);
UPRIV(sti);
UPRIV(hlt);
UPRIV(in);
UPRIV(out);
UPRIV(lgdt);
UPRIV(lidt);
UPRIV(lldt);
UPRIV(ltr);
UPRIV(lmsw);
UPRIV(clts);
UPRIV(mov_to_cr0);
UPRIV(mov_from_cr0);
UPRIV(mov_from_cr2);
UPRIV(mov_to_cr3);
UPRIV(mov_from_cr3);
UPRIV(mov_to_cr4);
UPRIV(mov_to_cr8);
UPRIV(mov_from_dr6);
UPRIV(mov_to_dr7);
UPRIV(rdmsr);
UPRIV(wrmsr);
UPRIV(invlpg);
UPRIV(invd);
UPRIV(wbinvd);
UPRIV(swapgs);
UPRIV(sysret);
UPRIV(rdtsc_tsd);
UPRIV(sgdt_umip);
UPRIV(sidt_umip);
UPRIV(smsw_umip);
UPRIV(str_umip);
UPRIV(sldt_umip);
UPRIV(mov_ss_kernel);
UPRIV(iretq_to_ring0);
uint64_t user_hypercall_intel(uint64_t);
uint64_t user_hypercall_amd(uint64_t);

typedef struct privileged_case {
    const char *name;
    uint64_t (*probe)(uint64_t);
    uint64_t vector;
    uint64_t error_code;
    uint64_t rip_offset; /* of the faulting instruction from the routine's start */
} privileged_case_t;

#define GP(name, text)                                                                             \
    {                                                                                              \
        text, upriv_##name, VECTOR_GP, 0, 0                                                        \
    }

static const privileged_case_t always[] = {
        GP(cli, "CLI"),
        GP(sti, "STI"),
        GP(hlt, "HLT"),
        GP(in, "IN"),
        GP(out, "OUT"),
        GP(lgdt, "LGDT"),
        GP(lidt, "LIDT"),
        GP(lldt, "LLDT"),
        GP(ltr, "LTR"),
        GP(lmsw, "LMSW"),
        GP(clts, "CLTS"),
        GP(mov_to_cr0, "MOV to CR0"),
        GP(mov_from_cr0, "MOV from CR0"),
        GP(mov_from_cr2, "MOV from CR2"),
        GP(mov_to_cr3, "MOV to CR3"),
        GP(mov_from_cr3, "MOV from CR3"),
        GP(mov_to_cr4, "MOV to CR4"),
        GP(mov_to_cr8, "MOV to CR8"),
        GP(mov_from_dr6, "MOV from DR6"),
        GP(mov_to_dr7, "MOV to DR7"),
        GP(rdmsr, "RDMSR"),
        GP(wrmsr, "WRMSR"),
        GP(invlpg, "INVLPG"),
        GP(invd, "INVD"),
        GP(wbinvd, "WBINVD"),
        GP(swapgs, "SWAPGS"),
        GP(sysret, "SYSRET"),
        /* MOV SS with the kernel's data selector (RPL 0 != CPL 3): #GP(selector); the MOV
         * to AX before it is 4 bytes. */
        {"MOV SS, kernel selector", upriv_mov_ss_kernel, VECTOR_GP, SEL_KERNEL_DATA, 4},
        /* IRETQ to CPL 0: #GP(return CS); five pushes before it take 2+1+1+2+2 bytes. */
        {"IRETQ to ring 0", upriv_iretq_to_ring0, VECTOR_GP, SEL_KERNEL_CODE, 8},
};

static const privileged_case_t with_umip[] = {
        GP(sgdt_umip, "SGDT"), GP(sidt_umip, "SIDT"), GP(smsw_umip, "SMSW"),
        GP(str_umip, "STR"),   GP(sldt_umip, "SLDT"),
};

static void try_case(const privileged_case_t *c, const char *condition)
{
    user_run_t run = {USER_ENTER_IRETQ, c->probe, 0, RFLAGS_IF, 0, 0};
    user_result_t r = user_run(&run);
    uint64_t at = (uint64_t)(uintptr_t)c->probe + c->rip_offset;
    check(r.faulted && r.trap.vector == c->vector && r.trap.error_code == c->error_code &&
                  r.trap.rip == at && (r.trap.cs & 3) == 3,
          "%s in ring 3%s: %s(%#llx) at the instruction", c->name, condition,
          c->vector == VECTOR_GP ? "#GP" : "#UD", (unsigned long long)c->error_code);
}

void program_hostile_privileged(void)
{
    for (unsigned i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
        try_case(&always[i], "");
    }
    privileged_case_t tsd = GP(rdtsc_tsd, "RDTSC");
    write_cr4(read_cr4() | CR4_TSD);
    try_case(&tsd, " with CR4.TSD set");
    write_cr4(read_cr4() & ~CR4_TSD);

    privileged_case_t hypercall_insn = {
            cpu_vendor_is_intel() ? "VMCALL" : "VMMCALL",
            cpu_vendor_is_intel() ? user_hypercall_intel : user_hypercall_amd, VECTOR_UD, 0, 2};
    try_case(&hypercall_insn, "");

    if (!cpu_has_umip()) {
        skip("SGDT, SIDT, SMSW, STR, SLDT: CPUID has no UMIP");
        return;
    }
    write_cr4(read_cr4() | CR4_UMIP);
    for (unsigned i = 0; i < sizeof(with_umip) / sizeof(with_umip[0]); i++) {
        try_case(&with_umip[i], " with CR4.UMIP set");
    }
    write_cr4(read_cr4() & ~CR4_UMIP);
}

void probe_jump(uint64_t);
uint64_t probe_split_instruction(void);
extern char probe_split_target[];

void program_hostile_mid_instruction(void)
{
    check_eq(probe_split_instruction(), 0x0b0fcc90, "the whole instruction: MOV EAX, 0x0b0fcc90");
    uint64_t target = (uint64_t)(uintptr_t)probe_split_target;
    trap_record_t r = {0};
    bool faulted = trap_probe(probe_jump, target, &r);
    check(faulted && r.vector == VECTOR_BP && r.rip == target + 2,
          "a jump to its immediate runs NOP, then INT3: #BP after the INT3");
    faulted = trap_probe(probe_jump, target + 2, &r);
    check(faulted && r.vector == VECTOR_UD && r.rip == target + 2,
          "a jump two bytes further runs UD2: #UD there");
    mid_instruction_patched();
}

/* Far outside RAM, yet below every MAXPHYADDR that has long mode (36 bits at least). */
#define OUTSIDE_RAM (32ull << 30)

void program_hostile_wild_write(void)
{
    uint64_t root = paging_kernel_root();
    paging_map(root, PAGING_TEST_BASE, OUTSIDE_RAM, LEVEL_4K, PTE_P | PTE_W | paging_nx());
    uint64_t ram_end = 0;
    for (unsigned i = 0; i < boot_info.ram_count; i++) {
        uint64_t end = boot_info.ram[i].base + boot_info.ram[i].length;
        ram_end = end > ram_end && end < IDENTITY_MAP_LIMIT ? end : ram_end;
    }
    paging_map(root, PAGING_TEST_BASE + PAGE_SIZE, ram_end + (16ull << 20), LEVEL_4K,
               PTE_P | PTE_W | paging_nx());
    say("writing to guest-physical 32 GiB and to 16 MiB past the end of RAM");
    for (uint64_t i = 0; i < 2 * PAGE_SIZE; i += 8) {
        *(volatile uint64_t *)(uintptr_t)(PAGING_TEST_BASE + i) = 0xbadbadbadbadull;
    }
    say("still running after the writes");
}

void program_hostile_bad_cr3(void)
{
    say("loading CR3 with an address outside RAM");
    write_cr3(OUTSIDE_RAM);
    say("FAIL: still running");
}

void program_hostile_bad_idt(void)
{
    say("loading an empty IDT, then UD2");
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty = {0, 0};
    __asm__ volatile("lidt %0; ud2" ::"m"(empty));
    say("FAIL: still running");
}

void probe_push_on(uint64_t);

void program_hostile_no_stack(void)
{
    say("faulting with RSP unmapped and no IST stack for #DF");
    idt_set_gate(VECTOR_DF, 0, 0, 1);
    probe_push_on(PAGING_TEST_BASE + 0x10000);
    say("FAIL: still running");
}

static bool ignore_page_fault(trap_frame_t *frame)
{
    (void)frame;
    return true;
}

void program_hostile_fault_loop(void)
{
    say("a #PF handler that fixes nothing, then a read of an absent page");
    trap_set_handler(VECTOR_PF, ignore_page_fault);
    (void)*(volatile uint64_t *)(uintptr_t)PAGING_TEST_BASE;
    say("FAIL: still running");
}

void program_hostile_halt_forever(void)
{
    say("CLI; HLT with every interrupt source masked");
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}
