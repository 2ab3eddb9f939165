/*
 * The MC146818-compatible RTC and CMOS RAM of a PC: index port 0x70 (bit 7, the NMI mask, is
 * ignored), data port 0x71, interrupts on ISA IRQ 8.
 *
 * Implemented: time and date registers 0x00-0x09 in BCD or binary and 12- or 24-hour format
 * as register B says (the clock is kept as a time, so the format applies to every read), the
 * century at 0x32 (the FADT's century index), alarm registers with don't-care values
 * (0xc0-0xff), register A (divider and rate bits kept; UIP), register B (SET stops updates and
 * clears UIE; PIE, AIE, UIE), register C (IRQF, PF, AF, UF; cleared by its read, which lowers
 * IRQ 8), register D (VRT set), CMOS RAM 0x0e-0x7f (0x32 excepted), read and written freely.
 * Wall time is base + now: the VMM gives the base; a guest that writes the time moves it.
 * UIP is set for the 2228 us (244 us + the 1984 us update cycle) before each second boundary,
 * and the registers change at the boundary, so a read that saw UIP clear has at least 2 ms
 * of stable registers. Events are computed, never ticked: PF at each periodic-rate edge of the
 * 32.768 kHz divider chain, UF at each second boundary, AF when the clock reaches the alarm.
 * Not modelled: the divider's reset and test settings (the clock runs whatever DV holds),
 * daylight saving (DSE is kept, with no effect), the square-wave output. Writing the weekday
 * register shifts the weekday the clock reports (it is derived from the date otherwise).
 * Invalid values written to the time registers are clamped to their ranges.
 */
#ifndef VDEV_RTC_H
#define VDEV_RTC_H

#include <vdev/vdev.h>

#define VDEV_RTC_CENTURY_INDEX 0x32u
#define VDEV_RTC_UIP_NS        2228000u

#define VDEV_RTC_A_UIP  0x80u
#define VDEV_RTC_B_SET  0x80u
#define VDEV_RTC_B_PIE  0x40u
#define VDEV_RTC_B_AIE  0x20u
#define VDEV_RTC_B_UIE  0x10u
#define VDEV_RTC_B_SQWE 0x08u
#define VDEV_RTC_B_DM   0x04u /* binary */
#define VDEV_RTC_B_24H  0x02u
#define VDEV_RTC_B_DSE  0x01u
#define VDEV_RTC_C_IRQF 0x80u
#define VDEV_RTC_C_PF   0x40u
#define VDEV_RTC_C_AF   0x20u
#define VDEV_RTC_C_UF   0x10u

typedef struct vdev_rtc_fields {
    unsigned year; /* full year, 1900-9999 */
    unsigned month;
    unsigned day;
    unsigned hour; /* 0-23 */
    unsigned minute;
    unsigned second;
} vdev_rtc_fields_t;

typedef struct vdev_rtc {
    uint8_t index;
    uint8_t ram[128];
    uint8_t reg_a; /* bits 6:0 */
    uint8_t reg_b;
    uint8_t reg_c;    /* flags accumulated since the last read */
    uint8_t alarm[3]; /* registers 1, 3 and 5 as written */
    uint8_t weekday_shift;
    int64_t base_seconds;     /* wall time at guest time 0: seconds since 1970 ... */
    uint32_t base_nanos;      /* ... plus these nanoseconds */
    vdev_rtc_fields_t frozen; /* the registers while SET holds the clock */
    uint64_t events_until;    /* register C holds every event up to here */
    vdev_line_t irq;
    bool irq_level;
    uint64_t interrupts;
} vdev_rtc_t;

/*
 * Reset: 24-hour BCD format (register B 0x02), register A 0x26 (32.768 kHz, 1024 Hz rate),
 * interrupts off, wall time `wall_seconds` (since 1970, UTC) at guest time 0, taken into years
 * 1 to 9999.
 */
void vdev_rtc_init(vdev_rtc_t *rtc, int64_t wall_seconds, const vdev_line_t *irq);

/*
 * The memory size fields as SeaBIOS and QEMU report them: 0x15/0x16 base memory (640 KiB),
 * 0x17/0x18 and 0x30/0x31 KiB above 1 MiB (at most 65535), 0x34/0x35 64 KiB units above
 * 16 MiB below 4 GiB (at most 65535), 0x5b-0x5d 64 KiB units above 4 GiB (24 bits).
 */
void vdev_rtc_set_memory(vdev_rtc_t *rtc, uint64_t below_4g, uint64_t above_4g);

/* Port 0x70 (offset 0, index) and 0x71 (offset 1, data); one byte. */
uint8_t vdev_rtc_read(vdev_rtc_t *rtc, unsigned offset, uint64_t now);
void vdev_rtc_write(vdev_rtc_t *rtc, unsigned offset, uint8_t value, uint64_t now);

/* Register or RAM byte by index, with the effects of a guest access. */
uint8_t vdev_rtc_read_register(vdev_rtc_t *rtc, unsigned index, uint64_t now);
void vdev_rtc_write_register(vdev_rtc_t *rtc, unsigned index, uint8_t value, uint64_t now);

/* The wall time the clock shows at `now` (seconds since 1970). */
int64_t vdev_rtc_wall_seconds(const vdev_rtc_t *rtc, uint64_t now);

/* The next enabled event that would raise IRQ 8, and bringing the flags up to `now`. */
uint64_t vdev_rtc_next_deadline(const vdev_rtc_t *rtc, uint64_t now);
void vdev_rtc_advance(vdev_rtc_t *rtc, uint64_t now);

#endif
