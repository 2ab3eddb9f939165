/*
 * Guest-virtual reads and writes (pv/walk.h) for the accesses the VMM makes on the guest's
 * behalf: every page of the range is walked and found in RAM before the first byte moves, so a
 * fault or an MMIO page leaves guest memory (and the caller's buffer) as it was. The copy uses
 * the translations of the check, never a second walk that the guest could make differ.
 */
#include <pv/walk.h>

#define PAGE_4K (1ull << 12)
/* Pages checked before any is copied: more than any access the vCPU makes (a 60 KiB span). */
#define VIRT_BATCH 16u

/* The page containing byte `offset` of the access: addresses wrap at 4 GiB below 4-level. */
static uint64_t virt_address(pv_paging_mode_t mode, gva_t base, uint64_t offset)
{
    uint64_t address = base.value + offset;

    return mode == PV_PAGING_4LEVEL ? address : address & 0xffffffffull;
}

/* The bytes of the access from `offset` that lie in the same 4 KiB page. */
static size_t virt_chunk(uint64_t address, size_t remaining)
{
    uint64_t room = PAGE_4K - (address & (PAGE_4K - 1));

    return remaining < room ? remaining : (size_t)room;
}

/* Walks one chunk and checks that it is RAM; the walk's status otherwise. */
static pv_walk_status_t virt_translate(const pv_memory_t *memory, const pv_paging_t *paging,
                                       uint64_t address, size_t length, unsigned access,
                                       pv_walk_t *walk)
{
    pv_walk_status_t status = pv_walk(memory, paging, gva(address), access, walk);

    if (status == PV_WALK_OK && !pv_memory_contains(memory, walk->address, length)) {
        walk->status = PV_WALK_NOT_RAM;
        return PV_WALK_NOT_RAM;
    }
    return status;
}

/* Where one page's part of the access lands. */
typedef struct virt_target {
    gpa_t address;
    size_t length;
} virt_target_t;

/*
 * The check step for up to VIRT_BATCH pages from byte `done`: every page walked (accessed and
 * dirty bits set as the access asks) and found in RAM; where each part lands goes into targets
 * (*count of them). The first page's walk of the whole access goes into *walk.
 */
static pv_walk_status_t virt_check(const pv_memory_t *memory, const pv_paging_t *paging,
                                   gva_t address, size_t done, size_t length, unsigned access,
                                   virt_target_t targets[VIRT_BATCH], unsigned *count,
                                   pv_walk_t *walk)
{
    pv_paging_mode_t mode = pv_paging_mode(paging);

    for (*count = 0; *count < VIRT_BATCH && done < length; (*count)++) {
        uint64_t at = virt_address(mode, address, done);
        size_t chunk = virt_chunk(at, length - done);
        pv_walk_t this_page;
        pv_walk_status_t status = virt_translate(memory, paging, at, chunk, access, &this_page);

        if (status != PV_WALK_OK || done == 0) {
            *walk = this_page;
        }
        if (status != PV_WALK_OK) {
            return status;
        }
        targets[*count] = (virt_target_t){this_page.address, chunk};
        done += chunk;
    }
    return PV_WALK_OK;
}

/*
 * Checks then copies, VIRT_BATCH pages at a time (from guest memory into `into`, or from `from`
 * into it); the copy cannot fail: every target was found in RAM by the check.
 */
static pv_walk_status_t virt_access(const pv_memory_t *memory, const pv_paging_t *paging,
                                    gva_t address, uint8_t *into, const uint8_t *from,
                                    size_t length, unsigned access, pv_walk_t *walk)
{
    pv_walk_t local = {.status = PV_WALK_OK};
    pv_walk_t *result = walk != NULL ? walk : &local;
    size_t done = 0;

    *result = (pv_walk_t){.status = PV_WALK_OK};
    while (done < length) {
        virt_target_t targets[VIRT_BATCH];
        unsigned count = 0;
        pv_walk_status_t status =
                virt_check(memory, paging, address, done, length, access, targets, &count, result);

        if (status != PV_WALK_OK) {
            return status;
        }
        for (unsigned page = 0; page < count; page++) {
            if (from != NULL) {
                (void)pv_memory_write(memory, targets[page].address, from + done,
                                      targets[page].length);
            } else {
                (void)pv_memory_read(memory, targets[page].address, into + done,
                                     targets[page].length);
            }
            done += targets[page].length;
        }
    }
    return PV_WALK_OK;
}

pv_walk_status_t pv_virt_read(const pv_memory_t *memory, const pv_paging_t *paging, gva_t address,
                              void *out, size_t length, unsigned access, pv_walk_t *walk)
{
    return virt_access(memory, paging, address, out, NULL, length, access, walk);
}

pv_walk_status_t pv_virt_write(const pv_memory_t *memory, const pv_paging_t *paging, gva_t address,
                               const void *data, size_t length, unsigned access, pv_walk_t *walk)
{
    return virt_access(memory, paging, address, NULL, data, length, access | PV_ACCESS_WRITE, walk);
}
