/*
 * The kernel suite's small VMM (vcpu_vm.h): builds a guest-physical space from the test's arena
 * (EPT/NPT root and tables, frames shared with the VMM's own VSpace), writes the test guest and
 * its 64-bit environment into it, sets the VCPU's guest state through WriteVMCS (VMX encodings or
 * VMCB offsets, as the CPU is), and names exits the same way for both kinds.
 */
#include "vcpu_vm.h"
#include <runtime/bootinfo.h>

/* Guest descriptors (Intel SDM Vol. 3A 3.4.5, 6.14.1): flat 64-bit code, flat data. */
#define GDT_CODE64     0x00af9a000000ffffull
#define GDT_DATA       0x00cf92000000ffffull
#define IDT_GATE_INT64 0x8e00ull
#define PTE_P_RW       0x3ull
#define PDE_LARGE      0x83ull /* present, writable, 2 MiB */

#define GUEST_EFER 0x500ull /* LME, LMA */

/* VMX access rights and SVM attributes of the same segments. */
#define VMX_AR_CODE64   0xa09bull
#define VMX_AR_DATA     0xc093ull
#define VMX_AR_TSS_BUSY 0x008bull
#define VMX_AR_UNUSABLE 0x10000ull
#define SVM_ATTR_CODE64 0x0a9bull
#define SVM_ATTR_DATA   0x0c93ull
#define SVM_ATTR_TSS    0x008bull

const seL4_X86_VirtFeatures *test_vm_features(test_env_t *env)
{
    seL4_Word length = 0;
    const seL4_X86_VirtFeatures *features =
            bootinfo_find_extra(env->bootinfo, seL4_BootInfo_X86_Virtualization, &length);

    return length >= sizeof(*features) ? features : NULL;
}

int test_vm_available(test_env_t *env, const char **why)
{
    const seL4_X86_VirtFeatures *features = test_vm_features(env);
    static const char *const reasons[] = {
            "present",
            "the CPU has neither VMX nor SVM",
            "disabled by the firmware",
            "a feature the kernel needs is missing",
    };

    if (features == NULL) {
        *why = "no virtualization chunk in the boot info";
        return 0;
    }
    *why = features->absent < 4 ? reasons[features->absent] : "unknown";
    return features->kind != seL4_X86_Virt_None;
}

int test_vm_or_refused(test_env_t *env)
{
    const char *why;

    if (test_vm_available(env, &why)) {
        return 1;
    }
    /* No VCPU, and no guest-physical structure, to be had: Retype refuses each type. */
    for (seL4_Word type = seL4_X86_VCPUObject; type <= seL4_X86_EPTPTObject; type++) {
        seL4_CPtr slot = test_slot(env);
        seL4_Error error = seL4_Untyped_Retype(env->arena, type, 0, ROOT_CNODE, 0, 0, slot, 1);
        if (error != seL4_InvalidArgument || seL4_GetMR(0) != 0) {
            test_fail(env, __LINE__, "retype of type %lu without VMX or SVM (%s): %s, MR0 %lu",
                      (unsigned long)type, why, test_error_name(error),
                      (unsigned long)seL4_GetMR(0));
            return 0;
        }
    }
    return 0;
}

seL4_Word test_vm_guest(const char *label)
{
    return GUEST_CODE + (seL4_Word)(label - guest_blob_start);
}

seL4_Error test_vm_write(const test_vm_t *vm, seL4_Word vmx_field, seL4_Word svm_field,
                         seL4_Word value)
{
    return seL4_X86_VCPU_WriteVMCS(vm->vcpu, vm->svm ? svm_field : vmx_field, value).error;
}

seL4_Word test_vm_read(const test_vm_t *vm, seL4_Word vmx_field, seL4_Word svm_field)
{
    return seL4_X86_VCPU_ReadVMCS(vm->vcpu, vm->svm ? svm_field : vmx_field).value;
}

/* A GDTR/IDTR image as LGDT and LIDT read it: a 16-bit limit, then the 64-bit base. */
static void table_register_image(uint8_t *at, uint16_t limit, uint64_t base)
{
    memcpy(at, &limit, sizeof(limit));
    memcpy(at + sizeof(limit), &base, sizeof(base));
}

/* The guest's own page tables (one 2 MiB identity page), GDT, IDT gate and data. */
static void guest_memory_init(test_vm_t *vm)
{
    uint64_t *pml4 = (uint64_t *)(vm->memory + GUEST_PML4);
    uint64_t *pdpt = (uint64_t *)(vm->memory + GUEST_PDPT);
    uint64_t *pd = (uint64_t *)(vm->memory + GUEST_PD);
    uint64_t *gdt = (uint64_t *)(vm->memory + GUEST_DATA);
    uint64_t *gate = (uint64_t *)(vm->memory + GUEST_IDT + (size_t)GUEST_VECTOR * 16);
    seL4_Word handler = test_vm_guest(guest_irq_handler);
    uint32_t ro_word = GUEST_RO_WORD;

    pml4[0] = GUEST_PDPT | PTE_P_RW;
    pdpt[0] = GUEST_PD | PTE_P_RW;
    for (seL4_Word i = 0; i < 512; i++) {
        pd[i] = (i << 21) | PDE_LARGE;
    }
    gdt[GUEST_SEL_CODE / 8] = GDT_CODE64;
    gdt[GUEST_SEL_DATA / 8] = GDT_DATA;
    gate[0] = (handler & 0xffff) | ((seL4_Word)GUEST_SEL_CODE << 16) | (IDT_GATE_INT64 << 32) |
              ((handler >> 16 & 0xffff) << 48);
    gate[1] = handler >> 32;
    memcpy(vm->memory + GUEST_CODE, guest_blob_start,
           (size_t)((uintptr_t)guest_blob_end - (uintptr_t)guest_blob_start));
    vm->memory[GUEST_FLAG_SVM] = vm->svm ? 1 : 0;
    memcpy(vm->memory + GUEST_READONLY, &ro_word, sizeof(ro_word));
    table_register_image(vm->memory + GUEST_GDTR_OWN, GUEST_GDT_LIMIT, GUEST_DATA);
    table_register_image(vm->memory + GUEST_IDTR_OWN, GUEST_IDT_LIMIT, GUEST_IDT);
}

typedef struct {
    seL4_Word field;
    seL4_Word value;
} field_value_t;

static const field_value_t vmx_state[] = {
        {seL4_VMCS_Guest_CS_Sel, GUEST_SEL_CODE},
        {seL4_VMCS_Guest_CS_Limit, 0xffffffff},
        {seL4_VMCS_Guest_CS_Access, VMX_AR_CODE64},
        {seL4_VMCS_Guest_SS_Sel, GUEST_SEL_DATA},
        {seL4_VMCS_Guest_SS_Limit, 0xffffffff},
        {seL4_VMCS_Guest_SS_Access, VMX_AR_DATA},
        {seL4_VMCS_Guest_DS_Sel, GUEST_SEL_DATA},
        {seL4_VMCS_Guest_DS_Limit, 0xffffffff},
        {seL4_VMCS_Guest_DS_Access, VMX_AR_DATA},
        {seL4_VMCS_Guest_ES_Sel, GUEST_SEL_DATA},
        {seL4_VMCS_Guest_ES_Limit, 0xffffffff},
        {seL4_VMCS_Guest_ES_Access, VMX_AR_DATA},
        {seL4_VMCS_Guest_FS_Sel, GUEST_SEL_DATA},
        {seL4_VMCS_Guest_FS_Limit, 0xffffffff},
        {seL4_VMCS_Guest_FS_Access, VMX_AR_DATA},
        {seL4_VMCS_Guest_GS_Sel, GUEST_SEL_DATA},
        {seL4_VMCS_Guest_GS_Limit, 0xffffffff},
        {seL4_VMCS_Guest_GS_Access, VMX_AR_DATA},
        {seL4_VMCS_Guest_TR_Sel, GUEST_SEL_TSS},
        {seL4_VMCS_Guest_TR_Limit, 0x67},
        {seL4_VMCS_Guest_TR_Access, VMX_AR_TSS_BUSY},
        {seL4_VMCS_Guest_LDTR_Access, VMX_AR_UNUSABLE},
        {seL4_VMCS_Guest_GDTR_Base, GUEST_DATA},
        {seL4_VMCS_Guest_GDTR_Limit, 0x17},
        {seL4_VMCS_Guest_IDTR_Base, GUEST_IDT},
        {seL4_VMCS_Guest_IDTR_Limit, 0xfff},
        {seL4_VMCS_Guest_CR0, GUEST_CR0},
        {seL4_VMCS_Guest_CR3, GUEST_PML4},
        {seL4_VMCS_Guest_CR4, GUEST_CR4},
        {seL4_VMCS_Guest_EFER, GUEST_EFER},
        {seL4_VMCS_Guest_RSP, GUEST_STACK_TOP},
        {seL4_VMCS_Guest_RFLAGS, 0x2},
        {seL4_VMCS_EntryControls, seL4_VMX_Entry_IA32eModeGuest},
};

#define SVM_SEGMENT(base, selector, attrib, limit)                                                 \
    {(base) + seL4_VMCB_Seg_Selector, (selector)}, {(base) + seL4_VMCB_Seg_Attrib, (attrib)},      \
    {                                                                                              \
        (base) + seL4_VMCB_Seg_Limit, (limit)                                                      \
    }

static const field_value_t svm_state[] = {
        SVM_SEGMENT(seL4_VMCB_Save_CS, GUEST_SEL_CODE, SVM_ATTR_CODE64, 0xffffffff),
        SVM_SEGMENT(seL4_VMCB_Save_SS, GUEST_SEL_DATA, SVM_ATTR_DATA, 0xffffffff),
        SVM_SEGMENT(seL4_VMCB_Save_DS, GUEST_SEL_DATA, SVM_ATTR_DATA, 0xffffffff),
        SVM_SEGMENT(seL4_VMCB_Save_ES, GUEST_SEL_DATA, SVM_ATTR_DATA, 0xffffffff),
        SVM_SEGMENT(seL4_VMCB_Save_FS, GUEST_SEL_DATA, SVM_ATTR_DATA, 0xffffffff),
        SVM_SEGMENT(seL4_VMCB_Save_GS, GUEST_SEL_DATA, SVM_ATTR_DATA, 0xffffffff),
        SVM_SEGMENT(seL4_VMCB_Save_TR, GUEST_SEL_TSS, SVM_ATTR_TSS, 0x67),
        {seL4_VMCB_Save_GDTR + seL4_VMCB_Seg_Base, GUEST_DATA},
        {seL4_VMCB_Save_GDTR + seL4_VMCB_Seg_Limit, 0x17},
        {seL4_VMCB_Save_IDTR + seL4_VMCB_Seg_Base, GUEST_IDT},
        {seL4_VMCB_Save_IDTR + seL4_VMCB_Seg_Limit, 0xfff},
        {seL4_VMCB_Save_CR0, GUEST_CR0},
        {seL4_VMCB_Save_CR3, GUEST_PML4},
        {seL4_VMCB_Save_CR4, GUEST_CR4},
        {seL4_VMCB_Save_EFER, GUEST_EFER},
        {seL4_VMCB_Save_RSP, GUEST_STACK_TOP},
        {seL4_VMCB_Save_RFLAGS, 0x2},
        {seL4_VMCB_InterceptMisc2, seL4_SVM_Intercept2_VMMCALL},
};

static int guest_state_init(test_env_t *env, test_vm_t *vm)
{
    const field_value_t *state = vm->svm ? svm_state : vmx_state;
    size_t count = vm->svm ? sizeof(svm_state) / sizeof(svm_state[0])
                           : sizeof(vmx_state) / sizeof(vmx_state[0]);

    for (size_t i = 0; i < count; i++) {
        seL4_X86_VCPU_WriteVMCS_t w =
                seL4_X86_VCPU_WriteVMCS(vm->vcpu, state[i].field, state[i].value);
        if (w.error != seL4_NoError) {
            test_fail(env, __LINE__, "writing guest field %#lx: %s", (unsigned long)state[i].field,
                      test_error_name(w.error));
            return 0;
        }
    }
    vm->controls =
            vm->svm ? seL4_SVM_Intercept_CPUID | seL4_SVM_Intercept_HLT : seL4_VMX_Proc_HLTExiting;
    return 1;
}

/* The root, one table of each level at guest-physical 0, and the frames. */
static int guest_physical_init(test_env_t *env, test_vm_t *vm)
{
    vm->root = test_object(env, seL4_X86_EPTPML4Object, 0);
    vm->pdpt = test_object(env, seL4_X86_EPTPDPTObject, 0);
    vm->pd = test_object(env, seL4_X86_EPTPDObject, 0);
    vm->pt = test_object(env, seL4_X86_EPTPTObject, 0);
    vm->memory = test_pages(env, GUEST_PAGES, vm->frames);
    if (vm->root == 0 || vm->pdpt == 0 || vm->pd == 0 || vm->pt == 0 || vm->memory == NULL) {
        return 0;
    }
    if (seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vm->root) != seL4_NoError ||
        seL4_X86_EPTPDPT_Map(vm->pdpt, vm->root, 0, 0) != seL4_NoError ||
        seL4_X86_EPTPD_Map(vm->pd, vm->root, 0, 0) != seL4_NoError ||
        seL4_X86_EPTPT_Map(vm->pt, vm->root, 0, 0) != seL4_NoError) {
        test_fail(env, __LINE__, "building the guest-physical space");
        return 0;
    }
    for (int i = 0; i < GUEST_PAGES; i++) {
        seL4_CapRights_t rights = i * 0x1000 == GUEST_READONLY ? seL4_CanRead : seL4_ReadWrite;
        vm->guest_frames[i] = test_copy(env, vm->frames[i], seL4_AllRights);
        if (vm->guest_frames[i] == 0 ||
            seL4_X86_Page_MapEPT(vm->guest_frames[i], vm->root, (seL4_Word)i * 0x1000, rights,
                                 seL4_X86_Default_VMAttributes) != seL4_NoError) {
            test_fail(env, __LINE__, "mapping guest page %d", i);
            return 0;
        }
    }
    return 1;
}

int test_vm_new(test_env_t *env, test_vm_t *vm, seL4_CPtr tcb)
{
    memset(vm, 0, sizeof(*vm));
    vm->features = test_vm_features(env);
    if (vm->features == NULL || vm->features->kind == seL4_X86_Virt_None) {
        test_fail(env, __LINE__, "no VMX or SVM");
        return 0;
    }
    vm->svm = vm->features->kind == seL4_X86_Virt_SVM;
    vm->vcpu = test_object(env, seL4_X86_VCPUObject, 0);
    if (vm->vcpu == 0 || !guest_physical_init(env, vm)) {
        return 0;
    }
    guest_memory_init(vm);
    if (seL4_X86_VCPU_SetTCB(vm->vcpu, tcb) != seL4_NoError ||
        seL4_TCB_SetEPTRoot(tcb, vm->root) != seL4_NoError) {
        test_fail(env, __LINE__, "binding the VCPU and root to the thread");
        return 0;
    }
    return guest_state_init(env, vm);
}

void test_vm_enter(test_vm_t *vm, seL4_Word rip, seL4_Word event, test_vm_exit_t *exit)
{
    seL4_SetMR(SEL4_VMENTER_CALL_EIP_MR, rip);
    seL4_SetMR(SEL4_VMENTER_CALL_CONTROL_PPC_MR, vm->controls);
    seL4_SetMR(SEL4_VMENTER_CALL_CONTROL_ENTRY_MR, event);
    exit->result = seL4_VMEnter(&exit->badge);
    for (int i = 0; i < SEL4_VMENTER_NUM_FAULT_MSGS; i++) {
        exit->mr[i] = seL4_GetMR(i);
    }
}

seL4_Word test_vm_gpr(const test_vm_exit_t *exit, int index)
{
    return exit->mr[SEL4_VMENTER_FAULT_EAX + index];
}

static seL4_Word vmx_reason(test_vm_exit_kind_t kind)
{
    static const seL4_Word reasons[] = {
            [VM_EXIT_HYPERCALL] = seL4_VMX_Exit_VMCALL,
            [VM_EXIT_CPUID] = seL4_VMX_Exit_CPUID,
            [VM_EXIT_IO] = seL4_VMX_Exit_IO,
            [VM_EXIT_HLT] = seL4_VMX_Exit_HLT,
            [VM_EXIT_GUEST_PHYSICAL] = seL4_VMX_Exit_EPTViolation,
            [VM_EXIT_TRIPLE_FAULT] = seL4_VMX_Exit_TripleFault,
            [VM_EXIT_WRMSR] = seL4_VMX_Exit_WRMSR,
            [VM_EXIT_DR_WRITE] = seL4_VMX_Exit_MovDR,
            [VM_EXIT_CR8_WRITE] = seL4_VMX_Exit_CRAccess,
            [VM_EXIT_RDPMC] = seL4_VMX_Exit_RDPMC,
            [VM_EXIT_INVALID_STATE] =
                    seL4_VMX_ExitReason_EntryFailed | seL4_VMX_Exit_InvalidGuestState,
    };
    return reasons[kind];
}

static seL4_Word svm_reason(test_vm_exit_kind_t kind)
{
    static const seL4_Word reasons[] = {
            [VM_EXIT_HYPERCALL] = seL4_SVM_Exit_VMMCALL,
            [VM_EXIT_CPUID] = seL4_SVM_Exit_CPUID,
            [VM_EXIT_IO] = seL4_SVM_Exit_IOIO,
            [VM_EXIT_HLT] = seL4_SVM_Exit_HLT,
            [VM_EXIT_GUEST_PHYSICAL] = seL4_SVM_Exit_NPF,
            [VM_EXIT_TRIPLE_FAULT] = seL4_SVM_Exit_Shutdown,
            [VM_EXIT_WRMSR] = seL4_SVM_Exit_MSR,
            [VM_EXIT_DR_WRITE] = 0x030, /* write of DR0 */
            [VM_EXIT_CR8_WRITE] = 0x018,
            [VM_EXIT_RDPMC] = seL4_SVM_Exit_RDPMC,
            [VM_EXIT_INVALID_STATE] = seL4_SVM_Exit_Invalid,
    };
    return reasons[kind];
}

bool test_vm_exit_is(const test_vm_t *vm, const test_vm_exit_t *exit, test_vm_exit_kind_t kind)
{
    seL4_Word reason = exit->mr[SEL4_VMENTER_FAULT_REASON_MR];

    if (exit->result != SEL4_VMENTER_RESULT_FAULT) {
        return false;
    }
    if (vm->svm) {
        return reason == svm_reason(kind);
    }
    /* VMX: the basic reason, with the entry-failure bit only where the kind has it. */
    return (reason & (0xffffu | seL4_VMX_ExitReason_EntryFailed)) == vmx_reason(kind);
}

int test_vm_expect(test_env_t *env, const test_vm_t *vm, const test_vm_exit_t *exit,
                   test_vm_exit_kind_t kind, seL4_Word length, seL4_Word *next_rip)
{
    seL4_Word reported = exit->mr[SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR];

    if (!test_vm_exit_is(vm, exit, kind)) {
        test_fail(env, __LINE__,
                  "exit kind %d expected: result %lu reason %#lx qualification %#lx "
                  "rip %#lx",
                  (int)kind, (unsigned long)exit->result,
                  (unsigned long)exit->mr[SEL4_VMENTER_FAULT_REASON_MR],
                  (unsigned long)exit->mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR],
                  (unsigned long)exit->mr[SEL4_VMENTER_CALL_EIP_MR]);
        return 0;
    }
    /* VMX reports the length of instruction exits; SVM only with NRIP save; neither of
     * guest-physical faults. */
    if (kind != VM_EXIT_GUEST_PHYSICAL && length != 0 && reported != 0 && reported != length) {
        test_fail(env, __LINE__, "exit kind %d: instruction length %lu, expected %lu", (int)kind,
                  (unsigned long)reported, (unsigned long)length);
        return 0;
    }
    if (next_rip != NULL) {
        *next_rip = exit->mr[SEL4_VMENTER_CALL_EIP_MR] + length;
    }
    return 1;
}
