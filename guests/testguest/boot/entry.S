/*
 * The test guest's first instructions: the multiboot1 header (a.out kludge) and the PVH note,
 * the two 32-bit entry points, the boot page tables and the switch to long mode. It runs at
 * physical addresses with paging off and touches only its own boot data. The boot page tables
 * map the first 1 GiB twice, at 0 and at 0xffffffff80000000, so that the jump into C works
 * whichever address the image was linked at; C then builds the real address space.
 */
#include "bootinfo.h"

#define MB1_HEADER_MAGIC 0x1badb002
/* bit 0: modules page-aligned; bit 1: memory information wanted; bit 16: address fields valid */
#define MB1_HEADER_FLAGS 0x00010003
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define CR0_PE  0x00000001
#define CR0_NE  0x00000020
#define CR0_WP  0x00010000
#define CR0_PG  0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100
#define EFER_NXE 0x00000800
#define CPUID_EXT_LM (1 << 29)
#define CPUID_EXT_NX (1 << 20)

#define PTE_TABLE 0x003 /* present, writable */
#define PTE_LARGE 0x083 /* present, writable, 2 MiB page */

/* ---- the multiboot1 header: within the file's first 8 KiB, which the linker script ensures ---- */
    .section .mb1.header, "a"
    .balign 4
    .global mb1_header
mb1_header:
    .long MB1_HEADER_MAGIC
    .long MB1_HEADER_FLAGS
    .long -(MB1_HEADER_MAGIC + MB1_HEADER_FLAGS)
    .long mb1_header             /* header_addr: everything here is physical */
    .long __image_phys_start     /* load_addr */
    .long __load_end_phys        /* load_end_addr */
    .long __bss_end_phys         /* bss_end_addr */
    .long mb1_entry              /* entry_addr */

/* ---- the PVH entry note: 4-byte aligned, as loaders walk notes by 4-byte steps ---- */
    .section .note.pvh, "a", @note
    .balign 4
    .long 4                      /* name size, "Xen\0" */
    .long 8                      /* descriptor size */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .quad pvh_entry

    .section .boot.text, "ax"
    .code32

/* Multiboot1: EAX holds the loader's magic, EBX the information structure. */
    .global mb1_entry
mb1_entry:
    cli
    cld
    movl $BOOT_ENTRY_MULTIBOOT1, boot_entry_kind
    movl %eax, boot_magic
    movl %ebx, boot_info_phys
    jmp boot_common32

/* PVH: EBX holds hvm_start_info and EAX is undefined: the magic is the structure's first word. */
    .global pvh_entry
pvh_entry:
    cli
    cld
    movl $BOOT_ENTRY_PVH, boot_entry_kind
    movl (%ebx), %eax
    movl %eax, boot_magic
    movl %ebx, boot_info_phys
    jmp boot_common32

boot_common32:
    movl $boot_stack_top, %esp

    /* Long mode is the one thing this guest cannot do without. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $CPUID_EXT_LM, %edx
    jz no_long_mode
    movl %edx, %esi              /* keeps the NX bit for EFER below */

    /* Page tables: clear the four pages, then link PML4 -> PDPTs -> one PD of 2 MiB pages. */
    movl $boot_page_tables, %edi
    movl $(4 * 4096 / 4), %ecx
    xorl %eax, %eax
    rep stosl
    movl $(boot_pdpt_low + PTE_TABLE), boot_pml4
    movl $(boot_pdpt_high + PTE_TABLE), boot_pml4 + 511 * 8
    movl $(boot_pd + PTE_TABLE), boot_pdpt_low
    movl $(boot_pd + PTE_TABLE), boot_pdpt_high + 510 * 8
    movl $boot_pd, %edi
    movl $PTE_LARGE, %eax
    movl $512, %ecx
1:  movl %eax, (%edi)
    addl $0x200000, %eax
    addl $8, %edi
    loop 1b

    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    testl $CPUID_EXT_NX, %esi
    jz 2f
    orl $EFER_NXE, %eax
2:  wrmsr

    movl %cr0, %eax
    orl $(CR0_PE | CR0_NE | CR0_WP | CR0_PG), %eax
    movl %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x08, $boot_long_mode

/* Says why on COM1 (already set up by the firmware, or not: then nothing shows) and halts. */
no_long_mode:
    movl $no_long_mode_message, %esi
3:  lodsb
    testb %al, %al
    jz 4f
    movw $0x3f8, %dx
    outb %al, %dx
    jmp 3b
4:  hlt
    jmp 4b

    .code64
boot_long_mode:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs

    /* .bss is the loader's to zero (both protocols say so): the boot program checks it did. */
    movabsq $guest_stack_top, %rsp
    movl boot_entry_kind, %edi
    movl boot_magic, %esi
    movl boot_info_phys, %edx
    movabsq $guest_main, %rax
    call *%rax
5:  cli
    hlt
    jmp 5b

    .section .boot.data, "aw"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff     /* 0x08: 64-bit code, DPL 0 */
    .quad 0x00cf92000000ffff     /* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

boot_entry_kind:
    .long 0
boot_magic:
    .long 0
boot_info_phys:
    .long 0
no_long_mode_message:
    .asciz "testguest: this CPU has no long mode\r\n"

    /* Page tables and a small stack, in the file so that no loader's bss handling matters. */
    .balign 4096
boot_page_tables:
boot_pml4:
    .fill 4096, 1, 0
boot_pdpt_low:
    .fill 4096, 1, 0
boot_pdpt_high:
    .fill 4096, 1, 0
boot_pd:
    .fill 4096, 1, 0
boot_stack:
    .fill 1024, 1, 0
boot_stack_top:

    .section .bss
    .balign 16
    .global guest_stack_top
guest_stack:
    .skip 32768
guest_stack_top:
