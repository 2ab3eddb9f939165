/*
 * ACPI tables for user space: the RSDP (ACPI 1.0 and 2.0+), the RSDT/XSDT, the MADT, the HPET
 * table, the FADT and the \_S5 sleep type in the DSDT, read through the caller's memory callback
 * (user space reaches physical memory only through frames it has mapped). Freestanding: no libc,
 * no heap, no mutable globals; reentrant.
 *
 * Firmware tables are external input: every length is checked against its table and against
 * ACPI_TABLE_LENGTH_MAX before it is used, every checksum is verified, every entry is checked
 * against the length its type needs, and nothing is read but through the callback, only inside
 * the table being parsed. Results go into the caller's structures: fixed arrays with counts and a
 * "truncated" flag when the firmware lists more than they hold. Errors are acpi_error_t values;
 * an acpi_where_t (optional) names the table and the byte offset of the field at fault.
 * docs/parsers.md lists every check.
 */
#ifndef ACPI_ACPI_H
#define ACPI_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_RSDP_V1_LENGTH   20
#define ACPI_RSDP_V2_LENGTH   36
#define ACPI_RSDP_LENGTH_MAX  64
#define ACPI_HEADER_LENGTH    36
#define ACPI_TABLE_LENGTH_MAX (4u << 20) /* no table this library reads is longer */
#define ACPI_TABLES_MAX       32         /* root table entries kept */
#define ACPI_LAPICS_MAX       64
#define ACPI_IOAPICS_MAX      8
#define ACPI_OVERRIDES_MAX    16
#define ACPI_NMI_SOURCES_MAX  8
#define ACPI_LAPIC_NMIS_MAX   16
#define ACPI_UID_ALL          0xffffffffu /* a local APIC NMI entry for every processor */

/*
 * Copy len bytes of physical memory at paddr into out; 0 on success, anything else if that
 * memory cannot be read (not mapped, not RAM, past the end). The library never asks for more
 * than one table's bytes at a time, and never for a range that wraps around 2^64.
 */
typedef int (*acpi_read_fn)(void *ctx, uint64_t paddr, void *out, size_t len);

typedef struct {
    acpi_read_fn read;
    void *ctx;
} acpi_memory_t;

typedef enum {
    ACPI_OK = 0,
    ACPI_ERR_ARGUMENT,      /* a NULL pointer or an impossible request */
    ACPI_ERR_READ,          /* the memory callback failed, or the range wraps around 2^64 */
    ACPI_ERR_SIGNATURE,     /* not the signature expected there */
    ACPI_ERR_CHECKSUM,      /* the bytes do not sum to 0 modulo 256 */
    ACPI_ERR_LENGTH,        /* a length shorter than its structure, or above the maximum */
    ACPI_ERR_ENTRY_SIZE,    /* a root table not a header plus whole entries; a MADT entry of
                              length 0 or 1, or shorter than its type needs */
    ACPI_ERR_ENTRY_OUTSIDE, /* a MADT entry that runs past the end of the table */
    ACPI_ERR_LOOP,          /* a pointer into the table that holds it, or to a root table */
    ACPI_ERR_NULL_ADDRESS,  /* address 0 where a table must be */
    ACPI_ERR_DUPLICATE,     /* a table listed twice, a second LAPIC address override */
    ACPI_ERR_FIELD,         /* a field with a value that cannot be right (see docs) */
    ACPI_ERR_NOT_FOUND,     /* no such table in the root table, no \_S5 in the DSDT */
    ACPI_ERROR_COUNT
} acpi_error_t;

/* Where a problem is: the table's address and signature, and the offset of the field. */
typedef struct {
    uint64_t address;
    char signature[5]; /* "RSDP", "RSDT", "APIC", ...; "" when not known */
    uint32_t offset;
} acpi_where_t;

/* A static sentence for an error. */
const char *acpi_error_string(acpi_error_t error);

/* A memory callback over one buffer that holds physical memory [base, base + size). */
typedef struct {
    const uint8_t *bytes;
    size_t size;
    uint64_t base;
} acpi_buffer_t;

int acpi_buffer_read(void *ctx, uint64_t paddr, void *out, size_t len); /* ctx: acpi_buffer_t */

/* ---- RSDP -------------------------------------------------------------------------------- */

typedef struct {
    uint8_t revision; /* 0 for ACPI 1.0; 2 and above have the XSDT fields */
    char oem_id[7];
    uint32_t rsdt_address;
    uint64_t xsdt_address; /* 0 for revision < 2 */
    uint32_t length;       /* ACPI_RSDP_V1_LENGTH for revision < 2 */
} acpi_rsdp_t;

/*
 * An RSDP given as bytes (as the kernel copies it into the boot info: seL4_X86_ACPI_RSDP):
 * signature, the checksum of the first 20 bytes, and for revision 2 and above the length and the
 * extended checksum, which must fit in size.
 */
acpi_error_t acpi_rsdp_parse(const uint8_t *bytes, size_t size, acpi_rsdp_t *out,
                             acpi_where_t *where);

/* The same for an RSDP in physical memory: 20 bytes read, then the rest for revision >= 2. */
acpi_error_t acpi_rsdp_read(const acpi_memory_t *memory, uint64_t paddr, acpi_rsdp_t *out,
                            acpi_where_t *where);

/* ---- table headers and the root table ---------------------------------------------------- */

typedef struct {
    uint64_t address;
    char signature[5];
    uint32_t length;
    uint8_t revision;
    char oem_id[7];
    char oem_table_id[9];
} acpi_header_t;

/*
 * The header of the table at paddr, with its length (36 to ACPI_TABLE_LENGTH_MAX) and its
 * checksum over all of it checked; its signature too when signature is not NULL.
 */
acpi_error_t acpi_table_header(const acpi_memory_t *memory, uint64_t paddr, const char *signature,
                               acpi_header_t *out, acpi_where_t *where);

typedef struct {
    acpi_header_t header; /* valid when status is ACPI_OK (address always) */
    acpi_error_t status;  /* this table's own problem; the others are still listed */
} acpi_table_entry_t;

typedef struct {
    bool xsdt;            /* 64-bit entries */
    acpi_header_t header; /* the RSDT or XSDT itself */
    acpi_table_entry_t tables[ACPI_TABLES_MAX];
    size_t count;   /* entries in tables[] */
    size_t entries; /* entries in the firmware's table */
    bool truncated; /* entries > ACPI_TABLES_MAX */
} acpi_root_t;

/*
 * The XSDT when the RSDP gives one (revision >= 2, address not 0), else the RSDT. The root table
 * must be valid; each entry's table is checked on its own (acpi_table_header) and its status
 * kept: address 0, a table inside the root table itself or another root table (ACPI_ERR_LOOP),
 * an address listed before (ACPI_ERR_DUPLICATE), or the header's own errors.
 */
acpi_error_t acpi_root_read(const acpi_memory_t *memory, const acpi_rsdp_t *rsdp, acpi_root_t *out,
                            acpi_where_t *where);
acpi_error_t acpi_root_read_at(const acpi_memory_t *memory, uint64_t paddr, bool xsdt,
                               acpi_root_t *out, acpi_where_t *where);

/* The address of the nth valid table (0: the first) with that signature. */
acpi_error_t acpi_find_table(const acpi_root_t *root, const char *signature, size_t nth,
                             uint64_t *address);

/* ---- MADT -------------------------------------------------------------------------------- */

typedef enum {
    ACPI_POLARITY_BUS = 0, /* conforms to the bus */
    ACPI_POLARITY_HIGH = 1,
    ACPI_POLARITY_RESERVED = 2,
    ACPI_POLARITY_LOW = 3,
} acpi_polarity_t;

typedef enum {
    ACPI_TRIGGER_BUS = 0,
    ACPI_TRIGGER_EDGE = 1,
    ACPI_TRIGGER_RESERVED = 2,
    ACPI_TRIGGER_LEVEL = 3,
} acpi_trigger_t;

typedef struct {
    uint32_t uid;     /* ACPI processor UID */
    uint32_t apic_id; /* x2APIC entries have 32-bit IDs */
    bool enabled;
    bool online_capable;
    bool x2apic; /* from a type 9 entry */
} acpi_lapic_t;

typedef struct {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
} acpi_ioapic_t;

typedef struct {
    uint8_t bus;    /* 0: ISA */
    uint8_t source; /* the bus's IRQ */
    uint32_t gsi;
    uint16_t flags; /* MPS INTI flags, decoded below */
    acpi_polarity_t polarity;
    acpi_trigger_t trigger;
} acpi_override_t;

typedef struct {
    uint32_t gsi;
    uint16_t flags;
    acpi_polarity_t polarity;
    acpi_trigger_t trigger;
} acpi_nmi_source_t;

typedef struct {
    uint32_t uid; /* ACPI_UID_ALL for every processor */
    uint8_t lint; /* LINT0 or LINT1 */
    uint16_t flags;
    acpi_polarity_t polarity;
    acpi_trigger_t trigger;
    bool x2apic; /* from a type 10 entry */
} acpi_lapic_nmi_t;

typedef struct {
    uint64_t lapic_address; /* the 32-bit field, or the type 5 override */
    bool lapic_address_overridden;
    uint32_t flags;
    bool pcat_compat; /* dual 8259 PICs present */
    acpi_lapic_t lapics[ACPI_LAPICS_MAX];
    size_t lapic_count;
    bool lapics_truncated;
    acpi_ioapic_t ioapics[ACPI_IOAPICS_MAX];
    size_t ioapic_count;
    bool ioapics_truncated;
    acpi_override_t overrides[ACPI_OVERRIDES_MAX];
    size_t override_count;
    bool overrides_truncated;
    acpi_nmi_source_t nmi_sources[ACPI_NMI_SOURCES_MAX];
    size_t nmi_source_count;
    bool nmi_sources_truncated;
    acpi_lapic_nmi_t lapic_nmis[ACPI_LAPIC_NMIS_MAX];
    size_t lapic_nmi_count;
    bool lapic_nmis_truncated;
    size_t unknown_entries; /* entries of other types, skipped by their length */
} acpi_madt_t;

acpi_error_t acpi_madt_read(const acpi_memory_t *memory, uint64_t paddr, acpi_madt_t *out,
                            acpi_where_t *where);

/* ---- HPET and FADT ----------------------------------------------------------------------- */

typedef struct {
    uint64_t base_address; /* system memory */
    uint8_t hardware_revision;
    uint8_t comparators; /* 1 to 32 */
    bool counter_64bit;
    bool legacy_replacement;
    uint16_t vendor_id;
    uint8_t number;
    uint16_t minimum_tick; /* in counter ticks, for periodic mode */
    uint8_t page_protection;
} acpi_hpet_t;

acpi_error_t acpi_hpet_read(const acpi_memory_t *memory, uint64_t paddr, acpi_hpet_t *out,
                            acpi_where_t *where);

#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO     1
#define ACPI_SPACE_PCI    2

/* A generic address structure; address 0 means absent. */
typedef struct {
    uint8_t space; /* ACPI_SPACE_* */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
} acpi_gas_t;

typedef struct {
    uint8_t revision;
    uint32_t length;
    uint64_t dsdt; /* X_DSDT when present and not 0, else DSDT */
    uint64_t facs; /* X_FIRMWARE_CTRL likewise; 0 when none */
    uint16_t sci_interrupt;
    uint32_t smi_command;
    uint8_t acpi_enable;
    uint8_t acpi_disable;
    /* Each block: its X_ form when the table has it and it is not 0, else the 32-bit port. */
    acpi_gas_t pm1a_event;
    acpi_gas_t pm1b_event;
    acpi_gas_t pm1a_control;
    acpi_gas_t pm1b_control;
    acpi_gas_t pm_timer;
    uint8_t pm1_event_length;
    uint8_t pm1_control_length;
    uint8_t pm_timer_length;
    uint32_t flags;
    bool pm_timer_32bit;   /* TMR_VAL_EXT */
    bool hardware_reduced; /* HW_REDUCED_ACPI */
    bool reset_supported;  /* RESET_REG_SUP and a table long enough to hold it */
    acpi_gas_t reset_register;
    uint8_t reset_value;
    uint16_t boot_architecture; /* IAPC_BOOT_ARCH (0 before ACPI 2.0) */
} acpi_fadt_t;

acpi_error_t acpi_fadt_read(const acpi_memory_t *memory, uint64_t paddr, acpi_fadt_t *out,
                            acpi_where_t *where);

/* ---- the S5 (soft off) sleep type -------------------------------------------------------- */

typedef struct {
    uint8_t type_a; /* SLP_TYPa for PM1a_CNT (3 bits) */
    uint8_t type_b; /* SLP_TYPb for PM1b_CNT */
} acpi_sleep_type_t;

/*
 * The \_S5 package of the DSDT at paddr (checked as a table first): a NameOp for _S5_ (with or
 * without a root prefix) followed by a package of at least two integer constants, each 0 to 7.
 * A scan of the AML bytes, not an interpreter: a _S5 computed by a method is not found.
 */
acpi_error_t acpi_sleep_type_s5(const acpi_memory_t *memory, uint64_t paddr, acpi_sleep_type_t *out,
                                acpi_where_t *where);

#endif
