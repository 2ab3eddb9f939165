/*
 * How a VM ends itself, and the ACPI fixed hardware it needs for that:
 *  - QEMU's isa-debug-exit at port 0xf4 (4 ports): a write of v (any width, any of the four
 *    ports) ends the VM with status (v << 1) | 1, as QEMU exits. Reads give all-ones.
 *  - the PM1a event block at PM base + 0 (PM1_STS, PM1_EN: 16 bits each), the PM1a control
 *    block at PM base + 4 (16 bits) and the PM timer at PM base + 8 (24 bits at 3.579545 MHz),
 *    with PM base 0x600 as on QEMU's q35. Writing SLP_EN with SLP_TYP = VDEV_POWER_SLP_TYP_S5
 *    (the value the DSDT's _S5 gives) ends the VM with status 0. SCI_EN reads 1: there is no SMI
 *    command port, the platform is always in ACPI mode. TMR_STS is set each time the timer's
 *    bit 23 changes; writing 1 clears a status bit. No SCI is ever raised (no event is
 *    generated that an enable bit could let through: no power button, no sleep wake).
 *  - the reset control register at 0xcf9 (one byte): a write with RST_CPU (bit 2) set asks the
 *    VMM to reset the VM (the FADT's reset register, value 0x06).
 * The first request to end the VM is kept in `exit`; later ones only count.
 */
#ifndef VDEV_POWER_H
#define VDEV_POWER_H

#include <vdev/vdev.h>

#define VDEV_DEBUG_EXIT_PORT  0xf4u
#define VDEV_DEBUG_EXIT_PORTS 4u
#define VDEV_PM_BASE          0x600u
#define VDEV_PM1_EVT_OFFSET   0u
#define VDEV_PM1_EVT_LENGTH   4u
#define VDEV_PM1_CNT_OFFSET   4u
#define VDEV_PM1_CNT_LENGTH   2u
#define VDEV_PM_TMR_OFFSET    8u
#define VDEV_PM_TMR_LENGTH    4u
#define VDEV_PM_BLOCK_LENGTH  12u
#define VDEV_PM_TIMER_HZ      3579545u
#define VDEV_RESET_PORT       0xcf9u
#define VDEV_RESET_VALUE      0x06u
#define VDEV_POWER_SLP_TYP_S5 5u

#define VDEV_PM1_TMR_STS    0x0001u
#define VDEV_PM1_CNT_SCI_EN 0x0001u
#define VDEV_PM1_CNT_SLP_EN 0x2000u

typedef struct vdev_power {
    uint16_t pm1_status;
    uint16_t pm1_enable;
    uint16_t pm1_control;
    uint64_t timer_epoch; /* TMR_STS counts bit-23 changes after this many of them */
    uint8_t reset_control;
    vdev_exit_t exit;
    uint64_t sleep_requests; /* SLP_EN with a sleep type the DSDT does not declare */
} vdev_power_t;

void vdev_power_init(vdev_power_t *power);

/* The debug-exit ports (offset 0-3). */
uint64_t vdev_power_debug_exit_read(vdev_power_t *power, unsigned offset, unsigned size);
void vdev_power_debug_exit_write(vdev_power_t *power, unsigned offset, unsigned size,
                                 uint64_t value);

/* The PM block at VDEV_PM_BASE: offset 0-11, size 1, 2 or 4 within it. */
uint32_t vdev_power_pm_read(vdev_power_t *power, unsigned offset, unsigned size, uint64_t now);
void vdev_power_pm_write(vdev_power_t *power, unsigned offset, unsigned size, uint32_t value,
                         uint64_t now);

/* The PM timer's 24-bit count at `now`. */
uint32_t vdev_power_pm_timer(uint64_t now);

/* The reset control register (0xcf9). */
uint8_t vdev_power_reset_read(const vdev_power_t *power);
void vdev_power_reset_write(vdev_power_t *power, uint8_t value);

#endif
