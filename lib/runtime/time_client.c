/*
 * The clock and sleeping of runtime/time.h. Conversions split a value into whole seconds and the
 * rest so that no product needs more than 64 bits (for frequencies below 18 GHz); sleeping keeps
 * the notification bits it did not ask for, for the event loop.
 */
#include <ipc/time.h>
#include <runtime/bootinfo.h>
#include <runtime/event.h>
#include <runtime/service.h>
#include <runtime/start.h>
#include <runtime/time.h>
#include <runtime/tsc.h>

#define NS_PER_SECOND 1000000000ull

static seL4_Word signals_kept;

seL4_Uint64 runtime_tsc_hz(void)
{
    if (runtime_service != NULL) {
        return runtime_service->tsc_hz;
    }
    return runtime_bootinfo != NULL ? bootinfo_tsc_hz(runtime_bootinfo) : 0;
}

/* value * numerator / denominator, saturating; numerator * denominator must stay below 2^64
 * (NS_PER_SECOND times any frequency below 18 GHz). */
static seL4_Uint64 scale(seL4_Uint64 value, seL4_Uint64 numerator, seL4_Uint64 denominator)
{
    if (denominator == 0 || numerator == 0) {
        return 0;
    }
    seL4_Uint64 whole = value / denominator;
    seL4_Uint64 rest = value % denominator;
    if (whole != 0 && whole > ~0ull / numerator) {
        return ~0ull;
    }
    seL4_Uint64 high = whole * numerator;
    seL4_Uint64 low = rest * numerator / denominator;
    return high > ~0ull - low ? ~0ull : high + low;
}

seL4_Uint64 runtime_tsc_to_ns(seL4_Uint64 cycles)
{
    return scale(cycles, NS_PER_SECOND, runtime_tsc_hz());
}

seL4_Uint64 runtime_ns_to_tsc(seL4_Uint64 ns)
{
    return scale(ns, runtime_tsc_hz(), NS_PER_SECOND);
}

seL4_Uint64 runtime_now_ns(void)
{
    return runtime_tsc_to_ns(tsc_read());
}

seL4_Uint64 runtime_deadline_ns(seL4_Uint64 ns)
{
    seL4_Uint64 now = tsc_read();
    seL4_Uint64 cycles = runtime_ns_to_tsc(ns);

    return cycles > ~0ull - now ? ~0ull : now + cycles;
}

/* Arms the sleep token; false when the time service refuses. */
static bool sleep_arm(seL4_Uint64 deadline)
{
    ipc_msg_t msg;

    time_encode_set(&msg, TIME_TOKEN_SLEEP, deadline);
    return ipc_call(SERVICE_SLOT_TIME, &msg) == IPC_OK;
}

bool runtime_sleep_until(seL4_Uint64 deadline)
{
    if (deadline == 0 || tsc_read() >= deadline) {
        return true;
    }
    if (runtime_service == NULL) {
        while (tsc_read() < deadline) {
            seL4_Yield();
        }
        return true;
    }
    if (!sleep_arm(deadline)) {
        return false;
    }
    for (;;) {
        seL4_Word bits = 0;
        seL4_Wait(SERVICE_SLOT_NOTIFICATION, &bits);
        /* The timer bit is kept too: it may have been the event loop's wake-up. */
        signals_kept |= bits;
        if (tsc_read() >= deadline) {
            return true;
        }
        if ((bits & EVENT_BIT_TIMER) != 0 && !sleep_arm(deadline)) {
            return false;
        }
    }
}

bool runtime_sleep_ns(seL4_Uint64 ns)
{
    return runtime_sleep_until(runtime_deadline_ns(ns));
}

seL4_Word runtime_signals_take(void)
{
    seL4_Word bits = signals_kept;

    signals_kept = 0;
    return bits;
}
