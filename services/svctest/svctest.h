/*
 * svctest: the services' test suite, run as a service of its own when the kernel command line
 * says `svctest` (init starts it last, with the exit ports). Each group is a file test_*.c with a
 * table of cases; a case checks through the services' real interfaces and records the first
 * failure. Lines go through the log service like any service's ("svctest: PASS name"), and the
 * run ends with "svctest: N passed, M failed" and the machine powered off (status 0 if all
 * passed). tests/system/services/ drives it and checks the serial output.
 */
#ifndef SVCTEST_SVCTEST_H
#define SVCTEST_SVCTEST_H

#include <runtime/print.h>
#include <runtime/service.h>
#include <stdbool.h>

/* Its start-info capabilities. */
enum svctest_cap {
    SVCTEST_CAP_QEMU_EXIT = 0,           /* port 0xf4 */
    SVCTEST_CAP_BOCHS_EXIT = 1,          /* port 0x8900 */
    SVCTEST_CAP_TIME_NEVER_ATTACHED = 2, /* the time endpoint, badge of id 63 (no service) */
    SVCTEST_CAP_TIME_BEYOND_IDS = 3,     /* the time endpoint, badge of id 0xffff */
};

/* Its start-info words. */
enum svctest_word {
    SVCTEST_WORD_BENCH = 0,  /* 1: the command line says svcbench: figures instead of tests */
    SVCTEST_WORD_ICOUNT = 1, /* 1: it says icount: QEMU counts instructions (time stands still
                              * while the host runs something else), tolerances are tight */
};

typedef struct svctest {
    const service_info_t *info;
    bool failed;
    char message[160];
} svctest_t;

typedef struct svctest_case {
    const char *name;
    void (*run)(svctest_t *test);
} svctest_case_t;

typedef struct svctest_group {
    const svctest_case_t *cases;
    unsigned count;
} svctest_group_t;

#define SVCTEST_GROUP(array)                                                                       \
    {                                                                                              \
        (array), (unsigned)(sizeof(array) / sizeof((array)[0]))                                    \
    }

void svctest_fail(svctest_t *test, int line, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

#define SVCTEST_CHECK(test, condition, ...)                                                        \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            svctest_fail((test), __LINE__, __VA_ARGS__);                                           \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* The groups (one per test_*.c), in the order main.c runs them. */
extern const svctest_group_t svctest_ipc_group;
extern const svctest_group_t svctest_log_group;
extern const svctest_group_t svctest_time_group;
extern const svctest_group_t svctest_crash_group;

/* The benchmarks (bench_*.c), run instead of the groups when SVCTEST_WORD_BENCH is set: each
 * prints its figures as "figure: ..." lines. */
void svctest_bench_time(void);
void svctest_bench_services(void);

#endif
