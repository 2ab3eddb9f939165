/*
 * The interrupt vector map. The core's IDT follows it; the platform code programs the LAPIC,
 * IOAPICs and 8259s with these numbers. Macros only, so that assembly can include it.
 *
 *   0x00-0x1f  CPU exceptions
 *   0x20-0x2f  the 8259 pair, remapped and masked (only spurious IRQ 7/15 can arrive)
 *   0x30-0xef  device interrupts: IOAPIC GSIs and MSIs, handed out by IRQControl
 *   0xf0-0xfc  inter-processor interrupts (reserved for SMP)
 *   0xfd       LAPIC error
 *   0xfe       LAPIC timer (scheduler tick)
 *   0xff       LAPIC spurious (low nibble all ones, as old xAPICs require)
 */
#ifndef ARCH_VECTORS_H
#define ARCH_VECTORS_H

#define VECTOR_EXCEPTION_COUNT 32

#define VECTOR_PIC_BASE       0x20
#define VECTOR_PIC_COUNT      16
#define VECTOR_PIC_SPURIOUS_1 (VECTOR_PIC_BASE + 7)
#define VECTOR_PIC_SPURIOUS_2 (VECTOR_PIC_BASE + 15)

#define VECTOR_IRQ_BASE  0x30
#define VECTOR_IRQ_LAST  0xef
#define VECTOR_IRQ_COUNT (VECTOR_IRQ_LAST - VECTOR_IRQ_BASE + 1)

#define VECTOR_IPI_BASE 0xf0
#define VECTOR_IPI_LAST 0xfc

#define VECTOR_LAPIC_ERROR 0xfd
#define VECTOR_LAPIC_TIMER 0xfe
#define VECTOR_SPURIOUS    0xff

#endif
