/*
 * The patch scanner's cost on real kernels: each ELF file is loaded as the VMM would load it
 * (the entries QEMU would boot it at, its function symbols, identity regions for the 32-bit
 * entry code), scanned several times, and the minimum and median wall-clock time printed with
 * what the scan found (reached bytes, instructions decoded, sites by kind). A benchmark, not a
 * test: it checks only that every scan succeeds and finds the same as the first.
 *   usage: bench-pv-scan [-r runs] [-e entries-file] ELF...
 * An entries file (one hexadecimal address a line) gives 64-bit function entries to an image
 * without symbols (bench/pv-scan/run.sh makes one from objdump's direct call targets).
 */
#include "patch_guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CAPACITY (1u << 20)
#define RUNS_MAX 101

static double seconds_now(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

static size_t entries_from_file(patch_guest_t *guest, const char *path)
{
    FILE *file = fopen(path, "r");
    unsigned long long address;
    size_t count = 0;

    if (file == NULL) {
        fprintf(stderr, "bench-pv-scan: cannot read %s\n", path);
        exit(1);
    }
    while (fscanf(file, "%llx", &address) == 1) {
        patch_guest_entry(guest, address, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_SYMBOL);
        count++;
    }
    fclose(file);
    return count;
}

static void report(const char *path, const patch_guest_t *guest, size_t extra, double *times,
                   int runs)
{
    const pv_patch_result_t *result = &guest->result;
    const pv_patch_stats_t *stats = &result->stats;
    uint64_t region_bytes = 0;
    uint64_t reached = 0;
    uint64_t decoded =
            stats->instructions[PV_PATCH_MODE_64] + stats->instructions[PV_PATCH_MODE_32];

    for (size_t i = 0; i < guest->region_count; i++) {
        region_bytes += guest->regions[i].length;
        reached += stats->bytes_reached[i];
    }
    qsort(times, (size_t)runs, sizeof(times[0]), compare_doubles);
    printf("%s: %zu regions (%.1f MiB), %zu entries (%zu from the entries file)\n", path,
           guest->region_count, (double)region_bytes / 1048576.0, guest->entry_count, extra);
    printf("  reached %llu bytes (%.1f%% of the regions), %llu instructions (%llu 64-bit, %llu "
           "32-bit), %llu far transfers followed, %llu indirect\n",
           (unsigned long long)reached, 100.0 * (double)reached / (double)region_bytes,
           (unsigned long long)decoded, (unsigned long long)stats->instructions[0],
           (unsigned long long)stats->instructions[1], (unsigned long long)stats->far_followed,
           (unsigned long long)stats->indirect);
    printf("  %zu sites:", result->site_count);
    for (unsigned kind = PV_PATCH_KIND_CLI; kind < PV_PATCH_KIND_COUNT; kind++) {
        printf(" %s %llu", pv_patch_kind_name((pv_patch_kind_t)kind),
               (unsigned long long)stats->sites_by_kind[kind]);
    }
    printf("; %llu privileged left to fault; %zu conflicts (%zu breaking a patch), %zu notes, "
           "%zu unreached ranges\n",
           (unsigned long long)stats->privileged, result->conflict_count,
           result->conflicts_breaking, result->note_count, result->unreached_count);
    printf("  scan: %.2f ms minimum, %.2f ms median of %d; %.1f ns per instruction decoded\n",
           times[0] * 1e3, times[runs / 2] * 1e3, runs, times[0] * 1e9 / (double)decoded);
}

static int bench_image(const char *path, const char *entries_path, int runs)
{
    patch_guest_t guest;
    elf_image_t image;
    uint8_t *file = NULL;
    size_t count = 0;
    size_t extra = 0;
    size_t first_sites = 0;
    double times[RUNS_MAX];

    if (!patch_guest_load_elf(&guest, path, &image, &file, CAPACITY)) {
        return 1;
    }
    if (pv_patch_regions_from_elf(&image, PV_PATCH_ELF_IDENTITY, guest.regions,
                                  PV_PATCH_REGIONS_MAX, &guest.region_count) != PV_PATCH_OK ||
        pv_patch_entries_from_elf(&image, patch_guest_boot_flags(&image), guest.entries,
                                  guest.entry_capacity, &count) != PV_PATCH_OK) {
        fprintf(stderr, "bench-pv-scan: %s: no regions or entries\n", path);
        return 1;
    }
    guest.entry_count = count;
    if (entries_path != NULL &&
        (count == 0 || guest.entries[count - 1].origin != PV_PATCH_ORIGIN_SYMBOL)) {
        extra = entries_from_file(&guest, entries_path);
    }
    for (int run = 0; run < runs; run++) {
        double start = seconds_now();
        pv_patch_error_t error = patch_guest_scan(&guest);
        times[run] = seconds_now() - start;
        if (error != PV_PATCH_OK) {
            fprintf(stderr, "bench-pv-scan: %s: %s\n", path, pv_patch_error_string(error));
            return 1;
        }
        if (run == 0) {
            first_sites = guest.result.site_count;
        } else if (guest.result.site_count != first_sites) {
            fprintf(stderr, "bench-pv-scan: %s: another scan found other sites\n", path);
            return 1;
        }
    }
    report(path, &guest, extra, times, runs);
    patch_guest_free(&guest);
    free(file);
    return 0;
}

int main(int argc, char **argv)
{
    const char *entries_path = NULL;
    int runs = 5;
    int option;
    int status = 0;

    while ((option = getopt(argc, argv, "r:e:h")) != -1) {
        switch (option) {
        case 'r':
            runs = atoi(optarg);
            break;
        case 'e':
            entries_path = optarg;
            break;
        default:
            fprintf(stderr, "usage: bench-pv-scan [-r runs] [-e entries-file] ELF...\n");
            return option == 'h' ? 0 : 2;
        }
    }
    if (runs < 1 || runs > RUNS_MAX || optind == argc) {
        fprintf(stderr, "usage: bench-pv-scan [-r runs (1-%d)] [-e entries-file] ELF...\n",
                RUNS_MAX);
        return 2;
    }
    for (int i = optind; i < argc; i++) {
        status |= bench_image(argv[i], entries_path, runs);
    }
    return status;
}
