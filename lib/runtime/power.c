/*
 * Emulator power-off through I/O port capabilities the task issues itself. Writes only the two
 * exit ports, and only when power_off is called.
 */
#include <runtime/power.h>
#include <runtime/print.h>

static seL4_CPtr power_qemu_port;
static seL4_CPtr power_bochs_port;

seL4_Error power_init(alloc_t *alloc)
{
    seL4_Error error = alloc_slot(alloc, &power_qemu_port);

    if (error == seL4_NoError) {
        error = seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, POWER_QEMU_EXIT_PORT,
                                             POWER_QEMU_EXIT_PORT + 3, alloc->cnode,
                                             power_qemu_port, seL4_WordBits);
    }
    if (error == seL4_NoError) {
        error = alloc_slot(alloc, &power_bochs_port);
    }
    if (error == seL4_NoError) {
        error = seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, POWER_BOCHS_SHUTDOWN_PORT,
                                             POWER_BOCHS_SHUTDOWN_PORT, alloc->cnode,
                                             power_bochs_port, seL4_WordBits);
    }
    if (error != seL4_NoError) {
        power_qemu_port = seL4_CapNull;
        power_bochs_port = seL4_CapNull;
    }
    return error;
}

void power_use(seL4_CPtr qemu_port, seL4_CPtr bochs_port)
{
    power_qemu_port = qemu_port;
    power_bochs_port = bochs_port;
}

void power_off(seL4_Word code)
{
    static const char bochs_shutdown[] = "Shutdown";

    if (power_qemu_port != seL4_CapNull) {
        seL4_X86_IOPort_Out32(power_qemu_port, POWER_QEMU_EXIT_PORT, code);
    }
    if (power_bochs_port != seL4_CapNull) {
        for (const char *p = bochs_shutdown; *p != '\0'; p++) {
            seL4_X86_IOPort_Out8(power_bochs_port, POWER_BOCHS_SHUTDOWN_PORT, (seL4_Word)*p);
        }
    }
    printf("power: no exit device answered; halting\n");
    /* DebugHalt takes the exit status in RDI (beaml4); seL4_DebugHalt() has no argument. */
    seL4_X64_SyscallSend(seL4_SysDebugHalt, code & 0xff, 0, 0, 0, 0, 0);
    for (;;) {
        seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
}
