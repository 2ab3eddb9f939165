/*
 * The VM's figures in the boot page (stats.h). The block is written between two increments of
 * its sequence word, so that init never prints a half-written one as whole.
 */
#include "stats.h"

#define STATS_TICK_EXITS 4096u /* exits or faults between two rewrites */
/* and at most this long apart: a guest whose traps never reach the VMM (the kernel's PV fast
 * path) still has figures that move */
#define STATS_PERIOD_NS 200000000ull

void stats_attach(vmm_t *vmm, vmm_stats_t *stats)
{
    vmm->stats = stats;
}

static void put(vmm_stats_t *s, const char *name, uint64_t value)
{
    size_t i = s->count;

    if (i >= VMM_STATS_MAX) {
        return;
    }
    for (size_t c = 0; c < VMM_STATS_NAME_BYTES; c++) {
        s->name[i][c] = '\0';
        if (c + 1 < VMM_STATS_NAME_BYTES) {
            s->name[i][c] = name[c];
        }
        if (name[c] == '\0') {
            break;
        }
    }
    s->value[i] = value;
    s->count = i + 1;
}

static void hardware_figures(const vmm_t *vmm, vmm_stats_t *s)
{
    const hw_vcpu_t *hw = &vmm->hw;

    put(s, "entries", hw->entries);
    put(s, "injected", hw->injected);
    for (unsigned kind = 0; kind < HW_EXIT_KINDS; kind++) {
        if (hw->exits[kind] != 0) {
            put(s, hw_exit_name((hw_exit_kind_t)kind), hw->exits[kind]);
        }
    }
}

static void pv_figures(const vmm_t *vmm, vmm_stats_t *s)
{
    const vmm_vcpu_t *vcpu = &vmm->vcpu;
    pv_shadow_stats_t shadow;

    pv_shadow_stats(&vmm->shadow, &shadow);
    put(s, "faults", vcpu->faults);
    put(s, "emulated", vcpu->cpu.emulated);
    put(s, "delivered", vcpu->cpu.delivered);
    put(s, "injected", vcpu->cpu.injected);
    put(s, "stops", vcpu->kicks);
    put(s, "pages-filled", shadow.fills);
    put(s, "guest-pf", shadow.guest_faults);
    put(s, "mmio", shadow.mmio);
    put(s, "fast-path", vcpu->pv_page != NULL ? vcpu->pv_page->fast_hits : 0);
}

/* The virtio devices' requests (blk only with a disk=): the same in every mode. */
static void virtio_figures(const vmm_t *vmm, vmm_stats_t *s)
{
    const vmm_virtio_t *v = &vmm->virtio;

    put(s, "con-requests", v->console.requests);
    put(s, "rng-requests", v->rng.requests);
    if (v->layout.count > 2) {
        put(s, "blk-reads", v->blk.reads);
        put(s, "blk-writes", v->blk.writes);
        put(s, "blk-flushes", v->blk.flushes);
        put(s, "blk-errors", v->blk.io_errors);
    }
}

void stats_publish(vmm_t *vmm)
{
    vmm_stats_t *s = vmm->stats;

    if (s == NULL) {
        return;
    }
    __atomic_add_fetch(&s->sequence, 1, __ATOMIC_RELEASE); /* odd: being written */
    s->count = 0;
    put(s, "ram-mib", vmm->ram.size >> 20);
    if (vmm->hw.active) {
        hardware_figures(vmm, s);
    } else {
        pv_figures(vmm, s);
    }
    virtio_figures(vmm, s);
    __atomic_add_fetch(&s->sequence, 1, __ATOMIC_RELEASE); /* even: whole */
    vmm->stats_ticks = 0;
    vmm->stats_at = vmm_now(vmm);
}

uint64_t stats_due(const vmm_t *vmm)
{
    return vmm->stats_at + STATS_PERIOD_NS;
}

void stats_tick(vmm_t *vmm)
{
    if (++vmm->stats_ticks >= STATS_TICK_EXITS) {
        stats_publish(vmm);
    }
}
