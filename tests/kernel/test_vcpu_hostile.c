/*
 * A hostile VMM against the VCPU interface: every field and control bit the kernel keeps for
 * itself, values it would have to load and cannot, capabilities of the wrong kind, guest-physical
 * addresses that name host memory, a VCPU bound twice, and the VCPU, the thread or the
 * guest-physical root deleted while a guest runs. Each must end in a refusal or a contained
 * outcome for that VMM alone, with the kernel going on.
 */
#include "groups.h"
#include "vcpu_vm.h"
#include <sel4/pv.h>

#define NON_CANONICAL 0x0000800000000000ull

/* Fields no VMM may read or write: host state, physical addresses, the kernel's tags. */
static const seL4_Word vmx_kernel_fields[] = {
        seL4_VMCS_VPID,
        seL4_VMCS_IOBitmapA,
        seL4_VMCS_IOBitmapB,
        seL4_VMCS_MSRBitmap,
        seL4_VMCS_EPTPointer,
        seL4_VMCS_Guest_LinkPointer,
        seL4_VMCS_ExitMSRStoreCount,
        seL4_VMCS_ExitMSRLoadCount,
        seL4_VMCS_EntryMSRLoadCount,
        seL4_VMCS_Host_CR0,
        seL4_VMCS_Host_CR3,
        seL4_VMCS_Host_CR4,
        seL4_VMCS_Host_RSP,
        seL4_VMCS_Host_RIP,
        seL4_VMCS_Host_GS_Base,
        seL4_VMCS_Host_GDTR_Base,
        seL4_VMCS_Host_TR_Sel,
        seL4_VMCS_Host_EFER,
        seL4_VMCS_Host_PAT,
        0x200c /* executive VMCS */,
        0x2012 /* virtual-APIC page */,
        0x2014 /* APIC-access page */,
        0x2016 /* posted-interrupt descriptor */,
        0x2024 /* EPTP list */,
        seL4_VMCS_Guest_EFER + 1 /* a high half */,
        0xffff,
};

static const seL4_Word svm_kernel_fields[] = {
        seL4_VMCB_IOPMBase,
        seL4_VMCB_MSRPMBase,
        seL4_VMCB_GuestASID,
        seL4_VMCB_TLBControl,
        seL4_VMCB_NestedControl,
        seL4_VMCB_NestedCR3,
        0x098 /* AVIC APIC_BAR */,
        0x0a0 /* GHCB */,
        0x0b8 /* LBR / VMSAVE virtualization */,
        0x0c0 /* clean bits */,
        0x0e0 /* AVIC backing page */,
        0x108 /* VMSA */,
        seL4_VMCB_Save_RIP + 1 /* misaligned */,
        0x1000,
};

static void test_fields_refused(test_env_t *env)
{
    test_vm_t vm;
    const seL4_Word *fields;
    size_t count;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    fields = vm.svm ? svm_kernel_fields : vmx_kernel_fields;
    count = vm.svm ? sizeof(svm_kernel_fields) / sizeof(seL4_Word)
                   : sizeof(vmx_kernel_fields) / sizeof(seL4_Word);
    for (size_t i = 0; i < count; i++) {
        seL4_X86_VCPU_ReadVMCS_t r = seL4_X86_VCPU_ReadVMCS(vm.vcpu, fields[i]);
        TEST_CHECK(env, r.error == seL4_InvalidArgument && seL4_GetMR(0) == 0,
                   "reading field %#lx: error %d", (unsigned long)fields[i], r.error);
        seL4_X86_VCPU_WriteVMCS_t w = seL4_X86_VCPU_WriteVMCS(vm.vcpu, fields[i], 0);
        TEST_CHECK(env, w.error == seL4_InvalidArgument && seL4_GetMR(0) == 0,
                   "writing field %#lx: error %d", (unsigned long)fields[i], w.error);
    }
    /* Exit information: read, never written. */
    seL4_Word exit_field = vm.svm ? seL4_VMCB_ExitCode : seL4_VMCS_ExitReason;
    TEST_OK(env, seL4_X86_VCPU_ReadVMCS(vm.vcpu, exit_field).error);
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_WriteVMCS(vm.vcpu, exit_field, 0).error,
                    seL4_InvalidArgument);
    TEST_EQ(env, seL4_GetMR(0), 0);
}

/* Writing a control word: the kernel's bits are added (and reported), bits nobody may set are
 * refused; the same rule for seL4_VMEnter's MR1; a guest still exits where the kernel needs it. */
static void test_controls_refused(test_env_t *env)
{
    test_vm_t vm;
    test_vm_exit_t exit;
    seL4_X86_VCPU_WriteVMCS_t w;
    seL4_Word word;
    seL4_Word forbidden;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    word = vm.svm ? seL4_VMCB_InterceptMisc1 : seL4_VMCS_ProcControls;
    w = seL4_X86_VCPU_WriteVMCS(vm.vcpu, word, 0);
    TEST_OK(env, w.error);
    TEST_EQ(env, w.written & vm.features->forced[vm.svm ? 0 : 1],
            vm.features->forced[vm.svm ? 0 : 1]);
    TEST_EQ(env, seL4_X86_VCPU_ReadVMCS(vm.vcpu, word).value, w.written);
    forbidden = vm.svm ? 0 : seL4_VMX_Proc_TPRShadow;
    if (!vm.svm) {
        static const struct {
            seL4_Word field, bits;
        } refused[] = {
                {seL4_VMCS_ProcControls, seL4_VMX_Proc_TPRShadow},
                {seL4_VMCS_ProcControls2, seL4_VMX_Proc2_VirtualizeAPIC},
                {seL4_VMCS_ProcControls2, seL4_VMX_Proc2_VMFunctions},
                {seL4_VMCS_PinControls, 1u << 7 /* posted interrupts */},
                {seL4_VMCS_ExitControls, seL4_VMX_Exit_AckInterruptOnExit},
                {seL4_VMCS_EntryControls, 1u << 10 /* entry to SMM */},
        };
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
            TEST_EXPECT_ERR(
                    env, seL4_X86_VCPU_WriteVMCS(vm.vcpu, refused[i].field, refused[i].bits).error,
                    seL4_InvalidArgument);
            TEST_EQ(env, seL4_GetMR(0), 1);
        }
        w = seL4_X86_VCPU_WriteVMCS(vm.vcpu, seL4_VMCS_ProcControls2, 0);
        TEST_CHECK(env, w.error == 0 && (w.written & seL4_VMX_Proc2_EnableEPT), "EPT not forced");
        w = seL4_X86_VCPU_WriteVMCS(vm.vcpu, seL4_VMCS_ExceptionBitmap, 0);
        TEST_EQ(env, w.written, 1u << 18);
    } else {
        w = seL4_X86_VCPU_WriteVMCS(vm.vcpu, seL4_VMCB_InterceptMisc2, 0);
        TEST_CHECK(env,
                   w.error == 0 && (w.written & seL4_SVM_Intercept2_VMRUN) &&
                           (w.written & seL4_SVM_Intercept2_CLGI),
                   "VMRUN/CLGI not forced");
        w = seL4_X86_VCPU_WriteVMCS(vm.vcpu, seL4_VMCB_IntControl, 0);
        TEST_EQ(env, w.written, seL4_SVM_Int_VIntrMasking);
        TEST_EXPECT_ERR(env, seL4_X86_VCPU_WriteVMCS(vm.vcpu, seL4_VMCB_IntControl, 1u << 31).error,
                        seL4_InvalidArgument);
        w = seL4_X86_VCPU_WriteVMCS(vm.vcpu, seL4_VMCB_InterceptDR, 0);
        TEST_EQ(env, w.written, 0xfu << 16);
        w = seL4_X86_VCPU_WriteVMCS(vm.vcpu, seL4_VMCB_InterceptException, 0);
        TEST_EQ(env, w.written, 1u << 18);
        forbidden = 1u << 2; /* the SMI intercept: neither the VMM's nor forced */
    }
    /* seL4_VMEnter's MR1 under the same rule, MR2 as a 32-bit field on VMX. */
    vm.controls = forbidden;
    test_vm_enter(&vm, test_vm_guest(guest_hypercall), 0, &exit);
    TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_REASON_MR], seL4_VMEnter_Reason_BadArgument);
    TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR], 1);
    vm.controls = 0;
    if (!vm.svm) {
        test_vm_enter(&vm, test_vm_guest(guest_hypercall), 1ull << 32, &exit);
        TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_REASON_MR], seL4_VMEnter_Reason_BadArgument);
        TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR], 2);
    }
    /* With no bits of its own the VMM still gets the port exit the kernel's bitmap demands. */
    test_vm_enter(&vm, test_vm_guest(guest_out_dx), 0, &exit);
    TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_IO, 1, NULL), "OUT did not exit");
}

/* Values the kernel would load into the CPU itself must be loadable there. */
static void test_values_refused(test_env_t *env)
{
    static const struct {
        seL4_Word msr, value;
    } refused[] = {
            {seL4_VCPU_MSR_LSTAR, NON_CANONICAL},
            {seL4_VCPU_MSR_CSTAR, NON_CANONICAL},
            {seL4_VCPU_MSR_KERNEL_GS_BASE, NON_CANONICAL},
            {seL4_VCPU_MSR_SFMASK, 1ull << 32},
            {seL4_VCPU_MSR_DEBUGCTL, 1ull << 6 /* branch trace messages */},
    };
    test_vm_t vm;
    seL4_X86_VCPU_WriteVMCS_t w;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        w = seL4_X86_VCPU_WriteMSR(vm.vcpu, refused[i].msr, refused[i].value);
        TEST_CHECK(env, w.error == seL4_InvalidArgument && seL4_GetMR(0) == 1,
                   "MSR %#lx = %#lx: error %d", (unsigned long)refused[i].msr,
                   (unsigned long)refused[i].value, w.error);
    }
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_WriteMSR(vm.vcpu, 0x1b /* APIC base */, 0).error,
                    seL4_InvalidArgument);
    TEST_EQ(env, seL4_GetMR(0), 0);
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_ReadMSR(vm.vcpu, 0x10 /* TSC */).error,
                    seL4_InvalidArgument);
    w = seL4_X86_VCPU_WriteMSR(vm.vcpu, seL4_VCPU_MSR_EFER, 0x500);
    TEST_OK(env, w.error);
    TEST_EQ(env, w.written, vm.svm ? 0x1500 : 0x500); /* SVM: EFER.SVME kept */
    if (vm.svm) {
        TEST_EXPECT_ERR(
                env, test_vm_write(&vm, 0, seL4_VMCB_Save_FS + seL4_VMCB_Seg_Base, NON_CANONICAL),
                seL4_InvalidArgument);
    } else {
        w = seL4_X86_VCPU_WriteVMCS(vm.vcpu, seL4_VMCS_Guest_CR4, 0);
        TEST_CHECK(env, w.error == 0 && (w.written & (1u << 13)), "CR4.VMXE not added");
        TEST_EXPECT_ERR(env, test_vm_write(&vm, seL4_VMCS_Guest_CR4, 0, 1ull << 63),
                        seL4_InvalidArgument);
    }
}

/* Capabilities of the wrong kind, or objects in the wrong state, for every new invocation. */
static void test_capabilities_refused(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr port = test_slot(env);
    seL4_CPtr lone_root;
    seL4_CPtr frame;
    seL4_CPtr copy;
    seL4_CPtr second;
    test_vm_t vm;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    lone_root = test_object(env, seL4_X86_EPTPML4Object, 0);
    TEST_CHECK(env, test_pages(env, 1, &frame) != NULL && lone_root != 0, "objects");
    copy = test_copy(env, frame, seL4_AllRights);
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_SetTCB(vm.vcpu, ntfn), seL4_InvalidCapability);
    TEST_EQ(env, seL4_GetMR(0), 1);
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_EnableIOPort(vm.vcpu, ntfn, 0x80, 0x80),
                    seL4_InvalidCapability);
    TEST_OK(env, seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x80, 0x81, ROOT_CNODE, port,
                                              ROOT_DEPTH));
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_EnableIOPort(vm.vcpu, port, 0x80, 0x82), seL4_RangeError);
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_EnableIOPort(vm.vcpu, port, 0x81, 0x80),
                    seL4_InvalidArgument);
    /* Guest-physical mappings need a live guest-physical root, and a frame not mapped elsewhere. */
    TEST_EXPECT_ERR(
            env, seL4_X86_Page_MapEPT(copy, seL4_CapInitThreadVSpace, 0x10000, seL4_ReadWrite, 0),
            seL4_InvalidCapability);
    TEST_EXPECT_ERR(env, seL4_X86_Page_MapEPT(copy, lone_root, 0x10000, seL4_ReadWrite, 0),
                    seL4_InvalidCapability);
    TEST_EXPECT_ERR(env, seL4_X86_Page_MapEPT(copy, vm.root, 0x10000, seL4_CanWrite, 0),
                    seL4_InvalidArgument);
    TEST_EXPECT_ERR(env, seL4_X86_Page_MapEPT(copy, vm.root, 1ull << 48, seL4_ReadWrite, 0),
                    seL4_InvalidArgument);
    TEST_EXPECT_ERR(env, seL4_X86_Page_MapEPT(copy, vm.root, 0x10800, seL4_ReadWrite, 0),
                    seL4_AlignmentError);
    TEST_EXPECT_ERR(env, seL4_X86_Page_MapEPT(frame, vm.root, 0x10000, seL4_ReadWrite, 0),
                    seL4_InvalidCapability); /* mapped in the VMM's VSpace */
    TEST_EXPECT_ERR(env, seL4_X86_Page_MapEPT(copy, vm.root, GUEST_CODE, seL4_ReadWrite, 0),
                    seL4_DeleteFirst);
    TEST_OK(env, seL4_X86_Page_MapEPT(copy, vm.root, 0x10000, seL4_ReadWrite, 0));
    TEST_EXPECT_ERR(
            env, seL4_X86_Page_Map(copy, seL4_CapInitThreadVSpace, 0x30000000, seL4_ReadWrite, 0),
            seL4_InvalidCapability); /* mapped in a guest */
    second = test_object(env, seL4_X86_PageTableObject, 0);
    TEST_EXPECT_ERR(env, seL4_X86_PageTable_Map(second, vm.root, 0x30000000, 0),
                    seL4_InvalidCapability);
    second = test_object(env, seL4_X86_EPTPTObject, 0);
    TEST_EXPECT_ERR(env, seL4_X86_EPTPT_Map(second, seL4_CapInitThreadVSpace, 0x40000000, 0),
                    seL4_InvalidCapability);
    TEST_EXPECT_ERR(env, seL4_X86_EPTPT_Map(second, vm.root, 0, 0), seL4_DeleteFirst);
    TEST_EXPECT_ERR(env, seL4_X86_PageTable_Unmap(second), seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_EPTPT_Unmap(test_copy(env, vm.pt, seL4_AllRights)),
                    seL4_RevokeFirst);
    /* Roots: a host PML4 is no guest root; an EPT root is no VSpace and has one ASID. */
    TEST_EXPECT_ERR(env, seL4_TCB_SetEPTRoot(seL4_CapInitThreadTCB, seL4_CapInitThreadVSpace),
                    seL4_InvalidCapability);
    TEST_EXPECT_ERR(env, seL4_TCB_SetEPTRoot(seL4_CapInitThreadTCB, lone_root),
                    seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vm.root),
                    seL4_InvalidCapability);
    TEST_EXPECT_ERR(env,
                    seL4_X86_Page_Map(test_copy(env, frame, seL4_AllRights), vm.root, 0x10000,
                                      seL4_ReadWrite, 0),
                    seL4_InvalidCapability);
    /* Labels of one object on another. */
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_ReadVMCS(frame, seL4_VMCS_Guest_RIP).error,
                    seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_EPTPT_Unmap(vm.root), seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_X86_VCPU_SetTCB(vm.pt, seL4_CapInitThreadTCB), seL4_IllegalOperation);
}

/* The guest reads host memory through guest-physical addresses equal to host physical ones: a
 * frame of its VMM that is not in its space, the kernel image: each a guest-physical fault. */
static void test_guest_memory_isolated(test_env_t *env)
{
    seL4_X86_Page_GetAddress_t other;
    seL4_CPtr frame;
    seL4_Word addresses[2];
    test_vm_t vm;
    test_vm_exit_t exit;
    uint8_t *page;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    page = test_pages(env, 1, &frame);
    TEST_CHECK(env, page != NULL, "page");
    page[0] = 0x5a;
    other = seL4_X86_Page_GetAddress(frame);
    TEST_OK(env, other.error);
    addresses[0] = other.paddr;
    addresses[1] = 0x100000; /* where the kernel image is loaded */
    for (int i = 0; i < 2; i++) {
        TEST_CHECK(env, addresses[i] < (1ull << 30), "address %#lx beyond the guest's map",
                   (unsigned long)addresses[i]);
        seL4_VCPUContext context = {0};
        context.ebx = addresses[i];
        TEST_OK(env, seL4_X86_VCPU_WriteRegisters(vm.vcpu, &context));
        test_vm_enter(&vm, test_vm_guest(guest_read_rbx), 0, &exit);
        TEST_CHECK(env, test_vm_expect(env, &vm, &exit, VM_EXIT_GUEST_PHYSICAL, 0, NULL),
                   "reading %#lx", (unsigned long)addresses[i]);
        TEST_EQ(env, exit.mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR], addresses[i]);
    }
}

/* A VMM thread: one seL4_VMEnter, its outcome kept for the test, then parked. */
typedef struct {
    test_vm_t *vm;
    seL4_Word rip;
    test_vm_exit_t exit;
    volatile seL4_Word done;
} vmm_job_t;

static void vmm_thread(seL4_Word arg)
{
    vmm_job_t *job = (vmm_job_t *)arg;

    test_vm_enter(job->vm, job->rip, 0, &job->exit);
    job->done = 1;
    for (;;) {
        seL4_Yield();
    }
}

/* A thread that will run a job, its faults going to ep. */
static int vmm_thread_new(test_env_t *env, thread_t *thread, seL4_CPtr ep)
{
    test_thread_opts_t opts = {.fault_ep = ep};
    return test_thread_new(env, thread, &opts);
}

/* Binding a bound VCPU again moves it: the first thread's VMEnter is then a fault. */
static void test_bound_twice(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    vmm_job_t first = {0};
    vmm_job_t second = {0};
    thread_t t1;
    thread_t t2;
    test_vm_t vm;
    seL4_Word label;
    seL4_Word mrs[seL4_Fault_MessageLength];

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, vmm_thread_new(env, &t1, ep) && vmm_thread_new(env, &t2, ep), "threads");
    TEST_CHECK(env, test_vm_new(env, &vm, t1.tcb), "no VM");
    TEST_OK(env, seL4_X86_VCPU_SetTCB(vm.vcpu, t2.tcb));
    TEST_OK(env, seL4_TCB_SetEPTRoot(t2.tcb, vm.root));
    first.vm = &vm;
    first.rip = test_vm_guest(guest_hypercall);
    second = first;
    TEST_OK(env, thread_start(&t1, vmm_thread, (seL4_Word)&first));
    TEST_CHECK(env, test_wait_fault(env, ep, &label, mrs, seL4_Fault_MessageLength), "no fault");
    TEST_EQ(env, label, seL4_Fault_UnknownSyscall);
    TEST_EQ(env, mrs[seL4_UnknownSyscall_Syscall], (seL4_Word)seL4_SysVMEnter);
    TEST_EQ(env, first.done, 0);
    TEST_OK(env, thread_start(&t2, vmm_thread, (seL4_Word)&second));
    TEST_CHECK(env, test_wait_flag(env, &second.done, 5000), "the bound thread never returned");
    TEST_CHECK(
            env,
            test_vm_expect(env, &vm, &second.exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
            "hypercall");
}

/* A thread spinning in its guest, preempted by the timer from time to time. */
static int spinning_vmm(test_env_t *env, thread_t *thread, seL4_CPtr ep, test_vm_t *vm,
                        vmm_job_t *job)
{
    if (!vmm_thread_new(env, thread, ep) || !test_vm_new(env, vm, thread->tcb)) {
        return 0;
    }
    job->vm = vm;
    job->rip = test_vm_guest(guest_spin);
    job->done = 0;
    if (thread_start(thread, vmm_thread, (seL4_Word)job) != seL4_NoError) {
        return 0;
    }
    test_yield(20); /* the thread is in its guest now, preempted back to us by the timer */
    return job->done == 0;
}

/* Deleting the VCPU of a thread inside its guest: the thread's VMEnter starts again, without a
 * VCPU (a fault), its MR0 the guest's RIP at that moment. */
static void test_delete_vcpu_while_running(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    vmm_job_t job;
    thread_t thread;
    test_vm_t vm;
    seL4_Word label;
    seL4_Word mrs[seL4_Fault_MessageLength];
    seL4_Word rip;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, spinning_vmm(env, &thread, ep, &vm, &job), "no spinning guest");
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, vm.vcpu, ROOT_DEPTH));
    TEST_CHECK(env, test_wait_fault(env, ep, &label, mrs, seL4_Fault_MessageLength), "no fault");
    TEST_EQ(env, label, seL4_Fault_UnknownSyscall);
    TEST_EQ(env, mrs[seL4_UnknownSyscall_Syscall], (seL4_Word)seL4_SysVMEnter);
    rip = mrs[seL4_UserContext_R10]; /* MR0 */
    TEST_CHECK(env, rip >= test_vm_guest(guest_spin) && rip < test_vm_guest(guest_irq_handler),
               "MR0 %#lx is not the guest's RIP", (unsigned long)rip);
    TEST_EQ(env, job.done, 0);
    TEST_EQ(env, seL4_DebugHostStateCheck(), 0);
}

/* Deleting every capability of the guest-physical root under a running guest: the thread's next
 * entry finds none and its VMEnter returns that. */
static void test_delete_root_while_running(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    vmm_job_t job;
    thread_t thread;
    test_vm_t vm;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, spinning_vmm(env, &thread, ep, &vm, &job), "no spinning guest");
    TEST_OK(env, seL4_CNode_Revoke(ROOT_CNODE, vm.root, ROOT_DEPTH));
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, vm.root, ROOT_DEPTH));
    TEST_CHECK(env, test_wait_flag(env, &job.done, 5000), "the thread never returned");
    TEST_EQ(env, job.exit.result, SEL4_VMENTER_RESULT_FAULT);
    TEST_EQ(env, job.exit.mr[SEL4_VMENTER_FAULT_REASON_MR], seL4_VMEnter_Reason_NoGuestRoot);
}

/* Deleting the thread of a running guest: the VCPU survives unbound, and runs for another. */
static void test_delete_tcb_while_running(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    vmm_job_t job;
    thread_t thread;
    test_vm_t vm;
    test_vm_exit_t exit;

    VCPU_OR_REFUSED(env);
    TEST_CHECK(env, spinning_vmm(env, &thread, ep, &vm, &job), "no spinning guest");
    TEST_OK(env, seL4_CNode_Revoke(ROOT_CNODE, thread.tcb, ROOT_DEPTH));
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, thread.tcb, ROOT_DEPTH));
    TEST_OK(env, seL4_X86_VCPU_SetTCB(vm.vcpu, seL4_CapInitThreadTCB));
    TEST_OK(env, seL4_TCB_SetEPTRoot(seL4_CapInitThreadTCB, vm.root));
    test_vm_enter(&vm, test_vm_guest(guest_hypercall), 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
               "the VCPU does not run for its new thread");
    TEST_EQ(env, job.done, 0);
}

/* One seL4_VMEnter, then RDTSC in the VMM thread itself (a #GP(0) fault when its PV control
 * word has TSD in force). */
static void vmm_then_rdtsc(seL4_Word arg)
{
    vmm_job_t *job = (vmm_job_t *)arg;

    test_vm_enter(job->vm, job->rip, 0, &job->exit);
    job->done = 1;
    __asm__ volatile("rdtsc" ::: "rax", "rdx");
    job->done = 2;
    for (;;) {
        seL4_Yield();
    }
}

/* A VMM thread that is also a PV thread with CR0.TS and CR4.TSD in its control word: its guest
 * runs (the kernel loads the guest's FPU state with TS in force, and a VMX exit loads CR0/CR4
 * without the thread's bits), and back in user mode the thread's own TSD is in force again. */
static void test_pv_control_around_guest(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    vmm_job_t job = {0};
    thread_t thread;
    test_vm_t vm;
    seL4_CPtr frame;
    seL4_PVPage *page;
    seL4_Word label;
    seL4_Word mrs[seL4_Fault_MessageLength];

    VCPU_OR_REFUSED(env);
    page = test_pages(env, 1, &frame);
    TEST_CHECK(env, page != NULL && vmm_thread_new(env, &thread, ep), "thread");
    TEST_CHECK(env, test_vm_new(env, &vm, thread.tcb), "no VM");
    page->control = seL4_PVControl_TS | seL4_PVControl_TSD;
    TEST_OK(env, seL4_TCB_SetPVPage(thread.tcb, frame));
    job.vm = &vm;
    job.rip = test_vm_guest(guest_hypercall);
    TEST_OK(env, thread_start(&thread, vmm_then_rdtsc, (seL4_Word)&job));
    TEST_CHECK(env, test_wait_fault(env, ep, &label, mrs, seL4_Fault_MessageLength), "no fault");
    TEST_EQ(env, job.done, 1);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &job.exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
               "hypercall");
    TEST_EQ(env, label, seL4_Fault_UserException);
    TEST_EQ(env, mrs[seL4_UserException_Number], 13); /* #GP(0): RDTSC under TSD */
    TEST_EQ(env, seL4_DebugHostStateCheck(), 0);
}

/* Without a VCPU, seL4_VMEnter is a fault of the caller (seL4's UnknownSyscall). */
static void test_vmenter_without_vcpu(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    vmm_job_t job = {0};
    test_vm_t vm = {0};
    thread_t thread;
    seL4_Word label;
    seL4_Word mrs[seL4_Fault_MessageLength];

    job.vm = &vm;
    TEST_CHECK(env, vmm_thread_new(env, &thread, ep), "thread");
    TEST_OK(env, thread_start(&thread, vmm_thread, (seL4_Word)&job));
    TEST_CHECK(env, test_wait_fault(env, ep, &label, mrs, seL4_Fault_MessageLength), "no fault");
    TEST_EQ(env, label, seL4_Fault_UnknownSyscall);
    TEST_EQ(env, mrs[seL4_UnknownSyscall_Syscall], (seL4_Word)seL4_SysVMEnter);
}

/* One guest entered with state the CPU refuses: an exit for the VMM, the host as it was. */
static void enter_refused_state(test_env_t *env, const char *what, seL4_Word vmx_field,
                                seL4_Word svm_field, seL4_Word value)
{
    bool rip_case = vmx_field == 0 && svm_field == 0;
    seL4_Word rip;
    test_vm_t vm;
    test_vm_exit_t exit;

    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    rip = test_vm_guest(guest_hypercall);
    if (rip_case) {
        rip = value; /* the entry's own RIP (MR0) */
    } else if (!vm.svm && vmx_field == seL4_VMCS_Guest_CR0 &&
               !(vm.features->flags & seL4_X86_Virt_UnrestrictedGuest)) {
        /* Without unrestricted guest CR0.PE is a fixed bit: the kernel refuses it already. */
        TEST_EXPECT_ERR(env, test_vm_write(&vm, vmx_field, svm_field, value), seL4_InvalidArgument);
        TEST_EQ(env, seL4_GetMR(0), 1);
        return;
    } else {
        TEST_OK(env, test_vm_write(&vm, vmx_field, svm_field, value));
    }
    test_vm_enter(&vm, rip, 0, &exit);
    /* The control registers are checked at entry (SDM 26.3.1.1, APM 15.5.1). RIP is checked by
     * VMX hardware (SDM 26.3.1.4) but neither by SVM nor by Bochs: there the guest's fetch
     * faults, through an IDT without that gate, into a shutdown. */
    TEST_CHECK(env,
               test_vm_exit_is(&vm, &exit, VM_EXIT_INVALID_STATE) ||
                       (rip_case && test_vm_exit_is(&vm, &exit, VM_EXIT_TRIPLE_FAULT)),
               "%s: result %lu, reason %#lx, qualification %#lx", what, (unsigned long)exit.result,
               (unsigned long)exit.mr[SEL4_VMENTER_FAULT_REASON_MR],
               (unsigned long)exit.mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR]);
    TEST_EQ(env, seL4_DebugHostStateCheck(), 0);
}

/* Guest state the hardware refuses, through fields and an entry the kernel lets pass: CR0.PG
 * without CR0.PE, a 64-bit guest with CR4.PAE clear, a non-canonical RIP. Each is reported as an
 * exit, never a fault of the kernel; a VCPU set up right runs afterwards. */
static void test_state_refused_by_cpu(test_env_t *env)
{
    test_vm_t vm;
    test_vm_exit_t exit;

    VCPU_OR_REFUSED(env);
    enter_refused_state(env, "CR0.PG without CR0.PE", seL4_VMCS_Guest_CR0, seL4_VMCB_Save_CR0,
                        GUEST_CR0 & ~GUEST_CR0_PE);
    enter_refused_state(env, "CR4.PAE clear in 64-bit mode", seL4_VMCS_Guest_CR4,
                        seL4_VMCB_Save_CR4, GUEST_CR4 & ~GUEST_CR4_PAE);
    enter_refused_state(env, "non-canonical RIP", 0, 0, NON_CANONICAL);
    TEST_CHECK(env, test_vm_new(env, &vm, seL4_CapInitThreadTCB), "no VM");
    test_vm_enter(&vm, test_vm_guest(guest_hypercall), 0, &exit);
    TEST_CHECK(env,
               test_vm_expect(env, &vm, &exit, VM_EXIT_HYPERCALL, GUEST_HYPERCALL_LENGTH, NULL),
               "no hypercall after the refused entries");
}

static const test_case_t vcpu_hostile_cases[] = {
        {"vcpu_hostile_vmenter_without_vcpu", test_vmenter_without_vcpu},
        {"vcpu_hostile_fields_refused", test_fields_refused},
        {"vcpu_hostile_controls_refused", test_controls_refused},
        {"vcpu_hostile_values_refused", test_values_refused},
        {"vcpu_hostile_capabilities_refused", test_capabilities_refused},
        {"vcpu_hostile_guest_memory_isolated", test_guest_memory_isolated},
        {"vcpu_hostile_state_refused_by_cpu", test_state_refused_by_cpu},
        {"vcpu_hostile_bound_twice", test_bound_twice},
        {"vcpu_hostile_pv_control_around_guest", test_pv_control_around_guest},
        {"vcpu_hostile_delete_vcpu_while_running", test_delete_vcpu_while_running},
        {"vcpu_hostile_delete_root_while_running", test_delete_root_while_running},
        {"vcpu_hostile_delete_tcb_while_running", test_delete_tcb_while_running},
};

const test_group_t vcpu_hostile_group = TEST_GROUP(vcpu_hostile_cases);
