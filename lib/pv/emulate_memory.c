/*
 * Guest memory for the PV vCPU at linear addresses: the address checks of the guest's mode, a
 * walk per page through the guest's page tables, and copies through the checked accessors. A
 * write walks every page before it stores a byte, so a faulting write changes nothing.
 */
#include <pv/emulate.h>

#define PAGE_SIZE 4096u

bool pv_emu_address_valid(const pv_cpu_t *cpu, uint64_t address)
{
    if (cpu->mode == PV_MODE_LONG) {
        return pv_canonical(address);
    }
    return address <= 0xffffffffull;
}

/* The #GP(0) or #SS(0) an access outside the mode's addresses raises (SDM Vol. 3A 6.15). */
static pv_fault_t address_fault(bool stack)
{
    return pv_fault_with_code(stack ? PV_VEC_SS : PV_VEC_GP, 0);
}

static unsigned access_flags(const pv_cpu_t *cpu, unsigned kind, bool write)
{
    unsigned flags = write ? PV_ACCESS_WRITE : 0;

    if (kind == PV_EMU_SYSTEM) {
        return flags | PV_ACCESS_IMPLICIT;
    }
    if (cpu->cpl == 3) {
        flags |= PV_ACCESS_USER;
    }
    if (kind == PV_EMU_FETCH) {
        flags |= PV_ACCESS_FETCH;
    } else if ((cpu->rflags & PV_RFLAGS_AC) != 0) {
        flags |= PV_ACCESS_AC;
    }
    return flags;
}

/* Walks the page of one chunk (or finds this event's walk of it in the environment's cache);
 * the fault is the guest's #PF or the end of the VM. */
static pv_fault_t walk_chunk(const pv_cpu_t *cpu, const pv_env_t *env, uint64_t address,
                             unsigned flags, pv_walk_t *walk)
{
    pv_paging_t paging = pv_cpu_paging(cpu);
    /* The fetch and the processor's own accesses (IDT, GDT, TSS, a delivery's frame) each touch
     * a page once per event: only the instruction's data accesses (IRETQ's five pops) repeat. */
    pv_walk_cache_t *cache =
            (flags & (PV_ACCESS_IMPLICIT | PV_ACCESS_FETCH)) == 0 ? env->walk_cache : NULL;

    /* Every caller reads only the translation of a successful walk. */
    if (cache != NULL && pv_walk_cache_find(cache, &paging, gva(address), flags, &walk->address)) {
        walk->status = PV_WALK_OK;
        return pv_fault_none();
    }
    switch (pv_walk(env->memory, &paging, gva(address), flags, walk)) {
    case PV_WALK_OK:
        if (cache != NULL) {
            pv_walk_cache_add(cache, &paging, gva(address), flags, walk->address);
        }
        return pv_fault_none();
    case PV_WALK_FAULT:
        return pv_fault_pf(address, walk->error_code);
    case PV_WALK_BAD_TABLE:
        return pv_fault_end(PV_END_BAD_MEMORY, "a paging structure lies outside guest RAM",
                            walk->table_address.value);
    case PV_WALK_NOT_RAM:
    default:
        break;
    }
    return pv_fault_end(PV_END_BAD_MEMORY, "an access the vCPU makes reaches MMIO", address);
}

static pv_fault_t check_range(const pv_cpu_t *cpu, uint64_t address, size_t length, bool stack)
{
    uint64_t last = address + (length == 0 ? 0 : length - 1);

    if (last < address || !pv_emu_address_valid(cpu, address) || !pv_emu_address_valid(cpu, last)) {
        return address_fault(stack);
    }
    return pv_fault_none();
}

static size_t chunk_length(uint64_t address, size_t left)
{
    size_t in_page = PAGE_SIZE - (size_t)(address & (PAGE_SIZE - 1));

    return left < in_page ? left : in_page;
}

pv_fault_t pv_emu_read(const pv_cpu_t *cpu, const pv_env_t *env, uint64_t address, void *out,
                       size_t length, unsigned kind, bool stack)
{
    pv_fault_t fault = check_range(cpu, address, length, stack);
    uint8_t *bytes = out;
    size_t done = 0;

    while (pv_fault_is_none(&fault) && done < length) {
        uint64_t at = address + done;
        size_t chunk = chunk_length(at, length - done);
        pv_walk_t walk;

        fault = walk_chunk(cpu, env, at, access_flags(cpu, kind, false), &walk);
        if (pv_fault_is_none(&fault) &&
            !pv_memory_read(env->memory, walk.address, bytes + done, chunk)) {
            fault = pv_fault_end(PV_END_BAD_MEMORY, "an access the vCPU makes reaches MMIO", at);
        }
        done += chunk;
    }
    return fault;
}

pv_fault_t pv_emu_probe_write(const pv_cpu_t *cpu, const pv_env_t *env, uint64_t address,
                              size_t length, unsigned kind, bool stack)
{
    pv_fault_t fault = check_range(cpu, address, length, stack);
    unsigned flags = access_flags(cpu, kind, true) | PV_ACCESS_NO_AD;

    /* Every page writable and RAM, setting no accessed or dirty bit yet. */
    for (size_t done = 0; pv_fault_is_none(&fault) && done < length;) {
        uint64_t at = address + done;
        size_t chunk = chunk_length(at, length - done);
        pv_walk_t walk;

        fault = walk_chunk(cpu, env, at, flags, &walk);
        if (pv_fault_is_none(&fault) && !pv_memory_contains(env->memory, walk.address, chunk)) {
            fault = pv_fault_end(PV_END_BAD_MEMORY, "an access the vCPU makes reaches MMIO", at);
        }
        done += chunk;
    }
    return fault;
}

pv_fault_t pv_emu_write(const pv_cpu_t *cpu, const pv_env_t *env, uint64_t address,
                        const void *data, size_t length, unsigned kind, bool stack)
{
    pv_fault_t fault = pv_emu_probe_write(cpu, env, address, length, kind, stack);
    const uint8_t *bytes = data;
    unsigned flags = access_flags(cpu, kind, true);

    /* Act: walk again setting the bits as the processor does, and store. */
    for (size_t done = 0; pv_fault_is_none(&fault) && done < length;) {
        uint64_t at = address + done;
        size_t chunk = chunk_length(at, length - done);
        pv_walk_t walk;

        fault = walk_chunk(cpu, env, at, flags, &walk);
        if (pv_fault_is_none(&fault) &&
            !pv_memory_write(env->memory, walk.address, bytes + done, chunk)) {
            fault = pv_fault_end(PV_END_BAD_MEMORY, "an access the vCPU makes reaches MMIO", at);
        }
        done += chunk;
    }
    return fault;
}
