/*
 * The reference table of privileged and sensitive x86-64 instructions (64-bit mode), written
 * from the Intel SDM and the AMD APM, and what the decoder must say about each encoding: its
 * length as each vendor decodes it, its class, how a VMM hosting a deprivileged (CPL 3) guest
 * kernel handles it, and its mnemonic class. Test data only: nothing here runs in the VMM.
 */
#ifndef X86DEC_TEST_PRIVILEGED_TABLE_H
#define X86DEC_TEST_PRIVILEGED_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <x86dec/x86dec.h>

/* Class, as x86dec_insn_t.flags must report it. */
typedef enum {
    TABLE_NEITHER = 0, /* neither flag */
    TABLE_PRIVILEGED,  /* X86DEC_F_PRIVILEGED: #GP or #UD at CPL 3 */
    TABLE_IOPL,        /* X86DEC_F_PRIVILEGED | X86DEC_F_IOPL: faults at CPL 3 while IOPL < 3 */
    TABLE_SENSITIVE,   /* X86DEC_F_SENSITIVE: runs at CPL 3, reveals or changes virtualised state */
} table_class_t;

/* What a VMM running the guest kernel at CPL 3 does with it. */
typedef enum {
    TABLE_NATIVE = 0, /* runs unmodified */
    TABLE_MMIO,       /* runs unmodified; emulated when it faults on emulated device memory */
    TABLE_EMULATE,    /* emulated: after its own fault, or after the load-time scan patched it */
    TABLE_REFLECT,    /* the guest gets the fault a CPU without the feature gives (#UD or #GP) */
    TABLE_DELIVER,    /* a deliberate trap: delivered to the guest's own handler */
} table_disposition_t;

/* Rows the reference decoder (Zydis 4.0) cannot judge: tests/host/x86dec/oracle.c lists them. */
#define TABLE_EXCLUDED_INTEL 1u
#define TABLE_EXCLUDED_AMD   2u
#define TABLE_EXCLUDED_BOTH  (TABLE_EXCLUDED_INTEL | TABLE_EXCLUDED_AMD)

typedef struct {
    const char *bytes; /* the encoding, hex bytes separated by spaces */
    const char *text;  /* Intel syntax */
    uint8_t intel;     /* length as Intel decodes it; 0: no instruction (#UD) */
    uint8_t amd;       /* length as AMD decodes it */
    uint8_t cls;       /* table_class_t (only for valid encodings) */
    uint8_t disposition;
    uint16_t mnemonic; /* x86dec_mnemonic_t */
    uint8_t quirk;     /* X86DEC_OPT_* that gives an Intel decode AMD's length, or 0 */
    uint8_t excluded;  /* TABLE_EXCLUDED_* */
    const char *source;
} table_row_t;

extern const table_row_t privileged_table[];
extern const size_t privileged_table_rows;

#endif
