/*
 * Inside the PV vCPU: exception and interrupt delivery through the guest's own 64-bit IDT (SDM
 * Vol. 3A 6.14; APM Vol. 2 8.9), with the double-fault rules (SDM Vol. 3A 6.15, Table 6-5): a
 * contributory fault during a contributory one, or a #PF or contributory fault during a #PF,
 * becomes #DF; any of them during #DF ends the VM as a triple fault. A delivery checks the gate,
 * the code segment, the stack and writes the whole frame before it changes the vCPU.
 */
#ifndef PV_DELIVER_H
#define PV_DELIVER_H

#include <pv/emulate.h>

/*
 * Delivers `event` (PV_FAULT_EXCEPTION) from the vCPU's current state: the saved RIP is
 * cpu->rip (the faulting instruction for faults, the next one for traps and software
 * interrupts, which the caller has advanced). On success the vCPU is at the handler and the
 * result is PV_FAULT_NONE; a triple fault, or guest state outside RAM, is PV_FAULT_END with the
 * step that failed in `what` and, for a triple fault, the last vector in `vector`.
 */
pv_fault_t pv_deliver(pv_cpu_t *cpu, const pv_env_t *env, const pv_fault_t *event);

/* Whether a vector pushes an error code (8, 10-14, 17, 21). */
bool pv_deliver_has_error_code(unsigned vector);

#endif
