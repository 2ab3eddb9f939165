/*
 * Ending a run and the state every program starts from. machine_save_boot_state() records
 * the control registers and MSRs as boot left them; machine_quiesce() puts them back, with
 * every interrupt source masked, so that a program cannot change what the next one sees.
 */
#include "machine.h"

#include "acpi.h"
#include "bootinfo.h"
#include "cpu.h"
#include "desc.h"
#include "hypercall.h"
#include "ioapic.h"
#include "lapic.h"
#include "paging.h"
#include "pic.h"
#include "pit.h"
#include "traps.h"
#include "user.h"

static uint64_t boot_cr0, boot_cr4, boot_efer, boot_pat;

void machine_save_boot_state(void)
{
    boot_cr0 = read_cr0();
    boot_cr4 = read_cr4();
    boot_efer = rdmsr(MSR_EFER);
    boot_pat = rdmsr(MSR_PAT);
}

static void mask_ioapic(void)
{
    uint64_t rsdp = acpi_find_rsdp(&boot_info);
    acpi_madt_info_t madt = {0};
    if (rsdp != 0 && acpi_parse_madt(acpi_find_table(rsdp, "APIC"), &madt) &&
        madt.ioapic_count > 0) {
        ioapic_mask_all(madt.ioapic_address);
    }
}

void machine_quiesce(void)
{
    irq_disable();
    write_cr0(boot_cr0);
    write_cr4(boot_cr4);
    wrmsr(MSR_EFER, boot_efer);
    wrmsr(MSR_PAT, boot_pat);
    paging_reset();
    idt_restore();
    trap_clear_handlers();
    __asm__ volatile("mov %0, %%dr7" ::"r"(0ull));
    wrmsr(MSR_FS_BASE, 0);
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    if (cpu_has_rdtscp() || cpu_has_rdpid()) {
        wrmsr(MSR_TSC_AUX, 0);
    }
    user_init();
    /* Masked first: stopping the PIT (mode 0, the longest count) makes it fire once more, 55 ms
     * later, and that edge must find the 8259 and the I/O APIC pin masked, or a later program
     * takes an interrupt it never asked for. */
    pic_set_mask(0xffff);
    mask_ioapic();
    pit_channel0_stop();
    lapic_init();
}

static bool exit_by_port;

void machine_exit_by_port(void)
{
    exit_by_port = true;
}

void machine_exit(unsigned status)
{
    irq_disable();
    if (!exit_by_port && hypercall_available()) {
        (void)hypercall(HC_EXIT, status, 0, 0, 0);
    }
    outl(ISA_DEBUG_EXIT_PORT, status);
    for (const char *s = "Shutdown"; *s != '\0'; s++) {
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    }
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}
