/*
 * The reference page walker of the tests (walk_model.h). Each level is a row of a table (entry
 * width, index position, whether a large page may end the walk there); each entry format is a
 * list of must-be-zero bits built bit by bit from the SDM's wording; the rights are the SDM's
 * sentences one by one. Slow and plain on purpose.
 */
#include "walk_model.h"

#include <string.h>

typedef enum { MODEL_PDPTE_PAE, MODEL_TABLE, MODEL_LARGE, MODEL_PAGE } model_kind_t;

typedef struct model_level {
    unsigned width;       /* bytes per entry */
    unsigned index_shift; /* lowest address bit of the index */
    unsigned index_bits;
    bool large_allowed; /* PS=1 here maps a page */
    unsigned level;     /* 4 PML4 .. 1 PT (32-bit: 2 PD, 1 PT) */
} model_level_t;

typedef struct model_state {
    const pv_paging_t *paging;
    unsigned mode; /* 0 off, 32, 3 (PAE), 4 */
    unsigned maxphy;
    bool nxe;
} model_state_t;

static bool model_bit(uint64_t value, unsigned bit)
{
    return ((value >> bit) & 1) != 0;
}

static uint64_t model_load(const uint8_t *ram, uint64_t at, unsigned width)
{
    uint64_t value = 0;

    for (unsigned i = 0; i < width; i++) {
        value |= (uint64_t)ram[at + i] << (8 * i);
    }
    return value;
}

static void model_or(uint8_t *ram, uint64_t at, uint64_t bits)
{
    for (unsigned i = 0; i < 8 && bits != 0; i++, bits >>= 8) {
        ram[at + i] |= (uint8_t)bits;
    }
}

/* The must-be-zero bits of one entry (SDM tables 4-4 to 4-20), decided bit by bit. */
static bool model_reserved_bit(const model_state_t *state, model_kind_t kind, unsigned level,
                               unsigned bit)
{
    unsigned m = state->maxphy;

    if (state->mode == 32) {
        /* 4 MiB PDE: bit 21 reserved; bits 20:13 are physical bits 39:32, reserved >= M. */
        if (kind != MODEL_LARGE || bit < 13 || bit > 21) {
            return false;
        }
        /* cppcheck takes maxphy for the 0 of the initializer (it is set before any call). */
        // cppcheck-suppress knownConditionTrueFalse
        return bit == 21 || bit - 13 + 32 >= (m < 40 ? m : 40);
    }
    if (kind == MODEL_PDPTE_PAE) {
        return bit == 1 || bit == 2 || (bit >= 5 && bit <= 8) || bit >= m;
    }
    if (bit == 63) {
        return !state->nxe;
    }
    if (bit >= m && bit <= (state->mode == 3 ? 62u : 51u)) {
        return true;
    }
    if (level == 4 && bit == 7) {
        return true;
    }
    /* A large page's address starts at its size: bits 13 up to it are zero (bit 12 is PAT). */
    return kind == MODEL_LARGE && bit >= 13 && bit < (level == 3 ? 30u : 21u);
}

static bool model_reserved(const model_state_t *state, model_kind_t kind, unsigned level,
                           uint64_t entry)
{
    for (unsigned bit = 0; bit < 64; bit++) {
        if (model_bit(entry, bit) && model_reserved_bit(state, kind, level, bit)) {
            return true;
        }
    }
    return false;
}

/* SDM 4.6.1: one sentence per case. */
static bool model_allowed(const model_state_t *state, unsigned access, bool user_page, bool all_rw,
                          bool any_xd)
{
    const pv_paging_t *paging = state->paging;
    bool wp = model_bit(paging->cr0, 16);
    bool smep = model_bit(paging->cr4, 20);
    bool smap = model_bit(paging->cr4, 21);
    bool ac_exempt = (access & PV_ACCESS_AC) && !(access & PV_ACCESS_IMPLICIT);
    bool fetch = access & PV_ACCESS_FETCH;
    bool write = access & PV_ACCESS_WRITE;
    bool read = !fetch && !write;
    bool ok = true;

    if (access & PV_ACCESS_USER) {
        /* User-mode accesses: only to user-mode addresses; writes need R/W everywhere;
         * fetches need no XD (with NXE). */
        ok = user_page;
        if (write) {
            ok = ok && all_rw;
        }
        if (fetch) {
            ok = ok && !any_xd;
        }
        return ok;
    }
    if (read || write) {
        /* Supervisor data access to a user-mode address: refused under SMAP unless explicit
         * with AC set. */
        if (user_page && smap && !ac_exempt) {
            ok = false;
        }
    }
    if (write && wp && !all_rw) {
        ok = false;
    }
    if (fetch) {
        if (any_xd) {
            ok = false;
        }
        if (user_page && smep) {
            ok = false;
        }
    }
    return ok;
}

static uint32_t model_error_code(const model_state_t *state, unsigned access)
{
    uint32_t code = 0;
    bool pae_nx = model_bit(state->paging->cr4, 5) && state->nxe;

    if (access & PV_ACCESS_WRITE) {
        code |= 2;
    }
    if (access & PV_ACCESS_USER) {
        code |= 4;
    }
    if ((access & PV_ACCESS_FETCH) && (pae_nx || model_bit(state->paging->cr4, 20))) {
        code |= 16;
    }
    return code;
}

static unsigned model_levels(const model_state_t *state, model_level_t rows[4])
{
    if (state->mode == 32) {
        bool pse = model_bit(state->paging->cr4, 4);
        rows[0] = (model_level_t){4, 22, 10, pse, 2};
        rows[1] = (model_level_t){4, 12, 10, false, 1};
        return 2;
    }
    if (state->mode == 3) {
        rows[0] = (model_level_t){8, 30, 2, false, 3};
        rows[1] = (model_level_t){8, 21, 9, true, 2};
        rows[2] = (model_level_t){8, 12, 9, false, 1};
        return 3;
    }
    rows[0] = (model_level_t){8, 39, 9, false, 4};
    rows[1] = (model_level_t){8, 30, 9, true, 3};
    rows[2] = (model_level_t){8, 21, 9, true, 2};
    rows[3] = (model_level_t){8, 12, 9, false, 1};
    return 4;
}

static uint64_t model_root(const model_state_t *state)
{
    uint64_t cr3 = state->paging->cr3;

    if (state->mode == 32) {
        return cr3 & 0xfffff000u;
    }
    if (state->mode == 3) {
        return cr3 & 0xffffffe0u;
    }
    return cr3 & 0x000ffffffffff000ull;
}

/* The physical base an entry points to, by format. */
static uint64_t model_address(const model_state_t *state, model_kind_t kind, unsigned level,
                              uint64_t entry)
{
    if (state->mode == 32) {
        if (kind == MODEL_LARGE) {
            return (entry & 0xffc00000u) | ((entry >> 13) & 0xff) << 32;
        }
        return entry & 0xfffff000u;
    }
    if (kind == MODEL_LARGE) {
        uint64_t size = level == 3 ? 1ull << 30 : 1ull << 21;
        return entry & 0x000ffffffffff000ull & ~(size - 1);
    }
    return entry & 0x000ffffffffff000ull;
}

static void model_off(uint64_t address, walk_model_result_t *result)
{
    result->status = PV_WALK_OK;
    result->address = address;
    result->frame = address & ~0xfffull;
    result->page_base = result->frame;
    result->page_size = 4096;
    result->writable = result->user = result->executable = result->dirty = true;
}

void walk_model(uint8_t *ram, uint64_t size, const pv_paging_t *paging, uint64_t address,
                unsigned access, walk_model_result_t *result)
{
    model_state_t state = {.paging = paging};
    model_level_t rows[4];
    uint64_t used[4];
    bool has_a[4];
    unsigned count;
    uint64_t table;
    bool user_page = true, all_rw = true, any_xd = false;

    memset(result, 0, sizeof(*result));
    state.maxphy = paging->phys_addr_bits < 32   ? 32
                   : paging->phys_addr_bits > 52 ? 52
                                                 : paging->phys_addr_bits;
    state.nxe = model_bit(paging->efer, 11);
    if (!model_bit(paging->cr0, 31)) {
        state.mode = 0;
    } else if (!model_bit(paging->cr4, 5)) {
        state.mode = 32;
    } else {
        state.mode = model_bit(paging->efer, 8) ? 4 : 3;
    }
    if (state.mode == 4 ? (address >= (1ull << 47) && address < 0xffff800000000000ull)
                        : address > 0xffffffffull) {
        result->status = PV_WALK_NON_CANONICAL;
        return;
    }
    if (state.mode == 0) {
        model_off(address, result);
        return;
    }
    count = model_levels(&state, rows);
    table = model_root(&state);
    for (unsigned i = 0; i < count; i++) {
        const model_level_t *row = &rows[i];
        uint64_t index = (address >> row->index_shift) & ((1ull << row->index_bits) - 1);
        uint64_t at = table + index * row->width;
        uint64_t entry;
        model_kind_t kind;

        if (at > size || size - at < row->width) {
            result->status = PV_WALK_BAD_TABLE;
            result->table_address = at;
            return;
        }
        entry = model_load(ram, at, row->width);
        result->levels = i + 1;
        used[i] = at;
        if (!model_bit(entry, 0)) {
            result->status = PV_WALK_FAULT;
            result->error_code = model_error_code(&state, access);
            return;
        }
        if (state.mode == 3 && i == 0) {
            kind = MODEL_PDPTE_PAE;
        } else if (i + 1 == count) {
            kind = MODEL_PAGE;
        } else {
            kind = row->large_allowed && model_bit(entry, 7) ? MODEL_LARGE : MODEL_TABLE;
        }
        if (model_reserved(&state, kind, row->level, entry)) {
            result->status = PV_WALK_FAULT;
            result->error_code = model_error_code(&state, access) | 1 | 8;
            return;
        }
        has_a[i] = kind != MODEL_PDPTE_PAE;
        if (kind != MODEL_PDPTE_PAE) {
            user_page = user_page && model_bit(entry, 2);
            all_rw = all_rw && model_bit(entry, 1);
            any_xd = any_xd || (state.mode != 32 && model_bit(entry, 63));
        }
        if (kind == MODEL_PAGE || kind == MODEL_LARGE) {
            result->page_size = 1ull << row->index_shift;
            result->frame = model_address(&state, kind, row->level, entry);
            result->global = model_bit(entry, 8) && model_bit(paging->cr4, 7);
            result->dirty = model_bit(entry, 6);
            count = i + 1;
            break;
        }
        table = model_address(&state, kind, row->level, entry);
    }
    if (!model_allowed(&state, access, user_page, all_rw, any_xd)) {
        result->status = PV_WALK_FAULT;
        result->error_code = model_error_code(&state, access) | 1;
        return;
    }
    result->status = PV_WALK_OK;
    result->page_base = address & ~(result->page_size - 1);
    result->address = result->frame + (address - result->page_base);
    result->writable = all_rw;
    result->user = user_page;
    result->executable = !any_xd;
    if (access & PV_ACCESS_NO_AD) {
        return;
    }
    for (unsigned i = 0; i < count; i++) {
        uint64_t bits = has_a[i] ? 0x20 : 0;

        if (i + 1 == count && (access & PV_ACCESS_WRITE)) {
            bits |= 0x40;
            result->dirty = true;
        }
        model_or(ram, used[i], bits);
    }
}

bool walk_model_agrees(const walk_model_result_t *model, const pv_walk_t *walk,
                       pv_walk_status_t status, const char **field)
{
    const struct {
        const char *name;
        uint64_t model, walker;
    } checks[] = {
            {"returned status", model->status, status},
            {"status", model->status, walk->status},
            {"levels", model->levels, walk->levels},
            {"error_code", model->status == PV_WALK_FAULT ? model->error_code : 0,
             model->status == PV_WALK_FAULT ? walk->error_code : 0},
            {"table_address", model->status == PV_WALK_BAD_TABLE ? model->table_address : 0,
             model->status == PV_WALK_BAD_TABLE ? walk->table_address.value : 0},
    };
    const struct {
        const char *name;
        uint64_t model, walker;
    } translated[] = {
            {"address", model->address, walk->address.value},
            {"frame", model->frame, walk->frame.value},
            {"page_size", model->page_size, walk->page_size},
            {"page_base", model->page_base, walk->page_base.value},
            {"writable", model->writable, walk->writable},
            {"user", model->user, walk->user},
            {"executable", model->executable, walk->executable},
            {"global", model->global, walk->global},
            {"dirty", model->dirty, walk->dirty},
    };

    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        if (checks[i].model != checks[i].walker) {
            *field = checks[i].name;
            return false;
        }
    }
    for (size_t i = 0;
         model->status == PV_WALK_OK && i < sizeof(translated) / sizeof(translated[0]); i++) {
        if (translated[i].model != translated[i].walker) {
            *field = translated[i].name;
            return false;
        }
    }
    return true;
}
