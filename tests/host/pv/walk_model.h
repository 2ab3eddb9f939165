/*
 * A second, independent page walker for the tests: written from the SDM's entry formats (Vol. 3A
 * tables 4-4 to 4-20) and its access-rights and error-code statements (4.6, 4.7), as a
 * table-driven loop over raw bytes, sharing no code with lib/pv. Test helper only.
 */
#ifndef WALK_MODEL_H
#define WALK_MODEL_H

#include <pv/walk.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct walk_model_result {
    pv_walk_status_t status;
    uint32_t error_code;
    uint64_t table_address;
    uint64_t address;
    uint64_t frame;
    uint64_t page_size;
    uint64_t page_base;
    bool writable;
    bool user;
    bool executable;
    bool global;
    bool dirty;
    unsigned levels;
} walk_model_result_t;

/*
 * Walks address for one access (PV_ACCESS_* flags) through the tables in ram[0, size), setting
 * the accessed and dirty bits a successful walk sets, in ram itself.
 */
void walk_model(uint8_t *ram, uint64_t size, const pv_paging_t *paging, uint64_t address,
                unsigned access, walk_model_result_t *result);

/* Whether pv_walk's answer equals the model's; on a difference, *field names the first one. */
bool walk_model_agrees(const walk_model_result_t *model, const pv_walk_t *walk,
                       pv_walk_status_t status, const char **field);

#endif
