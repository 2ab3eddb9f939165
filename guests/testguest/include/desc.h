/*
 * The guest's own descriptor tables: one GDT (kernel and user segments, the TSS), one IDT with a
 * stub for each of the 256 vectors, and the TSS with its ring-0 and IST stacks.
 */
#ifndef TESTGUEST_DESC_H
#define TESTGUEST_DESC_H

/* Selectors. The order from 0x18 on is what SYSRET needs: STAR[63:48] + 8 = data, + 16 = code. */
#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_CODE32 0x18 /* never loaded: the anchor STAR[63:48] points at */
#define SEL_USER_DATA   0x20
#define SEL_USER_CODE   0x28
#define SEL_TSS         0x30
#define RPL_USER        3

/* IST slots (1-based, as the gate's IST field counts them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>

/* Loads the GDT, TSS and IDT; every gate DPL 0 except #BP, #OF and VECTOR_INT_USER. */
void desc_init(void);

/* Sets one gate's DPL and IST (0: none) and whether it is present. */
void idt_set_gate(uint8_t vector, unsigned dpl, unsigned ist, int present);

/* Restores every gate to what desc_init made, and reloads the IDT register. */
void idt_restore(void);

/* The top of the stack the CPU switches to on an entry from ring 3 (TSS.RSP0). */
uint64_t tss_ring0_stack_top(void);

#endif /* __ASSEMBLY__ */

#endif
