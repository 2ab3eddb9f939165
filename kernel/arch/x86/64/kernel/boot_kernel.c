/*
 * From the platform to the first user instruction: per-CPU state, hardware virtualization, the
 * idle thread, the root task, the scheduler tick, then the exit to user mode. Boot-only.
 */
#include <arch/boot_section.h>
#include <arch/kernel/arch_init.h>
#include <arch/kernel/boot_root_task.h>
#include <arch/lapic.h>
#include <arch/virt/virt.h>
#include <kernel/cpu.h>
#include <kernel/printf.h>
#include <kernel/scheduler.h>

static tcb_t idle_tcb ALIGNED(1u << seL4_TCBBits);

BOOT_CODE void kernel_boot(void)
{
    cpu_t *cpu = &cpu_boot;
    tcb_t *root;

    arch_cpu_init(cpu);
    /* After arch_cpu_init: SVM's host image is a VMSAVE of the state it sets up. */
    virt_detect();
    virt_enable();
    virt_print_summary();
    host_state_record();
    idle_tcb.state = THREAD_IDLE;
    cpu->idle = &idle_tcb;
    cpu->current = &idle_tcb;
    cpu->sched.action = SCHED_RESUME_CURRENT;

    root = root_task_create();
    cpu->current = root;
    if (lapic_timer_start_periodic(SCHED_TICK_NS) != PLATFORM_OK) {
        boot_fail("scheduler", "the LAPIC timer does not start");
    }
    kprintf("beaml4: kernel ready, starting the root task\n");
    boot_record_root_task_start();
    restore_user_context();
}
