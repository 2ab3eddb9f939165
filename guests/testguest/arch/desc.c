/*
 * GDT, TSS and IDT. Descriptors are built from their fields by small encoders; the tables are
 * static so their addresses never change. The TSS gives ring-0 entries from ring 3 their own
 * stack, and #DF and NMI an IST stack each, so that a fault on a broken stack still reaches a
 * handler.
 */
#include "desc.h"

#include "string.h"
#include "vectors.h"

#define STACK_SIZE 16384

typedef struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} tss64_t;

typedef struct __attribute__((packed)) table_pointer {
    uint16_t limit;
    uint64_t base;
} table_pointer_t;

typedef struct idt_gate {
    uint64_t low;
    uint64_t high;
} idt_gate_t;

static uint64_t gdt[8] __attribute__((aligned(16)));
static idt_gate_t idt[256] __attribute__((aligned(16)));
static tss64_t tss __attribute__((aligned(16)));
static uint8_t ring0_stack[STACK_SIZE] __attribute__((aligned(16)));
static uint8_t double_fault_stack[STACK_SIZE] __attribute__((aligned(16)));
static uint8_t nmi_stack[STACK_SIZE] __attribute__((aligned(16)));

extern char trap_stubs[];
#define TRAP_STUB_SIZE 16

/* Segment descriptor flags (bits 40-55 of the descriptor). */
#define SEG_PRESENT          (1ull << 47)
#define SEG_DPL(d)           ((uint64_t)(d) << 45)
#define SEG_CODE_DATA        (1ull << 44)
#define SEG_CODE             (1ull << 43)
#define SEG_RW               (1ull << 41) /* readable code, writable data */
#define SEG_LONG             (1ull << 53)
#define SEG_DB               (1ull << 54)
#define SEG_GRANULAR         (1ull << 55)
#define SEG_FLAT_LIMIT       (0xffffull | (0xfull << 48))
#define SYSTEM_TSS_AVAILABLE (0x9ull << 40)

#define GATE_INTERRUPT (0xeull << 40)
#define GATE_PRESENT   (1ull << 47)

static uint64_t code64(unsigned dpl)
{
    return SEG_PRESENT | SEG_DPL(dpl) | SEG_CODE_DATA | SEG_CODE | SEG_RW | SEG_LONG |
           SEG_GRANULAR | SEG_FLAT_LIMIT;
}

static uint64_t code32(unsigned dpl)
{
    return SEG_PRESENT | SEG_DPL(dpl) | SEG_CODE_DATA | SEG_CODE | SEG_RW | SEG_DB | SEG_GRANULAR |
           SEG_FLAT_LIMIT;
}

static uint64_t data(unsigned dpl)
{
    return SEG_PRESENT | SEG_DPL(dpl) | SEG_CODE_DATA | SEG_RW | SEG_DB | SEG_GRANULAR |
           SEG_FLAT_LIMIT;
}

/* A 64-bit TSS descriptor takes two GDT slots: base bits 32-63 go in the second. */
static void set_tss_descriptor(unsigned slot, uint64_t base, uint32_t limit)
{
    gdt[slot] = (limit & 0xffffull) | ((base & 0xffffffull) << 16) | SYSTEM_TSS_AVAILABLE |
                SEG_PRESENT | (((uint64_t)limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    gdt[slot + 1] = base >> 32;
}

static idt_gate_t gate(uint64_t handler, unsigned dpl, unsigned ist, int present)
{
    idt_gate_t g;
    g.low = (handler & 0xffff) | ((uint64_t)SEL_KERNEL_CODE << 16) | ((uint64_t)(ist & 7) << 32) |
            GATE_INTERRUPT | SEG_DPL(dpl) | (present ? GATE_PRESENT : 0) |
            ((handler >> 16 & 0xffff) << 48);
    g.high = handler >> 32;
    return g;
}

static unsigned default_dpl(unsigned vector)
{
    return vector == VECTOR_BP || vector == VECTOR_OF || vector == VECTOR_INT_USER ? 3 : 0;
}

static unsigned default_ist(unsigned vector)
{
    if (vector == VECTOR_DF) {
        return IST_DOUBLE_FAULT;
    }
    return vector == VECTOR_NMI ? IST_NMI : 0;
}

void idt_set_gate(uint8_t vector, unsigned dpl, unsigned ist, int present)
{
    uint64_t handler = (uint64_t)(uintptr_t)trap_stubs + (uint64_t)vector * TRAP_STUB_SIZE;
    idt[vector] = gate(handler, dpl, ist, present);
}

static void load_idt(void)
{
    table_pointer_t pointer = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(pointer) : "memory");
}

void idt_restore(void)
{
    for (unsigned v = 0; v < 256; v++) {
        idt_set_gate((uint8_t)v, default_dpl(v), default_ist(v), 1);
    }
    load_idt();
}

uint64_t tss_ring0_stack_top(void)
{
    return (uint64_t)(uintptr_t)(ring0_stack + STACK_SIZE);
}

void desc_init(void)
{
    gdt[SEL_KERNEL_CODE / 8] = code64(0);
    gdt[SEL_KERNEL_DATA / 8] = data(0);
    gdt[SEL_USER_CODE32 / 8] = code32(3);
    gdt[SEL_USER_DATA / 8] = data(3);
    gdt[SEL_USER_CODE / 8] = code64(3);

    memset(&tss, 0, sizeof(tss));
    tss.rsp[0] = tss_ring0_stack_top();
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(uintptr_t)(double_fault_stack + STACK_SIZE);
    tss.ist[IST_NMI - 1] = (uint64_t)(uintptr_t)(nmi_stack + STACK_SIZE);
    tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 gets ports only through IOPL */
    set_tss_descriptor(SEL_TSS / 8, (uint64_t)(uintptr_t)&tss, sizeof(tss) - 1);

    table_pointer_t pointer = {sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt};
    /* Reload CS through a far return, then the data segments and the task register. */
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(pointer), "i"(SEL_KERNEL_CODE), "r"(SEL_KERNEL_DATA), "r"(SEL_TSS)
                     : "rax", "memory");
    idt_restore();
}
