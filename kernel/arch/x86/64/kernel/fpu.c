/*
 * Eager FPU switching with an owner: the FPU holds the state image cpu->arch.fpu_owner points to
 * (a thread's, or a VCPU's guest state); switching to another image saves the owner's and loads
 * the new one. A deleted TCB or VCPU stops being the owner before its memory can be reused
 * (fpu_release_state).
 */
#include <arch/boot_section.h>
#include <arch/kernel/fpu.h>
#include <arch/kernel/pv_control.h>
#include <kernel/arch_thread.h>
#include <kernel/cpu.h>
#include <kernel/string.h>

#define FXSAVE_FCW_OFFSET   0
#define FXSAVE_MXCSR_OFFSET 24
#define FCW_DEFAULT         0x037f
#define MXCSR_DEFAULT       0x1f80

static fpu_state_t fpu_initial_state;

BOOT_CODE void fpu_init(void)
{
    uint16_t fcw = FCW_DEFAULT;
    uint32_t mxcsr = MXCSR_DEFAULT;

    memset(&fpu_initial_state, 0, sizeof(fpu_initial_state));
    memcpy(&fpu_initial_state.bytes[FXSAVE_FCW_OFFSET], &fcw, sizeof(fcw));
    memcpy(&fpu_initial_state.bytes[FXSAVE_MXCSR_OFFSET], &mxcsr, sizeof(mxcsr));
}

void fpu_state_init(fpu_state_t *state)
{
    memcpy(state, &fpu_initial_state, sizeof(*state));
}

void fpu_load(fpu_state_t *state)
{
    arch_cpu_t *arch = &cpu_self()->arch;

    if (arch->fpu_owner == state) {
        return;
    }
    pv_control_fpu_access(arch);
    if (arch->fpu_owner != NULL) {
        __asm__ volatile("fxsave64 %0" : "=m"(*arch->fpu_owner));
    }
    __asm__ volatile("fxrstor64 %0" : : "m"(*state));
    arch->fpu_owner = state;
}

void fpu_release_state(const fpu_state_t *state)
{
    arch_cpu_t *arch = &cpu_self()->arch;

    if (arch->fpu_owner == state) {
        arch->fpu_owner = NULL;
    }
}
