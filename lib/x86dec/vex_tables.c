#include "internal.h"
bool vex_has_modrm(const x86dec_ctx_t *c) { return !(c->map == X86DEC_MAP_0F && c->opcode == 0x77); }
bool xop_has_modrm(const x86dec_ctx_t *c) { (void)c; return true; }
x86dec_status_t vex_check(x86dec_ctx_t *c) { (void)c; return X86DEC_ERR_INVALID; }
x86dec_status_t xop_check(x86dec_ctx_t *c) { (void)c; return X86DEC_ERR_INVALID; }
