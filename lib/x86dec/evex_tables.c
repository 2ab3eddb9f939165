#include "internal.h"
x86dec_status_t evex_check(x86dec_ctx_t *c) { (void)c; return X86DEC_ERR_INVALID; }
