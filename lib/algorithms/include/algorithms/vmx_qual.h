/* vmx_qual: decoders for VT-x exit qualifications (Intel SDM Vol. 3, "Exit Qualification for
 * Control-Register Accesses", "... for MOV DR", "... for I/O Instructions"). The qualification
 * comes from hardware via the kernel; every reserved bit and unused encoding is rejected
 * rather than guessed around. */
#ifndef ALGORITHMS_VMX_QUAL_H
#define ALGORITHMS_VMX_QUAL_H

#include <stdbool.h>
#include <stdint.h>

#include <algorithms/alg_error.h>

/* Control-register access qualification layout. */
#define VMX_CR_QUAL_CR_MASK     0xfull /* 3:0 control register number */
#define VMX_CR_QUAL_TYPE_SHIFT  4u     /* 5:4 access type */
#define VMX_CR_QUAL_TYPE_MASK   (3ull << 4)
#define VMX_CR_QUAL_LMSW_MEMORY (1ull << 6) /* 6 LMSW operand: 0 register, 1 memory */
#define VMX_CR_QUAL_GPR_SHIFT   8u          /* 11:8 general-purpose register */
#define VMX_CR_QUAL_GPR_MASK    (0xfull << 8)
#define VMX_CR_QUAL_LMSW_SHIFT  16u /* 31:16 LMSW source data */
#define VMX_CR_QUAL_LMSW_MASK   (0xffffull << 16)
#define VMX_CR_QUAL_RESERVED    0xffffffff0000f080ull /* 7, 15:12, 63:32 */

typedef enum vmx_cr_access_type {
    VMX_CR_MOV_TO = 0,
    VMX_CR_MOV_FROM = 1,
    VMX_CR_CLTS = 2,
    VMX_CR_LMSW = 3,
} vmx_cr_access_type_t;

typedef struct vmx_cr_access {
    uint8_t cr;         /* 0, 3, 4 or 8 for MOV; 0 for CLTS and LMSW */
    uint8_t type;       /* vmx_cr_access_type_t */
    uint8_t gpr;        /* MOV: x86 register number (see vcpu_gpr_slot); else 0 */
    bool lmsw_memory;   /* LMSW: operand was in memory (guest linear address is valid) */
    uint16_t lmsw_data; /* LMSW: source operand */
} vmx_cr_access_t;

/* Errors: MALFORMED when a reserved bit is set, MOV names a control register other than
 * 0/3/4/8 (the only ones whose accesses exit), or a field is non-zero where the SDM says it is
 * cleared for that access type. `out` is unchanged on error. */
alg_error_t vmx_cr_access_decode(uint64_t qualification, vmx_cr_access_t *out);

/* MOV DR qualification layout. */
#define VMX_DR_QUAL_DR_MASK   0x7ull      /* 2:0 debug register number */
#define VMX_DR_QUAL_FROM      (1ull << 4) /* 4 direction: 0 MOV to DR, 1 MOV from DR */
#define VMX_DR_QUAL_GPR_SHIFT 8u
#define VMX_DR_QUAL_GPR_MASK  (0xfull << 8)
#define VMX_DR_QUAL_RESERVED  0xfffffffffffff0e8ull /* 3, 7:5, 63:12 */

typedef struct vmx_dr_access {
    uint8_t dr;
    bool from_dr; /* true: MOV reg, DRn (read); false: MOV DRn, reg (write) */
    uint8_t gpr;
} vmx_dr_access_t;

/* Errors: MALFORMED (reserved bits set). */
alg_error_t vmx_dr_access_decode(uint64_t qualification, vmx_dr_access_t *out);

/* I/O instruction qualification layout. */
#define VMX_IO_QUAL_SIZE_MASK  0x7ull      /* 2:0 size: 0 = 1 byte, 1 = 2 bytes, 3 = 4 bytes */
#define VMX_IO_QUAL_IN         (1ull << 3) /* 3 direction: 0 OUT, 1 IN */
#define VMX_IO_QUAL_STRING     (1ull << 4) /* 4 INS/OUTS */
#define VMX_IO_QUAL_REP        (1ull << 5) /* 5 REP prefixed */
#define VMX_IO_QUAL_IMMEDIATE  (1ull << 6) /* 6 operand encoding: 0 DX, 1 immediate */
#define VMX_IO_QUAL_PORT_SHIFT 16u         /* 31:16 port */
#define VMX_IO_QUAL_PORT_MASK  (0xffffull << 16)
#define VMX_IO_QUAL_RESERVED   0xffffffff0000ff80ull /* 15:7, 63:32 */

typedef struct vmx_io_access {
    uint8_t size; /* bytes: 1, 2 or 4 */
    bool in;
    bool string;
    bool rep;
    bool immediate;
    uint16_t port;
} vmx_io_access_t;

/* Errors: MALFORMED (reserved bits set, or an unused size encoding 2 or 4..7). */
alg_error_t vmx_io_decode(uint64_t qualification, vmx_io_access_t *out);

#endif
