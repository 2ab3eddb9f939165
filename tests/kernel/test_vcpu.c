/*
 * VCPUs at work: the test guest (vcpu_guest.S) run through seL4_VMEnter from the suite's root
 * thread as its VMM, on VMX or SVM as the CPU offers. Each test checks the exits the guest must
 * cause (reason, qualification, guest-physical address, instruction length where the CPU reports
 * it), that register changes travel both ways, that event injection reaches the guest's IDT,
 * that a host interrupt preempts a spinning guest, that guest-physical mappings removed are gone
 * at once, that the guest's FPU state is its own, and that the host's state survives every exit.
 * Where the machine has neither, each test checks the refusal instead: no VCPU or guest-physical
 * object can be made (VCPU_OR_REFUSED).
 */
#include "groups.h"
#include "vcpu_vm.h"
#include <runtime/tsc.h>

#define RFLAGS_IF        0x200ull
#define EVENT_VALID      (1ull << 31) /* VMX interruption info and SVM EVENTINJ alike */
#define VMX_IO_IN        (1ull << 3)
#define VMX_IO_IMMEDIATE (1ull << 6)
#define SVM_IO_IN        (1ull << 0)
#define SVM_IO_SIZE8     (1ull << 4)
#define SVM_NPF_PRESENT  (1ull << 0)
#define SVM_NPF_WRITE    (1ull << 1)
#define IO_PORT(q)       ((q) >> 16 & 0xffff)
#define GUEST_MMIO_READ  2                      /* movl (%rbx), %eax */
#define GUEST_RO_WRITE   6                      /* movl $0x99, (%rbx) */
#define STACK_FRAME_RIP  (GUEST_STACK_TOP - 40) /* the interrupt frame: RIP, CS, RFLAGS, RSP, SS */

static void cpuid(uint32_t leaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
    __asm__ volatile("cpuid" : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx) : "a"(leaf), "c"(0));
}

/* The guest's registers of an exit, with some replaced, written back. */
static seL4_Error set_guest_registers(const test_vm_t *vm, const test_vm_exit_t *exit,
                                      const seL4_Word *values, unsigned mask)
{
    seL4_VCPUContext context;
    seL4_Word *words = (seL4_Word *)&context;

    for (int i = 0; i < seL4_VCPUContext_Count; i++) {
        words[i] = (mask & (1u << i)) ? values[i] : test_vm_gpr(exit, i);
    }
    return seL4_X86_VCPU_WriteRegisters(vm->vcpu, &context);
}

static void test_features_reported(test_env_t *env)
{
    const seL4_X86_VirtFeatures *f = test_vm_features(env);
    uint32_t eax, ebx, ecx, edx, max;
    bool vmx, svm;

    TEST_CHECK(env, f != NULL, "no virtualization chunk in the boot info");
    cpuid(1, &eax, &ebx, &ecx, &edx);
    vmx = (ecx >> 5) & 1;
    cpuid(0x80000000, &max, &ebx, &ecx, &edx);
    cpuid(0x80000001, &eax, &ebx, &ecx, &edx);
    svm = (ecx >> 2) & 1;
    if (f->kind == seL4_X86_Virt_None) {
        /* Absent: a reason that fits the CPU, and no VCPU or guest-physical object to be had. */
        TEST_CHECK(env, (f->absent == seL4_X86_VirtAbsent_NotInCPU) == !(vmx || svm),
                   "absence reason %u does not fit CPUID (vmx %d svm %d)", f->absent, vmx, svm);
        TEST_CHECK(env, !test_vm_or_refused(env), "no VMX or SVM, yet VCPUs");
        printf("vcpu: no hardware virtualization (absent reason %u); VCPU objects refused\n",
               f->absent);
        return;
    }
    TEST_CHECK(env, f->kind == (vmx ? seL4_X86_Virt_VMX : seL4_X86_Virt_SVM) && (vmx || svm),
               "kind %u with CPUID vmx %d svm %d", f->kind, vmx, svm);
    for (int i = 0; i < seL4_X86_VirtControlWords; i++) {
        TEST_CHECK(env, (f->settable[i] & f->forced[i]) == 0, "word %d: settable and forced", i);
    }
    if (f->kind == seL4_X86_Virt_VMX) {
        TEST_CHECK(env, (f->flags & seL4_X86_Virt_EPT) != 0, "VMX without EPT");
        TEST_EQ(env,
                f->forced[0] & (seL4_VMX_Pin_ExternalInterruptExiting | seL4_VMX_Pin_NMIExiting),
                seL4_VMX_Pin_ExternalInterruptExiting | seL4_VMX_Pin_NMIExiting);
        TEST_EQ(env, f->forced[1] & (seL4_VMX_Proc_UseIOBitmaps | seL4_VMX_Proc_UseMSRBitmaps),
                seL4_VMX_Proc_UseIOBitmaps | seL4_VMX_Proc_UseMSRBitmaps);
        TEST_CHECK(env, (f->forced[2] & seL4_VMX_Proc2_EnableEPT) != 0, "EPT not forced");
    } else {
        uint32_t needed = seL4_SVM_Intercept_INTR | seL4_SVM_Intercept_IOIO |
                          seL4_SVM_Intercept_MSR | seL4_SVM_Intercept_Shutdown;
        TEST_CHECK(env, (f->flags & seL4_X86_Virt_NPT) != 0 && f->guest_tags >= 1, "no NPT/ASIDs");
        TEST_EQ(env, f->forced[0] & needed, needed);
        TEST_CHECK(env, (f->forced[1] & seL4_SVM_Intercept2_CLGI) != 0, "CLGI not intercepted");
    }
    printf("vcpu: %s, flags %#lx, %u guest tags\n", f->kind == seL4_X86_Virt_VMX ? "VMX" : "SVM",
           (unsigned long)f->flags, f->guest_tags);
}

/* CPUID exits with the guest's RAX/RCX; the VMM's answer arrives in the guest's registers. */
static void test_exit_cpuid(test_env_t *env)
{
    static const seL4_Word answer[4] = {0x1111, 0x2222, 0x3333, 0x4444};
    static const seL4_Word leaf[3] = {0, 0, 0x5a};
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_Word next;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    TEST_OK(env, set_guest_registers(&vm, &(test_vm_exit_t){0}, leaf, 0x7));
    test_vm_enter(&vm, test_vm_guest(guest_cpuid), 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_CPUID, 2, &next), "cpuid");
    TEST_EQ(env, exit.mr[SEL4_VMENTER_CALL_EIP_MR], test_vm_guest(guest_cpuid));
    TEST_EQ(env, test_vm_gpr(&exit, VCPU_GPR_RAX), 0);
    TEST_EQ(env, test_vm_gpr(&exit, VCPU_GPR_RCX), 0x5a);
    TEST_EQ(env, next, test_vm_guest(guest_cpuid_after));
    TEST_OK(env, set_guest_registers(&vm, &exit, answer, 0xf));
    test_vm_enter(&vm, next, 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
               "hypercall");
    for (int i = 0; i < 4; i++) {
        TEST_EQ(env, test_vm_gpr(&exit, VCPU_GPR_R8 + i), answer[i]);
    }
}

/* Every general register written by the VMM comes back incremented by the guest; ReadRegisters
 * agrees with the exit's message registers; CR2 travels too. */
static void test_register_round_trip(test_env_t *env)
{
    seL4_Word values[seL4_VCPUContext_Count];
    seL4_VCPUContext read;
    seL4_Word cr2 = 0;
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_Word next;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < seL4_VCPUContext_Count; i++) {
            values[i] = 0x0102030405060708ull * (seL4_Word)(i + 1) + (seL4_Word)round * 0x1000;
        }
        TEST_OK(env, seL4_X86_VCPU_WriteRegistersCR2(vm.vcpu, (seL4_VCPUContext *)values,
                                                     0xdead0000 + (seL4_Word)round));
        test_vm_enter(&vm, round == 0 ? test_vm_guest(guest_registers) : next, 0, &exit);
        TEST_CHECK(
                env,
                test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, &next),
                "hypercall");
        TEST_OK(env, seL4_X86_VCPU_ReadRegisters(vm.vcpu, &read, &cr2));
        for (int i = 0; i < seL4_VCPUContext_Count; i++) {
            TEST_EQ(env, test_vm_gpr(&exit, i), values[i] + 1);
            TEST_EQ(env, ((seL4_Word *)&read)[i], values[i] + 1);
        }
        TEST_EQ(env, cr2, 0xdead0000 + (seL4_Word)round);
    }
}

/* OUT to a port the VMM did not open exits with the port, size and direction; opening it with an
 * I/O port capability lets the OUT run; deleting the capability, or DisableIOPort, closes it. */
static int out80_exits(test_env_t *env, test_vm_t *vm, seL4_Word *rip, bool *io)
{
    test_vm_exit_t exit;

    test_vm_enter(vm, *rip, 0, &exit);
    *io = test_vm_exit_is(vm, &exit, VM_EXIT_IO);
    if (*io) {
        seL4_Word q = exit.mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR];
        if (IO_PORT(q) != 0x80 || (test_vm_gpr(&exit, VCPU_GPR_RAX) & 0xff) != 0x42 ||
            (vm->svm ? (q & (SVM_IO_IN | SVM_IO_SIZE8)) != SVM_IO_SIZE8
                     : (q & (VMX_IO_IN | VMX_IO_IMMEDIATE | 7)) != VMX_IO_IMMEDIATE)) {
            test_fail(env, __LINE__, "OUT exit with qualification %#lx", (unsigned long)q);
            return 0;
        }
        return test_vm_expect(env, vm, &exit, VM_EXIT_IO, 2, rip);
    }
    /* Past the OUT: the hypercall, then back to the OUT. */
    if (!test_vm_expect(env, vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL)) {
        return 0;
    }
    *rip = test_vm_guest(guest_out80);
    return 1;
}

static void test_exit_io_port(test_env_t *env)
{
    seL4_Word rip = test_vm_guest(guest_out80);
    seL4_CPtr port = test_slot(env);
    test_vm_t vm;
    test_vm_exit_t exit;
    bool io;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    TEST_CHECK(env, out80_exits(env, &vm, &rip, &io) && io, "closed port 0x80 did not exit");
    TEST_CHECK(env, out80_exits(env, &vm, &rip, &io) && !io, "no hypercall after the OUT");
    TEST_OK(env, seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x80, 0x80, ROOT_CNODE, port,
                                              ROOT_DEPTH));
    TEST_OK(env, seL4_X86_VCPU_EnableIOPort(vm.vcpu, port, 0x80, 0x80));
    TEST_CHECK(env, out80_exits(env, &vm, &rip, &io) && !io, "open port 0x80 exited");
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, port, ROOT_DEPTH));
    TEST_CHECK(env, out80_exits(env, &vm, &rip, &io) && io, "port open after its cap went");
    TEST_CHECK(env, out80_exits(env, &vm, &rip, &io) && !io, "no hypercall after the OUT");
    TEST_OK(env, seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x80, 0x80, ROOT_CNODE, port,
                                              ROOT_DEPTH));
    TEST_OK(env, seL4_X86_VCPU_EnableIOPort(vm.vcpu, port, 0x80, 0x80));
    TEST_OK(env, seL4_X86_VCPU_DisableIOPort(vm.vcpu, 0x80, 0x80));
    TEST_CHECK(env, out80_exits(env, &vm, &rip, &io) && io, "port open after DisableIOPort");
    test_vm_enter(&vm, test_vm_guest(guest_out_dx), 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_IO, 1, NULL), "OUT DX");
    TEST_EQ(env, IO_PORT(exit.mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR]), 0x1234);
    TEST_EQ(env, test_vm_gpr(&exit, VCPU_GPR_RAX) & 0xff, 0x43);
}

static void test_exit_hlt_and_hypercall(test_env_t *env)
{
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_Word next;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    test_vm_enter(&vm, test_vm_guest(guest_hlt), 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_HLT, 1, &next), "hlt");
    TEST_EQ(env, exit.mr[SEL4_VMENTER_CALL_EIP_MR], test_vm_guest(guest_hlt));
    test_vm_enter(&vm, next, 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
               "hypercall");
    TEST_CHECK(env, (exit.mr[SEL4_VMENTER_FAULT_RFLAGS_MR] & 0x2) != 0, "RFLAGS %#lx",
               (unsigned long)exit.mr[SEL4_VMENTER_FAULT_RFLAGS_MR]);
    TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_CR3_MR], GUEST_PML4);
}

/* A read of an unmapped guest-physical page and a write to a read-only one: the address, the
 * kind of access, and the VMM's emulated value arriving in the guest. */
static void test_exit_guest_physical(test_env_t *env)
{
    static const seL4_Word emulated[1] = {GUEST_MMIO_VAL};
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_Word next;
    seL4_Word q;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    test_vm_enter(&vm, test_vm_guest(guest_mmio), 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_GUEST_PHYSICAL, GUEST_MMIO_READ, &next),
               "unmapped read");
    q = exit.mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR];
    TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR], GUEST_UNMAPPED);
    TEST_CHECK(env,
               vm.svm ? (q & (SVM_NPF_PRESENT | SVM_NPF_WRITE)) == 0
                      : (q & (seL4_VMX_EPT_Read | seL4_VMX_EPT_Write)) == seL4_VMX_EPT_Read,
               "read qualification %#lx", (unsigned long)q);
    TEST_OK(env, set_guest_registers(&vm, &exit, emulated, 0x1));
    test_vm_enter(&vm, next, 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, &next),
               "hypercall");
    TEST_EQ(env, test_vm_gpr(&exit, VCPU_GPR_RAX), GUEST_MMIO_VAL);
    test_vm_enter(&vm, next, 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_GUEST_PHYSICAL, GUEST_RO_WRITE, &next),
               "read-only write");
    q = exit.mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR];
    TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR], GUEST_READONLY);
    TEST_CHECK(
            env,
            vm.svm ? (q & (SVM_NPF_PRESENT | SVM_NPF_WRITE)) == (SVM_NPF_PRESENT | SVM_NPF_WRITE)
                   : (q & (seL4_VMX_EPT_Write | seL4_VMX_EPT_Readable | seL4_VMX_EPT_Writable)) ==
                             (seL4_VMX_EPT_Write | seL4_VMX_EPT_Readable),
            "write qualification %#lx", (unsigned long)q);
    test_vm_enter(&vm, next, 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, &next),
               "hypercall");
    test_vm_enter(&vm, next, 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
               "hypercall after the read");
    TEST_EQ(env, test_vm_gpr(&exit, VCPU_GPR_RAX), GUEST_RO_WORD);
}

/* After an interrupt's delivery: the handler ran (its hypercall, its mark in RAX, RIP inside
 * it), the event field is clear, and the frame holds the interrupted RIP and code selector. */
static void handler_ran(test_env_t *env, const test_vm_t *vm, const test_vm_exit_t *exit,
                        seL4_Word next)
{
    seL4_Word frame[2];

    TEST_CHECK(env, test_vm_expect(env, vm, exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
               "no hypercall from the handler");
    TEST_EQ(env, test_vm_gpr(exit, VCPU_GPR_RAX), GUEST_MARK_IRQ);
    TEST_CHECK(env,
               exit->mr[SEL4_VMENTER_CALL_EIP_MR] >= test_vm_guest(guest_irq_handler) &&
                       exit->mr[SEL4_VMENTER_CALL_EIP_MR] < test_vm_guest(guest_irq_handler_end),
               "RIP %#lx outside the handler", (unsigned long)exit->mr[SEL4_VMENTER_CALL_EIP_MR]);
    TEST_EQ(env, exit->mr[SEL4_VMENTER_CALL_CONTROL_ENTRY_MR] & EVENT_VALID, 0);
    memcpy(frame, vm->memory + STACK_FRAME_RIP, sizeof(frame));
    TEST_EQ(env, frame[0], next); /* delivered before the instruction at next ran */
    TEST_EQ(env, frame[1], GUEST_SEL_CODE);
}

/* An external interrupt injected at entry runs the guest's IDT handler, with the interrupted RIP
 * on its stack; the VMM learns that the event was delivered. */
static void test_event_injection(test_env_t *env)
{
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_Word next;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    test_vm_enter(&vm, test_vm_guest(guest_sti), 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, &next),
               "hypercall after STI");
    TEST_CHECK(env, (exit.mr[SEL4_VMENTER_FAULT_RFLAGS_MR] & RFLAGS_IF) != 0, "IF clear");
    /* next is guest_spin on SVM (VMMCALL ends the hypercall), the jump to it on VMX. */
    TEST_CHECK(env, next > test_vm_guest(guest_sti) && next <= test_vm_guest(guest_spin),
               "hypercall at %#lx", (unsigned long)exit.mr[SEL4_VMENTER_CALL_EIP_MR]);
    test_vm_enter(&vm, next, EVENT_VALID | GUEST_VECTOR, &exit);
    handler_ran(env, &vm, &exit, next);
}

/* An injected interrupt whose IDT gate lies in an unmapped guest-physical page: the exit during
 * its delivery leaves the event in MR2 for the next entry; once the page is back, entering with
 * MR2 as it came delivers it, with the same frame as if nothing had happened. */
static void test_event_carried_over_an_exit(test_env_t *env)
{
    const seL4_Word idt_page = GUEST_IDT / 0x1000;
    const seL4_Word event = EVENT_VALID | GUEST_VECTOR;
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_Word next;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    test_vm_enter(&vm, test_vm_guest(guest_sti), 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, &next),
               "hypercall after STI");
    TEST_OK(env, seL4_X86_Page_Unmap(vm.guest_frames[idt_page]));
    test_vm_enter(&vm, next, event, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_GUEST_PHYSICAL, 0, NULL),
               "the gate's read exits");
    TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR] & ~0xfull,
            GUEST_IDT + GUEST_VECTOR * 16);
    TEST_EQ(env, exit.mr[SEL4_VMENTER_CALL_EIP_MR], next);
    TEST_EQ(env, exit.mr[SEL4_VMENTER_CALL_CONTROL_ENTRY_MR] & (EVENT_VALID | 0x7ff), event);
    TEST_OK(env, seL4_X86_Page_MapEPT(vm.guest_frames[idt_page], vm.root, GUEST_IDT, seL4_ReadWrite,
                                      seL4_X86_Default_VMAttributes));
    test_vm_enter(&vm, exit.mr[SEL4_VMENTER_CALL_EIP_MR],
                  exit.mr[SEL4_VMENTER_CALL_CONTROL_ENTRY_MR], &exit);
    handler_ran(env, &vm, &exit, next);
}

/* TSC_AUX is a per-VCPU MSR (RDTSCP's ECX): kept, its reserved half refused, and the host's
 * (0) back after every run. */
static void test_tsc_aux_per_vcpu(test_env_t *env)
{
    test_vm_t vm;
    test_vm_exit_t exit;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    TEST_EQ(env, seL4_X86_VCPU_ReadMSR(vm.vcpu, seL4_VCPU_MSR_TSC_AUX).value, 0);
    TEST_OK(env, seL4_X86_VCPU_WriteMSR(vm.vcpu, seL4_VCPU_MSR_TSC_AUX, 0x12345678).error);
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_WriteMSR(vm.vcpu, seL4_VCPU_MSR_TSC_AUX, 1ull << 32).error,
                    seL4_InvalidArgument);
    TEST_EQ(env, seL4_X86_VCPU_ReadMSR(vm.vcpu, seL4_VCPU_MSR_TSC_AUX).value, 0x12345678);
    test_vm_enter(&vm, test_vm_guest(guest_cpuid), 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_CPUID, 2, NULL), "cpuid");
    TEST_EQ(env, seL4_DebugHostStateCheck(), 0);
    TEST_EQ(env, seL4_X86_VCPU_ReadMSR(vm.vcpu, seL4_VCPU_MSR_TSC_AUX).value, 0x12345678);
}

/* DR6 through the MSR calls (beaml4's seL4_VCPU_REG_DR6): its reset value, kept across a run
 * that does not touch it, its reserved half refused, and the host's DR6 as booted after it. */
static void test_dr6_per_vcpu(test_env_t *env)
{
    test_vm_t vm;
    test_vm_exit_t exit;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    TEST_EQ(env, seL4_X86_VCPU_ReadMSR(vm.vcpu, seL4_VCPU_REG_DR6).value & 0xffffffffull,
            0xffff0ff0ull);
    TEST_OK(env, seL4_X86_VCPU_WriteMSR(vm.vcpu, seL4_VCPU_REG_DR6, 0xffff4ff1ull).error);
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_WriteMSR(vm.vcpu, seL4_VCPU_REG_DR6, 1ull << 32).error,
                    seL4_InvalidArgument);
    test_vm_enter(&vm, test_vm_guest(guest_cpuid), 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_CPUID, 2, NULL), "cpuid");
    TEST_EQ(env, seL4_DebugHostStateCheck(), 0);
    TEST_EQ(env, seL4_X86_VCPU_ReadMSR(vm.vcpu, seL4_VCPU_REG_DR6).value & 0x400full, 0x4001ull);
}

/* Signals the root's bound notification once it gets the CPU: only a timer interrupt taking the
 * CPU from the root's spinning guest lets it run. */
static volatile seL4_Word signaller_ran;

static void signaller(seL4_Word ntfn)
{
    signaller_ran = 1;
    seL4_Signal((seL4_CPtr)ntfn);
    for (;;) {
        seL4_Yield();
    }
}

/* The guest at `loop` (which spins until the end of time) gives up the CPU to the signaller; the
 * signal ends the root's VMEnter, the guest's RIP within [loop, end). */
static void interrupt_preempts(test_env_t *env, const char *loop, const char *end)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 1);
    test_thread_opts_t opts = {0};
    thread_t thread;
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_Word spin = 0;

    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    TEST_OK(env, seL4_TCB_BindNotification(seL4_CapInitThreadTCB, ntfn));
    signaller_ran = 0;
    TEST_CHECK(env, test_thread_run(env, &thread, &opts, signaller, badged), "signaller");
    test_vm_enter(&vm, test_vm_guest(loop), 0, &exit);
    spin = exit.mr[SEL4_VMENTER_CALL_EIP_MR];
    seL4_TCB_Suspend(thread.tcb);
    seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB);
    TEST_EQ(env, exit.result, SEL4_VMENTER_RESULT_NOTIF);
    TEST_EQ(env, exit.badge, 1);
    TEST_EQ(env, signaller_ran, 1);
    TEST_CHECK(env, spin >= test_vm_guest(loop) && spin < test_vm_guest(end),
               "guest RIP %#lx outside its loop", (unsigned long)spin);
    /* A signal already pending answers at once, the guest where it was. */
    TEST_OK(env, seL4_TCB_BindNotification(seL4_CapInitThreadTCB, ntfn));
    seL4_Signal(badged);
    test_vm_enter(&vm, spin, 0, &exit);
    seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB);
    TEST_EQ(env, exit.result, SEL4_VMENTER_RESULT_NOTIF);
    TEST_EQ(env, exit.badge, 1);
    TEST_EQ(env, exit.mr[SEL4_VMENTER_CALL_EIP_MR], spin);
}

static void test_host_interrupt_preempts_guest(test_env_t *env)
{
    VCPU_OR_REFUSED(env);
    interrupt_preempts(env, guest_spin, guest_spin_cli);
}

/* The same with the guest's interrupts disabled: the host's still end its run (on VMX under
 * Bochs, where they do not, the kernel's bound on every run does). */
static void test_host_interrupt_preempts_guest_if_clear(test_env_t *env)
{
    VCPU_OR_REFUSED(env);
    interrupt_preempts(env, guest_spin_cli, guest_irq_handler);
}

/*
 * seL4_VMEnter with XMM0 = `mine` around the call itself: the VMM's own SSE state must come back
 * whatever the guest did to it, and the guest's must survive what the VMM does between entries.
 */
static seL4_Word vmenter_keeping_xmm0(const uint8_t mine[16], uint8_t after[16], seL4_Word rip,
                                      seL4_Word controls, test_vm_exit_t *exit)
{
    register seL4_Word mr0 __asm__("r10") = rip;
    register seL4_Word mr1 __asm__("r8") = controls;
    register seL4_Word mr2 __asm__("r9") = 0;
    register seL4_Word mr3 __asm__("r15") = 0;
    seL4_Word badge = 0;
    seL4_Word result = 0;

    __asm__ volatile("movdqu (%[in]), %%xmm0\n\t"
                     "syscall\n\t"
                     "movdqu %%xmm0, (%[out])"
                     : "+D"(badge), "+S"(result), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3)
                     : "d"((seL4_Word)seL4_SysVMEnter), [in] "r"(mine), [out] "r"(after)
                     : "rax", "rcx", "r11", "memory", "cc"); /* no SSE in compiled code */
    /* The register variables first: they hold their registers only up to the next call. */
    exit->mr[0] = mr0;
    exit->mr[1] = mr1;
    exit->mr[2] = mr2;
    exit->mr[3] = mr3;
    exit->result = result;
    exit->badge = badge;
    for (int i = 4; i < SEL4_VMENTER_NUM_FAULT_MSGS; i++) {
        exit->mr[i] = seL4_GetMR(i);
    }
    return result;
}

static void test_fpu_state_separate(test_env_t *env)
{
    static const uint8_t vmm_value[16] = "VMM's own xmm0!";
    static const uint8_t guest_value[16] = "guest xmm0 data";
    static const uint8_t other_value[16] = "other VMM value";
    uint8_t after[16];
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_Word next;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    memcpy(vm.memory + GUEST_XMM_IN, guest_value, 16);
    vmenter_keeping_xmm0(vmm_value, after, test_vm_guest(guest_fpu), vm.controls, &exit);
    TEST_CHECK(env, memcmp(after, vmm_value, 16) == 0, "the guest's XMM0 reached the VMM");
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, &next),
               "hypercall");
    vmenter_keeping_xmm0(other_value, after, next, exit.mr[SEL4_VMENTER_CALL_CONTROL_PPC_MR],
                         &exit);
    TEST_CHECK(env, memcmp(after, other_value, 16) == 0, "the guest's XMM0 reached the VMM");
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
               "second hypercall");
    TEST_CHECK(env, memcmp(vm.memory + GUEST_XMM_OUT, guest_value, 16) == 0,
               "the guest's XMM0 changed while the VMM ran");
}

/* The guest's SYSCALL MSRs the kernel switches, set to values unlike the host's. */
static void guest_syscall_msrs_set(test_env_t *env, const test_vm_t *vm)
{
    static const struct {
        seL4_Word msr, value;
    } msrs[] = {
            {seL4_VCPU_MSR_STAR, 0x0023001000000000ull},
            {seL4_VCPU_MSR_LSTAR, 0xffffffff81000000ull},
            {seL4_VCPU_MSR_CSTAR, 0xffffffff81000040ull},
            {seL4_VCPU_MSR_SFMASK, 0},
            {seL4_VCPU_MSR_KERNEL_GS_BASE, 0x44444000ull},
    };

    for (size_t i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
        seL4_X86_VCPU_WriteVMCS_t w = seL4_X86_VCPU_WriteMSR(vm->vcpu, msrs[i].msr, msrs[i].value);
        TEST_CHECK(env, w.error == seL4_NoError && w.written == msrs[i].value,
                   "WriteMSR %#lx: error %d", (unsigned long)msrs[i].msr, w.error);
    }
}

/*
 * A guest that loads its own GDTR, IDTR and data segments, writes FS, GS and KERNEL_GS_BASE,
 * swaps GS, tries a SYSENTER MSR, DR0, DR7 (its own on SVM), CR8 and RDPMC, with its own
 * SYSCALL MSRs loaded: afterwards every item of the host state is as the kernel set it
 * (seL4_DebugHostStateCheck), and the guest's own values are kept for it.
 */
static void test_host_state_intact(test_env_t *env)
{
    static const struct {
        seL4_Word length;
        test_vm_exit_kind_t kind;
        bool vmx_only; /* SVM: no exit (DR7 is in the VMCB; CR8 writes reach V_TPR) */
    } steps[] = {{2, VM_EXIT_WRMSR, false},
                 {3, VM_EXIT_DR_WRITE, false},
                 {3, VM_EXIT_DR_WRITE, true},
                 {4, VM_EXIT_CR8_WRITE, true},
                 {2, VM_EXIT_RDPMC, false}};
    seL4_Word rip;
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_Word check;

    VCPU_OR_REFUSED(env);
    TEST_EQ(env, seL4_DebugHostStateCheck(), 0);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    guest_syscall_msrs_set(env, &vm);
    TEST_CHECK(env, !env->failed, "guest MSRs");
    rip = test_vm_guest(guest_clobber);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (vm.svm && steps[i].vmx_only) {
            continue;
        }
        test_vm_enter(&vm, rip, 0, &exit);
        check = seL4_DebugHostStateCheck();
        TEST_CHECK(env, check == 0, "host state after exit %zu differs: mask %#lx", i,
                   (unsigned long)check);
        TEST_CHECK(env, test_vm_expect(env, &vm, &exit, steps[i].kind, steps[i].length, &rip),
                   "step %zu", i);
    }
    test_vm_enter(&vm, rip, 0, &exit);
    check = seL4_DebugHostStateCheck();
    TEST_CHECK(env, check == 0, "host state after the guest differs: mask %#lx",
               (unsigned long)check);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
               "hypercall");
    /* The guest's own values, kept across the exits (SWAPGS exchanged GS and KERNEL_GS). */
    TEST_EQ(env, seL4_X86_VCPU_ReadMSR(vm.vcpu, seL4_VCPU_MSR_FS_BASE).value, 0x11111000);
    TEST_EQ(env, seL4_X86_VCPU_ReadMSR(vm.vcpu, seL4_VCPU_MSR_GS_BASE).value, 0x33333000);
    TEST_EQ(env, seL4_X86_VCPU_ReadMSR(vm.vcpu, seL4_VCPU_MSR_KERNEL_GS_BASE).value, 0x22222000);
    TEST_EQ(env, seL4_X86_VCPU_ReadMSR(vm.vcpu, seL4_VCPU_MSR_LSTAR).value, 0xffffffff81000000ull);
    TEST_EQ(env,
            test_vm_read(&vm, seL4_VMCS_Guest_GDTR_Limit,
                         seL4_VMCB_Save_GDTR + seL4_VMCB_Seg_Limit),
            GUEST_GDT_LIMIT);
    TEST_EQ(env,
            test_vm_read(&vm, seL4_VMCS_Guest_IDTR_Limit,
                         seL4_VMCB_Save_IDTR + seL4_VMCB_Seg_Limit),
            GUEST_IDT_LIMIT);
    for (int i = 0; i < 200; i++) {
        seL4_BenchmarkNullSyscall(); /* the SYSCALL path as the kernel set it up */
    }
    TEST_EQ(env, seL4_DebugHostStateCheck(), 0);
}

/* Removing a guest-physical mapping takes effect before the guest runs again (no stale TLB
 * entry), and a new frame at the same address is what the guest reads next. */
static void test_unmap_takes_effect(test_env_t *env)
{
    seL4_Word first = 0xaaaa5555;
    seL4_Word second = 0x5555aaaa;
    seL4_CPtr frame;
    seL4_CPtr copy;
    uint8_t *page;
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_Word next;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    memcpy(vm.memory + GUEST_SCRATCH, &first, sizeof(first));
    test_vm_enter(&vm, test_vm_guest(guest_read_scratch), 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, &next),
               "hypercall");
    TEST_EQ(env, test_vm_gpr(&exit, VCPU_GPR_RAX) & 0xffffffff, first);
    TEST_OK(env, seL4_X86_Page_Unmap(vm.guest_frames[GUEST_SCRATCH / 0x1000]));
    test_vm_enter(&vm, next, 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_GUEST_PHYSICAL, GUEST_MMIO_READ, NULL),
               "read after the unmap");
    TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR], GUEST_SCRATCH);
    page = test_pages(env, 1, &frame);
    TEST_CHECK(env, page != NULL, "page");
    memcpy(page, &second, sizeof(second));
    copy = test_copy(env, frame, seL4_AllRights);
    TEST_OK(env, seL4_X86_Page_MapEPT(copy, vm.root, GUEST_SCRATCH, seL4_ReadWrite,
                                      seL4_X86_Default_VMAttributes));
    test_vm_enter(&vm, exit.mr[SEL4_VMENTER_CALL_EIP_MR], 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, &next),
               "hypercall after the new mapping");
    TEST_EQ(env, test_vm_gpr(&exit, VCPU_GPR_RAX) & 0xffffffff, second);
    /* The whole page table: even the guest's code is gone (an instruction fetch fault). */
    TEST_OK(env, seL4_X86_EPTPT_Unmap(vm.pt));
    test_vm_enter(&vm, next, 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_GUEST_PHYSICAL, 0, NULL),
               "fetch after the table went");
    /* The first access the guest makes: its page walk (the PML4) or, with the translation
     * cached by the CPU, the fetch from the code page. */
    TEST_CHECK(env,
               exit.mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR] == GUEST_PML4 ||
                       (exit.mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR] & ~0xfffull) == GUEST_CODE,
               "guest-physical address %#lx",
               (unsigned long)exit.mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR]);
}

/* Guest state the CPU refuses at entry comes back as an exit for the VMM; the kernel and the
 * VCPU go on (the same VCPU enters once the state is right). */
static void test_entry_failure_reported(test_env_t *env)
{
    test_vm_t vm;
    test_vm_exit_t exit;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    /* VMX: RFLAGS bit 1 clear (SDM 27.3.1.4); SVM: CR0.NW without CD (APM 15.5.1). */
    TEST_OK(env, vm.svm ? test_vm_write(&vm, 0, seL4_VMCB_Save_CR0, 0xa0000033ull)
                        : test_vm_write(&vm, seL4_VMCS_Guest_RFLAGS, 0, 0));
    test_vm_enter(&vm, test_vm_guest(guest_hypercall), 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_INVALID_STATE, 0, NULL),
               "invalid state entered");
    /* Nothing of the host's state in what the VMM reads back (QEMU writes it into the VMCB). */
    TEST_CHECK(env, exit.mr[SEL4_VMENTER_CALL_EIP_MR] < (1ull << 47), "RIP %#lx after the failure",
               (unsigned long)exit.mr[SEL4_VMENTER_CALL_EIP_MR]);
    if (vm.svm) {
        /* After VMEXIT_INVALID the state-save area is reset: the VMM sets its guest up again. */
        TEST_EQ(env, test_vm_read(&vm, 0, seL4_VMCB_Save_CR3), 0);
        TEST_EQ(env, test_vm_read(&vm, 0, seL4_VMCB_Save_RSP), 0);
        TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "a new guest state");
    }
    TEST_OK(env, vm.svm ? test_vm_write(&vm, 0, seL4_VMCB_Save_CR0, 0x80000033ull)
                        : test_vm_write(&vm, seL4_VMCS_Guest_RFLAGS, 0, 0x2));
    if (!vm.svm) {
        /* Controls that pass the kernel's rules but not the CPU's: NMI-window exiting without
         * virtual NMIs (SDM 27.2.1.1) fails the VMLAUNCH itself (VMfailValid, error 7). */
        seL4_Word controls = vm.controls;
        vm.controls |= seL4_VMX_Proc_NMIWindowExiting;
        test_vm_enter(&vm, test_vm_guest(guest_hypercall), 0, &exit);
        vm.controls = controls;
        TEST_EQ(env, exit.result, SEL4_VMENTER_RESULT_FAULT);
        TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_REASON_MR], seL4_VMEnter_Reason_EntryFailed);
        TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR], 7);
    }
    test_vm_enter(&vm, test_vm_guest(guest_hypercall), 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
               "no hypercall once the state is right");
}

/* A triple fault ends the guest, not the machine. */
static void test_triple_fault_contained(test_env_t *env)
{
    uint8_t idtr[10] = {0};
    test_vm_t vm;
    test_vm_exit_t exit;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    memcpy(vm.memory + GUEST_IDTR_EMPTY, idtr, sizeof(idtr));
    test_vm_enter(&vm, test_vm_guest(guest_triple_fault), 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_TRIPLE_FAULT, 0, NULL),
               "no triple-fault exit");
    TEST_EQ(env, seL4_DebugHostStateCheck(), 0);
}

static const test_case_t vcpu_cases[] = {
        {"vcpu_features_reported", test_features_reported},
        {"vcpu_exit_cpuid", test_exit_cpuid},
        {"vcpu_register_round_trip", test_register_round_trip},
        {"vcpu_exit_io_port", test_exit_io_port},
        {"vcpu_exit_hlt_and_hypercall", test_exit_hlt_and_hypercall},
        {"vcpu_exit_guest_physical", test_exit_guest_physical},
        {"vcpu_event_injection", test_event_injection},
        {"vcpu_event_carried_over_an_exit", test_event_carried_over_an_exit},
        {"vcpu_tsc_aux_per_vcpu", test_tsc_aux_per_vcpu},
        {"vcpu_dr6_per_vcpu", test_dr6_per_vcpu},
        {"vcpu_host_interrupt_preempts_guest", test_host_interrupt_preempts_guest},
        {"vcpu_host_interrupt_preempts_guest_if_clear",
         test_host_interrupt_preempts_guest_if_clear},
        {"vcpu_fpu_state_separate", test_fpu_state_separate},
        {"vcpu_host_state_intact", test_host_state_intact},
        {"vcpu_unmap_takes_effect", test_unmap_takes_effect},
        {"vcpu_entry_failure_reported", test_entry_failure_reported},
        {"vcpu_triple_fault_contained", test_triple_fault_contained},
};

const test_group_t vcpu_group = TEST_GROUP(vcpu_cases);
