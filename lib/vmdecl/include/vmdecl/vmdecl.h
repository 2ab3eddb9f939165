/*
 * VM declarations: the command lines of boot modules, read by init to learn which VMs to make.
 * Freestanding: no libc, no heap, no mutable globals; reentrant. Input is any NUL-terminated
 * string; nothing is read past its NUL, nothing written past the caller's structures.
 *
 * A module's command line is `PATH [key=value ...]`: the first word is the module's file path as
 * the loader gives it (QEMU: the file as given to -initrd; GRUB: what tools/mkiso.sh writes), then
 * key=value words separated by spaces or tabs. A value is either bare (no space, no quote, no
 * backslash) or a double-quoted string in which \" and \\ stand for " and \ (no other escape).
 * Keys are lowercase; each may appear once. Control characters are refused in values.
 *
 * A module with vm=NAME declares a VM whose kernel is the module itself:
 *   vm=NAME             1-15 of [a-z0-9-], starting with a letter
 *   mode=pv|vtx|svm|auto   how the VM runs (default auto)
 *   mem=SIZE            bytes, with an optional K, M or G suffix (either case); a whole number of
 *                       MiB from 2M to 64G (default 64M)
 *   vcpus=N             1 to 16 (default 1)
 *   cmdline="..."       the guest kernel's command line, up to 255 bytes (default empty)
 *   initrd=MODULE       a data module by name, loaded as the guest's initial RAM disk
 *   modules=M[,M...]    up to 4 further data modules by name
 *   autostart=yes|no    start at boot (default yes)
 *   disk=MODULE[:START+COUNT][:ro]  a data module as the guest's virtio-blk disk: the whole
 *                       image or COUNT 512-byte sectors from START, read-only with ":ro"
 *                       (the raw value is kept in `disk`, up to 63 bytes)
 *   disk=dev:N[:START+COUNT][:ro]  the machine's virtio-blk disk N (0-3, as the virtio
 *                       service numbers them) instead, through the virtio service
 *   net=...             reserved: kept as a raw string of up to 63 bytes, not interpreted yet
 * Any other module is data (an initrd, a disk image), named by name=MODULE or else by the last
 * component of its path. A module name is 1-31 of [A-Za-z0-9._-]; a path whose last component is
 * not one leaves the module unnamed. docs/vm-declarations.md has examples.
 *
 *   vmdecl_parse        one command line into a vmdecl_t, or an error naming the key at fault
 *   vmdecl_module_name  the name other declarations refer to a module by
 *   vmdecl_table_build  every module at once: the VMs with their references resolved to module
 *                       indices; one report per module, so a bad declaration is reported while
 *                       the other VMs are still declared
 */
#ifndef VMDECL_VMDECL_H
#define VMDECL_VMDECL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMDECL_NAME_MAX        15  /* VM names */
#define VMDECL_MODULE_NAME_MAX 31  /* module names (a VM name is one too) */
#define VMDECL_CMDLINE_MAX     255 /* the guest's command line, bytes */
#define VMDECL_RAW_MAX         63  /* reserved keys' values */
#define VMDECL_MODULES_MAX     4   /* modules= entries */
#define VMDECL_VMS_MAX         16  /* VMs in a table */
#define VMDECL_VCPUS_MAX       16
#define VMDECL_MEMORY_MIN      (2ull << 20)
#define VMDECL_MEMORY_MAX      (64ull << 30)
#define VMDECL_MEMORY_DEFAULT  (64ull << 20)
#define VMDECL_MEMORY_UNIT     (1ull << 20)
#define VMDECL_FIELD_MAX       15  /* vmdecl_error_t.field */
#define VMDECL_MESSAGE_MAX     127 /* vmdecl_error_t.message */
#define VMDECL_NO_MODULE       SIZE_MAX

typedef enum {
    VMDECL_MODE_AUTO = 0,
    VMDECL_MODE_PV,
    VMDECL_MODE_VTX,
    VMDECL_MODE_SVM,
} vmdecl_mode_t;

typedef enum {
    VMDECL_OK = 0,
    VMDECL_ERR_ARGUMENT,     /* a NULL pointer */
    VMDECL_ERR_EMPTY,        /* no path: an empty or blank command line */
    VMDECL_ERR_SYNTAX,       /* a word that is not key=value, a misplaced quote or backslash */
    VMDECL_ERR_UNTERMINATED, /* a quote never closed */
    VMDECL_ERR_ESCAPE,       /* a backslash before anything but " or \ */
    VMDECL_ERR_UNKNOWN_KEY,
    VMDECL_ERR_DUPLICATE_KEY,
    VMDECL_ERR_NOT_A_VM,       /* a VM's key on a module without vm= (or name= on a VM) */
    VMDECL_ERR_VALUE,          /* a value of the wrong form: size, number, name, mode, yes/no */
    VMDECL_ERR_TOO_LONG,       /* a value longer than its key allows */
    VMDECL_ERR_RANGE,          /* a number outside its key's range */
    VMDECL_ERR_TOO_MANY,       /* more than VMDECL_MODULES_MAX entries in modules= */
    VMDECL_ERR_DUPLICATE_VM,   /* table: a VM name already declared */
    VMDECL_ERR_TOO_MANY_VMS,   /* table: more than VMDECL_VMS_MAX VMs */
    VMDECL_ERR_UNKNOWN_MODULE, /* table: a reference to a name no data module has */
    VMDECL_ERR_AMBIGUOUS,      /* table: a reference to a name several data modules have */
    VMDECL_ERR_NOT_DATA,       /* table: a reference to a VM */
    VMDECL_ERR_REFUSED,        /* table: at least one module was refused (see the reports) */
} vmdecl_status_t;

typedef struct {
    vmdecl_status_t code;
    char field[VMDECL_FIELD_MAX + 1];     /* the key at fault ("mem", "vm", "path"), or "" */
    size_t position;                      /* offset in the command line of the word at fault */
    char message[VMDECL_MESSAGE_MAX + 1]; /* e.g. "mem: 3X is not a size" */
} vmdecl_error_t;

/* disk=NAME[:START+COUNT][:ro]: the disk a VM gets: a data module, or with NAME "dev:N" the
 * machine's disk N (no module is looked up). */
#define VMDECL_MACHINE_DISKS_MAX 4 /* dev:0 .. dev:3 (the virtio service's disk indices) */

typedef struct {
    char name[VMDECL_MODULE_NAME_MAX + 1]; /* the module's, or "dev:N" */
    bool machine;                          /* the machine's disk `device`, not a module */
    uint32_t device;
    bool read_only;
    bool has_range; /* START+COUNT given: COUNT sectors (at least 1) from START */
    uint64_t start;
    uint64_t count;
} vmdecl_disk_t;

typedef struct {
    bool is_vm;
    char name[VMDECL_MODULE_NAME_MAX + 1]; /* vm=, else name=, else the path's last part, or "" */
    /* For a VM (defaults when not given): */
    vmdecl_mode_t mode;
    uint64_t memory; /* bytes */
    uint32_t vcpus;
    bool autostart;
    char cmdline[VMDECL_CMDLINE_MAX + 1];
    char initrd[VMDECL_MODULE_NAME_MAX + 1]; /* "" when none */
    char modules[VMDECL_MODULES_MAX][VMDECL_MODULE_NAME_MAX + 1];
    unsigned module_count;
    char disk[VMDECL_RAW_MAX + 1]; /* the raw value, "" when not given */
    vmdecl_disk_t disk_spec;       /* disk= read (disk_spec.name "" when not given) */
    char net[VMDECL_RAW_MAX + 1];  /* reserved, "" when not given */
} vmdecl_t;

/*
 * Parse one module command line. On VMDECL_OK, *out describes the module (a VM or data) and
 * *err (when not NULL) has code VMDECL_OK and empty strings; otherwise *err says what is wrong
 * and *out is unspecified.
 */
vmdecl_status_t vmdecl_parse(const char *cmdline, vmdecl_t *out, vmdecl_error_t *err);

/*
 * The name others refer to this module by (vm=, name=, or the path's last component when that
 * is a valid module name), copied into name[VMDECL_MODULE_NAME_MAX + 1]; "" for an unnamed data
 * module. Errors as vmdecl_parse.
 */
vmdecl_status_t vmdecl_module_name(const char *cmdline, char *name, vmdecl_error_t *err);

/* A VM of the table: its declaration and the module indices it uses. */
typedef struct {
    vmdecl_t decl;
    size_t module;                      /* the module holding the VM's kernel */
    size_t initrd;                      /* VMDECL_NO_MODULE when none */
    size_t modules[VMDECL_MODULES_MAX]; /* decl.module_count of them */
    size_t disk; /* disk='s data module, VMDECL_NO_MODULE when none or a machine disk */
} vmdecl_vm_t;

typedef struct {
    vmdecl_vm_t vms[VMDECL_VMS_MAX]; /* in module order */
    size_t vm_count;
    size_t refused_count; /* modules refused */
} vmdecl_table_t;

typedef enum {
    VMDECL_MODULE_VM,      /* declared a VM: vms[vm_index] */
    VMDECL_MODULE_DATA,    /* a data module */
    VMDECL_MODULE_REFUSED, /* see error */
} vmdecl_kind_t;

typedef struct {
    vmdecl_kind_t kind;
    size_t vm_index; /* VMDECL_MODULE_VM only */
    vmdecl_error_t error;
} vmdecl_report_t;

/*
 * Parse cmdlines[0, count) (module i's command line; NULL counts as empty), resolve every VM's
 * initrd= and modules= to data modules by name, refuse VMs whose name is taken by an earlier VM
 * and VMs beyond VMDECL_VMS_MAX, and fill reports[0, count). Returns VMDECL_OK when every module
 * was accepted, VMDECL_ERR_REFUSED when some were (the others are still in the table), or
 * VMDECL_ERR_ARGUMENT.
 */
vmdecl_status_t vmdecl_table_build(const char *const *cmdlines, size_t count, vmdecl_table_t *table,
                                   vmdecl_report_t *reports);

/* "auto", "pv", "vtx", "svm" (or "?"). */
const char *vmdecl_mode_name(vmdecl_mode_t mode);

/* The mode named "auto", "pv", "vtx" or "svm" (exactly, lowercase); false for anything else. */
bool vmdecl_mode_from_name(const char *name, vmdecl_mode_t *mode);

/*
 * A VM's mode as the shell and the log show it, into out (capacity bytes, always terminated):
 * "svm" when it runs in the mode it asks for, "auto (svm)" when auto resolved to svm, and
 * "vtx (unavailable)" when resolved is VMDECL_MODE_AUTO: the machine cannot run that mode.
 */
void vmdecl_mode_describe(vmdecl_mode_t requested, vmdecl_mode_t resolved, char *out,
                          size_t capacity);

#endif
