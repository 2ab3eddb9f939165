/*
 * The test groups of the kernel suite, one per kernel object or behaviour. Each test_*.c file
 * defines one group; main.c runs them in the order of its list.
 */
#ifndef KTEST_GROUPS_H
#define KTEST_GROUPS_H

#include "framework.h"

extern const test_group_t untyped_group;
extern const test_group_t modules_group;
extern const test_group_t cnode_group;
extern const test_group_t tcb_group;
extern const test_group_t endpoint_group;
extern const test_group_t notification_group;
extern const test_group_t vspace_group;
extern const test_group_t memtype_group;
extern const test_group_t asid_group;
extern const test_group_t ioport_group;
extern const test_group_t console_group;
extern const test_group_t irq_group;
extern const test_group_t fault_group;
extern const test_group_t robust_group;
extern const test_group_t hostile_cpu_group;
extern const test_group_t pv_group;
extern const test_group_t pv_control_group;
extern const test_group_t vcpu_group;
extern const test_group_t vcpu_hostile_group;
extern const test_group_t fuzz_group;
extern const test_group_t stress_group;
extern const test_group_t sched_group;

#endif
