/*
 * libFuzzer target for the guest page-table walker. The input is a paging state, a list of
 * accesses and the contents of a small guest RAM (tables and all). Each access is walked by
 * pv_walk and by the tests' reference model (walk_model.c), each over its own copy of RAM: the
 * results and every byte of RAM must agree. Then a guest-virtual write over the same address
 * must store its bytes only when every page it covers translates to RAM with write rights, and
 * otherwise change nothing but accessed and dirty bits. A violation aborts with its reason.
 */
#include "walk_model.h"

#include <pv/walk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM_PAGES 4u
#define RAM_SIZE  (RAM_PAGES * 4096u)
#define HEADER    16u
#define ACCESS    11u /* address (8), flags (2), length (1) */
#define ACCESSES  8u

static void violation(const char *why, uint64_t address, unsigned access)
{
    fprintf(stderr, "walker broke its contract: %s (va %#llx access %#x)\n", why,
            (unsigned long long)address, access);
    abort();
}

/* A little-endian field of the input (x86 is little-endian: a copy is the load). */
static uint64_t input_field(const uint8_t *bytes, unsigned length)
{
    uint64_t value = 0;

    memcpy(&value, bytes, length);
    return value;
}

static pv_paging_t paging_from(const uint8_t *header)
{
    static const uint64_t cr4_bits[] = {PV_PAGING_CR4_PSE, PV_PAGING_CR4_PAE, PV_PAGING_CR4_PGE,
                                        PV_PAGING_CR4_SMEP, PV_PAGING_CR4_SMAP};
    pv_paging_t paging = {.phys_addr_bits = (uint8_t)(32 + header[0] % 21)};
    unsigned flags = header[1];

    paging.cr0 = ((flags & 1) ? PV_PAGING_CR0_PG : 0) | ((flags & 2) ? PV_PAGING_CR0_WP : 0);
    paging.efer = ((flags & 4) ? PV_PAGING_EFER_LME : 0) | ((flags & 8) ? PV_PAGING_EFER_NXE : 0);
    for (unsigned i = 0; i < 5; i++) {
        paging.cr4 |= (header[2] >> i & 1) ? cr4_bits[i] : 0;
    }
    /* CR3: mostly inside RAM, sometimes anywhere. */
    paging.cr3 = (flags & 0x80) ? input_field(header + 3, 8)
                                : input_field(header + 3, 2) % (RAM_SIZE + 64);
    return paging;
}

/* Bytes that may change when a write fails: accessed and dirty bits of 4-byte entries. */
static bool only_accessed_dirty(const uint8_t *before, const uint8_t *after)
{
    for (size_t i = 0; i < RAM_SIZE; i++) {
        uint8_t changed = before[i] ^ after[i];

        if (changed != 0 && ((i & 3) != 0 || (changed & ~0x60u) != 0)) {
            return false;
        }
    }
    return true;
}

/*
 * The write's expected outcome: the model walks each page in order over a copy of RAM, setting
 * accessed and dirty bits as the walker's check does (a bit set for one page can change the
 * next page's walk when the guest's tables overlap).
 */
static bool write_allowed(const uint8_t *ram, const pv_paging_t *paging, uint64_t address,
                          unsigned length, unsigned access)
{
    static uint8_t scratch[RAM_SIZE];
    uint64_t done = 0;
    bool wide = (paging->cr0 & PV_PAGING_CR0_PG) && (paging->cr4 & PV_PAGING_CR4_PAE) &&
                (paging->efer & PV_PAGING_EFER_LME);

    memcpy(scratch, ram, RAM_SIZE);
    while (done < length) {
        uint64_t at = wide ? address + done : (address + done) & 0xffffffffull;
        uint64_t chunk = 4096 - (at & 4095);
        walk_model_result_t result;

        chunk = chunk < length - done ? chunk : length - done;
        walk_model(scratch, RAM_SIZE, paging, at, access | PV_ACCESS_WRITE, &result);
        if (result.status != PV_WALK_OK || result.address + chunk > RAM_SIZE) {
            return false;
        }
        done += chunk;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t ram[RAM_SIZE], model_ram[RAM_SIZE], before[RAM_SIZE];
    const pv_memory_t memory = {.base = ram, .size = RAM_SIZE};
    size_t ram_bytes;
    pv_paging_t paging;

    if (size < HEADER + ACCESS * ACCESSES) {
        return 0;
    }
    paging = paging_from(data);
    ram_bytes = size - HEADER - ACCESS * ACCESSES;
    ram_bytes = ram_bytes < RAM_SIZE ? ram_bytes : RAM_SIZE;
    memset(ram, 0, RAM_SIZE);
    memcpy(ram, data + HEADER + ACCESS * ACCESSES, ram_bytes);
    memcpy(model_ram, ram, RAM_SIZE);
    for (unsigned i = 0; i < ACCESSES; i++) {
        const uint8_t *item = data + HEADER + ACCESS * i;
        uint64_t address = input_field(item, 8);
        unsigned access = (unsigned)input_field(item + 8, 2) & 0x716u;
        unsigned length = item[10] % 65;
        uint8_t bytes[64];
        walk_model_result_t model;
        pv_walk_t walk;
        pv_walk_status_t status;
        const char *field = "";
        bool allowed;

        walk_model(model_ram, RAM_SIZE, &paging, address, access, &model);
        status = pv_walk(&memory, &paging, gva(address), access, &walk);
        if (!walk_model_agrees(&model, &walk, status, &field)) {
            fprintf(stderr, "field %s: model %d/%#x walker %d/%#x\n", field, model.status,
                    model.error_code, status, walk.error_code);
            violation("walker and model disagree", address, access);
        }
        if (memcmp(ram, model_ram, RAM_SIZE) != 0) {
            violation("walker and model set different bits", address, access);
        }
        memset(bytes, item[10], sizeof(bytes));
        memcpy(before, ram, RAM_SIZE);
        allowed = write_allowed(ram, &paging, address, length, access);
        status = pv_virt_write(&memory, &paging, gva(address), bytes, length, access, &walk);
        if ((status == PV_WALK_OK) != allowed) {
            violation("write refused or allowed against the model", address, access);
        }
        if (status != PV_WALK_OK && !only_accessed_dirty(before, ram)) {
            violation("a refused write changed guest memory", address, access);
        }
        memcpy(model_ram, ram, RAM_SIZE);
    }
    return 0;
}
