/*
 * COM1's input from the shell (docs/vmm.md, devices): init writes the shell's bytes into the
 * boot page's input ring and signals; the bytes go into the guest's UART as its receive FIFO
 * takes them. What the FIFO cannot take stays in the ring until the guest reads.
 */
#include "console_input.h"

void console_input_attach(vmm_t *vmm, vmm_console_ring_t *ring)
{
    vmm->console_input = ring;
}

void console_input_pump(vmm_t *vmm)
{
    vmm_console_ring_t *ring = vmm->console_input;

    if (ring == NULL) {
        return;
    }
    seL4_Word head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
    seL4_Word tail = ring->tail;

    /* head is init's; more than a ring ahead can only be a stale tail of ours: resynchronise
     * rather than feed old bytes. */
    if (head - tail > VMM_CONSOLE_RING_BYTES) {
        tail = head;
    }
    while (tail != head) {
        seL4_Word at = tail % VMM_CONSOLE_RING_BYTES;
        seL4_Word run = VMM_CONSOLE_RING_BYTES - at;
        seL4_Word pending = head - tail;
        size_t length = pending < run ? pending : run;
        size_t taken =
                vdev_platform_console_input(&vmm->platform, &ring->bytes[at], length, vmm_now(vmm));
        tail += taken;
        if (taken < length) {
            break; /* the FIFO is full: the rest when the guest has read */
        }
    }
    __atomic_store_n(&ring->tail, tail, __ATOMIC_RELEASE);
}
