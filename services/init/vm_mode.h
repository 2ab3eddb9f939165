/*
 * The mode a VM runs in: the one its declaration (or the shell's `vm mode`) asks for, checked
 * against the hardware virtualization the kernel found at boot. Pure: no capability, no output;
 * the refusal is a message for the operator, at most VM_MODE_MESSAGE_BYTES with its NUL.
 */
#ifndef INIT_VM_MODE_H
#define INIT_VM_MODE_H

#include <sel4/bootinfo.h>
#include <stdbool.h>
#include <stddef.h>
#include <vmdecl/vmdecl.h>

/* A refusal fits a VM's reason (vms.h, VM_REASON_BYTES) whole. */
#define VM_MODE_MESSAGE_BYTES 96

/*
 * auto runs as VTX on a VMX machine, as SVM on an SVM machine, else as PV; pv always runs; vtx
 * and svm run only where the kernel offers that kind. machine is the boot info's
 * virtualization chunk (NULL: there is none). True with *resolved PV, VTX or SVM (never AUTO);
 * false with why ("mode=vtx: this machine has AMD-V (SVM), not VT-x: use mode=svm or
 * mode=auto") in message, which holds capacity bytes.
 */
bool vm_mode_resolve(vmdecl_mode_t requested, const seL4_X86_VirtFeatures *machine,
                     vmdecl_mode_t *resolved, char *message, size_t capacity);

#endif
