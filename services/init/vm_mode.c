/*
 * Mode resolution (vm_mode.h): what the machine offers, read from the kernel's virtualization
 * chunk, against what a VM asks for. A refusal names what the machine has (or why it has
 * nothing) and the modes that would run, so that the operator can act on it.
 */
#include "vm_mode.h"
#include <fmt/fmt.h>

/* The kind of hardware virtualization the kernel offers (an unknown kind counts as none). */
static seL4_X86_VirtKind machine_kind(const seL4_X86_VirtFeatures *machine)
{
    if (machine == NULL ||
        (machine->kind != seL4_X86_Virt_VMX && machine->kind != seL4_X86_Virt_SVM)) {
        return seL4_X86_Virt_None;
    }
    return (seL4_X86_VirtKind)machine->kind;
}

/* Why a machine without usable VT-x or AMD-V has none, as the kernel said it. */
static const char *machine_absent(const seL4_X86_VirtFeatures *machine)
{
    if (machine == NULL) {
        return "the kernel reported no hardware virtualization";
    }
    switch (machine->absent) {
    case seL4_X86_VirtAbsent_NotInCPU:
        return "the CPU has neither VT-x nor AMD-V";
    case seL4_X86_VirtAbsent_DisabledByFirmware:
        return "hardware virtualization is disabled by the firmware";
    case seL4_X86_VirtAbsent_MissingFeature:
        if ((machine->missing & seL4_X86_VirtNeed_EPT) != 0) {
            return "this machine's VT-x lacks EPT";
        }
        if ((machine->missing & seL4_X86_VirtNeed_Controls) != 0) {
            return "this machine's VT-x lacks a VM control the kernel needs";
        }
        if ((machine->missing & seL4_X86_VirtNeed_NPT) != 0) {
            return "this machine's AMD-V lacks nested paging (NPT)";
        }
        return "a feature the kernel needs for VT-x or AMD-V is missing";
    default:
        return "the kernel found no usable VT-x or AMD-V";
    }
}

bool vm_mode_resolve(vmdecl_mode_t requested, const seL4_X86_VirtFeatures *machine,
                     vmdecl_mode_t *resolved, char *message, size_t capacity)
{
    seL4_X86_VirtKind kind = machine_kind(machine);
    const char *what;
    const char *instead;

    switch (requested) {
    case VMDECL_MODE_PV:
        *resolved = VMDECL_MODE_PV;
        return true;
    case VMDECL_MODE_AUTO:
        *resolved = kind == seL4_X86_Virt_VMX   ? VMDECL_MODE_VTX
                    : kind == seL4_X86_Virt_SVM ? VMDECL_MODE_SVM
                                                : VMDECL_MODE_PV;
        return true;
    case VMDECL_MODE_VTX:
    case VMDECL_MODE_SVM:
        break;
    default:
        fmt_snprintf(message, capacity, "mode %u: no such mode (pv, vtx, svm, auto)",
                     (unsigned)requested);
        return false;
    }
    seL4_X86_VirtKind wanted = requested == VMDECL_MODE_VTX ? seL4_X86_Virt_VMX : seL4_X86_Virt_SVM;
    if (kind == wanted) {
        *resolved = requested;
        return true;
    }
    if (kind == seL4_X86_Virt_SVM) {
        what = "this machine has AMD-V (SVM), not VT-x";
        instead = "mode=svm or mode=auto";
    } else if (kind == seL4_X86_Virt_VMX) {
        what = "this machine has VT-x (VMX), not AMD-V";
        instead = "mode=vtx or mode=auto";
    } else {
        what = machine_absent(machine);
        instead = "mode=pv or mode=auto";
    }
    fmt_snprintf(message, capacity, "mode=%s: %s: use %s", vmdecl_mode_name(requested), what,
                 instead);
    return false;
}
