/* VT-x exit-qualification decoders for CR access, MOV DR and I/O instructions.
 * Validate everything first, write the output last, so a rejected value changes nothing. */
#include <algorithms/vmx_qual.h>

alg_error_t vmx_cr_access_decode(uint64_t qualification, vmx_cr_access_t *out)
{
    if ((qualification & VMX_CR_QUAL_RESERVED) != 0) {
        return ALG_ERR_MALFORMED;
    }
    vmx_cr_access_t d = {
            .cr = (uint8_t)(qualification & VMX_CR_QUAL_CR_MASK),
            .type = (uint8_t)((qualification & VMX_CR_QUAL_TYPE_MASK) >> VMX_CR_QUAL_TYPE_SHIFT),
            .gpr = (uint8_t)((qualification & VMX_CR_QUAL_GPR_MASK) >> VMX_CR_QUAL_GPR_SHIFT),
            .lmsw_memory = (qualification & VMX_CR_QUAL_LMSW_MEMORY) != 0,
            .lmsw_data =
                    (uint16_t)((qualification & VMX_CR_QUAL_LMSW_MASK) >> VMX_CR_QUAL_LMSW_SHIFT),
    };
    bool is_mov = d.type == VMX_CR_MOV_TO || d.type == VMX_CR_MOV_FROM;
    if (is_mov) {
        bool cr_exits = d.cr == 0 || d.cr == 3 || d.cr == 4 || d.cr == 8;
        if (!cr_exits || d.lmsw_memory || d.lmsw_data != 0) {
            return ALG_ERR_MALFORMED;
        }
    } else {
        /* CLTS and LMSW: CR number and GPR fields are cleared; LMSW fields only for LMSW. */
        bool lmsw = d.type == VMX_CR_LMSW;
        if (d.cr != 0 || d.gpr != 0 || (!lmsw && (d.lmsw_memory || d.lmsw_data != 0))) {
            return ALG_ERR_MALFORMED;
        }
    }
    *out = d;
    return ALG_OK;
}

alg_error_t vmx_dr_access_decode(uint64_t qualification, vmx_dr_access_t *out)
{
    if ((qualification & VMX_DR_QUAL_RESERVED) != 0) {
        return ALG_ERR_MALFORMED;
    }
    out->dr = (uint8_t)(qualification & VMX_DR_QUAL_DR_MASK);
    out->from_dr = (qualification & VMX_DR_QUAL_FROM) != 0;
    out->gpr = (uint8_t)((qualification & VMX_DR_QUAL_GPR_MASK) >> VMX_DR_QUAL_GPR_SHIFT);
    return ALG_OK;
}

alg_error_t vmx_io_decode(uint64_t qualification, vmx_io_access_t *out)
{
    static const uint8_t sizes[8] = {1, 2, 0, 4, 0, 0, 0, 0}; /* 0 = unused encoding */
    uint8_t size = sizes[qualification & VMX_IO_QUAL_SIZE_MASK];
    if ((qualification & VMX_IO_QUAL_RESERVED) != 0 || size == 0) {
        return ALG_ERR_MALFORMED;
    }
    out->size = size;
    out->in = (qualification & VMX_IO_QUAL_IN) != 0;
    out->string = (qualification & VMX_IO_QUAL_STRING) != 0;
    out->rep = (qualification & VMX_IO_QUAL_REP) != 0;
    out->immediate = (qualification & VMX_IO_QUAL_IMMEDIATE) != 0;
    out->port = (uint16_t)((qualification & VMX_IO_QUAL_PORT_MASK) >> VMX_IO_QUAL_PORT_SHIFT);
    return ALG_OK;
}
