/*
 * svctest's runner: every group's cases in order, a line per case, the summary, power-off.
 */
#include "svctest.h"
#include <fmt/fmt.h>
#include <runtime/log.h>
#include <runtime/power.h>
#include <runtime/start.h>
#include <stdarg.h>

static const svctest_group_t *const groups[] = {
        &svctest_ipc_group,
        &svctest_log_group,
        &svctest_time_group,
        &svctest_crash_group,
};

void svctest_fail(svctest_t *test, int line, const char *format, ...)
{
    va_list args;

    if (test->failed) {
        return;
    }
    test->failed = true;
    size_t n = fmt_snprintf(test->message, sizeof(test->message), "line %d: ", line);
    if (n >= sizeof(test->message)) {
        return;
    }
    va_start(args, format);
    fmt_vsnprintf(test->message + n, sizeof(test->message) - n, format, args);
    va_end(args);
}

int service_main(const service_info_t *info)
{
    static svctest_t test;
    unsigned passed = 0;
    unsigned failed = 0;

    if (info->words[SVCTEST_WORD_BENCH] != 0) {
        printf("svctest: the services' benchmarks\n");
        svctest_bench_time();
        svctest_bench_services();
        power_use(info->caps[SVCTEST_CAP_QEMU_EXIT], info->caps[SVCTEST_CAP_BOCHS_EXIT]);
        log_sync();
        power_off(0);
    }
    printf("svctest: the services' test suite\n");
    for (unsigned g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        for (unsigned i = 0; i < groups[g]->count; i++) {
            const svctest_case_t *c = &groups[g]->cases[i];
            test.info = info;
            test.failed = false;
            test.message[0] = '\0';
            c->run(&test);
            if (test.failed) {
                printf("svctest: FAIL %s: %s\n", c->name, test.message);
                failed++;
            } else {
                printf("svctest: PASS %s\n", c->name);
                passed++;
            }
        }
    }
    printf("svctest: %u passed, %u failed\n", passed, failed);
    power_use(info->caps[SVCTEST_CAP_QEMU_EXIT], info->caps[SVCTEST_CAP_BOCHS_EXIT]);
    log_sync();
    power_off(failed == 0 ? 0 : 1);
}
