/*
 * A small VMM for the kernel suite (vcpu_vm.c): one VCPU in a guest-physical space of
 * GUEST_PAGES frames holding the test guest (vcpu_guest.S), its page tables, GDT and IDT, in
 * 64-bit mode, on VMX or SVM alike; and the exits the tests expect, named once for both kinds.
 */
#ifndef KTEST_VCPU_VM_H
#define KTEST_VCPU_VM_H

#include "framework.h"
#include "vcpu_guest.h"
#include <stdbool.h>

typedef struct {
    bool svm;
    const seL4_X86_VirtFeatures *features;
    seL4_CPtr vcpu;
    seL4_CPtr root, pdpt, pd, pt;        /* guest-physical structures */
    seL4_CPtr frames[GUEST_PAGES];       /* the VMM's own mappings of guest memory */
    seL4_CPtr guest_frames[GUEST_PAGES]; /* copies of them, mapped in the guest */
    uint8_t *memory;                     /* the VMM's view of guest-physical 0 .. */
    seL4_Word controls;                  /* MR1 for the next entry */
} test_vm_t;

typedef struct {
    seL4_Word result; /* SEL4_VMENTER_RESULT_* */
    seL4_Word badge;
    seL4_Word mr[SEL4_VMENTER_NUM_FAULT_MSGS];
} test_vm_exit_t;

/* What an exit was, the same for VMX and SVM. */
typedef enum {
    VM_EXIT_HYPERCALL,
    VM_EXIT_CPUID,
    VM_EXIT_IO,
    VM_EXIT_HLT,
    VM_EXIT_GUEST_PHYSICAL, /* EPT violation or nested page fault */
    VM_EXIT_TRIPLE_FAULT,   /* VMX triple fault, SVM shutdown */
    VM_EXIT_WRMSR,
    VM_EXIT_DR_WRITE,
    VM_EXIT_CR8_WRITE,
    VM_EXIT_RDPMC,
    VM_EXIT_INVALID_STATE, /* the CPU refused the guest state at entry */
} test_vm_exit_kind_t;

#define GUEST_HYPERCALL_LENGTH 3

#define GUEST_CR0     0x80000033ull /* PG, NE, ET, MP, PE */
#define GUEST_CR0_PE  0x1ull
#define GUEST_CR4     0x620ull /* PAE, OSFXSR, OSXMMEXCPT */
#define GUEST_CR4_PAE 0x20ull

/* Indices of the guest's registers in seL4_VCPUContext (and after SEL4_VMENTER_FAULT_EAX). */
enum {
    VCPU_GPR_RAX = 0,
    VCPU_GPR_RBX,
    VCPU_GPR_RCX,
    VCPU_GPR_RDX,
    VCPU_GPR_RSI,
    VCPU_GPR_RDI,
    VCPU_GPR_RBP,
    VCPU_GPR_R8,
};

/* The boot info's virtualization chunk (NULL when missing). */
const seL4_X86_VirtFeatures *test_vm_features(test_env_t *env);

/* Whether VCPUs exist on this machine; the reason why not otherwise. */
int test_vm_available(test_env_t *env, const char **why);

/* 1 where VCPUs exist; otherwise 0, after checking that each VCPU and guest-physical object
 * type is refused with a clear error (a failure of the test if not). */
int test_vm_or_refused(test_env_t *env);

/* The opening of every VCPU test: on a machine without VMX or SVM, the refusal is what it
 * checks. */
#define VCPU_OR_REFUSED(env)                                                                       \
    do {                                                                                           \
        if (!test_vm_or_refused(env)) {                                                            \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* A VM bound to tcb, its guest state set for 64-bit code at GUEST_CODE. 0 on failure. */
int test_vm_new(test_env_t *env, test_vm_t *vm, seL4_CPtr tcb);

/* Guest address of a label in the test guest. */
seL4_Word test_vm_guest(const char *label);

/* One seL4_VMEnter from the calling thread (the VM's bound one), entering at rip with event. */
void test_vm_enter(test_vm_t *vm, seL4_Word rip, seL4_Word event, test_vm_exit_t *exit);

/* Whether the exit was a VM exit of that kind. */
bool test_vm_exit_is(const test_vm_t *vm, const test_vm_exit_t *exit, test_vm_exit_kind_t kind);

/* Fails the test (and returns 0) unless the exit is of that kind; then RIP after it: past an
 * instruction of `length` bytes, whose reported length must match where the CPU reports it. */
int test_vm_expect(test_env_t *env, const test_vm_t *vm, const test_vm_exit_t *exit,
                   test_vm_exit_kind_t kind, seL4_Word length, seL4_Word *next_rip);

/* Writes a guest-state or control field: the VMX encoding or the SVM offset, as the CPU is. */
seL4_Error test_vm_write(const test_vm_t *vm, seL4_Word vmx_field, seL4_Word svm_field,
                         seL4_Word value);
seL4_Word test_vm_read(const test_vm_t *vm, seL4_Word vmx_field, seL4_Word svm_field);

/* The guest's RAX..R15 from an exit's message registers. */
seL4_Word test_vm_gpr(const test_vm_exit_t *exit, int index);

#endif
