/*
 * Interrupt vectors the guest assigns. Exceptions take 0-31; everything else is chosen here so
 * that no two sources share a vector.
 */
#ifndef TESTGUEST_VECTORS_H
#define TESTGUEST_VECTORS_H

#define VECTOR_DE  0
#define VECTOR_DB  1
#define VECTOR_NMI 2
#define VECTOR_BP  3
#define VECTOR_OF  4
#define VECTOR_UD  6
#define VECTOR_NM  7
#define VECTOR_DF  8
#define VECTOR_TS  10
#define VECTOR_NP  11
#define VECTOR_SS  12
#define VECTOR_GP  13
#define VECTOR_PF  14
#define VECTOR_MF  16
#define VECTOR_AC  17

#define VECTOR_PIC_BASE       0x20 /* master 0x20-0x27, slave 0x28-0x2f */
#define VECTOR_IOAPIC_PIT     0x40
#define VECTOR_LAPIC_TIMER    0x50
#define VECTOR_SELF_IPI       0x60
#define VECTOR_INT_USER       0x80 /* gate DPL 3: ring 3 may INT to it */
#define VECTOR_INT_KERNEL     0x81 /* gate DPL 0: INT from ring 3 raises #GP */
#define VECTOR_LAPIC_SPURIOUS 0xff

#endif
