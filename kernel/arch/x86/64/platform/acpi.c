/*
 * ACPI discovery: RSDP from the loader or the BIOS areas, the RSDT/XSDT walk with per-table
 * checksums, the DSDT through the FADT, and the MADT. Reads memory only where the memory map
 * says something is (or below 1 MiB), so a bad pointer can never touch MMIO.
 */
#include "bytes.h"
#include <arch/acpi.h>
#include <arch/boot_section.h>
#include <arch/phys.h>

#define LOW_MEMORY_END        0x100000u
#define BDA_EBDA_SEGMENT      0x40e
#define EBDA_SCAN_BYTES       1024
#define BIOS_AREA_START       0xe0000u
#define BIOS_F_SEGMENT        0xf0000u
#define EBDA_LOWEST           0x80000u
#define VGA_WINDOW_START      0xa0000u
#define BIOS_AREA_END         0x100000u
#define RSDP_RSDT_ADDRESS     16
#define RSDP_LENGTH           20
#define RSDP_XSDT_ADDRESS     24
#define RSDP_REVISION         15
#define RSDP_OEM_ID           9
#define FADT_DSDT             40
#define FADT_X_DSDT           140
#define FADT_PM_TMR_BLK       76
#define FADT_FLAGS            112
#define FADT_X_PM_TMR_BLK     208 /* generic address structure: space id, ..., 64-bit address */
#define FADT_FLAG_TMR_VAL_EXT (1u << 8)
#define GAS_SPACE_IO          1
#define TABLE_MAX_LENGTH      (16u << 20)
#define IOAPIC_WINDOW_BYTES   0x20
#define PAGE_MASK             0xfffull

static acpi_info_t *acpi_result;

/* The even and the odd bytes of a word, each spread into 16-bit lanes. */
#define BYTE_LANES 0x00ff00ff00ff00ffull
/* A word adds at most 2 * 255 to a lane, so 128 words keep every lane below 2^16. */
#define LANE_WORDS_MAX 128u

/*
 * Eight bytes per step (summed in 16-bit lanes, folded every LANE_WORDS_MAX words), then the
 * tail byte by byte: a fifth of the instructions of a byte loop, and tables such as the DSDT
 * run to kilobytes. Never reads past length.
 */
bool acpi_checksum_ok(const uint8_t *bytes, size_t length)
{
    uint64_t total = 0;
    size_t at = 0;

    while (length - at >= 8) {
        size_t words = (length - at) / 8;
        uint64_t lanes = 0;
        if (words > LANE_WORDS_MAX) {
            words = LANE_WORDS_MAX;
        }
#pragma GCC unroll 4
        for (size_t i = 0; i < words; i++, at += 8) {
            uint64_t word = load_u64(bytes + at);
            lanes += (word & BYTE_LANES) + ((word >> 8) & BYTE_LANES);
        }
        total += (lanes & 0xffff) + ((lanes >> 16) & 0xffff) + ((lanes >> 32) & 0xffff) +
                 (lanes >> 48);
    }
    for (; at < length; at++) {
        total += bytes[at];
    }
    return (total & 0xff) == 0;
}

size_t acpi_rsdp_validate(const uint8_t *bytes, size_t available)
{
    static const char signature[8] = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' '};

    if (available < ACPI_RSDP_V1_SIZE) {
        return 0;
    }
    for (int i = 0; i < 8; i++) {
        if (bytes[i] != (uint8_t)signature[i]) {
            return 0;
        }
    }
    if (!acpi_checksum_ok(bytes, ACPI_RSDP_V1_SIZE)) {
        return 0;
    }
    if (bytes[RSDP_REVISION] < 2) {
        return ACPI_RSDP_V1_SIZE;
    }
    if (available < ACPI_RSDP_V2_SIZE || load_u32(bytes + RSDP_LENGTH) < ACPI_RSDP_V2_SIZE ||
        !acpi_checksum_ok(bytes, ACPI_RSDP_V2_SIZE)) {
        return 0;
    }
    return ACPI_RSDP_V2_SIZE;
}

/* Map [phys, phys + length) only where the firmware says there is memory (or in the first MiB). */
BOOT_CODE static const uint8_t *acpi_map(const boot_params_t *params, uint64_t phys,
                                         uint64_t length)
{
    bool low = phys < LOW_MEMORY_END && length <= LOW_MEMORY_END - phys;
    if (!low && !memory_map_covers(&params->memory_map, phys, length)) {
        return NULL;
    }
    return phys_map(phys, length);
}

/* Copy a valid RSDP found at phys into info; false when there is none there. */
BOOT_CODE static bool rsdp_take(const boot_params_t *params, acpi_info_t *info, uint64_t phys)
{
    const uint8_t *bytes = acpi_map(params, phys, ACPI_RSDP_V2_SIZE);
    size_t available = ACPI_RSDP_V2_SIZE;

    if (bytes == NULL) {
        bytes = acpi_map(params, phys, ACPI_RSDP_V1_SIZE);
        available = ACPI_RSDP_V1_SIZE;
    }
    if (bytes == NULL) {
        return false;
    }
    size_t size = acpi_rsdp_validate(bytes, available);
    if (size == 0) {
        return false;
    }
    for (size_t i = 0; i < ACPI_RSDP_V2_SIZE; i++) {
        info->rsdp[i] = i < size ? bytes[i] : 0;
    }
    info->rsdp_phys = phys;
    return true;
}

/* "RSD PTR " as one little-endian word. */
#define RSDP_SIGNATURE_WORD 0x2052545020445352ull
#define RSDP_ALIGNMENT      16

/*
 * Index of the first of count words at area equal to value, or count when none is. One string
 * instruction: where a hypervisor emulates every instruction (and charges each memory access),
 * it costs a fraction of a loop's compare, add and branch per word. Direction flag clear, as the
 * C calling convention guarantees.
 */
BOOT_CODE static size_t word_find(const volatile uint64_t *area, size_t count, uint64_t value)
{
    const volatile uint64_t *cursor = area;
    size_t left = count;

    if (count == 0) {
        return 0;
    }
    __asm__ volatile("repne scasq" : "+D"(cursor), "+c"(left) : "a"(value) : "memory", "cc");
    /* The scan stops one word past a match, or past the end without one. */
    size_t last = (size_t)(cursor - area) - 1;
    return area[last] == value ? last : count;
}

BOOT_CODE static bool rsdp_scan(const boot_params_t *params, acpi_info_t *info, uint64_t start,
                                uint64_t end)
{
    const volatile uint64_t *area = phys_map(start, end - start);
    size_t words = (end - start) / 8;
    size_t next = 0;

    if (area == NULL) {
        return false;
    }
    /*
     * The signature sits on a 16-byte boundary: find the next word that matches anywhere, then
     * check alignment and the whole structure.
     */
    while (next < words) {
        size_t found = next + word_find(area + next, words - next, RSDP_SIGNATURE_WORD);
        uint64_t offset = (uint64_t)found * 8;
        if (found == words) {
            break;
        }
        if (offset % RSDP_ALIGNMENT == 0 && offset + ACPI_RSDP_V1_SIZE <= end - start &&
            rsdp_take(params, info, start + offset)) {
            return true;
        }
        next = found + 1;
    }
    return false;
}

/*
 * The BIOS area 0xE0000-0xFFFFF, the F segment first: firmware puts the RSDP there (SeaBIOS,
 * qboot, the Bochs BIOS all do), and each candidate read may trap to a hypervisor.
 */
BOOT_CODE static bool rsdp_scan_bios_area(const boot_params_t *params, acpi_info_t *info)
{
    return rsdp_scan(params, info, BIOS_F_SEGMENT, BIOS_AREA_END) ||
           rsdp_scan(params, info, BIOS_AREA_START, BIOS_F_SEGMENT);
}

BOOT_CODE static platform_error_t rsdp_find(const boot_params_t *params, acpi_info_t *info)
{
    if (params->rsdp_copy_valid) {
        /*
         * Multiboot2 hands over a copy. Prefer the firmware's own RSDP when the BIOS areas hold
         * one (its address outlives the loader's structures); else keep the copy's address.
         */
        size_t size = acpi_rsdp_validate(params->rsdp_copy, BOOT_RSDP_COPY_SIZE);
        if (size == 0) {
            return PLATFORM_ERROR_CHECKSUM;
        }
        if (rsdp_scan_bios_area(params, info)) {
            return PLATFORM_OK;
        }
        for (size_t i = 0; i < ACPI_RSDP_V2_SIZE; i++) {
            info->rsdp[i] = i < size ? params->rsdp_copy[i] : 0;
        }
        info->rsdp_phys = params->rsdp_phys;
        return PLATFORM_OK;
    }
    if (params->rsdp_phys != 0) {
        return rsdp_take(params, info, params->rsdp_phys) ? PLATFORM_OK : PLATFORM_ERROR_CHECKSUM;
    }
    const uint8_t *bda = phys_map(BDA_EBDA_SEGMENT, 2);
    uint64_t ebda = bda == NULL ? 0 : (uint64_t)load_u16(bda) << 4;
    /* The EBDA's first KiB, stopping short of the VGA window (MMIO) above it. */
    uint64_t ebda_end =
            ebda + EBDA_SCAN_BYTES < VGA_WINDOW_START ? ebda + EBDA_SCAN_BYTES : VGA_WINDOW_START;
    if (ebda >= EBDA_LOWEST && ebda < VGA_WINDOW_START && rsdp_scan(params, info, ebda, ebda_end)) {
        return PLATFORM_OK;
    }
    if (rsdp_scan_bios_area(params, info)) {
        return PLATFORM_OK;
    }
    return PLATFORM_ERROR_NOT_FOUND;
}

/* Map a whole table after checking its header: length sane and checksum right. */
BOOT_CODE static const uint8_t *table_map(const boot_params_t *params, uint64_t phys,
                                          platform_error_t *error)
{
    const uint8_t *header = acpi_map(params, phys, ACPI_HEADER_SIZE);
    if (phys == 0 || header == NULL) {
        *error = PLATFORM_ERROR_UNMAPPED;
        return NULL;
    }
    uint32_t length = load_u32(header + 4);
    if (length < ACPI_HEADER_SIZE || length > TABLE_MAX_LENGTH) {
        *error = PLATFORM_ERROR_MALFORMED;
        return NULL;
    }
    const uint8_t *table = acpi_map(params, phys, length);
    if (table == NULL) {
        *error = PLATFORM_ERROR_UNMAPPED;
        return NULL;
    }
    if (!acpi_checksum_ok(table, length)) {
        *error = PLATFORM_ERROR_CHECKSUM;
        return NULL;
    }
    *error = PLATFORM_OK;
    return table;
}

BOOT_CODE static bool signature_is(const uint8_t *table, const char *signature)
{
    const uint8_t *expected = (const uint8_t *)signature;

    return table[0] == expected[0] && table[1] == expected[1] && table[2] == expected[2] &&
           table[3] == expected[3];
}

BOOT_CODE static platform_error_t table_record(acpi_info_t *info, const uint8_t *table,
                                               uint64_t phys)
{
    if (info->table_count == ACPI_TABLES_MAX) {
        return PLATFORM_ERROR_TOO_MANY;
    }
    acpi_table_t *entry = &info->tables[info->table_count++];
    for (int i = 0; i < 4; i++) {
        entry->signature[i] = (char)table[i];
    }
    entry->signature[4] = '\0';
    entry->phys = phys;
    entry->length = load_u32(table + 4);
    entry->revision = table[8];
    return PLATFORM_OK;
}

/* The DSDT is not in the root table: the FADT points at it. */
BOOT_CODE static platform_error_t dsdt_record(const boot_params_t *params, acpi_info_t *info,
                                              const uint8_t *fadt)
{
    uint32_t length = load_u32(fadt + 4);
    uint64_t dsdt = length >= FADT_DSDT + 4 ? load_u32(fadt + FADT_DSDT) : 0;
    platform_error_t error;

    if (length >= FADT_X_DSDT + 8 && load_u64(fadt + FADT_X_DSDT) != 0) {
        dsdt = load_u64(fadt + FADT_X_DSDT);
    }
    if (dsdt == 0) {
        return PLATFORM_OK;
    }
    const uint8_t *table = table_map(params, dsdt, &error);
    if (table == NULL || !signature_is(table, "DSDT")) {
        info->bad_tables++;
        return PLATFORM_OK;
    }
    return table_record(info, table, dsdt);
}

/* The power-management timer: a 3.579545 MHz counter that starts at power-on. */
BOOT_CODE static void pm_timer_record(acpi_info_t *info, const uint8_t *fadt)
{
    uint32_t length = load_u32(fadt + 4);
    uint64_t port = length >= FADT_PM_TMR_BLK + 4 ? load_u32(fadt + FADT_PM_TMR_BLK) : 0;

    if (length >= FADT_X_PM_TMR_BLK + 12 && fadt[FADT_X_PM_TMR_BLK] == GAS_SPACE_IO &&
        load_u64(fadt + FADT_X_PM_TMR_BLK + 4) != 0) {
        port = load_u64(fadt + FADT_X_PM_TMR_BLK + 4);
    }
    if (port == 0 || port > 0xfffc) {
        return;
    }
    info->pm_timer_port = (uint16_t)port;
    info->pm_timer_32bit =
            length >= FADT_FLAGS + 4 && (load_u32(fadt + FADT_FLAGS) & FADT_FLAG_TMR_VAL_EXT) != 0;
}

/*
 * No IOAPIC's register page in usable RAM: the kernel writes redirection entries there at boot,
 * and would write them into memory it hands out or holds itself. (Reserved regions are fine:
 * firmware often lists the IOAPIC pages as reserved.)
 */
BOOT_CODE static bool madt_ioapics_outside_ram(const boot_params_t *params, const madt_info_t *madt)
{
    const memory_map_t *map = &params->memory_map;

    for (size_t i = 0; i < madt->ioapic_count; i++) {
        uint64_t start = madt->ioapics[i].address & ~PAGE_MASK;
        uint64_t end =
                ((uint64_t)madt->ioapics[i].address + IOAPIC_WINDOW_BYTES + PAGE_MASK) & ~PAGE_MASK;
        for (size_t r = 0; r < map->count; r++) {
            if (map->regions[r].type == MEMORY_USABLE && map->regions[r].start < end &&
                start < map->regions[r].end) {
                return false;
            }
        }
    }
    return true;
}

BOOT_CODE static platform_error_t root_walk(const boot_params_t *params, acpi_info_t *info,
                                            const uint8_t *root, bool with_dsdt)
{
    size_t entry_size = info->using_xsdt ? 8 : 4;
    size_t count = (load_u32(root + 4) - ACPI_HEADER_SIZE) / entry_size;
    platform_error_t error;

    for (size_t i = 0; i < count; i++) {
        const uint8_t *slot = root + ACPI_HEADER_SIZE + i * entry_size;
        uint64_t phys = info->using_xsdt ? load_u64(slot) : load_u32(slot);
        const uint8_t *table = table_map(params, phys, &error);
        if (table == NULL) {
            info->bad_tables++;
            continue;
        }
        error = table_record(info, table, phys);
        if (error == PLATFORM_OK && signature_is(table, "FACP")) {
            pm_timer_record(info, table);
            if (with_dsdt) {
                error = dsdt_record(params, info, table);
            }
        }
        if (error == PLATFORM_OK && signature_is(table, "APIC") && !info->madt_found) {
            error = madt_parse(table, load_u32(table + 4), &info->madt);
            if (error == PLATFORM_OK && !madt_ioapics_outside_ram(params, &info->madt)) {
                error = PLATFORM_ERROR_MALFORMED;
            }
            info->madt_found = error == PLATFORM_OK;
        }
        if (error != PLATFORM_OK) {
            return error;
        }
    }
    return PLATFORM_OK;
}

BOOT_CODE platform_error_t acpi_init(const boot_params_t *params, acpi_info_t *info, bool with_dsdt)
{
    platform_error_t error;
    const uint8_t *root;
    uint64_t root_phys;

    info->table_count = 0;
    info->bad_tables = 0;
    info->madt_found = false;
    error = rsdp_find(params, info);
    if (error != PLATFORM_OK) {
        return error;
    }
    info->rsdp_revision = info->rsdp[RSDP_REVISION];
    for (int i = 0; i < 6; i++) {
        uint8_t c = info->rsdp[RSDP_OEM_ID + i];
        info->oem_id[i] = (char)(c >= 0x20 && c < 0x7f ? c : '?');
    }
    info->oem_id[6] = '\0';
    info->using_xsdt = info->rsdp_revision >= 2 && load_u64(info->rsdp + RSDP_XSDT_ADDRESS) != 0;
    root_phys = info->using_xsdt ? load_u64(info->rsdp + RSDP_XSDT_ADDRESS)
                                 : load_u32(info->rsdp + RSDP_RSDT_ADDRESS);
    root = table_map(params, root_phys, &error);
    if (root == NULL) {
        return error;
    }
    if (!signature_is(root, info->using_xsdt ? "XSDT" : "RSDT")) {
        return PLATFORM_ERROR_MALFORMED;
    }
    error = root_walk(params, info, root, with_dsdt);
    if (error != PLATFORM_OK) {
        return error;
    }
    acpi_result = info;
    return info->madt_found ? PLATFORM_OK : PLATFORM_ERROR_NOT_FOUND;
}

const acpi_info_t *acpi_info(void)
{
    return acpi_result;
}

BOOT_CODE static const uint8_t *table_map_unchecked(const boot_params_t *params, uint64_t phys)
{
    const uint8_t *header = phys != 0 ? acpi_map(params, phys, ACPI_HEADER_SIZE) : NULL;
    uint32_t length = header != NULL ? load_u32(header + 4) : 0;

    if (length < ACPI_HEADER_SIZE || length > TABLE_MAX_LENGTH) {
        return NULL;
    }
    return acpi_map(params, phys, length);
}

BOOT_CODE void acpi_for_each_table(const boot_params_t *params, acpi_table_visit_t visit,
                                   void *context)
{
    const acpi_info_t *info = acpi_result;
    uint64_t root = info->using_xsdt ? load_u64(info->rsdp + RSDP_XSDT_ADDRESS)
                                     : load_u32(info->rsdp + RSDP_RSDT_ADDRESS);
    const uint8_t *table = table_map_unchecked(params, root);

    if (table != NULL) {
        visit(context, root, load_u32(table + 4), table);
    }
    for (size_t i = 0; i < info->table_count; i++) {
        table = table_map_unchecked(params, info->tables[i].phys);
        if (table == NULL) {
            continue;
        }
        visit(context, info->tables[i].phys, info->tables[i].length, table);
        if (signature_is(table, "FACP")) {
            uint32_t length = load_u32(table + 4);
            uint64_t dsdt = length >= FADT_DSDT + 4 ? load_u32(table + FADT_DSDT) : 0;
            if (length >= FADT_X_DSDT + 8 && load_u64(table + FADT_X_DSDT) != 0) {
                dsdt = load_u64(table + FADT_X_DSDT);
            }
            const uint8_t *body = table_map_unchecked(params, dsdt);
            if (body != NULL && signature_is(body, "DSDT")) {
                visit(context, dsdt, load_u32(body + 4), body);
            }
        }
    }
}
