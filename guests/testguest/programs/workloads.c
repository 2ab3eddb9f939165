/*
 * Three workloads for benchmarks, each printing one deterministic line (iterations and a
 * checksum, both self-checked) and one figure line with TSC cycles, which comparisons drop:
 *   work-cpu        CRC-32 over generated data: pure computation, no exits of any kind;
 *   work-syscall    ring 3 -> ring 0 -> ring 3 round trips through SYSCALL/SYSRET;
 *   work-pagefault  pages filled on demand by the guest's own #PF handler, round after round.
 */
#include "check.h"
#include "cpu.h"
#include "memory.h"
#include "paging.h"
#include "programs.h"
#include "traps.h"
#include "user.h"
#include "user_code.h"
#include "vectors.h"

#define CRC_POLY       0xedb88320u
#define CRC_DATA_BYTES 65536
#define CRC_ROUNDS     16
#define SYSCALL_TRIPS  20000
#define FAULT_PAGES    256
#define FAULT_ROUNDS   4

static uint32_t crc_table[256];
static uint8_t crc_data[CRC_DATA_BYTES];

static uint32_t crc32_bitwise(uint32_t crc, const uint8_t *data, uint64_t length)
{
    crc = ~crc;
    for (uint64_t i = 0; i < length; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (CRC_POLY & (0u - (crc & 1)));
        }
    }
    return ~crc;
}

static uint32_t crc32_table(uint32_t crc, const uint8_t *data, uint64_t length)
{
    crc = ~crc;
    for (uint64_t i = 0; i < length; i++) {
        crc = (crc >> 8) ^ crc_table[(crc ^ data[i]) & 0xff];
    }
    return ~crc;
}

void program_work_cpu(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int bit = 0; bit < 8; bit++) {
            c = (c >> 1) ^ (CRC_POLY & (0u - (c & 1)));
        }
        crc_table[i] = c;
    }
    static const uint8_t known[] = "123456789";
    check_eq(crc32_table(0, known, 9), 0xcbf43926, "CRC-32 of \"123456789\" is 0xcbf43926");

    uint64_t state = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < CRC_DATA_BYTES; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        crc_data[i] = (uint8_t)(state >> 24);
    }
    check_eq(crc32_table(0, crc_data, CRC_DATA_BYTES), crc32_bitwise(0, crc_data, CRC_DATA_BYTES),
             "table and bitwise CRC-32 agree on the data");

    uint64_t start = rdtsc();
    uint32_t crc = 0;
    for (int round = 0; round < CRC_ROUNDS; round++) {
        crc = crc32_table(crc, crc_data, CRC_DATA_BYTES);
    }
    uint64_t cycles = rdtsc() - start;
    say("%d rounds over %d bytes, crc32 %#010x", CRC_ROUNDS, CRC_DATA_BYTES, crc);
    figure("%llu cycles, %llu per KiB", (unsigned long long)cycles,
           (unsigned long long)(cycles / (CRC_ROUNDS * CRC_DATA_BYTES / 1024)));
}

void program_work_syscall(void)
{
    user_run_t run = {USER_ENTER_SYSRET, user_syscall_chain, SYSCALL_TRIPS, RFLAGS_IF, 0, 0};
    uint64_t start = rdtsc();
    user_result_t r = user_run(&run);
    uint64_t cycles = rdtsc() - start;
    check(!r.faulted && r.value == SYSCALL_TRIPS, "%d SYSCALL round trips, each adding 1",
          SYSCALL_TRIPS);
    figure("%llu cycles, %llu per round trip", (unsigned long long)cycles,
           (unsigned long long)(cycles / SYSCALL_TRIPS));
}

static uint64_t fault_frames;
static uint64_t fault_round;
static volatile uint64_t faults_taken;

static uint64_t pattern(uint64_t page, uint64_t round)
{
    return (page * 0x9e3779b1u) ^ (round << 40) ^ 0x5eed;
}

/* Fills the faulting page of the region with its pattern and maps it; others are not ours. */
static bool on_page_fault(trap_frame_t *frame)
{
    uint64_t address = read_cr2();
    if ((frame->error_code & PF_P) || address < PAGING_TEST_BASE ||
        address >= PAGING_TEST_BASE + FAULT_PAGES * PAGE_SIZE) {
        return false;
    }
    uint64_t page = (address - PAGING_TEST_BASE) / PAGE_SIZE;
    uint64_t frame_pa = fault_frames + page * PAGE_SIZE;
    volatile uint64_t *words = phys_to_virt(frame_pa);
    for (uint64_t i = 0; i < PAGE_SIZE / 8; i += 64) {
        words[i] = pattern(page, fault_round) + i;
    }
    paging_map(paging_kernel_root(), PAGING_TEST_BASE + page * PAGE_SIZE, frame_pa, LEVEL_4K,
               PTE_P | PTE_W | paging_nx());
    faults_taken++;
    return true;
}

void program_work_pagefault(void)
{
    fault_frames = pages_alloc(FAULT_PAGES, PAGE_SIZE);
    trap_set_handler(VECTOR_PF, on_page_fault);
    faults_taken = 0;
    uint64_t sum = 0;
    bool patterns_ok = true;
    uint64_t start = rdtsc();
    for (fault_round = 0; fault_round < FAULT_ROUNDS; fault_round++) {
        for (uint64_t page = 0; page < FAULT_PAGES; page++) {
            volatile uint64_t *words =
                    (volatile uint64_t *)(uintptr_t)(PAGING_TEST_BASE + page * PAGE_SIZE);
            uint64_t value = words[64];
            patterns_ok = patterns_ok && value == pattern(page, fault_round) + 64;
            sum = sum * 31 + value;
            words[1] = value;
        }
        for (uint64_t page = 0; page < FAULT_PAGES; page++) {
            uint64_t va = PAGING_TEST_BASE + page * PAGE_SIZE;
            *paging_entry(paging_kernel_root(), va, LEVEL_4K, false) = 0;
            invlpg(va);
        }
    }
    uint64_t cycles = rdtsc() - start;
    check(patterns_ok, "every page read back the pattern its fault filled in");
    check_eq(faults_taken, (uint64_t)FAULT_PAGES * FAULT_ROUNDS,
             "%d pages x %d rounds: one #PF per page", FAULT_PAGES, FAULT_ROUNDS);
    say("%d faults, checksum %#018llx", FAULT_PAGES * FAULT_ROUNDS, (unsigned long long)sum);
    figure("%llu cycles, %llu per fault", (unsigned long long)cycles,
           (unsigned long long)(cycles / ((uint64_t)FAULT_PAGES * FAULT_ROUNDS)));
}
