/*
 * A multiboot1 kernel for QEMU's -kernel that enters Linux in the start state the VMM's loader
 * described (start.inc, written by loader_dump): the loader's GDT, control registers, EFER and
 * identity map, then a jump to the entry with RSI = boot_params. It stands in for the hardware
 * back end's first VM entry; it never returns and keeps no state of its own.
 */
        .set    BOOT_AREA, 0x8000
        .set    BOOT_AREA_BYTES, 0x78000
        .set    BOOT_AREA_STAGED, 0x800000     /* between this stub (4 MiB) and the kernel */
        .include "start.inc"

        .section .text
        .code32
        .globl  start
        .align  4
multiboot_header:
        .long   0x1badb002              /* magic */
        .long   0x00000003              /* page-aligned modules, memory information */
        .long   -(0x1badb002 + 0x00000003)

start:
        cli
        /* The boot area comes staged higher up: QEMU's multiboot loader puts its own structures
         * at 0x9000, inside it, after the staged files are in RAM. */
        cld
        mov     $BOOT_AREA_STAGED, %esi
        mov     $BOOT_AREA, %edi
        mov     $BOOT_AREA_BYTES, %ecx
        rep movsb
        lgdt    gdt_pointer
.if START_LONG_MODE
        mov     $START_CR4, %eax
        mov     %eax, %cr4
        mov     $START_CR3, %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx       /* IA32_EFER: LME; the processor sets LMA itself */
        mov     $(START_EFER & ~0x400), %eax
        xor     %edx, %edx
        wrmsr
.endif
        mov     $START_CR0, %eax
        mov     %eax, %cr0
        ljmp    $START_CS, $entry

.if START_LONG_MODE
        .code64
.endif
entry:
        mov     $START_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        xor     %ebp, %ebp
        xor     %edi, %edi
        xor     %ebx, %ebx
        mov     $START_RSI, %esi
        mov     $START_RIP, %eax
.if START_LONG_MODE
        jmp     *%rax
.else
        jmp     *%eax
.endif

        .align  8
gdt_pointer:
        .word   START_GDT_LIMIT
        .long   START_GDT_BASE
