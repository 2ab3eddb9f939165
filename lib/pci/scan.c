/*
 * Enumeration: a queue of buses, each scanned at most once (a bitmap), starting with bus 0 and
 * the buses of further host bridges at 00:00.1-7, growing by the secondary bus of every bridge
 * whose bus numbers make sense. Nothing read from a device decides how long this runs: at most
 * 256 buses of 32 devices of 8 functions.
 */
#include "internal.h"

#define BUSES        256u
#define CLASS_BRIDGE 0x06u
#define SUB_HOST     0x00u
#define SUB_PCI      0x04u
#define SUB_PCI_SUB  0x09u /* subtractive-decode PCI-to-PCI bridge */

typedef struct {
    uint8_t queue[BUSES];
    unsigned head;
    unsigned tail;
    bool seen[BUSES];
} buses_t;

static void scan_problem(pci_scan_t *result, pci_problem_t problem, const pci_function_t *at)
{
    if (result->problem_count < PCI_SCAN_PROBLEMS_MAX) {
        result->problems[result->problem_count].problem = problem;
        result->problems[result->problem_count].bus = at->bus;
        result->problems[result->problem_count].device = at->device;
        result->problems[result->problem_count].function = at->function;
    }
    result->problem_count++;
}

static void enqueue(buses_t *buses, uint8_t bus)
{
    buses->seen[bus] = true;
    buses->queue[buses->tail++] = bus;
}

/* A bridge's secondary bus, queued if its numbers make sense and it is new. */
static void follow_bridge(const pci_function_t *function, buses_t *buses, pci_scan_t *result)
{
    bool pci_bridge = function->class_code == CLASS_BRIDGE &&
                      (function->subclass == SUB_PCI || function->subclass == SUB_PCI_SUB);
    if (function->header_type != 1 || !pci_bridge) {
        return;
    }
    uint8_t secondary = function->secondary_bus;
    if (secondary == 0 || secondary <= function->bus || secondary > function->subordinate_bus) {
        scan_problem(result, PCI_PROBLEM_BRIDGE_BUS, function);
        return;
    }
    if (buses->seen[secondary]) {
        scan_problem(result, PCI_PROBLEM_BRIDGE_LOOP, function);
        return;
    }
    enqueue(buses, secondary);
}

/* Host bridges at 00:00.f (f > 0) each own bus f. */
static void follow_host_bridge(const pci_function_t *function, buses_t *buses)
{
    if (function->bus == 0 && function->device == 0 && function->function > 0 &&
        function->class_code == CLASS_BRIDGE && function->subclass == SUB_HOST &&
        !buses->seen[function->function]) {
        enqueue(buses, function->function);
    }
}

static void record(pci_scan_t *result, const pci_function_t *function)
{
    if (result->count == result->capacity) {
        result->truncated = true;
        return;
    }
    result->functions[result->count++] = *function;
}

static void scan_bus(const pci_access_t *access, uint8_t bus, bool follow, buses_t *buses,
                     pci_scan_t *result)
{
    pci_function_t function;

    for (uint8_t device = 0; device < PCI_DEVICES_PER_BUS; device++) {
        if (pci_read_function(access, bus, device, 0, &function) != PCI_OK) {
            continue;
        }
        uint8_t functions = function.multifunction ? PCI_FUNCTIONS_MAX : 1;
        for (uint8_t number = 0; number < functions; number++) {
            if (number > 0 && pci_read_function(access, bus, device, number, &function) != PCI_OK) {
                continue;
            }
            record(result, &function);
            if (follow) {
                follow_host_bridge(&function, buses);
                follow_bridge(&function, buses, result);
            }
        }
    }
    result->buses_scanned++;
}

pci_error_t pci_scan(const pci_access_t *access, unsigned flags, pci_function_t *functions,
                     size_t capacity, pci_scan_t *result)
{
    buses_t buses = {.head = 0, .tail = 0};

    if (access == NULL || access->read32 == NULL || result == NULL ||
        (functions == NULL && capacity > 0)) {
        return PCI_ERR_ARGUMENT;
    }
    *result = (pci_scan_t){.functions = functions, .capacity = capacity};
    if (flags & PCI_SCAN_ALL_BUSES) {
        for (unsigned bus = 0; bus < BUSES; bus++) {
            scan_bus(access, (uint8_t)bus, false, &buses, result);
        }
        return PCI_OK;
    }
    enqueue(&buses, 0);
    while (buses.head < buses.tail) {
        scan_bus(access, buses.queue[buses.head++], true, &buses, result);
    }
    return PCI_OK;
}
