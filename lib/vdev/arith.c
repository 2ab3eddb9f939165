/*
 * Arithmetic shared by the devices: 128-bit products divided by 64-bit values, without the
 * compiler's 128-bit division (a libgcc call a freestanding build cannot have), and the exit
 * record. Never reads a clock.
 */
#include <vdev/vdev.h>

/* a * b as a 128-bit pair. */
static void multiply(uint64_t a, uint64_t b, uint64_t *high, uint64_t *low)
{
    unsigned __int128 product = (unsigned __int128)a * b;

    *high = (uint64_t)(product >> 64);
    *low = (uint64_t)product;
}

/* (high:low) / c and its remainder, for high < c (so the quotient fits 64 bits). */
static uint64_t divide(uint64_t high, uint64_t low, uint64_t c, uint64_t *remainder)
{
    uint64_t quotient = 0;

    if (high == 0) {
        *remainder = low % c;
        return low / c;
    }
    for (int bit = 63; bit >= 0; bit--) {
        bool carry = (high >> 63) != 0;

        high = (high << 1) | (low >> 63);
        low <<= 1;
        if (carry || high >= c) {
            high -= c;
            quotient |= 1ull << bit;
        }
    }
    *remainder = high;
    return quotient;
}

uint64_t vdev_muldiv(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t high;
    uint64_t low;
    uint64_t remainder;

    if (c == 0) {
        return UINT64_MAX;
    }
    multiply(a, b, &high, &low);
    if (high >= c) {
        return UINT64_MAX;
    }
    return divide(high, low, c, &remainder);
}

uint64_t vdev_muldiv_ceil(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t high;
    uint64_t low;
    uint64_t remainder;
    uint64_t quotient;

    if (c == 0) {
        return UINT64_MAX;
    }
    multiply(a, b, &high, &low);
    if (high >= c) {
        return UINT64_MAX;
    }
    quotient = divide(high, low, c, &remainder);
    if (remainder != 0) {
        return quotient == UINT64_MAX ? UINT64_MAX : quotient + 1;
    }
    return quotient;
}

void vdev_exit_request(vdev_exit_t *exit, vdev_exit_kind_t kind, uint64_t status)
{
    exit->requests++;
    if (exit->kind == VDEV_EXIT_NONE) {
        exit->kind = kind;
        exit->status = status;
    }
}
