/*
 * COM1's input for a running VM: the shell's bytes go into the input ring of the VM's boot page
 * and the VMM is signalled. init never waits for a VMM here (a subverted one may never answer):
 * it writes what fits and trusts nothing the VMM wrote back.
 */
#include "vm_console.h"

bool vm_console_wire(vm_run_t *run)
{
    return vm_run_signal_make(run, VMM_BIT_CONSOLE_INPUT, &run->console_signal, "console input");
}

seL4_Word vm_console_room(const vm_run_t *run)
{
    const volatile vmm_console_ring_t *ring = &run->boot->console_input;
    seL4_Word head = ring->head;
    seL4_Word tail = __atomic_load_n(&run->boot->console_input.tail, __ATOMIC_ACQUIRE);
    seL4_Word used = head - tail;

    /* A tail ahead of head wraps to a huge `used`: the same answer as a scribbled one. */
    return used > VMM_CONSOLE_RING_BYTES ? 0 : VMM_CONSOLE_RING_BYTES - used;
}

void vm_console_put(vm_run_t *run, const seL4_Uint8 *bytes, seL4_Word length)
{
    vmm_console_ring_t *ring = &run->boot->console_input;
    seL4_Word head = ring->head;

    for (seL4_Word i = 0; i < length; i++) {
        ring->bytes[(head + i) % VMM_CONSOLE_RING_BYTES] = bytes[i];
    }
    __atomic_store_n(&ring->head, head + length, __ATOMIC_RELEASE);
    seL4_Signal(run->console_signal);
}
