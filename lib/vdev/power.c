/*
 * The ports through which a guest ends its VM: debug exit, ACPI S5 and the reset control
 * register, with the PM1 registers and PM timer ACPI requires around them. A request is only
 * recorded (vdev_exit_t); stopping the VM is the VMM's work.
 */
#include <vdev/power.h>

#define TIMER_NUM      315u /* 3.579545 MHz = 315 / 88000 ticks per ns */
#define TIMER_DEN      88000u
#define TIMER_MASK     0xffffffu
#define STATUS_DEFINED 0x8d31u /* TMR, BM, GBL, PWRBTN, SLPBTN, RTC, WAK */
#define ENABLE_DEFINED 0x0521u /* TMR_EN, GBL_EN, PWRBTN_EN, SLPBTN_EN, RTC_EN */
#define CONTROL_KEPT   0x1c06u /* BM_RLD, GBL_RLS, SLP_TYP */
#define SLP_TYP_SHIFT  10u
#define RESET_RST_CPU  0x04u
#define RESET_WRITABLE 0x0eu

void vdev_power_init(vdev_power_t *power)
{
    *power = (vdev_power_t){0};
}

uint64_t vdev_power_debug_exit_read(vdev_power_t *power, unsigned offset, unsigned size)
{
    (void)power;
    (void)offset;
    (void)size;
    return UINT64_MAX;
}

void vdev_power_debug_exit_write(vdev_power_t *power, unsigned offset, unsigned size,
                                 uint64_t value)
{
    (void)offset;
    (void)size;
    vdev_exit_request(&power->exit, VDEV_EXIT_DEBUG_EXIT, (value << 1) | 1u);
}

uint32_t vdev_power_pm_timer(uint64_t now)
{
    return (uint32_t)(vdev_muldiv(now, TIMER_NUM, TIMER_DEN) & TIMER_MASK);
}

/* Bit-23 changes of the timer so far. */
static uint64_t timer_flips(uint64_t now)
{
    return vdev_muldiv(now, TIMER_NUM, TIMER_DEN) >> 23;
}

static uint16_t status(const vdev_power_t *power, uint64_t now)
{
    uint16_t value = power->pm1_status;

    if (timer_flips(now) > power->timer_epoch) {
        value |= VDEV_PM1_TMR_STS;
    }
    return value;
}

/* The 12 bytes of the block as registers; `byte` is one byte of a register's value. */
static uint8_t read_byte(vdev_power_t *power, unsigned at, uint64_t now)
{
    uint32_t value;

    if (at < 2) {
        value = status(power, now);
    } else if (at < 4) {
        value = power->pm1_enable;
        at -= 2;
    } else if (at < 6) {
        value = (power->pm1_control & CONTROL_KEPT) | VDEV_PM1_CNT_SCI_EN;
        at -= 4;
    } else if (at >= VDEV_PM_TMR_OFFSET && at < VDEV_PM_BLOCK_LENGTH) {
        value = vdev_power_pm_timer(now);
        at -= VDEV_PM_TMR_OFFSET;
    } else {
        return 0xff;
    }
    return (uint8_t)(value >> (8 * at));
}

uint32_t vdev_power_pm_read(vdev_power_t *power, unsigned offset, unsigned size, uint64_t now)
{
    uint32_t value = 0;

    for (unsigned i = 0; i < size && i < 4; i++) {
        value |= (uint32_t)read_byte(power, offset + i, now) << (8 * i);
    }
    return value;
}

static void write_control(vdev_power_t *power, uint16_t value)
{
    power->pm1_control = value & CONTROL_KEPT;
    if (!(value & VDEV_PM1_CNT_SLP_EN)) {
        return;
    }
    if (((value >> SLP_TYP_SHIFT) & 7u) == VDEV_POWER_SLP_TYP_S5) {
        vdev_exit_request(&power->exit, VDEV_EXIT_POWER_OFF, 0);
    } else {
        power->sleep_requests++;
    }
}

void vdev_power_pm_write(vdev_power_t *power, unsigned offset, unsigned size, uint32_t value,
                         uint64_t now)
{
    uint8_t bytes[VDEV_PM_BLOCK_LENGTH + 4] = {0};
    uint8_t mask[VDEV_PM_BLOCK_LENGTH + 4] = {0};

    if (offset >= VDEV_PM_BLOCK_LENGTH || size > 4) {
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        bytes[offset + i] = (uint8_t)(value >> (8 * i));
        mask[offset + i] = 0xff;
    }
    /* PM1_STS: write 1 to clear. */
    if (mask[0] | mask[1]) {
        uint16_t clear = (uint16_t)((bytes[0] & mask[0]) | (bytes[1] & mask[1]) << 8);

        if (clear & VDEV_PM1_TMR_STS) {
            power->timer_epoch = timer_flips(now);
        }
        power->pm1_status &= (uint16_t) ~(clear & STATUS_DEFINED);
    }
    if (mask[2] | mask[3]) {
        uint16_t old = power->pm1_enable;
        uint16_t m = (uint16_t)(mask[2] | mask[3] << 8);
        uint16_t v = (uint16_t)(bytes[2] | bytes[3] << 8);

        power->pm1_enable = (uint16_t)(((old & ~m) | (v & m)) & ENABLE_DEFINED);
    }
    if (mask[4] | mask[5]) {
        uint16_t m = (uint16_t)(mask[4] | mask[5] << 8);
        uint16_t v = (uint16_t)(bytes[4] | bytes[5] << 8);

        /* SLP_EN acts in whichever byte carries it; the other bits keep their old values. */
        write_control(power, (uint16_t)((power->pm1_control & ~m) | (v & m)));
    }
    /* The timer is read-only. */
}

uint8_t vdev_power_reset_read(const vdev_power_t *power)
{
    return power->reset_control;
}

void vdev_power_reset_write(vdev_power_t *power, uint8_t value)
{
    power->reset_control = value & RESET_WRITABLE;
    if (value & RESET_RST_CPU) {
        vdev_exit_request(&power->exit, VDEV_EXIT_RESET, 0);
    }
}
