/*
 * VCPU benchmark root task: TSC cycles of a seL4_VMEnter round trip, the guest's CPUID exit back
 * to this thread (its VMM) and the entry again, on VMX or SVM as the machine offers. The guest is
 * one CPUID instruction in flat 32-bit protected mode without paging (unrestricted guest on VMX),
 * over a guest-physical space made by capability. Prints one line per figure; the caller
 * (bench/vcpu/run.sh) adds the command line that produced them.
 */
#include "../ipc/stats.h"
#include <runtime/alloc.h>
#include <runtime/bootinfo.h>
#include <runtime/power.h>
#include <runtime/print.h>
#include <runtime/start.h>
#include <runtime/tsc.h>
#include <runtime/vspace.h>
#include <stdbool.h>

#define WARMUP     100
#define SAMPLES    2000
#define GUEST_CODE 0x1000 /* guest-physical and guest RIP: the CPUID instruction */

/* Flat 32-bit segments: VMX access rights and the SVM attribute form of the same descriptors. */
#define SEL_CODE       0x08
#define SEL_DATA       0x10
#define SEL_TSS        0x18
#define VMX_AR_CODE32  0xc09bull
#define VMX_AR_DATA32  0xc093ull
#define TSS_RIGHTS     0x008bull  /* a busy 32-bit TSS, in both forms */
#define VMX_AR_NONE    0x10000ull /* unusable */
#define SVM_ATTR_CODE  0x0c9bull
#define SVM_ATTR_DATA  0x0c93ull
#define GUEST_CR0      0x31ull /* PE, ET, NE; no paging */
#define GUEST_RFLAGS   0x2ull
#define FLAT_LIMIT     0xffffffffull
#define TSS_LIMIT      0x67ull
#define CPUID_BYTES    0xa20fu /* 0f a2 */
#define SEGMENT_FIELDS 4

static uint64_t samples[SAMPLES];
static uint64_t scratch[SAMPLES];

static alloc_t bench_alloc;
static vspace_t bench_vspace;

typedef struct {
    seL4_Word field;
    seL4_Word value;
} field_value_t;

/* One segment's selector, limit, access rights and base, VMX encodings in a row of four. */
static const seL4_Word vmx_segments[][SEGMENT_FIELDS + 1] = {
        /* selector field, limit field, access field, base field, selector */
        {seL4_VMCS_Guest_CS_Sel, seL4_VMCS_Guest_CS_Limit, seL4_VMCS_Guest_CS_Access,
         seL4_VMCS_Guest_CS_Base, SEL_CODE},
        {seL4_VMCS_Guest_SS_Sel, seL4_VMCS_Guest_SS_Limit, seL4_VMCS_Guest_SS_Access,
         seL4_VMCS_Guest_SS_Base, SEL_DATA},
        {seL4_VMCS_Guest_DS_Sel, seL4_VMCS_Guest_DS_Limit, seL4_VMCS_Guest_DS_Access,
         seL4_VMCS_Guest_DS_Base, SEL_DATA},
        {seL4_VMCS_Guest_ES_Sel, seL4_VMCS_Guest_ES_Limit, seL4_VMCS_Guest_ES_Access,
         seL4_VMCS_Guest_ES_Base, SEL_DATA},
        {seL4_VMCS_Guest_FS_Sel, seL4_VMCS_Guest_FS_Limit, seL4_VMCS_Guest_FS_Access,
         seL4_VMCS_Guest_FS_Base, SEL_DATA},
        {seL4_VMCS_Guest_GS_Sel, seL4_VMCS_Guest_GS_Limit, seL4_VMCS_Guest_GS_Access,
         seL4_VMCS_Guest_GS_Base, SEL_DATA},
        {seL4_VMCS_Guest_TR_Sel, seL4_VMCS_Guest_TR_Limit, seL4_VMCS_Guest_TR_Access,
         seL4_VMCS_Guest_TR_Base, SEL_TSS},
};

static const seL4_Word svm_segments[] = {
        seL4_VMCB_Save_CS, seL4_VMCB_Save_SS, seL4_VMCB_Save_DS, seL4_VMCB_Save_ES,
        seL4_VMCB_Save_FS, seL4_VMCB_Save_GS, seL4_VMCB_Save_TR,
};

#define SEGMENT_COUNT (sizeof(svm_segments) / sizeof(svm_segments[0]))
#define STATE_FIELDS  (SEGMENT_COUNT * SEGMENT_FIELDS + 5)

static seL4_Word segment_rights(bool svm, size_t index)
{
    if (index == 0) {
        return svm ? SVM_ATTR_CODE : VMX_AR_CODE32;
    }
    if (index == SEGMENT_COUNT - 1) {
        return TSS_RIGHTS;
    }
    return svm ? SVM_ATTR_DATA : VMX_AR_DATA32;
}

/* The guest's registers: flat segments, no paging, RIP at the CPUID. Returns the count. */
static size_t guest_state(bool svm, field_value_t *state)
{
    size_t n = 0;

    for (size_t i = 0; i < SEGMENT_COUNT; i++) {
        const seL4_Word values[SEGMENT_FIELDS] = {vmx_segments[i][SEGMENT_FIELDS],
                                                  i == SEGMENT_COUNT - 1 ? TSS_LIMIT : FLAT_LIMIT,
                                                  segment_rights(svm, i), 0};
        static const seL4_Word svm_parts[SEGMENT_FIELDS] = {
                seL4_VMCB_Seg_Selector, seL4_VMCB_Seg_Limit, seL4_VMCB_Seg_Attrib,
                seL4_VMCB_Seg_Base};
        for (size_t j = 0; j < SEGMENT_FIELDS; j++) {
            state[n].field = svm ? svm_segments[i] + svm_parts[j] : vmx_segments[i][j];
            state[n++].value = values[j];
        }
    }
    if (svm) {
        state[n++] = (field_value_t){seL4_VMCB_Save_CR0, GUEST_CR0};
        state[n++] = (field_value_t){seL4_VMCB_Save_RFLAGS, GUEST_RFLAGS};
        return n;
    }
    state[n++] = (field_value_t){seL4_VMCS_Guest_LDTR_Access, VMX_AR_NONE};
    state[n++] = (field_value_t){seL4_VMCS_ProcControls2, seL4_VMX_Proc2_UnrestrictedGuest};
    state[n++] = (field_value_t){seL4_VMCS_EntryControls, 0};
    state[n++] = (field_value_t){seL4_VMCS_Guest_CR0, GUEST_CR0};
    state[n++] = (field_value_t){seL4_VMCS_Guest_RFLAGS, GUEST_RFLAGS};
    return n;
}

static seL4_Error guest_state_write(seL4_CPtr vcpu, bool svm)
{
    field_value_t state[STATE_FIELDS];
    size_t count = guest_state(svm, state);

    for (size_t i = 0; i < count; i++) {
        seL4_Error error = seL4_X86_VCPU_WriteVMCS(vcpu, state[i].field, state[i].value).error;
        if (error != seL4_NoError) {
            printf("bench-vcpu: writing field %#llx: error %d\n",
                   (unsigned long long)state[i].field, (int)error);
            return error;
        }
    }
    return seL4_NoError;
}

/* The guest-physical space: a root, one table of each level, one frame at GUEST_CODE. */
static seL4_Error guest_memory_create(seL4_CPtr *root)
{
    static const seL4_Word types[3] = {seL4_X86_EPTPDPTObject, seL4_X86_EPTPDObject,
                                       seL4_X86_EPTPTObject};
    seL4_CPtr tables[3];
    seL4_CPtr frame;
    seL4_CPtr copy;
    void *page;
    seL4_Error error = alloc_object(&bench_alloc, seL4_X86_EPTPML4Object, 0, root);

    for (int i = 0; i < 3 && error == seL4_NoError; i++) {
        error = alloc_object(&bench_alloc, types[i], 0, &tables[i]);
    }
    if (error == seL4_NoError) {
        error = vspace_alloc_pages(&bench_vspace, 1, &page, &frame);
    }
    if (error == seL4_NoError) {
        error = alloc_slot(&bench_alloc, &copy);
    }
    if (error != seL4_NoError) {
        return error;
    }
    *(volatile uint16_t *)((uint8_t *)page + GUEST_CODE % 0x1000) = CPUID_BYTES;
    error = seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, seL4_WordBits, seL4_CapInitThreadCNode,
                            frame, seL4_WordBits, seL4_AllRights);
    if (error == seL4_NoError) {
        error = seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, *root);
    }
    if (error == seL4_NoError) {
        error = seL4_X86_EPTPDPT_Map(tables[0], *root, 0, 0);
    }
    if (error == seL4_NoError) {
        error = seL4_X86_EPTPD_Map(tables[1], *root, 0, 0);
    }
    if (error == seL4_NoError) {
        error = seL4_X86_EPTPT_Map(tables[2], *root, 0, 0);
    }
    if (error == seL4_NoError) {
        error = seL4_X86_Page_MapEPT(copy, *root, GUEST_CODE, seL4_ReadWrite,
                                     seL4_X86_Default_VMAttributes);
    }
    return error;
}

/* A VCPU bound to this thread, in that space, its guest at the CPUID. */
static seL4_Error vm_create(seL4_CPtr *vcpu, bool svm)
{
    seL4_CPtr root;
    seL4_Error error = alloc_object(&bench_alloc, seL4_X86_VCPUObject, 0, vcpu);

    if (error == seL4_NoError) {
        error = guest_memory_create(&root);
    }
    if (error == seL4_NoError) {
        error = seL4_X86_VCPU_SetTCB(*vcpu, seL4_CapInitThreadTCB);
    }
    if (error == seL4_NoError) {
        error = seL4_TCB_SetEPTRoot(seL4_CapInitThreadTCB, root);
    }
    if (error == seL4_NoError) {
        error = guest_state_write(*vcpu, svm);
    }
    return error;
}

/* Round trips, each checked to be the CPUID exit; 0, or the first unexpected reason. */
static seL4_Word measure_round_trips(bool svm, sample_stats_t *stats)
{
    seL4_Word controls = svm ? seL4_SVM_Intercept_CPUID : 0;
    seL4_Word expected = svm ? seL4_SVM_Exit_CPUID : seL4_VMX_Exit_CPUID;

    for (int i = 0; i < WARMUP + SAMPLES; i++) {
        seL4_SetMR(SEL4_VMENTER_CALL_EIP_MR, GUEST_CODE);
        seL4_SetMR(SEL4_VMENTER_CALL_CONTROL_PPC_MR, controls);
        seL4_SetMR(SEL4_VMENTER_CALL_CONTROL_ENTRY_MR, 0);
        uint64_t start = tsc_read();
        seL4_Word result = seL4_VMEnter(NULL);
        uint64_t end = tsc_read();
        seL4_Word reason = seL4_GetMR(SEL4_VMENTER_FAULT_REASON_MR);
        if (result != SEL4_VMENTER_RESULT_FAULT || reason != expected) {
            return reason == 0 ? ~0ull : reason;
        }
        if (i >= WARMUP) {
            samples[i - WARMUP] = end - start;
        }
    }
    stats_compute(samples, scratch, SAMPLES, stats);
    return 0;
}

static void report(const char *what, const sample_stats_t *stats)
{
    printf("bench-vcpu: %-38s median %7llu  min %7llu  p10 %7llu  p90 %7llu  MAD %6llu cycles\n",
           what, (unsigned long long)stats->median, (unsigned long long)stats->min,
           (unsigned long long)stats->p10, (unsigned long long)stats->p90,
           (unsigned long long)stats->mad);
}

int root_main(seL4_BootInfo *bootinfo)
{
    seL4_Word length = 0;
    const seL4_X86_VirtFeatures *features =
            bootinfo_find_extra(bootinfo, seL4_BootInfo_X86_Virtualization, &length);
    sample_stats_t round_trip;
    seL4_CPtr vcpu;
    seL4_Word unexpected;
    seL4_Error error;
    bool svm;

    alloc_init(&bench_alloc, seL4_CapInitThreadCNode, bootinfo->empty.start, bootinfo->empty.end);
    alloc_add_boot_untypeds(&bench_alloc, bootinfo, seL4_PageBits);
    vspace_init(&bench_vspace, seL4_CapInitThreadVSpace, &bench_alloc, VSPACE_RESERVE_START,
                VSPACE_RESERVE_END);
    error = power_init(&bench_alloc);
    if (error != seL4_NoError) {
        printf("bench-vcpu: setup failed with error %d\n", (int)error);
        power_off(1);
    }
    if (length < sizeof(*features) || features->kind == seL4_X86_Virt_None) {
        printf("bench-vcpu: no VMX or SVM on this machine (reason %u)\n",
               length < sizeof(*features) ? 0u : features->absent);
        power_off(1);
    }
    svm = features->kind == seL4_X86_Virt_SVM;
    error = vm_create(&vcpu, svm);
    if (error != seL4_NoError) {
        printf("bench-vcpu: VM setup failed with error %d\n", (int)error);
        power_off(1);
    }
    printf("bench-vcpu: %s; %d samples after %d warm-up runs each, TSC cycles, timer read "
           "included\n",
           svm ? "SVM" : "VMX", SAMPLES, WARMUP);
    unexpected = measure_round_trips(svm, &round_trip);
    if (unexpected != 0) {
        printf("bench-vcpu: an exit other than CPUID: reason %#llx, MR4 %#llx\n",
               (unsigned long long)unexpected,
               (unsigned long long)seL4_GetMR(SEL4_VMENTER_FAULT_QUALIFICATION_MR));
        power_off(1);
    }
    report(svm ? "VMEnter round trip (SVM, CPUID exit)" : "VMEnter round trip (VMX, CPUID exit)",
           &round_trip);
    printf("bench-vcpu: done\n");
    power_off(0);
}
