/*
 * The vCPU's per-event translation cache (pv/walk.h): hits only for the same page, access flags
 * and paging registers (others empty it); at most PV_WALK_CACHE_ENTRIES, the oldest replaced;
 * failed walks never kept; a page the guest remaps between two events walked again; and the same events with and
 * without the cache leave guest RAM and the vCPU alike.
 */
#include "cpu_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const uint8_t UD2[] = {0x0f, 0x0b};

static void test_find_keys(void **state)
{
    (void)state;
    pv_walk_cache_t cache;
    pv_paging_t paging = {
            .cr0 = 0x80010001, .cr3 = 0x1000, .cr4 = 0x20, .efer = 0x500, .phys_addr_bits = 40};
    pv_paging_t other = paging;
    gpa_t found;

    pv_walk_cache_clear(&cache);
    assert_false(pv_walk_cache_find(&cache, &paging, gva(0x7000), PV_ACCESS_WRITE, &found));
    pv_walk_cache_add(&cache, &paging, gva(0x7678), PV_ACCESS_WRITE, gpa(0x345678));
    /* Any byte of the page, the frame's offset following the address. */
    assert_true(pv_walk_cache_find(&cache, &paging, gva(0x7000), PV_ACCESS_WRITE, &found));
    assert_int_equal(found.value, 0x345000);
    assert_true(pv_walk_cache_find(&cache, &paging, gva(0x7fff), PV_ACCESS_WRITE, &found));
    assert_int_equal(found.value, 0x345fff);
    /* Another page, other flags, other paging registers: misses. */
    assert_false(pv_walk_cache_find(&cache, &paging, gva(0x8000), PV_ACCESS_WRITE, &found));
    assert_false(pv_walk_cache_find(&cache, &paging, gva(0x6fff), PV_ACCESS_WRITE, &found));
    assert_false(pv_walk_cache_find(&cache, &paging, gva(0x7000), 0, &found));
    assert_false(pv_walk_cache_find(&cache, &paging, gva(0x7000), PV_ACCESS_WRITE | PV_ACCESS_NO_AD,
                                    &found));
    uint64_t *fields[] = {&other.cr0, &other.cr3, &other.cr4, &other.efer};
    for (unsigned i = 0; i < 4; i++) {
        other = paging;
        *fields[i] ^= 1ull << 12;
        assert_false(pv_walk_cache_find(&cache, &other, gva(0x7000), PV_ACCESS_WRITE, &found));
    }
    other = paging;
    other.phys_addr_bits = 39;
    assert_false(pv_walk_cache_find(&cache, &other, gva(0x7000), PV_ACCESS_WRITE, &found));
    /* A walk under other registers (a CR3 write within the event) empties it. */
    other.phys_addr_bits = 40;
    other.cr3 = 0x9000;
    pv_walk_cache_add(&cache, &other, gva(0x7000), PV_ACCESS_WRITE, gpa(0x111000));
    assert_false(pv_walk_cache_find(&cache, &paging, gva(0x7000), PV_ACCESS_WRITE, &found));
    assert_true(pv_walk_cache_find(&cache, &other, gva(0x7000), PV_ACCESS_WRITE, &found));
    assert_int_equal(found.value, 0x111000);
    /* Emptied. */
    pv_walk_cache_clear(&cache);
    assert_false(pv_walk_cache_find(&cache, &paging, gva(0x7000), PV_ACCESS_WRITE, &found));
}

static void test_replacement(void **state)
{
    (void)state;
    pv_walk_cache_t cache;
    pv_paging_t paging = {
            .cr0 = 0x80010001, .cr3 = 0x1000, .cr4 = 0x20, .efer = 0x500, .phys_addr_bits = 40};
    gpa_t found;

    pv_walk_cache_clear(&cache);
    /* One page more than there are entries: the oldest goes, then the next oldest. */
    for (uint64_t page = 1; page <= PV_WALK_CACHE_ENTRIES + 1; page++) {
        pv_walk_cache_add(&cache, &paging, gva(page << 12), 0, gpa(page << 20));
    }
    assert_false(pv_walk_cache_find(&cache, &paging, gva(1 << 12), 0, &found));
    for (uint64_t page = 2; page <= PV_WALK_CACHE_ENTRIES + 1; page++) {
        assert_true(pv_walk_cache_find(&cache, &paging, gva(page << 12), 0, &found));
        assert_int_equal(found.value, page << 20);
    }
    pv_walk_cache_add(&cache, &paging, gva(0x77000), 0, gpa(0x77000));
    assert_false(pv_walk_cache_find(&cache, &paging, gva(2 << 12), 0, &found));
    assert_true(pv_walk_cache_find(&cache, &paging, gva(3 << 12), 0, &found));
}

/* A patched PUSHF in user mode: an explicit write to the user stack (the processor's own
 * accesses, a delivery's, are never cached: each touches its page once). */
static const uint8_t PUSHF[] = {0x9c};
#define USER_STACK_PAGE (CPU_USTACK_TOP - 0x1000)

static pv_outcome_kind_t user_pushf(cpu_test_t *t)
{
    pv_outcome_t out;

    cpu_test_enter_user(t);
    return cpu_test_exec_patched(t, PUSHF, sizeof(PUSHF), &out);
}

/* A walk that faults is not kept: the user stack's page absent, PUSHF faults (#PF delivered)
 * with no entry for that page; present again, the next PUSHF pushes there. */
static void test_fault_not_kept(void **state)
{
    cpu_test_t *t = *state;

    cpu_test_set_pte(t, USER_STACK_PAGE, 0);
    assert_int_equal(user_pushf(t), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 14 * 16);
    for (unsigned i = 0; i < t->walk_cache.count && i < PV_WALK_CACHE_ENTRIES; i++) {
        assert_int_not_equal(t->walk_cache.entries[i].page, USER_STACK_PAGE);
    }
    cpu_test_set_pte(t, USER_STACK_PAGE, CPU_PTE_P | CPU_PTE_RW | CPU_PTE_US);
    assert_int_equal(user_pushf(t), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_UCODE + 1);
    assert_int_equal(t->cpu.gpr[4], CPU_USTACK_TOP - 0x108);
}

/* Between two PUSHFs (two events) the guest maps the user stack's page to another frame: the
 * second push must land there, not in the frame the first event's walk found. */
static void test_remapped_between_events(void **state)
{
    cpu_test_t *t = *state;
    const uint64_t elsewhere = CPU_DATA + 0x8000; /* a RAM page nothing else uses */
    const uint64_t slot = CPU_USTACK_TOP - 0x108 - USER_STACK_PAGE;

    assert_int_equal(user_pushf(t), PV_OUTCOME_RESUME);
    uint64_t pushed = cpu_test_get64(t, USER_STACK_PAGE + slot);
    assert_int_not_equal(pushed, 0);
    cpu_test_put64(t, USER_STACK_PAGE + slot, 0);
    cpu_test_put64(t, elsewhere + slot, 0);
    cpu_test_put64(t, CPU_PT + (USER_STACK_PAGE >> 12) * 8,
                   elsewhere | CPU_PTE_P | CPU_PTE_RW | CPU_PTE_US);

    assert_int_equal(user_pushf(t), PV_OUTCOME_RESUME);
    assert_int_equal(cpu_test_get64(t, USER_STACK_PAGE + slot), 0);
    assert_int_equal(cpu_test_get64(t, elsewhere + slot), pushed);
}

/* The same events with and without the cache: #UD from user mode, the handler's IRETQ (a
 * patched site) back, a #PF at CPL 0, an interrupt injected. RAM (accessed and dirty bits
 * included) and the vCPU's registers end alike. */
static void run_events(cpu_test_t *t, pv_outcome_kind_t kinds[4])
{
    static const uint8_t IRETQ[] = {0x48, 0xcf};
    pv_outcome_t out;

    cpu_test_enter_user(t);
    kinds[0] = cpu_test_exec(t, UD2, sizeof(UD2), 6, 0, &out);
    kinds[1] = cpu_test_exec_patched(t, IRETQ, sizeof(IRETQ), &out);
    t->cpu.cpl = 0;
    kinds[2] = pv_cpu_handle_page_fault(&t->cpu, &t->env, 0xdead000, 0x2, &out);
    t->intr_kind = PV_INTR_FIXED;
    t->intr_vector = 0x40;
    kinds[3] = pv_cpu_inject(&t->cpu, &t->env, &out);
}

static void test_same_as_uncached(void **state)
{
    cpu_test_t *cached = *state;
    cpu_test_t *plain = cpu_test_new();
    pv_outcome_kind_t with[4];
    pv_outcome_kind_t without[4];

    plain->env.walk_cache = NULL;
    run_events(cached, with);
    run_events(plain, without);
    assert_memory_equal(with, without, sizeof(with));
    assert_memory_equal(cached->ram, plain->ram, CPU_RAM_SIZE);
    assert_memory_equal(cached->cpu.gpr, plain->cpu.gpr, sizeof(cached->cpu.gpr));
    assert_int_equal(cached->cpu.rip, plain->cpu.rip);
    assert_int_equal(cached->cpu.rflags, plain->cpu.rflags);
    assert_int_equal(cached->cpu.cpl, plain->cpu.cpl);
    assert_int_equal(cached->cpu.cr2, plain->cpu.cr2);
    cpu_test_free(plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_find_keys),
            cmocka_unit_test(test_replacement),
            cmocka_unit_test_setup_teardown(test_fault_not_kept, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_remapped_between_events, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_same_as_uncached, cpu_test_setup,
                                            cpu_test_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
