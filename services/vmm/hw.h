/*
 * The hardware modes' back end (VT-x and AMD-V behind the kernel's one VCPU interface): the
 * VCPU bound to the VMM's own thread, guest RAM mapped into the guest-physical root, the boot
 * state of each protocol, and the loop of seL4_VMEnter and exit handlers. The device models,
 * loaders, CPUID and MSR policies and hypercalls are the ones PV mode uses (docs/vmm.md).
 */
#ifndef VMM_HW_H
#define VMM_HW_H

#include "vmm.h"

/* The VCPU and the guest-physical space (guest RAM, each frame a copy of the VMM's). Ends the
 * VM with a report on failure. */
void hw_setup(vmm_t *vmm, const pv_cpu_config_t *config);

/* The loaded kernel's boot state written into the VCPU (PVH, multiboot1 or Linux). */
void hw_boot(vmm_t *vmm);

/* Runs the guest until the VM ends. */
void hw_run(vmm_t *vmm) __attribute__((noreturn));

/* The exits by kind, for the VM's last lines. */
void hw_report_statistics(const vmm_t *vmm);

/* ---- inside the back end (hw_*.c) ---- */

/* Guest state for the emulation (lib/pv's instruction emulator) read from the VCPU: registers,
 * RIP, RFLAGS, control registers, EFER, segments, CPL; `whole`: every segment register with TR
 * and LDTR (in 64-bit code the others are left flat). False: the VCPU could not be read, or
 * the guest is not in protected mode. */
bool hw_state_load(vmm_t *vmm, pv_cpu_t *cpu, bool whole);

/* The registers, RIP and RFLAGS an emulated instruction changed, back into the VCPU. */
bool hw_state_store(vmm_t *vmm, const pv_cpu_t *before, const pv_cpu_t *after);

/* The whole of a boot state into the VCPU (segments, tables, control registers, EFER). */
bool hw_state_write_all(vmm_t *vmm, const pv_cpu_t *cpu);

/* A VMCS field or VMCB offset, as the CPU is. */
seL4_Word hw_field_read(const vmm_t *vmm, seL4_Word vmx, seL4_Word svm, bool *ok);
bool hw_field_write(const vmm_t *vmm, seL4_Word vmx, seL4_Word svm, seL4_Word value);

/* General registers in the last exit's message (encoding order: RAX RCX RDX RBX RSP ...; RSP
 * is not there: it is a field). */
uint64_t hw_gpr(const vmm_t *vmm, unsigned reg);
void hw_gpr_set(vmm_t *vmm, unsigned reg, uint64_t value);

/* VT-x: the CR4 bit the host owns (VMX operation needs it; the guest never sees it). */
#define HW_CR4_VMXE (1ull << 13)

/* The guest-physical root's tables and RAM (hw_memory.c). */
seL4_Error hw_memory_setup(vmm_t *vmm);

/* CR0, CR4 and EFER as the guest is to see them; on VT-x the host's bits are added and the
 * IA-32e mode entry control follows EFER.LMA. False: the kernel refused a value. */
bool hw_control_write(vmm_t *vmm, uint64_t cr0, uint64_t cr4, uint64_t efer);

/* The guest's CR0 and CR4 as it sees them. */
uint64_t hw_guest_cr0(const vmm_t *vmm, bool *ok);
uint64_t hw_guest_cr4(const vmm_t *vmm, bool *ok);

/* An exception for the guest at the next entry (it replaces nothing already pending). */
void hw_inject_exception(vmm_t *vmm, unsigned vector, bool has_error, uint32_t error_code);

/* Ends the VM for something the guest did, with the exit's numbers. */
void hw_end_guest(vmm_t *vmm, const hw_exit_t *exit, const char *what) __attribute__((noreturn));

/* One exit (hw_handle.c): what it asks, done; the next entry's RIP, registers, event. */
void hw_handle_exit(vmm_t *vmm, const hw_exit_t *exit);

#endif
