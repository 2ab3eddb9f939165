/*
 * Emulator exit devices. On real hardware the ports written here are unassigned and the CPU
 * simply halts afterwards.
 */
#include <arch/io.h>
#include <arch/power.h>
#include <arch/serial.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT  0x8900

void machine_power_off(uint32_t code)
{
    static const char bochs_shutdown[] = "Shutdown";

    serial_flush();
    io_out32(QEMU_DEBUG_EXIT_PORT, code);
    for (const char *p = bochs_shutdown; *p != '\0'; p++) {
        io_out8(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
    }
    cpu_halt_forever();
}

static int panic_power_off;

void machine_set_panic_power_off(int power_off)
{
    panic_power_off = power_off;
}

void machine_panic_stop(void)
{
    if (panic_power_off) {
        machine_power_off(MACHINE_PANIC_EXIT_CODE);
    }
    serial_flush();
    cpu_halt_forever();
}
