/*
 * The VMM's trap profile (profile.h): TSC totals by kind of trap and by part. Parts nest (the
 * software TLB and the devices are called from lib/pv), so lib/pv's own share is printed with
 * theirs taken out. Measures only: nothing here decides anything about the guest.
 */
#include "profile.h"
#include <runtime/log.h>

typedef struct profile_totals {
    uint64_t traps;
    uint64_t cycles;
    uint64_t parts[PROFILE_PARTS];
} profile_totals_t;

typedef struct profile {
    profile_totals_t totals[PROFILE_KINDS];
    char label[PROFILE_LABEL_MAX + 1];
} profile_t;

profile_trap_t profile_current;
static profile_t profile;

static const char *const kind_names[PROFILE_KINDS] = {
        [PROFILE_FILL] = "fill",
        [PROFILE_PAGE_FAULT] = "page-fault",
        [PROFILE_MMIO] = "mmio",
        [PROFILE_SITE] = "patch-site",
        [PROFILE_PRIVILEGED] = "privileged",
        [PROFILE_EXCEPTION] = "exception",
        [PROFILE_SYSCALL] = "syscall",
        [PROFILE_INTERRUPT] = "interrupt",
        [PROFILE_SIGNAL] = "signal",
};

static void totals_clear(void)
{
    for (unsigned kind = 0; kind < PROFILE_KINDS; kind++) {
        profile.totals[kind] = (profile_totals_t){0};
    }
}

/* One line per kind of trap that happened: count, total cycles, and the parts. */
static void report_print(void)
{
    for (unsigned kind = 0; kind < PROFILE_KINDS; kind++) {
        const profile_totals_t *t = &profile.totals[kind];
        uint64_t nested = t->parts[PROFILE_TLB] + t->parts[PROFILE_DEVICES];
        uint64_t pv = t->parts[PROFILE_PV] > nested ? t->parts[PROFILE_PV] - nested : 0;

        if (t->traps == 0) {
            continue;
        }
        log_printf(
                LOG_INFO,
                "vmm: profile %s: %s %lu traps %lu cycles: pv %lu tlb %lu devices %lu "
                "views %lu registers %lu clock %lu\n",
                profile.label, kind_names[kind], (unsigned long)t->traps, (unsigned long)t->cycles,
                (unsigned long)pv, (unsigned long)t->parts[PROFILE_TLB],
                (unsigned long)t->parts[PROFILE_DEVICES], (unsigned long)t->parts[PROFILE_VIEW],
                (unsigned long)t->parts[PROFILE_REGISTERS], (unsigned long)t->parts[PROFILE_CLOCK]);
    }
}

void profile_trap_close(void)
{
    if (profile_current.report_pending) {
        /* The PROFILE hypercall's own trap belongs to no phase. */
        if (profile.label[0] != '\0') {
            report_print();
        }
        totals_clear();
        profile_current.report_pending = false;
        profile_current.begun = 0;
        return;
    }
    if (profile_current.begun == 0) {
        return;
    }
    profile_totals_t *t = &profile.totals[profile_current.kind];
    t->traps++;
    t->cycles += profile_tsc() - profile_current.begun;
    for (unsigned part = 0; part < PROFILE_PARTS; part++) {
        t->parts[part] += profile_current.parts[part];
    }
    profile_current.begun = 0;
}

void profile_request(const char *label, size_t length)
{
    size_t n = 0;

    for (; label != NULL && n < length && n < PROFILE_LABEL_MAX; n++) {
        profile.label[n] = label[n];
    }
    profile.label[n] = '\0';
    profile_current.report_pending = true;
    profile_current.on = true;
}
